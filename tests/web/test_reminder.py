"""Remind me before it renews: the date rules, the calendar file read back by the icalendar
library, the Google and Outlook links, the page and its form errors, and that nothing of it
is written anywhere."""

import runpy
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from guides.web import reminder as reminders
from guides.web.reminder import Reminder, ReminderForm, add_months, next_renewal
from tests.recorded import load_guides

TODAY = date(2026, 12, 7)


@pytest.fixture
def sample(db):
    load_guides("tests/data/sample.yaml")


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(reminders, "current_day", lambda: TODAY)
    return TODAY


# -- the date rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # a leap year
        (date(2027, 1, 31), 2, date(2027, 3, 31)),
        (date(2027, 3, 31), 1, date(2027, 4, 30)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2027, 12, 15), 1, date(2028, 1, 15)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), 48, date(2032, 2, 29)),
        (date(2027, 5, 10), 120, date(2037, 5, 10)),
    ],
)
def test_add_months_keeps_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("started", "months", "today", "expected"),
    [
        # Monthly from 31 January: the end of every month, never drifting to the 28th.
        (date(2026, 1, 31), 1, date(2026, 2, 10), date(2026, 2, 28)),
        (date(2026, 1, 31), 1, date(2026, 3, 1), date(2026, 3, 31)),
        (date(2026, 1, 31), 1, date(2026, 4, 1), date(2026, 4, 30)),
        (date(2027, 1, 31), 1, date(2028, 2, 1), date(2028, 2, 29)),
        # Yearly from a leap day.
        (date(2024, 2, 29), 12, date(2026, 12, 7), date(2027, 2, 28)),
        (date(2024, 2, 29), 12, date(2027, 3, 1), date(2028, 2, 29)),
        # A renewal today is still to come; the start itself is not a renewal.
        (date(2025, 12, 7), 12, date(2026, 12, 7), date(2026, 12, 7)),
        (date(2026, 12, 7), 1, date(2026, 12, 7), date(2027, 1, 7)),
        (date(2026, 12, 1), 12, date(2026, 12, 7), date(2027, 12, 1)),
        # Every 3 months, and a custom period.
        (date(2026, 1, 15), 3, date(2026, 12, 7), date(2027, 1, 15)),
        (date(2026, 8, 31), 3, date(2026, 11, 30), date(2026, 11, 30)),
        (date(2020, 6, 1), 7, date(2026, 12, 7), date(2027, 6, 1)),  # 84 months on
        # A start long ago costs no more than a recent one.
        (date(1, 1, 1), 1, date(2026, 12, 7), date(2027, 1, 1)),
    ],
)
def test_next_renewal_is_the_first_on_or_after_today(started, months, today, expected):
    assert next_renewal(started, months, today) == expected


def form(**data):
    return ReminderForm({key: str(value) for key, value in data.items()}, today=TODAY)


