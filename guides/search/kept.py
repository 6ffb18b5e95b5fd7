"""The search index each process keeps (when guides are kept in memory), brought up to date
when the names it holds change, instead of built again.

Building the index reads every published guide: about two seconds for 10,000 of them. A
change to what search reads (a guide renamed, an alias added, a guide published or taken
down: the `names` part of guides/caching/versions.py) would cost every worker that much at
its next search. So a `KeptIndex` is the index as built (`base`), and beside it what changed
since (`overlay`: the guides whose names differ now, in an index of their own, and those
`hidden` in the base: changed or gone). It learns which guides may have changed from the
change log (`versions.guides_changed_since`), reads those alone, and keeps only those whose
names really differ. A search asks both and ranks the union with `ranked()`
(guides/search/scoring.py), the same order `score()` gives a whole index.

The base is built anew when a category changed (every guide of it shows its name), when the
whole site changed (a load of guide files), or when more than MAX_CHANGED guides changed
since it was built.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from guides.caching import memory, versions
from guides.models import Category, Provider
from guides.search.database import (
    CATEGORY_NAMES,
    MAX_RESULTS,
    aliases_of,
    names_of,
)
from guides.search.index import SearchIndex, published_providers
from guides.search.scoring import Query, ranked

# Past this many guides changed since the base was built, it is built again.
MAX_CHANGED = 200


def _categories_of(providers: Iterable[Provider]) -> dict[int, tuple]:
    """The categories of these providers, with what search reads of them, as loaded."""
    return {
        p.category.pk: (p.category.slug, *(getattr(p.category, c) for c in CATEGORY_NAMES))
        for p in providers
    }


def _categories_now(pks: Iterable[int]) -> dict[int, tuple]:
    rows = Category.objects.filter(pk__in=list(pks)).values_list("pk", "slug", *CATEGORY_NAMES)
    return {pk: tuple(rest) for pk, *rest in rows}


def _what_search_reads(provider: Provider) -> tuple:
    """Everything of a provider the index and the results read."""
    deferred = provider.get_deferred_fields()
    return tuple(
        getattr(provider, field.attname)
        for field in provider._meta.concrete_fields
        if field.attname not in deferred
    )


class KeptIndex:
    def __init__(self, base: SearchIndex, since: datetime) -> None:
        self.base = base
        self.since = since  # changes from here on (less the log's look-back) are not in it
        self.categories = _categories_of(base.providers)  # and those of the overlay
        self.base_by_slug = {provider.slug: provider for provider in base.providers}
        self.base_pks = {provider.pk for provider in base.providers}
        self.changed: dict[str, Provider] = {}  # slug: the guide now, its names changed
        self.gone: set[str] = set()  # slugs of the base no longer published
        self.hidden: set[int] = set()  # base providers changed or gone (from the two above)
        self.overlay: SearchIndex | None = None

    @classmethod
    def build(cls) -> KeptIndex:
        since = timezone.now()  # before the reads: a change after it is seen again later
        return cls(SearchIndex.build(), since)

    def refreshed(self) -> KeptIndex | None:
        """This index brought up to date with the guides changed since it was last, or None
        when it must be built anew."""
        since = timezone.now()
        if _categories_now(self.categories) != self.categories:
            return None  # a category renamed: every guide of it shows its name
        look_back = timedelta(seconds=versions.LOOKBACK_SECONDS)
        slugs = versions.guides_changed_since(self.since - look_back)
        self._apply(
            slugs, {provider.slug: provider for provider in published_providers(slug__in=slugs)}
        )
        if len(self.hidden.union(p.pk for p in self.changed.values())) > MAX_CHANGED:
            return None
        self.since = since
        return self

    def _apply(self, slugs: Iterable[str], now: dict[str, Provider]) -> None:
        for slug in slugs:
            current, built = now.get(slug), self.base_by_slug.get(slug)
            self.changed.pop(slug, None)
            self.gone.discard(slug)
            if current is None:  # gone, unpublished or renamed away
                if built is not None:
                    self.gone.add(slug)
            elif built is None or _what_search_reads(built) != _what_search_reads(current):
                self.changed[slug] = current
        # Hidden in the base: what is gone or changed under its slug, and a changed guide
        # under its old slug (its address changed).
        self.hidden = {
            self.base_by_slug[slug].pk
            for slug in self.gone | self.changed.keys()
            if slug in self.base_by_slug
        } | (self.base_pks & {provider.pk for provider in self.changed.values()})
        self.overlay = SearchIndex(list(self.changed.values())) if self.changed else None
        self.categories.update(_categories_of(self.changed.values()))

    def search(self, query: Query, limit: int = MAX_RESULTS) -> list[Provider]:
        if not self.hidden and self.overlay is None:
            return self.base.search(query, limit)
        found = [
            provider
            for provider in self.base.search(query, limit + len(self.hidden))
            if provider.pk not in self.hidden
        ][:limit]
        if self.overlay is not None:
            found += self.overlay.search(query, limit)
        rows = [(p.pk, p.name, aliases_of(p), p.popular, names_of(p.category)) for p in found]
        by_pk = {provider.pk: provider for provider in found}
        return [by_pk[pk] for pk in ranked(query, rows, limit)]


def current_index() -> KeptIndex | None:
    """This process's index of the published providers, kept with its guides
    (guides/caching/memory.py) until the names it holds change, then brought up to date.
    None when nothing is kept (settings.KEEP_GUIDES_IN_MEMORY off): search then asks the
    database."""
    if not settings.KEEP_GUIDES_IN_MEMORY:
        return None
    return memory.guides.listing(
        "search", KeptIndex.build, (versions.NAMES,), refresh=KeptIndex.refreshed
    )
