"""The editors' admin: every page renders (DEBUG off, manifest static storage), ordered
lists can be reordered through the real change views, and bad input gets a form error."""

from __future__ import annotations

import datetime
import re
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guides.caching import versions
from guides.models import (
    Category,
    Feedback,
    GuideRequest,
    OfficialContact,
    Provider,
    ProviderNote,
    PurchaseChannel,
    RightsNote,
    Route,
    ScamNumber,
    Step,
)
from guides.publishing import channels as channel_publishing
from tests import factories

MANIFEST_STORAGE = "cancelflow.storage.StaticFilesStorage"  # as in production


def manifest_storages(settings_storages: dict) -> dict:
    return {**settings_storages, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """collectstatic into a temporary STATIC_ROOT, once for the whole session (it is slow)."""
    from django.conf import settings

    root = tmp_path_factory.mktemp("static-root")
    with override_settings(STATIC_ROOT=root, STORAGES=manifest_storages(settings.STORAGES)):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture(autouse=True)
def manifest_static(settings, collected_static):
    """Every admin page here is rendered as in production: DEBUG off, hashed static names."""
    settings.DEBUG = False
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = manifest_storages(settings.STORAGES)


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw")
    factories.login(client, user)
    client.user = user
    return client


@pytest.fixture
def guide(db):
    """One of everything: a provider with a two-level flow, notes, FAQ and contacts, and a
    channel with standard steps, a variant and a contact."""
    category = factories.make_category(name="Security software", slug="security")
    # Not live: a live guide is changed in a draft of it (tests/test_publishing.py).
    provider = factories.make_provider(
        name="Acme Antivirus",
        slug="acme",
        category=category,
        aliases="AAV\nAcme AV",
        status="draft",
    )
    store = factories.make_channel(name="App Store", slug="app-store", kind="app_store")
    variant = factories.make_channel(name="On a Mac", slug="mac", parent=store, position=1)
    store_step = factories.make_step(channel=store, title="Open your subscriptions", position=1)
    website = factories.make_route(provider, label="Website", slug="website", position=1)
    apple = factories.make_route(provider, label="Apple", slug="apple", position=2, channel=store)
    region_a = factories.make_route(
        provider, label="Region A", slug="region-a", parent=website, position=1
    )
    elsewhere = factories.make_route(
        provider, label="Elsewhere", slug="elsewhere", parent=website, position=2
    )
    sign_in = factories.make_step(route=region_a, title="Sign in to your account", position=1)
    factories.make_step(route=region_a, title="Open Billing", position=2)
    contact = factories.make_contact(
        provider=provider, kind="email", value="help@acme.example", verified_on=None
    )
    factories.make_contact(channel=store, value="https://apple.example/contact")
    note = factories.make_note(provider, title="Back up your licence key", position=1)
    factories.make_question(provider, question="Will I get a refund?", position=1)
    feedback = Feedback.objects.create(
        provider=provider,
        route=region_a,
        route_path="website/region-a",
        kind="problem",
        step_number=2,
        comment="The Billing tab is called Subscriptions now.",
    )
    guide_request = GuideRequest.objects.create(name="Nimbus VPN", details="Bought on Amazon.")
    rights_note = RightsNote.objects.create(
        slug="eu-withdrawal", region="EU", title="Withdraw", source_url="https://eu.example/"
    )
    scam_number = ScamNumber.objects.create(
        number="+18005550199",
        provider=provider,
        source_url="https://scam.example/acme-support",
        seen_on=datetime.date(2026, 11, 30),
    )
    return SimpleNamespace(**locals())


def admin_url(obj_or_model, view: str, *args) -> str:
    opts = obj_or_model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def change_url(obj) -> str:
    return admin_url(obj, "change", obj.pk)


# Building the POST of a change form as the browser would send it ------------------------


def _put(data: dict, name: str, value) -> None:
    if value is None:
        data[name] = ""
    elif value is True:
        data[name] = "on"
    elif value is False:
        pass  # an unticked checkbox is not sent
    elif isinstance(value, list | tuple):
        data[name] = [str(item) for item in value]
    else:
        data[name] = str(value)


def form_data(response) -> dict:
    """The POST data of an admin add/change page as rendered: the main form, and each
    inline formset with its management form and its rows (but not the template row)."""
    data: dict = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            _put(data, management.add_prefix(name), management[name].value())
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            _put(data, form.add_prefix(name), form[name].value())
    return data


def row(data: dict, prefix: str, obj) -> str:
    """The prefix of the row that edits `obj` in the formset `prefix`, e.g. "steps-1"."""
    for i in range(int(data[f"{prefix}-TOTAL_FORMS"])):
        if data.get(f"{prefix}-{i}-id") == str(obj.pk):
            return f"{prefix}-{i}"
    raise AssertionError(f"{obj!r} is not a row of {prefix}")


def add_row(data: dict, prefix: str, **fields) -> None:
    """Fill in one more row, as "Add another" then typing would."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for name, value in fields.items():
        _put(data, f"{prefix}-{index}-{name}", value)
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)


def edit(client, url: str, changes: dict, *, delete=()) -> tuple:
    """GET an admin form, apply `changes` ({row prefix or "": {field: value}}), POST it."""
    data = form_data(client.get(url))
    for prefix, fields in changes.items():
        for name, value in fields.items():
            data.pop(f"{prefix}-{name}" if prefix else name, None)
            _put(data, f"{prefix}-{name}" if prefix else name, value)
    for prefix in delete:
        data[f"{prefix}-DELETE"] = "on"
    return client.post(url, data), data


def errors_of(response) -> str:
    """All the errors an admin form page shows, as text, for assertion messages."""
    found = []
    if response.context and "adminform" in response.context:
        found.append(str(response.context["adminform"].form.errors))
        for inline in response.context["inline_admin_formsets"]:
            found.append(str(inline.formset.errors))
            found.append(str(inline.formset.non_form_errors()))
    return "\n".join(found)


def assert_saved(response) -> None:
    assert response.status_code == 302, errors_of(response)


def assert_refused(response, message: str) -> None:
    assert response.status_code == 200
    assert message in response.content.decode(), errors_of(response)


# Every page renders -------------------------------------------------------------------------

GUIDES_ADMINS = [
    model for model in apps.get_app_config("guides").get_models() if admin.site.is_registered(model)
]
SAMPLE = {
    Category: "category",
    Provider: "provider",
    PurchaseChannel: "store",
    Route: "website",
    Step: "sign_in",
    OfficialContact: "contact",
    Feedback: "feedback",
    GuideRequest: "guide_request",
    RightsNote: "rights_note",
    ScamNumber: "scam_number",
}
# Made by visitors only: their admins have no add page.
NO_ADD = {Feedback, GuideRequest}


def test_every_editable_model_has_an_admin():
    assert set(GUIDES_ADMINS) == set(SAMPLE)


@pytest.mark.parametrize("model", GUIDES_ADMINS, ids=lambda m: m._meta.model_name)
@pytest.mark.parametrize("view", ["changelist", "add", "change", "delete", "history"])
def test_admin_page_renders(editor, guide, model, view):
    obj = getattr(guide, SAMPLE[model])
    args = () if view in {"changelist", "add"} else (obj.pk,)
    response = editor.get(admin_url(model, view, *args))
    # A live channel is changed in a draft of it, and not deleted in place (its draft is).
    refused = (view == "add" and model in NO_ADD) or (view == "delete" and model is PurchaseChannel)
    assert response.status_code == (403 if refused else 200)
    if view == "delete" and model is PurchaseChannel:
        draft = channel_publishing.start_channel_draft(obj)
        assert editor.get(admin_url(model, view, draft.pk)).status_code == 200


@pytest.mark.parametrize("name", ["variant", "region_a", "store_step", "note"])
def test_change_pages_of_the_other_kinds_render(editor, guide, name):
    """A variant channel, a child route and a channel's step have their own change pages."""
    obj = getattr(guide, name)
    url = change_url(obj.provider if isinstance(obj, ProviderNote) else obj)
    assert editor.get(url).status_code == 200


@pytest.mark.parametrize(
    ("model", "query"),
    [
        (Provider, "verified=never"),
        (Provider, "verified=stale"),
        (Provider, "verified=recent&status__exact=published"),
        (PurchaseChannel, "level=variant"),
        (PurchaseChannel, "level=top"),
        (Route, "provider__status__exact=draft"),
        (Step, "owner=route"),
        (Step, "owner=channel"),
        (OfficialContact, "verified_on__isempty=1"),
    ],
)
def test_changelist_filters_render(editor, guide, model, query):
    assert editor.get(admin_url(model, "changelist") + "?" + query).status_code == 200


def test_ordering_script_is_served_under_its_hashed_name(editor, guide):
    script = staticfiles_storage.url("js/admin-ordering.js")
    style = staticfiles_storage.url("css/admin-ordering.css")
    assert re.fullmatch(r"/static/js/admin-ordering\.[0-9a-f]{12}\.js", script)
    html = editor.get(change_url(guide.provider)).content.decode()
    assert f'src="{script}"' in html
    assert f'href="{style}"' in html
    # The position column is marked for the script and stays a visible input without it.
    assert 'class="module cf-ordered"' in html
    assert re.search(r'<input type="number" name="routes-0-position"[^>]*class="cf-position"', html)


def test_changelists_show_what_an_editor_scans_for(editor, guide):
    html = editor.get(admin_url(Provider, "changelist")).content.decode()
    assert "Security software" in html
    assert '<td class="field-route_count">4</td>' in html
    html = editor.get(admin_url(Step, "changelist")).content.decode()
    assert "Acme Antivirus: Region A" in html  # which route a step belongs to


# Search ----------------------------------------------------------------------------------


def test_provider_search_finds_aliases(editor, guide):
    factories.make_provider(name="Other Shield", slug="other-shield")
    response = editor.get(admin_url(Provider, "changelist"), {"q": "AAV"})
    assert list(response.context["cl"].result_list) == [guide.provider]


def test_step_search_finds_titles_and_their_provider(editor, guide):
    response = editor.get(admin_url(Step, "changelist"), {"q": "billing"})
    assert [step.title for step in response.context["cl"].result_list] == ["Open Billing"]
    response = editor.get(admin_url(Step, "changelist"), {"q": "Acme"})
    assert {step.route for step in response.context["cl"].result_list} == {guide.region_a}


def test_route_search_finds_a_providers_routes(editor, guide):
    other = factories.make_provider(name="Other Shield", slug="other-shield")
    factories.make_route(other, label="Website", slug="website")
    response = editor.get(admin_url(Route, "changelist"), {"q": "acme"})
    assert set(response.context["cl"].result_list) == set(guide.provider.routes.all())


def test_a_route_may_name_a_channel_or_one_of_its_variants(editor, guide):
    response = editor.get(
        reverse("admin:autocomplete"),
        {"app_label": "guides", "model_name": "route", "field_name": "channel", "term": "mac"},
    )
    assert [item["text"] for item in response.json()["results"]] == ["App Store → On a Mac"]


# View on site ------------------------------------------------------------------------------


def test_view_on_site_redirects_to_the_public_page(editor, guide):
    for obj in (guide.provider, guide.region_a, guide.store, guide.category):
        content_type = ContentType.objects.get_for_model(obj)
        response = editor.get(reverse("admin:view_on_site", args=[content_type.pk, obj.pk]))
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == obj.get_absolute_url()


def test_a_step_links_to_the_page_it_appears_on(editor, guide):
    html = editor.get(change_url(guide.sign_in)).content.decode()
    assert f'href="{guide.region_a.get_absolute_url()}"' in html


# Reordering: swaps through the real change views --------------------------------------------


def test_swapping_two_steps_of_a_route(editor, guide):
    first, second = guide.region_a.steps.all()
    url = change_url(guide.region_a)
    rows = form_data(editor.get(url))
    response, _ = edit(
        editor,
        url,
        {row(rows, "steps", first): {"position": 2}, row(rows, "steps", second): {"position": 1}},
    )
    assert_saved(response)
    assert list(guide.region_a.steps.values_list("title", "position")) == [
        ("Open Billing", 1),
        ("Sign in to your account", 2),
    ]


def test_swapping_routes_of_a_provider_at_two_levels_at_once(editor, guide):
    url = change_url(guide.provider)
    rows = form_data(editor.get(url))
    response, _ = edit(
        editor,
        url,
        {
            row(rows, "routes", guide.website): {"position": 2},
            row(rows, "routes", guide.apple): {"position": 1},
            row(rows, "routes", guide.region_a): {"position": 2},
            row(rows, "routes", guide.elsewhere): {"position": 1},
        },
    )
    assert_saved(response)
    top = Route.objects.filter(provider=guide.provider, parent=None).order_by("position")
    assert [route.label for route in top] == ["Apple", "Website"]
    assert [route.label for route in guide.website.children.order_by("position")] == [
        "Elsewhere",
        "Region A",
    ]


def test_moving_a_route_to_another_question_where_its_position_is_taken(editor, guide):
    """Elsewhere (2 under Website) becomes first answer 1; Website and Apple move down."""
    url = change_url(guide.provider)
    rows = form_data(editor.get(url))
    response, _ = edit(
        editor,
        url,
        {
            row(rows, "routes", guide.elsewhere): {"parent": None, "position": 1},
            row(rows, "routes", guide.website): {"position": 2},
            row(rows, "routes", guide.apple): {"position": 3},
        },
    )
    assert_saved(response)
    top = Route.objects.filter(provider=guide.provider, parent=None).order_by("position")
    assert [route.label for route in top] == ["Elsewhere", "Website", "Apple"]


def test_swapping_two_answers_between_questions_keeping_their_positions(editor, guide):
    """Region A (1 under Website) and the first answer under Apple trade places: neither
    position changes, only the parents, so both rows must still move out of the way."""
    in_app = factories.make_route(
        guide.provider, label="In the app", slug="in-app", parent=guide.apple, position=1
    )
    url = change_url(guide.provider)
    rows = form_data(editor.get(url))
    response, _ = edit(
        editor,
        url,
        {
            row(rows, "routes", guide.region_a): {"parent": guide.apple.pk},
            row(rows, "routes", in_app): {"parent": guide.website.pk},
        },
    )
    assert_saved(response)
    assert [r.label for r in guide.website.children.order_by("position")] == [
        "In the app",
        "Elsewhere",
    ]
    assert [r.label for r in guide.apple.children.all()] == ["Region A"]


def test_rotating_notes_of_a_provider(editor, guide):
    """Notes have a plain (unconditional) unique position: 1→2, 2→3, 3→1."""
    second = factories.make_note(guide.provider, title="Cancel before renewal", position=2)
    third = factories.make_note(guide.provider, title="Keep the receipt", position=3)
    url = change_url(guide.provider)
    rows = form_data(editor.get(url))
    response, _ = edit(
        editor,
        url,
        {
            row(rows, "notes", guide.note): {"position": 2},
            row(rows, "notes", second): {"position": 3},
            row(rows, "notes", third): {"position": 1},
        },
    )
    assert_saved(response)
    assert list(guide.provider.notes.values_list("title", flat=True)) == [
        "Keep the receipt",
        "Back up your licence key",
        "Cancel before renewal",
    ]


def test_reordering_while_deleting_the_row_whose_position_is_taken(editor, guide):
    """Sign in moves to 3 while the step at 3 is deleted, in one save."""
    third = factories.make_step(route=guide.region_a, title="Confirm", position=3)
    url = change_url(guide.region_a)
    rows = form_data(editor.get(url))
    billing = guide.region_a.steps.get(title="Open Billing")
    response, _ = edit(
        editor,
        url,
        {
            row(rows, "steps", guide.sign_in): {"position": 3},
            row(rows, "steps", billing): {"position": 1},
        },
        delete=[row(rows, "steps", third)],
    )
    assert_saved(response)
    assert list(guide.region_a.steps.values_list("title", "position")) == [
        ("Open Billing", 1),
        ("Sign in to your account", 3),
    ]


def test_swapping_standard_steps_and_variants_of_a_channel(editor, guide):
    # A live channel is changed in its draft of changes.
    factories.make_step(channel=guide.store, title="Tap Cancel", position=2)
    factories.make_channel(name="On an iPhone", slug="iphone", parent=guide.store, position=2)
    draft = channel_publishing.start_channel_draft(guide.store)
    first, second = draft.steps.order_by("position")
    mac, iphone = draft.variants.order_by("position")
    url = change_url(draft)
    rows = form_data(editor.get(url))
    response, _ = edit(
        editor,
        url,
        {
            row(rows, "steps", first): {"position": 2},
            row(rows, "steps", second): {"position": 1},
            row(rows, "variants", mac): {"position": 2},
            row(rows, "variants", iphone): {"position": 1},
        },
    )
    assert_saved(response)
    assert [step.title for step in draft.steps.all()] == ["Tap Cancel", "Open your subscriptions"]
    assert [channel.name for channel in draft.variants.all()] == ["On an iPhone", "On a Mac"]
    # The live channel is as it was.
    assert [step.title for step in guide.store.steps.all()] == [
        "Open your subscriptions",
        "Tap Cancel",
    ]


def test_swapping_answers_in_a_routes_own_page(editor, guide):
    url = change_url(guide.website)
    rows = form_data(editor.get(url))
    response, _ = edit(
        editor,
        url,
        {
            row(rows, "children", guide.region_a): {"position": 2},
            row(rows, "children", guide.elsewhere): {"position": 1},
        },
    )
    assert_saved(response)
    assert [r.label for r in guide.website.children.order_by("position")] == [
        "Elsewhere",
        "Region A",
    ]


def test_two_rows_with_one_position_are_saved_in_a_stable_order(editor, guide):
    """Positions need not be unique: rows that share one are ordered by (position, pk)."""
    url = change_url(guide.region_a)
    rows = form_data(editor.get(url))
    billing = guide.region_a.steps.get(title="Open Billing")
    response, _ = edit(editor, url, {row(rows, "steps", billing): {"position": 1}})
    assert_saved(response)
    assert list(guide.region_a.steps.values_list("title", "position")) == [
        ("Sign in to your account", 1),
        ("Open Billing", 1),
    ]


def test_two_answers_with_one_slug_under_one_question_get_a_form_error(editor, guide):
    url = change_url(guide.provider)
    rows = form_data(editor.get(url))
    response, _ = edit(editor, url, {row(rows, "routes", guide.elsewhere): {"slug": "region-a"}})
    assert_refused(response, "Two rows share a slug")
    assert guide.provider.routes.filter(slug="region-a").count() == 1


def test_same_position_under_different_questions_is_fine(editor, guide):
    """Positions are per question: a first answer and a sub-answer may both be 1."""
    url = change_url(guide.provider)
    rows = form_data(editor.get(url))
    response, _ = edit(editor, url, {row(rows, "routes", guide.apple): {"position": 9}})
    assert_saved(response)
    assert Route.objects.filter(provider=guide.provider, position=1).count() == 2


def test_a_position_beyond_the_ceiling_is_refused(editor, guide):
    url = change_url(guide.region_a)
    rows = form_data(editor.get(url))
    response, _ = edit(editor, url, {row(rows, "steps", guide.sign_in): {"position": 10000}})
    assert_refused(response, "less than or equal to 9999")


# Adding through inlines ---------------------------------------------------------------------


def test_adding_a_provider_with_its_routes_notes_and_faq(editor, guide):
    url = admin_url(Provider, "add")
    data = form_data(editor.get(url))
    data.update(
        {
            "name": "Nimbus VPN",
            "slug": "nimbus",
            "category": str(guide.category.pk),
            "status": "draft",
            "difficulty": "easy",
            "first_question": "Where did you buy it?",
        }
    )
    add_row(data, "routes", position=1, label="Website", slug="website", channel_steps_first=True)
    add_row(data, "routes", position=2, label="App Store", slug="app-store", channel=guide.store.pk)
    add_row(data, "notes", position=1, kind="before", title="Export your settings")
    add_row(data, "questions", position=1, question="Refund?", answer="Within 30 days.")
    assert_saved(editor.post(url, data))
    nimbus = Provider.objects.get(slug="nimbus")
    assert [r.label for r in nimbus.routes.order_by("position")] == ["Website", "App Store"]
    assert nimbus.notes.get().title == "Export your settings"
    assert nimbus.questions.get().question == "Refund?"


def test_a_new_answer_in_a_routes_page_belongs_to_its_provider(editor, guide):
    url = change_url(guide.website)
    data = form_data(editor.get(url))
    add_row(
        data, "children", position=3, label="Region B", slug="region-b", channel_steps_first=True
    )
    add_row(data, "steps", position=1, kind="do", title="Pick your region")
    assert_saved(editor.post(url, data))
    region_b = Route.objects.get(slug="region-b")
    assert (region_b.provider, region_b.parent) == (guide.provider, guide.website)
    assert guide.website.steps.get().title == "Pick your region"


def test_a_new_variant_starts_with_its_channels_kind(editor, guide):
    response = editor.get(change_url(guide.store))
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "variants"
    )
    assert formset.empty_form["kind"].value() == "app_store"


