"""A provider's whole flow for the API: every answer, and every page of steps, as the flow
engine (guides/flow/) walks it for the site: the same questions, variants and steps in the
same order. Three queries: the routes, the variants of their channels, and every step.

The nodes are dicts of the keys of schemas.FlowNode, holding model instances where a schema
shapes them (a channel, a step). Their texts are read in the active language, the one the
request asks for (languages.py), and each says which language each of its texts is in.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils import translation

from guides.api.languages import text_language
from guides.flow.guide import Guide
from guides.flow.pages import shown_question
from guides.flow.tree import State


def whole_flow(guide: Guide) -> dict:
    """The flow of `guide` from its first question down, with the steps of every page."""
    guide.load_all_steps()
    top = guide.tree.state(ask=False)
    question, language = asked(top.question, guide.provider, "first_question")
    return {
        "question": question,
        "answers": [node(guide, guide.tree.state([route], ask=False)) for route in top.answers],
        "languages": {"question": language},
    }


def asked(question: str, source: Model, field: str) -> tuple[str, str]:
    """A question as the site shows it, and the language it is in: a default question
    (guides/flow/rules.py) as the interface's catalog translates it, an editor's own wording
    as `source`'s translated text `field` reads."""
    shown = shown_question(question)
    if shown != question:
        return shown, translation.get_language()
    return shown, text_language(source, field)


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
        "regions": route.regions,
        "channel": own.whole if own is not None else None,
        "variant": own if own and own.parent_id else None,
        "question": None,
        "answers": [],
        "variants": [],
        "steps": None,
        "languages": {"label": text_language(route, "label"), "question": None},
    }
    if state.answers:
        out["question"], out["languages"]["question"] = asked(state.question, route, "question")
        out["answers"] = [
            node(guide, guide.tree.state([*state.path, child], ask=False))
            for child in state.answers
        ]
    elif state.variants:
        assert state.channel is not None  # the channel whose variants are asked for
        out["question"], out["languages"]["question"] = asked(
            state.question, state.channel, "variant_question"
        )
        out["variants"] = [
            {
                "slug": variant.slug,
                "name": variant.name,
                "hint": variant.hint,
                "path": "/".join([*state.slugs, variant.slug]),
                "web_url": guide.url([*state.slugs, variant.slug]),
                "steps": guide.steps(state.path, state.channel, variant),
                "regions": variant.regions,
                "languages": {
                    "name": text_language(variant, "name"),
                    "hint": text_language(variant, "hint"),
                },
            }
            for variant in state.variants
        ]
    else:
        out["steps"] = guide.steps(state.path, state.channel, state.variant)
    return out
