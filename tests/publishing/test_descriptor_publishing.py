"""A guide's statement descriptors are part of the guide (guides/publishing/revisions.py): a live
guide's are changed in its draft of changes, shown on its review page, and reach the
statement lookup (guides/search/statements.py) only once a second person publishes them;
they are kept in its history and revisions, and an edit made from a stale page is refused
without losing anything, as a contact or a note."""

from __future__ import annotations

import pytest
import reversion
from django.urls import reverse

from guides.files.documents import parse_document
from guides.files.exporter import dumps
from guides.files.importer import import_documents
from guides.models import Provider, StatementDescriptor
from guides.publishing import channels as channel_publishing
from guides.publishing import history
from guides.publishing import revisions as publishing
from guides.publishing.naming import describe
from guides.publishing.review import document
from guides.search.statements import who_bills
from tests import factories
from tests.admin.test_admin import (  # noqa: F401 (fixtures: every page as in production)
    add_row,
    assert_saved,
    change_url,
    collected_static,
    edit,
    errors_of,
    form_data,
    manifest_static,
    row,
)
from tests.admin.test_edit_token import REFUSED, editor_client, refused, text_of
from tests.publishing.test_revisions import other_client, staff, start_draft

SOURCE = "https://acme.example/billing"
OLD_LINE = "ACME ANTIVIRUS 800-555 CA"
NEW_LINE = "ACMEAV.COM BILL"


@pytest.fixture
def live(db):
    """A live guide with one page of steps and one statement descriptor."""
    provider = factories.make_provider(name="Acme Antivirus", slug="acme", summary="Old summary.")
    route = factories.make_route(provider, label="Website", slug="website", position=1)
    factories.make_step(route=route, title="Sign in", position=1)
    StatementDescriptor.objects.create(
        provider=provider, pattern="ACME ANTIVIRUS", source_url=SOURCE, position=1
    )
    return provider


@pytest.fixture
def editor(client, db):
    return staff(client, "ed", "Editors")


def billed_by(line: str) -> str | None:
    charge = who_bills(line)
    return charge.provider.name if charge is not None and charge.provider is not None else None


def review_url(draft: Provider) -> str:
    return reverse("admin:guides_provider_review", args=[draft.pk])


def descriptor_row(data: dict, draft: Provider) -> str:
    return row(data, "descriptors", draft.descriptors.get())


# A draft of changes carries the descriptors; the live guide's are read-only -------------------


def test_a_draft_copies_the_live_descriptors_and_the_live_ones_are_read_only(editor, live):
    html = editor.get(change_url(live)).content.decode()
    assert "ACME ANTIVIRUS" in html
    assert 'name="descriptors-0-pattern"' not in html  # shown, not editable
    draft = start_draft(editor, live)
    [copy] = draft.descriptors.all()
    assert (copy.pattern, copy.source_url, copy.position) == ("ACME ANTIVIRUS", SOURCE, 1)
    html = editor.get(change_url(draft)).content.decode()
    assert 'name="descriptors-0-pattern"' in html  # an Editor edits them in the draft
    assert billed_by(OLD_LINE) == "Acme Antivirus"  # the live guide's, once: not the draft's
    assert StatementDescriptor.objects.filter(key=copy.key).count() == 2


def test_a_drafts_descriptor_is_not_read_after_a_biller_either(live):
    draft = publishing.start_draft(live)
    StatementDescriptor.objects.create(provider=draft, pattern="ACMEAV.COM", source_url=SOURCE)
    paypal = factories.make_channel(name="PayPal", slug="paypal", kind="payment")
    StatementDescriptor.objects.create(channel=paypal, pattern="PAYPAL *", source_url=SOURCE)
    charge = who_bills("PAYPAL *ACMEAV.COM")
    assert charge is not None and charge.provider is None  # PayPal, for no guide visitors read
    assert who_bills("PAYPAL *ACME ANTIVIRUS").provider.name == "Acme Antivirus"


# Added, changed, deleted in a draft: seen by visitors only once another person publishes ------


