"""Publishing a shared channel: a change to a channel's steps reaches every guide that sends
visitors there, so it waits for a second person's review, as a guide's change does
(guides/publishing/revisions.py).

A channel that visitors read is never edited in place. An editor opens a *draft* of it: a
copy of the whole channel (a PurchaseChannel row with `draft_of` the live one), with its
variants, standard steps, contacts and statement descriptors. Visitors keep reading the
live rows; staff preview the draft on the channel's page, marked "Draft".

The review shows what differs field by field, and every guide and answer page the channel's
steps reach, each page as it reads now and as it will read: the guides' flows are walked by
the visitors' own engine with the draft in the live channel's place (`ChannelOverlay`). A
Publisher who did not change the draft publishes it: the draft is written out in the export
format (exporter.export_channel), stored as the channel's next `ChannelRevision`, and
loaded into the live rows in place (a step keeps its identity, and what visitors reported
about it). The draft then goes.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext

from guides.files.documents import GuideImportError
from guides.files.exporter import dumps, export_channel
from guides.files.loading import load_channel
from guides.models import (
    ChannelRevision,
    OfficialContact,
    Provider,
    PurchaseChannel,
    Route,
    StatementDescriptor,
    Step,
)
from guides.publishing import audit as page_audit
from guides.publishing.reach import Reach, channel_reach
from guides.publishing.review import (
    FieldChange,
    PageChange,
    compare_documents,
    compare_page_sets,
    pages_of,
)
from guides.publishing.revisions import Decision, PublishRefused, four_eyes

BASELINE_MESSAGE = "As it was published before revisions were kept."


# Which channel a row belongs to ---------------------------------------------------------------


def channel_of(obj) -> PurchaseChannel | None:
    """The whole channel row (live, or a draft of changes) `obj` is part of, or None."""
    try:
        if isinstance(obj, PurchaseChannel):
            return obj.whole
        parts = Step | OfficialContact | StatementDescriptor
        if isinstance(obj, parts) and obj.channel is not None:
            return obj.channel.whole
    except ObjectDoesNotExist:  # what it belonged to is gone
        return None
    return None


def live_channel_of(obj) -> PurchaseChannel | None:
    """The live channel `obj` is part of, which nobody edits in place; or None."""
    channel = channel_of(obj) if obj is not None and obj.pk is not None else None
    return channel if channel is not None and channel.draft_of_id is None else None


def note_channel_editor(obj, user) -> None:
    """Remember that `user` changed `obj`'s channel draft: they may not publish it alone."""
    channel = channel_of(obj)
    if channel is not None and channel.draft_of_id is not None and user.is_authenticated:
        PurchaseChannel.editors.through.objects.get_or_create(
            purchasechannel_id=channel.pk, user_id=user.pk
        )


# Drafts ---------------------------------------------------------------------------------------


def _copy_verifiers(source: PurchaseChannel, target: PurchaseChannel) -> None:
    """The document carries when a contact was verified, not by whom: carry that over,
    contact by contact (a contact is named by its variant, kind and value)."""

    def key(contact: OfficialContact) -> tuple:
        owner = contact.channel
        assert owner is not None  # verified() reads a channel's contacts
        return ("" if owner.parent_id is None else owner.slug, contact.kind, contact.value)

    def verified(channel: PurchaseChannel):
        return OfficialContact.objects.filter(
            channel__in=[channel.pk, *channel.variants.values_list("pk", flat=True)],
            verified_on__isnull=False,
        ).select_related("channel")

    by_key = {key(contact): contact for contact in verified(source)}
    for contact in verified(target):
        match = by_key.get(key(contact))
        if (
            match is not None
            and match.verified_on == contact.verified_on
            and match.verified_by_id != contact.verified_by_id
        ):
            contact.verified_by_id = match.verified_by_id
            contact.save(update_fields=["verified_by"])


def start_channel_draft(live: PurchaseChannel) -> PurchaseChannel:
    """The draft of changes to `live`: the one that is open, or a new copy of the channel."""
    with transaction.atomic():
        live = PurchaseChannel.objects.select_for_update().get(pk=live.whole.pk)
        existing = PurchaseChannel.objects.filter(draft_of=live).first()
        if existing is not None:
            return existing
        draft = PurchaseChannel.objects.create(
            draft_of=live, slug=live.slug, name=live.name, kind=live.kind, position=live.position
        )
        load_channel(export_channel(live), into=draft)
        _copy_verifiers(live, draft)
    return draft


