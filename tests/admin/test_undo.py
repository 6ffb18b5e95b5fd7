"""Undo one change (guides/publishing/undo.py): on a step, an answer, a channel or a contact, the
fields
that change altered go back to their value before it, on that object alone, after a preview
that says so; a live guide's part is undone in the guide's draft. And a guide's history lists
its publications, rollbacks and imports."""

from __future__ import annotations

import pytest
import reversion
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from guides.files.exporter import export_channel, export_data
from guides.models import (
    OfficialContact,
    Provider,
    ProviderNote,
    PurchaseChannel,
    Question,
    Route,
    Step,
)
from guides.publishing import channels as channel_publishing
from guides.publishing import review as publication_review
from guides.publishing import revisions as publishing
from tests import factories
from tests.admin.test_admin import (  # noqa: F401 (fixtures: every page as in production)
    assert_saved,
    change_url,
    collected_static,
    edit,
    manifest_static,
)

SCAM = "1-855-737-0477"


def staff(client, username: str, group: str | None = "Editors"):
    user = factories.make_staff(username, group)
    factories.login(client, user)
    client.user = user
    return client


@pytest.fixture
def alice(client, db):
    return staff(client, "alice")


@pytest.fixture
def bob(db):
    from django.test import Client

    return staff(Client(), "bob")


@pytest.fixture
def guide(db):
    """A guide not yet published (so its rows are edited in place), with a page of steps, a
    second answer, a contact and a channel its first answer was bought through."""
    provider = factories.make_provider(name="Acme Antivirus", slug="acme", status="draft")
    store = factories.make_channel(name="App Store", slug="app-store", kind="app_store")
    factories.make_step(channel=store, title="Open your subscriptions", position=1)
    website = factories.make_route(provider, label="Website", slug="website", position=1)
    factories.make_route(provider, label="Amazon", slug="amazon", position=2, channel=store)
    factories.make_step(route=website, title="Sign in", position=1)
    factories.make_step(route=website, title="Open Billing", body="Old body.", position=2)
    factories.make_step(route=website, title="Choose Cancel", position=3)
    factories.make_contact(provider=provider, kind="email", value="help@acme.example")
    return provider


def flat(value, where="", out=None) -> dict:
    """Every leaf of an export, by its path."""
    out = {} if out is None else out
    if isinstance(value, dict):
        for key, item in value.items():
            flat(item, f"{where}/{key}", out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            flat(item, f"{where}/{index}", out)
    else:
        out[where] = value
    return out


def everything() -> dict:
    """The whole site as the export writes it, and every draft of changes to a channel."""
    drafts = PurchaseChannel.objects.filter(draft_of__isnull=False).order_by("pk")
    return flat({"site": export_data(), "channel drafts": [export_channel(c) for c in drafts]})


def difference(before: dict, after: dict) -> dict:
    return {
        key: (before.get(key), after.get(key))
        for key in {*before, *after}
        if before.get(key) != after.get(key)
    }


def undo_url(obj, version: Version) -> str:
    opts = obj._meta
    return reverse(f"admin:guides_{opts.model_name}_undo", args=[obj.pk, version.pk])


def newest_version(obj) -> Version:
    return Version.objects.get_for_object(obj).order_by("-pk").first()


# Each kind of object: (how to find it, field A changes, field B changes).
CASES = {
    "step": (lambda g: Step.objects.get(title="Open Billing"), "title", "body"),
    "route": (lambda g: g.routes.get(slug="website"), "label", "question"),
    # A live channel is changed in its draft of changes: undone there, in place.
    "channel": (
        lambda g: channel_publishing.start_channel_draft(Route.objects.get(slug="amazon").channel),
        "name",
        "hint",
    ),
    "contact": (lambda g: g.contacts.get(), "label", "source_url"),
}
VALUES = {
    "title": "Open the billing page",
    "body": "Body by Bob.",
    "label": "Label by Alice",
    "question": "Where do you live?",
    "name": "Apple App Store",
    "hint": "Your statement shows APPLE.COM/BILL",
    "source_url": "https://example.com/help/contact-us",
}


@pytest.mark.parametrize("kind", CASES)
def test_undoing_one_change_sets_back_only_what_it_changed(alice, bob, guide, kind):
    find, field_a, field_b = CASES[kind]
    obj = find(guide)
    original = getattr(obj, field_a)
    assert_saved(edit(alice, change_url(obj), {})[0])  # a first version to compare with
    assert_saved(edit(alice, change_url(obj), {"": {field_a: VALUES[field_a]}})[0])
    alices = newest_version(obj)
    assert_saved(edit(bob, change_url(obj), {"": {field_b: VALUES[field_b]}})[0])
    before = everything()

    preview = bob.get(undo_url(obj, alices))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "This changes only" in html
    assert VALUES[field_a] in html and original in html
    assert VALUES[field_b] not in html  # B's change is not part of it
    assert everything() == before  # a preview changes nothing

    response = bob.post(undo_url(obj, alices))
    assert response.status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field_a) == original
    assert getattr(obj, field_b) == VALUES[field_b]  # B's later change stays
    changed = difference(before, everything())
    assert list(changed.values()) == [(VALUES[field_a], original or None)], changed
    assert "Undid the change" in newest_version(obj).revision.get_comment()
    assert newest_version(obj).revision.user == bob.user


