"""Helpers for the production tests: real gunicorn processes with production settings, scratch
databases, and a small HTTP client that behaves like a browser behind an HTTPS balancer.

Nothing here goes through Django's test client or pytest-django's test database: each server
is a separate process, configured only by its environment, exactly as it would be deployed.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
# Every variable the project reads; a server gets only the ones a test gives it.
PROJECT_PREFIXES = ("DJANGO_", "CANCELFLOW_", "GUNICORN_")
PROJECT_NAMES = {"DATABASE_URL", "REDIS_URL", "PORT", "FORWARDED_ALLOW_IPS"}


# Skip locally, fail in CI -----------------------------------------------------------------


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


def missing(reason: str) -> None:
    """A prerequisite is missing: skip with the reason, or fail when CI is set."""
    if in_ci():
        pytest.fail(f"CI is set but this test cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


# Environment and management commands -----------------------------------------------------


def clean_env() -> dict[str, str]:
    """This process's environment without any of the project's own settings."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(PROJECT_PREFIXES) and k not in PROJECT_NAMES
    }


def production_env(database_url: str, static_root: Path, **extra: str) -> dict[str, str]:
    """Production settings, as an operator would set them (plain HTTP on 127.0.0.1 aside)."""
    env = clean_env()
    env.update(
        DJANGO_SETTINGS_MODULE="cancelflow.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_STATIC_ROOT=str(static_root),
        DATABASE_URL=database_url,
        GUNICORN_GRACEFUL_TIMEOUT="5",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    """Run a management command in a process of its own; its output, or AssertionError."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode:
        raise AssertionError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Databases ---------------------------------------------------------------------------------


def is_postgres(url: str) -> bool:
    return url.split(":", 1)[0] in {"postgres", "postgresql", "pgsql", "postgis"}


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextlib.contextmanager
def _pg_admin(url: str) -> Iterator:
    """An autocommit connection to the server of `url`, on its maintenance database."""
    import psycopg

    parts = urlsplit(url)
    last_error = None
    for dbname in ("postgres", parts.path.lstrip("/") or "postgres", "template1"):
        try:
            connection = psycopg.connect(
                _with_db(url, dbname).replace("postgresql://", "postgres://", 1),
                autocommit=True,
                connect_timeout=5,
            )
        except psycopg.OperationalError as error:
            last_error = error
            continue
        try:
            yield connection
        finally:
            connection.close()
        return
    raise last_error


def postgres_reachable(url: str) -> str | None:
    """None if the server of `url` answers, else why not."""
    try:
        with _pg_admin(url) as connection:
            connection.execute("SELECT 1")
    except Exception as error:
        return (
            f"PostgreSQL at {urlsplit(url).hostname}:{urlsplit(url).port} does not answer: {error}"
        )
    return None


def create_pg_database(url: str, name: str, *, template: str | None = None) -> str:
    from psycopg import sql

    with _pg_admin(url) as connection:
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        connection.execute(statement)
    return _with_db(url, name)


def drop_pg_database(url: str, name: str) -> None:
    from psycopg import sql

    with _pg_admin(url) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def query(database_url: str, statement: str, params: tuple = ()) -> list[tuple]:
    """Read a scratch database directly (SQL written with %s placeholders)."""
    if is_postgres(database_url):
        import psycopg

        with psycopg.connect(database_url, connect_timeout=5) as connection:
            return connection.execute(statement, params).fetchall()
    path = database_url.removeprefix("sqlite:///")
    with contextlib.closing(sqlite3.connect(path, timeout=30)) as connection:
        return connection.execute(statement.replace("%s", "?"), params).fetchall()


def first_step(database_url: str, provider: str, route: str) -> tuple[int, str]:
    """The id and title of the first step of a provider's first-level route."""
    return query(
        database_url,
        "SELECT s.id, s.title FROM guides_step s "
        "JOIN guides_route r ON s.route_id = r.id "
        "JOIN guides_provider p ON r.provider_id = p.id "
        "WHERE p.slug = %s AND r.slug = %s AND r.parent_id IS NULL ORDER BY s.position",
        (provider, route),
    )[0]


@dataclass
class Site:
    """A migrated database with the shipped guides, copied afresh for every test."""

    kind: str  # "sqlite" or "postgres"
    template: str  # the SQLite file, or the PostgreSQL template database's name
    server_url: str = ""  # PostgreSQL: the server, from DATABASE_URL
    created: list[str] = field(default_factory=list)

    def copy(self, directory: Path) -> str:
        """A fresh database URL holding the site."""
        if self.kind == "sqlite":
            target = directory / f"site-{secrets.token_hex(4)}.sqlite3"
            shutil.copyfile(self.template, target)
            return f"sqlite:///{target}"
        name = f"cancelflow_load_{secrets.token_hex(6)}"
        url = create_pg_database(self.server_url, name, template=self.template)
        self.created.append(name)
        return url

    def drop_all(self) -> None:
        if self.kind != "postgres":
            return
        for name in [*self.created, self.template]:
            with contextlib.suppress(Exception):
                drop_pg_database(self.server_url, name)


# gunicorn ----------------------------------------------------------------------------------


class Gunicorn:
    """`gunicorn -c cancelflow/gunicorn.conf.py cancelflow.wsgi` on a free port of 127.0.0.1,
    in a process group of its own so that nothing outlives the test."""

    def __init__(self, env: dict[str, str], log: Path, *, workers: int = 2) -> None:
        self.env = env
        self.log_path = log
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, *, wait_healthy: bool = True, timeout: float = 60) -> Gunicorn:
        """Start, and wait until /healthz says 200 (or, with wait_healthy=False, until the
        server answers anything at all)."""
        with open(self.log_path, "ab") as log:
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
                    str(self.workers),
                    # Its own control socket, not the one every gunicorn of this user shares.
                    "--control-socket",
                    str(self.log_path.with_suffix(".ctl")),
                    "cancelflow.wsgi",
                ],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                response = request("GET", self.url("/healthz"), timeout=5)
            except OSError:
                time.sleep(0.2)
                continue
            if response.status == 200 or not wait_healthy:
                return self
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"gunicorn did not come up in {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        # The master is gone (or stuck): take any worker left in its group with it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)

    def __enter__(self) -> Gunicorn:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def worker_pids(self) -> list[int]:
        """The workers: the master's children."""
        children: list[int] = []
        for task in Path(f"/proc/{self.pid}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                children += [int(pid) for pid in task.read_text().split()]
        if not children and shutil.which("pgrep"):
            result = subprocess.run(
                ["pgrep", "-P", str(self.pid)], capture_output=True, text=True, check=False
            )
            children = [int(pid) for pid in result.stdout.split()]
        return sorted(children)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


# HTTP --------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name, default)


def request(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 10,
) -> Response:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


class Browser:
    """A visitor behind an HTTPS load balancer: the balancer says X-Forwarded-Proto: https,
    and the visitor keeps its cookies (Secure ones too: the balancer's side is HTTPS) and
    sends Origin and Referer with its forms, as a browser does."""

    def __init__(self, base_url: str, timeout: float = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self.origin = "https://" + urlsplit(base_url).netloc
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def _keep_cookies(self, response: Response) -> None:
        for line in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(line)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        response = request(
            "GET", self.base_url + path, headers=self._headers(headers), timeout=self.timeout
        )
        self._keep_cookies(response)
        return response

    def post(self, path: str, data: dict | list[tuple[str, str]]) -> Response:
        headers = self._headers(
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": self.origin + path,
            }
        )
        response = request(
            "POST",
            self.base_url + path,
            headers=headers,
            body=urlencode(data).encode(),
            timeout=self.timeout,
        )
        self._keep_cookies(response)
        return response


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF token in the form"
    return match.group(1)


class _FormParser(HTMLParser):
    """What a browser would submit from the form with a given id: its fields and values."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option: dict | None = None
        self._option_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
                return
            self.fields.append((name, a.get("value", "")))
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea, self._text = name, []
        elif tag == "select" and name and "disabled" not in a:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._option, self._option_text = a, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)
        if self._option is not None:
            self._option_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            value = self._option.get("value", "".join(self._option_text).strip())
            self._options.append((value, "selected" in self._option))
            self._option = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and self._options:
                chosen = [self._options[0][0]]
            self.fields += [(self._select, value) for value in chosen]
            self._select = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    parser = _FormParser(form_id)
    parser.feed(html)
    assert parser.fields, f"no form with id {form_id!r} on the page"
    return parser.fields
