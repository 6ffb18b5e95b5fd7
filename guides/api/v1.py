"""The API at /api/v1/: ninja's NinjaAPI with the endpoints of views.py, and the OpenAPI
document it generates from the schemas (schemas.py, params.py)."""

from __future__ import annotations

import json
from functools import cache

from django.http import HttpRequest
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from guides.api import http, views
from guides.api.params import QueryParser

api = NinjaAPI(
    title="cancelflow open data",
    version="1.0.0",
    description=(
        "Read-only JSON of the published cancellation guides: providers with their whole "
        "flow and the resolved steps of every answer, the purchase channels with their "
        "standard steps, and the categories. See docs/api.md."
    ),
    openapi_extra={"info": {"license": {"name": "See the site's terms"}}},
    urls_namespace="api",
    renderer=http.JSONRenderer(),
    parser=QueryParser(),
    # The document is served below, behind the API's HTTP conventions. ninja's docs page
    # would need inline scripts and a CDN, which the site's Content-Security-Policy refuses.
    openapi_url=None,
    docs_url=None,
)
api.add_router("", views.router)
# ninja types a handler's argument as the exception or its class; it is given the exception.
api.add_exception_handler(HttpError, http.on_http_error)  # type: ignore[arg-type]
api.add_exception_handler(ValidationError, http.on_validation_error)  # type: ignore[arg-type]


@cache
def openapi_document() -> dict:
    """The OpenAPI 3.1 document, as served (JSON's string keys)."""
    document = api.get_openapi_schema(path_prefix=reverse("api:index"))
    return json.loads(http.to_json(document))


@api.get("openapi.json", url_name="openapi", include_in_schema=False)
def openapi(request: HttpRequest) -> dict:
    return openapi_document()
