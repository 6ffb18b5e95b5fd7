"""The public API, /api/v1/: read-only JSON of published guides, with ETags, CORS and JSON
errors. The OpenAPI document that describes it is tested in test_openapi.py."""

from __future__ import annotations

import datetime

import pytest

from guides.api.params import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from guides.flow.guide import Guide
from guides.flow.pages import resolve_flow
from guides.models import Provider
from tests import factories


def get(client, url, **headers):
    response = client.get(url, **headers)
    assert response["Content-Type"] == "application/json", response.content
    return response


# -- shapes ---------------------------------------------------------------------------------


def test_index_lists_the_endpoints(guides, client):
    data = get(client, "/api/v1/").json()
    assert data == {
        "providers": "/api/v1/providers/",
        "channels": "/api/v1/channels/",
        "categories": "/api/v1/categories/",
        "openapi": "/api/v1/openapi.json",
    }


def test_providers_are_the_published_ones_by_name(guides, client):
    data = get(client, "/api/v1/providers/").json()
    assert [p["slug"] for p in data["results"]] == ["acme", "daily"]  # no draft
    assert data["count"] == 2 and data["page"] == 1 and data["pages"] == 1
    assert data["page_size"] == DEFAULT_PAGE_SIZE
    assert data["next"] is None and data["previous"] is None
    acme = data["results"][0]
    assert acme == {
        "slug": "acme",
        "name": "Acme Antivirus",
        "category": {
            "slug": "security-software",
            "name": "Security software",
            "languages": {"name": "en"},
        },
        "aliases": ["Acme AV", "Acme Total"],
        "summary": "A sample guide.",
        "difficulty": "easy",
        "minutes_to_cancel": 5,
        "last_verified_on": None,
        "url": "/api/v1/providers/acme/",
        "web_url": "/cancel/acme/",
        "languages": {"summary": "en", "aliases": "en"},
    }
    assert data["lang"] == "en"


