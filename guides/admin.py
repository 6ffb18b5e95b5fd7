"""The editors' admin: everything a guide is made of can be maintained here, without code.

Ordered things (routes, steps, notes, questions, variants) are edited in tabular inlines
with a plain `position` column: static/js/admin-ordering.js lets editors drag the rows and
writes the new order into the position inputs; without JavaScript, editors type it. Rows
that share a position are ordered by (position, pk), so nothing needs lifting out of the way.

Every change made here is kept by django-reversion (see guides/history.py): each page's
History lists who changed what and when, and any earlier version can be brought back,
deleted steps and their order included ("Recover deleted …" on each list).

Roles: the Editors group edits guide content; publishing a guide (its status) and marking
it verified take the publish_provider and verify_provider permissions (the Publishers group).

A live guide is shown read-only, with its parts: its changes are made in a draft of it,
which a second person reviews and publishes (guides/publishing.py, and the review, revisions
and rollback pages below).
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version

from . import channel_publishing, feedback, flow_map, history, publishing, verification
from .admin_channel_publishing import ChannelPublishingMixin
from .admin_publishing import PublishingMixin
from .admin_transfer import GuideTransferMixin
from .admin_undo import UndoMixin
from .edit_token import EditTokenMixin
from .models import (
    MAX_POSITION,
    MAX_ROUTE_DEPTH,
    Category,
    Feedback,
    FeedbackStatus,
    GuideRequest,
    OfficialContact,
    Provider,
    ProviderNote,
    PurchaseChannel,
    Question,
    Route,
    Status,
    Step,
)
from .reach import channel_reach

history.register()

ORDERED_CLASS = "cf-ordered"  # the class admin-ordering.js looks for on an inline's fieldset
SMALL_TEXTAREA = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 36})}}


# Ordered inlines: the form, the formset, the inline -------------------------------------


class PositionForm(forms.ModelForm):
    """A row of an ordered inline: its position is a number an editor may type."""

    position = forms.IntegerField(
        min_value=0,
        max_value=MAX_POSITION,
        help_text="Drag the rows by ☰ to reorder them, or type the order here.",
        widget=forms.NumberInput(attrs={"class": "cf-position"}),
    )


def _value_key(value):
    return value.pk if isinstance(value, models.Model) else value


class SiblingSlugsFormSet(forms.BaseInlineFormSet):
    """An inline formset whose rows must not share a slug among themselves: the database
    refuses it with a conditional constraint, which a formset's own checks do not see.

    `slug_scope` names the fields, besides the inline's foreign key, within which slugs are
    unique: a provider's routes are named per parent, so its formset has
    `slug_scope = ("parent",)`.
    """

    slug_scope: tuple[str, ...] = ()
    scope_label = ""  # how an error names the scope, e.g. " under the same question"

    def kept_forms(self):
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            if hasattr(form, "cleaned_data") and form.cleaned_data:
                yield form

    def clean(self) -> None:
        super().clean()
        seen: dict[tuple, forms.Form] = {}
        clashing: list[forms.Form] = []
        for form in self.kept_forms():
            if "slug" not in form.cleaned_data or form.has_error("slug"):
                continue
            key = tuple(_value_key(form.cleaned_data.get(s)) for s in self.slug_scope)
            key += (form.cleaned_data["slug"],)
            if key in seen:
                clashing += [seen[key], form]
            else:
                seen[key] = form
        for form in dict.fromkeys(clashing):  # each form once, in order
            form.add_error("slug", f"Another row{self.scope_label} has this slug too.")
        if clashing:
            raise ValidationError("Two rows share a slug. Give each row its own.", code="duplicate")


class StatedLimits:
    """Every text field says how long it may be, and no browser cuts a pasted text short at
    that length (it would lose the end of it silently): a text that is too long gets a form
    error, with all of it kept in the form."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        limit = getattr(db_field, "max_length", None)
        texts = isinstance(db_field, models.CharField | models.TextField)
        if formfield is not None and texts and limit and not db_field.choices:
            formfield.widget.attrs.pop("maxlength", None)
            note = f"Up to {limit:,} characters."
            formfield.help_text = f"{formfield.help_text} {note}".strip()
        return formfield


