"""axe-core (from npm: `make test` runs `npm ci`) in Chromium: no violation on any page type,
in light and dark mode, on a phone and a desktop, and after the htmx swaps and the script's
additions. The strict Content-Security-Policy stays on: axe is injected by evaluating the
file's text (the DevTools protocol is not subject to the page's CSP), never by a script tag.

Without node_modules/axe-core these tests are skipped with the reason, and fail under CI.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import in_ci

pytestmark = [pytest.mark.browser]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 A and AA, and axe's best practices (landmarks, one h1, heading order…).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}

PAGES = {
    "home": "/",
    "search": "/search/?q=kaspersky",
    "no-results": "/search/?q=zzzz",
    "search-charge": "/search/?q=PAYPAL+%2ASPOTIFY+4029357733",
    "search-channel": "/search/?q=app+store",
    "no-results-line": "/search/?q=ACMECLOUD%2ASUBSCR+4029357733",
    "category": "/category/security-software/",
    "channel": "/channels/apple-app-store/",
    "provider": "/cancel/kaspersky/",
    "question": "/cancel/kaspersky/apple-app-store/",
    "steps": "/cancel/kaspersky/apple-app-store/iphone-ipad/",
    "request": "/request/",
    "feedback": "/feedback/kaspersky/apple-app-store/iphone-ipad/?answer=no",
    "not-found": "/cancel/no-such-provider/",
    "provider-de": "/de/cancel/kaspersky/",
    "steps-de": "/de/cancel/kaspersky/apple-app-store/iphone-ipad/?region=de",
    "home-fr": "/fr/",
    "check-number": "/check-number/?number=1-855-737-0477",
    "check-number-unknown": "/check-number/?number=%2B44+20+7946+0958&company=kaspersky",
    "check-number-error": "/check-number/?number=abc",
    "search-number": "/search/?q=Call+1-855-737-0477",
    "didnt-work": "/cancel/kaspersky/best-buy/didnt-work/?region=us-ca&name=Ann&order=KL-7",
    "didnt-work-errors": "/cancel/kaspersky/apple-app-store/iphone-ipad/didnt-work/?email=x",
    # Remind me before it renews (issue 15): a reminder made, a form sent back with errors
    "reminder": "/reminder/kaspersky/?route=apple-app-store/iphone-ipad&renews="
    + (date.today() + timedelta(days=90)).isoformat(),
    "reminder-errors": "/fr/reminder/kaspersky/?renews=2027-02-31&period=other",
    "plan": "/plan/?g=kaspersky/apple-app-store/iphone-ipad&g=netflix/apple-app-store/iphone-ipad"
    "&g=kaspersky&g=no-such/guide",
    "record": "/record/kaspersky/apple-app-store/iphone-ipad/?cancelled_on=2025-03-04"
    "&reference=Order+W12",
    "record-error": "/record/kaspersky/apple-app-store/iphone-ipad/?cancelled_on=2025-02-31",
}
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        reason = f"axe-core is not installed ({AXE.relative_to(AXE.parents[2])} is missing); "
        reason += "`make test` installs it with npm"
        if in_ci():
            pytest.fail(f"CI is set but the accessibility tests cannot run: {reason}")
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


def axe_violations(page, axe_source: str) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    result = page.evaluate("options => window.axe.run(document, options)", AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(", ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
    ]


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_(path: str, *, scheme: str = "light", viewport: str = "desktop"):
        context = browser.new_context(
            viewport=VIEWPORTS[viewport],
            color_scheme=scheme,
            is_mobile=viewport == "phone",
            has_touch=viewport == "phone",
        )
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda message: errors.append(message.text) if message.type == "error" else None,
        )
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        return page, errors

    yield open_
    for context in contexts:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations(open_page, shipped_guides, axe_source, name):
    """Each page type, in light and dark mode, on a phone and a desktop."""
    failures = []
    for scheme in ("light", "dark"):
        for viewport in VIEWPORTS:
            page, errors = open_page(PAGES[name], scheme=scheme, viewport=viewport)
            dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
            assert dark == (scheme == "dark")
            if name == "steps":
                page.locator(".tick input").first.check()  # the script's additions too
                page.locator("details.reminder summary").click()  # and the reminder's form
            violations = axe_violations(page, axe_source)
            if violations:
                failures.append(f"{PAGES[name]} ({scheme}, {viewport}):\n" + "\n".join(violations))
            # A 404 page logs its failed request, and a form refused with a 400 its own;
            # anything else in the console is a fault.
            refused = "400" if name.endswith(("-error", "-errors")) else "404"
            assert not [e for e in errors if "404" not in e and refused not in e], errors
            page.context.close()
    assert not failures, "\n\n".join(failures)


def test_axe_does_find_a_violation(open_page, shipped_guides, axe_source):
    """The check can fail: an image without a text alternative and grey-on-grey text."""
    page, _errors = open_page("/")
    page.evaluate(
        """() => {
            const main = document.querySelector("main");
            main.append(document.createElement("img"));
            main.insertAdjacentHTML("beforeend", "<p>Hard to read</p>");
            main.lastElementChild.style.color = "#eee";  // the CSSOM, which CSP allows
        }"""
    )
    found = " ".join(axe_violations(page, axe_source))
    assert "image-alt" in found and "color-contrast" in found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations_after_htmx_swaps(open_page, shipped_guides, axe_source, scheme):
    page, _errors = open_page("/", scheme=scheme, viewport="phone")
    page.locator("#home-q").press_sequentially("kaspersy", delay=20)
    page.locator("#search-results .results a").first.wait_for()
    assert not axe_violations(page, axe_source), "home page with search results"

    page.locator("#home-q").fill("")
    page.locator("#home-q").press_sequentially("zzzz", delay=20)
    page.locator("#search-results .no-results").wait_for()
    assert not axe_violations(page, axe_source), "home page with no results"

    page.goto(page.url.rstrip("/") + "/cancel/kaspersky/")
    page.locator("#flow ul.choices a", has_text="Apple App Store").click()
    page.locator("#flow ul.choices a", has_text="On an iPhone or iPad").click()
    page.locator(".tick input").first.wait_for()
    page.wait_for_function("() => document.activeElement.id === 'flow-heading'")
    violations = axe_violations(page, axe_source)
    assert not violations, "steps after htmx swaps:\n" + "\n".join(violations)


def test_no_axe_violations_with_an_email_template_open(
    open_page, shipped_guides, axe_source
) -> None:
    from guides.models import Step

    Step.objects.filter(route__provider__slug="kaspersky", route__slug="amazon").update(
        email_subject="Cancel my subscription", email_body="Hello,\n\nPlease cancel it."
    )
    for scheme in ("light", "dark"):
        page, _errors = open_page("/cancel/kaspersky/amazon/?region=us", scheme=scheme)
        page.locator(".email-template summary").first.click()
        page.get_by_role("button", name="Copy the email").first.wait_for()
        violations = axe_violations(page, axe_source)
        assert not violations, f"email template ({scheme}):\n" + "\n".join(violations)
