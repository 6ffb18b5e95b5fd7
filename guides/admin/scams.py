"""Known scam numbers: entered by an editor, confirmed by another person, a Publisher
(guides/publishing/verification.py). Visitors are told only about confirmed ones, on the
"Is this number real?" page, and never shown a scam number as one to call."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from guides.models import ScamNumber
from guides.publishing import verification


@admin.register(ScamNumber)
class ScamNumberAdmin(VersionAdmin):
    list_display = ["number", "pretends_to_be", "seen_on", "confirmed_on"]
    list_filter = [("confirmed_on", admin.EmptyFieldListFilter), "seen_on"]
    list_select_related = ["provider"]
    search_fields = ["number", "company", "provider__name", "source_url"]
    autocomplete_fields = ["provider"]
    readonly_fields = ["confirmed_on", "confirmed_by"]
    actions = ["confirm"]
    fieldsets = [
        (None, {"fields": ["number", "provider", "company"]}),
        (_("Where it was seen"), {"fields": ["source_url", "seen_on", "note"]}),
        (
            _("Confirmation"),
            {
                "fields": ["confirmed_on", "confirmed_by"],
                "description": _(
                    "A Publisher who neither entered nor changed this number confirms it with "
                    "the Confirm action of the list. Visitors are told only about confirmed "
                    "numbers. Any change asks for a new confirmation."
                ),
            },
        ),
    ]

    @admin.display(description=_("Pretends to be"))
    def pretends_to_be(self, record: ScamNumber) -> str:
        return record.pretends_to_be

    def has_confirm_permission(self, request) -> bool:
        return request.user.has_perm(verification.VERIFY_PERMISSION)

    @admin.action(permissions=["confirm"], description=_("Confirm: a known scam number"))
    @transaction.atomic
    def confirm(self, request, queryset):
        for record in queryset:
            reason = verification.confirm_scam(record, request.user)
            if reason:
                self.message_user(
                    request,
                    gettext("Not confirmed: %(number)s. %(reason)s")
                    % {"number": record, "reason": reason},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    gettext("Confirmed by you today: %(number)s.") % {"number": record},
                    messages.SUCCESS,
                )
