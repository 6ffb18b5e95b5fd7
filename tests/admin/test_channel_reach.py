"""A channel's page says how many guides and answer pages its steps reach, and lists them."""

from __future__ import annotations

from guides.models import PurchaseChannel
from guides.publishing.reach import channel_reach
from tests.admin.test_admin import change_url, editor  # noqa: F401 (fixture)
from tests.recorded import load_guides


def test_the_channel_page_lists_every_answer_page_its_steps_reach(editor):  # noqa: F811
    load_guides()
    play = PurchaseChannel.objects.get(slug="google-play", parent=None)
    reach = channel_reach(play)
    assert len(reach.providers) >= 2 and len(reach.pages) >= len(reach.providers)
    for _provider, leaf in reach.pages:  # each page really shows one of the channel's steps
        html = editor.get(leaf.url).content.decode()
        assert any(step.title in html for step in play.steps.all()), leaf.url
    html = editor.get(change_url(play)).content.decode()
    assert str(reach) in html
    assert "a change to this channel's steps reaches all of them" in html
    for _, leaf in reach.pages:
        assert f'href="{leaf.url}"' in html
