"""Finding a guide: search over providers' names, aliases and categories.

Case- and accent-insensitive, tolerant of a typo or two ("kaspersy", "mcafe", "nortn"), with
exact and prefix matches first. The ranking is one Python function, `score()`: whatever finds
the providers, they come out in the order `score()` gives them.

Published guides, for visitors (settings.KEEP_GUIDES_IN_MEMORY), are found in the index
each process keeps (guides/search_index.py), with no query at all.

Editors previewing drafts, and processes that keep nothing in memory, query the database:

- on PostgreSQL, the candidates come from a trigram index (pg_trgm, with unaccent; see
  migration 0007): substring matches and `<%` word similarity, so the work stays small
  however many providers there are;
- on SQLite (and any other database), every provider is a candidate: a few narrow columns,
  scored in memory. Fine for a few thousand providers.

Either way that is two queries: the candidates' names, then the best of them (or, when
nothing matches, the categories to suggest instead).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Count, Q
from django.db.models.expressions import RawSQL

from .models import Category, Provider, Status

MAX_RESULTS = 50
# On PostgreSQL, how many candidates the index may hand over for ranking.
MAX_CANDIDATES = 500

_APOSTROPHES = re.compile("['\u2019`\u00b4]")  # apostrophes, typed or typographic
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by single spaces: "Müller's  Café+" →
    "mullers cafe". Punctuation goes, so the result never holds a LIKE wildcard."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text.casefold())
    return " ".join(_NOT_WORD.sub(" ", text).split())


MAX_EDITS = 2  # "a typo or two", in the whole query


def allowed_edits(length: int) -> int:
    """How many typos a word of this length may carry and still match."""
    if length <= 3:
        return 0
    if length <= 5:
        return 1
    return 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (optimal string alignment: a swap of two neighbouring
    letters is one edit), or `limit + 1` as soon as it is known to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


@dataclass(frozen=True)
class Term:
    """One name a provider is known by (or its category's name), normalised."""

    text: str
    words: tuple[str, ...] = field(init=False)
    compact: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", tuple(self.text.split()))
        object.__setattr__(self, "compact", self.text.replace(" ", ""))


@lru_cache(maxsize=100_000)
def term(text: str) -> Term:
    """The normalised Term of a name as typed: names change rarely, so it is kept."""
    return Term(normalise(text))


@dataclass(frozen=True)
class Query:
    text: str
    words: tuple[str, ...] = field(init=False)
    compact: str = field(init=False)
    # Edit distances already worked out for this query: the same words recur across names.
    distances: dict[tuple[str, str, int], int] = field(
        default_factory=dict, init=False, compare=False, hash=False, repr=False
    )

    def distance(self, a: str, b: str, limit: int) -> int:
        key = (a, b, limit)
        found = self.distances.get(key)
        if found is None:
            found = self.distances[key] = edit_distance(a, b, limit)
        return found

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", tuple(self.text.split()))
        object.__setattr__(self, "compact", self.text.replace(" ", ""))


# Scores: the tiers a visitor expects, best first. Names rank just above aliases.
EXACT = 100  # the whole name: "kaspersky", "kis"
PREFIX = 90  # the start of a name: "kasp"
WORD_PREFIX = 80  # the start of words of one name: "total sec"
SUBSTRING = 70  # inside a name: "afee"
ALL_WORDS = 65  # each word starts a word of some name or the category: "norton antivirus"
CATEGORY = 60  # the category: "security"
FUZZY = 50  # a typo or two, less 10 for each: "kaspersy", "mcafe", "nortn"
CATEGORY_FUZZY = 25  # a typo in the category: "securty"
ALIAS_PENALTY = 3
EDIT_PENALTY = 10


def _words_are_prefixes(query: Query, term: Term) -> bool:
    return all(any(word.startswith(q) for word in term.words) for q in query.words)


def _direct_score(query: Query, term: Term) -> int:
    """Exact, prefix, word-prefix or substring: 0 when none applies."""
    if term.text == query.text or term.compact == query.compact:
        return EXACT
    if term.text.startswith(query.text) or term.compact.startswith(query.compact):
        return PREFIX
    if _words_are_prefixes(query, term):
        return WORD_PREFIX
    if len(query.compact) >= 3 and query.compact in term.compact:
        return SUBSTRING
    return 0


def _edits(query: Query, term: Term) -> int | None:
    """The fewest typos that make the query match the term (as a whole, or each query word
    against a word of the term or the start of one), or None when it takes too many."""
    best: int | None = None
    limit = allowed_edits(len(query.compact))
    if limit:
        whole = min(
            query.distance(query.compact, term.compact, limit),
            query.distance(query.compact, term.compact[: len(query.compact)], limit),
        )
        if whole <= limit:
            best = whole
    total = 0
    for q in query.words:
        word_limit = allowed_edits(len(q))
        found = word_limit + 1
        for word in term.words:
            distance = query.distance(q, word, word_limit)
            if len(word) > len(q):  # a typo in the first letters of a longer word
                distance = min(distance, query.distance(q, word[: len(q)], word_limit))
            found = min(found, distance)
            if found == 0:
                break
        if found > word_limit:
            return best
        total += found
    if total <= MAX_EDITS and (best is None or total < best):
        best = total
    return best


def score(query: Query, names: list[Term], category: Term) -> int:
    """How well a provider matches: 0 for not at all. `names[0]` is its name; the rest are
    its aliases."""
    best = 0
    for index, term in enumerate(names):
        direct = _direct_score(query, term)
        if direct:
            best = max(best, direct - (ALIAS_PENALTY if index else 0))
    if best:
        return best
    if _direct_score(query, category):
        return CATEGORY
    every_word = Term(" ".join(term.text for term in [*names, category]))
    if len(query.words) > 1 and _words_are_prefixes(query, every_word):
        return ALL_WORDS
    for index, term in enumerate(names):
        edits = _edits(query, term)
        if edits is not None:
            value = FUZZY - EDIT_PENALTY * edits - (ALIAS_PENALTY if index else 0)
            best = max(best, value)
    if best:
        return best
    edits = _edits(query, category)
    if edits is not None:
        return CATEGORY_FUZZY - EDIT_PENALTY * edits
    return 0


@lru_cache(maxsize=50_000)
def _letters(name: str, aliases: str, category: str) -> frozenset[str]:
    """Every letter of a provider's names and category: a quick way to rule it out."""
    return frozenset(normalise(f"{name} {aliases} {category}").replace(" ", ""))


def provider_terms(name: str, aliases: str) -> list[Term]:
    """A provider's name, then each of its aliases (one a line), normalised."""
    terms = [term(name)]
    terms += [found for line in aliases.splitlines() if (found := term(line)).text]
    return terms


# What a result carries, as on the database path: the search page shows a guide's name, link
# and category, and whether it is published. (Its aliases are loaded too, to index them.)
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


def _postgresql_candidates(query: Query, include_drafts: bool = False) -> RawSQL:
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
        from .search_index import current_index  # it builds on this module

        index = current_index()
        if index is not None:
            return index.search(query, limit)
    return _search_database(query, limit, include_drafts=include_drafts)


def _search_database(query: Query, limit: int, *, include_drafts: bool) -> list[Provider]:
    """Two queries: the candidates' names to rank, then the `limit` best themselves."""
    visible = Provider.objects.previewed() if include_drafts else Provider.objects.published()
    candidates = visible.order_by()
    if connection.vendor == "postgresql":
        # Past MAX_CANDIDATES (a query that matches a whole large category), the popular
        # ones are kept.
        candidates = candidates.filter(_postgresql_candidates(query, include_drafts)).order_by(
            "-popular", "name"
        )[:MAX_CANDIDATES]
    letters = frozenset(query.compact)
    ranked: list[tuple[int, bool, str, int]] = []
    for pk, name, aliases, popular, category in candidates.values_list(
        "pk", "name", "aliases", "popular", "category__name"
    ):
        if len(letters - _letters(name, aliases, category)) > MAX_EDITS:
            continue  # more letters missing than typos allowed: no match of any kind
        value = score(query, provider_terms(name, aliases), term(category))
        if value:
            ranked.append((-value, not popular, name.casefold(), pk))
    ranked.sort()
    ids = [pk for *_, pk in ranked[:limit]]
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
