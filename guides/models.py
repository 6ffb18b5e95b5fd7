"""The domain of cancelflow: providers, the channels they are sold through, and the
routes, steps and contacts that make up each provider's cancellation flow.

Invariants live in the database as named constraints; each has a matching `clean()`
so that the admin and the importer show a friendly message before the database refuses.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from guides.flow.rules import FIRST_QUESTION, parent_problem
from guides.text import phones

# Positions are small numbers an editor can read. They need not be unique in their list:
# rows are ordered by (position, pk), so two rows that share a position keep a stable order
# (as Wagtail's Orderable does), and a reorder simply writes the new numbers.
MAX_POSITION = 9999
position_validators = [MaxValueValidator(MAX_POSITION)]

# How long an editor's texts may be: far above any real guide (the longest shipped step body
# is a few hundred characters), and well inside what one save of a page may send.
LONG_TEXT = 10_000  # a step's body, a note, an answer
SHORT_TEXT = 2_000  # a summary, a description, a list of aliases or sources


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Difficulty(models.TextChoices):
    """The JustDelete.me scale, with the meaning shown to visitors."""

    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"
    IMPOSSIBLE = "impossible", "Impossible"


DIFFICULTY_MEANINGS = {
    Difficulty.EASY: "A clear cancel option in your account or where you bought it.",
    Difficulty.MEDIUM: "Takes some extra steps, a retention offer, or a look around to find.",
    Difficulty.HARD: "Cannot be done online: you must phone, write, or talk to someone.",
    Difficulty.IMPOSSIBLE: "The provider offers no way to cancel; you must stop the payment.",
}


def visible_text_fields(model: type[models.Model]) -> list[str]:
    """Every text of `model` that a visitor or an API client may read: each character and
    text field (names, slugs, addresses, bodies), all but those with fixed choices. Derived
    from the model, so a field added later is guarded without anyone listing it."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and not field.choices
    ]


class VisibleText(models.Model):
    """A model whose texts reach visitors: its `clean()` refuses, in every one of its
    `visible_text_fields`, each phone number that is not a verified number of its
    `phone_owner()`."""

    class Meta:
        abstract = True

    def phone_owner(self) -> phones.Owner | None:
        raise NotImplementedError

    def clean(self) -> None:
        super().clean()
        # A TextField's length is checked here (its form checks it, its model does not),
        # for the importer as for the admin.
        too_long = {
            name: f"Up to {field.max_length:,} characters: this has {len(value):,}."
            for name in visible_text_fields(type(self))
            if isinstance(field := self._meta.get_field(name), models.TextField)
            and field.max_length
            and len(value := getattr(self, name) or "") > field.max_length
        }
        if too_long:
            raise ValidationError(too_long)
        phones.guard(self, visible_text_fields(type(self)), self.phone_owner)


class Category(VisibleText):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, max_length=SHORT_TEXT)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

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


def previews_drafts(user) -> bool:
    """Staff see drafts everywhere a visitor would see the published guide, marked as such,
    once their login is complete (a Publisher's password alone is not enough: see accounts/)."""
    if user is None or not user.is_authenticated or not user.is_staff:
        return False
    from accounts.twofactor import fully_signed_in

    return fully_signed_in(user)


