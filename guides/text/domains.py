"""Web addresses and the registrable domain they belong to (kaspersky.com, amazon.co.uk),
read with the public suffix list bundled with `publicsuffixlist`: no network needed.

An address is read strictly, the way a browser could read it otherwise being reason enough
to refuse it: only http(s); no user name or password before the host
(`https://kaspersky.com@evil.net/` goes to evil.net); no backslash, space, control
character or percent sign anywhere in the authority; no bare IP address. A host written
in another script is compared in its ASCII (punycode) form, so "kaspersky.com" spelt with a
Cyrillic "a" (U+0430) is xn--kspersky-…, not kaspersky.com.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_AUTHORITY_TROUBLE = re.compile(r"[\\@%\s\x00-\x1f\x7f]")


@lru_cache(maxsize=1)
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList()


def web_host(url: str) -> str | None:
    """The lower-case ASCII host of an http(s) address, or None if it has none, or if it
    could be read as another host than it seems (see the module's docstring)."""
    url = url.strip()
    if not re.match(r"(?i)^https?://", url):
        return None
    authority = re.split(r"[/?#]", url.split("://", 1)[1], maxsplit=1)[0]
    if not authority or _AUTHORITY_TROUBLE.search(authority):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not one)
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return None
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return None
    if labels[-1].isdigit():  # an IP address, not a domain
        return None
    return ascii_host


def registrable_domain(url: str) -> str | None:
    """ "https://support.kaspersky.co.uk/x" → "kaspersky.co.uk"; None for no real domain."""
    host = web_host(url)
    if host is None:
        return None
    return _suffixes().privatesuffix(host)


def on_domain_of(url: str, official: list[str]) -> bool:
    """Is `url` on the registrable domain of one of the `official` addresses? A look-alike
    (kaspersky-support.com for kaspersky.com) is not."""
    domain = registrable_domain(url)
    return domain is not None and domain in {registrable_domain(o) for o in official if o}
