"""Requesting a guide: offered when a search finds nothing, kept for the editors, CSRF
protected, rate limited with a clear message, and a redirect after the POST (no JS needed)."""

from __future__ import annotations

import pytest
from django.test import Client

from guides.models import GuideRequest
from guides.web.views import GUIDE_REQUEST_LIMIT


def test_the_form_is_prefilled_from_the_search(client, db):
    response = client.get("/request/", {"name": "Fitness Club Deluxe"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<form class="request-form" action="/request/" method="post"' in html
    assert 'value="Fitness Club Deluxe"' in html
    assert "csrfmiddlewaretoken" in html
    assert '<meta name="robots" content="noindex">' in html


def test_a_request_is_stored_and_the_visitor_is_redirected(client, db):
    response = client.post(
        "/request/", {"name": "  Fitness Club  ", "details": "Bought at the gym."}
    )
    assert response.status_code == 302
    assert response["Location"] == "/request/thanks/"
    saved = GuideRequest.objects.get()
    assert saved.name == "Fitness Club"
    assert saved.details == "Bought at the gym."
    assert saved.handled is False
    assert len(saved.client) == 32 and "127.0.0.1" not in saved.client  # a hash, not the address
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert b"your request was sent" in thanks.content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Please say what you want to cancel."),
        ({"name": "   "}, "Please say what you want to cancel."),
        ({"name": "x" * 121}, "under 120 characters"),
        ({"name": "Gym", "details": "y" * 1001}, "under 1,000 characters"),
        ({"name": "a\x00b"}, "Null characters are not allowed."),
    ],
)
def test_bad_input_is_shown_again_with_a_message(client, db, data, message):
    response = client.post("/request/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'aria-invalid="true"' in html
    assert not GuideRequest.objects.exists()


def test_the_form_needs_its_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/request/", {"name": "Gym"})
    assert response.status_code == 403
    assert not GuideRequest.objects.exists()
    page = client.get("/request/")
    token = page.cookies["csrftoken"].value
    response = client.post("/request/", {"name": "Gym", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert GuideRequest.objects.count() == 1


def test_requests_are_rate_limited_with_a_clear_message(client, db):
    for n in range(GUIDE_REQUEST_LIMIT):
        assert client.post("/request/", {"name": f"Gym {n}"}).status_code == 302
    response = client.post("/request/", {"name": "One too many"})
    html = response.content.decode()
    assert response.status_code == 429
    assert "Too many requests from your connection" in html
    assert "Please try again in" in html
    assert 0 < int(response["Retry-After"]) <= 3600
    assert 'value="One too many"' in html  # what they typed is not lost
    assert GuideRequest.objects.count() == GUIDE_REQUEST_LIMIT
    # Another visitor is not affected.
    other = client.post("/request/", {"name": "Elsewhere"}, REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 302


def test_invalid_posts_count_towards_the_limit(client, db):
    for _ in range(GUIDE_REQUEST_LIMIT):
        client.post("/request/", {"name": ""})
    assert client.post("/request/", {"name": "Gym"}).status_code == 429


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(client, db, method):
    assert getattr(client, method)("/request/").status_code == 405
    assert client.post("/request/thanks/").status_code == 405


def test_an_overlong_prefill_is_cut(client, db):
    response = client.get("/request/", {"name": "z" * 5000})
    assert response.status_code == 200
    assert "z" * 121 not in response.content.decode()
