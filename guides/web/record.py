"""Proof of cancellation: a printable record of one guide's cancellation, the provider, the
answers that led to its steps, the date, the confirmation the visitor was given, and what
happens next (the guide's "After you cancel" notes).

The visitor fills it in on a GET form and the page renders the record from the query string
alone: nothing is stored, and the request log names the path only (cancelflow/middleware.py),
never the query. static/js/plan.js keeps what was typed in the browser and shows it again.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from guides.flow.guide import notes_for
from guides.models import NoteKind
from guides.regions import REGION_PARAMETER
from guides.text import phones
from guides.web.htmx import HtmxHttpRequest
from guides.web.lookups import flow_or_404, guide_or_404, region_or_404
from guides.web.seo import SITE_NAME, PageMeta

REFERENCE_MAX = 200
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class DateBox(forms.DateInput):
    """A date picker that shows again only a real date: a browser's date box cannot hold
    "2025-02-31" (HTML forbids it), so an impossible date is shown empty, beside its error."""

    input_type = "date"

    def format_value(self, value):
        text = super().format_value(value)
        if not text or not ISO_DATE.match(text):
            return None
        try:
            datetime.date.fromisoformat(text)
        except ValueError:
            return None
        return text


class RecordForm(forms.Form):
    cancelled_on = forms.DateField(
        label=_("Date you cancelled"),
        widget=DateBox(format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("Please enter the date you cancelled."),
            "invalid": _("Please enter a real date, like 2025-03-31."),
        },
    )
    reference = forms.CharField(
        label=_("Confirmation number or email subject (optional)"),
        help_text=_("As the company wrote it. Up to 200 characters."),
        max_length=REFERENCE_MAX,
        required=False,
        strip=True,
        error_messages={
            "max_length": _("Please keep this under 200 characters (it has %(show_value)d)."),
        },
    )

    def clean_cancelled_on(self) -> datetime.date:
        day = self.cleaned_data["cancelled_on"]
        if day.year < 2000:
            raise forms.ValidationError(gettext("Please enter a date after the year 2000."))
        if day > timezone.localdate() + datetime.timedelta(days=1):
            raise forms.ValidationError(gettext("This date is in the future."))
        return day

    def clean_reference(self) -> str:
        text = self.cleaned_data["reference"]
        if any(ord(char) < 32 for char in text):
            raise forms.ValidationError(
                gettext("Please use letters, numbers and punctuation only.")
            )
        # A record is a page of ours: a number it shows could pass for one we vouch for.
        if phones.find_numbers(text):
            raise forms.ValidationError(
                gettext("This looks like a phone number. Please leave phone numbers out.")
            )
        return text


@never_cache
@require_safe
def record(request: HtmxHttpRequest, provider: str, route_path: str) -> HttpResponse:
    region = region_or_404(request)
    guide = guide_or_404(request, provider)
    flow = flow_or_404(guide, route_path, region)
    if not flow.is_leaf:
        raise Http404("A record is about the steps of a guide.")
    steps_url = guide.url(flow.route_path.split("/"))
    where = f"?{REGION_PARAMETER}={region.lower()}" if region else ""
    filled = "cancelled_on" in request.GET
    form = RecordForm(
        request.GET if filled else None, initial={"cancelled_on": timezone.localdate()}
    )
    shown = filled and form.is_valid()
    context = {
        "provider": guide.provider,
        "flow": flow,
        "form": form,
        "shown": shown,
        "region": region,
        "steps_url": steps_url + where,
        "action": reverse("guides:record", args=[guide.provider.slug, flow.route_path]),
        "after": notes_for(guide, region).get(NoteKind.AFTER, []),
        "answers_text": ", ".join(str(answer.label) for answer in flow.answers),
        "meta": PageMeta(
            title=gettext("Record of cancelling %(name)s") % {"name": guide.provider.name}
            + f" | {SITE_NAME}",
            description=gettext("A record to print or save: when you cancelled, and how."),
            noindex=True,
        ),
    }
    # A form error is a page like any other: the form again, saying what to change.
    return render(request, "guides/record.html", context)
