"""/sitemap.xml: every published page and nothing else, in every language of the site, each
address with its alternates in the others (hreflang, and x-default for English).

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

from guides.flow.tree import RouteTree
from guides.models import Category, Provider, PurchaseChannel, Route, Status


class LanguagesSitemap(Sitemap):
    """Every item in every language (settings.LANGUAGES), with its alternates: each address
    with all of them weighs some 800 bytes, so a page of the sitemap holds 10,000 of them."""

    i18n = True
    alternates = True
    x_default = True
    limit = 10_000


class HomeSitemap(LanguagesSitemap):
    changefreq = "weekly"
    priority = 1.0

    def items(self) -> list[str]:
        return ["guides:home"]

    def location(self, item: str) -> str:
        return reverse(item)


class CategorySitemap(LanguagesSitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        published = Provider.objects.published().filter(category=OuterRef("pk"))
        return Category.objects.filter(Exists(published)).order_by("name")


class ChannelSitemap(LanguagesSitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        tops = PurchaseChannel.objects.live().filter(parent__isnull=True)
        return tops.order_by("position", "name")


@dataclass(frozen=True)
class FlowPage:
    provider: str  # its slug
    route_path: str  # the slugs of its answers, "" for the provider's own page
    lastmod: datetime
    depth: int

    @property
    def path(self) -> str:
        """Its address, in the active language."""
        if not self.route_path:
            return reverse("guides:provider", args=[self.provider])
        return reverse("guides:route", args=[self.provider, self.route_path])


def flow_pages() -> list[FlowPage]:
    """Every page of every published provider's flow, as the flow engine walks it."""
    providers = list(
        Provider.objects.published().only("slug", "updated_at", "first_question").order_by("name")
    )
    routes: dict[int, list[Route]] = {}
    for route in (
        Route.objects.filter(provider__status=Status.PUBLISHED)
        .select_related("channel__parent")
        .only(
            "provider_id",
            "parent_id",
            "channel_id",
            "slug",
            "question",
            "channel__parent_id",
            "channel__slug",
            "channel__variant_question",
            "channel__parent__slug",
            "channel__parent__variant_question",
        )
        .order_by("position", "pk")
    ):
        routes.setdefault(route.provider_id, []).append(route)
    variants: dict[int, list[PurchaseChannel]] = {}
    for variant in (
        PurchaseChannel.objects.live()
        .filter(parent__isnull=False)
        .only("parent_id", "slug")
        .order_by("position", "name")
    ):
        variants.setdefault(variant.parent_id, []).append(variant)

    def variants_of(channel: PurchaseChannel) -> list[PurchaseChannel]:
        return variants.get(channel.pk, [])

    pages: list[FlowPage] = []
    for provider in providers:
        tree = RouteTree(provider.first_question, routes.get(provider.pk, []), variants_of)
        for state in tree.walk():
            route_path = "/".join(state.slugs)
            pages.append(FlowPage(provider.slug, route_path, provider.updated_at, len(state.slugs)))
    return pages


class FlowSitemap(LanguagesSitemap):
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
