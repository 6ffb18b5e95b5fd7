"""A translation records the English text it was made from (guides/models/translated.py):
when the English changes and the translation is left as it was, the translation is outdated
until an editor updates it or confirms it."""

from __future__ import annotations

import pytest
from django.utils import translation

from guides.models import Provider, Step
from guides.models.translated import (
    TextState,
    confirm_translation,
    shown,
    text_state,
)
from tests import factories


@pytest.fixture
def step(provider):
    route = factories.make_route(provider)
    return factories.make_step(
        route=route, title="Open Settings", body="Tap **Settings**.", title_de="Öffnen Sie"
    )


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_a_translation_made_with_its_english_is_translated(step):
    assert text_state(step, "title", "de") == TextState.TRANSLATED
    assert text_state(fresh(step), "title", "de") == TextState.TRANSLATED


def test_a_text_with_no_translation_is_missing_and_one_with_no_english_has_no_state(step):
    assert text_state(step, "body", "de") == TextState.MISSING
    assert text_state(step, "title", "fr") == TextState.MISSING
    assert text_state(step, "email_body", "de") is None  # no English text: nothing to do


def test_changing_the_english_outdates_the_translations_left_as_they_were(step):
    step = fresh(step)
    step.title_en = "Open the Settings app"
    step.save()
    step = fresh(step)
    assert text_state(step, "title", "de") == TextState.OUTDATED
    # Saved again, for anything else, it stays outdated.
    step.source_url = "https://example.com/help"
    step.save()
    assert text_state(fresh(step), "title", "de") == TextState.OUTDATED


def test_updating_the_translation_makes_it_current_again(step):
    step = fresh(step)
    step.title_en = "Open the Settings app"
    step.save()
    step = fresh(step)
    step.title_de = "Öffnen Sie die App Einstellungen"
    step.save()
    assert text_state(fresh(step), "title", "de") == TextState.TRANSLATED


def test_changing_both_at_once_is_a_translation_of_the_new_english(step):
    step = fresh(step)
    step.title_en, step.title_de = "Open the Settings app", "Öffnen Sie die Einstellungen"
    step.save()
    assert text_state(fresh(step), "title", "de") == TextState.TRANSLATED


def test_confirming_an_outdated_translation_keeps_its_text_and_clears_the_mark(step):
    step = fresh(step)
    step.title_en = "Open Settings now"
    step.save()
    step = fresh(step)
    confirm_translation(step, "title", "de")
    step = fresh(step)
    assert step.title_de == "Öffnen Sie"
    assert text_state(step, "title", "de") == TextState.TRANSLATED


def test_confirming_what_is_not_there_is_refused(step):
    with pytest.raises(ValueError, match="no translation"):
        confirm_translation(step, "body", "de")
    with pytest.raises(ValueError, match="no translated text"):
        confirm_translation(step, "source_url", "de")
    with pytest.raises(ValueError, match="no translated text"):
        confirm_translation(step, "title", "en")


def test_a_translation_changed_without_save_counts_as_made_from_the_english_beside_it(step):
    Step.objects.filter(pk=step.pk).update(title_en="New English")
    assert text_state(fresh(step), "title", "de") == TextState.OUTDATED
    Step.objects.filter(pk=step.pk).update(title_de="Neues Deutsch")
    assert text_state(fresh(step), "title", "de") == TextState.TRANSLATED


def test_a_save_of_some_fields_keeps_the_stamps_with_them(step):
    step = fresh(step)
    step.title_de = "Öffnen Sie die Einstellungen"
    step.body_de = "Tippen Sie auf **Einstellungen**."
    step.save(update_fields=["title_de", "body_de"])
    step = fresh(step)
    step.body_en = "Tap **Settings**, then your name."
    step.save(update_fields=["body_en"])
    step = fresh(step)
    assert text_state(step, "title", "de") == TextState.TRANSLATED
    assert text_state(step, "body", "de") == TextState.OUTDATED


def test_a_removed_translation_leaves_no_stamp(step):
    step = fresh(step)
    step.title_de = ""
    step.save()
    assert fresh(step).translation_sources == {}
    assert text_state(fresh(step), "title", "de") == TextState.MISSING


def test_a_default_question_is_translated_by_the_site_itself(provider):
    provider = fresh(provider)
    assert provider.first_question_en == "Where did you buy it?"
    assert text_state(provider, "first_question", "de") is None
    provider.first_question_de = "Wo haben Sie es gekauft (bei uns)?"
    provider.save()
    assert text_state(fresh(provider), "first_question", "de") == TextState.TRANSLATED


def test_a_page_shows_each_text_in_its_language_or_english_marked_as_such(step):
    step = fresh(step)
    step.body_en = "Tap **Settings**, then your name."
    step.save()
    step = fresh(step)
    with translation.override("de"):
        title, body = shown(step, "title"), shown(step, "body")
        assert (title, title.fallback, title.original) == ("Öffnen Sie", False, "")
        assert (body, body.fallback) == ("Tap **Settings**, then your name.", True)
    step.title_en = "Open the Settings app"
    step.save()
    with translation.override("de"):
        title = shown(fresh(step), "title")
        assert (title, title.fallback, title.original) == (
            "Öffnen Sie",
            False,
            "Open the Settings app",
        )
    title = shown(step, "title")
    assert (title, title.fallback, title.original) == ("Open the Settings app", False, "")


def test_reading_what_a_page_shows_costs_no_query(step, django_assert_num_queries):
    step = fresh(step)
    with translation.override("de"), django_assert_num_queries(0):
        shown(step, "title")
        shown(step, "body")


def test_a_provider_s_stamps_survive_the_phone_guard_and_full_clean(provider):
    provider = fresh(provider)
    provider.summary_en, provider.summary_de = "A summary.", "Eine Zusammenfassung."
    provider.full_clean()
    provider.save()
    assert fresh(provider).translation_sources == {
        "de": {"summary": fresh(provider).translation_sources["de"]["summary"]}
    }
    assert Provider.objects.filter(translation_sources__de__has_key="summary").exists()


def test_the_migration_takes_the_translations_there_were_as_made_from_their_english(step):
    """Translations written before their sources were kept (migration 0017) are stamped as
    made from the English text beside them, so a later change of the English outdates them."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("guides.migrations.0017_translation_sources")
    Step.objects.update(translation_sources={})
    migration.stamp_the_translations_there_are(apps, None)
    step = fresh(step)
    assert text_state(step, "title", "de") == TextState.TRANSLATED
    step.title_en = "Open the Settings app"
    step.save()
    assert text_state(fresh(step), "title", "de") == TextState.OUTDATED
