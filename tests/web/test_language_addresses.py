"""The address alone decides the language of a visitor's page: /de/, /fr/ and /es/ before
it, English without a prefix. Nothing else switches it (no cookie, no Accept-Language), so
anonymous pages never vary on either, and the page cache keeps each address apart."""

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.utils import translation

from guides.files.exporter import dumps, export_data
from guides.models import Category, Step
from tests.recorded import load_guides
from tests.web.test_seo import SITEMAP_NS, sitemap_paths

SAMPLE = "tests/data/sample.yaml"
LANGUAGES = ["de", "fr", "es"]
# Every kind of visitor page, in English; each exists under every prefix.
PAGES = [
    "/",
    "/search/?q=acme",
    "/search/?q=nothing-like-it",
    "/category/security-software/",
    "/channels/app-store/",
    "/cancel/acme/",
    "/cancel/acme/app-store/",
    "/cancel/acme/app-store/iphone/",
    "/feedback/acme/app-store/iphone/",
    "/request/",
    "/request/thanks/",
]


@pytest.fixture
def sample(db):
    load_guides(SAMPLE)


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "no <html lang>"
    return match[1]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_is_served_in_every_language(client, sample, page):
    english = client.get(page)
    assert english.status_code == 200
    assert html_lang(english) == "en" and english["Content-Language"] == "en"
    for code in LANGUAGES:
        response = client.get(f"/{code}{page}")
        assert response.status_code == 200, (code, page)
        assert html_lang(response) == code
        assert response["Content-Language"] == code


