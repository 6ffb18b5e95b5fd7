"""Undoing one change to one object: a step, an answer (route), a channel or a contact.

A django-reversion revert brings back a whole version, with what it follows (a route's steps,
a channel's variants): a snapshot. An undo is narrower. The chosen change is what differs
between the object's version before it and the version it made, compared field by field on
the object's own fields; undoing it sets each of those fields back to its value before the
change, on that object only. Its other fields (changed later by others) are left alone, and so
are its children. A field the chosen change altered and that was changed again since goes
back too, and the preview says that this later change is overwritten.

Where an object sits (its owner and its position) is left as it is: moving it back would
reorder a list the undo does not otherwise touch. The preview says so when the change moved it.

The object's model validation applies (`full_clean`: the phone guard among it), so an undo
that would bring back an unverified number is refused with the guard's message.

A live guide or channel is never changed in place: an undo of one of its parts goes into its
draft of changes (opened if none is), onto the part's counterpart there
(publishing.counterpart_in_draft, channel_publishing.counterpart_in_draft).
Which row an undo changes is decided in one place, `target_for`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import reversion
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext, gettext_noop
from reversion.errors import RevertError
from reversion.models import Version

from guides.models import OfficialContact, Provider, PurchaseChannel, Route, Step
from guides.models.translated import source_columns
from guides.publishing import channels as channel_publishing
from guides.publishing import revisions as publishing
from guides.publishing.naming import describe

# What may be undone, and where each sits (left alone by an undo).
PLACE_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Step: ("route", "channel", "position"),
    Route: ("provider", "parent", "position"),
    PurchaseChannel: ("parent", "position"),
    OfficialContact: ("provider", "channel"),
}
UNDOABLE = tuple(PLACE_FIELDS)


class UndoRefused(Exception):
    """The undo cannot be applied; the message says why, for the editor."""


def own_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields an undo may set back: what an editor edits on the object itself."""
    skipped = {*PLACE_FIELDS.get(model, ()), *source_columns(model)}  # `title` says `title_en`
    return [
        f
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in skipped
    ]


def place_fields(model: type[models.Model]) -> list[models.Field]:
    fields = {f.name: f for f in model._meta.concrete_fields}
    return [fields[name] for name in PLACE_FIELDS.get(model, ())]


# The chosen change ---------------------------------------------------------------------------


def versions_of(obj) -> list[Version]:
    """`obj`'s versions, newest first."""
    return list(
        Version.objects.get_for_object(obj)
        .select_related("revision__user", "content_type")
        .order_by("-pk")
    )


def previous_of(version: Version) -> Version | None:
    """The object's version just before `version`."""
    return (
        Version.objects.get_for_object_reference(version._model, version.object_id)
        .filter(pk__lt=version.pk)
        .order_by("-pk")
        .first()
    )


def _values(version: Version | None) -> dict | None:
    if version is None:
        return None
    try:
        return version.field_dict
    except RevertError:  # stored under an older shape of the model: unreadable
        return None


def changed_fields(version: Version, previous: Version | None) -> list[models.Field]:
    """The fields (own and place) that `version` changed from `previous`; none for the
    first version kept, or for one that cannot be read."""
    after, before = _values(version), _values(previous)
    if after is None or before is None:
        return []
    model = version._model
    return [
        f
        for f in [*own_fields(model), *place_fields(model)]
        if f.attname in after and f.attname in before and after[f.attname] != before[f.attname]
    ]


# Which row an undo changes ---------------------------------------------------------------------


@dataclass
class Target:
    row: models.Model | None  # the row that will change (None: its counterpart is gone)
    # the live guide or channel, when the undo goes into its draft, and that draft when open
    live: Provider | PurchaseChannel | None = None
    draft: Provider | PurchaseChannel | None = None
    opens_draft: bool = False  # no draft is open yet: applying the undo opens one


