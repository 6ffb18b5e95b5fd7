"""The flow engine on its own (guides/flow/): the one rule of what follows a list of
answers, the order of a page's steps, and the shape a route tree may take. No database:
the routes and channels are unsaved model instances."""

from __future__ import annotations

import pytest

from guides.flow.rules import (
    LOOP,
    MAX_ROUTE_DEPTH,
    ROUTE_QUESTION,
    TOO_DEEP,
    VARIANT_QUESTION,
    NotFound,
    arrange_steps,
    parent_problem,
    parse_route_path,
)
from guides.flow.tree import RouteTree
from guides.models import PurchaseChannel, Route, Step


def channel(pk, slug, parent=None, question=""):
    return PurchaseChannel(
        pk=pk, slug=slug, name=slug.title(), parent=parent, variant_question=question
    )


def route(pk, slug, parent=None, channel=None, question="", channel_steps_first=True):
    return Route(
        pk=pk,
        slug=slug,
        label=slug.title(),
        parent=parent,
        channel=channel,
        question=question,
        channel_steps_first=channel_steps_first,
    )


@pytest.fixture
def flow():
    """website → (here / elsewhere); apple (App Store: iphone / mac); mac-app (names the Mac
    variant); phone (no channel, steps only); isp → (cable: inherits nothing)."""
    store = channel(10, "app-store", question="On which device?")
    iphone, mac = channel(11, "iphone", store), channel(12, "mac", store)
    web = channel(20, "website")
    website = route(1, "website", channel=web, question="Where do you live?")
    routes = [
        website,
        route(2, "apple", channel=store),
        route(3, "mac-app", channel=mac),
        route(4, "phone"),
        route(5, "here", parent=website),
        route(6, "elsewhere", parent=website),
    ]
    variants = {10: [iphone, mac]}
    tree = RouteTree("Where did you buy it?", routes, lambda c: variants.get(c.pk, []))
    return (
        tree,
        {r.slug: r for r in routes},
        {"store": store, "iphone": iphone, "mac": mac, "web": web},
    )


def test_the_top_asks_the_first_question_with_every_top_answer_in_order(flow):
    tree, _, _ = flow
    state = tree.state()
    assert state.question == "Where did you buy it?"
    assert [r.slug for r in state.answers] == ["website", "apple", "mac-app", "phone"]
    assert not state.is_leaf and state.route is None and state.slugs == ()


def test_an_answer_with_answers_below_asks_its_own_question_or_the_default(flow):
    tree, routes, _ = flow
    assert tree.state([routes["website"]]).question == "Where do you live?"
    routes["website"].question = ""
    assert tree.state([routes["website"]]).question == ROUTE_QUESTION


def test_a_channel_with_variants_asks_which_one_then_gives_the_variants_steps(flow):
    tree, routes, channels = flow
    asking = tree.state([routes["apple"]])
    assert asking.question == "On which device?"
    assert asking.variants == (channels["iphone"], channels["mac"])
    assert asking.channel == channels["store"] and not asking.is_leaf
    leaf = tree.state([routes["apple"]], channels["mac"])
    assert leaf.is_leaf and leaf.channel == channels["store"] and leaf.variant == channels["mac"]
    assert leaf.slugs == ("apple", "mac")
    channels["store"].variant_question = ""
    assert tree.state([routes["apple"]]).question == VARIANT_QUESTION


def test_an_answer_that_names_a_variant_goes_straight_to_its_steps(flow):
    tree, routes, channels = flow
    leaf = tree.state([routes["mac-app"]])
    assert leaf.is_leaf
    assert (leaf.channel, leaf.variant) == (channels["store"], channels["mac"])


def test_a_channel_applies_to_the_answers_below_the_route_that_names_it(flow):
    tree, routes, channels = flow
    leaf = tree.state([routes["website"], routes["here"]])
    assert leaf.is_leaf and leaf.channel == channels["web"] and leaf.variant is None


def test_an_answer_without_a_channel_is_a_page_of_its_own_steps(flow):
    tree, routes, _ = flow
    leaf = tree.state([routes["phone"]])
    assert leaf.is_leaf and leaf.channel is None and leaf.variant is None


