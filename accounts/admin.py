from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import LoginRecord


@admin.register(LoginRecord)
class LoginRecordAdmin(admin.ModelAdmin):
    """Logins, read-only: a login from a device not seen before for that user is flagged."""

    list_display = ["user", "created_at", "is_new_device", "short_device"]
    list_filter = ["is_new_device", "created_at"]
    search_fields = ["user__username"]
    date_hierarchy = "created_at"
    readonly_fields = ["user", "created_at", "device", "is_new_device"]

    @admin.display(description=_("device"))
    def short_device(self, record: LoginRecord) -> str:
        return record.device[:12]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
