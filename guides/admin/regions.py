"""Where a row applies, as an editor types it: "DE, AT" or "EU" in one text box (the codes
of guides/regions.py), rather than a list of every country to pick from, which would weigh
on every row of an inline."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext

from guides import regions


class RegionsField(forms.Field):
    """Codes separated by commas or spaces, in any case; a list of known codes, or a clear
    error naming those the site does not know."""

    def prepare_value(self, value):
        """The codes a row holds (a list of django-countries' Country, or of codes), as
        typed; what the editor typed, as it was typed."""
        if value is None or isinstance(value, str):
            return value or ""
        return ", ".join(sorted(regions.codes_of(value)))

    def has_changed(self, initial, data) -> bool:
        try:
            typed = self.to_python(data)
        except forms.ValidationError:
            return True
        return regions.codes_of(initial or ()) != set(typed)

    widget = forms.TextInput

    def to_python(self, value) -> list[str]:
        text = str(value or "").strip()
        if len(text) > 200:
            raise forms.ValidationError(gettext("Too many regions."), code="max_length")
        codes = [regions.normalize(code) for code in re.split(r"[\s,;]+", text) if code]
        unknown = [code for code in codes if not regions.is_known(code)]
        if unknown:
            raise forms.ValidationError(
                gettext("Not a country or group the site knows: %(codes)s.")
                % {"codes": ", ".join(unknown)},
                code="unknown_region",
            )
        return sorted(set(codes))


def regions_formfield(db_field) -> RegionsField:
    return RegionsField(
        required=False,
        label=db_field.verbose_name.capitalize(),
        help_text=gettext(
            "Country codes (DE, US), US-CA for California or EU, separated by commas; "
            "empty: everywhere."
        ),
        widget=forms.TextInput(attrs={"size": 12}),
    )
