"""Four eyes on everything visitors read (guides/publishing/revisions.py): a live guide is changed
in
a draft, which a Publisher who did not change it reviews and publishes; every publication is
a revision, and the live guide can be rolled back to any of them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from reversion.models import Version

from guides.files.exporter import dumps, export_guide
from guides.models import GuideRevision, Provider, RevisionKind, Step
from guides.publishing import revisions as publishing
from tests import factories
from tests.admin.test_admin import (  # noqa: F401 (fixtures: every page as in production)
    change_url,
    collected_static,
    edit,
    form_data,
    manifest_static,
)


@pytest.fixture
def live(db):
    """A live guide with one page of steps, a contact, a note and a visitor's report."""
    provider = factories.make_provider(name="Acme Antivirus", slug="acme", summary="Old summary.")
    route = factories.make_route(provider, label="Website", slug="website", position=1)
    factories.make_step(route=route, title="Sign in", position=1)
    billing = factories.make_step(route=route, title="Open Billing", position=2)
    factories.make_contact(provider=provider, kind="email", value="help@acme.example")
    factories.make_note(provider, title="Keep your licence key", position=1)
    factories.make_feedback(route, kind="problem", step=billing, step_number=2)
    return provider


def staff(client, username: str, group: str | None = None, **kwargs):
    user = factories.make_staff(username, group, **kwargs)
    if kwargs.get("is_superuser"):
        user.is_superuser = True
        user.save()
    factories.login(client, user)
    client.user = user
    return client


@pytest.fixture
def editor(client, db):
    return staff(client, "ed", "Editors")


def other_client(client):
    return type(client)()


def visitor_page(client, path="/cancel/acme/website/") -> str:
    response = other_client(client).get(path)
    assert response.status_code == 200
    return response.content.decode()


def draft_of(live: Provider) -> Provider:
    return Provider.objects.get(draft_of=live)


def start_draft(client, live: Provider) -> Provider:
    response = client.post(reverse("admin:guides_provider_draft", args=[live.pk]))
    assert response.status_code == 302
    draft = draft_of(live)
    assert response["Location"] == change_url(draft)
    return draft


# A live guide is not changed in place ---------------------------------------------------------


def test_a_live_guide_and_its_parts_are_read_only(editor, live):
    route = live.routes.get()
    step = route.steps.get(title="Open Billing")
    contact = live.contacts.get()
    for obj in [live, route, step, contact]:
        page = editor.get(change_url(obj))
        assert page.status_code == 200, obj
        html = page.content.decode()
        assert 'name="_save"' not in html, obj  # shown, not editable
    html = editor.get(change_url(live)).content.decode()
    assert "Visitors read this guide." in html and 'id="start-draft"' in html
    response, _ = edit(editor, change_url(step), {"": {"title": "Changed in place"}})
    assert response.status_code == 403
    step.refresh_from_db()
    assert step.title == "Open Billing"
    delete = reverse("admin:guides_step_delete", args=[step.pk])
    assert editor.post(delete, {"post": "yes"}).status_code == 403
    assert Step.objects.filter(pk=step.pk).exists()


def test_a_new_step_cannot_be_added_to_a_live_route(editor, live):
    route = live.routes.get()
    url = reverse("admin:guides_step_add")
    data = form_data(editor.get(url))
    data.update({"route": str(route.pk), "title": "Sneaked in", "position": "7", "kind": "do"})
    response = editor.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Step.objects.filter(title="Sneaked in").exists()


def test_history_does_not_write_into_a_live_guide(editor, live, client):
    draft = start_draft(editor, live)
    step = live.routes.get().steps.get(title="Sign in")
    Version.objects.all().delete()
    import reversion

    with reversion.create_revision():
        step.save()
    version = Version.objects.get_for_object(step).first()
    url = reverse("admin:guides_step_revision", args=[step.pk, version.pk])
    response = editor.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:guides_provider_revisions", args=[live.pk])
    assert draft_of(live) == draft


# A draft, reviewed and published by a second person ----------------------------------------


