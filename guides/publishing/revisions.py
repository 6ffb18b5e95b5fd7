"""Publishing: visitors read only what a second person approved.

A published guide is never edited in place. An editor opens a *draft* of it: a copy of the
guide (a Provider row with `draft_of` the live one, its routes, steps, notes, questions and
contacts), which the admin edits like any guide and staff preview on the visitors' pages,
marked "Draft". Visitors keep reading the live rows.

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

import copy
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Max

from guides.files.documents import GuideImportError, parse_document
from guides.files.exporter import dumps, export_guide
from guides.files.loading import load_guide
from guides.flow import map as flow_map
from guides.models import (
    GuideRevision,
    OfficialContact,
    Provider,
    ProviderNote,
    Question,
    RevisionKind,
    Route,
    Status,
    Step,
)
from guides.publishing import audit as page_audit

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
        return obj.route.provider if obj.route_id else None
    if isinstance(obj, OfficialContact):
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


def _document(provider: Provider, *, status: str = Status.PUBLISHED) -> dict:
    """`provider` as the export writes it, with the given status: a revision says what
    visitors read, a published guide, whichever row (a draft) it was written from."""
    shown = copy.copy(provider)
    shown.status = Status(status).value
    return export_guide(shown)


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
        load_guide(_document(live, status=Status.DRAFT), into=draft, status=Status.DRAFT)
        _copy_verifiers(live, draft)
    return draft


def _rank(row, rows) -> int | None:
    """`row`'s place (1, 2, …) in its ordered list `rows`."""
    pks = list(rows.order_by("position", "pk").values_list("pk", flat=True))
    return pks.index(row.pk) + 1 if row.pk in pks else None


