"""Rights notes ("Your rights where you live", guides/models/rights.py): edited like any guide
text, beside their translations, with the lost-update protection and the phone guard; shown
to visitors only once a Publisher who did not change them publishes them.

A note's page says what visitors read now and what its unpublished changes are, and offers
**Publish** (a plain form: the fingerprint of the copy the Publisher read travels with it, so
a change made meanwhile is never published unread). What visitors read is not deleted in
place: a Publisher unpublishes it first.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from guides import regions
from guides.admin.mixins import EditorAdmin
from guides.models import NotPublished, RightsNote
from guides.models.rights import PUBLICATION, PUBLISH_PERMISSION


class RegionFilter(admin.SimpleListFilter):
    """The regions that have notes, by name."""

    title = _("region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        codes = RightsNote.objects.values_list("region", flat=True).distinct()
        return sorted(((str(code), regions.name(str(code))) for code in codes), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(region=self.value()) if self.value() else queryset


@admin.register(RightsNote)
class RightsNoteAdmin(EditorAdmin):
    list_display = ["title", "region", "took_effect", "is_published", "has_changes"]
    list_display_links = ["title"]
    list_filter = [RegionFilter]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["unpublish"]
    change_form_template = "admin/guides/rightsnote/change_form.html"
    fieldsets = [
        (None, {"fields": ["region", "slug", "position"]}),
        (_("What visitors read"), {"fields": ["title", "body"]}),
        (_("Sources"), {"fields": ["source_url", "sources", "took_effect", "last_verified_on"]}),
    ]

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm(PUBLISH_PERMISSION)

    # What the list and the page show --------------------------------------------------------

    @admin.display(description=_("Published"), boolean=True)
    def is_published(self, note: RightsNote) -> bool:
        return note.published is not None

    @admin.display(description=_("Unpublished changes"), boolean=True)
    def has_changes(self, note: RightsNote) -> bool:
        return note.has_unpublished_changes

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        kept = (extra_context or {}).get("kept_publication")
        if kept is not None and object_id is not None:
            # A revert brings back the old texts, never an old publication (revision_view).
            RightsNote.objects.filter(pk=unquote(object_id)).update(**kept)
        note = self.get_object(request, unquote(object_id)) if object_id else None
        if note is not None:
            extra_context = {
                **(extra_context or {}),
                "unpublished_changes": note.unpublished_changes()
                if note.published is not None
                else None,
                "fingerprint": note.fingerprint(),
                "may_publish": self.has_publish_permission(request),
            }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        current = RightsNote.objects.filter(pk=unquote(object_id)).values(*PUBLICATION).first()
        extra_context = {**(extra_context or {}), "kept_publication": current or {}}
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        # A deleted note comes back unpublished: a second person publishes it again.
        unpublished = dict.fromkeys(PUBLICATION) | {"published_alone": False}
        extra_context = {**(extra_context or {}), "kept_publication": unpublished}
        return super().recover_view(request, version_id, extra_context)

    # Saving and deleting ---------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        obj.note_editor(request.user)  # a revert too: it changes what the note says

    def has_delete_permission(self, request, obj=None):
        # What visitors read is unpublished first (the "Unpublish" action), then deleted.
        shown = obj is not None and obj.published is not None
        return super().has_delete_permission(request, obj) and not shown

    # Publishing --------------------------------------------------------------------------------

    def get_urls(self):
        publish = path(
            "<path:object_id>/publish/",
            self.admin_site.admin_view(require_POST(self.publish_view)),
            name="guides_rightsnote_publish",
        )
        return [publish, *super().get_urls()]

    def publish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        note = self.get_object(request, unquote(object_id))
        if note is None:
            raise Http404("No such rights note.")
        if not self.has_view_or_change_permission(request, note):
            raise PermissionDenied
        try:
            decision = note.publish(request.user, reviewed=request.POST.get("fingerprint", ""))
        except NotPublished as refused:
            self.message_user(
                request,
                gettext("Not published: %(reason)s") % {"reason": refused},
                messages.ERROR,
            )
        else:
            done = gettext("Published: visitors now read “%(note)s” as it is.") % {"note": note}
            if decision.alone:
                done += " " + gettext("No one else reviewed it; that is recorded.")
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:guides_rightsnote_change", args=[note.pk]))

    @admin.action(permissions=["publish"], description=_("Unpublish: take off visitors' pages"))
    @transaction.atomic
    def unpublish(self, request, queryset):
        shown = list(queryset.filter(published__isnull=False))
        for note in shown:
            note.unpublish(request.user)
        self.message_user(
            request,
            ngettext(
                "Unpublished %(count)s note: visitors no longer read it.",
                "Unpublished %(count)s notes: visitors no longer read them.",
                len(shown),
            )
            % {"count": len(shown)},
            messages.SUCCESS,
        )