@pytest.mark.parametrize(
    ("data", "renewal", "before"),
    [
        ({"renews": "2027-01-31", "before": "7"}, date(2027, 1, 31), 7),
        ({"renews": "2027-01-31"}, date(2027, 1, 31), 7),  # 7 days unless said
        ({"renews": "2027-01-31", "before": ""}, date(2027, 1, 31), 7),
        ({"renews": "2026-12-07", "before": "0"}, date(2026, 12, 7), 0),
        ({"started": "2026-01-31", "period": "1", "before": "3"}, date(2026, 12, 31), 3),
        ({"started": "2025-12-20", "period": "12", "before": "30"}, date(2026, 12, 20), 30),
        ({"started": "2025-12-20", "before": "30"}, date(2026, 12, 20), 30),  # yearly
        ({"started": "2026-03-31", "period": "other", "months": "5"}, date(2027, 1, 31), 7),
        # The renewal date wins over a start date before it.
        ({"renews": "2027-06-01", "started": "2026-06-01", "period": "1"}, date(2027, 6, 1), 7),
        ({"renews": "2036-12-07"}, date(2036, 12, 7), 7),
    ],
)
def test_form_reads_a_renewal(data, renewal, before):
    sent = ReminderForm(data, today=TODAY)
    assert sent.is_valid(), sent.errors
    assert sent.cleaned_data["renewal"] == renewal
    assert sent.cleaned_data["before"] == before


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"renews": "2027-02-31"}, "renews", "That date does not exist"),
        ({"renews": "0000-01-10"}, "renews", "That date does not exist"),
        ({"renews": "2027-13-01"}, "renews", "That date does not exist"),
        ({"renews": "next tuesday"}, "renews", "That date does not exist"),
        ({"renews": "2027-01-31" * 1000}, "renews", "That date does not exist"),
        ({"started": "2026-02-30"}, "started", "That date does not exist"),
        ({"renews": "2026-12-06"}, "renews", "That date has passed"),
        ({"renews": "2036-12-08"}, "renews", "within the next 10 years"),
        ({"renews": "9999-12-31"}, "renews", "within the next 10 years"),
        ({"renews": "2027-01-01", "started": "2027-01-01"}, "started", "has not come yet"),
        ({"renews": "2026-12-10", "started": "2026-12-10"}, "started", "has not come yet"),
        ({"renews": "2026-12-10", "started": "2026-12-01"}, None, None),
        ({"renews": "2026-12-01", "started": "2026-12-05"}, "renews", "must come after"),
        ({"started": "2026-12-08"}, "started", "has not come yet"),
        ({"started": "2026-01-01", "period": "other"}, "months", "after how many months"),
        ({"started": "2026-01-01", "period": "other", "months": "0"}, "months", "from 1 to 120"),
        ({"started": "2026-01-01", "period": "other", "months": "121"}, "months", "1 to 120"),
        ({"started": "2026-01-01", "period": "weekly"}, "period", "how often it renews"),
        ({"renews": "2027-01-31", "before": "61"}, "before", "from 0 to 60"),
        ({"renews": "2027-01-31", "before": "-1"}, "before", "from 0 to 60"),
        ({"renews": "2027-01-31", "before": "a week"}, "before", "whole number of days"),
        ({"before": "7"}, "__all__", "Please give the next renewal date, or when it started"),
        ({"renews": "", "started": ""}, "__all__", "Please give the next renewal date"),
    ],
)
def test_form_refuses_impossible_dates_with_a_clear_error(data, field, message):
    sent = ReminderForm(data, today=TODAY)
    if field is None:
        assert sent.is_valid(), sent.errors
        return
    assert not sent.is_valid()
    assert message in " ".join(sent.errors[field])


def test_a_reminder_day_that_has_passed_is_said():
    passed = Reminder("Acme", "acme", date(2026, 12, 10), 7, "https://x.test/", TODAY)
    assert passed.remind_on == date(2026, 12, 3)
    assert passed.too_late and passed.days_left == 3
    in_time = Reminder("Acme", "acme", date(2026, 12, 14), 7, "https://x.test/", TODAY)
    assert in_time.remind_on == TODAY and not in_time.too_late


# -- the calendar file and the links ----------------------------------------------------------

GUIDE = "https://cancelflow.test/de/cancel/acme/app-store/iphone/?region=de"


def test_calendar_file_read_back_by_the_library_has_every_field():
    made = Reminder("Acme Antivirus", "acme", date(2027, 1, 31), 30, GUIDE, TODAY)
    stamp = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    calendar = Calendar.from_ical(made.ics(now=stamp))
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//cancelflow//Renewal reminder//EN"
    [event] = calendar.walk("VEVENT")
    assert event["UID"].endswith("@cancelflow")
    assert event.decoded("DTSTAMP") == stamp
    assert event.decoded("DTSTART") == date(2027, 1, 1)  # all day: a date, not a time
    assert event["DTSTART"].params.get("VALUE") == "DATE"
    assert event.decoded("DTEND") == date(2027, 1, 2)
    assert str(event["SUMMARY"]) == "Cancel Acme Antivirus before it renews"
    assert "Acme Antivirus renews on 31 January 2027" in str(event["DESCRIPTION"])
    assert GUIDE in str(event["DESCRIPTION"])
    assert str(event["URL"]) == GUIDE
    [alarm] = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(hours=9)
    assert str(alarm["DESCRIPTION"]) == "Cancel Acme Antivirus before it renews"
    # The same reminder made again is the same event (no duplicate in the calendar).
    again = Calendar.from_ical(made.ics())
    assert again.walk("VEVENT")[0]["UID"] == event["UID"]


def test_calendar_lines_follow_rfc_5545():
    made = Reminder("Acme Antivirus", "acme", date(2027, 1, 31), 30, GUIDE + "x" * 200, TODAY)
    raw = made.ics()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded long lines


