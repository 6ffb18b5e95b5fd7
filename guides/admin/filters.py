"""The list filters an editor uses: when a guide was last verified, visitors' reports,
channel or variant, what a step belongs to."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guides.admin import feedback_readout

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

STALE_AFTER = datetime.timedelta(days=180)


def stale_q() -> Q:
    """Guides due for a check: never verified, or not in the last 180 days."""
    since = timezone.localdate() - STALE_AFTER
    return Q(last_verified_on__isnull=True) | Q(last_verified_on__lt=since)


class VerifiedFilter(admin.SimpleListFilter):
    title = _("last verified")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [
            ("due", _("Due: never, or over 180 days ago")),
            ("recent", _("In the last 180 days")),
            ("stale", _("Over 180 days ago")),
            ("never", _("Never")),
        ]

    def queryset(self, request, queryset):
        since = timezone.localdate() - STALE_AFTER
        if self.value() == "due":
            return queryset.filter(stale_q())
        if self.value() == "recent":
            return queryset.filter(last_verified_on__gte=since)
        if self.value() == "stale":
            return queryset.filter(last_verified_on__lt=since)
        if self.value() == "never":
            return queryset.filter(last_verified_on__isnull=True)
        return queryset


class ChoiceFilter(admin.SimpleListFilter):
    """A filter whose every choice is a fixed condition: {value: (label, Q)}."""

    conditions: dict[str, tuple[StrOrPromise, Q]] = {}

    def lookups(self, request, model_admin):
        return [(value, label) for value, (label, _) in self.conditions.items()]

    def queryset(self, request, queryset):
        if (value := self.value()) in self.conditions:
            return queryset.filter(self.conditions[value][1])
        return queryset


class ReportsFilter(ChoiceFilter):
    """Guides that visitors say have stopped working since they were last verified."""

    title = _("visitors' reports")
    parameter_name = "reports"
    conditions = {"open": (_("New failure reports since last verified"), Q(open_reports__gt=0))}


class SinceVerifiedFilter(ChoiceFilter):
    title = _("when")
    parameter_name = "since"
    conditions = {
        "verified": (_("Since the guide was last verified"), feedback_readout.since_verification())
    }


class ChannelLevelFilter(ChoiceFilter):
    title = _("level")
    parameter_name = "level"
    conditions = {
        "top": (_("Channels"), Q(parent__isnull=True)),
        "variant": (_("Variants"), Q(parent__isnull=False)),
    }


class OwnerFilter(ChoiceFilter):
    title = _("belongs to")
    parameter_name = "owner"
    conditions = {
        "route": (_("A route"), Q(route__isnull=False)),
        "channel": (_("A channel"), Q(channel__isnull=False)),
    }
