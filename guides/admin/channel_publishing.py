"""Publishing shared channels in the admin (guides/publishing/channels.py): open a draft of a
live channel, review it with every guide and answer page it reaches, publish it, and list
the channel's revisions. Plain forms, as for guides (publishing.py here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from guides.admin.publishing import PublishForm
from guides.models import ChannelRevision, PurchaseChannel
from guides.publishing import channels as channel_publishing
from guides.publishing.revisions import PublishRefused


def _change_url(channel: PurchaseChannel) -> str:
    return reverse("admin:guides_purchasechannel_change", args=[channel.pk])


if TYPE_CHECKING:  # typed as the ModelAdmin it is mixed into; a plain class at run time
    from django.contrib import admin

    _ChannelAdmin = admin.ModelAdmin[PurchaseChannel]
else:
    _ChannelAdmin = object


class ChannelPublishingMixin(_ChannelAdmin):
    """The PurchaseChannelAdmin's pages for drafts, review and revisions."""

    def get_urls(self):
        view = self.admin_site.admin_view
        urls = [
            path(
                "<int:object_id>/draft/",
                view(require_POST(self.start_draft_view)),
                name="guides_purchasechannel_draft",
            ),
            path(
                "<int:object_id>/review/",
                view(self.review_view),
                name="guides_purchasechannel_review",
            ),
            path(
                "<int:object_id>/revisions/",
                view(self.revisions_view),
                name="guides_purchasechannel_revisions",
            ),
        ]
        return urls + super().get_urls()

    def _channel(self, request: HttpRequest, object_id: int) -> PurchaseChannel:
        channels = PurchaseChannel.objects.select_related("parent", "draft_of")
        channel = channels.filter(pk=object_id).first()
        if channel is None:
            raise Http404("No such channel.")
        if not self.has_view_or_change_permission(request, channel):
            raise PermissionDenied
        return channel.whole

    def _context(self, request, channel: PurchaseChannel, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": channel,
            "title": title,
            **extra,
        }

    def start_draft_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        live = self._channel(request, object_id)
        if not super().has_change_permission(request):  # an Editor, not a reader
            raise PermissionDenied
        if live.draft_of_id is not None:
            return HttpResponseRedirect(_change_url(live))
        draft = channel_publishing.start_channel_draft(live)
        self.message_user(
            request,
            gettext(
                "This is a draft of changes to the channel “%(channel)s”. Visitors of every "
                "guide that uses it keep reading the live channel until a Publisher who did not "
                "change the draft reviews and publishes it."
            )
            % {"channel": live},
            messages.INFO,
        )
        return HttpResponseRedirect(_change_url(draft))

    def review_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        draft = self._channel(request, object_id)
        if draft.draft_of_id is None:
            open_draft = PurchaseChannel.objects.filter(draft_of=draft).first()
            if open_draft is None:
                self.message_user(
                    request,
                    gettext("“%(channel)s” has no draft of changes to review.")
                    % {"channel": draft},
                    messages.INFO,
                )
                return HttpResponseRedirect(_change_url(draft))
            draft = open_draft
        form = PublishForm(request.POST if request.method == "POST" else None)
        decision = channel_publishing.may_publish_channel(draft, request.user)
        if request.method == "POST" and form.is_valid():
            if not decision.allowed:
                raise PermissionDenied(decision.reason)
            try:
                revision = channel_publishing.publish_channel(
                    draft, request.user, form.cleaned_data["message"]
                )
            except PublishRefused as exc:
                form.add_error(None, str(exc))
            else:
                if revision.published_alone:
                    done = gettext(
                        "Published the channel “%(channel)s” alone, as a superuser: recorded as "
                        "not reviewed: revision %(number)s is what visitors read now."
                    )
                else:
                    done = gettext(
                        "Published the channel “%(channel)s”: revision %(number)s is what "
                        "visitors read now."
                    )
                self.message_user(
                    request,
                    done % {"channel": revision.channel, "number": revision.number},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:guides_purchasechannel_revisions", args=[revision.channel_id])
                )
        context = self._context(
            request,
            draft,
            gettext("Review the channel “%(channel)s” before publishing") % {"channel": draft},
            review=channel_publishing.channel_review(draft),
            form=form,
            decision=decision,
        )
        return TemplateResponse(request, "admin/guides/purchasechannel/review.html", context)

    def revisions_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        channel = self._channel(request, object_id)
        live = channel.draft_of or channel
        revisions = ChannelRevision.objects.filter(channel=live).select_related("published_by")
        context = self._context(
            request,
            live,
            gettext("Revisions of the channel “%(channel)s”") % {"channel": live},
            revisions=list(revisions),
            draft=PurchaseChannel.objects.filter(draft_of=live).first(),
        )
        return TemplateResponse(request, "admin/guides/purchasechannel/revisions.html", context)
