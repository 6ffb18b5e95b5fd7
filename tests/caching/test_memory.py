"""Guides kept in memory (guides/caching/memory.py): with the page cache off, a page of a guide that
was read before costs no query, and any change to a guide is seen on the next request."""

import re
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import Http404

from guides.caching import memory, versions
from guides.models import Provider, ProviderNote, PurchaseChannel, Route, Status, Step
from tests import factories

STEPS = "/cancel/acme/amazon/"


@pytest.fixture
def sample(db, settings):
    settings.PAGE_CACHE_SECONDS = 0  # what is measured here is the store, not the page cache
    settings.KEEP_GUIDES_IN_MEMORY = True
    call_command("import_guides", "tests/data/sample.yaml", verbosity=0)


@pytest.mark.parametrize(
    "url, headers",
    [
        ("/cancel/acme/", {}),
        ("/cancel/acme/website/", {}),
        ("/cancel/acme/app-store/iphone/", {}),
        (STEPS, {}),
        (STEPS, {"HTTP_HX_REQUEST": "true"}),
        ("/", {}),
    ],
)
def test_a_page_read_before_costs_no_query(client, sample, django_assert_num_queries, url, headers):
    first = client.get(url, **headers)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(url, **headers)
    assert second.content == first.content


def test_other_pages_of_a_kept_guide_cost_only_what_they_add(
    client, sample, django_assert_max_num_queries
):
    client.get("/cancel/acme/")
    # the variants of the channels, the steps, and the rights notes of a first page of steps
    with django_assert_max_num_queries(3):
        client.get("/cancel/acme/app-store/iphone/")
    with django_assert_max_num_queries(1):  # the steps of this leaf
        client.get("/cancel/acme/app-store/mac/")


def test_full_page_and_partial_show_the_same_steps(client, sample):
    full = client.get(STEPS).content.decode()
    partial = client.get(STEPS, HTTP_HX_REQUEST="true").content.decode()
    for title in ("Open Your Memberships and Subscriptions", "Choose Cancel subscription"):
        assert title in full and title in partial
    assert "Protection runs to the end of the period" in partial  # the "after" note


@pytest.mark.parametrize("url", ["/cancel/acme/", STEPS, "/"])
def test_an_edit_is_seen_on_the_next_request(client, sample, url):
    client.get(url)
    provider = Provider.objects.get(slug="acme")
    provider.name = "Acme Renamed"
    provider.save()
    assert "Acme Renamed" in client.get(url).content.decode()


def test_a_changed_step_a_deleted_note_and_a_new_variant_are_seen(client, sample):
    client.get(STEPS)
    step = Step.objects.get(title="Choose Cancel subscription")
    step.title = "Choose Cancel (renamed)"
    step.save()
    ProviderNote.objects.get(title="Protection runs to the end of the period").delete()
    page = client.get(STEPS).content.decode()
    assert "Choose Cancel (renamed)" in page
    assert "Protection runs to the end of the period" not in page

    client.get("/cancel/acme/app-store/")
    store_channel = PurchaseChannel.objects.get(slug="app-store")
    PurchaseChannel.objects.create(
        name="On an iPad", slug="ipad", kind=store_channel.kind, parent=store_channel, position=3
    )
    assert "On an iPad" in client.get("/cancel/acme/app-store/").content.decode()
    assert client.get("/cancel/acme/app-store/ipad/").status_code == 200


def test_unpublishing_is_seen_at_once(client, sample):
    assert client.get(STEPS).status_code == 200
    Provider.objects.filter(slug="acme").update(status=Status.DRAFT)  # no signal...
    versions.changed(
        versions.guide("acme"), versions.CATALOG
    )  # ...so whoever writes in bulk says what changed, as the importer
    assert client.get(STEPS).status_code == 404
    assert b"Acme Antivirus" not in client.get("/").content


def test_an_import_is_seen_at_once(client, sample, tmp_path):
    client.get("/cancel/acme/")
    factories.reimport_sample(tmp_path, "A freshly imported summary.")
    assert b"A freshly imported summary." in client.get("/cancel/acme/").content


def test_a_change_is_logged_once_per_transaction_and_part(sample):
    from django.db import transaction

    from guides.models import ContentChange

    ContentChange.objects.all().delete()
    before = versions.current()
    with transaction.atomic():
        for route in Route.objects.filter(provider__slug="acme"):
            route.save()
        Step.objects.filter(route__provider__slug="acme").first().save()
    logged = sorted(ContentChange.objects.values_list("scope", flat=True))
    assert logged == ["catalog", "guide:acme"]  # a route: its guide, and the channels' pages
    after = versions.current()
    assert after["guide:acme"] != before["guide:acme"]
    assert after["catalog"] != before["catalog"]
    assert after["guide:other"] == before["guide:other"] == 0


