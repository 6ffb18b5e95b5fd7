"""My cancellation plan: several guides in one address, `/plan/?g=kaspersky/google-play&
g=netflix/apple-app-store/iphone-ipad~de~12.15`, so that it works on another device and
without JavaScript. Each `g` names one guide's page of steps: the provider, the answers the
visitor chose, then optionally `~` and where they live, and `~` and the steps they have done
(their ids, joined by dots). static/js/plan.js keeps the plan in the browser too.

An address that is corrupt, too long or names unknown guides shows what could be read and
says, by position, what could not: nothing the address carries is echoed into the page (a
"slug" may be a phone number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from guides.flow.guide import notes_for
from guides.flow.pages import Flow
from guides.flow.rules import MAX_ROUTE_DEPTH, SLUG_RE
from guides.models import NoteKind, Step
from guides.regions import REGION_PARAMETER, parse_visitor
from guides.web.htmx import HtmxHttpRequest
from guides.web.lookups import flow_or_404, guide_or_404
from guides.web.seo import SITE_NAME, PageMeta

PARAMETER = "g"
MAX_GUIDES = 20
MAX_ENTRY_LENGTH = 300  # characters of one `g`, done steps included
MAX_DONE = 60  # done steps kept for one guide
SEPARATOR = "~"
_DONE_RE = re.compile(r"^\d{1,10}(?:\.\d{1,10})*$")
# A steps page's address as a visitor may paste it: /de/cancel/netflix/app-store/?region=de
_STEPS_ADDRESS = re.compile(r"^/(?:[a-z]{2}/)?cancel/(?P<path>[^?#]*)")


@dataclass(frozen=True)
class Entry:
    """One guide of a plan: its provider, the answers chosen, where the visitor lives, and
    the ids of the steps they have done."""

    provider: str
    route_path: str = ""
    region: str | None = None
    done: frozenset[int] = frozenset()

    @property
    def key(self) -> tuple[str, str]:
        return (self.provider, self.route_path)

    def encode(self) -> str:
        parts = ["/".join(filter(None, [self.provider, self.route_path]))]
        if self.region:
            parts.append(self.region.lower())
        if self.done:
            parts.append(".".join(str(pk) for pk in sorted(self.done)))
        return SEPARATOR.join(parts)


@dataclass
class Parsed:
    entries: list[Entry] = field(default_factory=list)
    unreadable: list[int] = field(default_factory=list)  # positions (from 1) not understood
    too_many: bool = False


def parse_entry(value: str) -> Entry | None:
    """One `g` value, or None where it cannot be a plan's guide. Accepts the form `build`
    writes and a steps page's address as a visitor may paste it."""
    value = value.strip()
    if not value or len(value) > MAX_ENTRY_LENGTH or not value.isascii():
        return None
    region = None
    if "://" in value or value.startswith("/"):  # a pasted address
        split = urlsplit(value)
        match = _STEPS_ADDRESS.match(split.path)
        if match is None:
            return None
        value = match["path"]
        query = dict(part.partition("=")[::2] for part in split.query.split("&") if part)
        if REGION_PARAMETER in query:
            region = parse_visitor(query[REGION_PARAMETER])
            if region is None:
                return None
    elif "/" not in value and SEPARATOR not in value:  # a name typed in: "New York Times"
        value = slugify(value)
    path, *rest = value.split(SEPARATOR)
    done: frozenset[int] = frozenset()
    for part in rest:
        if _DONE_RE.match(part) and not done:
            ids = part.split(".")
            if len(ids) > MAX_DONE:
                return None
            done = frozenset(int(pk) for pk in ids)
        elif part and region is None and (where := parse_visitor(part)) is not None:
            region = where
        else:
            return None
    slugs = [slug for slug in path.split("/") if slug]
    if not slugs or len(slugs) > MAX_ROUTE_DEPTH + 2:
        return None
    if not all(SLUG_RE.match(slug) for slug in slugs):
        return None
    provider, *answers = slugs
    return Entry(provider.lower(), "/".join(answers), region, done)


