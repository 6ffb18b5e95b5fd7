"""The link checks run by a real worker: `manage.py db_worker`, a separate process, on a
database of its own (a scratch SQLite file: the test database is in memory), against the
local test site."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from tests.production.servers import clean_env, manage

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.serial
def test_the_worker_checks_queued_links_and_retries(site, tmp_path):
    base, requests = site
    database = tmp_path / "worker.sqlite3"
    env = clean_env()
    env.update(
        DJANGO_SETTINGS_MODULE="tests.links.worker_settings",
        DATABASE_URL=f"sqlite:///{database}",
        PYTHONUNBUFFERED="1",
    )
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    urls = [f"{base}/ok", f"{base}/old", f"{base}/gone", f"{base}/error"]
    manage(
        env,
        "shell",
        "-c",
        "from guides.links.tasks import check_link\n"
        f"for url in {urls!r}:\n"
        "    check_link.enqueue(url)\n",
    )
    manage(env, "db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload")

    with contextlib.closing(sqlite3.connect(database)) as connection:
        checks = dict(
            (url, (outcome, status, moved_to, reason))
            for url, outcome, status, moved_to, reason in connection.execute(
                "SELECT url, outcome, status_code, moved_to, reason FROM guides_linkcheck"
            )
        )
        tasks = connection.execute(
            "SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
        ).fetchall()
    assert checks == {
        f"{base}/ok": ("ok", 200, "", "200 OK"),
        f"{base}/old": ("moved", 200, f"{base}/ok", f"Moved permanently to {base}/ok"),
        f"{base}/gone": ("broken", 404, "", "404 Not Found"),
        f"{base}/error": ("cant_tell", 500, "", "500 Internal Server Error (3 attempts)"),
    }
    # The four checks and the two retries of /error, all run, none failed.
    assert tasks == [("SUCCESSFUL", 6)]
    assert [path for _, path, _ in requests].count("/error") == 3