@pytest.mark.parametrize(
    "path",
    [
        "/xx/cancel/acme/",
        "/en/cancel/acme/",  # English has no prefix
        "/de-at/cancel/acme/",
        "/DE/cancel/acme/",
        "/de/cancel/no-such-guide/",
        "/de/cancel/acme/no-such-answer/",
        "/zz/",
    ],
)
def test_an_unknown_language_or_page_is_the_sites_404(client, sample, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b'class="site-header"' in response.content  # the site's own page, not a bare error


@pytest.mark.parametrize(
    "header",
    [
        "de-DE,de;q=0.9",
        "fr",
        "es-ES;q=1.0",
        "*",
        "de;q=abc,,;;",
        "x" * 5000,
        "\u00e9t\u00e9",
        "de-DE, fr;q=0.5, en;q=0.1",
    ],
)
def test_accept_language_never_switches_the_page(client, sample, header):
    plain = client.get("/cancel/acme/app-store/")
    asked = client.get("/cancel/acme/app-store/", HTTP_ACCEPT_LANGUAGE=header)
    assert asked.status_code == 200
    assert asked.content == plain.content
    assert asked["Content-Language"] == "en"
    german = client.get("/de/cancel/acme/app-store/", HTTP_ACCEPT_LANGUAGE=header)
    assert html_lang(german) == "de"


def test_a_language_cookie_never_switches_the_page(client, sample):
    plain = client.get("/cancel/acme/").content
    client.cookies["django_language"] = "de"
    assert client.get("/cancel/acme/").content == plain
    client.cookies["django_language"] = "fr"
    assert html_lang(client.get("/de/cancel/acme/")) == "de"


@pytest.mark.parametrize("page", ["/", "/cancel/acme/", "/cancel/acme/app-store/iphone/"])
def test_anonymous_pages_vary_on_neither_cookies_nor_language(client, sample, page):
    for path in (page, f"/de{page}"):
        vary = client.get(path).get("Vary", "")
        assert "Accept-Language" not in vary and "Cookie" not in vary, (path, vary)


def test_the_page_cache_keeps_each_language_apart(client, sample):
    assert client.get("/cancel/acme/")["X-Cache"] == "miss"
    german = client.get("/de/cancel/acme/")
    assert german["X-Cache"] == "miss" and html_lang(german) == "de"
    again = client.get("/de/cancel/acme/")
    assert again["X-Cache"] == "hit" and again.content == german.content
    assert html_lang(client.get("/cancel/acme/")) == "en"


def test_kept_fragments_are_kept_per_language(client, sample, settings):
    """A guide kept in memory renders its fragments once per language: the German page after
    the English one links to German pages."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.KEEP_GUIDES_IN_MEMORY = True
    client.get("/cancel/acme/")
    german = client.get("/de/cancel/acme/").content.decode()
    breadcrumbs = german.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert 'href="/de/"' in breadcrumbs and 'href="/de/cancel/acme/"' in breadcrumbs
    assert 'href="/cancel/acme/"' not in breadcrumbs


# -- the language switcher and the alternates -----------------------------------------------


def switcher(html: str) -> dict[str, str]:
    nav = html.split('class="language-switcher"')[1].split("</nav>")[0]
    return {code: href for href, code in re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', nav)}


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("/cancel/acme/app-store/iphone/", "/{}cancel/acme/app-store/iphone/"),
        ("/search/?q=acme", "/{}search/?q=acme"),
        ("/", "/{}"),
        ("/channels/app-store/", "/{}channels/app-store/"),
    ],
)
def test_the_switcher_keeps_the_page_and_the_answers(client, sample, page, expected):
    for here in ["", *LANGUAGES]:
        prefix = f"/{here}" if here else ""
        html = client.get(f"{prefix}{page}").content.decode()
        links = switcher(html)
        assert links == {
            code: expected.format("" if code == "en" else f"{code}/") for code in ["en", *LANGUAGES]
        }
        current = re.findall(r'hreflang="([^"]+)" lang="[^"]+" aria-current="true"', html)
        assert current == [here or "en"]


def test_the_suggestion_links_are_in_their_own_language(client, sample):
    html = client.get("/cancel/acme/").content.decode()
    box = html.split('class="language-suggestion"')[1].split("</p>")[0]
    assert "hidden" in html.split('class="language-suggestion"')[1][:10]  # shown by script
    offered = re.findall(r'data-suggest="([^"]+)"', box)
    assert offered == LANGUAGES  # not the page's own language


def test_indexable_pages_name_their_alternates(client, sample):
    html = client.get("/fr/cancel/acme/app-store/").content.decode()
    head = html.split("</head>")[0]
    links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head))
    assert links == {
        "en": "http://testserver/cancel/acme/app-store/",
        "de": "http://testserver/de/cancel/acme/app-store/",
        "fr": "http://testserver/fr/cancel/acme/app-store/",
        "es": "http://testserver/es/cancel/acme/app-store/",
        "x-default": "http://testserver/cancel/acme/app-store/",
    }
    assert '<link rel="canonical" href="http://testserver/fr/cancel/acme/app-store/">' in head
    assert '<meta property="og:locale" content="fr">' in head


def test_the_sitemap_lists_every_language_with_its_alternates(client, sample):
    paths = sitemap_paths(client)
    for code in LANGUAGES:
        assert f"/{code}/cancel/acme/app-store/iphone/" in paths
        assert f"/{code}/" in paths
    assert len(paths) == len(set(paths))
    body = client.get("/sitemap-guides.xml").content
    root = ET.fromstring(body)
    first = root.find("s:url", SITEMAP_NS)
    links = first.findall("{http://www.w3.org/1999/xhtml}link")
    assert {link.get("hreflang") for link in links} == {"en", "de", "fr", "es", "x-default"}
    assert all(urlparse(link.get("href")).path.endswith("/cancel/acme/") for link in links)


def test_robots_keeps_crawlers_out_of_searches_in_every_language(client, db):
    lines = client.get("/robots.txt").content.decode().splitlines()
    for prefix in ["", "/de", "/fr", "/es"]:
        assert f"Disallow: {prefix}/search/" in lines
        assert f"Disallow: {prefix}/feedback/" in lines


def test_the_javascript_catalog_is_served_per_language(client, db):
    for code in ["", *LANGUAGES]:
        prefix = f"/{code}" if code else ""
        response = client.get(f"{prefix}/jsi18n/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/javascript")
        assert "max-age=86400" in response["Cache-Control"]
    assert client.post("/de/jsi18n/").status_code == 405


def test_the_switcher_keeps_a_search_but_no_other_query(client, sample):
    links = switcher(client.get("/request/", {"name": "z" * 500, "x": "1"}).content.decode())
    assert links["de"] == "/de/request/"
    links = switcher(client.get("/search/", {"q": "acme " + "z" * 500}).content.decode())
    assert links["fr"] == "/fr/search/?q=acme+" + "z" * 95


# -- the texts of a guide: English is their source ------------------------------------------


def test_a_request_leaves_no_language_behind(client, sample):
    client.get("/de/cancel/acme/")
    assert translation.get_language() == "en"


def test_guide_files_load_english_whatever_language_is_active(db):
    with translation.override("de"):
        call_command("import_guides", SAMPLE, verbosity=0)
        exported = dumps(export_data())
    category = Category.objects.get(slug="security-software")
    assert category.name_en == "Security software" and not category.name_de
    assert Step.objects.filter(title_en="Open Your Memberships and Subscriptions").exists()
    assert exported == dumps(export_data())  # read in English too
