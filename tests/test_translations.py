"""The interface's catalogs (locale/): complete in every shipped language, and the compiled
.mo files committed beside them say exactly what their .po files say, so a fresh clone runs
without gettext. After editing a .po file: `make messages` compiles it (with gettext)."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
SHIPPED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
CATALOGS = [(code, domain) for code in SHIPPED for domain in ("django", "djangojs")]


def catalog(code: str, domain: str) -> polib.POFile:
    path = LOCALE / code / "LC_MESSAGES" / f"{domain}.po"
    assert path.exists(), f"no {domain} catalog for {code}"
    return polib.pofile(str(path))


def entries(found) -> dict:
    """msgctxt, msgid and plural → translation(s), for every live entry."""
    out = {}
    for entry in found:
        if entry.obsolete or not entry.msgid:
            continue
        key = (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")
        if entry.msgid_plural:
            out[key] = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            out[key] = entry.msgstr
    return out


@pytest.mark.parametrize(("code", "domain"), CATALOGS)
def test_every_entry_is_translated_and_none_is_fuzzy(code, domain):
    po = catalog(code, domain)
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"{code}/{domain}: not translated: {untranslated}"
    assert not fuzzy, f"{code}/{domain}: fuzzy: {fuzzy}"
    for entry in po:
        if entry.msgid_plural:
            assert all(entry.msgstr_plural.values()), f"{code}: a plural form missing"


@pytest.mark.parametrize(("code", "domain"), CATALOGS)
def test_the_compiled_catalog_matches_its_source(code, domain):
    po = catalog(code, domain)
    mo = polib.mofile(str(LOCALE / code / "LC_MESSAGES" / f"{domain}.mo"))
    assert entries(mo) == entries(po), f"{code}/{domain}.mo is stale: run make messages"


@pytest.mark.parametrize("code", SHIPPED)
def test_placeholders_survive_translation(code):
    """A translation names the placeholders of its source (a missing or misspelt one would
    raise at the moment a visitor reads the page)."""
    for entry in catalog(code, "django"):
        if "python-format" not in entry.flags:
            continue
        sources = [entry.msgid, entry.msgid_plural or entry.msgid]
        names = set().union(*(placeholders(text) for text in sources))
        for translated in [entry.msgstr, *entry.msgstr_plural.values()]:
            if translated:
                assert placeholders(translated) <= names, (code, entry.msgid, translated)


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)[sd]", text))


@pytest.mark.parametrize("code", SHIPPED)
def test_django_reads_the_catalogs(code):
    with translation.override(code):
        assert translation.gettext("Skip to content") != "Skip to content"
