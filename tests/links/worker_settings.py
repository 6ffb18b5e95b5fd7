"""Settings for the real `manage.py db_worker` of tests/links/test_worker.py: the test
settings, with the local test site reachable and retries at once."""

from tests.settings import *  # noqa: F403

LINK_CHECK_ALLOW_LOOPBACK = True
LINK_CHECK_TIMEOUT = 5
LINK_CHECK_RETRY_DELAY = 0
