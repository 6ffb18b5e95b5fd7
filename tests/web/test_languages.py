"""The visitor's pages in every language of the site."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from guides.flow.guide import Guide
from guides.models import Provider
from tests import factories
from tests.recorded import load_guides

SAMPLE = "tests/data/sample.yaml"
LANGUAGES = ["de", "fr", "es"]


@pytest.fixture
def sample(db):
    load_guides(SAMPLE)
    acme = Provider.objects.get(slug="acme")
    # A second guide in Acme's category, so that its page lists related guides.
    factories.make_provider(name="Bolt Antivirus", slug="bolt", category=acme.category)


def main(html: str, title: bool = False) -> str:
    """The page's own content: its <main>, with its <title> where the page's template sets it
    (an error page's). The header, the footer and the metadata come from base.html and
    guides/web/seo.py, which are translated apart from these pages."""
    found = re.search(r"<main\b.*?</main>", html, re.S)
    assert found, html
    head = re.search(r"<title>.*?</title>", html, re.S) if title else None
    return (head.group(0) if head else "") + found.group(0)


# == The visitor's interface: templates, forms, the flow, error pages and steps.js ===========

# Each visitor page, and sentences of the interface it shows in English: none of them may be
# left in English on the same page in another language.
PAGES = {
    "home": (
        "/",
        200,
        [
            "Cancel a subscription, step by step",
            "Pick what you pay for",
            "What do you want to cancel?",
            ">Search<",
            "Popular guides",
            "Browse by category",
        ],
    ),
    "search with results": (
        "/search/?q=acme",
        200,
        [">Search<", "What do you want to cancel?", "1 guide for", "How to cancel Acme"],
    ),
    "search without results": (
        "/search/?q=zzzz",
        200,
        [
            ">Search<",
            "No guide for",
            "Check the spelling",
            "Can't find it?",
            "Request a guide",
        ],
    ),
    "category": (
        "/category/security-software/",
        200,
        [
            ">Home<",
            "cancel a subscription",
            "Pick the one you pay for",
            "How to cancel Acme",
            "about 5 minutes",
            "Not listed?",
            "Request a guide",
        ],
    ),
    "channel": (
        "/channels/app-store/",
        200,
        [
            "How to cancel anything bought on",
            "standard steps",
            "The guides below",
            "First steps, on any device",
            "Guides for things sold on",
            "How to cancel Acme",
        ],
    ),
    "provider": (
        "/cancel/acme/",
        200,
        [
            "How to cancel Acme",
            "Cancel online",
            "Ways to cancel",
            "Time to cancel",
            "About 5 minutes",
            "Last verified",
            "Not yet verified",
            "Where did you buy it?",
            "Things to know",
            "Questions people ask",
            "More guides in",
            "Every guide in",
        ],
    ),
    "question": (
        "/cancel/acme/website/",
        200,
        ["Your answers", "Where did you buy it?", ">Change<", "your answer to"],
    ),
    "steps": (
        "/cancel/acme/website/region-a/",
        200,
        [
            "Your answers",
            "Steps to cancel Acme",
            "Beware of fake support numbers",
            "A real company will never ask",
            "Published on",
            "the official page",
            "After you cancel",
            "Start again",
            "Did this work?",
            "Report a problem with a step",
        ],
    ),
    "feedback": (
        "/feedback/acme/website/region-a/",
        200,
        [
            ">Feedback<",
            "Did this work?",
            "About the steps to cancel",
            "Yes, it worked",
            "No, it did not work",
            "Anything to add?",
            "Please leave out your name",
            "Send to the editors",
            "Back to the steps",
            "We keep no address",
        ],
    ),
    "feedback, a problem": (
        "/feedback/acme/website/region-a/?answer=problem",
        200,
        ["Report a problem with a step", "Which step?", "Choose a step", "What is wrong?"],
    ),
    "feedback sent": (
        "/feedback/acme/website/region-a/?sent=answer",
        200,
        ["Thank you.", "Your answer has reached the editors", "Back to the steps"],
    ),
    "request": (
        "/request/",
        200,
        [
            "Request a guide",
            "Tell the editors what you want to cancel",
            "What do you want to cancel?",
            "Anything that would help",
            "For example where you bought it",
            "Send the request",
            "Please don't include your email address",
        ],
    ),
    "request thanks": (
        "/request/thanks/",
        200,
        ["Thank you: your request was sent", "The editors will see it", "Back to the guides"],
    ),
    "not found": (
        "/nope/",
        404,
        ["Page not found", "We could not find that page", "does not exist", "Find your provider"],
    ),
}


def get(client: Client, path: str, status: int) -> str:
    response = client.get(path)
    assert response.status_code == status, path
    return main(response.content.decode(), title=status >= 400)


@pytest.mark.parametrize("page", PAGES)
def test_every_visitor_page_is_translated_and_english_keeps_its_words(sample, page):
    """English first, then each language, then English again: words kept in memory with a
    guide (its page's fragments, its metadata) belong to one language, never to the next."""
    path, status, english = PAGES[page]
    client = Client()
    first = get(client, path, status)
    for text in english:
        assert text in first, (page, "en", text)
    for language in LANGUAGES:
        html = get(client, f"/{language}{path}", status)
        left = [text for text in english if text in html]
        assert not left, (page, language, left)
    again = get(client, path, status)
    for text in english:
        assert text in again, (page, "en again", text)


def test_a_page_shows_its_language_s_words(sample):
    client = Client()
    assert "So kündigen Sie Acme Antivirus" in get(client, "/de/cancel/acme/", 200)
    assert "Wo haben Sie es gekauft?" in get(client, "/de/cancel/acme/", 200)
    assert "Où l\u2019avez-vous acheté\u00a0?" in get(client, "/fr/cancel/acme/", 200)
    assert "¿Dónde lo compró?" in get(client, "/es/cancel/acme/", 200)
    assert "1 Anleitung für „acme“" in get(client, "/de/search/?q=acme", 200)
    assert "Online kündbar</dt><dd>Ja</dd>" in get(client, "/de/cancel/acme/", 200)


def test_a_category_s_name_keeps_its_capitals(sample):
    """A sentence names a category as it is written (German capitalises its nouns), never
    lowercased into the sentence."""
    client = Client()
    category = get(client, "/category/security-software/", 200)
    assert "<h1>Security software: cancel a subscription</h1>" in category
    provider = get(client, "/cancel/acme/", 200)
    assert "More guides in Security software" in provider
    assert "Every guide in Security software" in provider
    german = get(client, "/de/cancel/acme/", 200)
    # Not translated into German yet: in English, marked so (tests/web/test_fallbacks.py).
    assert (
        'Weitere Anleitungen in der Kategorie <span lang="en" class="untranslated">'
        "Security software</span>" in german
    )


def test_htmx_partials_are_translated_too(sample):
    client = Client()
    search = client.get("/de/search/?q=zzzz", HTTP_HX_REQUEST="true").content.decode()
    assert "Noch keine Anleitung für „zzzz“." in search and "No guide for" not in search
    flow = client.get("/fr/cancel/acme/website/", HTTP_HX_REQUEST="true").content.decode()
    assert "Vos réponses" in flow and "Your answers" not in flow
    assert 'data-title="Résilier Acme Antivirus\u00a0: Acme&#x27;s website | cancelflow"' in flow


def test_a_visitor_s_words_stay_escaped_in_every_language(sample):
    query = "<b>x</b>"
    for prefix in ["", "/de", "/fr", "/es"]:
        html = Client().get(f"{prefix}/search/", {"q": query}).content.decode()
        assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html, prefix


def test_form_errors_are_in_the_page_s_language(sample):
    response = Client().post("/de/request/", {"name": "", "details": "x" * 1001})
    html = response.content.decode()
    assert "Bitte geben Sie an, was Sie kündigen möchten." in html
    assert "Bitte schreiben Sie höchstens 1.000 Zeichen." in html
    assert "Please" not in main(html)
    response = Client().get("/es/search/", {"q": "x" * 101})
    assert "Busque con 100 caracteres como máximo, por favor." in response.content.decode()


def test_plural_forms(sample):
    client = Client()
    assert "2 Anleitungen" in get(client, "/de/category/security-software/", 200)
    assert "2 guides. Choisissez" in get(client, "/fr/category/security-software/", 200)
    assert "1 guía para «acme»" in get(client, "/es/search/?q=acme", 200)


def test_the_javascript_catalog_holds_the_words_of_the_steps_script(sample):
    catalog = Client().get("/de/jsi18n/").content.decode()
    for text in ["Erledigt", "E-Mail kopieren", "(Schritt %(number)s)", "Alle %(total)s Schritte"]:
        assert text in catalog, text
    assert "(paso %(number)s)" in Client().get("/es/jsi18n/").content.decode()
    french = Client().get("/fr/jsi18n/").content.decode()
    assert '"Copy the email": "Copier l\\u2019e-mail"' in french


def test_a_server_error_page_in_the_visitor_s_language(db, monkeypatch):
    from guides.web import lookups

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(lookups, "load_provider", boom)
    response = Client(raise_request_exception=False).get("/de/cancel/anything/")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="de">' in html and 'href="/de/"' in html
    assert "Bei uns ist etwas schiefgelaufen" in html and "Something went wrong" not in html


def test_what_is_kept_stays_english_whatever_the_language(sample):
    """The default questions and the summary are data too: the export of the guides, the
    API and the database keep them in English, whichever language is active; only a page
    shows them translated."""
    english = io.StringIO()
    call_command("export_guides", stdout=english)
    german = io.StringIO()
    with translation.override("de"):
        call_command("export_guides", stdout=german)
        summary = Guide(Provider.objects.get(slug="acme")).summary
        assert (summary.cancel_online, summary.cancel_online_label) == ("Yes", "Ja")
    assert german.getvalue() == english.getvalue()
    assert Provider.objects.get(slug="acme").first_question == "Where did you buy it?"
    api = Client(HTTP_ACCEPT_LANGUAGE="de").get("/api/v1/providers/acme/").json()
    assert api["cancel_online"] == "Yes"
    assert api["flow"]["question"] == "Where did you buy it?"


# == End of the visitor's interface =========================================================
