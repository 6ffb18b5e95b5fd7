"""The "It didn't work" page at the end of every page of steps (guides/web/didnt_work.py)."""

from __future__ import annotations

import datetime
import itertools
import logging
import re
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guides.models import OfficialContact, Provider
from guides.web.didnt_work import LETTER_FIELDS, write_letter
from tests.recorded import load_guides

APP_STORE = "/cancel/kaspersky/apple-app-store/iphone-ipad/didnt-work/"
GOOGLE_PLAY = "/cancel/kaspersky/in-app/android/didnt-work/"
WEBSITE = "/cancel/kaspersky/website/united-states/didnt-work/?region=us"
RETAILER = "/cancel/kaspersky/best-buy/didnt-work/"  # asks where you live first
FILLED = {
    "name": "Ann Example",
    "email": "ann@example.com",
    "cancelled_on": "2025-01-31",
    "order": "KL-7Q2XZ",
}
PLACEHOLDER = re.compile(r"\[|\{|\}|___|\bNone\b|%\(|\)s")


pytestmark = pytest.mark.django_db


# The shipped Kaspersky guide and what it names (its category, the channels, the rights
# notes): every page here is one of its pages.
SHIPPED = [f"guides/content/{name}.yaml" for name in ("categories", "channels", "rights")]


@pytest.fixture
def guides(db):
    """Loaded for each test, inside its transaction (tests/recorded.py)."""
    load_guides(*SHIPPED, "guides/content/kaspersky.yaml")


def text_of(response) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def letter_of(response) -> str:
    html = response.content.decode()
    subject = re.search(r'<span id="letter-subject">(.*?)</span>', html, re.S).group(1)
    body = re.search(r'<pre id="letter-body"[^>]*>(.*?)</pre>', html, re.S).group(1)
    return unescape(subject + "\n" + body)


def hrefs(response, css_class: str) -> list[str]:
    html = response.content.decode()
    block = re.search(rf'<ul class="places {css_class}">(.*?)</ul>', html, re.S)
    return re.findall(r'<li><a href="([^"]+)"', block.group(1)) if block else []


def test_every_steps_page_links_to_it_keeping_the_region(client, guides):
    page = client.get("/cancel/kaspersky/website/united-states/?region=us").content.decode()
    assert 'href="/cancel/kaspersky/website/united-states/didnt-work/?region=us"' in page
    de = client.get("/de/cancel/kaspersky/apple-app-store/iphone-ipad/").content.decode()
    assert 'href="/de/cancel/kaspersky/apple-app-store/iphone-ipad/didnt-work/"' in de
    question = client.get("/cancel/kaspersky/apple-app-store/").content.decode()
    assert "didnt-work" not in question  # only pages of steps


@pytest.mark.parametrize(
    ("url", "first_refund"),
    [
        (APP_STORE, "https://reportaproblem.apple.com/"),
        (GOOGLE_PLAY, "https://support.google.com/googleplay/answer/2479637"),
        (WEBSITE, "https://reportaproblem.apple.com/"),
        (RETAILER + "?region=us", "https://reportaproblem.apple.com/"),
    ],
)
def test_the_visitors_own_store_comes_first(client, guides, url, first_refund):
    response = client.get(url)
    assert response.status_code == 200
    assert hrefs(response, "refund-pages")[0] == first_refund
    text = text_of(response)
    if url in (APP_STORE, GOOGLE_PLAY):
        assert "You paid through an app store" in text
    elif url.startswith(RETAILER):
        assert "You paid through Best Buy: ask them first" in text
        assert 'href="/channels/best-buy/"' in response.content.decode()
    else:
        assert "You paid Kaspersky: ask them for the refund in your letter" in text


def test_who_billed_you_names_the_channel_and_offers_the_statement_search(client, guides):
    response = client.get(APP_STORE)
    html = response.content.decode()
    assert "You said you bought it through Apple App Store" in text_of(response)
    assert 'href="/channels/apple-app-store/' in html
    assert 'action="/search/" method="get"' in html


def test_every_step_is_sourced(client, guides):
    html = client.get(WEBSITE).content.decode()
    for section in ("refund", "dispute", "complain"):
        part = html.split(f'id="{section}"')[1].split('<li class="recourse-step"')[0]
        links = re.findall(r'<li><a href="([^"]+)"', part)
        assert links
        assert part.count(">Source</a>") == len(links)