def test_google_and_outlook_links_carry_the_same_event():
    made = Reminder("Acme Antivirus", "acme", date(2027, 1, 31), 30, GUIDE, TODAY)
    google = urlsplit(made.google_url)
    assert (google.scheme, google.netloc, google.path) == (
        "https",
        "calendar.google.com",
        "/calendar/render",
    )
    query = parse_qs(google.query)
    assert query["action"] == ["TEMPLATE"]
    assert query["text"] == ["Cancel Acme Antivirus before it renews"]
    assert query["dates"] == ["20270101/20270102"]  # all day: ends the next day
    assert GUIDE in query["details"][0]
    outlook = urlsplit(made.outlook_url)
    assert outlook.netloc == "outlook.live.com"
    assert outlook.path == "/calendar/0/deeplink/compose"
    query = parse_qs(outlook.query)
    assert query["rru"] == ["addevent"]
    assert query["path"] == ["/calendar/action/compose"]
    assert query["subject"] == ["Cancel Acme Antivirus before it renews"]
    assert query["startdt"] == ["2027-01-01"] and query["enddt"] == ["2027-01-02"]
    assert query["allday"] == ["true"]
    assert GUIDE in query["body"][0]


# -- the pages --------------------------------------------------------------------------------


def test_provider_and_steps_pages_offer_the_reminder_form(client, sample):
    html = client.get("/cancel/acme/").content.decode()
    assert "Remind me before it renews" in html
    assert 'action="/reminder/acme/" method="get" hx-boost="false"' in html
    assert 'name="route"' not in html
    steps = client.get("/cancel/acme/website/region-a/?region=de").content.decode()
    assert 'action="/reminder/acme/"' in steps
    assert '<input type="hidden" name="route" value="website/region-a">' in steps
    assert '<input type="hidden" name="region" value="de">' in steps
    # A question further down the flow keeps to its question.
    assert "Remind me before it renews" not in client.get("/cancel/acme/website/").content.decode()
    # htmx's swap of the steps carries the form too, with the answers of the new page.
    partial = client.get("/cancel/acme/app-store/iphone/", HTTP_HX_REQUEST="true")
    assert 'name="route" value="app-store/iphone"' in partial.content.decode()
    german = client.get("/de/cancel/acme/app-store/iphone/").content.decode()
    assert 'action="/de/reminder/acme/"' in german


