"""The shared cache (Redis) down: visitors still read every guide, from the database; what
needs the cache (an edit announced to every instance, a rate-limited post) is refused with
the calm 503 page and changes nothing; /healthz says "degraded" but stays in service."""

from __future__ import annotations

import logging

import pytest
from django.core.management import call_command
from redis.exceptions import RedisError

from guides.caching import content_version
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
    for _ in range(2):  # nothing is kept, so the second visit is built again
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        assert expected in response.content.decode()
        assert "X-Cache" not in response
    # still cacheable downstream, with a validator
    assert "public" in response["Cache-Control"] and response.has_header("ETag")


def test_an_unknown_guide_is_still_a_404(client, sample, cache_down):
    assert client.get("/cancel/no-such-guide/").status_code == 404


def test_the_outage_is_logged_once_not_per_request(client, sample, cache_down, caplog):
    with caplog.at_level(logging.WARNING, logger="guides.caching.content_version"):
        for _ in range(3):
            client.get(STEPS)
    warnings = [r for r in caplog.records if r.name == "guides.caching.content_version"]
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

    monkeypatch.setattr(content_version, "cache", Watched())
    assert client.get(STEPS).status_code == 200
    assert tries == []  # no connection attempted: an unreachable host would cost a second
    content_version.outage.failed_at -= content_version.RETRY_SECONDS  # time passes
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


def test_an_edit_that_cannot_be_announced_is_refused_and_not_saved(
    client, sample, settings, django_user_model
):
    editor = django_user_model.objects.create_superuser("editor", "e@example.com", "pw")
    factories.login(client, editor)
    category = Category.objects.get(slug="security-software")
    url = f"/admin/guides/category/{category.pk}/change/"
    data = form_data(client.get(url))
    data["name"] = "Renamed while the cache is down"
    break_the_cache(settings)
    response = client.post(url, data)
    assert response.status_code == 503
    assert "back in a moment" in response.content.decode()
    category.refresh_from_db()
    assert category.name == "Security software"


def test_an_admin_action_is_all_or_nothing(client, sample, settings, django_user_model):
    editor = django_user_model.objects.create_superuser("editor", "e@example.com", "pw")
    factories.login(client, editor)
    live = [
        factories.make_provider(name="Beta Backup", slug="beta").pk,
        factories.make_provider(name="Gamma Guard", slug="gamma").pk,
    ]
    break_the_cache(settings)
    response = client.post(
        "/admin/guides/provider/", {"action": "unpublish", "_selected_action": live}
    )
    assert response.status_code == 503
    assert Provider.objects.filter(pk__in=live, status="published").count() == 2
