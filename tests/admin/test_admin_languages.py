"""The admin's own labels and the model labels come out in the active language: German
with `translation.override("de")`, English (the source text, unchanged) otherwise."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from guides.admin import feedback_readout
from guides.admin.feedback import FeedbackAdmin
from guides.models import Category, Difficulty, Feedback, Provider, Status, Step
from guides.publishing.revisions import four_eyes
from tests import factories


def fieldset_titles() -> list[str]:
    return [str(name) for name, _ in admin.site._registry[Provider].fieldsets if name]


def test_model_labels_in_german_and_english():
    with translation.override("de"):
        assert str(Category._meta.verbose_name_plural) == "Kategorien"
        assert str(Feedback._meta.verbose_name_plural) == "Rückmeldungen"
        assert Status.PUBLISHED.label == "Veröffentlicht"
        assert str(Difficulty.EASY.label) == "Einfach"
        assert str(Provider._meta.get_field("popular").help_text) == (
            "Wird auf der Startseite angezeigt."
        )
    assert str(Category._meta.verbose_name_plural) == "categories"
    assert str(Feedback._meta.verbose_name_plural) == "feedback"
    assert Status.PUBLISHED.label == "Published"
    assert str(Difficulty.EASY.label) == "Easy"
    assert str(Provider._meta.get_field("popular").help_text) == "Shown on the home page."


def test_difficulty_meaning_follows_the_active_language():
    provider = Provider(difficulty=Difficulty.EASY)
    with translation.override("fr"):
        assert provider.difficulty_meaning.startswith("Une option de résiliation claire")
    assert provider.difficulty_meaning == (
        "A clear cancel option in your account or where you bought it."
    )


def test_admin_fieldsets_and_columns_in_german():
    with translation.override("de"):
        assert fieldset_titles() == [
            "Was Besucher lesen",
            "Überprüfung",
            "Rückmeldungen von Besuchern seit der letzten Überprüfung",
            "Zustand der Links",
            "Übersetzungen",
        ]
        assert str(FeedbackAdmin.short_comment.short_description) == "Kommentar"
    assert fieldset_titles() == [
        "What visitors read",
        "Verification",
        "Visitors' feedback since the last verification",
        "Link health",
        "Translations",
    ]
    assert str(FeedbackAdmin.short_comment.short_description) == "Comment"


def test_messages_to_editors_in_german():
    with translation.override("de"):
        assert feedback_readout.success_rate(3, 1) == "75\u00a0% (3 von 4)"
        assert feedback_readout.success_rate(0, 0) == "Noch keine Antworten"
    assert feedback_readout.success_rate(3, 1) == "75% (3 of 4)"
    assert feedback_readout.success_rate(0, 0) == "No answers yet"


@pytest.mark.django_db
def test_a_refusal_and_a_model_error_in_german():
    editor = factories.make_staff("editor", "Editors")
    draft = factories.make_provider(status="draft")
    with translation.override("de"):
        decision = four_eyes(draft, editor, live=False, what="guide")
        assert decision.reason == "Nur ein Publisher kann eine Anleitung veröffentlichen."
        with pytest.raises(ValidationError) as german:
            Step(title="Open Settings", link_label="Settings").clean()
    assert german.value.message_dict == {"link_url": ["Eine Linkbeschriftung braucht einen Link."]}
    decision = four_eyes(draft, editor, live=False, what="guide")
    assert decision.reason == "Only a Publisher can publish a guide."
    with pytest.raises(ValidationError) as english:
        Step(title="Open Settings", link_label="Settings").clean()
    assert english.value.message_dict == {"link_url": ["A link label needs a link."]}


def test_an_admin_template_in_german_escapes_what_editors_typed():
    page = {"state": "added", "answers": ["<b>Web</b>"], "steps": []}
    with translation.override("de"):
        html = render_to_string("admin/guides/provider/_page_change.html", {"page": page})
    assert "neue Seite" in html
    assert "&lt;b&gt;Web&lt;/b&gt;" in html
    html = render_to_string("admin/guides/provider/_page_change.html", {"page": page})
    assert "new page" in html


# Through the admin: an editor's pages follow their browser's language (cancelflow/languages.py)


@pytest.fixture
def staff(client, db):
    user = factories.make_staff("editor", "Editors")
    factories.login(client, user)
    return client


def test_the_admin_is_english_whatever_the_browser_asks(staff):
    """For now; its forms edit each language's text by name, whatever the active language
    (guides/admin/translations.py), and its labels above are translated, ready for it."""
    url = reverse("admin:guides_provider_attention")
    page = staff.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "<title>Needs attention | " in page
    assert "Routes that did not work for someone" in page


def test_an_editors_save_writes_english_whatever_the_browser_asks(staff):
    provider = factories.make_provider(status="draft")
    url = reverse("admin:guides_provider_change", args=[provider.pk])
    form = staff.get(url, HTTP_ACCEPT_LANGUAGE="de").context["adminform"].form
    # The English text in its own field, each translation in one of its own; never the
    # English column as a second field.
    assert {"summary", "summary_de", "summary_fr", "summary_es"} <= set(form.fields)
    assert "summary_en" not in form.fields
    category = Category.objects.get(pk=provider.category_id)
    with translation.override("de"):
        assert category.name == category.name_en  # no German yet: English is read
