"""Where the visitor lives: asked once, where a page first depends on it, carried in the
address, and every part meant for another place left out after it (guides/regions.py)."""

import re

import pytest
from django.urls import reverse

from guides import regions
from guides.flow.guide import Guide
from guides.flow.pages import resolve_flow
from tests import factories

ASKED = "Where do you live?"


def choices(response) -> list[str]:
    return re.findall(r'class="choice-label">(.*?)</span>', response.content.decode())


def answers(response) -> list[tuple[str, str, str]]:
    return re.findall(
        r'<span class="answer-question">(.*?)</span> <strong>(.*?)</strong>\s*'
        r'<a class="change" href="([^"]*)"',
        response.content.decode(),
    )


def titles(response) -> list[str]:
    """The titles of the steps on a page of steps."""
    steps = response.content.decode().split('<ol class="steps">', 1)[1].split("</ol>", 1)[0]
    return re.findall(r"<h3>(?:<span[^>]*>[^<]*</span> )?(.*?)</h3>", steps)


@pytest.fixture
def regional(db):
    """A guide with an answer for the United States only, an answer for everyone whose steps
    include one for Germany, and a note for the EU."""
    guide = factories.make_provider(name="Regional", slug="regional")
    usa = factories.make_route(
        guide, label="In the United States", slug="usa", position=0, regions=["US"]
    )
    factories.make_step(route=usa, title="Cancel with the US company")
    web = factories.make_route(guide, label="On the website", slug="web", position=1)
    factories.make_step(route=web, title="Sign in", position=1)
    factories.make_step(route=web, title="Use the cancel button", position=2, regions=["DE"])
    factories.make_note(guide, title="Your EU right of withdrawal", regions=["EU"])
    factories.make_note(guide, title="For everyone")
    return guide


def test_a_flow_with_regional_answers_asks_where_the_visitor_lives_first(client, regional):
    response = client.get("/cancel/regional/")
    assert response.status_code == 200
    assert ASKED in response.content.decode()
    assert choices(response) == [
        "Germany",
        "United States of America",
        "Another country of the European Union",
        "Somewhere else",
    ]


@pytest.mark.parametrize(
    ("region", "shown"),
    [
        ("us", ["In the United States", "On the website"]),
        ("de", ["On the website"]),
        ("other", ["On the website"]),
        ("US", ["In the United States", "On the website"]),
    ],
)
def test_answers_meant_for_another_place_are_left_out(client, regional, region, shown):
    response = client.get(f"/cancel/regional/?region={region}")
    assert response.status_code == 200
    assert choices(response) == shown
    # ...and each answer's link carries where the visitor lives
    body = response.content.decode()
    assert f'href="/cancel/regional/web/?region={region.lower()}"' in body


def test_steps_for_another_place_are_left_out_and_the_answer_shows_with_change(client, regional):
    german = client.get("/cancel/regional/web/?region=de")
    assert titles(german) == ["Sign in", "Use the cancel button"]
    french = client.get("/cancel/regional/web/?region=fr")
    assert titles(french) == ["Sign in"]
    assert answers(french) == [
        (ASKED, "France", "/cancel/regional/"),
        ("Where did you buy it?", "On the website", "/cancel/regional/?region=fr"),
    ]


def test_feedback_on_regional_steps_keeps_where_the_visitor_lives(client, regional):
    from guides.models import Feedback

    page = client.get("/cancel/regional/web/?region=de").content.decode()
    for answer in ("yes", "no", "problem"):
        assert f'href="/feedback/regional/web/?answer={answer}&amp;region=de"' in page
    form = client.get("/feedback/regional/web/?answer=problem&region=de")
    assert form.status_code == 200
    body = form.content.decode()
    assert 'action="/feedback/regional/web/?region=de"' in body
    assert 'href="/cancel/regional/web/?region=de"' in body  # back to the same steps
    # Step 2 as a visitor in Germany numbered it: the step meant for Germany.
    sent = client.post(
        "/feedback/regional/web/?region=de",
        {"form": "problem", "step_number": "2", "comment": "The button is gone"},
    )
    assert sent.status_code == 302
    assert sent["Location"] == "/feedback/regional/web/?sent=problem&region=de"
    assert Feedback.objects.get().step.title == "Use the cancel button"
    # Elsewhere there is no second step; an address without a region names every step.
    assert client.get("/feedback/regional/web/?answer=yes&region=fr").status_code == 200
    assert client.get("/feedback/regional/web/?answer=yes").status_code == 200
    assert client.get("/feedback/regional/web/?answer=yes&region=xx").status_code == 404


