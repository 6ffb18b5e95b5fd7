"""The two editorial roles: Editors edit guide content and triage feedback, nothing about
users or groups; Publishers also publish guides and mark them verified."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from guides.models import Feedback, Provider
from tests import factories
from tests.admin.test_admin import (  # noqa: F401 (fixtures: every page as in production)
    assert_saved,
    change_url,
    collected_static,
    edit,
    form_data,
    manifest_static,
)

AUTH_PAGES = [
    "/admin/auth/user/",
    "/admin/auth/user/add/",
    "/admin/auth/group/",
    "/admin/auth/group/add/",
]


@pytest.fixture
def provider(db):
    provider = factories.make_provider(name="Acme Antivirus", slug="acme", status="draft")
    route = factories.make_route(provider, label="Website", slug="website", position=1)
    factories.make_step(route=route, title="Sign in", position=1)
    return provider


def login(client, group: str):
    user = factories.make_staff(group.lower(), group)
    factories.login(client, user)
    client.user = user
    return client


@pytest.fixture
def editor(client, db):
    return login(client, "Editors")


@pytest.fixture
def publisher(client, db):
    return login(client, "Publishers")


def codenames(group: str) -> set[str]:
    return set(Group.objects.get(name=group).permissions.values_list("codename", flat=True))


# The groups -------------------------------------------------------------------------------


def test_the_groups_hold_the_right_permissions(db):
    editors, publishers = codenames("Editors"), codenames("Publishers")
    assert {"change_provider", "add_step", "delete_step", "change_feedback"} <= editors
    assert not {"publish_provider", "verify_provider"} & editors
    assert {"publish_provider", "verify_provider"} <= publishers
    assert editors < publishers
    auth = set(
        Permission.objects.filter(content_type__app_label="auth").values_list("codename", flat=True)
    )
    assert not (editors | publishers) & auth
    assert "add_feedback" not in publishers  # feedback comes from visitors only


# Neither role reaches user administration ------------------------------------------------------


@pytest.mark.parametrize("group", ["Editors", "Publishers"])
@pytest.mark.parametrize("url", AUTH_PAGES)
def test_no_role_reaches_users_or_groups(client, db, group, url):
    login(client, group)
    assert client.get(url).status_code == 403
    assert client.post(url, {"username": "mallory", "name": "Admins"}).status_code == 403


@pytest.mark.parametrize("group", ["Editors", "Publishers"])
def test_the_admin_index_offers_guides_but_not_users(client, db, group):
    login(client, group)
    html = client.get("/admin/").content.decode()
    assert 'href="/admin/guides/provider/"' in html
    assert "/admin/auth/" not in html


def test_a_user_being_edited_by_an_editor_is_out_of_reach(editor, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    url = reverse("admin:auth_user_change", args=[boss.pk])
    assert editor.post(url, {"username": "boss", "is_superuser": "on"}).status_code == 403
    assert editor.get(reverse("admin:auth_user_password_change", args=[boss.pk])).status_code == 403
    editor.user.refresh_from_db()
    assert not editor.user.is_superuser


# Editors: content, but not publishing or verification ------------------------------------------


def test_an_editor_edits_a_guide(editor, provider):
    response, _ = edit(editor, change_url(provider), {"": {"summary": "Cancel in two minutes."}})
    assert_saved(response)
    provider.refresh_from_db()
    assert provider.summary == "Cancel in two minutes."


def test_an_editor_sees_status_and_verification_read_only(editor, provider):
    html = editor.get(change_url(provider)).content.decode()
    assert 'name="status"' not in html and 'name="last_verified_on"' not in html
    assert 'name="summary"' in html


def test_an_editor_cannot_publish_or_verify_through_the_form(editor, provider):
    data = form_data(editor.get(change_url(provider)))
    data.update(status="published", last_verified_on="2026-01-05")
    assert_saved(editor.post(change_url(provider), data))
    provider.refresh_from_db()
    assert provider.status == "draft" and provider.last_verified_on is None


def test_an_editors_new_guide_is_a_draft(editor, provider):
    url = reverse("admin:guides_provider_add")
    data = form_data(editor.get(url))
    data.update(
        name="Nimbus VPN",
        slug="nimbus",
        category=str(provider.category.pk),
        status="published",
        difficulty="easy",
        first_question="Where did you buy it?",
    )
    assert_saved(editor.post(url, data))
    assert Provider.objects.get(slug="nimbus").status == "draft"


def test_an_editor_is_not_offered_publish_or_verify_actions(editor, provider):
    response = editor.get(reverse("admin:guides_provider_changelist"))
    actions = {name for name, _ in response.context["action_form"].fields["action"].choices}
    assert "delete_selected" in actions
    assert not {"publish", "unpublish", "mark_verified_today"} & actions


@pytest.mark.parametrize("action", ["publish", "mark_verified_today"])
def test_an_editor_cannot_run_them_either(editor, provider, action):
    response = editor.post(
        reverse("admin:guides_provider_changelist"),
        {"action": action, "_selected_action": [provider.pk]},
    )
    assert response.status_code in {200, 302}
    provider.refresh_from_db()
    assert provider.status == "draft" and provider.last_verified_on is None


def test_an_editor_triages_feedback(editor, provider):
    item = factories.make_feedback(provider.routes.get(), kind="problem", comment="Moved")
    url = reverse("admin:guides_feedback_changelist")
    assert editor.get(url).status_code == 200
    assert editor.get(reverse("admin:guides_feedback_add")).status_code == 403
    response = editor.post(url, {"action": "mark_fixed", "_selected_action": [item.pk]})
    assert response.status_code == 302
    assert Feedback.objects.get().status == "fixed"


# Publishers -------------------------------------------------------------------------------------


def test_not_even_a_publisher_publishes_by_typing_the_status(publisher, provider):
    """A guide goes live from its review page only (tests/test_publishing.py)."""
    response, _ = edit(publisher, change_url(provider), {"": {"status": "published"}})
    assert_saved(response)
    provider.refresh_from_db()
    assert provider.status == "draft"


def test_a_publisher_publishes_from_the_review_page_and_unpublishes_with_an_action(
    publisher, provider
):
    url = reverse("admin:guides_provider_changelist")
    response = publisher.post(
        url, {"action": "review_and_publish", "_selected_action": [provider.pk]}
    )
    review = reverse("admin:guides_provider_review", args=[provider.pk])
    assert response.status_code == 302 and response["Location"] == review
    assert publisher.post(review, {"message": "First version"}).status_code == 302
    provider.refresh_from_db()
    assert provider.status == "published"
    publisher.post(url, {"action": "unpublish", "_selected_action": [provider.pk]})
    provider.refresh_from_db()
    assert provider.status == "draft"


def test_a_publisher_verifies_and_is_recorded(publisher, provider):
    url = reverse("admin:guides_provider_changelist")
    response = publisher.post(
        url, {"action": "mark_verified_today", "_selected_action": [provider.pk]}, follow=True
    )
    assert "Marked 1 guide verified today, by you." in response.content.decode()
    provider.refresh_from_db()
    assert provider.last_verified_on == datetime.date.today()
    assert provider.last_verified_by == publisher.user


def test_nobody_types_a_verification_date_not_even_a_publisher(publisher, provider):
    response, _ = edit(publisher, change_url(provider), {"": {"last_verified_on": "2026-01-05"}})
    assert_saved(response)
    provider.refresh_from_db()
    assert provider.last_verified_on is None and provider.last_verified_by is None
