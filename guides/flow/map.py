"""The whole flow of one provider on one admin screen: every question and answer, every page
of steps numbered as visitors see it, where each contact is used, and the open feedback
pinned to the step it is about.

The map is built by walking the visitors' own engine (guides/flow/pages.py, from the
provider's page through every choice it offers), so that what an editor reads here is what
a visitor reads there: the channel's steps where they come first, the variant question a
channel adds, the variant's steps. A handful of queries, however many steps there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse

from guides.flow.guide import Guide
from guides.flow.pages import Flow, resolve_flow
from guides.models import (
    Feedback,
    FeedbackStatus,
    OfficialContact,
    Provider,
    PurchaseChannel,
    Route,
    Step,
)


def change_url(obj) -> str:
    """The admin page where `obj` is edited."""
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


@dataclass
class MapStep:
    """One step of a page of steps, numbered as visitors see it."""

    number: int
    step: Step
    origin: str  # "this answer", "answer “Windows”", "channel App Store", "variant …"
    owner_url: str  # where the route or channel it belongs to is edited
    edit_url: str  # where the step itself is edited
    feedback: list[Feedback] = field(default_factory=list)


@dataclass
class Leaf:
    """A page of steps: the answers that lead to it and its numbered steps."""

    path: str  # the answers' slugs, "a/b/c", as feedback stores it
    url: str  # the visitors' page
    answers: list[str]
    steps: list[MapStep]
    feedback: list[Feedback] = field(default_factory=list)  # open, about no one step

    @property
    def open_count(self) -> int:
        """Open feedback on this page, pinned to a step or not."""
        return len(self.feedback) + sum(len(item.feedback) for item in self.steps)

    @property
    def anchor(self) -> str:
        return "page-" + self.path.replace("/", "--")


@dataclass
class Node:
    """A state of the flow: a question with its answers, or a page of steps."""

    answer: str  # the answer that leads here ("" at the top)
    path: str
    url: str
    question: str = ""
    edit_url: str = ""  # where the answer that leads here (the provider, at the top) is edited
    channel: PurchaseChannel | None = None  # set when the channel asks it (variants)
    channel_url: str = ""
    children: list[Node] = field(default_factory=list)
    leaf: Leaf | None = None

    @property
    def origin(self) -> str:
        if self.channel is None:
            return ""
        return f"comes from channel {self.channel.name}"


@dataclass
class ContactUse:
    contact: OfficialContact
    owner: str  # "this provider" or "channel App Store"
    edit_url: str
    steps: list[tuple[Step, str, list[tuple[Leaf, int]]]]  # step, its edit URL, where shown

    @property
    def verified(self) -> bool:
        return self.contact.verified_on is not None

    @property
    def shown(self) -> bool:
        """Verified, or a web page on its owner's own domain: visitors see it."""
        return self.contact.shown


@dataclass
class FlowMap:
    provider: Provider
    root: Node
    leaves: list[Leaf]
    contacts: list[ContactUse]
    stray_feedback: list[Feedback]  # open, about a page that is no longer in the flow

    @property
    def step_count(self) -> int:
        return sum(len(leaf.steps) for leaf in self.leaves)


def _origin(step: Step, flow: Flow) -> tuple[str, str]:
    if step.route_id:
        route = next(r for r in _path_routes(flow) if r.pk == step.route_id)
        if flow.route is not None and route.pk == flow.route.pk:
            return "this answer", change_url(route)
        return f"answer “{route.label}”", change_url(route)
    channel = flow.channel
    assert channel is not None  # a step not of a route is of the page's channel
    if flow.variant is not None and step.channel_id == flow.variant.pk:
        return f"variant {channel.name} → {flow.variant.name}", change_url(flow.variant)
    return f"channel {channel.name}", change_url(channel)


def _path_routes(flow: Flow) -> list:
    """The routes from the top of the flow down to its leaf route."""
    routes, node = [], flow.route
    by_pk: dict[int | None, Route] = {route.pk: route for route in flow.tree.routes}
    while node is not None:
        routes.append(node)
        node = by_pk.get(node.parent_id)
    return routes


