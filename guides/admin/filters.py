"""The list filters an editor uses: when a guide was last verified, visitors' reports,
channel or variant, what a step belongs to."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from guides.admin import feedback_readout

STALE_AFTER = datetime.timedelta(days=180)


def stale_q() -> Q:
    """Guides due for a check: never verified, or not in the last 180 days."""
    since = timezone.localdate() - STALE_AFTER
    return Q(last_verified_on__isnull=True) | Q(last_verified_on__lt=since)


class VerifiedFilter(admin.SimpleListFilter):
    title = "last verified"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [
            ("due", "Due: never, or over 180 days ago"),
            ("recent", "In the last 180 days"),
            ("stale", "Over 180 days ago"),
            ("never", "Never"),
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

    conditions: dict[str, tuple[str, Q]] = {}

    def lookups(self, request, model_admin):
        return [(value, label) for value, (label, _) in self.conditions.items()]

    def queryset(self, request, queryset):
        if (value := self.value()) in self.conditions:
            return queryset.filter(self.conditions[value][1])
        return queryset


class ReportsFilter(ChoiceFilter):
    """Guides that visitors say have stopped working since they were last verified."""

    title = "visitors' reports"
    parameter_name = "reports"
    conditions = {"open": ("New failure reports since last verified", Q(open_reports__gt=0))}


class SinceVerifiedFilter(ChoiceFilter):
    title = "when"
    parameter_name = "since"
    conditions = {
        "verified": ("Since the guide was last verified", feedback_readout.since_verification())
    }


class ChannelLevelFilter(ChoiceFilter):
    title = "level"
    parameter_name = "level"
    conditions = {
        "top": ("Channels", Q(parent__isnull=True)),
        "variant": ("Variants", Q(parent__isnull=False)),
    }


class OwnerFilter(ChoiceFilter):
    title = "belongs to"
    parameter_name = "owner"
    conditions = {
        "route": ("A route", Q(route__isnull=False)),
        "channel": ("A channel", Q(channel__isnull=False)),
    }
