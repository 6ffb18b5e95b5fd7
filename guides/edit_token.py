"""No lost update: a change form refuses a save based on a stale copy, and loses nothing.

Every change form of a guide model carries a hidden field, `cf_edit_token`: a signed note of
when the page was loaded and of what it showed, row by row and field by field (a short
digest of each value, as the form showed it: the object's own fields and every row of its
editable inlines). On POST, before anything is saved and with the rows locked for the rest
of the admin's transaction, the page is read again from the database. If anything differs
from what the editor loaded, the save is refused:

- the form is shown again, bound to what the editor posted, with a message at the top
  naming who changed what since the page was loaded (django-reversion's versions and the
  admin's log after that time), and a fresh token, so that saving again goes through;
- what the others changed is merged into the form wherever the editor had not changed that
  field; where both changed one, the editor's text is kept and theirs is quoted;
- a row deleted meanwhile leaves the form (or, if the editor had changed it, comes back as
  a new row holding their text, which they may remove); a row added meanwhile joins it.

A form posted without a readable token (an old page, or an altered one) is treated as stale:
refused with a clear message and the editor's text kept, never an error page.

The import confirmation (guides/admin_transfer.py) uses `state_of` and `describe_changes`
the same way: the preview notes the state of the guides the file touches, and the confirm
refuses if it changed, saying who changed what; the file is previewed again.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import re
from dataclasses import dataclass, field

from django import forms
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, models, router, transaction
from django.forms.models import InlineForeignKeyField
from django.http import QueryDict
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from reversion.models import Version

TOKEN_FIELD = "cf_edit_token"
SALT = "guides.edit_token"
MOVE_FIELDS = {"position", "parent"}  # a row whose only changes are these was moved
SKIP_FIELDS = {TOKEN_FIELD, "DELETE", "ORDER"}


def _digest(value) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:10]


def _norm(form_field: forms.Field, value):
    """A form value, initial or posted, in one comparable shape."""
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return sorted(str(getattr(item, "pk", item)) for item in value or [])
    if isinstance(form_field, forms.ModelChoiceField):
        value = getattr(value, "pk", value)
        return "" if value in (None, "") else str(value)
    with contextlib.suppress(ValidationError, TypeError, ValueError):
        value = form_field.to_python(value)
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _post_values(form_field: forms.Field, value) -> list[str]:
    """How a browser would post `value` (an unbound form's BoundField.value())."""
    if isinstance(form_field.widget, forms.CheckboxInput):
        return ["on"] if value else []
    if value is None:
        return [""]
    if isinstance(value, list | tuple):
        return [str(getattr(item, "pk", item)) for item in value]
    return [str(getattr(value, "pk", value))]


def _fields(form: forms.BaseForm) -> dict[str, forms.Field]:
    return {
        name: form_field
        for name, form_field in form.fields.items()
        if name not in SKIP_FIELDS
        and not isinstance(form_field, InlineForeignKeyField)
        and not form_field.disabled
    }


def _label(obj: models.Model) -> str:
    name = obj._meta.verbose_name
    position = getattr(obj, "position", None)
    text = Truncator(str(obj)).chars(60)
    return f"{name} {position} “{text}”" if position is not None else f"{name} “{text}”"


# What a page shows ---------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    model: str  # app_label.model_name
    pk: str
    hashes: dict[str, str]
    labels: dict[str, str] = field(default_factory=dict)  # field name -> its label
    values: dict[str, list[str]] = field(default_factory=dict)  # as posted (current rows)
    texts: dict[str, str] = field(default_factory=dict)  # as read (current rows)


@dataclass
class Part:
    """The main form (prefix "") or one inline formset of a page."""

    prefix: str
    form_fields: dict[str, forms.Field]
    rows: dict[str, Row]  # pk -> row, in the form's order
    pk_name: str = "id"
    model: str = ""  # app_label.model_name of the rows
    fk_name: str = ""
    fk_value: str = ""


def _row(form: forms.BaseForm, obj: models.Model) -> Row:
    fields = _fields(form)
    row = Row(_label(obj), obj._meta.label_lower, str(obj.pk), {})
    for name, form_field in fields.items():
        value = form[name].value()
        normal = _norm(form_field, value)
        row.hashes[name] = _digest(normal)
        label = str(form_field.label or name)
        row.labels[name] = label[:1].lower() + label[1:]
        row.values[name] = _post_values(form_field, value)
        row.texts[name] = normal if isinstance(normal, str) else ", ".join(normal)
    return row


def formsets_of(admin, request, obj):
    """The page's inline formsets, unbound, with the prefixes the admin gives them."""
    prefixes: dict[str, int] = {}
    for formset_class, inline in admin.get_formsets_with_inlines(request, obj):
        prefix = formset_class.get_default_prefix()
        prefixes[prefix] = prefixes.get(prefix, 0) + 1
        if prefixes[prefix] != 1 or not prefix:
            prefix = f"{prefix}-{prefixes[prefix]}"
        if not inline.has_change_permission(request, obj):
            continue  # shown read-only: nothing of it is posted
        yield formset_class(instance=obj, prefix=prefix, queryset=inline.get_queryset(request))


def page_of(admin, request, obj) -> list[Part]:
    """Everything an editor can change on `obj`'s change form, as it is now."""
    form = admin.get_form(request, obj, change=True)(instance=obj)
    parts = [Part("", _fields(form), {str(obj.pk): _row(form, obj)})]
    for formset in formsets_of(admin, request, obj):
        empty = formset.empty_form
        part = Part(
            formset.prefix,
            _fields(empty),
            {},
            pk_name=formset.model._meta.pk.name,
            model=formset.model._meta.label_lower,
            fk_name=formset.fk.name if getattr(formset, "fk", None) else "",
            fk_value=str(obj.pk),
        )
        for row_form in formset.initial_forms:
            part.rows[str(row_form.instance.pk)] = _row(row_form, row_form.instance)
        parts.append(part)
    return parts


def lock_page(admin, request, obj) -> None:
    """Lock the object and its inline rows until the admin's transaction ends."""
    if not connection.features.has_select_for_update:
        return
    manager = type(obj)._default_manager
    list(manager.select_for_update().filter(pk=obj.pk).values_list("pk"))
    for formset in formsets_of(admin, request, obj):
        pks = list(formset.get_queryset().values_list("pk", flat=True))
        model = formset.model._default_manager
        list(model.select_for_update().filter(pk__in=pks).order_by("pk").values_list("pk"))


# The token -------------------------------------------------------------------------------------


def make_token(parts: list[Part]) -> str:
    (page,) = parts[0].rows.values()
    payload = {
        "t": timezone.now().timestamp(),
        "o": f"{page.model}:{page.pk}",
        "p": {
            part.prefix: {pk: [row.label, row.model, row.hashes] for pk, row in part.rows.items()}
            for part in parts
        },
    }
    return signing.dumps(payload, salt=SALT, compress=True)


@dataclass
class Loaded:
    page: str  # app_label.model_name:pk of the page's object
    since: datetime.datetime
    rows: dict[str, dict[str, list]]  # prefix -> pk -> [label, model, hashes]


def read_token(token: str) -> Loaded | None:
    try:
        payload = signing.loads(token or "", salt=SALT)
        since = datetime.datetime.fromtimestamp(float(payload["t"]), tz=datetime.UTC)
        rows = {
            str(prefix): {str(pk): [str(r[0]), str(r[1]), dict(r[2])] for pk, r in part.items()}
            for prefix, part in payload["p"].items()
        }
    except (signing.BadSignature, KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None
    return Loaded(str(payload.get("o", "")), since, rows)


# Who changed what ---------------------------------------------------------------------------------


def _name(user, me) -> str:
    if user is None:
        return "someone (not recorded: an import or a script)"
    if me is not None and user.pk == me.pk:
        return "you, in another tab"
    return user.get_username()


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
        return "someone"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# Comparing and merging ---------------------------------------------------------------------------


@dataclass
class Conflict:
    items: list[str]
    clashes: list[str]
    stale_token: bool = False

    def message(self):
        if self.stale_token:
            head = mark_safe(  # a constant text
                "<strong>Not saved:</strong> this form did not say when it was opened (an old "
                "page, or one that was changed on the way), so it could overwrite changes made "
                "since. Your text is kept below: compare it with the current version (History), "
                "then save again."
            )
            if self.items:
                head = format_html("{} Meanwhile, {}.", head, "; ".join(self.items))
        else:
            head = format_html(
                "<strong>Not saved: since you opened this page,</strong> {}.",
                "; ".join(self.items) or "it was changed",
            )
        parts = [head]
        if self.clashes:
            parts.append(
                format_html(
                    "<ul class='cf-clashes'>{}</ul>",
                    format_html_join("", "<li>{}</li>", ((clash,) for clash in self.clashes)),
                )
            )
        if not self.stale_token:
            parts.append(
                format_html(
                    "Your text is kept below, with their changes wherever you had not changed "
                    "the same field: compare, then save again{}.",
                    " to overwrite theirs with yours" if self.clashes else "",
                )
            )
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
        name: _digest(
            _norm(form_field, form_field.widget.value_from_datadict(data, {}, prefix + name))
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
                {"DELETE": (values.get("DELETE") or [""])[-1]}, {}, "DELETE"
            )
            typed = loaded_row is None or mine != loaded_row[2]
            if typed and not wanted_gone:
                values = {k: v for k, v in values.items() if k not in {part.pk_name, "DELETE"}}
                extra.insert(0, values)
                events.append(
                    (
                        "deleted",
                        label,
                        "you had changed it, so your text of it is kept below "
                        "as a new row: remove that row if it should stay deleted",
                    )
                )
            else:
                events.append(("deleted", label, "it is no longer in the form"))
        for pk, current in part.rows.items():
            if pk in posted_pks or (loaded is not None and pk in before):
                continue
            values = dict(current.values)
            values[part.pk_name] = [pk]
            if part.fk_name:
                values[part.fk_name] = [part.fk_value]
            kept_initial.append(values)
            changed_refs[current.label] = (current.model, pk)
            events.append(("added", current.label, "it is now in the form"))
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

    items = [
        f"{who(label)} {verb} {label}" + (f" ({detail})" if detail else "")
        for verb, label, detail in events
    ]
    clash_lines = []
    for field_label, label, text in clashes:
        name = who(label)
        both = (
            f"You changed the {field_label} of {label} in another tab too"
            if name.startswith("you,")
            else f"You and {name} both changed the {field_label} of {label}"
        )
        clash_lines.append(
            f"{both}: your text is kept below. Theirs is: “{Truncator(text).chars(300)}”"
        )
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


# The admin hooks ---------------------------------------------------------------------------------


class EditTokenMixin:
    """Added to the base admin of the guide models: each change form carries the token and
    refuses a stale save (see the module's docstring)."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            # Nothing is saved from an add page's token, nor from a page shown read-only.
            return [
                (name, {**options, "fields": [f for f in options["fields"] if f != TOKEN_FIELD]})
                for name, options in fieldsets
            ]
        if TOKEN_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], TOKEN_FIELD]}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if kwargs.get("fields") is not None:
            kwargs["fields"] = [name for name in kwargs["fields"] if name != TOKEN_FIELD]
        elif "fields" not in kwargs:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
            kwargs["fields"] = [name for name in fields if name != TOKEN_FIELD]
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form

        def __init__(self, *args, **kw):
            form.__init__(self, *args, **kw)
            self.initial[TOKEN_FIELD] = getattr(request, "_cf_edit_token", "")

        def clean(self):
            cleaned = form.clean(self)
            conflict = getattr(request, "_cf_conflict", None)
            if conflict is not None:
                self.add_error(None, conflict.message())
            return cleaned

        token = forms.CharField(required=False, widget=forms.HiddenInput, label="")
        return type(
            form.__name__, (form,), {TOKEN_FIELD: token, "__init__": __init__, "clean": clean}
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is None or getattr(request, "_cf_reverting", False):
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic(using=router.db_for_write(self.model)):
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.has_view_or_change_permission(request, obj):
                posting = request.method == "POST" and "_saveasnew" not in request.POST
                if posting and self.has_change_permission(request, obj):
                    lock_page(self, request, obj)
                    obj = self.get_object(request, unquote(object_id))
                parts = page_of(self, request, obj)
                if posting and self.has_change_permission(request, obj):
                    loaded = read_token(request.POST.get(TOKEN_FIELD, ""))
                    if loaded is not None and loaded.page != f"{obj._meta.label_lower}:{obj.pk}":
                        loaded = None  # the token of another page
                    outcome = reconcile(request.POST, parts, loaded, request)
                    if outcome is not None:
                        data, conflict = outcome
                        request._cf_conflict = conflict
                        request.POST = data
                token = make_token(parts)
                request._cf_edit_token = token
                if getattr(request, "_cf_conflict", None) is not None:
                    request.POST[TOKEN_FIELD] = token
            return super().changeform_view(request, object_id, form_url, extra_context)


# The import confirmation -------------------------------------------------------------------------


def _state_row(obj: models.Model) -> list:
    hashes = {
        f.name: _digest(f.value_to_string(obj))
        for f in obj._meta.concrete_fields
        if not getattr(f, "auto_now", False) and not f.primary_key
    }
    return [_label(obj), obj._meta.label_lower, hashes]


def state_of(objects: list[models.Model]) -> dict[str, list]:
    """Every row of these guides (and their parts), field by field, keyed model:pk."""
    from guides.publishing.history import parts_of

    state: dict[str, list] = {}
    for obj in objects:
        state[f"{obj._meta.label_lower}:{obj.pk}"] = _state_row(obj)
        for model, pks in parts_of(obj).items():
            for part in model._default_manager.filter(pk__in=pks):
                state[f"{model._meta.label_lower}:{part.pk}"] = _state_row(part)
    return state


def describe_changes(before: dict, after: dict, since: datetime.datetime, me) -> list[str]:
    """What differs between two `state_of`, each line naming who did it."""
    events = []
    for key, (label, model, hashes) in after.items():
        old = before.get(key)
        if old is None:
            events.append(("added", label, model, key, ""))
        elif old[2] != hashes:
            names = [n for n in hashes if old[2].get(n) != hashes[n]]
            verb = "moved" if set(names) <= MOVE_FIELDS else "changed"
            detail = "" if verb == "moved" else ", ".join(n.replace("_", " ") for n in names)
            events.append((verb, label, model, key, detail))
    for key, (label, model, _hashes) in before.items():
        if key not in after:
            events.append(("deleted", label, model, key, ""))
    refs = {(model, key.rpartition(":")[2]) for _verb, _label, model, key, _ in events}
    names = authors(refs, since, me)
    everyone = sorted({name for found in names.values() for name in found})
    return [
        f"{_who(names.get((model, key.rpartition(':')[2])) or everyone)} {verb} {label}"
        + (f" ({detail})" if detail else "")
        for verb, label, model, key, detail in events
    ]


def _import_objects(data: dict) -> list[models.Model]:
    """The rows an import of `data` may change: its categories, channels and guides (a
    live guide and its draft share a slug: both)."""
    from .models import Category, Provider, PurchaseChannel

    found: list[models.Model] = []
    for model, key in (
        (Category, "categories"),
        (PurchaseChannel, "channels"),
        (Provider, "providers"),
    ):
        slugs = [entry.get("slug") for entry in data.get(key, []) if isinstance(entry, dict)]
        rows = model._default_manager.filter(slug__in=[s for s in slugs if isinstance(s, str)])
        if (
            connection.features.has_select_for_update
            and transaction.get_connection().in_atomic_block
        ):
            rows = rows.select_for_update()
        found += list(rows.order_by("pk"))
    return found


def import_state(data: dict) -> dict[str, list]:
    """What a preview of an import notes of the guides it touches."""
    return state_of(_import_objects(data))


def import_refused(payload: dict, data: dict, me) -> str | None:
    """Why an import confirmation is refused (the guides changed since the preview, and who
    changed what), or None. Run it in the transaction of the import: it locks the guides."""
    now = import_state(data)
    before, since = payload.get("state"), payload.get("t")
    if not isinstance(before, dict) or not isinstance(since, int | float):
        return (
            "This preview does not say what the guides held when it was made, so nothing was "
            "saved. Your file is kept: here is what it would change now; confirm again if it "
            "is right."
        )
    if now == before:
        return None
    when = datetime.datetime.fromtimestamp(since, tz=datetime.UTC)
    lines = describe_changes(before, now, when, me)
    return (
        "The guides changed since your preview, so nothing was saved: "
        f"{'; '.join(lines) or 'someone changed them'}. Your file is kept: here is what it "
        "would change now; confirm again if it is right (confirming overwrites those changes "
        "with the file's)."
    )
