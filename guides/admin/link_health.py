"""Link health on a provider's page: its web addresses, where each is used, and what the
latest checks of it say (guides/links/)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from guides.admin.edit_merge import describe_changes
from guides.admin.edit_page import state_of
from guides.links import fix
from guides.links.addresses import provider_addresses
from guides.links.health import health_of
from guides.models import LinkCheck, LinkHealth, LinkOutcome, Provider
from guides.publishing import revisions as publishing

if TYPE_CHECKING:  # typed as the ModelAdmin it is mixed into; a plain class at run time
    _ProviderAdmin = admin.ModelAdmin[Provider]
else:
    _ProviderAdmin = object

FIX_SALT = "guides.link_fix"
FIX_URL, FIX_TOKEN, FIX_NEXT = "cf_fix_url", "cf_fix_token", "cf_fix_next"


def _guide_rows(provider: Provider) -> list[Provider]:
    """The guide and its draft of changes, if one is open: what a fix may change."""
    live = provider.draft_of if provider.draft_of is not None else provider
    return [live, *Provider.objects.filter(draft_of=live).order_by("pk")]


def _rows(state: dict) -> dict:
    """A `state_of` without the rows' labels (in the language of the page that noted them)."""
    return {key: row[1:] for key, row in state.items()}


def fix_token(provider: Provider) -> str:
    """What a page offering a fix notes of the guide (and its draft) when it is shown."""
    payload = {"t": timezone.now().timestamp(), "s": state_of(_guide_rows(provider))}
    return signing.dumps(payload, salt=FIX_SALT, compress=True)


def with_fix_tokens(guides: list) -> list:
    """The "Needs attention" list of guides, each with a moved link given its fix's token."""
    for guide in guides:
        if any(may_fix(health) for _url, _where, health in guide.links):
            guide.fix_token = fix_token(guide.provider)
    return guides


def fix_button(provider: Provider, url: str) -> str:
    """The button of the Link health panel, which sits inside the change form: it posts that
    form to the fix's address (the panel carries the token once, FIX_TOKEN)."""
    return format_html(
        '<button type="submit" class="button cf-link-fix" formaction="{}" formmethod="post" '
        'name="{}" value="{}">{}</button>',
        reverse("admin:guides_provider_fix_link", args=[provider.pk]),
        FIX_URL,
        url,
        gettext("Use the new address"),
    )


def health_text(health: LinkHealth) -> str:
    if health.outcome == LinkOutcome.MOVED and health.latest:
        return gettext("Moved to %(url)s") % {"url": health.latest.moved_to}
    if health.note and health.outcome != LinkOutcome.OK:
        return f"{health.label}: {health.note}"
    return health.label


def may_fix(health: LinkHealth) -> bool:
    return health.outcome == LinkOutcome.MOVED and bool(health.latest and health.latest.moved_to)


def checked_on(health: LinkHealth) -> str:
    return date_format(health.latest.checked_at, "j M Y H:i") if health.latest else "—"


