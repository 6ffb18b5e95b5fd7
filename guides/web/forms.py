from django import forms
from django.utils.translation import gettext_lazy as _

SEARCH_LENGTH = 100  # the longest search, on the site and in the API


class SearchForm(forms.Form):
    q = forms.CharField(
        max_length=SEARCH_LENGTH,
        required=False,
        strip=True,
        error_messages={
            "max_length": _("Please search with at most %(limit_value)d characters."),
        },
    )


class GuideRequestForm(forms.Form):
    """A "Request a guide" form: what a visitor wants to cancel, kept for the editors."""

    name = forms.CharField(
        label=_("What do you want to cancel?"),
        max_length=120,
        strip=True,
        error_messages={
            "required": _("Please say what you want to cancel."),
            "max_length": _("Please keep the name under %(limit_value)d characters."),
        },
    )
    details = forms.CharField(
        label=_("Anything that would help (optional)"),
        help_text=_("For example where you bought it, or the name on your bill."),
        max_length=1000,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Please keep this under 1,000 characters.")},
    )
