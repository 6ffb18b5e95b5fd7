import pytest

from tests.links.servers import local_site


@pytest.fixture
def site(settings):
    """A local web site the link checker may reach (loopback allowed for this test only)."""
    settings.LINK_CHECK_ALLOW_LOOPBACK = True
    settings.LINK_CHECK_TIMEOUT = 5
    settings.LINK_CHECK_USER_AGENT = "cancelflow-link-check/1.0 (+mailto:links@example.com)"
    with local_site() as (base, requests):
        yield base, requests
