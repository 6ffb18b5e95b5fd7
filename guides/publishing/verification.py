"""Verifying a contact is a role, not a date field: a Publisher presses "Verify", and the
date and the person are recorded. Nobody verifies a contact they created or last changed,
and a phone number's source must be on the owner's own domain.

Who created or changed a contact is read from its history (django-reversion records the
editor of every admin save and import), so no field can be typed to claim it.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext
from reversion.models import Version

from guides.models import ContactKind, OfficialContact
from guides.text import domains

VERIFY_PERMISSION = "guides.verify_provider"


def editors_of(contact) -> set[int]:
    """The ids of the people who created or changed `contact` (or any record kept in
    history; imports have nobody)."""
    versions = Version.objects.get_for_object(contact).select_related("revision")
    return {v.revision.user_id for v in versions if v.revision.user_id is not None}


def refusal(contact: OfficialContact, user) -> str | None:
    """Why `user` may not verify `contact`, or None if they may."""
    if not user.has_perm(VERIFY_PERMISSION):
        return gettext("Only a Publisher may verify a contact.")
    if user.pk in editors_of(contact):
        return gettext(
            "You created or changed this contact, so another Publisher must verify it: "
            "a second person checks every contact."
        )
    if contact.kind == ContactKind.PHONE:
        official = contact.official_addresses()
        if not official:
            return gettext(
                "A phone number is verified against the official website: give its owner a "
                "website first."
            )
        if not domains.on_domain_of(contact.source_url, official):
            domain = domains.registrable_domain(official[0])
            return gettext(
                "The source of a phone number must be a page on the official domain "
                "(%(domain)s); %(source)s is not."
            ) % {"domain": domain, "source": contact.source_url}
    return None


def verify(contact: OfficialContact, user) -> str | None:
    """Verify `contact` as `user` now, or say why not (nothing is changed then)."""
    reason = refusal(contact, user)
    if reason is None:
        contact.verified_on = timezone.localdate()
        contact.verified_by = user
        contact.save(update_fields=["verified_on", "verified_by"])
    return reason


def confirm_scam(record, user) -> str | None:
    """Confirm a known scam number (guides/models/scams.py) as `user` now, or say why not.
    The same four eyes as a contact: a Publisher, and not the one who entered or changed it."""
    if not user.has_perm(VERIFY_PERMISSION):
        return gettext("Only a Publisher may confirm a scam number.")
    if user.pk in editors_of(record):
        return gettext(
            "You entered or changed this scam number, so another Publisher must confirm it."
        )
    record.confirmed_on = timezone.localdate()
    record.confirmed_by = user
    record.save(update_fields=["confirmed_on", "confirmed_by"])
    return None
