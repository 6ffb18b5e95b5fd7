"""The shared pieces of the admin's ordered inlines: the row form with its plain position,
and the formset that refuses two sibling rows with one slug.

Rows are ordered by (position, pk) and positions need not be unique, so an editor's order is
saved as typed (or as static/js/admin-ordering.js writes it on a drop): nothing is checked
across rows but the slugs, which the database keeps unique per parent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guides.admin.translations import TextsForm
from guides.models import MAX_POSITION

ORDERED_CLASS = "cf-ordered"  # the class admin-ordering.js looks for on an inline's fieldset
SMALL_TEXTAREA: Mapping[type[models.Field], Mapping[str, Any]] = {
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 36})}
}


# Ordered inlines: the row form and the formset ---------------------------------------


class PositionForm(TextsForm):
    """A row of an ordered inline: its position is a number an editor may type."""

    position = forms.IntegerField(
        min_value=0,
        max_value=MAX_POSITION,
        help_text=_("Drag the rows by ☰ to reorder them, or type the order here."),
        widget=forms.NumberInput(attrs={"class": "cf-position"}),
    )


def value_key(value):
    return value.pk if isinstance(value, models.Model) else value


class SiblingSlugsFormSet(forms.BaseInlineFormSet):
    """An inline formset whose rows must not share a slug among themselves: the database
    refuses it with a conditional constraint, which a formset's own checks do not see.

    `slug_scope` names the fields, besides the inline's foreign key, within which slugs are
    unique: a provider's routes are named per parent, so its formset has
    `slug_scope = ("parent",)`.
    """

    slug_scope: tuple[str, ...] = ()
    # How an error names a clash: the slug_scope's own sentence, e.g. "under the same question".
    clash_message = _("Another row has this slug too.")

    def kept_forms(self):
        for form in self.forms:
            # django-stubs lacks BaseFormSet._should_delete_form, which Django's own clean uses
            if self.can_delete and self._should_delete_form(form):  # type: ignore[attr-defined]
                continue
            if hasattr(form, "cleaned_data") and form.cleaned_data:
                yield form

    def clean(self) -> None:
        super().clean()
        seen: dict[tuple, forms.Form] = {}
        clashing: list[forms.Form] = []
        for form in self.kept_forms():
            if "slug" not in form.cleaned_data or form.has_error("slug"):
                continue
            key = tuple(value_key(form.cleaned_data.get(s)) for s in self.slug_scope)
            key += (form.cleaned_data["slug"],)
            if key in seen:
                clashing += [seen[key], form]
            else:
                seen[key] = form
        for form in dict.fromkeys(clashing):  # each form once, in order
            form.add_error("slug", str(self.clash_message))
        if clashing:
            raise ValidationError(
                gettext("Two rows share a slug. Give each row its own."), code="duplicate"
            )
