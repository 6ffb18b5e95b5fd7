"""A step's kind beside its title (Step.kind_label, the `kind_label` filter): said once, never
"Check: Check that Apple is the one billing you". One rule decides it for the visitors' list
of steps and for the admin's flow map; every step of the shipped guides is read here, in
English and in German, on both."""

from __future__ import annotations

import html
import re

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from guides.flow import map as flow_map
from guides.models import Provider, PurchaseChannel, Step, StepKind
from guides.models.flows import begins_with_word
from tests.flow.test_map import admin_client, flow_url, superuser  # noqa: F401 (fixtures)
from tests.recorded import load_guides

VISITOR_STEP = re.compile(r'<li class="step step-\w+" id="step-(\d+)">\s*<h3>(.*?)</h3>', re.S)
MAP_STEP = re.compile(
    r'<li class="cf-step" value="\d+" data-step="(\d+)">\s*(.*?)\s*<span class="cf-origin">', re.S
)
TAG = re.compile(r"<[^>]+>")


def plain(fragment: str) -> str:
    return html.unescape(TAG.sub("", fragment)).strip()


def kind_words(language: str) -> list[str]:
    """Every kind's label, in `language` and in English."""
    words = {str(kind.label) for kind in StepKind}
    with translation.override(language):
        words |= {str(kind.label) for kind in StepKind}
    return sorted(words)


def doubled(title: str, language: str) -> str | None:
    """The kind word a shown title is preceded by twice ("Check: Check that…"), if any."""
    for word in kind_words(language):
        said = re.escape(word)
        if re.match(rf"{said}:\s*\W*{said}(?!\w)", title, re.IGNORECASE):
            return word
    return None


# The rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word", "begins"),
    [
        ("Check that Apple is the one billing you", "Check", True),
        ("check that Apple bills you", "CHECK", True),
        ("Check: the renewal date", "Check", True),
        ("„Warnung“ lesen", "Warnung", True),
        ("Checking account charges", "Check", False),  # a longer word
        ("Tippen Sie auf Abonnements", "Tipp", False),
        ("Open Settings", "Check", False),
        ("Tip", "Tip", True),
        ("Anything", "", False),
    ],
)
def test_begins_with_word(text, word, begins):
    assert begins_with_word(text, word) is begins


def step(kind: str) -> Step:
    return Step(kind=kind, title="x")


def test_visitors_read_the_kind_of_warnings_and_tips_only():
    assert step("do").kind_label("Open Settings") == ""
    assert step("check").kind_label("Find the receipt") == ""
    assert step("warning").kind_label("Removing the app is not enough") == "Warning"
    assert step("tip").kind_label("Look for the button") == "Tip"


def test_editors_read_every_kind_but_do():
    assert step("do").kind_label("Open Settings", editors=True) == ""
    assert step("check").kind_label("Find the receipt", editors=True) == "Check"
    assert step("warning").kind_label("Keep the email", editors=True) == "Warning"


def test_no_label_where_the_title_already_says_it():
    assert step("check").kind_label("Check that Apple is the one billing you", editors=True) == ""
    assert step("tip").kind_label("Tip: ask for a refund") == ""
    assert step("warning").kind_label("warning: this deletes your data") == ""
    assert step("tip").kind_label("Tipping is not needed") == "Tip"  # another word


def test_in_german_the_german_word_and_the_english_one_count():
    with translation.override("de"):
        assert step("check").kind_label("Prüfen Sie, ob Apple abrechnet", editors=True) == ""
        assert step("warning").kind_label("Warnung: nicht löschen") == ""
        # A title not translated yet reads in English: its English word counts too.
        assert step("check").kind_label("Check that Apple bills you", editors=True) == ""
        assert step("tip").kind_label("Tippen Sie auf Abonnements") == "Tipp"
        assert step("warning").kind_label("Die App zu entfernen reicht nicht") == "Warnung"


def test_the_filter_reads_the_title_as_the_page_shows_it():
    checked = Step(kind="check", title="Check that Apple bills you")
    tip = Step(kind="tip", title="Tip: keep the receipt", title_de="Heben Sie die Quittung auf")
    untranslated = Step(kind="tip", title="Tip: keep the receipt")
    visitors = Template("{% load guides %}[{{ step|kind_label }}]")
    editors = Template('{% load guides %}[{{ step|kind_label:"editors" }}]')
    assert visitors.render(Context({"step": tip})) == "[]"
    assert visitors.render(Context({"step": checked})) == "[]"  # not shown to visitors
    assert editors.render(Context({"step": checked})) == "[]"  # the title says it
    assert editors.render(Context({"step": Step(kind="check", title="Find it")})) == "[Check]"
    with translation.override("de"):
        # The German title does not say "Tipp"; where there is none, the English one does.
        assert visitors.render(Context({"step": tip})) == "[Tipp]"
        assert visitors.render(Context({"step": untranslated})) == "[]"


# Every shipped step, on every page that shows it ----------------------------------------------


@pytest.fixture
def shipped(db):
    load_guides()


def visitor_titles(url: str) -> dict[int, str]:
    response = Client().get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    if not VISITOR_STEP.search(html) and f'href="{url}?region=us"' in html:
        # "Where do you live?" before the steps (the US stores' pages: Best Buy, Costco)
        response = Client().get(f"{url}?region=us")
        assert response.status_code == 200, url
    return {int(pk): plain(h3) for pk, h3 in VISITOR_STEP.findall(response.content.decode())}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "de"])
def test_no_shipped_step_is_labelled_with_its_own_word(shipped, admin_client, language):  # noqa: F811
    prefix = "" if language == "en" else f"/{language}"
    on_guides: dict[int, str] = {}
    editors: dict[int, str] = {}
    for provider in Provider.objects.order_by("slug"):
        for leaf in flow_map.build(provider).leaves:
            on_guides.update(visitor_titles(prefix + leaf.url))
        if language == "en":
            page = admin_client.get(flow_url(provider))
            assert page.status_code == 200, provider.slug
            flow_page = page.content.decode()
        else:  # the admin is in English for now (cancelflow/languages.py): its map, in German
            with translation.override(language):
                flow_page = render_to_string(
                    "admin/guides/provider/_flow_node.html", {"node": flow_map.build(provider).root}
                )
        found = MAP_STEP.findall(flow_page)
        editors.update((int(pk), plain(item)) for pk, item in found)
    visitors = dict(on_guides)
    for channel in PurchaseChannel.objects.filter(parent=None):
        visitors.update(visitor_titles(f"{prefix}/channels/{channel.slug}/"))

    # Every step of every provider, route, channel and variant was read by visitors; the
    # flow maps show every step the guides' pages show, every route's step among them.
    assert set(visitors) == set(Step.objects.values_list("pk", flat=True))
    assert set(editors) == set(on_guides)
    assert set(Step.objects.filter(route__isnull=False).values_list("pk", flat=True)) <= set(
        editors
    )
    assert len(editors) > 100
    wrong = {
        f"{where} {pk}: {title}"
        for where, titles in (("visitors", visitors), ("editors", editors))
        for pk, title in titles.items()
        if doubled(title, language)
    }
    assert not wrong
    # The labels are still there where they say something.
    with translation.override(language):
        warning, check = str(StepKind.WARNING.label), str(StepKind.CHECK.label)
    assert any(title.startswith(f"{warning}: ") for title in visitors.values())
    assert any(title.startswith(f"{check}: ") for title in editors.values())
