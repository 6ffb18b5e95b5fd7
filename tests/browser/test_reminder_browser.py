"""Remind me before it renews, in a real browser on a phone: the form on the steps works as
a plain GET with JavaScript off, and the calendar file it leads to downloads and reads back
with the icalendar library; with JavaScript on, the form is not swapped into the flow by
htmx, and it carries the answers of the steps page that htmx brought in."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from icalendar import Calendar

from guides.web.reminder import next_renewal

pytestmark = [pytest.mark.browser]

STEPS = "/cancel/kaspersky/apple-app-store/iphone-ipad/"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(params=[False, True], ids=["no-js", "js"])
def phone(request, browser):
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=request.param,
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page, request.param
    context.close()
    # A form sent back with its errors is a 400, which the console reports; nothing else.
    assert not [e for e in errors if "status of 400" not in e], errors


def read_download(page, link) -> Calendar:
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "cancel-kaspersky-reminder.ics"
    return Calendar.from_ical(Path(download.path()).read_bytes())


def test_reminder_from_the_steps_downloads_and_reads_back(phone, live_server, shipped_guides):
    page, javascript = phone
    today = timezone.localdate()
    started = today - timedelta(days=10)
    renewal = next_renewal(started, 1, today)
    if javascript:  # through the flow, as htmx swaps it in
        page.goto(live_server.url + "/cancel/kaspersky/")
        page.locator("#flow ul.choices a", has_text="Apple App Store").click()
        page.locator("#flow ul.choices a", has_text="On an iPhone or iPad").click()
        page.wait_for_url(re.compile(re.escape(STEPS) + "$"))
    else:
        page.goto(live_server.url + STEPS)
    reminder = page.locator("details.reminder")
    reminder.locator("summary").click()  # a <details>: opens without JavaScript
    reminder.get_by_label("Date it started").fill(started.isoformat())
    reminder.get_by_label("It renews").select_option(label="every month")
    reminder.get_by_label("Remind me this many days before").fill("3")
    reminder.get_by_role("button", name="Make my reminder").click()

    page.wait_for_url(re.compile(r"/reminder/kaspersky/\?"))
    assert page.locator("h1").inner_text() == "Remind me before Kaspersky renews"
    dates = page.locator(".reminder-dates").inner_text()
    assert f"{renewal.day} {renewal:%B %Y}" in dates
    assert "3 days before" in dates
    google = page.get_by_role("link", name="Add to Google Calendar").get_attribute("href")
    assert google.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    assert (
        page.get_by_role("link", name="Add to Outlook")
        .get_attribute("href")
        .startswith("https://outlook.live.com/calendar/0/deeplink/compose?")
    )

    calendar = read_download(page, page.get_by_role("link", name="Download the calendar file"))
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Cancel Kaspersky before it renews"
    assert str(event["URL"]) == live_server.url + STEPS
    assert event.decoded("DTSTART") == renewal - timedelta(days=3)
    assert calendar.walk("VALARM")


def test_an_impossible_date_is_a_form_error_on_the_phone(phone, live_server, shipped_guides):
    page, _javascript = phone
    page.goto(live_server.url + "/reminder/kaspersky/?renews=2027-02-31")
    field = page.get_by_label("Next renewal date")
    assert field.get_attribute("aria-invalid") == "true"
    assert "That date does not exist" in page.locator(".reminder-form").inner_text()
    assert page.get_by_role("link", name="Download the calendar file").count() == 0
