"""Purchase channels, shared by every provider sold there: their standard steps, variants
and contacts, and every answer page a change to them reaches. A live channel is changed in a
draft of changes (channel_publishing.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guides.admin.channel_publishing import ChannelPublishingMixin
from guides.admin.contacts import ContactInline
from guides.admin.descriptors import DescriptorInline
from guides.admin.filters import ChannelLevelFilter, VerifiedFilter
from guides.admin.forms import SiblingSlugsFormSet
from guides.admin.mixins import EditorAdmin, OrderedTabularInline
from guides.admin.steps import StepInline
from guides.models import PurchaseChannel
from guides.publishing.reach import channel_reach

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ChannelCounts(TypedDict):
    """What the list of channels annotates each channel with."""

    step_count: int
    has_draft: bool


class VariantFormSet(SiblingSlugsFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "kind" in form.fields and self.instance.pk is not None:
            form.fields["kind"].initial = self.instance.kind


class VariantInline(OrderedTabularInline):
    model = PurchaseChannel
    formset = VariantFormSet
    fk_name = "parent"
    fields = ["position", "name", "slug", "kind", "hint", "online", "website", "regions"]
    prepopulated_fields = {"slug": ["name"]}
    show_change_link = True
    verbose_name = _("variant")
    verbose_name_plural = _("variants (open one to edit its own steps)")


class ChannelStepInline(StepInline):
    fk_name = "channel"
    verbose_name_plural = _("standard steps (open one for its email template and source)")


class ChannelContactInline(ContactInline):
    fk_name = "channel"


class ChannelDescriptorInline(DescriptorInline):
    fk_name = "channel"


@admin.register(PurchaseChannel)
class PurchaseChannelAdmin(ChannelPublishingMixin, EditorAdmin):
    list_display = [
        "__str__",
        "state",
        "kind",
        "online",
        "position",
        "step_count",
        "last_verified_on",
    ]
    list_filter = [ChannelLevelFilter, "kind", "online", VerifiedFilter]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "hint", "parent__name"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "parent", "kind", "position"]}),
        (_("What visitors read"), {"fields": ["hint", "website", "online", "variant_question"]}),
        (_("Where it applies (a variant)"), {"fields": ["regions"]}),
        (_("Verification"), {"fields": ["last_verified_on", "sources"]}),
        (_("Where visitors see it"), {"fields": ["reach"]}),
    ]
    readonly_fields = ["reach"]

    @admin.display(description=_("Shown on"))
    def reach(self, channel: PurchaseChannel):
        """Every answer page that shows this channel's steps: what a change here reaches."""
        if channel.pk is None:
            return "—"
        found = channel_reach(channel.whole.draft_of or channel.whole)
        items = format_html_join(
            "",
            '<li><a href="{}">{}: {}</a></li>',
            ((leaf.url, provider.name, ", ".join(leaf.answers)) for provider, leaf in found.pages),
        )
        return format_html(
            "<p>{}</p><ul>{}</ul>",
            format_html(
                gettext(
                    "<strong>{pages}</strong>: a change to this channel's steps reaches all "
                    "of them."
                ),
                pages=str(found),
            ),
            items,
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("parent", "draft_of")
            .annotate(
                step_count=Count("steps"),
                has_draft=Exists(PurchaseChannel.objects.filter(draft_of=OuterRef("pk"))),
            )
            .order_by(*(PurchaseChannel._meta.ordering or ()))
        )

    def get_search_results(self, request, queryset, search_term):
        """The autocomplete offers what the field may take (formfield_for_foreignkey): an
        answer's channel is a live one; a new step's or contact's, a draft of changes."""
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if request.path == reverse("admin:autocomplete") and request.GET.get("field_name") == (
            "channel"
        ):
            live = request.GET.get("model_name") == "route"
            queryset = queryset.live() if live else queryset.drafts()
        return queryset, duplicates

    @admin.display(description=_("Status"))
    def state(self, channel: WithAnnotations[PurchaseChannel, ChannelCounts]) -> str:
        if channel.draft_of_id:
            return gettext("Draft of changes")
        if channel.parent_id:
            return gettext("Variant")
        return gettext("Live, draft open") if channel.has_draft else gettext("Live")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        channel = None
        if object_id is not None and str(unquote(object_id)).isdigit():
            channel = PurchaseChannel.objects.filter(pk=unquote(object_id)).first()
        if channel is not None and not channel.is_draft:
            whole = channel.whole
            extra_context = {
                **(extra_context or {}),
                "open_draft": PurchaseChannel.objects.filter(draft_of=whole).first(),
                "may_draft": super(EditorAdmin, self).has_change_permission(request),
                "reach": channel_reach(whole),
            }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_inlines(self, request, obj):
        # A new channel's steps wait for the channel to exist (save, then add them).
        if obj is None:
            return []
        if obj.parent_id:
            return [ChannelStepInline, ChannelContactInline]
        return [ChannelStepInline, VariantInline, ChannelContactInline, ChannelDescriptorInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        parent = form.base_fields.get("parent")
        if parent is not None:
            # A new variant joins a draft of changes to a channel, not the live channel.
            tops = PurchaseChannel.objects.filter(parent__isnull=True, draft_of__isnull=False)
            if obj is not None:
                tops = tops.exclude(pk=obj.pk)
            parent.queryset = tops
        return form

    @admin.display(description=_("Standard steps"), ordering="step_count")
    def step_count(self, channel: WithAnnotations[PurchaseChannel, ChannelCounts]) -> int:
        return channel.step_count
