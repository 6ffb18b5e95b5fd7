"""Guide files in the admin: an editor downloads a provider's guide, and uploads a file to
create or update guides, sees what it changes first, and confirms to apply it whole."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from guides.admin import transfer as admin_transfer
from guides.models import Provider, Route, Step
from tests import factories
from tests.files.test_import import SAMPLE, everything
from tests.recorded import load_guides

UPLOAD = reverse("admin:guides_provider_upload")
CHANGELIST = reverse("admin:guides_provider_changelist")


@pytest.fixture
def imported(db):
    load_guides(str(SAMPLE))


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw")
    factories.login(client, user)
    return client


def sample(**changes) -> dict:
    data = yaml.safe_load(SAMPLE.read_text())
    data["providers"][0].update(changes)
    return data


def upload(client, data, name="guide.yaml"):
    text = data if isinstance(data, str | bytes) else yaml.safe_dump(data, sort_keys=False)
    content = text.encode() if isinstance(text, str) else text
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})


def token_of(response) -> str:
    match = re.search(rb'name="token" value="([^"]+)"', response.content)
    assert match, response.content.decode()
    return unescape(match.group(1).decode())


def page_text(response) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


# -- download -------------------------------------------------------------------------------


def test_the_change_page_links_to_the_download(imported, editor):
    acme = Provider.objects.get(slug="acme")
    page = editor.get(reverse("admin:guides_provider_change", args=[acme.pk]))
    assert page.status_code == 200
    assert reverse("admin:guides_provider_download", args=[acme.pk]).encode() in page.content


def test_download_is_the_providers_guide_and_imports_back_unchanged(imported, editor, tmp_path):
    acme = Provider.objects.get(slug="acme")
    response = editor.get(reverse("admin:guides_provider_download", args=[acme.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    assert response["Content-Disposition"] == 'attachment; filename="acme.yaml"'
    data = yaml.safe_load(response.content)
    assert list(data) == ["providers"]  # the provider alone: its channels stay as they are
    assert [p["slug"] for p in data["providers"]] == ["acme"]
    assert [r["slug"] for r in data["providers"][0]["routes"]] == ["website", "app-store", "amazon"]
    path = tmp_path / "acme.yaml"
    path.write_bytes(response.content)
    before = everything()
    call_command("import_guides", str(path), verbosity=0)
    assert everything() == before


def test_download_of_an_unknown_provider_is_404(imported, editor):
    response = editor.get(reverse("admin:guides_provider_download", args=[999999]))
    assert response.status_code == 404


def test_the_download_needs_the_view_permission(imported, client, django_user_model):
    user = django_user_model.objects.create_user("visitor", password="pw", is_staff=True)
    factories.login(client, user)
    acme = Provider.objects.get(slug="acme")
    assert client.get(reverse("admin:guides_provider_download", args=[acme.pk])).status_code == 403


def test_the_action_downloads_the_chosen_providers(imported, editor):
    from tests import factories

    other = factories.make_provider(slug="zeta", name="Zeta")
    acme = Provider.objects.get(slug="acme")
    response = editor.post(
        CHANGELIST,
        {"action": "download_as_yaml", "_selected_action": [acme.pk, other.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="guides.yaml"'
    data = yaml.safe_load(response.content)
    assert [p["slug"] for p in data["providers"]] == ["acme", "zeta"]


# -- upload ---------------------------------------------------------------------------------


def test_the_changelist_links_to_the_upload(imported, editor):
    page = editor.get(CHANGELIST)
    assert UPLOAD.encode() in page.content
    form = editor.get(UPLOAD)
    assert form.status_code == 200
    assert b'enctype="multipart/form-data"' in form.content


def test_preview_then_confirm(imported, editor):
    before = everything()
    preview = upload(editor, sample(summary="A better summary."))
    assert preview.status_code == 200
    text = page_text(preview)
    assert "Nothing has been saved yet" in text
    assert "provider acme: updated (summary)" in text
    assert everything() == before  # the preview changed nothing

    # The guide is live: the file's changes go into its draft, for a second person's review.
    assert "provider acme is live: the file's changes to it go into its draft" in text

    done = editor.post(UPLOAD, {"token": token_of(preview)})
    assert done.status_code == 302 and done["Location"] == CHANGELIST
    draft = Provider.objects.get(slug="acme", draft_of__isnull=False)
    assert draft.summary == "A better summary."
    assert Provider.objects.get(slug="acme", draft_of=None).summary != "A better summary."
    assert list(draft.editors.values_list("username", flat=True)) == ["editor"]
    messages = page_text(editor.get(CHANGELIST))
    assert "Imported guide.yaml: 1 change saved." in messages
    # The import is in the history, by whom and from which file.
    version = Version.objects.get_for_object(draft).first()
    assert version is not None
    assert version.revision.user.username == "editor"
    assert version.revision.get_comment() == "Imported guide.yaml"


def test_a_new_provider_is_shown_with_what_comes_with_it(imported, editor):
    data = sample()
    data["providers"][0].update(slug="acme-two", name="Acme Two")
    text = page_text(upload(editor, {"providers": data["providers"]}))
    assert re.search(r"provider acme-two: created \(with .*5 routes", text), text


def test_json_files_are_accepted(imported, editor):
    import json

    preview = upload(editor, json.dumps(sample(summary="From JSON."), default=str), "guide.json")
    assert "provider acme: updated (summary)" in page_text(preview)


def test_a_file_that_changes_nothing_says_so(imported, editor):
    preview = upload(editor, SAMPLE.read_text())
    assert "nothing to change" in page_text(preview)
    assert b'name="token"' not in preview.content


def test_a_malformed_upload_names_the_line_and_changes_nothing(imported, editor):
    before = everything()
    data = sample(summary="This must not land")
    data["providers"][0]["routes"][1]["steps"][0]["titel"] = "typo"
    text = yaml.safe_dump(data, sort_keys=False)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "titel" in row)
    response = upload(editor, text, "bad.yaml")
    assert response.status_code == 400
    page = page_text(response)
    assert "cannot be imported, so nothing was changed" in page
    assert f"bad.yaml line {line}: providers[0] (acme) > routes[1] (app-store) > steps[0]" in page
    assert "unknown key 'titel'" in page
    assert b'name="token"' not in response.content
    assert everything() == before


def test_bad_yaml_is_refused_with_its_line(imported, editor):
    before = everything()
    response = upload(editor, "providers:\n  - slug: x\n    name: [unclosed\n", "broken.yaml")
    assert response.status_code == 400
    assert "broken.yaml (line 4" in page_text(response) or "broken.yaml (line 3" in page_text(
        response
    )
    assert everything() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("guide.txt", b"providers: []", "Upload a .yaml, .yml or .json file."),
        ("guide.yaml", b"\xff\xfe not utf-8", "This file is not UTF-8 text."),
    ],
)
def test_files_that_are_not_guide_files_are_refused(imported, editor, name, content, message):
    before = everything()
    response = upload(editor, content, name)
    assert response.status_code == 400
    assert message in page_text(response)
    assert everything() == before


def test_a_file_over_the_limit_is_refused_with_a_message(imported, editor, monkeypatch):
    monkeypatch.setattr(admin_transfer, "MAX_UPLOAD_BYTES", 1024)
    before = everything()
    response = upload(editor, "# padding\n" * 200 + SAMPLE.read_text())
    assert response.status_code == 400
    assert "the limit is" in page_text(response)
    assert everything() == before


def test_a_changed_token_is_refused(imported, editor):
    preview = upload(editor, sample(summary="Seen in the preview."))
    token = token_of(preview)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = editor.post(UPLOAD, {"token": tampered})
    assert response.status_code == 400
    assert "expired or was changed" in page_text(response)
    assert Provider.objects.get(slug="acme").summary == "A sample guide."


def test_another_users_preview_cannot_be_confirmed(imported, editor, client, django_user_model):
    preview = upload(editor, sample(summary="Previewed by the editor."))
    other = django_user_model.objects.create_superuser("other", "o@example.com", "pw")
    factories.login(client, other)
    response = client.post(UPLOAD, {"token": token_of(preview)})
    assert response.status_code == 400
    assert Provider.objects.get(slug="acme").summary == "A sample guide."


def test_changes_made_after_the_preview_are_never_applied_unseen(imported, editor):
    """Someone edits the guide between the preview and the confirmation: the import would
    now change something else, so nothing is saved and the new changes are shown."""
    preview = upload(editor, sample(summary="From the file."))
    token = token_of(preview)
    Route.objects.filter(provider__slug="acme", slug="amazon").update(label="Renamed meanwhile")
    before = everything()
    response = editor.post(UPLOAD, {"token": token})
    assert response.status_code == 200
    text = page_text(response)
    assert "The guides changed since your preview, so nothing was saved" in text
    assert "route acme/amazon: updated (label)" in text
    assert everything() == before
    # Confirming the new preview applies it.
    assert editor.post(UPLOAD, {"token": token_of(response)}).status_code == 302
    draft = Provider.objects.get(slug="acme", draft_of__isnull=False)
    assert draft.routes.get(slug="amazon").label == "Amazon"
    assert draft.summary == "From the file."


def test_a_confirmation_that_became_invalid_is_refused_whole(imported, editor):
    data = sample(summary="Needs the amazon channel.")
    preview = upload(editor, {"providers": data["providers"]})
    token = token_of(preview)
    Step.objects.filter(channel__slug="amazon").delete()
    Route.objects.filter(channel__slug="amazon").delete()
    from guides.models import PurchaseChannel

    PurchaseChannel.objects.filter(slug="amazon").delete()
    before = everything()
    response = editor.post(UPLOAD, {"token": token})
    assert response.status_code == 400
    assert "no channel 'amazon'" in page_text(response)
    assert everything() == before


def test_only_those_who_may_change_everything_may_import(imported, client, django_user_model):
    """Editors may download; an import can publish and verify, so it takes a publisher."""
    editor = django_user_model.objects.create_user("ed", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    factories.login(client, editor)
    assert client.get(UPLOAD).status_code == 403
    assert UPLOAD.encode() not in client.get(CHANGELIST).content
    acme = Provider.objects.get(slug="acme")
    assert client.get(reverse("admin:guides_provider_download", args=[acme.pk])).status_code == 200

    publisher = django_user_model.objects.create_user("pub", password="pw", is_staff=True)
    publisher.groups.add(Group.objects.get(name="Publishers"))
    factories.login(client, publisher)
    assert client.get(UPLOAD).status_code == 200
    assert set(admin_transfer.IMPORT_PERMISSIONS) <= {
        f"guides.{p.codename}"
        for p in Permission.objects.filter(
            group__name="Publishers", content_type__app_label="guides"
        )
    }


def test_the_upload_needs_a_login(imported, client):
    response = client.get(UPLOAD)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_templates_have_no_inline_script_or_style():
    for path in Path("templates/admin/guides").glob("import_*.html"):
        text = path.read_text()
        assert "<script" not in text and "style=" not in text and "<style" not in text, path