def _change(editor, draft: Provider, how: str) -> None:
    url = change_url(draft)
    data = form_data(editor.get(url))
    if how == "added":
        add_row(data, "descriptors", position=2, pattern="ACMEAV.COM", source_url=SOURCE)
    elif how == "changed":
        data[f"{descriptor_row(data, draft)}-pattern"] = "ACMEAV.COM"
    else:
        data[f"{descriptor_row(data, draft)}-DELETE"] = "on"
    assert_saved(editor.post(url, data))


EXPECTED = {  # how: (who bills OLD_LINE, who bills NEW_LINE), once published
    "added": ("Acme Antivirus", "Acme Antivirus"),
    "changed": (None, "Acme Antivirus"),
    "deleted": (None, None),
}


@pytest.mark.parametrize("how", list(EXPECTED))
def test_a_descriptor_changed_in_a_draft_is_matched_only_once_a_second_person_publishes_it(
    editor, live, client, how
):
    draft = start_draft(editor, live)
    _change(editor, draft, how)
    assert list(draft.editors.values_list("username", flat=True)) == ["ed"]
    # Nothing reaches the lookup yet: it reads the live guide.
    assert (billed_by(OLD_LINE), billed_by(NEW_LINE)) == ("Acme Antivirus", None)

    # The review shows the change.
    html = text_of(editor.get(review_url(draft)))
    assert "Statement descriptor" in html
    if how == "deleted":
        assert "ACME ANTIVIRUS" in html
    else:
        assert "ACMEAV.COM" in html
    assert editor.post(review_url(draft), {"message": "Mine"}).status_code == 403

    # A Publisher who changed a descriptor may not publish it alone.
    author = staff(other_client(client), "pub-author", "Publishers")
    data = form_data(author.get(change_url(draft)))
    if (kept := draft.descriptors.first()) is not None:
        data[f"{row(data, 'descriptors', kept)}-example"] = "ACMEAV.COM BILL CA"
    else:
        data["summary"] = "Checked."
    assert_saved(author.post(change_url(draft), data))
    assert "another Publisher must review and publish it" in text_of(author.get(review_url(draft)))
    assert author.post(review_url(draft), {"message": "Mine"}).status_code == 403
    assert (billed_by(OLD_LINE), billed_by(NEW_LINE)) == ("Acme Antivirus", None)

    # Another Publisher publishes it: now the lookup reads it.
    reviewer = staff(other_client(client), "pub-reviewer", "Publishers")
    response = reviewer.post(review_url(draft), {"message": f"Descriptor {how}"})
    assert response.status_code == 302, errors_of(response)
    assert (billed_by(OLD_LINE), billed_by(NEW_LINE)) == EXPECTED[how]
    assert not Provider.objects.filter(draft_of=live).exists()
    revision = live.revisions.get(number=2)
    assert revision.edited_by == "ed, pub-author"
    assert ("ACMEAV.COM" in revision.document) == (how != "deleted")


def test_a_superuser_publishing_their_own_descriptor_is_recorded_as_not_reviewed(live, client):
    boss = staff(client, "boss", is_superuser=True)
    draft = start_draft(boss, live)
    _change(boss, draft, "changed")
    assert boss.post(review_url(draft), {"message": "Urgent"}).status_code == 302
    assert live.revisions.get(number=2).published_alone
    assert billed_by(NEW_LINE) == "Acme Antivirus"


# History, rollback and revert ------------------------------------------------------------------


def test_rolling_back_brings_the_old_descriptor_back(live, client):
    reviewer = staff(client, "rev", "Publishers")
    draft = publishing.start_draft(live)
    StatementDescriptor.objects.filter(provider=draft).update(pattern="ACMEAV.COM", key="acmeavcom")
    publishing.publish(draft, reviewer.user, "New descriptor")
    assert (billed_by(OLD_LINE), billed_by(NEW_LINE)) == (None, "Acme Antivirus")
    kept = live.descriptors.get().pk
    url = reverse("admin:guides_provider_rollback", args=[live.pk, 1])
    html = text_of(reviewer.get(url))
    assert "ACMEAV.COM" in html and "ACME ANTIVIRUS" in html  # the difference, shown first
    assert reviewer.post(url, {"message": "Back"}).status_code == 302
    assert (billed_by(OLD_LINE), billed_by(NEW_LINE)) == ("Acme Antivirus", None)
    assert live.descriptors.get().pk == kept  # the same row, its pattern back


