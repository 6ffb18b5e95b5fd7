import pytest
from django.core.cache import cache

from guides.caching import memory, pages, versions
from tests import factories


@pytest.fixture(autouse=True)
def _no_state_left_from_the_last_test():
    """Each test starts outside any transaction, with no content type remembered, and leaves
    the project's apps as it found them.

    - Content types are read once per process and kept (ContentType.objects' cache): one
      made inside a test's transaction, and rolled back with it, must not be used by the next
      test.
    - SQLite keeps a transaction open when its COMMIT fails, so that every later COMMIT on
      the connection fails too; what such a transaction holds is never committed: it is
      rolled back here.
    - An app config left without its `models_module` (a data migration's function, called by
      a test with the project's own apps, once did that to `guides`) gets no content types
      and no permissions when a later test empties the database: every later test of the
      worker then failed, far from the cause (history pointing at content types rolled back,
      editors refused). The test that does it fails instead."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.db import connections

    ContentType.objects.clear_cache()
    for connection in connections.all(initialized_only=True):
        raw = connection.connection
        if (
            connection.vendor == "sqlite"
            and raw is not None
            and raw.in_transaction
            and not connection.in_atomic_block
        ):
            raw.rollback()
    modules = {config.label: config.models_module for config in apps.get_app_configs()}
    yield
    changed = [
        config.label
        for config in apps.get_app_configs()
        if config.models_module is not modules[config.label]
    ]
    assert not changed, f"the test changed the models_module of the apps {changed}"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: no rate-limit counts, pages or guides kept in
    memory from another, no versions read from another's change log, and no cache outage
    remembered from one."""

    def empty() -> None:
        cache.clear()
        memory.guides.clear()
        pages.pages.clear()
        pages.outage = pages.Outage()
        versions.process.reset()

    empty()
    yield
    empty()


def _after_reading_the_change_log(pytestconfig, exact: bool):
    """pytest-django's query counter, started once this process has read the change log
    (guides/caching/versions.py): a page's budget is what it costs. The log itself is read at
    most every CONTENT_POLL_SECONDS, and after a change of the process's own: a change inside
    the counted block is counted with what it costs (tests/caching/test_versions.py budgets
    the reads themselves)."""
    from contextlib import contextmanager

    from pytest_django.fixtures import _assert_num_queries

    @contextmanager
    def counting(num: int, *args, **kwargs):
        versions.process.current()
        with _assert_num_queries(pytestconfig, num, *args, exact=exact, **kwargs) as context:
            yield context

    return counting


@pytest.fixture
def django_assert_num_queries(pytestconfig):
    return _after_reading_the_change_log(pytestconfig, exact=True)


@pytest.fixture
def django_assert_max_num_queries(pytestconfig):
    return _after_reading_the_change_log(pytestconfig, exact=False)


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