def test_typing_a_verification_date_verifies_nothing(editor, guide):
    """Verification is pressed, not typed: the date is not a field of any form."""
    url = change_url(guide.provider)
    rows = form_data(editor.get(url))
    today = datetime.date.today().isoformat()
    response, _ = edit(editor, url, {row(rows, "contacts", guide.contact): {"verified_on": today}})
    assert_saved(response)
    response, _ = edit(editor, change_url(guide.contact), {"": {"verified_on": today}})
    assert_saved(response)
    guide.contact.refresh_from_db()
    assert guide.contact.verified_on is None and guide.contact.verified_by is None


# Bad input gets a form error, never a 500 ---------------------------------------------------


def test_provider_routes_offer_only_that_providers_routes_as_parents(editor, guide):
    other = factories.make_provider(name="Other Shield", slug="other-shield")
    factories.make_route(other, label="Website", slug="website")
    response = editor.get(change_url(guide.provider))
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "routes"
    )
    own = set(guide.provider.routes.values_list("pk", flat=True))
    for form in [*formset.forms, formset.empty_form]:
        assert set(form.fields["parent"].queryset.values_list("pk", flat=True)) == own
        offered = {value: label for value, label in form.fields["parent"].choices if value}
        assert set(offered) == own
        assert offered[guide.region_a.pk] == "Website → Region A"


