"""Russian first names and their everyday forms, to find one graduate entered twice.

A record typed as «Настя Иванова» and another as «Анастасия Иванова», born the same day, are most
likely the same person. The table is small on purpose: the common names of graduates' years of
birth and the forms a specialist actually writes down (not every endearment a language has).
"""
from __future__ import annotations

from plugins.casework.models import name_key

#: The full name -> forms people go by (all lower case, ё written as е).
FORMS: dict[str, tuple[str, ...]] = {
    "александр": ("саша", "саня", "шура", "алекс"),
    "александра": ("саша", "саня", "шура"),
    "алексей": ("леша", "алеша", "леха"),
    "анастасия": ("настя", "настена", "ася"),
    "анатолий": ("толя", "толик"),
    "андрей": ("андрюша", "дрюша"),
    "анна": ("аня", "анюта", "нюра"),
    "антон": ("тоша", "антоша"),
    "валентина": ("валя",),
    "валерия": ("лера",),
    "василий": ("вася",),
    "виктор": ("витя",),
    "виктория": ("вика",),
    "владимир": ("вова", "володя"),
    "владислав": ("влад", "владик", "слава"),
    "вячеслав": ("слава",),
    "галина": ("галя",),
    "георгий": ("гоша", "жора", "егор"),
    "дарья": ("даша", "дарина"),
    "денис": ("дэн", "дениска"),
    "дмитрий": ("дима", "митя", "димон"),
    "евгений": ("женя",),
    "евгения": ("женя",),
    "екатерина": ("катя", "катерина", "катюша"),
    "елена": ("лена", "аленка"),
    "елизавета": ("лиза",),
    "иван": ("ваня",),
    "ирина": ("ира",),
    "кирилл": ("киря",),
    "константин": ("костя",),
    "ксения": ("ксюша", "оксана"),
    "людмила": ("люда", "мила"),
    "максим": ("макс",),
    "маргарита": ("рита",),
    "мария": ("маша", "маруся", "марья"),
    "михаил": ("миша",),
    "надежда": ("надя",),
    "наталья": ("наташа", "наталия", "ната"),
    "никита": ("никитос",),
    "николай": ("коля",),
    "олег": ("олежка",),
    "ольга": ("оля",),
    "павел": ("паша",),
    "полина": ("поля",),
    "роман": ("рома",),
    "светлана": ("света",),
    "сергей": ("сережа", "серега"),
    "софья": ("софия", "соня"),
    "станислав": ("стас", "слава"),
    "татьяна": ("таня",),
    "юлия": ("юля",),
    "юрий": ("юра",),
    "ярослав": ("ярик", "слава"),
}

_FULL_OF: dict[str, set[str]] = {}
for _full, _forms in FORMS.items():
    for _form in (_full, *_forms):
        _FULL_OF.setdefault(_form, set()).add(_full)


def first_name_forms(first: str) -> set[str]:
    """The full names a first name may stand for (itself when it is in no list)."""
    key = name_key(first)
    return _FULL_OF.get(key, {key})


def same_first_name(one: str, other: str) -> bool:
    return bool(first_name_forms(one) & first_name_forms(other)) or within_one_edit(name_key(one), name_key(other))


def within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance ≤ 1 (a typo: one letter added, dropped or changed), without the full table."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:]
    return a[i:] == b[i + 1:]


def similar_surname(one: str, other: str) -> bool:
    """The same surname typed with one letter off (also Иванов/Иванова: the same family)."""
    return within_one_edit(name_key(one), name_key(other))