def test_reverting_a_draft_brings_a_deleted_descriptor_back(editor, live):
    draft = start_draft(editor, live)
    assert_saved(edit(editor, change_url(draft), {"": {"summary": "Kept version."}})[0])
    [before] = reversion.models.Version.objects.get_for_object(draft).order_by("-pk")[:1]
    assert before.revision.version_set.filter(content_type__model="statementdescriptor").exists()
    _change(editor, draft, "deleted")
    assert not draft.descriptors.exists()
    url = reverse("admin:guides_provider_revision", args=[draft.pk, before.pk])
    preview = editor.get(url)
    assert preview.status_code == 200 and "ACME ANTIVIRUS" in preview.content.decode()
    assert_saved(editor.post(url, form_data(preview)))
    assert list(draft.descriptors.values_list("pattern", flat=True)) == ["ACME ANTIVIRUS"]
    assert billed_by(OLD_LINE) == "Acme Antivirus"  # the live one, never touched


def test_a_descriptor_is_a_part_of_its_guides_history(editor, live):
    draft = publishing.start_draft(live)
    descriptor = draft.descriptors.get()
    assert history.parts_of(draft)[StatementDescriptor] == [descriptor.pk]
    assert history.FOLLOW[Provider][-1] == "descriptors"
    # A change to the descriptor alone (a script) is listed in the guide's history.
    with reversion.create_revision():
        descriptor.example = "ACME ANTIVIRUS 800-555"
        descriptor.save()
    html = text_of(editor.get(reverse("admin:guides_provider_history", args=[draft.pk])))
    assert "Changes to its parts made elsewhere" in html
    assert "statement descriptor “ACME ANTIVIRUS”" in html
    # Named, and found in a new draft, as a contact is.
    assert describe(descriptor) == "statement descriptor “ACME ANTIVIRUS” of “Acme Antivirus”"
    assert publishing.counterpart_in_draft(live.descriptors.get(), draft) == descriptor
    assert publishing.live_guide_of(live.descriptors.get()) == live
    assert publishing.live_guide_of(descriptor) is None


# No lost update ----------------------------------------------------------------------------------


@pytest.fixture
def ed1(db):
    return editor_client("ed1")


@pytest.fixture
def ed2(db):
    return editor_client("ed2")


def test_a_stale_save_of_a_drafts_descriptors_is_refused_and_loses_nothing(ed1, ed2, live):
    draft = publishing.start_draft(live)
    descriptor = draft.descriptors.get()
    url = change_url(draft)
    a, b = form_data(ed1.get(url)), form_data(ed2.get(url))
    a[f"{row(a, 'descriptors', descriptor)}-pattern"] = "ACMEAV.COM"
    assert_saved(ed1.post(url, a))
    b["summary"] = "Two minutes."
    response = ed2.post(url, b)
    refused(response, REFUSED, "ed1 changed statement descriptor 1 “ACMEAV.COM” (pattern)")
    shown = form_data(response)
    assert shown[f"{row(shown, 'descriptors', descriptor)}-pattern"] == "ACMEAV.COM"
    assert_saved(ed2.post(url, shown))
    draft.refresh_from_db(), descriptor.refresh_from_db()
    assert draft.summary == "Two minutes." and descriptor.pattern == "ACMEAV.COM"


def test_both_change_one_descriptor_the_second_keeps_their_text(ed1, ed2, live):
    draft = publishing.start_draft(live)
    descriptor = draft.descriptors.get()
    url = change_url(draft)
    a, b = form_data(ed1.get(url)), form_data(ed2.get(url))
    a[f"{row(a, 'descriptors', descriptor)}-pattern"] = "ACMEAV.COM"
    assert_saved(ed1.post(url, a))
    b[f"{row(b, 'descriptors', descriptor)}-pattern"] = "ACME AV"
    response = ed2.post(url, b)
    refused(response, REFUSED, "both changed", "ACMEAV.COM")
    descriptor.refresh_from_db()
    assert descriptor.pattern == "ACMEAV.COM"  # nothing of ed2 saved yet
    shown = form_data(response)
    assert shown[f"{row(shown, 'descriptors', descriptor)}-pattern"] == "ACME AV"
    assert_saved(ed2.post(url, shown))  # saving again, on purpose
    descriptor.refresh_from_db()
    assert descriptor.pattern == "ACME AV"


