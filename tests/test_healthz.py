"""A load balancer's probe of /healthz: it names the instance by its address and speaks plain
HTTP, and must read 200 or 503, never the 400 of the host check or the 301 to HTTPS. Every
other path keeps both checks."""

import pytest
from django.test import Client, override_settings

PROBE_HOST = "10.0.0.5"


@pytest.fixture
def ssl_redirect():
    """Production's transport settings: HTTPS required, the load balancer's header trusted.
    (The suite runs with the redirect off; a new Client loads the middleware afresh.)"""
    with override_settings(
        SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
    ):
        yield Client(raise_request_exception=False)


@pytest.mark.django_db
def test_healthz_answers_a_probe_by_ip_address_over_plain_http(ssl_redirect):
    response = ssl_redirect.get("/healthz", headers={"host": PROBE_HOST})
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response["Cache-Control"] == "no-store"
    assert ssl_redirect.head("/healthz", headers={"host": PROBE_HOST}).status_code == 200


@pytest.mark.django_db
def test_healthz_answers_plain_http_with_an_allowed_host(ssl_redirect):
    assert ssl_redirect.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_healthz_by_ip_address_still_answers_503_when_the_database_is_down(
    ssl_redirect, monkeypatch
):
    from django.db import OperationalError, connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = ssl_redirect.get("/healthz", headers={"host": PROBE_HOST})
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/healthz/", "/healthzx", "/de/healthz", "/cancel/anything/", "/robots.txt"]
)
def test_every_other_path_still_refuses_a_host_not_allowed(path):
    response = Client(raise_request_exception=False).get(path, headers={"host": PROBE_HOST})
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_post_to_healthz_gets_no_pass_around_the_host_check():
    response = Client(raise_request_exception=False).post("/healthz", headers={"host": PROBE_HOST})
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/robots.txt", "/healthz/"])
def test_every_other_page_over_plain_http_is_still_redirected_to_https(ssl_redirect, path):
    response = ssl_redirect.get(path)
    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{path}"


@pytest.mark.django_db
def test_pages_over_https_are_served(ssl_redirect):
    response = ssl_redirect.get("/robots.txt", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200


def test_the_production_settings_exempt_healthz_from_the_redirect():
    from django.conf import settings

    assert "cancelflow.middleware.HealthCheckMiddleware" in settings.MIDDLEWARE[:2]
    assert settings.MIDDLEWARE.index(
        "cancelflow.middleware.HealthCheckMiddleware"
    ) < settings.MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
    assert settings.SECURE_REDIRECT_EXEMPT == [r"^healthz$"]
