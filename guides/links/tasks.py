"""The background task that checks one address and records what it found (a LinkCheck).

django.tasks retries nothing by itself: a check that could not tell for a passing reason (a
timeout, an unreachable host, a server error, or an error of the checker's own) queues
itself again with `run_after`, LINK_CHECK_RETRY_DELAY seconds later and then twice as long,
and only the last of MAX_ATTEMPTS records what it found. When the checker's own error
failed every attempt, the last one also fails the task (CheckFailed), and the admin's "Needs
attention" lists it (health.failed_checks), with any other failed check task.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.tasks import TaskContext, TaskResultStatus, task, task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from guides.links import fetch
from guides.models import LinkCheck, LinkOutcome

MAX_ATTEMPTS = 3
# A check "running" for longer than this was lost (its worker stopped, or could not write its
# result while the database was away): check_links queues its address again.
STUCK_AFTER = timedelta(hours=1)


class CheckFailed(Exception):
    """The checker itself failed at each attempt: the task is recorded as failed."""


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after the `attempt`th attempt failed."""
    return timedelta(seconds=float(settings.LINK_CHECK_RETRY_DELAY) * 2 ** (attempt - 1))


def run_check(url: str, attempt: int = 1, *, backend: str = "default") -> str:
    """Check `url`; record it, or queue attempt + 1 on `backend`. Returns what was done."""
    error = None
    try:
        result = fetch.check(url)
    except Exception as exc:  # the checker's own error: it must not lose the check
        error = exc
        result = fetch.Result(
            LinkOutcome.CANT_TELL,
            final_url=url,
            reason=f"The check failed: {type(exc).__name__}: {exc}"[:300],
            transient=True,
        )
    if result.transient and attempt < MAX_ATTEMPTS:
        check_link.using(backend=backend, run_after=timezone.now() + retry_delay(attempt)).enqueue(
            url, attempt + 1
        )
        return f"retrying: {result.reason}"
    reason = result.reason
    if result.transient:
        reason = f"{reason} ({attempt} attempts)"
    LinkCheck.objects.create(
        url=url,
        outcome=result.outcome,
        status_code=result.status_code,
        moved_to=result.moved_to[:2000],
        reason=reason[:300],
    )
    if error is not None:
        # Recorded as "can't tell", and the task as failed: editors see it (Needs attention).
        raise CheckFailed(f"{url}: {type(error).__name__}: {error}"[:500]) from error
    return result.outcome


@task(takes_context=True)
def check_link(context: TaskContext, url: str, attempt: int = 1) -> str:
    """Check one address the guides link to, and record it."""
    return run_check(url, attempt, backend=context.task_result.backend)


def pending_checks(backend: str = "default") -> set[str]:
    """The addresses whose check is queued (a retry included) or running (for less than
    STUCK_AFTER) on `backend`, a queue in the database: `check_links` does not queue them
    again."""
    if not isinstance(task_backends[backend], DatabaseBackend):
        return set()
    rows = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.READY)
        | Q(status=TaskResultStatus.RUNNING, started_at__gt=timezone.now() - STUCK_AFTER),
        backend_name=backend,
        task_path=check_link.module_path,
    )
    return {
        args[0]
        for args in (row["args"] for row in rows.values_list("args_kwargs", flat=True))
        if args and isinstance(args[0], str)
    }
