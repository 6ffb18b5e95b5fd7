"""A German visitor on a phone, start to finish, with htmx and without JavaScript: the
German home page, the search, "Wo wohnen Sie?" (Germany suggested, not chosen), the steps
with Germany's and the EU's rights notes, all in German; Back, Reload and the language
switcher keep the answers."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser]

WEBSITE = "/de/cancel/kaspersky/website/"
STEPS = "/de/cancel/kaspersky/website/my-kaspersky/?region=de"


def url_is(live_server, path: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(live_server.url + path) + "#?$")


def heading(page) -> str:
    return page.locator("#flow-heading").inner_text()


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_a_german_visitor_on_a_phone(browser, live_server, shipped_guides, javascript):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=javascript,  # Chromium's mobile emulation needs JavaScript on
        has_touch=javascript,
        java_script_enabled=javascript,
        locale="de-DE",
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + "/de/")
        assert page.locator("html").get_attribute("lang") == "de"

        # The search, as you type with htmx, as a form without it
        if javascript:
            page.locator("#home-q").tap()
            page.keyboard.type("kaspersky", delay=20)
            page.locator("#search-results .results a", has_text="Kaspersky").first.tap()
        else:
            page.locator("#home-q").fill("kaspersky")
            page.locator("#home-q").press("Enter")
            page.wait_for_url(re.compile(r".*/de/search/\?q=kaspersky"))
            page.locator(".results a", has_text="Kaspersky").first.click()
        page.wait_for_url(url_is(live_server, "/de/cancel/kaspersky/"))
        assert heading(page) == "Wo haben Sie es gekauft?"

        page.locator("#flow ul.choices a", has_text="Auf der Website von Kaspersky").click()
        page.wait_for_url(url_is(live_server, WEBSITE))
        # The region question: Germany first, suggested by the page's language, not assumed
        assert heading(page) == "Wo wohnen Sie?"
        first = page.locator("#flow ul.choices li").first
        assert "Deutschland" in first.inner_text()
        assert "vorgeschlagen" in first.inner_text()
        first.locator("a").click()
        page.wait_for_url(url_is(live_server, "/de/cancel/kaspersky/website/?region=de"))
        assert "In den USA" not in page.locator("#flow ul.choices").inner_text()

        page.locator("#flow ul.choices a", has_text="My Kaspersky").click()
        page.wait_for_url(url_is(live_server, STEPS))
        page.locator("#flow ol.steps > li.step").first.wait_for()
        assert heading(page).startswith("Schritte")
        answers = page.locator("#flow .answers").inner_text()
        assert "Wo wohnen Sie?" in answers and "Deutschland" in answers
        rights = page.locator(".rights").inner_text()
        assert "Ihre Rechte dort, wo Sie wohnen" in rights
        assert "Verträge hier kündigen" in rights and "14 Tage" in rights
        assert "Kalifornien" not in rights
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        # Back and Reload keep the answers
        page.go_back()
        page.wait_for_url(url_is(live_server, "/de/cancel/kaspersky/website/?region=de"))
        assert heading(page).startswith("Auf welchem Weg")
        page.go_forward()
        page.wait_for_url(url_is(live_server, STEPS))
        page.reload()
        assert "Deutschland" in page.locator("#flow .answers").inner_text()

        # The language switcher keeps the page, its answers and where the visitor lives
        page.locator('.language-switcher a[hreflang="en"]').click()
        page.wait_for_url(url_is(live_server, STEPS.removeprefix("/de")))
        assert "Germany" in page.locator("#flow .answers").inner_text()
        assert page.locator("html").get_attribute("lang") == "en"
    finally:
        context.close()
