"""Publishing: visitors read only what a second person approved.

A published guide is never edited in place. An editor opens a *draft* of it: a copy of the
guide (a Provider row with `draft_of` the live one, its routes, steps, notes, questions,
contacts and statement descriptors), which the admin edits like any guide and staff
preview on the visitors' pages, marked "Draft". Visitors keep reading the live rows.

A Publisher who did not change the draft reviews it (`review`: what differs from what is
live, field by field and page by page, numbered as visitors see it) and publishes it: the
draft is written out as a document in the export format (guides/files/exporter.py), stored as the
guide's next `GuideRevision`, and loaded into the live rows by the importer, which updates
them in place (a step keeps its identity, and what visitors reported about it). The draft
then goes. Rolling back loads an earlier revision's document the same way, and is itself a
revision.

Why documents: the export format already says everything an editor can change and nothing
else, byte for byte the same on every export; a revision is then exactly what went live,
readable on its own, comparable to any other, and loadable into an empty site. Why a draft
made of rows rather than a document being edited: the admin, the phone guard, the page
audit and the staff preview all work on rows, so a draft is checked and shown exactly as the
live guide will be.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext

from guides.files.documents import GuideImportError, parse_document
from guides.files.exporter import dumps
from guides.files.loading import load_guide
from guides.models import (
    GuideRevision,
    OfficialContact,
    Provider,
    ProviderNote,
    Question,
    RevisionKind,
    Route,
    StatementDescriptor,
    Status,
    Step,
)
from guides.models.revisions import Decision
from guides.publishing import audit as page_audit
from guides.publishing.review import compare_documents, document

BASELINE_MESSAGE = "As it was published before revisions were kept."


class PublishRefused(Exception):
    """Publishing (or rolling back) was refused; the message says why, for the Publisher."""


# Which guide a row belongs to --------------------------------------------------------------


def guide_of(obj) -> Provider | None:
    """The guide row (live guide, draft of changes or unpublished guide) `obj` is part of."""
    try:
        return _guide_of(obj)
    except ObjectDoesNotExist:  # what it belonged to is gone
        return None


def _guide_of(obj) -> Provider | None:
    if isinstance(obj, Provider):
        return obj
    if isinstance(obj, Route | ProviderNote | Question):
        return obj.provider if obj.provider_id else None
    if isinstance(obj, Step):
        return obj.route.provider if obj.route is not None else None
    if isinstance(obj, OfficialContact | StatementDescriptor):
        return obj.provider if obj.provider_id else None
    return None


def live_guide_of(obj) -> Provider | None:
    """The live guide `obj` is part of, which nobody edits in place; or None."""
    guide = guide_of(obj) if obj is not None and obj.pk is not None else None
    return guide if guide is not None and guide.is_live else None


def note_editor(obj, user) -> None:
    """Remember that `user` changed `obj`'s guide since it was last published: they may not
    be the one who publishes it."""
    guide = guide_of(obj)
    if guide is not None and guide.pk is not None and not guide.is_live and user.is_authenticated:
        # the through row itself: not a change to the guide for its history (django-reversion
        # would record the guide again in the revision of a step's own page)
        Provider.editors.through.objects.get_or_create(provider_id=guide.pk, user_id=user.pk)


# Drafts ---------------------------------------------------------------------------------------


def _copy_verifiers(source: Provider, target: Provider) -> None:
    """The document carries when a contact and the guide were verified, not by whom: carry
    that over too, contact by contact (kind and value name a contact within a guide)."""
    by_key = {
        (c.kind, c.value): c
        for c in OfficialContact.objects.filter(provider=source, verified_on__isnull=False)
    }
    for contact in OfficialContact.objects.filter(provider=target, verified_on__isnull=False):
        match = by_key.get((contact.kind, contact.value))
        if (
            match is not None
            and match.verified_on == contact.verified_on
            and contact.verified_by_id != match.verified_by_id
        ):
            contact.verified_by_id = match.verified_by_id
            contact.save(update_fields=["verified_by"])
    if target.last_verified_on == source.last_verified_on:
        Provider.objects.filter(pk=target.pk).update(last_verified_by=source.last_verified_by_id)


def start_draft(live: Provider) -> Provider:
    """The draft of changes to `live`: the one that is open, or a new copy of the guide."""
    with transaction.atomic():
        live = Provider.objects.select_for_update().get(pk=live.pk)
        existing = Provider.objects.filter(draft_of=live).first()
        if existing is not None:
            return existing
        draft = Provider.objects.create(
            draft_of=live,
            slug=live.slug,
            name=live.name,
            category_id=live.category_id,
            status=Status.DRAFT,
        )
        load_guide(document(live, status=Status.DRAFT), into=draft, status=Status.DRAFT)
        _copy_verifiers(live, draft)
    return draft


def _rank(row, rows) -> int | None:
    """`row`'s place (1, 2, …) in its ordered list `rows`."""
    pks = list(rows.order_by("position", "pk").values_list("pk", flat=True))
    return pks.index(row.pk) + 1 if row.pk in pks else None


