"""What the link checks say about the guides: each address's health, in bulk, and the guides
whose links are broken or have moved (the admin's "Needs attention")."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import OuterRef, Q, Subquery
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from guides.links.addresses import addresses_by_kind, provider_addresses
from guides.links.tasks import check_link
from guides.models import LinkCheck, LinkHealth, LinkOutcome, Provider

NEEDS_ATTENTION = {LinkOutcome.BROKEN, LinkOutcome.MOVED}


def health_of(urls) -> dict[str, LinkHealth]:
    """Each address's health (LinkCheck.objects.health for each)."""
    return {url: LinkCheck.objects.health(url) for url in urls}


def latest_checks():
    """The latest check of each address."""
    newest = LinkCheck.objects.filter(url=OuterRef("url")).order_by("-checked_at", "-pk")
    return LinkCheck.objects.filter(pk=Subquery(newest.values("pk")[:1]))


# The kinds of address, and the health of one, in the order the figures name them.
KINDS = ("website", "link", "contact", "source")
HEALTH = (
    LinkOutcome.OK,
    LinkOutcome.MOVED,
    LinkOutcome.BROKEN,
    LinkOutcome.CANT_TELL,
    "unchecked",
)


@dataclass
class Figures:
    """How many distinct addresses the content holds, by kind (one address may be of several
    kinds: a source that is also a step's link), and by health (each address once)."""

    total: int
    by_kind: dict[str, int]
    by_health: dict[str, int]


def summary() -> Figures:
    """The figures of the content's links: `manage.py check_links --summary`."""
    kinds = addresses_by_kind()
    urls = sorted(set().union(*kinds.values()))
    by_health = dict.fromkeys(HEALTH, 0)
    for found in health_of(urls).values():
        by_health[found.outcome or "unchecked"] += 1
    by_kind = {kind: len(kinds.get(kind, ())) for kind in KINDS}
    return Figures(len(urls), by_kind, {str(key): count for key, count in by_health.items()})


@dataclass
class GuideLinks:
    provider: Provider
    links: list[tuple[str, list[str], LinkHealth]] = field(default_factory=list)
    # What the admin's one-click fix of a moved link needs (guides/admin/link_health.py).
    fix_token: str = ""


def needing_attention() -> list[GuideLinks]:
    """The guides (not their drafts) with a link that is broken or has moved, by name, each
    with those links, where they are used and their health."""
    suspects = set(
        latest_checks().filter(outcome__in=NEEDS_ATTENTION).values_list("url", flat=True)
    )
    if not suspects:
        return []
    health = {
        url: found
        for url, found in health_of(sorted(suspects)).items()
        if found.outcome in NEEDS_ATTENTION
    }
    urls = list(health)
    uses = reduce(
        or_,
        [Q(sources__contains=url) for url in urls],
        Q(website__in=urls)
        | Q(routes__steps__link_url__in=urls)
        | Q(routes__steps__source_url__in=urls)
        | Q(notes__source_url__in=urls)
        | Q(questions__source_url__in=urls)
        | Q(contacts__source_url__in=urls)
        | Q(contacts__value__in=urls),
    )
    candidates = Provider.objects.filter(uses, draft_of__isnull=True).distinct().order_by("name")
    guides = []
    for provider in candidates:
        links = [
            (url, where, health[url])
            for url, where in provider_addresses(provider).items()
            if url in health
        ]
        if links:
            guides.append(GuideLinks(provider, links))
    return guides


@dataclass
class FailedCheck:
    """A check task that failed: when, of which address, at which attempt, and the error."""

    when: object
    url: str
    attempt: int
    error: str


def _error(row: DBTaskResult) -> str:
    lines = [line for line in row.traceback.strip().splitlines() if line.strip()]
    return lines[-1] if lines else row.exception_class_path


def failed_checks(limit: int = 20) -> list[FailedCheck]:
    """The latest link check tasks that failed (django-tasks-db's results), newest first."""
    rows = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED, task_path=check_link.module_path
    ).order_by("-finished_at")[:limit]
    found = []
    for row in rows:
        args = row.args_kwargs.get("args") or [""]
        attempt = args[1] if len(args) > 1 else row.args_kwargs.get("kwargs", {}).get("attempt", 1)
        found.append(FailedCheck(row.finished_at, str(args[0]), int(attempt), _error(row)))
    return found
