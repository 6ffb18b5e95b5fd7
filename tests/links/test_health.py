"""An address's health from its history of checks: broken only after a day of failures."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from guides.models import LinkCheck, LinkOutcome

URL = "https://example.com/cancel"
pytestmark = pytest.mark.django_db


def check(outcome, hours_ago, url=URL, reason="", **fields):
    return LinkCheck.objects.create(
        url=url,
        outcome=outcome,
        checked_at=timezone.now() - timedelta(hours=hours_ago),
        reason=reason,
        **fields,
    )


def test_an_address_never_checked_has_no_health_yet():
    health = LinkCheck.objects.health(URL)
    assert health.outcome == "" and health.latest is None
    assert health.label == "Not checked yet"


def test_the_latest_check_says_ok_or_moved():
    check(LinkOutcome.BROKEN, 48, status_code=404)
    check(LinkOutcome.OK, 1, status_code=200)
    assert LinkCheck.objects.health(URL).outcome == LinkOutcome.OK
    moved = check(LinkOutcome.MOVED, 0, status_code=301, moved_to="https://example.com/new")
    health = LinkCheck.objects.health(URL)
    assert health.outcome == LinkOutcome.MOVED and health.latest == moved


def test_a_single_failure_is_cant_tell_while_it_is_rechecked():
    check(LinkOutcome.OK, 30)
    check(LinkOutcome.BROKEN, 0, status_code=404, reason="404 Not Found")
    health = LinkCheck.objects.health(URL)
    assert health.outcome == LinkOutcome.CANT_TELL
    assert health.label == "Can't tell (rechecking)"
    assert "404 Not Found" in health.note and "rechecking" in health.note


def test_two_failures_less_than_a_day_apart_are_still_cant_tell():
    check(LinkOutcome.BROKEN, 20, status_code=404)
    check(LinkOutcome.BROKEN, 10, status_code=404)
    check(LinkOutcome.BROKEN, 0, status_code=404)
    assert LinkCheck.objects.health(URL).outcome == LinkOutcome.CANT_TELL


def test_two_failures_a_day_apart_are_broken():
    check(LinkOutcome.BROKEN, 25, status_code=410)
    check(LinkOutcome.BROKEN, 0, reason="no such host")
    health = LinkCheck.objects.health(URL)
    assert health.outcome == LinkOutcome.BROKEN and health.label == "Broken"
    assert health.note == "no such host"


def test_a_success_between_failures_starts_the_day_again():
    check(LinkOutcome.BROKEN, 50, status_code=404)
    check(LinkOutcome.OK, 26, status_code=200)
    check(LinkOutcome.BROKEN, 2, status_code=404)
    check(LinkOutcome.BROKEN, 0, status_code=404)
    assert LinkCheck.objects.health(URL).outcome == LinkOutcome.CANT_TELL


def test_a_timeout_is_cant_tell_and_breaks_a_run_of_failures():
    check(LinkOutcome.BROKEN, 30, status_code=404)
    check(LinkOutcome.CANT_TELL, 12, reason="timed out")
    check(LinkOutcome.BROKEN, 0, status_code=404)
    assert LinkCheck.objects.health(URL).outcome == LinkOutcome.CANT_TELL
    check(LinkOutcome.CANT_TELL, -1, reason="timed out")
    health = LinkCheck.objects.health(URL)
    assert health.outcome == LinkOutcome.CANT_TELL and health.note == "timed out"


def test_each_address_has_its_own_history():
    check(LinkOutcome.BROKEN, 30, url="https://example.com/other")
    check(LinkOutcome.BROKEN, 0, url="https://example.com/other")
    check(LinkOutcome.OK, 0)
    assert LinkCheck.objects.health("https://example.com/other").outcome == LinkOutcome.BROKEN
    assert LinkCheck.objects.health(URL).outcome == LinkOutcome.OK


def test_the_health_reads_in_the_editors_language():
    check(LinkOutcome.BROKEN, 0, status_code=404, reason="404 Not Found")
    with translation.override("de"):
        health = LinkCheck.objects.health(URL)
        assert health.label == "Unklar (wird erneut geprüft)"
        assert health.note == "404 Not Found; wird erneut geprüft, bevor er als defekt gilt"
        assert LinkCheck.objects.health("https://example.com/new").label == "Noch nicht geprüft"
