"""The page cache: anonymous GET pages of the guides, full and htmx variants, kept in the
cache (shared by every instance when REDIS_URL is set) and dropped at once when anything
they show changes.

Invalidation is by version: every page is kept with the content version it was built under
(guides/caching/content_version.py), which a change to any guide bumps, so every instance stops
serving the old pages on its next request; a page of another version is a miss, and is
replaced. The version and the page are read in one round trip to the cache. Without a
version (the cache cannot be reached) pages are neither looked up nor kept.
"""

from __future__ import annotations

import contextlib
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, set_response_etag
from redis.exceptions import RedisError

from cancelflow.languages import without_language
from guides.caching import content_version

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
    return f"page:{variant}:{digest}"


def _keep(key: str, stored: tuple[str, bytes, dict]) -> None:
    # Should the cache fail, the page is served all the same; the next visitor builds it again.
    with contextlib.suppress(RedisError):
        cache.set(key, stored, settings.PAGE_CACHE_SECONDS)


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
        self.enabled = settings.PAGE_CACHE_SECONDS > 0

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _guide_page(request) or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if not _cacheable(request):
            # An editor's view (drafts, banners): no shared cache may keep it.
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        key = _key(request) if self.enabled else None
        version, stored = content_version.current_with(key) if key else ("", None)
        if version and isinstance(stored, tuple) and stored[0] == version:
            # Kept as plain bytes and headers: far cheaper to load than a pickled response.
            _, content, headers = stored
            response = HttpResponse(content, headers=headers)
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
            if key and version:
                _keep(key, (version, response.content, dict(response.headers)))
                response["X-Cache"] = "miss"
        return response
