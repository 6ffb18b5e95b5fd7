"""How far a channel's change reaches: every guide, and every answer page of it, that shows
the channel's standard steps (or a variant's) to visitors. Read off the same flow map as
the provider's Whole flow page, so it counts exactly what visitors see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext, ngettext

from guides.flow import map as flow_map
from guides.models import Provider, PurchaseChannel


@dataclass(frozen=True)
class Reach:
    pages: list[tuple[Provider, flow_map.Leaf]]

    @property
    def providers(self) -> list[Provider]:
        return list(dict.fromkeys(provider for provider, _ in self.pages))

    def __str__(self) -> str:
        pages, guides = len(self.pages), len(self.providers)
        # Translators: "3 answer pages of 2 guides": what a change to a channel reaches.
        return gettext("%(pages)s of %(guides)s") % {
            "pages": ngettext("%(count)s answer page", "%(count)s answer pages", pages)
            % {"count": pages},
            "guides": ngettext("%(count)s guide", "%(count)s guides", guides) % {"count": guides},
        }


def channel_reach(channel: PurchaseChannel) -> Reach:
    channels = {channel.pk, *channel.variants.values_list("pk", flat=True)}
    providers = (
        Provider.objects.guides()
        .filter(Q(routes__channel__in=channels))
        .distinct()
        .select_related("category")
        .order_by("name")
    )
    pages = []
    for provider in providers:
        for leaf in flow_map.build(provider).leaves:
            if any(item.step.channel_id in channels for item in leaf.steps):
                pages.append((provider, leaf))
    return Reach(pages)
