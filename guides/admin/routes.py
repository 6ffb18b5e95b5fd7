"""Routes, the answers of a provider's flow: edited on the provider's page (all of them,
each with its parent, which must keep the flow a tree) and on their own page (their steps
and the answers to their question)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import Count, F
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guides.admin import feedback_readout
from guides.admin.forms import SiblingSlugsFormSet, value_key
from guides.admin.mixins import EditorAdmin, OrderedTabularInline
from guides.admin.steps import StepInline
from guides.flow.rules import parent_problem
from guides.models import Route

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ProviderRouteFormSet(SiblingSlugsFormSet):
    """All the routes of one provider: slugs are unique per parent, and the parents chosen
    must keep the flow a tree."""

    slug_scope = ("parent",)
    clash_message = _("Another row under the same question has this slug too.")

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
                (route.pk, route_choice_label(route)) for route in self.parent_routes
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
            # django-stubs lacks BaseFormSet._should_delete_form, which Django's own clean uses
            if self.can_delete and self._should_delete_form(form)  # type: ignore[attr-defined]
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
                    gettext(
                        "This answer's parent is being deleted: delete this answer too, "
                        "or choose another parent."
                    ),
                )
                continue
            if problem := parent_problem(form.instance.pk, node, parent_of.get):
                form.add_error("parent", problem)

    @staticmethod
    def _parent_pk(form) -> int | None:
        if "parent" in form.cleaned_data:
            return value_key(form.cleaned_data["parent"])
        return form.initial.get("parent")


def route_choice_label(route: Route) -> str:
    return f"{route.parent.label} → {route.label}" if route.parent is not None else route.label


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
    fields = [
        "position",
        "label",
        "slug",
        "parent",
        "channel",
        "question",
        "channel_steps_first",
        "regions",
    ]
    verbose_name = _("route")
    verbose_name_plural = _("routes (answers in the flow; open one to edit its steps)")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .order_by(F("parent_id").asc(nulls_first=True), "position", "pk")
        )


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
    fields = ["position", "label", "slug", "channel", "question", "channel_steps_first", "regions"]
    verbose_name = _("answer to this route's question")
    verbose_name_plural = _("answers to this route's question")


class RouteCounts(feedback_readout.RouteFeedback):
    """What the list of routes annotates each route with."""

    step_count: int


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
        (_("Where it was bought"), {"fields": ["channel", "channel_steps_first"]}),
        (_("The next question"), {"fields": ["question"]}),
        (_("Where it applies"), {"fields": ["regions"]}),
    ]

    def get_queryset(self, request):
        return feedback_readout.with_route_feedback(
            super()
            .get_queryset(request)
            .select_related("provider")
            .annotate(step_count=Count("steps"))
            .order_by(*(Route._meta.ordering or ()))
        )

    @admin.display(description=_("Worked, since last verified"))
    def success_rate(self, route: WithAnnotations[Route, RouteCounts]) -> str:
        return feedback_readout.success_rate(route.fb_worked, route.fb_failed)

    @admin.display(description=_("Problems reported"), ordering="fb_problems")
    def problem_count(self, route: WithAnnotations[Route, RouteCounts]):
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

    @admin.display(description=_("Steps"), ordering="step_count")
    def step_count(self, route: WithAnnotations[Route, RouteCounts]) -> int:
        return route.step_count
