"""One provider's guide read from the database for the flow engine (guides/flow/tree.py):
its routes, the variants of their channels, the steps of its pages, its notes and questions.

Loaded at once: the routes (one query). When a page first needs them: the variants of the
routes' channels (one query, all of them), the steps of a page (one query a page, or one for
every page at once with `load_all_steps`), the notes and the questions (one query each).
What is loaded is kept on the guide, so that a guide kept in memory (guides/caching/memory.py)
answers every later page of its flow without a query. Nothing else is written into it:
pages share it, and what they derive from it is kept beside it (memory.derived).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils.translation import get_language

from guides.flow.rules import NotFound, arrange_steps
from guides.flow.tree import RouteTree, State, Summary
from guides.models import (
    ChannelKind,
    NoteKind,
    Provider,
    PurchaseChannel,
    Route,
    Status,
    Step,
    previews_drafts,
)
from guides.regions import applies, codes_of

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from guides.publishing.channels import ChannelOverlay

RELATED_GUIDES = 6


class Guide:
    def __init__(self, provider: Provider, overlay: ChannelOverlay | None = None) -> None:
        self.provider = provider
        routes = (
            Route.objects.filter(provider=provider)
            .select_related("channel__parent")
            .order_by("position", "pk")
        )
        self.tree = RouteTree(provider.first_question, routes, self.variants, self.regional_steps)
        # A draft of a channel shown in its live channel's place, for its review page
        # (guides/publishing/channels.py); never for visitors, and never kept.
        self.overlay = overlay
        if overlay is not None:
            overlay.apply(self.tree)
        self._variants: dict[int, list[PurchaseChannel]] | None = None
        self._steps: dict[tuple, list[Step]] = {}
        self._all_steps: list[Step] | None = None
        self._notes: dict[str, list] | None = None
        self._questions: list | None = None
        # keyed by language too: a kept guide serves every language, and the address of a
        # page has its language's prefix (/de/…)
        self._urls: dict[tuple[str | None, tuple[str, ...]], str] = {}
        self._summary: Summary | None = None

    def url(self, slugs: Sequence[str]) -> str:
        """The address of the state of the flow that these answers lead to."""
        answers = tuple(slugs)
        key = (get_language(), answers)
        found = self._urls.get(key)
        if found is None:
            if not answers:
                found = reverse("guides:provider", args=[self.provider.slug])
            else:
                found = reverse("guides:route", args=[self.provider.slug, "/".join(answers)])
            self._urls[key] = found
        return found

    @property
    def summary(self) -> Summary:
        if self._summary is None:
            self._summary = self.tree.summary()
        return self._summary

    @property
    def channel_ids(self) -> set[int]:
        """The channels its routes name, and the whole channels of those that are variants."""
        channels = [route.channel for route in self.tree.routes if route.channel is not None]
        named = {channel.pk for channel in channels}
        return named | {channel.parent_id for channel in channels if channel.parent_id}

    @property
    def sold_through(self) -> list[PurchaseChannel]:
        """The channels (whole, not their variants) its routes sell through, each with a page
        of its own that cancels anything bought there: not "the provider's own website"."""
        found: dict[int, PurchaseChannel] = {}
        for route in self.tree.routes:
            if route.channel is not None:
                whole = route.channel.whole
                if whole.kind != ChannelKind.PROVIDER and whole.draft_of_id is None:
                    found.setdefault(whole.pk, whole)
        return sorted(found.values(), key=lambda channel: (channel.position, channel.name))

    @property
    def variants_by_channel(self) -> dict[int, list[PurchaseChannel]]:
        """The variants of every channel its routes name, by channel: one query, once."""
        if self._variants is None:
            self._variants = {}
            if channels := self.channel_ids:
                variants = PurchaseChannel.objects.filter(parent__in=channels)
                for variant in variants.order_by("position", "name"):
                    assert variant.parent_id is not None  # filtered on its parent
                    self._variants.setdefault(variant.parent_id, []).append(variant)
            if self.overlay is not None:
                self._variants[self.overlay.top.pk] = self.overlay.variants
        return self._variants

    def variants(self, channel: PurchaseChannel) -> list[PurchaseChannel]:
        return self.variants_by_channel.get(channel.pk, [])

    def steps(
        self,
        path: Sequence[Route],
        channel: PurchaseChannel | None,
        variant: PurchaseChannel | None,
        region: str | None = None,
    ) -> list[Step]:
        """The steps of the page these answers lead to, in the order visitors read them:
        those meant for `region` (None: every one)."""
        key = (tuple(route.pk for route in path), channel and channel.pk, variant and variant.pk)
        if self.overlay is not None:
            self.load_all_steps()
        if key not in self._steps:
            if self._all_steps is not None:
                found = self._all_steps
            else:
                owners = Q(route_id__in=[route.pk for route in path]) | Q(
                    channel_id__in=[c.pk for c in (channel, variant) if c is not None]
                )
                found = hide_unshown_contacts(
                    list(
                        Step.objects.filter(owners)
                        .select_related(*CONTACT_OWNER)
                        .order_by("position", "pk")
                    )
                )
            self._steps[key] = arrange_steps(found, path, channel, variant)
        if region is None:
            return self._steps[key]
        return [step for step in self._steps[key] if applies(step.regions, region)]

    def regional_steps(self, state: State) -> bool:
        """Whether the steps of this page of steps depend on where the visitor lives."""
        return any(
            step.regions or (step.contact is not None and step.contact.regions)
            for step in self.steps(state.path, state.channel, state.variant)
        )

    @property
    def named_regions(self) -> frozenset[str]:
        """Every region a part of this guide is meant for: the answers to "Where do you
        live?" are made of them. Loads every step (once)."""
        self.load_all_steps()
        assert self._all_steps is not None
        parts: list = [*self.tree.routes, *self._all_steps]
        parts += [v for variants in self.variants_by_channel.values() for v in variants]
        parts += [note for notes in self.notes.values() for note in notes]
        parts += [step.contact for step in self._all_steps if step.contact is not None]
        return frozenset(code for part in parts for code in codes_of(part.regions))

    def load_all_steps(self) -> None:
        """Load the steps of every page at once (one query), for a page that shows them all
        (the admin's whole flow, the API)."""
        if self._all_steps is None:
            channel_ids = self.channel_ids | {
                variant.pk for variants in self.variants_by_channel.values() for variant in variants
            }
            rows = Step.objects.filter(
                Q(route__provider=self.provider) | Q(channel_id__in=channel_ids)
            ).select_related(*CONTACT_OWNER)
            if self.overlay is not None:
                found = self.overlay.steps_with(rows)
            else:
                found = list(rows.order_by("position", "pk"))
            self._all_steps = hide_unshown_contacts(found)

    @property
    def notes(self) -> dict[str, list]:
        if self._notes is None:
            self._notes = {kind: [] for kind in NoteKind.values}
            for note in self.provider.notes.all():
                self._notes.setdefault(note.kind, []).append(note)
        return self._notes

    @property
    def questions(self) -> list:
        if self._questions is None:
            self._questions = list(self.provider.questions.all())
        return self._questions


