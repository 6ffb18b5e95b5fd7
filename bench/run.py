"""make bench: serve cancelflow with gunicorn and production settings on 127.0.0.1, drive it
with wrk, and report each page against a bare baseline view measured in the same run.

Phases, each with its own gunicorn, in the shape the README documents (the shape is named
in the report: the database, Redis or not, the workers):
  shipped          the shipped guides, as deployed: the page cache and the guides kept in
                   memory on (they are on in every shape: guides/caching/versions.py)
  shipped-writer   the same while an editor saves a random other guide every second
                   (bench/writer.py): the ratios under writes, and the page cache's hit rate
                   on the guides the writer does not touch
  shipped-uncached the same with CANCELFLOW_PAGE_CACHE=0: every page resolved and rendered,
                   from the guides kept in memory (what a page costs on a miss)
  scaled, scaled-writer, scaled-uncached
                   the same three with the shipped guides plus N generated providers
  scaled-renames   as deployed, while an editor renames a random other guide every second
                   (its aliases: what search reads): home, search and a provider
  scaled-first-reads
                   as deployed, and every request reads a generated guide no request has
                   read before (bench/first_reads.lua): the first read of a guide, as after
                   its edit, when neither the worker nor the page cache holds it

Each page is measured in rounds, each round the baseline then the page, back to back; its
ratio to the baseline is the median of the rounds' ratios. A burst of noise from elsewhere
on the machine then skews one round of one page, not every ratio of a phase.

Figures are written to bench/results/<time>.json. Only ratios measured in one run mean
anything: the machine is shared and noisy.

Environment: BENCH_SECONDS (per measurement, default 4), BENCH_ROUNDS (per page, 3),
BENCH_WARMUP_SECONDS (before each page, at the same concurrency, default 3), BENCH_CONNECTIONS (16),
BENCH_THREADS (2), BENCH_WORKERS (gunicorn workers, 3), BENCH_PROVIDERS (10000),
DATABASE_URL (default: a scratch SQLite file under bench/; when set, it is loaded with the
benchmark data, so point it at a scratch database), REDIS_URL (optional shared cache).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.report import table, targets
from bench.wrk import (
    CONNECTIONS,
    PROVIDERS,
    ROUNDS,
    SECONDS,
    THREADS,
    WARMUP_SECONDS,
    measure,
    measure_first_reads,
)

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable

WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))

PAGES = [
    # name, path, extra headers
    ("baseline", "/bench/baseline", {}),
    ("home", "/", {}),
    ("search", "/search/?q=kaspersky", {}),
    # "What is this charge?": a statement line read for who bills it (PayPal, for Spotify)
    ("search-statement", "/search/?q=PAYPAL+%2ASPOTIFY+4029357733", {}),
    ("provider", "/cancel/kaspersky/", {}),
    ("steps", "/cancel/kaspersky/amazon/?region=us", {}),
    ("steps-htmx", "/cancel/kaspersky/amazon/?region=us", {"HX-Request": "true"}),
    # The same pages in German, for a visitor who lives in Germany and bought on amazon.de
    ("provider-de", "/de/cancel/kaspersky/", {}),
    ("steps-de", "/de/cancel/kaspersky/amazon/amazon-de/?region=de", {}),
    ("static", None, {}),  # the hashed stylesheet, filled in at run time
]


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(BENCH / "staticfiles"),
        DJANGO_LOG_LEVEL="WARNING",
        CANCELFLOW_BENCH="1",
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{BENCH / 'bench.sqlite3'}")
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# phase suffix: (page cache, guides kept in memory, what a writer edits every second)
MODES: dict[str, tuple[bool, bool, str | None]] = {
    "": (True, True, None),
    "-writer": (True, True, "steps"),
    "-uncached": (False, True, None),
}
# The pages that read the names of every guide, measured while a guide is renamed every second.
RENAMES_PAGES = ("baseline", "home", "search", "search-statement", "provider")


class Server:
    def __init__(
        self,
        env: dict[str, str],
        *,
        page_cache: bool,
        keep_in_memory: bool,
        writer: str | None = None,
    ) -> None:
        self.port = free_port()
        self.writer = writer
        self.writer_process: subprocess.Popen | None = None
        self.env = dict(
            env,
            CANCELFLOW_PAGE_CACHE="1" if page_cache else "0",
            CANCELFLOW_KEEP_IN_MEMORY="1" if keep_in_memory else "0",
        )
        self.log = open(BENCH / "gunicorn.log", "a")  # noqa: SIM115 - closed in __exit__()

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "-c",
                "cancelflow/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
                "cancelflow.wsgi",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url("/healthz"), timeout=2) as response:
                    if response.status == 200:
                        if self.writer:
                            self.writer_process = subprocess.Popen(
                                [PYTHON, "-m", "bench.writer"],
                                cwd=ROOT,
                                env=dict(self.env, BENCH_WRITER_EDITS=self.writer),
                                stdout=self.log,
                                stderr=self.log,
                            )
                        return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise SystemExit("gunicorn did not become healthy within 30 s: see bench/gunicorn.log")

    def __exit__(self, *exc) -> None:
        if self.writer_process is not None:
            self.writer_process.send_signal(signal.SIGTERM)
            self.writer_process.wait(timeout=30)
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def shape(env: dict[str, str]) -> str:
    """The deployment shape measured, in the README's words."""
    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    cache = "with Redis" if env.get("REDIS_URL") else "without Redis"
    return f"one server on {database} {cache}, gunicorn with {WORKERS} workers"


