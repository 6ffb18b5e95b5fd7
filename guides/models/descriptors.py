"""Statement descriptors: how a charge from a provider or a channel reads on a card or bank
statement ("APPLE.COM/BILL", "PAYPAL *…"), kept by editors with a source, like every fact.

A descriptor's pattern is written in a small language of its own, not as a regular
expression (guides/text/descriptors.py reads it): letters and digits, matched without
regard to case or accents; spaces and punctuation ignored; matched where a statement line
(or, after a biller such as PayPal, the rest of it) starts, up to the end of a word; a
pattern that ends with "..." also matches when that word goes on. Nothing an editor types can
make matching slow or fail: it is a lookup of a normalised key."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guides.models.base import VisibleText, position_validators
from guides.text import phones
from guides.text.descriptors import MIN_KEY, pattern_key


class StatementDescriptor(VisibleText):
    """A pattern of the lines a provider's or a channel's charges show on statements."""

    provider = models.ForeignKey(
        "guides.Provider",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="descriptors",
    )
    channel = models.ForeignKey(
        "guides.PurchaseChannel",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="descriptors",
    )
    pattern = models.CharField(
        max_length=60,
        help_text=_(
            "How the charge starts on a statement, e.g. “APPLE.COM/BILL” or “PAYPAL *”. "
            "Case, spaces and punctuation do not count; it matches up to the end of a word, or "
            "further when it ends with “...”."
        ),
    )
    example = models.CharField(
        max_length=120,
        blank=True,
        help_text=_(
            "A whole line as a statement shows it. Write digits of a phone number as • "
            "unless the number is a verified contact."
        ),
    )
    source_url = models.URLField(
        max_length=500, help_text=_("The page where this form of the charge is shown.")
    )
    last_verified_on = models.DateField(
        null=True, blank=True, help_text=_("Empty until someone has checked it on the source.")
    )
    position = models.PositiveIntegerField(default=0, validators=position_validators)
    key = models.CharField(max_length=60, editable=False, db_index=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(provider__isnull=True) ^ Q(channel__isnull=True),
                name="descriptor_has_one_owner",
                violation_error_message=_("A descriptor belongs to a provider or a channel."),
            ),
        ]

    def __str__(self) -> str:
        return self.pattern

    def phone_owner(self) -> phones.Owner | None:
        owner = self.provider if self.provider_id else self.channel
        return owner.phone_owner() if owner is not None else None

    def clean(self) -> None:
        super().clean()
        if bool(self.provider_id) == bool(self.channel_id):
            raise ValidationError(gettext("A descriptor belongs to a provider or a channel."))
        if len(pattern_key(self.pattern)) < MIN_KEY:
            raise ValidationError(
                {
                    "pattern": gettext(
                        "Write at least %(count)d letters or digits, or every line would match."
                    )
                    % {"count": MIN_KEY}
                }
            )

    def save(self, *args, **kwargs) -> None:
        self.key = pattern_key(self.pattern)
        super().save(*args, **kwargs)
