# cancelflow — make run · make test · make lint · make bench
#
# Finds a Python >= 3.12 by itself: first on PATH, then among pyenv's versions.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
# The test tools from npm (axe-core, vnu-jar), installed when npm is there; without it the
# accessibility and HTML checks skip (and fail under CI).
NODE_STAMP := node_modules/.installed
NPM := $(shell command -v npm 2>/dev/null)

define FIND_PYTHON
ok() { "$$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }; \
for name in python3.13 python3.14 python3.12 python3; do \
  p=$$(command -v $$name 2>/dev/null) && ok "$$p" && { echo "$$p"; exit 0; }; \
done; \
root=$$(pyenv root 2>/dev/null || echo "$$HOME/.pyenv"); \
for p in $$(ls -d "$$root"/versions/3.*/bin/python3 2>/dev/null | sort -r -V); do \
  ok "$$p" && { echo "$$p"; exit 0; }; \
done; \
echo "No Python >= 3.12 found on PATH or in pyenv; install one (e.g. pyenv install 3.13)." >&2; \
exit 1
endef

.PHONY: help venv lock node run migrate content test screenshots lint format messages superuser bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# Every dependency, transitive ones too, is pinned in requirements-dev.lock (the image
# installs requirements.lock, the same without the dev tools); the project itself then goes in
# with --no-deps, so nothing floats.
$(STAMP): pyproject.toml requirements-dev.lock
	@python=$$($(FIND_PYTHON)) || exit 1; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

venv: $(STAMP) ## create .venv and install the locked dependencies

# The lock files, from pyproject.toml, by uv (pinned here, in a throwaway virtualenv): one
# resolution for every platform and Python the project supports. Pins that still satisfy
# pyproject.toml are kept; `make lock LOCK_ARGS=--upgrade` moves every one to its newest.
UV_VERSION := 0.13.10
LOCK_FLAGS := --universal --python-version 3.12 --quiet --custom-compile-command "make lock"
lock: ## pin every dependency, transitive ones too: requirements.lock (the image), requirements-dev.lock (make venv, CI)
	@python=$$($(FIND_PYTHON)) || exit 1; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	"$$python" -m venv "$$tmp" && "$$tmp/bin/pip" install --quiet "uv==$(UV_VERSION)" \
	&& "$$tmp/bin/uv" pip compile pyproject.toml $(LOCK_FLAGS) $(LOCK_ARGS) -o requirements.lock \
	&& "$$tmp/bin/uv" pip compile pyproject.toml --extra dev -c requirements.lock $(LOCK_FLAGS) \
	  $(LOCK_ARGS) -o requirements-dev.lock

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(NODE_STAMP)

node: $(NODE_STAMP) ## install the test tools from npm: axe-core and the Nu HTML Checker

migrate: venv ## apply database migrations
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py migrate --no-input

content: migrate ## load the shipped guides that are not in the database yet; editors' work is never overwritten
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py import_guides

# The background worker (django.tasks, on the database's queue: the link checks) runs beside
# the dev server and stops with it.
run: content ## serve the site with the shipped guides on http://127.0.0.1:$(PORT), and its background worker
	@export DJANGO_DEBUG=$${DJANGO_DEBUG-1}; \
	$(PY) manage.py task_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The interface's catalogs: collect the marked strings into locale/*/LC_MESSAGES/*.po, then
# compile them. Needs GNU gettext; the compiled .mo files are committed, so running the site
# does not (tests/test_translations.py checks they match their .po files).
MAKEMESSAGES := makemessages -l de -l fr -l es --no-obsolete --add-location=file \
  --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore='tests/*' --ignore='bench/*'
messages: venv ## update the translation catalogs from the code, and compile them (needs gettext)
	DJANGO_DEBUG=1 $(PY) manage.py $(MAKEMESSAGES)
	DJANGO_DEBUG=1 $(PY) manage.py $(MAKEMESSAGES) -d djangojs
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

superuser: migrate ## create an editor account with every permission
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py createsuperuser

# The whole suite runs in two parts: first on every core (pytest-xdist, at most 8 workers),
# then the tests marked `serial` (they time themselves or run real servers) alone, so that
# nothing competes with them; the second part goes on even when the first fails, and the
# first failure's code is make's. Coverage adds up both parts and is printed at the end; its
# floor (fail_under in pyproject.toml) holds for the whole suite only. PYTEST_ARGS runs the
# tests it names as one plain pytest run, and prints coverage without enforcing it.
PARALLEL := --numprocesses=auto --maxprocesses=8 --dist=worksteal
# COVERAGE= (empty) runs the suite without measuring coverage: CI's second pass, on
# PostgreSQL and Redis, runs every test again, and the floor is held by its first pass.
COVERAGE ?= --cov
REPORT := --cov-report=term-missing:skip-covered

test: venv $(if $(NPM),$(NODE_STAMP)) ## run the whole test suite with coverage (browser, accessibility and HTML checks included when Chromium, npm and Java are there)
	@[ -n "$(NPM)" ] || echo "npm not found: the accessibility and HTML validity checks will be skipped."
ifeq ($(strip $(PYTEST_ARGS)),)
	@status=0; \
	echo "$(BIN)/pytest $(PARALLEL) -m 'not serial' $(COVERAGE) --cov-report= --cov-fail-under=0"; \
	$(BIN)/pytest $(PARALLEL) -m 'not serial' $(COVERAGE) --cov-report= --cov-fail-under=0 || status=$$?; \
	echo "$(BIN)/pytest -m serial $(COVERAGE) --cov-append $(REPORT)"; \
	$(BIN)/pytest -m serial $(COVERAGE) --cov-append $(REPORT) || { code=$$?; [ $$status -ne 0 ] || status=$$code; }; \
	exit $$status
else
	$(BIN)/pytest --cov $(REPORT) --cov-fail-under=0 $(PYTEST_ARGS)
endif

screenshots: venv ## save light, dark and phone screenshots of real pages into docs/screenshots/
	$(BIN)/pytest tests/browser/screenshots.py -q

bench: venv ## measure every page against a bare baseline with wrk (figures in bench/results/)
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; \
	  else echo "make bench needs wrk: sudo apt-get install wrk" >&2; exit 1; fi; }
	$(PY) -m bench.run

lint: venv ## ruff lint and format check, mypy with the Django stubs, no missing migrations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(BIN)/mypy
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

format: venv ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean: ## remove the virtualenv, the local database and collected static files
	rm -rf $(VENV) db.sqlite3 staticfiles node_modules
