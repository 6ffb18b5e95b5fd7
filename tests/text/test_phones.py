"""The phone-number guard: every way of writing a number is caught and compared after
normalising; ordinary text is left alone; the admin and the importer both refuse.

The number used to prove the guard is the fake "support" number of the hostile page in the
research material. It may appear here, as a fixture, and nowhere in the product.
"""

from __future__ import annotations

import datetime

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from guides.models import OfficialContact, Provider, ProviderNote, Route, Step
from guides.text.phones import ACROSS_LINES, find_numbers, find_numbers_in_lines, to_e164
from tests import factories

SCAM_E164 = "+18557370477"
SCAM_WRITINGS = [
    "1→855(737)→0477",
    "1-855-737-0477",
    "(855) 737-0477",
    "+1 855 737 0477",
    "1.855.737.0477",
    "18557370477",
    "1\u2013855\u2013737\u20130477",  # en dashes
    "1\u2014855\u2014737\u20140477",  # em dashes
    "1 855 737 0477",
    "1\u00a0855\u00a0737\u00a00477",  # no-break spaces
    "1\u200b855\u200b737\u200b0477",  # zero-width spaces
    "\uff11\uff18\uff15\uff15\uff17\uff13\uff17\uff10\uff14\uff17\uff17",  # full-width digits
    "1 ⟶ 855 ⟶ 737 ⟶ 0477",
    "1·855·737·0477",
    "1_855_737_0477",
    "1/855/737/0477",
    "1 (855) 737-0477",
    "(1)855(737)0477",
    "1 8 5 5 7 3 7 0 4 7 7",
    "1**855**737**0477",  # Markdown emphasis between the groups
    "1&#56;55-737-0477",  # an HTML entity for a digit
    "Call1→855(737)→0477now",  # glued to the words around it
    "<tel:+1-855-737-0477>",
    "[Call us](tel:%2B18557370477)",
]
REAL = "+1 800 555 0100"  # a fictional number in a range reserved for examples
REAL_E164 = "+18005550100"

ORDINARY_TEXT = [
    "Your subscription renews on 2026-01-21; cancel at least 24 hours before.",
    "Dates written 21.01.2026, 01/21/2026, 2026/01/21 or 2026.01.21 are not numbers.",
    "From 2025-07-01 to 2026-06-30, 12 months.",
    "Plans for 2025/2026, 12 months, or 2 years 2025 2026 12 months.",
    "It costs $1,234.56 or €39.99 a year, and $1,000,000 is not a number.",
    "You have 30 days (14 in the EU) to ask for a refund. Since July 2025.",
    "Step 3 of 12: open Settings, then tap Subscriptions (about 5 minutes).",
    "See https://support.example.com/kb/174410.htm for details.",
    "[Help article](https://support.example.com/kb/12345678901?id=18557370477)",
    "Order number 123456789012, version 21.3.4.5678, ISBN 978-3-16-148410-0.",
    "Open 9:00-17:00, Monday to Friday.",
    "Years 2024 2025 2026.",
]


# Finding numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", SCAM_WRITINGS)
def test_every_writing_of_a_number_is_found(text):
    assert [found.e164 for found in find_numbers(f"Need help? {text} (24/7)")] == [SCAM_E164]


@pytest.mark.parametrize("text", ORDINARY_TEXT)
def test_ordinary_text_holds_no_numbers(text):
    assert find_numbers(text) == []


def test_a_number_in_a_web_address_counts_when_written_as_one():
    assert [f.e164 for f in find_numbers("https://x.example/call-1-855-737-0477")] == [SCAM_E164]
    assert find_numbers("https://x.example/kb/18557370477") == []  # an id


@pytest.mark.parametrize(
    "text",
    [
        "Call 1-855-\n737-0477",  # a line break inside a Markdown paragraph renders as a space
        "Call 1-855-\r\n   737-0477",
        "Call (855)\n737-0477",
        "Call 1 855\u2028737 0477",  # a Unicode line separator
        "Call 1-855-   737-0477",  # a run of spaces shows as one
        "Call 1-855-\t\t737-0477",
    ],
)
def test_a_number_broken_over_lines_or_spread_by_white_space_is_one_number(text):
    assert [found.e164 for found in find_numbers(text)] == [SCAM_E164]


def e164s(found) -> list[str]:
    return [number.e164 for number in found]