def counterpart_in_draft(obj, draft: PurchaseChannel):
    """The row of `draft` that stands for `obj`, a part of the live channel it copies (as
    `start_channel_draft` copied it): the channel itself, a variant by its slug, a step by its
    channel or variant and its place there, a contact by its channel or variant, kind and
    value, a statement descriptor by its channel or variant and its pattern (as it matches).
    None when the draft has no such row (deleted or renamed there)."""

    def owner_in_draft(channel: PurchaseChannel) -> PurchaseChannel | None:
        if channel.parent_id is None:
            return draft
        return draft.variants.filter(slug=channel.slug).first()

    if isinstance(obj, PurchaseChannel):
        return owner_in_draft(obj)
    if isinstance(obj, Step) and obj.channel is not None:
        owner = owner_in_draft(obj.channel)
        pks = list(
            Step.objects.filter(channel_id=obj.channel_id)
            .order_by("position", "pk")
            .values_list("pk", flat=True)
        )
        if owner is None or obj.pk not in pks:
            return None
        steps = list(owner.steps.order_by("position", "pk"))
        place = pks.index(obj.pk)
        return steps[place] if place < len(steps) else None
    if isinstance(obj, OfficialContact) and obj.channel is not None:
        owner = owner_in_draft(obj.channel)
        return owner.contacts.filter(kind=obj.kind, value=obj.value).first() if owner else None
    if isinstance(obj, StatementDescriptor) and obj.channel is not None:
        owner = owner_in_draft(obj.channel)
        if owner is None:
            return None
        return owner.descriptors.filter(key=obj.key).order_by("position", "pk").first()
    return None


# The draft in the live channel's place ---------------------------------------------------------


def live_of(draft: PurchaseChannel) -> PurchaseChannel:
    """The live channel `draft` is a draft of changes to."""
    if draft.draft_of is None:
        raise ValueError(f"“{draft}” is not a draft of changes to a channel.")
    return draft.draft_of


def _shown_as(channel: PurchaseChannel, pk: int, parent: PurchaseChannel | None):
    shown = copy.copy(channel)
    shown.pk = pk
    shown.parent = parent
    shown.draft_of_id = None
    return shown


class ChannelOverlay:
    """A draft of a channel seen where its live channel is: in-memory copies of the draft and
    its variants carrying the live rows' ids (a variant the draft adds keeps its own), and
    the draft's steps under them. A guide walked with it (flow.guide.Guide) reads as it will
    once the draft is published. Nothing here is saved."""

    def __init__(self, draft: PurchaseChannel) -> None:
        live = live_of(draft)
        live_variants = {variant.slug: variant.pk for variant in live.variants.all()}
        self.live_ids: set[int | None] = {live.pk, *live_variants.values()}
        self.top = _shown_as(draft, live.pk, None)
        self.channels = {live.pk: self.top}
        self.variants: list[PurchaseChannel] = []
        shown_pk: dict[int | None, int] = {draft.pk: live.pk}
        for variant in draft.variants.order_by("position", "name"):
            pk = live_variants.get(variant.slug, variant.pk)
            shown = _shown_as(variant, pk, self.top)
            self.channels[pk] = shown
            self.variants.append(shown)
            shown_pk[variant.pk] = pk
        self.hidden_ids = self.live_ids | set(shown_pk)  # whose rows the copies stand for
        self.steps = list(
            Step.objects.filter(channel_id__in=list(shown_pk)).select_related(
                "contact__provider", "contact__channel__parent"
            )
        )
        for step in self.steps:
            step.channel_id = shown_pk[step.channel_id]

    def apply(self, tree) -> None:
        """Point a guide's routes at the draft instead of the live channel."""
        for route in tree.routes:
            if route.channel_id in self.channels:
                route.channel = self.channels[route.channel_id]

    def steps_with(self, found) -> list[Step]:
        """`found` (a query of a guide's steps) with the draft's steps for the live ones."""
        rows = [step for step in found if step.channel_id not in self.hidden_ids]
        return sorted([*rows, *self.steps], key=lambda step: (step.position, step.pk))


# What a publication changes -----------------------------------------------------------------


@dataclass
class GuidePages:
    provider: Provider
    pages: list[PageChange]  # the answer pages the change alters, as visitors will read them
    reached: int  # how many of the guide's answer pages show the channel's steps


@dataclass
class ChannelReview:
    draft: PurchaseChannel
    live: PurchaseChannel
    fields: list[FieldChange]
    reach: Reach
    guides: list[GuidePages]
    editors: list[str]
    problems: list[str]  # what would stop it from being published

    @property
    def changed_pages(self) -> int:
        return sum(len(guide.pages) for guide in self.guides)


def _document(channel: PurchaseChannel) -> dict:
    return export_channel(channel)


