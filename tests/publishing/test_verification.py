"""Verification and what needs attention: "Last verified on …" for visitors; stale guides,
failure reports and success rates since the last verification for editors."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from guides.models import GuideRequest, Provider
from tests import factories
from tests.admin.test_admin import (  # noqa: F401 (fixtures: every page as in production)
    collected_static,
    manifest_static,
)


def today() -> datetime.date:
    """Today as the site counts it, read when a test runs (a run may cross midnight)."""
    return timezone.localdate()


@pytest.fixture
def publisher(client, db):
    user = factories.make_staff("pub", "Publishers")
    factories.login(client, user)
    return client


@pytest.fixture
def guides(db):
    """Three guides: verified recently (with feedback), stale, and never verified."""
    fresh = factories.make_provider(
        name="Fresh Guide", slug="fresh", last_verified_on=today() - datetime.timedelta(days=10)
    )
    stale = factories.make_provider(
        name="Stale Guide", slug="stale", last_verified_on=today() - datetime.timedelta(days=181)
    )
    never = factories.make_provider(name="Never Guide", slug="never")
    website = factories.make_route(fresh, label="Website", slug="website", position=1)
    store = factories.make_route(fresh, label="Store", slug="store", position=2)
    long_ago = timezone.now() - datetime.timedelta(days=60)
    for kind in ["worked", "worked", "did_not_work"]:
        factories.make_feedback(website, kind=kind)
    # Before the last verification: not counted any more.
    factories.make_feedback(website, kind="did_not_work", created_at=long_ago)
    factories.make_feedback(website, kind="problem", created_at=long_ago, step_number=1)
    factories.make_feedback(store, kind="problem", step_number=2, comment="Renamed")
    return locals()


# Visitors -----------------------------------------------------------------------------------


def test_a_guide_says_when_it_was_last_verified(client, db):
    provider = factories.make_provider(slug="acme", last_verified_on=datetime.date(2026, 1, 5))
    html = client.get("/cancel/acme/").content.decode()
    assert '<time datetime="2026-01-05">5 January 2026</time>' in html
    provider.last_verified_on = None
    provider.save()
    assert "Not yet verified" in client.get("/cancel/acme/").content.decode()


# The lists ------------------------------------------------------------------------------------


def names(response) -> list[str]:
    return sorted(provider.name for provider in response.context["cl"].result_list)


def test_the_due_filter_lists_stale_and_never_verified_guides(publisher, guides):
    url = reverse("admin:guides_provider_changelist")
    assert names(publisher.get(url, {"verified": "due"})) == ["Never Guide", "Stale Guide"]
    assert names(publisher.get(url, {"verified": "recent"})) == ["Fresh Guide"]
    assert names(publisher.get(url, {"verified": "never"})) == ["Never Guide"]


def test_the_reports_filter_lists_guides_with_new_failures(publisher, guides):
    url = reverse("admin:guides_provider_changelist")
    response = publisher.get(url, {"reports": "open"})
    assert names(response) == ["Fresh Guide"]
    # did_not_work + problem since verification; the two from before it do not count.
    assert '<td class="field-open_report_count"><a href="' in response.content.decode()
    assert response.context["cl"].result_list[0].open_reports == 2


def test_marking_verified_resets_what_counts(publisher, guides):
    fresh = guides["fresh"]
    fresh.last_verified_on = today() + datetime.timedelta(days=1)
    fresh.save()
    url = reverse("admin:guides_provider_changelist")
    assert names(publisher.get(url, {"reports": "open"})) == []


def test_a_routes_success_rate_since_the_last_verification(publisher, guides):
    response = publisher.get(reverse("admin:guides_route_changelist"))
    html = response.content.decode()
    assert '<td class="field-success_rate">67% (2 of 3)</td>' in html
    assert '<td class="field-success_rate">No answers yet</td>' in html


def test_the_provider_page_shows_feedback_by_route(publisher, guides):
    fresh = guides["fresh"]
    html = publisher.get(reverse("admin:guides_provider_change", args=[fresh.pk])).content.decode()
    assert "Visitors&#x27; feedback since the last verification" in html
    assert "<td>67% (2 of 3)</td><td>2</td><td>1</td><td>0</td>" in html
    assert "<td>No answers yet</td><td>0</td><td>0</td><td>1</td>" in html


def test_the_needs_attention_page(publisher, guides):
    GuideRequest.objects.create(name="Nimbus VPN")
    changelist = publisher.get(reverse("admin:guides_provider_changelist")).content.decode()
    url = reverse("admin:guides_provider_attention")
    assert f'href="{url}"' in changelist
    response = publisher.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    reported = html[html.index('id="attention-reported"') : html.index('id="attention-routes"')]
    assert "Fresh Guide" in reported and "Stale Guide" not in reported
    routes = html[html.index('id="attention-routes"') : html.index('id="attention-new"')]
    assert "Fresh Guide: Website" in routes and "67% (2 of 3)" in routes
    assert "Fresh Guide: Store" in routes
    new = html[html.index('id="attention-new"') : html.index('id="attention-stale"')]
    assert "Renamed" in new and "(step 2)" in new
    stale = html[html.index('id="attention-stale"') :]
    assert "Stale Guide" in stale and "Never Guide" in stale and "Fresh Guide" not in stale
    assert "Guide requests not yet handled: 1" in html


def test_the_needs_attention_page_is_for_staff_only(client, guides):
    url = reverse("admin:guides_provider_attention")
    assert client.get(url).status_code == 302  # to the login page
    factories.login(client, factories.make_staff("nobody"))  # staff, but no permissions
    assert client.get(url).status_code == 403


# Feedback and guide requests in the admin ------------------------------------------------------


def test_feedback_by_provider_and_route(publisher, guides):
    url = reverse("admin:guides_feedback_changelist")
    store = guides["store"]
    response = publisher.get(url, {"route__id__exact": store.pk})
    assert [item.comment for item in response.context["cl"].result_list] == ["Renamed"]
    response = publisher.get(url, {"provider__id__exact": guides["fresh"].pk, "since": "verified"})
    assert len(response.context["cl"].result_list) == 4
    response = publisher.get(url, {"q": "renamed"})
    assert len(response.context["cl"].result_list) == 1
    for query in ["kind__exact=problem", "status__exact=new", "since=verified"]:
        assert publisher.get(f"{url}?{query}").status_code == 200


def test_guide_requests_are_marked_handled(publisher, db):
    item = GuideRequest.objects.create(name="Nimbus VPN", details="Bought on Amazon")
    url = reverse("admin:guides_guiderequest_changelist")
    assert b"Nimbus VPN" in publisher.get(url).content
    response = publisher.post(url, {"action": "mark_handled", "_selected_action": [item.pk]})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.handled
    assert publisher.get(url, {"handled__exact": "0"}).context["cl"].result_count == 0


def test_publishing_and_verifying_from_draft_to_live(publisher, client, db):
    """The whole way: a draft is invisible, then verified and published, then visible."""
    provider = factories.make_provider(name="Nimbus", slug="nimbus", status="draft")
    visitor = type(client)()
    assert visitor.get("/cancel/nimbus/").status_code == 404
    url = reverse("admin:guides_provider_changelist")
    publisher.post(url, {"action": "mark_verified_today", "_selected_action": [provider.pk]})
    review = reverse("admin:guides_provider_review", args=[provider.pk])
    assert publisher.post(review, {"message": "Checked and ready"}).status_code == 302
    provider.refresh_from_db()
    assert provider.status == "published" and provider.last_verified_on == today()
    html = visitor.get("/cancel/nimbus/").content.decode()
    assert f'<time datetime="{today().isoformat()}">' in html
    assert Provider.objects.published().filter(slug="nimbus").exists()
