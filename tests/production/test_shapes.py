"""Every shape of deployment caches, and serves an editor's change within a second: real
gunicorn processes with production settings, as the README documents each shape.

- one server on SQLite, without Redis (the default; CI's first pass);
- two instances on one PostgreSQL, without Redis (CI's second pass);
- two instances on PostgreSQL with one Redis (CI's second pass).

In each: a guide's pages are kept (a second visit is a hit), an edit of one guide's step,
committed by another process (an editor's shell), is served by every worker of every
instance within one second, and the pages of a guide it did not touch, and the listings
(which show no step), stay kept.
"""

from __future__ import annotations

import concurrent.futures
import os
import secrets
import time

import pytest

from tests.production.servers import (
    Gunicorn,
    first_step,
    is_postgres,
    manage,
    production_env,
    request,
)

pytestmark = [pytest.mark.production, pytest.mark.serial]

EDITED = "/cancel/kaspersky/amazon/?region=us"
UNTOUCHED = ["/cancel/netflix/", "/"]
WORKERS = 2
WARM_ROUNDS = 3
CONCURRENCY = 8  # each worker answers some of every round: sync workers take one at a time


def fetch_all(instances: list[Gunicorn], path: str, count: int) -> list:
    """`count` requests for `path` to each instance, CONCURRENCY at a time."""
    urls = [server.url(path) for server in instances for _ in range(count)]
    headers = {"X-Forwarded-Proto": "https"}
    with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
        return list(pool.map(lambda url: request("GET", url, headers=headers), urls))


def shapes() -> list:
    database = os.environ.get("DATABASE_URL", "")
    if is_postgres(database):
        found = [pytest.param("postgres", 2, False, id="two-instances-postgres")]
        if os.environ.get("REDIS_URL"):
            found.append(pytest.param("postgres", 2, True, id="two-instances-postgres-redis"))
        return found
    return [pytest.param("sqlite", 1, False, id="one-server-sqlite")]


@pytest.mark.parametrize(("kind", "instances", "with_redis"), shapes())
def test_pages_are_kept_and_an_edit_is_served_everywhere_within_a_second(
    site_url, static_root, shared_cache, tmp_path, kind, instances, with_redis
):
    if with_redis and not shared_cache:
        pytest.skip("needs REDIS_URL")
    env = production_env(site_url, static_root, **(shared_cache if with_redis else {}))
    step_id, title = first_step(site_url, "kaspersky", "amazon")
    new_title = f"{title} (edited {secrets.token_hex(3)})"
    servers = [
        Gunicorn(env, tmp_path / f"{n}.log", workers=WORKERS).start() for n in range(instances)
    ]
    try:
        for path in [EDITED, *UNTOUCHED]:
            for _ in range(WARM_ROUNDS):
                fetch_all(servers, path, CONCURRENCY)
        kept = fetch_all(servers, EDITED, CONCURRENCY)
        assert all(r.status == 200 and r.header("X-Cache") == "hit" for r in kept), [
            r.header("X-Cache") for r in kept
        ]

        manage(
            env,
            "shell",
            "-c",
            "from guides.models import Step; "
            f"step = Step.objects.get(pk={step_id}); step.title = {new_title!r}; step.save()",
        )
        saved = time.monotonic()
        # Served by every instance as soon as each reads the change log...
        first_seen = {}
        while len(first_seen) < len(servers) and time.monotonic() - saved < 5:
            for n, server in enumerate(servers):
                if n not in first_seen and new_title in request("GET", server.url(EDITED)).text:
                    first_seen[n] = time.monotonic() - saved
        assert len(first_seen) == len(servers), "an instance never served the edit"
        # ...and, one second after the save, by every worker of every instance.
        time.sleep(max(0.0, 1.0 - (time.monotonic() - saved)))
        after = fetch_all(servers, EDITED, CONCURRENCY * 2)
        stale = [r for r in after if new_title not in r.text]
        assert not stale, f"{len(stale)} of {len(after)} answers still had the old title"

        # What the edit did not touch stayed kept: every answer a hit.
        for path in UNTOUCHED:
            answers = fetch_all(servers, path, CONCURRENCY * 2)
            misses = [r for r in answers if r.header("X-Cache") != "hit"]
            assert not misses, f"{path}: {len(misses)} of {len(answers)} were built again"
    finally:
        for server in servers:
            server.stop()
    seen = ", ".join(f"{seconds * 1000:.0f} ms" for seconds in first_seen.values())
    print(f"\n{kind}, {instances} instance(s), redis={with_redis}: the edit served after {seen}")
