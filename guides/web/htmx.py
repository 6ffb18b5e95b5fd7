"""htmx in one place: a page that htmx can update renders its swappable region (a template
partial, "page.html#region") on its own when htmx asks for it, and every such response says
it varies on the htmx headers, so no cache hands one kind of answer to the other."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def wants_partial(request: HtmxHttpRequest) -> bool:
    """htmx asks for just the swappable region, except when restoring history."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response


def render_page(
    request: HtmxHttpRequest, template: str, region: str, context: dict, status: int = 200
) -> HttpResponse:
    """`template` whole, or its `region` alone for htmx; varying on the htmx headers."""
    name = f"{template}#{region}" if wants_partial(request) else template
    return vary_on_htmx(render(request, name, context, status=status))
