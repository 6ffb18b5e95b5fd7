"""Four eyes on shared channels (guides/publishing/channels.py): a change to a channel's steps
reaches every guide that uses it, so it is made in a draft, reviewed with every guide and
answer page it reaches, and published by a second person as a revision."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guides.files.exporter import export_data
from guides.models import ChannelRevision, PurchaseChannel, Step
from guides.publishing import channels as channel_publishing
from tests import factories
from tests.admin.test_admin import (  # noqa: F401 (fixtures: every page as in production)
    assert_saved,
    change_url,
    collected_static,
    edit,
    form_data,
    manifest_static,
    row,
)
from tests.publishing.test_revisions import staff


@pytest.fixture
def store(db):
    """A live channel with a variant, shared by two live guides and one unpublished one."""
    channel = factories.make_channel(
        name="App Store", slug="app-store", kind="app_store", variant_question="Which device?"
    )
    factories.make_step(channel=channel, title="Open your subscriptions", position=1)
    mac = factories.make_channel(name="On a Mac", slug="mac", parent=channel, position=1)
    factories.make_step(channel=mac, title="Open the App Store app", position=1)
    for slug, status in (("acme", "published"), ("nimbus", "published"), ("zeta", "draft")):
        provider = factories.make_provider(name=slug.capitalize(), slug=slug, status=status)
        apple = factories.make_route(provider, label="Apple", slug="apple", channel=channel)
        factories.make_step(route=apple, title=f"Choose {slug}", position=1)
        website = factories.make_route(provider, label="Website", slug="website", position=2)
        factories.make_step(route=website, title="Sign in", position=1)
    return channel


@pytest.fixture
def editor(client, db):
    return staff(client, "ed", "Editors")


@pytest.fixture
def publisher(db):
    from django.test import Client

    return staff(Client(), "pub", "Publishers")


def visitor_text(path: str) -> str:
    from django.test import Client

    response = Client().get(path)
    assert response.status_code == 200
    return response.content.decode()


def open_draft(client, live: PurchaseChannel) -> PurchaseChannel:
    response = client.post(reverse("admin:guides_purchasechannel_draft", args=[live.pk]))
    assert response.status_code == 302
    draft = PurchaseChannel.objects.get(draft_of=live)
    assert response["Location"] == change_url(draft)
    return draft


def change_first_step(client, draft: PurchaseChannel, title: str) -> None:
    url = change_url(draft)
    rows = form_data(client.get(url))
    step = draft.steps.get(position=1)
    assert_saved(edit(client, url, {row(rows, "steps", step): {"title": title}})[0])


def review_url(draft) -> str:
    return reverse("admin:guides_purchasechannel_review", args=[draft.pk])


# A live channel is not changed in place -------------------------------------------------------


def test_a_live_channel_and_its_parts_are_read_only(editor, store):
    page = editor.get(change_url(store)).content.decode()
    assert 'id="live-notice"' in page
    assert "3 answer pages of 3 guides" in page  # each guide's Apple → On a Mac
    assert 'id="start-draft"' in page
    step = store.steps.get()
    for obj in (store, step, store.variants.get(), step):
        url = change_url(obj)
        rows = form_data(editor.get(url))
        response = editor.post(url, rows)
        assert response.status_code == 403
    assert store.steps.get().title == "Open your subscriptions"
    delete = reverse("admin:guides_purchasechannel_delete", args=[store.pk])
    assert editor.get(delete).status_code == 403


def test_a_draft_copies_the_whole_channel_and_visitors_keep_the_live_one(editor, store):
    draft = open_draft(editor, store)
    assert draft.slug == store.slug and draft.variant_question == "Which device?"
    assert [s.title for s in draft.steps.all()] == ["Open your subscriptions"]
    assert [(v.slug, [s.title for s in v.steps.all()]) for v in draft.variants.all()] == [
        ("mac", ["Open the App Store app"])
    ]
    assert open_draft(editor, store) == draft  # one draft at a time
    change_first_step(editor, draft, "Open Settings, then your name")
    # Visitors: the channel page, every guide page and the API read the live channel.
    for path in ("/channels/app-store/", "/cancel/acme/apple/mac/", "/api/v1/channels/app-store/"):
        text = visitor_text(path)
        assert "Open your subscriptions" in text
        assert "Open Settings, then your name" not in text
    assert export_data()["channels"][0]["steps"][0]["title"] == "Open your subscriptions"
    assert len(export_data()["channels"]) == 1  # a draft is no channel of its own
    # Staff preview the draft on the channel's page, marked as such.
    preview = editor.get("/channels/app-store/").content.decode()
    assert "Open Settings, then your name" in preview
    assert "Draft — visitors cannot see these changes" in preview


def test_the_review_lists_every_guide_and_answer_page_the_change_reaches(editor, store):
    draft = open_draft(editor, store)
    change_first_step(editor, draft, "Open Settings, then your name")
    review = channel_publishing.channel_review(draft)
    assert [g.provider.slug for g in review.guides] == ["acme", "nimbus", "zeta"]
    assert str(review.reach) == "3 answer pages of 3 guides"
    assert review.changed_pages == 3
    page = review.guides[0].pages[0]
    assert page.answers == ["Apple", "On a Mac"]
    first = page.steps[0]
    assert (first.number, first.state, first.title) == (
        1,
        "changed",
        "Open Settings, then your name",
    )
    assert "Open your subscriptions" in first.before
    assert [s.title for s in page.steps[1:]] == ["Open the App Store app", "Choose acme"]
    assert [(c.where, c.before, c.after) for c in review.fields] == [
        ("Step 1 → title", "Open your subscriptions", "Open Settings, then your name")
    ]
    html = editor.get(review_url(draft)).content.decode()
    assert "3 answer pages of 3 guides" in html
    for name in ("Acme", "Nimbus", "Zeta"):
        assert name in html
    # The one who changed it may not publish it.
    assert "another Publisher must review" in html or "Only a Publisher" in html


def test_a_second_person_publishes_it_in_place_as_a_revision(editor, publisher, store):
    live_step = store.steps.get()
    draft = open_draft(editor, store)
    change_first_step(editor, draft, "Open Settings, then your name")
    refused = editor.post(review_url(draft), {"message": "Apple renamed the menu"})
    assert refused.status_code == 403
    response = publisher.post(review_url(draft), {"message": "Apple renamed the menu"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse(
        "admin:guides_purchasechannel_revisions", args=[store.pk]
    )
    assert not PurchaseChannel.objects.filter(draft_of=store).exists()
    assert Step.objects.get(pk=live_step.pk).title == "Open Settings, then your name"  # in place
    assert "Open Settings, then your name" in visitor_text("/cancel/nimbus/apple/mac/")
    baseline, revision = ChannelRevision.objects.filter(channel=store).order_by("number")
    assert baseline.message == channel_publishing.BASELINE_MESSAGE
    assert "Open your subscriptions" in baseline.document
    assert (revision.number, revision.published_by, revision.edited_by) == (2, publisher.user, "ed")
    assert revision.message == "Apple renamed the menu"
    assert revision.reached.splitlines() == [
        "Acme: Apple, On a Mac",
        "Nimbus: Apple, On a Mac",
        "Zeta: Apple, On a Mac",
    ]
    listing = publisher.get(reverse("admin:guides_purchasechannel_revisions", args=[store.pk]))
    assert "Apple renamed the menu" in listing.content.decode()


def test_a_publisher_who_changed_the_draft_may_not_publish_it(publisher, store):
    draft = open_draft(publisher, store)
    change_first_step(publisher, draft, "Changed by the publisher")
    response = publisher.post(review_url(draft), {"message": "mine"})
    assert response.status_code == 403
    assert store.steps.get().title == "Open your subscriptions"


def test_a_superuser_may_publish_alone_and_it_is_recorded(client, store):
    admin = staff(client, "root", None, is_superuser=True)
    draft = open_draft(admin, store)
    change_first_step(admin, draft, "Changed alone")
    assert admin.post(review_url(draft), {"message": "urgent"}).status_code == 302
    assert ChannelRevision.objects.get(channel=store, number=2).published_alone


def test_a_draft_removing_a_variant_in_use_is_not_published(editor, publisher, store):
    draft = open_draft(editor, store)
    mac = draft.variants.get()
    factories.make_route(
        store.routes.first().provider,
        label="Mac",
        slug="on-mac",
        position=3,
        channel=store.variants.get(),
    )
    mac.delete()
    review = channel_publishing.channel_review(draft)
    assert review.problems and "“On a Mac”" in review.problems[0]
    response = publisher.post(review_url(draft), {"message": "drop the Mac"})
    assert response.status_code == 200
    assert "sends visitors to it" in response.content.decode()
    assert store.variants.filter(slug="mac").exists()


def test_an_unverified_number_on_the_draft_page_stops_publication(editor, publisher, store):
    draft = open_draft(editor, store)
    # Past the field guard (as an old row or a raw import might be): the last gate reads pages.
    Step.objects.filter(channel=draft).update(body="Call 1-855-737-0477 to cancel.")
    response = publisher.post(review_url(draft), {"message": "call them"})
    assert response.status_code == 200
    assert "no one has verified" in response.content.decode()
    assert "1-855-737-0477" not in visitor_text("/channels/app-store/")


def test_nothing_to_publish_is_said_so(editor, publisher, store):
    draft = open_draft(editor, store)
    response = publisher.post(review_url(draft), {"message": "nothing"})
    assert response.status_code == 200
    assert "changes nothing" in response.content.decode()


def autocomplete(client, model: str, field: str = "channel") -> set[str]:
    query = {"app_label": "guides", "model_name": model, "field_name": field, "term": ""}
    response = client.get(reverse("admin:autocomplete"), query)
    assert response.status_code == 200
    return {item["id"] for item in response.json()["results"]}


def test_new_steps_and_contacts_join_a_draft_answers_a_live_channel(editor, store):
    draft = open_draft(editor, store)
    draft_ids = {str(draft.pk), str(draft.variants.get().pk)}
    live_ids = {str(store.pk), str(store.variants.get().pk)}
    assert autocomplete(editor, "step") == draft_ids
    assert autocomplete(editor, "officialcontact") == draft_ids
    assert autocomplete(editor, "route") == live_ids
    # And the form holds to it, whatever is posted.
    page = form_data(editor.get(reverse("admin:guides_step_add")))
    response = editor.post(
        reverse("admin:guides_step_add"),
        {**page, "channel": str(store.pk), "title": "Sneaked in", "position": "5", "kind": "do"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Step.objects.filter(title="Sneaked in").exists()


def test_an_upload_changing_a_live_channel_lands_in_its_draft(store):
    from guides.files.documents import parse_document
    from guides.files.importer import import_documents

    text = (
        "channels:\n- slug: app-store\n  name: App Store\n  kind: app_store\n"
        "  steps:\n  - title: Uploaded step\n"
    )
    report = import_documents([parse_document("upload.yaml", text)], as_drafts=True)
    assert any("draft of changes" in warning for warning in report.warnings)
    assert store.steps.get().title == "Open your subscriptions"
    draft = PurchaseChannel.objects.get(draft_of=store)
    assert [s.title for s in draft.steps.all()] == ["Uploaded step"]


def test_an_import_changing_a_live_channel_is_recorded_as_its_revision(store):
    from guides.files.documents import parse_document
    from guides.files.importer import import_documents

    text = (
        "channels:\n- slug: app-store\n  name: App Store\n  kind: app_store\n"
        "  variant_question: Which device?\n"
        "  steps:\n  - title: Imported step\n"
        "  variants:\n  - slug: mac\n    name: On a Mac\n    steps:\n"
        "    - title: Open the App Store app\n"
    )
    import_documents([parse_document("shipped.yaml", text)])
    assert store.steps.get().title == "Imported step"
    revision = ChannelRevision.objects.get(channel=store)
    assert "shipped.yaml" in revision.message and "Imported step" in revision.document


def test_bad_addresses_are_404_not_500(editor, store):
    for name in ("review", "revisions"):
        assert (
            editor.get(reverse(f"admin:guides_purchasechannel_{name}", args=[99999])).status_code
            == 404
        )
    response = editor.get(review_url(store))  # a live channel without a draft
    assert response.status_code == 302
    assert (
        editor.get(reverse("admin:guides_purchasechannel_draft", args=[store.pk])).status_code
        == 405
    )


def test_a_variant_the_draft_adds_shows_its_steps_once_in_the_review(editor, store):
    draft = open_draft(editor, store)
    iphone = factories.make_channel(name="On an iPhone", slug="iphone", parent=draft, position=2)
    factories.make_step(channel=iphone, title="Open Settings", position=1)
    review = channel_publishing.channel_review(draft)
    pages = {tuple(page.answers): page for page in review.guides[0].pages}
    added = pages[("Apple", "On an iPhone")]
    assert added.state == "added"
    assert [s.title for s in added.steps] == [
        "Open your subscriptions",
        "Open Settings",
        "Choose acme",
    ]
