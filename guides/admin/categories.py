"""Categories ("Security software", "Streaming"): a name, a slug, and how many guides."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from guides.admin.mixins import EditorAdmin
from guides.models import Category

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class CategoryCounts(TypedDict):
    provider_count: int


@admin.register(Category)
class CategoryAdmin(EditorAdmin):
    list_display = ["name", "slug", "provider_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        qs = super().get_queryset(request).annotate(provider_count=Count("providers"))
        return qs.order_by(*(Category._meta.ordering or ()))

    @admin.display(description=_("Providers"), ordering="provider_count")
    def provider_count(self, category: WithAnnotations[Category, CategoryCounts]) -> int:
        return category.provider_count
