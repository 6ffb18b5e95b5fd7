"""generate_guides: a deterministic synthetic dataset, clearly marked, safe on top of the
shipped guides, fast enough for 10,000 providers on SQLite."""

from __future__ import annotations

import io
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Max, Min

from bench import generator
from guides.files import exporter
from guides.files.importer import import_paths
from guides.models import Category, Provider, PurchaseChannel, Route, Step
from tests.files.test_export import wipe


def generate(*args) -> str:
    out = io.StringIO()
    call_command("generate_guides", *args, stdout=out)
    return out.getvalue()


def synthetic_export() -> str:
    slugs = Provider.objects.filter(slug__startswith="synthetic-").values_list("slug", flat=True)
    return exporter.export_text("yaml", list(slugs))


def test_same_providers_and_seed_give_the_same_content(db):
    generate("--providers", "40", "--seed", "7")
    first = exporter.export_text()
    wipe()
    generate("--providers", "40", "--seed", "7")
    assert exporter.export_text() == first
    generate("--providers", "40", "--seed", "8", "--replace")
    assert exporter.export_text() != first


def test_the_dataset_looks_like_real_guides(db):
    out = generate("--providers", "60", "--seed", "3")
    assert "Created 60 synthetic providers" in out
    providers = Provider.objects.all()
    assert providers.count() == 60
    assert all(p.slug.startswith("synthetic-") and p.is_published for p in providers)
    assert all("not a real company" in p.summary for p in providers)
    assert Category.objects.filter(slug__startswith="synthetic-").count() >= 4
    assert all(c.name.endswith("(synthetic)") for c in Category.objects.all())
    steps = Route.objects.annotate(n=Count("steps")).aggregate(low=Min("n"), high=Max("n"))
    assert steps == {"low": 2, "high": 8}  # 2 to 8 steps for every answer
    depths = set()
    for route in Route.objects.select_related("parent__parent__parent"):
        depth, node = 1, route
        while node.parent_id:
            depth, node = depth + 1, node.parent
        depths.add(depth)
    assert depths == {1, 2, 3}
    assert Route.objects.filter(channel__parent__isnull=False).exists()  # variants chosen
    assert PurchaseChannel.objects.filter(parent__isnull=False).exists()
    assert Step.objects.filter(channel__isnull=False).exists()  # standard steps
    assert Provider.objects.filter(notes__isnull=False).distinct().count() == 60


def test_it_is_safe_on_top_of_the_shipped_guides(db):
    import_paths()
    shipped = exporter.export_text()
    generate("--providers", "20")
    assert Provider.objects.filter(slug__startswith="synthetic-").count() == 20
    everything = exporter.export_text()
    generate("--remove")
    assert exporter.export_text() == shipped
    assert everything != shipped


def test_it_refuses_to_run_twice_unless_told_to_replace(db):
    generate("--providers", "5")
    before = synthetic_export()
    with pytest.raises(CommandError, match="--replace"):
        generate("--providers", "5")
    assert synthetic_export() == before
    generate("--providers", "8", "--replace")
    assert Provider.objects.count() == 8


def test_remove_refuses_while_a_real_guide_uses_synthetic_data(db):
    generate("--providers", "3")
    from tests import factories

    real = factories.make_provider(slug="real", name="Real")
    factories.make_route(real, channel=PurchaseChannel.objects.get(slug="synthetic-website"))
    with pytest.raises(CommandError, match="real"):
        generate("--remove")
    assert Provider.objects.filter(slug__startswith="synthetic-").count() == 3


def test_bad_arguments(db):
    with pytest.raises(CommandError, match="at least 1"):
        generate("--providers", "0")


def test_the_api_serves_a_generated_provider_in_a_fixed_number_of_queries(
    db, client, django_assert_max_num_queries
):
    generate("--providers", "30", "--seed", "5")
    by_size = Provider.objects.annotate(n=Count("routes")).order_by("n")
    small, large = by_size.first(), by_size.last()
    assert large.n > small.n
    with django_assert_max_num_queries(7):
        assert client.get(f"/api/v1/providers/{small.slug}/").status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(f"/api/v1/providers/{large.slug}/").status_code == 200


@pytest.mark.serial
@pytest.mark.xfail(
    reason="A regression to win back: since every text has a column per language (issue 13), "
    "1,000 providers take 5 to 7 s on SQLite and 13 to 14 s on PostgreSQL, around the budget "
    "of 6 s and 12 s; 10,000 take 47 s on SQLite, inside the minute.",
    strict=False,
)
def test_1000_providers_load_at_a_pace_of_10000_a_minute(db):
    """The suite's timing check, small: 10,000 in a minute on SQLite is 1,000 in 6 s. (A
    manual run of 10,000 is reported in docs/api.md, in its section on scale.) The promise
    is SQLite's; on another database the suite allows twice as long. A thousand, not fewer:
    what a run pays once (plans, statements) must be spread as a run of 10,000 spreads it,
    now that each text is written in every language's column."""
    count = 1_000
    started = time.perf_counter()
    stats = generator.generate(count, seed=1)
    elapsed = time.perf_counter() - started
    assert stats.providers == count
    budget = count * 60 / 10_000 * (1 if connection.vendor == "sqlite" else 2)
    assert elapsed < budget, f"{elapsed:.2f} s for {count} providers on {connection.vendor}"
