"""A provider's flow: its routes (the answers, in a tree) and the steps of each page."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guides.flow.rules import parent_problem
from guides.models.base import LONG_TEXT, VisibleText, position_validators, regions_field
from guides.text import phones


class Route(VisibleText):
    """One answer in a provider's flow. Routes form a tree per provider."""

    provider = models.ForeignKey("guides.Provider", on_delete=models.CASCADE, related_name="routes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    channel = models.ForeignKey(
        "guides.PurchaseChannel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="routes",
        help_text=_(
            "Where it was bought; its standard steps are shown with this route's. "
            "Choose a variant (App Store → on a Mac) to skip the question between them."
        ),
    )
    label = models.CharField(max_length=120, help_text=_("The answer, e.g. “Apple App Store”."))
    slug = models.SlugField(max_length=80)
    position = models.PositiveIntegerField(default=0, validators=position_validators)
    question = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The question this route asks of its own answers, e.g. “Where do you live?”."),
    )
    channel_steps_first = models.BooleanField(
        default=True, help_text=_("Show the channel's standard steps before this route's own.")
    )
    regions = regions_field()

    class Meta:
        ordering = ["provider", "parent_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "slug"],
                condition=Q(parent__isnull=True),
                name="route_unique_top_slug",
                violation_error_message=_(
                    "This provider already has a first answer with this slug."
                ),
            ),
            models.UniqueConstraint(
                fields=["parent", "slug"],
                condition=Q(parent__isnull=False),
                name="route_unique_child_slug",
                violation_error_message=_("This question already has an answer with this slug."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="route_not_own_parent",
                violation_error_message=_("A route cannot be its own parent."),
            ),
        ]
        # "route_parent_same_provider": a trigger in migration 0002 refuses a parent that
        # belongs to another provider (a check constraint cannot look at another row).

    def __str__(self) -> str:
        return f"{self.provider.name}: {self.label}"

    def get_absolute_url(self) -> str:
        slugs = []
        node: Route | None = self
        seen = set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            slugs.append(node.slug)
            node = node.parent
        return reverse("guides:route", args=[self.provider.slug, "/".join(reversed(slugs))])

    def phone_owner(self) -> phones.Owner | None:
        return self.provider.phone_owner() if self.provider_id else None

    def clean(self) -> None:
        super().clean()
        parent = self.parent if self.parent_id is not None else None
        if parent is None:
            return
        if self.provider_id and parent.provider_id != self.provider_id:
            raise ValidationError(
                {"parent": gettext("The parent route belongs to another provider.")}
            )
        parents = dict(
            Route.objects.filter(provider_id=parent.provider_id).values_list("pk", "parent_id")
        )
        if problem := parent_problem(self.pk, parent.pk, parents.get):
            raise ValidationError({"parent": problem})


class StepKind(models.TextChoices):
    DO = "do", _("Do")
    CHECK = "check", _("Check")
    WARNING = "warning", _("Warning")
    TIP = "tip", _("Tip")


# The kinds whose label a visitor reads before a step's title (each has its own look on the
# page); the admin's flow map names every kind but "do".
VISITOR_LABELLED_KINDS = frozenset({StepKind.WARNING, StepKind.TIP})
EDITOR_LABELLED_KINDS = frozenset({StepKind.CHECK, StepKind.WARNING, StepKind.TIP})


def begins_with_word(text: str, word: str) -> bool:
    """Whether `text` begins with the whole word `word`, whatever the case: "Check that…"
    begins with "check", "Tippen Sie…" does not begin with "Tipp"."""
    return bool(word) and re.match(rf"\W*{re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


class Step(VisibleText):
    """One ordered instruction, belonging to exactly one route or one channel."""

    route = models.ForeignKey(
        Route, null=True, blank=True, on_delete=models.CASCADE, related_name="steps"
    )
    channel = models.ForeignKey(
        "guides.PurchaseChannel",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="steps",
    )
    position = models.PositiveIntegerField(default=0, validators=position_validators)
    kind = models.CharField(max_length=10, choices=StepKind, default=StepKind.DO)
    title = models.CharField(max_length=200, help_text=_("A short imperative: “Open Settings”."))
    body = models.TextField(
        blank=True, max_length=LONG_TEXT, help_text=_("Markdown. Links and emphasis are kept.")
    )
    link_url = models.URLField(max_length=500, blank=True)
    link_label = models.CharField(max_length=120, blank=True)
    contact = models.ForeignKey(
        "guides.OfficialContact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="steps",
        help_text=_("An official contact to show with this step."),
    )
    email_subject = models.CharField(max_length=200, blank=True)
    email_body = models.TextField(blank=True, max_length=LONG_TEXT)
    regions = regions_field()
    source_url = models.URLField(
        max_length=500, blank=True, help_text=_("Where this is documented.")
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(route__isnull=False, channel__isnull=True)
                | Q(route__isnull=True, channel__isnull=False),
                name="step_route_xor_channel",
                violation_error_message=_("A step belongs to exactly one route or channel."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def kind_label(self, title: str, *, editors: bool = False) -> str:
        """The one rule for the kind shown before a step's title: its label in the page's
        language, or "" where none is shown. None for a "do" step, nor for a kind its readers
        are not shown (visitors read warnings' and tips'; `editors` every kind but "do"), nor
        where `title`, the title as the page shows it, already begins with the kind's word, in
        the page's language or in English (a title not translated yet): never "Check: Check
        that Apple bills you"."""
        kinds = EDITOR_LABELLED_KINDS if editors else VISITOR_LABELLED_KINDS
        if self.kind not in kinds:
            return ""
        kind = StepKind(self.kind)
        label = str(kind.label)
        with translation.override(settings.LANGUAGE_CODE):
            english = str(kind.label)
        if begins_with_word(title, label) or begins_with_word(title, english):
            return ""
        return label

    def clean(self) -> None:
        super().clean()
        # Belonging to exactly one route or channel is the step_route_xor_channel constraint.
        if self.link_label and not self.link_url:
            raise ValidationError({"link_url": gettext("A link label needs a link.")})
        if self.email_body and not self.email_subject:
            raise ValidationError({"email_subject": gettext("An email template needs a subject.")})
        contact = self.contact if self.contact_id else None
        if contact is not None:
            route = self.route if self.route_id else None
            if route is not None and contact.provider_id != route.provider_id:
                raise ValidationError(
                    {"contact": gettext("Choose a contact of this route's provider.")}
                )
            channel = self.channel if self.channel_id else None
            if channel is not None and contact.channel_id not in {
                self.channel_id,
                channel.parent_id,
            }:
                raise ValidationError({"contact": gettext("Choose a contact of this channel.")})

    def phone_owner(self) -> phones.Owner | None:
        # A route's steps may carry only its provider's verified phone numbers; a channel's
        # standard steps only the channel's own (a variant's, also its parent channel's).
        if self.route_id and self.route is not None:
            return self.route.provider.phone_owner()
        if self.channel_id and self.channel is not None:
            return self.channel.phone_owner()
        return None
