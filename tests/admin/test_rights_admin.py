"""Rights notes in the admin (guides/admin/rights.py): edited beside their translations, with
the lost-update protection and the phone guard; what visitors read changes only when a
Publisher who did not make the change publishes it, and a superuser's own publication is
recorded as unreviewed."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from guides.models import RightsNote
from tests import factories
from tests.admin.test_admin import (  # noqa: F401 (fixtures: every page as in production)
    admin_url,
    assert_saved,
    change_url,
    collected_static,
    edit,
    errors_of,
    form_data,
    manifest_static,
)
from tests.admin.test_edit_token import REFUSED, refused

SCAM = "1-855-737-0477"
STEPS = "/cancel/acme/website/?region=de"


def signed_in(username: str, group: str) -> Client:
    client = Client()
    user = factories.make_staff(username, group)
    factories.login(client, user)
    client.user = user
    return client


@pytest.fixture
def editor(db):
    return signed_in("edith", "Editors")


@pytest.fixture
def publisher(db):
    return signed_in("paula", "Publishers")


@pytest.fixture
def other_publisher(db):
    return signed_in("peter", "Publishers")


@pytest.fixture
def superuser(db, django_user_model):
    client = Client()
    client.user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    factories.login(client, client.user)
    return client


@pytest.fixture
def note(db):
    provider = factories.make_provider(name="Acme", slug="acme")
    route = factories.make_route(provider, label="On the website", slug="website")
    factories.make_step(route=route, title="Sign in")
    return RightsNote.objects.create(
        slug="de-button",
        region="DE",
        title="The cancellation button",
        title_de="Der Kündigungsbutton",
        body="Since **2022**.",
        source_url="https://www.gesetze-im-internet.de/bgb/__312k.html",
    )


def text_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def visitors_read(title: str) -> bool:
    page = Client().get(STEPS).content.decode()
    return title in page


def publish(client, note: RightsNote) -> str:
    """Open the note's page and press Publish, as a browser would; the page shown after."""
    page = client.get(change_url(note)).content.decode()
    found = re.search(r'name="fingerprint" value="([^"]+)"', page)
    fingerprint = found[1] if found else ""
    url = reverse("admin:guides_rightsnote_publish", args=[note.pk])
    return text_of(client.post(url, {"fingerprint": fingerprint}, follow=True))


def save(client, note: RightsNote, **fields):
    response, _ = edit(client, change_url(note), {"": fields})
    return response


# The list and the form -------------------------------------------------------------------------


def test_the_list_shows_region_dates_and_what_is_published(editor, note):
    RightsNote.objects.create(
        slug="eu", region="EU", title="Withdraw within 14 days", source_url="https://eu.example/"
    )
    response = editor.get(admin_url(RightsNote, "changelist"))
    text = text_of(response)
    for column in ("Title", "Region", "Took effect", "Published", "Unpublished changes"):
        assert column in text
    assert "The cancellation button" in text and "Withdraw within 14 days" in text
    filtered = text_of(editor.get(admin_url(RightsNote, "changelist") + "?region=EU"))
    assert "Withdraw within 14 days" in filtered and "The cancellation button" not in filtered
    assert "European Union" in filtered  # the filter names each region


def test_each_text_stands_beside_its_translations(editor, note):
    response = editor.get(change_url(note))
    lines = [line.fields for fieldset in response.context["adminform"] for line in fieldset]
    assert ("title", "title_de", "title_fr", "title_es") in lines
    assert ("body", "body_de", "body_fr", "body_es") in lines
    form = response.context["adminform"].form
    assert form["title_de"].label == "Title (German)"
    assert form["title_de"].value() == "Der Kündigungsbutton"
    assert "Not published" in text_of(response)


# Four eyes ---------------------------------------------------------------------------------------


def test_an_editors_change_waits_for_a_second_person(editor, publisher, other_publisher, note):
    note.publish(other_publisher.user)
    assert visitors_read("The cancellation button")
    assert_saved(save(editor, note, title="The button to cancel contracts"))
    note.refresh_from_db()
    assert note.has_unpublished_changes
    page = text_of(editor.get(change_url(note)))
    assert "Unpublished changes: title." in page
    assert "Publish this note" not in page  # an Editor is offered no button...
    assert "Only a Publisher can publish a rights note." in publish(editor, note)  # ...nor can
    assert visitors_read("The cancellation button")
    assert not visitors_read("The button to cancel contracts")

    assert "Published: visitors now read" in publish(publisher, note)
    assert visitors_read("The button to cancel contracts")
    note.refresh_from_db()
    assert note.published_by == publisher.user and not note.published_alone
    assert not note.has_unpublished_changes


def test_the_author_cannot_publish_their_own_change(publisher, other_publisher, note):
    assert_saved(save(publisher, note, title_de="Der Button zum Kündigen"))
    said = publish(publisher, note)
    assert "Not published: You changed this note yourself: another Publisher must review" in said
    note.refresh_from_db()
    assert note.published is None
    assert "Published: visitors now read" in publish(other_publisher, note)
    note.refresh_from_db()
    assert note.published["title"]["de"] == "Der Button zum Kündigen"


