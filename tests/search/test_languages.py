"""Search in every language: a guide is found by its name, or by an alias or its category's
name written in any language, from any language's page, in the same order everywhere, and
shown in the page's language; a translation changed is found by the next search; the API
finds it too. Every test runs from the index each process keeps and from the database (CI
runs this file on SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.files.test_translations_in_files import load, translated_sample

LANGUAGE_PREFIXES = ["", "/de", "/fr", "/es"]


@pytest.fixture(autouse=True, params=["in memory", "from the database"])
def _where(request, settings):
    settings.KEEP_GUIDES_IN_MEMORY = request.param == "in memory"


@pytest.fixture
def translated(db):
    """Guides with aliases and a category's name translated into some languages."""
    security = factories.make_category(
        name="Security software",
        name_de="Sicherheitssoftware",
        name_fr="Logiciels de sécurité",
        slug="security-software",
    )
    streaming = factories.make_category(name="Streaming", slug="streaming")
    make = factories.make_provider
    return {
        "kaspersky": make(
            name="Kaspersky",
            slug="kaspersky",
            category=security,
            popular=True,
            aliases="Kaspersky Internet Security\nKIS",
            aliases_de="Kaspersky Virenschutz",
            aliases_fr="Kaspersky Antivirus\nKIS",
        ),
        "norton": make(
            name="Norton",
            slug="norton",
            category=security,
            aliases="Norton 360",
            aliases_es="Norton Seguridad",
        ),
        "netflix": make(name="Netflix", slug="netflix", category=streaming),
        "draft": make(
            name="Draft Antivirus",
            slug="draft",
            category=security,
            status="draft",
            aliases_de="Entwurf Virenschutz",
        ),
    }


def results(html: str) -> list[str]:
    """The slugs of the guides a search page lists, in order."""
    found = re.search(r'<ul class="results">(.*?)</ul>', html, re.S)
    return re.findall(r'href="(?:/\w\w)?/cancel/([\w-]+)/"', found[1]) if found else []


def search(client, query: str, prefix: str = "", **headers) -> str:
    response = client.get(f"{prefix}/search/", {"q": query}, **headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("prefix", LANGUAGE_PREFIXES)
@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("virenschutz", "kaspersky"),  # German
        ("Kaspersky Virenschutz", "kaspersky"),
        ("virenshutz", "kaspersky"),  # German, with a typo
        ("kaspersky antivirus", "kaspersky"),  # French
        ("kaspersky internet security", "kaspersky"),  # English
        ("kis", "kaspersky"),  # English and French alike
        ("norton seguridad", "norton"),  # Spanish
        ("seguridd", "norton"),
    ],
)
def test_an_alias_in_any_language_is_found_from_every_language_s_page(
    client, translated, prefix, query, first
):
    assert results(search(client, query, prefix))[:1] == [first]


@pytest.mark.parametrize("prefix", LANGUAGE_PREFIXES)
def test_a_category_s_name_in_any_language_finds_its_guides(client, translated, prefix):
    for query in ["sicherheitssoftware", "logiciels de securite", "sicherheitsoftware"]:
        assert results(search(client, query, prefix)) == ["kaspersky", "norton"], query
    assert results(search(client, "streaming", prefix)) == ["netflix"]


def test_every_language_s_page_finds_the_same_guides_in_the_same_order(client, translated):
    for query in ["virenschutz", "kaspersky", "security", "sicherheit", "nortn", "k"]:
        found = {prefix: results(search(client, query, prefix)) for prefix in LANGUAGE_PREFIXES}
        assert len({tuple(slugs) for slugs in found.values()}) == 1, (query, found)


def test_a_draft_is_not_found_by_its_translations(client, translated):
    assert "draft" not in results(search(client, "entwurf virenschutz", "/de"))
    assert "draft" not in results(search(client, "virenschutz", ""))


