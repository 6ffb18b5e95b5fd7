"""The guides and channels shipped in German (guides/content/) say in German everything a
visitor reads: each translated text that has English words (the registry of
guides/translation.py says which texts, not a list kept here) has German ones beside it.
They load, export and load again byte for byte, and a German visitor reads them."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import models
from django.test import Client
from modeltranslation.translator import translator

from guides.files import exporter
from guides.files.importer import import_paths
from guides.flow.rules import DEFAULT_QUESTIONS
from guides.models import OfficialContact, Provider, PurchaseChannel, Step
from guides.models.translated import translated_fields, translation_columns
from tests.files.test_export import reimport
from tests.web.test_languages import main

GERMAN_GUIDES = ["kaspersky", "apple-music", "youtube-premium"]
GERMAN_CHANNELS = [
    "provider-website",
    "payment-partner",
    "apple-app-store",
    "google-play",
    "amazon",
    "tv-or-phone-provider",
    "best-buy",
    "costco",
]


@pytest.fixture
def shipped(db):
    import_paths()


def guide_objects(slug: str) -> list[models.Model]:
    """A guide and everything of it that carries a text: its category, contacts, notes,
    questions, answers and their steps."""
    provider = Provider.objects.select_related("category").get(slug=slug)
    return [
        provider,
        provider.category,
        *provider.contacts.all(),
        *provider.notes.all(),
        *provider.questions.all(),
        *provider.routes.all(),
        *Step.objects.filter(route__provider=provider),
    ]


def channel_objects(slug: str) -> list[models.Model]:
    """A channel, its variants, and their contacts and standard steps."""
    channel = PurchaseChannel.objects.get(slug=slug, parent=None)
    family = [channel, *channel.variants.all()]
    return [
        *family,
        *OfficialContact.objects.filter(channel__in=family),
        *Step.objects.filter(channel__in=family),
    ]


def untranslated(objects: list[models.Model], language: str) -> list[str]:
    """The texts a visitor reading `language` would still read in English. A default question
    ("Where did you buy it?") is no editor's text: the interface's catalog translates it
    (guides/flow/pages.py, shown_question)."""
    missing = []
    for obj in objects:
        for field in translated_fields(type(obj)):
            english = getattr(obj, f"{field}_{settings.LANGUAGE_CODE}")
            translated = getattr(obj, f"{field}_{language}")
            if english and english not in DEFAULT_QUESTIONS and not translated:
                missing.append(f"{type(obj).__name__} {obj.pk} ({obj}): {field}")
    return missing


def test_every_text_of_the_german_guides_and_channels_has_its_german(shipped):
    objects = [obj for slug in GERMAN_GUIDES for obj in guide_objects(slug)]
    objects += [obj for slug in GERMAN_CHANNELS for obj in channel_objects(slug)]
    assert len(objects) > 100  # the guides and channels are there, with all their parts
    assert untranslated(objects, "de") == []


def test_a_guide_left_in_english_is_found_out(shipped):
    """The check above reads the columns: a guide without German fails it, field by field."""
    norton = Provider.objects.get(slug="norton")
    missing = untranslated(guide_objects("norton"), "de")
    assert f"Provider {norton.pk} (Norton): summary" in missing and len(missing) > 20


def german_texts() -> dict[str, list[tuple]]:
    """Every German text in the database, model by model, whatever the rows' ids and order."""
    found = {}
    for model in translator.get_registered_models():
        columns = [c for c in translation_columns(model) if c.endswith("_de")]
        found[model.__name__] = sorted(
            model.objects.values_list(*columns), key=lambda row: [v or "" for v in row]
        )
    return found


def test_the_german_texts_survive_an_export_and_an_import_byte_for_byte(shipped, tmp_path):
    before = german_texts()
    first = exporter.export_text()
    assert "Mitgliedschaften und Abonnements" in first and "Bekomme ich mein Geld zurück?" in first
    reimport(first, tmp_path, "export.yaml")
    assert exporter.export_text() == first
    assert german_texts() == before


def test_a_german_visitor_reads_the_guide_and_the_store_in_german(shipped):
    client = Client()
    provider = main(client.get("/de/cancel/kaspersky/").content.decode())
    assert "Wie Sie ein Kaspersky-Abonnement beenden" in provider
    assert "Finden Sie heraus, wer abbucht" in provider
    assert "Find out who is billing you" not in provider

    # Amazon's standard steps, amazon.de's, then Kaspersky's own, all in German.
    steps = main(client.get("/de/cancel/kaspersky/amazon/amazon-de/?region=de").content.decode())
    assert "Öffnen Sie „Mitgliedschaften und Abonnements“" in steps
    assert "https://www.amazon.de/yourmembershipsandsubscriptions" in steps
    assert "Verträge hier kündigen" in steps
    assert "Kündigen Sie bei Kaspersky" in steps
    assert "Memberships &amp; Subscriptions" not in steps and "Cancel with Kaspersky" not in steps

    # In the United States there is one store: amazon.com's steps, in English as they were.
    english = main(client.get("/cancel/kaspersky/amazon/?region=us").content.decode())
    assert "Open Memberships &amp; Subscriptions" in english and "Abonnements" not in english
    assert "https://www.amazon.com/yourmembershipsandsubscriptions" in english
    assert "amazon.de" not in english
