"""Official contacts of a provider or a channel, verified by a Publisher (verification.py)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guides.admin.mixins import EditorAdmin, TextsTabularInline
from guides.models import OfficialContact
from guides.publishing import verification


class ContactInline(TextsTabularInline):
    model = OfficialContact
    fields = ["kind", "label", "value", "regions", "source_url", "verified_on", "verified_by"]
    readonly_fields = ["verified_on", "verified_by"]
    show_change_link = True


@admin.register(OfficialContact)
class OfficialContactAdmin(EditorAdmin):
    list_display = ["__str__", "kind", "owner", "regions", "verified_on"]
    list_filter = ["kind", ("verified_on", admin.EmptyFieldListFilter)]
    list_select_related = ["provider", "channel__parent"]
    search_fields = ["value", "label", "provider__name", "channel__name"]
    autocomplete_fields = ["provider", "channel"]
    readonly_fields = ["verified_on", "verified_by"]
    actions = ["verify"]
    fieldsets = [
        (
            _("Belongs to"),
            {
                "fields": ["provider", "channel"],
                "description": _("A contact belongs to one provider or to one channel."),
            },
        ),
        (None, {"fields": ["kind", "label", "value", "regions"]}),
        (
            _("Verification"),
            {
                "fields": ["source_url", "verified_on", "verified_by"],
                "description": _(
                    "A Publisher who neither created nor changed this contact verifies it with "
                    "the Verify action of the contact list, after checking it on its source. "
                    "Any change to it asks for a new verification."
                ),
            },
        ),
    ]

    def has_verify_permission(self, request) -> bool:
        return request.user.has_perm(verification.VERIFY_PERMISSION)

    @admin.action(permissions=["verify"], description=_("Verify: checked on its official source"))
    @transaction.atomic
    def verify(self, request, queryset):
        for contact in queryset.select_related("provider", "channel__parent"):
            reason = verification.verify(contact, request.user)
            if reason:
                self.message_user(
                    request,
                    gettext("Not verified: %(contact)s. %(reason)s")
                    % {"contact": contact, "reason": reason},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    gettext("Verified by you today: %(contact)s.") % {"contact": contact},
                    messages.SUCCESS,
                )

    @admin.display(description=_("Belongs to"))
    def owner(self, contact: OfficialContact) -> str:
        return str(contact.provider if contact.provider_id else contact.channel)

    def view_on_site(self, contact: OfficialContact) -> str | None:
        owner = contact.provider if contact.provider_id else contact.channel
        return owner.get_absolute_url() if owner is not None else None