def test_results_are_shown_in_the_page_s_language(client, translated):
    german = search(client, "virenschutz", "/de")
    assert 'href="/de/cancel/kaspersky/">So kündigen Sie Kaspersky</a>' in german
    assert '<span class="card-meta">Sicherheitssoftware</span>' in german
    english = search(client, "virenschutz")
    assert 'href="/cancel/kaspersky/">How to cancel Kaspersky</a>' in english
    assert '<span class="card-meta">Security software</span>' in english
    # Not translated into Spanish: its English name.
    spanish = search(client, "sicherheitssoftware", "/es")
    untranslated = '<span lang="en" class="untranslated">Security software</span>'
    assert f'<span class="card-meta">{untranslated}</span>' in spanish
    assert "Sicherheitssoftware" not in spanish


def test_the_partial_finds_a_translation_too(client, translated):
    partial = search(client, "virenschutz", "/fr", HTTP_HX_REQUEST="true")
    assert "<html" not in partial
    assert results(partial) == ["kaspersky"]
    assert '<span class="card-meta">Logiciels de sécurité</span>' in partial


@pytest.mark.parametrize("prefix", LANGUAGE_PREFIXES)
def test_a_search_in_any_language_stays_within_two_queries(
    client, translated, django_assert_max_num_queries, prefix, settings
):
    for n in range(30):
        factories.make_provider(name=f"Filler {n}", aliases=f"Alias {n}", aliases_de=f"Auch {n}")
    for query in ["virenschutz", "sicherheitssoftware", "zzzz"]:
        # A search that finds nothing, or finds guides by words their English names do not
        # carry (a German alias), also reads the list of channels, in case it names one
        # ("google play"): one query more from the database, none once kept in memory.
        budget = 2 if settings.KEEP_GUIDES_IN_MEMORY else 3
        with django_assert_max_num_queries(budget):
            search(client, query, prefix)
        with django_assert_max_num_queries(budget):
            search(client, query, prefix, HTTP_HX_REQUEST="true")


# -- a translation changed: found by the next search, on every page ------------------------------


def test_a_translation_changed_is_found_by_the_next_search(client, translated):
    """The index each process keeps and the cached pages are both kept for one content
    version, which a change to a translation moves like any change."""
    assert results(search(client, "lifelock", "/de")) == []
    assert results(search(client, "programas de seguridad", "/es")) == []

    norton = translated["norton"]
    norton.aliases_de = "LifeLock"
    norton.save()
    assert results(search(client, "lifelock", "/de")) == ["norton"]
    assert results(search(client, "lifelock")) == ["norton"]

    security = norton.category
    security.name_es = "Programas de seguridad"
    security.save()
    found = search(client, "programas de seguridad", "/es")
    assert results(found) == ["kaspersky", "norton"]
    assert '<span class="card-meta">Programas de seguridad</span>' in found

    norton.aliases_de = None
    norton.save()
    assert results(search(client, "lifelock", "/de")) == []
    assert results(search(client, "lifelock")) == []


def test_a_guide_file_s_translations_are_found_once_imported(client, db, tmp_path):
    data = translated_sample()  # acme has a German alias: "Acme Virenschutz"
    load(data, tmp_path)
    assert results(search(client, "acme virenschutz")) == ["acme"]
    assert results(search(client, "sicherheitssoftware", "/fr")) == ["acme"]

    del data["providers"][0]["translations"]["de"]
    load(data, tmp_path)
    assert results(search(client, "acme virenschutz")) == []
    assert results(search(client, "virenschutz", "/de")) == []


# -- the API ------------------------------------------------------------------------------------


def test_the_api_finds_a_guide_by_an_alias_in_any_language(client, translated):
    def slugs(query: str) -> list[str]:
        response = client.get("/api/v1/providers/", {"q": query})
        assert response.status_code == 200
        return [provider["slug"] for provider in response.json()["results"]]

    assert slugs("Virenschutz") == ["kaspersky"]  # German
    assert slugs("seguridad") == ["norton"]  # Spanish
    assert slugs("internet security") == ["kaspersky"]  # English
    assert slugs("entwurf") == []  # a draft's
