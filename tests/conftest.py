import pytest
from django.core.cache import cache

from guides.caching import content_version, memory
from tests import factories


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: no rate-limit counts, pages or guides kept in
    memory from another, and no cache outage remembered from one."""
    cache.clear()
    memory.guides.clear()
    content_version.outage = content_version.Outage()
    yield
    cache.clear()
    memory.guides.clear()
    content_version.outage = content_version.Outage()


@pytest.fixture
def provider(db):
    return factories.make_provider(name="Acme Antivirus", slug="acme")


@pytest.fixture
def app_store(db):
    """A channel with standard steps and two variants, like Apple's App Store."""
    store = factories.make_channel(
        name="App Store",
        slug="app-store",
        kind="app_store",
        variant_question="Where do you manage it?",
    )
    factories.make_step(channel=store, title="Open your subscriptions", position=1)
    phone = factories.make_channel(name="On an iPhone", slug="iphone", parent=store, position=1)
    factories.make_step(channel=phone, title="Open Settings on the iPhone", position=1)
    mac = factories.make_channel(name="On a Mac", slug="mac", parent=store, position=2)
    factories.make_step(channel=mac, title="Open the App Store app on the Mac", position=1)
    return store
