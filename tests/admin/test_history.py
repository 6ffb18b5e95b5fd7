"""History: every change made in the admin is kept (who, when, what), and any earlier version
can be brought back, deleted steps included, in their old order, whatever the unique
positions say in between."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from reversion.models import Version

from guides.models import Provider, Route, Step
from guides.publishing import channels as channel_publishing
from tests import factories
from tests.admin.test_admin import (  # noqa: F401 (fixtures: every page as in production)
    assert_saved,
    change_url,
    collected_static,
    edit,
    form_data,
    manifest_static,
    row,
)


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_user("ed", "ed@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    factories.login(client, user)
    client.user = user
    return client


@pytest.fixture
def route(db):
    # Not live: a live guide is changed in a draft, and rolled back to a published revision.
    provider = factories.make_provider(name="Acme Antivirus", slug="acme", status="draft")
    route = factories.make_route(provider, label="Website", slug="website", position=1)
    for position, title in enumerate(["Sign in", "Open Billing", "Choose Cancel", "Confirm"], 1):
        factories.make_step(route=route, title=title, position=position)
    return route


def steps_of(route) -> list[tuple[str, int]]:
    return list(route.steps.order_by("position").values_list("title", "position"))


ORIGINAL = [("Sign in", 1), ("Open Billing", 2), ("Choose Cancel", 3), ("Confirm", 4)]


def versions(obj) -> list[Version]:
    """Newest first."""
    return list(Version.objects.get_for_object(obj).order_by("-pk"))


def revert(client, obj, version: Version):
    """Open an earlier version in the admin (a preview) and save it, as an editor would."""
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_revision", args=[obj.pk, version.pk])
    preview = client.get(url)
    assert preview.status_code == 200
    return preview, client.post(url, form_data(preview))


def save_unchanged(client, obj):
    response, _ = edit(client, change_url(obj), {})
    assert_saved(response)


def test_a_change_is_kept_with_who_and_when(editor, route):
    response, _ = edit(editor, change_url(route), {"": {"label": "Acme's website"}})
    assert_saved(response)
    [version] = versions(route)
    assert version.revision.user == editor.user
    assert "Changed Label" in version.revision.get_comment()
    # The route's revision holds its steps too.
    steps_in_revision = version.revision.version_set.filter(content_type__model="step").count()
    assert steps_in_revision == 4
    history = editor.get(reverse("admin:guides_route_history", args=[route.pk]))
    assert history.status_code == 200
    assert b"ed" in history.content and b"Changed Label" in history.content


def test_reverting_a_route_restores_deleted_steps_in_their_old_order(editor, route):
    save_unchanged(editor, route)  # the version to go back to
    before = versions(route)[0]
    pks = dict(route.steps.values_list("title", "pk"))
    url = change_url(route)
    rows = form_data(editor.get(url))
    billing, cancel = route.steps.get(title="Open Billing"), route.steps.get(title="Choose Cancel")
    response, _ = edit(
        editor, url, {}, delete=[row(rows, "steps", billing), row(rows, "steps", cancel)]
    )
    assert_saved(response)
    assert steps_of(route) == [("Sign in", 1), ("Confirm", 4)]

    preview, response = revert(editor, route, before)
    assert b"Open Billing" in preview.content and b"Choose Cancel" in preview.content
    assert_saved(response)
    assert steps_of(route) == ORIGINAL
    assert dict(route.steps.values_list("title", "pk")) == pks  # the same rows, back
    assert "Reverted" in versions(route)[0].revision.get_comment()


def test_reverting_after_the_gaps_were_closed(editor, route):
    """Two steps deleted and the rest renumbered 1, 2: the old positions are taken by the
    wrong rows now, so a row-by-row revert would collide."""
    save_unchanged(editor, route)
    before = versions(route)[0]
    url = change_url(route)
    rows = form_data(editor.get(url))
    get = route.steps.get
    response, _ = edit(
        editor,
        url,
        {row(rows, "steps", get(title="Confirm")): {"position": 2}},
        delete=[
            row(rows, "steps", get(title="Open Billing")),
            row(rows, "steps", get(title="Choose Cancel")),
        ],
    )
    assert_saved(response)
    assert steps_of(route) == [("Sign in", 1), ("Confirm", 2)]
    _, response = revert(editor, route, before)
    assert_saved(response)
    assert steps_of(route) == ORIGINAL


def test_reverting_a_reversed_list(editor, route):
    """Every position taken by another row of the same list: a cycle no save order solves."""
    save_unchanged(editor, route)
    before = versions(route)[0]
    url = change_url(route)
    rows = form_data(editor.get(url))
    changes = {
        row(rows, "steps", step): {"position": 5 - step.position} for step in route.steps.all()
    }
    assert_saved(edit(editor, url, changes)[0])
    assert [title for title, _ in steps_of(route)] == [
        "Confirm",
        "Choose Cancel",
        "Open Billing",
        "Sign in",
    ]
    _, response = revert(editor, route, before)
    assert_saved(response)
    assert steps_of(route) == ORIGINAL


def test_a_preview_changes_nothing(editor, route):
    save_unchanged(editor, route)
    before = versions(route)[0]
    url = change_url(route)
    rows = form_data(editor.get(url))
    response, _ = edit(
        editor, url, {}, delete=[row(rows, "steps", route.steps.get(title="Confirm"))]
    )
    assert_saved(response)
    opts = route._meta
    preview_url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_revision", args=[route.pk, before.pk]
    )
    assert editor.get(preview_url).status_code == 200
    assert steps_of(route) == ORIGINAL[:3]


def test_recovering_a_deleted_step(editor, route):
    save_unchanged(editor, route)
    billing = route.steps.get(title="Open Billing")
    delete_url = reverse("admin:guides_step_delete", args=[billing.pk])
    assert editor.post(delete_url, {"post": "yes"}).status_code == 302
    assert steps_of(route) == [("Sign in", 1), ("Choose Cancel", 3), ("Confirm", 4)]

    recover_list = editor.get(reverse("admin:guides_step_recoverlist"))
    assert recover_list.status_code == 200 and b"Open Billing" in recover_list.content
    [deleted] = Version.objects.get_deleted(Step)
    url = reverse("admin:guides_step_recover", args=[deleted.pk])
    preview = editor.get(url)
    assert preview.status_code == 200
    assert_saved(editor.post(url, form_data(preview)))
    assert steps_of(route) == ORIGINAL


def test_reverting_a_provider_restores_a_deleted_route_with_its_steps(editor, route):
    provider = route.provider
    factories.make_route(provider, label="Amazon", slug="amazon", position=2)
    save_unchanged(editor, provider)
    before = versions(provider)[0]
    url = change_url(provider)
    rows = form_data(editor.get(url))
    response, _ = edit(editor, url, {}, delete=[row(rows, "routes", route)])
    assert_saved(response)
    assert not Route.objects.filter(slug="website").exists()
    assert not Step.objects.exists()

    _, response = revert(editor, provider, before)
    assert_saved(response)
    website = Route.objects.get(provider=provider, slug="website")
    assert steps_of(website) == ORIGINAL
    assert list(provider.routes.order_by("position").values_list("slug", flat=True)) == [
        "website",
        "amazon",
    ]


def test_reverting_routes_that_swapped_places(editor, route):
    provider = route.provider
    amazon = factories.make_route(provider, label="Amazon", slug="amazon", position=2)
    save_unchanged(editor, provider)
    before = versions(provider)[0]
    url = change_url(provider)
    rows = form_data(editor.get(url))
    changes = {
        row(rows, "routes", route): {"position": 2},
        row(rows, "routes", amazon): {"position": 1},
    }
    assert_saved(edit(editor, url, changes)[0])
    _, response = revert(editor, provider, before)
    assert_saved(response)
    assert list(provider.routes.order_by("position").values_list("slug", flat=True)) == [
        "website",
        "amazon",
    ]


def test_an_editor_cannot_publish_by_reverting(editor, route):
    """A version from when the guide was published does not publish it again for someone
    without the permission to publish."""
    provider = route.provider
    save_unchanged(editor, provider)  # published, as the factory made it
    before = versions(provider)[0]
    Provider.objects.filter(pk=provider.pk).update(status="draft")
    _, response = revert(editor, provider, before)
    assert_saved(response)
    provider.refresh_from_db()
    assert provider.status == "draft"


def test_a_channels_history_and_revert(editor, db):
    live = factories.make_channel(name="Store", slug="store")
    for position in (1, 2):
        factories.make_step(channel=live, title=f"Store step {position}", position=position)
    store = channel_publishing.start_channel_draft(live)  # a live channel changes in a draft
    save_unchanged(editor, store)
    before = versions(store)[0]
    url = change_url(store)
    rows = form_data(editor.get(url))
    response, _ = edit(editor, url, {}, delete=[row(rows, "steps", store.steps.get(position=1))])
    assert_saved(response)
    _, response = revert(editor, store, before)
    assert_saved(response)
    assert list(store.steps.values_list("title", "position")) == [
        ("Store step 1", 1),
        ("Store step 2", 2),
    ]


def test_history_pages_list_versions_newest_first(editor, route):
    for label in ["First", "Second"]:
        assert_saved(edit(editor, change_url(route), {"": {"label": label}})[0])
    html = editor.get(reverse("admin:guides_route_history", args=[route.pk])).content.decode()
    assert html.index("Changed Label") > 0
    newest, oldest = versions(route)
    assert html.index(f"/history/{newest.pk}/") < html.index(f"/history/{oldest.pk}/")


def test_reverting_one_step_into_a_place_another_took_since(editor, route):
    """The old position is now another step's: the reverted step takes it back and shares
    it, first by (position, pk); the other steps keep their numbers and their order."""
    billing = route.steps.get(title="Open Billing")
    save_unchanged(editor, billing)  # Open Billing at 2, on its own page
    before = versions(billing)[0]
    assert_saved(edit(editor, change_url(billing), {"": {"position": 9}})[0])
    factories.make_step(route=route, title="Open Account", position=2)
    assert steps_of(route) == [
        ("Sign in", 1),
        ("Open Account", 2),
        ("Choose Cancel", 3),
        ("Confirm", 4),
        ("Open Billing", 9),
    ]
    _, response = revert(editor, billing, before)
    assert_saved(response)
    assert list(route.steps.values_list("title", "position")) == [
        ("Sign in", 1),
        ("Open Billing", 2),
        ("Open Account", 2),
        ("Choose Cancel", 3),
        ("Confirm", 4),
    ]


def test_a_revert_that_is_refused_leaves_positions_alone(editor, route):
    """A version whose route was deleted since cannot come back on its own: the editor is
    told, and the other steps keep their places."""
    billing = route.steps.get(title="Open Billing")
    save_unchanged(editor, billing)
    before = versions(billing)[0]
    other = factories.make_route(route.provider, label="Amazon", slug="amazon", position=2)
    factories.make_step(route=other, title="Amazon step", position=1)
    route.delete()
    opts = billing._meta
    url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_revision", args=[billing.pk, before.pk]
    )
    response = editor.get(url, follow=True)
    assert response.redirect_chain[-1][1] == 302
    assert "cannot be brought back on its own" in response.content.decode()
    assert not Step.objects.filter(pk=billing.pk).exists()
    assert list(other.steps.values_list("title", "position")) == [("Amazon step", 1)]


def test_import_guides_is_kept_in_history(db):
    from django.core.management import call_command
    from reversion.models import Version

    from guides.models import Provider

    call_command("import_guides", "tests/data/sample.yaml", verbosity=0)
    acme = Provider.objects.get(slug="acme")
    versions = Version.objects.get_for_object(acme)
    assert versions.count() == 1
    assert versions[0].revision.comment == "import_guides tests/data/sample.yaml"
    call_command("import_guides", "tests/data/sample.yaml", "--dry-run", verbosity=0)
    assert Version.objects.get_for_object(acme).count() == 1


def test_an_editor_cannot_publish_or_verify_by_reverting(editor, route):
    """A version from when the guide was published and verified brings back neither for
    someone who may do neither: its status and verification are kept as they are now."""
    import datetime

    import reversion

    provider = route.provider
    verified = {"status": "published", "last_verified_on": datetime.date(2026, 1, 5)}
    Provider.objects.filter(pk=provider.pk).update(**verified)
    with reversion.create_revision():
        Provider.objects.get(pk=provider.pk).save()
    before = versions(provider)[0]
    Provider.objects.filter(pk=provider.pk).update(status="draft", last_verified_on=None)
    _, response = revert(editor, provider, before)
    assert_saved(response)
    provider.refresh_from_db()
    assert (provider.status, provider.last_verified_on) == ("draft", None)
