"""django-tasks-db's worker (`manage.py db_worker`), made to outlive its database going away.

The stock worker stops at the first database error that is not a locked SQLite file: a
restart of PostgreSQL, a failover, a dropped connection, and the background tasks (the link
checks) stop until someone starts it again. This one notes the error, drops its connections
and waits (a second, then twice as long each time, at most RECONNECT_MAX seconds), then goes
on where it was; the next task it finds runs as usual. A task whose result could not be
written while the database was away stays "running" in the queue (check_links queues its
address again once it is STUCK_AFTER old: guides/links/tasks.py).

Same options as db_worker.
"""

from __future__ import annotations

import contextlib
import logging
import time

from django.db import DatabaseError, connections
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("django_tasks_db")

RECONNECT_FIRST = 1.0
RECONNECT_MAX = 30.0


def close_connections() -> None:
    for connection in connections.all(initialized_only=True):
        # a connection already broken: closing it is all we wanted
        with contextlib.suppress(DatabaseError):
            connection.close()


class SteadyWorker(db_worker.Worker):
    """db_worker's Worker, its loop started again after a database error."""

    pause = RECONNECT_FIRST

    def run(self) -> None:
        while self.running:
            try:
                return super().run()
            except DatabaseError as exc:
                logger.warning(
                    "The database is unavailable (%s: %s); trying again in %g s.",
                    type(exc).__name__,
                    str(exc).strip().splitlines()[0] if str(exc).strip() else "",
                    self.pause,
                )
                close_connections()
                time.sleep(self.pause)
                self.pause = min(self.pause * 2, RECONNECT_MAX)
        return None

    def run_task(self, db_task_result) -> None:
        super().run_task(db_task_result)
        self.pause = RECONNECT_FIRST  # the database answers again


class Command(db_worker.Command):
    help = (
        "Run the database background worker (as db_worker), riding out the database "
        "going away: it waits, reconnects and goes on."
    )

    def handle(self, *args, **options):
        # db_worker's handle() builds the worker by its module's name `Worker`.
        original = db_worker.Worker
        setattr(db_worker, "Worker", SteadyWorker)  # noqa: B010 (a class, reassigned)
        try:
            return super().handle(*args, **options)
        finally:
            setattr(db_worker, "Worker", original)  # noqa: B010
