"""Guide files loaded once per test process, and their rows replayed into each test.

Importing the shipped guides costs seconds (every row validated, guarded for phone numbers,
versioned); dozens of modules need them for each of their tests. `load_guides(*paths)` runs
`import_guides` for real the first time a process is asked for those files, in a savepoint
rolled back at once, and records what the import changed, row by row. Each test then gets
those rows written straight into its own transaction (no validation, no signals): the same
database as the import gives, in milliseconds, and rolled back with the test.

Nothing is replayed over a database that is not as it was before the recorded import (a
test that made rows of its own first): the files are then imported for real. The importer's
own tests (tests/files/) always import for real.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction

from guides.caching import versions

Rows = dict[object, tuple]  # primary key -> every column's value


@dataclass
class _Change:
    model: type[models.Model]
    before: Rows
    after: Rows


def _every_model() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.managed
    ]


def _rows(model: type[models.Model]) -> Rows:
    names = [field.attname for field in model._meta.concrete_fields]
    key = names.index(model._meta.pk.attname)
    return {row[key]: row for row in model._base_manager.values_list(*names)}


def _import(paths: tuple[str, ...]) -> None:
    call_command("import_guides", *paths, verbosity=0)


def _record(paths: tuple[str, ...]) -> list[_Change]:
    every = _every_model()
    savepoint = transaction.savepoint_create()
    try:
        before = {model: _rows(model) for model in every}
        _import(paths)
        changes = []
        for model in every:
            after = _rows(model)
            if after != before[model]:
                changes.append(_Change(model, before[model], after))
    finally:
        transaction.savepoint_rollback(savepoint)
        ContentType.objects.clear_cache()  # it may name content types just rolled back
    return changes


def _in_order(changes: list[_Change]) -> list[_Change]:
    """Models after those they point to, rows by primary key (a route after its parent): a
    trigger checks a route's parent as it is written (guides/migrations/0002)."""
    by_model = {change.model: change for change in changes}
    done: list[_Change] = []

    def visit(change: _Change, path: frozenset) -> None:
        if change in done or change.model in path:
            return
        for field in change.model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target in by_model and target is not change.model:
                visit(by_model[target], path | {change.model})
        done.append(change)

    for change in changes:
        visit(change, frozenset())
    return done


def _replay(changes: list[_Change]) -> None:
    """The recorded rows written into the current transaction, as plain SQL (a model's
    constructor would run its translated fields' descriptors), in `_in_order`. Foreign keys
    themselves are checked at the transaction's end (deferred, on SQLite and PostgreSQL
    alike)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for change in _in_order(changes):
            model, before, after = change.model, change.before, change.after
            gone = [pk for pk, row in before.items() if after.get(pk) != row]
            if gone:
                model._base_manager.filter(pk__in=gone)._raw_delete(connection.alias)
            fields = model._meta.concrete_fields
            new = [
                [
                    field.get_db_prep_save(value, connection)
                    for field, value in zip(fields, row, strict=True)
                ]
                for pk, row in sorted(after.items())
                if before.get(pk) != row
            ]
            if new:
                columns = ", ".join(quote(field.column) for field in fields)
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(
                    f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})", new
                )
        changed = [change.model for change in changes]
        for statement in connection.ops.sequence_reset_sql(no_style(), changed):
            cursor.execute(statement)
    versions.process.due = True  # as after a change of the process's own


_recorded: dict[tuple[str, ...], list[_Change]] = {}


def load_guides(*paths: str) -> None:
    """What `manage.py import_guides *paths` gives, inside the current test's transaction."""
    assert connection.in_atomic_block, "load_guides() runs inside a test's transaction"
    changes = _recorded.get(paths)
    if changes is None:
        changes = _recorded[paths] = _record(paths)
    if all(_rows(change.model) == change.before for change in changes):
        _replay(changes)
    else:
        _import(paths)
