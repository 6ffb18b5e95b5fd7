"""export_guides: everything an editor can change, in the format import_guides reads, in
a stable order. Export, import into an empty database, export again: byte for byte the same.
"""

from __future__ import annotations

import datetime
import io
import json

import pytest
import yaml
from django.core.management import CommandError, call_command

from bench.generator import generate
from guides.files import exporter
from guides.files.importer import import_paths
from guides.files.validation import schema_validator
from guides.models import (
    Category,
    Feedback,
    OfficialContact,
    Provider,
    PurchaseChannel,
    Route,
    Step,
)
from tests import factories
from tests.files.test_import import SAMPLE


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_guides", *args, stdout=out)
    return out.getvalue()


def wipe() -> None:
    """Empty the guides, as a fresh site would be."""
    Feedback.objects.all().delete()
    Provider.objects.all().delete()
    PurchaseChannel.objects.filter(parent__isnull=False).delete()
    PurchaseChannel.objects.all().delete()
    Category.objects.all().delete()
    assert not Step.objects.exists() and not OfficialContact.objects.exists()


def reimport(text: str, tmp_path, name: str = "export.yaml") -> None:
    wipe()
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    call_command("import_guides", str(path), verbosity=0)


def canonical() -> dict:
    """What the guides say, independent of ids and of how positions are numbered: every
    field an editor can change, ordered lists in their order, owners by their slugs."""

    def steps(**owner):
        return [
            (
                s.kind,
                s.title,
                s.body,
                s.link_url,
                s.link_label,
                s.contact.value if s.contact_id else None,
                s.email_subject,
                s.email_body,
                s.source_url,
            )
            for s in Step.objects.filter(**owner).order_by("position")
        ]

    def contacts(**owner):
        return sorted(
            (c.kind, c.value, c.label, list(c.regions), c.source_url, c.verified_on)
            for c in OfficialContact.objects.filter(**owner)
        )

    def lines(text):
        return [line.strip() for line in text.splitlines() if line.strip()]

    def route(r: Route):
        channel = r.channel
        return {
            "slug": r.slug,
            "label": r.label,
            "channel": (channel.parent.slug, channel.slug)
            if channel and channel.parent_id
            else (channel.slug if channel else None),
            "question": r.question,
            "channel_steps_first": r.channel_steps_first,
            "steps": steps(route=r),
            "routes": [route(c) for c in r.children.order_by("position")],
        }

    def channel(c: PurchaseChannel):
        return {
            "fields": (c.name, c.kind, c.hint, c.website, c.online, c.variant_question),
            "position": c.position if c.parent_id is None else None,
            "sources": lines(c.sources),
            "last_verified_on": c.last_verified_on,
            "contacts": contacts(channel=c),
            "steps": steps(channel=c),
            "variants": [(v.slug, channel(v)) for v in c.variants.order_by("position")],
        }

    return {
        "categories": sorted(Category.objects.values_list("slug", "name", "description")),
        "channels": {
            c.slug: channel(c) for c in PurchaseChannel.objects.filter(parent__isnull=True)
        },
        "providers": {
            p.slug: {
                "fields": (
                    p.name,
                    p.category.slug,
                    p.summary,
                    p.website,
                    p.difficulty,
                    p.minutes_to_cancel,
                    p.first_question,
                    p.popular,
                    p.status,
                    p.last_verified_on,
                ),
                "aliases": lines(p.aliases),
                "sources": lines(p.sources),
                "contacts": contacts(provider=p),
                "notes": [
                    (n.kind, n.title, n.body, n.source_url) for n in p.notes.order_by("position")
                ],
                "questions": [
                    (q.question, q.answer, q.source_url) for q in p.questions.order_by("position")
                ],
                "routes": [route(r) for r in p.routes.filter(parent=None).order_by("position")],
            }
            for p in Provider.objects.all()
        },
    }


