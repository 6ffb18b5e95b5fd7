"""What a change form shows, row by row and field by field, as the lost-update protection
(edit_token.py) notes it when the page is loaded and reads it again when the page is saved:
a short digest of each value as the form shows it, for the object's own fields and every row
of its editable inlines. Also the same note of whole guides, for the import confirmation.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.forms.models import InlineForeignKeyField
from django.utils.text import Truncator

from guides.publishing.history import parts_of

TOKEN_FIELD = "cf_edit_token"
MOVE_FIELDS = {"position", "parent"}  # a row whose only changes are these was moved
SKIP_FIELDS = {TOKEN_FIELD, "DELETE", "ORDER"}


def digest(value) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:10]


def normalise(form_field: forms.Field, value):
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
        normal = normalise(form_field, value)
        row.hashes[name] = digest(normal)
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


@dataclass
class Loaded:
    """What an edit token says the editor loaded."""

    page: str  # app_label.model_name:pk of the page's object
    since: datetime.datetime
    rows: dict[str, dict[str, list]]  # prefix -> pk -> [label, model, hashes]


# Whole guides, for the import confirmation --------------------------------------------------


def _state_row(obj: models.Model) -> list:
    hashes = {
        f.name: digest(f.value_to_string(obj))
        for f in obj._meta.concrete_fields
        if not getattr(f, "auto_now", False) and not f.primary_key
    }
    return [_label(obj), obj._meta.label_lower, hashes]


def state_of(objects: Sequence[models.Model]) -> dict[str, list]:
    """Every row of these guides (and their parts), field by field, keyed model:pk."""
    state: dict[str, list] = {}
    for obj in objects:
        state[f"{obj._meta.label_lower}:{obj.pk}"] = _state_row(obj)
        for model, pks in parts_of(obj).items():
            for part in model._default_manager.filter(pk__in=pks):
                state[f"{model._meta.label_lower}:{part.pk}"] = _state_row(part)
    return state
