"""The API's endpoints (docs/api.md): plain functions that return what their schema
(schemas.py) shapes, each in a fixed number of queries whatever the size of a flow.

A refusal is ninja's HttpError, which http.py answers as a JSON error.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING, cast
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Path, Query, Router
from ninja.errors import HttpError

from guides.api import schemas
from guides.api.flow import whole_flow
from guides.api.params import DEFAULT_PAGE_SIZE, ProviderQuery
from guides.flow.guide import Guide, hide_unverified_contacts
from guides.models import Category, OfficialContact, Provider, PurchaseChannel, Status, Step

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    LoadedChannel = WithAnnotations[PurchaseChannel, schemas.ChannelParts]
    CountedChannel = WithAnnotations[PurchaseChannel, schemas.ChannelCount]

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
    **CORS_ORIGIN,
}


def get(
    path: str,
    schema: type,
    *,
    name: str,
    operation_id: str,
    summary: str,
    bad: str = "",
    missing: str = "",
):
    """A GET endpoint and what the document says of it: its 200 with the caching headers,
    its 304, and the errors it may answer."""
    response: dict[int, type | None] = {200: schema, 304: None}
    described = {
        200: {"description": summary, "headers": CACHING},
        304: {"description": "Not modified: the ETag sent in If-None-Match still holds."},
    }
    for status, description in ((400, bad), (404, missing)):
        if description:
            response[status] = schemas.Error
            described[status] = {"description": description, "headers": CORS_ORIGIN}
    return router.get(
        path,
        response=response,
        url_name=name,
        operation_id=operation_id,
        summary=summary,
        openapi_extra={"parameters": [IF_NONE_MATCH], "responses": described},
    )


@get("", schemas.Index, name="index", operation_id="index", summary="The API's entry points")
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
        queryset = queryset.filter(Q(name__icontains=query.q) | Q(aliases__icontains=query.q))
        params["q"] = query.q
    count = queryset.count()
    pages = max(1, math.ceil(count / page_size))
    if page > pages:
        raise HttpError(404, f"page: there are {pages} pages of {page_size}.")
    results = list(queryset[(page - 1) * page_size : page * page_size])

    def link(number: int) -> str:
        query = {**params, "page": number}
        if page_size != DEFAULT_PAGE_SIZE:
            query["page_size"] = page_size
        return f"{reverse('api:providers')}?{urlencode(query)}"

    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "next": link(page + 1) if page < pages else None,
        "previous": link(page - 1) if page > 1 else None,
        "results": results,
    }


@get(
    "providers/{slug:slug}/",
    schemas.Provider,
    name="provider",
    operation_id="getProvider",
    summary="One published provider with its whole flow",
    missing="No published provider with this slug.",
)
def provider(request: HttpRequest, slug: Path[schemas.Slug]) -> Provider:
    obj = Provider.objects.published().select_related("category").filter(slug=slug).first()
    if obj is None:
        raise HttpError(404, f"No published provider {slug!r}.")
    guide = Guide(obj)
    obj.cancel_online = guide.summary.cancel_online
    obj.methods = guide.summary.methods
    obj.flow = whole_flow(guide)
    return obj


def channels_with_steps(queryset: QuerySet[PurchaseChannel]) -> list[LoadedChannel]:
    """Channels with their standard steps, variants and verified contacts (attached for
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
    found = Step.objects.filter(channel__in=ids).select_related("contact").order_by("position")
    for step in hide_unverified_contacts(list(found)):
        steps[step.channel_id].append(step)
    contacts: dict[int | None, list[OfficialContact]] = defaultdict(list)
    verified = OfficialContact.objects.verified().filter(channel__in=ids)
    for contact in verified.order_by("kind", "value", "pk"):
        contacts[contact.channel_id].append(contact)
    by_parent: dict[int | None, list[PurchaseChannel]] = defaultdict(list)
    for variant in variants:
        by_parent[variant.parent_id].append(variant)
    for channel in channels + variants:
        channel.visible_steps = steps[channel.pk]
        channel.verified_contacts = contacts[channel.pk]
    for channel in channels:
        channel.variant_list = by_parent[channel.pk]
    return channels


@get(
    "channels/",
    schemas.ChannelList,
    name="channels",
    operation_id="listChannels",
    summary="Every purchase channel",
)
def channels(request: HttpRequest) -> dict:
    return {"results": channels_with_steps(PurchaseChannel.objects.live())}


@get(
    "channels/{slug:slug}/",
    schemas.ChannelDetail,
    name="channel",
    operation_id="getChannel",
    summary="One purchase channel, and how many providers are sold through it",
    missing="No channel with this slug.",
)
def channel(request: HttpRequest, slug: Path[schemas.Slug]) -> PurchaseChannel:
    found = channels_with_steps(PurchaseChannel.objects.live().filter(slug=slug))
    if not found:
        raise HttpError(404, f"No channel {slug!r}.")
    channel = cast("CountedChannel", found[0])
    channel.provider_count = sold_through(Provider.objects.published(), slug).count()
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
)
def categories(request: HttpRequest) -> dict:
    published = Count("providers", filter=Q(providers__status=Status.PUBLISHED))
    rows = Category.objects.annotate(provider_count=published).order_by("name", "slug")
    return {"results": rows}