@pytest.fixture
def full_guide(db):
    """One of everything, every field away from its default, positions left sparse."""
    category = factories.make_category(slug="security", name="Security", description="Antivirus.")
    store = factories.make_channel(
        slug="store",
        name="Store",
        kind="app_store",
        hint="Billed by the store.",
        website="https://store.example/",
        online=False,
        variant_question="Where?",
        position=7,
        sources="https://store.example/help\nhttps://store.example/more",
        last_verified_on=datetime.date(2026, 3, 1),
    )
    store_contact = factories.make_contact(
        channel=store, kind="email", value="help@store.example", label="Help", regions=["EU"]
    )
    factories.make_step(channel=store, title="Open the store", position=5, contact=store_contact)
    mac = factories.make_channel(
        slug="mac",
        name="On a Mac",
        parent=store,
        kind="marketplace",
        online=True,
        website="https://store.example/mac",
        sources="https://store.example/mac-help",
        last_verified_on=datetime.date(2026, 3, 2),
        position=40,
    )
    mac_contact = factories.make_contact(channel=mac, value="https://store.example/mac-form")
    factories.make_step(
        channel=mac, title="Open the App Store app", position=3, contact=mac_contact
    )
    factories.make_channel(
        slug="phone", name="On a phone", parent=store, position=50, kind="app_store", online=False
    )
    provider = factories.make_provider(
        slug="acme",
        name="Acme",
        category=category,
        aliases="Acme AV\nAcme Total",
        summary="Line one.\nLine two, with trailing text.",
        website="https://acme.example/",
        difficulty="hard",
        minutes_to_cancel=0,
        first_question="Who bills you?",
        popular=True,
        status="published",
        last_verified_on=datetime.date(2026, 1, 21),
        sources="https://acme.example/help",
    )
    contact = factories.make_contact(
        provider=provider,
        kind="web_form",
        value="https://acme.example/contact",
        label="Support",
        regions=["US"],
        source_url="https://acme.example/help",
        verified_on=datetime.date(2026, 1, 20),
    )
    factories.make_contact(provider=provider, kind="chat", value="https://acme.example/chat")
    factories.make_note(provider, kind="refund", title="Refunds", body="**Ask.**", position=9)
    factories.make_note(provider, kind="before", title="Before", source_url="https://a.example/")
    factories.make_question(provider, question="Yes?", answer="no", source_url="https://q.example/")
    top = factories.make_route(
        provider, slug="website", label="Website", question="Where do you live?", position=30
    )
    child = factories.make_route(provider, slug="eu", label="EU", parent=top, position=4)
    factories.make_route(provider, slug="us", label="US", parent=top, position=2)
    factories.make_step(
        route=child,
        title="Write to them",
        kind="tip",
        body="Text with a colon: and # hash\n\n- a list\n",
        link_url="https://acme.example/account",
        link_label="Account",
        contact=contact,
        email_subject="Cancel",
        email_body="Please cancel.\nThanks",
        source_url="https://acme.example/doc",
        position=8,
    )
    factories.make_step(route=child, title="yes", kind="warning", position=9)
    factories.make_step(route=child, title="2026-01-21", position=10)
    factories.make_step(
        route=child, title="  leading spaces", link_url="https://x.example/", position=11
    )
    factories.make_route(
        provider, slug="mac", label="Mac", channel=mac, channel_steps_first=False, position=31
    )
    factories.make_route(provider, slug="store", label="Store", channel=store, position=32)
    factories.make_provider(slug="draft", name="Draft one", category=category, status="draft")
    return provider


def test_round_trip_keeps_everything_an_editor_can_change(full_guide, tmp_path):
    before = canonical()
    first = export()
    reimport(first, tmp_path)
    assert canonical() == before
    assert export() == first


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_round_trip_of_the_shipped_guides_is_byte_identical(db, tmp_path, fmt):
    import_paths()
    first = export("--format", fmt)
    reimport(first, tmp_path, f"export.{fmt}")
    assert export("--format", fmt) == first


def test_round_trip_of_a_generated_dataset_is_byte_identical(db, tmp_path):
    generate(10, seed=11)
    first = export()
    before = canonical()
    reimport(first, tmp_path)
    assert export() == first
    assert canonical() == before


