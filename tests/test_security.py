"""Production posture: deploy checks, security headers, admin login limits, request ids,
structured logs, and a calm answer when the database is down."""

import json
import logging
import os
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError
from django.test import Client

from cancelflow.logging import JsonFormatter
from cancelflow.security import LOGIN_FAILURES_ALLOWED


def test_check_deploy_is_clean_with_production_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "cancelflow.example",
        "DJANGO_SETTINGS_MODULE": "cancelflow.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


def test_production_cookie_and_transport_settings():
    from django.conf import settings

    # tests run with debug off, as production does
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SECURE_HSTS_SECONDS >= 31536000


@pytest.mark.django_db
def test_failed_admin_logins_are_rate_limited(client):
    user = get_user_model().objects.create_superuser("editor", "e@example.com", "right-pass-1")
    for _ in range(LOGIN_FAILURES_ALLOWED):
        response = client.post("/admin/login/", {"username": "editor", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    response = client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert int(response["Retry-After"]) > 0
    # even the right password waits out the lock: guessing cannot be confirmed
    response = client.post("/admin/login/", {"username": "editor", "password": "right-pass-1"})
    assert response.status_code == 429
    assert user.pk and "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_successful_admin_login_is_not_limited(client):
    get_user_model().objects.create_superuser("editor", "e@example.com", "right-pass-1")
    response = client.post("/admin/login/", {"username": "editor", "password": "right-pass-1"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_request_id_is_returned_and_logged(client, caplog):
    with caplog.at_level(logging.INFO, logger="cancelflow.request"):
        response = client.get("/robots.txt", HTTP_X_REQUEST_ID="abc12345-trace")
    assert response["X-Request-ID"] == "abc12345-trace"
    record = next(r for r in caplog.records if r.name == "cancelflow.request")
    assert record.request_id == "abc12345-trace" and record.status == 200
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "abc12345-trace" and line["path"] == "/robots.txt"
    # junk ids are replaced, never echoed
    junk = client.get("/robots.txt", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert junk != "<script>" and len(junk) == 32


@pytest.mark.django_db
def test_database_down_gives_a_friendly_503(monkeypatch):
    from guides.web import lookups

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(lookups, "load_provider", down)
    response = Client(raise_request_exception=False).get("/cancel/anything/")
    assert response.status_code == 503
    assert b"back in a moment" in response.content
    assert b"could not connect" not in response.content


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_no_log_line_carries_what_a_visitor_typed(client, caplog, db):
    """A number to check, a search: in the query string, which neither the app's request
    log nor gunicorn's access log writes (nor the referrer, which repeats it)."""
    import runpy
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    typed = "call 1-855-737-0477 now"
    with caplog.at_level(logging.DEBUG):
        client.get("/check-number/", {"number": typed}, HTTP_REFERER=f"/search/?q={typed}")
        client.get("/search/", {"q": typed})
    logged = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    assert "/check-number/" in logged and "/search/" in logged
    assert "855" not in logged and "0477" not in logged

    from django.conf import settings

    conf = runpy.run_path(str(settings.BASE_DIR / "cancelflow" / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("access_log_format", conf["access_log_format"])
    query = "number=call+1-855-737-0477+now"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/check-number/?{query}",
        "PATH_INFO": "/check-number/",
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": f"https://example.com/search/?q={query}",
        "HTTP_USER_AGENT": "phone",
    }
    response = SimpleNamespace(status="200 OK", response_length=10, sent=10, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    atoms = Logger(cfg).atoms(response, request, environ, timedelta(seconds=0.1))
    line = cfg.access_log_format % atoms
    assert '"GET /check-number/ HTTP/1.1" 200' in line
    assert "855" not in line and "0477" not in line