def _unlocked(obj) -> bool:
    """Whether `obj` may be changed in place: it is no part of a live guide or channel."""
    return publishing.live_guide_of(obj) is None and channel_publishing.live_channel_of(obj) is None


def _note_editor(obj, user) -> None:
    publishing.note_editor(obj, user)
    channel_publishing.note_channel_editor(obj, user)


class LockedWhenLive:
    """An inline of a live guide's page (or of one of its routes), or of a live channel's,
    is read-only: the guide or channel is changed in its draft."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and _unlocked(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _unlocked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _unlocked(obj)


class OrderedTabularInline(LockedWhenLive, StatedLimits, admin.TabularInline):
    form = PositionForm
    extra = 0
    classes = [ORDERED_CLASS]
    formfield_overrides = SMALL_TEXTAREA

    class Media:
        js = ["js/admin-ordering.js"]
        css = {"all": ["css/admin-ordering.css"]}


class EditorAdmin(EditTokenMixin, UndoMixin, StatedLimits, VersionAdmin):
    """Keeps every change in history (django-reversion), revertable, and its change forms
    refuse a save based on a stale copy (guides/edit_token.py).

    (Admins that annotate a count re-state the model's ordering: a grouped query drops it,
    and the autocomplete view paginates what get_queryset returns.)
    """

    history_latest_first = True
    object_history_template = "admin/guides/object_history.html"

    # A live guide's rows are read-only; whoever changes a guide that is not live is noted as
    # one of its editors, who may not publish it (guides/publishing.py).

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _unlocked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _unlocked(obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _note_editor(obj, request.user)

    def delete_model(self, request, obj):
        _note_editor(obj, request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            _note_editor(obj, request.user)
        super().delete_queryset(request, queryset)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A new part (a route, a step, a contact) joins a guide that is not live.
        if db_field.related_model is Provider:
            kwargs["queryset"] = Provider.objects.editable()
        elif db_field.related_model is Route:
            kwargs["queryset"] = Route.objects.filter(provider__in=Provider.objects.editable())
        elif db_field.related_model is PurchaseChannel and db_field.model is Route:
            # An answer sends visitors to a channel they can read, never to a draft of one.
            kwargs["queryset"] = PurchaseChannel.objects.live()
        elif db_field.related_model is PurchaseChannel:
            # A new step or contact of a channel joins a draft of changes to it.
            kwargs["queryset"] = PurchaseChannel.objects.drafts()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _refuse_live(self, request, obj) -> HttpResponseRedirect | None:
        """History cannot write into a live guide: it is rolled back to a published
        revision instead, or changed in its draft."""
        live = publishing.live_guide_of(obj)
        if live is None:
            channel = channel_publishing.live_channel_of(obj)
            if channel is None:
                return None
            self.message_user(
                request,
                f"The channel “{channel}” is live: an earlier version is not brought back "
                "into it. Change it in its draft of changes instead.",
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse("admin:guides_purchasechannel_change", args=[channel.pk])
            )
        self.message_user(
            request,
            f"“{live}” is live: an earlier version is not brought back into it. Roll the "
            "guide back to one of its published revisions, or change its draft.",
            messages.ERROR,
        )
        return HttpResponseRedirect(reverse("admin:guides_provider_revisions", args=[live.pk]))

    def revision_view(self, request, object_id, version_id, extra_context=None):
        refused = self._refuse_live(request, self.get_object(request, unquote(object_id)))
        if refused is not None:
            return refused
        request._cf_reverting = True
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id)
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            recovered = version._object_version.object
        except RevertError:  # unreadable: the recover view says so
            recovered = None
        refused = self._refuse_live(request, recovered)
        if refused is not None:
            return refused
        request._cf_reverting = True
        return super().recover_view(request, version_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if getattr(request, "_cf_reverting", False):
            # The old version has just been written back: refuse it while it still points
            # at something deleted since (a route, a channel), before anything is shown.
            history.check_references()
        return super().changeform_view(request, object_id, form_url, extra_context)


# List filters -----------------------------------------------------------------------------


STALE_AFTER = datetime.timedelta(days=180)


def stale_q() -> Q:
    """Guides due for a check: never verified, or not in the last 180 days."""
    since = timezone.localdate() - STALE_AFTER
    return Q(last_verified_on__isnull=True) | Q(last_verified_on__lt=since)


class VerifiedFilter(admin.SimpleListFilter):
    title = "last verified"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [
            ("due", "Due: never, or over 180 days ago"),
            ("recent", "In the last 180 days"),
            ("stale", "Over 180 days ago"),
            ("never", "Never"),
        ]

    def queryset(self, request, queryset):
        since = timezone.localdate() - STALE_AFTER
        if self.value() == "due":
            return queryset.filter(stale_q())
        if self.value() == "recent":
            return queryset.filter(last_verified_on__gte=since)
        if self.value() == "stale":
            return queryset.filter(last_verified_on__lt=since)
        if self.value() == "never":
            return queryset.filter(last_verified_on__isnull=True)
        return queryset


class ChoiceFilter(admin.SimpleListFilter):
    """A filter whose every choice is a fixed condition: {value: (label, Q)}."""

    conditions: dict[str, tuple[str, Q]] = {}

    def lookups(self, request, model_admin):
        return [(value, label) for value, (label, _) in self.conditions.items()]

    def queryset(self, request, queryset):
        if self.value() in self.conditions:
            return queryset.filter(self.conditions[self.value()][1])
        return queryset


class ReportsFilter(ChoiceFilter):
    """Guides that visitors say have stopped working since they were last verified."""

    title = "visitors' reports"
    parameter_name = "reports"
    conditions = {"open": ("New failure reports since last verified", Q(open_reports__gt=0))}


class SinceVerifiedFilter(ChoiceFilter):
    title = "when"
    parameter_name = "since"
    conditions = {"verified": ("Since the guide was last verified", feedback.since_verification())}


class ChannelLevelFilter(ChoiceFilter):
    title = "level"
    parameter_name = "level"
    conditions = {
        "top": ("Channels", Q(parent__isnull=True)),
        "variant": ("Variants", Q(parent__isnull=False)),
    }


class OwnerFilter(ChoiceFilter):
    title = "belongs to"
    parameter_name = "owner"
    conditions = {
        "route": ("A route", Q(route__isnull=False)),
        "channel": ("A channel", Q(channel__isnull=False)),
    }


# Categories -------------------------------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(EditorAdmin):
    list_display = ["name", "slug", "provider_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        qs = super().get_queryset(request).annotate(provider_count=Count("providers"))
        return qs.order_by(*Category._meta.ordering)

    @admin.display(description="Providers", ordering="provider_count")
    def provider_count(self, category: Category) -> int:
        return category.provider_count


# Providers --------------------------------------------------------------------------------


class ProviderRouteFormSet(SiblingSlugsFormSet):
    """All the routes of one provider: slugs are unique per parent, and the parents chosen
    must keep the flow a tree."""

    slug_scope = ("parent",)
    scope_label = " under the same question"

    @cached_property
    def parent_routes(self) -> list[Route]:
        """The parents a row may choose: this provider's routes, loaded once for all rows."""
        if self.instance.pk is None:
            return []
        return list(
            Route.objects.filter(provider=self.instance)
            .select_related("parent")
            .order_by(F("parent_id").asc(nulls_first=True), "position", "pk")
        )

    def add_fields(self, form, index):
        super().add_fields(form, index)
        parent = form.fields.get("parent")
        if parent is not None:
            parent.queryset = (
                Route.objects.filter(provider=self.instance)
                if self.instance.pk is not None
                else Route.objects.none()
            )
            parent.choices = [("", parent.empty_label)] + [
                (route.pk, _route_choice_label(route)) for route in self.parent_routes
            ]

    def clean(self) -> None:
        try:
            super().clean()
        finally:
            self._check_tree()

    def _check_tree(self) -> None:
        """The parents as submitted: none deleted, no loop, no deeper than allowed."""
        deleted = {
            form.instance.pk
            for form in self.initial_forms
            if self.can_delete and self._should_delete_form(form)
        }
        parent_of: dict[int | None, int | None] = {}
        kept = list(self.kept_forms())
        for form in kept:
            if form.instance.pk is not None:
                parent_of[form.instance.pk] = self._parent_pk(form)
        for form in kept:
            if form.has_error("parent"):
                continue
            node = self._parent_pk(form)
            if node in deleted:
                form.add_error(
                    "parent",
                    "This answer's parent is being deleted: delete this answer too, "
                    "or choose another parent.",
                )
                continue
            seen = {form.instance.pk}
            depth = 1
            while node is not None:
                if node in seen:
                    form.add_error("parent", "This parent would make the flow loop back on itself.")
                    break
                seen.add(node)
                depth += 1
                if depth > MAX_ROUTE_DEPTH:
                    form.add_error(
                        "parent", f"A flow can be at most {MAX_ROUTE_DEPTH} questions deep."
                    )
                    break
                node = parent_of.get(node)

    @staticmethod
    def _parent_pk(form) -> int | None:
        if "parent" in form.cleaned_data:
            return _value_key(form.cleaned_data["parent"])
        return form.initial.get("parent")