def test_resolve_reads_a_path_of_slugs_and_records_each_answer(flow):
    tree, _, channels = flow
    resolved = tree.resolve(["apple", "iphone"])
    assert resolved.state.variant == channels["iphone"]
    assert resolved.given == [
        ("Where did you buy it?", "Apple", ()),
        ("On which device?", "Iphone", ("apple",)),
    ]
    assert tree.resolve([]).state == tree.state()


@pytest.mark.parametrize(
    "slugs",
    [
        ["nope"],
        ["here"],  # an answer of another question
        ["website", "nope"],
        ["apple", "android"],  # not a variant of the channel
        ["apple", "mac", "more"],  # nothing follows a chosen variant
        ["mac-app", "mac"],  # nor an answer that names its variant
        ["phone", "iphone"],  # nor an answer without a channel
        ["website", "here", "again"],
    ],
)
def test_resolve_refuses_a_path_that_names_no_answer(flow, slugs):
    tree, _, _ = flow
    with pytest.raises(NotFound):
        tree.resolve(slugs)


def test_walk_visits_every_page_once_in_the_order_visitors_meet_them(flow):
    tree, _, _ = flow
    pages = ["/".join(state.slugs) for state in tree.walk()]
    assert pages == [
        "",
        "website",
        "website/here",
        "website/elsewhere",
        "apple",
        "apple/iphone",
        "apple/mac",
        "mac-app",
        "phone",
    ]


def test_every_page_walked_is_the_page_its_address_resolves_to(flow):
    tree, _, _ = flow
    for state in tree.walk():
        assert tree.resolve(list(state.slugs)).state == state


def test_a_provider_without_routes_asks_its_question_with_no_answers():
    tree = RouteTree("Where did you buy it?", [], lambda c: [])
    assert [s.slugs for s in tree.walk()] == [()]
    with pytest.raises(NotFound):
        tree.resolve(["anything"])


def steps_of(owner, *titles, start=1):
    key = "route" if isinstance(owner, Route) else "channel"
    return [
        Step(pk=owner.pk * 100 + n, title=title, position=n, **{key: owner})
        for n, title in enumerate(titles, start=start)
    ]


def test_steps_come_channel_then_variant_then_each_route_from_the_top(flow):
    _, routes, channels = flow
    found = [
        *steps_of(channels["store"], "Open Settings"),
        *steps_of(channels["mac"], "Open the App Store on the Mac"),
        *steps_of(channels["iphone"], "Not on this page"),
        *steps_of(routes["apple"], "Confirm"),
        *steps_of(routes["phone"], "Not on this page either"),
    ]
    path = [routes["apple"]]
    titles = [s.title for s in arrange_steps(found, path, channels["store"], channels["mac"])]
    assert titles == ["Open Settings", "Open the App Store on the Mac", "Confirm"]


def test_a_route_may_put_its_own_steps_before_the_channels(flow):
    _, routes, channels = flow
    here = routes["here"]
    here.channel_steps_first = False
    found = [
        *steps_of(channels["web"], "Sign in"),
        *steps_of(routes["website"], "Find your order"),
        *steps_of(here, "Turn off renewal"),
    ]
    titles = [s.title for s in arrange_steps(found, [routes["website"], here], channels["web"])]
    assert titles == ["Find your order", "Turn off renewal", "Sign in"]


def test_parent_problem_finds_loops_and_flows_too_deep():
    parents = {2: 1, 3: 2, 1: 3}  # 1 → 3 → 2 → 1
    assert parent_problem(1, 3, parents.get) == LOOP
    chain = {n: n - 1 for n in range(2, 20)} | {1: None}
    assert parent_problem(None, MAX_ROUTE_DEPTH - 1, chain.get) == ""
    assert parent_problem(None, MAX_ROUTE_DEPTH, chain.get) == TOO_DEEP
    assert parent_problem(7, None, chain.get) == ""


@pytest.mark.parametrize("path", ["a/" * (MAX_ROUTE_DEPTH + 2), "a b", "a/%2e", "ä", "a/../b"])
def test_an_address_that_cannot_be_a_flow_is_not_found(path):
    with pytest.raises(NotFound):
        parse_route_path(path)


def test_an_address_is_read_as_its_slugs():
    assert parse_route_path("/apple//iphone/") == ["apple", "iphone"]
