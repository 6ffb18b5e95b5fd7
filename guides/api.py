"""The public API, /api/v1/: read-only JSON of the published guides (docs/api.md).

Plain function views that return data; `api_view` turns it into the response: JSON, an
ETag from the body (If-None-Match gets a 304), Cache-Control, CORS for any origin, and
errors as JSON with a 4xx status. The OpenAPI document (guides/openapi.py) describes
exactly these shapes, and a test checks the one against the other with schemathesis.

Every view makes a fixed number of queries, whatever the size of a provider's flow.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.views.decorators.csrf import csrf_exempt

from guides.web.forms import SearchForm

from . import services
from .models import (
    Category,
    OfficialContact,
    Provider,
    PurchaseChannel,
    Route,
    Status,
    Step,
)

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
CACHE_SECONDS = 300
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag",
}
ROUTE_QUESTION = "Which of these applies to you?"  # as the site asks it (services)
VARIANT_QUESTION = "Which one?"
SEARCH_LENGTH = SearchForm.base_fields["q"].max_length


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# -- responses ----------------------------------------------------------------------------


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def _cors(response: HttpResponse) -> HttpResponse:
    for name, value in CORS_HEADERS.items():
        response[name] = value
    return response


def error_response(status: int, message: str, **headers) -> HttpResponse:
    body = {"error": {"status": status, "message": message}}
    response = HttpResponse(_json(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-cache"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return _cors(response)


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    del response["Content-Type"]
    response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response["Access-Control-Allow-Headers"] = "If-None-Match, Content-Type"
    response["Access-Control-Max-Age"] = "86400"
    response["Allow"] = ALLOWED_METHODS
    return _cors(response)


def api_view(view: Callable[..., object]) -> Callable[..., HttpResponse]:
    """GET and HEAD answer with the view's data as JSON; OPTIONS is a CORS preflight;
    anything else is a 405. Nothing here changes state, so there is no CSRF to check."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            return _preflight()
        if request.method not in ("GET", "HEAD"):
            return error_response(
                405,
                f"{request.method} is not allowed: the API is read-only.",
                Allow=ALLOWED_METHODS,
            )
        try:
            data = view(request, *args, **kwargs)
        except ApiError as exc:
            return error_response(exc.status, exc.message)
        body = _json(data)
        response = HttpResponse(body, content_type="application/json")
        response["ETag"] = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        conditional = get_conditional_response(request, etag=response["ETag"], response=response)
        return _cors(conditional)

    return wrapper


