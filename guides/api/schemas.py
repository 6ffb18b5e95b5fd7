"""The shapes of /api/v1/'s responses, written once (docs/api.md).

ninja builds every response through these schemas and generates the OpenAPI document from
them. Every field is always present (null where there is nothing: an empty text is null),
and every object is closed: the document says `additionalProperties: false`, which is true
because a response holds exactly the fields declared here.

Most schemas read model instances (ninja's resolvers fill the fields a model names
differently); the views attach the few values that come from elsewhere.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Literal, TypedDict
from urllib.parse import urlencode

from django.urls import reverse
from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict

from guides import models
from guides.api.params import MAX_PAGE_SIZE
from guides.flow.pages import mailto_href
from guides.flow.rules import SLUG_RE

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

Slug = Annotated[str, Field(pattern=SLUG_RE.pattern)]
# Editors leave a text blank; the API says null.
Text = Annotated[str | None, BeforeValidator(lambda value: value or None)]
SitePath = Annotated[
    str, Field(description="A path on this site (resolve it against the API's origin).")
]
Count = Annotated[int, Field(ge=0)]


class Closed(Schema):
    # A response object: the fields declared are all there is.

    model_config = ConfigDict(json_schema_extra={"additionalProperties": False})


class ErrorDetail(Closed):
    status: int
    message: str


class Error(Closed):
    error: ErrorDetail


class Index(Closed):
    providers: SitePath
    channels: SitePath
    categories: SitePath
    openapi: SitePath


class CategoryRef(Closed):
    slug: Slug
    name: str


class Contact(Closed):
    kind: models.ContactKind
    label: Text
    value: str = Field(description="The number, address or URL.")
    href: str = Field(description="A tel:, mailto: or https: link to it.")
    region: Text
    source_url: str = Field(description="The official page it is published on.")
    verified_on: datetime.date = Field(
        description="Only contacts an editor has verified are published."
    )


class Link(Closed):
    url: str
    label: Text


class Email(Closed):
    """An email to send, as a template."""

    subject: str
    body: str
    href: str = Field(description="A mailto: link with both.")


class Step(Closed):
    kind: models.StepKind
    title: str
    body: str = Field(description="Markdown.")
    link: Link | None
    contact: Contact | None
    email: Email | None
    source_url: Text

    @staticmethod
    def resolve_link(step: models.Step) -> dict | None:
        return {"url": step.link_url, "label": step.link_label} if step.link_url else None

    @staticmethod
    def resolve_email(step: models.Step) -> dict | None:
        if not step.email_subject:
            return None
        href = mailto_href(step)
        return {"subject": step.email_subject, "body": step.email_body, "href": href}


class ProviderSummary(Closed):
    slug: Slug
    name: str
    category: CategoryRef
    aliases: list[str]
    summary: str
    difficulty: models.Difficulty
    minutes_to_cancel: Count | None
    last_verified_on: datetime.date | None
    url: SitePath = Field(description="This provider in the API.")
    web_url: SitePath = Field(description="This provider's page on the site.")

    @staticmethod
    def resolve_aliases(provider: models.Provider) -> list[str]:
        return provider.alias_list

    @staticmethod
    def resolve_url(provider: models.Provider) -> str:
        return reverse("api:provider", args=[provider.slug])

    @staticmethod
    def resolve_web_url(provider: models.Provider) -> str:
        return provider.get_absolute_url()


class ProviderPage(Closed):
    count: Count
    page: int = Field(ge=1)
    page_size: int = Field(ge=1, le=MAX_PAGE_SIZE)
    pages: int = Field(ge=1)
    next: str | None = Field(description="The next page, or null.")
    previous: str | None = Field(description="The previous page, or null.")
    results: list[ProviderSummary]


class ChannelRef(Closed):
    slug: Slug
    name: str
    kind: models.ChannelKind


class VariantLeaf(Closed):
    """One variant of the answer's channel, with the steps for it."""

    slug: Slug
    name: str
    hint: Text
    path: str
    web_url: SitePath
    steps: list[Step]


class FlowNode(Closed):
    """One answer in the flow."""

    slug: Slug
    label: str
    path: str = Field(description="The answers' slugs from the top, joined by /.")
    web_url: SitePath
    channel: ChannelRef | None
    variant: ChannelRef | None
    question: str | None = Field(
        description="Asked next: of `answers`, or of `variants`; null at a leaf."
    )
    answers: list[FlowNode]
    variants: list[VariantLeaf]
    steps: list[Step] | None = Field(
        description="At a leaf: every step, in order (the channel's and the answers'). "
        "Null where another question follows."
    )


class Flow(Closed):
    question: str
    answers: list[FlowNode]


class Note(Closed):
    kind: models.NoteKind
    title: str
    body: str
    source_url: Text


class Question(Closed):
    question: str
    answer: str
    source_url: Text


class Provider(ProviderSummary):
    """A provider as its page shows it, with its whole flow."""

    # The view attaches `cancel_online`, `methods` and `flow` (flow.whole_flow).

    website: Text
    difficulty_meaning: str
    sources: list[str]
    cancel_online: Literal["Yes", "Depends", "No", "Unknown"]
    methods: list[str]
    contacts: list[Contact]
    notes: list[Note]
    questions: list[Question]
    flow: Flow

    @staticmethod
    def resolve_sources(provider: models.Provider) -> list[str]:
        return provider.source_list

    @staticmethod
    def resolve_contacts(provider: models.Provider) -> list[models.OfficialContact]:
        return list(provider.contacts.verified().order_by("kind", "value", "pk"))


class VariantParts(TypedDict):
    """What the view attaches to every channel and variant, loaded for all of them at once."""

    verified_contacts: list[models.OfficialContact]
    visible_steps: list[models.Step]


class ChannelParts(VariantParts):
    """What a whole channel carries besides: its variants."""

    variant_list: list[models.PurchaseChannel]


class ChannelCount(ChannelParts):
    """What the view of one channel attaches besides."""

    provider_count: int


class ChannelFields(Closed):
    # What a channel and a variant share. Their `contacts` and `steps` come last, so each
    # subclass declares them; the view attaches `verified_contacts` and `visible_steps` to
    # every channel and variant, loaded for all of them at once.

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
        return channel.verified_contacts

    @staticmethod
    def resolve_steps(
        channel: WithAnnotations[models.PurchaseChannel, VariantParts],
    ) -> list[models.Step]:
        return channel.visible_steps


class ChannelVariant(ChannelFields):
    contacts: list[Contact]
    steps: list[Step]


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

    @staticmethod
    def resolve_url(channel: models.PurchaseChannel) -> str:
        return reverse("api:channel", args=[channel.slug])

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
    # The view attaches `provider_count`.

    provider_count: Count = Field(description="Published providers sold through it.")
    providers_url: SitePath = Field(description="Those providers, a page at a time.")

    @staticmethod
    def resolve_providers_url(channel: models.PurchaseChannel) -> str:
        return providers_url(channel=channel.slug)


class ChannelList(Closed):
    results: list[Channel]


class Category(Closed):
    slug: Slug
    name: str
    description: str
    provider_count: Count
    providers_url: SitePath
    web_url: SitePath

    @staticmethod
    def resolve_providers_url(category: models.Category) -> str:
        return providers_url(category=category.slug)

    @staticmethod
    def resolve_web_url(category: models.Category) -> str:
        return category.get_absolute_url()


class CategoryList(Closed):
    results: list[Category]


def providers_url(**filters: str) -> str:
    """The providers list, filtered."""
    return f"{reverse('api:providers')}?{urlencode(filters)}"
