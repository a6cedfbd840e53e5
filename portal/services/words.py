"""Words that depend on whom they speak of: Russian says «заселена» of her, «заселён» of him.

The person's grammatical gender comes from their profile (``User.gender``: "female", "male" or unsaid);
unsaid, the neutral form is used, a wording that fits everyone («заезд состоялся»), never «заселён(а)».
Each form is its own catalogue entry: the same msgid under the contexts "<context>", "<context> female"
and "<context> male", so English keeps one word and Russian has three.
"""
from __future__ import annotations

from typing import Any

GENDERS = ("female", "male")


def gender_of(person) -> str | None:
    """The person's grammatical gender as the profile says it, or None when unsaid (or no person)."""
    value = getattr(person, "gender", None)
    return value if value in GENDERS else None


def gendered(person, neutral: Any, female: Any, male: Any) -> str:
    """The form of a word that speaks of ``person``: hers, his, or the neutral one when unknown."""
    return str({"female": female, "male": male}.get(gender_of(person), neutral))
