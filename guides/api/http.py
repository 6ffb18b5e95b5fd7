"""The API's HTTP conventions, in one place (docs/api.md, "HTTP").

Every response under /api/v1/ is JSON, with CORS for any origin. A success carries an ETag
of its body (If-None-Match gets a 304) and may be cached for five minutes; an error is
`{"error": {"status", "message"}}` and is not cached. GET and HEAD are answered, OPTIONS is
a CORS preflight, and any other method is a 405: nothing here changes state, so there is no
CSRF to check.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.views.decorators.csrf import csrf_exempt
from ninja.errors import HttpError, ValidationError
from ninja.renderers import BaseRenderer

from guides.api.params import PARAMETER_ERROR

CACHE_SECONDS = 300
CONTENT_TYPE = "application/json"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag",
}


def to_json(data: Any) -> bytes:
    return json.dumps(
        data, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder
    ).encode()


class JSONRenderer(BaseRenderer):
    """ninja's renderer: compact UTF-8 JSON, the bytes the ETag is taken of."""

    media_type = CONTENT_TYPE

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return to_json(data)


def with_cors(response: HttpResponse) -> HttpResponse:
    for name, value in CORS_HEADERS.items():
        response[name] = value
    return response


def error_response(status: int, message: str, **headers: str) -> HttpResponse:
    body = {"error": {"status": status, "message": message}}
    response = HttpResponse(to_json(body), status=status, content_type=CONTENT_TYPE)
    response["Cache-Control"] = "no-cache"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return with_cors(response)


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """A view's refusal (an unknown slug, a page past the last)."""
    return error_response(exc.status_code, exc.message)


def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A bad parameter is a 400 that names it (params.py), not ninja's 422."""
    error = exc.errors[0]
    message = error["msg"]
    if error["type"] != PARAMETER_ERROR:
        message = f"{error['loc'][-1]}: {message}"
    return error_response(400, message)


def preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    del response["Content-Type"]
    response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response["Access-Control-Allow-Headers"] = "If-None-Match, Content-Type"
    response["Access-Control-Max-Age"] = "86400"
    response["Allow"] = ALLOWED_METHODS
    return with_cors(response)


def read_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wraps one of ninja's URL views: GET reaches it, and HEAD as the GET it is (ninja
    routes only the methods in the document); OPTIONS is a preflight, anything else a 405.
    A 200 gets its ETag, is a 304 when the client has it already, and may be cached."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            return preflight()
        if request.method not in ("GET", "HEAD"):
            return error_response(
                405,
                f"{request.method} is not allowed: the API is read-only.",
                Allow=ALLOWED_METHODS,
            )
        method = request.method
        request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        finally:
            request.method = method
        if response.status_code != 200:
            return with_cors(response)
        response["Content-Type"] = CONTENT_TYPE
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        # The 304, or else the response itself (None only when no response is given).
        conditional = get_conditional_response(request, etag=response["ETag"], response=response)
        if conditional is None or conditional is response:
            return with_cors(response)
        # A cache refreshes the response it keeps with the headers of a 304: its language
        # goes along (languages.py), or the middleware would say English.
        if "Content-Language" in response:
            conditional["Content-Language"] = response["Content-Language"]
        return with_cors(conditional)

    return wrapper


@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other path under /api/v1/, whatever the method: a JSON 404."""
    return error_response(404, "No such API endpoint: see /api/v1/openapi.json.")