def test_pagination(guides, client):
    for n in range(5):
        factories.make_provider(slug=f"p{n}", name=f"P{n}")
    first = get(client, "/api/v1/providers/?page_size=3").json()
    assert first["count"] == 7 and first["pages"] == 3
    assert first["next"] == "/api/v1/providers/?page=2&page_size=3"
    second = get(client, first["next"]).json()
    assert second["previous"] == "/api/v1/providers/?page=1&page_size=3"
    last = get(client, "/api/v1/providers/?page=3&page_size=3").json()
    assert last["next"] is None and len(last["results"]) == 1
    names = [p["slug"] for page in (first, second, last) for p in page["results"]]
    assert len(names) == len(set(names)) == 7


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("page=0", 400, "page: must be between 1"),
        ("page=abc", 400, "page: expected a whole number"),
        ("page=-1", 400, "page: expected a whole number"),
        ("page=1.5", 400, "page: expected a whole number"),
        ("page=%EF%BC%91", 400, "page: expected a whole number"),  # a full-width digit
        ("page=99999999999999999999", 400, "page: expected a whole number"),
        ("page=1&page=2", 400, "page: give it once"),
        (
            f"page_size={MAX_PAGE_SIZE + 1}",
            400,
            f"page_size: must be between 1 and {MAX_PAGE_SIZE}",
        ),
        ("page_size=0", 400, "page_size: must be between 1"),
        ("page=9", 404, "page: there are 1 pages"),
        ("category=not%20a%20slug", 400, "category: expected a category slug"),
        ("channel=a/b", 400, "channel: expected a channel slug"),
        ("q=" + "x" * 101, 400, "q: search with at most 100 characters"),
        ("q=a%00b", 400, "q: "),
    ],
)
def test_bad_list_parameters_are_json_errors(guides, client, query, status, message):
    response = get(client, f"/api/v1/providers/?{query}")
    assert response.status_code == status
    error = response.json()["error"]
    assert error["status"] == status and message in error["message"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_filter_by_category_and_search(guides, client):
    def slugs(query):
        return [p["slug"] for p in get(client, f"/api/v1/providers/?{query}").json()["results"]]

    assert slugs("category=news") == ["daily"]
    assert slugs("category=nowhere") == []
    assert slugs("q=acme") == ["acme"]
    assert slugs("q=ACME%20total") == ["acme"]  # an alias, any case
    assert slugs("q=the%20daily") == ["daily"]
    assert slugs("q=secret") == []  # drafts are never found
    assert slugs("q=acme&category=news") == []
    assert slugs("q=%20%20") == ["acme", "daily"]  # blank is no search
    page = get(client, "/api/v1/providers/?q=acme&page_size=1").json()
    assert page["next"] is None and page["count"] == 1


def test_one_provider_with_its_whole_flow(guides, client):
    data = get(client, "/api/v1/providers/acme/").json()
    assert data["cancel_online"] == "Yes"
    assert data["methods"] == ["Website", "App store", "Retailer"]
    assert data["difficulty_meaning"].startswith("A clear cancel option")
    assert [n["title"] for n in data["notes"]] == [
        "Check who bills you",
        "Protection runs to the end of the period",
    ]
    assert data["questions"] == [
        {
            "question": "Does uninstalling cancel?",
            "answer": "No.",
            "source_url": None,
            "languages": {"question": "en", "answer": "en"},
        }
    ]
    flow = data["flow"]
    assert flow["question"] == "Where did you buy it?"
    website, store, amazon = flow["answers"]
    assert website["question"] == "Where do you live?" and website["steps"] is None
    assert [a["path"] for a in website["answers"]] == ["website/region-a", "website/elsewhere"]
    region = website["answers"][0]
    assert region["web_url"] == "/cancel/acme/website/region-a/"
    assert [s["title"] for s in region["steps"]] == [
        "Sign in to your account",
        "Use the link in your order email",
    ]
    assert store["channel"] == {
        "slug": "app-store",
        "name": "App Store",
        "kind": "app_store",
        "languages": {"name": "en"},
    }
    assert store["question"] == "Where do you manage it?" and store["steps"] is None
    assert [v["slug"] for v in store["variants"]] == ["iphone", "mac"]
    assert [s["title"] for s in store["variants"][1]["steps"]] == [
        "Check that the store bills you",
        "Open the App Store app on the Mac",
        "Find Acme in the list",
    ]
    assert [s["title"] for s in amazon["steps"]] == [
        "Open Your Memberships and Subscriptions",
        "Choose Cancel subscription",
    ]


def leaves(node, provider_slug):
    """(path, steps) for every leaf of the API's flow."""
    for answer in node["answers"]:
        if answer["steps"] is not None:
            yield answer["path"], answer["steps"]
        for variant in answer["variants"]:
            yield variant["path"], variant["steps"]
        yield from leaves(answer, provider_slug)


def test_resolved_steps_are_what_the_site_shows_at_every_leaf(client, db):
    """The API assembles every leaf's steps in memory; they must be the site's own."""
    from guides.files.importer import import_paths

    import_paths()
    checked = 0
    for provider in Provider.objects.published():
        data = get(client, f"/api/v1/providers/{provider.slug}/").json()
        for path, steps in leaves(data["flow"], provider.slug):
            flow = resolve_flow(Guide(provider), path, ask=False)  # as the API walks it
            assert flow.is_leaf, path
            site = [(s.title, s.contact.value if s.contact else None) for s in flow.steps]
            api = [(s["title"], s["contact"]["value"] if s["contact"] else None) for s in steps]
            assert api == site, (provider.slug, path)
            checked += 1
    assert checked > 20


def test_unverified_contacts_are_never_published(guides, client):
    text = get(client, "/api/v1/providers/acme/").content.decode()
    assert "unchecked" not in text
    data = get(client, "/api/v1/providers/acme/").json()
    assert [c["value"] for c in data["contacts"]] == ["https://example.com/acme/contact"]
    assert data["contacts"][0]["verified_on"] == "2026-11-01"
    region = data["flow"]["answers"][0]["answers"][0]
    assert region["steps"][1]["contact"]["href"] == "https://example.com/acme/contact"


def test_drafts_and_unknown_slugs_are_json_404s(guides, client):
    for url in ["/api/v1/providers/secret/", "/api/v1/providers/nope/", "/api/v1/channels/x/"]:
        response = get(client, url)
        assert response.status_code == 404
        assert response.json()["error"]["status"] == 404
    for url in ["/api/v1/nothing/here/", "/api/v1/providers/a/b/c/", "/api/v1/providers/%00/"]:
        response = client.get(url)
        assert response.status_code in (301, 404)
        if response.status_code == 404:
            assert response.json()["error"]["message"].startswith("No such API endpoint")
    assert client.post("/api/v1/nothing/here/").status_code == 404


def test_a_path_with_a_newline_is_a_json_404_too(guides, client):
    for url in ["/api/v1/providers/acme%0A/", "/api/v1/%0A", "/api/v1/channels/a%0Ab/"]:
        response = get(client, url)
        assert response.status_code == 404
        assert response.json()["error"]["message"].startswith("No such API endpoint")


def test_channels_with_their_standard_steps(guides, client):
    data = get(client, "/api/v1/channels/").json()["results"]
    assert [c["slug"] for c in data] == ["amazon", "app-store", "provider-website"]
    store = data[1]
    assert [s["title"] for s in store["steps"]] == ["Check that the store bills you"]
    assert [(v["slug"], [s["title"] for s in v["steps"]]) for v in store["variants"]] == [
        ("iphone", ["Open Settings on the iPhone"]),
        ("mac", ["Open the App Store app on the Mac"]),
    ]
    one = get(client, "/api/v1/channels/app-store/").json()
    assert {k: v for k, v in one.items() if not k.startswith("provider") and k != "lang"} == store
    assert one["provider_count"] == 1
    assert one["providers_url"] == "/api/v1/providers/?channel=app-store"
    sold = get(client, one["providers_url"]).json()
    assert [p["slug"] for p in sold["results"]] == ["acme"]
    assert get(client, "/api/v1/channels/iphone/").status_code == 404  # a variant is not a channel


def test_a_channel_lists_only_published_providers(guides, client):
    draft = Provider.objects.get(slug="secret")
    factories.make_route(draft, channel=guides.routes.get(slug="amazon").channel)
    data = get(client, "/api/v1/channels/amazon/").json()
    assert data["provider_count"] == 1
    listed = get(client, "/api/v1/providers/?channel=amazon").json()["results"]
    assert [p["slug"] for p in listed] == ["acme"]
    # An answer naming a variant counts for its channel; a variant is not a channel itself.
    assert get(client, "/api/v1/providers/?channel=iphone").json()["count"] == 0
    assert get(client, "/api/v1/providers/?channel=nowhere").json()["count"] == 0


def test_categories_count_published_providers(guides, client):
    data = get(client, "/api/v1/categories/").json()["results"]
    assert [(c["slug"], c["provider_count"]) for c in data] == [
        ("news", 1),
        ("security-software", 1),
    ]
    assert data[0]["providers_url"] == "/api/v1/providers/?category=news"


# -- HTTP: caching, conditional GET, CORS, methods --------------------------------------------


def test_etag_and_conditional_get(guides, client):
    first = get(client, "/api/v1/providers/acme/")
    etag = first["ETag"]
    assert etag.startswith('"') and first["Cache-Control"] == "public, max-age=300"
    again = client.get("/api/v1/providers/acme/", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Access-Control-Allow-Origin"] == "*"
    stale = client.get("/api/v1/providers/acme/", headers={"if-none-match": '"other"'})
    assert stale.status_code == 200
    Provider.objects.filter(slug="acme").update(summary="Changed.")
    changed = client.get("/api/v1/providers/acme/", headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_cors_for_reads_and_preflight(guides, client):
    for url in ["/api/v1/providers/", "/api/v1/providers/nope/", "/api/v1/openapi.json"]:
        response = client.get(url, headers={"origin": "https://elsewhere.example"})
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Access-Control-Expose-Headers"] == "ETag"
    preflight = client.options(
        "/api/v1/providers/",
        headers={"origin": "https://elsewhere.example", "access-control-request-method": "GET"},
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]


def test_head_is_answered(guides, client):
    response = client.head("/api/v1/providers/acme/")
    assert response.status_code == 200 and response["ETag"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_json_405s_not_csrf_failures(guides, client, method):
    response = getattr(client, method)("/api/v1/providers/acme/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.json()["error"]["message"] == (
        f"{method.upper()} is not allowed: the API is read-only."
    )
    assert Provider.objects.filter(slug="acme").exists()


def test_queries_do_not_grow_with_the_flow(guides, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        get(client, "/api/v1/providers/acme/")
    website = guides.routes.get(slug="website")
    for n in range(15):
        route = factories.make_route(guides, parent=website, slug=f"more-{n}", label=f"M{n}")
        factories.make_step(route=route, title=f"Step {n}")
        factories.make_contact(provider=guides, verified_on=datetime.date(2026, 1, 1))
    with django_assert_max_num_queries(7):
        get(client, "/api/v1/providers/acme/")
    with django_assert_max_num_queries(2):
        get(client, "/api/v1/providers/")
    with django_assert_max_num_queries(4):
        get(client, "/api/v1/channels/")
    with django_assert_max_num_queries(5):
        get(client, "/api/v1/channels/app-store/")
    with django_assert_max_num_queries(1):
        get(client, "/api/v1/categories/")