def target_for(obj, user, *, open_draft: bool = False) -> Target:
    """The row an undo of a change to `obj` changes: `obj` itself, or, for a part of a live
    guide or of a live channel, its counterpart in that draft of changes (opened with
    `open_draft`, when none is)."""
    guide = publishing.live_guide_of(obj)
    if guide is not None:
        draft = Provider.objects.filter(draft_of=guide).first()
        start, counterpart = publishing.start_draft, publishing.counterpart_in_draft
        return _target_in_draft(obj, guide, draft, start, counterpart, open_draft)
    channel = channel_publishing.live_channel_of(obj)
    if channel is None:
        return Target(obj)
    channel_draft = PurchaseChannel.objects.filter(draft_of=channel).first()
    start_channel = channel_publishing.start_channel_draft
    channel_counterpart = channel_publishing.counterpart_in_draft
    return _target_in_draft(
        obj, channel, channel_draft, start_channel, channel_counterpart, open_draft
    )


def _target_in_draft[D: (Provider, PurchaseChannel)](
    obj,
    live: D,
    draft: D | None,
    start: Callable[[D], D],
    counterpart: Callable[[Any, D], models.Model | None],
    open_draft: bool,
) -> Target:
    if draft is None and not open_draft:
        # Opening the draft copies what is live as it is: obj stands for its counterpart.
        return Target(obj, live=live, opens_draft=True)
    opens = draft is None
    if draft is None:
        draft = start(live)
    return Target(counterpart(obj, draft), live, draft, opens)


def _in_target(f: models.Field, value, target: Target):
    """A stored value as the target row holds it: a live guide's contact is, in its draft,
    the draft's contact of the same kind and value."""
    if value is None or target.draft is None or f.related_model is not OfficialContact:
        return value
    contact = OfficialContact.objects.filter(pk=value).first()
    if contact is None:
        match = None
    elif isinstance(target.draft, PurchaseChannel):
        match = channel_publishing.counterpart_in_draft(contact, target.draft)
    else:
        match = publishing.counterpart_in_draft(contact, target.draft)
    return match.pk if match else value


# The plan, shown before it runs -----------------------------------------------------------------


def shown(f: models.Field, value) -> str:
    """A field's value as an editor reads it."""
    if value is None or value == "":
        return gettext("(empty)")
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if f.is_relation and f.related_model is not None:
        related = f.related_model._default_manager.filter(pk=value).first()
        if related is None:
            return gettext("(deleted, #%(id)s)") % {"id": value}
        return str(related)
    return str(value)


@dataclass
class FieldUndo:
    name: str  # the attribute
    label: str
    now: str
    back_to: str
    changed_to: str  # what the chosen change made it
    state: str  # "undo"; "overwrite": changed again since; "same": already as before
    value: object = None  # the value it goes back to, as the target holds it

    @property
    def applies(self) -> bool:
        return self.state != "same"


@dataclass
class Plan:
    obj: models.Model
    version: Version
    previous: Version | None
    target: Target
    fields: list[FieldUndo] = field(default_factory=list)
    left_alone: list[str] = field(default_factory=list)
    problem: str = ""

    @property
    def changes(self) -> list[FieldUndo]:
        return [item for item in self.fields if item.applies]

    @property
    def row(self) -> models.Model:
        return self.target.row if self.target.row is not None else self.obj

    @property
    def what(self) -> str:
        return describe(self.row)

    @property
    def untouched(self) -> str:
        return gettext(UNTOUCHED.get(type(self.obj), gettext_noop("Nothing else is touched.")))

    @property
    def into_draft(self) -> str:
        if self.target.live is None:
            return ""
        return gettext(
            "This goes into the draft of changes to “%(guide)s”; visitors see it once a "
            "Publisher publishes it."
        ) % {"guide": self.target.live.name}


# In English, marked for the catalog: Plan.untouched translates one when it is shown.
UNTOUCHED: dict[type[models.Model], str] = {
    Step: gettext_noop("Other steps, answers and contacts are not touched."),
    Route: gettext_noop(
        "Its steps, the answers below it and the rest of the guide are not touched."
    ),
    PurchaseChannel: gettext_noop("Its standard steps, variants and contacts are not touched."),
    OfficialContact: gettext_noop(
        "Other contacts, and the steps that show this one, are not touched."
    ),
}


