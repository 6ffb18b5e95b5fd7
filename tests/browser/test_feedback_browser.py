"""Visitors' feedback in a real browser: with htmx the form, its errors (400), a refusal
for sending too much (429) and the thank-you all swap in place on the steps page; without
JavaScript it is a plain form, POST, then the thank-you page."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from guides.models import Feedback

pytestmark = [pytest.mark.browser]

STEPS = "/cancel/kaspersky/apple-app-store/iphone-ipad/"


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_feedback_swaps_in_place_with_javascript(page_and_log, live_server, shipped_guides):
    page, log = page_and_log
    page.goto(live_server.url + STEPS)
    loads = len(log.loads)
    panel = page.locator("#feedback-panel")

    panel.get_by_role("link", name="Report a problem with a step").click()
    select = panel.get_by_label("Which step?")
    select.wait_for()
    assert select.evaluate("element => element === document.activeElement")
    # Sent without choosing a step: the form comes back (400) with the reason, in place.
    panel.get_by_label("What is wrong?").fill("The button is called Manage now.")
    panel.get_by_role("button", name="Send to the editors").click()
    panel.get_by_text("Please choose the step.").wait_for()
    assert not Feedback.objects.exists()

    panel.get_by_label("Which step?").select_option("2")
    panel.get_by_label("What is wrong?").fill("The button is called Manage now.")
    panel.get_by_role("button", name="Send to the editors").click()
    panel.get_by_text("Your report has reached the editors").wait_for()
    assert len(log.loads) == loads  # never left the steps page
    assert page.url == live_server.url + STEPS
    saved = Feedback.objects.get()
    assert (saved.kind, saved.step_number) == ("problem", 2)


def test_too_many_reports_are_refused_in_place(page_and_log, live_server, shipped_guides, settings):
    settings.FEEDBACK_LIMIT = 1
    page, _ = page_and_log
    for expected in ["Your answer has reached the editors", "Too many reports"]:
        page.goto(live_server.url + STEPS)
        panel = page.locator("#feedback-panel")
        panel.get_by_role("link", name="Yes").click()
        panel.get_by_role("button", name="Send to the editors").click()
        panel.get_by_text(expected).wait_for()
    assert Feedback.objects.count() == 1


def test_feedback_without_javascript(nojs_page_and_log, live_server, shipped_guides):
    page, _ = nojs_page_and_log
    page.goto(live_server.url + STEPS)
    page.get_by_role("link", name="No", exact=True).click()
    page.wait_for_url("**/feedback/**?answer=no")
    assert page.get_by_label("No, it did not work").is_checked()
    page.get_by_label("Anything to add? (optional)").fill("My plan was not listed.")
    page.get_by_role("button", name="Send to the editors").click()
    page.wait_for_url("**?sent=answer")
    assert "Thank you." in page.locator("main").inner_text()
    saved = Feedback.objects.get()
    assert (saved.kind, saved.comment) == ("did_not_work", "My plan was not listed.")
    page.get_by_role("link", name="Back to the steps").click()
    page.wait_for_url(live_server.url + STEPS)
