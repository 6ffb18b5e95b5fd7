"""Visitors' feedback: "Did this work?" and "Report a problem with a step", with htmx and
without, CSRF-protected, rate limited, never silently dropped, never storing an address."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from guides.admin import feedback_readout
from guides.models import Feedback, Provider, Route
from guides.web import feedback as feedback_module
from tests.recorded import load_guides

SAMPLE = "tests/data/sample.yaml"
STEPS = "/cancel/acme/app-store/iphone/"
FORM = "/feedback/acme/app-store/iphone/"


@pytest.fixture
def sample(db):
    load_guides(SAMPLE)


@pytest.fixture(autouse=True)
def fresh_limits():
    """The rate limits live in the cache: every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


def htmx(client, method, url, data=None, **extra):
    return getattr(client, method)(url, data or {}, HTTP_HX_REQUEST="true", **extra)


# The steps page links to the form, and stays cacheable -------------------------------------


def test_every_steps_page_ends_with_did_this_work(client, sample):
    response = client.get(STEPS)
    html = response.content.decode()
    assert "Did this work?" in html and "Report a problem with a step" in html
    # Links that htmx follows into the panel (not boosted: no history entry).
    assert 'id="feedback-panel" hx-boost="false" hx-target="this" hx-swap="innerHTML"' in html
    for answer in ("yes", "no", "problem"):
        href = f"{FORM}?answer={answer}"
        assert f'href="{href}" hx-get="{href}"' in html
    # The feedback comes after the steps.
    assert html.index("Open Settings on the iPhone") < html.index('id="feedback-heading"')


def test_the_steps_page_carries_no_token_and_sets_no_cookie(client, sample):
    response = client.get(STEPS)
    assert b"csrfmiddlewaretoken" not in response.content
    assert not response.cookies  # no CSRF cookie, no session
    partial = htmx(client, "get", STEPS)
    assert b"Did this work?" in partial.content
    assert b"csrfmiddlewaretoken" not in partial.content and not partial.cookies


def test_a_page_that_asks_a_question_has_no_feedback(client, sample):
    assert b"Did this work?" not in client.get("/cancel/acme/").content
    assert b"Did this work?" not in client.get("/cancel/acme/app-store/").content


# The form ----------------------------------------------------------------------------------


