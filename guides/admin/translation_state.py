"""A guide's translations on its admin page: its state in each language (complete, partial,
missing or outdated, guides/models/guide_translation.py), the texts whose English changed
since they were translated, and a "Still right" button beside each, which confirms that
translation as it is (guides/models/translated.py, confirm_translation).

The buttons are in the guide's own form (`formaction`), so they work without JavaScript and
carry its CSRF token. A guide or channel that is live is changed in its draft: its texts
are confirmed there, as any change is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from guides.admin.mixins import unlocked
from guides.admin.translations import column_labels
from guides.models import Provider
from guides.models.guide_translation import Text, translation_states
from guides.models.translated import TranslationSources, confirm_translation


def _token(text: Text, language: str) -> str:
    return f"{text.obj._meta.label_lower}:{text.obj.pk}:{text.field}:{language}"


if TYPE_CHECKING:  # typed as the admin it is mixed into; a plain class at run time
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object


class TranslationStateMixin(_ModelAdmin):
    """For the provider's admin: the readonly field `translation_state` (listed among its
    readonly fields), and the view its buttons post to."""

    def get_urls(self):
        confirm = path(
            "<path:object_id>/translations/confirm/",
            self.admin_site.admin_view(require_POST(self.confirm_translation_view)),
            name="guides_provider_confirm_translation",
        )
        return [confirm, *super().get_urls()]

    @admin.display(description=_("Translations"))
    def translation_state(self, provider: Provider):
        if provider.pk is None:
            return "—"
        # The view checks who may confirm; a live guide's texts are confirmed in its draft.
        may_confirm = unlocked(provider)
        url = reverse("admin:guides_provider_confirm_translation", args=[provider.pk])
        rows = []
        for state in translation_states(provider):
            outdated = format_html_join(
                "",
                "<li>{} “{}”: {} {}</li>",
                (
                    (
                        str(text.obj._meta.verbose_name).capitalize(),
                        str(text.obj)[:80],
                        column_labels(type(text.obj)).get(
                            f"{text.field}_{state.language}", text.field
                        ),
                        self._button(url, text, state.language)
                        if may_confirm and unlocked(text.obj)
                        else "",
                    )
                    for text in state.outdated
                ),
            )
            rows.append(format_html("<li>{}<ul>{}</ul></li>", str(state), outdated))
        listed = format_html_join("", "{}", ((row,) for row in rows))
        return format_html('<ul class="translation-state">{}</ul>', listed)

    @staticmethod
    def _button(url: str, text: Text, language: str):
        return format_html(
            '<button type="submit" class="button" formaction="{}" formnovalidate '
            'name="confirm" value="{}">{}</button>',
            url,
            _token(text, language),
            gettext("Still right"),
        )

    def confirm_translation_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Confirm one outdated translation of the guide `object_id`, named by the button's
        `confirm`: model, row, text and language. Anything else is refused, unchanged."""
        provider = self.get_object(request, object_id)
        if provider is None:
            return HttpResponseBadRequest(gettext("No such guide."))
        if not self.has_change_permission(request, provider):
            raise PermissionDenied
        token = request.POST.get("confirm", "")
        for state in translation_states(provider):
            for text in state.outdated:
                if _token(text, state.language) != token:
                    continue
                if not unlocked(text.obj):
                    messages.error(
                        request,
                        gettext("This text is live: confirm its translation in its draft."),
                    )
                else:
                    assert isinstance(text.obj, TranslationSources)  # a guide's text is
                    confirm_translation(text.obj, text.field, state.language)
                    name = get_language_info(state.language)["name_translated"]
                    messages.success(
                        request,
                        gettext("The %(language)s translation is confirmed as it is.")
                        % {"language": name},
                    )
                return redirect("admin:guides_provider_change", provider.pk)
        return HttpResponseBadRequest(gettext("No such outdated translation in this guide."))
