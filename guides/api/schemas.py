"""The shapes of /api/v1/'s responses, written once (docs/api.md).

ninja builds every response through these schemas and generates the OpenAPI document from
them. Every field is always present (null where there is nothing: an empty text is null),
and every object is closed: the document says `additionalProperties: false`, which is true
because a response holds exactly the fields declared here.

Most schemas read model instances (ninja's resolvers fill the fields a model names
differently); the views attach the few values that come from elsewhere.

Every object with texts that editors translate says which language each of them is in: its
`languages`, an object naming those texts (languages.py); a whole response says the
language asked for: its `lang`.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.db.models import Model
from django.urls import reverse
from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict

from guides import models
from guides.api.languages import Language, api_link, text_language, text_languages
from guides.api.params import MAX_PAGE_SIZE
from guides.flow.pages import mailto_href
from guides.flow.rules import SLUG_RE
from guides.regions import codes_of

Slug = Annotated[str, Field(pattern=SLUG_RE.pattern)]
# Editors leave a text blank; the API says null.
Text = Annotated[str | None, BeforeValidator(lambda value: value or None)]
SitePath = Annotated[
    str, Field(description="A path on this site (resolve it against the API's origin).")
]
Count = Annotated[int, Field(ge=0)]
Regions = Annotated[
    list[str],
    BeforeValidator(lambda value: sorted(codes_of(value))),
    Field(
        description="Where it applies: ISO 3166-1 country codes, `US-CA` (California) and `EU` "
        "(the European Union's member states); empty: everywhere."
    ),
]
TextLanguage = Annotated[
    Language,
    Field(
        description="The language this text is in: the one asked for, or English where "
        "it is not translated into it."
    ),
]
Lang = Annotated[Language, Field(description="The language asked for (`lang`).")]


class Closed(Schema):
    # A response object: the fields declared are all there is.

    model_config = ConfigDict(json_schema_extra={"additionalProperties": False})


class Translated(Closed):
    # An object with texts that editors translate (guides/translation.py). Its `languages`
    # is a shape of its own, naming the texts it shows; each is read from the model.

    @staticmethod
    def resolve_languages(obj: Model) -> dict[str, str]:
        return text_languages(obj)


class CategoryRefLanguages(Closed):
    name: TextLanguage


class CategoryLanguages(CategoryRefLanguages):
    description: TextLanguage


class ContactLanguages(Closed):
    label: TextLanguage


class LinkLanguages(Closed):
    label: TextLanguage


class EmailLanguages(Closed):
    subject: TextLanguage
    body: TextLanguage


class StepLanguages(Closed):
    title: TextLanguage
    body: TextLanguage


class ProviderLanguages(Closed):
    summary: TextLanguage
    aliases: TextLanguage


class ChannelRefLanguages(Closed):
    name: TextLanguage


class VariantLanguages(ChannelRefLanguages):
    hint: TextLanguage


class ChannelLanguages(VariantLanguages):
    variant_question: TextLanguage


class FlowLanguages(Closed):
    question: TextLanguage


class FlowNodeLanguages(Closed):
    label: TextLanguage
    question: TextLanguage | None = Field(description="Null where `question` is.")


class NoteLanguages(Closed):
    title: TextLanguage
    body: TextLanguage


class QuestionLanguages(Closed):
    question: TextLanguage
    answer: TextLanguage


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


class CategoryRef(Translated):
    slug: Slug
    name: str
    languages: CategoryRefLanguages


class Contact(Translated):
    kind: models.ContactKind
    label: Text
    value: str = Field(description="The number, address or URL.")
    href: str = Field(description="A tel:, mailto: or https: link to it.")
    regions: Regions
    source_url: str = Field(description="The official page it is published on.")
    verified: bool = Field(
        description="Whether an editor has verified it. Phone numbers and email addresses "
        "are published only once verified; a web form or chat on its owner's own domain "
        "may be published before (show it as not yet verified, with its source)."
    )
    verified_on: datetime.date | None = Field(description="When it was verified, if it was.")
    languages: ContactLanguages

    @staticmethod
    def resolve_verified(contact: models.OfficialContact) -> bool:
        return contact.verified_on is not None


class Link(Closed):
    url: str
    label: Text
    languages: LinkLanguages


class Email(Closed):
    """An email to send, as a template."""

    subject: str
    body: str
    href: str = Field(description="A mailto: link with both.")
    languages: EmailLanguages


class Step(Translated):
    kind: models.StepKind
    title: str
    body: str = Field(description="Markdown.")
    link: Link | None
    contact: Contact | None
    email: Email | None
    source_url: Text
    regions: Regions
    languages: StepLanguages

    @staticmethod
    def resolve_link(step: models.Step) -> dict | None:
        if not step.link_url:
            return None
        languages = {"label": text_language(step, "link_label")}
        return {"url": step.link_url, "label": step.link_label, "languages": languages}

    @staticmethod
    def resolve_email(step: models.Step) -> dict | None:
        if not step.email_subject:
            return None
        return {
            "subject": step.email_subject,
            "body": step.email_body,
            "href": mailto_href(step),
            "languages": {
                "subject": text_language(step, "email_subject"),
                "body": text_language(step, "email_body"),
            },
        }


class ProviderSummary(Translated):
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
    languages: ProviderLanguages

    @staticmethod
    def resolve_aliases(provider: models.Provider) -> list[str]:
        return provider.alias_list

    @staticmethod
    def resolve_url(provider: models.Provider) -> str:
        return api_link(reverse("api:provider", args=[provider.slug]))

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
    lang: Lang


class ChannelRef(Translated):
    slug: Slug
    name: str
    kind: models.ChannelKind
    languages: ChannelRefLanguages


class VariantLeaf(Closed):
    """One variant of the answer's channel, with the steps for it."""

    slug: Slug
    name: str
    hint: Text
    path: str
    web_url: SitePath
    steps: list[Step]
    regions: Regions
    languages: VariantLanguages