def test_the_provider_page_costs_the_same_queries_for_many_routes(editor, guide):
    """The parent choices are loaded once, not once per row."""

    def queries_for(routes: int) -> int:
        provider = factories.make_provider()
        for _ in range(routes):
            factories.make_route(provider)
        versions.process.current()  # the change log, read at most every few tenths of a second
        with CaptureQueriesContext(connection) as queries:
            assert editor.get(change_url(provider)).status_code == 200
        return len(queries)

    queries_for(1)  # the content types, read once per test
    assert queries_for(12) == queries_for(2)


def test_a_parent_from_another_provider_is_refused_in_the_provider_page(editor, guide):
    other = factories.make_provider(name="Other Shield", slug="other-shield")
    foreign = factories.make_route(other, label="Website", slug="website")
    url = change_url(guide.provider)
    rows = form_data(editor.get(url))
    response, _ = edit(editor, url, {row(rows, "routes", guide.apple): {"parent": foreign.pk}})
    assert_refused(response, "Select a valid choice")
    guide.apple.refresh_from_db()
    assert guide.apple.parent is None


def test_a_parent_from_another_provider_is_refused_when_adding_a_route(editor, guide):
    other = factories.make_provider(name="Other Shield", slug="other-shield", status="draft")
    url = admin_url(Route, "add")
    data = form_data(editor.get(url))
    data.update(
        {
            "provider": str(other.pk),
            "parent": str(guide.website.pk),
            "label": "Region B",
            "slug": "region-b",
            "position": "5",
            "channel_steps_first": "on",
        }
    )
    assert_refused(editor.post(url, data), "The parent route belongs to another provider.")
    assert not Route.objects.filter(slug="region-b").exists()


