"""A guide's translations on its admin page: its state in each language, its outdated
translations, and "Still right", which confirms one as it is (guides/admin/translation_state.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guides.models import Step
from guides.models.translated import TextState, text_state
from tests.admin.test_admin import (  # noqa: F401 (fixtures)
    change_url,
    collected_static,
    editor,
    guide,
    manifest_static,
)


@pytest.fixture
def outdated(guide):  # noqa: F811
    """A step translated into German, whose English then changed."""
    step = Step.objects.get(title="Sign in to your account")
    step.title_de = "Melden Sie sich an"
    step.save()
    step.title_en = "Sign in to your Acme account"
    step.save()
    assert text_state(step, "title", "de") == TextState.OUTDATED
    return step


def confirm_url(guide) -> str:  # noqa: F811
    return reverse("admin:guides_provider_confirm_translation", args=[guide.provider.pk])


def test_the_guide_page_shows_its_state_in_each_language(editor, guide, outdated):  # noqa: F811
    html = editor.get(change_url(guide.provider)).content.decode()
    assert "German: partial" in html and "1 outdated" in html
    assert "French: missing" in html and "Spanish: missing" in html
    assert "Still right" in html
    assert f'formaction="{confirm_url(guide)}"' in html


def test_still_right_confirms_the_translation_as_it_is(editor, guide, outdated):  # noqa: F811
    token = f"guides.step:{outdated.pk}:title:de"
    response = editor.post(confirm_url(guide), {"confirm": token})
    assert response.status_code == 302
    outdated.refresh_from_db()
    assert outdated.title_de == "Melden Sie sich an"  # the text as it was
    assert text_state(outdated, "title", "de") == TextState.TRANSLATED
    assert "Still right" not in editor.get(change_url(guide.provider)).content.decode()


@pytest.mark.parametrize(
    "token",
    [
        "",
        "junk",
        "guides.step:999999:title:de",
        "guides.step:{pk}:title:fr",  # not translated into French
        "guides.step:{pk}:body:de",
        "auth.user:1:username:de",
    ],
)
def test_anything_else_is_refused_and_changes_nothing(editor, guide, outdated, token):  # noqa: F811
    before = dict(outdated.translation_sources)
    response = editor.post(confirm_url(guide), {"confirm": token.format(pk=outdated.pk)})
    assert response.status_code == 400
    outdated.refresh_from_db()
    assert outdated.translation_sources == before


def test_confirming_takes_a_post(editor, guide, outdated):  # noqa: F811
    assert editor.get(confirm_url(guide)).status_code == 405
