"""History pages in the admin (guides/publishing/history.py, guides/publishing/undo.py): each
entry of an object's
history says which fields it changed and offers "Undo this change", a preview (GET) that says
field by field what will change on that object alone, and a confirm button (POST). A guide's
history also lists its publications, rollbacks and imports.

Plain forms: it all works without JavaScript.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from reversion.models import Version

from guides.admin.translations import column_labels, named_in_history
from guides.models import Provider
from guides.publishing import history, undo
from guides.publishing import revisions as publishing

if TYPE_CHECKING:  # typed as the ModelAdmin it is mixed into; a plain class at run time
    from django.contrib import admin

    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object


class UndoMixin(_ModelAdmin):
    """For the EditorAdmin: the history page's entries and the undo of one of them."""

    def get_urls(self):
        opts = self.model._meta
        urls = []
        if self.model in undo.UNDOABLE:
            urls.append(
                path(
                    "<path:object_id>/history/<int:version_id>/undo/",
                    self.admin_site.admin_view(self.undo_view),
                    name=f"{opts.app_label}_{opts.model_name}_undo",
                )
            )
        return urls + super().get_urls()

    def has_undo_permission(self, request: HttpRequest) -> bool:
        """An undo is a change: whoever may change such objects (a live guide's are changed in
        its draft, so the lock on live rows does not apply here)."""
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    def history_view(self, request, object_id, extra_context=None):
        """The object's own versions, with what each changed and its undo; below them every
        change to its parts made elsewhere (a step on its own page, an import); and for a
        guide, its publications, rollbacks and imports: a guide's history misses nothing."""
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_or_change_permission(request, obj):
            entries = undo.entries(obj)
            names = named_in_history(type(obj))
            for entry in entries:
                entry.changed = [names.get(name, name) for name in entry.changed]
            own = {entry.version.revision_id for entry in entries}
            context = {
                "entries": entries,
                "may_undo": self.model in undo.UNDOABLE and self.has_undo_permission(request),
                "part_changes": history.changes_to_parts(obj, own),
                "live_guide": publishing.live_guide_of(obj),
            }
            if isinstance(obj, Provider):
                context["guide_record"] = history.guide_record(obj)
                context["guide_live"] = obj.draft_of if obj.draft_of_id else obj
            extra_context = {**context, **(extra_context or {})}
        return super().history_view(request, object_id, extra_context)

    def undo_view(self, request: HttpRequest, object_id: str, version_id: int) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such object.")
        if not self.has_undo_permission(request):
            raise PermissionDenied
        version = (
            Version.objects.get_for_object(obj)
            .select_related("revision__user")
            .filter(pk=version_id)
            .first()
        )
        if version is None:
            raise Http404("No such version of this object.")
        opts = self.model._meta
        history_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        error = ""
        if request.method == "POST":
            try:
                done = _named(undo.apply(obj, version, request.user))
            except undo.UndoRefused as exc:
                error = str(exc)
            else:
                row = done.row
                values = {
                    "fields": ", ".join(str(item.label) for item in done.changes),
                    "object": undo.describe(row),
                }
                if done.target.live is not None:
                    values["guide"] = done.target.live.name
                    message = gettext(
                        "Undone in the draft of changes to “%(guide)s”: %(fields)s of "
                        "%(object)s went back to what it was before that change."
                    )
                else:
                    message = gettext(
                        "Undone: %(fields)s of %(object)s went back to what it was before "
                        "that change."
                    )
                self.message_user(request, message % values, messages.SUCCESS)
                row_opts = row._meta
                return HttpResponseRedirect(
                    reverse(
                        f"admin:{row_opts.app_label}_{row_opts.model_name}_change", args=[row.pk]
                    )
                )
        result = _named(undo.plan(obj, version, request.user))
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "original": obj,
            "title": gettext("Undo one change to %(object)s") % {"object": undo.describe(obj)},
            "plan": result,
            "version": version,
            "error": error,
            "history_url": history_url,
        }
        return TemplateResponse(request, "admin/guides/undo.html", context)


def _named(plan: undo.Plan) -> undo.Plan:
    """The plan with each translation named as its field is in the form ("Title (German)")."""
    labels = column_labels(type(plan.obj))
    for item in plan.fields:
        item.label = labels.get(item.name, item.label)
    return plan
