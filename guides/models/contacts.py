"""Official contacts: a provider's or a channel's phone number, email, web form or chat.

A phone number or an email address is shown to visitors only once a Publisher has verified
it. A web form or a chat on the owner's own registrable domain (support.kaspersky.com for
a provider whose website is kaspersky.com) is a low risk: it is shown before it is verified,
marked "Not yet verified", with its source. A web contact on any other domain is refused
when it is saved (in the admin and by the guide-file importer alike); an owner without a
website has nothing to compare with, so its web contacts wait for a verification too."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guides.models.base import VisibleText, regions_field
from guides.text import domains, phones


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    WEB_FORM = "web_form", _("Web form")
    CHAT = "chat", _("Chat")


# Kinds that are a web page: shown unverified when on the owner's own domain.
WEB_KINDS = frozenset({ContactKind.WEB_FORM, ContactKind.CHAT})


class OfficialContactQuerySet(models.QuerySet):
    def verified(self) -> OfficialContactQuerySet:
        return self.filter(verified_on__isnull=False)

    def verified_numbers(self) -> frozenset[str]:
        """The E.164 forms of the verified phone numbers among these contacts."""
        values = self.verified().filter(kind=ContactKind.PHONE).values_list("value", flat=True)
        return frozenset(e164 for e164 in map(phones.to_e164, values) if e164)


class OfficialContact(VisibleText):
    """A way to reach a provider (or a channel) that an editor found on an official page."""

    provider = models.ForeignKey(
        "guides.Provider", null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    channel = models.ForeignKey(
        "guides.PurchaseChannel",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    kind = models.CharField(max_length=10, choices=ContactKind)
    label = models.CharField(max_length=120, blank=True, help_text=_("e.g. “Customer service”."))
    value = models.CharField(max_length=300, help_text=_("The number, address or URL."))
    regions = regions_field()
    source_url = models.URLField(
        max_length=500, help_text=_("The official page where this contact is published.")
    )
    verified_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Set when a Publisher presses Verify. Phone numbers and email addresses are shown "
            "only once verified; a web form or chat on the owner's own domain is shown before, "
            "marked “Not yet verified”."
        ),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = OfficialContactQuerySet.as_manager()

    # What a verification vouches for: a change to any of it needs a new verification.
    VERIFIED_FIELDS = ("kind", "value", "label", "regions", "source_url", "provider", "channel")

    class Meta:
        ordering = ["kind", "regions", "value"]
        constraints = [
            models.CheckConstraint(
                condition=Q(provider__isnull=False, channel__isnull=True)
                | Q(provider__isnull=True, channel__isnull=False),
                name="contact_provider_xor_channel",
                violation_error_message=_("A contact belongs to a provider or to a channel."),
            ),
        ]

    def __str__(self) -> str:
        label = self.label or self.get_kind_display()
        return f"{label}: {self.value}"

    def save(self, *args, update_fields=None, **kwargs):
        if (
            self.pk
            and self.verified_on
            and not (update_fields and set(update_fields) <= {"verified_on", "verified_by"})
        ):
            names = [
                f.attname for f in self._meta.concrete_fields if f.name in self.VERIFIED_FIELDS
            ]
            before = type(self).objects.filter(pk=self.pk).values(*names).first()
            if before and any(before[n] != getattr(self, n) for n in names):
                self.verified_on, self.verified_by = None, None  # to be verified again
                if update_fields:
                    update_fields = {*update_fields, "verified_on", "verified_by"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.kind == ContactKind.PHONE:
            e164 = phones.to_e164(self.value)
            if e164 is None:
                raise ValidationError(
                    {
                        "value": gettext(
                            "This is not a phone number that can be dialled. Write it as "
                            "the official page does; outside North America, with its country "
                            "code (+44 20 …)."
                        )
                    }
                )
        self._clean_web_address()

    def _clean_web_address(self) -> None:
        if self.kind not in WEB_KINDS:
            return
        if domains.web_host(self.value) is None:
            raise ValidationError(
                {
                    "value": gettext(
                        "This is not a web address a visitor can safely open: write it as "
                        "https://… with the site's own name, and nothing before the name "
                        "(no “name@”)."
                    )
                }
            )
        official = self.official_addresses()
        if official and not domains.on_domain_of(self.value, official):
            raise ValidationError(
                {
                    "value": gettext(
                        "%(address)s is not on %(owner)s's own domain (%(domain)s). A web "
                        "contact must be a page of the owner's website or of one of its "
                        "subdomains; a look-alike domain may be a scam."
                    )
                    % {
                        "address": self.value,
                        "owner": self.owner,
                        "domain": " / ".join(
                            dict.fromkeys(d for d in map(domains.registrable_domain, official) if d)
                        ),
                    }
                }
            )

    @property
    def owner(self):
        """The provider or the channel (or variant) this contact belongs to, if set."""
        if self.provider_id or self.provider is not None:
            return self.provider
        return self.channel

    def official_addresses(self) -> list[str]:
        """The owner's website (and, for a variant, its channel's): a web contact and a
        phone number's source are checked against their registrable domain."""
        owner = self.owner
        addresses = [owner.website] if owner is not None else []
        if self.channel is not None and self.channel.parent_id:
            addresses.append(self.channel.whole.website)
        return [a for a in addresses if a]

    @property
    def on_owner_domain(self) -> bool:
        """A web form or chat on the registrable domain of the owner's website."""
        if self.kind not in WEB_KINDS:
            return False
        official = self.official_addresses()
        return bool(official) and domains.on_domain_of(self.value, official)

    @property
    def shown(self) -> bool:
        """Whether visitors see this contact: verified, or a web page on the owner's own
        domain (then marked "Not yet verified"). Phones and emails only once verified."""
        return self.verified_on is not None or self.on_owner_domain

    def phone_owner(self) -> phones.Owner | None:
        """A contact's texts (its label, region, source) may carry its own number, and the
        verified numbers of whom it belongs to; no other number may hide in them."""
        if self.provider_id and self.provider is not None:
            owner = self.provider.phone_owner()
        elif self.channel_id and self.channel is not None:
            owner = self.channel.phone_owner()
        else:
            return None
        own = phones.to_e164(self.value) if self.kind == ContactKind.PHONE else None
        return phones.Owner(owner.name, owner.numbers | {own}) if own else owner

    @property
    def href(self) -> str:
        if self.kind == ContactKind.PHONE:
            return "tel:" + "".join(ch for ch in self.value if ch.isdigit() or ch == "+")
        if self.kind == ContactKind.EMAIL:
            return f"mailto:{self.value}"
        return self.value
