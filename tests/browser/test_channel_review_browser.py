"""A shared channel's change in a real browser: the Publisher's review lists every guide and
answer page it reaches before anything reaches a visitor. The Editor, the Publisher and a
visitor each in a browser context of their own."""

from __future__ import annotations

import pytest

from guides.models import ChannelRevision, PurchaseChannel
from guides.publishing.reach import channel_reach
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser]

NEW_TITLE = "Make sure Google Play is the one that bills you"


def test_a_channel_review_lists_the_pages_it_reaches(
    browser, page_and_log, live_server, shipped_guides
):
    play = PurchaseChannel.objects.get(slug="google-play", parent=None)
    old_title = play.steps.order_by("position").first().title
    reach = channel_reach(play)
    assert len(reach.providers) > 5  # a channel many guides share
    factories.make_staff("editor", "Editors")
    factories.make_staff("publisher", "Publishers")
    _, leaf = reach.pages[0]

    visitor = browser.new_context(java_script_enabled=False)
    try:
        reader = visitor.new_page()
        reader.goto(live_server.url + leaf.url)
        assert reader.get_by_text(old_title).count() >= 1

        # The Editor opens a draft of the live channel and changes its first standard step.
        page, _ = page_and_log
        sign_in(page, live_server.url, "editor")
        page.goto(f"{live_server.url}/admin/guides/purchasechannel/{play.pk}/change/")
        page.locator("#live-notice").get_by_text(str(reach)).wait_for()
        page.get_by_role("button", name="Change this channel in a draft").click()
        page.locator("#draft-notice").wait_for()
        page.fill("#id_steps-0-title", NEW_TITLE)
        page.locator("input[name=_save]").first.click()
        page.locator(".messagelist .success").wait_for()
        draft = PurchaseChannel.objects.get(draft_of=play)

        reader.reload()
        assert reader.get_by_text(NEW_TITLE).count() == 0

        # The Publisher, in another browser, reads every guide and page it reaches.
        publisher = browser.new_context()
        try:
            desk = publisher.new_page()
            sign_in(desk, live_server.url, "publisher")
            desk.goto(f"{live_server.url}/admin/guides/purchasechannel/{draft.pk}/review/")
            assert str(reach) in desk.locator("#review-reach").inner_text()
            guides = desk.locator("#review-guides")
            for shown in reach.providers:
                assert guides.get_by_role("link", name=shown.name, exact=True).count() == 1
            assert guides.locator("li.cf-changed").get_by_text(NEW_TITLE).count() == len(
                reach.pages
            )
            assert desk.locator("#review-fields").get_by_text(old_title).count() == 1
            desk.get_by_label("What changed, and why").fill("Plainer first step")
            desk.get_by_role("button", name="Publish").click()
            desk.locator("#revisions").wait_for()
            assert desk.locator("#revisions").get_by_text("Plainer first step").count() == 1
        finally:
            publisher.close()

        reader.reload()
        assert reader.get_by_text(NEW_TITLE).count() >= 1
        revision = ChannelRevision.objects.get(channel=play, message="Plainer first step")
        assert (revision.published_by.username, revision.edited_by) == ("publisher", "editor")
        assert len(revision.reached.splitlines()) == len(reach.pages)
    finally:
        visitor.close()
