"""import_guides: validates everything, runs in one transaction, names the file and entry
at fault, and leaves the database unchanged when it refuses."""

from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.test import Client

from guides.files.importer import import_paths
from guides.models import Category, Provider, PurchaseChannel, Route, Step
from tests.web.test_languages import main

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


def everything():
    """Every row of every model a guide is made of, every column: to show that a refused
    import left the database exactly as it was."""
    from django.apps import apps

    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("guides").get_models()
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
    call_command("import_guides", str(path), "--replace", verbosity=0)
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
    call_command("import_guides", str(write(tmp_path, data)), "--dry-run", "--replace")
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
        "tv-or-phone-provider",
    ]:
        assert channel in slugs, channel
    # Best Buy stopped selling Kaspersky in 2017: its answer is kept as a legacy case only.
    assert kaspersky.routes.get(slug="best-buy").label == "Best Buy (bought before 2018)"
    assert kaspersky.routes.filter(slug="dont-know", channel=None).exists()
    assert Provider.objects.filter(slug__in=["norton", "mcafee"]).count() == 2


def test_kaspersky_pages_put_the_step_that_matters_first(db):
    """A shop's page starts with turning the renewal off in My Kaspersky and says a return is
    a refund, before the shop's receipt and return steps; the order-email page finds the
    email before its tips for a visitor who cannot."""
    import_paths()
    client = Client()
    for path in ["/cancel/kaspersky/best-buy/?region=us", "/cancel/kaspersky/costco/?region=us"]:
        page = main(client.get(path).content.decode())
        renewal = page.index("Turn off automatic renewal in My Kaspersky")
        refund = page.index("Returning the card is a refund, not a cancellation")
        assert renewal < refund < page.index("receipt"), path
    best_buy = main(client.get("/cancel/kaspersky/best-buy/?region=us").content.decode())
    assert best_buy.index("has not sold Kaspersky since 2017") < best_buy.index(
        "Turn off automatic renewal in My Kaspersky"
    )
    email = main(client.get("/cancel/kaspersky/website/order-email/?region=de").content.decode())
    found = email.index("Find the order confirmation or the renewal reminder email")
    assert found < email.index("Open the link to your order") < email.index("Still no email?")


def test_shipped_content_has_sources_and_never_the_scam_number(db):
    import_paths()
    for provider in Provider.objects.all():
        assert provider.source_list, provider
    for step in Step.objects.filter(route__isnull=False):
        assert step.source_url or step.route.provider.sources, step
    text = "".join(p.read_text() for p in Path("guides/content").glob("*.yaml"))
    digits = "".join(ch for ch in text if ch.isdigit())
    assert "8557370477" not in digits


# -- where a fault is, exactly, and that a refused file changes nothing at all ---------------


def line_of(text: str, needle: str) -> int:
    """The line of the last row containing `needle`."""
    return [n for n, row in enumerate(text.splitlines(), 1) if needle in row][-1]


def refused_whole(path, *expected):
    """Refused, naming what is expected, with every row of every guide table unchanged."""
    before = everything()
    message = refused(path, *expected)
    assert everything() == before
    return message


def test_schema_faults_name_the_line_of_the_key(imported, tmp_path):
    data = sample_data()
    data["providers"][0]["routes"][1]["steps"][0]["titel"] = "typo"
    text = yaml.safe_dump(data, sort_keys=False)
    path = write(tmp_path, text, "bad.yaml")
    refused_whole(
        path,
        f"bad.yaml line {line_of(text, 'titel')}: providers[0] (acme) > routes[1] (app-store) "
        "> steps[0]: unknown key 'titel'",
    )


def test_a_missing_field_names_the_line_of_its_entry(imported, tmp_path):
    data = sample_data()
    del data["providers"][0]["routes"][2]["label"]
    text = yaml.safe_dump(data, sort_keys=False)
    path = write(tmp_path, text, "bad.yaml")
    refused_whole(
        path,
        f"bad.yaml line {line_of(text, '- slug: amazon')}: providers[0] (acme) > routes[2] "
        "(amazon): 'label' is missing",
    )


def test_a_database_fault_names_the_line_too(imported, tmp_path):
    data = sample_data()
    data["providers"][0]["routes"][2]["channel"] = "nope"
    text = yaml.safe_dump(data, sort_keys=False)
    path = write(tmp_path, text, "bad.yaml")
    refused_whole(path, f"bad.yaml line {line_of(text, 'channel: nope')}: providers[0] (acme)")


def test_json_files_get_lines_too(imported, tmp_path):
    import json

    data = sample_data()
    data["providers"][0]["colour"] = "red"
    text = json.dumps(data, indent=2, default=str)
    path = write(tmp_path, text, "bad.json")
    refused_whole(path, f"bad.json line {line_of(text, 'colour')}: providers[0] (acme)")


