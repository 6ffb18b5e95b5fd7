"""A stale save, compared and merged (edit_token.py): what changed since the editor loaded the
page, merged into what they posted wherever they had not changed the same field; who did it,
from django-reversion's versions and the admin's log; and what to tell them.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django import forms
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.http import QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext
from reversion.models import Version

from guides.admin.edit_page import MOVE_FIELDS, Loaded, Part, Row, digest, normalise
from guides.admin.translations import named

# Who changed what ---------------------------------------------------------------------------------


def _name(user, me) -> str:
    if user is None:
        return gettext("someone (not recorded: an import or a script)")
    if me is not None and user.pk == me.pk:
        return _you()
    return user.get_username()


def _you() -> str:
    """How a change made by the editor themselves, in another tab, names them."""
    return gettext("you, in another tab")


def authors(refs: set[tuple[str, str]], since: datetime.datetime, me) -> dict[tuple, list[str]]:
    """For each (model label, pk), who changed or deleted it after `since`."""
    found: dict[tuple, dict[int | None, object]] = {}
    by_model: dict[str, list[str]] = {}
    for model, pk in refs:
        by_model.setdefault(model, []).append(pk)
    for model, pks in by_model.items():
        try:
            ct = ContentType.objects.get_for_model(apps.get_model(model))
        except LookupError:
            continue
        versions = Version.objects.filter(
            content_type=ct, object_id__in=pks, revision__date_created__gt=since
        ).select_related("revision__user")
        for version in versions.order_by("revision__date_created"):
            user = version.revision.user
            found.setdefault((model, version.object_id), {})[getattr(user, "pk", None)] = user
        entries = LogEntry.objects.filter(
            content_type=ct, object_id__in=pks, action_time__gt=since
        ).select_related("user")
        for entry in entries.order_by("action_time"):
            found.setdefault((model, entry.object_id), {})[entry.user_id] = entry.user
    return {
        ref: sorted({_name(user, me) for user in users.values()}) for ref, users in found.items()
    }


def _who(names: list[str]) -> str:
    if not names:
        return gettext("someone")
    if len(names) == 1:
        return names[0]
    return gettext("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def _event(who: str, verb: str, label: str, detail: str) -> str:
    """One line of what happened: "alice changed step 2 “Open Settings” (title)"."""
    values = {"who": who, "row": label, "detail": detail}
    if detail:
        sentences = {
            "added": gettext("%(who)s added %(row)s (%(detail)s)"),
            "deleted": gettext("%(who)s deleted %(row)s (%(detail)s)"),
            "moved": gettext("%(who)s moved %(row)s (%(detail)s)"),
            "changed": gettext("%(who)s changed %(row)s (%(detail)s)"),
        }
    else:
        sentences = {
            "added": gettext("%(who)s added %(row)s"),
            "deleted": gettext("%(who)s deleted %(row)s"),
            "moved": gettext("%(who)s moved %(row)s"),
            "changed": gettext("%(who)s changed %(row)s"),
        }
    return sentences[verb] % values


# Comparing and merging ---------------------------------------------------------------------------


@dataclass
class Conflict:
    items: list[str]
    clashes: list[str]
    stale_token: bool = False

    def message(self):
        if self.stale_token:
            head = mark_safe(  # a constant text (or its translation)
                gettext(
                    "<strong>Not saved:</strong> this form did not say when it was opened (an "
                    "old page, or one that was changed on the way), so it could overwrite "
                    "changes made since. Your text is kept below: compare it with the current "
                    "version (History), then save again."
                )
            )
            if self.items:
                head = format_html(
                    gettext("{head} Meanwhile, {changes}."),
                    head=head,
                    changes="; ".join(self.items),
                )
        else:
            head = format_html(
                gettext("<strong>Not saved: since you opened this page,</strong> {changes}."),
                changes="; ".join(self.items) or gettext("it was changed"),
            )
        parts: list[str] = [head]  # safe HTML, or plain text that the join escapes
        if self.clashes:
            parts.append(
                format_html(
                    "<ul class='cf-clashes'>{}</ul>",
                    format_html_join("", "<li>{}</li>", ((clash,) for clash in self.clashes)),
                )
            )
        if not self.stale_token:
            if self.clashes:
                kept = gettext(
                    "Your text is kept below, with their changes wherever you had not changed "
                    "the same field: compare, then save again to overwrite theirs with yours."
                )
            else:
                kept = gettext(
                    "Your text is kept below, with their changes wherever you had not changed "
                    "the same field: compare, then save again."
                )
            parts.append(kept)
        return format_html(
            "<div id='cf-conflict'>{}</div>", format_html_join(" ", "{}", ((p,) for p in parts))
        )


def _row_keys(data: QueryDict, part: Part, index: int) -> dict[str, list[str]]:
    """The posted values of row `index` of a formset, by field suffix (id, DELETE too)."""
    head = f"{part.prefix}-{index}-"
    known = {*part.form_fields, part.pk_name, part.fk_name, "DELETE", "ORDER"}
    return {
        key[len(head) :]: data.getlist(key)
        for key in data
        if key.startswith(head) and key[len(head) :] in known
    }


def _posted_hashes(part: Part, values: dict[str, list[str]], prefix: str) -> dict[str, str]:
    data = QueryDict(mutable=True)
    for name, items in values.items():
        data.setlist(f"{prefix}{name}", items)
    return {
        name: digest(
            normalise(form_field, form_field.widget.value_from_datadict(data, {}, prefix + name))
        )
        for name, form_field in part.form_fields.items()
    }


def _posted_label(part: Part, values: dict[str, list[str]]) -> str:
    """A row's label from what the form posted, as `_label` would make it."""
    model = apps.get_model(part.model)
    text = next(
        (
            items[0]
            for name, items in values.items()
            if name in part.form_fields
            and isinstance(part.form_fields[name], forms.CharField)
            and not isinstance(part.form_fields[name].widget, forms.HiddenInput)
            and name != "slug"
            and items
            and items[0].strip()
        ),
        "",
    )
    position = (values.get("position") or [""])[0]
    head = f"{model._meta.verbose_name} {position}".strip()
    return f"{head} “{Truncator(text).chars(60)}”" if text else head


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def reconcile(
    data: QueryDict, parts: list[Part], loaded: Loaded | None, request
) -> tuple[QueryDict, Conflict] | None:
    """Compare what the form was loaded from (`loaded`) with the page now (`parts`): None if
    nothing changed; else the posted data merged with the changes, and what to say."""
    data = data.copy()
    changed_refs: dict[str, tuple] = {}  # label -> (model, pk), for naming who
    events: list[tuple[str, str, str]] = []  # (verb, label, detail) in page order
    clashes: list[tuple[str, str, str]] = []  # (field label, row label, their text)
    page_ref: tuple[str, str] | None = None
    stale = loaded is None

    for part in parts:
        before = {} if loaded is None else loaded.rows.get(part.prefix, {})
        if part.prefix == "":
            ((pk, row),) = part.rows.items()
            page_ref = (row.model, pk)
            _merge_row(data, part, row, before.get(pk), events, clashes, changed_refs)
            continue
        total = _int(data.get(f"{part.prefix}-TOTAL_FORMS"), -1)
        initial = _int(data.get(f"{part.prefix}-INITIAL_FORMS"), -1)
        if total < 0 or initial < 0 or total > 1000:
            continue  # not this formset's post: the admin says what is missing
        rows = [_row_keys(data, part, index) for index in range(total)]
        kept_initial: list[dict] = []
        extra = rows[initial:]
        posted_pks = set()
        for values in rows[:initial]:
            pk = (values.get(part.pk_name) or [""])[0]
            posted_pks.add(pk)
            mine = _posted_hashes(part, values, "")
            current = part.rows.get(pk)
            loaded_row = before.get(pk)
            if current is not None:
                merged = _merge_values(
                    values, part, current, loaded_row, mine, events, clashes, changed_refs
                )
                kept_initial.append(merged)
                continue
            # Deleted since the page was loaded.
            label = loaded_row[0] if loaded_row else _posted_label(part, values)
            model = loaded_row[1] if loaded_row else part.model
            changed_refs[label] = (model, pk)
            wanted_gone = forms.CheckboxInput().value_from_datadict(
                {"DELETE": (values.get("DELETE") or [""])[-1]}, MultiValueDict(), "DELETE"
            )
            typed = loaded_row is None or mine != loaded_row[2]
            if typed and not wanted_gone:
                values = {k: v for k, v in values.items() if k not in {part.pk_name, "DELETE"}}
                extra.insert(0, values)
                events.append(
                    (
                        "deleted",
                        label,
                        gettext(
                            "you had changed it, so your text of it is kept below "
                            "as a new row: remove that row if it should stay deleted"
                        ),
                    )
                )
            else:
                events.append(("deleted", label, gettext("it is no longer in the form")))
        for pk, current in part.rows.items():
            if pk in posted_pks or (loaded is not None and pk in before):
                continue
            values = dict(current.values)
            values[part.pk_name] = [pk]
            if part.fk_name:
                values[part.fk_name] = [part.fk_value]
            kept_initial.append(values)
            changed_refs[current.label] = (current.model, pk)
            events.append(("added", current.label, gettext("it is now in the form")))
        _write_formset(data, part, kept_initial, extra, total)

    if not stale and not events and not clashes:
        return None
    refs = set(changed_refs.values())
    if page_ref is not None:
        refs.add(page_ref)
    since = loaded.since if loaded is not None else timezone.now() - datetime.timedelta(hours=1)
    names = authors({ref for ref in refs if ref[0]}, since, getattr(request, "user", None))
    fallback = names.get(page_ref, []) if page_ref else []
    if not fallback:
        fallback = sorted({name for found in names.values() for name in found})

    def who(label: str) -> str:
        return _who(names.get(changed_refs.get(label, ("", "")), []) or fallback)

    items = [_event(who(label), verb, label, detail) for verb, label, detail in events]
    clash_lines = []
    for field_label, label, text in clashes:
        name = who(label)
        said = {"field": field_label, "row": label, "who": name}
        said["text"] = Truncator(text).chars(300)
        if name.startswith(_you()):
            line = gettext(
                "You changed the %(field)s of %(row)s in another tab too: your text is kept "
                "below. Theirs is: “%(text)s”"
            )
        else:
            line = gettext(
                "You and %(who)s both changed the %(field)s of %(row)s: your text is kept "
                "below. Theirs is: “%(text)s”"
            )
        clash_lines.append(line % said)
    return data, Conflict(items, clash_lines, stale_token=stale)


