"""Anonymous guide pages are served from the cache, and dropped at once when a guide changes."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command

from guides.caching import pages as pagecache
from guides.caching import versions
from guides.models import Step
from tests import factories


@pytest.fixture
def sample(db):
    call_command("import_guides", "tests/data/sample.yaml", verbosity=0)


URL = "/cancel/acme/amazon/"


def test_second_visit_is_served_from_the_cache(client, sample, django_assert_num_queries):
    first = client.get(URL)
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(URL)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert "public" in second["Cache-Control"] and "max-age=60" in second["Cache-Control"]


def test_full_and_htmx_variants_are_cached_apart(client, sample):
    full = client.get(URL)
    partial = client.get(URL, HTTP_HX_REQUEST="true")
    assert b"<html" in full.content and b"<html" not in partial.content
    assert client.get(URL, HTTP_HX_REQUEST="true").content == partial.content
    restore = client.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert restore.content == full.content


def test_an_editors_change_is_served_at_once(client, sample):
    assert b"Open Your Memberships" in client.get(URL).content
    step = Step.objects.get(title="Open Your Memberships and Subscriptions")
    step.title = "Open Memberships (renamed)"
    step.save()
    response = client.get(URL)
    assert response["X-Cache"] == "miss"
    assert b"Open Memberships (renamed)" in response.content


def test_deleting_a_step_is_served_at_once(client, sample):
    client.get(URL)
    Step.objects.get(title="Choose Cancel subscription").delete()
    assert b"Choose Cancel subscription" not in client.get(URL).content


def test_signed_in_editors_bypass_the_cache(client, sample):
    client.get(URL)
    editor = get_user_model().objects.create_user("ed", password="x", is_staff=True)
    factories.login(client, editor)
    response = client.get(URL)
    assert "X-Cache" not in response
    assert "private" in response["Cache-Control"]  # no CDN keeps an editor's view


def test_conditional_get_answers_304(client, sample):
    etag = client.get(URL)["ETag"]
    assert client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(URL, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_not_found_pages_are_not_cached(client, sample):
    client.get("/cancel/acme/nope/")
    assert "X-Cache" not in client.get("/cancel/acme/nope/")


def test_import_invalidates(client, sample, tmp_path):
    client.get("/cancel/acme/")
    factories.reimport_sample(tmp_path, "A freshly imported summary.")
    assert b"A freshly imported summary." in client.get("/cancel/acme/").content


def test_a_page_with_a_csrf_token_is_never_cached(client, sample, monkeypatch):
    from django.middleware.csrf import get_token

    from guides.web import views

    original = views.render

    def render_with_token(request, *args, **kwargs):
        get_token(request)
        return original(request, *args, **kwargs)

    monkeypatch.setattr(views, "render", render_with_token)
    client.cookies["csrftoken"] = "x" * 32  # a visitor who already has the cookie
    client.get("/cancel/acme/")
    assert "X-Cache" not in client.get("/cancel/acme/")


def test_with_the_page_cache_off_pages_are_not_kept_but_a_cdn_may(sample, settings):
    """CANCELFLOW_PAGE_CACHE=0: pages still tell a CDN it may keep them briefly."""
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 0
    client = Client()
    client.get(URL)
    response = client.get(URL)
    assert "X-Cache" not in response
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]


def test_a_hit_costs_no_query_and_no_round_trip(client, sample, monkeypatch):
    """A page kept in this process is served on its versions alone: with Redis, not even a
    round trip to it (pages from another instance come from it on a miss here)."""
    client.get(URL)
    calls = []

    class Counting:
        def __getattr__(self, name):
            calls.append(name)
            return getattr(cache, name)

    monkeypatch.setattr(pagecache, "cache", Counting())
    assert client.get(URL)["X-Cache"] == "hit"
    assert calls == []


def test_a_page_of_an_older_version_is_replaced(client, sample):
    client.get(URL)
    versions.changed(versions.guide("acme"))
    assert client.get(URL)["X-Cache"] == "miss"  # the old page was not served
    assert client.get(URL)["X-Cache"] == "hit"  # and the new one took its place


def test_an_edit_drops_the_pages_it_touched_and_nothing_else(client, sample):
    """A step of acme's own changes: acme's pages are built again; the home page and the
    search, which show no step, stay kept (another guide's pages too: tests/production)."""
    step = Step.objects.filter(route__provider__slug="acme").select_related("route").first()
    page, home, search = step.route.get_absolute_url(), "/", "/search/?q=acme"
    for url in (page, home, search):
        client.get(url)
    step.title = "Renamed on the page"
    step.save()
    response = client.get(page)
    assert response["X-Cache"] == "miss" and b"Renamed on the page" in response.content
    assert client.get(home)["X-Cache"] == "hit"
    assert client.get(search)["X-Cache"] == "hit"


def test_a_channel_s_step_drops_the_pages_of_the_guides_sold_through_it(client, sample):
    client.get(URL)  # acme, bought on Amazon: the channel's standard steps
    step = Step.objects.get(title="Open Your Memberships and Subscriptions")
    step.title = "Open Memberships (renamed)"
    step.save()
    response = client.get(URL)
    assert response["X-Cache"] == "miss" and b"Open Memberships (renamed)" in response.content


def test_renaming_a_guide_drops_the_listings_it_appears_in(client, sample):
    from guides.models import Provider

    home = "/"
    client.get(home)
    acme = Provider.objects.get(slug="acme")
    acme.name = "Acme Renamed"
    acme.save()
    response = client.get(home)
    assert response["X-Cache"] == "miss" and b"Acme Renamed" in response.content


@pytest.mark.parametrize(
    "stored",
    [
        "not a page",
        (("site", 0),),
        ((("site", 0),), "text, not bytes", {}, 1e12),
        ((("site", 0),), b"cut short", {}),
        ([("site", 0)], b"<html>", {}, 1e12),
        ((("nonsense",),), b"<html>", {}, 1e12),
    ],
)
def test_a_corrupt_shared_entry_is_built_again_not_served(client, sample, monkeypatch, stored):
    """A page in the shared cache that is corrupt, cut short or of an older version of the
    code is ignored and replaced, never served or turned into a 500."""
    monkeypatch.setattr(pagecache, "_shared", lambda: True)  # as with REDIS_URL
    key = pagecache._key(_request(URL))
    cache.set(key, stored)
    response = client.get(URL)
    assert response.status_code == 200 and response["X-Cache"] == "miss"
    assert b"Open Your Memberships" in response.content


def _request(path):
    from django.test import RequestFactory

    return RequestFactory().get(path)


def test_a_page_another_deploy_kept_in_the_shared_cache_is_never_served(
    client, sample, monkeypatch
):
    """Instances of a new deploy share the shared cache with the last one's until they
    replace them; pages are kept under the code that built them, so a page of the last
    deploy (other markup, other stylesheet names) is never served by the new one, even while
    the content it shows is unchanged."""
    monkeypatch.setattr(pagecache, "_shared", lambda: True)  # as with REDIS_URL
    monkeypatch.setattr(pagecache, "code_version", lambda: "last-deploy")
    built = client.get(URL)
    assert built["X-Cache"] == "miss"
    pagecache.pages.clear()  # another instance: nothing in its own memory
    assert client.get(URL)["X-Cache"] == "hit"  # the same deploy shares the page
    pagecache.pages.clear()
    monkeypatch.setattr(pagecache, "code_version", lambda: "new-deploy")
    assert client.get(URL)["X-Cache"] == "miss"


def test_the_code_version_names_the_files_pages_are_made_from(settings, tmp_path):
    from guides.caching import release

    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>one</p>")
    settings.BASE_DIR = tmp_path
    release.code_version.cache_clear()
    try:
        first = release.code_version()
        page.write_text("<p>two</p>")
        release.code_version.cache_clear()
        assert release.code_version() != first
    finally:
        release.code_version.cache_clear()
