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

from django.conf import settings
from django.db import models
from modeltranslation.translator import NotRegistered, translator

LIST_FIELDS = {"aliases"}  # one entry per line in the database, a list in a file


def other_languages() -> list[str]:
    """The languages a text may be translated into: all but the source (English)."""
    return [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def translated_fields(model: type[models.Model]) -> list[str]:
    """The fields of `model` that editors translate, in the model's order (the registry keeps
    them unordered, and a file must say them in the same order every time)."""
    try:
        translated = translator.get_options_for_model(model).all_fields
    except NotRegistered:
        return []
    return [field.name for field in model._meta.fields if field.name in translated]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def texts_of(obj: models.Model) -> dict[str, dict]:
    """The translations of `obj`, for its entry in a file: language → field → text."""
    found: dict[str, dict] = {}
    for code in other_languages():
        texts: dict = {}
        for field in translated_fields(type(obj)):
            value = getattr(obj, f"{field}_{code}")
            if value and field in LIST_FIELDS:
                texts[field] = _lines(value)
            elif value:
                texts[field] = value
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
