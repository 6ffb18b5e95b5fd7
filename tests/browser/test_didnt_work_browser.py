""" "It didn't work" on a phone: from the end of the steps to a letter with no placeholder
left, written in the browser with JavaScript and by the form's GET without it."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser]

STEPS = "/cancel/kaspersky/apple-app-store/iphone-ipad/"
PHONE = {"width": 390, "height": 844}
PLACEHOLDER = re.compile(r"\[|\{|\}|___|\bNone\b|%\(|\)s|undefined|null")


def fill_some(page) -> None:
    """Two blanks filled, two left empty: the letter must read well either way."""
    page.fill("#id_name", "Ann Example")
    page.fill("#id_order", "KL-7Q2XZ")


def assert_letter(page) -> str:
    letter = page.locator("#letter-subject").inner_text() + "\n"
    letter += page.locator("#letter-body").inner_text()
    assert "Ann Example" in letter
    assert "My order number is KL-7Q2XZ." in letter
    assert "I cancelled my Kaspersky subscription." in letter
    assert "email address" not in letter  # its blank is empty: the sentence is left out
    assert not PLACEHOLDER.search(letter), letter
    return letter


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_letter_has_no_placeholder_left(request, live_server, shipped_guides, javascript):
    page, log = request.getfixturevalue("page_and_log" if javascript else "nojs_page_and_log")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + STEPS)
    page.get_by_role("link", name="It didn't work, or they charged me again").click()
    page.wait_for_url(re.compile(r".*/didnt-work/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Kaspersky charged you again?"
    loads = len(log.loads)
    fill_some(page)
    if javascript:
        # Written as the visitor types, without leaving the page.
        assert_letter(page)
        page.get_by_role("button", name="Write the letter").click()
        assert_letter(page)
        assert len(log.loads) == loads
        assert "name=" not in page.url
        assert page.get_by_role("button", name="Copy the letter").is_visible()
        page.fill("#id_cancelled_on", "2025-01-31")
        assert "on January 31, 2025." in page.locator("#letter-body").inner_text()
    else:
        page.get_by_role("button", name="Write the letter").click()
        page.wait_for_url(re.compile(r".*/didnt-work/\?.*name=Ann"))
        assert_letter(page)
        assert not page.get_by_role("button", name="Copy the letter").is_visible()
    # The page fits the phone: nothing wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
