"""What search engines read: a title, description, canonical URL and Open Graph tags on each
page, JSON-LD (BreadcrumbList, HowTo for steps, FAQPage for questions), /sitemap.xml with
every published page and nothing else, /robots.txt; and related guides on a provider page."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlparse

import pytest

from guides.models import Provider
from tests import factories
from tests.recorded import load_guides

SAMPLE = "tests/data/sample.yaml"
BASE = "http://testserver"


@pytest.fixture
def sample(db):
    load_guides(SAMPLE)


def head(html: str) -> str:
    return html.split("</head>")[0]


def meta(html: str, attribute: str, name: str) -> str:
    found = re.findall(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', head(html))
    assert len(found) == 1, f"{name}: {found}"
    return found[0]


def json_ld(html: str) -> dict[str, dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return {data["@type"]: data for data in map(json.loads, blocks)}


SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_sections(client) -> list[str]:
    """The addresses (path and query) of the sitemap's sections, from its index."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    found = [urlparse(loc.text) for loc in root.findall("s:sitemap/s:loc", SITEMAP_NS)]
    return [f"{url.path}?{url.query}" if url.query else url.path for url in found]


def sitemap_paths(client) -> list[str]:
    """Every address in the sitemap, section after section, in order."""
    paths = []
    for section in sitemap_sections(client):
        response = client.get(section)
        assert response.status_code == 200, section
        root = ET.fromstring(response.content)
        paths += [urlparse(loc.text).path for loc in root.findall("s:url/s:loc", SITEMAP_NS)]
    return paths


PAGES = [
    ("/", "cancelflow: exact steps to cancel a subscription"),
    ("/category/security-software/", "Security software: cancel a subscription | cancelflow"),
    ("/channels/app-store/", "How to cancel anything bought on App Store | cancelflow"),
    ("/cancel/acme/", "How to cancel Acme Antivirus | cancelflow"),
    ("/cancel/acme/website/", "Cancel Acme Antivirus: Acme's website | cancelflow"),
    (
        "/cancel/acme/app-store/iphone/",
        "Cancel Acme Antivirus: Apple App Store, On an iPhone | cancelflow",
    ),
]


@pytest.mark.parametrize(("path", "title"), PAGES)
def test_every_page_has_its_title_description_canonical_and_open_graph(client, sample, path, title):
    html = client.get(path).content.decode()
    assert f"<title>{title}</title>" in html.replace("&#x27;", "'")
    description = meta(html, "name", "description")
    assert 40 <= len(description) <= 160, description
    assert f'<link rel="canonical" href="{BASE}{path}">' in html
    assert meta(html, "property", "og:url") == BASE + path
    assert meta(html, "property", "og:title").replace("&#x27;", "'") == title.removesuffix(
        " | cancelflow"
    )
    assert meta(html, "property", "og:description") == description
    assert meta(html, "property", "og:site_name") == "cancelflow"
    assert 'name="robots"' not in head(html)


def test_descriptions_differ_from_page_to_page(client, sample):
    descriptions = {
        meta(client.get(path).content.decode(), "name", "description") for path, _ in PAGES
    }
    assert len(descriptions) == len(PAGES)


def test_canonical_url_drops_the_query_string_and_doubled_slashes(client, sample):
    html = client.get("/cancel/acme//amazon/?utm_source=x").content.decode()
    assert f'<link rel="canonical" href="{BASE}/cancel/acme/amazon/">' in html


def test_search_and_request_pages_are_not_indexed(client, sample):
    for path in ["/search/?q=acme", "/search/?q=zzz", "/request/"]:
        html = client.get(path).content.decode()
        assert '<meta name="robots" content="noindex">' in head(html), path
        assert 'rel="canonical"' not in html


