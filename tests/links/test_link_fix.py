"""The one-click fix of a moved link (guides/admin/link_health.py, guides/links/fix.py): the
new address written wherever the guide holds the old one, in its draft, as an editor's change
kept in the history, refused on a stale page and harmless when pressed twice."""

from __future__ import annotations

import html as html_module
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse
from reversion.models import Version

from guides.links import addresses
from guides.links.fix import holding, rows_of
from guides.models import LinkCheck, LinkOutcome, OfficialContact, Provider, Step
from guides.publishing.revisions import start_draft
from tests import factories
from tests.admin.test_admin import (  # noqa: F401 (fixtures: every page as in production)
    collected_static,
    manifest_static,
)

SITE = "https://acme.example"
OLD, NEW = f"{SITE}/old", f"{SITE}/new"
ATTENTION = "admin:guides_provider_attention"


@pytest.fixture
def editor(client, db):
    factories.login(client, factories.make_staff("ed", "Editors"))
    return client


@pytest.fixture
def acme(db):
    """A live guide holding the moved address in every kind of field, beside others that
    must not change (another address, one that starts with the old one)."""
    provider = factories.make_provider(
        name="Acme", slug="acme", website=OLD, sources=f"{SITE}/help\n{OLD}\n{OLD}/more\n"
    )
    route = factories.make_route(provider, label="Website")
    factories.make_step(route=route, title="Open", link_url=OLD, source_url=f"{SITE}/help")
    factories.make_step(route=route, title="Cancel", link_url=f"{OLD}/more", source_url=OLD)
    factories.make_note(provider, title="Refunds", source_url=OLD)
    factories.make_question(provider, question="Can I pause?", source_url=f"{SITE}/faq")
    factories.make_contact(provider=provider, kind="chat", label="Chat", value=OLD, source_url=OLD)
    factories.make_contact(
        provider=provider, kind="email", value="help@acme.example", source_url=f"{SITE}/contact"
    )
    LinkCheck.objects.create(url=OLD, outcome=LinkOutcome.MOVED, status_code=200, moved_to=NEW)
    return provider


def values(guide: Provider) -> dict[str, str]:
    """Every address field of the guide's rows, by row and field (the rows in a fixed order)."""
    found = {}
    for number, obj in enumerate(rows_of(guide)):
        for name, _lines in addresses.url_fields(type(obj)):
            found[f"{number}:{type(obj).__name__}.{name}"] = getattr(obj, name)
    return found


def holding_new(draft):
    return holding(draft, NEW)


def token_on(page: str) -> str:
    return html_module.unescape(re.search(r'name="cf_fix_token" value="([^"]+)"', page)[1])


def fix(client, provider, token, url=OLD):
    return client.post(
        reverse("admin:guides_provider_fix_link", args=[provider.pk]),
        {"cf_fix_url": url, "cf_fix_token": token, "cf_fix_next": reverse(ATTENTION)},
    )


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_fix_replaces_the_address_in_every_field_holding_it_in_a_draft(editor, acme):
    page = editor.get(reverse(ATTENTION)).content.decode()
    assert "Use the new address" in page
    before = values(acme)
    response = fix(editor, acme, token_on(page))
    assert response.status_code == 302 and response["Location"] == reverse(ATTENTION)

    assert values(Provider.objects.get(pk=acme.pk)) == before  # the live guide: untouched
    draft = Provider.objects.get(draft_of=acme)
    after = values(draft)
    assert before.keys() == after.keys()
    changed = {key: after[key] for key in before if after[key] != before[key]}
    assert changed == {
        "0:Provider.website": NEW,
        "0:Provider.sources": f"{SITE}/help\n{NEW}\n{OLD}/more",
        "2:Step.link_url": NEW,
        "3:Step.source_url": NEW,
        "4:ProviderNote.source_url": NEW,
        "6:OfficialContact.value": NEW,
        "6:OfficialContact.source_url": NEW,
    }
    assert OLD not in {value.strip() for value in after.values()}
    assert draft.sources == f"{SITE}/help\n{NEW}\n{OLD}/more"
    assert Step.objects.get(route__provider=draft, title="Cancel").link_url == f"{OLD}/more"
    assert OfficialContact.objects.get(provider=draft, kind="email").value == "help@acme.example"
    # As an editor's change: in the history, in the admin's log, and the editor may not
    # publish it themselves.
    comment = f"Replaced the moved address {OLD} with {NEW}"
    [revision] = {version.revision for version in Version.objects.all()}
    assert revision.comment == comment and revision.user.username == "ed"
    in_revision = {(v.content_type.model, v.object_id) for v in revision.version_set.all()}
    assert {(type(item.obj).__name__.lower(), str(item.obj.pk)) for item in holding_new(draft)} <= (
        in_revision
    )
    assert set(LogEntry.objects.values_list("user__username", "change_message")) == {
        ("ed", comment)
    }
    assert LogEntry.objects.count() == 5
    assert list(draft.editors.values_list("username", flat=True)) == ["ed"]
    assert f"{OLD} is now {NEW} in 7 fields of the draft of “Acme”" in said(response)[0]


