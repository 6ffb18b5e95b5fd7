"""What a request asks for, found or answered with 404: the guide of a slug, as this visitor
may read it. The flow engine raises its own NotFound; here it becomes the site's 404 page."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest

from guides.caching import memory
from guides.flow.guide import Guide, load_provider
from guides.flow.pages import Flow, resolve_flow
from guides.flow.rules import NotFound, parse_route_path
from guides.models import Provider, previews_drafts


def viewer(request: HttpRequest):
    """The logged-in user who may preview drafts, or None. The session is looked at only when
    the request carries a session cookie: a visitor's page then sends no `Vary: Cookie` and
    stays cacheable, and costs no session query."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    return getattr(request, "user", None)


def provider_or_404(request: HttpRequest, slug: str) -> Provider:
    """The provider a visitor asked for, with its related guides (flow.guide.load_provider)."""
    try:
        return load_provider(slug, viewer(request))
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def guide_or_404(request: HttpRequest, slug: str) -> Guide:
    """The guide a visitor asked for: kept in memory for visitors (guides/caching/memory.py),
    read afresh for an editor, who may preview drafts."""

    def load(slug: str) -> Guide:
        return Guide(provider_or_404(request, slug))

    if previews_drafts(viewer(request)):
        return load(slug)
    return memory.published_guide(slug, load)


def route_path_or_404(route_path: str) -> list[str]:
    try:
        return parse_route_path(route_path)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def flow_or_404(guide: Guide, route_path: str) -> Flow:
    """The page of `guide`'s flow at `route_path` (flow.pages.resolve_flow), or 404."""
    try:
        return resolve_flow(guide, route_path)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