def test_steps_page_has_howto_with_every_step_in_order(client, sample):
    html = client.get("/cancel/acme/app-store/iphone/").content.decode()
    data = json_ld(html)
    howto = data["HowTo"]
    names = [step["name"] for step in howto["step"]]
    assert names == [
        "Check that the store bills you",
        "Open Settings on the iPhone",
        "Find Acme in the list",
    ]
    assert [step["position"] for step in howto["step"]] == [1, 2, 3]
    assert howto["totalTime"] == "PT5M"
    for step in howto["step"]:
        anchor = step["url"].split("#")[1]
        assert step["url"].startswith(f"{BASE}/cancel/acme/app-store/iphone/#")
        assert f'id="{anchor}"' in html  # the step's own anchor on the page
    crumbs = [item["name"] for item in data["BreadcrumbList"]["itemListElement"]]
    assert crumbs == [
        "Home",
        "Security software",
        "Acme Antivirus",
        "Apple App Store, On an iPhone",
    ]
    assert "FAQPage" not in data


def test_provider_page_has_faq_and_breadcrumbs(client, sample):
    data = json_ld(client.get("/cancel/acme/").content.decode())
    faq = data["FAQPage"]["mainEntity"]
    assert faq[0]["name"] == "Does uninstalling cancel?"
    assert "No." in faq[0]["acceptedAnswer"]["text"]
    items = data["BreadcrumbList"]["itemListElement"]
    assert [item["item"] for item in items] == [
        f"{BASE}/",
        f"{BASE}/category/security-software/",
        f"{BASE}/cancel/acme/",
    ]
    assert "HowTo" not in data


def test_home_page_describes_the_site_and_its_search(client, sample):
    data = json_ld(client.get("/").content.decode())
    assert (
        data["WebSite"]["potentialAction"]["target"]["urlTemplate"] == f"{BASE}/search/?q={{query}}"
    )


def test_json_ld_cannot_be_broken_out_of(client, sample):
    provider = Provider.objects.get(slug="acme")
    factories.make_question(
        provider, question="</script><script>alert(1)</script>", answer="& <b>x</b>", position=99
    )
    html = client.get("/cancel/acme/").content.decode()
    assert "<script>alert(1)" not in html
    faq = json_ld(html)["FAQPage"]["mainEntity"]
    assert faq[-1]["name"] == "</script><script>alert(1)</script>"


def test_htmx_partials_carry_no_head(client, sample):
    body = client.get("/cancel/acme/amazon/", HTTP_HX_REQUEST="true").content.decode()
    assert "ld+json" not in body and "canonical" not in body


# -- sitemap and robots ------------------------------------------------------------------------


def test_sitemap_lists_every_published_page_and_nothing_else(client, sample):
    other = factories.make_category(name="Empty", slug="empty")
    factories.make_provider(name="Draft Co", slug="draft-co", category=other, status="draft")
    paths = sitemap_paths(client)
    assert paths[0] == "/"
    assert "/category/security-software/" in paths
    assert "/category/empty/" not in paths  # only a draft in it
    assert {"/channels/app-store/", "/channels/amazon/", "/channels/provider-website/"} <= set(
        paths
    )
    assert "/channels/iphone/" not in paths  # a variant has no page of its own
    flow = [path for path in paths if path.startswith("/cancel/")]
    assert flow == [
        "/cancel/acme/",
        "/cancel/acme/website/",
        "/cancel/acme/website/region-a/",
        "/cancel/acme/website/elsewhere/",
        "/cancel/acme/app-store/",
        "/cancel/acme/app-store/iphone/",
        "/cancel/acme/app-store/mac/",
        "/cancel/acme/amazon/",
    ]  # in the order a visitor meets them
    assert not any("draft-co" in path for path in paths)
    assert len(paths) == len(set(paths))


def test_every_sitemap_url_is_a_page(client, sample):
    for path in sitemap_paths(client):
        assert client.get(path).status_code == 200, path


def test_sitemap_holds_every_state_a_visitor_can_reach(client, sample):
    """Follow every link of every flow from the provider page: each state is listed."""
    listed = set(sitemap_paths(client))
    seen: set[str] = set()
    todo = ["/cancel/acme/"]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        html = client.get(path).content.decode()
        flow = html.split('id="flow"')[1].split("</section>")[0]
        todo += [href for href in re.findall(r'href="(/cancel/acme/[^"]*)"', flow)]
    assert seen == {path for path in listed if path.startswith("/cancel/acme/")}


