"""The rules of a match, and the one scoring function: `score()`.

Case- and accent-insensitive, tolerant of a typo or two ("kaspersy", "mcafe", "nortn"), with
exact and prefix matches first. Whatever finds the providers (the index each process keeps,
guides/search/index.py, or the database, guides/search/database.py), they come out in the
order `score()` gives them, ties going to the popular, then by name (`ranked()`).

Pure: no database, no settings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

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


def direct_score(query: Query, term: Term) -> int:
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


def typos(query: Query, term: Term) -> int | None:
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
        direct = direct_score(query, term)
        if direct:
            best = max(best, direct - (ALIAS_PENALTY if index else 0))
    if best:
        return best
    if direct_score(query, category):
        return CATEGORY
    every_word = Term(" ".join(term.text for term in [*names, category]))
    if len(query.words) > 1 and _words_are_prefixes(query, every_word):
        return ALL_WORDS
    for index, term in enumerate(names):
        edits = typos(query, term)
        if edits is not None:
            value = FUZZY - EDIT_PENALTY * edits - (ALIAS_PENALTY if index else 0)
            best = max(best, value)
    if best:
        return best
    edits = typos(query, category)
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


def order_among_equals(popular: bool, name: str, key: int) -> tuple[bool, str, int]:
    """How providers of the same score are ordered: the popular first, then by name."""
    return not popular, name.casefold(), key


# A provider as `ranked()` reads it: a key (its pk, or its number in the index), name, aliases,
# whether it is popular, and its category's name.
Row = tuple[int, str, str, bool, str]


def ranked(query: Query, rows: Iterable[Row], limit: int) -> list[int]:
    """The keys of the `limit` best rows, best first, as `score()` ranks them."""
    letters = frozenset(query.compact)
    scored: list[tuple[int, bool, str, int]] = []
    for key, name, aliases, popular, category in rows:
        if len(letters - _letters(name, aliases, category)) > MAX_EDITS:
            continue  # more letters missing than typos allowed: no match of any kind
        value = score(query, provider_terms(name, aliases), term(category))
        if value:
            scored.append((-value, *order_among_equals(popular, name, key)))
    scored.sort()
    return [key for *_, key in scored[:limit]]