class Provider(VisibleText):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="providers")
    aliases = models.TextField(
        blank=True,
        max_length=SHORT_TEXT,
        help_text="Other names people search for, one per line (e.g. “KIS”).",
    )
    summary = models.TextField(
        blank=True, max_length=SHORT_TEXT, help_text="One or two sentences for visitors."
    )
    website = models.URLField(blank=True)
    difficulty = models.CharField(max_length=12, choices=Difficulty, default=Difficulty.MEDIUM)
    minutes_to_cancel = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Typical time to cancel, in minutes."
    )
    first_question = models.CharField(max_length=200, default=FIRST_QUESTION)
    popular = models.BooleanField(default=False, help_text="Shown on the home page.")
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
        help_text="The pages this guide is based on, one URL per line.",
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
        help_text="The published guide this draft changes.",
    )
    # Who has changed the guide since it was last published: none of them may publish it.
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", editable=False
    )

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "name"], name="provider_status_name_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(draft_of__isnull=True),
                name="provider_slug_unique",
                violation_error_message="Another guide already has this slug.",
            ),
            models.CheckConstraint(
                condition=Q(draft_of__isnull=True) | Q(status="draft"),
                name="provider_draft_copy_unpublished",
                violation_error_message="A draft of changes is published by publishing it.",
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
        return DIFFICULTY_MEANINGS.get(self.difficulty, "")

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
                raise ValidationError({"slug": "Another guide already has this slug."})

    def phone_owner(self) -> phones.Owner:
        # What visitors read may carry only this provider's verified phone numbers.
        numbers = OfficialContact.objects.filter(provider_id=self.pk).verified_numbers()
        return phones.Owner(self.name, numbers if self.pk else frozenset())


class ChannelKind(models.TextChoices):
    PROVIDER = "provider", "The provider's own website"
    APP_STORE = "app_store", "App store"
    MARKETPLACE = "marketplace", "Online marketplace"
    RETAILER = "retailer", "Retailer"
    RESELLER = "reseller", "Reseller"
    PAYMENT = "payment", "Payment service"
    CARRIER = "carrier", "Phone carrier"
    PHONE = "phone", "By phone"


# What a visitor reads as "main cancel methods", derived from the channels of the routes.
CHANNEL_METHODS = {
    ChannelKind.PROVIDER: "Website",
    ChannelKind.APP_STORE: "App store",
    ChannelKind.MARKETPLACE: "Retailer",
    ChannelKind.RETAILER: "Retailer",
    ChannelKind.RESELLER: "Reseller",
    ChannelKind.PAYMENT: "Payment service",
    ChannelKind.CARRIER: "Phone carrier",
    ChannelKind.PHONE: "Phone",
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
        help_text="Set for a variant, e.g. “on a Mac” under Apple App Store.",
    )
    kind = models.CharField(max_length=12, choices=ChannelKind)
    hint = models.CharField(
        max_length=300,
        blank=True,
        help_text="How a visitor recognises it, e.g. “your statement shows APPLE.COM/BILL”.",
    )
    website = models.URLField(blank=True)
    online = models.BooleanField(
        default=True, help_text="Can a purchase made here be cancelled online?"
    )
    variant_question = models.CharField(
        max_length=200, blank=True, help_text="The question that chooses between variants."
    )
    position = models.PositiveIntegerField(default=0, validators=position_validators)
    sources = models.TextField(blank=True, max_length=SHORT_TEXT, help_text="One URL per line.")
    last_verified_on = models.DateField(null=True, blank=True)
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
        help_text="The channel this draft changes.",
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
                violation_error_message="A channel with this slug already exists.",
            ),
            models.CheckConstraint(
                condition=Q(draft_of__isnull=True) | Q(parent__isnull=True),
                name="channel_draft_is_whole",
                violation_error_message="A draft is of a whole channel, not of a variant.",
            ),
            models.UniqueConstraint(
                fields=["parent", "slug"],
                condition=Q(parent__isnull=False),
                name="channel_unique_variant_slug",
                violation_error_message="This channel already has a variant with this slug.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="channel_not_own_parent",
                violation_error_message="A channel cannot be a variant of itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} → {self.name}" if self.parent_id else self.name

    def get_absolute_url(self) -> str:
        top = self.parent if self.parent_id else self
        url = reverse("guides:channel", args=[top.slug])
        return f"{url}#{self.slug}" if self.parent_id else url

    @property
    def method(self) -> str:
        return CHANNEL_METHODS.get(self.kind, self.get_kind_display())

    @property
    def whole(self) -> PurchaseChannel:
        """The channel itself, or the channel a variant belongs to."""
        return self.parent if self.parent_id else self

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
                raise ValidationError({"parent": "A channel cannot be a variant of itself."})
            if self.parent.parent_id:
                raise ValidationError(
                    {"parent": "Variants go one level deep: choose a top-level channel."}
                )
            if self.pk and self.variants.exists():
                raise ValidationError(
                    {"parent": "This channel has variants of its own, so it cannot be one."}
                )


class Route(VisibleText):
    """One answer in a provider's flow. Routes form a tree per provider."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="routes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    channel = models.ForeignKey(
        PurchaseChannel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="routes",
        help_text=(
            "Where it was bought; its standard steps are shown with this route's. "
            "Choose a variant (App Store → on a Mac) to skip the question between them."
        ),
    )
    label = models.CharField(max_length=120, help_text="The answer, e.g. “Apple App Store”.")
    slug = models.SlugField(max_length=80)
    position = models.PositiveIntegerField(default=0, validators=position_validators)
    question = models.CharField(
        max_length=200,
        blank=True,
        help_text="The question this route asks of its own answers, e.g. “Where do you live?”.",
    )
    channel_steps_first = models.BooleanField(
        default=True, help_text="Show the channel's standard steps before this route's own."
    )

    class Meta:
        ordering = ["provider", "parent_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "slug"],
                condition=Q(parent__isnull=True),
                name="route_unique_top_slug",
                violation_error_message="This provider already has a first answer with this slug.",
            ),
            models.UniqueConstraint(
                fields=["parent", "slug"],
                condition=Q(parent__isnull=False),
                name="route_unique_child_slug",
                violation_error_message="This question already has an answer with this slug.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="route_not_own_parent",
                violation_error_message="A route cannot be its own parent.",
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
        if self.parent_id is None:
            return
        parent = self.parent
        if self.provider_id and parent.provider_id != self.provider_id:
            raise ValidationError({"parent": "The parent route belongs to another provider."})
        parents = dict(
            Route.objects.filter(provider_id=parent.provider_id).values_list("pk", "parent_id")
        )
        if problem := parent_problem(self.pk, parent.pk, parents.get):
            raise ValidationError({"parent": problem})


class ContactKind(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    WEB_FORM = "web_form", "Web form"
    CHAT = "chat", "Chat"


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
        Provider, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    channel = models.ForeignKey(
        PurchaseChannel,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    kind = models.CharField(max_length=10, choices=ContactKind)
    label = models.CharField(max_length=120, blank=True, help_text="e.g. “Customer service”.")
    value = models.CharField(max_length=300, help_text="The number, address or URL.")
    region = models.CharField(max_length=80, blank=True, help_text="Where it applies.")
    source_url = models.URLField(
        max_length=500, help_text="The official page where this contact is published."
    )
    verified_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="Set when a Publisher presses Verify. Only verified contacts are shown.",
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
    VERIFIED_FIELDS = ("kind", "value", "label", "region", "source_url", "provider", "channel")

    class Meta:
        ordering = ["kind", "region", "value"]
        constraints = [
            models.CheckConstraint(
                condition=Q(provider__isnull=False, channel__isnull=True)
                | Q(provider__isnull=True, channel__isnull=False),
                name="contact_provider_xor_channel",
                violation_error_message="A contact belongs to a provider or to a channel.",
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
            names = [self._meta.get_field(n).attname for n in self.VERIFIED_FIELDS]
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
                        "value": "This is not a phone number that can be dialled. Write it as "
                        "the official page does; outside North America, with its country "
                        "code (+44 20 …)."
                    }
                )

    def phone_owner(self) -> phones.Owner | None:
        """A contact's texts (its label, region, source) may carry its own number, and the
        verified numbers of whom it belongs to; no other number may hide in them."""
        if self.provider_id:
            owner = self.provider.phone_owner()
        elif self.channel_id:
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


class StepKind(models.TextChoices):
    DO = "do", "Do"
    CHECK = "check", "Check"
    WARNING = "warning", "Warning"
    TIP = "tip", "Tip"


class Step(VisibleText):
    """One ordered instruction, belonging to exactly one route or one channel."""

    route = models.ForeignKey(
        Route, null=True, blank=True, on_delete=models.CASCADE, related_name="steps"
    )
    channel = models.ForeignKey(
        PurchaseChannel, null=True, blank=True, on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveIntegerField(default=0, validators=position_validators)
    kind = models.CharField(max_length=10, choices=StepKind, default=StepKind.DO)
    title = models.CharField(max_length=200, help_text="A short imperative: “Open Settings”.")
    body = models.TextField(
        blank=True, max_length=LONG_TEXT, help_text="Markdown. Links and emphasis are kept."
    )
    link_url = models.URLField(max_length=500, blank=True)
    link_label = models.CharField(max_length=120, blank=True)
    contact = models.ForeignKey(
        OfficialContact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="steps",
        help_text="An official contact to show with this step.",
    )
    email_subject = models.CharField(max_length=200, blank=True)
    email_body = models.TextField(blank=True, max_length=LONG_TEXT)
    source_url = models.URLField(max_length=500, blank=True, help_text="Where this is documented.")

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(route__isnull=False, channel__isnull=True)
                | Q(route__isnull=True, channel__isnull=False),
                name="step_route_xor_channel",
                violation_error_message="A step belongs to exactly one route or channel.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        # Belonging to exactly one route or channel is the step_route_xor_channel constraint.
        if self.link_label and not self.link_url:
            raise ValidationError({"link_url": "A link label needs a link."})
        if self.email_body and not self.email_subject:
            raise ValidationError({"email_subject": "An email template needs a subject."})
        if self.contact_id:
            contact = self.contact
            if self.route_id and contact.provider_id != self.route.provider_id:
                raise ValidationError({"contact": "Choose a contact of this route's provider."})
            if self.channel_id and contact.channel_id not in {
                self.channel_id,
                self.channel.parent_id,
            }:
                raise ValidationError({"contact": "Choose a contact of this channel."})

    def phone_owner(self) -> phones.Owner | None:
        # A route's steps may carry only its provider's verified phone numbers; a channel's
        # standard steps only the channel's own (a variant's, also its parent channel's).
        if self.route_id:
            return self.route.provider.phone_owner()
        if self.channel_id:
            return self.channel.phone_owner()
        return None


class NoteKind(models.TextChoices):
    BEFORE = "before", "Before you cancel"
    AFTER = "after", "After you cancel"
    REFUND = "refund", "Refunds"
    ALTERNATIVE = "alternative", "Alternatives to cancelling"


class ProviderNote(VisibleText):
    """Things to know: before and after cancelling, refunds, alternatives."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=12, choices=NoteKind)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=LONG_TEXT, help_text="Markdown.")
    position = models.PositiveIntegerField(default=0, validators=position_validators)
    source_url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    def phone_owner(self) -> phones.Owner | None:
        return self.provider.phone_owner() if self.provider_id else None


class Question(VisibleText):
    """A frequently asked question about cancelling a provider."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="questions")
    question = models.CharField(max_length=300)
    answer = models.TextField(max_length=LONG_TEXT, help_text="Markdown.")
    position = models.PositiveIntegerField(default=0, validators=position_validators)
    source_url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.question

    def phone_owner(self) -> phones.Owner | None:
        return self.provider.phone_owner() if self.provider_id else None


class FeedbackKind(models.TextChoices):
    WORKED = "worked", "It worked"
    DID_NOT_WORK = "did_not_work", "It did not work"
    PROBLEM = "problem", "Problem with a step"


class FeedbackStatus(models.TextChoices):
    NEW = "new", "New"
    FIXED = "fixed", "Fixed"
    DISMISSED = "dismissed", "Dismissed"


class Feedback(models.Model):
    """What a visitor reported about the steps of one route of one provider."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="feedback")
    route = models.ForeignKey(
        Route, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    route_path = models.CharField(
        max_length=300, help_text="The answers the visitor gave, kept if the route goes."
    )
    kind = models.CharField(max_length=12, choices=FeedbackKind)
    step_number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The numbered step a problem report is about."
    )
    step = models.ForeignKey(
        "Step",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
        help_text="The step a problem report is about (the number is as the visitor saw it).",
    )
    comment = models.TextField(max_length=1000, blank=True)
    client = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="A keyed hash of the visitor's address, for rate limits; never the address.",
    )
    status = models.CharField(max_length=10, choices=FeedbackStatus, default=FeedbackStatus.NEW)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "feedback"
        indexes = [
            models.Index(fields=["provider", "-created_at"], name="feedback_provider_idx"),
            models.Index(fields=["route", "kind"], name="feedback_route_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.provider.name} / {self.route_path}"

    def get_absolute_url(self) -> str:
        return reverse("guides:route", args=[self.provider.slug, self.route_path])


class RevisionKind(models.TextChoices):
    PUBLISHED = "published", "Published"
    ROLLED_BACK = "rolled-back", "Rolled back"


class GuideRevision(models.Model):
    """One publication of a guide: the whole guide as it went live, stored as the document
    `export_guides` writes (guides/files/exporter.py), so that it can be shown, compared and
    brought back exactly. The guide's live rows are always the latest revision's document,
    loaded by the importer (guides/publishing/revisions.py)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=RevisionKind, default=RevisionKind.PUBLISHED)
    document = models.TextField(help_text="The guide as it went live, in the export format.")
    message = models.CharField(max_length=500, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    edited_by = models.CharField(
        max_length=500, blank=True, help_text="Who made the change that was published."
    )
    published_alone = models.BooleanField(
        default=False, help_text="A superuser published a change of their own, unreviewed."
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

    channel = models.ForeignKey(PurchaseChannel, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    document = models.TextField(help_text="The channel as it went live, in the export format.")
    message = models.CharField(max_length=500, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    edited_by = models.CharField(
        max_length=500, blank=True, help_text="Who made the change that was published."
    )
    published_alone = models.BooleanField(
        default=False, help_text="A superuser published a change of their own, unreviewed."
    )
    reached = models.TextField(
        blank=True, help_text="The answer pages of guides the change reached, one per line."
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


class GuideRequest(models.Model):
    """A visitor asked for a guide that does not exist yet."""

    name = models.CharField(max_length=120, help_text="What the visitor wants to cancel.")
    details = models.TextField(max_length=1000, blank=True)
    client = models.CharField(max_length=64, blank=True, editable=False)
    handled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name
