"""Categories and providers: the guides visitors look for."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from guides.flow.rules import FIRST_QUESTION
from guides.models.base import SHORT_TEXT, Status, VisibleText, previews_drafts
from guides.models.contacts import OfficialContact
from guides.text import phones


class Difficulty(models.TextChoices):
    """The JustDelete.me scale, with the meaning shown to visitors."""

    EASY = "easy", _("Easy")
    MEDIUM = "medium", _("Medium")
    HARD = "hard", _("Hard")
    IMPOSSIBLE = "impossible", _("Impossible")


# In English, marked for the catalog: Provider.difficulty_meaning translates one when read.
DIFFICULTY_MEANINGS: dict[str, str] = {
    Difficulty.EASY: gettext_noop("A clear cancel option in your account or where you bought it."),
    Difficulty.MEDIUM: gettext_noop(
        "Takes some extra steps, a retention offer, or a look around to find."
    ),
    Difficulty.HARD: gettext_noop(
        "Cannot be done online: you must phone, write, or talk to someone."
    ),
    Difficulty.IMPOSSIBLE: gettext_noop(
        "The provider offers no way to cancel; you must stop the payment."
    ),
}


class Category(VisibleText):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, max_length=SHORT_TEXT)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("guides:category", args=[self.slug])

    def phone_owner(self) -> phones.Owner:
        return phones.Owner(self.name or "a category", frozenset(), holds_contacts=False)


class ProviderQuerySet(models.QuerySet):
    def published(self) -> ProviderQuerySet:
        return self.filter(status=Status.PUBLISHED)

    def guides(self) -> ProviderQuerySet:
        """Every guide once: the live guides and the unpublished ones, not the drafts of
        changes to live guides (guides/publishing/revisions.py)."""
        return self.filter(draft_of__isnull=True)

    def live(self) -> ProviderQuerySet:
        """The guides visitors read, which nobody edits in place (Provider.is_live)."""
        return self.filter(status=Status.PUBLISHED, draft_of__isnull=True)

    def editable(self) -> ProviderQuerySet:
        """Every guide row an editor may change: drafts, and guides not published."""
        return self.exclude(status=Status.PUBLISHED, draft_of__isnull=True)

    def previewed(self) -> ProviderQuerySet:
        """Every guide once, as staff preview it: a live guide that has a draft of changes
        is shown as that draft."""
        return self.filter(draft__isnull=True)

    def visible_to(self, user) -> ProviderQuerySet:
        """Published providers, and drafts too for an editor who may preview them."""
        if previews_drafts(user):
            return self.previewed()
        return self.published()


class Provider(VisibleText):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="providers")
    aliases = models.TextField(
        blank=True,
        max_length=SHORT_TEXT,
        help_text=_("Other names people search for, one per line (e.g. “KIS”)."),
    )
    summary = models.TextField(
        blank=True, max_length=SHORT_TEXT, help_text=_("One or two sentences for visitors.")
    )
    website = models.URLField(blank=True)
    difficulty = models.CharField(max_length=12, choices=Difficulty, default=Difficulty.MEDIUM)
    minutes_to_cancel = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Typical time to cancel, in minutes.")
    )
    first_question = models.CharField(max_length=200, default=FIRST_QUESTION)
    popular = models.BooleanField(default=False, help_text=_("Shown on the home page."))
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    last_verified_on = models.DateField(null=True, blank=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    sources = models.TextField(
        blank=True,
        max_length=SHORT_TEXT,
        help_text=_("The pages this guide is based on, one URL per line."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    # A published guide is never edited in place: editors change a draft of it (a copy,
    # `draft_of` the live guide), which a second person reviews and publishes (publishing.py).
    draft_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="draft",
        editable=False,
        help_text=_("The published guide this draft changes."),
    )
    # Who has changed the guide since it was last published: none of them may publish it.
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", editable=False
    )

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "name"], name="provider_status_name_idx"),
            # a guide's related guides: the popular published ones of its category
            models.Index(
                fields=["category", "status", "-popular", "name"], name="provider_related_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(draft_of__isnull=True),
                name="provider_slug_unique",
                violation_error_message=_("Another guide already has this slug."),
            ),
            models.CheckConstraint(
                condition=Q(draft_of__isnull=True) | Q(status="draft"),
                name="provider_draft_copy_unpublished",
                violation_error_message=_("A draft of changes is published by publishing it."),
            ),
        ]
        permissions = [
            ("publish_provider", "Can publish or unpublish a guide"),
            ("verify_provider", "Can mark a guide verified"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("guides:provider", args=[self.slug])

    @property
    def difficulty_meaning(self) -> str:
        """What the difficulty means, in the active language."""
        meaning = DIFFICULTY_MEANINGS.get(self.difficulty, "")
        return gettext(meaning) if meaning else ""

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def source_list(self) -> list[str]:
        return [line.strip() for line in self.sources.splitlines() if line.strip()]

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_live(self) -> bool:
        """Whether visitors read this very row: then nobody edits it, only its draft."""
        return self.status == Status.PUBLISHED and self.draft_of_id is None

    def clean(self) -> None:
        super().clean()
        # A draft shares its guide's slug; it may not take another guide's.
        if self.slug and self.draft_of_id is not None:
            taken = Provider.objects.guides().filter(slug=self.slug)
            if taken.exclude(pk=self.draft_of_id).exists():
                raise ValidationError({"slug": gettext("Another guide already has this slug.")})

    def phone_owner(self) -> phones.Owner:
        # What visitors read may carry only this provider's verified phone numbers; a provider
        # not saved yet has none (and no query asks for them).
        if self.pk is None:
            return phones.Owner(self.name, frozenset())
        numbers = OfficialContact.objects.filter(provider_id=self.pk).verified_numbers()
        return phones.Owner(self.name, numbers)
