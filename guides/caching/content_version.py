"""The content version: a token that changes whenever anything a visitor can see changes.

Everything kept for the sake of speed is filed under it: the page cache (guides/caching/pages.py)
and the guides each process keeps in memory (guides/caching/memory.py). A change to any guide bumps
the token, so every process stops using what it kept on its next request. The token lives
in the cache, so with REDIS_URL every instance sees the same one.

The token is random rather than a counter: if the cache loses it (a restart, an eviction),
the new one cannot match anything kept under an old one.

When the cache cannot be reached, there is no version: nothing is kept and every page is
read from the database, so visitors still get their guides. A change cannot be announced
then either, so `bump()` raises and the change is refused (cancelflow/middleware.py answers
503) rather than left unannounced to the other processes.
"""

from __future__ import annotations

import logging
import secrets
import time

from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

KEY = "content:version"
log = logging.getLogger(__name__)


# After a failure the cache is left alone this long: an unreachable host costs a connect
# timeout (a second), which must not be paid by every request of an outage.
RETRY_SECONDS = 5


class Outage:
    """When this process last found the cache unreachable, and last said so in the log."""

    def __init__(self) -> None:
        self.failed_at: float | None = None
        self.logged_at: float | None = None

    def recent(self) -> bool:
        return self.failed_at is not None and time.monotonic() - self.failed_at < RETRY_SECONDS

    def record(self, error: RedisError) -> None:
        self.failed_at = now = time.monotonic()
        if self.logged_at is None or now - self.logged_at >= 60:  # once a minute, at most
            self.logged_at = now
            log.warning("cache unavailable, pages are read from the database: %s", error)


outage = Outage()


def current() -> str:
    """The current token, or "" when the cache stores nothing or cannot be reached."""
    return current_with(None)[0]


def current_with(key: str | None) -> tuple[str, object]:
    """The current token and what the cache holds under `key` (None: nothing), read in one
    round trip: the page cache's lookup on every request."""
    if outage.recent():
        return "", None
    try:
        found = cache.get_many([KEY] if key is None else [KEY, key])
        if KEY not in found:  # the first request since the cache was emptied
            cache.add(KEY, secrets.token_hex(8), timeout=None)
            return cache.get(KEY) or "", None
    except RedisError as error:
        outage.record(error)
        return "", None
    return found[KEY], found.get(key)


def _new_token() -> None:
    cache.set(KEY, secrets.token_hex(8), timeout=None)


def bump(**_) -> None:
    """Something changed (a signal receiver too, hence `**_`). Bumped at once, and again when
    the change commits: a page built between the two from the old rows is not kept under
    the token that follows the commit."""
    _new_token()
    transaction.on_commit(_new_token)