def test_the_preview_names_that_object_alone_and_its_history_offers_the_undo(alice, guide):
    step = Step.objects.get(title="Open Billing")
    assert_saved(edit(alice, change_url(step), {})[0])
    assert_saved(edit(alice, change_url(step), {"": {"title": "Open the billing page"}})[0])
    version = newest_version(step)
    history = alice.get(reverse("admin:guides_step_history", args=[step.pk])).content.decode()
    assert undo_url(step, version) in history and "Undo this change" in history
    assert history.count("Undo this change…") == 1  # the first version kept has none
    html = alice.get(undo_url(step, version)).content.decode()
    assert (
        "This changes only step 2 “Open the billing page” of answer “Website”.</strong> "
        "Other steps, answers and contacts are not touched."
    ) in html
    assert "Sign in" not in html and "Choose Cancel" not in html
    table = html[html.index('id="undo-fields"') :]
    table = table[: table.index("</table>")]
    assert table.count("<tr class=") == 1  # one field: the title
    assert "Into the draft" not in html and "draft of changes" not in html


def test_a_later_change_to_the_same_field_is_overwritten_and_the_preview_says_so(alice, bob, guide):
    step = Step.objects.get(title="Open Billing")
    assert_saved(edit(alice, change_url(step), {})[0])
    assert_saved(edit(alice, change_url(step), {"": {"title": "Title by Alice"}})[0])
    alices = newest_version(step)
    assert_saved(edit(bob, change_url(step), {"": {"title": "Title by Bob"}})[0])
    html = bob.get(undo_url(step, alices)).content.decode()
    assert "Changed again since" in html and "overwrites that later change" in html
    assert bob.post(undo_url(step, alices)).status_code == 302
    step.refresh_from_db()
    assert step.title == "Open Billing"


def test_a_move_is_left_alone_and_the_preview_says_so(alice, guide):
    step = Step.objects.get(title="Open Billing")
    assert_saved(edit(alice, change_url(step), {})[0])
    assert_saved(edit(alice, change_url(step), {"": {"title": "Moved", "position": 7}})[0])
    version = newest_version(step)
    html = alice.get(undo_url(step, version)).content.decode()
    assert "An undo leaves where it sits as it is" in html
    assert alice.post(undo_url(step, version)).status_code == 302
    step.refresh_from_db()
    assert (step.title, step.position) == ("Open Billing", 7)


def test_a_change_to_a_route_does_not_bring_back_its_steps(alice, guide):
    """What a django-reversion revert of the route would do: its steps are in its versions."""
    route = guide.routes.get(slug="website")
    assert_saved(edit(alice, change_url(route), {})[0])
    assert_saved(edit(alice, change_url(route), {"": {"label": "Our website"}})[0])
    version = newest_version(route)
    Step.objects.filter(title="Sign in").delete()
    Step.objects.filter(title="Choose Cancel").update(title="Choose Cancel now")
    assert alice.post(undo_url(route, version)).status_code == 302
    route.refresh_from_db()
    assert route.label == "Website"
    assert list(route.steps.values_list("title", flat=True)) == [
        "Open Billing",
        "Choose Cancel now",
    ]


