"""The content version: a token that changes whenever anything a visitor can see changes.

Everything kept for the sake of speed is filed under it: the page cache (guides/pagecache.py)
and the guides each process keeps in memory (guides/store.py). A change to any guide bumps
the token, so every process stops using what it kept on its next request. The token lives
in the cache, so with REDIS_URL every instance sees the same one.

The token is random rather than a counter: if the cache loses it (a restart, an eviction),
the new one cannot match anything kept under an old one.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import transaction

KEY = "content:version"


def current() -> str:
    token = cache.get(KEY)
    if token is None:
        cache.add(KEY, secrets.token_hex(8), timeout=None)
        token = cache.get(KEY) or ""
    return token


def _new_token() -> None:
    cache.set(KEY, secrets.token_hex(8), timeout=None)


def bump(**_) -> None:
    """Something changed (a signal receiver too, hence `**_`). Bumped at once, and again when
    the change commits: a page built between the two from the old rows is not kept under
    the token that follows the commit."""
    _new_token()
    transaction.on_commit(_new_token)