def test_a_key_given_twice_is_refused(imported, tmp_path):
    text = SAMPLE.read_text().replace(
        "    summary: A sample guide.\n",
        "    summary: A sample guide.\n    summary: The second one would silently win.\n",
    )
    path = write(tmp_path, text, "twice.yaml")
    refused_whole(
        path, f"twice.yaml line {line_of(text, 'silently')}: key 'summary' is given twice"
    )


def test_a_slug_clash_across_files_names_both(imported, tmp_path):
    first = write(tmp_path, sample_data(), "a.yaml")
    text = yaml.safe_dump({"providers": [{"slug": "acme", "name": "Other", "category": "x"}]})
    second = write(tmp_path, text, "b.yaml")
    before = everything()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_guides", str(first), str(second), verbosity=0)
    assert "b.yaml line 2: providers[0] (acme): slug 'acme' is also used by a.yaml line" in str(
        excinfo.value
    )
    assert everything() == before


def test_a_category_name_clash_is_refused(imported, tmp_path):
    data = {"categories": [{"slug": "another", "name": "Security software"}]}
    refused_whole(write(tmp_path, data, "clash.yaml"), "categories[0] (another)", "Name")


def test_the_same_contact_twice_is_refused(imported, tmp_path):
    data = sample_data()
    contacts = data["providers"][0]["contacts"]
    contacts.append(dict(contacts[0], label="Again"))
    refused_whole(write(tmp_path, data, "bad.yaml"), "contacts[1]", "already listed as contacts[0]")


def test_routes_cannot_loop_and_cannot_go_too_deep(imported, tmp_path):
    """Routes are nested in the file, so a route cannot name another parent (no cycle can be
    written); the fault nearest to one is a flow deeper than the site can show."""
    data = sample_data()
    data["providers"][0]["routes"][0]["parent"] = "app-store"
    refused_whole(write(tmp_path, data, "loop.yaml"), "unknown key 'parent'")

    data = sample_data()
    node = data["providers"][0]["routes"][0]
    for depth in range(2, 9):
        child = {"slug": f"level-{depth}", "label": f"Level {depth}", "steps": [{"title": "Go"}]}
        node["routes"] = [child]
        node = child
    refused_whole(
        write(tmp_path, data, "deep.yaml"), "level-7", "a flow can be at most 6 questions deep"
    )


def test_an_answer_that_leads_nowhere_is_warned_about(imported, tmp_path, capsys):
    data = sample_data()
    data["providers"][0]["routes"].append({"slug": "shop", "label": "In a shop"})
    call_command("import_guides", str(write(tmp_path, data)), "--replace")
    err = capsys.readouterr().err
    assert "Warning: guide.yaml line" in err
    assert "routes[3] (shop): leads nowhere" in err
    assert Route.objects.filter(slug="shop").exists()


def test_an_unverified_phone_number_is_refused(imported, tmp_path):
    data = sample_data()
    acme = data["providers"][0]
    acme["contacts"].append(
        {"kind": "phone", "value": "+1 800 555 0100", "source_url": "https://example.com/acme"}
    )
    acme["routes"][1]["steps"][0]["body"] = "Or call +1 800 555 0100."
    refused_whole(
        write(tmp_path, data, "phone.yaml"), "routes[1] (app-store) > steps[0]", "phone number"
    )
    acme["contacts"][-1]["verified_on"] = "2026-01-05"
    call_command(
        "import_guides", str(write(tmp_path, data, "phone.yaml")), "--replace", verbosity=0
    )
    assert Step.objects.filter(body="Or call +1 800 555 0100.").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: &a [1, 2]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" * 1, "unknown key 'a'"),
        (
            "x0: &x0 [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]\n"
            + "".join(f"x{n}: &x{n} [{', '.join([f'*x{n - 1}'] * 10)}]\n" for n in range(1, 8)),
            "aliases expand to more than",
        ),
        ("providers: &p\n  - *p\n", "refers to the entry it is part of"),
        ("providers: " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply"),
        ("providers:\n\t- slug: x\n", "not valid YAML"),
        ("---\nproviders: []\n---\nproviders: []\n", "not valid YAML"),
        ("providers: !!python/object:os.system {}\n", "not valid YAML"),
    ],
)
def test_hostile_or_broken_yaml_is_refused_cleanly(imported, tmp_path, text, expected):
    refused_whole(write(tmp_path, text, "odd.yaml"), "odd.yaml", expected)


