"""Failed admin logins are rate limited per client and per account name, in the shared cache."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from guides.web.ratelimit import Verdict, hit, peek

LOGIN_FAILURES_ALLOWED = 5
LOGIN_WINDOW_SECONDS = 15 * 60


def _scopes(request: HttpRequest) -> list[str]:
    username = str(request.POST.get("username", ""))[:150].strip().lower()
    return ["admin-login", f"admin-login-user:{username}"] if username else ["admin-login"]


def _locked(request: HttpRequest) -> Verdict | None:
    for scope in _scopes(request):
        verdict = peek(request, scope, limit=LOGIN_FAILURES_ALLOWED, window=LOGIN_WINDOW_SECONDS)
        if not verdict.allowed:
            return verdict
    return None


@never_cache
def admin_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    """Django's admin login, refusing with 429 after repeated failures."""
    if request.method == "POST":
        locked = _locked(request)
        if locked is not None:
            response: HttpResponse = TemplateResponse(
                request, "429.html", {"retry_after": locked.retry_after}, status=429
            )
            response["Retry-After"] = str(locked.retry_after)
            return response
    response = admin.site.login(request, extra_context)
    failed = (
        request.method == "POST"
        and response.status_code == 200
        and not request.user.is_authenticated
    )
    if failed:
        for scope in _scopes(request):
            hit(request, scope, limit=LOGIN_FAILURES_ALLOWED, window=LOGIN_WINDOW_SECONDS)
    return response
