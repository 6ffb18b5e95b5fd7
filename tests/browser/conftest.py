"""Real-browser tests: Playwright driving the system's Chromium against pytest-django's
live server.

Playwright cannot download a browser of its own here, so these tests use the Chromium the
system has (Debian's `chromium` package). Without one they are skipped locally, and fail
when the CI environment variable is set, so that CI can never skip them silently.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in this thread; Django would otherwise
# refuse the ORM calls that the tests (and their fixtures) make while it is running.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

BROWSER_DIR = Path(__file__).resolve().parent
CHROMIUM_NAMES = ("chromium", "chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
TIMEOUT_MS = 10_000


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


def find_chromium() -> str | None:
    """The system's Chromium: $CHROMIUM if set, else the first of CHROMIUM_NAMES on PATH."""
    override = os.environ.get("CHROMIUM")
    if override:
        return shutil.which(override)
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this folder drives a real browser: mark it so `-m "not browser"` works."""
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        looked_for = os.environ.get("CHROMIUM") or ", ".join(CHROMIUM_NAMES)
        reason = (
            f"no Chromium found (looked for {looked_for} on PATH); "
            "install Debian's `chromium` package to run the browser tests"
        )
        if in_ci():
            pytest.fail(f"CI is set but the browser tests cannot run: {reason}", pytrace=False)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PageLog:
    """What a page said while a test ran: console errors, uncaught errors, page loads."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    loads: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [
            message
            for message in self.console_errors
            if "Content Security Policy" in message or "Content-Security-Policy" in message
        ]

    def assert_clean(self) -> None:
        assert not self.csp_violations(), "Content-Security-Policy violations:\n" + "\n".join(
            self.csp_violations()
        )
        assert not self.page_errors, "Uncaught JavaScript errors:\n" + "\n".join(self.page_errors)


def _open_page(browser, *, java_script_enabled: bool) -> Iterator[tuple]:
    context = browser.new_context(java_script_enabled=java_script_enabled)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log = PageLog()
    page.on(
        "console",
        lambda message: (
            log.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))
    page.on("load", lambda p: log.loads.append(p.url))
    try:
        yield page, log
    finally:
        context.close()
        _wait_for_the_live_server()
    # Checked after every test, so no test can forget it.
    log.assert_clean()


def _wait_for_the_live_server(timeout: float = 10) -> None:
    """Let the live server finish the requests the page left running (a last click's save,
    a fetch the page started): the test's database is emptied right after this fixture, and a
    request still running then would write into the emptied tables, or remember rows that are
    gone (a content type's id, which the next test's save would then point at). The live
    server answers each request in a thread of its own (socketserver's ThreadingMixIn)."""
    end = time.monotonic() + timeout
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name and thread is not threading.current_thread():
            thread.join(max(0.0, end - time.monotonic()))


@pytest.fixture(autouse=True)
def _live_server_quiet_around_the_database(request):
    """For every test with the live server: its requests are all answered before the
    test's database is emptied, whatever pages the test opened itself (this fixture is set
    up after the database, so it is torn down before it)."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    _wait_for_the_live_server()


@pytest.fixture
def page_and_log(browser) -> Iterator[tuple]:
    """A fresh page with JavaScript on, and the log of what it said."""
    yield from _open_page(browser, java_script_enabled=True)


@pytest.fixture
def nojs_page_and_log(browser) -> Iterator[tuple]:
    """A fresh page with JavaScript off, and the log of what it said."""
    yield from _open_page(browser, java_script_enabled=False)


@pytest.fixture
def shipped_guides(transactional_db) -> None:
    """The guides the project ships (guides/content/*.yaml), as `make run` loads them."""
    from django.core.management import call_command

    call_command("import_guides", verbosity=0)


def sign_in(page, live_server_url: str, username: str, password: str = "pw") -> None:
    """Sign a staff user in through the admin's own login page, as a person would: the
    password, then, for a user who has (or, as a Publisher or superuser, must have) two-factor
    sign-in, the code their authenticator app shows now, read from their device."""
    from django.contrib.auth import get_user_model

    from accounts.twofactor import has_device, requires_two_factor
    from tests.factories import confirmed_totp_device, current_totp

    user = get_user_model().objects.get(username=username)
    if user.is_staff and (has_device(user) or requires_two_factor(user)):
        device = confirmed_totp_device(user)
    else:
        device = None
    page.goto(f"{live_server_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
    if device is not None:
        page.wait_for_url(lambda url: "/two-factor/" in url)
        page.fill("#id_code", current_totp(device))
        page.click("input[type=submit]")
        page.wait_for_url(lambda url: "/two-factor/" not in url)
