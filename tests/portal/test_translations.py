"""Every user-visible string is in the Russian catalogue, translated and not fuzzy."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = dict(DEFAULT_KEYWORDS, _l=None, lazy_gettext=None, lazy_pgettext=((1, "c"), 2))
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]


def _catalogues():
    """(source folder, Russian catalogue): the core's, then each plugin's."""
    yield ROOT / "portal", ROOT / "translations" / "ru" / "LC_MESSAGES" / "messages.po"
    for plugin in sorted((ROOT / "plugins").glob("*/")):
        if (plugin / "__init__.py").exists() and plugin.name != "__pycache__":
            yield plugin, plugin / "translations" / "ru" / "LC_MESSAGES" / "messages.po"


CATALOGUES = list(_catalogues())


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle, locale="ru")


@pytest.mark.parametrize("source, po_path", CATALOGUES, ids=[p.parent.name for p, _ in CATALOGUES])
def test_russian_catalogue_has_no_empty_or_fuzzy_entries(source, po_path):
    assert po_path.exists(), f"{po_path} is missing"
    catalog = _read(po_path)
    bad = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            bad.append(message.id)
    assert not bad, f"untranslated or fuzzy in {po_path.relative_to(ROOT)}: {bad}"


@pytest.mark.parametrize("source, po_path", CATALOGUES, ids=[p.parent.name for p, _ in CATALOGUES])
def test_every_string_in_the_source_is_in_the_catalogue(source, po_path):
    catalog = _read(po_path)
    missing = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(source), method_map=METHODS, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid and catalog.get(msgid, context=context) is None:
            missing.add(msgid if context is None else f"{context}|{msgid}")
    assert not missing, (
        f"strings not in {po_path.relative_to(ROOT)}; run `make translations-update` and translate: "
        f"{sorted(missing)}"
    )


def _languages():
    return sorted(folder.name for folder in (ROOT / "translations").iterdir()
                  if (folder / "LC_MESSAGES" / "messages.po").exists())


@pytest.mark.parametrize("language", _languages())
def test_one_catalogue_never_changes_another_s_words(language):
    """Flask-Babel merges the catalogues into one (a later one wins for the same msgid and msgctxt),
    so a msgid two catalogues translate differently shows one catalogue's words on the other's page.
    Where the meaning differs, the plugin's string carries a context (the plugin's name)."""
    words = defaultdict(dict)
    for _source, ru_path in CATALOGUES:
        po_path = ru_path.parents[2] / language / "LC_MESSAGES" / "messages.po"
        if not po_path.exists():
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            if message.id:
                # An empty msgstr shows the msgid itself.
                shown = message.string if any(message.string) else message.id
                words[(message.context, message.id)][str(po_path.relative_to(ROOT))] = shown
    clashes = {f"{context}|{msgid}" if context else str(msgid): where
               for (context, msgid), where in words.items() if len(set(map(str, where.values()))) > 1}
    assert not clashes, f"{len(clashes)} msgids translated differently in two catalogues: {clashes}"


def test_pages_speak_russian_by_default_and_english_on_request(client, regions):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="ru">' in page and "Регионы" in page
    client.post("/language", data={"language": "en", "next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Regions" in page
