import pytest
from django.core.cache import cache

from guides.caching import memory, pages, versions
from tests import factories


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
        or (marker is not None and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def _no_state_left_from_the_last_test(request):
    """Each test starts outside any transaction, with no content type remembered, and, when
    it empties the database (transactional_db), with the content types and permissions an
    emptied database has.

    Content types are read once per process and kept (ContentType.objects' cache); a test
    that empties the database has them made again with new ids, so an id kept from before,
    or from a row written and then rolled back, would point a later save's history at
    nothing: a foreign key that fails at COMMIT. A request a page left running may also race
    the emptying (on SQLite the live server shares the test's in-memory connection), leaving
    content types or permissions unmade: they are made again here, as the emptying itself
    makes them (post_migrate), rather than failing every later test of the worker. And
    SQLite keeps a transaction open when its COMMIT fails, so that every later COMMIT on the
    connection fails too; what such a transaction holds is never committed: it is rolled
    back here."""
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
    if _transactional(request):
        from django.core.management.sql import emit_post_migrate_signal

        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    yield


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
