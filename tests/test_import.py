"""import_guides: validates everything, runs in one transaction, names the file and entry
at fault, and leaves the database unchanged when it refuses."""

from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from guides.importer import import_paths
from guides.models import Category, Provider, PurchaseChannel, Route, Step

SAMPLE = Path("tests/data/sample.yaml")


def snapshot():
    """Everything an import can touch, as plain values."""
    return {
        "categories": list(Category.objects.values_list("slug", "name")),
        "channels": list(PurchaseChannel.objects.values_list("slug", "name", "position")),
        "providers": list(Provider.objects.values_list("slug", "name", "summary", "updated_at")),
        "routes": list(Route.objects.values_list("pk", "slug", "label", "position")),
        "steps": list(Step.objects.values_list("pk", "title", "position").order_by("pk")),
    }


def write(tmp_path, data, name="guide.yaml"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
    return path


def sample_data():
    return yaml.safe_load(SAMPLE.read_text())


@pytest.fixture
def imported(db):
    call_command("import_guides", str(SAMPLE), verbosity=0)
    return snapshot()


def refused(path, *expected):
    with pytest.raises(CommandError) as excinfo:
        call_command("import_guides", str(path), verbosity=0)
    message = str(excinfo.value)
    assert "nothing was changed" in message
    for text in expected:
        assert text in message, message
    return message


def test_import_creates_everything(imported):
    assert Provider.objects.get(slug="acme").routes.count() == 5
    assert PurchaseChannel.objects.get(slug="app-store").variants.count() == 2
    assert Step.objects.filter(route__provider__slug="acme").count() == 3


def test_running_twice_changes_nothing(imported, capsys):
    call_command("import_guides", str(SAMPLE))
    assert "Nothing to change" in capsys.readouterr().out
    assert snapshot() == imported


def test_reimport_updates_in_place_and_removes_what_is_gone(imported, tmp_path):
    data = sample_data()
    routes = data["providers"][0]["routes"]
    routes.reverse()  # reorder the first answers
    del routes[0]  # drop amazon (now first)
    routes[0]["steps"].insert(0, {"title": "New first step"})
    path = write(tmp_path, data)
    call_command("import_guides", str(path), verbosity=0)
    acme = Provider.objects.get(slug="acme")
    top = list(acme.routes.filter(parent=None).order_by("position").values_list("slug", flat=True))
    assert top == ["app-store", "website"]
    store = acme.routes.get(slug="app-store")
    assert list(store.steps.values_list("title", flat=True)) == [
        "New first step",
        "Find Acme in the list",
    ]
    before = {pk for pk, *_ in imported["routes"]}
    assert store.pk in before  # updated, not recreated


def test_dry_run_changes_nothing(imported, tmp_path, capsys):
    data = sample_data()
    data["providers"][0]["summary"] = "Changed"
    call_command("import_guides", str(write(tmp_path, data)), "--dry-run")
    out = capsys.readouterr().out
    assert "Would change" in out and "provider: 0 created, 1 updated" in out
    assert snapshot() == imported


def test_bad_yaml_names_file_and_line(imported, tmp_path):
    path = write(tmp_path, "providers:\n  - slug: x\n    name: [unclosed\n", "broken.yaml")
    refused(path, "broken.yaml", "line", "not valid YAML")
    assert snapshot() == imported


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["providers"][0].update(colour="red"), "unknown key 'colour'"),
        (lambda d: d["providers"][0].pop("name"), "'name' is missing"),
        (
            lambda d: d["providers"][0]["routes"][1]["steps"][0].update(titel="x"),
            "providers[0] (acme) > routes[1] (app-store) > steps[0]: unknown key 'titel'",
        ),
        (lambda d: d["providers"][0].update(difficulty="trivial"), "difficulty"),
        (lambda d: d["providers"][0].update(slug="not a slug"), "is not a slug"),
        (lambda d: d["providers"][0].update(website="ftp://x"), "not an http(s) URL"),
        (lambda d: d["providers"][0].update(last_verified_on="yesterday"), "last_verified_on"),
        (lambda d: d["providers"][0].update(category="nope"), "no category 'nope'"),
        (
            lambda d: d["providers"][0]["routes"][2].update(channel="nope"),
            "routes[2] (amazon): channel: no channel 'nope'",
        ),
        (
            lambda d: d["providers"][0]["routes"].append(dict(d["providers"][0]["routes"][0])),
            "slug 'website' is used by 2 entries",
        ),
        (lambda d: d["providers"].append(dict(d["providers"][0])), "slug 'acme' is also used"),
        (
            lambda d: d["providers"][0]["routes"][0]["routes"][0]["steps"][0].update(
                contact="https://elsewhere.example"
            ),
            "no contact",
        ),
        (lambda d: d.update(extra=[]), "unknown key 'extra'"),
    ],
)
def test_invalid_files_are_refused_whole(imported, tmp_path, mutate, expected):
    data = sample_data()
    data["providers"][0]["summary"] = "This change must not land"
    mutate(data)
    refused(write(tmp_path, data, "bad.yaml"), "bad.yaml", expected)
    assert snapshot() == imported


def test_a_fault_in_a_later_file_undoes_the_earlier_files(db, tmp_path):
    good = write(tmp_path, sample_data(), "a.yaml")
    bad = write(tmp_path, {"providers": [{"slug": "b", "name": "B", "category": "nope"}]}, "b.yaml")
    with pytest.raises(CommandError, match=r"b\.yaml"):
        call_command("import_guides", str(good), str(bad), verbosity=0)
    assert not Provider.objects.exists() and not Category.objects.exists()


@pytest.mark.parametrize("text", ["", "just a string", "- a list\n", "providers: 3\n"])
def test_files_of_the_wrong_shape(db, tmp_path, text):
    path = write(tmp_path, text)
    if text == "":
        call_command("import_guides", str(path), verbosity=0)  # an empty file is empty
        return
    refused(path, "guide.yaml")


def test_missing_file(db):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_guides", "does/not/exist.yaml", verbosity=0)


def test_a_file_in_a_folder_is_imported_in_kind_order(db, tmp_path):
    """A provider may come in a file before the one that defines its category."""
    data = sample_data()
    write(tmp_path, {"providers": data["providers"]}, "a-providers.yaml")
    write(tmp_path, {"categories": data["categories"], "channels": data["channels"]}, "z.yaml")
    import_paths([tmp_path])
    assert Provider.objects.get(slug="acme").category.slug == "security-software"


def test_shipped_content_imports_cleanly_and_idempotently(db):
    """The guides in guides/content/ load, twice, and Kaspersky is complete."""
    first = import_paths()
    assert first.changed
    assert not import_paths().changed
    kaspersky = Provider.objects.get(slug="kaspersky")
    assert kaspersky.status == "published"
    slugs = set(kaspersky.routes.values_list("channel__slug", flat=True))
    for channel in [
        "provider-website",
        "apple-app-store",
        "google-play",
        "amazon",
        "best-buy",
        "costco",
        "microsoft-store",
    ]:
        assert channel in slugs, channel
    assert Provider.objects.filter(slug__in=["norton", "mcafee"]).count() == 2


def test_shipped_content_has_sources_and_never_the_scam_number(db):
    import_paths()
    for provider in Provider.objects.all():
        assert provider.source_list, provider
    for step in Step.objects.filter(route__isnull=False):
        assert step.source_url or step.route.provider.sources, step
    text = "".join(p.read_text() for p in Path("guides/content").glob("*.yaml"))
    digits = "".join(ch for ch in text if ch.isdigit())
    assert "8557370477" not in digits
