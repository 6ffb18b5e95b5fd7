"""The shapes of /api/v1/channels/'s responses (docs/api.md), built like the others
(schemas.py): a purchase channel with its standard steps, and its variants with theirs.

A view loads every channel's contacts, steps and variants at once and attaches them.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, TypedDict

from django.urls import reverse
from ninja import Field

from guides import models
from guides.api.languages import api_link
from guides.api.schemas import (
    ChannelLanguages,
    Closed,
    Contact,
    Count,
    Lang,
    SitePath,
    Slug,
    Step,
    Text,
    Translated,
    VariantLanguages,
    providers_url,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class VariantParts(TypedDict):
    """What the view attaches to every channel and variant, loaded for all of them at once."""

    shown_contacts: list[models.OfficialContact]
    visible_steps: list[models.Step]


class ChannelParts(VariantParts):
    """What a whole channel carries besides: its variants."""

    variant_list: list[models.PurchaseChannel]


class ChannelCount(ChannelParts):
    """What the view of one channel attaches besides."""

    provider_count: int
    lang: str


class ChannelFields(Translated):
    # What a channel and a variant share. Their `contacts`, `steps` and `languages` come
    # last, so each subclass declares them; the view attaches `shown_contacts` and
    # `visible_steps` to every channel and variant, loaded for all of them at once.

    slug: Slug
    name: str
    kind: models.ChannelKind
    hint: Text
    website: Text
    online: bool

    @staticmethod
    def resolve_contacts(
        channel: WithAnnotations[models.PurchaseChannel, VariantParts],
    ) -> list[models.OfficialContact]:
        return channel.shown_contacts

    @staticmethod
    def resolve_steps(
        channel: WithAnnotations[models.PurchaseChannel, VariantParts],
    ) -> list[models.Step]:
        return channel.visible_steps


class ChannelVariant(ChannelFields):
    contacts: list[Contact]
    steps: list[Step]
    languages: VariantLanguages


class Channel(ChannelFields):
    """A purchase channel with its standard steps, and its variants with theirs."""

    # The view attaches `variant_list`.

    method: str
    url: SitePath
    web_url: SitePath
    variant_question: Text
    last_verified_on: datetime.date | None
    sources: list[str]
    contacts: list[Contact]
    steps: list[Step]
    variants: list[ChannelVariant]
    languages: ChannelLanguages

    @staticmethod
    def resolve_url(channel: models.PurchaseChannel) -> str:
        return api_link(reverse("api:channel", args=[channel.slug]))

    @staticmethod
    def resolve_web_url(channel: models.PurchaseChannel) -> str:
        return channel.get_absolute_url()

    @staticmethod
    def resolve_sources(channel: models.PurchaseChannel) -> list[str]:
        return [line.strip() for line in channel.sources.splitlines() if line.strip()]

    @staticmethod
    def resolve_variants(
        channel: WithAnnotations[models.PurchaseChannel, ChannelParts],
    ) -> list[models.PurchaseChannel]:
        return channel.variant_list


class ChannelDetail(Channel):
    # The view attaches `provider_count` and `lang`.

    provider_count: Count = Field(description="Published providers sold through it.")
    providers_url: SitePath = Field(description="Those providers, a page at a time.")
    lang: Lang

    @staticmethod
    def resolve_providers_url(channel: models.PurchaseChannel) -> str:
        return providers_url(channel=channel.slug)


class ChannelList(Closed):
    results: list[Channel]
    lang: Lang