class FlowNode(Closed):
    """One answer in the flow."""

    slug: Slug
    label: str
    path: str = Field(description="The answers' slugs from the top, joined by /.")
    web_url: SitePath
    regions: Regions
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
    languages: FlowNodeLanguages


class Flow(Closed):
    question: str
    answers: list[FlowNode]
    languages: FlowLanguages


class Note(Translated):
    kind: models.NoteKind
    title: str
    body: str
    source_url: Text
    regions: Regions
    languages: NoteLanguages


class Question(Translated):
    question: str
    answer: str
    source_url: Text
    languages: QuestionLanguages


class Provider(ProviderSummary):
    """A provider as its page shows it, with its whole flow."""

    # The view attaches `cancel_online`, `methods`, `flow` (flow.whole_flow) and `lang`.

    website: Text
    difficulty_meaning: str
    sources: list[str]
    cancel_online: Literal["Yes", "Depends", "No", "Unknown"]
    methods: list[str]
    contacts: list[Contact]
    notes: list[Note]
    questions: list[Question]
    flow: Flow
    lang: Lang

    @staticmethod
    def resolve_sources(provider: models.Provider) -> list[str]:
        return provider.source_list

    @staticmethod
    def resolve_contacts(provider: models.Provider) -> list[models.OfficialContact]:
        contacts = provider.contacts.select_related("provider").order_by("kind", "value", "pk")
        return [contact for contact in contacts if contact.shown]


class Category(Translated):
    slug: Slug
    name: str
    description: str
    provider_count: Count
    providers_url: SitePath
    web_url: SitePath
    languages: CategoryLanguages

    @staticmethod
    def resolve_providers_url(category: models.Category) -> str:
        return providers_url(category=category.slug)

    @staticmethod
    def resolve_web_url(category: models.Category) -> str:
        return category.get_absolute_url()


class CategoryList(Closed):
    results: list[Category]
    lang: Lang


def providers_url(**filters: str) -> str:
    """The providers list, filtered."""
    return api_link(reverse("api:providers"), **filters)