def build(provider: Provider, overlay=None) -> FlowMap:
    """The map of `provider`'s flow, read afresh (drafts too: it is for editors); with
    `overlay`, as it will read once a draft of one of its channels is published."""
    guide = Guide(provider, overlay=overlay)
    guide.load_all_steps()
    leaves: list[Leaf] = []

    def walk(route_path: str, answer: str) -> Node:
        flow = resolve_flow(guide, route_path, ask=False)
        node = Node(
            answer=answer,
            path=flow.route_path,
            url=guide.url(_slugs(route_path)),
            edit_url=change_url(flow.route or provider),
        )
        if flow.steps is not None:  # a leaf
            steps = []
            for number, step in enumerate(flow.steps, start=1):
                origin, owner_url = _origin(step, flow)
                steps.append(MapStep(number, step, origin, owner_url, change_url(step)))
            node.leaf = Leaf(
                path=flow.route_path,
                url=node.url,
                answers=[a.label for a in flow.answers],
                steps=steps,
            )
            leaves.append(node.leaf)
            return node
        node.question = flow.question
        if flow.channel is not None:  # the channel's variant question
            node.channel = flow.channel
            node.channel_url = change_url(flow.channel)
        for choice in flow.choices:
            child_path = f"{flow.route_path}/{choice.slug}" if flow.route_path else choice.slug
            node.children.append(walk(child_path, choice.label))
        return node

    root = walk("", "")
    stray = _pin_feedback(provider, leaves)
    return FlowMap(
        provider=provider,
        root=root,
        leaves=leaves,
        contacts=_contacts(provider, guide, leaves),
        stray_feedback=stray,
    )


def _slugs(route_path: str) -> list[str]:
    return [slug for slug in route_path.split("/") if slug]


def _pin_feedback(provider: Provider, leaves: list[Leaf]) -> list[Feedback]:
    """Open feedback under the step it is about, on the page it was given on; what names no
    step under its page; what names a page no longer in the flow, returned."""
    by_path = {leaf.path: leaf for leaf in leaves}
    stray = []
    for item in Feedback.objects.filter(provider=provider, status=FeedbackStatus.NEW).order_by(
        "-created_at"
    ):
        leaf = by_path.get(item.route_path)
        if leaf is None:
            stray.append(item)
            continue
        pinned = next((s for s in leaf.steps if item.step_id and s.step.pk == item.step_id), None)
        if pinned is not None:
            pinned.feedback.append(item)
        else:
            leaf.feedback.append(item)
    return stray


def _contacts(provider: Provider, guide: Guide, leaves: list[Leaf]) -> list[ContactUse]:
    """Every contact of the provider and of the channels its flow uses, with the steps of the
    flow that name it and the pages those steps are on."""
    channel_ids = guide.channel_ids | {
        variant.pk for variants in guide.variants_by_channel.values() for variant in variants
    }
    contacts = list(
        OfficialContact.objects.filter(Q(provider=provider) | Q(channel_id__in=channel_ids))
        .select_related("provider", "channel__parent")
        .order_by("channel_id", "kind", "regions", "value")
    )
    naming = (
        Step.objects.filter(contact__in=[contact.pk for contact in contacts])
        .filter(Q(route__provider=provider) | Q(channel_id__in=channel_ids))
        .order_by("position", "pk")
        .only("pk", "title", "contact_id", "route_id", "channel_id")
    )
    shown: dict[int, list[tuple[Leaf, int]]] = {}
    for leaf in leaves:
        for item in leaf.steps:
            shown.setdefault(item.step.pk, []).append((leaf, item.number))
    steps_of: dict[int | None, list] = {}
    for step in naming:
        steps_of.setdefault(step.contact_id, []).append(
            (step, change_url(step), shown.get(step.pk, []))
        )
    return [
        ContactUse(
            contact=contact,
            owner=f"channel {contact.channel}" if contact.channel_id else "this provider",
            edit_url=change_url(contact),
            steps=steps_of.get(contact.pk, []),
        )
        for contact in contacts
    ]
