"""The API in the site's languages: `lang` asks for one, texts not translated into it are in
English, and every object says which language each of its texts is in."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from guides.api.v1 import openapi_document
from guides.flow.rules import FIRST_QUESTION, ROUTE_QUESTION
from guides.models import (
    Category,
    OfficialContact,
    Provider,
    ProviderNote,
    PurchaseChannel,
    Route,
    Step,
)
from tests import factories
from tests.api.test_api import get

CONTENT = [
    "/api/v1/providers/",
    "/api/v1/providers/acme/",
    "/api/v1/channels/",
    "/api/v1/channels/app-store/",
    "/api/v1/categories/",
]


def with_lang(url: str, lang: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang={lang}"


def in_german(text: str) -> str:
    """What the interface's German catalog makes of `text`."""
    with translation.override("de"):
        return translation.gettext(text)


@pytest.fixture
def german(guides):
    """Some of acme's texts translated into German, the rest left in English."""
    Provider.objects.filter(pk=guides.pk).update(
        summary_de="Ein Beispiel.", aliases_de="Acme Virenschutz"
    )
    Category.objects.filter(slug="security-software").update(name_de="Sicherheitssoftware")
    Route.objects.filter(provider=guides, slug="website").update(
        label_de="Die Website von Acme", question_de="Wo wohnen Sie?"
    )
    Step.objects.filter(title_en="Sign in to your account").update(
        title_de="Melden Sie sich an",
        link_url="https://example.com/account",
        link_label_en="Your account",
        email_subject_en="Cancel",
        email_subject_de="Kündigung",
        email_body_en="Please cancel.",
    )
    ProviderNote.objects.filter(title_en="Check who bills you").update(title_de="Wer bucht ab?")
    OfficialContact.objects.filter(value="https://example.com/acme/contact").update(
        label_en="Contact form", label_de="Kontaktformular"
    )
    return guides


def test_german_texts_where_translated_english_elsewhere_each_saying_which(german, client):
    response = get(client, "/api/v1/providers/acme/?lang=de")
    assert response.status_code == 200 and response["Content-Language"] == "de"
    data = response.json()
    assert data["lang"] == "de"
    assert data["summary"] == "Ein Beispiel." and data["aliases"] == ["Acme Virenschutz"]
    assert data["languages"] == {"summary": "de", "aliases": "de"}
    assert data["category"]["name"] == "Sicherheitssoftware"
    assert data["category"]["languages"] == {"name": "de"}
    assert data["contacts"][0]["label"] == "Kontaktformular"
    assert data["contacts"][0]["languages"] == {"label": "de"}
    before, after = data["notes"]
    assert before["title"] == "Wer bucht ab?"
    assert before["languages"] == {"title": "de", "body": "en"}
    assert before["body"] == "Look at your **card statement**."
    assert after["languages"] == {"title": "en", "body": "en"}

    website = data["flow"]["answers"][0]
    assert website["label"] == "Die Website von Acme" and website["question"] == "Wo wohnen Sie?"
    assert website["languages"] == {"label": "de", "question": "de"}
    region = website["answers"][0]
    assert region["languages"] == {"label": "en", "question": None}  # a leaf asks nothing
    sign_in = region["steps"][0]
    assert sign_in["title"] == "Melden Sie sich an"
    assert sign_in["languages"] == {"title": "de", "body": "en"}
    assert sign_in["link"] == {
        "url": "https://example.com/account",
        "label": "Your account",
        "languages": {"label": "en"},
    }
    assert sign_in["email"]["subject"] == "Kündigung"
    assert sign_in["email"]["body"] == "Please cancel."
    assert sign_in["email"]["languages"] == {"subject": "de", "body": "en"}
    assert "subject=K%C3%BCndigung" in sign_in["email"]["href"]


def test_the_same_texts_in_english_by_default(german, client):
    default = get(client, "/api/v1/providers/acme/")
    assert default["Content-Language"] == "en"
    assert default.json() == get(client, "/api/v1/providers/acme/?lang=en").json()
    data = default.json()
    assert data["lang"] == "en" and data["summary"] == "A sample guide."
    assert data["languages"] == {"summary": "en", "aliases": "en"}
    sign_in = data["flow"]["answers"][0]["answers"][0]["steps"][0]
    assert sign_in["title"] == "Sign in to your account"
    assert sign_in["email"]["languages"] == {"subject": "en", "body": "en"}


