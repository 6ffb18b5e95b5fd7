"""The guided flow in a real browser: with JavaScript (htmx swaps only the flow region and
keeps the URL, history and focus right) and without it (plain links, full page loads)."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser]

QUESTION = "Where did you buy it?"
PROVIDER_PATH = "/cancel/kaspersky/"
STORE_PATH = "/cancel/kaspersky/google-play/"


def url_is(live_server, path: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(live_server.url + path) + r"(?:[?#].*)?$")


def store_choice(page):
    return page.locator(f'#flow ul.choices a[href$="{STORE_PATH}"]')


def assert_question(page, live_server) -> None:
    """The page is Kaspersky's first question, as a whole page."""
    page.wait_for_url(url_is(live_server, PROVIDER_PATH))
    heading = page.locator("#flow h2#flow-heading")
    heading.wait_for()
    assert QUESTION in heading.inner_text()
    assert "Kaspersky" in page.locator("h1").first.inner_text()
    assert store_choice(page).count() == 1
    assert "Google Play" in store_choice(page).inner_text()


def assert_store_steps(page, live_server) -> None:
    """The page shows the steps for Kaspersky bought on Google Play, with the answer given."""
    page.wait_for_url(url_is(live_server, STORE_PATH))
    steps = page.locator("#flow ol.steps > li")
    steps.first.wait_for()
    assert steps.count() >= 1
    assert "Google Play" in page.locator("#flow").inner_text()
    assert QUESTION not in page.locator("#flow h2#flow-heading").inner_text()


def test_flow_with_javascript_swaps_only_the_flow(
    page_and_log, live_server, shipped_guides
) -> None:
    page, log = page_and_log
    page.goto(live_server.url + PROVIDER_PATH)
    assert_question(page, live_server)
    loads_before = len(log.loads)
    # Anything set on window survives an htmx swap, and is gone after a full page load.
    page.evaluate("window.__marker = 1")

    with page.expect_response(
        lambda r: r.url.endswith(STORE_PATH) and r.request.headers.get("hx-request") == "true"
    ) as response_info:
        store_choice(page).click()
    response = response_info.value
    assert response.ok
    assert "<html" not in response.text().lower(), "htmx got a full page, not the flow partial"
    assert "HX-Request" in (response.headers.get("vary") or "")

    assert_store_steps(page, live_server)
    assert page.evaluate("window.__marker") == 1, "the click caused a full page load"
    assert len(log.loads) == loads_before, "the click caused a full page load"
    assert "Kaspersky" in page.locator("h1").first.inner_text()

    # Focus moves to the new heading, for keyboard and screen-reader users.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'flow-heading'")

    # Back returns to the question, forward to the steps.
    page.go_back()
    assert_question(page, live_server)
    page.go_forward()
    assert_store_steps(page, live_server)

    # Reload on the steps URL is a full page with the same steps.
    page.reload()
    assert_store_steps(page, live_server)
    assert "Kaspersky" in page.locator("h1").first.inner_text()
    assert page.evaluate("window.__marker") is None


def test_flow_without_javascript_uses_plain_links(
    nojs_page_and_log, live_server, shipped_guides
) -> None:
    page, log = nojs_page_and_log
    page.goto(live_server.url + PROVIDER_PATH)
    assert_question(page, live_server)
    loads_before = len(log.loads)

    with page.expect_navigation():
        store_choice(page).click()
    assert_store_steps(page, live_server)
    assert len(log.loads) == loads_before + 1, "the link did not load a full page"
    assert "Kaspersky" in page.locator("h1").first.inner_text()

    page.go_back()
    assert_question(page, live_server)

    page.go_forward()
    assert_store_steps(page, live_server)


def test_shared_steps_link_opens_the_steps(page_and_log, live_server, shipped_guides) -> None:
    """A link to a state of the flow, opened fresh, lands on that state."""
    page, _log = page_and_log
    page.goto(live_server.url + STORE_PATH)
    assert_store_steps(page, live_server)
    assert "Kaspersky" in page.locator("h1").first.inner_text()
