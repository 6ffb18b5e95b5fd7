"""A web form or chat on its owner's own registrable domain is shown before it is verified,
marked "Not yet verified" with its source (issue 14); one on any other domain is refused
when it is saved, in the admin and by the importer; phone numbers and email addresses stay
verified-only."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from guides.files.documents import GuideImportError
from guides.files.importer import import_paths
from guides.models import OfficialContact
from guides.text import domains
from tests import factories

OWN = [
    "https://kaspersky.com/",
    "http://kaspersky.com/contact",  # http rather than https: the same domain
    "https://www.kaspersky.com/support",
    "https://support.kaspersky.com/",
    "https://a.b.support.kaspersky.com/x?y=z#w",
    "https://SUPPORT.Kaspersky.COM/",
    "https://support.kaspersky.com./",
    "https://support.kaspersky.com:443/chat",
]

# Look-alikes, spelt every way we could think of: other names holding "kaspersky", the name
# as a subdomain of another domain, another suffix, homographs, and addresses a browser
# reads as another host than a person does.
NAMES = ["kaspersky-support", "support-kaspersky", "kasperskysupport", "kaspersky1", "kaspresky"]
SUFFIXES = ["com", "net", "help", "co.uk"]
LOOK_ALIKES = [
    *(f"https://{name}.{suffix}/" for name, suffix in itertools.product(NAMES, SUFFIXES)),
    *(f"https://support.{name}.com/" for name in NAMES),
    "https://kaspersky.net/",
    "https://kaspersky.co.uk/",
    "https://kaspersky.com.evil.net/",
    "https://support.kaspersky.com.evil.net/",
    "https://kaspersky.comevil.net/",
    "https://evil.net/kaspersky.com/",
    "https://evil.net/?u=https://kaspersky.com/",
    "https://k\u0430spersky.com/",  # Cyrillic a
    "https://kasp\u0435rsky.com/",  # Cyrillic e
    "https://xn--kspersky-16g.com/",  # the same, in punycode
    "https://kaspersky.com@evil.net/",
    "https://user:pass@kaspersky.com/",  # a user name at all: refused, not worth the risk
    "https://support.kaspersky.com%2eevil.net/",
    "https://evil.net\\@kaspersky.com/",
    "https://evil.net\\.kaspersky.com/",
    "https:// kaspersky.com/",
    "https://kaspersky.com:99999/",
    "https://203.0.113.7/",
    "javascript:alert(1)//kaspersky.com",
    "ftp://kaspersky.com/",
    "kaspersky.com",
    "//kaspersky.com/",
]


@pytest.mark.parametrize("url", OWN)
def test_an_address_on_the_owners_domain_or_a_subdomain_is_on_it(url):
    assert domains.on_domain_of(url, ["https://www.kaspersky.com/"])


@pytest.mark.parametrize("url", LOOK_ALIKES)
def test_a_look_alike_is_not_on_the_owners_domain(url):
    assert not domains.on_domain_of(url, ["https://www.kaspersky.com/"])


def test_public_suffixes_are_read_from_the_bundled_list():
    assert domains.registrable_domain("https://customerservice.costco.com/") == "costco.com"
    assert domains.registrable_domain("https://www.amazon.co.uk/gp/") == "amazon.co.uk"
    # Two sites on a shared host are two owners, not one.
    assert domains.registrable_domain("https://a.github.io/") == "a.github.io"
    assert not domains.on_domain_of("https://b.github.io/", ["https://a.github.io/"])


@pytest.fixture
def kaspersky(db):
    return factories.make_provider(
        name="Kaspersky", slug="kaspersky", website="https://www.kaspersky.com/"
    )


def contact(owner, **kwargs) -> OfficialContact:
    kwargs.setdefault("kind", "web_form")
    kwargs.setdefault("source_url", "https://support.kaspersky.com/")
    return OfficialContact(provider=owner, **kwargs)


@pytest.mark.parametrize("url", LOOK_ALIKES)
def test_saving_a_web_contact_on_a_look_alike_domain_is_refused(kaspersky, url):
    for kind in ("web_form", "chat"):
        with pytest.raises(ValidationError) as refused:
            contact(kaspersky, kind=kind, value=url).full_clean()
        assert "value" in refused.value.message_dict


@pytest.mark.parametrize("url", OWN)
def test_a_web_contact_on_the_owners_domain_is_saved_and_shown(kaspersky, url):
    found = contact(kaspersky, value=url)
    found.full_clean()
    assert found.on_owner_domain and found.shown and found.verified_on is None


def test_a_channel_variant_may_use_its_channels_domain(db):
    costco = factories.make_channel(name="Costco", website="https://www.costco.com/")
    online = factories.make_channel(name="Online", parent=costco)
    found = OfficialContact(
        channel=online,
        kind="web_form",
        value="https://customerservice.costco.com/",
        source_url="https://www.costco.com/returns-replacements-refunds.html",
    )
    found.full_clean()
    assert found.shown
    found.value = "https://costco-help.com/"
    with pytest.raises(ValidationError):
        found.full_clean()


def test_an_owner_without_a_website_has_its_web_contacts_wait_for_verification(db):
    """Nothing to compare with: the contact may be saved, but it is shown only once a
    Publisher has verified it, as a phone number is."""
    owner = factories.make_provider(name="No Site", website="")
    found = factories.make_contact(provider=owner, value="https://help.nosite.example/")
    found.full_clean()
    assert not found.shown
    found.verified_on = datetime.date(2026, 11, 1)
    assert found.shown


def test_phone_and_email_contacts_stay_verified_only(kaspersky):
    phone = factories.make_contact(
        provider=kaspersky, kind="phone", value="+1 866 328 5700", verified_on=None
    )
    email = factories.make_contact(
        provider=kaspersky, kind="email", value="help@kaspersky.com", verified_on=None
    )
    assert not phone.shown and not email.shown


def test_the_admin_form_refuses_a_look_alike_with_a_clear_message(client, db):
    # A new contact joins a guide that is not live: its draft.
    kaspersky = factories.make_provider(
        name="Kaspersky", slug="kaspersky", website="https://www.kaspersky.com/", status="draft"
    )
    factories.login(client, factories.make_staff("ed", "Editors"))
    data = {
        "provider": kaspersky.pk,
        "kind": "web_form",
        "label": "Support",
        "value": "https://kaspersky-support.com/cancel",
        "source_url": "https://kaspersky-support.com/",
    }
    response = client.post(reverse("admin:guides_officialcontact_add"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "is not on Kaspersky&#x27;s own domain (kaspersky.com)" in html
    assert not OfficialContact.objects.exists()
    data["value"] = "https://support.kaspersky.com/cancel"
    data["source_url"] = "https://support.kaspersky.com/"
    response = client.post(reverse("admin:guides_officialcontact_add"), data)
    assert response.status_code == 302
    assert OfficialContact.objects.get().value == "https://support.kaspersky.com/cancel"


GUIDE = """\
providers:
  - slug: lookalike
    name: Look Alike
    category: streaming
    website: https://www.kaspersky.com/
    contacts:
      - kind: chat
        value: https://kaspersky.com.evil.net/chat
        source_url: https://support.kaspersky.com/
