"""Remind me before it renews: from a renewal date, or the date a subscription started and
how often it renews, a reminder some days before the next renewal, as an iCalendar file and
as "add event" links for Google Calendar and Outlook.

Nothing is stored: everything is read from the query string of the request, and the
request log keeps the path alone (cancelflow/middleware.py)."""

from __future__ import annotations

import uuid
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from icalendar import Alarm, Calendar, Event

from guides.flow.guide import notes_for
from guides.models import NoteKind
from guides.regions import REGION_PARAMETER
from guides.web.htmx import HtmxHttpRequest
from guides.web.lookups import flow_or_404, guide_or_404, region_or_404
from guides.web.seo import SITE_NAME, PageMeta

DEFAULT_DAYS_BEFORE = 7
MOST_DAYS_BEFORE = 60
MOST_MONTHS = 120  # the longest period, and how far ahead a renewal may be: 10 years
OTHER = "other"
PRODID = "-//cancelflow//Renewal reminder//EN"
# The alarm goes off at 9:00 on the day of the reminder (an all-day event starts at 0:00
# wherever the visitor is).
ALARM_AFTER_START = timedelta(hours=9)
GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"
OUTLOOK_CALENDAR = "https://outlook.live.com/calendar/0/deeplink/compose"


def add_months(day: date, months: int) -> date:
    """`day` so many months later, on the last day of the month where that month is shorter
    (31 January + 1 month = 28 or 29 February)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def next_renewal(started: date, months: int, today: date) -> date:
    """The first renewal on or after `today` of a subscription that started on `started` and
    renews every `months` months. Each renewal counts from the start, so a month-end start
    keeps to the month's end (31 Jan, 28 Feb, 31 Mar), never drifting to the 28th."""
    elapsed = (today.year - started.year) * 12 + today.month - started.month
    periods = max(1, elapsed // months)
    while add_months(started, periods * months) < today:
        periods += 1
    return add_months(started, periods * months)


def current_day() -> date:
    """Today where the site is (settings.TIME_ZONE)."""
    return timezone.localdate()


def latest_renewal(today: date) -> date:
    return add_months(today, MOST_MONTHS)


DATE_ERRORS = {"invalid": _("That date does not exist. Please check the day, month and year.")}


class ReminderForm(forms.Form):
    """What the visitor tells us, in the query string: a renewal date, or the start date
    and the period; and how many days before to be reminded."""

    renews = forms.DateField(
        label=_("Next renewal date"), required=False, error_messages=DATE_ERRORS
    )
    started = forms.DateField(
        label=_("Date it started"), required=False, error_messages=DATE_ERRORS
    )
    period = forms.ChoiceField(
        label=_("It renews"),
        required=False,
        choices=[
            ("1", _("every month")),
            ("3", _("every 3 months")),
            ("6", _("every 6 months")),
            ("12", _("every year")),
            ("24", _("every 2 years")),
            (OTHER, _("another number of months")),
        ],
        error_messages={"invalid_choice": _("Please choose how often it renews.")},
    )
    months = forms.IntegerField(
        label=_("Number of months (if another)"),
        required=False,
        min_value=1,
        max_value=MOST_MONTHS,
        error_messages={
            "invalid": _("Please give a whole number of months."),
            "min_value": _("Please give a number of months from 1 to 120."),
            "max_value": _("Please give a number of months from 1 to 120."),
        },
    )
    before = forms.IntegerField(
        label=_("Remind me this many days before"),
        required=False,
        min_value=0,
        max_value=MOST_DAYS_BEFORE,
        error_messages={
            "invalid": _("Please give a whole number of days."),
            "min_value": _("Please give a number of days from 0 to 60."),
            "max_value": _("Please give a number of days from 0 to 60."),
        },
    )

    FIELDS = ("renews", "started", "period", "months", "before")

    def __init__(self, data, today: date | None = None) -> None:
        super().__init__(data)
        self.today = today or current_day()

    @classmethod
    def asked(cls, query) -> bool:
        """Whether the visitor sent the form (rather than just opened the page)."""
        return any(name in query for name in cls.FIELDS)

    @property
    def shown(self) -> dict[str, str]:
        """What to show in the fields again: what the visitor sent, where it could be read
        (a date input takes nothing but a real date)."""
        if not self.is_bound:
            return {}
        shown = {}
        for name in self.FIELDS:
            value = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
            if name not in self.errors and value is not None:
                shown[name] = value.isoformat() if isinstance(value, date) else str(value)
        return shown

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        renews, started = data.get("renews"), data.get("started")
        if self.errors:
            return data
        if data.get("before") is None:
            data["before"] = DEFAULT_DAYS_BEFORE
        if renews is None and started is None:
            raise forms.ValidationError(
                _("Please give the next renewal date, or when it started and how often it renews."),
                code="required",
            )
        if started is not None and started > self.today:
            self.add_error("started", _("That start date has not come yet."))
            return data
        if renews is not None:
            if started is not None and renews <= started:
                self.add_error("renews", _("The renewal date must come after the start date."))
            elif renews < self.today:
                self.add_error(
                    "renews",
                    _("That date has passed. Please give the next renewal date."),
                )
            elif renews > latest_renewal(self.today):
                self.add_error("renews", _("Please give a renewal date within the next 10 years."))
            else:
                data["renewal"] = renews
            return data
        assert started is not None
        period = data.get("period") or "12"
        if period == OTHER:
            if data.get("months") is None:
                self.add_error("months", _("Please say after how many months it renews."))
                return data
            months = data["months"]
        else:
            months = int(period)
        data["renewal"] = next_renewal(started, months, self.today)
        return data


@dataclass(frozen=True)
class Reminder:
    """A reminder to cancel `name` `before` days before it renews on `renewal`."""

    name: str
    slug: str
    renewal: date
    before: int
    guide_url: str  # the absolute address of the guide's page the visitor came from
    today: date

    @property
    def remind_on(self) -> date:
        return self.renewal - timedelta(days=self.before)

    @property
    def too_late(self) -> bool:
        """The day to be reminded has passed already (the renewal has not)."""
        return self.remind_on < self.today

    @property
    def days_left(self) -> int:
        return (self.renewal - self.today).days

    @property
    def summary(self) -> str:
        return gettext("Cancel %(name)s before it renews") % {"name": self.name}

    @property
    def description(self) -> str:
        when = formats.date_format(self.renewal, "j F Y")  # as the pages show dates
        text = gettext(
            "%(name)s renews on %(date)s. Cancel before then to stop the next payment."
        ) % {"name": self.name, "date": when}
        steps = gettext("How to cancel: %(url)s") % {"url": self.guide_url}
        return f"{text}\n{steps}"

    @property
    def uid(self) -> str:
        """The same reminder downloaded twice is the same event, not two."""
        key = f"{self.guide_url} {self.renewal.isoformat()} {self.before}"
        return f"{uuid.uuid5(uuid.NAMESPACE_URL, key)}@cancelflow"

    @property
    def filename(self) -> str:
        return f"cancel-{self.slug}-reminder.ics"  # a slug: letters, digits, - and _

    def ics(self, now: datetime | None = None) -> bytes:
        """The reminder as an iCalendar file (RFC 5545): one all-day event on the day to
        cancel, with an alarm that morning."""
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        event = Event()
        event.add("uid", self.uid)
        event.add("dtstamp", now or datetime.now(UTC))
        event.add("dtstart", self.remind_on)
        event.add("dtend", self.remind_on + timedelta(days=1))
        event.add("summary", self.summary)
        event.add("description", self.description)
        event.add("url", self.guide_url)
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", self.summary)
        alarm.add("trigger", ALARM_AFTER_START)
        event.add_component(alarm)
        calendar.add_component(event)
        return calendar.to_ical()

    @property
    def google_url(self) -> str:
        """Google Calendar's "add event" page: an all-day event ends the day after."""
        end = self.remind_on + timedelta(days=1)
        query = {
            "action": "TEMPLATE",
            "text": self.summary,
            "dates": f"{self.remind_on:%Y%m%d}/{end:%Y%m%d}",
            "details": self.description,
        }
        return f"{GOOGLE_CALENDAR}?{urlencode(query)}"

    @property
    def outlook_url(self) -> str:
        """Outlook on the web's "add event" page."""
        end = self.remind_on + timedelta(days=1)
        query = {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": self.summary,
            "startdt": self.remind_on.isoformat(),
            "enddt": end.isoformat(),
            "allday": "true",
            "body": self.description,
        }
        return f"{OUTLOOK_CALENDAR}?{urlencode(query)}"


# The pages. Their answers depend on the day and on what the visitor typed about their
# money: no cache anywhere keeps them (never_cache: private, no-store), and robots.txt keeps
# crawlers out.


def guide_address(request: HtmxHttpRequest, slug: str, route_path: str, region: str | None) -> str:
    """The absolute address of the guide's page the visitor came from, in the language of
    this page."""
    if route_path:
        path = reverse("guides:route", args=[slug, route_path])
    else:
        path = reverse("guides:provider", args=[slug])
    if region:
        path = f"{path}?{REGION_PARAMETER}={region.lower()}"
    return request.build_absolute_uri(path)


def _answer(request: HtmxHttpRequest, provider: str, *, calendar: bool) -> HttpResponse:
    guide = guide_or_404(request, provider)
    flow = flow_or_404(guide, request.GET.get("route", ""), region_or_404(request))
    asked = calendar or ReminderForm.asked(request.GET)
    form = ReminderForm(request.GET if asked else None)
    reminder = None
    if asked and form.is_valid() and "renewal" in form.cleaned_data:
        reminder = Reminder(
            name=guide.provider.name,
            slug=guide.provider.slug,
            renewal=form.cleaned_data["renewal"],
            before=form.cleaned_data["before"],
            guide_url=guide_address(request, guide.provider.slug, flow.route_path, flow.region),
            today=form.today,
        )
    if calendar and reminder is not None and not reminder.too_late:
        response = HttpResponse(reminder.ics(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{reminder.filename}"'
        return response
    name = guide.provider.name
    context = {
        "provider": guide.provider,
        "flow": flow,
        "reminder_form": form,
        "reminder": reminder,
        "guide_url": guide_address(request, guide.provider.slug, flow.route_path, flow.region),
        "before_notes": notes_for(guide, flow.region).get(NoteKind.BEFORE, []),
        "meta": PageMeta(
            title=gettext("Remind me before %(name)s renews | %(site)s")
            % {"name": name, "site": SITE_NAME},
            description=gettext("A calendar reminder to cancel %(name)s in time.") % {"name": name},
            noindex=True,
        ),
    }
    if reminder is not None:
        query = {"renews": reminder.renewal.isoformat(), "before": reminder.before}
        if flow.route_path:
            query["route"] = flow.route_path
        if flow.region:
            query[REGION_PARAMETER] = flow.region.lower()
        url = reverse("guides:reminder_calendar", args=[guide.provider.slug])
        context["calendar_url"] = f"{url}?{urlencode(query)}"
    # A form that cannot make a reminder, or a file asked for a day that has passed.
    refused = (asked and reminder is None) or (calendar and reminder is not None)
    return render(request, "guides/reminder.html", context, status=400 if refused else 200)


@never_cache
@require_safe
def reminder_page(request: HtmxHttpRequest, provider: str) -> HttpResponse:
    """The form, and once sent, the reminder: its dates, the calendar file, the links."""
    return _answer(request, provider, calendar=False)


@never_cache
@require_safe
def reminder_calendar(request: HtmxHttpRequest, provider: str) -> HttpResponse:
    """The reminder as a file to download; the page with what is wrong (400) if it cannot be
    made."""
    return _answer(request, provider, calendar=True)