def _route_in(route: Route, draft: Provider) -> Route | None:
    slugs: list[str] = []
    node: Route | None = route
    while node is not None:
        slugs.append(node.slug)
        node = node.parent
    found = None
    for slug in reversed(slugs):
        found = Route.objects.filter(provider=draft, parent=found, slug=slug).first()
        if found is None:
            return None
    return found


def counterpart_in_draft(obj, draft: Provider):
    """The row of `draft` that stands for `obj`, a part of the live guide it copies (as
    `start_draft` copied it): routes by their path of slugs, steps by their route and their
    place in it, contacts by kind and value, statement descriptors by their pattern (as it
    matches), notes and questions by their place. None when the draft has no such row
    (deleted or moved there), or `obj` is no part of a guide (a channel's own step, contact
    or descriptor)."""
    if isinstance(obj, Provider):
        return draft
    if isinstance(obj, Route):
        return _route_in(obj, draft)
    if isinstance(obj, Step):
        live_route = obj.route
        route = _route_in(live_route, draft) if live_route is not None else None
        if live_route is None or route is None:
            return None
        rank = _rank(obj, Step.objects.filter(route=live_route))
        return route.steps.filter(position=rank).first() if rank else None
    if isinstance(obj, OfficialContact):
        if not obj.provider_id:
            return None
        return draft.contacts.filter(kind=obj.kind, value=obj.value).first()
    if isinstance(obj, StatementDescriptor):
        if not obj.provider_id:
            return None
        return draft.descriptors.filter(key=obj.key).order_by("position", "pk").first()
    if isinstance(obj, ProviderNote | Question):
        rank = _rank(obj, type(obj).objects.filter(provider_id=obj.provider_id))
        if rank is None:
            return None
        return type(obj).objects.filter(provider=draft, position=rank).first()
    return None


# What a publication changes -----------------------------------------------------------------


# Publishing and rolling back ------------------------------------------------------------------


def four_eyes(draft, user, *, live: bool, what: str) -> Decision:
    """Four eyes, for a guide or a channel (`what`): a Publisher publishes what someone else
    changed. A superuser may publish their own change, and the revision records that it was
    not reviewed."""
    channel = what == "channel"
    if not user.has_perm("guides.publish_provider"):
        if channel:
            return Decision(False, gettext("Only a Publisher can publish a channel."))
        return Decision(False, gettext("Only a Publisher can publish a guide."))
    if live:
        if channel:
            return Decision(
                False, gettext("This channel is live: its changes are made in a draft.")
            )
        return Decision(False, gettext("This guide is live: its changes are made in a draft."))
    if draft.editors.filter(pk=user.pk).exists():
        if user.is_superuser:
            if channel:
                return Decision(True, gettext("You changed this channel yourself."), alone=True)
            return Decision(True, gettext("You changed this guide yourself."), alone=True)
        if channel:
            reason = gettext(
                "You changed this channel yourself: another Publisher must review and publish it."
            )
        else:
            reason = gettext(
                "You changed this guide yourself: another Publisher must review and publish it."
            )
        return Decision(False, reason)
    return Decision(True)


