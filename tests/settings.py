"""Settings for the test suite: the project's settings with a throwaway key and fast hashing.

The suite runs with DEBUG off, as production does. DATABASE_URL and REDIS_URL are honoured,
so the same suite runs against PostgreSQL and Redis.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-a-secret")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# The page cache and the guides kept in memory are on, as in every deployment. The tests
# run in one process, which reads the change log at once after a change of its own, so it
# need not read it on a clock too: a page's queries are then the same on every run.
os.environ.setdefault("CANCELFLOW_PAGE_CACHE", "1")
os.environ.setdefault("CANCELFLOW_KEEP_IN_MEMORY", "1")
os.environ.setdefault("CANCELFLOW_CONTENT_POLL_SECONDS", "3600")

# Under pytest-xdist each worker empties the cache between tests, so each uses a Redis
# database of its own: the next ones after REDIS_URL's (its test databases get a suffix the
# same way).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker and os.environ.get("REDIS_URL"):
    from urllib.parse import urlsplit, urlunsplit

    _url = urlsplit(os.environ["REDIS_URL"])
    _database = int(_url.path.strip("/") or 0) + 1 + int(_worker.removeprefix("gw"))
    if _database > 14:  # 15 belongs to tests/production's servers
        raise RuntimeError(f"No Redis database left for xdist worker {_worker}.")
    os.environ["REDIS_URL"] = urlunsplit(_url._replace(path=f"/{_database}"))

from cancelflow.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Tests that need the manifest storage (the admin pages) switch to it explicitly.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tasks are queued in the test database, as in production (a test that needs them run starts
# a real `manage.py db_worker`, tests/links/test_worker.py); "immediate" runs one at once.
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "immediate": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
}
# The link checker waits between two requests to one host; not in tests.
LINK_CHECK_HOST_DELAY = 0
