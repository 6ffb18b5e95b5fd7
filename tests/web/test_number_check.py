""" "Is this number real?": a number pasted in any spelling is an official one, a known scam,
or one we do not know; bad input is a form error; the number is neither kept nor logged."""

from __future__ import annotations

import datetime
import importlib
import logging
import re

import pytest
from django.contrib.auth.models import Permission

from guides.models import ScamNumber
from tests import factories

SEED = importlib.import_module("guides.migrations.0023_scam_numbers").SEED
URL = "/check-number/"
SCAM_DIGITS = "7370477"
FULL_WIDTH = {ord(d): 0xFF10 + int(d) for d in "0123456789"}  # full-width digits

# The scam number as people meet it, and as they paste it.
SPELLINGS = [
    "+1 (855) 737-0477",
    "1.855.737.0477",
    "18557370477",
    "call 1-855-737-0477 now",
    "1-855-PES-0477",
    "18557370477".translate(FULL_WIDTH),
    "1 855 737 0477",
    "1→855(737)→0477",
    "+1 855 737 0477",
    "001 855 737 0477",
]


@pytest.fixture
def scam(db):
    """The shipped scam number (the migration seeds it; a flushed test database may not)."""
    record, _ = ScamNumber.objects.get_or_create(number=SEED["number"], defaults=SEED)
    return record


@pytest.fixture
def acme(db):
    provider = factories.make_provider(
        name="Acme Antivirus", slug="acme", website="https://acme.example/"
    )
    factories.make_contact(
        provider=provider,
        kind="phone",
        value="+1 800 555 0100",
        label="Customer service",
        verified_on=datetime.date(2026, 1, 5),
        source_url="https://acme.example/contact",
    )
    factories.make_contact(
        provider=provider, kind="web_form", value="https://acme.example/help/form"
    )
    return provider


def check(client, number: str, company: str = "", *, status: int = 200, prefix: str = ""):
    response = client.get(f"{prefix}{URL}", {"number": number, "company": company})
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def head_and_headings(page: str) -> str:
    """What speaks in the site's name: the <head> (title, link previews, JSON-LD) and every
    heading."""
    head = page.split("</head>")[0]
    headings = re.findall(r"<h[1-6][^>]*>.*?</h[1-6]>", page, re.S)
    return head + "\n".join(headings)


def test_the_empty_page_is_a_plain_get_form(client, db):
    page = check(client, "")
    assert "<h1>Is this number real?</h1>" in page
    assert 'method="get"' in page
    assert 'name="number"' in page and 'name="company"' in page


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_scam_number_in_any_spelling_is_a_known_scam(client, scam, spelling):
    page = check(client, spelling)
    assert "Do not call: this is a known scam number" in page
    assert "support line of Kaspersky" in page
    assert "tel:" not in page.split("<footer")[0].split("<main")[1]
    # Shown only as the visitor's own field's value, escaped; never in the site's voice.
    assert SCAM_DIGITS not in re.sub(r'<input[^>]*name="number"[^>]*>', "", page)
    assert SCAM_DIGITS not in head_and_headings(page)


def test_a_scam_number_gives_the_company_s_official_contact_page(client, scam, acme):
    ScamNumber.objects.filter(pk=scam.pk).update(provider=acme)
    page = check(client, "1-855-737-0477")
    assert 'href="https://acme.example/help/form"' in page
    assert 'href="/cancel/acme/"' in page


def test_a_scam_page_is_named_never_linked(client, scam):
    ScamNumber.objects.filter(pk=scam.pk).update(source_url="https://scam.example/kaspersky")
    page = check(client, "1-855-737-0477")
    assert "Seen on scam.example" in page
    assert 'href="https://scam.example' not in page


def test_an_unconfirmed_scam_number_is_not_called_a_scam(client, scam):
    ScamNumber.objects.filter(pk=scam.pk).update(confirmed_on=None)
    page = check(client, "1-855-737-0477")
    assert "We do not know this number" in page


@pytest.mark.parametrize("spelling", ["+1 800 555 0100", "1.800.555.0100", "(800) 555-0100"])
def test_a_verified_number_is_official_with_its_source_and_date(client, acme, spelling):
    page = check(client, spelling)
    assert "Yes: this is an official number" in page
    assert 'href="https://acme.example/contact"' in page
    assert "Jan. 5, 2026" in page or "January 5, 2026" in page


def test_an_unverified_number_is_unknown_and_never_shown(client, acme):
    acme.contacts.filter(kind="phone").update(verified_on=None)
    page = check(client, "+1 800 555 0100", "Acme")
    assert "We do not know this number" in page
    assert "We never show numbers we have not checked" in page
    assert 'href="https://acme.example/help/form"' in page
    assert "tel:" not in page


def test_an_unknown_number_without_a_company_offers_the_search(client, db):
    page = check(client, "+44 20 7946 0958")
    assert "We do not know this number" in page
    assert 'href="/search/"' in page


