"""What a request asks for, found or answered with 404: the guide of a slug, as this visitor
may read it. The flow engine raises its own NotFound; here it becomes the site's 404 page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.http import Http404, HttpRequest

from guides.caching import memory, versions
from guides.flow.guide import Guide, load_provider
from guides.flow.pages import Flow, resolve_flow
from guides.flow.rules import NotFound, parse_route_path
from guides.models import Provider, PublishedRights, previews_drafts
from guides.regions import REGION_PARAMETER, parse_visitor


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


# The guides read for an editor while `guides_held` is open: the page audit renders every
# page of a guide as its publisher sees it, and reads the guide once, not once a page.
_held: ContextVar[dict[str, Guide] | None] = ContextVar("held_guides", default=None)


@contextmanager
def guides_held() -> Iterator[None]:
    """Read each guide an editor's pages show once, until the block ends (nothing can change
    it in between: the block is one publish action)."""
    token = _held.set({})
    try:
        yield
    finally:
        _held.reset(token)


def guide_or_404(request: HttpRequest, slug: str) -> Guide:
    """The guide a visitor asked for: kept in memory for visitors (guides/caching/memory.py),
    read afresh for an editor, who may preview drafts."""

    def load(slug: str) -> Guide:
        return Guide(provider_or_404(request, slug))

    if previews_drafts(viewer(request)):
        held = _held.get()
        if held is None:
            return load(slug)
        if slug not in held:
            held[slug] = load(slug)
        return held[slug]
    return memory.published_guide(slug, load)


def route_path_or_404(route_path: str) -> list[str]:
    try:
        return parse_route_path(route_path)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def region_or_404(request: HttpRequest) -> str | None:
    """Where the visitor said they live (`?region=de`), None if they did not; 404 for a code
    that names no region (guides/regions.py)."""
    value = request.GET.get(REGION_PARAMETER)
    if value is None:
        return None
    where = parse_visitor(value)
    if where is None:
        raise Http404("No such region.")
    return where


def rights_regions() -> frozenset[str]:
    """The places rights notes are published for (kept in memory like the guides)."""
    return memory.published_listing("rights", PublishedRights.load, (versions.SITE,)).regions


def flow_or_404(
    guide: Guide, route_path: str, region: str | None = None, *, ask: bool = True
) -> Flow:
    """The page of `guide`'s flow at `route_path` for a visitor who lives in `region`
    (flow.pages.resolve_flow; `ask` False: every part, wherever it applies), or 404."""
    try:
        return resolve_flow(guide, route_path, region, ask=ask, offered=rights_regions)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
