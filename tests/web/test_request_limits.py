"""Big input loses nothing: a text over its field's limit gets a form error with all of it
kept; every text field states its limit; a request over the limit gets a clear 413 page and
changes nothing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import models

from guides.admin.edit_token import TOKEN_FIELD
from guides.models import Feedback, Step
from tests import factories
from tests.admin.test_admin import change_url, edit, editor, form_data  # noqa: F401 (fixture)

MEGABYTE_BODY = "Type carefully. " * 65_536  # 1 MB, as reported in issue 11


@pytest.fixture
def step(db):
    provider = factories.make_provider(name="Acme", slug="acme", status="draft")
    route = factories.make_route(provider, label="Website", slug="website")
    return factories.make_step(route=route, title="Open Billing", position=1, body="Short.")


def test_a_one_megabyte_body_gets_a_form_error_with_the_text_kept(editor, step):  # noqa: F811
    response, _ = edit(editor, change_url(step), {"": {"body": MEGABYTE_BODY}})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Up to 10,000 characters: this has 1,048,576." in html or (
        "at most 10000 characters" in html
    )
    assert MEGABYTE_BODY.strip() in html  # all of it, back in the form
    step.refresh_from_db()
    assert step.body == "Short."


def test_a_long_body_on_the_route_page_is_kept_too(editor, step):  # noqa: F811
    url = change_url(step.route)
    data = form_data(editor.get(url))
    prefix = next(k for k, v in data.items() if k.endswith("-title") and v == "Open Billing")
    data[prefix.replace("-title", "-body")] = MEGABYTE_BODY
    response = editor.post(url, data)
    assert response.status_code == 200
    assert MEGABYTE_BODY.strip() in response.content.decode()
    step.refresh_from_db()
    assert step.body == "Short."


def test_every_text_field_states_its_limit_and_no_browser_cuts_a_paste(editor, step):  # noqa: F811
    response = editor.get(change_url(step))
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        if name == TOKEN_FIELD:  # the hidden edit token (guides/admin/edit_token.py), not a text
            continue
        model_field = Step._meta.get_field(name)
        if isinstance(model_field, models.CharField | models.TextField) and model_field.max_length:
            if model_field.choices:
                continue
            assert f"Up to {model_field.max_length:,} characters." in field.help_text, name
            assert "maxlength" not in field.widget.attrs, name


def test_the_importer_refuses_a_body_over_the_limit(db, tmp_path):
    import yaml

    data = {
        "categories": [{"slug": "security", "name": "Security"}],
        "providers": [
            {
                "slug": "acme",
                "name": "Acme",
                "category": "security",
                "routes": [
                    {"slug": "web", "label": "Web", "steps": [{"title": "T", "body": "x" * 10_001}]}
                ],
            }
        ],
    }
    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(CommandError, match="Up to 10,000 characters"):
        call_command("import_guides", str(path), verbosity=0)
    assert not Step.objects.exists()


def test_a_visitors_post_over_the_limit_gets_a_clear_413_and_stores_nothing(client, step):
    body = "x" * (settings.PUBLIC_POST_MAX_SIZE + 1)
    response = client.post(
        "/feedback/acme/website/", {"kind": "problem", "comment": body}, HTTP_HOST="testserver"
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert not Feedback.objects.exists()


def test_an_editors_post_over_the_limit_gets_a_clear_413(editor, step):  # noqa: F811
    huge = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = editor.post(change_url(step), {"title": "Open", "body": huge})
    assert response.status_code == 413
    assert "Nothing was saved" in response.content.decode()
    step.refresh_from_db()
    assert step.title == "Open Billing"