class LinkHealthMixin(_ProviderAdmin):
    """A read-only `link_health` field for the provider's admin, and the one-click fix of a
    moved link (`fix_link_view`)."""

    def get_urls(self):
        fix_url = path(
            "<path:object_id>/links/fix/",
            self.admin_site.admin_view(require_POST(self.fix_link_view)),
            name="guides_provider_fix_link",
        )
        return [fix_url, *super().get_urls()]

    def fix_link_view(self, request, object_id):
        """Write a moved link's new address wherever the guide holds the old one: in its
        draft of changes (opened if need be), as the editor's change, kept in the history and
        reviewed before visitors see it; refused if the guide changed since the page was
        shown; harmless when done already."""
        guide = self.get_object(request, unquote(object_id))
        if guide is None:
            raise Http404("No such guide.")
        if not self.has_view_or_change_permission(request, guide):
            raise PermissionDenied
        old = request.POST.get(FIX_URL, "").strip()
        back = request.POST.get(FIX_NEXT, "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = ""
        health = LinkCheck.objects.health(old) if old else LinkHealth("")
        if not may_fix(health):
            messages.error(
                request,
                gettext("The checks no longer say that %(url)s has moved: nothing was changed.")
                % {"url": old},
            )
            return HttpResponseRedirect(back or self._change_url(guide))
        assert health.latest is not None  # may_fix: its latest check moved
        new = health.latest.moved_to
        with transaction.atomic():
            rows = _guide_rows(guide)
            list(Provider.objects.select_for_update().filter(pk__in=[r.pk for r in rows]))
            live = rows[0]
            target = rows[-1] if len(rows) > 1 or not live.is_live else live
            found = fix.holding(target, old)
            for model in {type(item.obj) for item in found} | {Provider}:
                opts = model._meta
                if not request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
                    raise PermissionDenied
            if not found:
                messages.info(
                    request,
                    gettext(
                        "“%(guide)s” no longer holds %(url)s (replaced already?): nothing was "
                        "changed."
                    )
                    % {"guide": target, "url": old},
                )
                return HttpResponseRedirect(back or self._change_url(target))
            stale = self._fix_refused(request, rows)
            if stale is not None:
                messages.error(request, stale)
                return HttpResponseRedirect(back or self._change_url(guide))
            if target.is_live:
                target = publishing.start_draft(target)
                found = fix.holding(target, old)
            fix.replace(found, old, new)
            comment = f"Replaced the moved address {old} with {new}"
            with reversion.create_revision():
                reversion.set_user(request.user)
                for item in found:
                    item.obj.save()
                    # The admin's log of the row (VersionAdmin also makes it the comment).
                    self.log_change(request, item.obj, comment)  # type: ignore[arg-type]  # any row of the guide
                    publishing.note_editor(item.obj, request.user)
                reversion.set_comment(comment)
        count = sum(len(item.fields) for item in found)
        messages.success(
            request,
            ngettext(
                "%(old)s is now %(new)s in %(count)s field of the draft of “%(guide)s”. "
                "Visitors see it once a Publisher who did not change the draft publishes it.",
                "%(old)s is now %(new)s in %(count)s fields of the draft of “%(guide)s”. "
                "Visitors see it once a Publisher who did not change the draft publishes it.",
                count,
            )
            % {"old": old, "new": new, "count": count, "guide": target},
        )
        return HttpResponseRedirect(back or self._change_url(target))

    @staticmethod
    def _change_url(provider: Provider) -> str:
        return reverse("admin:guides_provider_change", args=[provider.pk])

    @staticmethod
    def _fix_refused(request, rows: list[Provider]) -> str | None:
        """Why a fix is refused: the guide changed since the page offering it was shown (who
        changed what), or the page did not say what it showed. None when it may go ahead."""
        try:
            payload = signing.loads(request.POST.get(FIX_TOKEN, ""), salt=FIX_SALT)
            before, since = dict(payload["s"]), float(payload["t"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return gettext(
                "Nothing was changed: this page did not say what the guide held when it was "
                "shown (an old page?). Reload it and press the button again."
            )
        now = state_of(rows)
        if _rows(now) == _rows(before):
            return None
        when = datetime.datetime.fromtimestamp(since, tz=datetime.UTC)
        lines = describe_changes(before, now, when, request.user)
        return gettext(
            "Nothing was changed: the guide changed since this page was shown (%(changes)s). "
            "Reload the page, check the link again and press the button if it is still right."
        ) % {"changes": "; ".join(lines) or gettext("someone changed it")}

    @admin.display(description=_("Links"))
    def link_health(self, provider: Provider):
        if provider is None or provider.pk is None:
            return "—"
        addresses = provider_addresses(provider)
        if not addresses:
            return gettext("This guide links to no web address.")
        health = health_of(addresses)
        rows = format_html_join(
            "",
            '<tr class="cf-link-{}"><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>',
            (
                (
                    health[url].outcome or "unchecked",
                    url,
                    "; ".join(where),
                    health_text(health[url]),
                    format_html(" {}", fix_button(provider, url)) if may_fix(health[url]) else "",
                    checked_on(health[url]),
                )
                for url, where in addresses.items()
            ),
        )
        if any(may_fix(found) for found in health.values()):
            rows = format_html(
                '{}<input type="hidden" name="{}" value="{}">', rows, FIX_TOKEN, fix_token(provider)
            )
        head = format_html_join(
            "",
            '<th scope="col">{}</th>',
            (
                (column,)
                for column in (
                    gettext("Address"),
                    gettext("Used in"),
                    gettext("Health"),
                    gettext("Last checked"),
                )
            ),
        )
        return format_html(
            '<table class="cf-readout" id="link-health"><thead><tr>{}</tr></thead>'
            "<tbody>{}</tbody></table>",
            head,
            rows,
        )
