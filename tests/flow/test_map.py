"""The admin's "whole flow" page of a provider (guides/flow/map.py, ProviderAdmin.flow_view):
the steps numbered exactly as visitors see them, each marked with where it comes from and
linked to its edit page; where contacts are used; open feedback pinned to its step."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guides.flow import map as flow_map
from guides.models import Feedback, FeedbackStatus, Provider, Step
from guides.web.sitemaps import flow_pages
from tests import factories
from tests.admin.test_admin import collected_static, manifest_storages  # noqa: F401 (collected_static: a fixture)
from tests.recorded import load_guides

VISITOR_STEP = re.compile(r'<li class="step step-\w+" id="step-(\d+)"')
LEAF = re.compile(r'<section class="cf-leaf" id="[^"]*" data-path="([^"]*)">(.*?)</section>', re.S)
MAP_STEP = re.compile(r'<li class="cf-step" value="(\d+)" data-step="(\d+)">')


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "pw")


@pytest.fixture
def admin_client(client, superuser):
    factories.login(client, superuser)
    return client


def flow_url(provider) -> str:
    return reverse("admin:guides_provider_flow", args=[provider.pk])


def visitor_numbering(url: str) -> list[int]:
    """The step ids of a visitor's page of steps, in the order it numbers them."""
    response = Client().get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    if not VISITOR_STEP.search(html) and f'href="{url}?region=us"' in html:
        # "Where do you live?" before the steps: the shipped pages that ask it there are US
        # stores' (Best Buy, Costco: a step and its contact for the US), whole in the US.
        response = Client().get(f"{url}?region=us")
        assert response.status_code == 200, url
    return [int(pk) for pk in VISITOR_STEP.findall(response.content.decode())]


def map_numbering(html: str) -> dict[str, list[tuple[int, int]]]:
    """Each page of steps on the flow page: its (number, step id) pairs."""
    return {
        path: [(int(n), int(pk)) for n, pk in MAP_STEP.findall(body)]
        for path, body in LEAF.findall(html)
    }


def node_urls(node) -> list[str]:
    return [node.url, *(url for child in node.children for url in node_urls(child))]


@pytest.fixture
def app_store_guide(provider, app_store):
    """Acme: bought in the App Store (its variant question, its variants' steps, then the
    answer's own step), or on the website, for Windows or a Mac."""
    store = factories.make_route(provider, label="Apple App Store", slug="app-store", position=1)
    store.channel = app_store
    store.save()
    factories.make_step(route=store, title="Check the subscription is gone", position=1)
    web = factories.make_route(
        provider, label="On the website", slug="web", position=2, question="Which computer?"
    )
    factories.make_step(route=web, title="Sign in to your account", position=1)
    windows = factories.make_route(provider, parent=web, label="Windows", slug="windows")
    factories.make_step(route=windows, title="Open the Windows app", position=1)
    factories.make_route(provider, parent=web, label="Linux", slug="linux")
    return provider


# The numbering is the visitors' --------------------------------------------------------------


@pytest.mark.django_db
def test_every_shipped_page_of_steps_is_numbered_as_visitors_see_it(admin_client):
    load_guides()
    providers = list(Provider.objects.order_by("name"))
    assert len(providers) > 10
    sitemap = {page.path for page in flow_pages()}
    leaves = 0
    for provider in providers:
        built = flow_map.build(provider)
        # Every page of the flow is on the map, and nothing else: the sitemap's walk agrees.
        if provider.is_published:
            ours = set(node_urls(built.root))
            assert ours == {p for p in sitemap if p.startswith(built.root.url)}, provider.slug
        response = admin_client.get(flow_url(provider))
        assert response.status_code == 200
        shown = map_numbering(response.content.decode())
        assert set(shown) == {leaf.path for leaf in built.leaves}, provider.slug
        for leaf in built.leaves:
            seen = visitor_numbering(leaf.url)
            assert [pk for _, pk in shown[leaf.path]] == seen, leaf.url
            assert [n for n, _ in shown[leaf.path]] == list(range(1, len(seen) + 1))
            leaves += 1
    assert leaves > 30


