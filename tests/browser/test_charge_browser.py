"""What is this charge? On a phone, a visitor pastes a line from their statement into the
search and reaches the right guide, with JavaScript and without."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
LINE = "PAYPAL *SPOTIFY 4029357733"


def paste_and_follow(page, live_server, field: str, *, live: bool) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    page.fill(field, LINE)
    if live:  # results appear as you type: no submit
        page.locator("#search-results", has_text="Who bills you").wait_for()
    else:
        page.locator(f"{field} ~ button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/search/?q=*")
    section = page.locator(".who-bills")
    assert "PayPal charged you for Spotify." in section.inner_text()
    section.get_by_role("link", name="Cancel Spotify paid through PayPal").click()
    page.wait_for_url(f"{live_server.url}/cancel/spotify/")
    assert page.locator("h1").inner_text() == "How to cancel Spotify"
    # The provider page leads on to the pages of the channels it is sold through.
    assert page.locator('.sold-through a[href="/channels/google-play/"]').count() == 1


def test_paste_a_statement_line_with_javascript(page_and_log, live_server, shipped_guides):
    page, _ = page_and_log
    paste_and_follow(page, live_server, "#home-q", live=True)


def test_paste_a_statement_line_without_javascript(nojs_page_and_log, live_server, shipped_guides):
    page, _ = nojs_page_and_log
    paste_and_follow(page, live_server, "#home-q", live=False)