def test_sitemap_follows_the_shipped_guides(client, db):
    load_guides()
    paths = sitemap_paths(client)
    assert "/cancel/kaspersky/apple-app-store/iphone-ipad/" in paths
    assert "/cancel/kaspersky/in-app/iphone-ipad/" in paths  # the route names the variant
    assert "/cancel/kaspersky/in-app/iphone-ipad/mac/" not in paths
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_robots_txt_points_to_the_sitemap(client, db):
    text = client.get("/robots.txt").content.decode()
    assert f"Sitemap: {BASE}/sitemap.xml" in text.splitlines()
    assert "Disallow: /search/" in text and "Disallow: /request/" in text


# -- related guides ----------------------------------------------------------------------------


def test_provider_page_shows_related_guides_of_its_category(client, sample):
    acme = Provider.objects.get(slug="acme")
    others = [
        factories.make_provider(name=f"Guard {n}", slug=f"guard-{n}", category=acme.category)
        for n in range(8)
    ]
    factories.make_provider(
        name="Popular Guard", slug="popular", category=acme.category, popular=True
    )
    factories.make_provider(
        name="Draft Guard", slug="draft-guard", category=acme.category, status="draft"
    )
    factories.make_provider(name="Elsewhere", slug="elsewhere")
    html = client.get("/cancel/acme/").content.decode()
    related = html.split('id="related-heading"')[1].split("</section>")[0]
    links = re.findall(r'href="/cancel/([^/"]+)/"', related)
    assert links == ["popular", "guard-0", "guard-1", "guard-2", "guard-3", "guard-4"]
    assert "acme" not in links and "draft-guard" not in links and "elsewhere" not in links
    assert 'href="/category/security-software/"' in related
    assert others  # the remaining guards are on the category page


def test_related_guides_cost_no_query(client, sample, django_assert_num_queries):
    acme = Provider.objects.get(slug="acme")
    factories.make_provider(name="Guard", slug="guard", category=acme.category)
    with django_assert_num_queries(4):  # the budget of test_views, related guides included
        html = client.get("/cancel/acme/").content.decode()
    assert 'href="/cancel/guard/"' in html


def test_a_provider_alone_in_its_category_has_no_related_section(client, sample):
    assert 'id="related-heading"' not in client.get("/cancel/acme/").content.decode()


def test_an_editor_previewing_a_draft_sees_it_with_published_related_guides(client, sample):
    acme = Provider.objects.get(slug="acme")
    factories.make_provider(name="Guard", slug="guard", category=acme.category)
    factories.make_provider(
        name="Other Draft", slug="other-draft", category=acme.category, status="draft"
    )
    Provider.objects.filter(slug="acme").update(status="draft")
    assert client.get("/cancel/acme/").status_code == 404
    factories.login(client, factories.make_staff("editor", "Editors"))
    html = client.get("/cancel/acme/").content.decode()
    assert "<h1>How to cancel Acme Antivirus</h1>" in html
    assert 'href="/cancel/guard/"' in html
    assert "/cancel/other-draft/" not in html
    assert '<meta name="robots" content="noindex">' in head(html)
    # A published guide seen by the editor does not list the draft either.
    assert "/cancel/other-draft/" not in client.get("/cancel/guard/").content.decode()


def test_the_json_ld_summarises_a_long_body_instead_of_carrying_it_again(client, db):
    from guides.web.seo import HOWTO_STEP_LENGTH

    provider = factories.make_provider(name="Acme", slug="acme")
    route = factories.make_route(provider, label="Website", slug="website")
    body = "Open the billing page and look for the cancel button. " * 2000  # about 110 kB
    factories.make_step(route=route, title="Open Billing", position=1, body=body)
    html = client.get("/cancel/acme/website/").content.decode()
    scripts = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    how_to = next(d for d in map(json.loads, scripts) if d["@type"] == "HowTo")
    assert len(how_to["step"][0]["text"]) <= HOWTO_STEP_LENGTH
    assert html.count("look for the cancel button") < 2100  # the body once, not twice
