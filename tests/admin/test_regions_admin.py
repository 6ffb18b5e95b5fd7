"""Where a row applies, as editors type it: codes in one box on a row's page and in its
inline (guides/admin/regions.py)."""

from __future__ import annotations

import pytest

from guides.models import Route, Step
from guides.regions import codes_of
from tests.admin.test_admin import (  # noqa: F401 (fixtures)
    assert_saved,
    change_url,
    collected_static,
    edit,
    editor,
    errors_of,
    guide,
    manifest_static,
)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("de, eu", {"DE", "EU"}), ("US-CA US", {"US-CA", "US"}), ("", set()), ("GB;gb", {"GB"})],
)
def test_an_editor_types_where_a_step_applies(editor, guide, typed, kept):  # noqa: F811
    step = Step.objects.get(title="Open Billing")
    assert_saved(edit(editor, change_url(step), {"": {"regions": typed}})[0])
    step.refresh_from_db()
    assert codes_of(step.regions) == kept


@pytest.mark.parametrize("typed", ["xx", "Germany", "US-NY", "DE, ZZ", "D" * 300])
def test_an_unknown_region_is_a_form_error_and_changes_nothing(editor, guide, typed):  # noqa: F811
    route = Route.objects.get(slug="region-a")
    response, _ = edit(editor, change_url(route), {"": {"regions": typed}})
    assert response.status_code == 200
    assert "regions" in errors_of(response)
    route.refresh_from_db()
    assert not route.regions


def test_the_routes_inline_edits_regions_too(editor, guide):  # noqa: F811
    html = editor.get(change_url(guide.provider)).content.decode()
    assert 'name="routes-0-regions"' in html


def test_a_row_with_regions_shows_its_codes_and_saves_as_it_was(editor, guide):  # noqa: F811
    """The codes a row holds are shown as typed ("US"), not as names, so that saving the
    page unchanged (here, a change of another field) keeps them."""
    Route.objects.filter(slug="website").update(regions="US")
    html = editor.get(change_url(guide.provider)).content.decode()
    assert 'name="routes-0-regions" value="US"' in html
    assert_saved(edit(editor, change_url(guide.provider), {"": {"summary": "Changed."}})[0])
    assert codes_of(Route.objects.get(slug="website").regions) == {"US"}
    route = Route.objects.get(slug="website")
    assert 'value="US"' in editor.get(change_url(route)).content.decode()
    assert_saved(edit(editor, change_url(route), {"": {"label": "The website"}})[0])
    assert codes_of(Route.objects.get(slug="website").regions) == {"US"}