def test_international_forms_are_read(client, db):
    assert "We do not know this number" in check(client, "0044 20 7946 0958")
    assert "We do not know this number" in check(client, "+49 30 901820")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("kaspersky support", "We could not read a phone number"),
        ("😀📞☎️", "We could not read a phone number"),
        ("x" * 10_000, "That is too long"),
        ("1-855-737-0477\x07", "control characters"),
        ("1-855-737-0477 or 1-800-555-0100", "several numbers"),
        ("'; DROP TABLE guides_scamnumber; --", "We could not read a phone number"),
        ("<script>alert(1)</script>", "We could not read a phone number"),
    ],
)
def test_bad_input_is_a_form_error(client, scam, text, error):
    page = check(client, text, status=400)
    assert error in page
    assert "<script>alert" not in page
    assert ScamNumber.objects.filter(number=SEED["number"]).exists()


def test_a_company_name_too_long_or_with_controls_is_a_form_error(client, db):
    assert "under 100 characters" in check(client, "1-800-555-0100", "A" * 500, status=400)
    assert "type the company" in check(client, "1-800-555-0100", "Acme\x1b", status=400)


def test_the_page_exists_in_every_language(client, scam):
    for prefix, heading in [
        ("/de", "Ist diese Nummer echt?"),
        ("/fr", "Ce numéro est-il vrai ?"),
        ("/es", "¿Es real este número?"),
    ]:
        page = check(client, "1-855-737-0477", prefix=prefix)
        assert heading in page


def test_queries_are_budgeted(client, scam, acme, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        check(client, "1-855-737-0477", "Acme")
    with django_assert_max_num_queries(1):
        check(client, "+1 800 555 0100")


def test_the_number_is_neither_logged_nor_kept(client, scam, caplog):
    with caplog.at_level(logging.DEBUG):
        check(client, "call 1-855-737-0477 now", "Kaspersky")
    logged = "\n".join(f"{r.getMessage()} {vars(r)}" for r in caplog.records)
    assert "/check-number/" in logged
    assert SCAM_DIGITS not in logged and "855" not in logged
    assert ScamNumber.objects.count() == 1


def test_the_page_is_kept_from_search_engines_once_asked(client, db):
    asked = check(client, "1-800-555-0100")
    assert '<meta name="robots" content="noindex">' in asked
    assert 'rel="canonical"' not in asked
    assert 'rel="canonical"' in check(client, "")


def test_a_scam_number_cannot_be_a_verified_contact_number(db, acme):
    record = ScamNumber(number="(800) 555-0100", company="Acme", seen_on=datetime.date.today())
    with pytest.raises(Exception, match="verified official number"):
        record.full_clean()


def test_a_scam_number_is_kept_in_e164(db):
    record = ScamNumber(number="1→888(555)→0142", company="X", seen_on=datetime.date.today())
    record.full_clean()
    record.save()
    assert record.number == "+18885550142"


def test_a_change_asks_for_a_new_confirmation(scam):
    scam.company = "Someone else"
    scam.save()
    scam.refresh_from_db()
    assert scam.confirmed_on is None


def test_a_publisher_confirms_what_another_entered(admin_client, db):
    editor = factories.make_staff("ed", "Editors")
    publisher = factories.make_staff("pub", "Publishers")
    assert editor.has_perm("guides.add_scamnumber")
    assert not editor.has_perm("guides.verify_provider")
    factories.login(admin_client, editor)
    admin_client.post(
        "/admin/guides/scamnumber/add/",
        {
            "number": "1-888-555-0142",
            "company": "Kaspersky",
            "seen_on": "2026-12-01",
            "source_url": "",
            "note": "",
        },
    )
    record = ScamNumber.objects.get(number="+18885550142")
    assert record.confirmed_on is None
    action = {"action": "confirm", "_selected_action": [record.pk]}
    admin_client.post("/admin/guides/scamnumber/", action)  # an editor has no such action
    record.refresh_from_db()
    assert record.confirmed_on is None
    factories.login(admin_client, publisher)
    admin_client.post("/admin/guides/scamnumber/", action)
    record.refresh_from_db()
    assert record.confirmed_by == publisher
    assert Permission.objects.filter(codename="add_scamnumber").exists()


def test_the_migration_seeds_the_research_scam_number_confirmed(db):
    from django.apps import apps

    migration = importlib.import_module("guides.migrations.0023_scam_numbers")
    ScamNumber.objects.all().delete()
    migration.seed_and_grant(apps, None)
    record = ScamNumber.objects.get()
    assert record.number == "+18557370477" and record.company == "Kaspersky"
    assert record.confirmed_on is not None
    # A record only: it is no number of any provider's, and no page shows it to be called.
    assert not ScamNumber.objects.filter(number__in=_verified_numbers()).exists()


def _verified_numbers():
    from guides.models import OfficialContact

    return OfficialContact.objects.verified_numbers()


def test_the_company_a_scam_number_names_carries_no_number(db):
    record = ScamNumber(
        number="1-888-555-0142", company="Kaspersky 1-855-737-0477", seen_on=datetime.date.today()
    )
    with pytest.raises(Exception, match="no number"):
        record.full_clean()