def test_nothing_to_undo_and_the_first_version(alice, guide):
    step = Step.objects.get(title="Open Billing")
    assert_saved(edit(alice, change_url(step), {})[0])
    first = newest_version(step)
    html = alice.get(undo_url(step, first)).content.decode()
    assert "first version kept" in html and 'id="undo-form"' not in html
    assert alice.post(undo_url(step, first)).status_code == 200
    assert_saved(edit(alice, change_url(step), {"": {"title": "Changed"}})[0])
    changed = newest_version(step)
    Step.objects.filter(pk=step.pk).update(title="Open Billing")  # set back by other means
    html = alice.get(undo_url(step, changed)).content.decode()
    assert "already as they were" in html and 'id="undo-form"' not in html


# The phone guard and validation -------------------------------------------------------------


def test_an_undo_that_brings_back_an_unverified_number_is_refused(alice, guide):
    step = Step.objects.get(title="Open Billing")
    with reversion.create_revision():  # saved before the guard, as old data was
        step.body = f"Call {SCAM} to cancel."
        step.save()
    assert_saved(edit(alice, change_url(step), {"": {"body": "Sign in to cancel."}})[0])
    version = newest_version(step)
    response = alice.post(undo_url(step, version))
    assert response.status_code == 200
    html = response.content.decode()
    assert "is not one of Acme Antivirus&#x27;s verified phone numbers" in html
    step.refresh_from_db()
    assert step.body == "Sign in to cancel."


# A live guide: the undo goes into its draft -----------------------------------------------------


def make_live(alice, guide) -> tuple[Step, Version]:
    """Alice changed a step's title before the guide was published, which it then was."""
    step = Step.objects.get(title="Open Billing")
    assert_saved(edit(alice, change_url(step), {})[0])
    assert_saved(edit(alice, change_url(step), {"": {"title": "Open the billing page"}})[0])
    Provider.objects.filter(pk=guide.pk).update(status="published")
    return step, newest_version(step)


def visitor_page(path="/cancel/acme/website/") -> str:
    from django.test import Client

    response = Client().get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_undoing_a_change_to_a_live_guide_goes_into_its_draft(alice, guide):
    step, version = make_live(alice, guide)
    page = visitor_page()
    assert "Open the billing page" in page
    html = alice.get(undo_url(step, version)).content.decode()
    assert (
        "This goes into the draft of changes to “Acme Antivirus”; visitors see it once a "
        "Publisher publishes it."
    ) in html
    assert "undoing opens one" in html
    assert not Provider.objects.filter(draft_of=guide).exists()  # a preview opens nothing

    response = alice.post(undo_url(step, version))
    assert response.status_code == 302
    draft = Provider.objects.get(draft_of=guide)
    copy = Step.objects.get(route__provider=draft, position=2)
    assert response["Location"] == change_url(copy)
    assert copy.title == "Open Billing"
    step.refresh_from_db()
    assert step.title == "Open the billing page"  # the live row is untouched
    assert visitor_page() == page
    assert list(draft.editors.values_list("username", flat=True)) == ["alice"]
    # Only that field differs between the draft and what is live.
    changes = publication_review.review(draft).fields
    assert [(c.before, c.after) for c in changes] == [("Open the billing page", "Open Billing")]


def test_undoing_a_change_to_a_live_channels_step_goes_into_the_channels_draft(alice, guide):
    """A shared channel is live: the undo goes into its draft of changes, never the guides'
    pages until a Publisher publishes it."""
    store = Route.objects.get(slug="amazon").channel
    step = store.steps.get()
    for title in ("Open your subscriptions", "Open Subscriptions in Settings"):
        with reversion.create_revision():  # as an import or an earlier publication left it
            step.title = title
            step.save()
    version = newest_version(step)
    html = alice.get(undo_url(step, version)).content.decode()
    assert "This goes into the draft of changes to “App Store”" in html
    assert "undoing opens one" in html
    assert not PurchaseChannel.objects.filter(draft_of=store).exists()

    response = alice.post(undo_url(step, version))
    assert response.status_code == 302
    draft = PurchaseChannel.objects.get(draft_of=store)
    copy = draft.steps.get()
    assert response["Location"] == change_url(copy)
    assert copy.title == "Open your subscriptions"
    assert Step.objects.get(pk=step.pk).title == "Open Subscriptions in Settings"  # live: as it was
    assert list(draft.editors.values_list("username", flat=True)) == ["alice"]
    review = channel_publishing.channel_review(draft)
    assert [(c.before, c.after) for c in review.fields] == [
        ("Open Subscriptions in Settings", "Open your subscriptions")
    ]


