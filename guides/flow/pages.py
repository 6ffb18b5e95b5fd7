"""A state of a guide's flow as a visitor's page reads it: the answers given so far, each
with a link to change it, and then the next question with its answers as links, or the
steps. Built from the flow engine (guides/flow/tree.py); views and templates only show it.

Its texts are in the page's language, or in English where they are not translated yet:
each a `Shown` string that says which (guides/models/translated.py), for the page to mark.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from django.utils.translation import get_language, gettext

from guides.flow.guide import Guide
from guides.flow.rules import DEFAULT_QUESTIONS, REGION_QUESTION, parse_route_path
from guides.flow.tree import Resolved, RouteTree, State
from guides.models import Provider, PurchaseChannel, Route, Step
from guides.models.translated import shown
from guides.regions import REGION_PARAMETER, Option, applies, name, options


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
    region: str | None = None  # where the visitor lives, if they said it
    region_options: list[Option] = field(default_factory=list)  # "Where do you live?"

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
    def region_query(self) -> str:
        """Where the visitor lives, to add to the query of a link about this page (the
        feedback on its steps): "&region=de", or "" where they have not said."""
        return f"&{REGION_PARAMETER}={self.region.lower()}" if self.region else ""

    @property
    def has_contacts(self) -> bool:
        return any(
            step.contact is not None and applies(step.contact.regions, self.region)
            for step in self.steps or []
        )

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


def asked(guide: Guide, state: State) -> str:
    """The question `state` asks, in the page's language: the editor's words, translated or
    in English (`Shown`), or the default question the tree gives where there are none. Read
    from the rows in the page's language, not from what the tree kept when it was built."""
    if state.asks_region:
        return shown_question(state.question)
    if state.variants and state.channel is not None:
        words = shown(state.channel, "variant_question")
    elif state.route is not None:
        words = shown(state.route, "question")
    else:
        words = shown(guide.provider, "first_question")
    return shown_question(words or state.question)


def answers_given(guide: Guide, resolved: Resolved, region: str | None) -> list[Answer]:
    """The answers on the way to `resolved`: each route of its path, then the variant chosen
    among its channel's, if one was, each with the question it answered; and where the
    visitor lives, at the point it was asked (or last, where nothing needed it)."""
    path = resolved.state.path
    found = []
    for index, (_, _, before) in enumerate(resolved.given):
        if index < len(path):
            question = asked(guide, guide.tree.state(path[:index], region=region, ask=False))
            chosen = shown(path[index], "label")
        else:
            assert resolved.state.variant is not None  # an answer past the routes: a variant
            question = asked(guide, guide.tree.state(path, region=region, ask=False))
            chosen = shown(resolved.state.variant, "name")
        found.append(Answer(question, chosen, address(guide, before, region)))
    if region is not None:
        slugs = resolved.state.slugs
        at = len(slugs) if resolved.region_asked_at is None else resolved.region_asked_at
        where = Answer(shown_question(REGION_QUESTION), name(region), guide.url(slugs[:at]))
        found.insert(at, where)
    return found


def address(guide: Guide, slugs: Sequence[str], region: str | None) -> str:
    """The address of a state of the flow, with where the visitor lives if they said it."""
    url = guide.url(slugs)
    return f"{url}?{REGION_PARAMETER}={region.lower()}" if region else url


def resolve_flow(
    guide: Guide,
    route_path: str = "",
    region: str | None = None,
    *,
    ask: bool = True,
    offered: Callable[[], Iterable[str]] = frozenset,
) -> Flow:
    """The page at `route_path` for a visitor who lives in `region` (None: not said): the
    next question ("Where do you live?" among them), or the steps of a leaf. With `ask`
    False (the admin's map of the flow), every part, wherever it applies, and no question
    of where the visitor lives. `offered` gives more places to offer as answers to it, beside
    those the guide names (where rights notes are published), read only when it is asked.

    Raises NotFound (guides/flow/rules.py) for a path that names no answer of this guide.
    """
    slugs = parse_route_path(route_path)
    resolved = guide.tree.resolve(slugs, region, ask=ask)
    state = resolved.state
    flow = Flow(
        guide=guide,
        answers=answers_given(guide, resolved, region),
        route=state.route,
        route_path="/".join(slugs),
        region=region,
    )
    if state.asks_region:
        flow.question = asked(guide, state)
        named = guide.named_regions | frozenset(offered())
        flow.region_options = options(named, get_language())
        flow.choices = [
            Choice(
                option.label,
                address(guide, slugs, option.code),
                gettext("suggested by the language of this page") if option.suggested else "",
                option.slug,
            )
            for option in flow.region_options
        ]
        return flow
    if state.answers:
        flow.question = asked(guide, state)
        flow.choices = [
            Choice(shown(r, "label"), address(guide, [*slugs, r.slug], region), hint(r), r.slug)
            for r in state.answers
        ]
        return flow
    flow.channel = state.channel
    if state.variants:
        flow.question = asked(guide, state)
        flow.choices = [
            Choice(
                shown(variant, "name"),
                address(guide, [*slugs, variant.slug], region),
                shown(variant, "hint"),
                variant.slug,
            )
            for variant in state.variants
        ]
        return flow
    flow.variant = state.variant
    flow.steps = guide.steps(state.path, state.channel, state.variant, region)
    return flow


def hint(route: Route) -> str:
    """How to recognise the channel an answer names (its own hint, or its whole channel's)."""
    if route.channel is None:
        return ""
    own = shown(route.channel, "hint")
    return own or (shown(route.channel.whole, "hint") if route.channel.parent_id else own)


def mailto_href(step: Step) -> str:
    """A mailto: link that opens the step's email template, addressed to its contact."""
    to = ""
    if step.contact is not None and step.contact.kind == "email":
        to = quote(step.contact.value, safe="@")
    query = f"subject={quote(step.email_subject)}"
    if step.email_body:
        query += f"&body={quote(step.email_body)}"
    return f"mailto:{to}?{query}"
