"""Two-factor sign-in in a real browser: a Publisher signs in with password and TOTP code, and
a new Publisher sets it up (secret shown as text, code, recovery codes), without JavaScript."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import totp

from tests import factories
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser]


def make_publisher(username: str):
    """A Publisher; the group is made again, since a live-server test empties the database
    (migration 0006's groups included) after each test."""
    from django.contrib.auth.models import Group

    Group.objects.get_or_create(name="Publishers")
    return factories.make_staff(username, "Publishers")


def test_a_publisher_signs_in_with_password_and_code(page_and_log, live_server, transactional_db):
    page, _log = page_and_log
    publisher = make_publisher("pub")
    factories.confirmed_totp_device(publisher)

    sign_in(page, live_server.url, "pub")

    assert page.url == live_server.url + "/admin/"
    assert "Recent actions" in page.locator("#content").inner_text()
    assert page.locator("#user-tools a", has_text="Two-factor sign-in").count() == 1


def test_a_wrong_code_is_refused_in_words(nojs_page_and_log, live_server, transactional_db):
    page, _log = nojs_page_and_log
    publisher = make_publisher("pub")
    device = factories.confirmed_totp_device(publisher)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "pub")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.wait_for_url(lambda url: "/admin/two-factor/" in url)
    wrong = "000000" if factories.current_totp(device) != "000000" else "111111"
    page.fill("#id_code", wrong)
    page.click("input[type=submit]")
    assert "That code did not work" in page.locator("#code-errors").inner_text()
    assert "/admin/two-factor/" in page.url


def test_a_new_publisher_sets_it_up_without_javascript(
    nojs_page_and_log, live_server, transactional_db
):
    page, _log = nojs_page_and_log
    make_publisher("newpub")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "newpub")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.wait_for_url(lambda url: "/admin/two-factor/setup/" in url)

    # what a person types into their authenticator app, read off the page
    secret = page.locator("#totp-secret").inner_text().strip()
    assert page.locator("#totp-uri").inner_text().startswith("otpauth://totp/")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_code", str(totp(key)).zfill(6))
    page.click("input[type=submit]")

    # all_inner_texts() does not wait: wait for the page that holds the codes first
    page.locator("#recovery-codes code").first.wait_for()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.click("text=I have kept my codes, continue")
    page.wait_for_url(live_server.url + "/admin/")
    assert "Recent actions" in page.locator("#content").inner_text()

    # signed out and back in: a recovery code stands in for the phone
    page.click("#logout-form button")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "newpub")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.wait_for_url(lambda url: "/admin/two-factor/" in url)
    page.fill("#id_code", codes[0])
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
