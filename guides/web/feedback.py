"""Visitors' feedback on the steps of a guide: "Did this work?" and "Report a problem with a
step"; and what the editors' admin reads from it.

The steps page itself carries no form, no CSRF token and no session, so that it can be cached
for every visitor: it links to the small form at /feedback/<provider>/<answers>/. With htmx
the form is fetched into the steps page and posted from there, and the thank-you message
swaps in; without JavaScript it is an ordinary page: POST, then redirect to its thank-you
state. A refused submission says why (a form error, 400; too many, 429), and nothing of it
is kept. An accepted one is in the database before the response leaves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.conf import settings
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from guides.flow.guide import Guide
from guides.flow.pages import Flow
from guides.models import Feedback, FeedbackKind, FeedbackStatus, Provider, Route
from guides.web import ratelimit
from guides.web.lookups import flow_or_404, route_path_or_404, viewer
from guides.web.seo import SITE_NAME, PageMeta

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

COMMENT_MAX = 1000
FEEDBACK_WINDOW = 3600  # settings.FEEDBACK_LIMIT submissions per client in this many seconds

ANSWERS = {"yes": FeedbackKind.WORKED, "no": FeedbackKind.DID_NOT_WORK}
PROBLEM = "problem"
FAILURES = [FeedbackKind.DID_NOT_WORK, FeedbackKind.PROBLEM]


# Forms ----------------------------------------------------------------------------------------

_COMMENT_ERRORS = {
    "max_length": "Please keep this under 1,000 characters (it has %(show_value)d).",
}


class AnswerForm(forms.Form):
    """Did this work? Yes or no, and an optional word about it."""

    form = forms.CharField(widget=forms.HiddenInput, initial="answer")
    answer = forms.ChoiceField(
        label="Did this work?",
        choices=[("yes", "Yes, it worked"), ("no", "No, it did not work")],
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose yes or no."},
    )
    comment = forms.CharField(
        label="Anything to add? (optional)",
        help_text="What happened, or what was different for you. Up to 1,000 characters. "
        "Please leave out your name, email address and account details.",
        max_length=COMMENT_MAX,
        required=False,
        strip=True,
        # Focus lands here when the form is swapped into the steps page (htmx honours it).
        widget=forms.Textarea(attrs={"rows": 4, "autofocus": True}),
        error_messages=_COMMENT_ERRORS,
    )

    @property
    def kind(self) -> str:
        return ANSWERS[self.cleaned_data["answer"]]


class ProblemForm(forms.Form):
    """Report a problem with one numbered step."""

    form = forms.CharField(widget=forms.HiddenInput, initial=PROBLEM)
    step_number = forms.TypedChoiceField(
        label="Which step?",
        coerce=int,
        widget=forms.Select(attrs={"autofocus": True}),
        error_messages={
            "required": "Please choose the step.",
            "invalid_choice": "Please choose one of the steps listed.",
        },
    )
    comment = forms.CharField(
        label="What is wrong?",
        help_text="For example a button that has another name now, or a page that has moved. "
        "Up to 1,000 characters.",
        max_length=COMMENT_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Please say what is wrong.", **_COMMENT_ERRORS},
    )

    def __init__(self, *args, steps: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["step_number"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a step")] + [
            (number, f"{number}. {step.title}") for number, step in enumerate(steps, start=1)
        ]

    kind = FeedbackKind.PROBLEM


def _form_for(mode: str, data, steps: list, initial=None) -> AnswerForm | ProblemForm:
    if mode == PROBLEM:
        return ProblemForm(data, steps=steps, initial=initial)
    return AnswerForm(data, initial=initial)


# Views ----------------------------------------------------------------------------------------


def _leaf_or_404(request, provider: str, route_path: str):
    provider_obj = (
        Provider.objects.visible_to(viewer(request))
        .select_related("category")
        .filter(slug=provider)
        .first()
    )
    if provider_obj is None:
        raise Http404("No such provider.")
    flow = flow_or_404(Guide(provider_obj), route_path)
    if not flow.is_leaf or flow.route is None:
        raise Http404("Feedback is about the steps of a guide.")
    return provider_obj, flow


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def feedback(request, provider: str, route_path: str) -> HttpResponse:
    provider_obj, flow = _leaf_or_404(request, provider, route_path)
    path = "/".join(route_path_or_404(route_path))
    url = reverse("guides:feedback", args=[provider_obj.slug, path])
    steps_url = reverse("guides:route", args=[provider_obj.slug, path])
    context = {
        "provider": provider_obj,
        "flow": flow,
        "feedback_url": url,
        "steps_url": steps_url,
        "meta": PageMeta(
            title=f"Feedback on how to cancel {provider_obj.name} | {SITE_NAME}",
            description=f"Tell the editors whether the steps to cancel {provider_obj.name} "
            "worked for you.",
            noindex=True,
        ),
    }
    status = 200
    if request.method == "POST":
        mode = PROBLEM if request.POST.get("form") == PROBLEM else "answer"
        form = _form_for(mode, request.POST, flow.steps)
        verdict = ratelimit.hit(
            request, "feedback", limit=settings.FEEDBACK_LIMIT, window=FEEDBACK_WINDOW
        )
        if not verdict.allowed:
            context.update(
                form=form, mode=mode, retry_minutes=max(1, -(-verdict.retry_after // 60))
            )
            response = _render(request, context, status=429)
            response["Retry-After"] = str(verdict.retry_after)
            return response
        if form.is_valid():
            step_number = form.cleaned_data.get("step_number")
            Feedback.objects.create(
                provider=provider_obj,
                route=flow.route,
                route_path=path,
                kind=form.kind,
                step_number=step_number,
                step=step_seen(flow, step_number),
                comment=form.cleaned_data["comment"],
                client=ratelimit.client_fingerprint(request),
            )
            if request.htmx:
                context["sent"] = form.kind
                return _render(request, context)
            return redirect(f"{url}?sent={'problem' if mode == PROBLEM else 'answer'}")
        status = 400
    elif request.GET.get("sent") in {"answer", PROBLEM}:
        context["sent"] = request.GET["sent"]
        return _render(request, context)
    else:
        answer = request.GET.get("answer", "")
        mode = PROBLEM if answer == PROBLEM else "answer"
        initial = {"answer": answer} if answer in ANSWERS else {}
        step = request.GET.get("step", "")
        if mode == PROBLEM and step.isdigit():
            initial["step_number"] = int(step)
        form = _form_for(mode, None, flow.steps, initial=initial)
    context.update(form=form, mode=mode)
    return _render(request, context, status=status)


def step_seen(flow: Flow, number: int | None):
    """The step a visitor numbered `number` on this page of steps (numbered from 1, as the
    page shows them), or None. Kept as the step itself: its number changes with the guide."""
    steps = flow.steps or []
    if number is None or not 1 <= number <= len(steps):
        return None
    return steps[number - 1]


def _render(request, context: dict, status: int = 200) -> HttpResponse:
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "guides/feedback.html#panel" if partial else "guides/feedback.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response


# What the admin reads ---------------------------------------------------------------------


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
        return "No answers yet"
    return f"{round(100 * worked / answered)}% ({worked} of {answered})"


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
