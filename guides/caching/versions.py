"""Versions: what each process knows of what changed, part by part, read from the database.

A change to what visitors see writes a row per part of the site it touches into the change
log (guides/models/changes.py), in the transaction of the change itself:

- `guide:<slug>`: one guide's pages (its routes, steps, notes, questions, contacts);
- `category:<id>`: the list of a category's guides, which every guide of it shows
  ("More guides in …");
- `catalog`: the listings: the home page, the search page, the channels' pages;
- `names`: what the search index holds of every guide: its names, aliases and summary, its
  category's name (a change to what listings show of a guide or a category moves it, with
  the catalog; a route or a channel, which move the catalog, leave it);
- `site`: everything (a rights note; a load of guide files, whose writes send no signals).

Each process reads the rows it has not seen yet, at most every
`settings.CONTENT_POLL_SECONDS` (and at once after a change of its own), and keeps a
version per part: the sum of the ids of the rows it has seen for it. Everything kept for
speed (pages, guides in memory, the search index) is kept with the versions of the parts it
was built from, and is used only while they have not moved. So a change drops what it
touched and nothing else, in every process of every instance, with no shared cache needed.

Why a sum: transactions commit in another order than their rows were numbered, so a row may
appear after one with a higher id; a sum changes whichever order rows are seen in, and two
processes that have seen the same rows agree (pages kept in a shared cache are then valid in
both). Rows of the last LOOKBACK_SECONDS are read again at each poll, for those late ones.

Each request reads the versions once, when it first needs them (`request_scope`), and builds
everything under that snapshot: what it reads from the database afterwards is at least as
new, so a kept thing is never older than its versions say.

The log would grow by a few rows a save forever; `manage.py prune_changes` (daily, with the
link checks) folds each part's rows older than a month into the newest of them, which then
counts for them all (its `weight`): every version stays the same number, in the processes
running and in those that start later, so nothing kept is dropped or wrongly served.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import BigIntegerField, Count, Max, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

log = logging.getLogger(__name__)

SITE = "site"
CATALOG = "catalog"
NAMES = "names"
# A row may show up this long after rows with higher ids (a transaction still open).
LOOKBACK_SECONDS = 60


def guide(slug: str) -> str:
    return f"guide:{slug}"


def category(pk: int | None) -> str:
    return f"category:{pk}"


class Snapshot(Mapping[str, int]):
    """The versions of every part, as a process knew them at one moment (never changed)."""

    def __init__(self, versions: dict[str, int]) -> None:
        self._versions = versions

    def __getitem__(self, scope: str) -> int:
        return self._versions.get(scope, 0)

    def __iter__(self) -> Iterator[str]:
        return iter(self._versions)

    def __len__(self) -> int:
        return len(self._versions)

    def tag(self, scopes: Iterable[str]) -> tuple[tuple[str, int], ...]:
        """The versions of `scopes` now, with SITE's: what a thing built from them keeps."""
        return tuple(sorted((scope, self[scope]) for scope in {SITE, *scopes}))

    def valid(self, tag: object) -> bool:
        """Whether a thing kept with `tag` is still current; False for anything not a tag."""
        try:
            return bool(tag) and all(self[scope] == version for scope, version in tag)  # type: ignore[attr-defined]
        except (TypeError, ValueError):
            return False


class Versions:
    """This process's view of the change log."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.snapshot = Snapshot({})
        self.loaded = False
        self.low_water = 0  # every row with an id up to this one has been seen
        self.seen: set[int] = set()  # rows seen above the low water mark
        self.polled_at = float("-inf")
        self.polls = 0  # how many times this process has read the log
        self.warned_at = float("-inf")
        self.due = True

    def current(self) -> Snapshot:
        if self.due or time.monotonic() - self.polled_at >= settings.CONTENT_POLL_SECONDS:
            try:
                self.poll()
            except DatabaseError as error:
                # The database is away: what is kept is served under the versions last read
                # (nothing can change meanwhile: changes need the database), the rest gets
                # the 503 page from the view; the log is read again at the next request.
                if connections[DEFAULT_DB_ALIAS].in_atomic_block:
                    raise
                self.due = True
                if time.monotonic() - self.warned_at >= 60:
                    self.warned_at = time.monotonic()
                    log.warning("the change log cannot be read: %s", error)
        return self.snapshot

    def poll(self) -> None:
        change_log = _log()
        self.due = False
        self.polled_at = time.monotonic()
        self.polls += 1
        if not self.loaded:
            self._load(change_log)
            return
        rows = list(
            change_log.objects.filter(id__gt=self.low_water)
            .order_by("id")
            .values_list("id", "scope", "at")
        )
        versions = None
        settled = timezone.now() - timedelta(seconds=LOOKBACK_SECONDS)
        for pk, scope, _at in rows:
            if pk not in self.seen:
                self.seen.add(pk)
                versions = versions if versions is not None else dict(self.snapshot._versions)
                versions[scope] = versions.get(scope, 0) + pk
        # Rows older than the look-back are taken as final: the low water mark moves past
        # the oldest run of them, and they are forgotten.
        old = [pk for pk, _, at in rows if at < settled]
        if old:
            mark = max(old)
            self.low_water = max(self.low_water, mark)
            self.seen = {pk for pk in self.seen if pk > self.low_water}
        if versions is not None:
            self.snapshot = Snapshot(versions)

    def _load(self, model) -> None:
        """The first read, in two queries: the sums of every part's settled rows, and the
        rows of the look-back, each remembered as seen."""
        settled = timezone.now() - timedelta(seconds=LOOKBACK_SECONDS)
        old = model.objects.filter(at__lt=settled).values("scope")
        sums = list(
            old.annotate(total=Sum(counted()), last=Max("id")).values_list("scope", "total", "last")
        )
        totals = {scope: total for scope, total, _ in sums}
        recent = list(model.objects.filter(at__gte=settled).values_list("id", "scope"))
        for pk, scope in recent:
            self.seen.add(pk)
            totals[scope] = totals.get(scope, 0) + pk
        # Rows up to the last settled one are final; above it, rows are read again (a row
        # numbered before the look-back's first may still be uncommitted).
        self.low_water = max((last for _, _, last in sums), default=0)
        self.snapshot = Snapshot(totals)
        self.loaded = True


def guides_changed_since(moment) -> set[str]:
    """The slugs of the guides the log names from `moment` on (their `guide:<slug>` rows):
    one query, on the log's index of times."""
    rows = _log().objects.filter(at__gte=moment, scope__startswith="guide:")
    return {scope.removeprefix("guide:") for scope in rows.values_list("scope", flat=True)}