def test_the_form_page_without_javascript(client, sample):
    response = client.get(FORM, {"answer": "yes"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and "csrfmiddlewaretoken" in html
    assert f'action="{FORM}" method="post"' in html
    assert 'value="yes" id="id_answer_0" required checked' in html
    assert 'maxlength="1000"' in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_form_as_an_htmx_partial(client, sample):
    response = htmx(client, "get", FORM, {"answer": "no"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "csrfmiddlewaretoken" in html
    assert f'hx-post="{FORM}" hx-target="#feedback-panel"' in html
    assert 'value="no" id="id_answer_1" required checked' in html
    assert "HX-Request" in response["Vary"]


def test_the_problem_form_lists_the_numbered_steps(client, sample):
    html = client.get(FORM, {"answer": "problem"}).content.decode()
    assert "Report a problem with a step" in html
    assert '<option value="1">1. Check that the store bills you</option>' in html
    assert '<option value="2">2. Open Settings on the iPhone</option>' in html
    assert '<option value="3">3. Find Acme in the list</option>' in html


# Sending ----------------------------------------------------------------------------------------


def test_an_answer_without_javascript_redirects_to_a_thank_you(client, sample):
    response = client.post(FORM, {"form": "answer", "answer": "yes", "comment": "Easy."})
    assert response.status_code == 302
    assert response["Location"] == f"{FORM}?sent=answer"
    saved = Feedback.objects.get()
    assert (saved.kind, saved.comment, saved.route_path) == ("worked", "Easy.", "app-store/iphone")
    assert saved.provider.slug == "acme" and saved.route == Route.objects.get(slug="app-store")
    assert saved.status == "new"
    thanks = client.get(response["Location"])
    assert b"Thank you." in thanks.content and b"csrfmiddlewaretoken" not in thanks.content
    assert f'href="{STEPS}"'.encode() in thanks.content


def test_an_answer_with_htmx_swaps_a_thank_you_in(client, sample):
    response = htmx(client, "post", FORM, {"form": "answer", "answer": "no", "comment": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "Thank you." in html and 'role="status"' in html
    assert Feedback.objects.get().kind == "did_not_work"


def test_a_problem_report_names_its_step(client, sample):
    data = {"form": "problem", "step_number": "2", "comment": "No Subscriptions item."}
    response = client.post(FORM, data)
    assert response.status_code == 302 and response["Location"].endswith("?sent=problem")
    saved = Feedback.objects.get()
    assert (saved.kind, saved.step_number, saved.comment) == ("problem", 2, data["comment"])


def test_no_raw_address_is_stored(client, sample):
    client.post(FORM, {"form": "answer", "answer": "yes"}, REMOTE_ADDR="198.51.100.7")
    saved = Feedback.objects.get()
    assert saved.client and "198.51.100.7" not in saved.client
    values = [str(value) for value in Feedback.objects.values().get().values()]
    assert not any("198.51.100" in value for value in values)


# Refused, and saying why -----------------------------------------------------------------------


@pytest.mark.parametrize("hx", [False, True])
def test_an_overlong_comment_is_refused_with_a_message(client, sample, hx):
    data = {"form": "answer", "answer": "no", "comment": "x" * 1001}
    response = htmx(client, "post", FORM, data) if hx else client.post(FORM, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please keep this under 1,000 characters (it has 1001)." in html
    assert ("<html" in html) is not hx
    assert not Feedback.objects.exists()
    # Exactly 1,000 is fine.
    data["comment"] = "x" * 1000
    assert client.post(FORM, data).status_code == 302
    assert len(Feedback.objects.get().comment) == 1000


@pytest.mark.parametrize(
    "data",
    [
        {"form": "answer"},  # no answer
        {"form": "answer", "answer": "maybe"},
        {"form": "problem", "comment": "Broken"},  # which step?
        {"form": "problem", "step_number": "99", "comment": "Broken"},
        {"form": "problem", "step_number": "x", "comment": "Broken"},
        {"form": "problem", "step_number": "1"},  # what is wrong?
    ],
)
def test_incomplete_submissions_are_refused(client, sample, data):
    response = client.post(FORM, data)
    assert response.status_code == 400
    assert b'class="form-error"' in response.content
    assert not Feedback.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(sample):
    client = Client(enforce_csrf_checks=True)
    response = client.post(FORM, {"form": "answer", "answer": "yes"})
    assert response.status_code == 403
    assert not Feedback.objects.exists()
    response = client.post(FORM, {"form": "answer", "answer": "yes"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert not Feedback.objects.exists()


def test_a_post_with_the_token_from_the_form_is_accepted(sample):
    client = Client(enforce_csrf_checks=True)
    form = client.get(FORM, {"answer": "yes"})
    token = form.context["csrf_token"]
    response = client.post(FORM, {"form": "answer", "answer": "yes", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Feedback.objects.count() == 1


@pytest.mark.parametrize("hx", [False, True])
def test_past_the_rate_limit_a_clear_429_and_nothing_saved(client, sample, hx, settings):
    settings.FEEDBACK_LIMIT = 2
    data = {"form": "answer", "answer": "yes"}

    def send():
        return htmx(client, "post", FORM, data) if hx else client.post(FORM, data)

    assert [send().status_code for _ in range(2)] == ([200, 200] if hx else [302, 302])
    response = send()
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= feedback_module.FEEDBACK_WINDOW
    html = response.content.decode()
    assert "Too many reports from your connection" in html
    assert "Nothing was saved this time." in html
    assert ("<html" in html) is not hx
    assert Feedback.objects.count() == 2
    # Another visitor is not held back.
    other = client.post(FORM, data, REMOTE_ADDR="203.0.113.9")
    assert other.status_code in {200, 302} and Feedback.objects.count() == 3


# Bad addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/feedback/nope/app-store/iphone/",
        "/feedback/acme/nope/",
        "/feedback/acme/app-store/",  # a question, not steps
        "/feedback/acme/app-store/android/",
        "/feedback/acme/%00/",
    ],
)
def test_unknown_guides_get_a_404(client, sample, url):
    assert client.get(url).status_code == 404
    assert client.post(url, {"form": "answer", "answer": "yes"}).status_code == 404
    assert not Feedback.objects.exists()


def test_a_draft_guide_takes_no_feedback_from_visitors(client, sample):
    Provider.objects.filter(slug="acme").update(status="draft")
    assert client.get(FORM).status_code == 404
    assert client.post(FORM, {"form": "answer", "answer": "yes"}).status_code == 404


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(client, sample, method):
    assert getattr(client, method)(FORM).status_code == 405


def test_the_form_page_has_no_inline_script_or_style(client, sample):
    html = client.get(FORM, {"answer": "problem"}).content.decode()
    assert "<script>" not in html and " style=" not in html


# What the editors read ----------------------------------------------------------------------


def test_success_rate():
    assert feedback_readout.success_rate(3, 1) == "75% (3 of 4)"
    assert feedback_readout.success_rate(0, 0) == "No answers yet"


def test_robots_keep_out_of_the_feedback_forms(client, db):
    assert "Disallow: /feedback/" in client.get("/robots.txt").content.decode()
