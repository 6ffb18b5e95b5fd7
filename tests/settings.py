"""Settings for the test suite: the project's settings with a throwaway key and fast hashing.

The suite runs with DEBUG off, as production does. DATABASE_URL and REDIS_URL are honoured,
so the same suite runs against PostgreSQL and Redis.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-a-secret")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# One process: the page cache and the guides kept in memory are safe with the local-memory
# cache too, and under test.
os.environ.setdefault("CANCELFLOW_PAGE_CACHE", "1")
os.environ.setdefault("CANCELFLOW_KEEP_IN_MEMORY", "1")

from cancelflow.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Tests that need the manifest storage (the admin pages) switch to it explicitly.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
