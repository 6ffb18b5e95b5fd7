"""Two-factor sign-in for staff, on django-otp: a TOTP device (an authenticator app) and a
static device holding single-use recovery codes.

Publishers and superusers must have it; editors may turn it on. A staff user who has a
confirmed device is asked for a code after the password, on every login.
"""

from __future__ import annotations

import base64

from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

REQUIRED_GROUP = "Publishers"
RECOVERY_CODES = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def requires_two_factor(user) -> bool:
    return bool(user.is_superuser or user.groups.filter(name=REQUIRED_GROUP).exists())


def has_device(user) -> bool:
    """Whether two-factor sign-in is on for this user: a confirmed authenticator app. Recovery
    codes alone do not count: once a superuser removes a lost app, its owner sets up anew."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(user) -> bool:
    """Whether this session's login was confirmed with a code (django-otp's OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def fully_signed_in(user) -> bool:
    """Whether a staff login is complete: confirmed with a code, or needing none (an editor
    who has not turned two-factor sign-in on)."""
    if is_verified(user):
        return True
    return not has_device(user) and not requires_two_factor(user)


def normalize(code: str) -> str:
    return "".join(str(code).split()).lower()[:32]


def verify_code(user, code: str):
    """The confirmed device that accepts `code` (a TOTP code or an unused recovery code), or
    None. Each device throttles its own failures, as django-otp does."""
    code = normalize(code)
    if not code:
        return None
    looks_like_totp = code.isdigit() and len(code) == 6
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            # A six-digit code is for the app, anything else a recovery code: a code is tried
            # on one kind of device only, so it counts as a failure on no other.
            if isinstance(device, TOTPDevice) != looks_like_totp:
                continue
            if device.verify_is_allowed()[0] and device.verify_token(code):
                return device
    return None


def pending_totp(user) -> TOTPDevice:
    """The unconfirmed TOTP device being set up, made on first use (one per user)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@transaction.atomic
def confirm_totp(device: TOTPDevice) -> list[str]:
    """Confirm `device` and give its user fresh recovery codes, returned to be shown once
    (django-otp keeps them as single-use tokens; each is deleted when used)."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return new_recovery_codes(device.user)


def new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes
