"""In memory: each process keeps the guides visitors read (flow.guide.Guide, with everything
loaded that their pages have needed so far) and answers later pages from memory; likewise
the lists of guides on the home page and the search index; and, beside each of these, what
pages derive from it alone (`derived`: rendered fragments, page metadata).

Each thing is kept with the versions of the parts of the site it was built from
(guides/caching/versions.py): a guide with its own (`guide:<slug>`) and its category's (its
related guides), a listing with the catalog's. A change moves the versions of what it
touched, and every process drops those things alone at its next request; the rest stays. A
page then costs no query at all once its guide is kept (but a read of the change log, at
most every CONTENT_POLL_SECONDS), and the first page after a change costs what it would
without the store.

Only published guides are kept: an editor previewing drafts always reads the database.
`settings.KEEP_GUIDES_IN_MEMORY` (on unless CANCELFLOW_KEEP_IN_MEMORY=0) turns the store on.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, cast

from django.conf import settings

from guides.caching import versions

if TYPE_CHECKING:
    from guides.flow.guide import Guide

# How many guides a process keeps, the least recently read dropped first. A guide with its
# pages loaded is tens of kilobytes.
MAX_GUIDES = 500

Tag = tuple[tuple[str, int], ...]


def guide_parts(guide: Guide) -> list[str]:
    """What a kept guide was built from: its own rows, and its category's list (the related
    guides its pages show)."""
    provider = guide.provider
    return [versions.guide(provider.slug), versions.category(provider.category_id)]


class GuideStore:
    def __init__(self, size: int = MAX_GUIDES) -> None:
        self.size = size
        self.guides: OrderedDict[str, tuple[Tag, Guide]] = OrderedDict()
        # what other pages use: the home page's lists, the search index, ...
        self.lists: dict[str, tuple[Tag, object]] = {}

    def get(self, slug: str, load: Callable[[str], Guide]) -> Guide:
        """The kept guide of `slug`, or the one `load(slug)` gives, kept from now on. When
        `load` raises (no such published guide: Http404), nothing is kept."""
        snapshot = versions.current()
        versions.uses(versions.guide(slug))
        found = self.guides.get(slug)
        if found is not None and snapshot.valid(found[0]):
            self.guides.move_to_end(slug)
            guide = found[1]
        else:
            guide = load(slug)
            self.guides[slug] = (snapshot.tag(guide_parts(guide)), guide)
            self.guides.move_to_end(slug)
            if len(self.guides) > self.size:
                self.guides.popitem(last=False)
        versions.uses(*guide_parts(guide))
        return guide

    def listing[T](
        self,
        name: str,
        load: Callable[[], T],
        parts: Iterable[str],
        refresh: Callable[[T], T | None] | None = None,
    ) -> T:
        """What `load()` gives, kept under `name` until one of `parts` changes; then, with
        `refresh`, what it makes of the value kept (None: load it anew), unless the whole
        site changed."""
        parts = tuple(parts)
        snapshot = versions.current()
        versions.uses(*parts)
        found = self.lists.get(name)
        if found is not None and snapshot.valid(found[0]):
            return cast(T, found[1])  # what load() gave: each name has one loader
        value = None
        if found is not None and refresh is not None:
            site = tuple(part for part in found[0] if part[0] == versions.SITE)
            if snapshot.valid(site):
                value = refresh(cast(T, found[1]))
        if value is None:
            value = load()
        self.lists[name] = (snapshot.tag(parts), value)
        return value

    def clear(self) -> None:
        self.guides.clear()
        self.lists.clear()


guides = GuideStore()


def published_guide(slug: str, load: Callable[[str], Guide]) -> Guide:
    if not settings.KEEP_GUIDES_IN_MEMORY:
        guide = load(slug)
        versions.uses(*guide_parts(guide))
        return guide
    return guides.get(slug, load)


def published_listing[T](
    name: str, load: Callable[[], T], parts: Iterable[str] = (versions.CATALOG,)
) -> T:
    """A listing of published guides (home lists, categories, channels, rights notes, the
    search index), kept until one of `parts` changes (the catalog, unless said)."""
    if not settings.KEEP_GUIDES_IN_MEMORY:
        versions.uses(*parts)
        return load()
    return guides.listing(name, load, parts)


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