def test_an_open_draft_takes_the_undo_of_a_live_route(alice, guide):
    route = guide.routes.get(slug="website")
    assert_saved(edit(alice, change_url(route), {})[0])
    assert_saved(edit(alice, change_url(route), {"": {"label": "Our website"}})[0])
    version = newest_version(route)
    Provider.objects.filter(pk=guide.pk).update(status="published")
    draft = publishing.start_draft(guide)
    Step.objects.filter(route__provider=draft, title="Sign in").update(body="Drafted.")
    html = alice.get(undo_url(route, version)).content.decode()
    assert "draft of changes to “Acme Antivirus”" in html and "undoing opens one" not in html
    assert alice.post(undo_url(route, version)).status_code == 302
    assert Provider.objects.filter(draft_of=guide).get() == draft
    assert Route.objects.get(provider=draft, slug="website").label == "Website"
    assert Step.objects.get(route__provider=draft, title="Sign in").body == "Drafted."
    assert Route.objects.get(pk=route.pk).label == "Our website"


def test_a_refused_undo_of_a_live_guide_opens_no_draft(alice, guide):
    step = Step.objects.get(title="Open Billing")
    with reversion.create_revision():
        step.body = f"Call {SCAM}."
        step.save()
    assert_saved(edit(alice, change_url(step), {"": {"body": "Plain."}})[0])
    Provider.objects.filter(pk=guide.pk).update(status="published")
    response = alice.post(undo_url(step, newest_version(step)))
    assert response.status_code == 200 and "verified phone numbers" in response.content.decode()
    assert not Provider.objects.filter(draft_of=guide).exists()


def test_a_part_gone_from_the_draft_is_said_so(alice, guide):
    step, version = make_live(alice, guide)
    draft = publishing.start_draft(guide)
    Step.objects.filter(route__provider=draft, position=2).delete()
    response = alice.post(undo_url(step, version))
    assert response.status_code == 200
    assert "no longer has this step" in response.content.decode()


# Who may, and what is not found ---------------------------------------------------------------


def test_a_reader_may_not_undo(alice, guide, db):
    from django.contrib.auth.models import Permission
    from django.test import Client

    step = Step.objects.get(title="Open Billing")
    assert_saved(edit(alice, change_url(step), {})[0])
    assert_saved(edit(alice, change_url(step), {"": {"title": "Changed"}})[0])
    version = newest_version(step)
    reader = staff(Client(), "reader", None)
    reader.user.user_permissions.set(Permission.objects.filter(codename="view_step"))
    history = reader.get(reverse("admin:guides_step_history", args=[step.pk]))
    assert history.status_code == 200 and "Undo this change" not in history.content.decode()
    assert reader.get(undo_url(step, version)).status_code == 403
    assert reader.post(undo_url(step, version)).status_code == 403
    step.refresh_from_db()
    assert step.title == "Changed"


def test_unknown_and_foreign_versions_are_404(alice, guide):
    step = Step.objects.get(title="Open Billing")
    other = Step.objects.get(title="Sign in")
    assert_saved(edit(alice, change_url(other), {"": {"title": "Log in"}})[0])
    foreign = newest_version(other)
    base = f"/admin/guides/step/{step.pk}/history/"
    assert alice.get(f"{base}999999/undo/").status_code == 404
    assert alice.get(undo_url(step, foreign)).status_code == 404
    assert alice.post(undo_url(step, foreign)).status_code == 404
    assert alice.get(f"/admin/guides/step/999999/history/{foreign.pk}/undo/").status_code == 404
    assert alice.get(f"/admin/guides/step/junk/history/{foreign.pk}/undo/").status_code == 404
    junk = alice.get(f"{base}junk/undo/", follow=True)  # not this page: the admin's own answer
    assert junk.status_code == 200 and "doesn\u2019t exist" in junk.content.decode()
    route_version = f"/admin/guides/route/{step.route_id}/history/{foreign.pk}/undo/"
    assert alice.get(route_version).status_code == 404  # a step's version, not the route's
    other.refresh_from_db()
    assert other.title == "Log in"


