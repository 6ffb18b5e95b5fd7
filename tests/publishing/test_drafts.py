"""Drafts: visitors never see them; a logged-in editor sees them everywhere a published guide
would be, each marked "Draft — visitors cannot see this"."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from guides.models import Provider
from tests import factories
from tests.recorded import load_guides

SAMPLE = "tests/data/sample.yaml"
MARKER = "Draft — visitors cannot see this"
PAGES = [
    "/cancel/acme/",
    "/cancel/acme/app-store/",
    "/cancel/acme/app-store/iphone/",
    "/cancel/acme/website/region-a/",
]
LISTS = ["/", "/category/security-software/", "/search/?q=acme", "/channels/app-store/"]


@pytest.fixture
def draft(db):
    load_guides(SAMPLE)
    Provider.objects.filter(slug="acme").update(status="draft")


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_user("ed", "ed@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    factories.login(client, user)
    return client


@pytest.mark.parametrize("url", PAGES)
def test_visitors_get_a_404_for_a_draft(client, draft, url):
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404


@pytest.mark.parametrize("url", LISTS)
def test_visitors_do_not_see_a_draft_in_any_list(client, draft, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b'href="/cancel/acme/"' not in response.content
    assert MARKER.encode() not in response.content


def test_a_logged_in_visitor_who_is_not_staff_sees_no_draft(client, draft, django_user_model):
    factories.login(client, django_user_model.objects.create_user("someone", password="pw"))
    assert client.get("/cancel/acme/").status_code == 404
    assert b"/cancel/acme/" not in client.get("/category/security-software/").content


@pytest.mark.parametrize("url", PAGES)
def test_an_editor_previews_every_page_of_a_draft_with_a_banner(editor, draft, url):
    response = editor.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Draft — visitors cannot see this page." in html
    assert '<meta name="robots" content="noindex">' in html


def test_an_editor_walks_a_drafts_flow_with_htmx(editor, draft):
    response = editor.get("/cancel/acme/app-store/iphone/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"Open Settings on the iPhone" in response.content


@pytest.mark.parametrize("url", LISTS)
def test_an_editor_sees_the_draft_in_every_list_marked(editor, draft, url):
    html = editor.get(url).content.decode()
    assert 'href="/cancel/acme/"' in html
    assert MARKER in html


def test_published_guides_carry_no_marker(editor, draft):
    Provider.objects.filter(slug="acme").update(status="published")
    for url in [*LISTS, *PAGES]:
        assert MARKER.encode() not in editor.get(url).content, url


def test_the_home_page_counts_drafts_for_an_editor_only(client, editor, draft, django_user_model):
    assert "1 guide" in editor.get("/").content.decode()
    anonymous = type(client)()
    assert b"security-software" not in anonymous.get("/").content


@pytest.mark.parametrize("url", [*LISTS, "/cancel/acme/", "/cancel/acme/website/region-a/"])
def test_visitors_pages_do_not_vary_on_cookies(client, db, url):
    """Looking for an editor touches the session only when there is a session cookie, so a
    visitor's page stays cacheable."""
    call_command("import_guides", SAMPLE, verbosity=0)
    response = client.get(url)
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies
