"""Web addresses and the registrable domain they belong to (kaspersky.com, amazon.co.uk),
read with the public suffix list bundled with `publicsuffixlist`: no network needed."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList


@lru_cache(maxsize=1)
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList()


def registrable_domain(url: str) -> str | None:
    """ "https://support.kaspersky.co.uk/x" → "kaspersky.co.uk"; None for no real domain."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return _suffixes().privatesuffix(host.rstrip(".").lower())


def on_domain_of(url: str, official: list[str]) -> bool:
    """Is `url` on the registrable domain of one of the `official` addresses? A look-alike
    (kaspersky-support.com for kaspersky.com) is not."""
    domain = registrable_domain(url)
    return domain is not None and domain in {registrable_domain(o) for o in official if o}
