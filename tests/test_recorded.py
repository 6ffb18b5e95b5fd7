"""tests/recorded.py: the rows replayed into a test are the rows a real import writes."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction

from guides.files.exporter import export_text
from guides.models import ContentChange, Provider, Route, Step
from tests import recorded
from tests.recorded import load_guides

MODELS = [Provider, Route, Step, ContentChange]


def state() -> tuple[str, dict[str, int]]:
    counts = {model.__name__: model._base_manager.count() for model in MODELS}
    return export_text("json", None, shared=True), counts


@pytest.mark.parametrize("paths", [(), ("tests/data/sample.yaml",)])
def test_replayed_rows_are_what_the_import_writes(db, paths):
    savepoint = transaction.savepoint_create()
    call_command("import_guides", *paths, verbosity=0)
    imported = state()
    transaction.savepoint_rollback(savepoint)

    load_guides(*paths)
    assert state() == imported
    assert Provider.objects.published().exists()


def test_a_database_not_as_recorded_gets_a_real_import(db, monkeypatch):
    load_guides("tests/data/sample.yaml")  # recorded (if it was not) and replayed
    replayed = []
    monkeypatch.setattr(recorded, "_replay", replayed.append)
    # A second load over the first: the rows differ from those the recording started from.
    load_guides("tests/data/sample.yaml")
    assert replayed == []
    assert Provider.objects.filter(slug="acme").count() == 1