def test_an_export_is_valid_against_the_schema(db):
    import_paths()
    generate(5, seed=2)
    data = json.loads(export("--format", "json"))
    assert not list(schema_validator().iter_errors(data))
    assert {"categories", "channels", "providers"} <= set(data)


def test_defaults_are_left_out_and_text_stays_readable(full_guide):
    data = yaml.safe_load(export())
    draft = next(p for p in data["providers"] if p["slug"] == "draft")
    assert set(draft) == {"slug", "name", "category"}  # status: draft is the default
    acme = next(p for p in data["providers"] if p["slug"] == "acme")
    assert acme["status"] == "published" and acme["minutes_to_cancel"] == 0
    eu = acme["routes"][0]["routes"][1]
    assert [s.get("kind", "do") for s in eu["steps"]] == ["tip", "warning", "do", "do"]
    assert "kind" not in eu["steps"][2]
    assert "channel_steps_first" not in acme["routes"][2]
    assert acme["routes"][1]["channel_steps_first"] is False
    assert acme["routes"][1]["variant"] == "mac"
    store = data["channels"][0]
    assert store["position"] == 7 and store["online"] is False
    assert store["variants"][0]["kind"] == "marketplace" and store["variants"][0]["online"] is True
    assert set(store["variants"][1]) == {"slug", "name"}  # kind and online as the channel's
    text = export()
    assert "summary: |-\n      Line one.\n      Line two" in text  # several lines: a block
    assert "&id" not in text and "*id" not in text  # never an anchor or alias


def test_the_order_is_stable_whatever_the_order_of_creation(db, tmp_path):
    category = factories.make_category(slug="c", name="C")
    for slug in ["beta", "alpha", "gamma"]:
        factories.make_provider(slug=slug, name=slug.title(), category=category)
    data = yaml.safe_load(export())
    assert [p["slug"] for p in data["providers"]] == ["alpha", "beta", "gamma"]
    assert export() == export()


def test_export_of_one_provider(full_guide):
    factories.make_provider(slug="other", name="Other")
    data = yaml.safe_load(export("--provider", "acme"))
    assert [p["slug"] for p in data["providers"]] == ["acme"]
    assert [c["slug"] for c in data["categories"]] == ["security"]
    assert [c["slug"] for c in data["channels"]] == ["store"]  # the channels it uses
    alone = yaml.safe_load(export("--provider", "acme", "--without-shared"))
    assert list(alone) == ["providers"]


def test_unknown_provider_and_bad_options_are_refused(db):
    with pytest.raises(CommandError, match="nope"):
        export("--provider", "nope")
    with pytest.raises(CommandError, match="--without-shared"):
        export("--without-shared")


def test_output_to_a_file(full_guide, tmp_path):
    path = tmp_path / "out.json"
    call_command("export_guides", "--format", "json", "--output", str(path), verbosity=0)
    assert json.loads(path.read_text())["providers"][0]["slug"] == "acme"
    assert path.read_text() == export("--format", "json")


def test_export_makes_a_fixed_number_of_queries(db, django_assert_max_num_queries):
    generate(3, seed=1)
    with django_assert_max_num_queries(12) as small:
        exporter.export_text()
    generate(60, seed=1, replace=True)
    with django_assert_max_num_queries(len(small.captured_queries)):
        exporter.export_text()


def test_the_shipped_export_never_carries_the_scam_number(db):
    import_paths()
    digits = "".join(ch for ch in export() if ch.isdigit())
    assert "8557370477" not in digits


def test_sample_file_exports_back_in_the_same_shape(db):
    """The sample guide written by hand and its export say the same."""
    call_command("import_guides", str(SAMPLE), verbosity=0)
    exported = yaml.safe_load(export())
    written = yaml.safe_load(SAMPLE.read_text())
    assert exported["providers"][0]["routes"] == written["providers"][0]["routes"]
    assert exported["providers"][0]["notes"] == written["providers"][0]["notes"]