def test_a_parent_from_another_provider_is_refused_when_changing_a_route(editor, guide):
    other = factories.make_provider(name="Other Shield", slug="other-shield")
    foreign = factories.make_route(other, label="Website", slug="website")
    response, _ = edit(editor, change_url(guide.apple), {"": {"parent": foreign.pk}})
    assert_refused(response, "Select a valid choice")


def test_a_loop_of_parents_is_refused(editor, guide):
    """Website under Region A, which is under Website: each looks fine on its own."""
    url = change_url(guide.provider)
    rows = form_data(editor.get(url))
    response, _ = edit(
        editor, url, {row(rows, "routes", guide.website): {"parent": guide.region_a.pk}}
    )
    assert_refused(response, "loop back on itself")
    guide.website.refresh_from_db()
    assert guide.website.parent is None


def test_deleting_a_route_whose_answers_are_kept_is_refused(editor, guide):
    url = change_url(guide.provider)
    rows = form_data(editor.get(url))
    response, _ = edit(
        editor,
        url,
        {row(rows, "routes", guide.elsewhere): {"position": 3}},
        delete=[row(rows, "routes", guide.website)],
    )
    assert_refused(response, "parent is being deleted")
    assert Route.objects.filter(pk=guide.website.pk).exists()


@pytest.mark.parametrize("owner", ["both", "neither"])
def test_a_step_needs_exactly_one_of_route_and_channel(editor, guide, owner):
    url = admin_url(Step, "add")
    data = form_data(editor.get(url))
    data.update({"position": "7", "kind": "do", "title": "Orphan step"})
    if owner == "both":
        data.update({"route": str(guide.region_a.pk), "channel": str(guide.store.pk)})
    assert_refused(editor.post(url, data), "A step belongs to exactly one route or channel.")
    assert not Step.objects.filter(title="Orphan step").exists()


