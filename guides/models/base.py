"""What every guide model shares: positions, text limits, a guide's status, and the phone
guard on every text a visitor may read (VisibleText)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.fields import CountryField

from guides.models.translated import TranslationSources, source_columns
from guides.text import phones

# Positions are small numbers an editor can read. They need not be unique in their list:
# rows are ordered by (position, pk), so two rows that share a position keep a stable order
# (as Wagtail's Orderable does), and a reorder simply writes the new numbers.
MAX_POSITION = 9999

position_validators = [MaxValueValidator(MAX_POSITION)]

# How long an editor's texts may be: far above any real guide (the longest shipped step body
# is a few hundred characters), and well inside what one save of a page may send.
LONG_TEXT = 10_000  # a step's body, a note, an answer

SHORT_TEXT = 2_000  # a summary, a description, a list of aliases or sources


def regions_field() -> CountryField:
    """Where a part of a guide applies (guides/regions.py): ISO 3166 countries, and the
    subdivisions and groups of the settings' COUNTRIES_OVERRIDE; empty is everywhere."""
    return CountryField(
        multiple=True,
        blank=True,
        verbose_name=_("only in"),
        help_text=_(
            "The countries (or groups, such as the European Union) where this applies; "
            "none: everywhere."
        ),
    )


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


def visible_text_fields(model: type[models.Model]) -> list[str]:
    """Every text of `model` that a visitor or an API client may read: each character and
    text field (names, slugs, addresses, bodies), all but those with fixed choices, and each
    translation of them (`title_de`, …). Derived from the model, so a field added later is
    guarded without anyone listing it. A translated text's English column (`title_en`) is
    read as the text itself (`title`), and named once."""
    english = set(source_columns(model))
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and field.name not in english
    ]


class VisibleText(TranslationSources):
    """A model whose texts reach visitors: its `clean()` refuses, in every one of its
    `visible_text_fields`, each phone number that is not a verified number of its
    `phone_owner()`. Its translations record what they were made from (TranslationSources)."""

    class Meta:
        abstract = True

    def phone_owner(self) -> phones.Owner | None:
        raise NotImplementedError

    def clean(self) -> None:
        super().clean()
        # A TextField's length is checked here (its form checks it, its model does not),
        # for the importer as for the admin.
        too_long = {
            name: ngettext(
                "Up to %(limit)s character: this has %(length)s.",
                "Up to %(limit)s characters: this has %(length)s.",
                field.max_length,
            )
            % {"limit": f"{field.max_length:,}", "length": f"{len(value):,}"}
            for name in visible_text_fields(type(self))
            if isinstance(field := self._meta.get_field(name), models.TextField)
            and field.max_length
            and len(value := getattr(self, name) or "") > field.max_length
        }
        if too_long:
            raise ValidationError(too_long)
        phones.guard(self, visible_text_fields(type(self)), self.phone_owner)


def previews_drafts(user) -> bool:
    """Staff see drafts everywhere a visitor would see the published guide, marked as such,
    once their login is complete (a Publisher's password alone is not enough: see accounts/)."""
    if user is None or not user.is_authenticated or not user.is_staff:
        return False
    from accounts.twofactor import fully_signed_in

    return fully_signed_in(user)