def test_a_language_with_no_translation_falls_back_to_english(guides, client):
    data = get(client, "/api/v1/providers/acme/?lang=fr").json()
    english = get(client, "/api/v1/providers/acme/").json()
    assert data["lang"] == "fr"
    assert data["summary"] == english["summary"] and data["languages"]["summary"] == "en"
    store = data["flow"]["answers"][1]
    assert store["label"] == "Apple App Store"
    assert store["languages"] == {"label": "en", "question": "en"}  # the channel's own words
    assert store["channel"]["languages"] == {"name": "en"}
    mac = store["variants"][1]
    assert mac["name"] == "On a Mac" and mac["languages"] == {"name": "en", "hint": "en"}
    assert [s["languages"] for s in mac["steps"]] == [{"title": "en", "body": "en"}] * 3
    # The site's page in that language, with the same answers.
    assert mac["web_url"] == "/fr/cancel/acme/app-store/mac/"
    assert data["web_url"] == "/fr/cancel/acme/"


def test_default_questions_and_the_interface_are_in_the_language_asked_for(guides, client):
    data = get(client, "/api/v1/providers/acme/?lang=de").json()
    assert data["flow"]["question"] == in_german(FIRST_QUESTION) != FIRST_QUESTION
    assert data["flow"]["languages"] == {"question": "de"}
    assert data["difficulty_meaning"] == in_german(
        "A clear cancel option in your account or where you bought it."
    )
    website = data["flow"]["answers"][0]
    # the sample's own wording is the site's question "Where do you live?", which the catalog
    # translates like every default question (guides/flow/rules.py)
    assert website["question"] == in_german("Where do you live?") != "Where do you live?"
    assert website["languages"]["question"] == "de"
    Route.objects.filter(slug="website").update(question_en="")
    website = get(client, "/api/v1/providers/acme/?lang=de").json()["flow"]["answers"][0]
    assert website["question"] == in_german(ROUTE_QUESTION) != ROUTE_QUESTION
    assert website["languages"]["question"] == "de"
    # Values stay what they are, in every language.
    assert data["cancel_online"] == "Yes"
    assert data["methods"] == ["Website", "App store", "Retailer"]


def test_an_editors_first_question_in_german(guides, client):
    Provider.objects.filter(pk=guides.pk).update(
        first_question_en="How did you pay?", first_question_de="Wie haben Sie bezahlt?"
    )
    flow = get(client, "/api/v1/providers/acme/?lang=de").json()["flow"]
    assert flow == {**flow, "question": "Wie haben Sie bezahlt?", "languages": {"question": "de"}}
    flow = get(client, "/api/v1/providers/acme/?lang=es").json()["flow"]
    assert flow == {**flow, "question": "How did you pay?", "languages": {"question": "en"}}


def test_channels_and_categories_in_german(german, client):
    Category.objects.filter(slug="security-software").update(description_en="Antivirus.")
    data = get(client, "/api/v1/categories/?lang=de").json()
    assert data["lang"] == "de"
    security = data["results"][1]
    assert security["name"] == "Sicherheitssoftware" and security["description"] == "Antivirus."
    assert security["languages"] == {"name": "de", "description": "en"}
    assert security["providers_url"] == "/api/v1/providers/?category=security-software&lang=de"
    assert security["web_url"].startswith("/de/")

    channels = get(client, "/api/v1/channels/?lang=de").json()
    website = channels["results"][2]
    assert website["steps"][0]["title"] == "Melden Sie sich an"
    assert website["languages"] == {"name": "en", "hint": "en", "variant_question": "en"}
    assert website["url"] == "/api/v1/channels/provider-website/?lang=de"
    store = get(client, "/api/v1/channels/app-store/?lang=de").json()
    assert store["lang"] == "de"
    assert store["providers_url"] == "/api/v1/providers/?channel=app-store&lang=de"
    assert store["variants"][0]["languages"] == {"name": "en", "hint": "en"}


def test_links_keep_the_language(german, client):
    for n in range(3):
        factories.make_provider(slug=f"p{n}", name=f"P{n}")
    first = get(client, "/api/v1/providers/?page_size=2&lang=de").json()
    assert first["lang"] == "de"
    assert first["next"] == "/api/v1/providers/?page=2&page_size=2&lang=de"
    second = get(client, first["next"]).json()
    assert second["previous"] == "/api/v1/providers/?page=1&page_size=2&lang=de"
    acme = first["results"][0]
    assert acme["url"] == "/api/v1/providers/acme/?lang=de"
    assert acme["web_url"] == "/de/cancel/acme/"
    assert acme["summary"] == "Ein Beispiel."
    assert get(client, acme["url"]).json()["lang"] == "de"


