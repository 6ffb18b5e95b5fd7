"""Every change appears in the history of the guide it belongs to: a step edited on its own
page in its route's and its provider's history, an import in the provider's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guides.models import Provider, Step
from tests import factories
from tests.admin.test_admin import change_url, edit, editor  # noqa: F401 (fixture)


@pytest.fixture
def step(db):
    provider = factories.make_provider(name="Acme", slug="acme", status="draft")
    route = factories.make_route(provider, label="Website", slug="website")
    return factories.make_step(route=route, title="Open Billing", position=1)


def history(client, obj) -> str:
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_step_edited_on_its_own_page_is_in_its_route_and_provider_history(
    editor,  # noqa: F811
    step,
):
    response, _ = edit(editor, change_url(step), {"": {"title": "Open the billing page"}})
    assert response.status_code == 302
    for owner in [step.route, step.route.provider]:
        html = history(editor, owner)
        assert "Changes to its parts made elsewhere" in html
        assert "step “Open the billing page”" in html
        assert f"/guides/step/{step.pk}/history/" in html


def test_an_import_that_changes_only_a_step_is_in_the_providers_history(editor, tmp_path):  # noqa: F811
    from pathlib import Path

    import yaml
    from django.core.management import call_command

    call_command("import_guides", "tests/data/sample.yaml", verbosity=0)
    acme = Provider.objects.get(slug="acme")
    data = yaml.safe_load(Path("tests/data/sample.yaml").read_text())
    route = next(r for r in data["providers"][0]["routes"] if r.get("steps"))
    route["steps"][0]["body"] = "A body changed by an import."
    title = route["steps"][0]["title"]
    path = tmp_path / "changed.yaml"
    path.write_text(yaml.safe_dump(data))
    call_command("import_guides", str(path), "--replace", verbosity=0)
    assert Step.objects.get(route__provider=acme, title=title).body.startswith("A body changed")
    html = history(editor, acme)
    assert "Changes to its parts made elsewhere" in html
    assert "import_guides" in html and f"step “{title}”" in html
