"""Finding a guide: search over providers' names, aliases and categories.

Case- and accent-insensitive, tolerant of a typo or two, with exact and prefix matches first.
Aliases and categories are found by their texts in every language (guides/translation.py),
from any language's page, in the same order: a German alias from the English page too. The
results are shown in the page's language, as every text is.

- `scoring`: the rules of a match and the one ranking function, `score()`; pure.
- `index`: the index of the published guides each process keeps (when guides are kept in
  memory, settings.KEEP_GUIDES_IN_MEMORY): a search makes no query at all;
- `kept`: how it is kept up to date: brought up to date with the guides whose names changed,
  not built again.
- `database`: the database path, for editors previewing drafts and processes that keep
  nothing: trigram lookups on PostgreSQL, every provider ranked in memory on SQLite.

Whichever finds the providers, they come out in the order `score()` gives them.
"""

from __future__ import annotations

from django.conf import settings

from guides.models import Provider
from guides.search import database, kept
from guides.search.database import MAX_RESULTS, names_containing, suggested_categories
from guides.search.scoring import Query, normalise

__all__ = ["MAX_RESULTS", "names_containing", "search_providers", "suggested_categories"]


def search_providers(
    text: str, limit: int = MAX_RESULTS, *, include_drafts: bool = False
) -> list[Provider]:
    """Published providers matching `text` (drafts too for an editor's preview), best
    first: from this process's index when guides are kept in memory (no query), else from
    the database."""
    query = Query(normalise(text))
    if not query.text:
        return []
    if settings.KEEP_GUIDES_IN_MEMORY and not include_drafts:
        index = kept.current_index()
        if index is not None:
            return index.search(query, limit)
    return database.search(query, limit, include_drafts=include_drafts)
