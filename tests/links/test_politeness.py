"""One request at a time per host, LINK_CHECK_HOST_DELAY apart, across processes: two
checkers, each a `manage.py shell` process of its own on one scratch database, check the
same local site at once; the site notes when each request came and was answered.

The scratch database is SQLite (the two processes need a database they share outside the
test's transaction); the host is taken by one conditional UPDATE, which PostgreSQL runs as
atomically (fetch.politely)."""

from __future__ import annotations

import itertools
import subprocess
import time

import pytest

from tests.links.test_worker_restart import env_for
from tests.production.servers import PYTHON, ROOT, manage

DELAY = 0.3
CHECKS = 4


@pytest.mark.serial
def test_two_checkers_take_turns_at_a_host(site, tmp_path):
    base, requests = site
    requests.times.clear()
    database = tmp_path / "checkers.sqlite3"
    env = env_for(database)
    manage(env, "migrate", "--no-input", "--verbosity", "0")

    def checker(n: int) -> subprocess.Popen:
        code = (
            "import pathlib, time\n"
            "from django.conf import settings\n"
            "from guides.links import fetch\n"
            f"settings.LINK_CHECK_HOST_DELAY = {DELAY}\n"
            f"pathlib.Path({str(tmp_path / f'ready-{n}')!r}).touch()\n"
            f"while not pathlib.Path({str(go)!r}).exists():\n"
            "    time.sleep(0.01)\n"
            f"for _ in range({CHECKS}):\n"
            f"    assert fetch.check({f'{base}/ok?checker={n}'!r}).outcome == 'ok'\n"
        )
        return subprocess.Popen(
            [PYTHON, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    go = tmp_path / "go"
    processes = [checker(0), checker(1)]
    # Both ready before either asks: they ask the site at the same time.
    end = time.monotonic() + 60
    while not all((tmp_path / f"ready-{n}").exists() for n in range(2)):
        assert time.monotonic() < end and all(p.poll() is None for p in processes)
        time.sleep(0.05)
    go.touch()
    for process in processes:
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, output
    times = sorted(requests.times)
    assert len(times) == 2 * CHECKS
    gaps = [later[0] - earlier[1] for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= DELAY - 0.02, gaps  # never two at once, and the delay between
    assert {path for _, _, path in times} == {"/ok?checker=0", "/ok?checker=1"}


def test_a_host_is_taken_and_freed(db, settings):
    """In one process: the host's row, taken during a request and freed after it."""
    from guides.links import fetch
    from guides.models import LinkHost

    settings.LINK_CHECK_HOST_DELAY = 0
    with fetch.politely("acme.example"):
        row = LinkHost.objects.get(host="acme.example")
        assert row.holder
    row.refresh_from_db()
    assert row.holder == ""
