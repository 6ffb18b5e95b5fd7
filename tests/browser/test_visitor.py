"""A visitor's whole errand in a real browser: search as you type, pick the provider, answer
"Where did you buy it?" and the device question, follow the steps; back, forward and reload;
the same without JavaScript, on a phone, and with the keyboard alone. Ticked steps survive a
reload; an email template can be copied; "Request a guide" works when nothing is found."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser]

PROVIDER = "/cancel/kaspersky/"
STORE = "/cancel/kaspersky/apple-app-store/"
STEPS = "/cancel/kaspersky/apple-app-store/iphone-ipad/"
VARIANT_QUESTION = "Where do you manage your Apple subscriptions?"
OWN_STEP = "Look for Kaspersky in the list of subscriptions"


def url_is(live_server, path: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(live_server.url + path) + r"(?:[?#].*)?$")


def flow_heading(page) -> str:
    return page.locator("#flow-heading").inner_text()


def assert_provider_question(page, live_server) -> None:
    page.wait_for_url(url_is(live_server, PROVIDER))
    page.locator("#flow-heading", has_text="Where did you buy it?").wait_for()
    assert page.locator("h1").inner_text() == "How to cancel Kaspersky"


def assert_variant_question(page, live_server) -> None:
    page.wait_for_url(url_is(live_server, STORE))
    page.locator("#flow-heading", has_text=VARIANT_QUESTION).wait_for()
    assert page.locator("#flow .answers").inner_text().count("Apple App Store") == 1


def assert_steps(page, live_server) -> None:
    page.wait_for_url(url_is(live_server, STEPS))
    page.locator("#flow-heading", has_text="Steps to cancel Kaspersky").wait_for()
    steps = page.locator("#flow ol.steps > li.step")
    assert steps.count() >= 3
    assert OWN_STEP in steps.last.inner_text()
    answers = page.locator("#flow .answers").inner_text()
    assert "Apple App Store" in answers and "On an iPhone or iPad" in answers


def choose(page, label: str) -> None:
    page.locator("#flow ul.choices a", has_text=label).click()


def test_search_as_you_type_then_the_flow_with_javascript(
    page_and_log, live_server, shipped_guides
) -> None:
    page, log = page_and_log
    page.goto(live_server.url + "/")
    page.evaluate("window.__marker = 1")

    # A typo, typed as a visitor types: the results come without a page load.
    page.locator("#home-q").press_sequentially("kaspersy", delay=30)
    result = page.locator("#search-results .results a", has_text="Kaspersky")
    result.wait_for()
    assert page.evaluate("window.__marker") == 1, "searching loaded a new page"
    assert page.url == live_server.url + "/"
    page.wait_for_function(
        "() => document.getElementById('flow-status').textContent.includes('for “kaspersy”')"
    )
    assert page.evaluate("document.activeElement.id") == "home-q"  # typing goes on

    result.click()
    assert_provider_question(page, live_server)
    page.evaluate("window.__marker = 2")
    loads = len(log.loads)

    choose(page, "Apple App Store")
    assert_variant_question(page, live_server)
    choose(page, "On an iPhone or iPad")
    assert_steps(page, live_server)
    assert page.evaluate("window.__marker") == 2 and len(log.loads) == loads, "a full load"
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'flow-heading'"
    )
    assert "Steps to cancel Kaspersky" in page.locator("#flow-status").inner_text()
    assert page.title() == "Cancel Kaspersky: Apple App Store, On an iPhone or iPad | cancelflow"

    page.go_back()
    assert_variant_question(page, live_server)
    page.go_back()
    assert_provider_question(page, live_server)
    page.go_forward()
    assert_variant_question(page, live_server)
    page.go_forward()
    assert_steps(page, live_server)
    page.reload()
    assert_steps(page, live_server)
    assert page.evaluate("window.__marker") is None  # the reload was a real page load


def test_the_same_without_javascript(nojs_page_and_log, live_server, shipped_guides) -> None:
    page, log = nojs_page_and_log
    page.goto(live_server.url + "/")
    page.fill("#home-q", "kaspersy")
    with page.expect_navigation():
        page.press("#home-q", "Enter")
    page.wait_for_url(url_is(live_server, "/search/?q=kaspersy"))
    assert "1 guide for “kaspersy”" in page.locator("#search-results").inner_text()

    with page.expect_navigation():
        page.locator("#search-results .results a", has_text="Kaspersky").click()
    assert_provider_question(page, live_server)
    loads = len(log.loads)
    with page.expect_navigation():
        choose(page, "Apple App Store")
    assert_variant_question(page, live_server)
    with page.expect_navigation():
        choose(page, "On an iPhone or iPad")
    assert_steps(page, live_server)
    assert len(log.loads) == loads + 2, "each answer is a full page load"
    assert page.locator(".tick").count() == 0  # the steps are complete without the script

    page.go_back()
    assert_variant_question(page, live_server)
    page.go_back()
    assert_provider_question(page, live_server)
    page.go_forward()
    assert_variant_question(page, live_server)
    page.go_forward()
    assert_steps(page, live_server)
    page.reload()
    assert_steps(page, live_server)


def test_ticked_steps_survive_a_reload_and_history(page_and_log, live_server, shipped_guides):
    page, _log = page_and_log
    page.goto(live_server.url + STORE)
    choose(page, "On an iPhone or iPad")  # arrive through htmx, as most visitors do
    assert_steps(page, live_server)
    boxes = page.locator("#flow ol.steps .tick input[type=checkbox]")
    total = page.locator("#flow ol.steps > li.step").count()
    assert boxes.count() == total
    progress = page.locator(".steps-progress")
    assert progress.get_attribute("aria-live") == "polite"
    assert progress.inner_text() == f"0 of {total} done"

    boxes.nth(0).check()
    page.locator("#flow ol.steps > li.step").nth(1).get_by_text("Done").click()  # the label
    assert progress.inner_text() == f"2 of {total} done"
    assert page.locator("li.step.is-done").count() == 2

    page.reload()
    assert_steps(page, live_server)
    assert progress.inner_text() == f"2 of {total} done"
    assert boxes.nth(0).is_checked() and boxes.nth(1).is_checked()
    assert not boxes.nth(2).is_checked()

    # Back to the question and forward again (htmx's history): the boxes still work.
    page.go_back()
    assert_variant_question(page, live_server)
    page.go_forward()
    assert_steps(page, live_server)
    assert page.locator(".steps-progress").count() == 1
    assert page.locator(".steps-progress").inner_text() == f"2 of {total} done"
    boxes.nth(2).check()
    assert page.locator(".steps-progress").inner_text() == f"3 of {total} done"

    # Every box ticked; another case of the same provider keeps its own progress.
    for index in range(total):
        boxes.nth(index).check()
    assert page.locator(".steps-progress").inner_text() == f"All {total} steps done"
    page.goto(live_server.url + "/cancel/kaspersky/amazon/?region=us")
    assert page.locator(".steps-progress").inner_text().startswith("0 of ")


def test_on_a_phone(browser, live_server, shipped_guides) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        page.locator("#home-q").tap()
        page.keyboard.type("nortn", delay=30)
        page.locator("#search-results .results a", has_text="Norton").tap()
        page.wait_for_url(url_is(live_server, "/cancel/norton/"))
        page.locator("#flow ul.choices a", has_text="Apple App Store").tap()
        page.locator("#flow ul.choices a", has_text="On an iPhone or iPad").tap()
        page.wait_for_url(url_is(live_server, "/cancel/norton/apple-app-store/iphone-ipad/"))
        page.locator("#flow ol.steps > li.step").first.wait_for()
        # Nothing sideways to scroll, and every answer and tick box is a large tap target.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.locator(".tick").first.wait_for()
        for selector in ["#flow .answers a.change", ".tick", "header a.brand"]:
            for box in [item.bounding_box() for item in page.locator(selector).all()]:
                assert box["height"] >= 44, (selector, box)
        page.go_back()
        for box in [item.bounding_box() for item in page.locator("#flow .choice").all()]:
            assert box["height"] >= 44 and box["width"] >= 300
    finally:
        context.close()


def test_the_whole_errand_by_keyboard(page_and_log, live_server, shipped_guides) -> None:
    page, _log = page_and_log
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.focus("#home-q")
    page.keyboard.type("mcafe", delay=30)
    page.locator("#search-results .results a").first.wait_for()
    page.keyboard.press("Tab")  # the Search button
    page.keyboard.press("Tab")  # the first result
    assert "McAfee" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_url(url_is(live_server, "/cancel/mcafee/"))

    def tab_to(text: str) -> None:
        for _ in range(80):
            page.keyboard.press("Tab")
            if text in page.evaluate("document.activeElement.textContent || ''"):
                return
        raise AssertionError(f"Tab never reached {text!r}")

    tab_to("Apple App Store")
    page.keyboard.press("Enter")
    page.locator("#flow-heading", has_text=VARIANT_QUESTION).wait_for()
    page.wait_for_function("() => document.activeElement.id === 'flow-heading'")
    tab_to("On an iPhone or iPad")
    page.keyboard.press("Enter")
    page.wait_for_url(url_is(live_server, "/cancel/mcafee/apple-app-store/iphone-ipad/"))
    page.wait_for_function("() => document.activeElement.id === 'flow-heading'")
    page.locator(".tick").first.wait_for()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.tick input')"):
            break
    page.keyboard.press("Space")
    assert page.locator(".steps-progress").inner_text().startswith("1 of ")


def test_an_email_template_can_be_copied_and_mailed(browser, live_server, shipped_guides):
    from guides.models import Step

    Step.objects.filter(route__provider__slug="kaspersky", route__slug="amazon").update(
        email_subject="Cancel my subscription",
        email_body="Hello,\n\nPlease cancel my subscription.\n\nThanks",
    )
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/cancel/kaspersky/amazon/?region=us")
        template = page.locator(".email-template").first
        template.locator("summary").click()
        mailto = template.locator('a[href^="mailto:"]')
        assert "subject=Cancel%20my%20subscription" in mailto.get_attribute("href")
        template.get_by_role("button", name="Copy the email").click()
        template.get_by_text("Copied").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == "Hello,\n\nPlease cancel my subscription.\n\nThanks"
    finally:
        context.close()


def test_nothing_found_then_request_a_guide(page_and_log, live_server, shipped_guides) -> None:
    from guides.models import GuideRequest

    page, _log = page_and_log
    page.goto(live_server.url + "/")
    page.locator("#home-q").press_sequentially("Zumba Club", delay=20)
    page.locator("#search-results .no-results").wait_for()
    assert page.locator("#search-results .categories a").count() >= 1
    page.locator("#search-results a", has_text="Request a guide").click()
    page.wait_for_url(url_is(live_server, "/request/?name=Zumba%20Club"))
    assert page.locator("#id_name").input_value() == "Zumba Club"
    page.fill("#id_details", "Paid by card every month.")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(url_is(live_server, "/request/thanks/"))
    assert "your request was sent" in page.locator("h1").inner_text()
    saved = GuideRequest.objects.get()
    assert (saved.name, saved.details) == ("Zumba Club", "Paid by card every month.")


def test_feedback_submits_with_and_without_javascript(browser, live_server, shipped_guides):
    """The "Did this work?" under the steps: answered in place with htmx, or as plain pages."""
    from guides.models import Feedback

    for java_script_enabled, answer, kind in [
        (True, "Yes", "worked"),
        (False, "No", "did_not_work"),
    ]:
        context = browser.new_context(java_script_enabled=java_script_enabled)
        try:
            page = context.new_page()
            page.goto(live_server.url + STEPS)
            assert_steps(page, live_server)
            page.locator(".feedback a", has_text=answer).first.click()
            page.get_by_role("button", name="Send to the editors").click()
            page.get_by_text("Thank you.").wait_for()
            if java_script_enabled:  # the answer was given without leaving the steps
                assert page.url == live_server.url + STEPS
        finally:
            context.close()
        saved = Feedback.objects.order_by("-pk").first()
        assert saved is not None and saved.kind == kind
        assert saved.route_path == "apple-app-store/iphone-ipad"
