"""The shared cache (Redis) down: visitors still read every guide, kept in each process or
from the database; editors' changes are still announced (through the database); what needs
the cache (a rate-limited post) is refused with the calm 503 page and changes nothing;
/healthz says "degraded" but stays in service."""

from __future__ import annotations

import logging

import pytest
from django.core.management import call_command
from django.test import Client
from redis.exceptions import RedisError

from guides.caching import pages as pagecache
from guides.models import Category, Feedback, Provider
from tests import factories
from tests.admin.test_admin import form_data
from tests.production.servers import free_port

SAMPLE = "tests/data/sample.yaml"
STEPS = "/cancel/acme/app-store/iphone/"


@pytest.fixture
def sample(db):
    call_command("import_guides", SAMPLE, verbosity=0)


def break_the_cache(settings) -> None:
    """A Redis cache that cannot be reached, with the page cache and the guides kept in
    memory on, as in production."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.PAGE_CACHE_SECONDS = 600
    settings.KEEP_GUIDES_IN_MEMORY = True


@pytest.fixture
def cache_down(settings):
    break_the_cache(settings)


@pytest.mark.parametrize(
    ("url", "htmx", "expected"),
    [
        ("/", False, "Acme Antivirus"),
        ("/search/?q=acme", False, "Acme Antivirus"),
        ("/search/?q=acme", True, "Acme Antivirus"),
        ("/cancel/acme/", False, "Where did you buy it?"),
        (STEPS, False, "Open Settings on the iPhone"),
        (STEPS, True, "Open Settings on the iPhone"),
        ("/category/security-software/", False, "Acme Antivirus"),
    ],
)
def test_visitors_still_get_their_guides(client, sample, cache_down, url, htmx, expected):
    headers = {"HX-Request": "true"} if htmx else {}
    for seen in ("miss", "hit"):  # kept in this process all the same
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        assert expected in response.content.decode()
        assert response["X-Cache"] == seen
    # still cacheable downstream, with a validator
    assert "public" in response["Cache-Control"] and response.has_header("ETag")


def test_an_unknown_guide_is_still_a_404(client, sample, cache_down):
    assert client.get("/cancel/no-such-guide/").status_code == 404


def test_the_outage_is_logged_once_not_per_request(client, sample, cache_down, caplog):
    with caplog.at_level(logging.WARNING, logger="guides.caching.pages"):
        for _ in range(3):
            pagecache.pages.clear()  # as other pages would: each asks the shared cache
            client.get(STEPS)
    warnings = [r for r in caplog.records if r.name == "guides.caching.pages"]
    assert len(warnings) == 1 and "cache unavailable" in warnings[0].getMessage()


def test_after_a_failure_the_cache_is_left_alone_a_few_seconds(
    client, sample, cache_down, monkeypatch
):
    client.get(STEPS)  # finds the cache unreachable
    tries = []

    class Watched:
        def get(self, *args, **kwargs):
            tries.append(args)
            raise RedisError("still down")

        get_many = get

    monkeypatch.setattr(pagecache, "cache", Watched())
    pagecache.pages.clear()
    assert client.get(STEPS).status_code == 200
    assert tries == []  # no connection attempted: an unreachable host would cost a second
    pagecache.outage.failed_at -= pagecache.RETRY_SECONDS  # time passes
    pagecache.pages.clear()
    assert client.get(STEPS).status_code == 200
    assert len(tries) == 1  # tried again, once


def test_healthz_is_degraded_but_in_service(client, db, cache_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}


def test_feedback_is_refused_with_the_503_page_and_nothing_saved(client, sample, cache_down):
    form = "/feedback/acme/app-store/iphone/"
    response = client.post(form, {"form": "answer", "answer": "yes", "comment": "Easy."})
    assert response.status_code == 503
    assert "back in a moment" in response.content.decode()
    assert response["Retry-After"] == "30" and response["Cache-Control"] == "no-store"
    assert not Feedback.objects.exists()


def test_admin_login_is_refused_rather_than_unlimited(client, db, cache_down, django_user_model):
    django_user_model.objects.create_superuser("editor", "e@example.com", "right-pass-1")
    response = client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    assert response.status_code == 503
    assert "_auth_user_id" not in client.session


def test_an_edit_while_the_cache_is_down_is_saved_and_served_at_once(
    client, sample, settings, django_user_model
):
    """Edits are announced through the database's change log (guides/caching/versions.py),
    not the cache: an editor's save goes through, and visitors read it at once."""
    editor = django_user_model.objects.create_superuser("editor", "e@example.com", "pw")
    factories.login(client, editor)
    category = Category.objects.get(slug="security-software")
    url = f"/admin/guides/category/{category.pk}/change/"
    data = form_data(client.get(url))
    visitor = Client()
    assert "Security software" in visitor.get("/category/security-software/").content.decode()
    data["name"] = "Renamed while the cache is down"
    break_the_cache(settings)
    assert client.post(url, data).status_code == 302
    category.refresh_from_db()
    assert category.name == "Renamed while the cache is down"
    page = visitor.get("/category/security-software/").content.decode()
    assert "Renamed while the cache is down" in page


def test_an_admin_action_is_all_or_nothing(
    client, sample, settings, django_user_model, monkeypatch
):
    """The database fails half way through an action on two guides (here: when the second
    change is logged): the 503 page, and neither guide changed."""
    from django.db import OperationalError

    from guides.caching import versions

    editor = django_user_model.objects.create_superuser("editor", "e@example.com", "pw")
    factories.login(client, editor)
    live = [
        factories.make_provider(name="Beta Backup", slug="beta").pk,
        factories.make_provider(name="Gamma Guard", slug="gamma").pk,
    ]
    changed = versions.changed
    calls = []

    def failing(*parts, **kwargs):
        calls.append(parts)
        if any("gamma" in part for part in parts):
            raise OperationalError("the database went away")
        return changed(*parts, **kwargs)

    monkeypatch.setattr(versions, "changed", failing)
    response = client.post(
        "/admin/guides/provider/", {"action": "unpublish", "_selected_action": live}
    )
    assert response.status_code == 503
    assert calls  # the first was logged, in the transaction that was rolled back
    assert Provider.objects.filter(pk__in=live, status="published").count() == 2