"""


def test_the_importer_refuses_a_look_alike_with_file_and_line(db, tmp_path):
    factories.make_category(slug="streaming")
    path = tmp_path / "lookalike.yaml"
    path.write_text(GUIDE)
    with pytest.raises(GuideImportError) as refused:
        import_paths([path])
    message = str(refused.value)
    assert "lookalike.yaml line 7" in message
    assert "not on Look Alike's own domain (kaspersky.com)" in message


# -- what visitors see --------------------------------------------------------------------------


@pytest.fixture
def page(kaspersky):
    route = factories.make_route(kaspersky, label="Website", slug="website", position=1)
    web = factories.make_contact(
        provider=kaspersky,
        kind="chat",
        label="Kaspersky chat",
        value="https://support.kaspersky.com/chat",
        source_url="https://support.kaspersky.com/contacts",
    )
    phone = factories.make_contact(
        provider=kaspersky, kind="phone", value="+1 866 328 5700", verified_on=None
    )
    email = factories.make_contact(
        provider=kaspersky, kind="email", value="help@kaspersky.com", verified_on=None
    )
    factories.make_step(route=route, title="Chat with Kaspersky support", contact=web)
    factories.make_step(route=route, title="Or call them", contact=phone)
    factories.make_step(route=route, title="Or write to them", contact=email)
    return "/cancel/kaspersky/website/"


def test_a_visitor_sees_an_unverified_web_contact_marked_with_its_source(client, page):
    html = client.get(page).content.decode()
    assert '<a href="https://support.kaspersky.com/chat">' in html
    marked = html.split('class="contact-source contact-unverified"', 1)[1].split("</small>")[0]
    assert "Not yet verified" in marked
    assert 'href="https://support.kaspersky.com/contacts"' in marked  # its source
    assert "Published on" not in html  # what a verified contact says
    assert "866" not in html and "tel:" not in html
    assert "help@kaspersky.com" not in html


def test_a_verified_web_contact_says_when_it_was_checked(client, page):
    OfficialContact.objects.filter(kind="chat").update(verified_on=datetime.date(2026, 11, 1))
    html = client.get(page).content.decode()
    assert "checked 1 Nov 2026" in html
    assert "contact-unverified" not in html


def test_the_api_says_whether_a_contact_is_verified(client, page):
    data = client.get("/api/v1/providers/kaspersky/").json()
    assert [(c["value"], c["verified"], c["verified_on"]) for c in data["contacts"]] == [
        ("https://support.kaspersky.com/chat", False, None)
    ]
    steps = data["flow"]["answers"][0]["steps"]
    assert [s["contact"] and s["contact"]["value"] for s in steps] == [
        "https://support.kaspersky.com/chat",
        None,
        None,
    ]


def test_a_channel_page_shows_its_unverified_web_contact(client, db):
    store = factories.make_channel(
        name="Best Buy", slug="best-buy", website="https://www.bestbuy.com/"
    )
    help_page = factories.make_contact(
        channel=store,
        value="https://www.bestbuy.com/site/help-topics/customer-service/x.c",
        source_url="https://www.bestbuy.com/site/help-topics/customer-service/x.c",
    )
    factories.make_step(channel=store, title="Contact Best Buy", contact=help_page)
    html = client.get("/channels/best-buy/").content.decode()
    assert 'href="https://www.bestbuy.com/site/help-topics/customer-service/x.c"' in html
    assert 'contact-unverified"><strong>Not yet verified</strong>' in html
    channel = client.get("/api/v1/channels/best-buy/").json()
    assert channel["contacts"][0]["verified"] is False
