"""Per-client rate limits kept in the cache (shared by every instance when REDIS_URL is set).

A client is known only by a keyed hash of its address: no raw IP address is ever stored.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse


def client_fingerprint(request: HttpRequest) -> str:
    """A keyed hash of the client's address: stable for a client, useless to anyone else."""
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window resets

    @property
    def retry_minutes(self) -> int:
        """The wait as a visitor reads it: whole minutes, at least one."""
        return max(1, -(-self.retry_after // 60))


def refused(response: HttpResponse, verdict: Verdict) -> HttpResponse:
    """`response` (a page saying why) as the refusal of a rate-limited action: 429, with
    Retry-After."""
    response.status_code = 429
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _key(request: HttpRequest, scope: str, window: int) -> tuple[str, int, int]:
    now = int(time.time())
    bucket = now // window
    return f"ratelimit:{scope}:{client_fingerprint(request)}:{bucket}", now, bucket


def peek(request: HttpRequest, scope: str, *, limit: int, window: int) -> Verdict:
    """Whether this client is still under `limit` for `scope`, without counting anything."""
    key, now, bucket = _key(request, scope, window)
    count = cache.get(key, 0)
    return Verdict(allowed=count < limit, retry_after=(bucket + 1) * window - now)


def hit(request: HttpRequest, scope: str, *, limit: int, window: int) -> Verdict:
    """Count one action of `scope` by this client; refuse past `limit` per `window` seconds."""
    key, now, bucket = _key(request, scope, window)
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: start again
        cache.set(key, 1, timeout=window + 1)
        count = 1
    return Verdict(allowed=count <= limit, retry_after=(bucket + 1) * window - now)