# The draft counterpart of a live guide's part -------------------------------------------------


def test_counterpart_in_draft(guide):
    website = guide.routes.get(slug="website")
    region = factories.make_route(guide, label="Region", slug="region", parent=website, position=1)
    step = factories.make_step(route=region, title="Deep", position=5)  # a gap: its place is 1
    note = factories.make_note(guide, title="Note", position=3)
    question = factories.make_question(guide, question="Why?", position=4)
    contact = guide.contacts.get()
    channel_step = Step.objects.get(title="Open your subscriptions")
    Provider.objects.filter(pk=guide.pk).update(status="published")
    draft = publishing.start_draft(guide)

    def find(obj):
        return publishing.counterpart_in_draft(obj, draft)

    assert find(guide) == draft
    assert find(region) == Route.objects.get(provider=draft, slug="region", parent__slug="website")
    assert find(step) == Step.objects.get(route__provider=draft, title="Deep")
    assert find(Step.objects.get(title="Open Billing", route=website)).route.provider == draft
    assert find(contact) == OfficialContact.objects.get(provider=draft)
    assert find(note) == ProviderNote.objects.get(provider=draft)
    assert find(question) == Question.objects.get(provider=draft)
    assert find(channel_step) is None  # a channel's own, shared: not part of the guide
    Route.objects.filter(provider=draft, slug="region").delete()
    assert find(region) is None and find(step) is None


# A guide's history lists its publications, rollbacks and imports --------------------------------


def test_a_guides_history_lists_publications_rollbacks_and_imports(alice, db, tmp_path):
    from django.test import Client

    call_command("import_guides", "tests/data/sample.yaml", verbosity=0)
    acme = Provider.objects.get(slug="acme")
    publisher = staff(Client(), "pub", "Publishers")
    draft = publishing.start_draft(acme)
    Provider.objects.filter(pk=draft.pk).update(summary="A new summary.")
    publishing.publish(draft, publisher.user, "Clearer summary")
    publishing.roll_back(acme.revisions.get(number=1), publisher.user, "Back to the import")

    html = alice.get(reverse("admin:guides_provider_history", args=[acme.pk])).content.decode()
    record = html[html.index('id="guide-record"') :]
    record = record[record.index("<tbody>") :]
    record = record[: record.index("</table>")]
    assert record.index("Rollback") < record.index("Publication") < record.index("Import")
    assert "Back to the import" in record and "Clearer summary" in record
    assert "Loaded from sample.yaml by an import." in record  # the import's revision
    assert "import_guides tests/data/sample.yaml" in record  # and the editors' history's
    assert "pub" in record
    for number in (1, 2, 3):
        assert reverse("admin:guides_provider_rollback", args=[acme.pk, number]) in record
    assert reverse("admin:guides_provider_revisions", args=[acme.pk]) in html
    # The live guide's history leads to its rollback: a version is not written back into it.
    assert "roll the guide back to one of its published revisions" in html
    # A draft's history shows the guide's record too.
    draft = publishing.start_draft(acme)
    html = alice.get(reverse("admin:guides_provider_history", args=[draft.pk])).content.decode()
    assert "Clearer summary" in html


def test_an_unpublished_guide_says_it_has_no_record(alice, guide):
    html = alice.get(reverse("admin:guides_provider_history", args=[guide.pk])).content.decode()
    assert 'id="guide-record-empty"' in html


def test_a_contact_brought_back_in_a_draft_is_the_drafts_own(alice, guide):
    """A live step's contact, once set back in the draft, is the draft's copy of it."""
    step = Step.objects.get(title="Open Billing")
    contact = guide.contacts.get()
    Step.objects.filter(pk=step.pk).update(contact=contact)
    assert_saved(edit(alice, change_url(step), {})[0])
    assert_saved(edit(alice, change_url(step), {"": {"contact": ""}})[0])
    version = newest_version(step)
    Provider.objects.filter(pk=guide.pk).update(status="published")
    assert alice.post(undo_url(step, version)).status_code == 302
    draft = Provider.objects.get(draft_of=guide)
    copy = Step.objects.get(route__provider=draft, position=2)
    assert copy.contact == OfficialContact.objects.get(provider=draft)
    assert Step.objects.get(pk=step.pk).contact is None
