"""A state of a guide's flow as a visitor's page reads it: the answers given so far, each
with a link to change it, and then the next question with its answers as links, or the
steps. Built from the flow engine (guides/flow/tree.py); views and templates only show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from django.utils.translation import gettext

from guides.flow.guide import Guide
from guides.flow.rules import DEFAULT_QUESTIONS, parse_route_path
from guides.flow.tree import RouteTree
from guides.models import Provider, PurchaseChannel, Route, Step


@dataclass(frozen=True)
class Choice:
    """One answer a visitor can pick: a real link to the next state of the flow."""

    label: str
    url: str
    hint: str = ""
    slug: str = ""  # the URL segment it adds to the flow's path


@dataclass(frozen=True)
class Answer:
    """An answer already given, shown above the steps with a link to change it."""

    question: str
    label: str
    change_url: str


@dataclass
class Flow:
    guide: Guide
    answers: list[Answer] = field(default_factory=list)
    question: str = ""
    choices: list[Choice] = field(default_factory=list)
    steps: list[Step] | None = None
    route: Route | None = None
    channel: PurchaseChannel | None = None
    variant: PurchaseChannel | None = None
    route_path: str = ""  # the answers' slugs, "a/b/c": where visitors' feedback points

    @property
    def provider(self) -> Provider:
        return self.guide.provider

    @property
    def tree(self) -> RouteTree:
        return self.guide.tree

    @property
    def is_leaf(self) -> bool:
        return self.steps is not None

    @property
    def has_contacts(self) -> bool:
        return any(step.contact is not None for step in self.steps or [])

    @property
    def heading(self) -> str:
        if self.is_leaf:
            return gettext("How to cancel %(name)s") % {"name": self.provider.name}
        return self.question

    @property
    def title(self) -> str:
        """The page's title, in the language of the page."""
        if not self.answers:
            return gettext("How to cancel %(name)s") % {"name": self.provider.name}
        answers = ", ".join(answer.label for answer in self.answers)
        return gettext("Cancel %(name)s: %(answers)s") % {
            "name": self.provider.name,
            "answers": answers,
        }


def shown_question(question: str) -> str:
    """A question as a visitor's page shows it: a default question (rules.py) in the page's
    language, an editor's own wording as written. What is kept stays as it is."""
    return gettext(question) if question in DEFAULT_QUESTIONS else question


def resolve_flow(guide: Guide, route_path: str = "") -> Flow:
    """The page at `route_path`: the next question, or the steps of a leaf.

    Raises NotFound (guides/flow/rules.py) for a path that names no answer of this guide.
    """
    slugs = parse_route_path(route_path)
    resolved = guide.tree.resolve(slugs)
    state = resolved.state
    flow = Flow(
        guide=guide,
        answers=[
            Answer(shown_question(question), label, guide.url(before))
            for question, label, before in resolved.given
        ],
        route=state.route,
        route_path="/".join(slugs),
    )
    if state.answers:
        flow.question = shown_question(state.question)
        flow.choices = [
            Choice(route.label, guide.url([*slugs, route.slug]), hint(route), route.slug)
            for route in state.answers
        ]
        return flow
    flow.channel = state.channel
    if state.variants:
        flow.question = shown_question(state.question)
        flow.choices = [
            Choice(variant.name, guide.url([*slugs, variant.slug]), variant.hint, variant.slug)
            for variant in state.variants
        ]
        return flow
    flow.variant = state.variant
    flow.steps = guide.steps(state.path, state.channel, state.variant)
    return flow


def hint(route: Route) -> str:
    """How to recognise the channel an answer names (its own hint, or its whole channel's)."""
    if route.channel is None:
        return ""
    return route.channel.hint or (route.channel.whole.hint if route.channel.parent_id else "")


def mailto_href(step: Step) -> str:
    """A mailto: link that opens the step's email template, addressed to its contact."""
    to = ""
    if step.contact is not None and step.contact.kind == "email":
        to = quote(step.contact.value, safe="@")
    query = f"subject={quote(step.email_subject)}"
    if step.email_body:
        query += f"&body={quote(step.email_body)}"
    return f"mailto:{to}?{query}"
