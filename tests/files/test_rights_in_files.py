"""Rights notes in guide files (docs/format.md, "rights"; guides/files/rights.py): they load by
slug, with their translations, published when the file says so; export, import into an empty
site and export again give the same bytes; a region the site does not know, or a phone
number in any language, is refused with the line that names it; the shipped notes load
with the rest of guides/content/."""

from __future__ import annotations

import datetime

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import call_command

from guides.files import exporter
from guides.files.documents import parse_document
from guides.files.importer import import_documents, import_paths
from guides.models import RightsNote
from tests.files.test_export import reimport
from tests.files.test_import import everything, line_of, refused, write

RIGHTS = {
    "rights": [
        {
            "slug": "eu-withdrawal",
            "region": "EU",
            "status": "published",
            "title": "Withdraw within 14 days",
            "body": "You may **withdraw**.\nGive no reason.",
            "source_url": "https://eur-lex.europa.eu/eli/dir/2011/83/oj",
            "sources": ["https://eur-lex.europa.eu/eli/dir/2019/2161/oj"],
            "took_effect": "2014-06-13",
            "translations": {
                "de": {"title": "Widerruf binnen 14 Tagen", "body": "Sie dürfen widerrufen."},
                "fr": {"title": "Rétractation sous 14 jours"},
            },
        },
        {
            "slug": "gb-subscriptions",
            "region": "GB",
            "status": "published",
            "title": "New subscription rules, not yet in force",
            "source_url": "https://www.legislation.gov.uk/ukpga/2024/13/part/4/chapter/2",
        },
        {
            "slug": "us-ca-draft",
            "region": "US-CA",
            "title": "California, being written",
            "source_url": "https://leginfo.legislature.ca.gov/",
        },
    ]
}


def load(tmp_path, data=RIGHTS, *args, name="rights.yaml"):
    path = write(tmp_path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False), name)
    call_command("import_guides", str(path), *args, verbosity=0)
    return path


def test_notes_load_with_their_translations_and_dates(db, tmp_path):
    load(tmp_path)
    eu = RightsNote.objects.get(slug="eu-withdrawal")
    assert str(eu.region) == "EU" and eu.title_de == "Widerruf binnen 14 Tagen"
    assert eu.title_fr == "Rétractation sous 14 jours" and eu.body_fr is None
    assert eu.took_effect == datetime.date(2014, 6, 13) and eu.last_verified_on is None
    assert eu.source_list == ["https://eur-lex.europa.eu/eli/dir/2019/2161/oj"]
    assert RightsNote.objects.get(slug="gb-subscriptions").took_effect is None


def test_status_published_makes_the_file_what_visitors_read(db, tmp_path):
    load(tmp_path)
    eu = RightsNote.objects.get(slug="eu-withdrawal")
    assert eu.published["title"] == {
        "en": "Withdraw within 14 days",
        "de": "Widerruf binnen 14 Tagen",
        "fr": "Rétractation sous 14 jours",
    }
    assert eu.published_by is None and not eu.has_unpublished_changes
    draft = RightsNote.objects.get(slug="us-ca-draft")
    assert draft.published is None  # a Publisher publishes it in the admin


def test_export_import_export_is_byte_identical(db, tmp_path):
    load(tmp_path)
    first = exporter.export_text()
    assert "rights:" in first and "took_effect: 2014-06-13" in first
    assert "Widerruf binnen 14 Tagen" in first
    RightsNote.objects.all().delete()
    reimport(first, tmp_path, "again.yaml")
    assert exporter.export_text() == first
    assert exporter.export_text("json") == exporter.export_text("json")
    data = exporter.export_data()["rights"]
    assert [entry["slug"] for entry in data] == ["eu-withdrawal", "gb-subscriptions", "us-ca-draft"]
    assert "status" not in data[2] and "translations" not in data[1]  # defaults left out


def test_an_export_writes_what_visitors_read_of_a_published_note(db, tmp_path):
    load(tmp_path)
    eu = RightsNote.objects.get(slug="eu-withdrawal")
    eu.title = "Not reviewed yet"
    eu.save()
    written = exporter.export_data()["rights"][0]
    assert written["title"] == "Withdraw within 14 days" and written["status"] == "published"
    assert "rights" not in exporter.export_data([])  # a file of some guides has none


