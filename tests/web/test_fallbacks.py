"""What a visitor sees of a guide not (or no longer) translated into the page's language: a
text not translated is shown in English, marked `lang="en"` for screen readers, and the page
says once, in its own language, that part of it is not translated yet, with a link to the
page in English; a translation made from an English text that has changed since is flagged,
with the English original. In every language a page costs the same queries."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from guides.caching import memory, pages, versions
from guides.flow.rules import DEFAULT_QUESTIONS
from guides.models import (
    Category,
    OfficialContact,
    Provider,
    ProviderNote,
    PurchaseChannel,
    Question,
    Route,
    Step,
)
from guides.models.translated import confirm_translation, translated_fields
from tests.recorded import load_guides

SAMPLE = "tests/data/sample.yaml"
NOTICE_DE = "Ein Teil dieser Seite ist noch nicht ins Deutsche übersetzt"
UNTRANSLATED = 'lang="en" class="untranslated"'
STEPS = "/cancel/acme/website/region-a/"
PAGES = [
    "/",
    "/category/security-software/",
    "/cancel/acme/",
    "/cancel/acme/website/",
    STEPS,
    "/cancel/acme/app-store/mac/",
    "/channels/app-store/",
    "/search/?q=acme",
    "/search/?q=zzzz",
]


@pytest.fixture
def sample(db):
    load_guides(SAMPLE)
    step = Step.objects.get(title_en="Use the link in your order email")
    step.body = "Find the email we sent when you **bought** Acme."
    step.save()


def translate_everything(language: str = "de") -> None:
    """Every text of every guide translated into `language` (a default question stays the
    site's own, which its catalog translates)."""
    for model in (
        Category,
        Provider,
        Route,
        Step,
        ProviderNote,
        Question,
        PurchaseChannel,
        OfficialContact,
    ):
        for obj in model.objects.all():
            for field in translated_fields(model):
                english = getattr(obj, f"{field}_en")
                if english and english not in DEFAULT_QUESTIONS:
                    setattr(obj, f"{field}_{language}", f"{english} [{language}]")
            obj.save()


def main(client: Client, path: str, **headers) -> str:
    response = client.get(path, **headers)
    assert response.status_code == 200, path
    html = response.content.decode()
    found = re.search(r"<main\b.*?</main>", html, re.S)
    return found.group(0) if found else html


def test_a_text_not_translated_is_shown_in_english_marked_so(sample):
    html = main(Client(), f"/de{STEPS}")
    assert f"<h3><span {UNTRANSLATED}>Use the link in your order email</span></h3>" in html
    assert (
        f"<div {UNTRANSLATED}><p>Find the email we sent when you <strong>bought</strong> "
        "Acme.</p></div>" in html
    )
    assert f"<strong><span {UNTRANSLATED}>Region A</span></strong>" in html  # an answer
    assert f"<h4><span {UNTRANSLATED}>Protection runs to the end of the period</span></h4>" in html
    # The interface's own words are German, the site's default question too.
    assert "Schritte zur Kündigung von Acme Antivirus" in html
    assert '<span class="answer-question">Wo haben Sie es gekauft?</span>' in html


def test_the_page_says_once_in_its_language_that_part_of_it_is_in_english(sample):
    html = main(Client(), f"/de{STEPS}")
    assert html.count(NOTICE_DE) == 1
    assert html.index(NOTICE_DE) < html.index("<h1>")  # first thing of the page
    assert f'<a href="{STEPS}" hreflang="en">Die ganze Seite auf Englisch lesen</a>' in html
    french = main(Client(), f"/fr{STEPS}")
    assert "Une partie de cette page n\u2019est pas encore traduite en français" in french


@pytest.mark.parametrize("path", PAGES)
def test_every_page_marks_its_english_texts_and_says_so(sample, path):
    html = main(Client(), f"/de{path}")
    assert UNTRANSLATED in html, path
    assert html.count(NOTICE_DE) == 1, path


@pytest.mark.parametrize("path", PAGES)
def test_the_english_page_has_neither_marks_nor_notice(sample, path):
    html = main(Client(), path)
    assert "untranslated" not in html and 'class="outdated"' not in html, path


@pytest.mark.parametrize("path", PAGES)
def test_a_guide_translated_in_full_shows_no_notice(sample, path):
    translate_everything()
    html = main(Client(), f"/de{path}")
    assert "[de]" in html, path
    assert UNTRANSLATED not in html and 'class="outdated"' not in html, path
    assert NOTICE_DE not in html, path


def test_the_steps_in_german_in_full(sample):
    translate_everything()
    html = main(Client(), f"/de{STEPS}")
    assert "<h3>Use the link in your order email [de]</h3>" in html
    assert "<strong>Region A [de]</strong>" in html
    # the sample's route asks "Where do you live?", a question the site's catalog translates
    assert '<span class="answer-question">Wo wohnen Sie?</span>' in html


def outdate_the_step() -> Step:
    translate_everything()
    step = Step.objects.get(title_en="Use the link in your order email")
    step.title_en = "Use the link in the email of your order"
    step.body_en = "Find the email we sent when you **ordered** Acme."
    step.save()
    return step


def test_an_outdated_translation_is_flagged_with_its_english_original(sample):
    outdate_the_step()
    html = main(Client(), f"/de{STEPS}")
    assert (
        '<h3>Use the link in your order email [de] <small class="outdated">(Diese '
        'Übersetzung ist möglicherweise veraltet. Auf Englisch: <span lang="en">Use the '
        "link in the email of your order</span>)</small></h3>" in html
    )
    assert (
        "<p>Find the email we sent when you <strong>bought</strong> Acme. [de]</p>"
        '<details class="outdated"><summary>Diese Übersetzung ist möglicherweise veraltet: '
        'das englische Original zeigen</summary><div lang="en"><p>Find the email we sent '
        "when you <strong>ordered</strong> Acme.</p></div></details>" in html
    )
    assert NOTICE_DE not in html  # translated, if perhaps not up to date
    assert 'class="outdated"' not in main(Client(), STEPS)


def test_confirming_the_translation_removes_the_flag(sample):
    step = outdate_the_step()
    assert 'class="outdated"' in main(Client(), f"/de{STEPS}")
    confirm_translation(step, "title", "de")
    confirm_translation(step, "body", "de")
    html = main(Client(), f"/de{STEPS}")
    assert 'class="outdated"' not in html
    assert "<h3>Use the link in your order email [de]</h3>" in html


def test_htmx_sends_the_notice_into_its_place_at_the_top_of_the_page(sample):
    client = Client()
    full = main(client, "/de/cancel/acme/")
    assert full.count('id="untranslated-notice"') == 1
    partial = client.get(f"/de{STEPS}", HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="untranslated-notice" hx-swap-oob="true">')
    assert partial.count(NOTICE_DE) == 1
    english = client.get(STEPS, HTTP_HX_REQUEST="true").content.decode()
    assert "untranslated" not in english


def test_a_page_translated_in_full_keeps_an_empty_place_for_htmx_to_fill(sample):
    translate_everything()
    client = Client()
    full = main(client, "/de/cancel/acme/")
    assert '<div id="untranslated-notice"></div>' in full
    partial = client.get(f"/de{STEPS}", HTTP_HX_REQUEST="true").content.decode()
    assert "untranslated-notice" not in partial


def test_pages_kept_in_memory_and_in_the_cache_stay_in_their_own_language(sample):
    """A guide is kept in memory once, whatever the language it was first read in; the
    question a German editor worded never reaches the English page."""
    acme = Provider.objects.get(slug="acme")
    acme.first_question_de = "Wo haben Sie Acme abonniert?"
    acme.save()
    client = Client()
    german = main(client, "/de/cancel/acme/")
    assert '<h2 id="flow-heading" tabindex="-1">Wo haben Sie Acme abonniert?</h2>' in german
    english = main(client, "/cancel/acme/")
    assert '<h2 id="flow-heading" tabindex="-1">Where did you buy it?</h2>' in english
    assert "untranslated" not in english
    answers = main(client, "/cancel/acme/website/")
    assert '<span class="answer-question">Where did you buy it?</span>' in answers
    assert NOTICE_DE in main(client, "/de/cancel/acme/")  # the page cache, in German


def queries(path: str, **headers) -> int:
    """The queries a page costs from cold: nothing kept in the cache or in memory (the change
    log read before, as a page reads it at most every CONTENT_POLL_SECONDS)."""
    cache.clear()
    memory.guides.clear()
    pages.pages.clear()
    versions.process.current()
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(path, **headers)
    assert response.status_code == 200, path
    return len(captured.captured_queries)


@pytest.mark.parametrize("path", PAGES)
def test_a_page_costs_the_same_queries_in_every_language(sample, path):
    english = queries(path)
    assert queries(f"/de{path}") == english
    translate_everything()
    outdate_the_step()
    assert queries(f"/de{path}") == english
    assert queries(f"/fr{path}") == english


def test_an_htmx_page_costs_the_same_queries_in_every_language(sample):
    english = queries(STEPS, HTTP_HX_REQUEST="true")
    assert queries(f"/de{STEPS}", HTTP_HX_REQUEST="true") == english
