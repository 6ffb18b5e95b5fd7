""" "Is this number real?": a visitor pastes a phone number, in any spelling, and learns
whether it is a verified official number, a known scam number, or one we do not know (then
the company's official contact page instead: we never show unverified numbers).

The number typed is neither stored nor logged: the page is a GET form whose query string
the request log leaves out (cancelflow/middleware.py logs the path alone, and gunicorn's
access log format has no query string). It is echoed back only as the value of the form's
own field, escaped, so a visitor can correct it; never into the title, a link preview, a
heading, or a sentence in the site's voice, and never as a link to call.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from django import forms
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from guides.models import (
    ContactKind,
    OfficialContact,
    Provider,
    ScamNumber,
    Status,
)
from guides.models.contacts import WEB_KINDS
from guides.search import search_providers
from guides.text import phones
from guides.web.htmx import HtmxHttpRequest
from guides.web.seo import SITE_NAME, PageMeta, absolute

NUMBER_LENGTH = 60  # a number with its words around it ("call 1-855-737-0477 now")
COMPANY_LENGTH = 100
MAX_COMPANIES = 3
# "0044 20 …": the international prefix most of the world dials, where North America
# dials 011. At the start, or after a space or bracket.
_DOUBLE_ZERO = re.compile(r"(?:(?<=^)|(?<=[\s(]))00(?=\s*[1-9])")
_ALLOWED_CONTROLS = "\t\n\r"


def numbers_in(text: str) -> list[phones.Found]:
    """The phone numbers in what a visitor pasted; "0044 20 …" read as "+44 20 …"."""
    return phones.find_numbers(_DOUBLE_ZERO.sub("+", text))


class NumberForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("The phone number"),
        help_text=gettext_lazy("Paste it as you found it, for example +1 855 555 0100."),
        max_length=NUMBER_LENGTH,
        required=False,
        strip=True,
        error_messages={
            "max_length": gettext_lazy(
                "That is too long. Paste only the number (at most %(limit_value)d characters)."
            ),
        },
    )
    company = forms.CharField(
        label=gettext_lazy("Which company does it say it is? (optional)"),
        max_length=COMPANY_LENGTH,
        required=False,
        strip=True,
        error_messages={
            "max_length": gettext_lazy(
                "Please keep the company's name under %(limit_value)d characters."
            ),
        },
    )

    def clean_number(self) -> str | None:
        """The number's E.164 form, or None when nothing was typed."""
        text = self.cleaned_data["number"]
        if not text:
            return None
        if any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS for ch in text):
            raise forms.ValidationError(
                _("That has invisible control characters in it. Please type the number again.")
            )
        found = numbers_in(text)
        if not found:
            raise forms.ValidationError(
                _(
                    "We could not read a phone number in that. Type it with all its digits; "
                    "outside the USA and Canada, with its country code (+44 …)."
                )
            )
        if len(found) > 1:
            raise forms.ValidationError(_("That has several numbers in it. Check one at a time."))
        return found[0].e164

    def clean_company(self) -> str:
        company = self.cleaned_data["company"]
        if any(unicodedata.category(ch) == "Cc" for ch in company):
            raise forms.ValidationError(_("Please type the company's name again."))
        return company


@dataclass
class Company:
    """A provider we have a guide for, and where to reach it officially."""

    provider: Provider
    contact_page: str  # a shown web contact, else the provider's website; may be empty


@dataclass
class Verdict:
    kind: str  # "official", "scam" or "unknown"
    contact: OfficialContact | None = None
    scam: ScamNumber | None = None
    companies: list[Company] = field(default_factory=list)

    @property
    def scam_seen_on_site(self) -> str:
        """The site a scam number was seen on, by name only: never a link to a scam page."""
        if self.scam is None or not self.scam.source_url:
            return ""
        return urlsplit(self.scam.source_url).hostname or ""


def _official_contact(e164: str) -> OfficialContact | None:
    """A verified phone contact, shown on a live guide or channel, whose number is `e164`."""
    contacts = (
        OfficialContact.objects.verified()
        .filter(kind=ContactKind.PHONE)
        .filter(
            Q(provider__status=Status.PUBLISHED, provider__draft_of__isnull=True)
            | Q(
                channel__isnull=False,
                channel__draft_of__isnull=True,
                channel__parent__draft_of__isnull=True,
            )
        )
        .select_related("provider", "channel__parent")
    )
    return next((c for c in contacts if phones.to_e164(c.value) == e164), None)


def _companies(providers: list[Provider]) -> list[Company]:
    """Each provider with its official contact page: a web form or chat shown to visitors,
    else its website (one query for all of them)."""
    if not providers:
        return []
    pages: dict[int, str] = {}
    web = OfficialContact.objects.filter(provider__in=providers, kind__in=WEB_KINDS)
    for contact in web.select_related("provider").order_by("kind", "pk"):
        if contact.shown and contact.provider_id is not None:
            pages.setdefault(contact.provider_id, contact.value)
    return [Company(p, pages.get(p.pk) or p.website) for p in providers]


def judge(e164: str, company: str) -> Verdict:
    """What we know of the number `e164`; `company` is what the visitor says it claims to be."""
    contact = _official_contact(e164)
    if contact is not None:
        return Verdict("official", contact=contact)
    scam = ScamNumber.objects.confirmed().filter(number=e164).select_related("provider").first()
    named = company or (scam.pretends_to_be if scam else "")
    if scam is not None and scam.provider is not None and scam.provider.is_live:
        providers = [scam.provider]
    else:
        providers = search_providers(named, limit=MAX_COMPANIES) if named else []
    return Verdict("scam" if scam else "unknown", scam=scam, companies=_companies(providers))


def meta(request) -> PageMeta:
    """The same title, description and preview whatever was typed: nothing a visitor typed
    is reflected into them. Only the empty form is offered to search engines."""
    asked = any(request.GET.get(name) for name in NumberForm.base_fields)
    return PageMeta(
        title=_("Is this number real? | %(site)s") % {"site": SITE_NAME},
        description=_(
            "Check a support number before you call it: is it a company's verified number, "
            "a known scam, or one we do not know?"
        ),
        canonical="" if asked else absolute(request, reverse("guides:check_number")),
        noindex=asked,
    )


def warning_link(text: str) -> str:
    """For a page that shows `text`, a visitor's, in its body: the address of this page
    checking the number in it, shown beside it with a warning; or "" if it has none."""
    found = numbers_in(text) if text else []
    if not found:
        return ""
    return f"{reverse('guides:check_number')}?{urlencode({'number': found[0].raw[:NUMBER_LENGTH]})}"


@require_safe
def check_number(request: HtmxHttpRequest) -> HttpResponse:
    form = NumberForm(request.GET or None)
    verdict = None
    status = 200
    if form.is_bound:
        if form.is_valid() and form.cleaned_data["number"]:
            verdict = judge(form.cleaned_data["number"], form.cleaned_data["company"])
        elif form.errors:
            status = 400
    context = {"form": form, "verdict": verdict, "meta": meta(request)}
    return render(request, "guides/check_number.html", context, status=status)
