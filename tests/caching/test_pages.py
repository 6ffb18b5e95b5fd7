"""Anonymous guide pages are served from the cache, and dropped at once when a guide changes."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command

from guides.caching import content_version
from guides.caching import pages as pagecache
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


def test_without_a_shared_cache_pages_are_not_kept_but_a_cdn_may(sample, settings):
    """The page cache is off by default without REDIS_URL: workers with a cache each could
    not learn of an editor's change. Pages still tell a CDN it may keep them briefly."""
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 0
    client = Client()
    client.get(URL)
    response = client.get(URL)
    assert "X-Cache" not in response
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]


def test_a_hit_is_one_round_trip_to_the_cache(client, sample, monkeypatch):
    """The content version and the page are read together: with Redis, each round trip
    costs about what Django's own bare response does."""
    client.get(URL)
    calls = []

    class Counting:
        def __getattr__(self, name):
            calls.append(name)
            return getattr(cache, name)

    monkeypatch.setattr(content_version, "cache", Counting())
    monkeypatch.setattr(pagecache, "cache", Counting())
    assert client.get(URL)["X-Cache"] == "hit"
    assert calls == ["get_many"]


def test_a_page_of_an_older_version_is_replaced(client, sample):
    client.get(URL)
    content_version.bump()
    assert client.get(URL)["X-Cache"] == "miss"  # the old page was not served
    assert client.get(URL)["X-Cache"] == "hit"  # and the new one took its place
