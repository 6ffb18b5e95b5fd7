"""What is this charge? A statement line in the search, and the channel pages a visitor can
reach: from the home page, the search and every provider sold through a channel."""

from __future__ import annotations

import logging
import re
import runpy
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guides.models import PurchaseChannel
from tests.recorded import load_guides

LINE = "PAYPAL *SPOTIFY 4029357733"


@pytest.fixture
def shipped(db):
    load_guides()


def search(client, q: str, prefix: str = "", **headers):
    return client.get(f"{prefix}/search/", {"q": q}, **headers)


def results(response) -> str:
    html = response.content.decode()
    return html.split('id="search-results"', 1)[1] if 'id="search-results"' in html else html


def test_a_statement_line_says_who_bills_and_links_both(client, shipped):
    body = results(search(client, LINE))
    assert "Who bills you" in body
    assert "PayPal charged you for Spotify." in body
    assert 'href="/cancel/spotify/"' in body and 'href="/channels/paypal/"' in body


def test_the_biller_route_is_linked_when_the_provider_has_one(client, shipped):
    body = results(search(client, "GOOGLE *Netflix g.co/helppay#"))
    assert 'href="/cancel/netflix/google-play/"' in body
    assert 'href="/channels/google-play/"' in body


def test_a_provider_billing_itself(client, shipped):
    body = results(search(client, "NETFLIX.COM LOS GATOS"))
    assert "This charge is from Netflix." in body and 'href="/cancel/netflix/"' in body


def test_the_htmx_partial_and_the_language_addresses(client, shipped):
    partial = search(client, "APPLE.COM/BILL 866-712-7753 CA", HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert 'href="/channels/apple-app-store/"' in partial.content.decode()
    assert partial["Vary"] and "HX-Request" in partial["Vary"]
    german = search(client, LINE, prefix="/de")
    assert german.status_code == 200
    assert 'href="/de/cancel/spotify/"' in results(german)


def test_a_line_that_matches_nothing_offers_channels_and_a_request(client, shipped):
    body = results(search(client, "ACMECLOUD*SUBSCR 4029357733 CA"))
    assert "No guide for" in body
    for slug in ("apple-app-store", "google-play", "amazon", "paypal"):
        assert f'href="/channels/{slug}/"' in body
    request = re.search(r'href="(/request/[^"]*)"', body)
    assert request is not None
    assert request.group(1) == "/request/?name=ACMECLOUD%20SUBSCR%20CA"
    assert not re.search(r"\d", unquote(request.group(1)))


def test_a_charge_is_found_within_two_queries(client, shipped, django_assert_max_num_queries):
    search(client, LINE)  # the first request of a process loads what it keeps
    with django_assert_max_num_queries(2):
        assert "Who bills you" in results(search(client, LINE))


def test_a_statement_line_is_neither_logged_nor_stored(client, shipped, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    with CaptureQueriesContext(connection) as queries:
        search(client, LINE)
        search(client, LINE, HTTP_HX_REQUEST="true")
        search(client, "ACMECLOUD*SUBSCR 4029357733 CA")
    written = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "REPLACE"))
    ]
    assert written == []
    out, err = capfd.readouterr()
    logged = caplog.text + out + err
    assert "GET /search/ 200" in logged  # the request log saw the requests ...
    for secret in ("4029357733", "SPOTIFY", "ACMECLOUD", "q="):  # ... by their path alone
        assert secret not in logged


def test_gunicorn_access_log_leaves_the_query_out():
    config = runpy.run_path(str(Path(__file__).parents[2] / "cancelflow" / "gunicorn.conf.py"))
    line = config["access_log_format"]
    assert "%(U)s" in line  # the path
    for whole in ("%(r)s", "%(q)s", "%(f)s"):  # request line, query string, referer
        assert whole not in line


@pytest.mark.parametrize(
    "q",
    [
        "😀💳 PAYPAL *😀",
        "\x00\x1b[2J\u202eAPPLE.COM/BILL",
        "'; DROP TABLE guides_statementdescriptor; --",
        "<script>alert(1)</script> NETFLIX.COM",
        "PAYPAL *SPOTIFY " * 6,
    ],
)
def test_bad_lines_get_a_page_never_an_error(client, shipped, q):
    response = search(client, q)
    assert response.status_code in (200, 400)
    assert "<script>alert(1)" not in response.content.decode()


def test_ten_kilobytes_pasted_get_a_message(client, shipped):
    response = search(client, "PAYPAL *SPOTIFY 4029357733 " * 400)
    assert response.status_code == 200
    assert b"at most 100 characters" in response.content
    assert b"Who bills you" not in response.content


# -- channel pages a visitor can reach -------------------------------------------------------


def test_every_top_level_channel_with_steps_is_linked_from_the_home_page(client, shipped):
    html = client.get("/").content.decode()
    tops = PurchaseChannel.objects.live().filter(parent__isnull=True)
    with_steps = [
        c for c in tops if c.steps.exists() or any(v.steps.exists() for v in c.variants.all())
    ]
    assert len(with_steps) >= 8
    for channel in with_steps:
        assert f'href="/channels/{channel.slug}/"' in html, channel.slug
    assert "Cancel anything you bought on" in html


def test_each_provider_page_links_the_channels_its_routes_use(client, shipped):
    from guides.models import Provider

    for provider in Provider.objects.published():
        html = client.get(f"/cancel/{provider.slug}/").content.decode()
        used = {
            (route.channel.parent or route.channel)
            for route in provider.routes.select_related("channel__parent")
            if route.channel is not None
        }
        for channel in used:
            linked = f'href="/channels/{channel.slug}/"' in html
            assert linked is (channel.kind != "provider"), (provider.slug, channel.slug)


@pytest.mark.parametrize(
    ("q", "slug"),
    [
        ("app store", "apple-app-store"),
        ("google play", "google-play"),
        ("paypal", "paypal"),
        ("Amazon", "amazon"),
        ("best buy", "best-buy"),
        ("Microsoft Store", "microsoft-store"),
    ],
)
def test_searching_a_channel_name_finds_its_page(client, shipped, q, slug):
    assert f'href="/channels/{slug}/"' in results(search(client, q))
