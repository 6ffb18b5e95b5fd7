"""The project as a whole: migrations in step with the models, settings that refuse to run
unsafely, and error pages that never leak a stack trace."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client


def test_no_missing_migrations(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def run_settings(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(env, DJANGO_SETTINGS_MODULE="cancelflow.settings")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_refuses_to_start_without_a_secret_key_when_not_in_debug():
    result = run_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    assert run_settings(DJANGO_SECRET_KEY="x" * 50).returncode == 0
    assert run_settings(DJANGO_DEBUG="1").returncode == 0


@pytest.mark.django_db
def test_a_server_error_shows_the_friendly_page(settings, monkeypatch):
    from guides.web import lookups

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(lookups, "load_provider", boom)
    client = Client(raise_request_exception=False)
    response = client.get("/cancel/anything/")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"boom" not in response.content and b"Traceback" not in response.content