def _merge_changes(current: Row, loaded_hashes: dict | None, mine: dict[str, str]):
    """For each field: (theirs changed it, I changed it)."""
    for name, now in current.hashes.items():
        was = (loaded_hashes or {}).get(name)
        yours = mine.get(name)
        theirs_changed = loaded_hashes is not None and was != now
        mine_changed = loaded_hashes is None or yours != was
        yield name, theirs_changed, mine_changed, yours == now


def _describe(verb_fields: list[str], current: Row) -> tuple[str, str]:
    if set(verb_fields) <= MOVE_FIELDS:
        return "moved", ""
    return "changed", ", ".join(current.labels.get(name, name) for name in verb_fields)


def _merge_values(values, part, current, loaded_row, mine, events, clashes, refs):
    """One row present now and posted: take their changes where I did not change the field."""
    values = dict(values)
    theirs = []
    for name, theirs_changed, mine_changed, same in _merge_changes(
        current, loaded_row[2] if loaded_row else None, mine
    ):
        if not theirs_changed:
            continue
        theirs.append(name)
        if not mine_changed:
            items = current.values.get(name, [])
            if items:
                values[name] = items
            else:
                values.pop(name, None)
        elif not same:
            clashes.append((current.labels.get(name, name), current.label, current.texts[name]))
    if theirs:
        verb, detail = _describe(theirs, current)
        refs[current.label] = (current.model, current.pk)
        events.append((verb, current.label, detail))
    return values


