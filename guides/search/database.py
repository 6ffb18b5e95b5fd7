"""Search from the database: editors previewing drafts, and processes that keep nothing in
memory (settings.KEEP_GUIDES_IN_MEMORY off, or no content version to keep it by).

- On PostgreSQL, the candidates come from a trigram index (pg_trgm, with unaccent; see
  migration 0007): substring matches and `<%` word similarity, so the work stays small
  however many providers there are.
- On SQLite (and any other database), every provider is a candidate: a few narrow columns,
  ranked in memory. Fine for a few thousand providers.

Either way that is two queries: the candidates' names, then the best of them (or, when
nothing matches, the categories to suggest instead). The ranking is `scoring.ranked()`.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Count, Q
from django.db.models.expressions import RawSQL

from ..models import Category, Provider, Status
from .scoring import Query, ranked

MAX_RESULTS = 50
# On PostgreSQL, how many candidates the index may hand over for ranking.
MAX_CANDIDATES = 500

# What a result carries, as the index keeps it too: the search page shows a guide's name,
# link and category, and whether it is published.
RESULT_FIELDS = ("name", "slug", "summary", "popular", "status", "category__name", "category__slug")


# The expression that migration 0007's index covers (for a table aliased `p`): keep the
# two in step, or PostgreSQL stops using the index.
PG_DOCUMENT = "cancelflow_unaccent(lower(p.name || ' ' || p.aliases))"
PG_CATEGORY = "cancelflow_unaccent(lower(c.name))"
# Found by likeness alone: the providers whose names are nearest to the query, in the
# index's order (a typo anywhere, even one that shares few trigrams with the name).
PG_NEAREST = 60
# A category this much like the query brings its guides (a typo: "streeming").
PG_CATEGORY_SIMILARITY = 0.5


def postgresql_candidates(query: Query, include_drafts: bool = False) -> RawSQL:
    """The providers worth ranking. Each branch is one that `score()` can rank:

    - every query word inside the name or an alias (the trigram index answers LIKE);
    - the names nearest to the query by word similarity (the index hands them out in order);
    - the guides of a category that holds the query or looks like it;
    - for several words, those found in the name and the category together ("norton
      security"), looked for only in the categories that hold one of the words.
    """
    visible = "TRUE" if include_drafts else f"p.status = '{Status.PUBLISHED}'"
    in_document = " AND ".join(f"{PG_DOCUMENT} LIKE %s" for _ in query.words)
    params: list[str] = [f"%{word}%" for word in query.words]
    params += [query.text, f"%{query.text}%", query.text]
    branches = [
        f"SELECT p.id FROM guides_provider p WHERE {visible} AND {in_document}",
        f"(SELECT p.id FROM guides_provider p WHERE {visible}"
        f" ORDER BY %s <<-> {PG_DOCUMENT} LIMIT {PG_NEAREST})",
        f"SELECT p.id FROM guides_provider p JOIN guides_category c ON c.id = p.category_id"
        f" WHERE {visible} AND ({PG_CATEGORY} LIKE %s"
        f" OR word_similarity(%s, {PG_CATEGORY}) >= {PG_CATEGORY_SIMILARITY})",
    ]
    if len(query.words) > 1:
        any_word = " OR ".join(f"{PG_CATEGORY} LIKE %s" for _ in query.words)
        each_word = " AND ".join(
            f"({PG_DOCUMENT} LIKE %s OR {PG_CATEGORY} LIKE %s)" for _ in query.words
        )
        branches.append(
            f"SELECT p.id FROM guides_provider p JOIN guides_category c ON c.id = p.category_id"
            f" WHERE {visible} AND ({any_word}) AND {each_word}"
        )
        params += [f"%{word}%" for word in query.words]
        for word in query.words:
            params += [f"%{word}%", f"%{word}%"]
    sql = '"guides_provider"."id" IN (' + " UNION ".join(branches) + ")"
    return RawSQL(sql, params, output_field=BooleanField())


def search(query: Query, limit: int, *, include_drafts: bool) -> list[Provider]:
    """Two queries: the candidates' names to rank, then the `limit` best themselves."""
    visible = Provider.objects.previewed() if include_drafts else Provider.objects.published()
    candidates = visible.order_by()
    if connection.vendor == "postgresql":
        # Past MAX_CANDIDATES (a query that matches a whole large category), the popular
        # ones are kept.
        candidates = candidates.filter(postgresql_candidates(query, include_drafts)).order_by(
            "-popular", "name"
        )[:MAX_CANDIDATES]
    rows = candidates.values_list("pk", "name", "aliases", "popular", "category__name")
    ids = ranked(query, rows, limit)
    if not ids:
        return []
    found = visible.select_related("category").only(*RESULT_FIELDS).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def suggested_categories() -> list[Category]:
    """Categories that have published guides, with how many: offered when nothing matches."""
    return list(
        Category.objects.annotate(
            provider_count=Count("providers", filter=Q(providers__status=Status.PUBLISHED))
        ).filter(provider_count__gt=0)
    )
