"""Staff sessions on the admin: signed out after a while without activity, and held at the
two-factor step until the login is confirmed with a code.

Both act only on the admin's paths, and only look at the session there: a visitor's page
neither reads nor writes the session, so it sets no cookie and does not vary on one.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import ngettext

from . import twofactor

LAST_SEEN_KEY = "staff_last_seen"
# last-seen is written at most this often, not on every request
LAST_SEEN_RESOLUTION = 60


def _admin_prefix() -> str:
    return "/" + settings.ADMIN_PATH


def _is_admin_path(request) -> bool:
    return request.path_info.startswith(_admin_prefix())


def _login_url(request) -> str:
    return reverse("admin:login") + "?" + urlencode({"next": request.get_full_path()})


class StaffIdleTimeoutMiddleware:
    """Signs a staff user out once STAFF_SESSION_IDLE_SECONDS pass between admin requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _is_admin_path(request):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and user.is_staff:
                expired = self._touch(request)
                if expired:
                    auth.logout(request)
                    minutes = max(1, round(settings.STAFF_SESSION_IDLE_SECONDS / 60))
                    messages.info(
                        request,
                        ngettext(
                            "You were signed out after %(minutes)s minute without activity, "
                            "to keep your account safe. Please sign in again.",
                            "You were signed out after %(minutes)s minutes without activity, "
                            "to keep your account safe. Please sign in again.",
                            minutes,
                        )
                        % {"minutes": minutes},
                    )
                    return redirect(_login_url(request))
        return self.get_response(request)

    @staticmethod
    def _touch(request) -> bool:
        now = int(time.time())
        last = request.session.get(LAST_SEEN_KEY)
        if isinstance(last, int) and now - last > settings.STAFF_SESSION_IDLE_SECONDS:
            return True
        if not isinstance(last, int) or now - last >= LAST_SEEN_RESOLUTION:
            request.session[LAST_SEEN_KEY] = now
        return False


class TwoFactorMiddleware:
    """Keeps a staff user whose login is not confirmed with a code on the two-factor pages:
    a user with a device is asked for a code; a Publisher or superuser without one is sent to
    set it up. An editor without a device passes (two-factor is optional for editors)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _is_admin_path(request) and not self._exempt(request):
            user = getattr(request, "user", None)
            if (
                user is not None
                and user.is_authenticated
                and user.is_staff
                and not twofactor.fully_signed_in(user)
            ):
                query = "?" + urlencode({"next": request.get_full_path()})
                if twofactor.has_device(user):
                    return redirect(reverse("accounts:verify") + query)
                if twofactor.requires_two_factor(user):
                    return redirect(reverse("accounts:setup") + query)
        return self.get_response(request)

    @staticmethod
    def _exempt(request) -> bool:
        path = request.path_info
        return path.startswith(reverse("accounts:verify")) or path in {
            reverse("admin:login"),
            reverse("admin:logout"),
        }