def test_an_editors_change_reaches_visitors_only_once_another_person_publishes_it(
    editor, live, client
):
    draft = start_draft(editor, live)
    assert draft.slug == "acme" and draft.status == "draft"
    assert [s.title for s in Step.objects.filter(route__provider=draft)] == [
        "Sign in",
        "Open Billing",
    ]
    # The editor changes the draft: the summary and a step.
    assert edit(editor, change_url(draft), {"": {"summary": "New summary."}})[0].status_code == 302
    step = Step.objects.get(route__provider=draft, title="Open Billing")
    response, _ = edit(editor, change_url(step), {"": {"title": "Open Billing and plans"}})
    assert response.status_code == 302
    assert list(draft.editors.values_list("username", flat=True)) == ["ed"]

    # Visitors still read the live guide; the editor previews the draft, marked as such.
    assert "Open Billing and plans" not in visitor_page(client)
    assert "Open Billing" in visitor_page(client)
    preview = editor.get("/cancel/acme/website/").content.decode()
    assert "Open Billing and plans" in preview and "Draft" in preview

    # The review page shows the difference, field by field and page by page.
    review_url = reverse("admin:guides_provider_review", args=[draft.pk])
    html = editor.get(review_url).content.decode()
    assert "Old summary." in html and "New summary." in html
    assert "Open Billing and plans" in html and "Live now: <del>Open Billing" in html
    assert "Only a Publisher can publish a guide." in html
    assert editor.post(review_url, {"message": "Mine"}).status_code == 403

    # A Publisher who changed the draft may not publish it alone.
    author = staff(other_client(client), "pub-author", "Publishers")
    edit(author, change_url(draft), {"": {"summary": "New summary, checked."}})
    html = author.get(review_url).content.decode()
    assert "another Publisher must review and publish it" in html
    assert author.post(review_url, {"message": "Mine"}).status_code == 403
    assert "New summary" not in visitor_page(client, "/cancel/acme/")

    # Another Publisher publishes it, with a message.
    reviewer = staff(other_client(client), "pub-reviewer", "Publishers")
    response = reviewer.post(review_url, {"message": "Clearer billing step"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:guides_provider_revisions", args=[live.pk])
    assert "Open Billing and plans" in visitor_page(client)
    assert "New summary, checked." in visitor_page(client, "/cancel/acme/")
    assert not Provider.objects.filter(draft_of=live).exists()

    # The live step is the same step: what visitors reported about it stays pinned to it.
    live_step = Step.objects.get(route__provider=live, title="Open Billing and plans")
    assert live_step.feedback.count() == 1

    # Recorded: what was live before, and this publication, who, when and why.
    revisions = list(live.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].message == publishing.BASELINE_MESSAGE
    assert "Old summary." in revisions[0].document
    assert revisions[1].published_by.username == "pub-reviewer"
    assert revisions[1].message == "Clearer billing step"
    assert revisions[1].edited_by == "ed, pub-author"
    assert not revisions[1].published_alone
    html = reviewer.get(revisions_url(live)).content.decode()
    assert "Clearer billing step" in html and "pub-reviewer" in html


def revisions_url(provider):
    return reverse("admin:guides_provider_revisions", args=[provider.pk])


def test_a_revision_is_the_guide_as_export_writes_it(live, client):
    draft = publishing.start_draft(live)
    Provider.objects.filter(pk=draft.pk).update(summary="Changed.")
    reviewer = staff(other_client(client), "rev", "Publishers")
    revision = publishing.publish(draft, reviewer.user, "Reworded")
    live.refresh_from_db()
    assert revision.document == dumps(export_guide(live))
    assert "summary: Changed." in revision.document


def test_a_superuser_may_publish_their_own_change_and_it_is_recorded(live, client):
    boss = staff(client, "boss", is_superuser=True)
    draft = start_draft(boss, live)
    edit(boss, change_url(draft), {"": {"summary": "The boss's summary."}})
    review_url = reverse("admin:guides_provider_review", args=[draft.pk])
    assert "you may publish it alone" in boss.get(review_url).content.decode()
    assert boss.post(review_url, {"message": "Urgent fix"}).status_code == 302
    revision = live.revisions.get(number=2)
    assert revision.published_alone and revision.published_by.username == "boss"
    assert "alone, not reviewed" in boss.get(revisions_url(live)).content.decode()


def test_a_draft_that_changes_nothing_is_not_published(live, client):
    draft = publishing.start_draft(live)
    reviewer = staff(client, "rev", "Publishers")
    review_url = reverse("admin:guides_provider_review", args=[draft.pk])
    html = reviewer.get(review_url).content.decode()
    assert "No field differs from the live guide." in html
    response = reviewer.post(review_url, {"message": "Nothing"})
    assert response.status_code == 200
    assert "there is nothing to publish" in response.content.decode()
    assert not live.revisions.exists()


def test_publishing_needs_a_message(live, client):
    draft = publishing.start_draft(live)
    Provider.objects.filter(pk=draft.pk).update(summary="Changed.")
    reviewer = staff(client, "rev", "Publishers")
    review_url = reverse("admin:guides_provider_review", args=[draft.pk])
    response = reviewer.post(review_url, {"message": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    response = reviewer.post(review_url, {"message": "x" * 501})
    assert response.status_code == 200
    assert Provider.objects.filter(draft_of=live).exists()
    assert "Changed." not in visitor_page(client, "/cancel/acme/")


def test_one_draft_at_a_time(editor, live):
    first = start_draft(editor, live)
    response = editor.post(reverse("admin:guides_provider_draft", args=[live.pk]))
    assert response["Location"] == change_url(first)
    assert Provider.objects.filter(draft_of=live).count() == 1
    html = editor.get(change_url(live)).content.decode()
    assert 'id="open-draft"' in html


# Rolling back ------------------------------------------------------------------------------


def published_twice(live, client):
    reviewer = staff(client, "rev", "Publishers")
    for summary in ["Second summary.", "Third summary."]:
        draft = publishing.start_draft(live)
        Provider.objects.filter(pk=draft.pk).update(summary=summary)
        Step.objects.filter(route__provider=draft, title__startswith="Open Billing").update(
            title=f"Open Billing ({summary})"
        )
        publishing.publish(draft, reviewer.user, f"Now: {summary}")
    return reviewer


def test_rolling_back_shows_the_difference_then_brings_the_whole_revision_back(live, client):
    reviewer = published_twice(live, client)
    assert "Third summary." in visitor_page(client, "/cancel/acme/")
    url = reverse("admin:guides_provider_rollback", args=[live.pk, 1])
    html = reviewer.get(url).content.decode()
    assert "Third summary." in html and "Old summary." in html  # live now → after
    assert "Open Billing (Third summary.)" in html
    assert "Old summary." not in visitor_page(client, "/cancel/acme/")  # a preview only

    response = reviewer.post(url, {"message": "The new wording confused people"})
    assert response.status_code == 302
    assert "Old summary." in visitor_page(client, "/cancel/acme/")
    page = visitor_page(client)
    assert "Open Billing" in page and "Third summary" not in page
    rollback = live.revisions.get(number=4)
    assert rollback.kind == RevisionKind.ROLLED_BACK and rollback.restores.number == 1
    assert rollback.published_by == reviewer.user
    # The step is the same step still, with what visitors reported about it.
    assert Step.objects.get(route__provider=live, title="Open Billing").feedback.count() == 1


def test_only_a_publisher_rolls_back(editor, live, client):
    published_twice(live, other_client(client))
    url = reverse("admin:guides_provider_rollback", args=[live.pk, 1])
    assert editor.get(url).status_code == 200  # may look
    assert 'id="rollback-form"' not in editor.get(url).content.decode()
    assert editor.post(url, {"message": "No"}).status_code == 403
    assert "Third summary." in visitor_page(client, "/cancel/acme/")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/guides/provider/999999/review/",
        "/admin/guides/provider/999999/revisions/",
        "/admin/guides/provider/999999/revisions/1/",
        "/admin/guides/provider/{live}/revisions/99/",
    ],
)
def test_unknown_guides_and_revisions_are_404(editor, live, path):
    response = editor.get(path.format(live=live.pk))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path", ["/admin/guides/provider/abc/review/", "/admin/guides/provider/{live}/revisions/-1/"]
)
def test_junk_ids_get_the_admins_own_answer(editor, live, path):
    """Not one of these pages: the admin's change page of no such object, which says so."""
    response = editor.get(path.format(live=live.pk), follow=True)
    assert response.status_code == 200
    assert "doesn\u2019t exist" in response.content.decode()


def test_opening_a_draft_is_a_post(editor, live):
    url = reverse("admin:guides_provider_draft", args=[live.pk])
    assert editor.get(url).status_code == 405
    assert not Provider.objects.filter(draft_of=live).exists()


def test_a_guide_never_published_is_published_by_a_second_person(client, db):
    author = staff(client, "author", "Publishers")
    add = reverse("admin:guides_provider_add")
    category = factories.make_category(name="Music", slug="music")
    data = form_data(author.get(add))
    data.update({"name": "Tunes", "slug": "tunes", "category": str(category.pk)})
    assert author.post(add, data).status_code == 302
    tunes = Provider.objects.get(slug="tunes")
    assert tunes.status == "draft"
    review_url = reverse("admin:guides_provider_review", args=[tunes.pk])
    assert author.post(review_url, {"message": "Mine"}).status_code == 403
    reviewer = staff(other_client(client), "reviewer", "Publishers")
    assert reviewer.post(review_url, {"message": "New guide"}).status_code == 302
    tunes.refresh_from_db()
    assert tunes.status == "published"
    assert GuideRevision.objects.get(provider=tunes).number == 1


def test_an_import_that_changes_a_live_guide_is_recorded_as_a_revision(db, tmp_path):
    from django.core.management import call_command

    from tests.factories import reimport_sample

    call_command("import_guides", "tests/data/sample.yaml", verbosity=0)
    acme = Provider.objects.get(slug="acme")
    first = list(acme.revisions.values_list("number", "message"))
    assert first == [(1, "Loaded from sample.yaml by an import.")]
    reimport_sample(tmp_path, summary="Changed by the import.")
    latest = acme.revisions.first()
    acme.refresh_from_db()
    assert latest.number == 2 and "Changed by the import." in latest.document
    assert latest.document == dumps(export_guide(acme))
