"""The rules of a match, and the one scoring function: `score()`.

Case- and accent-insensitive (`normalise()`), tolerant of a typo or two ("kaspersy", "mcafe",
"nortn": `allowed_edits()`, counted by the one edit-distance table, `Distances`), with exact
and prefix matches first. Whatever finds the providers (the index each process keeps,
guides/search/index.py, or the database, guides/search/database.py), they come out in the
order `score()` gives them, ties going to the popular, then by name (`ranked()`).

The index finds typos among all its names at once with the same table (`near_keys()`).
Pure: no database, no settings.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Iterator
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


class Distances:
    """The table of edit distances (Damerau-Levenshtein, optimal string alignment: a swap
    of two neighbouring letters is one edit) from a text to a key and to each of its
    beginnings, one row per letter of the key. Values past `limit` are all limit + 1, and
    only the cells within `limit` of the diagonal are worked out (the others are further).

    Keys may be taken one after another in sorted order (`follow`: the index's walk down
    its sorted names): the rows for the letters a key shares with the one before are kept.
    """

    __slots__ = ("limit", "mins", "path", "rows", "text")

    def __init__(self, text: str, limit: int) -> None:
        self.text = text
        self.limit = limit
        self.path = ""  # the beginning of a key the rows are for
        self.rows = [[min(j, limit + 1) for j in range(len(text) + 1)]]
        self.mins = [0]

    def follow(self, key: str) -> int:
        """Rows for `key`: how many of its letters were followed, fewer than all when no
        key that starts with those can be nearer than what is known. A row's least value
        never falls as the key goes on, so that is when it exceeds the limit; or, from
        len(text) letters on, when it reaches the distance to those first len(text)
        letters, which then stands for every key that starts with them."""
        same = 0
        most = min(len(self.path), len(key))
        while same < most and self.path[same] == key[same]:
            same += 1
        del self.rows[same + 1 :], self.mins[same + 1 :]
        self.path = key[:same]
        if self._done(same):
            return same
        for depth in range(same + 1, len(key) + 1):
            self.add_row(key, depth)
            self.path = key[:depth]
            if self._done(depth):
                return depth
        return len(key)

    def _done(self, depth: int) -> bool:
        if depth < len(self.text):
            return self.mins[depth] > self.limit
        return self.mins[depth] >= self.rows[len(self.text)][-1]

    def distance(self, depth: int) -> int:
        """From the text to the first `depth` letters of the key followed."""
        return self.rows[depth][-1]

    def add_row(self, key: str, depth: int) -> None:
        """The row for key[:depth], below the rows for its shorter beginnings (written out
        longhand: this is the innermost loop of a search)."""
        text, limit, rows = self.text, self.limit, self.rows
        far = limit + 1
        letter = key[depth - 1]
        before = key[depth - 2] if depth > 1 else ""
        above = rows[depth - 1]
        above2 = rows[depth - 2] if depth > 1 else above
        row = [far] * (len(text) + 1)
        if depth <= limit:
            row[0] = depth
        first = max(1, depth - limit)
        left = row[first - 1]
        for j in range(first, min(len(text), depth + limit) + 1):
            other = text[j - 1]
            value = above[j - 1] if letter == other else above[j - 1] + 1
            if above[j] + 1 < value:
                value = above[j] + 1
            if left + 1 < value:
                value = left + 1
            # Two letters swapped:
            if before == other and j > 1 and letter == text[j - 2] and above2[j - 2] + 1 < value:
                value = above2[j - 2] + 1
            row[j] = left = value if value < far else far
        rows.append(row)
        self.mins.append(min(row))


def edit_distance(a: str, b: str, limit: int) -> int:
    """The edit distance between `a` and `b` (see `Distances`), or `limit + 1` as soon as it
    is known to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    table = Distances(b, limit)
    for depth in range(1, len(a) + 1):
        table.add_row(a, depth)
        if table.mins[depth] > limit:
            return limit + 1
    return table.distance(len(a))


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


def score(query: Query, names: list[Term], categories: list[Term]) -> int:
    """How well a provider matches: 0 for not at all. `names[0]` is its name; the rest are
    its aliases, in every language. `categories`: its category's name in every language."""
    best = 0
    for index, term in enumerate(names):
        direct = direct_score(query, term)
        if direct:
            best = max(best, direct - (ALIAS_PENALTY if index else 0))
    if best:
        return best
    if any(direct_score(query, category) for category in categories):
        return CATEGORY
    every_word = Term(" ".join(term.text for term in [*names, *categories]))
    if len(query.words) > 1 and _words_are_prefixes(query, every_word):
        return ALL_WORDS
    for index, term in enumerate(names):
        edits = typos(query, term)
        if edits is not None:
            value = FUZZY - EDIT_PENALTY * edits - (ALIAS_PENALTY if index else 0)
            best = max(best, value)
    if best:
        return best
    fewest = min(
        (edits for category in categories if (edits := typos(query, category)) is not None),
        default=None,
    )
    if fewest is not None:
        return CATEGORY_FUZZY - EDIT_PENALTY * fewest
    return 0