def test_notes_for_another_place_are_left_out_and_marked_before_the_visitor_says(client, regional):
    before = client.get("/cancel/regional/").content.decode()
    assert "Your EU right of withdrawal" in before
    assert "Only in European Union" in before
    assert (
        "Your EU right of withdrawal" in client.get("/cancel/regional/?region=at").content.decode()
    )
    assert (
        "Your EU right of withdrawal"
        not in client.get("/cancel/regional/?region=us").content.decode()
    )


def test_an_address_from_before_the_question_still_works(client, regional):
    """Every existing address keeps working: an answer given without the region is read
    among every answer, and a later page that depends on it asks then."""
    response = client.get("/cancel/regional/web/")
    assert response.status_code == 200
    assert ASKED in response.content.decode()  # its steps depend on where the visitor lives
    assert client.get("/cancel/regional/usa/").status_code == 200


@pytest.mark.parametrize(
    "query",
    ["region=xx", "region=", "region=europe", "region=de-by", "region=%00", "region=us&region=zz"],
)
def test_an_unknown_region_is_the_404_page(client, regional, query):
    response = client.get(f"/cancel/regional/?{query}")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_an_answer_meant_for_another_place_is_the_404_page(client, regional):
    assert client.get("/cancel/regional/usa/?region=de").status_code == 404


def test_a_flow_with_no_regional_parts_asks_nothing(client, provider):
    route = factories.make_route(provider, label="Website", slug="website")
    factories.make_step(route=route, title="Sign in")
    page = client.get("/cancel/acme/").content.decode()
    assert ASKED not in page
    assert "Sign in" in client.get("/cancel/acme/website/").content.decode()


def test_the_language_of_the_page_suggests_a_place_and_never_assumes_it(client, regional):
    german = client.get("/de/cancel/regional/")
    assert choices(german)[0] == "Deutschland"
    assert "vorgeschlagen nach der Sprache dieser Seite" in german.content.decode()
    assert "Wo wohnen Sie?" in german.content.decode()  # still asked
    assert choices(client.get("/cancel/regional/"))[0] == "Germany"  # English suggests none
    assert "suggested by the language" not in client.get("/cancel/regional/").content.decode()


def test_a_variant_for_one_country_is_offered_there_only(client, provider):
    amazon = factories.make_channel(name="Amazon", slug="amazon", variant_question="Which store?")
    factories.make_step(channel=amazon, title="Open your memberships")
    factories.make_channel(name="amazon.com", slug="com", parent=amazon, regions=["US"])
    factories.make_channel(name="amazon.de", slug="de", parent=amazon, regions=["DE", "AT"])
    factories.make_channel(name="amazon.fr", slug="fr", parent=amazon, regions=["FR"])
    factories.make_route(provider, label="Amazon", slug="amazon", channel=amazon)
    asked = client.get("/cancel/acme/amazon/")
    assert ASKED in asked.content.decode()
    austria = client.get("/cancel/acme/amazon/?region=at")
    assert "Which store?" not in austria.content.decode()  # only amazon.de is meant for it
    assert titles(austria) == ["Open your memberships"]
    # None is meant for the United Kingdom: the channel's own steps.
    assert titles(client.get("/cancel/acme/amazon/?region=gb")) == ["Open your memberships"]