def test_the_letter_with_every_blank_filled(client, guides):
    response = client.get(APP_STORE, FILLED)
    letter = letter_of(response)
    assert "Ann Example" in letter
    assert "ann@example.com" in letter
    assert "31 January 2025" in letter
    assert "KL-7Q2XZ" in letter
    assert not PLACEHOLDER.search(letter)


@pytest.mark.parametrize(
    "empty",
    [
        combo
        for size in range(len(LETTER_FIELDS) + 1)
        for combo in itertools.combinations(LETTER_FIELDS, size)
    ],
)
def test_no_placeholder_whichever_blanks_are_empty(client, guides, empty):
    data = {field: "" if field in empty else value for field, value in FILLED.items()}
    letter = letter_of(client.get(APP_STORE, data))
    assert not PLACEHOLDER.search(letter), letter
    for field, value in FILLED.items():
        shown = "31 January 2025" if field == "cancelled_on" else value
        assert (shown in letter) is (field not in empty)
    assert "I cancelled my Kaspersky subscription" in letter


def test_the_letter_is_the_same_written_in_python(guides):
    letter = write_letter("Acme", {"name": "", "email": "", "cancelled_on": None, "order": ""})
    assert letter.body.endswith("Kind regards,")
    assert "None" not in letter.body


def test_the_letter_without_javascript_is_a_get_that_nobody_keeps(client, guides, caplog):
    cache.clear()
    with CaptureQueriesContext(connection) as queries, caplog.at_level(logging.DEBUG):
        response = client.get(RETAILER, {**FILLED, "region": "us"})
    assert response.status_code == 200
    writes = [
        q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE|REPLACE)", q["sql"], re.I)
    ]
    assert writes == []
    assert "no-store" in response["Cache-Control"]
    logged = "\n".join(record.getMessage() + str(record.__dict__) for record in caplog.records)
    assert "/cancel/kaspersky/best-buy/didnt-work/" in logged
    for value in FILLED.values():
        assert value not in logged
    assert "ann%40example.com" not in logged
    # No cache kept the page: a second visitor asking the same address gets it built anew.
    again = client.get(RETAILER, {**FILLED, "region": "us"})
    assert again.get("X-Cache") != "hit"


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("name", "x" * 10_000, "Please keep this under 100 characters."),
        ("order", "9" * 10_000, "Please keep this under 60 characters."),
        ("email", "not an address", "Please enter an email address like name@example.com."),
        ("cancelled_on", "2025-02-31", "Please enter a real date"),
        ("cancelled_on", "0000-01-01", "Please enter a real date"),
        ("cancelled_on", "tomorrow", "Please enter a real date"),
        ("name", "Ann\x07", "Please use only letters, numbers and punctuation."),
        ("name", "Call 1-855-737-0477", "This looks like a phone number."),
        ("order", "+1 (855) 737 0477", "This looks like a phone number."),
    ],
)
def test_bad_input_gets_a_form_error(client, guides, field, value, error):
    response = client.get(APP_STORE, {field: value})
    assert response.status_code == 200
    assert error in unescape(response.content.decode())
    assert value not in letter_of(response)


def test_a_future_date_is_refused(client, guides):
    later = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.get(APP_STORE, {"cancelled_on": later})
    assert "This date is in the future." in response.content.decode()


def test_a_phone_number_is_not_shown_back_even_in_its_box(client, guides):
    response = client.get(APP_STORE, {"name": "Call 1-855-737-0477 now"})
    assert "737" not in response.content.decode().split("<footer")[0].split('id="main"')[1]


