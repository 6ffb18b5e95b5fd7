"""Resolving a visitor's flow: which question comes next, and which steps, in what order."""

import pytest

from guides.flow.guide import Guide
from guides.flow.pages import mailto_href, resolve_flow
from guides.flow.rules import NotFound
from tests import factories


@pytest.fixture
def flow_provider(provider, app_store):
    website = factories.make_channel(name="Website", slug="site", kind="provider")
    factories.make_step(channel=website, title="Sign in", position=1)
    web = factories.make_route(
        provider,
        slug="website",
        label="Website",
        channel=website,
        position=1,
        question="Where do you live?",
    )
    factories.make_step(route=web, title="Find your order email", position=1)
    region = factories.make_route(
        provider, parent=web, slug="region-a", label="Region A", position=1
    )
    factories.make_step(route=region, title="Click the link in the email", position=1)
    factories.make_step(route=region, title="Confirm", position=2)
    factories.make_route(provider, parent=web, slug="elsewhere", label="Elsewhere", position=2)
    store = factories.make_route(
        provider, slug="app-store", label="App Store", channel=app_store, position=2
    )
    factories.make_step(route=store, title="Find Acme in the list", position=1)
    return provider


def titles(flow):
    return [step.title for step in flow.steps]


def test_the_first_question_lists_the_top_routes_in_order(flow_provider):
    flow = resolve_flow(Guide(flow_provider), "")
    assert flow.question == "Where did you buy it?"
    assert [c.label for c in flow.choices] == ["Website", "App Store"]
    assert [c.url for c in flow.choices] == ["/cancel/acme/website/", "/cancel/acme/app-store/"]
    assert not flow.is_leaf


def test_a_route_with_answers_asks_its_question(flow_provider):
    flow = resolve_flow(Guide(flow_provider), "website")
    assert flow.question == "Where do you live?"
    assert [c.url for c in flow.choices] == [
        "/cancel/acme/website/region-a/",
        "/cancel/acme/website/elsewhere/",
    ]
    assert [(a.label, a.change_url) for a in flow.answers] == [("Website", "/cancel/acme/")]


def test_leaf_steps_are_channel_then_each_route_from_the_top(flow_provider):
    flow = resolve_flow(Guide(flow_provider), "website/region-a")
    assert titles(flow) == [
        "Sign in",
        "Find your order email",
        "Click the link in the email",
        "Confirm",
    ]
    assert flow.channel.slug == "site"  # inherited from the parent route
    assert flow.title == "Cancel Acme Antivirus: Website, Region A"


def test_route_steps_first_when_the_leaf_says_so(flow_provider):
    region = flow_provider.routes.get(slug="region-a")
    region.channel_steps_first = False
    region.save()
    flow = resolve_flow(Guide(flow_provider), "website/region-a")
    assert titles(flow)[-1] == "Sign in"


def test_a_channel_with_variants_asks_which_one(flow_provider):
    flow = resolve_flow(Guide(flow_provider), "app-store")
    assert flow.question == "Where do you manage it?"
    assert [c.label for c in flow.choices] == ["On an iPhone", "On a Mac"]
    assert flow.choices[1].url == "/cancel/acme/app-store/mac/"


def test_variant_steps_come_between_channel_and_route_steps(flow_provider):
    flow = resolve_flow(Guide(flow_provider), "app-store/mac")
    assert titles(flow) == [
        "Open your subscriptions",
        "Open the App Store app on the Mac",
        "Find Acme in the list",
    ]
    assert [a.label for a in flow.answers] == ["App Store", "On a Mac"]
    assert flow.answers[1].change_url == "/cancel/acme/app-store/"


@pytest.mark.parametrize(
    "path",
    [
        "nope",
        "website/nope",
        "website/region-a/extra",
        "app-store/mac/mac",
        "app-store/iphone/x",
        "region-a",  # a child is not a top-level answer
        "website/../app-store",
        "a/b/c/d/e/f/g/h/i",
        "web site",
    ],
)
def test_unknown_paths_are_not_found(flow_provider, path):
    with pytest.raises(NotFound):
        resolve_flow(Guide(flow_provider), path)


def test_summary_is_derived_from_the_channels(flow_provider):
    summary = resolve_flow(Guide(flow_provider)).tree.summary()
    assert summary.cancel_online == "Yes"
    assert summary.methods == ["Website", "App store"]
    shop = factories.make_channel(name="Shop", slug="shop", kind="retailer", online=False)
    factories.make_route(flow_provider, slug="shop", label="A shop", channel=shop, position=3)
    summary = resolve_flow(Guide(flow_provider)).tree.summary()
    assert summary.cancel_online == "Depends"
    assert summary.methods == ["Website", "App store", "Retailer"]


def test_unverified_contacts_are_never_shown(flow_provider):
    region = flow_provider.routes.get(slug="region-a")
    unverified = factories.make_contact(provider=flow_provider)
    step = region.steps.get(title="Confirm")
    step.contact = unverified
    step.save()
    flow = resolve_flow(Guide(flow_provider), "website/region-a")
    assert all(s.contact is None for s in flow.steps)
    assert not flow.has_contacts


def test_mailto_link_carries_subject_and_body(provider):
    route = factories.make_route(provider)
    contact = factories.make_contact(provider=provider, kind="email", value="help@example.com")
    step = factories.make_step(
        route=route,
        contact=contact,
        email_subject="Cancel my plan",
        email_body="Please cancel.\nThanks",
    )
    assert mailto_href(step) == (
        "mailto:help@example.com?subject=Cancel%20my%20plan&body=Please%20cancel.%0AThanks"
    )


def test_a_route_may_name_the_variant_itself(flow_provider, app_store):
    iphone = app_store.variants.get(slug="iphone")
    in_app = factories.make_route(
        flow_provider, slug="in-app", label="In the app", channel=iphone, position=3
    )
    flow = resolve_flow(Guide(flow_provider), "in-app")
    assert flow.is_leaf  # no question about the device: the route answered it
    assert (flow.channel, flow.variant) == (app_store, iphone)
    assert titles(flow) == ["Open your subscriptions", "Open Settings on the iPhone"]
    with pytest.raises(NotFound):
        resolve_flow(Guide(flow_provider), "in-app/mac")
    assert in_app.get_absolute_url() == "/cancel/acme/in-app/"
