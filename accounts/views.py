"""The two-factor pages of the admin: the code asked for after the password, and setting up
an authenticator app (with recovery codes) for a staff user who has none."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from . import twofactor
from .forms import CodeForm

# In English, marked for the catalog; the views translate them when they say them.
WRONG_CODE = gettext_noop(
    "That code did not work. Check that the time on your phone is right and try the newest "
    "code, or use one of your recovery codes."
)
TOO_MANY = gettext_noop("Too many wrong codes in a row. Please wait a moment, then try again.")


def _next_url(request: HttpRequest) -> str:
    url = str(request.POST.get("next") or request.GET.get("next") or "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


def _context(request: HttpRequest, title: str, **extra) -> dict:
    return {
        **admin.site.each_context(request),
        "title": title,
        "is_nav_sidebar_enabled": False,
        "next": _next_url(request),
        **extra,
    }


def _staff_only(request: HttpRequest) -> HttpResponse | None:
    user = request.user
    if not (user.is_authenticated and user.is_staff):
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(reverse("admin:login") + "?" + query)
    return None


def _throttled(user) -> bool:
    from django_otp import devices_for_user

    return any(not device.verify_is_allowed()[0] for device in devices_for_user(user))


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of a login: a code from the authenticator app, or a recovery code."""
    refused = _staff_only(request)
    if refused:
        return refused
    user = request.user
    if twofactor.is_verified(user) or not twofactor.has_device(user):
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = _throttled(user)  # after wrong codes, each try waits longer
        device = None if throttled else twofactor.verify_code(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()
            return redirect(_next_url(request))
        form.add_error("code", gettext(TOO_MANY if throttled else WRONG_CODE))
    return TemplateResponse(
        request,
        "accounts/verify.html",
        _context(request, gettext("Enter your sign-in code"), form=form),
        status=400 if form.errors else 200,
    )


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def setup(request: HttpRequest) -> HttpResponse:
    """Turn on two-factor sign-in: add the secret to an authenticator app, confirm it with a
    code, then note the recovery codes, shown this once."""
    refused = _staff_only(request)
    if refused:
        return refused
    user = request.user
    if twofactor.has_device(user):
        if not twofactor.is_verified(user):
            return redirect(
                reverse("accounts:verify") + "?" + urlencode({"next": _next_url(request)})
            )
        return TemplateResponse(
            request,
            "accounts/setup_done.html",
            _context(request, gettext("Two-factor sign-in is on")),
        )
    device = twofactor.pending_totp(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = twofactor.normalize(form.cleaned_data["code"])
        allowed = device.verify_is_allowed()[0]
        if allowed and code.isdigit() and device.verify_token(code):
            codes = twofactor.confirm_totp(device)
            otp_login(request, device)
            request.session.cycle_key()
            return TemplateResponse(
                request,
                "accounts/recovery_codes.html",
                _context(request, gettext("Your recovery codes"), codes=codes),
            )
        form.add_error("code", gettext(WRONG_CODE if allowed else TOO_MANY))
    return TemplateResponse(
        request,
        "accounts/setup.html",
        _context(
            request,
            gettext("Set up two-factor sign-in"),
            form=form,
            secret=twofactor.secret_base32(device),
            otpauth_uri=device.config_url,
            required=twofactor.requires_two_factor(user),
        ),
        status=400 if form.errors else 200,
    )
