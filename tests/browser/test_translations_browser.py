"""A text and its translations in a real browser (guides/admin/translations.py): each
translation is a labelled field under its text, in a change form and in an inline's cell;
a row added with "Add another" has its own; it all saves with JavaScript and without, and
the page breaks no Content-Security-Policy rule (the page log checks that after each test)."""

from __future__ import annotations

import pytest

from guides.models import Step
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser]


@pytest.fixture
def route(transactional_db):
    provider = factories.make_provider(name="Acme Antivirus", slug="acme", status="draft")
    route = factories.make_route(provider, label="Website", slug="website", position=1)
    factories.make_step(route=route, title="Sign in", position=1)
    factories.make_staff("ana", "Editors")
    return route


def _open(page, live_server, url: str) -> None:
    sign_in(page, live_server.url, "ana")
    page.goto(f"{live_server.url}{url}")


def _save(page) -> None:
    page.locator("input[name=_save]").first.click()
    page.locator(".messagelist .success").wait_for()


def test_a_german_title_typed_in_a_steps_row_and_in_a_new_row_is_saved(
    page_and_log, live_server, route
):
    page, _log = page_and_log
    _open(page, live_server, f"/admin/guides/route/{route.pk}/change/")
    page.get_by_label("Title (German)").first.fill("Melden Sie sich an")
    page.locator(".add-row a").first.click()
    new_row = page.locator("#steps-1")
    new_row.locator("input[name='steps-1-title']").fill("Cancel")
    new_row.get_by_label("Title (German)").fill("Kündigen")
    _save(page)
    assert list(Step.objects.order_by("position").values_list("title_en", "title_de")) == [
        ("Sign in", "Melden Sie sich an"),
        ("Cancel", "Kündigen"),
    ]


def test_without_javascript_a_translation_is_typed_and_saved(nojs_page_and_log, live_server, route):
    page, _log = nojs_page_and_log
    step = route.steps.get()
    _open(page, live_server, f"/admin/guides/step/{step.pk}/change/")
    page.get_by_label("Title (French):", exact=True).fill("Connectez-vous")
    page.get_by_label("Body (Spanish):", exact=True).fill("Use **su correo**.")
    _save(page)
    step.refresh_from_db()
    assert (step.title_en, step.title_fr, step.body_es) == (
        "Sign in",
        "Connectez-vous",
        "Use **su correo**.",
    )
