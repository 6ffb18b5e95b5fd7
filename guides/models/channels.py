"""Purchase channels, shared by every provider sold through them, with their variants and
their standard steps."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from guides.models.base import SHORT_TEXT, VisibleText, position_validators, regions_field
from guides.models.contacts import OfficialContact
from guides.text import phones


class ChannelKind(models.TextChoices):
    PROVIDER = "provider", _("The provider's own website")
    APP_STORE = "app_store", _("App store")
    MARKETPLACE = "marketplace", _("Online marketplace")
    RETAILER = "retailer", _("Retailer")
    RESELLER = "reseller", _("Reseller")
    PAYMENT = "payment", _("Payment service")
    CARRIER = "carrier", _("Phone carrier")
    PHONE = "phone", _("By phone")


# What a visitor reads as "main cancel methods", derived from the channels of the routes.
# Kept in English (a guide's summary holding them is kept in memory for every language);
# marked for the catalog, so that a page translates them where it shows them: gettext(method).
CHANNEL_METHODS: dict[str, str] = {
    ChannelKind.PROVIDER: gettext_noop("Website"),
    ChannelKind.APP_STORE: gettext_noop("App store"),
    ChannelKind.MARKETPLACE: gettext_noop("Retailer"),
    ChannelKind.RETAILER: gettext_noop("Retailer"),
    ChannelKind.RESELLER: gettext_noop("Reseller"),
    ChannelKind.PAYMENT: gettext_noop("Payment service"),
    ChannelKind.CARRIER: gettext_noop("Phone carrier"),
    ChannelKind.PHONE: gettext_noop("Phone"),
}


class PurchaseChannelQuerySet(models.QuerySet):
    def live(self) -> PurchaseChannelQuerySet:
        """The channels visitors read: not drafts of changes, nor variants of one."""
        return self.filter(draft_of__isnull=True, parent__draft_of__isnull=True)

    def drafts(self) -> PurchaseChannelQuerySet:
        """Drafts of changes to channels, and their variants."""
        return self.filter(Q(draft_of__isnull=False) | Q(parent__draft_of__isnull=False))


class PurchaseChannel(VisibleText):
    """A place where things are bought, shared by every provider sold there.

    A channel may have variants (App Store → on an iPhone or iPad / on a Mac): a variant is
    a channel whose `parent` is the channel it refines; `variant_question` on the parent
    asks which one applies.
    """

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="variants",
        help_text=_("Set for a variant, e.g. “on a Mac” under Apple App Store."),
    )
    kind = models.CharField(max_length=12, choices=ChannelKind)
    hint = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("How a visitor recognises it, e.g. “your statement shows APPLE.COM/BILL”."),
    )
    website = models.URLField(blank=True)
    online = models.BooleanField(
        default=True, help_text=_("Can a purchase made here be cancelled online?")
    )
    variant_question = models.CharField(
        max_length=200, blank=True, help_text=_("The question that chooses between variants.")
    )
    position = models.PositiveIntegerField(default=0, validators=position_validators)
    sources = models.TextField(blank=True, max_length=SHORT_TEXT, help_text=_("One URL per line."))
    last_verified_on = models.DateField(null=True, blank=True)
    regions = regions_field()  # of a variant: where it is sold (amazon.de in Germany)
    # A channel that visitors read is never edited in place, as a guide is not: editors change
    # a draft of it (a copy with its variants, steps and contacts, `draft_of` the live
    # channel), which a second person reviews and publishes (channel_publishing.py).
    draft_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="draft",
        editable=False,
        help_text=_("The channel this draft changes."),
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", editable=False
    )

    objects = PurchaseChannelQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(parent__isnull=True, draft_of__isnull=True),
                name="channel_unique_top_slug",
                violation_error_message=_("A channel with this slug already exists."),
            ),
            models.CheckConstraint(
                condition=Q(draft_of__isnull=True) | Q(parent__isnull=True),
                name="channel_draft_is_whole",
                violation_error_message=_("A draft is of a whole channel, not of a variant."),
            ),
            models.UniqueConstraint(
                fields=["parent", "slug"],
                condition=Q(parent__isnull=False),
                name="channel_unique_variant_slug",
                violation_error_message=_("This channel already has a variant with this slug."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="channel_not_own_parent",
                violation_error_message=_("A channel cannot be a variant of itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.whole.name} → {self.name}" if self.parent_id else self.name

    def get_absolute_url(self) -> str:
        url = reverse("guides:channel", args=[self.whole.slug])
        return f"{url}#{self.slug}" if self.parent_id else url

    @property
    def method(self) -> str:
        """The main cancel method, in English (see CHANNEL_METHODS)."""
        return CHANNEL_METHODS.get(self.kind, self.get_kind_display())

    @property
    def whole(self) -> PurchaseChannel:
        """The channel itself, or the channel a variant belongs to."""
        return self.parent if self.parent_id and self.parent is not None else self

    @property
    def is_draft(self) -> bool:
        """Whether this is a draft of changes to a channel, or a variant of one."""
        return self.whole.draft_of_id is not None

    def phone_owner(self) -> phones.Owner:
        """A channel's own verified numbers; a variant may also use its parent channel's."""
        ids = [pk for pk in (self.pk, self.parent_id) if pk is not None]
        return phones.Owner(
            str(self), OfficialContact.objects.filter(channel_id__in=ids).verified_numbers()
        )

    def clean(self) -> None:
        super().clean()
        if self.parent_id:
            if self.parent_id == self.pk:
                raise ValidationError(
                    {"parent": gettext("A channel cannot be a variant of itself.")}
                )
            if self.whole.parent_id:
                raise ValidationError(
                    {"parent": gettext("Variants go one level deep: choose a top-level channel.")}
                )
            if self.pk and self.variants.exists():
                raise ValidationError(
                    {
                        "parent": gettext(
                            "This channel has variants of its own, so it cannot be one."
                        )
                    }
                )