@pytest.mark.parametrize(
    "value",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "Robert'); DROP TABLE guides_provider;--",
        "😀 Ünïcødé 名前",
    ],
)
def test_hostile_input_is_escaped(client, guides, value):
    response = client.get(APP_STORE, {"name": value, "order": value[:60]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert value in letter_of(response)
    assert Provider.objects.filter(slug="kaspersky").exists()


@pytest.mark.parametrize(
    "url",
    [
        "/cancel/no-such-provider/website/didnt-work/",
        "/cancel/kaspersky/no-such-route/didnt-work/",
        "/cancel/kaspersky/apple-app-store/didnt-work/",  # a question, not steps
        "/cancel/kaspersky/apple-app-store/iphone-ipad/didnt-work/?region=zz",
        "/de/cancel/kaspersky/nope/didnt-work/",
    ],
)
def test_unknown_addresses_get_the_404_page(client, guides, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "<h1" in response.content.decode()


def test_the_authority_is_shown_only_where_the_visitor_lives(client, guides):
    def authorities(region: str | None) -> list[str]:
        url = APP_STORE + (f"?region={region}" if region else "")
        return hrefs(client.get(url), "authorities")

    assert authorities(None) == []
    assert "?region=us-ca#complain" in client.get(APP_STORE).content.decode()
    assert authorities("us") == ["https://reportfraud.ftc.gov/"]
    assert authorities("us-ca") == [
        "https://oag.ca.gov/contact/consumer-complaint-against-business-or-company",
        "https://reportfraud.ftc.gov/",
    ]
    de = authorities("de")
    assert de[0] == "https://www.verbraucherzentrale.de/"
    assert any("ecc-net" in url for url in de)
    assert any("ecc-net" in url for url in authorities("fr"))
    assert authorities("gb")[0].startswith("https://www.citizensadvice.org.uk/")
    assert authorities("other") == ["https://www.econsumer.gov/"]


def test_the_region_is_kept_in_the_letter_form(client, guides):
    html = client.get(WEBSITE).content.decode()
    assert '<input type="hidden" name="region" value="us">' in html


def test_contacts_follow_the_shown_rules(client, guides):
    kaspersky = Provider.objects.get(slug="kaspersky")
    OfficialContact.objects.create(
        provider=kaspersky,
        kind="email",
        value="unchecked@kaspersky.com",
        source_url="https://www.kaspersky.com/",
    )
    OfficialContact.objects.create(
        provider=kaspersky,
        kind="phone",
        value="+1 866 328 5700",
        source_url="https://www.kaspersky.com/",
    )
    html = client.get(APP_STORE).content.decode()
    assert "unchecked@kaspersky.com" not in html
    assert "328" not in html
    assert "mailto:" not in html
    assert "Not yet verified" in html  # its web forms, on its own domain

    OfficialContact.objects.filter(kind__in=["email", "phone"]).update(
        verified_on=datetime.date(2026, 1, 5)
    )
    cache.clear()
    from guides.caching import memory

    memory.guides.clear()
    response = client.get(APP_STORE, FILLED)
    html = response.content.decode()
    mailto = re.search(r'id="letter-mailto" data-address="[^"]+" href="([^"]+)"', html).group(1)
    assert mailto.startswith("mailto:unchecked@kaspersky.com?subject=")
    assert "Ann%20Example" in mailto
    assert "+1 866 328 5700" in html


def test_query_budget(client, guides, django_assert_max_num_queries):
    client.get(APP_STORE)  # the guide is then kept in memory
    with django_assert_max_num_queries(3):
        client.get(APP_STORE, FILLED)


def test_gunicorns_access_log_leaves_out_the_query():
    import runpy
    from pathlib import Path

    conf = runpy.run_path(str(Path(__file__).resolve().parents[2] / "cancelflow/gunicorn.conf.py"))
    assert "%(U)s" in conf["access_log_format"]
    for with_query in ("%(r)s", "%(q)s", "%(f)s", "{raw_uri}"):
        assert with_query not in conf["access_log_format"]


def test_a_guide_without_answers_has_its_ways_on_too(client):
    """A guide with no answer written yet shows its page of steps (none) at its own address:
    its "didn't work" page is there too, and no link of the page leads to an error."""
    from tests import factories

    factories.make_provider(name="Plain Guide", slug="plain-guide")
    html = client.get("/cancel/plain-guide/").content.decode()
    assert 'href="/cancel/plain-guide/didnt-work/"' in html
    assert client.get("/cancel/plain-guide/didnt-work/").status_code == 200
    for address in set(re.findall(r'href="(/[^"]*plain-guide[^"]*)"', html)):
        assert client.get(unescape(address)).status_code == 200, address
