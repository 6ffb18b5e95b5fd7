"""The base of every guide model's admin, and of its inlines: changes kept in history and
revertable, a stale save refused (edit_token.py), a live guide's or channel's rows
read-only, every text's limit stated, each text edited beside its translations
(translations.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version

from guides.admin.edit_token import EditTokenMixin, is_revert
from guides.admin.forms import ORDERED_CLASS, SMALL_TEXTAREA, PositionForm
from guides.admin.translations import TranslatedAdmin, TranslatedInline
from guides.admin.undo import UndoMixin
from guides.models import Provider, PurchaseChannel, Route
from guides.publishing import channels as channel_publishing
from guides.publishing import history
from guides.publishing import revisions as publishing

history.register()


if TYPE_CHECKING:  # typed as the admin or inline it is mixed into; a plain class at run time
    _BaseAdmin = admin.options.BaseModelAdmin[Any]
else:
    _BaseAdmin = object


class StatedLimits(_BaseAdmin):
    """Every text field says how long it may be, and no browser cuts a pasted text short at
    that length (it would lose the end of it silently): a text that is too long gets a form
    error, with all of it kept in the form."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        limit = getattr(db_field, "max_length", None)
        texts = isinstance(db_field, models.CharField | models.TextField)
        if formfield is not None and texts and limit and not db_field.choices:
            formfield.widget.attrs.pop("maxlength", None)
            note = ngettext("Up to %(limit)s character.", "Up to %(limit)s characters.", limit) % {
                "limit": f"{limit:,}"
            }
            formfield.help_text = f"{formfield.help_text} {note}".strip()
        return formfield


def unlocked(obj) -> bool:
    """Whether `obj` may be changed in place: it is no part of a live guide or channel."""
    return publishing.live_guide_of(obj) is None and channel_publishing.live_channel_of(obj) is None


def _note_editor(obj, user) -> None:
    publishing.note_editor(obj, user)
    channel_publishing.note_channel_editor(obj, user)


if TYPE_CHECKING:  # typed as the inline it is mixed into; a plain class at run time
    _Inline = admin.options.InlineModelAdmin[Any, Any]
else:
    _Inline = object


class LockedWhenLive(_Inline):
    """An inline of a live guide's page (or of one of its routes), or of a live channel's,
    is read-only: the guide or channel is changed in its draft."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and unlocked(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and unlocked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and unlocked(obj)


class TextsTabularInline(LockedWhenLive, StatedLimits, TranslatedInline, admin.TabularInline):
    """A tabular inline of a guide's rows: each text's translations in its cell, under it."""

    template = "admin/guides/edit_inline/tabular_texts.html"
    extra = 0
    formfield_overrides = SMALL_TEXTAREA

    class Media:
        css = {"all": ["css/admin-translations.css"]}


class OrderedTabularInline(TextsTabularInline):
    form = PositionForm
    classes = [ORDERED_CLASS]

    class Media:
        js = ["js/admin-ordering.js"]
        css = {"all": ["css/admin-ordering.css"]}


class EditorAdmin(EditTokenMixin, UndoMixin, StatedLimits, TranslatedAdmin, VersionAdmin):
    """Keeps every change in history (django-reversion), revertable, and its change forms
    refuse a save based on a stale copy (edit_token.py).

    (Admins that annotate a count re-state the model's ordering: a grouped query drops it,
    and the autocomplete view paginates what get_queryset returns.)
    """

    history_latest_first = True
    object_history_template = "admin/guides/object_history.html"

    class Media:
        css = {"all": ["css/admin-translations.css"]}

    # A live guide's rows are read-only; whoever changes a guide that is not live is noted as
    # one of its editors, who may not publish it (guides/publishing/revisions.py).

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and unlocked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and unlocked(obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _note_editor(obj, request.user)

    def delete_model(self, request, obj):
        _note_editor(obj, request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            _note_editor(obj, request.user)
        super().delete_queryset(request, queryset)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A new part (a route, a step, a contact) joins a guide that is not live.
        if db_field.related_model is Provider:
            kwargs["queryset"] = Provider.objects.editable()
        elif db_field.related_model is Route:
            kwargs["queryset"] = Route.objects.filter(provider__in=Provider.objects.editable())
        elif db_field.related_model is PurchaseChannel and db_field.model is Route:
            # An answer sends visitors to a channel they can read, never to a draft of one.
            kwargs["queryset"] = PurchaseChannel.objects.live()
        elif db_field.related_model is PurchaseChannel:
            # A new step or contact of a channel joins a draft of changes to it.
            kwargs["queryset"] = PurchaseChannel.objects.drafts()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _refuse_live(self, request, obj) -> HttpResponseRedirect | None:
        """History cannot write into a live guide: it is rolled back to a published
        revision instead, or changed in its draft."""
        live = publishing.live_guide_of(obj)
        if live is None:
            channel = channel_publishing.live_channel_of(obj)
            if channel is None:
                return None
            self.message_user(
                request,
                gettext(
                    "The channel “%(channel)s” is live: an earlier version is not brought back "
                    "into it. Change it in its draft of changes instead."
                )
                % {"channel": channel},
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse("admin:guides_purchasechannel_change", args=[channel.pk])
            )
        self.message_user(
            request,
            gettext(
                "“%(guide)s” is live: an earlier version is not brought back into it. Roll the "
                "guide back to one of its published revisions, or change its draft."
            )
            % {"guide": live},
            messages.ERROR,
        )
        return HttpResponseRedirect(reverse("admin:guides_provider_revisions", args=[live.pk]))

    def revision_view(self, request, object_id, version_id, extra_context=None):
        refused = self._refuse_live(request, self.get_object(request, unquote(object_id)))
        if refused is not None:
            return refused
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id)
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            recovered = version._object_version.object
        except RevertError:  # unreadable: the recover view says so
            recovered = None
        refused = self._refuse_live(request, recovered)
        if refused is not None:
            return refused
        return super().recover_view(request, version_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if is_revert(extra_context):
            # The old version has just been written back: refuse it while it still points
            # at something deleted since (a route, a channel), before anything is shown.
            history.check_references()
        return super().changeform_view(request, object_id, form_url, extra_context)


def change_url_of(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