def counted() -> Coalesce:
    """What a row of the log counts for in its part's version: its id, or, for a row that
    `prune` folded others into, its weight."""
    return Coalesce("weight", "id", output_field=BigIntegerField())


def _log():
    """The change log's model (guides/models/changes.py), looked up by name: the models
    themselves report their changes here."""
    return apps.get_model("guides", "ContentChange")


process = Versions()
# Per request: its snapshot (taken when first needed, then the same to its end), and the
# parts it was built from.
_request: ContextVar[list[Snapshot | None] | None] = ContextVar("content_versions", default=None)
_used: ContextVar[set[str] | None] = ContextVar("content_parts_used", default=None)


def current() -> Snapshot:
    """The versions this request reads under (taken when it first asks), or, outside a
    request, this process's latest."""
    held = _request.get()
    if held is None:
        return process.current()
    snapshot = held[0]
    if snapshot is None:
        snapshot = held[0] = process.current()
    return snapshot


@contextmanager
def request_scope() -> Iterator[set[str]]:
    """Around one request: one snapshot of the versions for all of it, and the parts it was
    built from. A request that keeps nothing (a static file, robots.txt) reads no versions."""
    used: set[str] = set()
    held = _request.set([None])
    parts = _used.set(used)
    try:
        yield used
    finally:
        _request.reset(held)
        _used.reset(parts)


def uses(*scopes: str) -> None:
    """The page being built shows these parts (kept pages are kept with their versions)."""
    used = _used.get()
    if used is not None:
        used.update(scopes)


def changed(*scopes: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Record that these parts changed, in the current transaction: the log gets one row per
    part per transaction, and this process reads them at its next request."""
    change_log = _log()
    connection = connections[using]
    written, mine = _written_in_this_transaction(connection)
    new = [scope for scope in dict.fromkeys(scopes) if scope not in written]
    if new:
        change_log.objects.using(using).bulk_create([change_log(scope=s) for s in new])
        mine.update(new)
    process.due = True


def _mark() -> None:
    """A transaction's marker among its on-commit callbacks: gone once it commits or rolls
    back (with the savepoint it was made in), which tells a later change that its rows are
    not written yet."""
    process.due = True


def _written_in_this_transaction(connection) -> tuple[set[str], set[str]]:
    """The parts whose rows this transaction holds (in its savepoints still open), and the
    set to add to at the current savepoint. Empty outside a transaction (autocommit)."""
    if not connection.in_atomic_block:
        return set(), set()
    level = set(connection.savepoint_ids)
    written: set[str] = set()
    mine = None
    for sids, callback, _ in connection.run_on_commit:
        # A marker older than this process's last read of the log no longer holds: that
        # read saw its rows already (on this connection, before the commit), so a change
        # after it must be logged again to be seen.
        if isinstance(callback, _Marker) and sids <= level and callback.polls == process.polls:
            written |= callback.written
            if sids == level:
                mine = callback.written
    if mine is None:
        marker = _Marker()
        connection.on_commit(marker)
        mine = marker.written
    return written, mine


class _Marker:
    def __init__(self) -> None:
        self.written: set[str] = set()
        self.polls = process.polls

    def __call__(self) -> None:
        _mark()


def prune(older_than: timedelta) -> int:
    """Fold each part's rows older than `older_than` into the newest of them (its weight: the
    sum of their ids and weights), in one transaction; the number of rows deleted. Every
    process has read such rows long ago (LOOKBACK_SECONDS) and never reads them again, and a
    process that starts later sums the folded row's weight for them: no version moves."""
    from django.db import transaction

    change_log = _log()
    cutoff = timezone.now() - max(older_than, timedelta(seconds=LOOKBACK_SECONDS * 2))
    deleted = 0
    with transaction.atomic():
        old = change_log.objects.filter(at__lt=cutoff)
        parts = old.values("scope").annotate(total=Sum(counted()), last=Max("id"), rows=Count("id"))
        for part in parts.filter(rows__gt=1):
            change_log.objects.filter(pk=part["last"]).update(weight=part["total"])
            deleted += old.filter(scope=part["scope"], id__lt=part["last"]).delete()[0]
    return deleted
