"""The last gate of the phone guard: a guide's pages, as rendered, carry no number that is
not verified.

The models refuse a number field by field (phones.guard); this reads what the visitor
finally gets, after Markdown, templates, the channel's steps and the metadata are put
together: every page of the guide's flow and the pages of the channels it uses, their
visible text, titles, link previews, links and JSON-LD. Publishing runs it, and refuses a
guide whose pages fail it.
"""

from __future__ import annotations

import copy
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING, cast
from urllib.parse import parse_qs, urlencode

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.test import RequestFactory
from django.urls import Resolver404, resolve
from django_htmx.middleware import HtmxDetails

from guides.models import OfficialContact, Provider, PurchaseChannel
from guides.regions import REGION_PARAMETER
from guides.text import phones
from guides.text.readings import INLINE_ELEMENTS
from guides.web.lookups import guides_held

if TYPE_CHECKING:
    from guides.web.views import HtmxHttpRequest

MAX_PAGES = 500  # far more than any flow has; a guard against a loop, not a limit on guides
# Attributes whose value a person reads, hears or follows.
READ_ATTRIBUTES = {"content", "title", "alt", "aria-label", "placeholder", "href", "value"}


@dataclass(frozen=True)
class Problem:
    path: str
    raw: str
    e164: str

    def __str__(self) -> str:
        return f"{self.path}: “{self.raw}” is not a verified number"


class _VisibleText(HTMLParser):
    """The text of a page as people and link previews take it in, line by line; the values of
    the attributes they read, each on its own; and the page's links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.attributes: list[str] = []
        self.links: list[str] = []
        self._line: list[str] = []
        self._skip = 0

    def _end_line(self) -> None:
        line = "".join(self._line).strip()
        if line:
            self.lines.append(line)
        self._line = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in INLINE_ELEMENTS:
            self._end_line()
        if tag == "style" or (tag == "script" and attrs.get("type") != "application/ld+json"):
            self._skip += 1
        for name, value in attrs.items():
            if name in READ_ATTRIBUTES and value:
                self.attributes.append(value)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag not in INLINE_ELEMENTS:
            self._end_line()
        if tag in {"style", "script"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self._line.append(data)

    def close(self) -> None:
        super().close()
        self._end_line()


@dataclass(frozen=True)
class VisibleText:
    lines: list[str]  # the page's text, a line per block (paragraph, heading, list item…)
    attributes: list[str]  # titles, alt texts, link addresses, meta contents…
    links: list[str]


def visible_text(html: str) -> VisibleText:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return VisibleText(parser.lines, parser.attributes, parser.links)


def allowed_numbers(provider: Provider) -> frozenset[str]:
    channel_ids = set(
        provider.routes.exclude(channel=None).values_list("channel_id", "channel__parent_id")
    )
    ids = {pk for pair in channel_ids for pk in pair if pk}
    ids |= set(PurchaseChannel.objects.filter(parent_id__in=ids).values_list("pk", flat=True))
    contacts = OfficialContact.objects.filter(Q(provider=provider) | Q(channel_id__in=ids))
    return contacts.verified_numbers()


def audit_provider(provider: Provider, user) -> list[Problem]:
    """Render every page of `provider`'s guide (as `user`, a member of staff, sees drafts)
    and the pages of its channels, and return each unverified number on them."""
    allowed = allowed_numbers(provider)
    start = provider.get_absolute_url()
    channels = {
        channel.whole.get_absolute_url().split("#")[0]
        for channel in PurchaseChannel.objects.filter(routes__provider=provider).select_related(
            "parent"
        )
    }
    return audit_pages([start, *sorted(channels)], allowed, user, within=start)


def audit_pages(
    starts: list[str], allowed: frozenset[str], user, *, within: str | None = None
) -> list[Problem]:
    """Render `starts` (as `user` sees them) and, with `within`, every page they link to
    under that address; return each number on them that is not in `allowed`."""
    with guides_held():  # each guide is read once for all its pages
        return _audit_pages(starts, allowed, user, within)


# Pages read but not followed: "It didn't work" links back to the steps in every region it
# offers, pages the audit reaches from the flow itself.
DEAD_ENDS = ("/didnt-work/",)


def _audit_pages(
    starts: list[str], allowed: frozenset[str], user, within: str | None
) -> list[Problem]:
    factory = RequestFactory()
    queue = deque(starts)
    seen = set(queue)
    problems: list[Problem] = []
    regions = sorted(filter(None, map(phones.region_of, allowed)))
    while queue and len(seen) <= MAX_PAGES:
        path = queue.popleft()
        html = _render(factory, path, user)
        if html is None:
            continue
        page = visible_text(html)
        found = phones.find_numbers_in_lines(page.lines, regions)
        found += phones.find_numbers_in_lines(page.attributes, regions, across=False)
        for number in found:
            if number.e164 not in allowed:
                problems.append(Problem(path, number.raw, number.e164))
        if not within or path.partition("?")[0].endswith(DEAD_ENDS):
            continue
        for link in map(_page_address, page.links):
            if link.startswith(within) and link not in seen:
                seen.add(link)
                queue.append(link)
    return problems


def _page_address(link: str) -> str:
    """A link as the page it leads to: without its fragment, and of its query only where the
    visitor lives (guides/regions.py), which makes another page of a flow."""
    address, _, query = link.split("#")[0].partition("?")
    region = parse_qs(query).get(REGION_PARAMETER)
    return f"{address}?{urlencode({REGION_PARAMETER: region[0]})}" if region else address


def _render(factory: RequestFactory, path: str, user) -> str | None:
    try:
        match = resolve(path.partition("?")[0])
    except Resolver404:
        return None
    # As the site's own host: a production site allows no other (not "testserver").
    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h not in ("*", "")), None)
    # Made an htmx-aware request below, as django-htmx's middleware makes every request.
    request = cast(
        "HtmxHttpRequest", factory.get(path, HTTP_HOST=host) if host else factory.get(path)
    )
    # The server renders the pages for a Publisher already signed in (the publish action),
    # as their complete staff login would see them: drafts included.
    auditor = copy.copy(user)
    auditor.is_verified = lambda: True
    request.user = auditor
    # As an editor's preview, which shows a draft: the viewer is known by a session.
    request.COOKIES = {settings.SESSION_COOKIE_NAME: "page-audit"}
    request.htmx = HtmxDetails(request)  # a whole page, as a first visit gets it
    try:
        response = match.func(request, *match.args, **match.kwargs)
    except Http404:  # a link to what is no page of the guide (a question's "didn't work")
        return None
    if response.status_code != 200:
        return None
    if hasattr(response, "render"):
        response.render()
    return response.content.decode()
