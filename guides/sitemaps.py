"""/sitemap.xml: every published page and nothing else.

The home page, the categories that have published guides, the channels, and for each
published provider every state of its flow (its page, each later question, each page of
steps), in the order a visitor meets them. Drafts never appear. A handful of queries,
however many providers there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.urls import reverse

from .models import Category, Provider, PurchaseChannel, Route, Status


class HomeSitemap(Sitemap):
    changefreq = "weekly"
    priority = 1.0

    def items(self) -> list[str]:
        return ["guides:home"]

    def location(self, item: str) -> str:
        return reverse(item)


class CategorySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        published = Provider.objects.published().filter(category=OuterRef("pk"))
        return Category.objects.filter(Exists(published)).order_by("name")


class ChannelSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        tops = PurchaseChannel.objects.live().filter(parent__isnull=True)
        return tops.order_by("position", "name")


@dataclass(frozen=True)
class FlowPage:
    path: str
    lastmod: datetime
    depth: int  # 0 for the provider's own page


def flow_pages() -> list[FlowPage]:
    """Every URL of every published provider's flow, as resolve_flow() answers it."""
    providers = {
        provider.pk: provider
        for provider in Provider.objects.published().only("slug", "updated_at").order_by("name")
    }
    routes = list(
        Route.objects.filter(provider__status=Status.PUBLISHED)
        .only("provider_id", "parent_id", "channel_id", "slug")
        .order_by("position", "pk")
    )
    channels = {
        channel.pk: channel
        for channel in PurchaseChannel.objects.live()
        .only("parent_id", "slug")
        .order_by("position", "pk")
    }
    variants: dict[int, list[str]] = {}
    for channel in channels.values():
        if channel.parent_id:
            variants.setdefault(channel.parent_id, []).append(channel.slug)
    children: dict[tuple[int, int | None], list[Route]] = {}
    for route in routes:
        children.setdefault((route.provider_id, route.parent_id), []).append(route)

    pages: list[FlowPage] = []
    for provider in providers.values():
        base = reverse("guides:provider", args=[provider.slug])
        pages.append(FlowPage(base, provider.updated_at, 0))
        # (route, its slugs from the top, the nearest channel on the way down)
        stack = [(r, [r.slug], None) for r in reversed(children.get((provider.pk, None), []))]
        while stack:
            route, slugs, channel_id = stack.pop()
            channel_id = route.channel_id or channel_id
            path = f"{base}{'/'.join(slugs)}/"
            pages.append(FlowPage(path, provider.updated_at, len(slugs)))
            below = children.get((provider.pk, route.pk), [])
            if below:
                stack.extend((r, [*slugs, r.slug], channel_id) for r in reversed(below))
                continue
            channel = channels.get(channel_id)
            if channel is not None and channel.parent_id is None:
                # A leaf whose channel has variants asks which one: each is a page of steps.
                pages.extend(
                    FlowPage(f"{path}{slug}/", provider.updated_at, len(slugs) + 1)
                    for slug in variants.get(channel.pk, [])
                )
    return pages


class FlowSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[FlowPage]:
        return flow_pages()

    def location(self, item: FlowPage) -> str:
        return item.path

    def lastmod(self, item: FlowPage) -> datetime:
        return item.lastmod

    def priority(self, item: FlowPage) -> float:
        return 0.9 if item.depth == 0 else 0.7


SITEMAPS = {
    "home": HomeSitemap,
    "categories": CategorySitemap,
    "channels": ChannelSitemap,
    "guides": FlowSitemap,
}
