"""Categories ("Security software", "Streaming"): a name, a slug, and how many guides."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count

from guides.admin.mixins import EditorAdmin
from guides.models import Category


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
