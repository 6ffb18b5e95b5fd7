"""cancelflow under gunicorn with production settings, measured from outside, as deployed.

- a load test: 64 concurrent connections for 30 s over a mix of pages, and not one 5xx;
- a gunicorn worker killed mid-load loses no feedback that was acknowledged;
- two instances on one PostgreSQL and one Redis: an editor's change made through one is
  served by the other within a second (every shape: tests/production/test_shapes.py);
- /healthz answers 503 when the database is down, visitors get the friendly 503 page, and the
  logs are JSON lines with request ids;
- with Redis down every guide page is still served (kept in each process, or read from the
  database), and /healthz says "degraded".

Each test starts its own gunicorn(s) on free ports of 127.0.0.1 with a copy of a database
holding the shipped guides (PostgreSQL when DATABASE_URL points at it, else SQLite), and
stops them, and drops its scratch databases, whatever happens.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.production.servers import (
    Browser,
    Gunicorn,
    csrf_token,
    first_step,
    form_fields,
    free_port,
    in_ci,
    is_postgres,
    manage,
    production_env,
    query,
    request,
)

pytestmark = [pytest.mark.production, pytest.mark.serial]

HERE = Path(__file__).resolve().parent
STEPS = "/cancel/kaspersky/amazon/?region=us"
FORM = "/feedback/kaspersky/google-play/"
LOAD_SECONDS = 30
LOAD_CONNECTIONS = 64


def static_css(static_root: Path) -> str:
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


# 1. Load: 64 connections, 30 s, a mix of pages, zero 5xx -----------------------------------


def _wrk(url: str, paths: list[str]) -> dict:
    command = [
        "wrk",
        "-t",
        "2",
        "-c",
        str(LOAD_CONNECTIONS),
        "-d",
        f"{LOAD_SECONDS}s",
        "--timeout",
        "10s",
        "-s",
        str(HERE / "load.lua"),
        url,
        "--",
        *paths,
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=LOAD_SECONDS + 60, check=True
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["statuses"] = {int(k): v for k, v in figures["statuses"].items()}
    figures["client"] = "wrk"
    return figures


def _threads(url: str, paths: list[str]) -> dict:
    """The same load from Python threads, for machines without wrk (slower, same verdict)."""
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    latencies: list[float] = []
    deadline = time.monotonic() + LOAD_SECONDS

    def client(offset: int) -> None:
        n = offset
        while time.monotonic() < deadline:
            path = paths[n % len(paths)]
            n += 1
            headers = {}
            if path.startswith("htmx "):
                path, headers = path.removeprefix("htmx "), {"HX-Request": "true"}
            started = time.perf_counter()
            try:
                response = request("GET", url + path, headers=headers, timeout=10)
            except (OSError, http.client.HTTPException) as error:
                errors[type(error).__name__] += 1
                continue
            latencies.append(time.perf_counter() - started)
            statuses[response.status] += 1

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(LOAD_CONNECTIONS) as pool:
        list(pool.map(client, range(LOAD_CONNECTIONS)))
    latencies.sort()
    return {
        "client": "python threads",
        "requests": sum(statuses.values()),
        "duration_us": int((time.monotonic() - started) * 1e6),
        "connect_errors": errors["ConnectionRefusedError"],
        "read_errors": sum(errors.values()) - errors["ConnectionRefusedError"],
        "write_errors": 0,
        "timeouts": errors["TimeoutError"],
        "p50_us": int(latencies[len(latencies) // 2] * 1e6) if latencies else 0,
        "p99_us": int(latencies[int(len(latencies) * 0.99)] * 1e6) if latencies else 0,
        "statuses": dict(statuses),
    }


def test_load_64_connections_for_30_seconds_gives_no_5xx(
    site_url, static_root, shared_cache, tmp_path
):
    if shutil.which("wrk") is None and in_ci():
        pytest.fail("CI is set but wrk is not installed (apt-get install wrk)", pytrace=False)
    mix = {
        # path (with "htmx " for an htmx request): the status it must answer
        "/": 200,
        "/search/?q=kaspersky": 200,
        "/search/?q=netflx": 200,
        "/category/security-software/": 200,
        "/cancel/kaspersky/": 200,
        "htmx /cancel/kaspersky/": 200,
        STEPS: 200,
        f"htmx {STEPS}": 200,
        "/cancel/no-such-provider/": 404,
        static_css(static_root): 200,
        "/healthz": 200,
    }
    env = production_env(
        site_url, static_root, DJANGO_LOG_LEVEL="WARNING", GUNICORN_WORKERS="4", **shared_cache
    )
    with Gunicorn(env, tmp_path / "gunicorn.log", workers=4).start() as server:
        # Every page of the mix answers as it should before the load starts (and warms up).
        for path, expected in mix.items():
            headers = {}
            if path.startswith("htmx "):
                path, headers = path.removeprefix("htmx "), {"HX-Request": "true"}
            for _ in range(4):
                response = request("GET", server.url(path), headers=headers)
                assert response.status == expected, (path, response.status)
        # Static files: hashed names, cached for ever, compressed.
        css = request(
            "GET", server.url(static_css(static_root)), headers={"Accept-Encoding": "gzip"}
        )
        assert "immutable" in css.header("Cache-Control"), css.header("Cache-Control")
        assert int(re.search(r"max-age=(\d+)", css.header("Cache-Control"))[1]) >= 365 * 86400
        assert css.header("Content-Encoding") == "gzip"
        url = server.url("")
        figures = _wrk(url, list(mix)) if shutil.which("wrk") else _threads(url, list(mix))
        log = server.log_text()

    seconds = figures["duration_us"] / 1e6
    rps = figures["requests"] / seconds
    statuses = figures["statuses"]
    print(
        f"\nload ({figures['client']}, {LOAD_CONNECTIONS} connections, {seconds:.1f} s, "
        f"{len(mix)} kinds of request, {'redis' if shared_cache else 'locmem'} cache, "
        f"{'postgresql' if is_postgres(site_url) else 'sqlite'}): "
        f"{figures['requests']} requests, {rps:.0f} req/s, "
        f"p50 {figures['p50_us'] / 1000:.1f} ms, p99 {figures['p99_us'] / 1000:.1f} ms, "
        f"statuses {dict(sorted(statuses.items()))}, socket errors: "
        f"connect {figures['connect_errors']}, read {figures['read_errors']}, "
        f"write {figures['write_errors']}, timeouts {figures['timeouts']}"
    )
    server_errors = {status: n for status, n in statuses.items() if status >= 500}
    assert not server_errors, f"5xx under load: {server_errors}\n{log[-3000:]}"
    assert set(statuses) <= {200, 404}, f"unexpected statuses: {statuses}"
    assert statuses.get(200, 0) > 1000 and statuses.get(404, 0) > 0
    assert figures["timeouts"] == 0, "requests timed out (10 s) under load"
    assert "Traceback" not in log and "[CRITICAL]" not in log, log[-3000:]


# 2. A worker killed mid-load loses no acknowledged feedback -------------------------------


def test_killing_a_worker_mid_load_loses_no_acknowledged_feedback(
    site_url, static_root, shared_cache, tmp_path
):
    workers, clients = 3, 16
    run = secrets.token_hex(4)
    env = production_env(
        site_url,
        static_root,
        DJANGO_LOG_LEVEL="WARNING",
        # Every client here is 127.0.0.1: lift the per-client limit of 10 an hour.
        CANCELFLOW_FEEDBACK_LIMIT="1000000",
        **shared_cache,
    )
    acknowledged: list[tuple[str, float]] = []
    refused: Counter[str] = Counter()  # answers that were not an acknowledgement
    failed: list[tuple[str, float]] = []  # connections that broke: no answer at all
    stop = threading.Event()

    with Gunicorn(env, tmp_path / "gunicorn.log", workers=workers).start() as server:
        assert len(server.worker_pids()) == workers, server.worker_pids()

        def visitor(number: int) -> None:
            n = 0
            while not stop.is_set():
                n += 1
                marker = f"killtest-{run}-{number}-{n}"
                browser = Browser(server.url(""))
                try:
                    form = browser.get(f"{FORM}?answer=yes")
                    if form.status != 200 or "csrfmiddlewaretoken" not in form.text:
                        refused[f"GET {form.status}"] += 1
                        continue
                    response = browser.post(
                        FORM,
                        {
                            "csrfmiddlewaretoken": csrf_token(form.text),
                            "form": "answer",
                            "answer": "yes",
                            "comment": marker,
                        },
                    )
                except (OSError, http.client.HTTPException) as error:
                    failed.append((f"{marker} {type(error).__name__}", time.monotonic()))
                    continue
                if 200 <= response.status < 400:
                    acknowledged.append((marker, time.monotonic()))
                else:
                    refused[f"POST {response.status}"] += 1

        pool = [threading.Thread(target=visitor, args=(i,), daemon=True) for i in range(clients)]
        for thread in pool:
            thread.start()
        try:
            deadline = time.monotonic() + 20
            while len(acknowledged) < 50 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert acknowledged, f"no feedback acknowledged before the kill:\n{server.log_tail()}"
            victim = random.choice(server.worker_pids())
            killed_at = time.monotonic()
            os.kill(victim, signal.SIGKILL)
            # The master notices and starts a new worker; the visitors keep going meanwhile.
            replaced = False
            while time.monotonic() < killed_at + 15:
                pids = server.worker_pids()
                replaced = victim not in pids and len(pids) == workers
                if replaced and time.monotonic() > killed_at + 4:
                    break
                time.sleep(0.1)
        finally:
            stop.set()
            for thread in pool:
                thread.join(timeout=15)
        assert replaced, f"gunicorn did not replace the killed worker:\n{server.log_tail()}"
        log = server.log_text()

    markers = [marker for marker, _ in acknowledged]
    stored = {
        row[0]
        for row in query(
            site_url,
            "SELECT comment FROM guides_feedback WHERE comment LIKE %s",
            (f"killtest-{run}-%",),
        )
    }
    lost = sorted(set(markers) - stored)
    after_kill = sum(1 for _, at in acknowledged if at > killed_at)
    print(
        f"\nworker kill ({workers} workers, {clients} visitors, "
        f"{'postgresql' if is_postgres(site_url) else 'sqlite'}): "
        f"{len(markers)} feedback acknowledged ({after_kill} after the kill), "
        f"{len(stored)} stored, {len(failed)} requests failed at the kill "
        f"({sorted({name.split()[-1] for name, _ in failed})}), refused: {dict(refused)}, "
        f"lost: {len(lost)}"
    )
    assert not lost, f"acknowledged but not in the database: {lost[:20]}"
    assert len(set(markers)) == len(markers)
    assert after_kill > 0, "nothing was acknowledged after the kill"
    assert not refused, f"answers neither acknowledged nor broken off: {refused}\n{log[-3000:]}"
    # Only unacknowledged feedback may be missing: what is stored is what was sent.
    assert stored <= set(markers) | {name.split()[0] for name, _ in failed}


# 3. Two instances, one PostgreSQL, one Redis ----------------------------------------------


@pytest.fixture(scope="session")
def postgres_and_redis() -> None:
    """Skip unless DATABASE_URL points at PostgreSQL and REDIS_URL is set (CI's second pass
    sets both); under CI, having only one of them is a mistake, and fails."""
    has_pg = is_postgres(os.environ.get("DATABASE_URL", ""))
    has_redis = bool(os.environ.get("REDIS_URL"))
    if not (has_pg and has_redis):
        reason = "needs DATABASE_URL pointing at PostgreSQL and REDIS_URL (CI's second pass)"
        if in_ci() and (has_pg or has_redis):
            pytest.fail(f"CI's PostgreSQL + Redis pass lacks one of them: {reason}", pytrace=False)
        pytest.skip(reason)


def test_an_editors_change_through_one_instance_is_served_by_the_other(
    postgres_and_redis, site_url, static_root, shared_cache, tmp_path
):
    username, password = "editor-" + secrets.token_hex(3), secrets.token_urlsafe(18)
    env = production_env(site_url, static_root, **shared_cache)
    # An Editor, not a superuser: a superuser must first set up a second factor.
    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import Group, User; "
        f"user = User.objects.create_user({username!r}, password={password!r}, is_staff=True); "
        "user.groups.add(Group.objects.get(name='Editors'))",
    )
    step_id, title = first_step(site_url, "kaspersky", "amazon")
    new_title = f"{title} (edited {secrets.token_hex(3)})"

    with (
        Gunicorn(env, tmp_path / "a.log", workers=2).start() as a,
        Gunicorn(env, tmp_path / "b.log", workers=2).start() as b,
    ):
        visitor = Browser(b.url(""))
        first, second = visitor.get(STEPS), visitor.get(STEPS)
        assert first.status == second.status == 200
        assert second.header("X-Cache") == "hit", "B's second request should be a cache hit"
        assert title in second.text and new_title not in second.text

        # The editor logs in to A's admin (once, right: failed logins are rate limited).
        editor = Browser(a.url(""))
        login = editor.get("/admin/login/")
        assert login.status == 200
        response = editor.post(
            "/admin/login/",
            {
                "csrfmiddlewaretoken": csrf_token(login.text),
                "username": username,
                "password": password,
                "next": "/admin/",
            },
        )
        assert response.status == 302 and "sessionid" in editor.cookies, response.text[:2000]

        # A live guide is changed in a draft, opened and edited through A's admin...
        provider_id = query(
            site_url,
            "SELECT provider_id FROM guides_route r "
            "JOIN guides_step s ON s.route_id = r.id WHERE s.id = %s",
            (step_id,),
        )[0][0]
        page = editor.get(f"/admin/guides/provider/{provider_id}/change/")
        response = editor.post(
            f"/admin/guides/provider/{provider_id}/draft/",
            {"csrfmiddlewaretoken": csrf_token(page.text)},
        )
        assert response.status == 302, response.status
        draft_step = query(
            site_url,
            "SELECT s.id FROM guides_step s JOIN guides_route r ON s.route_id = r.id "
            "JOIN guides_provider p ON r.provider_id = p.id "
            "WHERE p.draft_of_id = %s AND r.slug = %s AND r.parent_id IS NULL AND s.title = %s",
            (provider_id, "amazon", title),
        )[0][0]
        change = f"/admin/guides/step/{draft_step}/change/"
        page = editor.get(change)
        assert page.status == 200, page.status
        fields = [
            (name, new_title if name == "title" else value)
            for name, value in form_fields(page.text, "step_form")
        ]
        assert ("title", new_title) in fields
        response = editor.post(change, [*fields, ("_save", "Save")])
        errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>.*?</ul>', response.text, re.S)
        assert response.status == 302, f"the admin refused the change: {errors}"
        assert new_title not in visitor.get(STEPS).text, "a draft reached visitors"
        # ... and published by a second person (a Publisher, here from a shell).
        manage(
            env,
            "shell",
            "-c",
            "from django.contrib.auth.models import Group, User; "
            "from guides.publishing import revisions as publishing; "
            "from guides.models import Provider; "
            f"boss = User.objects.create_user({username + '-pub'!r}, is_staff=True); "
            "boss.groups.add(Group.objects.get(name='Publishers')); "
            f"publishing.publish(Provider.objects.get(draft_of_id={provider_id}), boss, 'ok')",
        )

        # B serves the change within a second (as soon as it reads the change log): its
        # kept page is gone.
        published = time.monotonic()
        after = visitor.get(STEPS)
        while new_title not in after.text and time.monotonic() - published < 1.0:
            time.sleep(0.05)
            after = visitor.get(STEPS)
        assert after.status == 200
        assert new_title in after.text, "B still serves the old title after a second"
        assert new_title in Browser(a.url("")).get(STEPS).text
    print(f"\ntwo instances: edited step {step_id} through A; B served the new title at once")


# 4. The database down: /healthz 503, a friendly page, JSON logs with request ids ----------


def test_database_down_healthz_503_friendly_page_and_json_logs(static_root, shared_cache, tmp_path):
    # A PostgreSQL address where nothing listens.
    dead = f"postgres://cancelflow@127.0.0.1:{free_port()}/cancelflow"
    env = production_env(dead, static_root, DJANGO_LOG_LEVEL="INFO", **shared_cache)
    sent: dict[str, int] = {}
    with Gunicorn(env, tmp_path / "gunicorn.log", workers=2).start(wait_healthy=False) as server:
        for n, path in enumerate(["/healthz", "/", "/cancel/kaspersky/", STEPS, "/search/?q=x"]):
            request_id = f"dbdown-{secrets.token_hex(4)}-{n}"
            response = request("GET", server.url(path), headers={"X-Request-ID": request_id})
            sent[request_id] = response.status
            assert response.status == 503, (path, response.status)
            assert response.header("X-Request-ID") == request_id
            if path == "/healthz":
                assert response.header("Content-Type").startswith("application/json")
                assert json.loads(response.body) == {
                    "status": "unavailable",
                    "database": "unavailable",
                    "cache": "ok",
                }
            else:
                assert response.header("Content-Type").startswith("text/html")
                assert response.header("Retry-After") == "30"
                assert "cancelflow is back in a moment" in response.text
                for leak in ("Traceback", "OperationalError", "psycopg", "5432", "cancelflow@"):
                    assert leak not in response.text, f"{path} shows {leak!r}"
        # Without an X-Request-ID of its own, a request gets a fresh one.
        response = request("GET", server.url("/healthz"))
        fresh = response.header("X-Request-ID")
        assert re.fullmatch(r"[0-9a-f]{32}", fresh)
        sent[fresh] = response.status
    log = server.log_text().splitlines()

    entries = []
    for line in log:
        if line.startswith("{"):
            entries.append(json.loads(line))
        else:
            # Only gunicorn's own lines ("[time] [pid] [LEVEL] …") are not JSON.
            assert re.match(r"^\[\d{4}-\d\d-\d\d ", line), f"a log line that is not JSON: {line}"
    request_lines = [e for e in entries if e.get("logger") == "cancelflow.request"]
    for entry in request_lines:
        assert {"time", "level", "request_id", "method", "path", "status"} <= set(entry)
    # One line per request, with its id (the rest are the start-up poll of /healthz).
    logged = Counter(e["request_id"] for e in request_lines)
    assert all(logged[request_id] == 1 for request_id in sent), (logged, sent)
    assert {e["request_id"]: e["status"] for e in request_lines if e["request_id"] in sent} == sent
    assert all(e["path"] == "/healthz" for e in request_lines if e["request_id"] not in sent)
    errors = [e for e in entries if e.get("message") == "database unavailable"]
    assert errors and all(e["request_id"] in sent for e in errors)
    print(f"\ndatabase down: {len(sent)} requests answered 503, {len(entries)} JSON log lines")


# 5. Redis down: every guide still served, kept in each process; /healthz "degraded" -------


def test_redis_down_guides_are_still_served(site_url, static_root, tmp_path):
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    env = production_env(site_url, static_root, DJANGO_LOG_LEVEL="INFO", REDIS_URL=dead)
    with Gunicorn(env, tmp_path / "gunicorn.log", workers=2).start() as server:
        health = request("GET", server.url("/healthz"))
        assert health.status == 200
        assert json.loads(health.body) == {
            "status": "degraded",
            "database": "ok",
            "cache": "unavailable",
        }
        pages = {
            "/": "Kaspersky",
            "/search/?q=kaspersy": "Kaspersky",
            "/cancel/kaspersky/": "Where did you buy it?",
            STEPS: "Memberships",
        }
        started = time.monotonic()
        for path, expected in pages.items():
            for headers in ({}, {"HX-Request": "true"}):
                response = request("GET", server.url(path), headers=headers)
                assert response.status == 200, (path, response.status)
                assert expected in response.text, path
        elapsed = time.monotonic() - started
        # Feedback needs its rate limit, kept in Redis: refused, calmly, and not saved.
        visitor = Browser(server.url(""))
        form = visitor.get(f"{FORM}?answer=yes")
        assert form.status == 200
        fields = {"csrfmiddlewaretoken": csrf_token(form.text), "form": "answer", "answer": "yes"}
        feedback = visitor.post(FORM, fields)
        assert feedback.status == 503 and "back in a moment" in feedback.text
        log = server.log_text()
    assert elapsed < 5, f"{elapsed:.1f} s for {2 * len(pages)} pages without Redis"
    assert query(site_url, "SELECT count(*) FROM guides_feedback") == [(0,)]
    entries = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    statuses = Counter(e["status"] for e in entries if e.get("logger") == "cancelflow.request")
    assert statuses[503] == 1 and not any(s >= 500 and s != 503 for s in statuses), statuses
    messages = [e["message"] for e in entries]
    assert "cache unavailable" in messages  # the refused feedback, with its traceback
    assert any(m.startswith("shared cache unavailable, pages are kept in") for m in messages)
    assert "[CRITICAL]" not in log, log[-3000:]
    print(f"\nredis down: {2 * len(pages)} pages served without Redis in {elapsed:.2f} s")
