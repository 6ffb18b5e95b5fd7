"""What editors translate, as the registry of guides/translation.py says it: the fields of a
model, the languages, and the columns that hold the translations; and whether each
translation is still true to the English text it was made from.

Every translated model records what each of its translations was made from
(`translation_sources`): per language and text, a short digest of the English text the
translation was made from and one of the translation itself, `"<english>:<translation>"`.
`save()` stamps it: a translation set or changed (its digest no longer matches) is stamped
with the English text of the moment. When the English text changes and the translation is
left as it was, the English digest no longer matches: the translation is outdated, stamped
`":<translation>"` (made from an English text that is no more) until an editor updates it
or confirms it as it is (`confirm_translation`). A translation changed without save()
(`update()`) no longer matches its stamp either, and counts as made from the English beside
it, as save() would stamp it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered, translator

from guides.flow.rules import DEFAULT_QUESTIONS


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


# -- Whether a translation is still true to its English text ----------------------------------


class TextState(models.TextChoices):
    TRANSLATED = "translated", _("translated")
    MISSING = "missing", _("missing")
    OUTDATED = "outdated", _("outdated")


def digest(text: str) -> str:
    """A short digest of a text: enough to tell that it changed."""
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def english_of(obj: models.Model, field: str) -> str:
    """The English text of a translated field, whatever language is active."""
    return getattr(obj, f"{field}_{settings.LANGUAGE_CODE}") or ""


def translation_of(obj: models.Model, field: str, language: str) -> str:
    """The translation of a field into `language`, or "" where there is none. A column holds
    its field's default (a provider's first question in English) when a row is made without
    it: a default is no translation."""
    column = obj._meta.get_field(f"{field}_{language}")
    assert isinstance(column, models.Field)
    value = getattr(obj, column.name) or ""
    return "" if value == column.get_default() else value


def stamp(english: str, translation: str) -> str:
    """What a translation records of its making: the English text it was made from, and
    itself."""
    return f"{digest(english)}:{digest(translation)}"


def outdated_stamp(translation: str) -> str:
    """The stamp of a translation made from an English text that is no more."""
    return f":{digest(translation)}"


def _source(obj: models.Model, field: str, language: str) -> str | None:
    sources = getattr(obj, "translation_sources", None) or {}
    return (sources.get(language) or {}).get(field)


def text_state(obj: models.Model, field: str, language: str) -> TextState | None:
    """Whether the text `field` of `obj` is translated into `language`, missing there, or
    translated from an English text that has changed since. None where there is nothing to
    translate: no English text, or a default question the site's own catalog translates."""
    english = english_of(obj, field)
    translation = translation_of(obj, field, language)
    if not english.strip() or (english in DEFAULT_QUESTIONS and not translation):
        return None
    if not translation:
        return TextState.MISSING
    found = _source(obj, field, language)
    if found is None:
        return TextState.TRANSLATED  # written before stamps were kept, and taken as it is
    made_from, _, made = found.partition(":")
    if made != digest(translation):  # changed since it was stamped: made from this English
        return TextState.TRANSLATED
    return TextState.TRANSLATED if made_from == digest(english) else TextState.OUTDATED


def stamped(obj: models.Model) -> dict[str, dict[str, str]]:
    """`obj`'s translation_sources as save() writes them: each translation set or changed
    since its stamp is stamped with the English text beside it, each outdated one with
    `outdated_stamp`, and the stamps of translations no longer there are dropped."""
    deferred = obj.get_deferred_fields()
    sources: dict[str, dict[str, str]] = {}
    for language in other_languages():
        found: dict[str, str] = {}
        for field in translated_fields(type(obj)):
            columns = {f"{field}_{language}", f"{field}_{settings.LANGUAGE_CODE}"}
            current = _source(obj, field, language)
            if columns & deferred:  # not loaded: as it was
                if current is not None:
                    found[field] = current
                continue
            translation = translation_of(obj, field, language)
            if not translation:
                continue
            if text_state(obj, field, language) == TextState.OUTDATED:
                found[field] = outdated_stamp(translation)
            else:
                found[field] = stamp(english_of(obj, field), translation)
        if found:
            sources[language] = found
    return sources


class TranslationSources(models.Model):
    """A model whose texts are translated (guides/translation.py): what each translation was
    made from, kept up to date on every save (see the module's docstring)."""

    translation_sources = models.JSONField(
        default=dict,
        db_default={},
        blank=True,
        editable=False,
        help_text=_("What each translation was made from: digests of its English text and itself."),
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if "translation_sources" not in self.get_deferred_fields():
            sources = stamped(self)
            if sources != self.translation_sources:
                self.translation_sources = sources
                update_fields: Iterable[str] | None = kwargs.get("update_fields")
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "translation_sources"}
        super().save(*args, **kwargs)


def confirm_translation(obj: TranslationSources, field: str, language: str) -> None:
    """Confirm the translation of `field` into `language` as it is, against the English text
    as it is now: it is no longer outdated. Saves that alone. ValueError where there is no
    such translation."""
    if field not in translated_fields(type(obj)) or language not in other_languages():
        raise ValueError(f"{type(obj).__name__} has no translated text {field!r} in {language!r}")
    translation = translation_of(obj, field, language)
    if not translation:
        raise ValueError(f"{field!r} has no translation into {language!r} to confirm")
    sources = {code: dict(texts) for code, texts in obj.translation_sources.items()}
    sources.setdefault(language, {})[field] = stamp(english_of(obj, field), translation)
    obj.translation_sources = sources
    obj.save(update_fields=["translation_sources"])


# -- What a visitor's page shows -------------------------------------------------------------


class Shown(str):
    """A guide's text as a page in the active language shows it: its translation, or the
    English text where there is none (`fallback`), and, where the translation may be out of
    date, the English text it stands for (`original`)."""

    fallback: bool
    original: str

    def __new__(cls, text: str, *, fallback: bool = False, original: str = "") -> Shown:
        shown = super().__new__(cls, text)
        shown.fallback = fallback
        shown.original = original
        return shown


def shown(obj: models.Model, field: str) -> Shown:
    """The text `field` of `obj` in the active language, as `Shown`: the translation, or the
    English text where there is none. Whether a translation is outdated is read from the row
    as loaded: a query that left its translation_sources out flags none."""
    language = get_language() or settings.LANGUAGE_CODE
    english = english_of(obj, field)
    if language not in other_languages():
        return Shown(english)
    translation = translation_of(obj, field, language)
    if not translation:
        return Shown(english, fallback=bool(english))
    if (
        "translation_sources" not in obj.get_deferred_fields()
        and text_state(obj, field, language) == TextState.OUTDATED
    ):
        return Shown(translation, original=english)
    return Shown(translation)
