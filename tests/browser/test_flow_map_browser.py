"""The admin's "whole flow" page in a real browser, without JavaScript: a visitor's report
on a step shows up under that very step, every page of steps is on screen at once, and each
branch closes by its answer. No Content-Security-Policy violation (checked by the fixture)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from guides.models import Feedback, Provider
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser]

STEPS = "/cancel/kaspersky/apple-app-store/iphone-ipad/"
FORM = "/feedback/kaspersky/apple-app-store/iphone-ipad/?answer=problem"


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_a_report_is_pinned_under_its_step_without_javascript(
    nojs_page_and_log, live_server, shipped_guides
):
    page, _ = nojs_page_and_log
    page.goto(live_server.url + FORM)
    page.get_by_label("Which step?").select_option("2")
    page.get_by_label("What is wrong?").fill("The button is called Manage now.")
    page.get_by_role("button", name="Send to the editors").click()
    page.get_by_text("Your report has reached the editors").wait_for()
    report = Feedback.objects.get()
    assert report.step is not None

    factories.make_staff("editor", "Editors")
    sign_in(page, live_server.url, "editor")
    kaspersky = Provider.objects.get(slug="kaspersky")
    page.goto(f"{live_server.url}/admin/guides/provider/{kaspersky.pk}/flow/")
    step = page.locator(f'li.cf-step[data-step="{report.step_id}"]').filter(
        has_text="The button is called Manage now."
    )
    assert step.count() == 1 and step.first.is_visible()
    assert step.first.get_attribute("value") == "2"
    # Every page of steps is on screen at once; a branch closes by its answer.
    steps = page.locator("li.cf-step")
    assert steps.count() > 10
    assert all(steps.nth(i).is_visible() for i in range(steps.count()))
    store = page.locator("summary", has_text="Apple App Store").first
    store.click()
    assert not step.first.is_visible()
