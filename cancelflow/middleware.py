"""Project-wide middleware: request ids and one log line per request, security headers the
framework does not set itself, and a friendly 503 when the database or the cache is
unreachable."""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from redis.exceptions import RedisError

request_log = logging.getLogger("cancelflow.request")
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class IdentifiedRequest(HttpRequest):
    id: str  # set by RequestIdMiddleware, read by the log lines of a request


class RequestIdMiddleware:
    """Give every request an id (a sane incoming X-Request-ID, or a new one), return it in
    the response, and log one structured line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: IdentifiedRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        request_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": request.id,
                "method": request.method,
                "path": request.path[:500],
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "bytes": len(response.content) if not response.streaming else None,
                "htmx": request.headers.get("HX-Request") == "true",
            },
        )
        return response


class HealthCheckMiddleware:
    """GET or HEAD /healthz is answered here, before the host check and the HTTPS redirect:
    a load balancer probes an instance by its address, over plain HTTP, and must read 200
    or 503, never 400 or 301. Only that exact path: every other one (/healthz/ included)
    goes on through the checks below."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/healthz" and request.method in {"GET", "HEAD"}:
            from guides.web.views import healthz  # not at import: the app loads after this

            response = healthz(request)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not send."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class RequestSizeMiddleware:
    """A request too large to read gets a clear 413 page before anything reads it.

    An editor's save may be large (settings.DATA_UPLOAD_MAX_MEMORY_SIZE), far above what the
    fields allow together, so that a text that is too long gets a form error with all of it
    kept, not a lost page. What visitors send is small (settings.PUBLIC_POST_MAX_SIZE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.headers.get("content-length") or 0)
        except ValueError:
            length = 0
        limit = (
            settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if self.from_an_editor(request)
            else settings.PUBLIC_POST_MAX_SIZE
        )
        if length > limit:
            context = {"size": length, "limit": limit}
            return render(request, "413.html", context, status=413)
        return self.get_response(request)

    @staticmethod
    def from_an_editor(request: HttpRequest) -> bool:
        """An admin page other than the login, sent with a session: an editor's save. (The
        session itself is checked later; a forged cookie gets no more than the admin's
        limit, and then the login page.)"""
        admin = f"/{settings.ADMIN_PATH}"
        return (
            request.path.startswith(admin)
            and not request.path.startswith(f"{admin}login/")
            and settings.SESSION_COOKIE_NAME in request.COOKIES
        )


class ServiceUnavailableMiddleware:
    """When the database or the shared cache is down, visitors get a calm 503 page, never a
    stack trace. (Pages that only read guides do without the shared cache, and edits are
    announced through the database: see guides/caching/versions.py. What needs the cache, a
    rate limit, is refused until it is back.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            what = "database"
        elif isinstance(exception, RedisError):
            what = "cache"
        else:
            return None
        logging.getLogger("cancelflow").error(
            "%s unavailable",
            what,
            exc_info=exception,
            extra={"request_id": getattr(request, "id", "")},
        )
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
