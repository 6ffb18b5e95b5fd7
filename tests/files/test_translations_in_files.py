"""Guide files carry the translations of every translated text (guides/files/translations.py):
they load into the language's columns, export again byte for byte, and are checked like
any other text, with the line that names what is wrong."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import CommandError, call_command

from guides.files import exporter
from guides.files.validation import schema
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
from guides.models.translated import other_languages, translated_fields
from tests.files.test_export import reimport
from tests.files.test_import import SAMPLE


def translated_sample() -> dict:
    """The sample guides with a German, French and Spanish text on every kind of object."""
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    data["categories"][0]["translations"] = {"de": {"name": "Sicherheitssoftware"}}
    channel = next(c for c in data["channels"] if c.get("variants"))
    channel["translations"] = {"de": {"name": "Apple App Store (DE)", "variant_question": "Wo?"}}
    channel["variants"][0]["translations"] = {"fr": {"name": "Sur un iPhone"}}
    acme = data["providers"][0]
    acme["translations"] = {
        "de": {"summary": "Eine Beispielanleitung.", "aliases": ["Acme Virenschutz"]},
        "es": {"first_question": "¿Dónde lo compró?"},
    }
    acme["contacts"][0]["translations"] = {"de": {"label": "Kontaktformular"}}
    acme["notes"][0]["translations"] = {"de": {"title": "Prüfen Sie, wer abbucht"}}
    acme["questions"][0]["translations"] = {"fr": {"question": "Désinstaller suffit-il ?"}}
    route = acme["routes"][0]
    route["translations"] = {"de": {"label": "Acmes Website", "question": "Wo wohnen Sie?"}}
    step = route["routes"][0]["steps"][0]
    step["translations"] = {
        "de": {"title": "Melden Sie sich an", "body": "Mit **Ihrem** Konto."},
        "es": {"title": "Inicie sesión"},
    }
    return data


def load(data: dict, tmp_path, name="guides.yaml") -> None:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    call_command("import_guides", str(path), "--replace", verbosity=0)


def test_translations_load_into_their_columns(db, tmp_path):
    load(translated_sample(), tmp_path)
    category = Category.objects.get(slug="security-software")
    assert category.name_en == "Security software" and category.name_de == "Sicherheitssoftware"
    acme = Provider.objects.get(slug="acme")
    assert acme.aliases_de == "Acme Virenschutz" and acme.first_question_es == "¿Dónde lo compró?"
    assert acme.summary_fr is None  # left out: nothing
    step = Step.objects.get(title_de="Melden Sie sich an")
    assert step.title_es == "Inicie sesión" and step.title_en != step.title_de
    assert Route.objects.get(label_de="Acmes Website").question_de == "Wo wohnen Sie?"


def test_export_import_export_is_byte_identical_with_translations(db, tmp_path):
    load(translated_sample(), tmp_path)
    first = exporter.export_text()
    assert "Sicherheitssoftware" in first and "Inicie sesión" in first
    reimport(first, tmp_path, "again.yaml")
    assert exporter.export_text() == first
    assert exporter.export_text("json") == exporter.export_text("json")


def test_an_export_says_only_the_translations_there_are(db, tmp_path):
    load(translated_sample(), tmp_path)
    data = exporter.export_data()
    acme = data["providers"][0]
    assert acme["translations"] == {
        "de": {"aliases": ["Acme Virenschutz"], "summary": "Eine Beispielanleitung."},
        "es": {"first_question": "¿Dónde lo compró?"},
    }
    assert "translations" not in acme["routes"][1]  # none there


def test_a_translation_left_out_of_the_file_is_removed(db, tmp_path):
    load(translated_sample(), tmp_path)
    data = translated_sample()
    del data["providers"][0]["routes"][0]["routes"][0]["steps"][0]["translations"]["es"]
    load(data, tmp_path, "fewer.yaml")
    step = Step.objects.get(title_de="Melden Sie sich an")
    assert not step.title_es


@pytest.mark.parametrize(
    ("translations", "named"),
    [
        ({"xx": {"title": "?"}}, "xx"),
        ({"en": {"title": "Again"}}, "en"),  # English is the source, not a translation
        ({"de": {"colour": "blau"}}, "colour"),
        ({"de": {}}, "de"),
        ({"de": {"title": "x" * 201}}, "title"),
    ],
)
def test_a_bad_translation_is_refused_with_what_names_it(db, tmp_path, translations, named):
    data = translated_sample()
    data["providers"][0]["routes"][0]["routes"][0]["steps"][0]["translations"] = translations
    before = Step.objects.count()
    with pytest.raises(CommandError) as refused:
        load(data, tmp_path)
    message = str(refused.value)
    assert "translations" in message and named in message, message
    assert Step.objects.count() == before == 0  # nothing loaded


def test_an_unverified_number_in_a_translation_is_refused(db, tmp_path):
    data = translated_sample()
    step = data["providers"][0]["routes"][0]["routes"][0]["steps"][0]
    step["translations"]["fr"] = {"body": "Appelez le 1-855-737-0477."}
    with pytest.raises(CommandError) as refused:
        load(data, tmp_path)
    assert "body_fr" in str(refused.value) or "phone" in str(refused.value).lower()
    assert not Provider.objects.exists()


def test_the_schema_names_every_translated_field_and_language(db):
    """The schema of guide files (guides.schema.json) and the registry of translated fields
    (guides/translation.py) say the same: nothing translated is left out of files."""
    defs = schema()["$defs"]
    assert defs["languages"]["enum"] == other_languages()
    texts = {
        Category: "category_texts",
        OfficialContact: "contact_texts",
        Provider: "provider_texts",
        ProviderNote: "note_texts",
        PurchaseChannel: "channel_texts",
        Question: "question_texts",
        Route: "route_texts",
        Step: "step_texts",
    }
    for model, name in texts.items():
        fields = defs[name]["additionalProperties"]["properties"]
        assert set(fields) - {"outdated"} == set(translated_fields(model)), model.__name__
        assert fields["outdated"]["items"]["enum"] == translated_fields(model), model.__name__
