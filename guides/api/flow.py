"""A provider's whole flow for the API: every answer, and every leaf with its resolved steps.

To be replaced by the flow engine: this walks the flow itself, a copy of what
guides/services.py does (resolve_flow, arrange_steps, the default questions). It is moved
here unchanged from the old guides/api.py so that the engine can take its place in one spot.

The nodes are dicts of the keys of schemas.FlowNode, holding model instances where a schema
shapes them (a channel, a step).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q
from django.urls import reverse

from guides import services
from guides.models import Provider, PurchaseChannel, Route, Step

ROUTE_QUESTION = "Which of these applies to you?"  # as the site asks it (services)
VARIANT_QUESTION = "Which one?"


class FlowBuilder:
    """A provider's whole flow, every leaf with its resolved steps, in a fixed number of
    queries: the routes and the variants of their channels (services.Guide), and every step
    involved, then assembled in memory exactly as services.steps_for orders them."""

    def __init__(self, provider: Provider) -> None:
        self.provider = provider
        guide = services.Guide(provider)
        self.tree = guide.tree
        self.variants = guide.variants_by_channel
        channel_ids = guide.channel_ids | {v.pk for vs in self.variants.values() for v in vs}
        steps = Step.objects.filter(
            Q(route__provider=provider) | Q(channel__in=channel_ids)
        ).select_related("contact")
        self.by_owner: dict[tuple[str, int], list[Step]] = defaultdict(list)
        for step in services.hide_unverified_contacts(list(steps.order_by("position", "pk"))):
            owner = ("route", step.route_id) if step.route_id else ("channel", step.channel_id)
            self.by_owner[owner].append(step)

    def steps(
        self, path: list[Route], channel: PurchaseChannel | None, variant: PurchaseChannel | None
    ) -> list[Step]:
        channel_ids = [c.pk for c in (channel, variant) if c is not None]
        channel_steps = [s for cid in channel_ids for s in self.by_owner[("channel", cid)]]
        route_steps = [s for route in path for s in self.by_owner[("route", route.pk)]]
        if path and not path[-1].channel_steps_first:
            return route_steps + channel_steps
        return channel_steps + route_steps

    def node(self, path: list[Route]) -> dict:
        route = path[-1]
        slugs = "/".join(r.slug for r in path)
        web_url = reverse("guides:route", args=[self.provider.slug, slugs])
        own = route.channel if route.channel_id else None
        out = {
            "slug": route.slug,
            "label": route.label,
            "path": slugs,
            "web_url": web_url,
            "channel": own.parent if own and own.parent_id else own,
            "variant": own if own and own.parent_id else None,
            "question": None,
            "answers": [],
            "variants": [],
            "steps": None,
        }
        children = self.tree.children.get(route.pk, [])
        if children:
            out["question"] = route.question or ROUTE_QUESTION
            out["answers"] = [self.node([*path, child]) for child in children]
            return out
        channel, preset = self.tree.effective_channel(path)
        variants = self.variants.get(channel.pk, []) if channel and not preset else []
        if variants:
            out["question"] = channel.variant_question or VARIANT_QUESTION
            out["variants"] = [
                {
                    "slug": variant.slug,
                    "name": variant.name,
                    "hint": variant.hint,
                    "path": f"{slugs}/{variant.slug}",
                    "web_url": f"{web_url}{variant.slug}/",
                    "steps": self.steps(path, channel, variant),
                }
                for variant in variants
            ]
            return out
        out["steps"] = self.steps(path, channel, preset)
        return out

    def flow(self) -> dict:
        return {
            "question": self.provider.first_question,
            "answers": [self.node([route]) for route in self.tree.children.get(None, [])],
        }
