"""What a guide says beside its steps: things to know, and its questions and answers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guides.models.base import LONG_TEXT, VisibleText, position_validators, regions_field
from guides.text import phones


class NoteKind(models.TextChoices):
    # Lazy labels, translated where they are shown; typed as str for the pages that take a
    # kind's label as a heading (guides/flow/guide.py's note_sections).
    BEFORE = "before", _("Before you cancel")
    AFTER = "after", _("After you cancel")
    REFUND = "refund", _("Refunds")
    ALTERNATIVE = "alternative", _("Alternatives to cancelling")


class ProviderNote(VisibleText):
    """Things to know: before and after cancelling, refunds, alternatives."""

    provider = models.ForeignKey("guides.Provider", on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=12, choices=NoteKind)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=LONG_TEXT, help_text=_("Markdown."))
    position = models.PositiveIntegerField(default=0, validators=position_validators)
    source_url = models.URLField(max_length=500, blank=True)
    regions = regions_field()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    def phone_owner(self) -> phones.Owner | None:
        return self.provider.phone_owner() if self.provider_id else None


class Question(VisibleText):
    """A frequently asked question about cancelling a provider."""

    provider = models.ForeignKey(
        "guides.Provider", on_delete=models.CASCADE, related_name="questions"
    )
    question = models.CharField(max_length=300)
    answer = models.TextField(max_length=LONG_TEXT, help_text=_("Markdown."))
    position = models.PositiveIntegerField(default=0, validators=position_validators)
    source_url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.question

    def phone_owner(self) -> phones.Owner | None:
        return self.provider.phone_owner() if self.provider_id else None
