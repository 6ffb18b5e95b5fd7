"""My cancellation plan and the record of a cancellation in a real browser, on a phone:
three guides added from their steps pages, steps ticked, a reload, and the plan's address
opened in a fresh browser (nothing kept there) shows the three guides and the ticks; the
record filled in with JavaScript off."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser]

IN_PLAN = re.compile(r"/plan/\?g=")
PHONE = {"width": 390, "height": 844}
GUIDES = {
    "Kaspersky": "/cancel/kaspersky/apple-app-store/iphone-ipad/",
    "Netflix": "/cancel/netflix/apple-app-store/iphone-ipad/",
    "Spotify": "/cancel/spotify/google-play/",
}


def test_a_plan_of_three_guides_travels_by_its_address(
    browser, page_and_log, live_server, shipped_guides
):
    page, log = page_and_log
    page.set_viewport_size(PHONE)
    for name, path in GUIDES.items():
        page.goto(live_server.url + path)
        page.locator(".tick input").first.check()  # the first step done (static/js/steps.js)
        page.locator("a.add-to-plan").click()
        page.wait_for_url(IN_PLAN)
        page.locator(".plan-guide h2", has_text=name).wait_for()
    page.reload()
    headings = page.locator(".plan-guide h2").all_inner_texts()
    assert headings == list(GUIDES)
    # Each guide's first step ticked on its steps page counts here, and moves "Next" on.
    for progress in page.locator(".plan-progress").all_inner_texts():
        assert progress.startswith("1 of ")
    assert "Kaspersky:" in page.locator(".plan-next").inner_text()
    assert page.locator(".plan-step.is-done").count() == 3
    address = page.locator(".plan-share-link").get_attribute("href")
    assert address and address.count("g=") == 3 and "~" in address

    # Another device: a fresh browser context, with nothing kept in it.
    other = browser.new_context(viewport=PHONE)
    try:
        fresh = other.new_page()
        fresh.goto(address)
        assert fresh.locator(".plan-guide h2").all_inner_texts() == list(GUIDES)
        assert fresh.locator(".plan-step.is-done").count() == 3
        # The ticks reach the steps page of the fresh browser too.
        fresh.locator(".plan-links a", has_text="Open the steps").first.click()
        fresh.locator(".tick input").first.wait_for()
        assert fresh.locator(".tick input").first.is_checked()
    finally:
        other.close()
    log.assert_clean()


def test_an_empty_plan_page_opens_the_plan_kept_in_the_browser(
    page_and_log, live_server, shipped_guides
):
    page, _ = page_and_log
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + GUIDES["Spotify"])
    page.locator("a.add-to-plan").click()
    page.wait_for_url(IN_PLAN)
    page.goto(live_server.url + "/plan/")
    page.wait_for_url(IN_PLAN)
    assert page.locator(".plan-guide h2").all_inner_texts() == ["Spotify"]
    page.locator(".plan-links a", has_text="Remove from the plan").click()
    page.locator(".plan-empty").wait_for()
    page.goto(live_server.url + "/plan/")
    page.locator(".plan-empty").wait_for()


def test_the_record_without_javascript(nojs_page_and_log, live_server, shipped_guides):
    page, _ = nojs_page_and_log
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + GUIDES["Kaspersky"])
    page.locator("a.record-link").click()
    page.fill("#id_cancelled_on", "2025-03-04")
    page.fill("#id_reference", "<b>Order</b> W12 😀")
    page.locator("button", has_text="Show my record").click()
    record = page.locator(".record")
    record.wait_for()
    assert "4 March 2025" in record.inner_text()
    assert "<b>Order</b> W12 😀" in record.locator(".record-reference").inner_text()
    page.emulate_media(media="print")
    assert not page.locator(".record-form").is_visible()
    assert not page.locator(".site-header").is_visible()


def test_the_plan_without_javascript(nojs_page_and_log, live_server, shipped_guides):
    page, _ = nojs_page_and_log
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + GUIDES["Netflix"])
    page.locator("a.add-to-plan").click()
    page.locator(".plan-guide h2", has_text="Netflix").wait_for()
    page.fill("#plan-add", "Spotify")
    page.locator(".plan-add button").click()
    page.locator(".plan-guide h2", has_text="Spotify").wait_for()
    assert page.locator(".plan-guide h2").all_inner_texts() == ["Netflix", "Spotify"]
