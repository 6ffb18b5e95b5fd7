"""Steps, one ordered instruction each, of a route or of a channel: the inline both pages use,
and a step's own page (its email template and source)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from guides.admin.filters import OwnerFilter
from guides.admin.mixins import EditorAdmin, OrderedTabularInline
from guides.models import Step


class StepInline(OrderedTabularInline):
    model = Step
    fields = ["position", "kind", "title", "body", "link_url", "link_label", "contact", "regions"]
    autocomplete_fields = ["contact"]
    show_change_link = True
    verbose_name_plural = _("steps (open one for its email template and source)")


@admin.register(Step)
class StepAdmin(EditorAdmin):
    list_display = ["title", "owner", "kind", "position"]
    list_filter = [OwnerFilter, "kind", ("channel", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["route__provider", "channel__parent"]
    search_fields = [
        "title",
        "body",
        "route__label",
        "route__provider__name",
        "channel__name",
    ]
    autocomplete_fields = ["route", "channel", "contact"]
    fieldsets = [
        (
            _("Belongs to"),
            {
                "fields": ["route", "channel", "position"],
                "description": _("A step belongs to exactly one route or channel."),
            },
        ),
        (None, {"fields": ["kind", "title", "body"]}),
        (_("Link and contact"), {"fields": ["link_url", "link_label", "contact"]}),
        (_("Email template"), {"fields": ["email_subject", "email_body"]}),
        (_("Source"), {"fields": ["source_url"]}),
        (_("Where it applies"), {"fields": ["regions"]}),
    ]

    @admin.display(description=_("Belongs to"))
    def owner(self, step: Step) -> str:
        return str(step.route if step.route_id else step.channel)

    def view_on_site(self, step: Step) -> str | None:
        owner = step.route if step.route_id else step.channel
        return owner.get_absolute_url() if owner is not None else None
