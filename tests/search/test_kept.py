"""The index each process keeps, brought up to date with the guides whose names changed
(guides/search/kept.py): it finds what an index built anew finds, in the same order, and is
built anew only when it must be."""

from __future__ import annotations

import pytest

from guides.caching import versions
from guides.models import Provider
from guides.search import kept
from guides.search.index import SearchIndex
from guides.search.scoring import Query, normalise
from tests import factories

QUERIES = [
    "norton",
    "nortn",
    "gen",
    "lifelock",
    "kaspersky",
    "kasper",
    "streaming",
    "net",
    "netflix",
    "360",
    "security",
    "vpn",
    "ultra",
    "ultraav",
    "x",
    "plus",
]


def both(text: str) -> tuple[list[str], list[str]]:
    """What the kept index finds, and what an index built anew finds."""
    query = Query(normalise(text))
    found = [p.slug for p in kept.current_index().search(query, 10)]
    return found, [p.slug for p in SearchIndex.build().search(query, 10)]


@pytest.fixture
def catalogue(db):
    security = factories.make_category(name="Security", slug="security")
    streaming = factories.make_category(name="Streaming", slug="streaming")
    for n in range(12):  # names that share beginnings with the ones changed below
        factories.make_provider(name=f"Norton Plus {n}", slug=f"norton-plus-{n}", category=security)
    factories.make_provider(name="Norton", slug="norton", aliases="Norton 360", category=security)
    factories.make_provider(name="Kaspersky", slug="kaspersky", category=security, popular=True)
    factories.make_provider(name="Netflix", slug="netflix", category=streaming)
    factories.make_provider(name="Nebula", slug="nebula", category=streaming)
    factories.make_provider(name="X", slug="x", category=streaming, aliases="Ex")
    return security, streaming


def test_after_every_kind_of_change_it_finds_what_a_new_index_finds(catalogue):
    security, streaming = catalogue
    index = kept.current_index()
    base = index.base
    norton = Provider.objects.get(slug="norton")
    norton.name, norton.aliases = "Gen Norton", "Norton 360\nLifeLock"
    norton.save()  # renamed, an alias added
    kaspersky = Provider.objects.get(slug="kaspersky")
    kaspersky.popular = False
    kaspersky.save()  # no longer first among equals
    netflix = Provider.objects.get(slug="netflix")
    netflix.status = "draft"
    netflix.save()  # taken down
    Provider.objects.get(slug="nebula").delete()  # gone
    factories.make_provider(name="UltraAV", slug="ultraav", category=security, aliases="VPN")
    x = Provider.objects.get(slug="x")
    x.slug = "x-plus"
    x.save()  # the same guide under a new address
    plus = Provider.objects.get(slug="norton-plus-3")
    plus.category = streaming
    plus.save()  # into another category
    for text in QUERIES:
        found, anew = both(text)
        assert found == anew, text
    assert kept.current_index().base is base  # brought up to date, not built again
    assert kept.current_index().overlay is not None

    netflix.status = "published"
    netflix.save()  # back as it was in the base: nothing of it in the overlay
    assert "netflix" not in kept.current_index().changed
    assert both("netflix") == (["netflix"], ["netflix"])


def test_an_edit_that_leaves_the_names_alone_changes_nothing(catalogue):
    index = kept.current_index()
    norton = Provider.objects.get(slug="norton")
    norton.minutes_to_cancel = 7
    norton.save()  # a guide's pages, not what search reads
    assert kept.current_index() is index
    norton.summary = "Antivirus."
    norton.save()  # what listings show: the index is brought up to date
    assert kept.current_index().base is index.base


def test_a_category_renamed_builds_it_anew(catalogue):
    security, _ = catalogue
    base = kept.current_index().base
    security.name = "Antivirus"
    security.save()
    assert kept.current_index().base is not base
    assert both("antivirus")[0][:1] == ["kaspersky"]


def test_a_category_renamed_builds_it_anew_even_when_only_a_changed_guide_is_in_it(catalogue):
    moved = factories.make_category(name="Music", slug="music")
    base = kept.current_index().base
    norton = Provider.objects.get(slug="norton")
    norton.category = moved
    norton.save()
    assert both("music") == (["norton"], ["norton"])
    assert kept.current_index().base is base
    moved.name = "Audio"
    moved.save()
    assert both("audio") == (["norton"], ["norton"])


def test_too_many_changes_build_it_anew(catalogue, monkeypatch):
    monkeypatch.setattr(kept, "MAX_CHANGED", 2)
    base = kept.current_index().base
    for slug in ("norton", "kaspersky"):
        provider = Provider.objects.get(slug=slug)
        provider.aliases = "Changed"
        provider.save()
        assert kept.current_index().base is base
    provider = Provider.objects.get(slug="netflix")
    provider.aliases = "Changed"
    provider.save()
    assert kept.current_index().base is not base
    assert both("changed") == (["kaspersky", "netflix", "norton"],) * 2


def test_a_load_of_the_whole_site_builds_it_anew(catalogue):
    base = kept.current_index().base
    versions.changed(versions.SITE)
    assert kept.current_index().base is not base


def test_bringing_it_up_to_date_costs_three_queries(catalogue, django_assert_num_queries):
    kept.current_index()
    norton = Provider.objects.get(slug="norton")
    norton.aliases = "Symantec"
    norton.save()
    versions.current()
    # the categories it holds, the guides the log names, and those guides
    with django_assert_num_queries(3):
        kept.current_index()
    with django_assert_num_queries(0):
        assert [p.slug for p in kept.current_index().search(Query("symantec"))] == ["norton"]
