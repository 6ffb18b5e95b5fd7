"""Every page as a visitor meets it: full page, htmx partial and no-JS, bad input, and
query budgets that hold however large a guide grows."""

import pytest

from tests import factories
from tests.recorded import load_guides

SAMPLE = "tests/data/sample.yaml"


@pytest.fixture
def sample(db):
    load_guides(SAMPLE)


def htmx(client, url, **headers):
    return client.get(url, HTTP_HX_REQUEST="true", **headers)


# -- home, category, channel, search ----------------------------------------------------------


def test_home_shows_search_popular_and_categories(client, sample):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/search/"' in html
    assert 'href="/cancel/acme/"' in html
    assert 'href="/category/security-software/"' in html


def test_category_lists_its_published_providers(client, sample):
    factories.make_provider(
        name="Hidden Draft", status="draft", category=factories.make_category(slug="other")
    )
    response = client.get("/category/security-software/")
    assert response.status_code == 200
    assert b"Acme Antivirus" in response.content
    assert b"Hidden Draft" not in response.content


def test_channel_page_shows_standard_steps_variants_and_providers(client, sample):
    response = client.get("/channels/app-store/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Check that the store bills you" in html
    assert 'id="mac"' in html and "Open the App Store app on the Mac" in html
    assert 'href="/cancel/acme/"' in html


def test_search_finds_by_name_alias_and_category(client, sample):
    for query in ["acme", "ACME", "Acme Total", "security"]:
        assert b"/cancel/acme/" in client.get("/search/", {"q": query}).content, query
    assert b"No guide" in client.get("/search/", {"q": "zzz"}).content


def test_search_partial_for_htmx(client, sample):
    response = htmx(client, "/search/?q=acme")
    assert b"<html" not in response.content
    assert b"/cancel/acme/" in response.content
    assert "HX-Request" in response["Vary"]


# -- the flow ---------------------------------------------------------------------------------


def test_provider_page_shows_summary_things_to_know_and_first_question(client, sample):
    response = client.get("/cancel/acme/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>How to cancel Acme Antivirus</h1>" in html
    assert "Cancel online</dt><dd>Yes" in html
    assert "Website, App store, Retailer" in html
    assert "About 5 minutes" in html
    assert "A clear cancel option" in html  # what "easy" means
    assert "Not yet verified" in html
    assert "Things to know" in html and "card statement" in html
    assert "Does uninstalling cancel?" in html
    assert '<h2 id="flow-heading" tabindex="-1">Where did you buy it?</h2>' in html
    # Real links, which htmx follows within the flow (hx-boost) when JavaScript runs.
    assert '<div id="flow" class="flow" hx-boost="true" hx-target="this"' in html
    for href in ["/cancel/acme/website/", "/cancel/acme/app-store/", "/cancel/acme/amazon/"]:
        assert f'<a class="choice" href="{href}">' in html
    assert "HX-Request" in response["Vary"]


def test_steps_page_full(client, sample):
    response = client.get("/cancel/acme/app-store/iphone/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>How to cancel Acme Antivirus</h1>" in html  # the whole page
    title = "Cancel Acme Antivirus: Apple App Store, On an iPhone | cancelflow"
    assert f"<title>{title}</title>" in html
    assert "On an iPhone</strong>" in html
    steps = [
        "Check that the store bills you",
        "Open Settings on the iPhone",
        "Find Acme in the list",
    ]
    positions = [html.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "After you cancel" in html and "end of the period" in html
    assert 'href="/cancel/acme/app-store/"' in html  # change the device answer


def test_steps_page_as_htmx_partial_is_small(client, sample):
    full = client.get("/cancel/acme/app-store/iphone/")
    partial = htmx(client, "/cancel/acme/app-store/iphone/")
    assert partial.status_code == 200
    body = partial.content.decode()
    assert "<html" not in body and "<h1>" not in body
    assert 'id="flow-heading"' in body and "Open Settings on the iPhone" in body
    assert "After you cancel" in body
    assert len(partial.content) < len(full.content) / 2
    assert "HX-Request" in partial["Vary"]


def test_history_restore_gets_the_full_page(client, sample):
    response = htmx(client, "/cancel/acme/amazon/", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert b"<html" in response.content and b"Open Your Memberships" in response.content


def test_no_js_walk_uses_plain_links(client, sample):
    """Without JavaScript every choice is a plain link to a full page."""
    html = client.get("/cancel/acme/").content.decode()
    assert 'href="/cancel/acme/website/"' in html
    html = client.get("/cancel/acme/website/").content.decode()
    assert "Where do you live?" in html and 'href="/cancel/acme/website/region-a/"' in html
    html = client.get("/cancel/acme/website/region-a/").content.decode()
    assert "<html" in html
    assert "Sign in to your account" in html and "Use the link in your order email" in html


def test_verified_contact_is_shown_with_its_source_and_a_warning(client, sample):
    html = client.get("/cancel/acme/website/region-a/").content.decode()
    assert 'href="https://example.com/acme/contact"' in html
    assert "checked 1 Nov 2026" in html
    assert "Beware of fake support numbers" in html


def test_markdown_is_rendered_and_sanitised(client, sample):
    from guides.models import Step

    step = Step.objects.get(title="Find Acme in the list")
    step.body = (
        "**Bold** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://a.example)"
    )
    step.save()
    html = client.get("/cancel/acme/app-store/mac/").content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>alert" not in html and "javascript:" not in html
    assert 'href="https://a.example"' in html


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/cancel/nope/",
        "/cancel/acme/nope/",
        "/cancel/acme/website/region-a/more/",
        "/cancel/acme/app-store/android/",
        "/cancel/acme/%00/",
        "/cancel/acme/" + "a/" * 50,
        "/channels/nope/",
        "/channels/iphone/",  # a variant has no page of its own
        "/category/nope/",
        "/no-such-page/",
    ],
)
def test_unknown_urls_get_the_sites_404_page(client, sample, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"We could not find that page" in response.content
    assert b'class="site-header"' in response.content


def test_draft_provider_is_not_found(client, sample):
    from guides.models import Provider

    Provider.objects.filter(slug="acme").update(status="draft")
    assert client.get("/cancel/acme/").status_code == 404
    assert client.get("/cancel/acme/amazon/").status_code == 404
    assert htmx(client, "/cancel/acme/amazon/").status_code == 404
    assert b"/cancel/acme/" not in client.get("/").content


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", ["/", "/cancel/acme/", "/cancel/acme/amazon/", "/search/"])
def test_wrong_methods_are_refused(client, sample, method, url):
    assert getattr(client, method)(url).status_code == 405


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 10_000},
        {"q": ["a", "b"]},
        {"q": "\x00"},
        {"q": "a\x00b"},
        {"q": "%"},
        {"zzz": "1"},
    ],
)
def test_junk_search_queries_are_harmless(client, sample, params):
    assert client.get("/search/", params).status_code == 200


def test_an_overlong_search_says_why(client, sample):
    response = client.get("/search/", {"q": "x" * 101})
    assert b"at most 100 characters" in response.content


def test_junk_htmx_headers_are_harmless(client, sample):
    response = client.get("/cancel/acme/", HTTP_HX_REQUEST="maybe", HTTP_HX_TARGET="\u2603" * 500)
    assert response.status_code == 200


# -- query budgets ------------------------------------------------------------------------------


def build_guide(routes: int, steps: int):
    """A provider whose every route has `steps` steps and a channel with steps of its own."""
    provider = factories.make_provider(slug="big", popular=True)
    for n in range(routes):
        channel = factories.make_channel(slug=f"shop-{n}")
        for s in range(3):
            factories.make_step(channel=channel, position=s + 1)
        route = factories.make_route(provider, slug=f"r{n}", channel=channel, position=n + 1)
        for s in range(steps):
            factories.make_step(route=route, position=s + 1)
        factories.make_note(provider, position=n + 1, kind="after" if n % 2 else "before")
        factories.make_question(provider, position=n + 1)
    return provider


@pytest.mark.parametrize(("routes", "steps"), [(1, 1), (30, 20)])
def test_query_budgets_do_not_grow_with_the_guide(
    client, db, django_assert_max_num_queries, routes, steps
):
    build_guide(routes, steps)
    last = f"/cancel/big/r{routes - 1}/"
    with django_assert_max_num_queries(3):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/cancel/big/").status_code == 200
    with django_assert_max_num_queries(5):
        response = client.get(last)
    assert response.status_code == 200
    assert response.content.decode().count('class="step step-do"') == steps + 3
    with django_assert_max_num_queries(5):
        assert htmx(client, last).status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get("/search/", {"q": "provider"}).status_code == 200


def test_steps_budget_with_a_variant(client, sample, django_assert_max_num_queries):
    # A page of steps read afresh: the guide (5), and the rights notes where visitors live
    with django_assert_max_num_queries(6):
        assert client.get("/cancel/acme/app-store/mac/").status_code == 200


# -- the usual ----------------------------------------------------------------------------------


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"User-agent: *" in response.content


def test_pages_carry_a_strict_content_security_policy(client, sample):
    policy = client.get("/cancel/acme/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    html = client.get("/cancel/acme/").content.decode()
    assert "<script>" not in html and " style=" not in html
