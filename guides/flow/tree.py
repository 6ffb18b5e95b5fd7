"""The one rule of a flow: what a visitor is shown after a list of answers.

A provider's routes form a tree. After the answers so far, a visitor is shown:

1. the answers below the last route chosen, if it has any (the first question at the top);
2. else, if the route (or the nearest route above it with a channel) sends them to a whole
   channel that has variants, and no variant is chosen yet, the channel's variants (where
   all but one are meant for other places than the visitor's, that one is chosen);
3. else the steps: of the channel (and the variant chosen, or the variant the route names),
   and of every route on the way down, in the order `arrange_steps` gives.

Where the visitor lives (guides/regions.py) is asked once, at the first page whose answers,
variants or steps depend on it, and is then carried with the answers: the parts meant for
other regions are left out of every page after it. Pages for editors and the API walk the
flow without asking (`ask=False`), every part shown with where it applies.

`RouteTree` holds the routes and the channels' variants of one provider, already loaded,
and answers this for any path (`state`), for a path of slugs (`resolve`), and for every page
of the flow (`walk`). The visitors' pages, the API, the sitemap, the publication audit and
the admin's whole-flow page all ask it; none of them walks a flow by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import pgettext_lazy

from guides.flow.rules import REGION_QUESTION, ROUTE_QUESTION, VARIANT_QUESTION, NotFound
from guides.regions import applies

if TYPE_CHECKING:
    from guides.models import PurchaseChannel, Route


@dataclass(frozen=True)
class State:
    """What a visitor is shown after the answers of `path` (and a chosen `variant`)."""

    path: tuple[Route, ...]
    slugs: tuple[str, ...]
    question: str = ""  # empty on a page of steps
    answers: tuple[Route, ...] = ()  # the routes to choose from, or
    variants: tuple[PurchaseChannel, ...] = ()  # the channel's variants to choose from
    channel: PurchaseChannel | None = None  # the whole channel whose steps apply
    variant: PurchaseChannel | None = None  # its variant, chosen or named by the route
    asks_region: bool = False  # "Where do you live?" comes first
    region: str | None = None  # where the visitor lives, once they said it

    @property
    def is_leaf(self) -> bool:
        return not self.answers and not self.variants and not self.asks_region

    @property
    def route(self) -> Route | None:
        return self.path[-1] if self.path else None

    @property
    def asks_variant(self) -> bool:
        return bool(self.variants)


# Whether a guide can be cancelled online, as a visitor's page words it in its language; the
# value itself stays English (the API's `cancel_online`).
CANCEL_ONLINE_LABELS = {
    "Yes": pgettext_lazy("can it be cancelled online", "Yes"),
    "Depends": pgettext_lazy("can it be cancelled online", "Depends"),
    "No": pgettext_lazy("can it be cancelled online", "No"),
    "Unknown": pgettext_lazy("can it be cancelled online", "Unknown"),
}


@dataclass(frozen=True)
class Summary:
    """The summary box of a guide."""

    cancel_online: str  # "Yes", "Depends", "No" or "Unknown"
    methods: list[str]

    @property
    def cancel_online_label(self) -> str:
        """`cancel_online` in the language of the page."""
        return str(CANCEL_ONLINE_LABELS.get(self.cancel_online, self.cancel_online))


@dataclass
class Resolved:
    """A path of slugs read against the tree: the state it leads to, and each answer given
    on the way as (the question it answered, the label chosen, the slugs before it)."""

    state: State
    given: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    # How many answers came before "Where do you live?" was asked, if it was.
    region_asked_at: int | None = None


class RouteTree:
    """All the routes of one provider and the variants of their channels, walked in memory.

    `routes` come in the order visitors see them ((position, pk)); `variants(channel)` gives
    a whole channel's variants, in order (asked only where a page needs them)."""

    def __init__(
        self,
        first_question: str,
        routes: Iterable[Route],
        variants: Callable[[PurchaseChannel], Sequence[PurchaseChannel]],
        regional_steps: Callable[[State], bool] | None = None,
    ) -> None:
        self.first_question = first_question
        self.routes = list(routes)
        self.variants_of = variants
        # Whether the steps of a page of steps depend on where the visitor lives (a step or
        # its contact meant for some regions): the guide knows, as it loads them.
        self.regional_steps = regional_steps
        self.children: dict[int | None, list[Route]] = {}
        for route in self.routes:
            self.children.setdefault(route.parent_id, []).append(route)

    def effective_channel(
        self, path: Sequence[Route]
    ) -> tuple[PurchaseChannel | None, PurchaseChannel | None]:
        """The whole channel of the last route on `path` that names one, and the variant
        where that route names a variant rather than a whole channel."""
        for route in reversed(path):
            if route.channel is not None:
                if route.channel.parent_id:
                    return route.channel.whole, route.channel
                return route.channel, None
        return None, None

    def variants(self, channel: PurchaseChannel) -> list[PurchaseChannel]:
        return list(self.variants_of(channel))

    def summary(self) -> Summary:
        """Whether the guide can be cancelled online, and by what means: derived from its
        routes' channels, never typed twice."""
        online: set[bool] = set()
        methods: list[str] = []
        for route in self.routes:
            if route.channel is None:
                continue
            channel = route.channel.whole
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

    def state(
        self,
        path: Sequence[Route] = (),
        variant: PurchaseChannel | None = None,
        region: str | None = None,
        *,
        ask: bool = True,
    ) -> State:
        """What follows the answers of `path`, with `variant` chosen among its channel's, for
        a visitor who lives in `region`; "Where do you live?" if it is not known yet and
        this page depends on it (unless `ask` is False: then every part is shown)."""
        path = tuple(path)
        slugs = tuple(r.slug for r in path) + ((variant.slug,) if variant is not None else ())
        here = path[-1] if path else None
        asking = State(path, slugs, REGION_QUESTION, asks_region=True)
        must_ask = ask and region is None
        children = self.children.get(here.pk if here else None, [])
        if must_ask and any(route.regions for route in children):
            return asking
        below = tuple(route for route in children if applies(route.regions, region))
        if here is None or below:
            question = self.first_question if here is None else here.question or ROUTE_QUESTION
            return State(path, slugs, question=question, answers=below, region=region)
        channel, preset = self.effective_channel(path)
        chosen = variant or preset
        if channel is not None and chosen is None:
            variants = self.variants(channel)
            if must_ask and any(v.regions for v in variants):
                return asking
            offered = [v for v in variants if applies(v.regions, region)]
            if len(offered) == 1 < len(variants):
                # The others are meant for other places: the one left is not a question.
                chosen = offered[0]
            elif offered:
                question = channel.variant_question or VARIANT_QUESTION
                return State(
                    path, slugs, question, variants=tuple(offered), channel=channel, region=region
                )
        leaf = State(path, slugs, channel=channel, variant=chosen, region=region)
        if must_ask and self.regional_steps is not None and self.regional_steps(leaf):
            return asking
        return leaf

    def resolve(
        self, slugs: Sequence[str], region: str | None = None, *, ask: bool = True
    ) -> Resolved:
        """The state that a path of answers' slugs leads to, for a visitor who lives in
        `region` (None: not said yet). An answer given past "Where do you live?" unanswered
        (an address older than the question) is read among every answer there. Raises
        NotFound for a path that names no answer of this flow. With `ask` False, as `state`."""
        path: list[Route] = []
        variant: PurchaseChannel | None = None
        given: list[tuple[str, str, tuple[str, ...]]] = []
        state = self.state(region=region, ask=ask)
        asked_at = 0 if region is not None and self.state().asks_region else None
        for index, slug in enumerate(slugs):
            if variant is not None:
                raise NotFound("No such answer.")
            if state.asks_region:  # an address from before the question: every answer holds
                state = self.state(path, variant, region, ask=False)
            before = tuple(slugs[:index])
            route = next((r for r in state.answers if r.slug == slug), None)
            if route is not None:
                given.append((state.question, route.label, before))
                path.append(route)
            elif self._chosen_for_region(state, slug):
                variant = state.variant  # the one variant left where they live, named anyway
            else:
                variant = next((v for v in state.variants if v.slug == slug), None)
                if variant is None:
                    raise NotFound("No such answer.")
                given.append((state.question, variant.name, before))
            state = self.state(path, variant, region, ask=ask)
            if region is not None and asked_at is None and self.state(path, variant).asks_region:
                asked_at = index + 1
        return Resolved(state, given, asked_at)

    def _chosen_for_region(self, state: State, slug: str) -> bool:
        """Whether `slug` names the variant a page of steps chose because it was the only
        one meant for where the visitor lives (not one its route names)."""
        if not state.is_leaf or state.variant is None or state.variant.slug != slug:
            return False
        return self.effective_channel(state.path)[1] is None

    def walk(self) -> Iterator[State]:
        """Every page of the flow, depth first in the order visitors see the answers: the
        first question, then each answer's page and what lies below it; every part shown,
        whatever the region it is meant for (each says where it applies)."""
        stack = [self.state(ask=False)]
        while stack:
            state = stack.pop()
            yield state
            below = [self.state((*state.path, route), ask=False) for route in state.answers]
            below += [self.state(state.path, variant, ask=False) for variant in state.variants]
            stack.extend(reversed(below))