def _route_in(route: Route, draft: Provider) -> Route | None:
    slugs, node = [], route
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
    place in it, contacts by kind and value, notes and questions by their place. None when
    the draft has no such row (deleted or moved there), or `obj` is no part of a guide (a
    channel's own step or contact)."""
    if isinstance(obj, Provider):
        return draft
    if isinstance(obj, Route):
        return _route_in(obj, draft)
    if isinstance(obj, Step):
        route = _route_in(obj.route, draft) if obj.route_id else None
        rank = _rank(obj, Step.objects.filter(route_id=obj.route_id)) if route else None
        return route.steps.filter(position=rank).first() if rank else None
    if isinstance(obj, OfficialContact):
        if not obj.provider_id:
            return None
        return draft.contacts.filter(kind=obj.kind, value=obj.value).first()
    if isinstance(obj, ProviderNote | Question):
        rank = _rank(obj, type(obj).objects.filter(provider_id=obj.provider_id))
        return type(obj).objects.filter(provider=draft, position=rank).first()
    return None


# What a publication changes -----------------------------------------------------------------


@dataclass
class FieldChange:
    where: str  # "Summary", "Answer “Amazon” → step 2 → body"
    before: str
    after: str

    @property
    def kind(self) -> str:
        if not self.before:
            return "added"
        if not self.after:
            return "removed"
        return "changed"


@dataclass
class PageStep:
    number: int
    title: str
    text: str  # what else the visitor reads of it: body, link, contact
    origin: str
    state: str = "same"  # "same", "changed", "added", "removed"
    before: str = ""  # the step as it is live, when it changed


@dataclass
class PageChange:
    path: str
    answers: list[str]
    state: str  # "changed", "added", "removed"
    steps: list[PageStep] = field(default_factory=list)


@dataclass
class Review:
    draft: Provider
    live: Provider | None
    fields: list[FieldChange]
    pages: list[PageChange]
    editors: list[str]


SECTION_NAMES = {
    "routes": "Answer",
    "steps": "step",
    "contacts": "contact",
    "notes": "note",
    "questions": "question",
    "variants": "variant",
}


def _flatten(value, where: str, out: dict[str, str]) -> None:
    """Every leaf value of a guide document, under a name an editor reads."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in SECTION_NAMES and isinstance(item, list):
                for index, element in enumerate(item, start=1):
                    _flatten(element, _element_name(where, key, index, element), out)
            else:
                name = key.replace("_", " ")
                _flatten(item, f"{where} → {name}" if where else name.capitalize(), out)
    elif isinstance(value, list):
        out[where] = "\n".join(str(item) for item in value)
    elif value is not None:
        out[where] = str(value)


def _element_name(where: str, key: str, index: int, element) -> str:
    if key == "routes" and isinstance(element, dict):
        head = f"Answer “{element.get('slug', index)}”"
    elif key == "variants" and isinstance(element, dict):
        head = f"variant “{element.get('slug', index)}”"
    elif key == "contacts" and isinstance(element, dict):
        head = f"contact {element.get('kind', '')} {element.get('value', index)}".rstrip()
    else:
        head = f"{SECTION_NAMES[key]} {index}"
    return f"{where} → {head}" if where else head[0].upper() + head[1:]


def compare_documents(
    before: dict | None, after: dict | None, kind: str = "providers"
) -> list[FieldChange]:
    """What differs between two documents of one guide (or, `kind` "channels", of one
    channel), field by field."""
    old: dict[str, str] = {}
    new: dict[str, str] = {}
    if before:
        _flatten(before[kind][0], "", old)
    if after:
        _flatten(after[kind][0], "", new)
    names = list(dict.fromkeys([*old, *new]))
    return [
        FieldChange(name, old.get(name, ""), new.get(name, ""))
        for name in names
        if old.get(name, "") != new.get(name, "")
    ]


def _step_text(step: Step) -> str:
    parts = [step.body]
    if step.link_url:
        parts.append(f"Link: {step.link_label or step.link_url} <{step.link_url}>")
    if step.contact_id:
        parts.append(f"Contact: {step.contact.value}")
    if step.email_subject:
        parts.append(f"Email: {step.email_subject}")
    return "\n".join(part for part in parts if part)


Pages = dict[str, tuple[list[str], list[tuple[str, str, str]]]]


def pages_of(provider: Provider | None, overlay=None) -> Pages:
    """Every page of steps of `provider`'s flow, by path: its answers and its steps (title,
    text, where each comes from), as visitors read them; with `overlay`, with a draft of a
    channel in the place of the live channel (channel_publishing.ChannelOverlay)."""
    if provider is None:
        return {}
    pages = {}
    for leaf in flow_map.build(provider, overlay=overlay).leaves:
        steps = [(item.step.title, _step_text(item.step), item.origin) for item in leaf.steps]
        pages[leaf.path] = (leaf.answers, steps)
    return pages


def compare_pages(live: Provider | None, draft: Provider) -> list[PageChange]:
    """The pages of steps that differ, each step numbered as visitors see it."""
    return compare_page_sets(pages_of(live), pages_of(draft))


def compare_page_sets(before: Pages, after: Pages) -> list[PageChange]:
    """The pages that differ between two sets of pages of one guide."""
    changes = []
    for path in dict.fromkeys([*after, *before]):
        if path not in before:
            answers, steps = after[path]
            items = [PageStep(n, t, x, o, "added") for n, (t, x, o) in enumerate(steps, 1)]
            changes.append(PageChange(path, answers, "added", items))
            continue
        if path not in after:
            answers, steps = before[path]
            items = [PageStep(n, t, x, o, "removed") for n, (t, x, o) in enumerate(steps, 1)]
            changes.append(PageChange(path, answers, "removed", items))
            continue
        (old_answers, old_steps), (answers, steps) = before[path], after[path]
        if old_answers == answers and old_steps == steps:
            continue
        items = []
        for number in range(1, max(len(steps), len(old_steps)) + 1):
            new = steps[number - 1] if number <= len(steps) else None
            old = old_steps[number - 1] if number <= len(old_steps) else None
            if new is None:
                items.append(PageStep(number, old[0], old[1], old[2], "removed"))
            elif old is None:
                items.append(PageStep(number, *new, state="added"))
            elif old[:2] == new[:2]:
                items.append(PageStep(number, *new))
            else:
                before_text = f"{old[0]}\n{old[1]}".strip()
                items.append(PageStep(number, *new, state="changed", before=before_text))
        changes.append(PageChange(path, answers, "changed", items))
    return changes


def review(draft: Provider) -> Review:
    """What publishing `draft` would change for visitors (a guide never published: all of
    it)."""
    live = draft.draft_of if draft.draft_of_id else None
    before = _document(live) if live is not None else None
    return Review(
        draft=draft,
        live=live,
        fields=compare_documents(before, _document(draft)),
        pages=compare_pages(live, draft),
        editors=sorted(user.get_username() for user in draft.editors.all()),
    )


# Publishing and rolling back ------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""
    alone: bool = False  # a superuser publishing a change of their own


def four_eyes(draft, user, *, live: bool, what: str) -> Decision:
    """Four eyes, for a guide or a channel (`what`): a Publisher publishes what someone else
    changed. A superuser may publish their own change, and the revision records that it was
    not reviewed."""
    if not user.has_perm("guides.publish_provider"):
        return Decision(False, f"Only a Publisher can publish a {what}.")
    if live:
        return Decision(False, f"This {what} is live: its changes are made in a draft.")
    if draft.editors.filter(pk=user.pk).exists():
        if user.is_superuser:
            return Decision(True, f"You changed this {what} yourself.", alone=True)
        return Decision(
            False,
            f"You changed this {what} yourself: another Publisher must review and publish it.",
        )
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
            provider=live, number=1, document=dumps(_document(live)), message=BASELINE_MESSAGE
        )
        last = 1
    return last + 1


def record_import(live: Provider, message: str) -> GuideRevision:
    """Record what an import (`import_guides`) made the live guide, as its next revision."""
    return GuideRevision.objects.create(
        provider=live,
        number=_last_number(live) + 1,
        document=dumps(_document(live)),
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
                f"Its pages carry phone numbers that no one has verified ({listed}). Verify "
                "the number as a contact, or remove it."
            )
        editors = ", ".join(sorted(u.get_username() for u in draft.editors.all()))
        first = draft.draft_of_id is None
        if first:
            number = _next_number(draft)  # not live yet: nothing to record before it
            live = draft
            live.status = Status.PUBLISHED
            live.save(update_fields=["status", "updated_at"])
            data = _document(live)
        else:
            live = Provider.objects.select_for_update().get(pk=draft.draft_of_id)
            data = _document(draft)
            if not compare_documents(_document(live), data):
                raise PublishRefused("The draft changes nothing: there is nothing to publish.")
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
        raise PublishRefused("Only a Publisher can roll a guide back.")
    with transaction.atomic():
        live = Provider.objects.select_for_update().get(pk=revision.provider_id)
        if not live.is_live:
            raise PublishRefused("This guide is not published: there is nothing to roll back.")
        data = parse_document(f"revision {revision.number}", revision.document).data
        number = _next_number(live)
        try:
            load_guide(data, into=live, status=Status.PUBLISHED)
        except GuideImportError as exc:
            raise PublishRefused(
                "This revision cannot be brought back as it is: " + "; ".join(exc.errors)
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


def rollback_review(revision: GuideRevision) -> list[FieldChange]:
    """What rolling back to `revision` would change, field by field."""
    live = revision.provider
    current = _document(live)
    earlier = parse_document(f"revision {revision.number}", revision.document).data
    return compare_documents(current, earlier)
