"""The container image's inputs, checked without a container engine: the lock files agree
with pyproject.toml, .dockerignore keeps out what the image must not hold (and lets in what
it needs), the default SQLite database goes where the image can write, and the Dockerfile
installs from the lock. .ci/container-check builds and runs the image itself."""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)\s*(?:;.*)?$")


def pins(lock: str) -> dict[str, str]:
    """The name → version pairs of a lock file; every line that is not a comment is one."""
    found = {}
    for line in (ROOT / lock).read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = PIN.match(line)
        assert match, f"{lock}: not an exact pin: {line!r}"
        found[canonicalize_name(match[1])] = match[2]
    return found


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("requirements.lock", PYPROJECT["project"]["dependencies"]),
        (
            "requirements-dev.lock",
            PYPROJECT["project"]["dependencies"]
            + PYPROJECT["project"]["optional-dependencies"]["dev"],
        ),
    ],
)
def test_the_lock_pins_every_direct_dependency_as_pyproject_asks(lock, requirements):
    pinned = pins(lock)
    for text in requirements:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{lock} lacks {requirement.name}: run `make lock`"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"{lock} pins {requirement.name}=={pinned[name]}, pyproject.toml asks "
            f"{requirement.specifier}: run `make lock`"
        )


def test_the_dev_lock_holds_the_image_lock_unchanged():
    """CI tests exactly the versions the image runs."""
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime


def test_the_runtime_lock_holds_no_dev_tool():
    runtime = pins("requirements.lock")
    for text in ("pytest", "ruff", "mypy", "playwright"):
        assert text not in runtime


def test_the_image_and_make_venv_install_from_the_locks():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.13-slim$", dockerfile, re.M)
    assert "pip install --no-cache-dir -r requirements.lock" in dockerfile
    assert "pip install --no-cache-dir --no-deps -e ." in dockerfile
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet -r requirements-dev.lock" in makefile
    assert "pip install --quiet --no-deps -e ." in makefile


# .dockerignore, read as the engine reads it: patterns from the context's root, `*` within
# one name, `**` across any, a matched folder takes all it holds, the last matching line wins.
def dockerignore_rules() -> list[tuple[bool, re.Pattern[str]]]:
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keep = line.startswith("!")
        pattern = line.removeprefix("!").strip("/")
        regex = ""
        for part in re.split(r"(\*\*/?|\*|\?)", pattern):
            if part.startswith("**"):
                regex += "(?:.*/)?" if part.endswith("/") else ".*"
            elif part == "*":
                regex += "[^/]*"
            elif part == "?":
                regex += "[^/]"
            else:
                regex += re.escape(part)
        rules.append((keep, re.compile(f"{regex}(?:/.*)?")))
    return rules


def ignored(path: str) -> bool:
    verdict = False
    for keep, rule in dockerignore_rules():
        if rule.fullmatch(path):
            verdict = not keep
    return verdict


KEPT_OUT = [
    "node_modules/axe-core/axe.js",
    ".hypothesis/examples/a",
    "docs/api.md",
    "docs/screenshots/home.png",
    "bench/results/2026-12-07T091934+0000-sqlite.json",
    "bench/bench.sqlite3",
    "bench/bench.sqlite3-wal",
    "bench/staticfiles/app.css",
    "bench/run.py",
    "bench/report.lua",
    "bench/gunicorn.log",
    ".coverage",
    ".coverage.vm.123.456",
    "htmlcov/index.html",
    "screenshots/home.png",
    "tests/test_project.py",
    ".venv/bin/python",
    ".git/HEAD",
    ".ci/run",
    "guides/__pycache__/models.cpython-313.pyc",
    "db.sqlite3",
    "staticfiles/css/app.css",
    ".env",
    "requirements-dev.lock",
    "cancelflow.egg-info/PKG-INFO",
]
LET_IN = [
    "manage.py",
    "README.md",  # pyproject.toml names it: the install needs it
    "pyproject.toml",
    "requirements.lock",
    "cancelflow/settings.py",
    "guides/content/kaspersky.yaml",
    "guides/files/guides.schema.json",
    "static/css/site.css",
    "templates/base.html",
    "locale/de/LC_MESSAGES/django.mo",
]


@pytest.mark.parametrize("path", KEPT_OUT)
def test_dockerignore_keeps_out(path):
    assert ignored(path)


@pytest.mark.parametrize("path", LET_IN)
def test_dockerignore_lets_in(path):
    assert not ignored(path)


def test_dockerignore_lets_in_every_bench_module_the_app_imports():
    """manage.py generate_guides imports bench.generator, which imports more of bench."""
    found: set[str] = set()
    sources = [
        p for top in ("cancelflow", "guides", "accounts") for p in (ROOT / top).rglob("*.py")
    ]
    while sources:
        source = sources.pop()
        for module in re.findall(r"^\s*(?:from|import) bench\.(\w+)", source.read_text(), re.M):
            if module not in found:
                found.add(module)
                sources.append(ROOT / "bench" / f"{module}.py")
    assert found, "the app imports nothing from bench: .dockerignore may keep all of it out"
    for module in [*found, "__init__"]:
        assert not ignored(f"bench/{module}.py"), f"bench/{module}.py is imported by the app"


def settings_in(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.update(env, DJANGO_SECRET_KEY="x" * 50, DJANGO_SETTINGS_MODULE="cancelflow.settings")
    code = "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=False
    )


def test_the_default_sqlite_database_goes_in_the_data_dir(tmp_path):
    result = settings_in({"CANCELFLOW_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "db.sqlite3")


def test_a_data_dir_that_cannot_be_written_is_refused_saying_why(tmp_path):
    result = settings_in({"CANCELFLOW_DATA_DIR": str(tmp_path / "missing")})
    assert result.returncode != 0
    assert "cannot write to" in result.stderr and "DATABASE_URL" in result.stderr
    # With a database named, the folder does not matter.
    named = {"CANCELFLOW_DATA_DIR": str(tmp_path / "missing"), "DATABASE_URL": "sqlite://:memory:"}
    assert settings_in(named).returncode == 0
