"""A login writes a LoginRecord, flagged when this user has never logged in from the device."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import LAST_SEEN_KEY
from .models import LoginRecord


def coarse_network(address: str) -> str:
    """The /24 of an IPv4 address or the /48 of an IPv6 one: a device that moves about a
    little (a new lease from the same provider) is still the same device."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def device_fingerprint(request) -> str:
    meta = getattr(request, "META", {}) or {}
    agent = str(meta.get("HTTP_USER_AGENT", ""))[:500]
    network = coarse_network(str(meta.get("REMOTE_ADDR", "")))
    key = settings.SECRET_KEY.encode()
    message = f"login-device|{agent}|{network}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@receiver(user_logged_in, dispatch_uid="accounts.record_login")
def record_login(sender, request, user, **kwargs) -> None:
    device = device_fingerprint(request)
    seen = LoginRecord.objects.filter(user=user, device=device).exists()
    LoginRecord.objects.create(user=user, device=device, is_new_device=not seen)
    session = getattr(request, "session", None)
    if session is not None:  # a login is activity: the idle clock starts now
        session[LAST_SEEN_KEY] = int(time.time())