def _route_choice_label(route: Route) -> str:
    return f"{route.parent.label} → {route.label}" if route.parent_id else route.label


class RouteInline(OrderedTabularInline):
    """Routes listed on a page: each opens its own page, where its steps are edited."""

    model = Route
    prepopulated_fields = {"slug": ["label"]}
    autocomplete_fields = ["channel"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("provider", "channel")


class ProviderRouteInline(RouteInline):
    formset = ProviderRouteFormSet
    fk_name = "provider"
    fields = ["position", "label", "slug", "parent", "channel", "question", "channel_steps_first"]
    verbose_name = "route"
    verbose_name_plural = "routes (answers in the flow; open one to edit its steps)"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .order_by(F("parent_id").asc(nulls_first=True), "position", "pk")
        )


class ProviderNoteInline(OrderedTabularInline):
    model = ProviderNote
    fields = ["position", "kind", "title", "body", "source_url"]


class QuestionInline(OrderedTabularInline):
    model = Question
    fields = ["position", "question", "answer", "source_url"]
    verbose_name = "question (FAQ)"
    verbose_name_plural = "questions (FAQ)"


class ContactInline(LockedWhenLive, StatedLimits, admin.TabularInline):
    model = OfficialContact
    extra = 0
    fields = ["kind", "label", "value", "region", "source_url", "verified_on", "verified_by"]
    readonly_fields = ["verified_on", "verified_by"]
    show_change_link = True