@pytest.mark.django_db
def test_kaspersky_on_one_screen(admin_client):
    load_guides()
    kaspersky = Provider.objects.get(slug="kaspersky")
    built = flow_map.build(kaspersky)
    response = admin_client.get(flow_url(kaspersky))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="cf-step"') == built.step_count > 10
    assert html.count("<details") >= len(built.leaves)


# Where each step comes from, and its edit link ---------------------------------------------


def test_channel_and_variant_steps_are_marked_with_their_origin(admin_client, app_store_guide):
    built = flow_map.build(app_store_guide)
    by_path = {leaf.path: leaf for leaf in built.leaves}
    assert set(by_path) == {"app-store/iphone", "app-store/mac", "web/windows", "web/linux"}
    iphone = by_path["app-store/iphone"]
    assert [(s.number, s.step.title, s.origin) for s in iphone.steps] == [
        (1, "Open your subscriptions", "channel App Store"),
        (2, "Open Settings on the iPhone", "variant App Store → On an iPhone"),
        (3, "Check the subscription is gone", "this answer"),
    ]
    windows = by_path["web/windows"]
    assert [(s.step.title, s.origin) for s in windows.steps] == [
        ("Sign in to your account", "answer “On the website”"),
        ("Open the Windows app", "this answer"),
    ]
    assert by_path["web/linux"].steps[0].origin == "answer “On the website”"
    # The variant question is the channel's, not one the editor built.
    store_node = built.root.children[0]
    assert store_node.question == "Where do you manage it?"
    assert store_node.channel.name == "App Store"
    assert store_node.origin == "comes from channel App Store"
    assert built.root.children[1].channel is None

    html = admin_client.get(flow_url(app_store_guide)).content.decode()
    assert "comes from channel App Store" in html
    assert "variant App Store → On an iPhone" in html
    assert "No answers yet" not in html


def test_a_route_that_names_a_variant_asks_nothing_and_marks_both_origins(provider, app_store):
    iphone = app_store.variants.get(slug="iphone")
    route = factories.make_route(provider, label="On my iPhone", slug="iphone", channel=iphone)
    factories.make_step(route=route, title="Restart the phone", position=1)
    route.channel_steps_first = False
    route.save()
    built = flow_map.build(provider)
    (leaf,) = built.leaves
    assert leaf.path == "iphone" and built.root.children[0].leaf is leaf
    assert [(s.number, s.origin) for s in leaf.steps] == [
        (1, "this answer"),
        (2, "channel App Store"),
        (3, "variant App Store → On an iPhone"),
    ]
    assert [s.step.pk for s in leaf.steps] == visitor_numbering(leaf.url)


def test_a_draft_guide_is_mapped_too(admin_client, app_store_guide):
    app_store_guide.status = "draft"
    app_store_guide.save()
    html = admin_client.get(flow_url(app_store_guide)).content.decode()
    assert set(map_numbering(html)) == {
        "app-store/iphone",
        "app-store/mac",
        "web/windows",
        "web/linux",
    }


def test_the_page_renders_as_in_production(admin_client, app_store_guide, settings, request):
    settings.DEBUG = False
    settings.STATIC_ROOT = request.getfixturevalue("collected_static")  # as admin/test_admin.py
    settings.STORAGES = manifest_storages(settings.STORAGES)
    response = admin_client.get(flow_url(app_store_guide))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'href="/static/css/admin-flow\.[0-9a-f]+\.css"', html)
    assert "<script>" not in html and "style=" not in html


def test_every_edit_link_on_the_page_opens(admin_client, app_store_guide):
    web = app_store_guide.routes.get(slug="web")
    html = admin_client.get(flow_url(app_store_guide)).content.decode()
    links = set(re.findall(r'href="(/admin/guides/[^"#]+)"', html))
    assert any("/step/" in link for link in links)
    assert any("/purchasechannel/" in link for link in links)
    assert any("/route/" in link for link in links)
    assert reverse("admin:guides_provider_change", args=[app_store_guide.pk]) in links
    assert reverse("admin:guides_route_change", args=[web.pk]) in links  # asks "Which computer?"
    for link in sorted(links):
        assert admin_client.get(link).status_code == 200, link


