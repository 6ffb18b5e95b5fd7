"""The visitor's pages. Plain function views; each full page that htmx can update renders
its swappable region, a template partial, on its own when htmx asks for it."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_htmx.middleware import HtmxDetails

from . import services
from .forms import SearchForm
from .models import Category, Provider, PurchaseChannel, Status, Step


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def wants_partial(request: HtmxHttpRequest) -> bool:
    """htmx asks for just the swappable region, except when restoring history."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response


@require_safe
def home(request: HtmxHttpRequest) -> HttpResponse:
    popular = list(
        Provider.objects.published().filter(popular=True).select_related("category")[:12]
    )
    categories = list(
        Category.objects.annotate(
            provider_count=Count("providers", filter=Q(providers__status=Status.PUBLISHED))
        ).filter(provider_count__gt=0)
    )
    return render(request, "guides/home.html", {"popular": popular, "categories": categories})


@require_safe
def search(request: HtmxHttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results: list[Provider] = []
    if query:
        results = list(
            Provider.objects.published()
            .filter(
                Q(name__icontains=query)
                | Q(aliases__icontains=query)
                | Q(category__name__icontains=query)
            )
            .select_related("category")[:50]
        )
    context = {"form": form, "query": query, "results": results}
    template = "guides/search.html#results" if wants_partial(request) else "guides/search.html"
    return vary_on_htmx(render(request, template, context))


@require_safe
def category(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    providers = list(category.providers.published())
    return render(request, "guides/category.html", {"category": category, "providers": providers})


@require_safe
def provider_flow(request: HtmxHttpRequest, provider: str, route_path: str = "") -> HttpResponse:
    """The provider page and every state of its flow: a question, or the steps of a leaf."""
    provider_obj = services.published_provider_or_404(request, provider)
    flow = services.resolve_flow(provider_obj, route_path)
    partial = wants_partial(request)
    notes = services.notes_by_kind(provider_obj) if (flow.is_leaf or not partial) else {}
    context = {"provider": provider_obj, "flow": flow, "notes": notes}
    if not partial:
        context["summary"] = flow.tree.summary()
        context["note_sections"] = services.note_sections(notes)
        if not flow.answers:
            context["questions"] = list(provider_obj.questions.all())
    template = "guides/provider.html#flow" if partial else "guides/provider.html"
    return vary_on_htmx(render(request, template, context))


@require_safe
def channel(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    channel = get_object_or_404(PurchaseChannel, slug=slug, parent__isnull=True)
    variant_steps = Prefetch("steps", queryset=Step.objects.select_related("contact"))
    variants = list(channel.variants.prefetch_related(variant_steps))
    for variant in variants:
        services.hide_unverified_contacts(list(variant.steps.all()))
    steps = services.hide_unverified_contacts(list(channel.steps.select_related("contact")))
    providers = list(
        Provider.objects.published().filter(routes__channel=channel).distinct().order_by("name")
    )
    return render(
        request,
        "guides/channel.html",
        {"channel": channel, "variants": variants, "steps": steps, "providers": providers},
    )


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /search/", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: the database and the cache both answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "unavailable"
    try:
        cache.set("healthz", "ok", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "ok" else "unavailable"
    except Exception:
        checks["cache"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
