"""Guide files carry where each part applies (docs/format.md, "regions"): every kind of
part round-trips, and a code the site does not know is refused with the line that names it."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import CommandError

from guides.files import exporter
from guides.files.importer import import_paths
from guides.models import OfficialContact, ProviderNote, PurchaseChannel, Route, Step
from guides.regions import codes_of
from tests.files.test_export import reimport
from tests.files.test_import import SAMPLE
from tests.files.test_translations_in_files import load


def regional_sample() -> dict:
    """The sample guides with regions on a route, a step, a note, a contact and a variant."""
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    channel = next(c for c in data["channels"] if c.get("variants"))
    channel["variants"][0]["regions"] = ["DE", "AT"]
    acme = data["providers"][0]
    acme["contacts"][0]["regions"] = ["US"]
    acme["notes"][0]["regions"] = ["EU"]
    route = acme["routes"][0]
    route["regions"] = ["US-CA", "GB"]
    route["routes"][0]["steps"][0]["regions"] = ["FR"]
    return data


def test_regions_load_onto_every_kind_of_part(db, tmp_path):
    load(regional_sample(), tmp_path)
    assert codes_of(PurchaseChannel.objects.get(regions__contains="AT").regions) == {"AT", "DE"}
    assert codes_of(OfficialContact.objects.exclude(regions="").get().regions) == {"US"}
    assert codes_of(ProviderNote.objects.exclude(regions="").get().regions) == {"EU"}
    assert codes_of(Route.objects.exclude(regions="").get().regions) == {"US-CA", "GB"}
    assert codes_of(Step.objects.exclude(regions="").get().regions) == {"FR"}


def test_export_import_export_is_byte_identical_with_regions(db, tmp_path):
    load(regional_sample(), tmp_path)
    first = exporter.export_text()
    assert "US-CA" in first
    reimport(first, tmp_path, "again.yaml")
    assert exporter.export_text() == first
    data = exporter.export_data()
    assert data["providers"][0]["routes"][0]["regions"] == ["GB", "US-CA"]  # in order
    assert "regions" not in data["providers"][0]["routes"][1]  # everywhere: left out


@pytest.mark.parametrize(
    ("where", "codes"),
    [
        ("route", ["XX"]),
        ("route", ["US-NY"]),  # a subdivision the site does not name
        ("step", ["de"]),  # codes are capitals
        ("note", ["Germany"]),
        ("contact", []),
        ("variant", ["DE", "DE"]),
    ],
)
def test_an_unknown_region_is_refused_and_nothing_changes(db, tmp_path, where, codes):
    data = regional_sample()
    acme = data["providers"][0]
    part = {
        "route": acme["routes"][0],
        "step": acme["routes"][0]["routes"][0]["steps"][0],
        "note": acme["notes"][0],
        "contact": acme["contacts"][0],
        "variant": next(c for c in data["channels"] if c.get("variants"))["variants"][0],
    }[where]
    part["regions"] = codes
    with pytest.raises(CommandError) as refused:
        load(data, tmp_path)
    assert "regions" in str(refused.value), str(refused.value)
    assert not Route.objects.exists() and not PurchaseChannel.objects.exists()


def test_a_contacts_old_region_text_is_refused_with_its_name(db, tmp_path):
    data = regional_sample()
    data["providers"][0]["contacts"][0]["region"] = "United States"
    with pytest.raises(CommandError) as refused:
        load(data, tmp_path)
    assert "region" in str(refused.value)


def test_regions_listed_in_any_order_import_unchanged_the_second_time(db, tmp_path):
    data = regional_sample()  # "DE, AT" and "US-CA, GB": not in the order of their codes
    path = tmp_path / "guides.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert import_paths([path]).changed
    again = import_paths([path])
    assert not again.changed, again.changes
