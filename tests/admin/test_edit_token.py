"""No lost update: two editors open the same change form; the one who saves second is
refused, told who changed what, and loses nothing they typed (guides/admin/edit_token.py)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client

from guides.admin.edit_token import TOKEN_FIELD, EditTokenMixin
from guides.models import Provider, PurchaseChannel, Step, VisibleText
from guides.publishing import channels as channel_publishing
from guides.publishing import revisions as publishing
from tests import factories
from tests.admin.test_admin import (
    SAMPLE,
    add_row,
    assert_saved,
    change_url,
    errors_of,
    form_data,
    guide,  # noqa: F401 (fixture)
    row,
)
from tests.admin.test_transfer import (
    UPLOAD,
    imported,  # noqa: F401 (fixture)
    sample,
    token_of,
    upload,
)

REFUSED = "Not saved: since you opened this page,"

# The guide models: every model whose texts reach visitors, as the models define them.
GUIDE_MODELS = [
    model
    for model in admin.site._registry
    if isinstance(model, type) and issubclass(model, VisibleText)
]


def text_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def editor_client(username: str) -> Client:
    client = Client()
    user = factories.make_staff(username, "Editors")
    factories.login(client, user)
    client.user = user
    return client


@pytest.fixture
def ed1(db):
    return editor_client("ed1")


@pytest.fixture
def ed2(db):
    return editor_client("ed2")


def refused(response, *phrases: str) -> str:
    assert response.status_code == 200, response.status_code
    text = text_of(response)
    for phrase in phrases:
        assert phrase in text, text[text.find("Not saved") - 200 :][:1500] or errors_of(response)
    return text


def again(client, url: str, response) -> dict:
    """The data the refused page holds, as the browser would post it on "Save" again."""
    return form_data(response)


# Every change form of a guide model is covered ------------------------------------------------


def test_every_guide_model_admin_carries_the_token():
    assert {model.__name__ for model in GUIDE_MODELS} >= {
        "Category",
        "Provider",
        "PurchaseChannel",
        "Route",
        "Step",
        "OfficialContact",
    }
    for model in GUIDE_MODELS:
        assert isinstance(admin.site._registry[model], EditTokenMixin), model


def _text_field(data: dict, model) -> str:
    """A plain text of `model` that its change form edits (not a slug, an address or a
    number, which have rules of their own)."""
    for field in model._meta.concrete_fields:
        texts = field.get_internal_type() in {"CharField", "TextField"} and not field.choices
        if texts and field.name in data and field.name not in {"slug", "value"}:
            return field.name
    raise AssertionError(f"no plain text field on {model}")


@pytest.mark.parametrize("model", GUIDE_MODELS, ids=lambda model: model.__name__)
def test_every_change_form_refuses_a_stale_save_and_keeps_the_text(ed1, ed2, guide, model):  # noqa: F811
    obj = getattr(guide, SAMPLE[model])
    if model is PurchaseChannel:  # a live channel is changed in its draft of changes
        obj = channel_publishing.start_channel_draft(obj)
    url = change_url(obj)
    first, second = form_data(ed1.get(url)), form_data(ed2.get(url))
    assert first[TOKEN_FIELD]
    name = _text_field(first, model)
    first[name] = f"{first[name]} by ed1"
    assert_saved(ed1.post(url, first))
    second[name] = f"{second[name]} by ed2"
    response = ed2.post(url, second)
    label = str(model._meta.get_field(name).verbose_name)
    text = refused(response, REFUSED, "ed1 changed", "both changed", "by ed2")
    assert label.lower() in text.lower()
    obj.refresh_from_db()
    assert getattr(obj, name).endswith("by ed1")  # nothing of ed2 saved yet
    # Saving again, on purpose, overwrites.
    assert_saved(ed2.post(url, again(ed2, url, response)))
    obj.refresh_from_db()
    assert getattr(obj, name).endswith("by ed2")


def test_a_save_on_a_fresh_copy_goes_through(ed1, guide):  # noqa: F811
    url = change_url(guide.region_a)
    data = form_data(ed1.get(url))
    data["label"] = "Region A, renamed"
    assert_saved(ed1.post(url, data))
    data = form_data(ed1.get(url))
    assert_saved(ed1.post(url, data))


# Inlines: changed, deleted, added, moved rows ------------------------------------------------


@pytest.fixture
def route(guide):  # noqa: F811
    """Region A with three steps: Sign in (1), Open Billing (2), Cancel (3)."""
    factories.make_step(route=guide.region_a, title="Cancel", position=3)
    return guide.region_a


def test_two_editors_change_two_steps_both_changes_are_kept(ed1, ed2, route):
    url = change_url(route)
    a, b = form_data(ed1.get(url)), form_data(ed2.get(url))
    one, three = route.steps.get(position=1), route.steps.get(position=3)
    a[f"{row(a, 'steps', one)}-title"] = "Sign in first"
    assert_saved(ed1.post(url, a))
    b[f"{row(b, 'steps', three)}-body"] = "Press Cancel, then confirm."
    response = ed2.post(url, b)
    refused(
        response,
        "ed1 changed step 1 “Sign in first” (title)",
        "Your text is kept below",
    )
    three.refresh_from_db()
    assert three.body == ""  # refused: nothing saved
    # The form shows ed2's text, and ed1's change merged in where ed2 changed nothing.
    shown = form_data(response)
    assert shown[f"{row(shown, 'steps', three)}-body"] == "Press Cancel, then confirm."
    assert shown[f"{row(shown, 'steps', one)}-title"] == "Sign in first"
    assert_saved(ed2.post(url, shown))
    one.refresh_from_db(), three.refresh_from_db()
    assert one.title == "Sign in first" and three.body == "Press Cancel, then confirm."


def test_a_step_deleted_meanwhile_is_named_and_the_rest_is_kept(ed1, ed2, route):
    url = change_url(route)
    a, b = form_data(ed1.get(url)), form_data(ed2.get(url))
    billing, three = route.steps.get(position=2), route.steps.get(position=3)
    a[f"{row(a, 'steps', billing)}-DELETE"] = "on"
    assert_saved(ed1.post(url, a))
    b[f"{row(b, 'steps', three)}-body"] = "Press Cancel."
    response = ed2.post(url, b)
    refused(response, "ed1 deleted step 2 “Open Billing” (it is no longer in the form)")
    assert "Please correct the error below" in text_of(response)
    shown = form_data(response)
    assert shown[f"{row(shown, 'steps', three)}-body"] == "Press Cancel."
    assert_saved(ed2.post(url, shown))
    assert list(route.steps.values_list("title", flat=True)) == [
        "Sign in to your account",
        "Cancel",
    ]
    assert route.steps.get(title="Cancel").body == "Press Cancel."


def test_a_deleted_step_the_editor_had_changed_comes_back_as_a_new_row(ed1, ed2, route):
    url = change_url(route)
    a, b = form_data(ed1.get(url)), form_data(ed2.get(url))
    billing = route.steps.get(position=2)
    a[f"{row(a, 'steps', billing)}-DELETE"] = "on"
    assert_saved(ed1.post(url, a))
    b[f"{row(b, 'steps', billing)}-body"] = "Billing is called Subscriptions now."
    response = ed2.post(url, b)
    refused(response, "ed1 deleted step 2 “Open Billing”", "kept below as a new row")
    shown = form_data(response)
    assert "Billing is called Subscriptions now." in shown.values()
    assert_saved(ed2.post(url, shown))
    assert route.steps.get(title="Open Billing").body == "Billing is called Subscriptions now."


def test_a_step_added_meanwhile_joins_the_form_and_stays(ed1, ed2, route):
    url = change_url(route)
    a, b = form_data(ed1.get(url)), form_data(ed2.get(url))
    add_row(a, "steps", position=4, kind="do", title="Check the email")
    assert_saved(ed1.post(url, a))
    b["label"] = "Region A (EU)"
    response = ed2.post(url, b)
    refused(response, "ed1 added step 4 “Check the email” (it is now in the form)")
    assert_saved(ed2.post(url, form_data(response)))
    route.refresh_from_db()
    assert route.label == "Region A (EU)" and route.steps.filter(title="Check the email").exists()


def test_a_reorder_meanwhile_is_not_undone(ed1, ed2, route):
    url = change_url(route)
    a, b = form_data(ed1.get(url)), form_data(ed2.get(url))
    one, two = route.steps.get(position=1), route.steps.get(position=2)
    a[f"{row(a, 'steps', one)}-position"] = "2"
    a[f"{row(a, 'steps', two)}-position"] = "1"
    assert_saved(ed1.post(url, a))
    b["label"] = "Region A (EU)"
    response = ed2.post(url, b)
    refused(response, "ed1 moved step 2 “Sign in to your account”")
    assert_saved(ed2.post(url, form_data(response)))
    one.refresh_from_db(), two.refresh_from_db()
    assert (one.position, two.position) == (2, 1)


def test_a_step_changed_on_its_own_page_refuses_the_routes_page(ed1, ed2, route):
    url = change_url(route)
    b = form_data(ed2.get(url))
    step = route.steps.get(position=1)
    a = form_data(ed1.get(change_url(step)))
    a["body"] = "Use the app."
    assert_saved(ed1.post(change_url(step), a))
    b["label"] = "Region A (EU)"
    refused(ed2.post(url, b), "ed1 changed step 1 “Sign in to your account” (body)")


def test_the_same_person_in_two_tabs_is_told_so(ed1, route):
    url = change_url(route)
    tab1, tab2 = form_data(ed1.get(url)), form_data(ed1.get(url))
    tab1["label"] = "From tab one"
    assert_saved(ed1.post(url, tab1))
    tab2["label"] = "From tab two"
    refused(
        ed1.post(url, tab2),
        "you, in another tab changed route 1 “Acme Antivirus: From tab one” (label)",
    )


# The guide's own page, a draft of a live guide, a channel ------------------------------------


def test_a_draft_of_a_live_guide_refuses_a_stale_save(ed1, ed2, db):
    live = factories.make_provider(name="Live", slug="live", status="published")
    factories.make_route(live, label="Website", slug="website", position=1)
    draft = publishing.start_draft(live)
    url = change_url(draft)
    a, b = form_data(ed1.get(url)), form_data(ed2.get(url))
    route = draft.routes.get()
    a[f"{row(a, 'routes', route)}-label"] = "On the website"
    assert_saved(ed1.post(url, a))
    b["summary"] = "Two minutes."
    response = ed2.post(url, b)
    refused(response, "ed1 changed route 1 “Live: On the website” (label)")
    assert_saved(ed2.post(url, form_data(response)))
    draft.refresh_from_db()
    assert draft.summary == "Two minutes." and draft.routes.get().label == "On the website"


def test_a_channel_refuses_a_stale_save_of_its_steps(ed1, ed2, guide):  # noqa: F811
    draft = channel_publishing.start_channel_draft(guide.store)  # a live channel's draft
    step = draft.steps.get(position=1)
    url = change_url(draft)
    a, b = form_data(ed1.get(url)), form_data(ed2.get(url))
    a[f"{row(a, 'steps', step)}-body"] = "Settings, then Subscriptions."
    assert_saved(ed1.post(url, a))
    b["hint"] = "Bought on an iPhone"
    response = ed2.post(url, b)
    refused(response, "ed1 changed step 1 “Open your subscriptions” (body)")
    assert_saved(ed2.post(url, form_data(response)))
    step.refresh_from_db()
    assert step.body == "Settings, then Subscriptions."


# Junk, forged and missing tokens: a clear refusal, never an error ---------------------------


@pytest.mark.parametrize("token", [None, "", "junk", "x" * 5000, "e30:1vXyZ:forged"])
def test_a_missing_or_forged_token_is_treated_as_stale(ed1, route, token):
    url = change_url(route)
    data = form_data(ed1.get(url))
    data["label"] = "Typed text"
    if token is None:
        del data[TOKEN_FIELD]
    else:
        data[TOKEN_FIELD] = token
    response = ed1.post(url, data)
    refused(response, "Not saved: this form did not say when it was opened", "Typed text")
    route.refresh_from_db()
    assert route.label == "Region A"
    assert_saved(ed1.post(url, form_data(response)))
    route.refresh_from_db()
    assert route.label == "Typed text"


def test_a_token_of_another_page_is_stale_too(ed1, guide):  # noqa: F811
    other = form_data(ed1.get(change_url(guide.elsewhere)))[TOKEN_FIELD]
    url = change_url(guide.region_a)
    data = form_data(ed1.get(url))
    data[TOKEN_FIELD] = other
    response = ed1.post(url, data)
    assert response.status_code == 200
    assert "Not saved" in text_of(response)


def test_a_stale_form_with_a_deleted_row_and_no_token_keeps_the_text(ed1, ed2, route):
    url = change_url(route)
    b = form_data(ed2.get(url))
    Step.objects.filter(route=route, position=2).delete()
    del b[TOKEN_FIELD]
    response = ed2.post(url, b)
    refused(response, "deleted step 2 “Open Billing”")
    assert_saved(ed2.post(url, form_data(response)))


# The import confirmation --------------------------------------------------------------------


def test_an_import_confirmation_refuses_a_change_made_since_the_preview(imported, db):  # noqa: F811
    Provider.objects.filter(slug="acme").update(status="draft")  # live guides change in drafts
    importer = Client()
    user = get_user_model().objects.create_superuser("importer", "i@example.com", "pw")
    factories.login(importer, user)
    ed1 = editor_client("ed1")
    preview = upload(importer, sample(summary="From the file."))
    token = token_of(preview)
    # ed1 changes, on the guide's page, a field the file also sets: the changes the file
    # would make are named the same, so only the guide's state tells.
    acme = Provider.objects.get(slug="acme")
    url = change_url(acme)
    data = form_data(ed1.get(url))
    data["summary"] = "Typed by ed1 meanwhile."
    assert_saved(ed1.post(url, data))
    response = importer.post(UPLOAD, {"token": token})
    text = refused(response, "nothing was saved", "ed1 changed provider “Acme")
    assert "summary" in text
    acme.refresh_from_db()
    assert acme.summary == "Typed by ed1 meanwhile."
    # The file is kept: the new preview can be confirmed.
    assert importer.post(UPLOAD, {"token": token_of(response)}).status_code == 302
    acme.refresh_from_db()
    assert acme.summary == "From the file."


def test_an_import_confirmation_without_the_state_is_refused_clearly(imported, db):  # noqa: F811
    from django.core import signing

    from guides.admin import transfer as admin_transfer

    importer = Client()
    user = get_user_model().objects.create_superuser("importer", "i@example.com", "pw")
    factories.login(importer, user)
    preview = upload(importer, sample(summary="From the file."))
    payload = signing.loads(token_of(preview), salt=admin_transfer.SALT)
    del payload["state"]
    old = signing.dumps(payload, salt=admin_transfer.SALT, compress=True)
    response = importer.post(UPLOAD, {"token": old})
    refused(response, "does not say what the guides held")
    assert importer.post(UPLOAD, {"token": token_of(response)}).status_code == 302


def test_a_read_only_page_shows_no_token_row(ed1, db):
    live = factories.make_provider(name="Live", slug="live", status="published")
    response = ed1.get(change_url(live))
    assert response.status_code == 200
    assert TOKEN_FIELD not in response.content.decode()