def test_dry_run_says_what_would_change_entry_by_entry(imported, tmp_path, capsys):
    data = sample_data()
    acme = data["providers"][0]
    acme["summary"] = "Changed"
    acme["difficulty"] = "hard"
    del acme["routes"][2]  # amazon
    acme["routes"][0]["routes"][1]["steps"][0]["title"] = "Open My Acme now"
    acme["routes"].append(
        {"slug": "paypal", "label": "PayPal", "steps": [{"title": "Open PayPal"}]}
    )
    data["providers"].append(
        {
            "slug": "newco",
            "name": "NewCo",
            "category": "security-software",
            "routes": [{"slug": "web", "label": "Web", "steps": [{"title": "A"}, {"title": "B"}]}],
        }
    )
    before = everything()
    call_command("import_guides", str(write(tmp_path, data)), "--dry-run", "--replace")
    out = capsys.readouterr().out
    for line in [
        "provider acme: updated (summary, difficulty)",
        "route acme/amazon: deleted",
        "step 1 of route acme/website/elsewhere: updated (title)",
        "route acme/paypal: created",
        "step 1 of route acme/paypal: created",
        "provider newco: created (with 1 route, 2 steps)",
        "Dry run: nothing was changed.",
    ]:
        assert f"  {line}" in out or line in out, (line, out)
    assert everything() == before


def test_a_confirmed_preview_is_applied_only_if_nothing_changed_in_between(imported, tmp_path):
    from guides.files.documents import parse_document
    from guides.files.importer import import_documents
    from guides.files.report import PreviewOutdated

    data = sample_data()
    data["providers"][0]["summary"] = "Previewed"
    text = yaml.safe_dump(data, sort_keys=False)
    preview = import_documents([parse_document("g.yaml", text)], dry_run=True)
    Provider.objects.filter(slug="acme").update(name="Renamed meanwhile")
    before = everything()
    with pytest.raises(PreviewOutdated) as excinfo:
        import_documents([parse_document("g.yaml", text)], expected=preview.fingerprint())
    assert "provider acme: updated (name, summary)" in excinfo.value.report.details()
    assert everything() == before
    again = excinfo.value.report.fingerprint()
    import_documents([parse_document("g.yaml", text)], expected=again)
    assert Provider.objects.get(slug="acme").summary == "Previewed"


def test_a_channel_may_say_where_it_is_listed(db, tmp_path):
    data = sample_data()
    data["channels"][1]["position"] = 3
    call_command("import_guides", str(write(tmp_path, data)), verbosity=0)
    assert PurchaseChannel.objects.get(slug="app-store").position == 3
    assert PurchaseChannel.objects.get(slug="amazon").position == 0


def test_every_key_of_the_schema_is_documented():
    import json
    import re

    schema = json.loads(Path("guides/files/guides.schema.json").read_text())
    docs = Path("docs/format.md").read_text()
    keys: set[str] = set()

    def collect(node):
        if isinstance(node, dict):
            keys.update(node.get("properties", {}))
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(schema)
    missing = sorted(key for key in keys if not re.search(rf"\b{re.escape(key)}:", docs))
    assert not missing, f"keys of the schema not shown in docs/format.md: {missing}"
    enums = {value for node in [schema] for value in _enums(node)}
    assert not sorted(v for v in enums if v not in docs), "enum values missing from the docs"


def _enums(node):
    if isinstance(node, dict):
        yield from node.get("enum", [])
        for value in node.values():
            yield from _enums(value)
    elif isinstance(node, list):
        for value in node:
            yield from _enums(value)


# Editors' work is never overwritten by a plain import ------------------------------------------


def test_a_plain_import_keeps_an_editors_change_and_names_it(imported, tmp_path, capsys):
    """As compose runs it on every start: an editor's change survives a restart."""
    acme = Provider.objects.get(slug="acme")
    acme.summary = "Written by an editor in the admin."
    acme.save()
    data = sample_data()
    data["providers"].append({**data["providers"][0], "slug": "acme-two", "routes": []})
    capsys.readouterr()
    call_command("import_guides", str(write(tmp_path, data)))
    out = capsys.readouterr().out
    assert Provider.objects.get(slug="acme").summary == "Written by an editor in the admin."
    assert "provider acme differs (summary): kept" in out
    assert "import_guides --replace" in out
    assert Provider.objects.filter(slug="acme-two").exists()  # what is new is loaded


def test_replace_overwrites_on_purpose(imported, tmp_path):
    Provider.objects.filter(slug="acme").update(summary="Editor text")
    call_command("import_guides", str(SAMPLE), "--replace", verbosity=0)
    assert Provider.objects.get(slug="acme").summary == sample_data()["providers"][0]["summary"]


def test_compose_and_make_run_use_the_import_that_keeps_editors_work():
    from pathlib import Path

    for name in ["compose.yaml", "Makefile"]:
        text = Path(name).read_text()
        assert "manage.py import_guides" in text
        assert "--replace" not in text, name