def test_importing_twice_changes_nothing_and_keeps_what_editors_changed(db, tmp_path):
    path = load(tmp_path)
    assert not import_paths([path]).changed
    eu = RightsNote.objects.get(slug="eu-withdrawal")
    eu.title = "An editor's better title"
    eu.save()
    report = import_paths([path], keep_existing=True)
    assert "rights note eu-withdrawal" in report.kept
    assert report.not_overwritten["rights note eu-withdrawal"]
    eu.refresh_from_db()
    assert eu.title == "An editor's better title"
    load(tmp_path, RIGHTS, "--replace")  # an operator's deliberate act
    eu.refresh_from_db()
    assert eu.title == "Withdraw within 14 days" and not eu.has_unpublished_changes


def test_a_file_that_republishes_a_note_clears_its_editors(db, tmp_path):
    load(tmp_path)
    note = RightsNote.objects.get(slug="us-ca-draft")
    note.note_editor(get_user_model().objects.create_user("edith"))
    data = yaml.safe_load(yaml.safe_dump(RIGHTS))
    data["rights"][2]["status"] = "published"
    load(tmp_path, data, "--replace")
    note.refresh_from_db()
    assert note.published is not None and not note.editors.exists()


@pytest.mark.parametrize("code", ["XX", "US-NY", "OTHER"])
def test_a_region_the_site_does_not_know_is_refused_with_its_line(db, tmp_path, code):
    data = yaml.safe_load(yaml.safe_dump(RIGHTS))
    data["rights"][1]["region"] = code
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path = write(tmp_path, text, "rights.yaml")
    before = everything()
    message = refused(path, "rights[1] (gb-subscriptions)", "region")
    if code != "OTHER":  # OTHER is no code at all: the schema refuses it first
        assert f"line {line_of(text, f'region: {code}')}" in message
    assert everything() == before


def test_a_lowercase_region_and_a_slug_used_twice_are_refused(db, tmp_path):
    data = yaml.safe_load(yaml.safe_dump(RIGHTS))
    data["rights"][0]["region"] = "eu"
    refused(write(tmp_path, yaml.safe_dump(data), "a.yaml"), "region", "'eu'")
    data = yaml.safe_load(yaml.safe_dump(RIGHTS))
    data["rights"][2]["slug"] = "eu-withdrawal"
    refused(write(tmp_path, yaml.safe_dump(data), "b.yaml"), "slug 'eu-withdrawal' is also used")
    assert not RightsNote.objects.exists()


@pytest.mark.parametrize(("language", "field"), [("en", "body"), ("de", "title"), ("fr", "body")])
def test_a_phone_number_in_any_language_is_refused(db, tmp_path, language, field):
    data = yaml.safe_load(yaml.safe_dump(RIGHTS))
    entry = data["rights"][0]
    scam = "Call 1-855-737-0477 to withdraw."
    if language == "en":
        entry[field] = scam
    else:
        entry["translations"][language][field] = scam
    refused(write(tmp_path, yaml.safe_dump(data, allow_unicode=True)), "reads as a phone number")
    assert not RightsNote.objects.exists()


def test_an_editors_upload_leaves_the_notes_out(db):
    document = parse_document("upload.yaml", yaml.safe_dump(RIGHTS, allow_unicode=True))
    report = import_documents([document], as_drafts=True)
    assert not RightsNote.objects.exists()
    assert any("rights note eu-withdrawal is left out" in w for w in report.warnings)


def test_the_shipped_notes_load_with_the_guides(db):
    import_paths()
    notes = {str(note.region): note for note in RightsNote.objects.all()}
    assert set(notes) == {"EU", "DE", "US-CA", "US", "GB"}
    for note in notes.values():
        assert note.published is not None, note  # what visitors read
        assert note.title_de and note.body_de, note  # in German too
        assert note.last_verified_on is None, note  # no one has verified them yet
        assert note.source_url.startswith("https://"), note
    assert notes["GB"].took_effect is None  # not yet in force
    assert notes["DE"].took_effect == datetime.date(2022, 7, 1)
    assert notes["US-CA"].took_effect == datetime.date(2025, 7, 1)
    assert not import_paths().changed
