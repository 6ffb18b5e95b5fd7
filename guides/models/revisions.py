"""Revisions: what a Publisher published, as a document of the whole guide or channel."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Decision:
    """Whether a user may publish a change (a guide's, a channel's or a rights note's: four
    eyes), and why not."""

    allowed: bool
    reason: str = ""
    alone: bool = False  # a superuser publishing a change of their own


class RevisionKind(models.TextChoices):
    PUBLISHED = "published", _("Published")
    ROLLED_BACK = "rolled-back", _("Rolled back")


class GuideRevision(models.Model):
    """One publication of a guide: the whole guide as it went live, stored as the document
    `export_guides` writes (guides/files/exporter.py), so that it can be shown, compared and
    brought back exactly. The guide's live rows are always the latest revision's document,
    loaded by the importer (guides/publishing/revisions.py)."""

    provider = models.ForeignKey(
        "guides.Provider", on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=RevisionKind, default=RevisionKind.PUBLISHED)
    document = models.TextField(help_text=_("The guide as it went live, in the export format."))
    message = models.CharField(max_length=500, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    edited_by = models.CharField(
        max_length=500, blank=True, help_text=_("Who made the change that was published.")
    )
    published_alone = models.BooleanField(
        default=False, help_text=_("A superuser published a change of their own, unreviewed.")
    )
    restores = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["provider", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "number"], name="guide_revision_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider.name}, revision {self.number}"


class ChannelRevision(models.Model):
    """One publication of a shared channel: the channel with its variants, steps and contacts
    as it went live, in the export format, like a guide's revision."""

    channel = models.ForeignKey(
        "guides.PurchaseChannel", on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField()
    document = models.TextField(help_text=_("The channel as it went live, in the export format."))
    message = models.CharField(max_length=500, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    edited_by = models.CharField(
        max_length=500, blank=True, help_text=_("Who made the change that was published.")
    )
    published_alone = models.BooleanField(
        default=False, help_text=_("A superuser published a change of their own, unreviewed.")
    )
    reached = models.TextField(
        blank=True, help_text=_("The answer pages of guides the change reached, one per line.")
    )

    class Meta:
        ordering = ["channel", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "number"], name="channel_revision_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel.name}, revision {self.number}"