def _merge_row(data, part, current, loaded_row, events, clashes, refs):
    posted = {name: data.getlist(name) for name in part.form_fields if name in data}
    mine = _posted_hashes(part, posted, "")
    merged = _merge_values(posted, part, current, loaded_row, mine, events, clashes, refs)
    for name in part.form_fields:
        if name in merged:
            data.setlist(name, merged[name])
        else:
            data.pop(name, None)


def _write_formset(data: QueryDict, part: Part, initial: list[dict], extra: list[dict], total):
    pattern = re.compile(rf"^{re.escape(part.prefix)}-(\d+)-(.+)$")
    known = {*part.form_fields, part.pk_name, part.fk_name, "DELETE", "ORDER"}
    for key in list(data):
        match = pattern.match(key)
        if match and int(match.group(1)) < total and match.group(2) in known:
            del data[key]
    for index, values in enumerate([*initial, *extra]):
        for name, items in values.items():
            data.setlist(f"{part.prefix}-{index}-{name}", items)
    data[f"{part.prefix}-INITIAL_FORMS"] = str(len(initial))
    data[f"{part.prefix}-TOTAL_FORMS"] = str(len(initial) + len(extra))


def describe_changes(before: dict, after: dict, since: datetime.datetime, me) -> list[str]:
    """What differs between two `state_of`, each line naming who did it."""
    events = []
    for key, (label, model, hashes) in after.items():
        old = before.get(key)
        if old is None:
            events.append(("added", label, model, key, ""))
        elif old[2] != hashes:
            fields = [n for n in hashes if old[2].get(n) != hashes[n]]
            verb = "moved" if set(fields) <= MOVE_FIELDS else "changed"
            detail = "" if verb == "moved" else ", ".join(named(apps.get_model(model), fields))
            events.append((verb, label, model, key, detail))
    for key, (label, model, _hashes) in before.items():
        if key not in after:
            events.append(("deleted", label, model, key, ""))
    refs = {(model, key.rpartition(":")[2]) for _verb, _label, model, key, _ in events}
    names = authors(refs, since, me)
    everyone = sorted({name for found in names.values() for name in found})
    return [
        _event(_who(names.get((model, key.rpartition(":")[2])) or everyone), verb, label, detail)
        for verb, label, model, key, detail in events
    ]
