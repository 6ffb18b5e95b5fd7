"""Fixtures for the production tests: static files collected once, a site (migrated, with the
shipped guides) built once and copied for each test, and a Redis namespace of their own."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.production.servers import (
    Site,
    create_pg_database,
    is_postgres,
    manage,
    missing,
    postgres_reachable,
    production_env,
)

# The servers' cache lives in a Redis database of its own (not the one the rest of the suite
# flushes between tests), under a key prefix of each run's own.
REDIS_TEST_DB = int(os.environ.get("CANCELFLOW_TEST_REDIS_DB", "15"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "production: runs real gunicorn servers with production settings (about a minute)",
    )


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("production")


@pytest.fixture(scope="session")
def static_root(workdir: Path) -> Path:
    """collectstatic into a scratch folder: hashed, compressed, as the Dockerfile does."""
    root = workdir / "staticfiles"
    manage(
        production_env(f"sqlite:///{workdir / 'unused.sqlite3'}", root),
        "collectstatic",
        "--no-input",
        "--verbosity",
        "0",
    )
    return root


@pytest.fixture(scope="session")
def site(workdir: Path, static_root: Path) -> Iterator[Site]:
    """The shipped guides in a migrated database: PostgreSQL when DATABASE_URL points at it
    (a scratch template database of our own on that server), else a scratch SQLite file."""
    database_url = os.environ.get("DATABASE_URL", "")
    if is_postgres(database_url):
        problem = postgres_reachable(database_url)
        if problem:
            missing(problem)
        name = f"cancelflow_load_{secrets.token_hex(6)}_tpl"
        built = Site(kind="postgres", template=name, server_url=database_url)
        url = create_pg_database(database_url, name)
    else:
        path = workdir / "template.sqlite3"
        built = Site(kind="sqlite", template=str(path))
        url = f"sqlite:///{path}"
    try:
        env = production_env(url, static_root)
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        manage(env, "import_guides", "--verbosity", "0")
        yield built
    finally:
        built.drop_all()


@pytest.fixture
def site_url(site: Site, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the site for one test."""
    yield site.copy(tmp_path)


@pytest.fixture
def shared_cache() -> Iterator[dict[str, str]]:
    """With REDIS_URL set, the environment that puts the servers' cache in Redis (a database
    of the tests' own, a prefix of this test's own, its keys deleted afterwards); else {}."""
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        yield {}
        return
    import redis

    parts = urlsplit(redis_url)
    url = urlunsplit(parts._replace(path=f"/{REDIS_TEST_DB}"))
    prefix = f"cftest{secrets.token_hex(6)}"
    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        client.close()
        missing(f"Redis at {parts.hostname}:{parts.port} does not answer: {error}")
    try:
        yield {"REDIS_URL": url, "CANCELFLOW_CACHE_PREFIX": prefix}
    finally:
        with contextlib.suppress(redis.RedisError):
            keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        client.close()
