"""The translations of a guide's texts in guide files (docs/format.md): beside an object's
English texts, `translations` maps each other language to the texts translated into it,
by the names of the model's fields (guides/translation.py says which are translated).

    title: Open Settings
    translations:
      de: {title: Öffnen Sie die Einstellungen}

A provider's aliases are a list, as in English. A text with no translation is left out,
and a language with none at all: an export says only what there is.
"""

from __future__ import annotations

from django.db import models

from guides.models.translated import other_languages, translated_fields

LIST_FIELDS = {"aliases"}  # one entry per line in the database, a list in a file


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def texts_of(obj: models.Model) -> dict[str, dict]:
    """The translations of `obj`, for its entry in a file: language → field → text."""
    found: dict[str, dict] = {}
    for code in other_languages():
        texts: dict = {}
        for field in translated_fields(type(obj)):
            column = obj._meta.get_field(f"{field}_{code}")
            assert isinstance(column, models.Field)
            value = getattr(obj, column.name)
            # A column takes its field's default (the first question's English words) when
            # a row is made without it: a default is no translation.
            if not value or value == column.get_default():
                continue
            texts[field] = _lines(value) if field in LIST_FIELDS else value
        if texts:
            found[code] = texts
    return found


def columns_of(model: type[models.Model], entry: dict) -> dict[str, str | None]:
    """The translation columns of `model` an entry sets: every one of them, those the file
    leaves out emptied, so a file says all the translations there are."""
    given = entry.get("translations") or {}
    columns: dict[str, str | None] = {}
    for code in other_languages():
        texts = given.get(code) or {}
        for field in translated_fields(model):
            value = texts.get(field)
            if value and field in LIST_FIELDS:
                value = "\n".join(value)
            columns[f"{field}_{code}"] = value or None
    return columns