def test_a_step_position_taken_in_its_route_is_accepted_on_the_step_page(editor, guide):
    """A new step at a taken position sorts after the step already there: (position, pk)."""
    url = admin_url(Step, "add")
    data = form_data(editor.get(url))
    data.update({"route": str(guide.region_a.pk), "position": "1", "kind": "do", "title": "X"})
    assert_saved(editor.post(url, data))
    assert list(guide.region_a.steps.values_list("title", flat=True)) == [
        "Sign in to your account",
        "X",
        "Open Billing",
    ]


def test_a_route_cannot_move_to_another_provider(editor, guide):
    response = editor.get(change_url(guide.apple))
    assert "provider" not in response.context["adminform"].form.fields


def test_static_addresses_are_hashed_and_worked_out_once(collected_static, monkeypatch):
    from django.contrib.staticfiles.storage import staticfiles_storage
    from whitenoise.storage import CompressedManifestStaticFilesStorage

    calls = []
    original = CompressedManifestStaticFilesStorage.url

    def counted(self, name, force=False):
        calls.append(name)
        return original(self, name, force)

    monkeypatch.setattr(CompressedManifestStaticFilesStorage, "url", counted)
    first = staticfiles_storage.url("css/site.css")
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", first)
    assert staticfiles_storage.url("css/site.css") == first
    assert calls == ["css/site.css"]
    for _ in range(2):  # a file that is not there is an error every time, never remembered
        with pytest.raises(ValueError):
            staticfiles_storage.url("css/missing.css")
