"""Who bills you: a statement line, as people copy it, read against the descriptors editors
keep (guides/models/descriptors.py, guides/text/descriptors.py).

A lookup makes at most two queries, each an indexed `key IN (…)` over the line's prefixes,
so it costs the same with 10,000 providers as with 10: the first finds what the line
starts with (a provider, or a channel that bills for others: PayPal, Google Play, Apple);
when that is a channel, the second reads the rest of the line ("SPOTIFY" after "PAYPAL *")
for the provider it bills for, with the provider's route through that channel, if any.
Nothing of the line is stored or logged."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse

from guides.caching import memory
from guides.models import PurchaseChannel, Route, StatementDescriptor, Status
from guides.text.descriptors import MIN_KEY, Line, is_open_ended, pattern_key, read_line

_FIELDS = (
    "key",
    "pattern",
    "provider__name",
    "provider__slug",
    "channel_id",
    "channel__name",
    "channel__slug",
    "channel__parent_id",
    "channel__parent__name",
    "channel__parent__slug",
)


@dataclass(frozen=True)
class Party:
    """A provider or a channel found on a line: its name and its page."""

    name: str
    url: str


@dataclass(frozen=True)
class Charge:
    """Who bills the visitor: the channel that charged them (PayPal), the provider the
    charge is for (Spotify), or both; and the page to go to."""

    biller: Party | None
    provider: Party | None
    url: str


def _live_provider() -> Q:
    """A descriptor of a live guide: never of its draft of changes, whose descriptors reach
    visitors only once a second person publishes them (guides/publishing/revisions.py)."""
    return Q(provider__status=Status.PUBLISHED, provider__draft_of__isnull=True)


def _visible() -> Q:
    return _live_provider() | Q(
        channel__draft_of__isnull=True,
        channel__parent__draft_of__isnull=True,
        provider__isnull=True,
    )


def _best(rows: Sequence[Mapping[str, Any]], line: Line) -> tuple[Mapping[str, Any], int] | None:
    """The match that starts earliest in the line, the longest there."""
    found = [
        (start, -len(row["key"]), index)
        for index, row in enumerate(rows)
        for start in line.starts
        if line.matches(start, row["key"], is_open_ended(row["pattern"]))
    ]
    if not found:
        return None
    start, _, index = min(found)
    return rows[index], start


def _channel(row: Mapping[str, Any]) -> tuple[int, Party]:
    if row["channel__parent_id"]:
        return row["channel__parent_id"], Party(
            row["channel__parent__name"],
            reverse("guides:channel", args=[row["channel__parent__slug"]]),
        )
    return row["channel_id"], Party(
        row["channel__name"], reverse("guides:channel", args=[row["channel__slug"]])
    )


def who_bills(text: str) -> Charge | None:
    """Who bills for the statement line `text`, or None when no descriptor matches."""
    line = read_line(text)
    candidates = line.candidates()
    if not candidates:
        return None
    rows = list(StatementDescriptor.objects.filter(_visible(), key__in=candidates).values(*_FIELDS))
    best = _best(rows, line)
    if best is None:
        return None
    row, start = best
    if row["provider__slug"]:
        url = reverse("guides:provider", args=[row["provider__slug"]])
        return Charge(None, Party(row["provider__name"], url), url)
    channel_id, biller = _channel(row)
    rest = line.after(start, row["key"])
    prefixes = rest.prefixes()
    if not prefixes:
        return Charge(biller, None, biller.url)
    route = Route.objects.filter(provider=OuterRef("provider"), parent__isnull=True).filter(
        Q(channel_id=channel_id) | Q(channel__parent_id=channel_id)
    )
    merchants = list(
        StatementDescriptor.objects.filter(_live_provider(), key__in=prefixes)
        .annotate(route=Subquery(route.order_by("position", "pk").values("slug")[:1]))
        .values("key", "pattern", "provider__name", "provider__slug", "route")
    )
    found = _best(merchants, rest)
    if found is None:
        return Charge(biller, None, biller.url)
    merchant = found[0]
    slug = merchant["provider__slug"]
    provider = Party(merchant["provider__name"], reverse("guides:provider", args=[slug]))
    url = (
        reverse("guides:route", args=[slug, merchant["route"]])
        if merchant["route"]
        else provider.url
    )
    return Charge(biller, provider, url)


@dataclass(frozen=True)
class Lookup:
    """What a search finds besides guides: who bills a statement line, the channels whose
    name it is ("app store", "paypal"), and every channel visitors can reach."""

    charge: Charge | None
    channels: list[PurchaseChannel]
    every_channel: list[PurchaseChannel]

    @property
    def found(self) -> bool:
        return self.charge is not None or bool(self.channels)


def _names(key: str, channel: PurchaseChannel) -> bool:
    name = pattern_key(channel.name)
    return key in name or name in key


def names_all(providers: list, text: str) -> bool:
    """Whether guides were found and each carries the words of `text` in its name or its
    category's: then the search did not name a channel."""
    key = pattern_key(text)
    return bool(providers) and all(
        key in pattern_key(provider.name) or key in pattern_key(provider.category.name)
        for provider in providers
    )


def lookup(text: str, charge: Charge | None = None) -> Lookup:
    """The channels `text` names (from the list of channels: one query, none once kept in
    memory), beside `charge`, who bills for it (`who_bills`, when the caller has asked)."""
    every = memory.published_listing("channels", reachable_channels)
    key = pattern_key(text)
    channels = [c for c in every if len(key) >= MIN_KEY and _names(key, c)]
    if charge is not None and charge.biller is not None:
        biller = charge.biller.url
        urls = [channel.get_absolute_url() for channel in channels]
        if charge.provider is None and biller in urls:
            charge = None  # "google play" names the channel: no charge to explain
        else:
            channels = [c for c, url in zip(channels, urls, strict=True) if url != biller]
    return Lookup(charge, channels, every)


def reachable_channels() -> list[PurchaseChannel]:
    """The top-level channels visitors can be sent to: live, with standard steps of their
    own or of a variant."""
    return list(
        PurchaseChannel.objects.live()
        .filter(parent__isnull=True)
        .filter(Q(steps__isnull=False) | Q(variants__steps__isnull=False))
        .distinct()
        .order_by("position", "name")
    )
