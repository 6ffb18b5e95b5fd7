"""The search index each process keeps (guides/search/index.py, `SearchIndex`): the same ranking as
`score()` on every provider, for every kind of query; a change to a guide seen by the next
search; no query once the index is built; drafts and processes that keep nothing in memory
still query the database."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bench import generator
from guides.caching import versions
from guides.models import Category, Provider
from guides.search import kept, search_providers
from guides.search.index import SearchIndex
from guides.search.scoring import (
    ALIAS_PENALTY,
    ALL_WORDS,
    CATEGORY,
    CATEGORY_FUZZY,
    EDIT_PENALTY,
    EXACT,
    FUZZY,
    MAX_EDITS,
    PREFIX,
    SUBSTRING,
    WORD_PREFIX,
    Query,
    allowed_edits,
    line_terms,
    normalise,
    provider_terms,
    score,
)
from tests import factories
from tests.recorded import load_guides

EVERYTHING = 100_000  # a limit past any number of providers here: the whole ranking

# Queries of every kind score() knows: exact names and aliases, prefixes, words of names,
# substrings, several words, categories, typos (one, two, in the first letter, swapped
# letters, in a category), accents and case, short and odd queries.
QUERIES = [
    "kaspersky",
    "Kaspérsky",
    "KASPERSKY",
    "kaspersy",
    "kasperksy",
    "kasprsky",
    "kspersky",
    "mcafee",
    "mcafe",
    "mcaffe",
    "mcafee+",
    "nortn",
    "norton",
    "norton 360",
    "norton antivirus",
    "norton security",
    "antivirsu kasprsky",  # words swapped round, a typo in each: two in all
    "antivrsu kasprsky",  # three: too many
    "nrotn",
    "netflx",
    "total sec",
    "kaspersky total security",
    "kis",
    "ki",
    "k",
    "a",
    "s",
    "sy",
    "syn",
    "synthetic",
    "synthetik",
    "security",
    "securty",
    "security software",
    "stream",
    "streeming",
    "streaming synthetic",
    "afee",
    "ream",
    "premium",
    "premuim",
    "plus 1",
    "pro 12",
    "12",
    "123",
    "1234",
    "cloud box",
    "cloudbox",
    "clodbox",
    "bright wave plus",
    "brightwave plus",
    "brigthwave",
    "chateau",
    "château télé",
    "tele",
    "x",
    "zzzzzz",
    "'; drop table x; --",
    "100% off",
    "virenschutz",  # in German only
    "virenshutz",
    "kaspersky securite",
    "kav",
    "fernsehen",  # a category's German name
    "fernshen",
    "television",
    "radio",
    "seguridad norton",
]


def in_every_language(obj, field: str) -> str:
    """A translated text in every language, one a line, read column by column."""
    texts = (getattr(obj, f"{field}_{code}") for code in ("en", "de", "fr", "es"))
    return "\n".join(text for text in texts if text)


def score_of(query: Query, provider: Provider) -> int:
    names = provider_terms(provider.name, in_every_language(provider, "aliases"))
    return score(query, names, line_terms(in_every_language(provider.category, "name")))


def ranking_by_score(text: str, limit: int = EVERYTHING) -> list[int]:
    """What the index must give: `score()` on every published provider, read afresh."""
    query = Query(normalise(text))
    if not query.text:
        return []
    ranked = []
    providers = Provider.objects.published().select_related("category")
    for provider in providers.only("name", "popular", "aliases", "category__name"):
        value = score_of(query, provider)
        if value:
            ranked.append((-value, not provider.popular, provider.name.casefold(), provider.pk))
    return [pk for *_, pk in sorted(ranked)[:limit]]


def ranking_by_index(index: SearchIndex, text: str, limit: int = EVERYTHING) -> list[int]:
    return [provider.pk for provider in index.search(Query(normalise(text)), limit)]


def typos(rng: random.Random, word: str) -> str:
    """`word` with one typo of any kind (or two, now and then)."""
    for _ in range(1 + (rng.random() < 0.3)):
        if len(word) < 2:
            return word
        i = rng.randrange(len(word))
        letter = rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")
        word = rng.choice(
            [
                word[:i] + word[i + 1 :],  # a letter missing
                word[:i] + letter + word[i:],  # one too many
                word[:i] + letter + word[i + 1 :],  # a wrong one
                word[:i] + word[i + 1 : i + 2] + word[i : i + 1] + word[i + 2 :],  # swapped
            ]
        )
    return word


def queries_from(index: SearchIndex, count: int, seed: int) -> list[str]:
    """Queries made of the words of the catalogue: whole, cut short, with typos, several."""
    rng = random.Random(seed)
    words = sorted({word for key in index.name_words.keys for word in key.split()})
    words += sorted(set(index.alias_words.keys))
    words += sorted({word for category, _ in index.categories for word in category.words})
    made = []
    for _ in range(count):
        parts = []
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            word = rng.choice(words)
            kind = rng.random()
            if kind < 0.3:
                word = word[: rng.randint(1, len(word))]
            elif kind < 0.8:
                word = typos(rng, word)
            parts.append(word)
        made.append(" ".join(parts))
    return made


@pytest.fixture
def catalogue(db):
    """The shipped guides, generated ones (names that share words and beginnings, numbers,
    a popular few), some with accents, punctuation and one-letter words, and aliases and a
    category translated (the same alias in two languages too)."""
    load_guides()
    generator.generate(providers=300, seed=3)
    category = factories.make_category(
        name="Télé & Radio", name_de="Fernsehen & Radio", name_es="Televisión", slug="tele"
    )
    factories.make_provider(name="Château Télé", slug="chateau", category=category)
    factories.make_provider(name="Tele 5", slug="tele-5", category=category, popular=True)
    factories.make_provider(name="Télé+ Max", slug="tele-plus", category=category, aliases="T+")
    factories.make_provider(name="X", slug="x", category=category, aliases="Ex\n\nEks")
    factories.make_provider(name="100% Off Club", slug="off", category=category)
    factories.make_provider(
        name="Norton Security Suite", slug="suite", aliases="NSS", aliases_es="Norton Seguridad"
    )
    factories.make_provider(
        name="Kaspersky Antivirus",
        slug="kaspersky-antivirus",
        aliases_de="Kaspersky Virenschutz\nKAV",
        aliases_fr="Kaspersky Sécurité\nKAV",
    )
    factories.make_provider(name="Kaspersky Draft", slug="kaspersky-draft", status="draft")
    return SearchIndex.build()


def test_the_index_ranks_as_score_does_for_every_kind_of_query(catalogue):
    queries = QUERIES + queries_from(catalogue, 400, seed=1)
    wrong = {}
    for text in queries:
        expected = ranking_by_score(text)
        found = ranking_by_index(catalogue, text)
        if found != expected:
            wrong[text] = (expected[:10], found[:10])
    assert not wrong, wrong
    # The page's limit takes the best, ties and all.
    for text in ["s", "security", "synthetic", "stream", "kaspersy", "premium"]:
        assert ranking_by_index(catalogue, text, 50) == ranking_by_score(text, 50)
        assert ranking_by_index(catalogue, text, 1) == ranking_by_score(text, 1)


def test_scoring_everything_gives_the_same_ranking(catalogue):
    """What the index falls back to when it cannot narrow a query (see _head_sizes)."""
    for text in ["kaspersy", "security", "norton antivirus", "s", "tele"]:
        query = Query(normalise(text))
        assert catalogue._score_everything(query, 50) == catalogue.search(query, 50)


def test_levels_come_in_the_order_of_their_scores():
    """The index hands out providers level by level, in this order: score() must rank the
    levels so too, each strictly above the next, or ties would be broken wrongly."""
    fuzzy = [FUZZY - EDIT_PENALTY * edits for edits in range(MAX_EDITS + 1)]
    levels = [
        EXACT,
        EXACT - ALIAS_PENALTY,
        PREFIX,
        PREFIX - ALIAS_PENALTY,
        WORD_PREFIX,
        WORD_PREFIX - ALIAS_PENALTY,
        SUBSTRING,
        SUBSTRING - ALIAS_PENALTY,
        ALL_WORDS,
        CATEGORY,
        *[value - penalty for value in fuzzy for penalty in (0, ALIAS_PENALTY)],
        *[CATEGORY_FUZZY - EDIT_PENALTY * edits for edits in range(MAX_EDITS + 1)],
    ]
    assert levels == sorted(set(levels), reverse=True)
    assert levels[-1] > 0
    assert max(allowed_edits(length) for length in range(1, 200)) <= MAX_EDITS


# -- any catalogue, any query -----------------------------------------------------------------

# Few letters, so that names share beginnings and words, and typos land on other names.
WORDS = st.text(alphabet="abcdé", min_size=1, max_size=9)
NAMES = st.lists(WORDS, min_size=1, max_size=3).map(" ".join)
ALIASES = st.lists(NAMES, max_size=2).map("\n".join)
PROVIDERS = st.lists(
    # a name, aliases in English and in German, popular or not, and which category
    st.tuples(NAMES, ALIASES, ALIASES, st.booleans(), st.integers(0, 2)),
    min_size=1,
    max_size=30,
)
# a category's name in English, and in German when it has one
CATEGORIES = st.lists(st.tuples(NAMES, st.none() | NAMES), min_size=3, max_size=3)


@given(providers=PROVIDERS, categories=CATEGORIES, queries=st.lists(NAMES, min_size=1, max_size=5))
@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_index_ranks_as_score_does_for_any_catalogue(providers, categories, queries):
    """No database: unsaved providers, indexed and searched, against score() on each."""
    shelves = [
        Category(pk=n + 1, name_en=name, name_de=german, slug=f"c{n}")
        for n, (name, german) in enumerate(categories)
    ]
    made = [
        Provider(
            pk=n + 1,
            name=name,
            slug=f"p{n}",
            aliases_en=english,
            aliases_de=german,
            popular=popular,
            status="published",
            category=shelves[shelf],
        )
        for n, (name, english, german, popular, shelf) in enumerate(providers)
    ]
    index = SearchIndex(made)
    for text in queries:
        query = Query(normalise(text))
        ranked = []
        for provider in made:
            value = score_of(query, provider)
            if value:
                ranked.append((-value, not provider.popular, provider.name.casefold(), provider.pk))
        expected = [pk for *_, pk in sorted(ranked)]
        assert [provider.pk for provider in index.search(query, EVERYTHING)] == expected, text


# -- kept until the names it holds change --------------------------------------------------------


def slugs(text: str) -> list[str]:
    return [provider.slug for provider in search_providers(text)]


def test_a_change_to_a_guide_is_seen_by_the_next_search(db):
    norton = factories.make_provider(name="Norton", slug="norton", aliases="Norton 360")
    factories.make_provider(name="Netflix", slug="netflix")
    assert slugs("norton") == ["norton"]

    norton.name = "Gen Norton"
    norton.save()
    assert slugs("gen") == ["norton"]

    norton.aliases = "Norton 360\nLifeLock"
    norton.save()
    assert slugs("lifelok") == ["norton"]

    norton.status = "draft"
    norton.save()
    assert slugs("norton") == []

    factories.make_provider(name="Nortel", slug="nortel")
    assert slugs("nortl") == ["nortel"]

    netflix = Provider.objects.get(slug="netflix")
    netflix.category.name = "Streaming"
    netflix.category.save()
    assert slugs("streaming") == ["netflix"]

    netflix.delete()
    assert slugs("streaming") == []


def test_the_index_is_brought_up_to_date_only_when_the_names_it_holds_change(db):
    norton = factories.make_provider(name="Norton", slug="norton")
    route = factories.make_route(norton, label="Online", slug="online")
    index = kept.current_index()
    assert kept.current_index() is index
    factories.make_step(route=route, title="Sign in", position=1)  # not what search reads
    assert versions.current()["guide:norton"] != 0
    assert kept.current_index() is index
    catalog = versions.current()["catalog"]
    route.label = "On the website"
    route.save()  # the channels' pages list it (the catalog), search does not read it
    assert versions.current()["catalog"] != catalog
    assert kept.current_index() is index and not index.changed and not index.hidden
    base = index.base
    norton.aliases = "Norton 360"
    norton.save()  # what search reads: brought up to date, not built again
    assert kept.current_index().base is base
    assert set(kept.current_index().changed) == {"norton"}
    assert slugs("norton 360") == ["norton"]


def test_a_warm_search_makes_no_query(db, django_assert_num_queries):
    for n in range(30):
        factories.make_provider(name=f"Filler {n}", aliases=f"Alias {n}")
    factories.make_provider(name="Kaspersky", slug="kaspersky")
    with django_assert_num_queries(1):  # the index: one query
        assert slugs("kaspersky") == ["kaspersky"]
    with django_assert_num_queries(0):
        for text in ["kaspersky", "kaspersy", "filler", "alias 3", "zzzz", "f"]:
            search_providers(text)


def test_the_results_are_ready_for_the_page(db, django_assert_num_queries):
    category = factories.make_category(name="Security software", slug="security-software")
    factories.make_provider(name="Kaspersky", slug="kaspersky", category=category)
    slugs("kaspersky")
    with django_assert_num_queries(0):
        (found,) = search_providers("kaspersky")
        assert found.get_absolute_url() == "/cancel/kaspersky/"
        assert (found.name, found.is_published, found.category.name) == (
            "Kaspersky",
            True,
            "Security software",
        )
        assert found.category.get_absolute_url() == "/category/security-software/"


def test_drafts_are_previewed_from_the_database(db, django_assert_num_queries, monkeypatch):
    factories.make_provider(name="Kaspersky", slug="kaspersky")
    factories.make_provider(name="Kaspersky Draft", slug="draft", status="draft")
    assert slugs("kaspersky") == ["kaspersky"]
    monkeypatch.setattr(kept, "current_index", pytest.fail)
    with django_assert_num_queries(2):
        found = search_providers("kaspersky", include_drafts=True)
    assert [provider.slug for provider in found] == ["kaspersky", "draft"]


def test_without_keeping_guides_in_memory_search_queries_the_database(
    db, settings, django_assert_num_queries, monkeypatch
):
    settings.KEEP_GUIDES_IN_MEMORY = False
    factories.make_provider(name="Kaspersky", slug="kaspersky")
    monkeypatch.setattr(kept, "current_index", pytest.fail)
    with django_assert_num_queries(2):
        assert slugs("kaspersy") == ["kaspersky"]