def test_the_panel_of_a_guide_offers_the_fix(editor, acme):
    page = editor.get(reverse("admin:guides_provider_change", args=[acme.pk])).content.decode()
    fix_url = reverse("admin:guides_provider_fix_link", args=[acme.pk])
    assert f'formaction="{fix_url}"' in page and f'value="{OLD}"' in page
    response = fix(editor, acme, token_on(page))
    assert Provider.objects.get(draft_of=acme).website == NEW
    assert "in 7 fields" in said(response)[0]


def test_a_second_click_is_harmless(editor, acme):
    token = token_on(editor.get(reverse(ATTENTION)).content.decode())
    fix(editor, acme, token)
    draft = Provider.objects.get(draft_of=acme)
    after = values(draft)
    versions = Version.objects.count()
    response = fix(editor, acme, token)
    assert response.status_code == 302
    assert values(draft) == after and Version.objects.count() == versions
    assert Provider.objects.filter(draft_of=acme).count() == 1
    assert said(response)[-1] == (
        f"“Acme” no longer holds {OLD} (replaced already?): nothing was changed."
    )


def test_a_stale_page_changes_nothing_and_says_why(editor, acme, client):
    token = token_on(editor.get(reverse(ATTENTION)).content.decode())
    draft = start_draft(acme)  # someone opened a draft meanwhile and changed a step
    Step.objects.filter(route__provider=draft, title="Open").update(title="Open it")
    before = values(draft)
    response = fix(editor, acme, token)
    assert values(draft) == before
    [message] = said(response)
    assert message.startswith("Nothing was changed: the guide changed since this page was shown")
    assert "Reload the page" in message


def test_a_form_without_a_token_changes_nothing(editor, acme):
    response = fix(editor, acme, "")
    assert not Provider.objects.filter(draft_of=acme).exists()
    assert said(response)[0].startswith("Nothing was changed: this page did not say")


def test_someone_who_may_not_change_the_guide_is_refused(client, acme):
    reader = factories.make_staff("reader")
    reader.user_permissions.add(Permission.objects.get(codename="view_provider"))
    factories.login(client, reader)
    page = client.get(reverse("admin:guides_provider_change", args=[acme.pk]))
    assert page.status_code == 200
    response = fix(client, acme, token_on(page.content.decode()))
    assert response.status_code == 403
    assert not Provider.objects.filter(draft_of=acme).exists()


def test_only_a_moved_link_is_fixed(editor, acme):
    token = token_on(editor.get(reverse(ATTENTION)).content.decode())
    LinkCheck.objects.create(url=OLD, outcome=LinkOutcome.OK, status_code=200)  # fine again
    response = fix(editor, acme, token)
    assert not Provider.objects.filter(draft_of=acme).exists()
    assert said(response) == [
        f"The checks no longer say that {OLD} has moved: nothing was changed."
    ]


def test_a_get_is_refused(editor, acme):
    url = reverse("admin:guides_provider_fix_link", args=[acme.pk])
    assert editor.get(url).status_code == 405
