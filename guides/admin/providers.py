"""Providers: a guide's own page, with its routes, notes, FAQ and contacts; who may publish
and verify; the list's columns and actions; the "Needs attention" and "Whole flow" pages.
Publishing (publishing.py) and guide files (transfer.py) add their pages to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from guides.admin import feedback_readout
from guides.admin.contacts import ContactInline
from guides.admin.descriptors import ProviderDescriptorInline
from guides.admin.filters import STALE_AFTER, ReportsFilter, VerifiedFilter, stale_q
from guides.admin.link_health import LinkHealthMixin, with_fix_tokens
from guides.admin.mixins import EditorAdmin, OrderedTabularInline, change_url_of
from guides.admin.publishing import PublishingMixin
from guides.admin.routes import ProviderRouteInline, route_choice_label
from guides.admin.transfer import GuideTransferMixin
from guides.admin.translation_state import TranslationStateMixin
from guides.flow import map as flow_map
from guides.links.health import failed_checks
from guides.links.health import needing_attention as links_needing_attention
from guides.models import (
    Feedback,
    FeedbackStatus,
    GuideRequest,
    Provider,
    ProviderNote,
    Question,
    Route,
    Status,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations

KEPT_ON_REVERT = ("status", "last_verified_on", "last_verified_by")


class ProviderCounts(feedback_readout.OpenReports):
    """What the list of providers annotates each provider with."""

    route_count: int
    has_draft: bool


class ProviderNoteInline(OrderedTabularInline):
    model = ProviderNote
    fields = ["position", "kind", "title", "body", "source_url", "regions"]


class QuestionInline(OrderedTabularInline):
    model = Question
    fields = ["position", "question", "answer", "source_url"]
    verbose_name = _("question (FAQ)")
    verbose_name_plural = _("questions (FAQ)")


class ProviderContactInline(ContactInline):
    fk_name = "provider"


@admin.register(Provider)
class ProviderAdmin(
    LinkHealthMixin, TranslationStateMixin, PublishingMixin, GuideTransferMixin, EditorAdmin
):
    list_display = [
        "name",
        "category",
        "state",
        "difficulty",
        "route_count",
        "last_verified_on",
        "open_report_count",
        "popular",
        "flow_link",
    ]
    list_filter = [
        "status",
        VerifiedFilter,
        ReportsFilter,
        "category",
        "difficulty",
        "popular",
    ]
    list_select_related = ["category"]
    search_fields = ["name", "slug", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category"]
    save_on_top = True
    actions = ["mark_verified_today", "review_and_publish", "unpublish"]
    change_list_template = "admin/guides/provider/change_list.html"
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "status", "popular"]}),
        (
            _("What visitors read"),
            {
                "fields": [
                    "summary",
                    "aliases",
                    "website",
                    "difficulty",
                    "minutes_to_cancel",
                    "first_question",
                ]
            },
        ),
        (
            _("Verification"),
            {"fields": ["last_verified_on", "last_verified_by", "sources", "updated_at"]},
        ),
        (
            _("Visitors' feedback since the last verification"),
            {"fields": ["feedback_readout"]},
        ),
        (_("Link health"), {"fields": ["link_health"]}),
        (_("Translations"), {"fields": ["translation_state"]}),
    ]
    inlines = [
        ProviderRouteInline,
        ProviderNoteInline,
        QuestionInline,
        ProviderContactInline,
        ProviderDescriptorInline,
    ]

    # Who may publish and verify -----------------------------------------------------------

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("guides.publish_provider")

    def has_verify_permission(self, request) -> bool:
        return request.user.has_perm("guides.verify_provider")

    def get_readonly_fields(self, request, obj=None):
        # Nobody types a verification date: a Publisher presses "Mark verified today".
        # Nor a status: a guide is published from its review page, by a second person.
        return [
            "status",
            "last_verified_on",
            "last_verified_by",
            "updated_at",
            "feedback_readout",
            "link_health",
            "translation_state",
        ]

    def save_model(self, request, obj, form, change):
        if "last_verified_on" in form.changed_data:
            obj.last_verified_by = request.user if obj.last_verified_on else None
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        kept = (extra_context or {}).get("kept_provider")
        if kept is not None and object_id is not None:
            self._keep(request, unquote(object_id), kept)
        if object_id is not None and str(unquote(object_id)).isdigit():
            open_draft = Provider.objects.filter(draft_of_id=int(unquote(object_id))).first()
            extra_context = {
                **(extra_context or {}),
                "open_draft": open_draft,
                "may_draft": super(EditorAdmin, self).has_change_permission(request),
            }
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("Status"), ordering="status")
    def state(self, provider: WithAnnotations[Provider, ProviderCounts]) -> str:
        if provider.draft_of_id:
            return gettext("Draft of changes")
        if provider.is_live:
            return gettext("Published, draft open") if provider.has_draft else gettext("Published")
        return gettext("Draft")

    # A revert brings back an old version whole: what this user may not change is kept as it
    # is now, and a recovered guide comes back as a draft. The revert and recover views name
    # what to keep in the context they hand the change view, which writes it over the old
    # version before the form reads it (so the preview shows what a save will keep).

    def revision_view(self, request, object_id, version_id, extra_context=None):
        current = Provider.objects.filter(pk=object_id).values(*KEPT_ON_REVERT).first()
        extra_context = {**(extra_context or {}), "kept_provider": current or {}}
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        extra_context = {**(extra_context or {}), "kept_provider": {}}
        return super().recover_view(request, version_id, extra_context)

    def _keep(self, request, object_id, kept: dict) -> None:
        values = {"status": kept.get("status", Status.DRAFT)}
        if kept and not self.has_verify_permission(request):
            values["last_verified_on"] = kept["last_verified_on"]
            values["last_verified_by"] = kept["last_verified_by"]
        Provider.objects.filter(pk=object_id).update(**values)

    # Actions ------------------------------------------------------------------------------

    # The actions save guide by guide, each save logged in the change log in the same
    # transaction: all or nothing, should the database fail part way (cancelflow/middleware.py
    # then answers 503).
    @admin.action(permissions=["verify"], description=_("Mark verified today"))
    @transaction.atomic
    def mark_verified_today(self, request, queryset):
        today = timezone.localdate()
        providers = list(queryset)
        for provider in providers:
            provider.last_verified_on = today
            provider.last_verified_by = request.user
            provider.save(update_fields=["last_verified_on", "last_verified_by", "updated_at"])
        count = len(providers)
        self.message_user(
            request,
            ngettext(
                "Marked %(count)s guide verified today, by you.",
                "Marked %(count)s guides verified today, by you.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(permissions=["publish"], description=_("Review and publish…"))
    def review_and_publish(self, request, queryset):
        """Publishing goes through the review page, one guide at a time."""
        guides = list(queryset[:2])
        if len(guides) != 1:
            self.message_user(
                request, gettext("Choose one guide to review and publish."), messages.WARNING
            )
            return None
        guide = guides[0]
        if guide.is_live:
            draft = Provider.objects.filter(draft_of=guide).first()
            if draft is None:
                self.message_user(
                    request,
                    gettext("“%(guide)s” is live and has no draft to publish.") % {"guide": guide},
                    messages.INFO,
                )
                return None
            guide = draft
        return HttpResponseRedirect(reverse("admin:guides_provider_review", args=[guide.pk]))

    @admin.action(permissions=["publish"], description=_("Unpublish: back to draft"))
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Status.DRAFT, _("Back to draft: %(names)s."))

    @transaction.atomic
    def _set_status(self, request, queryset, status: str, done: StrOrPromise) -> None:
        """Give each guide of `queryset` `status`; `done` says so, naming them (%(names)s)."""
        changed = [provider for provider in queryset if provider.status != status]
        for provider in changed:
            provider.status = status
            provider.save(update_fields=["status", "updated_at"])
        names = ", ".join(provider.name for provider in changed) or gettext("nothing to change")
        self.message_user(request, str(done) % {"names": names}, messages.SUCCESS)

    # What the lists and the page show -----------------------------------------------------

    def get_queryset(self, request):
        qs = (
            super()
            .get_queryset(request)
            .annotate(
                route_count=Count("routes"),
                has_draft=Exists(Provider.objects.filter(draft_of=OuterRef("pk"))),
            )
        )
        return feedback_readout.with_open_reports(qs).order_by(*(Provider._meta.ordering or ()))

    @admin.display(description=_("Routes"), ordering="route_count")
    def route_count(self, provider: WithAnnotations[Provider, ProviderCounts]) -> int:
        return provider.route_count

    @admin.display(description=_("New failure reports"), ordering="open_reports")
    def open_report_count(self, provider: WithAnnotations[Provider, ProviderCounts]):
        if not provider.open_reports:
            return "—"
        url = reverse("admin:guides_feedback_changelist")
        query = f"provider__id__exact={provider.pk}&since=verified&status__exact=new"
        return format_html('<a href="{}?{}">{}</a>', url, query, provider.open_reports)

    @admin.display(description=_("By route"))
    def feedback_readout(self, provider: Provider):
        if provider is None or provider.pk is None:
            return "—"
        rows = feedback_readout.route_readout(provider)
        if not rows:
            return gettext("No feedback since the last verification.")
        body = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    change_url_of(row["route"]),
                    route_choice_label(row["route"]),
                    row["rate"],
                    row["worked"],
                    row["failed"],
                    row["problems"],
                )
                for row in rows
            ),
        )
        head = format_html_join(
            "",
            '<th scope="col">{}</th>',
            (
                (column,)
                for column in (
                    gettext("Route"),
                    gettext("Success rate"),
                    gettext("Worked"),
                    gettext("Did not work"),
                    gettext("Problems reported"),
                )
            ),
        )
        return format_html(
            '<table class="cf-readout"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
            head,
            body,
        )

    # The "needs attention" page -----------------------------------------------------------

    def get_urls(self):
        attention = path(
            "attention/",
            self.admin_site.admin_view(self.attention_view),
            name="guides_provider_attention",
        )
        flow = path(
            "<path:object_id>/flow/",
            self.admin_site.admin_view(self.flow_view),
            name="guides_provider_flow",
        )
        return [attention, flow, *super().get_urls()]

    @admin.display(description=_("Flow"))
    def flow_link(self, provider: Provider):
        url = reverse("admin:guides_provider_flow", args=[provider.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Whole flow"))

    def flow_view(self, request, object_id):
        """The provider's whole flow on one page: every answer page, numbered as visitors
        see it, where its contacts are used, and the open feedback on each step."""
        provider = self.get_object(request, object_id)
        if provider is None:
            raise Http404("No such provider.")
        if not self.has_view_or_change_permission(request, provider):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": provider,
            "title": gettext("The whole flow of %(guide)s") % {"guide": provider.name},
            "map": flow_map.build(provider),
        }
        return TemplateResponse(request, "admin/guides/provider/flow.html", context)

    def attention_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        providers = feedback_readout.with_open_reports(Provider.objects.select_related("category"))
        routes = feedback_readout.with_route_feedback(
            Route.objects.select_related("provider", "parent")
        ).filter(Q(fb_failed__gt=0) | Q(fb_problems__gt=0))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Needs attention"),
            "reported": providers.filter(open_reports__gt=0).order_by("-open_reports", "name"),
            "stale": providers.filter(stale_q()).order_by(
                F("last_verified_on").asc(nulls_first=True), "name"
            ),
            "routes": [
                (route, feedback_readout.success_rate(route.fb_worked, route.fb_failed))
                for route in routes.order_by("-fb_failed", "-fb_problems")[:50]
            ],
            "new_reports": Feedback.objects.filter(
                status=FeedbackStatus.NEW, kind__in=feedback_readout.FAILURES
            ).select_related("provider")[:20],
            "open_requests": GuideRequest.objects.filter(handled=False).count(),
            "links": with_fix_tokens(links_needing_attention()),
            "failed_checks": failed_checks(),
            "stale_days": STALE_AFTER.days,
        }
        return TemplateResponse(request, "admin/guides/provider/attention.html", context)