def test_the_provider_page_and_list_link_to_the_flow(admin_client, app_store_guide):
    url = flow_url(app_store_guide)
    change = admin_client.get(reverse("admin:guides_provider_change", args=[app_store_guide.pk]))
    assert f'href="{url}"' in change.content.decode()
    listing = admin_client.get(reverse("admin:guides_provider_changelist"))
    assert f'href="{url}"' in listing.content.decode()


# Who may see it ------------------------------------------------------------------------------


def test_visitors_and_non_staff_are_sent_to_the_login(client, app_store_guide):
    url = flow_url(app_store_guide)
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    user = get_user_model().objects.create_user("visitor", "v@example.com", "pw")
    factories.login(client, user)
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_editor_may_read_it(client, app_store_guide):
    factories.login(client, factories.make_staff("ed", "Editors"))
    assert client.get(flow_url(app_store_guide)).status_code == 200


def test_staff_without_the_right_to_view_guides_is_refused(client, app_store_guide):
    factories.login(client, factories.make_staff("nobody"))
    assert client.get(flow_url(app_store_guide)).status_code == 403


@pytest.mark.parametrize("object_id", ["999999", "abc", "1.5"])
def test_an_unknown_provider_is_not_found(admin_client, object_id):
    response = admin_client.get(f"/admin/guides/provider/{object_id}/flow/")
    assert response.status_code == 404


# Queries ----------------------------------------------------------------------------------


def _queries(client, provider) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(flow_url(provider)).status_code == 200
    return len(queries)


def test_the_page_takes_a_fixed_number_of_queries(admin_client, app_store_guide):
    web = app_store_guide.routes.get(slug="web")
    factories.make_step(route=web, contact=factories.make_contact(provider=app_store_guide))
    small = _queries(admin_client, app_store_guide)
    # Many more steps, answers and contacts: not one query more.
    for n in range(6):
        answer = factories.make_route(app_store_guide, parent=web, label=f"Device {n}")
        contact = factories.make_contact(provider=app_store_guide)
        for _ in range(4):
            factories.make_step(route=answer, contact=contact)
        Feedback.objects.create(
            provider=app_store_guide, route=answer, route_path=f"web/{answer.slug}", kind="problem"
        )
    assert _queries(admin_client, app_store_guide) == small <= 15


# Contacts ---------------------------------------------------------------------------------


def test_where_each_contact_is_used(admin_client, app_store_guide, app_store):
    today = datetime.date(2026, 1, 5)
    used = factories.make_contact(provider=app_store_guide, label="Support", verified_on=today)
    unused = factories.make_contact(provider=app_store_guide, label="Old form", verified_on=today)
    unverified = factories.make_contact(provider=app_store_guide, label="Maybe")
    apple = factories.make_contact(channel=app_store, label="Apple support", verified_on=today)
    windows = app_store_guide.routes.get(slug="windows")
    factories.make_step(route=windows, title="Write to support", contact=used, position=2)
    factories.make_step(route=windows, title="Try this one", contact=unverified, position=3)
    app_store.steps.update(contact=apple)
    other = factories.make_contact(provider=factories.make_provider(), label="Elsewhere")

    built = flow_map.build(app_store_guide)
    uses = {use.contact.pk: use for use in built.contacts}
    assert other.pk not in uses
    assert [s.title for s, _, _ in uses[used.pk].steps] == ["Write to support"]
    assert [(leaf.path, n) for leaf, n in uses[used.pk].steps[0][2]] == [("web/windows", 3)]
    assert uses[unused.pk].steps == []
    assert not uses[unverified.pk].verified and uses[used.pk].verified
    assert uses[apple.pk].owner == "channel App Store"
    assert {leaf.path for leaf, _ in uses[apple.pk].steps[0][2]} == {
        "app-store/iphone",
        "app-store/mac",
    }

    html = admin_client.get(flow_url(app_store_guide)).content.decode()
    row = re.search(rf'id="contact-{unused.pk}">(.*?)</tr>', html, re.S).group(1)
    assert "Not used by any step" in row and "Verified 5 Jan 2026" in row
    row = re.search(rf'id="contact-{unverified.pk}">(.*?)</tr>', html, re.S).group(1)
    assert "Not verified" in row and "Try this one" in row
    row = re.search(rf'id="contact-{apple.pk}">(.*?)</tr>', html, re.S).group(1)
    assert "Open your subscriptions" in row


