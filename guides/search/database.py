"""Search from the database: editors previewing drafts, and processes that keep nothing in
memory (settings.KEEP_GUIDES_IN_MEMORY off).

- On PostgreSQL, the candidates come from the GiST trigram index of migration 0016 (pg_trgm
  over the name and the aliases in every language, lower case and unaccented), through
  django.contrib.postgres's trigram functions: substring matches and the nearest names by
  word similarity, so the work stays small however many providers there are.
- On SQLite (and any other database), every provider is a candidate: a few narrow columns,
  ranked in memory. Fine for a few thousand providers.

Either way that is two queries: the candidates' names, then the best of them (or, when
nothing matches, the categories to suggest instead). The ranking is `scoring.ranked()`.

Every language's aliases and category names are searched, whatever the page's language: a
visitor finds a guide by a name in any language (guides/translation.py), each text read
from its own column (`aliases_de`), never through the active language.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib.postgres.search import TrigramWordDistance, TrigramWordSimilarity
from django.db import connection
from django.db.models import Count, F, Func, Q, TextField, Value
from django.db.models.functions import Coalesce, Lower

from guides.models import Category, Provider, Status
from guides.search.scoring import Query, ranked

MAX_RESULTS = 50
# On PostgreSQL, how many candidates the index may hand over for ranking.
MAX_CANDIDATES = 500

# What a result carries, as the index keeps it too: the search page shows a guide's name,
# link and category, and whether it is published.
RESULT_FIELDS = ("name", "slug", "summary", "popular", "status", "category__name", "category__slug")


class ImmutableUnaccent(Func):
    """cancelflow_unaccent(): unaccent() declared immutable, as an index needs (migration
    0007). django.contrib.postgres's `unaccent` lookup calls unaccent() itself, which no
    index can hold."""

    function = "cancelflow_unaccent"
    output_field = TextField()


class Joined(Func):
    """Texts joined with `||`, as migration 0016's index writes it (Concat would wrap each
    in COALESCE and a cast, and the index would no longer match)."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = TextField()


def every_language(field: str) -> list[str]:
    """The columns of a translated text, one per language of the site: `aliases` →
    `aliases_en`, `aliases_de`, …"""
    return [f"{field}_{code}" for code, _ in settings.LANGUAGES]


ALIASES = every_language("aliases")
CATEGORY_NAMES = every_language("name")


def one_a_line(texts: Iterable[str | None]) -> str:
    """Texts one a line, those not written (a translation not made yet: NULL) left out."""
    return "\n".join(text for text in texts if text)


def aliases_of(provider: Provider) -> str:
    """A provider's aliases in every language, one a line."""
    return one_a_line(getattr(provider, column) for column in ALIASES)


def names_of(category: Category) -> str:
    """A category's name in every language, one a line."""
    return one_a_line(getattr(category, column) for column in CATEGORY_NAMES)


def names_containing(text: str) -> Q:
    """The providers whose name or an alias, in any language, holds `text` (any case)."""
    found = Q(name__icontains=text)
    for column in ALIASES:
        found |= Q(**{f"{column}__icontains": text})
    return found


def _or_blank(column: str) -> Coalesce:
    """A translation not made yet (NULL) as blank: it must not blank the whole document."""
    return Coalesce(column, Value(""), output_field=TextField())


def _document(*texts: F | Coalesce) -> ImmutableUnaccent:
    """Texts one after another, lower case and unaccented: what the trigram lookups search."""
    spaced = [piece for text in texts for piece in (Value(" "), text)][1:]
    return ImmutableUnaccent(Lower(Joined(*spaced)))


# The expression migration 0016's GiST trigram index covers: keep the two the same, or
# PostgreSQL stops using the index.
PROVIDER_DOCUMENT = _document(F("name"), *map(_or_blank, ALIASES))
# Categories are few: no index.
CATEGORY_DOCUMENT = _document(*map(_or_blank, CATEGORY_NAMES))
PROVIDER_CATEGORY_DOCUMENT = _document(*[_or_blank(f"category__{c}") for c in CATEGORY_NAMES])
# Found by likeness alone: the providers whose names are nearest to the query, in the
# index's order (a typo anywhere, even one that shares few trigrams with the name).
NEAREST = 60
# A category this much like the query brings its guides (a typo: "streeming").
CATEGORY_LIKENESS = 0.5


def postgresql_candidates(query: Query, include_drafts: bool = False) -> Q:
    """The providers worth ranking, on PostgreSQL. Each part is one that `score()` can rank:

    - every query word inside the name or an alias (the trigram index answers LIKE);
    - the names nearest to the query by word similarity (the index hands them out in order);
    - the guides of a category that holds the query or looks like it;
    - for several words, those found in the name and the category together ("norton
      security"), looked for only in the categories that hold one of the words.
    """
    providers = Provider.objects.all() if include_drafts else Provider.objects.published()
    providers = providers.order_by().annotate(document=PROVIDER_DOCUMENT)
    categories = Category.objects.annotate(document=CATEGORY_DOCUMENT)
    holding = providers.filter(*[Q(document__contains=word) for word in query.words])
    nearest = providers.order_by(TrigramWordDistance(query.text, "document"))[:NEAREST]
    like_category = categories.annotate(
        likeness=TrigramWordSimilarity(query.text, "document")
    ).filter(Q(document__contains=query.text) | Q(likeness__gte=CATEGORY_LIKENESS))
    found = (
        Q(pk__in=holding.values("pk"))
        | Q(pk__in=nearest.values("pk"))
        | Q(pk__in=providers.filter(category__in=like_category).values("pk"))
    )
    if len(query.words) > 1:
        any_word = reduce(or_, [Q(document__contains=word) for word in query.words])
        in_both = providers.filter(category__in=categories.filter(any_word)).annotate(
            category_document=PROVIDER_CATEGORY_DOCUMENT
        )
        for word in query.words:
            in_both = in_both.filter(
                Q(document__contains=word) | Q(category_document__contains=word)
            )
        found |= Q(pk__in=in_both.values("pk"))
    return found


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
    columns = candidates.values_list(
        "pk", "name", "popular", *ALIASES, *[f"category__{c}" for c in CATEGORY_NAMES]
    )
    end = 3 + len(ALIASES)  # where the category's names start
    rows = (
        (row[0], row[1], one_a_line(row[3:end]), row[2], one_a_line(row[end:])) for row in columns
    )
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