def test_lists_are_in_the_same_order_and_search_the_same_names_in_every_language(german, client):
    # Sorted by their German names, news (Zeitungen) would follow security software
    # (Sicherheitssoftware), and the channels would come the other way round: the order is
    # the English names', the same in every language.
    Category.objects.filter(slug="news").update(name_de="Zeitungen")
    german_names = {"amazon": "Zuletzt", "app-store": "Mitte", "provider-website": "Anfang"}
    for slug, name in german_names.items():
        PurchaseChannel.objects.filter(slug=slug).update(name_de=name)

    def slugs(url):
        return [r["slug"] for r in get(client, url).json()["results"]]

    assert slugs("/api/v1/categories/?lang=de") == slugs("/api/v1/categories/")
    assert slugs("/api/v1/channels/?lang=de") == slugs("/api/v1/channels/")
    # The search finds a provider by its names as written in English, as the site's does.
    assert slugs("/api/v1/providers/?q=acme%20total&lang=de") == ["acme"]
    assert slugs("/api/v1/providers/?q=the%20daily&lang=fr") == ["daily"]


@pytest.mark.parametrize("url", CONTENT)
@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("xx", "lang: expected one of en, de, fr, es, got 'xx'."),
        ("DE", "lang: expected one of en, de, fr, es, got 'DE'."),
        ("de-at", "lang: expected one of en, de, fr, es, got 'de-at'."),
        ("", "lang: expected one of en, de, fr, es, got ''."),
        ("de&lang=fr", "lang: give it once."),
    ],
)
def test_a_language_not_of_the_site_is_a_json_400(guides, client, url, lang, message):
    response = get(client, with_lang(url, lang))
    assert response.status_code == 400
    assert response.json() == {"error": {"status": 400, "message": message}}
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "no-cache"


def test_each_language_has_its_own_etag(guides, client):
    english = get(client, "/api/v1/providers/acme/")
    german = get(client, "/api/v1/providers/acme/?lang=de")
    french = get(client, "/api/v1/providers/acme/?lang=fr")  # nothing translated: still apart
    assert len({english["ETag"], german["ETag"], french["ETag"]}) == 3
    assert german["Cache-Control"] == english["Cache-Control"] == "public, max-age=300"
    # A client holding the English response gets the German one in full, and the other way.
    url = "/api/v1/providers/acme/?lang=de"
    stale = client.get(url, headers={"if-none-match": english["ETag"]})
    assert stale.status_code == 200 and stale.json()["lang"] == "de"
    not_modified = client.get(url, headers={"if-none-match": german["ETag"]})
    assert not_modified.status_code == 304
    # A cache refreshes the German response it keeps with the 304's headers.
    assert not_modified["Content-Language"] == "de"
    back = client.get("/api/v1/providers/acme/", headers={"if-none-match": german["ETag"]})
    assert back.status_code == 200 and back["ETag"] == english["ETag"]
    head = client.head(url)
    assert head.status_code == 200 and head["ETag"] == german["ETag"]


def test_a_request_in_german_leaves_the_next_one_english(german, client):
    get(client, "/api/v1/providers/acme/?lang=de")
    data = get(client, "/api/v1/providers/acme/").json()
    assert data["lang"] == "en" and data["summary"] == "A sample guide."
    assert translation.get_language() != "de"


def test_the_same_queries_in_every_language(german, client):
    for url in CONTENT:
        counts = {}
        for lang in ("en", "de"):
            with CaptureQueriesContext(connection) as queries:
                assert get(client, with_lang(url, lang)).status_code == 200
            counts[lang] = len(queries)
        assert counts["en"] == counts["de"], (url, counts)


def test_the_document_offers_the_languages_of_the_site():
    document = openapi_document()
    for url in CONTENT:
        operation = document["paths"][url.replace("acme", "{slug}").replace("app-store", "{slug}")]
        lang = next(p for p in operation["get"]["parameters"] if p["name"] == "lang")
        assert lang["in"] == "query" and not lang["required"]
        assert lang["schema"]["enum"] == [code for code, _ in settings.LANGUAGES]
        assert lang["schema"]["default"] == "en"
        assert "400" in operation["get"]["responses"]
    index = document["paths"]["/api/v1/"]["get"]
    assert "lang" not in [p["name"] for p in index["parameters"]]