def _blocking(draft: PurchaseChannel) -> list[str]:
    """A variant the draft removes that answers still send visitors to cannot go."""
    kept = set(draft.variants.values_list("slug", flat=True))
    gone = live_of(draft).variants.exclude(slug__in=kept)
    problems = []
    for route in Route.objects.filter(channel__in=gone).select_related("provider", "channel"):
        assert route.channel is not None  # filtered on its channel
        problems.append(
            gettext(
                "The draft removes the variant “%(variant)s”, but the answer “%(answer)s” of "
                "%(guide)s sends visitors to it: point that answer elsewhere first, or keep "
                "the variant."
            )
            % {
                "variant": route.channel.name,
                "answer": route.label,
                "guide": route.provider.name,
            }
        )
    return problems


def channel_review(draft: PurchaseChannel) -> ChannelReview:
    """What publishing `draft` would change: its fields, and every guide and answer page its
    steps reach, each page that changes shown as visitors will read it."""
    live = live_of(draft)
    overlay = ChannelOverlay(draft)
    reach = channel_reach(live)
    guides = []
    for provider in reach.providers:
        pages = compare_page_sets(pages_of(provider), pages_of(provider, overlay))
        count = sum(1 for shown, _ in reach.pages if shown == provider)
        guides.append(GuidePages(provider, pages, count))
    return ChannelReview(
        draft=draft,
        live=live,
        fields=compare_documents(_document(live), _document(draft), "channels"),
        reach=reach,
        guides=guides,
        editors=sorted(user.get_username() for user in draft.editors.all()),
        problems=_blocking(draft),
    )


# Publishing ----------------------------------------------------------------------------------


def may_publish_channel(draft: PurchaseChannel, user) -> Decision:
    return four_eyes(draft, user, live=draft.draft_of_id is None, what="channel")


def _last_number(channel: PurchaseChannel) -> int:
    return channel.revisions.aggregate(last=Max("number"))["last"] or 0


def _next_number(live: PurchaseChannel) -> int:
    """The next revision number, recording first what visitors read until now if the
    channel was live before revisions were kept."""
    last = _last_number(live)
    if last == 0:
        ChannelRevision.objects.create(
            channel=live, number=1, document=dumps(_document(live)), message=BASELINE_MESSAGE
        )
        last = 1
    return last + 1


def record_channel_import(live: PurchaseChannel, message: str) -> ChannelRevision:
    """Record what an import made the live channel, as its next revision."""
    return ChannelRevision.objects.create(
        channel=live,
        number=_last_number(live) + 1,
        document=dumps(_document(live)),
        message=message,
    )


def audit_channel(draft: PurchaseChannel, user) -> list[page_audit.Problem]:
    """The draft's channel page as staff preview it, read by the phone finder: only numbers
    verified as contacts of the channel may be on it."""
    ids = [draft.pk, *draft.variants.values_list("pk", flat=True)]
    allowed = OfficialContact.objects.filter(channel_id__in=ids).verified_numbers()
    return page_audit.audit_pages([draft.get_absolute_url()], allowed, user)


def publish_channel(draft: PurchaseChannel, user, message: str) -> ChannelRevision:
    """Publish `draft` into its live channel, as that channel's next revision."""
    with transaction.atomic():
        draft = PurchaseChannel.objects.select_for_update().get(pk=draft.pk)
        decision = may_publish_channel(draft, user)
        if not decision.allowed:
            raise PublishRefused(decision.reason)
        problems = _blocking(draft)
        if problems:
            raise PublishRefused(" ".join(problems))
        found = audit_channel(draft, user)
        if found:
            listed = "; ".join(str(problem) for problem in found[:5])
            raise PublishRefused(
                gettext(
                    "Its page carries phone numbers that no one has verified (%(numbers)s). "
                    "Verify the number as a contact of the channel, or remove it."
                )
                % {"numbers": listed}
            )
        live = PurchaseChannel.objects.select_for_update().get(pk=live_of(draft).pk)
        data = _document(draft)
        if not compare_documents(_document(live), data, "channels"):
            raise PublishRefused(gettext("The draft changes nothing: there is nothing to publish."))
        reached = "\n".join(
            f"{provider.name}: {', '.join(leaf.answers)}"
            for provider, leaf in channel_reach(live).pages
        )
        editors = ", ".join(sorted(u.get_username() for u in draft.editors.all()))
        number = _next_number(live)
        try:
            load_channel(data, into=live)
        except GuideImportError as exc:
            raise PublishRefused("; ".join(exc.errors)) from exc
        _copy_verifiers(draft, live)
        draft.delete()
        live.editors.clear()
        return ChannelRevision.objects.create(
            channel=live,
            number=number,
            document=dumps(data),
            message=message,
            published_by=user,
            edited_by=editors,
            published_alone=decision.alone,
            reached=reached,
        )
