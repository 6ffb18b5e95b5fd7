"""`make screenshots`: light, dark and phone screenshots of real pages (the home page, a
provider page and a page of steps, with the shipped guides) into docs/screenshots/.

Not collected by `make test` (the file name does not start with test_); run it with
`pytest tests/browser/screenshots.py`. Needs the system's Chromium, as the browser tests do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser]

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PAGES = {
    "home": "/",
    "provider": "/cancel/kaspersky/",
    "steps": "/cancel/kaspersky/apple-app-store/iphone-ipad/",
}
VIEWS = {
    "light": {"viewport": {"width": 1280, "height": 900}, "color_scheme": "light"},
    "dark": {"viewport": {"width": 1280, "height": 900}, "color_scheme": "dark"},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "color_scheme": "light",
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("page_name", PAGES)
def test_screenshot(browser, live_server, shipped_guides, page_name, view) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(**VIEWS[view])
    try:
        page = context.new_page()
        page.goto(live_server.url + PAGES[page_name])
        page.wait_for_load_state("networkidle")
        if page_name == "home":
            page.fill("#home-q", "kaspersy")
            page.locator("#search-results .results a").first.wait_for()
            page.locator("#home-q").blur()
        if page_name == "steps":
            page.locator(".tick input").first.check()
            page.locator(".tick input").nth(1).check()
            page.evaluate("document.getElementById('flow').scrollIntoView()")
        else:
            page.evaluate("window.scrollTo(0, 0)")
        path = OUT / f"{page_name}-{view}.png"
        page.screenshot(path=str(path))
        assert path.stat().st_size > 10_000
    finally:
        context.close()
