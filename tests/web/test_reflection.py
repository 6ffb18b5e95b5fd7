"""No visitor-supplied text with a phone number in it is reflected into a title, a link
preview (og:/twitter: tags, JSON-LD) or a heading, on any page that reflects what a request
carries; where the text shows in the page's body, a warning and the number check stand
beside it. A table: every spelling of the scam number, on every such page."""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import quote

import pytest

from guides.text import phones
from tests import factories

SPELLINGS = [
    "Call Kaspersky support 1-855-737-0477",
    "+1 (855) 737-0477",
    "1.855.737.0477",
    "18557370477",
    "1→855(737)→0477",
    "1-855-PES-0477",
    "18557370477".translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}),
    "one eight five five seven three seven zero four seven seven",
    "+44 20 7946 0958",
    "0044 20 7946 0958",
]


@pytest.fixture
def guide(db):
    provider = factories.make_provider(name="Acme Antivirus", slug="acme")
    route = factories.make_route(provider, label="Website", slug="website")
    factories.make_step(route=route, title="Open your account")
    return provider


def pages(client, text: str) -> dict[str, str]:
    """Every page that shows something a request carries, given `text`."""
    q = quote(text)
    return {
        "search": client.get(f"/search/?q={q}").content.decode(),
        "search-fr": client.get(f"/fr/search/?q={q}").content.decode(),
        "search-partial": client.get(f"/search/?q={q}", HTTP_HX_REQUEST="true").content.decode(),
        "request": client.get(f"/request/?name={q}").content.decode(),
        "request-posted": client.post("/request/", {"name": "", "details": text}).content.decode(),
        "check-number": client.get(f"/check-number/?number={q}").content.decode(),
        "check-company": client.get(f"/check-number/?company={q}").content.decode(),
        "feedback": client.post(
            "/feedback/acme/website/", {"form": "problem", "comment": text}
        ).content.decode(),
        "not-found": client.get(f"/cancel/{q}/").content.decode(),
        "not-found-route": client.get(f"/cancel/acme/{q}/").content.decode(),
    }


def site_voice(page: str) -> str:
    """What speaks in the site's name: the title, every meta tag's content, JSON-LD, and
    every heading, as text."""
    parts = re.findall(r"<title>(.*?)</title>", page, re.S)
    parts += re.findall(r"<meta [^>]*content=\"([^\"]*)\"", page)
    parts += re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    parts += re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", page, re.S)
    return unicodedata.normalize("NFKC", html.unescape("\n".join(parts)))


@pytest.mark.parametrize("text", SPELLINGS)
def test_no_number_in_titles_previews_or_headings(client, guide, text):
    for name, page in pages(client, text).items():
        voice = site_voice(page)
        assert not phones.find_numbers(voice), f"{name}: {voice}"
        for run in ("737", "0477", "7946"):
            assert run not in voice, f"{name}: {run} in {voice}"


@pytest.mark.parametrize("text", SPELLINGS)
def test_a_number_shown_in_the_body_stands_beside_a_warning(client, guide, text):
    shown = pages(client, text)
    for name in ("search", "search-fr", "search-partial", "request"):
        page = shown[name]
        assert 'class="number-warning"' in page, name
        assert 'href="/check-number/?number=' in page or 'href="/fr/check-number/?number=' in page


def test_the_title_still_names_a_search_without_a_number(client, db):
    page = client.get("/search/?q=kaspersky").content.decode()
    assert "<title>“kaspersky”: search | cancelflow</title>" in page
    assert 'class="number-warning"' not in page
    assert 'class="number-warning"' not in client.get("/request/?name=Zumba").content.decode()


def test_a_search_with_digits_is_not_named_in_the_title(client, db):
    page = client.get("/search/?q=Windows+11").content.decode()
    assert "<title>Search | cancelflow</title>" in page


def test_the_warning_leads_to_the_check_with_the_number(client, db):
    page = client.get("/search/?q=" + quote("Call 1-855-737-0477 now")).content.decode()
    link = re.search(r'<p class="number-warning".*?href="([^"]+)"', page, re.S).group(1)
    checked = client.get(html.unescape(link)).content.decode()
    assert "We do not know this number" in checked or "known scam number" in checked
