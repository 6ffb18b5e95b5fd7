"""What visitors said: feedback on a guide's steps and requests for new guides, which editors
triage."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from guides.admin.filters import SinceVerifiedFilter
from guides.admin.mixins import change_url_of
from guides.models import Feedback, FeedbackStatus, GuideRequest


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    """What visitors said about a guide's steps; editors triage it (new → fixed/dismissed)."""

    list_display = [
        "created_at",
        "provider",
        "answers",
        "kind",
        "step_about",
        "short_comment",
        "status",
    ]
    list_filter = [
        "status",
        "kind",
        SinceVerifiedFilter,
        ("provider", admin.RelatedOnlyFieldListFilter),
        ("route", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["provider", "route__provider", "step"]
    search_fields = ["provider__name", "route_path", "route__label", "comment"]
    date_hierarchy = "created_at"
    actions = ["mark_fixed", "mark_dismissed", "mark_new"]
    fields = [
        "provider",
        "route",
        "route_path",
        "kind",
        "step_number",
        "step_about",
        "comment",
        "created_at",
        "status",
    ]
    readonly_fields = [
        "provider",
        "route",
        "route_path",
        "kind",
        "step_number",
        "step_about",
        "comment",
        "created_at",
    ]
    change_list_template = "admin/guides/feedback/change_list.html"

    def has_add_permission(self, request) -> bool:
        return False  # only visitors give feedback

    @admin.display(description=_("Answers"), ordering="route_path")
    def answers(self, item: Feedback):
        return format_html('<a href="{}">{}</a>', item.get_absolute_url(), item.route_path)

    @admin.display(description=_("Step"))
    def step_about(self, item: Feedback):
        """The step a report is about, by its title and its edit link; the number is the one
        the visitor saw, which may have changed since."""
        step = item.step
        if step is None:
            if item.step_number:
                return gettext("Step %(number)s, as the visitor saw it") % {
                    "number": item.step_number
                }
            return "—"
        return format_html(
            gettext('<a href="{url}">{title}</a> (step {number} as the visitor saw it)'),
            url=change_url_of(step),
            title=step.title,
            number=item.step_number or "?",
        )

    @admin.display(description=_("Comment"))
    def short_comment(self, item: Feedback) -> str:
        return Truncator(item.comment).chars(80) or "—"

    def _mark(self, request, queryset, status: str) -> None:
        count = queryset.update(status=status)
        if status == FeedbackStatus.FIXED:
            done = ngettext("Marked %(count)s as fixed.", "Marked %(count)s as fixed.", count)
        elif status == FeedbackStatus.DISMISSED:
            done = ngettext(
                "Marked %(count)s as dismissed.", "Marked %(count)s as dismissed.", count
            )
        else:
            done = ngettext("Marked %(count)s as new.", "Marked %(count)s as new.", count)
        self.message_user(request, done % {"count": count}, messages.SUCCESS)

    @admin.action(permissions=["change"], description=_("Mark fixed"))
    def mark_fixed(self, request, queryset):
        self._mark(request, queryset, FeedbackStatus.FIXED)

    @admin.action(permissions=["change"], description=_("Dismiss"))
    def mark_dismissed(self, request, queryset):
        self._mark(request, queryset, FeedbackStatus.DISMISSED)

    @admin.action(permissions=["change"], description=_("Mark new again"))
    def mark_new(self, request, queryset):
        self._mark(request, queryset, FeedbackStatus.NEW)


@admin.register(GuideRequest)
class GuideRequestAdmin(admin.ModelAdmin):
    list_display = ["name", "short_details", "created_at", "handled"]
    list_filter = ["handled"]
    search_fields = ["name", "details"]
    date_hierarchy = "created_at"
    actions = ["mark_handled", "mark_open"]
    fields = ["name", "details", "created_at", "handled"]
    readonly_fields = ["name", "details", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False  # only visitors ask for guides

    @admin.display(description=_("Details"))
    def short_details(self, item: GuideRequest) -> str:
        return Truncator(item.details).chars(80) or "—"

    @admin.action(permissions=["change"], description=_("Mark handled"))
    def mark_handled(self, request, queryset):
        count = queryset.update(handled=True)
        self.message_user(
            request,
            ngettext("Marked %(count)s handled.", "Marked %(count)s handled.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(permissions=["change"], description=_("Mark not handled"))
    def mark_open(self, request, queryset):
        count = queryset.update(handled=False)
        self.message_user(
            request,
            ngettext("Marked %(count)s not handled.", "Marked %(count)s not handled.", count)
            % {"count": count},
            messages.SUCCESS,
        )