def test_the_page_alone_shows_the_form_and_the_rules(client, sample):
    response = client.get("/reminder/acme/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Remind me before Acme Antivirus renews" in html
    assert "form-error" not in html
    assert "How renewal dates work" in html
    assert "Check who bills you" in html  # the guide's own "before you cancel" note
    assert 'value="7"' in html
    assert 'name="robots" content="noindex' in html


def test_a_renewal_date_gives_the_file_and_the_links(client, sample, today):
    response = client.get(
        "/reminder/acme/", {"renews": "2027-01-31", "before": "30", "route": "app-store/iphone"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "31 January 2027" in html and "1 January 2027" in html
    assert "30 days before" in html
    assert (
        'href="/reminder/acme.ics?renews=2027-01-31&amp;before=30&amp;route=app-store%2Fiphone"'
        in html
    )
    assert 'href="https://calendar.google.com/calendar/render?action=TEMPLATE' in html
    assert 'href="https://outlook.live.com/calendar/0/deeplink/compose?' in html
    assert "no-store" in response["Cache-Control"]
    assert 'value="2027-01-31"' in html  # the form keeps what was sent


def test_a_start_and_period_give_the_next_renewal(client, sample, today):
    response = client.get("/reminder/acme/", {"started": "2026-01-31", "period": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "31 December 2026" in html and "24 December 2026" in html
    # The file's address carries the renewal it found, so it does not move with the days.
    assert "/reminder/acme.ics?renews=2026-12-31&amp;before=7" in html


def test_the_calendar_file_downloads_with_the_guide_address_in_the_language(client, sample):
    renews = date.today() + timedelta(days=40)
    query = {"renews": renews.isoformat(), "before": "10", "route": "website/region-a"}
    response = client.get("/de/reminder/acme.ics", {**query, "region": "de"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="cancel-acme-reminder.ics"'
    assert "no-store" in response["Cache-Control"]
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    guide = "http://testserver/de/cancel/acme/website/region-a/?region=de"
    assert str(event["URL"]) == guide
    assert guide in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART") == renews - timedelta(days=10)
    assert str(event["SUMMARY"]) != "Cancel Acme Antivirus before it renews"  # in German


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"renews": "2027-02-31"}, "That date does not exist"),
        ({"renews": "0000-01-01"}, "That date does not exist"),
        ({"renews": "2026-12-01", "started": "2026-12-05"}, "must come after the start date"),
        ({"renews": "2040-01-01"}, "within the next 10 years"),
        ({"started": "2026-01-01", "period": "other", "months": "999"}, "from 1 to 120"),
        ({"renews": "2027-01-31", "before": "90"}, "from 0 to 60"),
        ({"before": "7"}, "Please give the next renewal date"),
    ],
)
def test_impossible_dates_get_the_form_again_with_an_error(client, sample, today, query, message):
    for address in ("/reminder/acme/", "/reminder/acme.ics"):
        response = client.get(address, query)
        html = response.content.decode()
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert message in html
        assert 'class="reminder-form"' in html
        assert "Download the calendar file" not in html


def test_the_file_alone_without_dates_is_refused(client, sample):
    response = client.get("/reminder/acme.ics")
    assert response.status_code == 400
    assert b"Please give the next renewal date" in response.content


def test_a_reminder_day_already_past_is_said_plainly(client, sample, today):
    query = {"renews": "2026-12-10", "before": "7"}
    response = client.get("/reminder/acme/", query)
    html = response.content.decode()
    assert response.status_code == 200
    assert "That reminder day has already passed." in html
    assert "Acme Antivirus renews in 3 days. Cancel now" in html
    assert 'href="http://testserver/cancel/acme/"' in html
    assert "Download the calendar file" not in html
    assert client.get("/reminder/acme.ics", query).status_code == 400


@pytest.mark.parametrize(
    "address",
    [
        "/reminder/no-such-provider/?renews=2027-01-31",
        "/reminder/no-such-provider.ics?renews=2027-01-31",
        "/reminder/acme/?renews=2027-01-31&route=no/such/answer",
        "/reminder/acme/?renews=2027-01-31&route=%00%01",
        "/reminder/acme/?renews=2027-01-31&region=atlantis",
    ],
)
def test_unknown_guides_answers_and_places_are_not_found(client, sample, address):
    assert client.get(address).status_code == 404


JUNK = [
    "😀📅",
    "2027-01-31\x00",
    "\x07\x1b[31m",
    "'; DROP TABLE guides_provider; --",
    "<script>alert(1)</script>",
    "2027-01-31" + "x" * 10_000,
]


@pytest.mark.parametrize("junk", JUNK)
@pytest.mark.parametrize("field", ["renews", "started", "period", "months", "before"])
def test_junk_gets_a_form_error_never_a_server_error(client, sample, junk, field):
    response = client.get("/reminder/acme/", {"renews": "2027-01-31", field: junk})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "x" * 1000 not in html  # not echoed back


def test_nothing_is_written_and_a_kept_guide_costs_no_query(
    client, sample, django_assert_num_queries, django_assert_max_num_queries
):
    query = {"renews": (date.today() + timedelta(days=60)).isoformat()}
    with django_assert_max_num_queries(6) as first:
        client.get("/reminder/acme/", query)
    assert not [q for q in first.captured_queries if not q["sql"].startswith("SELECT")]
    with django_assert_num_queries(0):
        assert client.get("/reminder/acme/", query).status_code == 200
        assert client.get("/reminder/acme.ics", query).status_code == 200


def test_the_request_log_keeps_the_path_not_the_dates(client, sample, caplog):
    caplog.set_level("INFO", logger="cancelflow.request")
    client.get("/reminder/acme.ics", {"renews": "2031-05-17", "started": "2030-05-17"})
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "/reminder/acme.ics" in logged
    assert "2031" not in logged and "2030" not in logged


def test_robots_keep_crawlers_off_the_reminders(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert "Disallow: /reminder/" in lines and "Disallow: /de/reminder/" in lines


def test_gunicorns_access_log_if_asked_for_keeps_no_query_string():
    from types import SimpleNamespace

    from gunicorn.glogging import Logger

    config = runpy.run_path("cancelflow/gunicorn.conf.py")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/reminder/acme.ics?renews=2031-05-17",
        "PATH_INFO": "/reminder/acme.ics",
        "QUERY_STRING": "renews=2031-05-17",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://cancelflow.test/reminder/acme/?renews=2031-05-17",
        "HTTP_USER_AGENT": "phone",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = Logger.atoms(
        SimpleNamespace(_get_user=lambda environ: None, now=lambda: "[now]"),
        response,
        SimpleNamespace(headers=[]),
        environ,
        timedelta(seconds=0),
    )
    line = config["access_log_format"] % atoms
    assert "/reminder/acme.ics" in line
    assert "2031" not in line


reminder_junk = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40),
    st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["1", "3", "12", "other", "2027-02-29", "0000-00-00", "9999-12-31"]),
)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    query=st.dictionaries(
        st.sampled_from(["renews", "started", "period", "months", "before", "route", "region"]),
        reminder_junk,
        max_size=7,
    )
)
def test_any_query_gets_a_page_or_a_4xx_never_a_server_error(sample, query):
    client = Client(raise_request_exception=True)
    for address in ("/reminder/acme/", "/reminder/acme.ics"):
        response = client.get(address, query)
        assert response.status_code in {200, 400, 404}, (address, query)
