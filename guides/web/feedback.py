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

from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from guides.flow.guide import Guide
from guides.flow.pages import Flow
from guides.models import Feedback, FeedbackKind, Provider
from guides.regions import REGION_PARAMETER
from guides.web import ratelimit
from guides.web.htmx import render_page
from guides.web.lookups import flow_or_404, region_or_404, route_path_or_404, viewer
from guides.web.seo import SITE_NAME, PageMeta

if TYPE_CHECKING:
    pass

COMMENT_MAX = 1000
FEEDBACK_WINDOW = 3600  # settings.FEEDBACK_LIMIT submissions per client in this many seconds

ANSWERS = {"yes": FeedbackKind.WORKED, "no": FeedbackKind.DID_NOT_WORK}
PROBLEM = "problem"
FAILURES = [FeedbackKind.DID_NOT_WORK, FeedbackKind.PROBLEM]


# Forms ----------------------------------------------------------------------------------------

_COMMENT_ERRORS = {
    "max_length": _("Please keep this under 1,000 characters (it has %(show_value)d)."),
}


class AnswerForm(forms.Form):
    """Did this work? Yes or no, and an optional word about it."""

    form = forms.CharField(widget=forms.HiddenInput, initial="answer")
    answer = forms.ChoiceField(
        label=_("Did this work?"),
        choices=[("yes", _("Yes, it worked")), ("no", _("No, it did not work"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose yes or no.")},
    )
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        help_text=_(
            "What happened, or what was different for you. Up to 1,000 characters. "
            "Please leave out your name, email address and account details."
        ),
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
        label=_("Which step?"),
        coerce=int,
        widget=forms.Select(attrs={"autofocus": True}),
        error_messages={
            "required": _("Please choose the step."),
            "invalid_choice": _("Please choose one of the steps listed."),
        },
    )
    comment = forms.CharField(
        label=_("What is wrong?"),
        help_text=_(
            "For example a button that has another name now, or a page that has moved. "
            "Up to 1,000 characters."
        ),
        max_length=COMMENT_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Please say what is wrong."), **_COMMENT_ERRORS},
    )

    def __init__(self, *args, steps: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["step_number"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", gettext("Choose a step"))] + [
            (number, f"{number}. {step.title}") for number, step in enumerate(steps, start=1)
        ]

    kind = FeedbackKind.PROBLEM


def _form_for(mode: str, data, steps: list, initial=None) -> AnswerForm | ProblemForm:
    if mode == PROBLEM:
        return ProblemForm(data, steps=steps, initial=initial)
    return AnswerForm(data, initial=initial)


# Views ----------------------------------------------------------------------------------------


def _leaf_or_404(request, provider: str, route_path: str, region: str | None):
    provider_obj = (
        Provider.objects.visible_to(viewer(request))
        .select_related("category")
        .filter(slug=provider)
        .first()
    )
    if provider_obj is None:
        raise Http404("No such provider.")
    # The steps as the visitor saw them, where they said they live (a step's number is its
    # place among those); an address without it names every step of the page.
    flow = flow_or_404(Guide(provider_obj), route_path, region, ask=False)
    if not flow.is_leaf or flow.route is None:
        raise Http404("Feedback is about the steps of a guide.")
    return provider_obj, flow


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def feedback(request, provider: str, route_path: str) -> HttpResponse:
    region = region_or_404(request)
    provider_obj, flow = _leaf_or_404(request, provider, route_path, region)
    path = "/".join(route_path_or_404(route_path))
    where = f"{REGION_PARAMETER}={region.lower()}" if region else ""
    url = reverse("guides:feedback", args=[provider_obj.slug, path])
    steps_url = reverse("guides:route", args=[provider_obj.slug, path])
    if where:
        steps_url = f"{steps_url}?{where}"
    context = {
        "provider": provider_obj,
        "flow": flow,
        "feedback_url": f"{url}?{where}" if where else url,
        "steps_url": steps_url,
        # The answers that lead to these steps, as the page's first sentence names them.
        "answers_text": ", ".join(answer.label for answer in flow.answers),
        "meta": PageMeta(
            title=gettext("Feedback on how to cancel %(name)s") % {"name": provider_obj.name}
            + f" | {SITE_NAME}",
            description=gettext(
                "Tell the editors whether the steps to cancel %(name)s worked for you."
            )
            % {"name": provider_obj.name},
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
            context.update(form=form, mode=mode, retry_minutes=verdict.retry_minutes)
            return ratelimit.refused(_render(request, context), verdict)
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
            sent = f"sent={'problem' if mode == PROBLEM else 'answer'}"
            return redirect(f"{url}?{sent}&{where}" if where else f"{url}?{sent}")
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
    return render_page(request, "guides/feedback.html", "panel", context, status=status)


# What the admin reads ---------------------------------------------------------------------
