"""In memory: each process keeps the guides visitors read (flow.guide.Guide, with everything
loaded that their pages have needed so far) and answers later pages from memory; likewise
the lists of guides on the home page and the search index; and, beside each of these, what
pages derive from it alone (`derived`: rendered fragments, page metadata).

What is kept belongs to one content version (guides/caching/content_version.py): when a guide
changes, the version moves and every process drops what it kept on its next request. A page
then costs no query at all once its guide is kept, and the first page after a change costs
what it would without the store.

Only published guides are kept: an editor previewing drafts always reads the database.
`settings.KEEP_GUIDES_IN_MEMORY` turns the store on; it needs a version shared by every
process (a shared cache, or one process), like the page cache.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from django.conf import settings

from guides.caching import content_version

if TYPE_CHECKING:
    from guides.flow.guide import Guide

# How many guides a process keeps, the least recently read dropped first. A guide with its
# pages loaded is tens of kilobytes.
MAX_GUIDES = 500


class GuideStore:
    def __init__(self, size: int = MAX_GUIDES) -> None:
        self.size = size
        self.version = ""
        self.guides: OrderedDict[str, Guide] = OrderedDict()
        self.lists: dict[str, object] = {}  # what other pages use: home lists, search index

    def _keeping(self) -> bool:
        """Whether anything may be kept: what is kept belongs to the current content version
        and is dropped when it moves. Without a version (a cache that stores nothing),
        nothing would tell this process of a change, so nothing is kept."""
        version = content_version.current()
        if version != self.version:
            self.clear()
            self.version = version
        return bool(version)

    def get(self, slug: str, load: Callable[[str], Guide]) -> Guide:
        """The kept guide of `slug`, or the one `load(slug)` gives, kept from now on. When
        `load` raises (no such published guide: Http404), nothing is kept."""
        if not self._keeping():
            return load(slug)
        guide = self.guides.get(slug)
        if guide is not None:
            self.guides.move_to_end(slug)
            return guide
        guide = self.guides[slug] = load(slug)
        if len(self.guides) > self.size:
            self.guides.popitem(last=False)
        return guide

    def listing[T](self, name: str, load: Callable[[], T]) -> T | None:
        """What `load()` gives, kept under `name` until the content changes; None, without
        calling `load`, when nothing may be kept."""
        if not self._keeping():
            return None
        if name not in self.lists:
            self.lists[name] = load()
        return cast(T, self.lists[name])  # what load() gave: each name has one loader

    def clear(self) -> None:
        self.guides.clear()
        self.lists.clear()
        self.version = ""


guides = GuideStore()


def published_guide(slug: str, load: Callable[[str], Guide]) -> Guide:
    if not settings.KEEP_GUIDES_IN_MEMORY:
        return load(slug)
    return guides.get(slug, load)


def published_listing[T](name: str, load: Callable[[], T]) -> T:
    kept = guides.listing(name, load) if settings.KEEP_GUIDES_IN_MEMORY else None
    return load() if kept is None else kept


# What pages derive from a guide or a listing alone, kept beside it for as long as it is
# kept: nothing is written into the guide itself, which pages share.
_derived: weakref.WeakKeyDictionary[object, dict[tuple, object]] = weakref.WeakKeyDictionary()


def derived(owner: object) -> dict[tuple, object]:
    """The memo of what pages derive from `owner` alone (the HTML of {% kept %} blocks, a
    page's metadata): it lives as long as `owner` does, so it is dropped with a kept guide
    when the content changes, and with a guide read for one request at its end."""
    found = _derived.get(owner)
    if found is None:
        found = _derived[owner] = {}
    return found