def test_a_superuser_may_publish_their_own_change_and_it_is_recorded(superuser, note):
    assert_saved(save(superuser, note, body="Since **1 July 2022**."))
    said = publish(superuser, note)
    assert "No one else reviewed it; that is recorded." in said
    note.refresh_from_db()
    assert note.published_alone and note.published_by == superuser.user
    assert "No one else reviewed it." in text_of(superuser.get(change_url(note)))


def test_a_change_made_while_the_publisher_read_is_not_published_unread(editor, publisher, note):
    page = publisher.get(change_url(note)).content.decode()
    fingerprint = re.search(r'name="fingerprint" value="([^"]+)"', page)[1]
    assert_saved(save(editor, note, title="Changed meanwhile"))
    url = reverse("admin:guides_rightsnote_publish", args=[note.pk])
    said = text_of(publisher.post(url, {"fingerprint": fingerprint}, follow=True))
    assert "The note was changed after you opened it" in said
    note.refresh_from_db()
    assert note.published is None


def test_nothing_to_publish_is_said_so(publisher, other_publisher, note):
    note.publish(other_publisher.user)
    url = reverse("admin:guides_rightsnote_publish", args=[note.pk])
    said = text_of(publisher.post(url, {"fingerprint": note.fingerprint()}, follow=True))
    assert "nothing to publish" in said


def test_publishing_answers_get_with_405_and_an_unknown_note_with_404(publisher, note):
    url = reverse("admin:guides_rightsnote_publish", args=[note.pk])
    assert publisher.get(url).status_code == 405
    missing = reverse("admin:guides_rightsnote_publish", args=[note.pk + 99])
    assert publisher.post(missing).status_code == 404


# The phone guard, in every language ----------------------------------------------------------


@pytest.mark.parametrize("field", ["title", "title_de", "body_fr", "body_es", "sources"])
def test_a_phone_number_in_any_text_is_refused(editor, note, field):
    value = f"https://example.com/{SCAM}" if field == "sources" else f"Call {SCAM} now"
    response = save(editor, note, **{field: value})
    assert response.status_code == 200
    assert "reads as a phone number" in errors_of(response)
    note.refresh_from_db()
    assert SCAM not in str(getattr(note, field))


def test_publishing_is_the_last_gate_for_a_number(publisher, other_publisher, note):
    RightsNote.objects.filter(pk=note.pk).update(body_de=f"Rufen Sie {SCAM} an")  # no clean()
    said = publish(publisher, note)
    assert "Not published" in said and "reads as a phone number" in said
    note.refresh_from_db()
    assert note.published is None


# No editor's work is lost ----------------------------------------------------------------------


def test_a_stale_save_is_refused_and_keeps_the_text(editor, publisher, note):
    url = change_url(note)
    first, second = form_data(editor.get(url)), form_data(publisher.get(url))
    first["title"] = "The cancellation button, by Edith"
    assert_saved(editor.post(url, first))
    second["body_de"] = "Seit **2022**, von Paula."
    response = publisher.post(url, second)
    refused(response, REFUSED, "edith changed")
    assert "Seit **2022**, von Paula." in response.content.decode()  # kept in the form
    note.refresh_from_db()
    assert note.title == "The cancellation button, by Edith" and not note.body_de


def test_what_visitors_read_is_unpublished_before_it_is_deleted(editor, publisher, note):
    note.publish(factories.make_staff("third", "Publishers"))
    assert editor.get(admin_url(note, "delete", note.pk)).status_code == 403
    changelist = admin_url(RightsNote, "changelist")
    chosen = {"action": "delete_selected", "_selected_action": [note.pk]}
    assert editor.post(changelist, {**chosen, "post": "yes"}).status_code == 403
    assert RightsNote.objects.filter(pk=note.pk).exists()
    publisher.post(changelist, {"action": "unpublish", "_selected_action": [note.pk]})
    note.refresh_from_db()
    assert note.published is None and not visitors_read("The cancellation button")
    assert editor.get(admin_url(note, "delete", note.pk)).status_code == 200


def test_an_old_version_brings_back_texts_never_an_old_publication(editor, publisher, note):
    assert_saved(save(editor, note, title="A second title"))
    assert_saved(save(editor, note, title="A third title"))
    note.publish(publisher.user)
    history = editor.get(admin_url(note, "history", note.pk))
    assert history.status_code == 200
    first = min(int(pk) for pk in re.findall(r"/history/(\d+)/", history.content.decode()))
    url = admin_url(note, "revision", note.pk, first)
    data = form_data(editor.get(url))
    assert data["title"] == "A second title"
    assert_saved(editor.post(url, data))
    note.refresh_from_db()
    assert note.title == "A second title"
    assert note.published["title"]["en"] == "A third title"  # visitors still read that
    assert note.published_by == publisher.user
    assert note.has_unpublished_changes and note.editors.filter(pk=editor.user.pk).exists()
