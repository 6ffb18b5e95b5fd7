""" "Is this number real?" on a phone, without JavaScript: a search for a number warns and
leads to the check, which says the scam number is a known scam without printing it as a
number to call; an unknown number offers the company's own page or the search."""

from __future__ import annotations

import importlib

import pytest

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
SEED = importlib.import_module("guides.migrations.0023_scam_numbers").SEED


@pytest.fixture
def scam_number(shipped_guides) -> None:
    from guides.models import ScamNumber

    ScamNumber.objects.get_or_create(number=SEED["number"], defaults=SEED)


def test_checking_a_number_without_javascript_on_a_phone(
    nojs_page_and_log, live_server, scam_number
) -> None:
    page, log = nojs_page_and_log
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    page.fill("#home-q", "Call Kaspersky support 1-855-737-0477")
    with page.expect_navigation():
        page.press("#home-q", "Enter")
    assert "737" not in page.title()
    warning = page.locator(".number-warning")
    assert "This looks like a phone number." in warning.inner_text()
    with page.expect_navigation():
        warning.get_by_role("link", name="Check a number here").click()

    assert page.locator("h1").inner_text() == "Is this number real?"
    assert page.get_by_label("The phone number").input_value() == "1-855-737-0477"
    verdict = page.locator(".verdict")
    assert "Do not call: this is a known scam number" in verdict.inner_text()
    assert "737" not in verdict.inner_text()
    assert page.locator("a[href^='tel:']").count() == 0
    assert verdict.get_by_role("link", name="How to cancel Kaspersky").count() == 1

    # An unknown number, no company named: the search is offered.
    page.get_by_label("The phone number").fill("+44 20 7946 0958")
    with page.expect_navigation():
        page.get_by_role("button", name="Check the number").click()
    assert "We do not know this number" in page.locator(".verdict").inner_text()
    with page.expect_navigation():
        page.locator(".verdict").get_by_role("link", name="Search a provider").click()
    assert "/search/" in page.url

    # Bad input: a clear error by the field, the page still works.
    page.goto(live_server.url + "/check-number/?number=%F0%9F%98%80")
    assert "We could not read a phone number" in page.locator(".form-error").inner_text()
    assert len(log.loads) >= 4


def test_the_footer_leads_to_the_check(nojs_page_and_log, live_server, shipped_guides) -> None:
    page, _log = nojs_page_and_log
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/de/cancel/kaspersky/")
    with page.expect_navigation():
        page.locator("footer").get_by_role(
            "link", name="Ist diese Nummer echt? Hier prüfen"
        ).click()
    assert page.url.endswith("/de/check-number/")
    assert page.locator("h1").inner_text() == "Ist diese Nummer echt?"