def test_a_number_split_over_two_lines_of_a_page_is_found():
    lines = ["Need help?", "Call 1-855-", "737-0477", "(24/7)"]
    assert e164s(find_numbers_in_lines(lines)) == [SCAM_E164]
    # Values read one by one (a link's title, an image's alt text) are not read together.
    assert find_numbers_in_lines(lines, across=False) == []


# A number written with separators, as two blocks of a page may each hold half of it (a web
# address is one attribute, never split).
SPLIT_WRITINGS = [
    text for text in SCAM_WRITINGS if "<" not in text and "](" not in text and not text.isalnum()
]


@pytest.mark.parametrize("text", SPLIT_WRITINGS)
def test_every_writing_split_between_two_long_lines_is_found(text):
    cut = 1 + next(i for i in range(len(text) // 2, len(text)) if not text[i].isalnum())
    words = "Your subscription is managed in the account. " * 10
    lines = [words + "Call " + text[:cut], text[cut:] + " any time. " + words]
    assert SCAM_E164 in e164s(find_numbers_in_lines(lines))


def test_a_web_address_cut_at_the_edge_of_a_line_is_not_read_as_numbers():
    address = "https://support.example.com/" + "a" * ACROSS_LINES + "/kb/18557370477"
    assert find_numbers_in_lines(["See " + address, "for details."]) == []
    assert find_numbers_in_lines(["See", address + " for details."]) == []


def test_ordinary_lines_of_a_page_hold_no_numbers():
    assert find_numbers_in_lines(ORDINARY_TEXT) == []


def test_several_numbers_in_one_text():
    found = find_numbers(f"Call {REAL} or +44 20 7946 0958, not 1-855-737-0477.")
    assert {f.e164 for f in found} == {REAL_E164, "+442079460958", SCAM_E164}


def test_a_national_number_of_another_country_is_read_in_that_country():
    assert find_numbers("020 7946 0958") == []  # not North American
    assert [f.e164 for f in find_numbers("020 7946 0958", ["GB"])] == ["+442079460958"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (REAL, REAL_E164),
        ("1 (800) 555-0100", REAL_E164),
        ("+44 20 7946 0958", "+442079460958"),
        ("020 7946 0958", None),  # ambiguous without its country code
        ("call us", None),
        ("12345", None),
    ],
)
def test_a_contact_value_is_read_as_one_number(value, expected):
    assert to_e164(value) == expected


# The models refuse --------------------------------------------------------------------------


@pytest.fixture
def acme(db):
    provider = factories.make_provider(name="Acme Antivirus", slug="acme")
    factories.make_contact(
        provider=provider,
        kind="phone",
        value=REAL,
        verified_on=datetime.date(2026, 1, 5),
        source_url="https://acme.example/contact",
    )
    route = factories.make_route(provider, label="Website", slug="website")
    return provider, route


def full_clean_errors(obj) -> dict:
    with pytest.raises(ValidationError) as excinfo:
        obj.full_clean()
    return excinfo.value.message_dict


@pytest.mark.parametrize("text", SCAM_WRITINGS)
def test_a_step_with_the_scam_number_is_refused(acme, text):
    _, route = acme
    step = Step(route=route, position=1, title="Call support", body=f"Call {text} today.")
    errors = full_clean_errors(step)
    assert "is not one of Acme Antivirus's verified phone numbers" in errors["body"][0]


@pytest.mark.parametrize(
    "field", ["title", "body", "link_url", "link_label", "email_subject", "email_body"]
)
def test_every_field_of_a_step_is_guarded(acme, field):
    _, route = acme
    values = {"title": "Call", "link_url": "https://acme.example/help", "email_subject": "Hi"}
    values[field] = (
        "https://acme.example/call-1-855-737-0477"
        if field == "link_url"
        else "Call 1-855-737-0477 now"
    )
    step = Step(route=route, position=1, **values)
    errors = full_clean_errors(step)
    assert list(errors) == [field]
    assert "verified phone numbers" in errors[field][0]


def test_a_verified_number_of_the_provider_passes(acme):
    _, route = acme
    for text in ["Call +1 800 555 0100.", "Call 1-800-555-0100", "Call (800) 555-0100"]:
        Step(route=route, position=1, title="Call Acme", body=text).full_clean()
    link = "https://acme.example/call-1-800-555-0100"
    Step(route=route, position=1, title="Call", link_url=link).full_clean()


def test_an_unverified_number_of_the_provider_is_refused(acme):
    _, route = acme
    OfficialContact.objects.update(verified_on=None)
    step = Step(route=route, position=1, title="Call", body=f"Call {REAL}.")
    assert "body" in full_clean_errors(step)


def test_the_same_number_verified_for_another_provider_is_refused(acme):
    _, route = acme
    other = factories.make_provider(name="Other Shield", slug="other-shield")
    factories.make_contact(
        provider=other, kind="phone", value="1-855-737-0477", verified_on=datetime.date.today()
    )
    step = Step(route=route, position=1, title="Call", body="Call 1-855-737-0477.")
    assert "Acme Antivirus's verified phone numbers" in full_clean_errors(step)["body"][0]
    # ... while Other Shield's own steps may use it.
    other_route = factories.make_route(other, label="Phone", slug="phone")
    Step(route=other_route, position=1, title="Call", body="Call 1→855(737)→0477.").full_clean()


def test_ordinary_text_in_a_step_passes(acme):
    _, route = acme
    for text in ORDINARY_TEXT:
        Step(route=route, position=1, title="Read this", body=text).full_clean()


def test_a_channels_steps_carry_only_the_channels_own_numbers(acme):
    store = factories.make_channel(name="Store", slug="store")
    variant = factories.make_channel(name="On a Mac", slug="mac", parent=store)
    other = factories.make_channel(name="Other Store", slug="other-store")
    # The provider's number is not the channel's.
    step = Step(channel=store, position=1, title="Call", body=f"Call {REAL}.")
    assert "Store's verified phone numbers" in full_clean_errors(step)["body"][0]
    factories.make_contact(
        channel=store, kind="phone", value=REAL, verified_on=datetime.date.today()
    )
    Step(channel=store, position=1, title="Call", body=f"Call {REAL}.").full_clean()
    # A variant may use its parent's number; another channel may not.
    Step(channel=variant, position=1, title="Call", body=f"Call {REAL}.").full_clean()
    step = Step(channel=other, position=1, title="Call", body=f"Call {REAL}.")
    assert "body" in full_clean_errors(step)


def test_notes_questions_summary_and_routes_are_guarded(acme):
    provider, _ = acme
    provider.summary = "Support: 1.855.737.0477"
    assert "summary" in full_clean_errors(provider)
    provider.summary = f"Support: {REAL}"
    provider.full_clean()
    note = ProviderNote(provider=provider, kind="before", title="Call 1-855-737-0477", position=1)
    assert "title" in full_clean_errors(note)
    question = provider.questions.model(
        provider=provider, question="Can I call?", answer="Yes: +1 855 737 0477", position=1
    )
    assert "answer" in full_clean_errors(question)
    child = Route(provider=provider, label="Call (855) 737-0477", slug="call", position=1)
    assert "label" in full_clean_errors(child)


def test_a_phone_contact_must_be_a_phone_number(acme):
    provider, _ = acme
    contact = OfficialContact(
        provider=provider, kind="phone", value="call us", source_url="https://acme.example"
    )
    assert "value" in full_clean_errors(contact)
    contact.value = "+1 (800) 555-0100"
    contact.full_clean()
    contact.label = "Support 1-855-737-0477"  # another number hidden in the label
    assert "label" in full_clean_errors(contact)
    web = OfficialContact(
        provider=provider,
        kind="web_form",
        value="https://acme.example/form",
        source_url="https://acme.example",
    )
    web.full_clean()


# The admin refuses --------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    factories.login(client, user)
    return client


def draft_route(acme):
    from guides.publishing import revisions as publishing

    provider, route = acme
    return publishing.start_draft(provider).routes.get(slug=route.slug)


def test_the_admin_refuses_a_step_with_the_scam_number(superuser_client, acme):
    from tests.admin.test_admin import add_row, change_url, form_data

    # A live guide is changed in its draft: the guard holds there, with the live contacts.
    route = draft_route(acme)
    url = change_url(route)
    data = form_data(superuser_client.get(url))
    add_row(data, "steps", position=1, kind="do", title="Call", body="Call 1→855(737)→0477")
    response = superuser_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "is not one of Acme Antivirus&#x27;s verified phone numbers" in html
    assert not route.steps.exists()
    # The verified number is accepted.
    data = form_data(superuser_client.get(url))
    add_row(data, "steps", position=1, kind="do", title="Call", body=f"Call {REAL}")
    assert superuser_client.post(url, data).status_code == 302
    assert route.steps.get().body == f"Call {REAL}"


def test_the_admin_refuses_a_step_on_its_own_page(superuser_client, acme):
    from tests.admin.test_admin import change_url, edit

    route = draft_route(acme)
    step = factories.make_step(route=route, title="Open Billing", position=1)
    response, _ = edit(superuser_client, change_url(step), {"": {"body": "+1 855 737 0477"}})
    assert response.status_code == 200
    assert "verified phone numbers" in response.content.decode()
    step.refresh_from_db()
    assert step.body == ""


# The importer refuses -----------------------------------------------------------------------


def guide_file(tmp_path, body: str, contacts=()) -> str:
    data = {
        "categories": [{"slug": "security", "name": "Security"}],
        "providers": [
            {
                "slug": "acme",
                "name": "Acme Antivirus",
                "category": "security",
                "contacts": list(contacts),
                "routes": [
                    {
                        "slug": "website",
                        "label": "Website",
                        "steps": [{"title": "Open Billing"}, {"title": "Call", "body": body}],
                    }
                ],
            }
        ],
    }
    path = tmp_path / "guide.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return str(path)


@pytest.mark.parametrize("text", ["1→855(737)→0477", "18557370477", "(855) 737-0477"])
def test_import_guides_refuses_the_scam_number(db, tmp_path, text):
    existing = factories.make_provider(name="Kept", slug="kept")
    before = list(Provider.objects.values_list("slug", flat=True))
    with pytest.raises(CommandError) as excinfo:
        call_command("import_guides", guide_file(tmp_path, f"Call {text}"), verbosity=0)
    message = str(excinfo.value)
    assert "nothing was changed" in message
    assert "acme" in message and "routes[0]" in message and "steps[1]" in message
    assert "is not one of Acme Antivirus's verified phone numbers" in message
    assert list(Provider.objects.values_list("slug", flat=True)) == before == [existing.slug]
    assert not Step.objects.exists()


def test_import_guides_accepts_a_verified_number(db, tmp_path):
    contact = {
        "kind": "phone",
        "value": REAL,
        "source_url": "https://acme.example/contact",
        "verified_on": "2026-01-05",
    }
    path = guide_file(tmp_path, "Call 1 (800) 555-0100", contacts=[contact])
    call_command("import_guides", path, verbosity=0)
    assert Step.objects.get(title="Call").body == "Call 1 (800) 555-0100"


def test_import_guides_refuses_an_unverified_number(db, tmp_path):
    contact = {"kind": "phone", "value": REAL, "source_url": "https://acme.example/contact"}
    with pytest.raises(CommandError, match="verified phone numbers"):
        call_command("import_guides", guide_file(tmp_path, f"Call {REAL}", [contact]), verbosity=0)
    assert not Provider.objects.exists()


def test_import_guides_refuses_a_phone_contact_that_is_not_a_number(db, tmp_path):
    contact = {"kind": "phone", "value": "ring us", "source_url": "https://acme.example/c"}
    with pytest.raises(CommandError, match="not a phone number"):
        call_command("import_guides", guide_file(tmp_path, "Nothing", [contact]), verbosity=0)


# The calm warning wherever contacts are listed ---------------------------------------------


WARNING = "Beware of fake support numbers."


def test_a_channel_page_listing_a_contact_warns_about_fake_numbers(client, db):
    store = factories.make_channel(name="Store", slug="store")
    step = factories.make_step(channel=store, title="Call the store", position=1)
    assert WARNING not in client.get("/channels/store/").content.decode()
    step.contact = factories.make_contact(
        channel=store, kind="phone", value=REAL, verified_on=datetime.date(2026, 1, 5)
    )
    step.save()
    html = client.get("/channels/store/").content.decode()
    assert WARNING in html and "control your computer" in html and "“refund”" in html
    assert 'href="tel:+18005550100"' in html


def test_an_unverified_contact_is_not_shown_and_needs_no_warning(client, db):
    store = factories.make_channel(name="Store", slug="store")
    contact = factories.make_contact(channel=store, kind="phone", value=REAL, verified_on=None)
    factories.make_step(channel=store, title="Call the store", position=1, contact=contact)
    html = client.get("/channels/store/").content.decode()
    assert "tel:" not in html and WARNING not in html


def test_a_steps_page_with_a_contact_warns_about_fake_numbers(client, acme):
    provider, route = acme
    contact = provider.contacts.get()
    factories.make_step(route=route, title="Call Acme", position=1, contact=contact)
    html = client.get("/cancel/acme/website/").content.decode()
    assert WARNING in html and 'href="tel:+18005550100"' in html
    assert "checked 5 Jan 2026" in html  # its date, and its source, are shown
    assert 'href="https://acme.example/contact"' in html