@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other path under /api/v1/, whatever the method: a JSON 404."""
    return error_response(404, "No such API endpoint: see /api/v1/openapi.json.")


# -- query parameters ---------------------------------------------------------------------


def _param(request: HttpRequest, name: str) -> str | None:
    values = request.GET.getlist(name)
    if len(values) > 1:
        raise ApiError(400, f"{name}: give it once.")
    return values[0] if values else None


def _int_param(request: HttpRequest, name: str, default: int, maximum: int | None = None) -> int:
    raw = _param(request, name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise ApiError(400, f"{name}: expected a whole number, got {raw[:20]!r}.")
    value = int(raw)
    if value < 1 or (maximum is not None and value > maximum):
        upper = f" and {maximum}" if maximum else ""
        raise ApiError(400, f"{name}: must be between 1{upper}.")
    return value


# -- shapes -------------------------------------------------------------------------------


def _text(value: str) -> str | None:
    return value or None


def _category_ref(category: Category) -> dict:
    return {"slug": category.slug, "name": category.name}


def _contact(contact: OfficialContact) -> dict:
    return {
        "kind": contact.kind,
        "label": _text(contact.label),
        "value": contact.value,
        "href": contact.href,
        "region": _text(contact.region),
        "source_url": contact.source_url,
        "verified_on": contact.verified_on,
    }


def _step(step: Step) -> dict:
    """A step as a visitor sees it; unverified contacts were hidden already."""
    return {
        "kind": step.kind,
        "title": step.title,
        "body": step.body,
        "link": {"url": step.link_url, "label": _text(step.link_label)} if step.link_url else None,
        "contact": _contact(step.contact) if step.contact is not None else None,
        "email": (
            {
                "subject": step.email_subject,
                "body": step.email_body,
                "href": services.mailto_href(step),
            }
            if step.email_subject
            else None
        ),
        "source_url": _text(step.source_url),
    }


def _provider_summary(provider: Provider) -> dict:
    return {
        "slug": provider.slug,
        "name": provider.name,
        "category": _category_ref(provider.category),
        "aliases": provider.alias_list,
        "summary": provider.summary,
        "difficulty": provider.difficulty,
        "minutes_to_cancel": provider.minutes_to_cancel,
        "last_verified_on": provider.last_verified_on,
        "url": reverse("api:provider", args=[provider.slug]),
        "web_url": provider.get_absolute_url(),
    }


def _channel_ref(channel: PurchaseChannel | None) -> dict | None:
    if channel is None:
        return None
    return {"slug": channel.slug, "name": channel.name, "kind": channel.kind}


# -- views --------------------------------------------------------------------------------


@api_view
def index(request: HttpRequest) -> dict:
    return {
        "providers": reverse("api:providers"),
        "channels": reverse("api:channels"),
        "categories": reverse("api:categories"),
        "openapi": reverse("api:openapi"),
    }


@api_view
def providers(request: HttpRequest) -> dict:
    page = _int_param(request, "page", 1)
    page_size = _int_param(request, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    queryset = Provider.objects.published().select_related("category").order_by("name", "slug")
    params: dict[str, str] = {}
    category = _param(request, "category")
    if category is not None:
        if not services.SLUG_RE.match(category):
            raise ApiError(400, "category: expected a category slug.")
        queryset = queryset.filter(category__slug=category)
        params["category"] = category
    channel = _param(request, "channel")
    if channel is not None:
        if not services.SLUG_RE.match(channel):
            raise ApiError(400, "channel: expected a channel slug.")
        queryset = _sold_through(queryset, channel)
        params["channel"] = channel
    q = _param(request, "q")
    if q is not None:
        if len(q) > SEARCH_LENGTH:
            raise ApiError(400, f"q: search with at most {SEARCH_LENGTH} characters.")
        form = SearchForm({"q": q})
        if not form.is_valid():
            raise ApiError(400, "q: " + " ".join(form.errors["q"]))
        if form.cleaned_data["q"]:
            term = form.cleaned_data["q"]
            queryset = queryset.filter(Q(name__icontains=term) | Q(aliases__icontains=term))
            params["q"] = term
    count = queryset.count()
    pages = max(1, math.ceil(count / page_size))
    if page > pages:
        raise ApiError(404, f"page: there are {pages} pages of {page_size}.")
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
        "results": [_provider_summary(provider) for provider in results],
    }


class _FlowBuilder:
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
    ) -> list[dict]:
        channel_ids = [c.pk for c in (channel, variant) if c is not None]
        channel_steps = [s for cid in channel_ids for s in self.by_owner[("channel", cid)]]
        route_steps = [s for route in path for s in self.by_owner[("route", route.pk)]]
        if path and not path[-1].channel_steps_first:
            ordered = route_steps + channel_steps
        else:
            ordered = channel_steps + route_steps
        return [_step(step) for step in ordered]

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
            "channel": _channel_ref(own.parent if own and own.parent_id else own),
            "variant": _channel_ref(own) if own and own.parent_id else None,
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
                    "hint": _text(variant.hint),
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


@api_view
def provider(request: HttpRequest, slug: str) -> dict:
    obj = Provider.objects.published().select_related("category").filter(slug=slug).first()
    if obj is None:
        raise ApiError(404, f"No published provider {slug!r}.")
    builder = _FlowBuilder(obj)
    summary = builder.tree.summary()
    return {
        **_provider_summary(obj),
        "website": _text(obj.website),
        "difficulty_meaning": obj.difficulty_meaning,
        "sources": obj.source_list,
        "cancel_online": summary.cancel_online,
        "methods": summary.methods,
        "contacts": [_contact(c) for c in obj.contacts.verified().order_by("kind", "value", "pk")],
        "notes": [
            {
                "kind": note.kind,
                "title": note.title,
                "body": note.body,
                "source_url": _text(note.source_url),
            }
            for note in obj.notes.all()
        ],
        "questions": [
            {"question": q.question, "answer": q.answer, "source_url": _text(q.source_url)}
            for q in obj.questions.all()
        ],
        "flow": builder.flow(),
    }


def _channels(queryset) -> list[dict]:
    """Channels with their standard steps, variants and verified contacts: four queries."""
    channels = list(queryset.filter(parent__isnull=True).order_by("position", "name", "slug"))
    variants = list(
        PurchaseChannel.objects.filter(parent__in=channels).order_by("position", "name", "slug")
    )
    ids = [c.pk for c in channels] + [v.pk for v in variants]
    steps: dict[int, list[Step]] = defaultdict(list)
    found = (
        Step.objects.filter(channel__in=ids).select_related("contact").order_by("position", "pk")
    )
    for step in services.hide_unverified_contacts(list(found)):
        steps[step.channel_id].append(step)
    contacts: dict[int, list[OfficialContact]] = defaultdict(list)
    verified = OfficialContact.objects.verified().filter(channel__in=ids)
    for contact in verified.order_by("kind", "value", "pk"):
        contacts[contact.channel_id].append(contact)
    by_parent: dict[int, list[PurchaseChannel]] = defaultdict(list)
    for variant in variants:
        by_parent[variant.parent_id].append(variant)

    def shape(channel: PurchaseChannel, top: bool) -> dict:
        out = {
            "slug": channel.slug,
            "name": channel.name,
            "kind": channel.kind,
            "hint": _text(channel.hint),
            "website": _text(channel.website),
            "online": channel.online,
        }
        if top:
            out.update(
                method=channel.method,
                url=reverse("api:channel", args=[channel.slug]),
                web_url=channel.get_absolute_url(),
                variant_question=_text(channel.variant_question),
                last_verified_on=channel.last_verified_on,
                sources=[line.strip() for line in channel.sources.splitlines() if line.strip()],
            )
        out["contacts"] = [_contact(c) for c in contacts[channel.pk]]
        out["steps"] = [_step(s) for s in steps[channel.pk]]
        if top:
            out["variants"] = [shape(v, False) for v in by_parent[channel.pk]]
        return out

    return [shape(channel, True) for channel in channels]


@api_view
def channels(request: HttpRequest) -> dict:
    return {"results": _channels(PurchaseChannel.objects.live())}


@api_view
def channel(request: HttpRequest, slug: str) -> dict:
    found = _channels(PurchaseChannel.objects.live().filter(slug=slug))
    if not found:
        raise ApiError(404, f"No channel {slug!r}.")
    count = _sold_through(Provider.objects.published(), slug).count()
    providers_url = f"{reverse('api:providers')}?{urlencode({'channel': slug})}"
    return {**found[0], "provider_count": count, "providers_url": providers_url}


def _sold_through(queryset, channel_slug: str):
    """Providers with an answer naming this channel, or one of its variants."""
    return queryset.filter(
        Q(routes__channel__slug=channel_slug, routes__channel__parent__isnull=True)
        | Q(routes__channel__parent__slug=channel_slug)
    ).distinct()


@api_view
def categories(request: HttpRequest) -> dict:
    published = Count("providers", filter=Q(providers__status=Status.PUBLISHED))
    rows = Category.objects.annotate(provider_count=published).order_by("name", "slug")
    providers_url = reverse("api:providers")
    return {
        "results": [
            {
                "slug": category.slug,
                "name": category.name,
                "description": category.description,
                "provider_count": category.provider_count,
                "providers_url": f"{providers_url}?{urlencode({'category': category.slug})}",
                "web_url": category.get_absolute_url(),
            }
            for category in rows
        ]
    }


@api_view
def openapi(request: HttpRequest) -> dict:
    from .openapi import document

    return document()
