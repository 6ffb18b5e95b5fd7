"""Two editors in two browsers open the same route: the one who saves second is refused,
told who changed what, and loses nothing typed; saving again then goes through
(guides/admin/edit_token.py)."""

from __future__ import annotations

import pytest

from guides.models import Step
from tests import factories
from tests.browser.conftest import TIMEOUT_MS, sign_in

pytestmark = [pytest.mark.browser]


@pytest.fixture
def route(transactional_db):
    provider = factories.make_provider(name="Acme Antivirus", slug="acme", status="draft")
    route = factories.make_route(provider, label="Website", slug="website", position=1)
    for position, title in enumerate(["Sign in", "Open Billing", "Cancel"], start=1):
        factories.make_step(route=route, title=title, position=position)
    factories.make_staff("ana", "Editors")
    factories.make_staff("ben", "Editors")
    return route


def _editor(browser, live_server, username: str, url: str):
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server.url, username)
    page.goto(url)
    return context, page, errors


def _save(page) -> None:
    page.locator("input[name=_save]").first.click()
    page.wait_for_load_state()


def test_the_second_save_is_refused_with_the_first_editors_name_and_keeps_the_text(
    browser, live_server, route
):
    url = f"{live_server.url}/admin/guides/route/{route.pk}/change/"
    ana_context, ana, ana_errors = _editor(browser, live_server, "ana", url)
    ben_context, ben, ben_errors = _editor(browser, live_server, "ben", url)
    try:
        # Both have the page open. Ana changes step 1 and saves.
        ana.fill("input[name=steps-0-title]", "Sign in to your account")
        _save(ana)
        ana.locator(".messagelist .success").wait_for()

        # Ben, on his stale copy, changes step 3 and saves: refused, with Ana's name.
        ben.fill("textarea[name=steps-2-body]", "Press Cancel, then confirm by email.")
        _save(ben)
        conflict = ben.locator("#cf-conflict")
        conflict.wait_for()
        text = conflict.inner_text()
        assert "Not saved: since you opened this page," in text
        assert "ana changed step 1 “Sign in to your account” (title)" in text
        assert Step.objects.get(route=route, position=3).body == ""
        # Nothing Ben typed is lost, and Ana's change is in the form too.
        body = ben.locator("textarea[name=steps-2-body]")
        assert body.input_value() == "Press Cancel, then confirm by email."
        assert ben.locator("input[name=steps-0-title]").input_value() == "Sign in to your account"

        # Saving again goes through, and keeps both changes.
        _save(ben)
        ben.locator(".messagelist .success").wait_for()
        steps = {step.position: step for step in Step.objects.filter(route=route)}
        assert steps[1].title == "Sign in to your account"
        assert steps[3].body == "Press Cancel, then confirm by email."
    finally:
        ana_context.close()
        ben_context.close()
    assert not ana_errors and not ben_errors


def test_a_step_deleted_meanwhile_is_named_and_the_rest_can_be_saved(browser, live_server, route):
    url = f"{live_server.url}/admin/guides/route/{route.pk}/change/"
    ana_context, ana, ana_errors = _editor(browser, live_server, "ana", url)
    ben_context, ben, ben_errors = _editor(browser, live_server, "ben", url)
    try:
        # Ana deletes step 2 while Ben edits step 1 and the route's label.
        ana.check("input[name=steps-1-DELETE]")
        _save(ana)
        ana.locator(".messagelist .success").wait_for()
        ben.fill("textarea[name=steps-0-body]", "Use the email you bought it with.")
        ben.fill("input[name=label]", "On the website")
        _save(ben)
        conflict = ben.locator("#cf-conflict")
        conflict.wait_for()
        assert "ana deleted step 2 “Open Billing”" in conflict.inner_text()
        assert ben.locator("input[name=label]").input_value() == "On the website"
        body = ben.locator("textarea[name=steps-0-body]")
        assert body.input_value() == "Use the email you bought it with."
        # No hidden error: Ben saves again, and step 2 stays deleted.
        _save(ben)
        ben.locator(".messagelist .success").wait_for()
        route.refresh_from_db()
        assert route.label == "On the website"
        titles = list(Step.objects.filter(route=route).values_list("title", flat=True))
        assert titles == ["Sign in", "Cancel"]
        assert Step.objects.get(route=route, position=1).body == "Use the email you bought it with."
    finally:
        ana_context.close()
        ben_context.close()
    assert not ana_errors and not ben_errors