# Feedback ---------------------------------------------------------------------------------


def test_a_problem_report_stores_its_step_and_is_pinned_under_it(admin_client, app_store_guide):
    visitor = Client()
    response = visitor.post(
        "/feedback/acme/app-store/iphone/",
        {"form": "problem", "step_number": "2", "comment": "The button is called Manage now."},
    )
    assert response.status_code == 302
    report = Feedback.objects.get()
    assert report.step_number == 2
    assert report.step.title == "Open Settings on the iPhone"  # the variant's step, not "2"
    answered = visitor.post("/feedback/acme/app-store/iphone/", {"form": "answer", "answer": "no"})
    assert answered.status_code == 302
    unpinned = Feedback.objects.get(kind="did_not_work")
    assert unpinned.step is None
    done = Feedback.objects.create(
        provider=app_store_guide,
        route_path="app-store/iphone",
        kind="problem",
        status=FeedbackStatus.FIXED,
        comment="Long fixed",
    )

    built = flow_map.build(app_store_guide)
    iphone = next(leaf for leaf in built.leaves if leaf.path == "app-store/iphone")
    assert [f.pk for f in iphone.steps[1].feedback] == [report.pk]
    assert [f.pk for f in iphone.feedback] == [unpinned.pk]
    mac = next(leaf for leaf in built.leaves if leaf.path == "app-store/mac")
    assert not any(s.feedback for s in mac.steps)  # the same channel step, another page

    html = admin_client.get(flow_url(app_store_guide)).content.decode()
    step = re.search(rf'data-step="{report.step_id}">(.*?)</li>\s*</ul>', html, re.S).group(1)
    assert f'data-feedback="{report.pk}"' in step and "step 2 as the visitor saw it" in step
    assert f'data-feedback="{unpinned.pk}"' in html
    assert "(3 steps, 2 open reports)" in html and "(3 steps)" in html  # iPhone, Mac
    assert f'data-feedback="{done.pk}"' not in html  # only open feedback


def test_a_step_number_the_page_does_not_have_is_refused(app_store_guide):
    response = Client().post(
        "/feedback/acme/app-store/iphone/",
        {"form": "problem", "step_number": "9", "comment": "Hm."},
    )
    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_feedback_about_a_page_gone_from_the_flow_is_still_shown(admin_client, app_store_guide):
    gone = Feedback.objects.create(
        provider=app_store_guide, route_path="app-store/android", kind="did_not_work"
    )
    built = flow_map.build(app_store_guide)
    assert [f.pk for f in built.stray_feedback] == [gone.pk]
    html = admin_client.get(flow_url(app_store_guide)).content.decode()
    assert "pages no longer in the flow" in html and f'data-feedback="{gone.pk}"' in html


def test_the_feedback_admin_names_the_step(admin_client, app_store_guide):
    Client().post(
        "/feedback/acme/app-store/iphone/",
        {"form": "problem", "step_number": "2", "comment": "The button moved."},
    )
    report = Feedback.objects.get()
    step_url = reverse("admin:guides_step_change", args=[report.step_id])
    listing = admin_client.get(reverse("admin:guides_feedback_changelist")).content.decode()
    assert f'<a href="{step_url}">Open Settings on the iPhone</a>' in listing
    page = admin_client.get(reverse("admin:guides_feedback_change", args=[report.pk]))
    assert page.status_code == 200
    assert f'<a href="{step_url}">Open Settings on the iPhone</a>' in page.content.decode()
    assert "step 2 as the visitor saw it" in page.content.decode()


def test_synthetic_guides_go_with_feedback_that_names_their_steps(db):
    from bench import generator

    generator.generate(3, seed=1)
    step = Step.objects.filter(route__provider__slug__startswith="synthetic-").first()
    Feedback.objects.create(
        provider=step.route.provider, route=step.route, route_path="x", kind="problem", step=step
    )
    assert generator.remove_synthetic() == 3
    assert not Feedback.objects.exists()
