"""Verifying a contact is a role, not a date field: only a Publisher verifies, never a
contact they created or changed; the date and the person are recorded when they press
Verify; a phone number's source must be on the owner's official domain; any change to a
verified contact asks for a new verification."""

from __future__ import annotations

import datetime

import pytest
import reversion
from django.urls import reverse

from guides.models import OfficialContact
from tests import factories

LIST = "admin:guides_officialcontact_changelist"


@pytest.fixture
def acme(db):
    provider = factories.make_provider(name="Acme", slug="acme", website="https://www.acme.com/")
    contact = factories.make_contact(
        provider=provider,
        kind="phone",
        value="+1 800 555 0100",
        source_url="https://support.acme.com/contact",
        verified_on=None,
    )
    return provider, contact


def verify(client, contact):
    data = {"action": "verify", "_selected_action": [contact.pk]}
    response = client.post(reverse(LIST), data, follow=True)
    contact.refresh_from_db()
    return response.content.decode()


def test_a_publisher_verifies_and_is_recorded_with_the_date(client, acme):
    _, contact = acme
    publisher = factories.make_staff("pub", "Publishers")
    factories.login(client, publisher)
    html = verify(client, contact)
    assert "Verified by you today" in html
    assert contact.verified_on == datetime.date.today()
    assert contact.verified_by == publisher


def test_an_editor_cannot_verify(client, acme):
    _, contact = acme
    factories.login(client, factories.make_staff("ed", "Editors"))
    response = client.get(reverse(LIST))
    assert response.status_code == 200
    assert 'value="verify"' not in response.content.decode()
    verify(client, contact)
    assert contact.verified_on is None


def test_a_publisher_cannot_verify_a_contact_they_created_or_changed(client, acme):
    provider, _ = acme
    publisher = factories.make_staff("pub", "Publishers")
    with reversion.create_revision():
        reversion.set_user(publisher)
        own = factories.make_contact(
            provider=provider,
            kind="phone",
            value="+1 800 555 0199",
            source_url="https://www.acme.com/help",
        )
    factories.login(client, publisher)
    html = verify(client, own)
    assert "another Publisher must verify it" in html
    assert own.verified_on is None
    other = factories.make_staff("pub2", "Publishers")
    factories.login(client, other)
    verify(client, own)
    assert own.verified_by == other


@pytest.mark.parametrize(
    ("source", "accepted"),
    [
        ("https://www.acme.com/contact", True),
        ("https://support.acme.com/contact", True),
        ("https://acme-support.com/contact", False),  # a look-alike domain
        ("https://acme.com.help-desk.example/contact", False),
        ("https://support-acme.example/acme.com", False),
    ],
)
def test_a_phone_numbers_source_must_be_on_the_official_domain(client, acme, source, accepted):
    _, contact = acme
    OfficialContact.objects.filter(pk=contact.pk).update(source_url=source)
    factories.login(client, factories.make_staff("pub", "Publishers"))
    html = verify(client, contact)
    assert (contact.verified_on is not None) is accepted
    if not accepted:
        assert "must be a page on the official domain (acme.com)" in html


def test_any_change_to_a_verified_contact_asks_for_a_new_verification(acme):
    _, contact = acme
    contact.verified_on = datetime.date(2026, 1, 5)
    contact.save()
    contact.label = "Billing"
    contact.save()
    contact.refresh_from_db()
    assert contact.verified_on is None
    contact.verified_on = datetime.date(2026, 1, 5)
    contact.save(update_fields=["verified_on"])
    contact.value = "+1 800 555 0111"
    contact.save(update_fields=["value"])
    contact.refresh_from_db()
    assert contact.verified_on is None
