"""The change log and each process's versions (guides/caching/versions.py), and what each kind
of row touches (guides/caching/touched.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from guides.caching import touched, versions
from guides.models import (
    Category,
    ContentChange,
    OfficialContact,
    Provider,
    ProviderNote,
    PurchaseChannel,
    Question,
    Route,
    StatementDescriptor,
    Step,
)
from tests import factories


@pytest.fixture
def sample(db):
    call_command("import_guides", "tests/data/sample.yaml", verbosity=0)
    clear_log()


def clear_log() -> None:
    """Empty the log, and read it: what this transaction logged before counts as seen, so
    the next change is logged again (guides/caching/versions.py, _Marker)."""
    ContentChange.objects.all().delete()
    versions.process.poll()


def logged() -> list[str]:
    return sorted(ContentChange.objects.values_list("scope", flat=True))


def test_reading_the_log_costs_two_queries_first_then_one_then_none(
    sample, django_assert_num_queries
):
    reader = versions.Versions()
    with django_assert_num_queries(2):  # the settled sums, the look-back's rows
        reader.current()
    with django_assert_num_queries(0):  # not due: read at most every CONTENT_POLL_SECONDS
        reader.current()
    reader.due = True
    with django_assert_num_queries(1):  # the rows not seen yet
        reader.current()


def test_a_row_that_shows_up_late_still_moves_its_version(sample):
    """Transactions commit in another order than their rows were numbered."""
    reader = versions.Versions()
    late = ContentChange.objects.create(scope="guide:acme")
    ContentChange.objects.create(scope="guide:other")
    late_id = late.pk
    late.delete()  # not committed yet, as far as a reader can tell
    reader.current()
    before = reader.current()["guide:acme"]
    ContentChange.objects.create(id=late_id, scope="guide:acme")  # ... now it is
    reader.due = True
    assert reader.current()["guide:acme"] != before


def test_readers_that_saw_the_same_rows_agree_whatever_the_order(sample):
    old = timezone.now() - timedelta(seconds=versions.LOOKBACK_SECONDS * 2)
    ContentChange.objects.create(scope="guide:acme", at=old)
    first = versions.Versions()
    first.current()
    ContentChange.objects.create(scope="guide:acme")
    ContentChange.objects.create(scope="catalog")
    first.due = True
    second = versions.Versions()  # started later: reads the sums at once
    assert dict(first.current()) == dict(second.current())


def test_settled_rows_are_not_read_again(sample, django_assert_num_queries):
    old = timezone.now() - timedelta(seconds=versions.LOOKBACK_SECONDS * 2)
    for _ in range(3):
        ContentChange.objects.create(scope="guide:acme", at=old)
    reader = versions.Versions()
    reader.current()
    assert reader.low_water == ContentChange.objects.order_by("-id").first().pk
    assert reader.seen == set()


@pytest.mark.parametrize(
    "tag",
    [None, "", "x", (("site",),), ((1, 2, 3),), 5, (("site", "a"),), (("site", 0), None)],
)
def test_anything_but_a_current_tag_is_not_valid(tag):
    assert not versions.Snapshot({"site": 3}).valid(tag)


def test_a_tag_is_valid_while_its_parts_stay_put():
    snapshot = versions.Snapshot({"site": 3, "guide:a": 7})
    tag = snapshot.tag(["guide:a", "guide:b"])
    assert tag == (("guide:a", 7), ("guide:b", 0), ("site", 3))
    assert snapshot.valid(tag)
    assert not versions.Snapshot({"site": 3, "guide:a": 8}).valid(tag)
    assert not versions.Snapshot({"site": 4, "guide:a": 7}).valid(tag)


def acme_parts() -> list[str]:
    acme = Provider.objects.get(slug="acme")
    return ["guide:acme", f"category:{acme.category_id}", "catalog", "names"]


def test_what_each_kind_of_row_touches(sample):
    """Every model whose rows visitors read, saved in place: the parts it names."""
    acme = Provider.objects.get(slug="acme")
    store = PurchaseChannel.objects.get(slug="app-store")
    expected = {
        Category: {f"category:{acme.category_id}", "catalog", "names"},
        PurchaseChannel: {"catalog", "guide:acme"},
        Route: {"guide:acme", "catalog"},
        ProviderNote: {"guide:acme"},
        Question: {"guide:acme"},
    }
    rows = {
        Category: acme.category,
        PurchaseChannel: store,
        Route: Route.objects.filter(provider=acme).first(),
        ProviderNote: ProviderNote.objects.filter(provider=acme).first(),
        Question: factories.make_question(acme, question="Can I?", position=9),
    }
    for model, row in rows.items():
        clear_log()
        row.save()
        assert set(logged()) == expected[model], model.__name__
    for owner, parts in [({"provider": acme}, {"guide:acme"}), ({"channel": store}, None)]:
        clear_log()
        OfficialContact.objects.create(
            kind="web",
            value="https://acme.example/help",
            source_url="https://acme.example/",
            **owner,
        )
        assert set(logged()) == (parts or {"catalog", "guide:acme"})
    clear_log()
    StatementDescriptor.objects.create(
        provider=acme, pattern="ACME*", example="ACME*AV", source_url="https://acme.example/"
    )
    assert set(logged()) == {"guide:acme", "catalog"}  # search reads statement lines


def test_a_step_touches_its_guide_or_the_guides_of_its_channel(sample):
    own = Step.objects.filter(route__provider__slug="acme").first()
    own.save()
    assert logged() == ["guide:acme"]
    clear_log()
    Step.objects.filter(channel__slug="amazon").first().save()
    assert "guide:acme" in logged() and "catalog" in logged()


def test_a_provider_touches_its_listings_only_when_what_they_show_changed(sample):
    acme = Provider.objects.get(slug="acme")
    acme.website = "https://acme.example/new"
    acme.save()
    assert logged() == ["guide:acme"]
    clear_log()
    acme.summary = "A new summary, shown in listings."
    acme.save()
    assert logged() == sorted(acme_parts())
    clear_log()
    acme.slug = "acme-new"
    acme.save()
    assert {"guide:acme", "guide:acme-new", "catalog"} <= set(logged())


def test_drafts_touch_nothing_visitors_see(sample):
    from guides.publishing import revisions

    acme = Provider.objects.get(slug="acme")
    draft = revisions.start_draft(acme)
    clear_log()
    draft.summary = "Being edited"
    draft.save()
    factories.make_route(draft, label="New answer", slug="new-answer")
    Step.objects.filter(route__provider=draft).first().save()
    assert logged() == []


def test_parts_of_names_every_model_the_signals_listen_to():
    """touched.connect() and parts_of() know the same models."""
    from django.db.models.signals import post_save

    listened = {
        model
        for model in (
            Category,
            Provider,
            PurchaseChannel,
            Route,
            Step,
            OfficialContact,
            ProviderNote,
            Question,
            StatementDescriptor,
        )
        if post_save.has_listeners(model)
    }
    assert len(listened) == 9
    assert touched.LISTED  # the fields listings show


def test_pruning_folds_old_rows_and_moves_no_version(db):
    """prune_changes folds each part's rows older than its --days into one: a process that was
    running and one that starts afterwards have the same versions as before it."""
    month_ago = timezone.now() - timedelta(days=40)
    for scope in ["guide:a", "guide:a", "guide:b", "catalog", "guide:a"]:
        ContentChange.objects.create(scope=scope, at=month_ago)
    ContentChange.objects.create(scope="guide:a")  # recent: kept as it is
    running = versions.Versions()
    before = dict(running.current())

    call_command("prune_changes", "--days", "30", verbosity=0)

    assert ContentChange.objects.count() == 4  # guide:a folded from three rows to one
    assert ContentChange.objects.filter(weight__isnull=False).count() == 1
    running.due = True
    assert dict(running.current()) == before
    assert dict(versions.Versions().current()) == before
    # A second pruning, after more old rows, folds them into the folded row's part again.
    ContentChange.objects.create(scope="guide:a", at=month_ago + timedelta(days=1))
    after_one_more = dict(versions.Versions().current())
    call_command("prune_changes", verbosity=0)
    assert ContentChange.objects.filter(scope="guide:a").count() == 2
    assert dict(versions.Versions().current()) == after_one_more


def test_pruning_refuses_a_day_count_below_one(db):
    from django.core.management.base import CommandError

    ContentChange.objects.create(scope="catalog", at=timezone.now() - timedelta(days=400))
    with pytest.raises(CommandError, match="at least 1"):
        call_command("prune_changes", "--days", "0")
    assert ContentChange.objects.count() == 1
