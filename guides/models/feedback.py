"""What visitors send: feedback on a page of steps, and requests for a guide."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class FeedbackKind(models.TextChoices):
    WORKED = "worked", _("It worked")
    DID_NOT_WORK = "did_not_work", _("It did not work")
    PROBLEM = "problem", _("Problem with a step")


class FeedbackStatus(models.TextChoices):
    NEW = "new", _("New")
    FIXED = "fixed", _("Fixed")
    DISMISSED = "dismissed", _("Dismissed")


class Feedback(models.Model):
    """What a visitor reported about the steps of one route of one provider."""

    provider = models.ForeignKey(
        "guides.Provider", on_delete=models.CASCADE, related_name="feedback"
    )
    route = models.ForeignKey(
        "guides.Route", null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    route_path = models.CharField(
        max_length=300, help_text=_("The answers the visitor gave, kept if the route goes.")
    )
    kind = models.CharField(max_length=12, choices=FeedbackKind)
    step_number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("The numbered step a problem report is about.")
    )
    step = models.ForeignKey(
        "Step",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
        help_text=_("The step a problem report is about (the number is as the visitor saw it)."),
    )
    comment = models.TextField(max_length=1000, blank=True)
    client = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("A keyed hash of the visitor's address, for rate limits; never the address."),
    )
    status = models.CharField(max_length=10, choices=FeedbackStatus, default=FeedbackStatus.NEW)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = _("feedback")
        indexes = [
            models.Index(fields=["provider", "-created_at"], name="feedback_provider_idx"),
            models.Index(fields=["route", "kind"], name="feedback_route_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.provider.name} / {self.route_path}"

    def get_absolute_url(self) -> str:
        return reverse("guides:route", args=[self.provider.slug, self.route_path])


class GuideRequest(models.Model):
    """A visitor asked for a guide that does not exist yet."""

    name = models.CharField(max_length=120, help_text=_("What the visitor wants to cancel."))
    details = models.TextField(max_length=1000, blank=True)
    client = models.CharField(max_length=64, blank=True, editable=False)
    handled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name