def plan(obj, version: Version, user, *, target: Target | None = None) -> Plan:
    """What undoing `version` (a version of `obj`) would do, field by field."""
    previous = previous_of(version)
    target = target or target_for(obj, user)
    result = Plan(obj, version, previous, target)
    after, before = _values(version), _values(previous)
    if after is None:
        result.problem = gettext(
            "This version cannot be read any more: it was kept in an older form."
        )
        return result
    if before is None:
        result.problem = gettext(
            "This is the first version kept of it: there is no earlier value to go back to."
        )
        return result
    if target.row is None:
        assert target.live is not None  # only a counterpart in a draft can be missing
        result.problem = gettext(
            "The draft of changes to “%(guide)s” no longer has this %(kind)s: it was deleted "
            "or moved there. Change the draft itself."
        ) % {"guide": target.live.name, "kind": obj._meta.verbose_name}
        return result
    row = target.row
    for f in changed_fields(version, previous):
        if f.name in PLACE_FIELDS[type(obj)]:
            old, new = before[f.attname], after[f.attname]
            result.left_alone.append(
                gettext(
                    "This change also moved it (%(field)s: %(before)s → %(after)s). An undo "
                    "leaves where it sits as it is: move it back on its list's own page."
                )
                % {"field": f.verbose_name, "before": shown(f, old), "after": shown(f, new)}
            )
            continue
        back = _in_target(f, before[f.attname], target)
        made = _in_target(f, after[f.attname], target)
        now = getattr(row, f.attname)
        state = "same" if now == back else "undo" if now == made else "overwrite"
        result.fields.append(
            FieldUndo(
                name=f.attname,
                label=str(f.verbose_name).capitalize(),
                now=shown(f, now),
                back_to=shown(f, back),
                changed_to=shown(f, made),
                state=state,
                value=back,
            )
        )
    return result


def _comment(result: Plan) -> str:
    when = result.version.revision.date_created.strftime("%Y-%m-%d %H:%M")
    who = result.version.revision.user
    names = ", ".join(item.label for item in result.changes)
    by = f" by {who.get_username()}" if who else ""
    return f"Undid the change of {when}{by} to {names}."


def apply(obj, version: Version, user) -> Plan:
    """Undo `version`'s change to `obj` (on its target row), as `plan` showed it. Raises
    UndoRefused when there is nothing to undo, or the result is not valid (the message is the
    model's own, the phone guard's among them); then nothing has changed, no draft opened."""
    with transaction.atomic():
        target = target_for(obj, user, open_draft=True)
        result = plan(obj, version, user, target=target)
        if result.problem:
            raise UndoRefused(result.problem)
        if not result.changes:
            raise UndoRefused(
                gettext("Nothing to undo: these fields are already as they were before.")
            )
        assert target.row is not None  # else plan() named the problem
        row = type(target.row)._default_manager.select_for_update().get(pk=target.row.pk)
        for item in result.changes:
            setattr(row, item.name, item.value)
        try:
            row.full_clean()
        except ValidationError as exc:
            raise UndoRefused(_message(exc)) from exc
        with reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(_comment(result))
            row.save()
        publishing.note_editor(row, user)
        channel_publishing.note_channel_editor(row, user)
        result.target.row = row
    return result


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return " ".join(
            f"{name.replace('_', ' ').capitalize()}: {message}" if name != "__all__" else message
            for name, messages in exc.message_dict.items()
            for message in messages
        )
    return " ".join(exc.messages)


# The entries of an object's history -------------------------------------------------------------


@dataclass
class Entry:
    version: Version
    changed: list[str]  # the names of the fields it changed
    undoable: bool


def entries(obj) -> list[Entry]:
    """`obj`'s versions, newest first, each with the fields it changed and whether it can be
    undone on its own."""
    found = versions_of(obj)
    result = []
    for index, version in enumerate(found):
        previous = found[index + 1] if index + 1 < len(found) else None
        changed = changed_fields(version, previous) if previous is not None else []
        names = [str(f.verbose_name).capitalize() for f in changed]
        own = [f for f in changed if f.name not in PLACE_FIELDS.get(type(obj), ())]
        result.append(Entry(version, names, bool(own) and isinstance(obj, UNDOABLE)))
    return result
