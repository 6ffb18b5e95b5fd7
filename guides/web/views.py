"""The visitor's pages. Plain function views; each full page that htmx can update renders
its swappable region, a template partial, on its own when htmx asks for it."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django.views.i18n import JavaScriptCatalog

from guides.caching import memory, versions
from guides.flow.guide import CONTACT_OWNER, hide_unshown_contacts, note_sections, notes_for
from guides.models import (
    Category,
    GuideRequest,
    Provider,
    PublishedRights,
    PurchaseChannel,
    Status,
    Step,
    previews_drafts,
)
from guides.search import search_providers, suggested_categories
from guides.search.statements import lookup, names_all, reachable_channels, who_bills
from guides.text.descriptors import looks_like_statement, name_hint
from guides.web import number_check, ratelimit, seo
from guides.web.forms import GuideRequestForm, SearchForm
from guides.web.htmx import HtmxHttpRequest, vary_on_htmx, wants_partial
from guides.web.lookups import flow_or_404, guide_or_404, region_or_404, viewer


@dataclass(eq=False)  # kept beside in memory.derived, by identity
class HomeLists:
    """The popular guides and the categories with how many guides each, and the HTML of
    their lists once rendered ({% kept %})."""

    popular: list[Provider]
    categories: list[Category]
    channels: list[PurchaseChannel]

    @classmethod
    def load(cls, user=None) -> HomeLists:
        popular = Provider.objects.visible_to(user).filter(popular=True)
        counted = (
            Q(providers__draft__isnull=True)
            if previews_drafts(user)
            else Q(providers__status=Status.PUBLISHED)
        )
        categories = Category.objects.annotate(provider_count=Count("providers", filter=counted))
        return cls(
            popular=list(popular.select_related("category")[:12]),
            categories=list(categories.filter(provider_count__gt=0)),
            channels=reachable_channels(),
        )


@require_safe
def home(request: HtmxHttpRequest) -> HttpResponse:
    user = viewer(request)  # an editor previews drafts, marked as such
    if previews_drafts(user):
        lists = HomeLists.load(user)
    else:
        lists = memory.published_listing("home", HomeLists.load)
    context = {"lists": lists, "meta": seo.home(request)}
    return render(request, "guides/home.html", context)


@require_safe
def search(request: HtmxHttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    drafts = previews_drafts(viewer(request))
    # "What is this charge?": a line copied from a statement is read for who bills it first
    # (at most two queries); when that finds the charge, its guide is the answer and the
    # names are not searched. Nothing of the line is kept or logged (cancelflow/logging.py).
    statement = bool(query) and looks_like_statement(query)
    charge = who_bills(query) if statement else None
    results = search_providers(query, include_drafts=drafts) if query and not charge else []
    # A search whose results do not carry its words may name a channel ("google play" finds
    # Google One); one that found nothing gets the channels offered beside the categories
    # (one query each, none once kept in memory).
    found = (
        lookup(query, charge) if query and not charge and not names_all(results, query) else None
    )
    found_nothing = found is not None and not found.found and not results
    context = {
        "form": form,
        "query": query,
        "results": results,
        "charge": charge or (found.charge if found else None),
        "channels": found.channels if found else [],
        "suggestions": (
            memory.published_listing("categories", suggested_categories) if found_nothing else []
        ),
        "every_channel": found.every_channel if found is not None and found_nothing else [],
        # "Request a guide" carries the words of the search, never its digits: a card,
        # order or phone number would otherwise travel in an address (and its logs).
        "request_name": name_hint(query) if found_nothing else "",
        "meta": seo.search(request, query),
        "number_warning": number_check.warning_link(query),
    }
    template = "guides/search.html#results" if wants_partial(request) else "guides/search.html"
    return vary_on_htmx(render(request, template, context))


@require_safe
def category(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    providers = list(category.providers.visible_to(viewer(request)))
    context = {
        "category": category,
        "providers": providers,
        "meta": seo.category(request, category, providers),
    }
    return render(request, "guides/category.html", context)


@require_safe
def provider_flow(request: HtmxHttpRequest, provider: str, route_path: str = "") -> HttpResponse:
    """The provider page and every state of its flow: a question, or the steps of a leaf."""
    guide = guide_or_404(request, provider)
    provider_obj = guide.provider
    flow = flow_or_404(guide, route_path, region_or_404(request))
    partial = wants_partial(request)
    notes = notes_for(guide, flow.region) if (flow.is_leaf or not partial) else {}
    context = {"guide": guide, "provider": provider_obj, "flow": flow, "notes": notes}
    if flow.is_leaf:  # "Your rights where you live": one query, none once kept in memory
        context["rights"] = memory.published_listing(
            "rights", PublishedRights.load, (versions.SITE,)
        ).section(flow.region)
    if not partial:
        context["summary"] = guide.summary
        context["note_sections"] = note_sections(notes)
        if not flow.answers:
            context["questions"] = guide.questions
        # The metadata shows the guide alone, but for the host in its absolute addresses
        # and the language of the page.
        key = (
            "meta",
            request.scheme,
            request.get_host(),
            get_language(),
            flow.route_path,
            flow.region,
        )
        kept = memory.derived(guide)
        if key not in kept:
            kept[key] = seo.flow(
                request, provider_obj, flow, guide.summary, context.get("questions")
            )
        context["meta"] = kept[key]
    template = "guides/provider.html#flow" if partial else "guides/provider.html"
    return vary_on_htmx(render(request, template, context))


@require_safe
def channel(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    channels = PurchaseChannel.objects.filter(slug=slug, parent__isnull=True)
    live = channel = get_object_or_404(channels.live())
    if previews_drafts(viewer(request)):  # staff read a draft of changes in its place
        channel = channels.filter(draft_of=live).first() or live
    variant_steps = Prefetch("steps", queryset=Step.objects.select_related(*CONTACT_OWNER))
    variants = list(channel.variants.prefetch_related(variant_steps))
    for variant in variants:
        hide_unshown_contacts(list(variant.steps.all()))
    steps = hide_unshown_contacts(list(channel.steps.select_related(*CONTACT_OWNER)))
    providers = list(
        Provider.objects.visible_to(viewer(request))
        .filter(Q(routes__channel=live) | Q(routes__channel__parent=live))
        .distinct()
        .order_by("name")
    )
    every_step = [*steps, *(step for variant in variants for step in variant.steps.all())]
    context = {
        "channel": channel,
        "variants": variants,
        "steps": steps,
        "has_contacts": any(step.contact is not None for step in every_step),
        "providers": providers,
        "meta": seo.channel(request, channel, steps, variants),
    }
    return render(request, "guides/channel.html", context)


# "Request a guide": at its own URL, so that the search pages carry no CSRF token and stay
# cacheable. Every POST counts towards the limit, valid or not.
GUIDE_REQUEST_LIMIT = 5
GUIDE_REQUEST_WINDOW = 3600


@require_http_methods(["GET", "HEAD", "POST"])
def request_guide(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = GuideRequestForm(request.POST)
        verdict = ratelimit.hit(
            request, "guide-request", limit=GUIDE_REQUEST_LIMIT, window=GUIDE_REQUEST_WINDOW
        )
        if not verdict.allowed:
            context = {
                "form": form,
                "retry_minutes": verdict.retry_minutes,
                "meta": seo.guide_request(request),
            }
            return ratelimit.refused(render(request, "guides/request.html", context), verdict)
        if form.is_valid():
            GuideRequest.objects.create(
                name=form.cleaned_data["name"],
                details=form.cleaned_data["details"],
                client=ratelimit.client_fingerprint(request),
            )
            return redirect("guides:request_guide_thanks")
    else:
        form = GuideRequestForm(initial={"name": request.GET.get("name", "")[:120]})
    context = {
        "form": form,
        "meta": seo.guide_request(request),
        "number_warning": number_check.warning_link(str(form["name"].value() or "")),
    }
    return render(request, "guides/request.html", context)


@require_safe
def request_guide_thanks(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "guides/request_thanks.html", {"meta": seo.guide_request(request)})


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    # The visitors' own pages, in every language: searches, forms and feedback.
    others = (code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE)
    prefixes = ["/", *(f"/{code}/" for code in others)]
    private = [
        f"Disallow: {p}{page}/"
        for p in prefixes
        for page in ("search", "request", "feedback", "reminder", "plan", "record")
    ]
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        *private,
        "",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


# The strings of static/js/ in the page's language (/de/jsi18n/ …), translated from
# locale/<language>/LC_MESSAGES/djangojs.po. They change only with a deployment; an ETag
# (ConditionalGetMiddleware) answers a browser that has them with a 304.
javascript_catalog = require_safe(
    cache_control(public=True, max_age=24 * 60 * 60)(JavaScriptCatalog.as_view())
)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness. Without the database nothing can be served: 503, so a load
    balancer sends visitors elsewhere. Without the cache visitors still get every guide
    from the database (slower, and edits wait): 200, "degraded"."""
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
    if checks["database"] != "ok":
        status, code = "unavailable", 503
    elif checks["cache"] != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, **checks}, status=code)