@lru_cache(maxsize=50_000)
def _letters(name: str, aliases: str, categories: str) -> frozenset[str]:
    """Every letter of a provider's names and category: a quick way to rule it out."""
    return frozenset(normalise(f"{name} {aliases} {categories}").replace(" ", ""))


def line_terms(lines: str) -> list[Term]:
    """The distinct terms of a text of names, one a line (blank lines and repeats left out:
    the same alias in two languages is one)."""
    found = {found: None for line in lines.splitlines() if (found := term(line)).text}
    return list(found)


def provider_terms(name: str, aliases: str) -> list[Term]:
    """A provider's name, then each of its aliases (one a line), normalised."""
    return [term(name), *line_terms(aliases)]


def order_among_equals(popular: bool, name: str, key: int) -> tuple[bool, str, int]:
    """How providers of the same score are ordered: the popular first, then by name."""
    return not popular, name.casefold(), key


# A provider as `ranked()` reads it: a key (its pk, or its number in the index), name, aliases
# (every language's, one a line), whether it is popular, and its category's names (one a
# line: the category's name in every language).
Row = tuple[int, str, str, bool, str]


def ranked(query: Query, rows: Iterable[Row], limit: int) -> list[int]:
    """The keys of the `limit` best rows, best first, as `score()` ranks them."""
    letters = frozenset(query.compact)
    scored: list[tuple[int, bool, str, int]] = []
    for key, name, aliases, popular, categories in rows:
        if len(letters - _letters(name, aliases, categories)) > MAX_EDITS:
            continue  # more letters missing than typos allowed: no match of any kind
        value = score(query, provider_terms(name, aliases), line_terms(categories))
        if value:
            scored.append((-value, *order_among_equals(popular, name, key)))
    scored.sort()
    return [key for *_, key in scored[:limit]]


# -- one text against many keys: how the index (guides/search/index.py) finds typos -----------


def _after(prefix: str) -> str | None:
    """The first string, in sorted order, after every string that starts with `prefix`
    (None: there is none). The strings that start with `prefix` are those from it up to this."""
    kept = prefix.rstrip(chr(sys.maxunicode))
    return kept[:-1] + chr(ord(kept[-1]) + 1) if kept else None


def prefix_range(
    keys: list[str], prefix: str, lo: int = 0, hi: int | None = None
) -> tuple[int, int]:
    """The slice of sorted keys[lo:hi] that start with `prefix`."""
    hi = len(keys) if hi is None else hi
    lo = bisect_left(keys, prefix, lo, hi)
    after = _after(prefix)
    return lo, hi if after is None else bisect_left(keys, after, lo, hi)


def near_keys(
    keys: list[str], text: str, limit: int, heads: Iterable[str]
) -> Iterator[tuple[str, bool, int]]:
    """The sorted, distinct keys at most `limit` typos from `text` as `typos()` counts them
    (the fewer of those to the whole key and to its first len(text) letters), each with
    that number: (key, True, typos) for a key, (prefix, False, typos) for every key that
    starts with the prefix. A key may come more than once (under a short head and a
    longer one).

    Only the keys that start with one of `heads` (sorted) are looked at, in order, as a walk
    down a trie: keys that start alike share the rows of the distance table (`Distances`),
    and all the keys under a beginning already too far from the text are skipped at once."""
    n = len(text)
    deepest = n + limit  # a key longer than that is only near by its first n letters
    walk = Distances(text, limit)
    done = 0  # keys[:done] have been looked at
    for head in heads:
        i, end = prefix_range(keys, head)
        i = max(i, done)  # a head that extends a shorter one: its keys were under it
        while i < end:
            key = keys[i]
            reached = walk.follow(key[:deepest])
            if reached < min(len(key), deepest):
                # Too far already: the keys that start with key[:reached] are no nearer as
                # a whole than by their first n letters, if they have those in common.
                if reached >= n and walk.distance(n) <= limit:
                    yield key[:reached], False, walk.distance(n)
                i = prefix_range(keys, key[:reached], i, end)[1]
            elif len(key) <= deepest:
                found = min(walk.distance(len(key)), walk.distance(min(n, len(key))))
                if found <= limit:
                    yield key, True, found
                i += 1
            else:  # every key that starts with the same `deepest` letters
                if walk.distance(n) <= limit:
                    yield key[:deepest], False, walk.distance(n)
                i = prefix_range(keys, key[:deepest], i, end)[1]
        done = max(done, end)
