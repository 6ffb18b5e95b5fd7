"""Editors edit a text and its translations side by side (guides/admin/translations.py): the
English text in its own field (`title`), each translation beside it in a field of its own
(`title_de`, `title_fr`, `title_es`), named by its language. What they save reaches the
visitor's page in that language; two editors working on two languages of one row lose
nothing; a translation is checked as its text is; the history and the undo name it."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import translation
from reversion.models import Version

from guides.admin.translations import column_labels
from guides.models import Provider, PurchaseChannel, Step
from guides.publishing import channels as channel_publishing
from guides.publishing import revisions as publishing
from tests.admin.test_admin import (  # noqa: F401 (fixtures: every page as in production)
    assert_saved,
    change_url,
    collected_static,
    edit,
    editor,
    errors_of,
    form_data,
    guide,
    manifest_static,
    row,
)
from tests.admin.test_edit_token import REFUSED, ed1, ed2, refused  # noqa: F401 (fixtures)
from tests.admin.test_transfer import UPLOAD, imported, sample, token_of, upload  # noqa: F401

SCAM = "1-855-737-0477"


def visitor_text(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200, path
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def saved(client, url: str, changes: dict) -> None:
    """Change the form at `url` as `edit` does (prefix → field → value), and save it."""
    assert_saved(edit(client, url, changes)[0])


def form_of(client, url: str):
    return client.get(url).context["adminform"].form


# The form: a text and its translations together, each named by its language ------------------


def test_a_change_form_shows_each_text_with_its_translations_in_one_row(editor, guide):  # noqa: F811
    response = editor.get(change_url(guide.sign_in))
    lines = [line.fields for fieldset in response.context["adminform"] for line in fieldset]
    assert ("title", "title_de", "title_fr", "title_es") in lines
    assert ("body", "body_de", "body_fr", "body_es") in lines
    form = response.context["adminform"].form
    assert not {"title_en", "body_en"} & set(form.fields)  # English has one field, its own
    assert form["title"].label == "Title"
    assert [form[f"title_{code}"].label for code in ("de", "fr", "es")] == [
        "Title (German)",
        "Title (French)",
        "Title (Spanish)",
    ]
    assert 'name="title_de"' in response.content.decode()
    assert 'lang="de"' in str(form["title_de"])
    assert not form.fields["title_de"].required
    assert form.fields["body_de"].help_text.startswith("Empty: visitors read the English text.")
    with translation.override("de"):  # an editor's own language, once the admin speaks it
        assert column_labels(Step)["title_de"] == "Title (Deutsch)"


def test_an_inline_shows_the_translations_under_their_text(editor, guide):  # noqa: F811
    html = editor.get(change_url(guide.region_a)).content.decode()
    head = html[html.index('id="steps-group"') :]
    head = head[: head.index("</thead>")]
    assert "column-title" in head and "column-title_de" not in head  # one column per text
    cell = re.search(r'<td class="field-title">(.*?)</td>', html, re.S)
    assert cell, "no title cell"
    assert 'name="steps-0-title"' in cell[1]
    for code, language in (("de", "German"), ("fr", "French"), ("es", "Spanish")):
        assert f'name="steps-0-title_{code}"' in cell[1]
        assert f"Title ({language}):</label>" in cell[1]
    assert " style=" not in html[html.index('id="steps-group"') :]  # no inline style (CSP)


def test_a_live_guides_page_shows_its_translations_by_their_names(editor, guide):  # noqa: F811
    guide.sign_in.title_de = "Melden Sie sich an"
    guide.sign_in.save()
    publishing.publish(guide.provider, editor.user, "Live")
    html = editor.get(change_url(guide.sign_in)).content.decode()
    assert 'name="_save"' not in html  # read-only
    assert "Title (German):" in html and "Melden Sie sich an" in html
    assert "[de]" not in html
    html = editor.get(change_url(guide.region_a)).content.decode()
    assert "Title (German):</label>" in html and "Melden Sie sich an" in html


def test_a_default_is_no_translation(editor, guide):  # noqa: F811
    """A provider's first question holds its English default in every column: its
    translations show empty, and a save that leaves them so changes nothing in them."""
    url = change_url(guide.provider)
    assert form_of(editor, url)["first_question_de"].value() is None
    saved(editor, url, {"": {"summary": "Antivirus for Windows."}})
    provider = Provider.objects.get(pk=guide.provider.pk)
    assert provider.first_question_de == "Where did you buy it?"
    saved(editor, url, {"": {"first_question_de": "Wo haben Sie es gekauft?"}})
    provider.refresh_from_db()
    assert provider.first_question_de == "Wo haben Sie es gekauft?"
    assert provider.first_question_en == "Where did you buy it?"


# What an editor saves, visitors read in that language ----------------------------------------


def test_a_translation_saved_in_the_category_admin_is_on_the_german_page(editor, guide):  # noqa: F811
    saved(editor, change_url(guide.category), {"": {"name_de": "Sicherheitssoftware"}})
    assert "Sicherheitssoftware" in visitor_text("/de/category/security/")
    assert "Sicherheitssoftware" not in visitor_text("/category/security/")


def test_translations_saved_in_the_provider_and_route_admins_reach_the_german_pages(editor, guide):  # noqa: F811
    url = change_url(guide.provider)
    rows = form_data(editor.get(url))
    website = row(rows, "routes", guide.website)
    summary = {"summary_de": "Virenschutz für Windows.", "summary_fr": "Antivirus."}
    saved(editor, url, {"": summary, website: {"label_de": "Auf der Website"}})
    url = change_url(guide.region_a)
    rows = form_data(editor.get(url))
    saved(
        editor,
        url,
        {
            "": {"label_de": "Region A (DE)"},
            row(rows, "steps", guide.sign_in): {"title_de": "Melden Sie sich an"},
        },
    )
    publishing.publish(guide.provider, editor.user, "Auf Deutsch")
    page = visitor_text("/de/cancel/acme/")
    assert "Virenschutz für Windows." in page and "Auf der Website" in page
    assert "Antivirus." in visitor_text("/fr/cancel/acme/")
    assert "Region A (DE)" in visitor_text("/de/cancel/acme/website/")
    assert "Melden Sie sich an" in visitor_text("/de/cancel/acme/website/region-a/")
    english = visitor_text("/cancel/acme/website/region-a/")
    assert "Sign in to your account" in english and "Melden Sie sich an" not in english


def test_a_translation_saved_on_a_steps_own_page_reaches_the_spanish_page(editor, guide):  # noqa: F811
    url = change_url(guide.sign_in)
    saved(editor, url, {"": {"title_es": "Inicie sesión", "body_es": "Use **su correo**."}})
    publishing.publish(guide.provider, editor.user, "En español")
    assert "Inicie sesión" in visitor_text("/es/cancel/acme/website/region-a/")
    # A translation of Markdown is Markdown.
    page = Client().get("/es/cancel/acme/website/region-a/").content.decode()
    assert "Use <strong>su correo</strong>." in page
    # Not translated into German: German visitors read the English text.
    assert "Sign in to your account" in visitor_text("/de/cancel/acme/website/region-a/")


def test_translations_saved_in_a_channels_draft_reach_the_german_page(editor, guide):  # noqa: F811
    draft = channel_publishing.start_channel_draft(guide.store)
    url = change_url(draft)
    rows = form_data(editor.get(url))
    step = row(rows, "steps", draft.steps.get())
    saved(editor, url, {"": {"name_de": "App-Store"}, step: {"title_de": "Öffnen Sie Abos"}})
    channel_publishing.publish_channel(draft, editor.user, "Auf Deutsch")
    page = visitor_text("/de/channels/app-store/")
    assert "App-Store" in page and "Öffnen Sie Abos" in page
    assert not PurchaseChannel.objects.filter(draft_of=guide.store).exists()


def test_the_english_field_still_edits_english(editor, guide):  # noqa: F811
    step = guide.sign_in
    step.title_de = "Melden Sie sich an"
    step.save()
    saved(editor, change_url(step), {"": {"title": "Sign in with your email"}})
    step.refresh_from_db()
    assert (step.title_en, step.title_de) == ("Sign in with your email", "Melden Sie sich an")
    # And an emptied translation is no translation: German reads the English text again.
    saved(editor, change_url(step), {"": {"title_de": ""}})
    step.refresh_from_db()
    assert step.title_de is None
    with translation.override("de"):
        assert step.title == "Sign in with your email"


# Two editors, two languages of one row: nothing lost -----------------------------------------


def test_english_and_german_changed_by_two_editors_are_both_kept(ed1, ed2, guide):  # noqa: F811
    url = change_url(guide.sign_in)
    a, b = form_data(ed1.get(url)), form_data(ed2.get(url))
    a["title"] = "Sign in with your email"
    assert_saved(ed1.post(url, a))
    b["title_de"] = "Melden Sie sich an"
    response = ed2.post(url, b)
    refused(response, REFUSED, "ed1 changed step 1 “Sign in with your email” (title)")
    shown = form_data(response)
    assert (shown["title"], shown["title_de"]) == ("Sign in with your email", "Melden Sie sich an")
    assert_saved(ed2.post(url, shown))
    guide.sign_in.refresh_from_db()
    assert guide.sign_in.title_en == "Sign in with your email"
    assert guide.sign_in.title_de == "Melden Sie sich an"


def test_two_languages_of_one_inline_row_are_merged(ed1, ed2, guide):  # noqa: F811
    url = change_url(guide.region_a)
    a, b = form_data(ed1.get(url)), form_data(ed2.get(url))
    a[f"{row(a, 'steps', guide.sign_in)}-title_de"] = "Melden Sie sich an"
    assert_saved(ed1.post(url, a))
    b[f"{row(b, 'steps', guide.sign_in)}-title"] = "Sign in with your email"
    response = ed2.post(url, b)
    refused(response, "ed1 changed step 1 “Sign in to your account” (title (German))")
    assert_saved(ed2.post(url, form_data(response)))
    guide.sign_in.refresh_from_db()
    assert guide.sign_in.title_en == "Sign in with your email"
    assert guide.sign_in.title_de == "Melden Sie sich an"


def test_both_changing_the_german_text_is_a_clash_that_names_it(ed1, ed2, guide):  # noqa: F811
    url = change_url(guide.sign_in)
    a, b = form_data(ed1.get(url)), form_data(ed2.get(url))
    a["title_de"], b["title_de"] = "Anmelden", "Melden Sie sich an"
    assert_saved(ed1.post(url, a))
    response = ed2.post(url, b)
    refused(response, "You and ed1 both changed the title (German) of step 1", "“Anmelden”")
    assert form_data(response)["title_de"] == "Melden Sie sich an"  # theirs is quoted, mine kept
    guide.sign_in.refresh_from_db()
    assert guide.sign_in.title_de == "Anmelden"


def test_an_import_confirmation_names_the_translations_changed_since_its_preview(
    imported,  # noqa: F811
    editor,  # noqa: F811
    ed1,  # noqa: F811
):
    Provider.objects.filter(slug="acme").update(status="draft")  # live guides change in drafts
    token = token_of(upload(editor, sample(summary="From the file.")))
    url = change_url(Provider.objects.get(slug="acme"))
    saved(ed1, url, {"": {"summary": "Typed meanwhile.", "summary_de": "Inzwischen getippt."}})
    response = editor.post(UPLOAD, {"token": token})
    text = refused(response, "nothing was saved", "ed1 changed provider “Acme")
    assert "(summary, summary (German))" in text  # the English text once, the German by name


# A translation is checked as its text is -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"Rufen Sie {SCAM} an.",
        "Wählen Sie eins acht fünf fünf sieben drei sieben null vier sieben sieben.",
    ],
)
def test_a_phone_number_in_a_german_field_is_refused(editor, guide, text):  # noqa: F811
    url = change_url(guide.sign_in)
    response, _ = edit(editor, url, {"": {"body_de": text}})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "verified phone numbers" in " ".join(errors.get("body_de", [])), errors_of(response)
    guide.sign_in.refresh_from_db()
    assert guide.sign_in.body_de is None


def test_a_phone_number_in_a_german_inline_field_is_refused(editor, guide):  # noqa: F811
    url = change_url(guide.region_a)
    rows = form_data(editor.get(url))
    prefix = row(rows, "steps", guide.sign_in)
    response, _ = edit(editor, url, {prefix: {"title_de": f"Rufen Sie {SCAM} an"}})
    assert response.status_code == 200
    assert "verified phone numbers" in errors_of(response)
    assert SCAM in response.content.decode()  # what was typed is kept
    guide.sign_in.refresh_from_db()
    assert guide.sign_in.title_de is None


def test_a_translation_longer_than_its_text_may_be_is_refused(editor, guide):  # noqa: F811
    response, _ = edit(editor, change_url(guide.sign_in), {"": {"title_de": "x" * 201}})
    assert response.status_code == 200
    assert "at most 200 characters" in str(response.context["adminform"].form.errors["title_de"])


# The history and the undo name a translation as the form does -----------------------------


def test_history_and_undo_name_a_translation_by_its_language(editor, guide):  # noqa: F811
    step = guide.sign_in
    saved(editor, change_url(step), {"": {"body": "Use your email."}})
    saved(editor, change_url(step), {"": {"title_de": "Melden Sie sich an"}})
    history = editor.get(reverse("admin:guides_step_history", args=[step.pk]))
    html = unescape(history.content.decode())
    assert "<td>Changed Title (German).</td>" in html  # the change's own comment
    assert "<td>Title (German)</td>" in html  # the fields it changed
    assert "[de]" not in html
    version = Version.objects.get_for_object(step).order_by("-pk").first()
    url = reverse("admin:guides_step_undo", args=[step.pk, version.pk])
    preview = editor.get(url).content.decode()
    assert '<th scope="row">Title (German)</th>' in preview and "Melden Sie sich an" in preview
    response = editor.post(url)
    assert response.status_code == 302
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(message.startswith("Undone: Title (German) of step") for message in said), said
    step.refresh_from_db()
    assert step.title_de is None and step.body == "Use your email."
