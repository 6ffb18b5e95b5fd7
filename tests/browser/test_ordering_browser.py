"""Reordering in the admin, in a real browser: dragging a row by its handle writes the new
order into the position inputs, and saving keeps it (static/js/admin-ordering.js). Without
JavaScript the positions are typed."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser]

TITLES = ["Sign in", "Open Billing", "Cancel"]


@pytest.fixture
def route(transactional_db):
    provider = factories.make_provider(name="Acme Antivirus", slug="acme", status="draft")
    route = factories.make_route(provider, label="Website", slug="website", position=1)
    for position, title in enumerate(TITLES, start=1):
        factories.make_step(route=route, title=title, position=position)
    factories.make_staff("ana", "Editors")
    return route


def _open(page, live_server, route) -> None:
    # A row is tall (each text has its translations under it): the rows fit on one screen.
    page.set_viewport_size({"width": 1280, "height": 1400})
    sign_in(page, live_server.url, "ana")
    page.goto(f"{live_server.url}/admin/guides/route/{route.pk}/change/")


def _rows(page):
    return page.locator("fieldset.cf-ordered").first.locator("tr.form-row:not(.empty-form)")


# A row's English title (its translations are in the same cell, under it).
TITLE = "td.field-title input[name$='-title']"


def _titles_on_page(page) -> list[str]:
    rows = _rows(page)
    return [rows.nth(i).locator(TITLE).input_value() for i in range(rows.count())]


def _positions_on_page(page) -> list[str]:
    rows = _rows(page)
    return [
        rows.nth(i).locator("td.field-position input").input_value() for i in range(rows.count())
    ]


def _drag(page, source: int, onto: int) -> None:
    """Drag row `source` (0, 1, … as shown) by its handle onto the top half of row `onto`."""
    rows = _rows(page)
    target = rows.nth(onto)
    rows.nth(source).locator(".cf-handle").drag_to(target, target_position={"x": 40, "y": 2})


def _save(page) -> None:
    page.locator("input[name=_save]").first.click()
    page.locator(".messagelist .success").wait_for()


def test_dragging_a_row_reorders_the_steps(page_and_log, live_server, route):
    page, _log = page_and_log
    _open(page, live_server, route)
    _drag(page, 2, onto=0)
    assert _titles_on_page(page) == ["Cancel", "Sign in", "Open Billing"]
    assert _positions_on_page(page) == ["1", "2", "3"]
    _save(page)
    assert list(route.steps.values_list("title", "position")) == [
        ("Cancel", 1),
        ("Sign in", 2),
        ("Open Billing", 3),
    ]


def test_an_added_row_takes_the_next_position_and_removing_one_keeps_the_order(
    page_and_log, live_server, route
):
    """Django renames the rows by their place in the page when an unsaved row is removed:
    a new row dragged above the saved ones is still saved as a new row, where it was put."""
    page, _log = page_and_log
    _open(page, live_server, route)
    add = page.locator(".add-row a").first
    add.click()
    add.click()
    assert _positions_on_page(page) == ["1", "2", "3", "4", "5"]
    _rows(page).nth(4).locator(TITLE).fill("Confirm by email")
    _drag(page, 4, onto=0)
    assert _positions_on_page(page) == ["1", "2", "3", "4", "5"]
    _rows(page).nth(4).locator(".inline-deletelink").click()  # the other new row
    assert _titles_on_page(page) == ["Confirm by email", *TITLES]
    _save(page)
    assert list(route.steps.values_list("title", flat=True)) == ["Confirm by email", *TITLES]


def test_without_javascript_the_positions_are_typed(nojs_page_and_log, live_server, route):
    page, _log = nojs_page_and_log
    _open(page, live_server, route)
    assert page.locator(".cf-handle").count() == 0
    page.locator("input[name$='-position']").nth(0).fill("3")
    page.locator("input[name$='-position']").nth(2).fill("1")
    _save(page)
    assert list(route.steps.values_list("title", flat=True)) == [
        "Cancel",
        "Open Billing",
        "Sign in",
    ]