def parse(values: list[str]) -> Parsed:
    """The entries of a plan's `g` values, each guide once, at most MAX_GUIDES of them."""
    parsed = Parsed()
    seen: set[tuple[str, str]] = set()
    for position, value in enumerate(values, start=1):
        if not value.strip():
            continue  # the empty "add a guide" field of the plan page's form
        entry = parse_entry(value)
        if entry is None:
            parsed.unreadable.append(position)
        elif entry.key not in seen:
            if len(parsed.entries) == MAX_GUIDES:
                parsed.too_many = True
                break
            seen.add(entry.key)
            parsed.entries.append(entry)
    return parsed


def build(entries: list[Entry]) -> str:
    """The query of a plan's address: `g=…&g=…` (parse reads it back)."""
    return "&".join(f"{PARAMETER}={quote(entry.encode(), safe='/~.')}" for entry in entries)


def plan_url(entries: list[Entry]) -> str:
    url = reverse("guides:plan")
    return f"{url}?{build(entries)}" if entries else url


# The page -------------------------------------------------------------------------------------


@dataclass
class PlannedStep:
    step: Step
    done: bool


@dataclass
class Planned:
    """A guide of the plan as its page shows it."""

    entry: Entry
    flow: Flow
    steps: list[PlannedStep]
    path: str  # its steps page's path (where static/js/steps.js keeps its ticks)
    url: str  # the same with where the visitor lives: the steps, or the next question
    after: list  # its "After you cancel" notes

    remove_url: str = ""  # the plan without it (only guides that were found)

    @property
    def record_url(self) -> str:
        """Its record's address; none for a guide without answers (no steps to have done)."""
        if not self.flow.route_path:
            return ""
        url = reverse("guides:record", args=[self.entry.provider, self.flow.route_path])
        return f"{url}?{REGION_PARAMETER}={self.entry.region.lower()}" if self.entry.region else url

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.steps if item.done)

    @property
    def finished(self) -> bool:
        return self.flow.is_leaf and self.done_count == len(self.steps)

    @property
    def next_step(self) -> PlannedStep | None:
        return next((item for item in self.steps if not item.done), None)


def _planned(request: HtmxHttpRequest, entry: Entry) -> Planned | None:
    try:
        guide = guide_or_404(request, entry.provider)
        flow = flow_or_404(guide, entry.route_path, entry.region)
    except Http404:
        return None
    steps = flow.steps or []
    ids = {step.pk for step in steps}
    # Only the ids of this guide's steps count as done.
    entry = Entry(entry.provider, flow.route_path, entry.region, entry.done & ids)
    path = guide.url(flow.route_path.split("/") if flow.route_path else [])
    url = f"{path}?{REGION_PARAMETER}={entry.region.lower()}" if entry.region else path
    after = notes_for(guide, entry.region).get(NoteKind.AFTER, []) if flow.is_leaf else []
    return Planned(
        entry=entry,
        flow=flow,
        steps=[PlannedStep(step, step.pk in entry.done) for step in steps],
        path=path,
        url=url,
        after=after,
    )


@require_safe
def plan(request: HtmxHttpRequest) -> HttpResponse:
    parsed = parse(request.GET.getlist(PARAMETER)[: MAX_GUIDES * 3])
    planned: list[Planned] = []
    unknown: list[int] = []
    for position, entry in enumerate(parsed.entries, start=1):
        found = _planned(request, entry)
        if found is None:
            unknown.append(position)
        else:
            planned.append(found)
    entries = [item.entry for item in planned]
    for item in planned:
        others = [other for other in entries if other is not item.entry]
        # Removing the last guide leaves `?g=`: an empty plan, not "the plan kept here".
        item.remove_url = plan_url(others) if others else f"{reverse('guides:plan')}?{PARAMETER}="
    next_guide = next((item for item in planned if not item.finished), None)
    context = {
        "planned": planned,
        "next_guide": next_guide,
        "unreadable": parsed.unreadable,
        "unknown": unknown,
        "too_many": parsed.too_many,
        "max_guides": MAX_GUIDES,
        "share_url": request.build_absolute_uri(plan_url(entries)),
        "entries": [entry.encode() for entry in entries],
        "meta": PageMeta(
            title=f"{gettext('My cancellation plan')} | {SITE_NAME}",
            description=gettext("The guides you are following, and how far you are."),
            noindex=True,
        ),
    }
    return render(request, "guides/plan.html", context)