# What deciding whether a step's contact is shown reads: its owner's website (a variant's
# channel's too). Load it with the step.
CONTACT_OWNER = ("contact__provider", "contact__channel__parent")


def hide_unshown_contacts(steps: list[Step]) -> list[Step]:
    """Visitors see a step's contact only if it is verified, or if it is a web form or chat
    on its owner's own domain (then marked "Not yet verified"): OfficialContact.shown."""
    for step in steps:
        if step.contact is not None and not step.contact.shown:
            step.contact = None
    return steps


def notes_for(guide: Guide, region: str | None) -> dict[str, list]:
    """The guide's notes meant for where the visitor lives (every one, before they say)."""
    if region is None:
        return guide.notes
    return {
        kind: [note for note in notes if applies(note.regions, region)]
        for kind, notes in guide.notes.items()
    }


def note_sections(notes: dict[str, list]) -> list[tuple[StrOrPromise, list]]:
    """The "things to know" shown on the provider page, as (heading, notes) pairs.
    What happens after cancelling is shown with the steps instead."""
    kinds = (NoteKind.BEFORE, NoteKind.REFUND, NoteKind.ALTERNATIVE)
    return [(kind.label, notes[kind]) for kind in kinds if notes.get(kind)]


def load_provider(slug: str, viewer) -> Provider:
    """The provider of `slug` that `viewer` may read (a draft too, for an editor who may
    preview it), with up to RELATED_GUIDES published guides of the same category, popular
    first, as `provider.related_guides`: all in one query, in which the provider itself sorts
    first. Raises NotFound."""
    if previews_drafts(viewer):  # the guide may be a draft, and its live row is not shown
        shown = Provider.objects.previewed()
        me = shown.filter(slug=slug)
        shown = shown.filter(Q(slug=slug) | Q(status=Status.PUBLISHED))
    else:
        # Every published guide is live (a draft of changes is never published). The guide
        # is looked up among the live ones, by the unique index of their slugs; its related
        # guides by their status alone, with the index of a category's guides: beside
        # `draft_of IS NULL`, SQLite would walk the unique index of draft_of over every guide.
        me = Provider.objects.live().filter(slug=slug)
        shown = Provider.objects.published()
    rows = list(
        shown.select_related("category")
        .filter(category__in=me.values("category_id"))
        .annotate(is_me=Case(When(slug=slug, then=Value(1)), default=Value(0)))
        .order_by("-is_me", "-popular", "name")[: RELATED_GUIDES + 1]
    )
    if not rows or rows[0].slug != slug:
        raise NotFound("No such provider.")
    provider = rows[0]
    provider.related_guides = rows[1:]
    return provider
