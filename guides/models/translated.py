"""What editors translate, as the registry of guides/translation.py says it: the fields of a
model, the languages, and the columns that hold the translations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from modeltranslation.translator import NotRegistered, translator


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


def translation_columns(model: type[models.Model]) -> list[str]:
    """The columns of `model` that hold translations (`title_de`, …), not the source's."""
    return [f"{field}_{code}" for field in translated_fields(model) for code in other_languages()]


def source_columns(model: type[models.Model]) -> list[str]:
    """The English column of each translated field (`title_en`): the field itself (`title`)
    reads and writes it in English, so a form or a comparison names the field, not both."""
    return [f"{field}_{settings.LANGUAGE_CODE}" for field in translated_fields(model)]
