"""The translations of a guide's texts in guide files (docs/format.md): beside an object's
English texts, `translations` maps each other language to the texts translated into it,
by the names of the model's fields (guides/translation.py says which are translated), and
`outdated` lists those translated from an English text that has changed since
(guides/models/translated.py).

    title: Open Settings
    translations:
      de:
        title: Öffnen Sie die Einstellungen
        body: Tippen Sie auf Einstellungen.
        outdated: [body]

A provider's aliases are a list, as in English. A text with no translation is left out,
and a language with none at all: an export says only what there is.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import models

from guides.files.documents import Document, Where
from guides.models.translated import (
    TextState,
    other_languages,
    outdated_stamp,
    stamp,
    text_state,
    translated_fields,
    translation_of,
)

LIST_FIELDS = {"aliases"}  # one entry per line in the database, a list in a file
OUTDATED = "outdated"  # the key, beside a language's texts, that lists its outdated ones


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def texts_of(obj: models.Model) -> dict[str, dict]:
    """The translations of `obj`, for its entry in a file: language → field → text, and
    the outdated ones."""
    found: dict[str, dict] = {}
    for code in other_languages():
        texts: dict = {}
        outdated = []
        for field in translated_fields(type(obj)):
            value = translation_of(obj, field, code)
            if not value:
                continue
            texts[field] = _lines(value) if field in LIST_FIELDS else value
            if text_state(obj, field, code) == TextState.OUTDATED:
                outdated.append(field)
        if outdated:
            texts[OUTDATED] = outdated
        if texts:
            found[code] = texts
    return found


def with_translations(model: type[models.Model], entry: dict, values: dict) -> dict:
    """`values`, the English texts (and the rest) of a row an entry sets, with the
    translation columns the entry sets (every one of them: those it leaves out emptied, so
    a file says all the translations there are) and what each translation was made from:
    the English text beside it, or, where the entry says it is outdated, an English text
    that is no more."""
    given = entry.get("translations") or {}
    columns: dict[str, str | None] = {}
    sources: dict[str, dict[str, str]] = {}
    for code in other_languages():
        texts = given.get(code) or {}
        outdated = set(texts.get(OUTDATED, ()))
        for field in translated_fields(model):
            value = texts.get(field)
            if value and field in LIST_FIELDS:
                value = "\n".join(value)
            columns[f"{field}_{code}"] = value or None
            if value:
                made = outdated_stamp(value) if field in outdated else stamp(values[field], value)
                sources.setdefault(code, {})[field] = made
    return {**values, **columns, "translation_sources": sources}


def _entries(data, where: Where) -> Iterator[tuple[dict, Where]]:
    """Every mapping in a document, with where it is."""
    if isinstance(data, dict):
        yield data, where
        for key, value in data.items():
            if key != "translations":
                yield from _entries(value, where / key)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _entries(value, where / index)


def outdated_problems(document: Document) -> list[str]:
    """An `outdated` text that the same language does not translate: nothing there to be
    outdated (the schema has checked that each names a text that may be translated)."""
    problems = []
    for entry, where in _entries(document.data, Where(document)):
        translations = entry.get("translations")
        if not isinstance(translations, dict):
            continue
        for code, texts in translations.items():
            for index, field in enumerate(texts.get(OUTDATED, ())):
                if field not in texts:
                    at = where.at("translations", code, OUTDATED, index)
                    problems.append(
                        f"{at}: translations: {code}: outdated: {field!r} has no {code} "
                        "translation here to be outdated"
                    )
    return problems
