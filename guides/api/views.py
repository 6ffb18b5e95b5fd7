"""The API's endpoints (docs/api.md): plain functions that return what their schema
(schemas.py) shapes, each in a fixed number of queries whatever the size of a flow, and the
same number in every language.

An endpoint of guide content takes `lang` and is served in that language (languages.py).
The lists are the same, in the same order, in every language: they are found and ordered
by the English texts, as the site's search finds providers.

A refusal is ninja's HttpError, which http.py answers as a JSON error.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING, cast

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Path, Query, Router
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from cancelflow.languages import in_source_language
from guides.api import channel_schemas, schemas
from guides.api.flow import whole_flow
from guides.api.languages import api_link, in_requested_language
from guides.api.params import DEFAULT_PAGE_SIZE, LanguageQuery, ProviderQuery
from guides.flow.guide import CONTACT_OWNER, Guide, hide_unshown_contacts
from guides.models import Category, OfficialContact, Provider, PurchaseChannel, Status, Step
from guides.search import names_containing

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    LoadedChannel = WithAnnotations[PurchaseChannel, channel_schemas.ChannelParts]
    CountedChannel = WithAnnotations[PurchaseChannel, channel_schemas.ChannelCount]

router = Router()

IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "An ETag from an earlier response: 304 if nothing changed.",
    "schema": {"type": "string"},
}
CORS_ORIGIN = {"Access-Control-Allow-Origin": {"schema": {"const": "*"}}}
CACHING = {
    "ETag": {
        "description": "A digest of the body; send it back as If-None-Match.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {"schema": {"type": "string"}},
    "Content-Language": {
        "description": "The language of the response (`lang`).",
        "schema": {"type": "string"},
    },
    **CORS_ORIGIN,
}
BAD_LANGUAGE = "`lang` is not one of the site's languages."


def get(
    path: str,
    schema: type,
    *,
    name: str,
    operation_id: str,
    summary: str,
    bad: str = "",
    missing: str = "",
    translated: bool = True,
):
    """A GET endpoint and what the document says of it: its 200 with the caching headers,
    its 304, and the errors it may answer. An endpoint of guide content (`translated`) is
    served in the language its `lang` parameter asks for, which each of them declares."""
    response: dict[int, type | None] = {200: schema, 304: None}
    described = {
        200: {"description": summary, "headers": CACHING},
        304: {"description": "Not modified: the ETag sent in If-None-Match still holds."},
    }
    for status, description in ((400, bad), (404, missing)):
        if description:
            response[status] = schemas.Error
            described[status] = {"description": description, "headers": CORS_ORIGIN}
    route = router.get(
        path,
        response=response,
        url_name=name,
        operation_id=operation_id,
        summary=summary,
        openapi_extra={"parameters": [IF_NONE_MATCH], "responses": described},
    )
    if not translated:
        return route

    def in_language(view):
        return route(decorate_view(in_requested_language)(view))

    return in_language


@get(
    "",
    schemas.Index,
    name="index",
    operation_id="index",
    summary="The API's entry points",
    translated=False,
)
def index(request: HttpRequest) -> dict:
    return {
        "providers": reverse("api:providers"),
        "channels": reverse("api:channels"),
        "categories": reverse("api:categories"),
        "openapi": reverse("api:openapi"),
    }


@get(
    "providers/",
    schemas.ProviderPage,
    name="providers",
    operation_id="listProviders",
    summary="Published providers, by name, a page at a time",
    bad="A query parameter is not valid.",
    missing="No such page.",
)
def providers(request: HttpRequest, query: Query[ProviderQuery]) -> dict:
    page, page_size = query.page, query.page_size
    queryset, params = listed_providers(query)
    count = queryset.count()
    pages = max(1, math.ceil(count / page_size))
    if page > pages:
        raise HttpError(404, f"page: there are {pages} pages of {page_size}.")
    results = list(queryset[(page - 1) * page_size : page * page_size])

    def link(number: int) -> str:
        query: dict[str, str | int] = {**params, "page": number}
        if page_size != DEFAULT_PAGE_SIZE:
            query["page_size"] = page_size
        return api_link(reverse("api:providers"), **query)

    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "next": link(page + 1) if page < pages else None,
        "previous": link(page - 1) if page > 1 else None,
        "results": results,
        "lang": query.lang,
    }


@in_source_language
def listed_providers(query: ProviderQuery) -> tuple[QuerySet[Provider], dict[str, str]]:
    """The published providers the filters and the search of `query` leave, by name, and
    those filters as a link names them."""
    queryset: QuerySet[Provider] = (
        Provider.objects.published().select_related("category").order_by("name", "slug")
    )
    params: dict[str, str] = {}
    if query.category is not None:
        queryset = queryset.filter(category__slug=query.category)
        params["category"] = query.category
    if query.channel is not None:
        queryset = sold_through(queryset, query.channel)
        params["channel"] = query.channel
    if query.q:
        queryset = queryset.filter(names_containing(query.q))  # aliases in any language
        params["q"] = query.q
    return queryset, params


@get(
    "providers/{slug:slug}/",
    schemas.Provider,
    name="provider",
    operation_id="getProvider",
    summary="One published provider with its whole flow",
    bad=BAD_LANGUAGE,
    missing="No published provider with this slug.",
)
def provider(
    request: HttpRequest, slug: Path[schemas.Slug], query: Query[LanguageQuery]
) -> Provider:
    obj = Provider.objects.published().select_related("category").filter(slug=slug).first()
    if obj is None:
        raise HttpError(404, f"No published provider {slug!r}.")
    guide = Guide(obj)
    obj.cancel_online = guide.summary.cancel_online
    obj.methods = guide.summary.methods
    obj.flow = whole_flow(guide)
    obj.lang = query.lang
    return obj


@in_source_language  # in the same order in every language
def channels_with_steps(queryset: QuerySet[PurchaseChannel]) -> list[LoadedChannel]:
    """Channels with their standard steps, variants and shown contacts (attached for
    schemas.Channel): four queries."""
    top = queryset.filter(parent__isnull=True).order_by("position", "name", "slug")
    channels = cast("list[LoadedChannel]", list(top))  # attached below
    variants = cast(
        "list[LoadedChannel]",
        list(
            PurchaseChannel.objects.filter(parent__in=channels).order_by("position", "name", "slug")
        ),
    )
    ids = [c.pk for c in channels] + [v.pk for v in variants]
    steps: dict[int | None, list[Step]] = defaultdict(list)
    found = Step.objects.filter(channel__in=ids).select_related(*CONTACT_OWNER).order_by("position")
    for step in hide_unshown_contacts(list(found)):
        steps[step.channel_id].append(step)
    contacts: dict[int | None, list[OfficialContact]] = defaultdict(list)
    found_contacts = OfficialContact.objects.filter(channel__in=ids).select_related(
        "channel__parent"
    )
    for contact in found_contacts.order_by("kind", "value", "pk"):
        if contact.shown:  # verified, or a web page on the channel's own domain
            contacts[contact.channel_id].append(contact)
    by_parent: dict[int | None, list[PurchaseChannel]] = defaultdict(list)
    for variant in variants:
        by_parent[variant.parent_id].append(variant)
    for channel in channels + variants:
        channel.visible_steps = steps[channel.pk]
        channel.shown_contacts = contacts[channel.pk]
    for channel in channels:
        channel.variant_list = by_parent[channel.pk]
    return channels


@get(
    "channels/",
    channel_schemas.ChannelList,
    name="channels",
    operation_id="listChannels",
    summary="Every purchase channel",
    bad=BAD_LANGUAGE,
)
def channels(request: HttpRequest, query: Query[LanguageQuery]) -> dict:
    return {"results": channels_with_steps(PurchaseChannel.objects.live()), "lang": query.lang}


@get(
    "channels/{slug:slug}/",
    channel_schemas.ChannelDetail,
    name="channel",
    operation_id="getChannel",
    summary="One purchase channel, and how many providers are sold through it",
    bad=BAD_LANGUAGE,
    missing="No channel with this slug.",
)
def channel(
    request: HttpRequest, slug: Path[schemas.Slug], query: Query[LanguageQuery]
) -> PurchaseChannel:
    found = channels_with_steps(PurchaseChannel.objects.live().filter(slug=slug))
    if not found:
        raise HttpError(404, f"No channel {slug!r}.")
    channel = cast("CountedChannel", found[0])
    channel.provider_count = sold_through(Provider.objects.published(), slug).count()
    channel.lang = query.lang
    return channel


def sold_through(queryset: QuerySet[Provider], channel_slug: str) -> QuerySet[Provider]:
    """Providers with an answer naming this channel, or one of its variants."""
    return queryset.filter(
        Q(routes__channel__slug=channel_slug, routes__channel__parent__isnull=True)
        | Q(routes__channel__parent__slug=channel_slug)
    ).distinct()


@get(
    "categories/",
    schemas.CategoryList,
    name="categories",
    operation_id="listCategories",
    summary="Every category",
    bad=BAD_LANGUAGE,
)
def categories(request: HttpRequest, query: Query[LanguageQuery]) -> dict:
    return {"results": counted_categories(), "lang": query.lang}


@in_source_language  # in the same order in every language
def counted_categories() -> list[Category]:
    published = Count("providers", filter=Q(providers__status=Status.PUBLISHED))
    return list(Category.objects.annotate(provider_count=published).order_by("name", "slug"))
