"""The last gate of the phone guard: every page of every shipped guide, as rendered, carries
no unverified number; a guide whose pages do cannot be published."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guides.models import Provider, Status, Step
from guides.publishing import audit as page_audit
from tests import factories
from tests.recorded import load_guides


@pytest.fixture
def boss(db, django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")


def test_every_page_of_every_shipped_guide_carries_no_unverified_number(boss):
    load_guides()
    providers = list(Provider.objects.all())
    assert providers
    for provider in providers:
        assert page_audit.audit_provider(provider, boss) == [], provider.slug


def test_the_audit_reads_every_page_of_the_flow(boss, monkeypatch):
    load_guides()
    kaspersky = Provider.objects.get(slug="kaspersky")
    rendered = []
    real = page_audit._render
    monkeypatch.setattr(
        page_audit, "_render", lambda f, path, user: rendered.append(path) or real(f, path, user)
    )
    page_audit.audit_provider(kaspersky, boss)
    leaves = [p for p in rendered if p.startswith("/cancel/kaspersky/") and p.count("/") > 3]
    assert "/cancel/kaspersky/" in rendered
    assert len(leaves) >= 10
    assert any(p.startswith("/channels/") for p in rendered)


def test_a_number_that_slipped_past_the_fields_is_found_on_the_page_and_in_json_ld(boss):
    provider = factories.make_provider(name="Acme", slug="acme", status=Status.DRAFT)
    route = factories.make_route(provider, label="Website", slug="website")
    step = factories.make_step(route=route, title="Open Billing", position=1)
    # As if written by a path that skips the model's checks (a raw update, an old row).
    Step.objects.filter(pk=step.pk).update(body="Call 1-855-**737**-0477 for help.")
    problems = page_audit.audit_provider(provider, boss)
    assert {p.e164 for p in problems} == {"+18557370477"}
    assert {p.path for p in problems} == {"/cancel/acme/website/"}


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("Call 1-855-", "737-0477 for help."),  # a number spread over two fields
        ("Open Billing", "Call 1-855-<b>737</b>-0477, or 1-855-\n737-0477."),  # markup, a line
    ],
)
def test_a_number_put_together_by_the_page_is_found(boss, title, body):
    provider = factories.make_provider(name="Acme", slug="acme", status=Status.DRAFT)
    route = factories.make_route(provider, label="Website", slug="website")
    step = factories.make_step(route=route, title="Open Billing", position=1)
    Step.objects.filter(pk=step.pk).update(title=title, body=body)
    problems = page_audit.audit_provider(provider, boss)
    assert {p.e164 for p in problems} == {"+18557370477"}


def test_the_audit_reads_each_guide_once_for_all_its_pages(boss, django_assert_max_num_queries):
    load_guides()
    kaspersky = Provider.objects.get(slug="kaspersky")
    pages = []
    real = page_audit._render
    page_audit_render = lambda f, path, user: pages.append(path) or real(f, path, user)  # noqa: E731
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(page_audit, "_render", page_audit_render)
        with django_assert_max_num_queries(200):
            assert page_audit.audit_provider(kaspersky, boss) == []
    assert len(pages) > 100  # every answer, in every region it is asked for


def test_publishing_refuses_a_guide_whose_pages_carry_an_unverified_number(client, boss):
    provider = factories.make_provider(name="Acme", slug="acme", status=Status.DRAFT)
    route = factories.make_route(provider, label="Website", slug="website")
    step = factories.make_step(route=route, title="Open Billing", position=1)
    Step.objects.filter(pk=step.pk).update(title="Call 1-8SS-737-O477")
    factories.login(client, boss)
    url = reverse("admin:guides_provider_review", args=[provider.pk])
    data = {"message": "First publication"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "phone numbers that no one has verified" in response.content.decode()
    provider.refresh_from_db()
    assert provider.status == Status.DRAFT
    Step.objects.filter(pk=step.pk).update(title="Open Billing")
    assert client.post(url, data).status_code == 302
    provider.refresh_from_db()
    assert provider.status == Status.PUBLISHED
