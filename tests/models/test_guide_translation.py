"""How far a guide is translated into each language (guides/models/guide_translation.py):
complete, partial, missing or outdated, with the counts an editor reads."""

from __future__ import annotations

import pytest
from django.utils import translation

from guides.models.guide_translation import (
    GuideState,
    guide_texts,
    translation_state,
    translation_states,
)
from guides.models.translated import confirm_translation
from tests import factories


@pytest.fixture
def guide(provider, app_store):
    """Acme with a summary, a contact, a note, a question, two answers (one through the App
    Store, with its variants) and a step: every text in English only."""
    provider.summary = "Acme protects your computer."
    provider.save()
    factories.make_contact(provider=provider, label="Customer service")
    factories.make_note(provider, title="Check who bills you", body="Your statement says.")
    factories.make_question(provider, question="Does uninstalling cancel?", answer="No.")
    website = factories.make_route(provider, label="Acme's website", slug="website")
    factories.make_step(route=website, title="Sign in", body="With your account.")
    factories.make_route(provider, label="App Store", slug="app-store", channel=app_store)
    return provider


def english_texts(guide) -> int:
    """The texts of the guide with English to translate."""
    return sum(
        1
        for text in guide_texts(guide)
        if (getattr(text.obj, f"{text.field}_en") or "").strip()
        and getattr(text.obj, f"{text.field}_en") != "Where did you buy it?"
    )


def translate_everything(guide, language="de") -> None:
    for text in guide_texts(guide):
        english = getattr(text.obj, f"{text.field}_en")
        if english and english != "Where did you buy it?":
            setattr(text.obj, f"{text.field}_{language}", f"[{language}] {english}")
            text.obj.save()


def test_a_guide_in_english_only_is_missing_in_every_language(guide):
    states = translation_states(guide)
    assert [found.language for found in states] == ["de", "fr", "es"]
    for found in states:
        assert found.state == GuideState.MISSING
        assert (found.translated, found.total) == (0, english_texts(guide))


def test_the_guide_counts_the_texts_of_the_channels_it_sends_visitors_to(guide, app_store):
    texts = {(type(text.obj).__name__, text.field) for text in guide_texts(guide)}
    assert ("PurchaseChannel", "variant_question") in texts
    titles = {text.obj.title_en for text in guide_texts(guide) if text.field == "title"}
    assert {"Open your subscriptions", "Open Settings on the iPhone", "Sign in"} <= titles
    assert ("Provider", "aliases") not in texts  # searched for, never read on a page


def test_partial_then_complete_then_outdated_then_confirmed(guide):
    step = guide.routes.get(slug="website").steps.get()
    step.title_de = "Melden Sie sich an"
    step.save()
    found = translation_state(guide, "de")
    assert found.state == GuideState.PARTIAL
    assert (found.translated, found.total) == (1, english_texts(guide))
    assert translation_state(guide, "fr").state == GuideState.MISSING

    translate_everything(guide)
    found = translation_state(guide, "de")
    assert (found.state, found.translated, found.missing) == (GuideState.COMPLETE, found.total, ())

    step.refresh_from_db()
    step.body_en = "With your Acme account."
    step.save()
    found = translation_state(guide, "de")
    assert found.state == GuideState.OUTDATED
    assert [(text.obj, text.field) for text in found.outdated] == [(step, "body")]

    confirm_translation(found.outdated[0].obj, "body", "de")
    assert translation_state(guide, "de").state == GuideState.COMPLETE


def test_what_an_editor_reads_of_it(guide):
    step = guide.routes.get(slug="website").steps.get()
    step.title_de, step.body_de = "Melden Sie sich an", "Mit Ihrem Konto."
    step.save()
    step.body_en = "With your Acme account."
    step.save()
    total = english_texts(guide)
    assert str(translation_state(guide, "de")) == (
        f"German: partial (2 of {total} texts), 1 outdated"
    )
    assert str(translation_state(guide, "fr")) == "French: missing"
    with translation.override("de"):
        assert str(translation_state(guide, "de")) == (
            f"Deutsch: teilweise (2 von {total} Texten), 1 veraltet"
        )


def test_the_state_costs_the_same_queries_however_large_the_guide(guide, django_assert_num_queries):
    with django_assert_num_queries(8):
        translation_states(guide)
    for n in range(5):
        route = factories.make_route(guide, slug=f"more-{n}")
        factories.make_step(route=route)
        factories.make_note(guide)
    with django_assert_num_queries(8):
        translation_states(guide)


def test_an_unknown_language_is_refused(guide):
    with pytest.raises(ValueError, match="'en'"):
        translation_state(guide, "en")
