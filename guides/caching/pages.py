"""The page cache: anonymous GET pages of the guides, full and htmx variants, kept in each
process's memory and, with REDIS_URL, in the shared cache too (so that one instance's page
serves the others), and dropped at once when what they show changes.

Invalidation is by versions (guides/caching/versions.py): every page is kept with the
versions of the parts of the site it was built from (a guide's page: the guide and its
category's list; the home page, search and the channels' pages: the catalog), and a kept
page is served only while those versions have not moved. A hit costs no query and no round
trip: the versions are this process's own, read from the change log at most every
CONTENT_POLL_SECONDS. A page from the shared cache is checked the same way, so a page that
is corrupt, cut short or of older content is never served: it is built again and replaces
it. Keys name the code that built the page (release.py): a new deploy shares none with the
last one's.

When the shared cache cannot be reached, pages are kept in memory all the same, and the
shared cache is left alone a few seconds (an unreachable host costs a connect timeout,
which must not be paid by every request of an outage).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, set_response_etag
from redis.exceptions import RedisError

from cancelflow.languages import without_language
from guides.caching import versions
from guides.caching.release import code_version

log = logging.getLogger(__name__)

CACHED_PREFIXES = ("/cancel/", "/category/", "/channels/", "/search/")
# What a CDN or proxy may do with a published page: keep it briefly, then revalidate
# with its ETag. Editors' changes reach visitors within this many seconds at worst.
SHARED_MAX_AGE = 60


def _guide_page(request: HttpRequest) -> bool:
    """A page of the guides, in any language (`/de/cancel/…` as `/cancel/…`): each address is
    one language (cancelflow/languages.py), so each is kept under its own key."""
    path = without_language(request.path)
    return path == "/" or path.startswith(CACHED_PREFIXES)


def _cacheable(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # an editor (or anyone with a session) may see drafts and banners
    return _guide_page(request)


def _key(request: HttpRequest) -> str:
    htmx = request.headers.get("HX-Request") == "true"
    restore = request.headers.get("HX-History-Restore-Request") == "true"
    variant = "partial" if htmx and not restore else "full"
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{code_version()}:{variant}:{digest}"


# After a failure the shared cache is left alone this long.
RETRY_SECONDS = 5
# The pages a process keeps, the least recently read dropped first (tens of kilobytes each).
MAX_PAGES = 1000
# What is kept of a page: the versions it was built under, its body and its headers.
Kept = tuple[tuple[tuple[str, int], ...], bytes, dict[str, str], float]


class Outage:
    """When this process last found the shared cache unreachable, and last said so."""

    def __init__(self) -> None:
        self.failed_at: float | None = None
        self.logged_at: float | None = None

    def recent(self) -> bool:
        return self.failed_at is not None and time.monotonic() - self.failed_at < RETRY_SECONDS

    def record(self, error: RedisError) -> None:
        self.failed_at = now = time.monotonic()
        if self.logged_at is None or now - self.logged_at >= 60:  # once a minute, at most
            self.logged_at = now
            log.warning("shared cache unavailable, pages are kept in each process: %s", error)


outage = Outage()


def _shared() -> bool:
    """Whether the cache is one that every process shares (Redis), not each its own."""
    return "redis" in str(settings.CACHES["default"]["BACKEND"]).lower()


def _well_formed(found: object) -> bool:
    return (
        isinstance(found, tuple)
        and len(found) == 4
        and isinstance(found[0], tuple)
        and isinstance(found[1], bytes)
        and isinstance(found[2], dict)
        and isinstance(found[3], float)
    )


class PageStore:
    """The pages this process keeps, and the shared cache behind them."""

    def __init__(self, size: int = MAX_PAGES) -> None:
        self.size = size
        self.pages: OrderedDict[str, Kept] = OrderedDict()

    def get(self, key: str, snapshot: versions.Snapshot) -> Kept | None:
        now = time.time()
        found = self.pages.get(key)
        if found is not None and snapshot.valid(found[0]) and found[3] > now:
            self.pages.move_to_end(key)
            return found
        if _shared() and not outage.recent():
            try:
                shared = cache.get(key)
            except RedisError as error:
                outage.record(error)
                return None
            if _well_formed(shared) and snapshot.valid(shared[0]) and shared[3] > now:
                self._keep_here(key, shared)
                return shared
        return None

    def keep(self, key: str, kept: Kept) -> None:
        self._keep_here(key, kept)
        if _shared() and not outage.recent():
            # Should the cache fail, the page is served all the same.
            try:
                cache.set(key, kept, settings.PAGE_CACHE_SECONDS)
            except RedisError as error:
                outage.record(error)

    def _keep_here(self, key: str, kept: Kept) -> None:
        self.pages[key] = kept
        self.pages.move_to_end(key)
        if len(self.pages) > self.size:
            self.pages.popitem(last=False)

    def clear(self) -> None:
        self.pages.clear()


pages = PageStore()


def _personal(request: HttpRequest) -> bool:
    """Whether the response will carry something of this visitor's: a CSRF token (its
    cookie is set further out, after this middleware) or a new session."""
    session = getattr(request, "session", None)
    return bool(
        request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or (session is not None and session.modified)
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Every request reads under one snapshot of the versions, taken when first needed.
        with versions.request_scope() as used:
            return self.serve(request, used)

    def serve(self, request: HttpRequest, used: set[str]) -> HttpResponse:
        if not _guide_page(request) or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if not _cacheable(request):
            # An editor's view (drafts, banners): no shared cache may keep it.
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        enabled = settings.PAGE_CACHE_SECONDS > 0
        snapshot = versions.current()
        key = _key(request)
        found = pages.get(key, snapshot) if enabled else None
        if found is not None:
            # Kept as plain bytes and headers: far cheaper to load than a pickled response.
            response = HttpResponse(found[1], headers=found[2])
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Cache-Control")
            and not _personal(request)
        ):
            patch_cache_control(response, public=True, max_age=SHARED_MAX_AGE)
            set_response_etag(response)
            if enabled:
                parts = set(used)
                if not without_language(request.path).startswith("/cancel/") or not parts:
                    parts.add(versions.CATALOG)  # a listing (or, unsure, one of them)
                expires = time.time() + settings.PAGE_CACHE_SECONDS
                pages.keep(
                    key, (snapshot.tag(parts), response.content, dict(response.headers), expires)
                )
                response["X-Cache"] = "miss"
        return response
