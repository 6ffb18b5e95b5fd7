"""A provider's whole flow for the API: every answer, and every page of steps, as the flow
engine (guides/flow/) walks it for the site: the same questions, variants and steps in the
same order. Three queries: the routes, the variants of their channels, and every step.

The nodes are dicts of the keys of schemas.FlowNode, holding model instances where a schema
shapes them (a channel, a step).
"""

from __future__ import annotations

from typing import Any

from guides.flow.guide import Guide
from guides.flow.tree import State


def whole_flow(guide: Guide) -> dict:
    """The flow of `guide` from its first question down, with the steps of every page."""
    guide.load_all_steps()
    top = guide.tree.state()
    return {
        "question": top.question,
        "answers": [node(guide, guide.tree.state([route])) for route in top.answers],
    }


def node(guide: Guide, state: State) -> dict:
    """The answer that leads to `state`, and what follows it."""
    route = state.path[-1]
    own = route.channel
    web_url = guide.url(state.slugs)
    out: dict[str, Any] = {
        "slug": route.slug,
        "label": route.label,
        "path": "/".join(state.slugs),
        "web_url": web_url,
        "channel": own.whole if own is not None else None,
        "variant": own if own and own.parent_id else None,
        "question": None,
        "answers": [],
        "variants": [],
        "steps": None,
    }
    if state.answers:
        out["question"] = state.question
        out["answers"] = [
            node(guide, guide.tree.state([*state.path, child])) for child in state.answers
        ]
    elif state.variants:
        out["question"] = state.question
        out["variants"] = [
            {
                "slug": variant.slug,
                "name": variant.name,
                "hint": variant.hint,
                "path": "/".join([*state.slugs, variant.slug]),
                "web_url": guide.url([*state.slugs, variant.slug]),
                "steps": guide.steps(state.path, state.channel, variant),
            }
            for variant in state.variants
        ]
    else:
        out["steps"] = guide.steps(state.path, state.channel, state.variant)
    return out
