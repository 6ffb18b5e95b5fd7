"""What the site derives from the guides: the state of a visitor's flow, the steps of a
leaf, the summary of a provider. Views call these; templates only display their results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.db.models import Case, Q, Value, When
from django.http import Http404
from django.urls import reverse

from . import store
from .models import (
    MAX_ROUTE_DEPTH,
    NoteKind,
    Provider,
    PurchaseChannel,
    Route,
    Status,
    Step,
    previews_drafts,
)

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")


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
            return f"How to cancel {self.provider.name}"
        return self.question

    @property
    def title(self) -> str:
        if not self.answers:
            return f"How to cancel {self.provider.name}"
        answers = ", ".join(answer.label for answer in self.answers)
        return f"Cancel {self.provider.name}: {answers}"


@dataclass
class Summary:
    """The summary box, derived from the routes and their channels, never typed twice."""

    cancel_online: str  # "Yes", "Depends" or "No"
    methods: list[str]


def parse_route_path(route_path: str) -> list[str]:
    """Split `a/b/c` into slugs, or 404 for anything that cannot be a flow URL."""
    segments = [segment for segment in route_path.split("/") if segment]
    if len(segments) > MAX_ROUTE_DEPTH + 1 or not all(SLUG_RE.match(s) for s in segments):
        raise Http404("No such answer.")
    return segments


def _flow_url(provider: Provider, slugs: list[str]) -> str:
    if not slugs:
        return reverse("guides:provider", args=[provider.slug])
    return reverse("guides:route", args=[provider.slug, "/".join(slugs)])


class RouteTree:
    """All the routes of one provider, loaded in one query and walked in memory."""

    def __init__(self, provider: Provider) -> None:
        self.provider = provider
        self.routes = list(
            Route.objects.filter(provider=provider)
            .select_related("channel__parent")
            .order_by("position", "pk")
        )
        self.children: dict[int | None, list[Route]] = {}
        for route in self.routes:
            self.children.setdefault(route.parent_id, []).append(route)

    def effective_channel(
        self, path: list[Route]
    ) -> tuple[PurchaseChannel | None, PurchaseChannel | None]:
        """The channel of the last route on `path` (or of its nearest ancestor that has one),
        and the variant, where the route names a variant rather than a whole channel."""
        for route in reversed(path):
            if route.channel_id:
                if route.channel.parent_id:
                    return route.channel.parent, route.channel
                return route.channel, None
        return None, None

    def summary(self) -> Summary:
        online: set[bool] = set()
        methods: list[str] = []
        for route in self.routes:
            if route.channel_id is None:
                continue
            channel = route.channel.parent if route.channel.parent_id else route.channel
            if channel.method not in methods:
                methods.append(channel.method)
            online.add(route.channel.online)
        if online == {True}:
            cancel_online = "Yes"
        elif online == {False}:
            cancel_online = "No"
        elif online:
            cancel_online = "Depends"
        else:
            cancel_online = "Unknown"
        return Summary(cancel_online=cancel_online, methods=methods)


class Guide:
    """One provider's guide: everything a page of it can show, loaded when first needed and
    then kept, so that a guide kept in memory (guides/store.py) answers every later page of
    its flow without a query. Read-only once loaded: pages share it.

    Loaded at once: the routes (one query). When asked for: the variants of the routes'
    channels (one query, all of them), the steps of a leaf (one query per leaf), the notes
    and the questions (one query each). Templates keep the HTML of the parts of its pages
    that show nothing but the guide in `fragments` (the `{% kept %}` tag)."""

    def __init__(self, provider: Provider, overlay=None) -> None:
        self.provider = provider
        self.tree = RouteTree(provider)
        # A draft of a channel shown in its live channel's place, for its review page
        # (channel_publishing.ChannelOverlay); never for visitors, and never kept.
        self.overlay = overlay
        if overlay is not None:
            overlay.apply(self.tree)
        self._variants: dict[int, list[PurchaseChannel]] | None = None
        self._steps: dict[tuple, list[Step]] = {}
        self._all_steps: list[Step] | None = None
        self._notes: dict[str, list] | None = None
        self._questions: list | None = None
        self._urls: dict[tuple[str, ...], str] = {}
        self._summary: Summary | None = None
        # What its pages derive from the guide alone, worked out once: their page metadata
        # (views.provider_flow) and the HTML of the parts that show the guide ({% kept %}).
        self.meta: dict[tuple, object] = {}
        self.fragments: dict[tuple, str] = {}

    def url(self, slugs: list[str]) -> str:
        """The address of the state of the flow that these answers lead to."""
        key = tuple(slugs)
        found = self._urls.get(key)
        if found is None:
            found = self._urls[key] = _flow_url(self.provider, slugs)
        return found

    @property
    def summary(self) -> Summary:
        if self._summary is None:
            self._summary = self.tree.summary()
        return self._summary

    @property
    def channel_ids(self) -> set[int]:
        """The channels its routes name, and the whole channels of those that are variants."""
        routes = [route for route in self.tree.routes if route.channel_id]
        named = {route.channel_id for route in routes}
        return named | {route.channel.parent_id for route in routes if route.channel.parent_id}

    @property
    def variants_by_channel(self) -> dict[int, list[PurchaseChannel]]:
        """The variants of every channel its routes name, by channel: one query, once."""
        if self._variants is None:
            self._variants = {}
            if channels := self.channel_ids:
                variants = PurchaseChannel.objects.filter(parent__in=channels)
                for variant in variants.order_by("position", "name"):
                    self._variants.setdefault(variant.parent_id, []).append(variant)
            if self.overlay is not None:
                self._variants[self.overlay.top.pk] = self.overlay.variants
        return self._variants

    def variants(self, channel: PurchaseChannel) -> list[PurchaseChannel]:
        return self.variants_by_channel.get(channel.pk, [])

    def steps(
        self, path: list[Route], channel: PurchaseChannel | None, variant: PurchaseChannel | None
    ) -> list[Step]:
        key = (tuple(route.pk for route in path), channel and channel.pk, variant and variant.pk)
        if self.overlay is not None:
            self.load_all_steps()
        if key not in self._steps:
            if self._all_steps is not None:
                self._steps[key] = arrange_steps(self._all_steps, path, channel, variant)
            else:
                self._steps[key] = steps_for(path, channel, variant)
        return self._steps[key]

    def load_all_steps(self) -> None:
        """Load the steps of every leaf at once (one query), for a page that shows them all
        (the admin's flow map); each leaf's steps are then arranged as steps_for() does."""
        if self._all_steps is None:
            channel_ids = self.channel_ids | {
                variant.pk for variants in self.variants_by_channel.values() for variant in variants
            }
            found = Step.objects.filter(
                Q(route__provider=self.provider) | Q(channel_id__in=channel_ids)
            ).select_related("contact")
            if self.overlay is not None:
                found = self.overlay.steps_with(found)
            else:
                found = list(found.order_by("position", "pk"))
            self._all_steps = hide_unverified_contacts(found)

    @property
    def notes(self) -> dict[str, list]:
        if self._notes is None:
            self._notes = notes_by_kind(self.provider)
        return self._notes

    @property
    def questions(self) -> list:
        if self._questions is None:
            self._questions = list(self.provider.questions.all())
        return self._questions


def resolve_flow(guide: Guide, route_path: str = "") -> Flow:
    """The state of the flow at `route_path`: the next question, or the steps of a leaf.

    Raises Http404 for a path that names no answer of this provider.
    """
    slugs = parse_route_path(route_path)
    provider, tree = guide.provider, guide.tree
    flow = Flow(guide=guide, route_path="/".join(slugs))
    path: list[Route] = []
    question = provider.first_question

    for index, slug in enumerate(slugs):
        here = path[-1] if path else None
        candidates = tree.children.get(here.pk if here else None, [])
        if here is None or candidates:
            route = next((r for r in candidates if r.slug == slug), None)
            if route is None:
                raise Http404("No such answer.")
            flow.answers.append(Answer(question, route.label, guide.url(slugs[:index])))
            path.append(route)
            question = route.question or "Which of these applies to you?"
            continue
        # A route without answers of its own: the segment may choose its channel's variant.
        channel, preset = tree.effective_channel(path)
        if flow.variant is not None or preset is not None or channel is None:
            raise Http404("No such answer.")
        variant = next((v for v in guide.variants(channel) if v.slug == slug), None)
        if variant is None:
            raise Http404("No such answer.")
        flow.answers.append(
            Answer(
                channel.variant_question or "Which one?",
                variant.name,
                guide.url(slugs[:index]),
            )
        )
        flow.variant = variant

    here = path[-1] if path else None
    flow.route = here
    if here is None:
        flow.question = question
        flow.choices = [
            Choice(route.label, guide.url([route.slug]), _hint(route), route.slug)
            for route in tree.children.get(None, [])
        ]
        return flow

    children = tree.children.get(here.pk, [])
    if children:
        flow.question = question
        flow.choices = [
            Choice(child.label, guide.url([*slugs, child.slug]), _hint(child), child.slug)
            for child in children
        ]
        return flow

    flow.channel, preset = tree.effective_channel(path)
    flow.variant = flow.variant or preset
    if flow.channel is not None and flow.variant is None:
        variants = guide.variants(flow.channel)
        if variants:
            flow.question = flow.channel.variant_question or "Which one?"
            flow.choices = [
                Choice(variant.name, guide.url([*slugs, variant.slug]), variant.hint, variant.slug)
                for variant in variants
            ]
            return flow

    flow.steps = guide.steps(path, flow.channel, flow.variant)
    return flow


def _hint(route: Route) -> str:
    if not route.channel_id:
        return ""
    return route.channel.hint or (route.channel.parent.hint if route.channel.parent_id else "")


def steps_for(
    path: list[Route],
    channel: PurchaseChannel | None,
    variant: PurchaseChannel | None = None,
) -> list[Step]:
    """The steps of a leaf, in one query: the channel's standard steps, then its variant's,
    then the steps of each route from the top of the flow down to the leaf (or the routes'
    steps first, where the leaf says so)."""
    channel_ids = [c.pk for c in (channel, variant) if c is not None]
    route_ids = [route.pk for route in path]
    found = list(
        Step.objects.filter(Q(route_id__in=route_ids) | Q(channel_id__in=channel_ids))
        .select_related("contact")
        .order_by("position", "pk")
    )
    return arrange_steps(hide_unverified_contacts(found), path, channel, variant)


def arrange_steps(
    found: list[Step],
    path: list[Route],
    channel: PurchaseChannel | None,
    variant: PurchaseChannel | None = None,
) -> list[Step]:
    """The steps of a leaf in the order visitors read them, picked from `found` (steps in
    position order, their contacts already hidden where unverified; others are ignored)."""
    channel_ids = [c.pk for c in (channel, variant) if c is not None]
    route_ids = [route.pk for route in path]
    by_owner: dict[tuple[str, int], list[Step]] = {}
    for step in found:
        owner = ("route", step.route_id) if step.route_id else ("channel", step.channel_id)
        by_owner.setdefault(owner, []).append(step)
    channel_steps = [s for cid in channel_ids for s in by_owner.get(("channel", cid), [])]
    route_steps = [s for rid in route_ids for s in by_owner.get(("route", rid), [])]
    if path and not path[-1].channel_steps_first:
        return route_steps + channel_steps
    return channel_steps + route_steps


def hide_unverified_contacts(steps: list[Step]) -> list[Step]:
    """Only contacts an editor has verified are ever shown to visitors."""
    for step in steps:
        if step.contact is not None and step.contact.verified_on is None:
            step.contact = None
    return steps


def notes_by_kind(provider: Provider) -> dict[str, list]:
    notes: dict[str, list] = {kind: [] for kind in NoteKind.values}
    for note in provider.notes.all():
        notes.setdefault(note.kind, []).append(note)
    return notes


def note_sections(notes: dict[str, list]) -> list[tuple[str, list]]:
    """The "things to know" shown on the provider page, as (heading, notes) pairs.
    What happens after cancelling is shown with the steps instead."""
    kinds = (NoteKind.BEFORE, NoteKind.REFUND, NoteKind.ALTERNATIVE)
    return [(kind.label, notes[kind]) for kind in kinds if notes.get(kind)]


def mailto_href(step: Step) -> str:
    """A mailto: link that opens the step's email template, addressed to its contact."""
    to = ""
    if step.contact is not None and step.contact.kind == "email":
        to = quote(step.contact.value, safe="@")
    query = f"subject={quote(step.email_subject)}"
    if step.email_body:
        query += f"&body={quote(step.email_body)}"
    return f"mailto:{to}?{query}"


RELATED_GUIDES = 6


def published_provider_or_404(request, slug: str) -> Provider:
    """The provider a visitor asked for (a draft too, for an editor who may preview it),
    with up to RELATED_GUIDES published guides of the same category, popular first, as
    `provider.related_guides`: all in one query, in which the provider itself sorts first."""
    visible = Provider.objects.visible_to(viewer(request))
    rows = list(
        visible.select_related("category")
        .filter(
            Q(slug=slug) | Q(status=Status.PUBLISHED),
            category__in=visible.filter(slug=slug).values("category_id"),
        )
        .annotate(is_me=Case(When(slug=slug, then=Value(1)), default=Value(0)))
        .order_by("-is_me", "-popular", "name")[: RELATED_GUIDES + 1]
    )
    if not rows or rows[0].slug != slug:
        raise Http404("No such provider.")
    provider = rows[0]
    provider.related_guides = rows[1:]
    return provider


def guide_or_404(request, slug: str) -> Guide:
    """The guide a visitor asked for: kept in memory for visitors (guides/store.py), read
    afresh for an editor, who may preview drafts."""

    def load(slug: str) -> Guide:
        return Guide(published_provider_or_404(request, slug))

    if previews_drafts(viewer(request)):
        return load(slug)
    return store.published_guide(slug, load)


def viewer(request):
    """The logged-in user who may preview drafts, or None. The session is looked at only when
    the request carries a session cookie: a visitor's page then sends no `Vary: Cookie` and
    stays cacheable, and costs no session query."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    return getattr(request, "user", None)