class ProviderContactInline(ContactInline):
    fk_name = "provider"


@admin.register(Provider)
class ProviderAdmin(PublishingMixin, GuideTransferMixin, EditorAdmin):
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
            "What visitors read",
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
            "Verification",
            {"fields": ["last_verified_on", "last_verified_by", "sources", "updated_at"]},
        ),
        (
            "Visitors' feedback since the last verification",
            {"fields": ["feedback_readout"]},
        ),
    ]
    inlines = [ProviderRouteInline, ProviderNoteInline, QuestionInline, ProviderContactInline]

    # Who may publish and verify -----------------------------------------------------------

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("guides.publish_provider")

    def has_verify_permission(self, request) -> bool:
        return request.user.has_perm("guides.verify_provider")

    def get_readonly_fields(self, request, obj=None):
        # Nobody types a verification date: a Publisher presses "Mark verified today".
        # Nor a status: a guide is published from its review page, by a second person.
        return ["status", "last_verified_on", "last_verified_by", "updated_at", "feedback_readout"]

    def save_model(self, request, obj, form, change):
        if "last_verified_on" in form.changed_data:
            obj.last_verified_by = request.user if obj.last_verified_on else None
        # A revert brings back an old version whole: what this user may not change is kept
        # as it is now (a recovered guide comes back as a draft).
        kept = getattr(request, "_cf_kept_provider", None)
        if kept is not None:
            obj.status = kept.get("status", Status.DRAFT)
            if not self.has_verify_permission(request) and kept:
                obj.last_verified_on = kept["last_verified_on"]
                obj.last_verified_by_id = kept["last_verified_by"]
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None and str(unquote(object_id)).isdigit():
            open_draft = Provider.objects.filter(draft_of_id=unquote(object_id)).first()
            extra_context = {
                **(extra_context or {}),
                "open_draft": open_draft,
                "may_draft": super(EditorAdmin, self).has_change_permission(request),
            }
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.display(description="Status", ordering="status")
    def state(self, provider: Provider) -> str:
        if provider.draft_of_id:
            return "Draft of changes"
        if provider.is_live:
            return "Published, draft open" if provider.has_draft else "Published"
        return "Draft"

    def _keep_current(self, request, object_id) -> None:
        current = Provider.objects.filter(pk=object_id).values(
            "status", "last_verified_on", "last_verified_by"
        )
        request._cf_kept_provider = current.first() or {}

    def revision_view(self, request, object_id, version_id, extra_context=None):
        self._keep_current(request, object_id)
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        request._cf_kept_provider = {}
        return super().recover_view(request, version_id, extra_context)

    # Actions ------------------------------------------------------------------------------

    # The actions save guide by guide, each save announced through the cache: all or nothing,
    # should the cache fail part way (cancelflow/middleware.py then answers 503).
    @admin.action(permissions=["verify"], description="Mark verified today")
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
            f"Marked {count} guide{'s' if count != 1 else ''} verified today, by you.",
            messages.SUCCESS,
        )

    @admin.action(permissions=["publish"], description="Review and publish…")
    def review_and_publish(self, request, queryset):
        """Publishing goes through the review page, one guide at a time."""
        guides = list(queryset[:2])
        if len(guides) != 1:
            self.message_user(request, "Choose one guide to review and publish.", messages.WARNING)
            return None
        guide = guides[0]
        if guide.is_live:
            draft = Provider.objects.filter(draft_of=guide).first()
            if draft is None:
                self.message_user(
                    request, f"“{guide}” is live and has no draft to publish.", messages.INFO
                )
                return None
            guide = draft
        return HttpResponseRedirect(reverse("admin:guides_provider_review", args=[guide.pk]))

    @admin.action(permissions=["publish"], description="Unpublish: back to draft")
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Status.DRAFT, "back to draft")

    @transaction.atomic
    def _set_status(self, request, queryset, status: str, done: str) -> None:
        changed = [provider for provider in queryset if provider.status != status]
        for provider in changed:
            provider.status = status
            provider.save(update_fields=["status", "updated_at"])
        names = ", ".join(provider.name for provider in changed) or "nothing to change"
        self.message_user(request, f"{done.capitalize()}: {names}.", messages.SUCCESS)

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
        qs = feedback.with_open_reports(qs)
        return qs.order_by(*Provider._meta.ordering)

    @admin.display(description="Routes", ordering="route_count")
    def route_count(self, provider: Provider) -> int:
        return provider.route_count

    @admin.display(description="New failure reports", ordering="open_reports")
    def open_report_count(self, provider: Provider):
        if not provider.open_reports:
            return "—"
        url = reverse("admin:guides_feedback_changelist")
        query = f"provider__id__exact={provider.pk}&since=verified&status__exact=new"
        return format_html('<a href="{}?{}">{}</a>', url, query, provider.open_reports)

    @admin.display(description="By route")
    def feedback_readout(self, provider: Provider):
        if provider is None or provider.pk is None:
            return "—"
        rows = feedback.route_readout(provider)
        if not rows:
            return "No feedback since the last verification."
        body = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    change_url_of(row["route"]),
                    _route_choice_label(row["route"]),
                    row["rate"],
                    row["worked"],
                    row["failed"],
                    row["problems"],
                )
                for row in rows
            ),
        )
        return format_html(
            '<table class="cf-readout"><thead><tr><th scope="col">Route</th>'
            '<th scope="col">Success rate</th><th scope="col">Worked</th>'
            '<th scope="col">Did not work</th><th scope="col">Problems reported</th>'
            "</tr></thead><tbody>{}</tbody></table>",
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

    @admin.display(description="Flow")
    def flow_link(self, provider: Provider):
        url = reverse("admin:guides_provider_flow", args=[provider.pk])
        return format_html('<a href="{}">Whole flow</a>', url)

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
            "title": f"The whole flow of {provider.name}",
            "map": flow_map.build(provider),
        }
        return TemplateResponse(request, "admin/guides/provider/flow.html", context)

    def attention_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        providers = feedback.with_open_reports(Provider.objects.select_related("category"))
        routes = feedback.with_route_feedback(
            Route.objects.select_related("provider", "parent")
        ).filter(Q(fb_failed__gt=0) | Q(fb_problems__gt=0))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Needs attention",
            "reported": providers.filter(open_reports__gt=0).order_by("-open_reports", "name"),
            "stale": providers.filter(stale_q()).order_by(
                F("last_verified_on").asc(nulls_first=True), "name"
            ),
            "routes": [
                (route, feedback.success_rate(route.fb_worked, route.fb_failed))
                for route in routes.order_by("-fb_failed", "-fb_problems")[:50]
            ],
            "new_reports": Feedback.objects.filter(
                status=FeedbackStatus.NEW, kind__in=feedback.FAILURES
            ).select_related("provider")[:20],
            "open_requests": GuideRequest.objects.filter(handled=False).count(),
            "stale_days": STALE_AFTER.days,
        }
        return TemplateResponse(request, "admin/guides/provider/attention.html", context)