def test_a_descriptor_added_meanwhile_joins_the_form_and_stays(ed1, ed2, live):
    draft = publishing.start_draft(live)
    url = change_url(draft)
    a, b = form_data(ed1.get(url)), form_data(ed2.get(url))
    add_row(a, "descriptors", position=2, pattern="ACMEAV.COM", source_url=SOURCE)
    assert_saved(ed1.post(url, a))
    b["summary"] = "Two minutes."
    response = ed2.post(url, b)
    refused(response, "ed1 added statement descriptor 2 “ACMEAV.COM”")
    assert_saved(ed2.post(url, form_data(response)))
    assert sorted(draft.descriptors.values_list("pattern", flat=True)) == [
        "ACME ANTIVIRUS",
        "ACMEAV.COM",
    ]


# Guide files -------------------------------------------------------------------------------------


def _file_with(live: Provider, pattern: str):
    data = document(live)
    data["providers"][0]["descriptors"][0]["pattern"] = pattern
    return parse_document("acme.yaml", dumps(data))


def test_an_upload_for_a_live_guide_changes_its_draft_not_the_lookup(live):
    report = import_documents([_file_with(live, "ACMEAV.COM")], as_drafts=True)
    assert any("draft of changes" in warning for warning in report.warnings)
    draft = Provider.objects.get(draft_of=live)
    assert list(draft.descriptors.values_list("pattern", flat=True)) == ["ACMEAV.COM"]
    assert list(live.descriptors.values_list("pattern", flat=True)) == ["ACME ANTIVIRUS"]
    assert (billed_by(OLD_LINE), billed_by(NEW_LINE)) == ("Acme Antivirus", None)


def test_an_export_and_import_round_trip_keeps_descriptors(live):
    data = document(live)
    assert data["providers"][0]["descriptors"] == [
        {"pattern": "ACME ANTIVIRUS", "source_url": SOURCE}
    ]
    kept = live.descriptors.get().pk
    report = import_documents([_file_with(live, "ACME ANTIVIRUS")])
    assert not [change for change in report.changes if change.kind == "descriptor"]
    assert live.descriptors.get().pk == kept
    report = import_documents([_file_with(live, "ACMEAV.COM")])  # an import goes live, recorded
    assert [change.kind for change in report.changes if change.kind == "descriptor"]
    assert "ACMEAV.COM" in live.revisions.order_by("number").last().document
    assert billed_by(NEW_LINE) == "Acme Antivirus"


# A channel's descriptors: its draft, then a second person -------------------------------------


def test_a_channels_descriptor_is_matched_only_once_its_draft_is_published(db, client):
    store = factories.make_channel(name="Pay Store", slug="pay-store", kind="retailer")
    factories.make_step(channel=store, title="Open your account", position=1)
    draft = channel_publishing.start_channel_draft(store)
    StatementDescriptor.objects.create(channel=draft, pattern="PAYSTORE", source_url=SOURCE)
    assert who_bills("PAYSTORE 123") is None
    [descriptor] = draft.descriptors.all()
    assert channel_publishing.channel_of(descriptor) == draft
    assert history.parts_of(draft)[StatementDescriptor] == [descriptor.pk]
    review = channel_publishing.channel_review(draft)
    assert any("PAYSTORE" in change.after for change in review.fields)
    reviewer = staff(other_client(client), "rev", "Publishers")
    channel_publishing.publish_channel(draft, reviewer.user, "Descriptor")
    charge = who_bills("PAYSTORE 123")
    assert charge is not None and charge.biller is not None and charge.biller.name == "Pay Store"
    assert channel_publishing.live_channel_of(store.descriptors.get()) == store
