"""Proof of cancellation (/record/<provider>/<answers>/): a printable record rendered from
its GET form alone, escaped, never stored and never in the request log."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.recorded import load_guides

URL = "/record/kaspersky/apple-app-store/iphone-ipad/"


@pytest.fixture
def shipped(db):
    load_guides()


def test_the_form_alone_until_filled_in(client, shipped):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="cancelled_on"' in html and 'type="date"' in html
    assert "Proof of cancellation" not in html
    assert "noindex" in html


def test_the_record_shows_what_was_typed_and_what_happens_next(client, shipped):
    response = client.get(URL, {"cancelled_on": "2025-03-04", "reference": "Order W12-ABC"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Proof of cancellation" in html
    assert "Kaspersky" in html and "4 March 2025" in html and "Order W12-ABC" in html
    assert "What happens next" in html
    assert 'href="/cancel/kaspersky/apple-app-store/iphone-ipad/"' in html


@pytest.mark.parametrize(
    "reference",
    [
        "<script>alert(1)</script>",
        "'; DROP TABLE guides_provider; --",
        "Abo beendet 😀✅",
        "Ihre Kündigung — Bestätigung",
    ],
)
def test_hostile_or_unusual_text_is_escaped(client, shipped, reference):
    response = client.get(URL, {"cancelled_on": "2025-03-04", "reference": reference})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    from django.utils.html import escape

    assert escape(reference) in html


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"cancelled_on": "2025-02-31"}, "real date"),
        ({"cancelled_on": "0000-01-01"}, "real date"),
        ({"cancelled_on": "1999-12-31"}, "after the year 2000"),
        ({"cancelled_on": "2999-01-01"}, "in the future"),
        ({"cancelled_on": ""}, "enter the date"),
        ({"cancelled_on": "2025-03-04", "reference": "x" * 10_000}, "under 200 characters"),
        ({"cancelled_on": "2025-03-04", "reference": "a\x07b"}, "letters, numbers"),
        ({"cancelled_on": "2025-03-04", "reference": "a\x00b"}, "Null characters"),
        ({"cancelled_on": "2025-03-04", "reference": "Call 1-855-737-0477"}, "phone number"),
    ],
)
def test_bad_input_is_a_form_error(client, shipped, params, error):
    response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert error in html
    assert "Proof of cancellation" not in html
    assert "1-855-737-0477" not in html.split("</form>")[-1]


@pytest.mark.parametrize(
    "url",
    [
        "/record/no-such-provider/x/",
        "/record/kaspersky/no-such-answer/",
        "/record/kaspersky/apple-app-store/",  # a question, not steps
        URL + "?region=nowhere",
    ],
)
def test_unknown_guides_are_404(client, shipped, url):
    assert client.get(url).status_code == 404


def test_nothing_is_written_or_logged(client, shipped, caplog):
    secret = "CONFIRM-7731-SECRET"
    client.get(URL)  # the guide read once
    with CaptureQueriesContext(connection) as queries, caplog.at_level(logging.DEBUG):
        response = client.get(URL, {"cancelled_on": "2025-03-04", "reference": secret})
    assert secret in response.content.decode()
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    assert caplog.records, "the request log is on"
    for record in caplog.records:
        assert secret not in record.getMessage()
        assert secret not in str(record.__dict__)
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_record_in_german(client, shipped):
    response = client.get("/de" + URL, {"cancelled_on": "2025-03-04"})
    assert response.status_code == 200
    assert 'lang="de"' in response.content.decode()