def test_a_change_rolled_back_in_a_savepoint_is_logged_again(sample):
    from django.db import transaction

    from guides.models import ContentChange

    ContentChange.objects.all().delete()
    step = Step.objects.filter(route__provider__slug="acme").first()
    with transaction.atomic():
        try:
            with transaction.atomic():
                step.save()  # logged in the savepoint...
                raise RuntimeError
        except RuntimeError:
            pass  # ...which is rolled back with its row
        step.save()  # so it is logged again
    assert list(ContentChange.objects.values_list("scope", flat=True)) == ["guide:acme"]


def test_an_editors_drafts_are_never_kept(client, sample):
    Provider.objects.filter(slug="acme").update(status=Status.DRAFT)
    versions.changed(versions.SITE)
    editor = get_user_model().objects.create_user("ed", password="x", is_staff=True)
    factories.login(client, editor)
    assert b"visitors cannot see this" in client.get(STEPS).content
    assert memory.guides.guides == {}
    client.logout()
    assert client.get(STEPS).status_code == 404


def test_unknown_guides_are_not_kept(client, sample):
    assert client.get("/cancel/nobody/").status_code == 404
    assert "nobody" not in memory.guides.guides


def test_without_the_store_every_page_reads_the_database(
    client, sample, settings, django_assert_max_num_queries
):
    settings.KEEP_GUIDES_IN_MEMORY = False
    first = client.get(STEPS)
    with django_assert_max_num_queries(6) as queries:  # the rights notes among them
        second = client.get(STEPS)
    assert len(queries.captured_queries) >= 4 and second.content == first.content
    assert memory.guides.guides == {}


def test_the_store_keeps_the_most_recently_read_guides(db):
    kept = memory.GuideStore(size=2)
    loads = []

    def load(slug):
        loads.append(slug)
        if slug == "missing":
            raise Http404
        return SimpleNamespace(provider=SimpleNamespace(slug=slug, category_id=1))

    first = kept.get("a", load)
    kept.get("b", load)
    assert kept.get("a", load) is first  # read again: now the most recent
    kept.get("c", load)  # "b" goes
    assert list(kept.guides) == ["a", "c"]
    with pytest.raises(Http404):
        kept.get("missing", load)
    assert loads == ["a", "b", "c", "missing"] and "missing" not in kept.guides


def test_an_edit_drops_the_guide_it_touched_and_nothing_else(client, sample):
    """A step of one guide changes: that guide is read again, another guide of another
    category and the listings stay kept."""
    other = factories.make_provider(
        name="Other", slug="other", category=factories.make_category(name="Elsewhere")
    )
    factories.make_route(other, label="Online", slug="online")
    client.get(STEPS)
    client.get("/cancel/other/")
    client.get("/")
    acme, kept_other = memory.guides.guides["acme"][1], memory.guides.guides["other"][1]
    home = memory.guides.lists["home"][1]
    step = Step.objects.filter(route__provider__slug="acme").first()
    step.title = "Renamed"
    step.save()
    client.get(STEPS)
    client.get("/cancel/other/")
    client.get("/")
    assert memory.guides.guides["acme"][1] is not acme  # read again
    assert memory.guides.guides["other"][1] is kept_other  # untouched
    assert memory.guides.lists["home"][1] is home  # the listings show no step


LANGUAGES = ["", "/de", "/fr", "/es"]


@pytest.mark.parametrize("page", ["/cancel/acme/", "/cancel/acme/app-store/", STEPS])
def test_a_kept_guide_links_in_the_language_of_the_page_that_reads_it(client, sample, page):
    """A kept guide serves every language: a page read after the guide was kept for another
    language links to its answers in its own language (the switcher and the hreflang
    alternates aside), never in the first one's."""
    for first in LANGUAGES:
        for then in LANGUAGES:
            assert client.get(first + page).status_code == 200
            html = client.get(then + page).content.decode()
            answers = {
                href
                for attributes in re.findall(r"<a\b([^>]*)>", html)
                if "hreflang" not in attributes
                for href in re.findall(r'href="(/[a-z/]*cancel/acme/[^"]*)"', attributes)
            }
            assert answers, then + page
            wrong = {a for a in answers if not a.startswith(then + "/cancel/acme/")}
            assert not wrong, f"{then + page} after {first + page}: {wrong}"
