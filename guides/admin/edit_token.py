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

Here are the token and the admin's hook; what a page shows is read in edit_page.py, and
compared, merged and described in edit_merge.py. The import confirmation (transfer.py) uses
`state_of` and `describe_changes` the same way: the preview notes the state of the guides the
file touches, and the confirm refuses if it changed, saying who changed what; the file is
previewed again.
"""

from __future__ import annotations

import datetime
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core import signing
from django.db import router, transaction
from django.utils import timezone

from guides.admin.edit_merge import Conflict, reconcile
from guides.admin.edit_page import TOKEN_FIELD, Loaded, Part, lock_page, page_of

SALT = "guides.edit_token"


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


# The admin hooks ---------------------------------------------------------------------------------


def is_revert(extra_context: dict | None) -> bool:
    """Whether a change form is django-reversion's revert or recover page (its views say so in
    the context they pass): the old version has been written back on purpose, so the page
    carries no token, and is checked as a whole version instead (history.check_references)."""
    return bool(extra_context and (extra_context.get("revert") or extra_context.get("recover")))


@dataclass(frozen=True)
class Editing:
    """What the change view hands the form it builds: the token the form carries, and the
    conflict that refuses its save (None when nothing changed since the page was loaded)."""

    token: str = ""
    conflict: Conflict | None = None


# What the change view hands its form, for as long as the admin builds, checks and saves it;
# a form built elsewhere (an add page, page_of) gets NOT_EDITING.
_editing: ContextVar[Editing] = ContextVar("editing")
NOT_EDITING = Editing()


class TokenField(forms.CharField):
    """The token's hidden field: read from the request (`changeform_view`), never a change to
    the object, which the admin's message of a save, kept in its history, would name."""

    def has_changed(self, initial, data) -> bool:
        return False


if TYPE_CHECKING:  # typed as the ModelAdmin it is mixed into; a plain class at run time
    from django.contrib import admin

    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object


class EditTokenMixin(_ModelAdmin):
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
            self.initial[TOKEN_FIELD] = _editing.get(NOT_EDITING).token

        def clean(self):
            cleaned = form.clean(self)
            conflict = _editing.get(NOT_EDITING).conflict
            if conflict is not None:
                self.add_error(None, conflict.message())
            return cleaned

        token = TokenField(required=False, widget=forms.HiddenInput, label="")
        return type(
            form.__name__, (form,), {TOKEN_FIELD: token, "__init__": __init__, "clean": clean}
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is None or is_revert(extra_context):
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic(using=router.db_for_write(self.model)):
            editing = NOT_EDITING
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.has_view_or_change_permission(request, obj):
                posting = request.method == "POST" and "_saveasnew" not in request.POST
                if posting and self.has_change_permission(request, obj):
                    lock_page(self, request, obj)
                    locked = self.get_object(request, unquote(object_id))
                    if locked is not None:  # else deleted meanwhile: the admin's view says so
                        obj = locked
                parts = page_of(self, request, obj)
                conflict = None
                if posting and self.has_change_permission(request, obj):
                    loaded = read_token(request.POST.get(TOKEN_FIELD, ""))
                    if loaded is not None and loaded.page != f"{obj._meta.label_lower}:{obj.pk}":
                        loaded = None  # the token of another page
                    outcome = reconcile(request.POST, parts, loaded, request)
                    if outcome is not None:
                        data, conflict = outcome
                        request.POST = data  # the admin's form is bound to the merged data
                editing = Editing(make_token(parts), conflict)
                if conflict is not None:
                    request.POST[TOKEN_FIELD] = editing.token
            scope = _editing.set(editing)
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            finally:
                _editing.reset(scope)