def static_path() -> str:
    manifest = json.loads((BENCH / "staticfiles" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (make bench tries this)")
    env = environment()
    if env["DATABASE_URL"].startswith("sqlite:///"):
        Path(env["DATABASE_URL"].removeprefix("sqlite:///")).unlink(missing_ok=True)
    (BENCH / "gunicorn.log").unlink(missing_ok=True)
    print("Preparing: collectstatic, migrate, import the shipped guides", flush=True)
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "import_guides", "--verbosity", "0")
    pages = [(n, p or static_path(), h) for n, p, h in PAGES]
    run: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": env["DATABASE_URL"].split(":", 1)[0],
        "cache": "redis" if env.get("REDIS_URL") else "locmem",
        "shape": shape(env),
        "settings": {
            "seconds": SECONDS,
            "rounds": ROUNDS,
            "warmup_seconds": WARMUP_SECONDS,
            "connections": CONNECTIONS,
            "threads": THREADS,
            "workers": WORKERS,
            "providers": PROVIDERS,
        },
        "phases": {},
    }
    for size in ("shipped", "scaled"):
        if size == "scaled":
            print(f"Generating {PROVIDERS} providers", flush=True)
            started = time.monotonic()
            manage(
                env, "generate_guides", "--providers", str(PROVIDERS), "--seed", "1", "--replace"
            )
            run["generate_seconds"] = round(time.monotonic() - started, 1)
        for suffix, (page_cache, keep_in_memory, writer) in MODES.items():
            phase = size + suffix
            print(f"Phase {phase}", flush=True)
            with Server(
                env, page_cache=page_cache, keep_in_memory=keep_in_memory, writer=writer
            ) as server:
                run["phases"][phase] = measure(server.url, pages)
    print("Phase scaled-renames", flush=True)
    with Server(env, page_cache=True, keep_in_memory=True, writer="names") as server:
        run["phases"]["scaled-renames"] = measure(
            server.url, [page for page in pages if page[0] in RENAMES_PAGES]
        )
    print("Phase scaled-first-reads", flush=True)
    with Server(env, page_cache=True, keep_in_memory=True) as server:
        run["phases"]["scaled-first-reads"] = measure_first_reads(server.url, pages[0][1])
    run["targets"] = targets(run)

    for phase, results in run["phases"].items():
        print(table(phase, results))
    print("\nTargets")
    for line in run["targets"]:
        print(f"  {line}")
    out = BENCH / "results" / f"{run['started'].replace(':', '')}-{run['database']}.json"
    out.write_text(json.dumps(run, indent=2) + "\n")
    print(f"\nWritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
