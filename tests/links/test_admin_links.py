"""Link health in the admin: a provider's page lists its addresses with what their checks
say, and "Needs attention" lists the guides whose links are broken or have moved."""

from __future__ import annotations

import html as html_module
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guides.links.health import needing_attention
from guides.models import LinkCheck, LinkOutcome
from tests import factories
from tests.admin.test_admin import (  # noqa: F401 (fixtures: every page as in production)
    collected_static,
    manifest_static,
)

SITE = "https://acme.example"


def check(url, outcome, hours_ago=0, **fields):
    return LinkCheck.objects.create(
        url=url, outcome=outcome, checked_at=timezone.now() - timedelta(hours=hours_ago), **fields
    )


@pytest.fixture
def publisher(client, db):
    factories.login(client, factories.make_staff("pub", "Publishers"))
    return client


@pytest.fixture
def acme(db):
    provider = factories.make_provider(
        name="Acme", slug="acme", website=f"{SITE}/", sources=f"{SITE}/help\n"
    )
    route = factories.make_route(provider, label="Website")
    factories.make_step(
        route=route,
        title="Open your account",
        link_url=f"{SITE}/account",
        source_url=f"{SITE}/help",
    )
    factories.make_note(provider, title="Refunds", source_url=f"{SITE}/old-refunds")
    factories.make_question(provider, question="Can I pause?", source_url=f"{SITE}/faq")
    factories.make_contact(
        provider=provider,
        kind="chat",
        label="Chat",
        value=f"{SITE}/chat",
        source_url=f"{SITE}/contact",
    )
    check(f"{SITE}/", LinkOutcome.OK, status_code=200, reason="200 OK")
    check(f"{SITE}/account", LinkOutcome.BROKEN, 30, status_code=404, reason="404 Not Found")
    check(f"{SITE}/account", LinkOutcome.BROKEN, 0, status_code=404, reason="404 Not Found")
    check(f"{SITE}/old-refunds", LinkOutcome.MOVED, status_code=200, moved_to=f"{SITE}/refunds")
    check(f"{SITE}/faq", LinkOutcome.BROKEN, 0, status_code=410, reason="410 Gone")
    other = factories.make_provider(name="Other", slug="other", website="https://other.example/")
    check("https://other.example/", LinkOutcome.OK)
    return provider, other


def test_the_guides_whose_links_are_broken_or_moved(acme):
    provider, _ = acme
    [guide] = needing_attention()
    assert guide.provider == provider
    assert [(url, where, health.outcome) for url, where, health in guide.links] == [
        (f"{SITE}/account", ["Step “Open your account”: link"], LinkOutcome.BROKEN),
        (f"{SITE}/old-refunds", ["Note “Refunds”: source"], LinkOutcome.MOVED),
    ]


def test_a_draft_is_not_listed_beside_its_guide(acme):
    provider, _ = acme
    factories.make_provider(
        name="Acme", slug="acme", status="draft", draft_of=provider, website=f"{SITE}/account"
    )
    assert [guide.provider for guide in needing_attention()] == [provider]


def test_no_broken_link_no_guide(db):
    factories.make_provider(website="https://fine.example/")
    check("https://fine.example/", LinkOutcome.OK)
    assert needing_attention() == []


def test_a_providers_page_shows_the_health_of_its_links(publisher, acme):
    provider, _ = acme
    response = publisher.get(reverse("admin:guides_provider_change", args=[provider.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    panel = html_module.unescape(page[page.index('id="link-health"') :].split("</table>")[0])
    rows = panel.split("<tr")[2:]
    assert len(rows) == 7
    assert f"{SITE}/</td><td>Website</td><td>Works</td>" in rows[0]
    assert f"{SITE}/help</td><td>Sources; Step “Open your account”: source</td>" in rows[1]
    assert "Not checked yet" in rows[1] and 'class="cf-link-unchecked"' in rows[1]
    assert "Broken: 404 Not Found" in rows[2]
    assert f"Moved to {SITE}/refunds" in rows[3]
    assert "Can't tell (rechecking): 410 Gone; rechecking before calling it broken" in rows[4]
    assert "Contact “Chat”</td>" in rows[5] and "Contact “Chat”: source" in rows[6]


def test_a_guide_without_links_says_so(publisher, db):
    provider = factories.make_provider(name="Plain", slug="plain")
    page = publisher.get(reverse("admin:guides_provider_change", args=[provider.pk]))
    assert "This guide links to no web address." in page.content.decode()


def test_needs_attention_lists_the_broken_and_moved_links(publisher, acme):
    page = publisher.get(reverse("admin:guides_provider_attention")).content.decode()
    links = html_module.unescape(
        page[page.index('id="attention-links"') : page.index('id="attention-new"')]
    )
    assert "Acme" in links and "Other" not in links
    assert f"{SITE}/account" in links and "Broken: 404 Not Found" in links
    assert f"Moved to {SITE}/refunds" in links
    assert f"{SITE}/faq" not in links  # a single failure: rechecking, not yet broken


def test_needs_attention_without_broken_links(publisher, db):
    page = publisher.get(reverse("admin:guides_provider_attention")).content.decode()
    assert "None: no checked link is broken or has moved." in page


def test_needs_attention_lists_the_link_checks_that_failed(publisher, db, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from guides.links import fetch, tasks

    def boom(url):
        raise ValueError("the parser broke")

    monkeypatch.setattr(fetch, "check", boom)
    failing = DBTaskResult.objects.get(pk=tasks.check_link.enqueue(f"{SITE}/help", 3).id)
    fine = DBTaskResult.objects.get(pk=tasks.check_link.enqueue(f"{SITE}/fine").id)
    with pytest.raises(tasks.CheckFailed) as raised:
        tasks.run_check(f"{SITE}/help", 3)
    failing.set_failed(raised.value)
    fine.set_successful("ok")
    page = publisher.get(reverse("admin:guides_provider_attention")).content.decode()
    failed = html_module.unescape(
        page[page.index('id="attention-failed-checks"') : page.index('id="attention-new"')]
    )
    assert f"<td>{SITE}/help</td>" in failed and f"{SITE}/fine" not in failed
    assert "<td>3</td>" in failed
    assert f"guides.links.tasks.CheckFailed: {SITE}/help: ValueError: the parser broke" in failed


def test_needs_attention_without_failed_checks(publisher, db):
    page = publisher.get(reverse("admin:guides_provider_attention")).content.decode()
    assert "None: every link check task ran to its end." in page
