"""Two-factor sign-in for staff (accounts/): set-up forced on Publishers and superusers, the
code after the password, recovery codes, idle admin sessions, and the record of logins."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import LAST_SEEN_KEY
from accounts.models import LoginRecord
from accounts.views import TOO_MANY, WRONG_CODE
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_throttling(settings):
    """django-otp makes each try after a wrong code wait longer (1 s, 2 s, 4 s...); these tests
    try again at once. test_wrong_codes_in_a_row_are_slowed_down keeps it."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}


def password_login(client, username: str, **extra):
    """The first step of the admin's login, as a person takes it: the password."""
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": "pw", "next": reverse("admin:index")},
        **extra,
    )


def setup_secret_device(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=False)


def set_up_two_factor(client, user) -> list[str]:
    """Go through the set-up page; the recovery codes it shows."""
    client.get(reverse("accounts:setup"))
    device = setup_secret_device(user)
    response = client.post(reverse("accounts:setup"), {"code": factories.current_totp(device)})
    assert response.status_code == 200
    return list(response.context["codes"])


def test_a_publisher_without_a_device_is_sent_to_set_up_and_nowhere_else(client):
    publisher = factories.make_staff("pub", "Publishers")
    response = password_login(client, "pub")
    assert response.status_code == 302
    for url in (reverse("admin:index"), reverse("admin:guides_provider_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:setup"))

    page = client.get(reverse("accounts:setup"))
    device = setup_secret_device(publisher)
    html = page.content.decode()
    assert "needs two-factor sign-in" in html
    from accounts.twofactor import secret_base32

    assert secret_base32(device) in html
    assert "otpauth://totp/cancelflow%3Apub?" in html


def test_a_superuser_must_set_it_up_too(client, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    password_login(client, "root")
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("accounts:setup"))


def test_set_up_refuses_a_wrong_code_and_accepts_the_right_one(client):
    publisher = factories.make_staff("pub", "Publishers")
    password_login(client, "pub")
    client.get(reverse("accounts:setup"))

    wrong = client.post(reverse("accounts:setup"), {"code": "000000"})
    assert wrong.status_code == 400
    assert WRONG_CODE in wrong.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302  # still not in

    codes = set_up_two_factor(client, publisher)
    assert len(codes) == 10 == len(set(codes))
    assert TOTPDevice.objects.get(user=publisher).confirmed
    assert client.get(reverse("admin:index")).status_code == 200
    # shown once: the set-up page now only says it is on
    again = client.get(reverse("accounts:setup")).content.decode()
    assert "Two-factor sign-in is on" in again
    assert codes[0] not in again


def test_garbage_codes_are_a_form_error_not_a_server_error(client):
    factories.make_staff("pub", "Publishers")
    password_login(client, "pub")
    for code in ("", "x" * 500, "12 34 56", "<script>"):
        response = client.post(reverse("accounts:setup"), {"code": code})
        assert response.status_code == 400


