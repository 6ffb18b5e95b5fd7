"""Publishing in the admin (guides/publishing/revisions.py): open a draft of a live guide, review a
draft against what is live and publish it, list a guide's revisions, and roll the live
guide back to one of them.

Every page here is a plain form: it works without JavaScript, and every change is a POST.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from guides.models import GuideRevision, Provider, Status
from guides.publishing import review as publication_review
from guides.publishing import revisions as publishing


class PublishForm(forms.Form):
    message = forms.CharField(
        max_length=500,
        label=_("What changed, and why"),
        help_text=_("Recorded with the revision, for whoever reads the guide's history."),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )


class RollbackForm(forms.Form):
    message = forms.CharField(
        max_length=500,
        required=False,
        label=_("Why"),
        help_text=_("Recorded with the rollback, which is itself a revision."),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )


def _change_url(provider: Provider) -> str:
    return reverse("admin:guides_provider_change", args=[provider.pk])


if TYPE_CHECKING:  # typed as the ModelAdmin it is mixed into; a plain class at run time
    from django.contrib import admin

    _ProviderAdmin = admin.ModelAdmin[Provider]
else:
    _ProviderAdmin = object


class PublishingMixin(_ProviderAdmin):
    """The ProviderAdmin's pages for drafts, review, revisions and rollback."""

    def get_urls(self):
        view = self.admin_site.admin_view
        urls = [
            path(
                "<int:object_id>/draft/",
                view(require_POST(self.start_draft_view)),
                name="guides_provider_draft",
            ),
            path(
                "<int:object_id>/review/",
                view(self.review_view),
                name="guides_provider_review",
            ),
            path(
                "<int:object_id>/revisions/",
                view(self.revisions_view),
                name="guides_provider_revisions",
            ),
            path(
                "<int:object_id>/revisions/<int:number>/",
                view(self.rollback_view),
                name="guides_provider_rollback",
            ),
        ]
        return urls + super().get_urls()

    def _guide(self, request: HttpRequest, object_id: int) -> Provider:
        guides = Provider.objects.select_related("category", "draft_of")
        provider = guides.filter(pk=object_id).first()
        if provider is None:
            raise Http404("No such guide.")
        if not self.has_view_or_change_permission(request, provider):
            raise PermissionDenied
        return provider

    def _context(self, request: HttpRequest, provider: Provider, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": provider,
            "title": title,
            **extra,
        }

    # Opening a draft ------------------------------------------------------------------------

    def start_draft_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        live = self._guide(request, object_id)
        if not super().has_change_permission(request):  # an Editor, not a reader
            raise PermissionDenied
        if not live.is_live:
            return HttpResponseRedirect(_change_url(live))
        draft = publishing.start_draft(live)
        self.message_user(
            request,
            gettext(
                "This is a draft of changes to “%(guide)s”. Visitors keep reading the live guide "
                "until a Publisher who did not change the draft reviews and publishes it."
            )
            % {"guide": live},
            messages.INFO,
        )
        return HttpResponseRedirect(_change_url(draft))

    # Review and publish ----------------------------------------------------------------------

    def review_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        draft = self._guide(request, object_id)
        if draft.is_live:
            return HttpResponseRedirect(reverse("admin:guides_provider_revisions", args=[draft.pk]))
        form = PublishForm(request.POST if request.method == "POST" else None)
        decision = publishing.may_publish(draft, request.user)
        if request.method == "POST" and form.is_valid():
            if not decision.allowed:
                raise PermissionDenied(decision.reason)
            try:
                revision = publishing.publish(draft, request.user, form.cleaned_data["message"])
            except publishing.PublishRefused as exc:
                form.add_error(None, str(exc))
            else:
                if revision.published_alone:
                    done = gettext(
                        "Published “%(guide)s” alone, as a superuser: recorded as not reviewed: "
                        "revision %(number)s is what visitors read now."
                    )
                else:
                    done = gettext(
                        "Published “%(guide)s”: revision %(number)s is what visitors read now."
                    )
                self.message_user(
                    request,
                    done % {"guide": revision.provider, "number": revision.number},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:guides_provider_revisions", args=[revision.provider_id])
                )
        review = publication_review.review(draft)
        context = self._context(
            request,
            draft,
            gettext("Review “%(guide)s” before publishing") % {"guide": draft},
            review=review,
            form=form,
            decision=decision,
            first=draft.draft_of_id is None,
        )
        return TemplateResponse(request, "admin/guides/provider/review.html", context)

    # Revisions and rollback -----------------------------------------------------------------

    def revisions_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        provider = self._guide(request, object_id)
        live = provider.draft_of or provider
        revisions = GuideRevision.objects.filter(provider=live).select_related("published_by")
        context = self._context(
            request,
            live,
            gettext("Revisions of “%(guide)s”") % {"guide": live},
            revisions=list(revisions),
            draft=Provider.objects.filter(draft_of=live).first(),
            may_roll_back=request.user.has_perm("guides.publish_provider") and live.is_live,
        )
        return TemplateResponse(request, "admin/guides/provider/revisions.html", context)

    def rollback_view(self, request: HttpRequest, object_id: int, number: int) -> HttpResponse:
        live = self._guide(request, object_id)
        revision = get_object_or_404(GuideRevision, provider=live, number=number)
        may = request.user.has_perm("guides.publish_provider") and live.is_live
        form = RollbackForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if not may:
                raise PermissionDenied
            if form.is_valid():
                try:
                    new = publishing.roll_back(revision, request.user, form.cleaned_data["message"])
                except publishing.PublishRefused as exc:
                    form.add_error(None, str(exc))
                else:
                    self.message_user(
                        request,
                        gettext(
                            "Rolled “%(guide)s” back to revision %(number)s: recorded as "
                            "revision %(new)s."
                        )
                        % {"guide": live, "number": revision.number, "new": new.number},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:guides_provider_revisions", args=[live.pk])
                    )
        changes = (
            publication_review.rollback_review(revision) if live.status == Status.PUBLISHED else []
        )
        context = self._context(
            request,
            live,
            gettext("Roll “%(guide)s” back to revision %(number)s")
            % {"guide": live, "number": revision.number},
            revision=revision,
            changes=changes,
            form=form,
            may_roll_back=may,
        )
        return TemplateResponse(request, "admin/guides/provider/rollback.html", context)
