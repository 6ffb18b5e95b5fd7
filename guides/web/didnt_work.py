""" "It didn't work / they charged me again": the page at the end of every page of steps.
Who billed you, a letter to the provider, the stores' refunds, a card dispute, and the
authority to complain to where the visitor lives.

The letter is written from what the visitor types, in the browser (static/js/letter.js) or,
without JavaScript, by a GET of this same page: nothing is stored, the request log keeps
only the path (cancelflow/middleware.py), and no cache keeps a page with a letter in it."""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from guides.caching import memory
from guides.flow.guide import Guide
from guides.models import OfficialContact
from guides.models.contacts import WEB_KINDS, ContactKind
from guides.regions import REGION_PARAMETER, applies, name
from guides.text import phones
from guides.web import recourse
from guides.web.htmx import HtmxHttpRequest
from guides.web.lookups import flow_or_404, guide_or_404, region_or_404

# The sentences of the letter, each used only when what it needs was typed in. The same
# texts reach the browser's script (data attributes), so both write the same letter.
SENTENCES = {
    "subject": _("%(provider)s charged me again after I cancelled"),
    "greeting": _("Hello %(provider)s customer service,"),
    "cancelled_on": _("I cancelled my %(provider)s subscription on %(date)s."),
    "cancelled": _("I cancelled my %(provider)s subscription."),
    "email": _("My account uses the email address %(email)s."),
    "order": _("My order number is %(order)s."),
    "request": _(
        "You charged me again after I cancelled. Please stop all further charges, refund "
        "what you took after I cancelled, and confirm this to me in writing."
    ),
    "closing": _("Kind regards,"),
}
LETTER_FIELDS = ("name", "email", "cancelled_on", "order")


def sentence(key: str) -> str:
    """One of SENTENCES in the page's language."""
    return str(SENTENCES[key])


def no_control_characters(value: str) -> None:
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise forms.ValidationError(_("Please use only letters, numbers and punctuation."))