def test_with_a_device_the_login_asks_for_the_code(client):
    editor = factories.make_staff("ed", "Editors")
    device = factories.confirmed_totp_device(editor)
    password_login(client, "ed")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:verify"))

    wrong = client.post(reverse("accounts:verify"), {"code": "123456"})
    assert wrong.status_code == 400
    assert WRONG_CODE in wrong.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302

    right = client.post(
        reverse("accounts:verify"),
        {
            "code": factories.current_totp(device),
            "next": reverse("admin:guides_provider_changelist"),
        },
    )
    assert right.status_code == 302
    assert right["Location"] == reverse("admin:guides_provider_changelist")
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_code_step_sends_nobody_to_another_site(client):
    editor = factories.make_staff("ed", "Editors")
    device = factories.confirmed_totp_device(editor)
    password_login(client, "ed")
    response = client.post(
        reverse("accounts:verify"),
        {"code": factories.current_totp(device), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("admin:index")


def test_a_recovery_code_works_once_and_only_once(client):
    publisher = factories.make_staff("pub", "Publishers")
    password_login(client, "pub")
    codes = set_up_two_factor(client, publisher)
    client.post(reverse("admin:logout"))

    password_login(client, "pub")
    used = client.post(reverse("accounts:verify"), {"code": codes[0].upper()})
    assert used.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert StaticToken.objects.filter(device__user=publisher).count() == 9
    client.post(reverse("admin:logout"))

    password_login(client, "pub")
    again = client.post(reverse("accounts:verify"), {"code": codes[0]})
    assert again.status_code == 400
    assert WRONG_CODE in again.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.post(reverse("accounts:verify"), {"code": codes[1]}).status_code == 302


def test_an_editor_may_go_without_and_finds_the_set_up_link(client):
    editor = factories.make_staff("ed", "Editors")
    password_login(client, "ed")
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert reverse("accounts:setup") in index.content.decode()
    set_up_two_factor(client, editor)
    assert TOTPDevice.objects.get(user=editor).confirmed


def test_the_two_factor_pages_need_a_staff_login(client, django_user_model):
    for url in (reverse("accounts:verify"), reverse("accounts:setup")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    django_user_model.objects.create_user("visitor", password="pw")
    client.login(username="visitor", password="pw")
    assert client.get(reverse("accounts:setup")).status_code == 302
    assert not TOTPDevice.objects.exists()


def test_an_idle_staff_session_is_signed_out(client):
    publisher = factories.make_staff("pub", "Publishers")
    factories.login(client, publisher)
    assert client.get(reverse("admin:index")).status_code == 200

    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.STAFF_SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get(reverse("admin:guides_provider_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "without activity" in page


def test_an_active_staff_session_stays(client):
    publisher = factories.make_staff("pub", "Publishers")
    factories.login(client, publisher)
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.STAFF_SESSION_IDLE_SECONDS + 60
    session.save()
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.session[LAST_SEEN_KEY] >= int(time.time()) - 5  # the clock starts again


def test_a_login_from_a_new_device_is_recorded_and_the_same_device_is_not_flagged_twice(client):
    factories.make_staff("ed", "Editors")
    password_login(client, "ed", REMOTE_ADDR="203.0.113.7", **BROWSER)
    client.post(reverse("admin:logout"))
    # the same browser, a neighbouring address of the same network
    password_login(client, "ed", REMOTE_ADDR="203.0.113.99", **BROWSER)
    client.post(reverse("admin:logout"))
    password_login(client, "ed", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Another browser")

    records = list(LoginRecord.objects.order_by("pk"))
    assert [r.is_new_device for r in records] == [True, False, True]
    assert records[0].device == records[1].device != records[2].device
    for record in records:
        assert "203.0.113" not in record.device


def test_login_records_are_shown_read_only_in_the_admin(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    factories.login(client, root)
    changelist = client.get(reverse("admin:accounts_loginrecord_changelist"))
    assert changelist.status_code == 200
    assert "root" in changelist.content.decode()
    record = LoginRecord.objects.get(user=root)
    assert record.is_new_device
    assert client.get(reverse("admin:accounts_loginrecord_add")).status_code == 403
    change = client.post(
        reverse("admin:accounts_loginrecord_change", args=[record.pk]), {"is_new_device": ""}
    )
    assert change.status_code in {200, 403}
    record.refresh_from_db()
    assert record.is_new_device


def test_anonymous_pages_set_no_cookie_and_do_not_vary_on_one(client):
    provider = factories.make_provider(slug="acme")
    for url in ("/", reverse("guides:provider", args=[provider.slug]), "/search/?q=acme"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "Cookie" not in response.get("Vary", ""), url


def test_wrong_codes_in_a_row_are_slowed_down(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    editor = factories.make_staff("ed", "Editors")
    device = factories.confirmed_totp_device(editor)
    password_login(client, "ed")
    assert (
        WRONG_CODE in client.post(reverse("accounts:verify"), {"code": "123456"}).content.decode()
    )
    # even the right code waits now
    late = client.post(reverse("accounts:verify"), {"code": factories.current_totp(device)})
    assert late.status_code == 400
    assert TOO_MANY in late.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_once_a_lost_app_is_removed_its_owner_sets_up_a_new_one(client):
    publisher = factories.make_staff("pub", "Publishers")
    password_login(client, "pub")
    old_codes = set_up_two_factor(client, publisher)
    client.post(reverse("admin:logout"))
    TOTPDevice.objects.filter(user=publisher).delete()  # what a superuser does in the admin

    password_login(client, "pub")
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("accounts:setup"))
    new_codes = set_up_two_factor(client, publisher)
    assert not set(old_codes) & set(new_codes)
    assert StaticToken.objects.filter(device__user=publisher).count() == 10


def test_a_password_alone_shows_a_publisher_no_drafts(client):
    draft = factories.make_provider(slug="acme-draft", status="draft")
    url = reverse("guides:provider", args=[draft.slug])
    publisher = factories.make_staff("pub", "Publishers")
    factories.confirmed_totp_device(publisher)
    password_login(client, "pub")
    assert client.get(url).status_code == 404
    factories.login(client, publisher)
    assert client.get(url).status_code == 200
