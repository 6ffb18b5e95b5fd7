"""What the admin reads from visitors' feedback: open reports per guide, each answer's success
rate since its guide was last verified, and a guide's readout route by route."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from guides.models import Feedback, FeedbackKind, FeedbackStatus, Provider, Route
from guides.web.feedback import FAILURES

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def since_verification() -> Q:
    """Feedback given since its provider was last verified (all of it, if never)."""
    return Q(provider__last_verified_on__isnull=True) | Q(
        created_at__date__gte=F("provider__last_verified_on")
    )


def _count(group: str, **filters) -> Coalesce:
    """How much feedback matching `filters` there is for the outer row (`group` names the
    field that points at it), since its provider's last verification."""
    counts = (
        Feedback.objects.filter(since_verification(), **{group: OuterRef("pk")}, **filters)
        .order_by()
        .values(group)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


class RouteFeedback(TypedDict):
    """What with_route_feedback counts for each route."""

    fb_worked: int
    fb_failed: int
    fb_problems: int


class OpenReports(TypedDict):
    """What with_open_reports counts for each provider."""

    open_reports: int


def with_route_feedback(
    routes: QuerySet[Route],
) -> QuerySet[WithAnnotations[Route, RouteFeedback]]:
    """Each route with its feedback since its provider's last verification."""
    return routes.annotate(
        fb_worked=_count("route", kind=FeedbackKind.WORKED),
        fb_failed=_count("route", kind=FeedbackKind.DID_NOT_WORK),
        fb_problems=_count("route", kind=FeedbackKind.PROBLEM),
    )


def with_open_reports(
    providers: QuerySet[Provider],
) -> QuerySet[WithAnnotations[Provider, OpenReports]]:
    """Each provider with its new failure and problem reports since its last verification."""
    return providers.annotate(
        open_reports=_count("provider", kind__in=FAILURES, status=FeedbackStatus.NEW)
    )


def success_rate(worked: int, failed: int) -> str:
    """How often the steps worked, of the visitors who said: "75% (3 of 4)"."""
    answered = worked + failed
    if not answered:
        return gettext("No answers yet")
    return gettext("%(percent)s%% (%(worked)s of %(answered)s)") % {
        "percent": round(100 * worked / answered),
        "worked": worked,
        "answered": answered,
    }


def route_readout(provider: Provider) -> list[dict]:
    """Every route of `provider` that has feedback since its last verification."""
    rows = []
    routes = with_route_feedback(
        Route.objects.filter(provider=provider).select_related("parent")
    ).order_by("parent_id", "position", "pk")
    for route in routes:
        if not (route.fb_worked or route.fb_failed or route.fb_problems):
            continue
        rows.append(
            {
                "route": route,
                "worked": route.fb_worked,
                "failed": route.fb_failed,
                "problems": route.fb_problems,
                "rate": success_rate(route.fb_worked, route.fb_failed),
            }
        )
    return rows
