"""The rules a flow keeps, in one place: its default questions, how deep it may go, how a
route may hang in its tree, and the order of the steps of a page. Pure: no database."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext_noop

if TYPE_CHECKING:
    from guides.models import PurchaseChannel, Route, Step

# The default questions stay English wherever they are kept (a provider's first_question,
# guide files, the API); a visitor's page shows them in its language (pages.shown_question).
# A provider's, unless an editor words it otherwise:
FIRST_QUESTION = gettext_noop("Where did you buy it?")
# A route's, for the answers below it:
ROUTE_QUESTION = gettext_noop("Which of these applies to you?")
# A channel's, for its variants:
VARIANT_QUESTION = gettext_noop("Which one?")
# Asked once, where a page first depends on where the visitor lives (guides/regions.py):
REGION_QUESTION = gettext_noop("Where do you live?")
DEFAULT_QUESTIONS = frozenset({FIRST_QUESTION, ROUTE_QUESTION, VARIANT_QUESTION, REGION_QUESTION})

MAX_ROUTE_DEPTH = 6  # answers from the top of a flow to its deepest route
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")  # an answer's part of a flow's address

LOOP = "This parent would make the flow loop back on itself."
TOO_DEEP = f"A flow can be at most {MAX_ROUTE_DEPTH} questions deep."


class NotFound(LookupError):
    """No such guide, or no such answer in its flow. The web layer answers 404."""


def parse_route_path(route_path: str) -> list[str]:
    """Split `a/b/c` into slugs; NotFound for anything that cannot be a flow's address."""
    segments = [segment for segment in route_path.split("/") if segment]
    if len(segments) > MAX_ROUTE_DEPTH + 1 or not all(SLUG_RE.match(s) for s in segments):
        raise NotFound("No such answer.")
    return segments


def parent_problem[K: Hashable](
    node: K | None, parent: K | None, parent_of: Callable[[K], K | None]
) -> str:
    """Why `node` may not hang under `parent`, reading the tree upwards with `parent_of`:
    LOOP, TOO_DEEP, or "" when it may. `node` is None for a route not saved yet."""
    seen = set() if node is None else {node}
    depth = 1
    current = parent
    while current is not None:
        if current in seen:
            return LOOP
        seen.add(current)
        depth += 1
        if depth > MAX_ROUTE_DEPTH:
            return TOO_DEEP
        current = parent_of(current)
    return ""


def arrange_steps(
    found: Sequence[Step],
    path: Sequence[Route],
    channel: PurchaseChannel | None,
    variant: PurchaseChannel | None = None,
) -> list[Step]:
    """The steps of a page in the order visitors read them, picked from `found` (steps in
    (position, pk) order; others are ignored): the channel's standard steps, then its
    variant's, then those of each route from the top of the flow down, or the routes'
    first where the last route says so."""
    channel_ids = [c.pk for c in (channel, variant) if c is not None]
    by_owner: dict[tuple[str, int | None], list[Step]] = {}
    for step in found:
        owner = ("route", step.route_id) if step.route_id else ("channel", step.channel_id)
        by_owner.setdefault(owner, []).append(step)
    channel_steps = [s for cid in channel_ids for s in by_owner.get(("channel", cid), [])]
    route_steps = [s for route in path for s in by_owner.get(("route", route.pk), [])]
    if path and not path[-1].channel_steps_first:
        return route_steps + channel_steps
    return channel_steps + route_steps
