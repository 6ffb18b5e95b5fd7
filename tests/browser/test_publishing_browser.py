"""Four eyes in a real browser: an Editor's change to a published guide reaches no visitor
until a Publisher who did not make it reviews and publishes it. Three people, each in a
browser context of their own: the Editor, the Publisher, and a visitor."""

from __future__ import annotations

import pytest

from guides.models import GuideRevision, Provider
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser]

NEW_SUMMARY = "Cancel it where you bought it; this draft says so in a new way."


def test_an_editors_change_waits_for_a_second_person(
    browser, page_and_log, live_server, shipped_guides
):
    kaspersky = Provider.objects.get(slug="kaspersky")
    old_summary = kaspersky.summary
    factories.make_staff("editor", "Editors")
    factories.make_staff("publisher", "Publishers")

    visitor = browser.new_context(java_script_enabled=False)
    try:
        reader = visitor.new_page()
        reader.goto(live_server.url + "/cancel/kaspersky/")
        assert reader.get_by_text(old_summary).count() >= 1

        # The Editor opens a draft of the live guide and changes its summary.
        page, _ = page_and_log
        sign_in(page, live_server.url, "editor")
        page.goto(f"{live_server.url}/admin/guides/provider/{kaspersky.pk}/change/")
        page.get_by_text("Visitors read this guide.").wait_for()
        page.get_by_role("button", name="Change this guide in a draft").click()
        page.locator("#draft-notice").wait_for()
        page.fill("#id_summary", NEW_SUMMARY)
        page.locator("input[name=_save]").first.click()
        page.locator(".messagelist .success").wait_for()
        draft = Provider.objects.get(draft_of=kaspersky)
        assert draft.summary == NEW_SUMMARY

        # The Editor previews it, marked as a draft; the visitor still reads the live guide.
        page.goto(live_server.url + "/cancel/kaspersky/")
        assert page.get_by_text(NEW_SUMMARY).count() >= 1
        reader.reload()
        assert reader.get_by_text(NEW_SUMMARY).count() == 0
        assert reader.get_by_text(old_summary).count() >= 1

        # The Editor may look at the review, not publish.
        page.goto(f"{live_server.url}/admin/guides/provider/{draft.pk}/review/")
        page.get_by_text("Only a Publisher can publish a guide.").wait_for()
        assert page.locator("#publish-form").count() == 0

        # The Publisher, in another browser, reviews the difference and publishes it.
        publisher = browser.new_context()
        try:
            desk = publisher.new_page()
            sign_in(desk, live_server.url, "publisher")
            desk.goto(f"{live_server.url}/admin/guides/provider/{draft.pk}/review/")
            fields = desk.locator("#review-fields")
            assert fields.get_by_text(NEW_SUMMARY).count() == 1
            assert fields.get_by_text(old_summary).count() == 1
            desk.get_by_label("What changed, and why").fill("A plainer summary")
            desk.get_by_role("button", name="Publish").click()
            desk.locator("#revisions").wait_for()
            assert desk.locator("#revisions").get_by_text("A plainer summary").count() == 1
        finally:
            publisher.close()

        reader.reload()
        assert reader.get_by_text(NEW_SUMMARY).count() >= 1
        revision = GuideRevision.objects.get(provider=kaspersky, message="A plainer summary")
        assert revision.published_by.username == "publisher"
        assert revision.edited_by == "editor"
    finally:
        visitor.close()
