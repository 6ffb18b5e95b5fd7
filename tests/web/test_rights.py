"""“Your rights where you live” on a page of steps (guides/models/rights.py): the published
notes of the regions where the visitor lives, every region's in a <details> of its own before
they say, in the page's language with English marked as such, never an unpublished one, and
for at most one query."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guides.models import PublishedRights, RightsNote
from tests import factories

STEPS = "/cancel/acme/website/"


def make_note(region: str, title: str, *, published: bool = True, **fields) -> RightsNote:
    fields.setdefault("slug", title.lower().replace(" ", "-")[:60])
    fields.setdefault("source_url", f"https://law.example/{region.lower()}")
    note = RightsNote.objects.create(region=region, title=title, **fields)
    if published:
        publisher = get_user_model().objects.create_superuser(f"p{note.pk}", "", "pw")
        note.publish(publisher)
    return note


@pytest.fixture
def guide(db):
    provider = factories.make_provider(name="Acme", slug="acme")
    route = factories.make_route(provider, label="On the website", slug="website")
    factories.make_step(route=route, title="Sign in")
    return provider


@pytest.fixture
def notes(guide):
    return {
        "EU": make_note(
            "EU",
            "Withdraw within 14 days",
            title_de="Widerruf binnen 14 Tagen",
            body="You may **withdraw**.",
            body_de="Sie dürfen **widerrufen**.",
            took_effect=datetime.date(2014, 6, 13),
        ),
        "DE": make_note(
            "DE",
            "The cancellation button",
            title_de="Der Kündigungsbutton",
            body="A button reading *cancel contracts here*.",
            took_effect=datetime.date(2022, 7, 1),
            sources="https://www.gesetze-im-internet.de/bgb/__309.html",
        ),
        "US-CA": make_note("US-CA", "Cancel online in California"),
        "US": make_note("US", "ROSCA still applies", took_effect=datetime.date(2010, 12, 29)),
        "GB": make_note("GB", "New subscription rules", took_effect=None),
    }


def rights_of(response) -> str:
    html = response.content.decode()
    assert response.status_code == 200
    found = re.search(r'<section class="rights".*?</section>', html, re.S)
    return found[0] if found else ""


def note_titles(response) -> list[str]:
    return re.findall(r"<h4[^>]*>(.*?)</h4>", rights_of(response))


def test_a_german_visitor_reads_the_eu_and_german_notes_in_german(client, notes):
    response = client.get(f"/de{STEPS}?region=de")
    section = rights_of(response)
    assert "Ihre Rechte dort, wo Sie wohnen" in section
    # By the regions' names in German: Deutschland, then Europäische Union.
    assert note_titles(response) == ["Der Kündigungsbutton", "Widerruf binnen 14 Tagen"]
    assert "California" not in section and "Kalifornien" not in section
    assert "ROSCA" not in section
    assert "Sie dürfen <strong>widerrufen</strong>." in section  # Markdown, rendered
    assert '<time datetime="2022-07-01">1 Juli 2022</time>' in section
    assert "In Kraft seit" in section
    assert "<details" not in section  # they said where they live: nothing to open


def test_english_stands_in_for_a_missing_translation_marked_as_english(client, notes):
    section = rights_of(client.get(f"/de{STEPS}?region=de"))
    assert '<div class="rights-body" lang="en"><p>A button reading <em>cancel contracts' in section
    assert '<h4 lang="en">' not in section  # the titles are translated
    english = rights_of(client.get(f"{STEPS}?region=de"))
    assert 'lang="en"' not in english  # an English page marks nothing


def test_a_californian_reads_the_californian_and_us_notes(client, notes):
    response = client.get(f"{STEPS}?region=us-ca")
    assert sorted(note_titles(response)) == ["Cancel online in California", "ROSCA still applies"]
    section = rights_of(response)
    assert "California:" in section and "United States of America:" in section


def test_before_they_say_every_region_is_a_details_of_its_own(client, notes):
    response = client.get(STEPS)
    section = rights_of(response)
    summaries = re.findall(r"<summary>(.*?)</summary>", section)
    assert sorted(summaries) == sorted(
        ["European Union", "Germany", "California", "United States of America", "United Kingdom"]
    )
    assert len(note_titles(response)) == 5
    assert "Not yet in force" in section  # the United Kingdom's
    assert section.count('<details class="rights-region">') == 5  # works without JavaScript


def test_each_note_names_its_sources_and_says_when_it_was_verified(client, notes):
    notes["DE"].last_verified_on = datetime.date(2026, 11, 2)
    notes["DE"].save()
    section = rights_of(client.get(f"{STEPS}?region=de"))
    assert "Last verified" not in section  # not published yet: visitors read the old copy
    publisher = get_user_model().objects.create_superuser("checker", "", "pw")
    notes["DE"].publish(publisher)
    section = rights_of(client.get(f"{STEPS}?region=de"))
    assert section.count("Last verified") == 1
    assert '<time datetime="2026-11-02">2 November 2026</time>' in section
    assert 'href="https://law.example/de">law.example/<wbr>de</a>' in section
    link = '"https://www.gesetze-im-internet.de/bgb/__309.html">gesetze-im-internet.de/<wbr>bgb/'
    assert link in section  # named by its site and path, the line free to break at each /


def test_an_unpublished_note_is_not_shown(client, notes):
    make_note("DE", "A draft about Germany", published=False)
    section = rights_of(client.get(f"{STEPS}?region=de"))
    assert "The cancellation button" in section
    assert "A draft about Germany" not in section


def test_a_change_reaches_visitors_only_once_published(client, notes):
    page = f"{STEPS}?region=de"
    assert "The cancellation button" in rights_of(client.get(page))  # now kept in the cache
    note = notes["DE"]
    note.title = "The cancel button"
    note.save()
    assert "The cancellation button" in rights_of(client.get(page))
    note.publish(get_user_model().objects.create_superuser("second", "", "pw"))
    section = rights_of(client.get(page))
    assert "The cancel button" in section and "The cancellation button" not in section


def test_no_section_where_no_note_applies_nor_on_a_question(client, notes, guide):
    assert rights_of(client.get(f"{STEPS}?region=other")) == ""
    assert rights_of(client.get("/cancel/acme/")) == ""  # a question, not steps


def test_the_htmx_partial_carries_the_section(client, notes):
    response = client.get(f"{STEPS}?region=de", HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert "The cancellation button" in rights_of(response)


def test_an_unknown_region_is_a_404(client, notes):
    assert client.get(f"{STEPS}?region=atlantis").status_code == 404


def test_the_notes_cost_one_query_and_none_once_kept(
    client, notes, django_assert_num_queries, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):  # a page of steps read afresh: within its budget
        assert "The cancellation button" in rights_of(client.get(f"{STEPS}?region=de"))
    with django_assert_num_queries(0):  # another place: the guide and the notes are kept
        assert "ROSCA still applies" in rights_of(client.get(f"{STEPS}?region=us"))
    with django_assert_num_queries(1):
        assert len(PublishedRights.load().notes) == 5


def test_without_memory_the_notes_are_one_query_of_the_page(client, notes, settings):
    settings.KEEP_GUIDES_IN_MEMORY = False
    for place in ("de", "us-ca"):
        with CaptureQueriesContext(connection) as page:
            assert note_titles(client.get(f"{STEPS}?region={place}"))
        read = [query for query in page.captured_queries if "guides_rightsnote" in query["sql"]]
        assert len(read) == 1, place
