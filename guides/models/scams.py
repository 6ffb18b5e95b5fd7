"""Known scam numbers: fake "support" numbers planted for well-known companies, kept by the
editors so that a visitor who found one can learn it is a scam (guides/web/numbers.py).

A scam number is never shown as a number to call: the "Is this number real?" page says
"known scam" about the number the visitor typed, and prints no number of its own. Like a
contact, a record counts for visitors only once a Publisher who neither created nor changed
it has confirmed it (guides/publishing/verification.py), so one editor alone cannot brand a
real number a scam."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guides.models.contacts import OfficialContact
from guides.text import phones


class ScamNumberQuerySet(models.QuerySet):
    def confirmed(self) -> ScamNumberQuerySet:
        """Records a Publisher has confirmed: the only ones visitors are told about."""
        return self.filter(confirmed_on__isnull=False)


class ScamNumber(models.Model):
    number = models.CharField(
        max_length=20,
        help_text=_("Type it as you found it; it is kept in its international form (+1855…)."),
    )
    provider = models.ForeignKey(
        "guides.Provider",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scam_numbers",
        help_text=_("The company it pretends to be, if we have a guide for it."),
    )
    company = models.CharField(
        max_length=120,
        blank=True,
        help_text=_("The company it pretends to be, as the scam page names it."),
    )
    source_url = models.URLField(
        max_length=500,
        blank=True,
        help_text=_(
            "The page where it was seen. Visitors see only its site's name, never a link: "
            "we do not send anyone to a scam page."
        ),
    )
    seen_on = models.DateField(help_text=_("When it was seen there."))
    note = models.TextField(
        blank=True, max_length=2000, help_text=_("For the editors: how it was found, what it says.")
    )
    confirmed_on = models.DateField(null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ScamNumberQuerySet.as_manager()

    # What a confirmation vouches for: a change to any of it asks for a new one.
    CONFIRMED_FIELDS = ("number", "provider", "company", "source_url", "seen_on")

    class Meta:
        ordering = ["-seen_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="scam_number_unique"),
            models.CheckConstraint(
                condition=models.Q(number__startswith="+"),
                name="scam_number_e164",
                violation_error_message=_("A scam number is kept in its international form."),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, update_fields=None, **kwargs):
        self.number = phones.to_e164(self.number) or self.number
        if (
            self.pk
            and self.confirmed_on
            and not (update_fields and set(update_fields) <= {"confirmed_on", "confirmed_by"})
        ):
            names = [
                f.attname for f in self._meta.concrete_fields if f.name in self.CONFIRMED_FIELDS
            ]
            before = type(self).objects.filter(pk=self.pk).values(*names).first()
            if before and any(before[n] != getattr(self, n) for n in names):
                self.confirmed_on, self.confirmed_by = None, None
                if update_fields:
                    update_fields = {*update_fields, "confirmed_on", "confirmed_by"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def clean(self) -> None:
        super().clean()
        e164 = phones.to_e164(self.number or "")
        if e164 is None:
            raise ValidationError(
                {
                    "number": gettext(
                        "This is not a phone number that can be dialled. Outside North "
                        "America, write it with its country code (+44 20 …)."
                    )
                }
            )
        self.number = e164
        if phones.find_numbers(self.company):
            raise ValidationError(
                {"company": gettext("Only the company's name: visitors read it, and no number.")}
            )
        if not self.provider_id and not self.company.strip():
            raise ValidationError(
                {"company": gettext("Say which company this number pretends to be.")}
            )
        if e164 in OfficialContact.objects.verified_numbers():
            raise ValidationError(
                {
                    "number": gettext(
                        "This is a verified official number of a provider or channel: it "
                        "cannot also be a scam number. Check the contact first."
                    )
                }
            )

    @property
    def pretends_to_be(self) -> str:
        return self.provider.name if self.provider is not None else self.company
