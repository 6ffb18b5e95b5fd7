"""Guide files say which translations are outdated (docs/format.md, "translations"): an
export lists them, an import restores them, and the round trip is byte for byte; drafts and
publications, which travel as the same documents, keep them too."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import CommandError, call_command

from guides.files import exporter
from guides.files.importer import import_paths
from guides.files.loading import load_guide
from guides.models import Provider, Status, Step
from guides.models.translated import TextState, text_state
from guides.publishing.review import document
from guides.publishing.revisions import start_draft
from tests.files.test_export import reimport
from tests.files.test_translations_in_files import load, translated_sample


def sign_in(**filters) -> Step:
    return Step.objects.get(title_en="Use the link in your order email", **filters)


def sample() -> dict:
    """The translated sample, its translated step with an English body."""
    data = translated_sample()
    data["providers"][0]["routes"][0]["routes"][0]["steps"][0]["body"] = "With **your** account."
    return data


def outdated_sample() -> dict:
    """The sample, its step's German body translated from an English text that has changed
    since."""
    data = sample()
    step = data["providers"][0]["routes"][0]["routes"][0]["steps"][0]
    step["translations"]["de"]["outdated"] = ["body"]
    return data


@pytest.fixture
def outdated(db, tmp_path):
    load(outdated_sample(), tmp_path)


def test_the_sample_step_is_the_one_translated(db, tmp_path):
    load(sample(), tmp_path)
    step = sign_in()
    assert (step.title_de, step.body_de) == ("Melden Sie sich an", "Mit **Ihrem** Konto.")


def test_an_import_restores_which_translations_are_outdated(outdated):
    step = sign_in()
    assert text_state(step, "body", "de") == TextState.OUTDATED
    assert text_state(step, "title", "de") == TextState.TRANSLATED
    assert text_state(step, "title", "es") == TextState.TRANSLATED


def test_a_translation_outdated_in_the_database_is_outdated_in_the_export(db, tmp_path):
    load(sample(), tmp_path)
    step = sign_in()
    step.body_en = "With your Acme account."
    step.save()
    texts = exporter.export_data()["providers"][0]["routes"][0]["routes"][0]["steps"][0]
    assert texts["translations"]["de"] == {
        "title": "Melden Sie sich an",
        "body": "Mit **Ihrem** Konto.",
        "outdated": ["body"],
    }
    assert "outdated" not in texts["translations"]["es"]


def test_export_import_export_is_byte_identical_with_outdated_translations(outdated, tmp_path):
    first = exporter.export_text()
    assert "outdated:\n" in first
    reimport(first, tmp_path, "again.yaml")
    assert text_state(sign_in(), "body", "de") == TextState.OUTDATED
    assert exporter.export_text() == first
    json_first = exporter.export_text("json")
    reimport(json_first, tmp_path, "again.json")
    assert exporter.export_text("json") == json_first


def test_importing_the_same_file_again_changes_nothing(outdated, tmp_path):
    path = tmp_path / "same.yaml"
    path.write_text(exporter.export_text(), encoding="utf-8")
    report = import_paths([path])
    assert report.changes == []


def test_a_file_that_no_longer_says_outdated_confirms_the_translation(outdated, tmp_path):
    load(sample(), tmp_path, "confirmed.yaml")
    assert text_state(sign_in(), "body", "de") == TextState.TRANSLATED


def test_an_unknown_text_in_outdated_is_refused_with_its_line(db, tmp_path):
    data = outdated_sample()
    data["providers"][0]["routes"][0]["routes"][0]["steps"][0]["translations"]["de"]["outdated"] = [
        "colour"
    ]
    with pytest.raises(CommandError) as refused:
        load(data, tmp_path)
    message = str(refused.value)
    assert "guides.yaml line " in message and "'colour'" in message, message
    assert "translations > de > outdated" in message, message
    assert not Provider.objects.exists()


def test_an_outdated_text_with_no_translation_is_refused_with_its_line(db, tmp_path):
    data = outdated_sample()
    texts = data["providers"][0]["routes"][0]["routes"][0]["steps"][0]["translations"]
    texts["es"]["outdated"] = ["body"]  # Spanish has a title, no body
    path = tmp_path / "guides.yaml"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    spanish = next(n for n, text in enumerate(lines, 1) if text.strip() == "es:")
    line = next(n for n, text in enumerate(lines, 1) if n > spanish and text.strip() == "- body")
    with pytest.raises(CommandError) as refused:
        call_command("import_guides", str(path), "--replace", verbosity=0)
    message = str(refused.value)
    assert f"guides.yaml line {line}: " in message, message
    assert "outdated: 'body' has no es translation here" in message, message
    assert not Provider.objects.exists()


def test_a_draft_and_its_publication_keep_the_outdated_marks(outdated):
    live = Provider.objects.get(slug="acme")
    draft = start_draft(live)
    assert text_state(sign_in(route__provider=draft), "body", "de") == TextState.OUTDATED
    step = sign_in(route__provider=draft)
    step.body_de = "Mit Ihrem Acme-Konto."
    step.save()
    assert text_state(sign_in(route__provider=draft), "body", "de") == TextState.TRANSLATED
    assert text_state(sign_in(route__provider=live), "body", "de") == TextState.OUTDATED
    load_guide(document(draft), into=live, status=Status.PUBLISHED)  # as publishing does
    assert text_state(sign_in(route__provider=live), "body", "de") == TextState.TRANSLATED
