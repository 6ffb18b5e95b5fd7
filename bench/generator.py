"""A synthetic dataset for benchmarks and scale tests: `manage.py generate_guides`.

Everything it makes is marked as synthetic: every slug starts with `synthetic-`, every
category name ends with "(synthetic)", and every summary says it is not a real company.
It never touches anything else, so it is safe on top of the shipped guides, and
`remove_synthetic()` takes it all away again.

The same number of providers and the same seed give the same content: one random
generator, seeded once, draws everything in a fixed order (`plan_provider`); the rows are
then written with bulk_create in batches, inside one transaction.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q

from bench.plan import (
    CATEGORIES,
    CHANNELS,
    PREFIX,
    ProviderPlan,
    StepPlan,
    plan_provider,
    plan_steps,
    synthetic_slug,
)
from guides.caching import versions
from guides.models import (
    Category,
    Feedback,
    OfficialContact,
    Provider,
    ProviderNote,
    PurchaseChannel,
    Question,
    Route,
    Status,
    Step,
)
from guides.models.translated import translated_fields, translation_columns

BATCH_SIZE = 1000
# Providers planned and written per round: bounds memory whatever the total.
CHUNK = 500


# -- the plan: what to write, drawn from the seeded generator -----------------------------


# -- writing ------------------------------------------------------------------------------


@dataclass
class Stats:
    providers: int = 0
    routes: int = 0
    steps: int = 0
    seconds: float = 0.0


class SyntheticDataExists(Exception):
    pass


def synthetic_providers():
    return Provider.objects.filter(slug__startswith=PREFIX)


def _shared(seed: int) -> tuple[dict[str, Category], dict[str, PurchaseChannel]]:
    """The synthetic categories and channels (with standard steps and variants)."""
    rng = random.Random(f"channels-{seed}")
    categories = Category.objects.bulk_create(
        make(
            Category,
            slug=synthetic_slug(slug),
            name=f"{name} (synthetic)",
            description="Synthetic data for benchmarks and scale tests.",
        )
        for slug, name in CATEGORIES
    )
    channels: dict[str, PurchaseChannel] = {}
    tops = PurchaseChannel.objects.bulk_create(
        make(
            PurchaseChannel,
            slug=synthetic_slug(slug),
            name=f"{name} (synthetic)",
            kind=kind,
            online=online,
            hint="Synthetic channel for benchmarks.",
            variant_question="Where do you manage it?" if variants else "",
            position=900 + index,
        )
        for index, (slug, name, kind, online, variants) in enumerate(CHANNELS, start=1)
    )
    for top, (slug, *_rest, variants) in zip(tops, CHANNELS, strict=True):
        channels[synthetic_slug(slug)] = top
        subs = PurchaseChannel.objects.bulk_create(
            make(
                PurchaseChannel,
                slug=variant,
                name=name,
                kind=top.kind,
                parent=top,
                position=index,
                online=True,
            )
            for index, (variant, name) in enumerate(variants, start=1)
        )
        for sub in subs:
            channels[f"{synthetic_slug(slug)}/{sub.slug}"] = sub
    steps = []
    for channel in channels.values():
        for position, plan in enumerate(
            plan_steps(rng, "https://store.example/", 0, rng.randint(2, 5)), 1
        ):
            steps.append(_step(plan, position, channel=channel))
    _insert_steps(steps)
    return {c.slug: c for c in categories}, channels


def make(model, **values):
    """`model(**values)`, every text's columns given outright (English, none for others)
    and set by Django's constructor: modeltranslation's switches language per column."""
    for field in translated_fields(model):
        default = values[field] if field in values else model._meta.get_field(field).get_default()
        values.setdefault(f"{field}_{settings.LANGUAGE_CODE}", default)
    values.update(dict.fromkeys(translation_columns(model)))
    obj = model.__new__(model)
    models.Model.__init__(obj, **values)
    return obj


STEP_FIELDS = {field.name for field in Step._meta.concrete_fields}
STEP_COLUMNS = [
    "route",
    "channel",
    "position",
    "kind",
    "title",
    "body",
    "link_url",
    "link_label",
    "contact",
    "email_subject",
    "email_body",
    "source_url",
    "regions",
]


def _step(
    plan: StepPlan,
    position: int,
    contact: OfficialContact | None = None,
    route: Route | None = None,
    channel: PurchaseChannel | None = None,
) -> tuple:
    """A step as a row of STEP_COLUMNS (steps are most of the rows: no model instances)."""
    return (
        route.pk if route else None,
        channel.pk if channel else None,
        position,
        plan.kind,
        plan.title,
        plan.body,
        plan.link_url,
        plan.link_label,
        contact.pk if contact else None,
        plan.email_subject,
        plan.email_body,
        "",
        "",
    )


def _insert_steps(rows: list[tuple]) -> None:
    """INSERT the steps many rows to a statement: a fraction of bulk_create's time for rows
    whose ids nothing needs (and one round trip per batch on PostgreSQL, not per row)."""
    table = connection.ops.quote_name(Step._meta.db_table)
    # Every concrete field has a column. The texts go in their English columns as well
    # (guides/translation.py), as the model would write them.
    english = [name for name in STEP_COLUMNS if f"{name}_en" in STEP_FIELDS]
    names = [*STEP_COLUMNS, *(f"{name}_en" for name in english)]
    rows = [(*values, *(values[STEP_COLUMNS.index(name)] for name in english)) for values in rows]
    column_of = {f.name: f.column for f in Step._meta.concrete_fields if f.column is not None}
    columns = ", ".join(connection.ops.quote_name(column_of[name]) for name in names)
    row = "(" + ", ".join(["%s"] * len(names)) + ")"
    limit = connection.features.max_query_params or 30_000
    batch = max(1, min(BATCH_SIZE, limit // len(names)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(chunk))}"
            cursor.execute(sql, [value for values in chunk for value in values])


def _write(
    plans: list[ProviderPlan],
    categories: dict[str, Category],
    channels: dict[str, PurchaseChannel],
    stats: Stats,
) -> None:
    providers = Provider.objects.bulk_create(
        [
            make(
                Provider,
                slug=plan.slug,
                name=plan.name,
                category=categories[plan.category],
                aliases=plan.aliases,
                summary=f"Synthetic guide for benchmarks and scale tests: {plan.name} is not a "
                "real company.",
                website=plan.website,
                difficulty=plan.difficulty,
                minutes_to_cancel=plan.minutes,
                popular=plan.popular,
                status=Status.PUBLISHED,
                last_verified_on=plan.last_verified_on,
                sources=f"{plan.website}help",
            )
            for plan in plans
        ],
        batch_size=BATCH_SIZE,
    )
    contacts = OfficialContact.objects.bulk_create(
        [
            make(
                OfficialContact,
                provider=provider,
                kind=kind,
                value=value,
                label="Customer service",
                source_url=f"{plan.website}help",
                verified_on=verified,
            )
            for provider, plan in zip(providers, plans, strict=True)
            for kind, value, verified in plan.contacts
        ],
        batch_size=BATCH_SIZE,
    )
    by_provider: dict[int | None, list[OfficialContact]] = {}
    for contact in contacts:
        by_provider.setdefault(contact.provider_id, []).append(contact)

    ProviderNote.objects.bulk_create(
        [
            make(
                ProviderNote,
                provider=provider,
                kind=kind,
                title=title,
                body=body,
                position=n,
            )
            for provider, plan in zip(providers, plans, strict=True)
            for n, (kind, title, body) in enumerate(plan.notes, start=1)
        ],
        batch_size=BATCH_SIZE,
    )
    Question.objects.bulk_create(
        [
            make(
                Question,
                provider=provider,
                question=question,
                answer=answer,
                position=n,
            )
            for provider, plan in zip(providers, plans, strict=True)
            for n, (question, answer) in enumerate(plan.questions, start=1)
        ],
        batch_size=BATCH_SIZE,
    )

    # Routes level by level: a level's rows need their parents' ids.
    level = [
        (provider, None, position, route)
        for provider, plan in zip(providers, plans, strict=True)
        for position, route in enumerate(plan.routes, start=1)
    ]
    steps: list[tuple] = []
    while level:
        created = Route.objects.bulk_create(
            [
                make(
                    Route,
                    provider=provider,
                    parent=parent,
                    slug=route.slug,
                    label=route.label,
                    position=position,
                    channel=channels[route.channel] if route.channel else None,
                    question=route.question,
                    channel_steps_first=route.channel_steps_first,
                )
                for provider, parent, position, route in level
            ],
            batch_size=BATCH_SIZE,
        )
        stats.routes += len(created)
        following: list[tuple] = []
        for row, (provider, _parent, _position, route) in zip(created, level, strict=True):
            own = by_provider.get(provider.pk, [])
            for position, step in enumerate(route.steps, start=1):
                named = own[step.contact] if step.contact is not None else None
                steps.append(_step(step, position, named, route=row))
            following.extend(
                (provider, row, position, child)
                for position, child in enumerate(route.children, start=1)
            )
        level = following
    _insert_steps(steps)
    stats.steps += len(steps)
    stats.providers += len(providers)


def remove_synthetic() -> int:
    """Delete every synthetic row; the number of providers removed.

    Rows are deleted with plain DELETE statements (no per-row signals: there may be
    hundreds of thousands), children first."""
    providers = synthetic_providers()
    synthetic_channels = PurchaseChannel.objects.filter(
        Q(slug__startswith=PREFIX, parent__isnull=True) | Q(parent__slug__startswith=PREFIX)
    )
    synthetic_categories = Category.objects.filter(slug__startswith=PREFIX)
    borrowed = Route.objects.filter(channel__in=synthetic_channels).exclude(provider__in=providers)
    if borrowed.exists():
        raise SyntheticDataExists(
            "a guide that is not synthetic uses a synthetic channel: "
            + ", ".join(sorted({r.provider.slug for r in borrowed.select_related("provider")}))
        )
    outside = Provider.objects.filter(category__in=synthetic_categories).exclude(pk__in=providers)
    if outside.exists():
        raise SyntheticDataExists(
            "a provider that is not synthetic is in a synthetic category: "
            + ", ".join(sorted(outside.values_list("slug", flat=True)))
        )
    count = providers.count()
    with transaction.atomic():
        for queryset in (
            Feedback.objects.filter(provider__in=providers),  # it may name their steps
            Step.objects.filter(route__provider__in=providers),
            Step.objects.filter(channel__in=synthetic_channels),
            Route.objects.filter(provider__in=providers),
            OfficialContact.objects.filter(
                Q(provider__in=providers) | Q(channel__in=synthetic_channels)
            ),
            ProviderNote.objects.filter(provider__in=providers),
            Question.objects.filter(provider__in=providers),
            providers,
            PurchaseChannel.objects.filter(parent__in=synthetic_channels),
            synthetic_channels,
            synthetic_categories,
        ):
            # A bulk delete without the collector's per-row signals.
            queryset._raw_delete(queryset.db)
    versions.changed(versions.SITE)  # bulk writes send no signals
    return count


def generate(providers: int, seed: int, *, replace: bool = False) -> Stats:
    """Create `providers` synthetic providers (and the categories and channels they use),
    deterministically from `seed`, in one transaction."""
    started = time.perf_counter()
    existing = (
        synthetic_providers().count() or Category.objects.filter(slug__startswith=PREFIX).count()
    )
    if existing and not replace:
        raise SyntheticDataExists(
            "there is synthetic data already; run with --replace to remove it first"
        )
    stats = Stats()
    with transaction.atomic():
        if existing:
            remove_synthetic()
        categories, channels = _shared(seed)
        rng = random.Random(seed)
        width = max(5, len(str(providers)))
        for start in range(1, providers + 1, CHUNK):
            numbers = range(start, min(start + CHUNK, providers + 1))
            plans = [plan_provider(rng, number, width) for number in numbers]
            _write(plans, categories, channels, stats)
    _refresh_statistics()
    versions.changed(versions.SITE)
    stats.seconds = time.perf_counter() - started
    return stats


def _refresh_statistics() -> None:
    """A bulk load leaves the query planner's row counts stale: on PostgreSQL a search then
    picks a plan meant for a dozen providers and runs a hundred times slower. Count again."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
