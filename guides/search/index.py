"""The search index each process keeps: how published guides are found for visitors when
guides are kept in memory (settings.KEEP_GUIDES_IN_MEMORY), in the order `score()`
(guides/search/scoring.py) gives them.

Each process keeps a `SearchIndex` of every published provider (its name, its aliases and
its category's name, in every language), built from one query and kept up to date as the
names change (guides/search/kept.py), so a search makes no query at all. Scoring
every provider on each search would cost tens of milliseconds per thousand providers, so
the index works out `score()` level by level instead, from sorted lists and postings built
once:

- a level is the set of providers with one value of `score()` (100 for a name equal to the
  query, 97 for an alias, 90 for a name starting with it, ... 5 for a category two typos
  away); levels come best first, and a provider counts at the first level it is found at;
- names, aliases and their words are kept sorted, so the ones that equal or start with the
  query are a slice found by bisection; trigrams find the names that hold the query;
- a typo-tolerant match (`typos()`) compares the query, or each word of it, with a name or a
  word, whole or its first letters. A string within k typos of a text becomes the same
  string as the text by at most k deletions from each (a swap of two letters: one deletion
  from each), and a text allowed k typos has at least H + k letters (H: the shortest length
  `allowed_edits` allows k for, less k). So the two share a subsequence of H letters among
  their first H + k. Those subsequences of every name and word are indexed: only the names
  and words that share one with the query are compared, in sorted order so that names that
  start alike share the work, and none past the point where they are too far (`near_keys`);
- the search stops at the level where it has `limit` providers; within a level they come in
  the order `score()`'s ties are broken by (popular first, then by name), which is the
  order the providers are numbered in.

So a search costs a few bisections and set operations, whatever the number of providers; a
query that matches thousands of providers stops at the first level that fills the page.
tests/search/test_index.py checks the index against `score()` on every provider.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import combinations, islice

from guides.models import Category, Provider
from guides.search.database import MAX_RESULTS, RESULT_FIELDS, aliases_of, names_of
from guides.search.scoring import (
    MAX_EDITS,
    Query,
    Term,
    allowed_edits,
    direct_score,
    line_terms,
    near_keys,
    order_among_equals,
    prefix_range,
    provider_terms,
    ranked,
    typos,
)


def _subsequences(text: str, size: int) -> set[str]:
    """Every way of keeping `size` of the letters of `text`, in their order."""
    return {"".join(letters) for letters in combinations(text, size)}


def _trigrams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(len(text) - 2)}


def _head_sizes() -> dict[int, int]:
    """For each number of typos `allowed_edits` allows, how many letters are surely left of
    a query word after that many deletions: the length of the shortest word allowed that
    many, less that many. (The index uses them as the length of the subsequences it keeps;
    a limit without one, should `allowed_edits` change, makes a search score everything.)"""
    sizes: dict[int, int] = {}
    for length in range(1, 101):  # a query is at most 100 characters (SearchForm)
        limit = allowed_edits(length)
        if limit and limit not in sizes:
            sizes[limit] = length - limit
    return {limit: size for limit, size in sizes.items() if size > 0}


def published_providers(**lookup) -> list[Provider]:
    """Published providers as the index reads them (each text's columns are loaded, and
    read by name): one query."""
    providers = Provider.objects.published().filter(**lookup).select_related("category")
    return list(providers.only(*RESULT_FIELDS, "aliases").order_by())


class _Sorted:
    """Strings in sorted order, each with a number (the provider's rank, or the alias's
    number): the strings that start with a prefix are one slice, found by bisection."""

    __slots__ = ("keys", "values")

    def __init__(self, pairs: list[tuple[str, int]]) -> None:
        pairs.sort()
        self.keys = [key for key, _ in pairs]
        self.values = [value for _, value in pairs]

    def exactly(self, key: str) -> list[int]:
        lo = bisect_left(self.keys, key)
        return self.values[lo : bisect_right(self.keys, key, lo)]

    def starting_with(self, prefix: str) -> list[int]:
        return self.values[slice(*prefix_range(self.keys, prefix))]

    def matching(self, found: Iterable[tuple[str, bool, int]]) -> dict[int, set[int]]:
        """The numbers of the keys `near_keys` found, by the number of typos."""
        by_edits: defaultdict[int, set[int]] = defaultdict(set)
        for key, whole, edits in found:
            by_edits[edits].update(self.exactly(key) if whole else self.starting_with(key))
        return by_edits


class SearchIndex:
    """Every published provider, ready to search: see the module's docstring.

    Providers are numbered by their rank among equals (popular first, then by name, as
    `score()`'s ties are broken); every set below holds those numbers. Aliases are numbered
    on their own (`alias_rank` gives an alias's provider): a match of several words must be
    within one alias."""

    def __init__(self, providers: list[Provider]) -> None:
        providers = sorted(providers, key=lambda p: order_among_equals(p.popular, p.name, p.pk))
        self.providers = providers
        self.size = len(providers)
        self.name_compact: list[str] = []
        self.alias_compact: list[str] = []
        self.alias_rank: list[int] = []
        names: list[tuple[str, int]] = []
        aliases: list[tuple[str, int]] = []
        name_words: list[tuple[str, int]] = []
        alias_words: list[tuple[str, int]] = []
        name_trigrams: defaultdict[str, array] = defaultdict(lambda: array("i"))
        alias_trigrams: defaultdict[str, array] = defaultdict(lambda: array("i"))
        shared: dict[int, Category] = {}
        members: defaultdict[int, list[int]] = defaultdict(list)
        for rank, provider in enumerate(providers):
            # One Category object per category, not one per provider.
            provider.category = shared.setdefault(provider.category_id, provider.category)
            members[provider.category_id].append(rank)
            terms = provider_terms(provider.name, aliases_of(provider))
            name = terms[0]
            self.name_compact.append(name.compact)
            names.append((name.compact, rank))
            name_words += [(word, rank) for word in set(name.words)]
            for gram in _trigrams(name.compact):
                name_trigrams[gram].append(rank)
            for alias in terms[1:]:
                number = len(self.alias_rank)
                self.alias_rank.append(rank)
                self.alias_compact.append(alias.compact)
                aliases.append((alias.compact, rank))
                alias_words += [(word, number) for word in set(alias.words)]
                for gram in _trigrams(alias.compact):
                    alias_trigrams[gram].append(number)
        self.names = _Sorted(names)
        self.aliases = _Sorted(aliases)
        self.name_words = _Sorted(name_words)
        self.alias_words = _Sorted(alias_words)
        self.name_trigrams = dict(name_trigrams)
        self.alias_trigrams = dict(alias_trigrams)
        # Every distinct compact form and word, for the typo-tolerant matches: one walk
        # finds those near a text for names, aliases and words at once.
        strings = {*self.names.keys, *self.aliases.keys, *self.name_words.keys}
        strings.update(self.alias_words.keys)
        self.strings = sorted(strings)
        self.categories: list[tuple[Term, frozenset[int]]] = []  # a name in each language
        for pk, ranks in members.items():
            kept = frozenset(ranks)
            self.categories += [(name, kept) for name in line_terms(names_of(shared[pk]))]
        # For each number of typos k: the subsequences of head_sizes[k] letters of the first
        # head_sizes[k] + k letters ("heads") of every name, alias and word, and the heads
        # that have them (see `near_keys`). Heads are fewer than names: many start alike.
        self.head_sizes = _head_sizes()
        self.heads: dict[int, dict[str, tuple[str, ...]]] = {}
        for limit, size in self.head_sizes.items():
            by_subsequence: defaultdict[str, list[str]] = defaultdict(list)
            for head in {string[: size + limit] for string in strings}:
                for subsequence in _subsequences(head, size):
                    by_subsequence[subsequence].append(head)
            self.heads[limit] = {key: tuple(heads) for key, heads in by_subsequence.items()}

    @classmethod
    def build(cls) -> SearchIndex:
        """The index of the published providers, the same for every language's pages: one
        query."""
        return cls(published_providers())

    # -- searching ------------------------------------------------------------------------------

    def search(self, query: Query, limit: int = MAX_RESULTS) -> list[Provider]:
        """The `limit` best providers for the query, as `score()` ranks them."""
        if limit <= 0 or not query.text:
            return []
        if not self._can_narrow(query):
            return self._score_everything(query, limit)
        found: list[int] = []
        taken: set[int] = set()
        for level in self._levels(query):
            new = level - taken if taken else level
            if not new:
                continue
            found += self._first(new, limit - len(found))
            if len(found) >= limit:
                break
            taken |= new
        return [self.providers[rank] for rank in found]

    def _can_narrow(self, query: Query) -> bool:
        """Whether every typo limit the query needs has its subsequences indexed."""
        limits = {allowed_edits(len(query.compact))}
        limits.update(allowed_edits(len(word)) for word in query.words)
        return all(limit in self.heads for limit in limits if limit)

    def _score_everything(self, query: Query, limit: int) -> list[Provider]:
        rows = (
            (number, p.name, aliases_of(p), p.popular, names_of(p.category))
            for number, p in enumerate(self.providers)
        )
        return [self.providers[number] for number in ranked(query, rows, limit)]

    def _first(self, ranks: set[int], count: int) -> list[int]:
        """The `count` best of a set of ranks: sorted when there are few; when there are
        many (a whole category), found by going through the ranks in order, which stops
        after about count * size / len(ranks) of them."""
        if len(ranks) * len(ranks) <= count * self.size:
            return sorted(ranks)[:count]
        return list(islice(filter(ranks.__contains__, range(self.size)), count))

    def _levels(self, query: Query) -> Iterator[set[int]]:
        """The providers of each value of `score()`, best first; a provider may come again
        at a lower level, where it does not count. Each level is worked out only when the
        ones before have not filled the page."""
        compact = query.compact
        # EXACT and PREFIX, names then aliases. A name's text equals (or starts with) the
        # query's only if its compact form does too, so the compact forms are enough.
        yield set(self.names.exactly(compact))
        yield set(self.aliases.exactly(compact))
        yield set(self.names.starting_with(compact))
        yield set(self.aliases.starting_with(compact))
        # WORD_PREFIX: each word of the query starts a word of one name or alias.
        yield _word_prefixes(self.name_words, query.words)
        yield self._providers_of(_word_prefixes(self.alias_words, query.words))
        if len(compact) >= 3:  # SUBSTRING
            yield set(_holding(self.name_trigrams, self.name_compact, compact))
            yield self._providers_of(_holding(self.alias_trigrams, self.alias_compact, compact))
        # CATEGORY outranks ALL_WORDS in score(), whatever their values: a provider whose
        # category matches scores CATEGORY, even when its words match too.
        in_category = [
            ranks for category, ranks in self.categories if direct_score(query, category)
        ]
        category_ranks: set[int] = set().union(*in_category)
        if len(query.words) > 1:
            yield self._all_words(query) - category_ranks
        yield category_ranks
        yield from self._fuzzy(query)
        by_edits: defaultdict[int, set[int]] = defaultdict(set)
        for category, ranks in self.categories:  # CATEGORY_FUZZY: categories are few
            edits = typos(query, category)
            if edits is not None:
                by_edits[edits].update(ranks)
        for edits in sorted(by_edits):
            yield by_edits[edits]

    def _providers_of(self, aliases: Iterable[int]) -> set[int]:
        return set(map(self.alias_rank.__getitem__, aliases))

    def _all_words(self, query: Query) -> set[int]:
        """ALL_WORDS: each word of the query starts some word of the provider's names,
        aliases or category."""
        found: set[int] = set()
        for number, word in enumerate(set(query.words)):
            ranks = set(self.name_words.starting_with(word))
            ranks.update(self._providers_of(self.alias_words.starting_with(word)))
            for category, members in self.categories:
                if any(each.startswith(word) for each in category.words):
                    ranks.update(members)
            found = ranks if number == 0 else found & ranks
            if not found:
                break
        return found

    def _fuzzy(self, query: Query) -> Iterator[set[int]]:
        """FUZZY: the providers with a name (then an alias) the fewest typos away, as
        `typos()` counts them: the whole query against a whole name or its start, or each
        word of the query against a word of the name or its start."""
        names: defaultdict[int, set[int]] = defaultdict(set)  # typos → ranks
        aliases: defaultdict[int, set[int]] = defaultdict(set)
        near: dict[str, list[tuple[str, bool, int]]] = {}  # a one-word query needs one walk
        limit = allowed_edits(len(query.compact))
        if limit:
            found = near[query.compact] = self._near(query.compact, limit)
            for edits, ranks in self.names.matching(found).items():
                names[edits] |= ranks
            for edits, ranks in self.aliases.matching(found).items():
                aliases[edits] |= ranks
        # For each word of the query, the names (ranks) and aliases (numbers) with a word
        # near it, by the number of typos.
        per_word = [self._near_word(word, near) for word in query.words]
        if len(per_word) == 1:
            for edits, ranks in per_word[0][0].items():
                names[edits] |= ranks
            for edits, numbers in per_word[0][1].items():
                aliases[edits] |= self._providers_of(numbers)
        else:
            for edits, ranks in _every_word_near([found[0] for found in per_word]).items():
                names[edits] |= ranks
            for edits, numbers in _every_word_near([found[1] for found in per_word]).items():
                aliases[edits] |= self._providers_of(numbers)
        for edits in sorted(names.keys() | aliases.keys()):
            yield names.get(edits, set())
            yield aliases.get(edits, set())

    def _near_word(
        self, word: str, near: dict[str, list[tuple[str, bool, int]]]
    ) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
        """The names (ranks) and aliases (numbers) with a word at most `word`'s typo
        limit away, by the number of typos. `near`: the walks done for this query."""
        limit = allowed_edits(len(word))
        if not limit:  # no typo allowed: the words it starts
            return (
                {0: set(self.name_words.starting_with(word))},
                {0: set(self.alias_words.starting_with(word))},
            )
        if word not in near:
            near[word] = self._near(word, limit)
        found = near[word]
        return self.name_words.matching(found), self.alias_words.matching(found)

    def _near(self, text: str, limit: int) -> list[tuple[str, bool, int]]:
        """The names and words near `text` (see `near_keys`)."""
        return list(near_keys(self.strings, text, limit, self._heads(text, limit)))

    def _heads(self, text: str, limit: int) -> list[str]:
        """The heads of the names and words that may be within `limit` typos of `text`,
        sorted: those that share a subsequence with it."""
        size = self.head_sizes[limit]
        by_subsequence = self.heads[limit]
        heads: set[str] = set()
        for subsequence in _subsequences(text[: size + limit], size):
            heads.update(by_subsequence.get(subsequence, ()))
        return sorted(heads)


def _word_prefixes(words_index: _Sorted, words: Iterable[str]) -> set[int]:
    """The names (or aliases) with, for each of `words`, a word that starts with it."""
    found: set[int] = set()
    for number, word in enumerate(sorted(set(words), key=len, reverse=True)):  # longest first:
        numbers = words_index.starting_with(word)  # usually the fewest
        found = set(numbers) if number == 0 else found.intersection(numbers)
        if not found:
            break
    return found


def _holding(trigrams: dict[str, array], compacts: list[str], text: str) -> list[int]:
    """The names (or aliases) whose compact form holds `text` (3 letters or more): checked
    among those with the rarest of its trigrams."""
    postings = []
    for gram in _trigrams(text):
        numbers = trigrams.get(gram)
        if numbers is None:
            return []
        postings.append(numbers)
    return [number for number in min(postings, key=len) if text in compacts[number]]


def _every_word_near(per_word: list[dict[int, set[int]]]) -> dict[int, set[int]]:
    """Of names (or aliases) found near each word of the query (typos → numbers, a list of
    them, one for each word), those near every word, by the total of their typos when it is
    at most MAX_EDITS: the name's typos for each word are the fewest it is found at."""
    near_all: set[int] = set()
    for number, by_edits in enumerate(
        sorted(per_word, key=lambda found: sum(map(len, found.values())))
    ):
        everywhere = set().union(*by_edits.values())
        near_all = everywhere if number == 0 else near_all & everywhere
        if not near_all:
            return {}
    by_total: defaultdict[int, set[int]] = defaultdict(set)
    for number in near_all:
        total = sum(
            min(edits for edits, numbers in by_edits.items() if number in numbers)
            for by_edits in per_word
        )
        if total <= MAX_EDITS:
            by_total[total].add(number)
    return by_total
