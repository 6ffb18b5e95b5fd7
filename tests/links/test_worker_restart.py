"""The worker outlives its database going away: `manage.py task_worker` (guides/management/
commands/task_worker.py), a real process on a scratch SQLite file, whose file is taken away
and brought back; a check queued after that still runs. The stock `manage.py db_worker`
dies in the same test, which shows what is proven.

Why SQLite, whatever DATABASE_URL says: a real PostgreSQL server cannot be restarted from
the tests. Taking the file away is SQLite's restart: with DATABASE_CONN_MAX_AGE=0 the worker
opens a new connection at each turn of its loop, finds an empty database ("no such table",
an OperationalError, as a dropped PostgreSQL connection raises one), and must wait until the
file is back. The worker handles every DatabaseError alike, whichever database raises it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.production.servers import PYTHON, ROOT, clean_env, manage


def env_for(database: Path) -> dict[str, str]:
    env = clean_env()
    env.update(
        DJANGO_SETTINGS_MODULE="tests.links.worker_settings",
        DATABASE_URL=f"sqlite:///{database}",
        DATABASE_CONN_MAX_AGE="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def enqueue(env, url: str) -> None:
    manage(
        env,
        "shell",
        "-c",
        f"from guides.links.tasks import check_link\ncheck_link.enqueue({url!r})",
    )


def checked(database: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return {url for (url,) in connection.execute("SELECT url FROM guides_linkcheck")}


def wait_for(condition, timeout: float = 60) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.2)
    return False


def worker(env, command: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "manage.py", command, "--no-startup-delay", "--interval", "0.2", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


@contextlib.contextmanager
def database_away(database: Path):
    """The database file gone (an empty one appears in its place when the worker connects),
    then back."""
    away = database.with_suffix(".away")
    database.rename(away)
    try:
        yield
    finally:
        away.replace(database)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.serial
def test_the_worker_survives_its_database_going_away(site, tmp_path):
    base, _requests = site
    database = tmp_path / "worker.sqlite3"
    env = env_for(database)
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    log = tmp_path / "worker.log"
    process = worker(env, "task_worker", log)
    try:
        enqueue(env, f"{base}/ok")
        assert wait_for(lambda: f"{base}/ok" in checked(database)), log.read_text()
        with database_away(database):
            assert wait_for(lambda: "The database is unavailable" in log.read_text(), 30)
            time.sleep(1.5)  # a few turns of its loop without a database
            assert process.poll() is None, log.read_text()
        enqueue(env, f"{base}/old")  # queued after the database came back
        assert wait_for(lambda: f"{base}/old" in checked(database)), log.read_text()
        assert process.poll() is None
    finally:
        stop(process)
    assert "no such table" in log.read_text()


@pytest.mark.serial
def test_the_stock_worker_dies_when_its_database_goes_away(tmp_path):
    """What the test above proves: the same taking away stops django-tasks-db's worker."""
    database = tmp_path / "worker.sqlite3"
    env = env_for(database)
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    log = tmp_path / "worker.log"
    process = worker(env, "db_worker", log)
    try:
        time.sleep(1)
        assert process.poll() is None, log.read_text()
        with database_away(database):
            assert wait_for(lambda: process.poll() is not None, 30), "the stock worker lived on"
    finally:
        stop(process)
    assert process.returncode != 0
    assert "no such table" in log.read_text()