def change_url_of(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


# Purchase channels ------------------------------------------------------------------------


class VariantFormSet(SiblingSlugsFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "kind" in form.fields and self.instance.pk is not None:
            form.fields["kind"].initial = self.instance.kind


class VariantInline(OrderedTabularInline):
    model = PurchaseChannel
    formset = VariantFormSet
    fk_name = "parent"
    fields = ["position", "name", "slug", "kind", "hint", "online", "website"]
    prepopulated_fields = {"slug": ["name"]}
    show_change_link = True
    verbose_name = "variant"
    verbose_name_plural = "variants (open one to edit its own steps)"


class StepInline(OrderedTabularInline):
    model = Step
    fields = ["position", "kind", "title", "body", "link_url", "link_label", "contact"]
    autocomplete_fields = ["contact"]
    show_change_link = True
    verbose_name_plural = "steps (open one for its email template and source)"


class ChannelStepInline(StepInline):
    fk_name = "channel"
    verbose_name_plural = "standard steps (open one for its email template and source)"


class ChannelContactInline(ContactInline):
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
        ("What visitors read", {"fields": ["hint", "website", "online", "variant_question"]}),
        ("Verification", {"fields": ["last_verified_on", "sources"]}),
        ("Where visitors see it", {"fields": ["reach"]}),
    ]
    readonly_fields = ["reach"]

    @admin.display(description="Shown on")
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
            "<p><strong>{}</strong>: a change to this channel's steps reaches all of them.</p>"
            "<ul>{}</ul>",
            str(found),
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
            .order_by(*PurchaseChannel._meta.ordering)
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

    @admin.display(description="Status")
    def state(self, channel: PurchaseChannel) -> str:
        if channel.draft_of_id:
            return "Draft of changes"
        if channel.parent_id:
            return "Variant"
        return "Live, draft open" if channel.has_draft else "Live"

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
        return [ChannelStepInline, VariantInline, ChannelContactInline]

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

    @admin.display(description="Standard steps", ordering="step_count")
    def step_count(self, channel: PurchaseChannel) -> int:
        return channel.step_count


# Routes -----------------------------------------------------------------------------------


class RouteStepInline(StepInline):
    fk_name = "route"


class ChildRouteFormSet(SiblingSlugsFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # A new answer belongs to the same provider as the question it answers.
        if form.instance.provider_id is None:
            form.instance.provider_id = self.instance.provider_id


class ChildRouteInline(RouteInline):
    formset = ChildRouteFormSet
    fk_name = "parent"
    fields = ["position", "label", "slug", "channel", "question", "channel_steps_first"]
    verbose_name = "answer to this route's question"
    verbose_name_plural = "answers to this route's question"


@admin.register(Route)
class RouteAdmin(EditorAdmin):
    list_display = [
        "label",
        "provider",
        "parent",
        "channel",
        "position",
        "step_count",
        "success_rate",
        "problem_count",
    ]
    list_filter = ["provider__status", ("channel", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["provider", "parent__provider", "channel__parent"]
    search_fields = ["label", "slug", "provider__name", "provider__slug"]
    prepopulated_fields = {"slug": ["label"]}
    autocomplete_fields = ["provider", "parent", "channel"]
    fieldsets = [
        (None, {"fields": ["provider", "parent", "label", "slug", "position"]}),
        ("Where it was bought", {"fields": ["channel", "channel_steps_first"]}),
        ("The next question", {"fields": ["question"]}),
    ]

    def get_queryset(self, request):
        return feedback.with_route_feedback(
            super()
            .get_queryset(request)
            .select_related("provider")
            .annotate(step_count=Count("steps"))
            .order_by(*Route._meta.ordering)
        )

    @admin.display(description="Worked, since last verified")
    def success_rate(self, route: Route) -> str:
        return feedback.success_rate(route.fb_worked, route.fb_failed)

    @admin.display(description="Problems reported", ordering="fb_problems")
    def problem_count(self, route: Route):
        if not route.fb_problems:
            return "—"
        url = reverse("admin:guides_feedback_changelist")
        query = f"route__id__exact={route.pk}&kind__exact=problem&since=verified"
        return format_html('<a href="{}?{}">{}</a>', url, query, route.fb_problems)

    def get_inlines(self, request, obj):
        # A new route's steps and answers wait for the route to exist (save, then add them).
        return [] if obj is None else [RouteStepInline, ChildRouteInline]

    def get_readonly_fields(self, request, obj=None):
        # Moving a route to another provider would tear it from its parent and answers.
        return ["provider"] if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        parent = form.base_fields.get("parent")
        if parent is not None and obj is not None:
            parent.queryset = Route.objects.filter(provider_id=obj.provider_id).exclude(pk=obj.pk)
        return form

    @admin.display(description="Steps", ordering="step_count")
    def step_count(self, route: Route) -> int:
        return route.step_count


# Steps and contacts -----------------------------------------------------------------------


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
            "Belongs to",
            {
                "fields": ["route", "channel", "position"],
                "description": "A step belongs to exactly one route or channel.",
            },
        ),
        (None, {"fields": ["kind", "title", "body"]}),
        ("Link and contact", {"fields": ["link_url", "link_label", "contact"]}),
        ("Email template", {"fields": ["email_subject", "email_body"]}),
        ("Source", {"fields": ["source_url"]}),
    ]

    @admin.display(description="Belongs to")
    def owner(self, step: Step) -> str:
        return str(step.route if step.route_id else step.channel)

    def view_on_site(self, step: Step) -> str:
        owner = step.route if step.route_id else step.channel
        return owner.get_absolute_url()


@admin.register(OfficialContact)
class OfficialContactAdmin(EditorAdmin):
    list_display = ["__str__", "kind", "owner", "region", "verified_on"]
    list_filter = ["kind", ("verified_on", admin.EmptyFieldListFilter)]
    list_select_related = ["provider", "channel__parent"]
    search_fields = ["value", "label", "region", "provider__name", "channel__name"]
    autocomplete_fields = ["provider", "channel"]
    readonly_fields = ["verified_on", "verified_by"]
    actions = ["verify"]
    fieldsets = [
        (
            "Belongs to",
            {
                "fields": ["provider", "channel"],
                "description": "A contact belongs to one provider or to one channel.",
            },
        ),
        (None, {"fields": ["kind", "label", "value", "region"]}),
        (
            "Verification",
            {
                "fields": ["source_url", "verified_on", "verified_by"],
                "description": (
                    "A Publisher who neither created nor changed this contact verifies it with "
                    "the Verify action of the contact list, after checking it on its source. "
                    "Any change to it asks for a new verification."
                ),
            },
        ),
    ]

    def has_verify_permission(self, request) -> bool:
        return request.user.has_perm(verification.VERIFY_PERMISSION)

    @admin.action(permissions=["verify"], description="Verify: checked on its official source")
    @transaction.atomic
    def verify(self, request, queryset):
        for contact in queryset.select_related("provider", "channel__parent"):
            reason = verification.verify(contact, request.user)
            if reason:
                self.message_user(request, f"Not verified: {contact}. {reason}", messages.ERROR)
            else:
                self.message_user(request, f"Verified by you today: {contact}.", messages.SUCCESS)

    @admin.display(description="Belongs to")
    def owner(self, contact: OfficialContact) -> str:
        return str(contact.provider if contact.provider_id else contact.channel)

    def view_on_site(self, contact: OfficialContact) -> str:
        owner = contact.provider if contact.provider_id else contact.channel
        return owner.get_absolute_url()


# Visitors' feedback and guide requests ------------------------------------------------------


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

    @admin.display(description="Answers", ordering="route_path")
    def answers(self, item: Feedback):
        return format_html('<a href="{}">{}</a>', item.get_absolute_url(), item.route_path)

    @admin.display(description="Step")
    def step_about(self, item: Feedback):
        """The step a report is about, by its title and its edit link; the number is the one
        the visitor saw, which may have changed since."""
        if item.step_id is None:
            if item.step_number:
                return f"Step {item.step_number}, as the visitor saw it"
            return "—"
        return format_html(
            '<a href="{}">{}</a> (step {} as the visitor saw it)',
            change_url_of(item.step),
            item.step.title,
            item.step_number or "?",
        )

    @admin.display(description="Comment")
    def short_comment(self, item: Feedback) -> str:
        return Truncator(item.comment).chars(80) or "—"

    def _mark(self, request, queryset, status: str) -> None:
        count = queryset.update(status=status)
        label = FeedbackStatus(status).label.lower()
        self.message_user(request, f"Marked {count} as {label}.", messages.SUCCESS)

    @admin.action(permissions=["change"], description="Mark fixed")
    def mark_fixed(self, request, queryset):
        self._mark(request, queryset, FeedbackStatus.FIXED)

    @admin.action(permissions=["change"], description="Dismiss")
    def mark_dismissed(self, request, queryset):
        self._mark(request, queryset, FeedbackStatus.DISMISSED)

    @admin.action(permissions=["change"], description="Mark new again")
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

    @admin.display(description="Details")
    def short_details(self, item: GuideRequest) -> str:
        return Truncator(item.details).chars(80) or "—"

    @admin.action(permissions=["change"], description="Mark handled")
    def mark_handled(self, request, queryset):
        count = queryset.update(handled=True)
        self.message_user(request, f"Marked {count} handled.", messages.SUCCESS)

    @admin.action(permissions=["change"], description="Mark not handled")
    def mark_open(self, request, queryset):
        count = queryset.update(handled=False)
        self.message_user(request, f"Marked {count} not handled.", messages.SUCCESS)