def test_the_one_variant_left_where_the_visitor_lives_is_chosen_without_asking(client, provider):
    amazon = factories.make_channel(name="Amazon", slug="amazon", variant_question="Which store?")
    factories.make_step(channel=amazon, title="Sign in")
    com = factories.make_channel(name="amazon.com", slug="com", parent=amazon)
    factories.make_step(channel=com, title="Open amazon.com")
    de = factories.make_channel(name="amazon.de", slug="de", parent=amazon, regions=["DE", "AT"])
    factories.make_step(channel=de, title="Open amazon.de")
    factories.make_route(provider, label="Amazon", slug="amazon", channel=amazon)
    assert ASKED in client.get("/cancel/acme/amazon/").content.decode()
    # In Austria both stores are possible: asked.
    austria = client.get("/cancel/acme/amazon/?region=at")
    assert "Which store?" in austria.content.decode()
    assert choices(austria) == ["amazon.com", "amazon.de"]
    assert titles(client.get("/cancel/acme/amazon/de/?region=at")) == ["Sign in", "Open amazon.de"]
    # In the United States only amazon.com is: its steps, with no question.
    usa = client.get("/cancel/acme/amazon/?region=us")
    assert "Which store?" not in usa.content.decode()
    assert titles(usa) == ["Sign in", "Open amazon.com"]
    assert [question for question, _, _ in answers(usa)] == [
        "Where did you buy it?",
        "Where do you live?",
    ]
    # An address that names it anyway is the same page; the other store is not there.
    assert titles(client.get("/cancel/acme/amazon/com/?region=us")) == [
        "Sign in",
        "Open amazon.com",
    ]
    assert client.get("/cancel/acme/amazon/de/?region=us").status_code == 404
    # Editors and the API see every store.
    guide = Guide(provider)
    pages = [state.slugs for state in guide.tree.walk()]
    assert ("amazon", "com") in pages and ("amazon", "de") in pages


def test_a_subdivision_is_its_country_too(client, provider):
    route = factories.make_route(provider, label="Website", slug="website")
    factories.make_step(route=route, title="Everyone")
    factories.make_step(route=route, title="Californians", regions=["US-CA"])
    factories.make_step(route=route, title="Americans", regions=["US"])
    offered = choices(client.get("/cancel/acme/website/"))
    assert offered == ["California", "United States of America (elsewhere)", "Somewhere else"]
    assert titles(client.get("/cancel/acme/website/?region=us-ca")) == [
        "Everyone",
        "Californians",
        "Americans",
    ]
    assert titles(client.get("/cancel/acme/website/?region=us")) == ["Everyone", "Americans"]


def test_each_place_is_its_own_cached_page(client, regional, django_assert_max_num_queries):
    client.get("/cancel/regional/?region=us")
    with django_assert_max_num_queries(0):
        us = client.get("/cancel/regional/?region=us")
    de = client.get("/cancel/regional/?region=de")
    assert "In the United States" in choices(us)
    assert "In the United States" not in choices(de)


def test_the_language_switcher_keeps_where_the_visitor_lives(client, regional):
    page = client.get("/cancel/regional/web/?region=de").content.decode()
    assert 'href="/de/cancel/regional/web/?region=de"' in page


def test_the_engine_walks_every_part_for_editors_and_the_api(regional):
    """The sitemap, the API and the admin's map see every answer, marked with its regions."""
    guide = Guide(regional)
    top = next(iter(guide.tree.walk()))
    assert [route.slug for route in top.answers] == ["usa", "web"]
    flow = resolve_flow(guide, "web", "DE")
    assert [step.title for step in flow.steps or []] == ["Sign in", "Use the cancel button"]


@pytest.mark.parametrize(
    ("where", "part", "applies"),
    [
        ("DE", ["EU"], True),
        ("DE", ["DE"], True),
        ("DE", ["AT"], False),
        ("EU", ["DE"], False),
        ("US-CA", ["US"], True),
        ("US", ["US-CA"], False),
        ("OTHER", ["US"], False),
        ("OTHER", [], True),
        (None, ["US"], True),
    ],
)
def test_who_a_part_applies_to(where, part, applies):
    assert regions.applies(part, where) is applies


def test_the_known_codes():
    assert all(regions.is_known(code) for code in ["DE", "de", "US-CA", "EU", "GB"])
    assert not any(regions.is_known(code) for code in ["XX", "", "DEU", "US-NY", "EUR"])
    assert reverse("guides:provider", args=["x"]) == "/cancel/x/"