def may_publish(draft: Provider, user) -> Decision:
    return four_eyes(draft, user, live=draft.is_live, what="guide")


def _last_number(provider: Provider) -> int:
    return provider.revisions.aggregate(last=Max("number"))["last"] or 0


def _next_number(live: Provider) -> int:
    """The next revision number of `live`, recording first, if the guide was published
    before revisions were kept, what visitors read until now: rollback can go back to it."""
    last = _last_number(live)
    if last == 0 and live.is_live:
        GuideRevision.objects.create(
            provider=live, number=1, document=dumps(document(live)), message=BASELINE_MESSAGE
        )
        last = 1
    return last + 1


def record_import(live: Provider, message: str) -> GuideRevision:
    """Record what an import (`import_guides`) made the live guide, as its next revision."""
    return GuideRevision.objects.create(
        provider=live,
        number=_last_number(live) + 1,
        document=dumps(document(live)),
        message=message,
    )


def publish(draft: Provider, user, message: str) -> GuideRevision:
    """Publish `draft` (a draft of changes, or a guide never published) as the live guide."""
    with transaction.atomic():
        draft = Provider.objects.select_for_update().get(pk=draft.pk)
        decision = may_publish(draft, user)
        if not decision.allowed:
            raise PublishRefused(decision.reason)
        problems = page_audit.audit_provider(draft, user)
        if problems:
            listed = "; ".join(str(problem) for problem in problems[:5])
            raise PublishRefused(
                gettext(
                    "Its pages carry phone numbers that no one has verified (%(numbers)s). "
                    "Verify the number as a contact, or remove it."
                )
                % {"numbers": listed}
            )
        editors = ", ".join(sorted(u.get_username() for u in draft.editors.all()))
        if draft.draft_of_id is None:  # its first publication
            number = _next_number(draft)  # not live yet: nothing to record before it
            live = draft
            live.status = Status.PUBLISHED
            live.save(update_fields=["status", "updated_at"])
            data = document(live)
        else:
            live = Provider.objects.select_for_update().get(pk=draft.draft_of_id)
            data = document(draft)
            if not compare_documents(document(live), data):
                raise PublishRefused(
                    gettext("The draft changes nothing: there is nothing to publish.")
                )
            number = _next_number(live)
            try:
                load_guide(data, into=live, status=Status.PUBLISHED)
            except GuideImportError as exc:
                raise PublishRefused("; ".join(exc.errors)) from exc
            _copy_verifiers(draft, live)
            draft.delete()
        live.editors.clear()
        return GuideRevision.objects.create(
            provider=live,
            number=number,
            document=dumps(data),
            message=message,
            published_by=user,
            edited_by=editors,
            published_alone=decision.alone,
        )


def roll_back(revision: GuideRevision, user, message: str = "") -> GuideRevision:
    """Make `revision` what visitors read again, as a whole; recorded as a new revision."""
    if not user.has_perm("guides.publish_provider"):
        raise PublishRefused(gettext("Only a Publisher can roll a guide back."))
    with transaction.atomic():
        live = Provider.objects.select_for_update().get(pk=revision.provider_id)
        if not live.is_live:
            raise PublishRefused(
                gettext("This guide is not published: there is nothing to roll back.")
            )
        data = parse_document(f"revision {revision.number}", revision.document).data
        number = _next_number(live)
        try:
            load_guide(data, into=live, status=Status.PUBLISHED)
        except GuideImportError as exc:
            raise PublishRefused(
                gettext("This revision cannot be brought back as it is: %(errors)s")
                % {"errors": "; ".join(exc.errors)}
            ) from exc
        return GuideRevision.objects.create(
            provider=live,
            number=number,
            kind=RevisionKind.ROLLED_BACK,
            document=dumps(data),
            message=message or f"Rolled back to revision {revision.number}.",
            published_by=user,
            restores=revision,
        )
