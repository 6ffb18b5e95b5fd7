"""A text and its translations, edited side by side (guides/translation.py says which texts
are translated): each text keeps its own field (`title`, which reads and writes its English
column), and each translation is a field of its own beside it (`title_de`, `title_fr`,
`title_es`), labelled with its language ("Title (German)"). The English column (`title_en`)
is never a second field: two fields for one column would save one over the other.

A change form shows a text and its translations as one row of its fieldset; a tabular inline
shows them in one cell, the translations under the text (the template
admin/guides/edit_inline/tabular_texts.html). A translation may be empty: visitors then read
the English text. It is checked as its text is (the phone guard and the length, in the
model's clean), and it is an ordinary field to the lost-update protection (edit_token.py),
the history and the undo.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import get_language_info, gettext

from guides.admin.regions import regions_formfield
from guides.models.translated import (
    other_languages,
    source_columns,
    translated_fields,
    translation_columns,
)


def _field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def column_labels(model: type[models.Model]) -> dict[str, str]:
    """Each translation column of `model` by the name an editor reads, in the active language:
    `title_de` → "Title (German)"."""
    labels = {}
    for name in translated_fields(model):
        text = capfirst(_field(model, name).verbose_name)
        for code in other_languages():
            language = get_language_info(code)["name_translated"]
            labels[f"{name}_{code}"] = gettext("%(text)s (%(language)s)") % {
                "text": text,
                "language": language,
            }
    return labels


def named_in_history(model: type[models.Model]) -> dict[str, str]:
    """How the history and the undo (guides/publishing/undo.py) name a translation column,
    after the column's own verbose name ("Title [de]"), → its label ("Title (German)")."""
    return {
        str(_field(model, column).verbose_name).capitalize(): label
        for column, label in column_labels(model).items()
    }


def named(model: type[models.Model], names: Iterable[str]) -> list[str]:
    """Fields of `model` as a sentence names them: a text once (`title`, never also its English
    column), a translation by its language ("title (German)"), any other field by its name."""
    labels = column_labels(model)
    english = set(source_columns(model))
    # and never what no one edits (what each translation was made from follows its texts)
    kept = {f.name for f in model._meta.concrete_fields if not f.editable} - {"id"}
    return [
        labels[name][:1].lower() + labels[name][1:] if name in labels else name.replace("_", " ")
        for name in names
        if name not in english and name not in kept
    ]


def with_translations(model: type[models.Model], fields) -> list:
    """A fieldset's `fields` with each translated text made a row of the text and its
    translations (`("title", "title_de", "title_fr", "title_es")`). A translation or English
    column listed on its own is left out: it is in its text's row, or never shown."""
    columns = {*translation_columns(model), *source_columns(model)}
    translated = set(translated_fields(model))
    rows = []
    for entry in fields:
        names = []
        for name in [entry] if isinstance(entry, str) else entry:
            if name in translated:
                names += [name, *(f"{name}_{code}" for code in other_languages())]
            elif name not in columns:
                names.append(name)
        if names:
            rows.append(names[0] if len(names) == 1 else tuple(names))
    return rows


class TextsForm(forms.ModelForm):
    """The form of a guide's object, or of a row of an inline. A translation column that holds
    its field's default (a provider's first question takes its English words in every
    column) shows empty, since no one translated it; a translation the editor left as it was
    is saved as it was."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self._translations():
            default = _field(self._meta.model, name).get_default()
            if default and self.initial.get(name) == default:
                self.initial[name] = None

    def _translations(self) -> list[str]:
        return [name for name in translation_columns(self._meta.model) if name in self.fields]

    def clean(self):
        cleaned = super().clean()
        for name in self._translations():
            if name in self.cleaned_data and name not in self.changed_data:
                self.cleaned_data[name] = getattr(self.instance, name)
        return cleaned


if TYPE_CHECKING:  # typed as the admin or inline it is mixed into; plain classes at run time
    _BaseAdmin = admin.options.BaseModelAdmin[Any]
    _ModelAdmin = admin.ModelAdmin[Any]
    _InlineAdmin = admin.options.InlineModelAdmin[Any, Any]
else:
    _BaseAdmin = _ModelAdmin = _InlineAdmin = object


class TranslatedTexts(_BaseAdmin):
    """What a guide model's admin and its inlines share: the rows of a text and its
    translations, and each translation's field."""

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or ()), *source_columns(self.model)]

    def get_fieldsets(self, request, obj=None):
        return [
            (name, {**options, "fields": with_translations(self.model, options["fields"])})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "regions":  # where the row applies: codes typed in one box
            return regions_formfield(db_field)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in self.translation_columns:
            # Read, and its spelling checked, in its own language (`db_field.language`, `de`).
            formfield.widget.attrs["lang"] = db_field.language
            # What the text is, its own field says just above.
            formfield.help_text = gettext("Empty: visitors read the English text.")
        return formfield

    @property
    def translation_columns(self) -> frozenset[str]:
        """The translation columns of the model (for an inline's template, tabular_texts.html,
        the fields it shows under their text rather than in columns of their own)."""
        return frozenset(translation_columns(self.model))


class TranslatedAdmin(TranslatedTexts, _ModelAdmin):
    form = TextsForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        # Labels through the form's Meta: the admin reads them there for a field shown
        # read-only too (a live guide's), where it would name the column "title [de]".
        kwargs["labels"] = {**column_labels(self.model), **(kwargs.get("labels") or {})}
        return super().get_form(request, obj, change=change, **kwargs)


class TranslatedInline(TranslatedTexts, _InlineAdmin):
    form = TextsForm

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["labels"] = {**column_labels(self.model), **(kwargs.get("labels") or {})}
        return super().get_formset(request, obj, **kwargs)
