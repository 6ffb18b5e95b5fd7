"""The domain's invariants: each is refused by the database, and shown kindly by clean()."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from guides.models import PurchaseChannel, Route, Step
from tests import factories


@pytest.fixture
def route(provider):
    return factories.make_route(provider, slug="website", label="Website", position=1)


def refused_by_database(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_step_belongs_to_a_route_or_a_channel_not_both(route, app_store):
    refused_by_database(lambda: Step.objects.create(route=route, channel=app_store, title="x"))
    refused_by_database(lambda: Step.objects.create(title="orphan"))
    with pytest.raises(ValidationError, match="exactly one route or channel"):
        Step(route=route, channel=app_store, title="x", position=9).full_clean()


def test_steps_may_share_a_position_and_keep_a_stable_order(route):
    """Positions are not unique: steps that share one are ordered by (position, pk)."""
    first = factories.make_step(route=route, title="first", position=1)
    again = factories.make_step(route=route, title="again", position=1)
    Step(route=route, title="third", position=1).full_clean()  # no error either
    before = factories.make_step(route=route, title="before", position=0)
    assert list(route.steps.all()) == [before, first, again]
    other = factories.make_route(route.provider, slug="other", position=2)
    factories.make_step(route=other, position=1)  # another route may use the same position


def test_route_slugs_are_unique_among_siblings_only(provider, route):
    refused_by_database(lambda: factories.make_route(provider, slug="website", position=5))
    child = factories.make_route(provider, parent=route, slug="elsewhere", position=1)
    refused_by_database(
        lambda: factories.make_route(provider, parent=route, slug="elsewhere", position=2)
    )
    # the same slug under another parent, or for another provider, is fine
    factories.make_route(provider, parent=child, slug="website", position=1)
    factories.make_route(factories.make_provider(), slug="website", position=1)


def test_routes_may_share_a_position_and_keep_a_stable_order(provider, route):
    """Positions are not unique: answers that share one are ordered by (position, pk)."""
    b = factories.make_route(provider, slug="b", position=1)
    factories.make_route(provider, parent=route, slug="c", position=1)
    assert list(provider.routes.filter(parent=None)) == [route, b]


def test_database_refuses_a_parent_of_another_provider(route):
    other = factories.make_provider()
    refused_by_database(
        lambda: Route.objects.create(provider=other, parent=route, label="x", slug="x", position=1)
    )
    child = factories.make_route(route.provider, parent=route, slug="child", position=1)
    # moving a parent to another provider would strand its children: refused too
    refused_by_database(lambda: Route.objects.filter(pk=route.pk).update(provider=other))
    refused_by_database(lambda: Route.objects.filter(pk=child.pk).update(provider=other))


def test_clean_explains_a_parent_of_another_provider(route):
    other = factories.make_provider()
    stray = Route(provider=other, parent=route, label="x", slug="x", position=1)
    with pytest.raises(ValidationError, match="another provider"):
        stray.full_clean()


def test_clean_refuses_a_cycle(provider, route):
    child = factories.make_route(provider, parent=route, slug="child", position=1)
    grandchild = factories.make_route(provider, parent=child, slug="grand", position=1)
    route.parent = grandchild
    with pytest.raises(ValidationError, match="loop back"):
        route.full_clean()
    route.parent = route
    with pytest.raises(ValidationError):
        route.full_clean()


def test_route_depth_is_bounded(provider, route):
    parent = route
    for depth in range(5):
        parent = factories.make_route(provider, parent=parent, slug=f"d{depth}", position=1)
    too_deep = Route(provider=provider, parent=parent, label="x", slug="x", position=1)
    with pytest.raises(ValidationError, match="deep"):
        too_deep.full_clean()


def test_variants_go_one_level_deep(app_store):
    iphone = app_store.variants.get(slug="iphone")

    with pytest.raises(ValidationError, match="one level deep"):
        PurchaseChannel(name="x", slug="x", kind="app_store", parent=iphone).full_clean()
    app_store.parent = iphone
    with pytest.raises(ValidationError):
        app_store.full_clean()


def test_variant_slugs_are_unique_per_channel(app_store):
    refused_by_database(lambda: factories.make_channel(parent=app_store, slug="iphone"))
    factories.make_channel(slug="iphone")  # a top-level channel may share a variant's slug
    refused_by_database(lambda: factories.make_channel(slug="app-store"))


def test_contact_belongs_to_a_provider_or_a_channel(provider, app_store):
    refused_by_database(lambda: factories.make_contact(provider=provider, channel=app_store))
    refused_by_database(lambda: factories.make_contact())


def test_step_contact_must_be_its_providers(route):
    foreign = factories.make_contact(provider=factories.make_provider())
    step = Step(route=route, title="Call", position=3, contact=foreign)
    with pytest.raises(ValidationError, match="contact"):
        step.full_clean()


def test_urls(provider, route, app_store):
    child = factories.make_route(provider, parent=route, slug="elsewhere", position=1)
    assert provider.get_absolute_url() == "/cancel/acme/"
    assert child.get_absolute_url() == "/cancel/acme/website/elsewhere/"
    assert app_store.get_absolute_url() == "/channels/app-store/"
    assert app_store.variants.get(slug="mac").get_absolute_url() == "/channels/app-store/#mac"