class LetterForm(forms.Form):
    """The blanks of the letter, all optional; nothing here is kept."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        required=False,
        validators=[no_control_characters],
        error_messages={"max_length": _("Please keep this under %(limit_value)d characters.")},
    )
    email = forms.EmailField(
        label=_("Email of your account"),
        max_length=254,
        required=False,
        error_messages={
            "invalid": _("Please enter an email address like name@example.com."),
            "max_length": _("Please keep this under %(limit_value)d characters."),
        },
    )
    cancelled_on = forms.DateField(
        label=_("Date you cancelled"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Please enter a real date, like 2025-03-31.")},
    )
    order = forms.CharField(
        label=_("Order number"),
        max_length=60,
        required=False,
        validators=[no_control_characters],
        error_messages={"max_length": _("Please keep this under %(limit_value)d characters.")},
    )

    def _no_phone_number(self, field: str) -> str:
        value = self.cleaned_data[field]
        if value and phones.find_numbers(value):
            raise forms.ValidationError(
                _("This looks like a phone number. Please leave phone numbers out.")
            )
        return value

    def clean_name(self) -> str:
        return self._no_phone_number("name")

    def clean_email(self) -> str:
        return self._no_phone_number("email")

    def clean_order(self) -> str:
        return self._no_phone_number("order")

    def clean_cancelled_on(self) -> datetime.date | None:
        day = self.cleaned_data["cancelled_on"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return day


@dataclass(frozen=True)
class Letter:
    subject: str
    body: str

    def mailto(self, address: str) -> str:
        return f"mailto:{address}?subject={quote(self.subject)}&body={quote(self.body)}"


def write_letter(provider: str, blanks: dict) -> Letter:
    """The letter to `provider`, with only the sentences whose blanks are filled in."""
    name_ = blanks.get("name") or ""
    email = blanks.get("email") or ""
    order = blanks.get("order") or ""
    day = blanks.get("cancelled_on")
    said = {"provider": provider}
    if day:
        cancelled = sentence("cancelled_on") % {
            **said,
            "date": date_format(day, "j F Y"),
        }
    else:
        cancelled = sentence("cancelled") % said
    facts = [cancelled]
    if email:
        facts.append(sentence("email") % {"email": email})
    if order:
        facts.append(sentence("order") % {"order": order})
    paragraphs = [
        sentence("greeting") % said,
        " ".join(facts),
        sentence("request"),
        "\n".join(part for part in (sentence("closing"), name_) if part),
    ]
    return Letter(subject=sentence("subject") % said, body="\n\n".join(paragraphs))


def contacts_of(guide: Guide) -> list[OfficialContact]:
    """The guide's contacts, read once for as long as the guide is kept (caching.memory:
    kept in memory, or held for a publish audit that reads every page)."""
    kept = memory.derived(guide)
    if ("contacts",) not in kept:
        kept[("contacts",)] = list(OfficialContact.objects.filter(provider=guide.provider))
    return kept[("contacts",)]  # type: ignore[return-value]


def shown_contacts(guide: Guide, region: str | None) -> dict[str, list[OfficialContact]]:
    """The provider's contacts a visitor may see (OfficialContact.shown: phones and emails
    verified; a web page on its own domain before, marked), for where they live."""
    provider = guide.provider
    found: dict[str, list[OfficialContact]] = {"email": [], "web": [], "phone": []}
    for contact in contacts_of(guide):
        contact.provider = provider  # its website decides `shown`; no query for it
        if not contact.shown or not applies(contact.regions, region):
            continue
        if contact.kind == ContactKind.EMAIL:
            found["email"].append(contact)
        elif contact.kind in WEB_KINDS:
            found["web"].append(contact)
        elif contact.kind == ContactKind.PHONE and contact.verified_on:
            found["phone"].append(contact)
    return found


@require_safe
def didnt_work(request: HtmxHttpRequest, provider: str, route_path: str) -> HttpResponse:
    guide = guide_or_404(request, provider)
    region = region_or_404(request)
    flow = flow_or_404(guide, route_path, region)
    if not flow.is_leaf:
        raise Http404("Not a page of steps.")
    provider_obj = guide.provider
    typed = any(field in request.GET for field in LETTER_FIELDS)
    form = LetterForm(request.GET if typed else None)
    blanks = {}
    if typed:
        form.is_valid()
        blanks = form.cleaned_data
        # What was refused is not shown back, not even in its own box: a phone number nobody
        # checked, or a date no date box can hold.
        refused = list(form.errors)
        if refused:
            form.data = {**request.GET.dict(), **dict.fromkeys(refused, "")}
    letter = write_letter(provider_obj.name, blanks)
    contacts = shown_contacts(guide, region)
    channel = flow.variant or flow.channel
    store = recourse.store_of(channel)
    sentences = {key: sentence(key) for key in SENTENCES}
    context = {
        "guide": guide,
        "provider": provider_obj,
        "flow": flow,
        "channel": flow.channel,
        "store": store,
        "form": form,
        "letter": letter,
        "email_contact": contacts["email"][0] if contacts["email"] else None,
        "contacts": contacts,
        "sentences": sentences,
        "refund_pages": recourse.refund_pages(store),
        "dispute_pages": recourse.DISPUTE_PAGES,
        "authorities": recourse.authorities(region),
        "region": region,
        "region_name": name(region) if region else "",
        "region_choices": [(code.lower(), name(code)) for code in recourse.REGION_CHOICES],
        "region_parameter": REGION_PARAMETER,
        "mailto_href": "",
        "page_url": (
            reverse("guides:didnt_work", args=[provider_obj.slug, flow.route_path])
            if flow.route_path
            else reverse("guides:didnt_work_direct", args=[provider_obj.slug])
        ),
        "steps_url": guide.url(flow.route_path.split("/") if flow.route_path else [])
        + (f"?{REGION_PARAMETER}={region.lower()}" if region else ""),
    }
    if contacts["email"]:
        context["mailto_href"] = letter.mailto(contacts["email"][0].value)
    response = render(request, "guides/didnt_work.html", context)
    if typed:  # what a visitor typed is theirs: no cache keeps it
        patch_cache_control(response, private=True, no_store=True)
    return response
