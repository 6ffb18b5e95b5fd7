"""The pages of a guide not translated, and of one whose translations are outdated, are valid
HTML (the Nu HTML Checker, as tests/test_html_validity.py runs it): the marks of English
texts, the notice and its place, the flags of outdated translations, full pages and htmx
partials. Skipped, with the reason, where Java or vnu-jar is missing."""

from __future__ import annotations

import pytest
from django.test import Client

from guides.models import Step
from tests.recorded import load_guides
from tests.test_html_validity import FRAME, PAGES, PARTIALS, validate
from tests.test_html_validity import java as java  # the fixture: Java with vnu-jar, or skip
from tests.web.test_fallbacks import translate_everything


@pytest.fixture
def guides(db) -> None:
    load_guides()
    Step.objects.filter(route__provider__slug="kaspersky", route__slug="amazon").update(
        email_subject="Cancel my subscription", email_body="Hello,\n\nPlease cancel it."
    )


def documents(language: str) -> dict[str, str]:
    client = Client()
    found = {}
    for name, path in PAGES.items():
        if name == "not-found" or path.startswith(("/de/", "/fr/", "/es/")):
            continue  # a page in another language already
        response = client.get(f"/{language}{path}")
        # a form's error page may answer 400 (the number check, the reminder): still a page
        expected = {200, 400} if name.endswith(("-error", "-errors")) else {200}
        assert response.status_code in expected, path
        found[name] = response.content.decode()
    for name, path in PARTIALS.items():
        response = client.get(f"/{language}{path}", HTTP_HX_REQUEST="true")
        assert response.status_code == 200, path
        found[name] = FRAME.format(response.content.decode())
    return found


def assert_valid(java: str, pages: dict[str, str], folder) -> None:
    errors = validate(java, pages, folder)
    failures = {name: found for name, found in errors.items() if found}
    assert not failures, "\n".join(
        f"{name}:\n  " + "\n  ".join(found) for name, found in failures.items()
    )


def test_pages_in_english_where_not_translated_are_valid(java, guides, tmp_path):
    # Kaspersky ships in German: its steps' titles are left untranslated here
    Step.objects.filter(route__provider__slug="kaspersky").update(title_de=None)
    pages = documents("de")
    assert 'class="untranslated"' in pages["steps"] and "untranslated-notice" in pages["steps"]
    assert 'hx-swap-oob="true"' in pages["steps-partial"]
    assert_valid(java, pages, tmp_path)


def test_pages_with_outdated_translations_are_valid(java, guides, tmp_path):
    translate_everything("fr")
    for step in Step.objects.filter(route__provider__slug="kaspersky"):
        step.title_en += " now"
        if step.body_en:
            step.body_en += " Then confirm."
        if step.email_body_en:
            step.email_body_en += "\n\nThank you."
        step.save()
    pages = documents("fr")
    assert 'class="outdated"' in pages["steps"] and 'class="outdated"' in pages["steps-email"]
    assert '<details class="outdated">' in pages["steps"]
    assert_valid(java, pages, tmp_path)
