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

import datetime
import random
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.utils.text import slugify

from guides.caching import content_version
from guides.models import (
    Category,
    ChannelKind,
    ContactKind,
    Feedback,
    NoteKind,
    OfficialContact,
    Provider,
    ProviderNote,
    PurchaseChannel,
    Question,
    Route,
    Status,
    Step,
    StepKind,
)

PREFIX = "synthetic-"
BATCH_SIZE = 1000
# Providers planned and written per round: bounds memory whatever the total.
CHUNK = 500
MAX_DEPTH = 3
EPOCH = datetime.date(2025, 1, 1)

CATEGORIES = [
    ("streaming", "Streaming"),
    ("music", "Music"),
    ("news", "News"),
    ("security-software", "Security software"),
    ("cloud-storage", "Cloud storage"),
    ("fitness", "Fitness"),
    ("dating", "Dating"),
    ("gaming", "Gaming"),
]

# slug, name, kind, online, variants: (slug, name) pairs with the question choosing them
CHANNELS = [
    ("website", "The provider's website", ChannelKind.PROVIDER, True, ()),
    (
        "app-store",
        "App store",
        ChannelKind.APP_STORE,
        True,
        (("phone", "On a phone or tablet"), ("computer", "On a computer")),
    ),
    (
        "play-store",
        "Play store",
        ChannelKind.APP_STORE,
        True,
        (("phone", "On a phone"), ("web", "On the web"), ("tv", "On a TV")),
    ),
    ("marketplace", "Online marketplace", ChannelKind.MARKETPLACE, True, ()),
    ("retailer", "Electronics retailer", ChannelKind.RETAILER, False, ()),
    ("reseller", "Software reseller", ChannelKind.RESELLER, True, ()),
    ("payments", "Payment service", ChannelKind.PAYMENT, True, ()),
    ("carrier", "Phone carrier", ChannelKind.CARRIER, False, ()),
    ("by-phone", "By phone", ChannelKind.PHONE, False, ()),
]

FIRST = [
    "Bright",
    "Blue",
    "Cloud",
    "Swift",
    "Nova",
    "Peak",
    "River",
    "Stone",
    "Sun",
    "Iron",
    "Oak",
    "Silver",
    "Pixel",
    "Echo",
    "Zen",
]
SECOND = [
    "wave",
    "box",
    "stream",
    "fit",
    "news",
    "vault",
    "beat",
    "play",
    "guard",
    "line",
    "cast",
    "hub",
    "works",
    "flow",
    "cart",
]
PRODUCTS = [
    "Plus",
    "Premium",
    "Pro",
    "Family",
    "Basic",
    "Max",
    "One",
    "Go",
    "Unlimited",
    "Standard",
]
VERBS = ["Open", "Go to", "Choose", "Find", "Select", "Look at", "Review", "Tap", "Click"]
THINGS = [
    "your account page",
    "the Subscriptions section",
    "the billing settings",
    "the plan you pay for",
    "the cancellation option",
    "the renewal date",
    "the confirmation email",
    "the list of payments",
    "the membership details",
    "the help centre",
]
SENTENCES = [
    "It is usually in the menu under your name.",
    "You may be asked to sign in again.",
    "A retention offer may appear; you can decline it.",
    "Keep the confirmation as proof that you cancelled.",
    "Access continues until the end of the paid period.",
    "The wording differs between the app and the website.",
    "If nothing happens, try again in a private window.",
    "Look for **Cancel** or **Turn off automatic renewal**.",
]
QUESTIONS = [
    ("Can I get a refund?", "Ask whoever charged you; the rules differ by seller."),
    ("Does deleting the app cancel?", "No. The subscription renews until you cancel it."),
    ("When does access end?", "At the end of the period you have paid for."),
    ("Can I cancel from my phone?", "Yes, where you bought it allows it in a browser."),
    ("Will I lose my data?", "Download anything you want to keep before the period ends."),
]
REGIONS = ["United States", "United Kingdom", "European Union", "Canada", "Elsewhere"]
PLANS = ["Monthly plan", "Yearly plan", "Family plan", "Student plan"]


def _slug(kind: str, n: int | str = "") -> str:
    return f"{PREFIX}{kind}-{n}" if n != "" else f"{PREFIX}{kind}"


# -- the plan: what to write, drawn from the seeded generator -----------------------------


@dataclass
class StepPlan:
    kind: str
    title: str
    body: str = ""
    link_url: str = ""
    link_label: str = ""
    contact: int | None = None  # index into the provider's contacts
    email_subject: str = ""
    email_body: str = ""


@dataclass
class RoutePlan:
    slug: str
    label: str
    channel: str | None  # slug of a synthetic channel, or "channel/variant"
    question: str = ""
    channel_steps_first: bool = True
    steps: list[StepPlan] = field(default_factory=list)
    children: list[RoutePlan] = field(default_factory=list)


@dataclass
class ProviderPlan:
    slug: str
    name: str
    category: str
    aliases: str
    difficulty: str
    minutes: int | None
    popular: bool
    website: str
    last_verified_on: datetime.date | None
    contacts: list[tuple[str, str, datetime.date | None]]
    notes: list[tuple[str, str, str]]
    questions: list[tuple[str, str]]
    routes: list[RoutePlan]


def _steps(rng: random.Random, site: str, contacts: int, count: int) -> list[StepPlan]:
    steps = []
    for _ in range(count):
        kind = rng.choices(
            [StepKind.DO, StepKind.CHECK, StepKind.WARNING, StepKind.TIP], [7, 1, 1, 1]
        )[0]
        step = StepPlan(kind=kind, title=f"{rng.choice(VERBS)} {rng.choice(THINGS)}")
        if rng.random() < 0.7:
            step.body = " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))
        if rng.random() < 0.25:
            step.link_url = f"{site}account"
            step.link_label = "Open your account" if rng.random() < 0.8 else ""
        if contacts and rng.random() < 0.1:
            step.contact = rng.randrange(contacts)
        if rng.random() < 0.05:
            step.email_subject = "Please cancel my subscription"
            if rng.random() < 0.7:
                step.email_body = "Please cancel my subscription and confirm by email."
        steps.append(step)
    return steps


def _routes(
    rng: random.Random, site: str, contacts: int, depth: int, channels: list[str]
) -> list[RoutePlan]:
    routes = []
    for channel in channels:
        if depth == 1:
            top, _, variant = channel.partition("/")
            name, variants = next((c[1], c[4]) for c in CHANNELS if c[0] == top)
            label = name
            if variant:
                label += ", " + dict(variants)[variant].lower()
            slug = channel.replace("/", "-")
        else:
            label, slug = channel, slugify(channel)
            channel = None
        route = RoutePlan(slug=slug, label=label, channel=channel and _slug(channel))
        if rng.random() < 0.15:
            route.channel_steps_first = False
        route.steps = _steps(rng, site, contacts, rng.randint(2, 8))
        if depth < MAX_DEPTH and rng.random() < (0.35 if depth == 1 else 0.3):
            route.question = rng.choice(["Where do you live?", "Which plan do you have?"])
            pool = REGIONS if route.question.startswith("Where") else PLANS
            answers = rng.sample(pool, rng.randint(2, 3))
            route.children = _routes(rng, site, contacts, depth + 1, answers)
        routes.append(route)
    return routes


# What a first answer can name: a channel, or (for some) one of its variants chosen already.
CHANNEL_CHOICES = [slug for slug, *_ in CHANNELS] + [
    f"{slug}/{variants[0][0]}" for slug, *_, variants in CHANNELS if variants
]


def plan_provider(rng: random.Random, number: int, width: int) -> ProviderPlan:
    slug = _slug("provider", f"{number:0{width}d}")
    name = f"{rng.choice(FIRST)}{rng.choice(SECOND)} {rng.choice(PRODUCTS)} {number}"
    site = f"https://{slug}.example/"
    contacts = []
    for kind in rng.sample([ContactKind.WEB_FORM, ContactKind.EMAIL], rng.randint(0, 2)):
        value = f"{site}contact" if kind == ContactKind.WEB_FORM else f"help@{slug}.example"
        verified = (
            EPOCH + datetime.timedelta(days=rng.randrange(365)) if rng.random() < 0.5 else None
        )
        contacts.append((kind, value, verified))
    # A first answer per channel: never the same channel twice, nor a channel and its variant.
    wanted = rng.randint(1, 5)
    picked: list[str] = []
    for choice in rng.sample(CHANNEL_CHOICES, len(CHANNEL_CHOICES)):
        if len(picked) == wanted:
            break
        if choice.split("/")[0] not in {p.split("/")[0] for p in picked}:
            picked.append(choice)
    notes = [
        (
            rng.choice(NoteKind.values),
            f"Note {n} about {name}",
            " ".join(rng.sample(SENTENCES, 2)),
        )
        for n in range(1, rng.randint(1, 4) + 1)
    ]
    questions = rng.sample(QUESTIONS, rng.randint(0, 4))
    return ProviderPlan(
        slug=slug,
        name=name,
        category=_slug(rng.choice(CATEGORIES)[0]),
        aliases=f"{name.rsplit(' ', 1)[0]}\nSynthetic {number}",
        difficulty=rng.choice(["easy", "medium", "medium", "hard", "impossible"]),
        minutes=rng.choice([None, 2, 5, 10, 15, 30]),
        popular=rng.random() < 0.02,
        website=site,
        last_verified_on=(
            EPOCH + datetime.timedelta(days=rng.randrange(365)) if rng.random() < 0.6 else None
        ),
        contacts=contacts,
        notes=notes,
        questions=questions,
        routes=_routes(rng, site, len(contacts), 1, picked),
    )


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
        Category(
            slug=_slug(slug),
            name=f"{name} (synthetic)",
            description="Synthetic data for benchmarks and scale tests.",
        )
        for slug, name in CATEGORIES
    )
    channels: dict[str, PurchaseChannel] = {}
    tops = PurchaseChannel.objects.bulk_create(
        PurchaseChannel(
            slug=_slug(slug),
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
        channels[_slug(slug)] = top
        subs = PurchaseChannel.objects.bulk_create(
            PurchaseChannel(
                slug=variant, name=name, kind=top.kind, parent=top, position=index, online=True
            )
            for index, (variant, name) in enumerate(variants, start=1)
        )
        for sub in subs:
            channels[f"{_slug(slug)}/{sub.slug}"] = sub
    steps = []
    for channel in channels.values():
        for position, plan in enumerate(
            _steps(rng, "https://store.example/", 0, rng.randint(2, 5)), 1
        ):
            steps.append(_step(plan, position, channel=channel))
    _insert_steps(steps)
    return {c.slug: c for c in categories}, channels


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
    )


def _insert_steps(rows: list[tuple]) -> None:
    """INSERT the steps many rows to a statement: a fraction of bulk_create's time for rows
    whose ids nothing needs (and one round trip per batch on PostgreSQL, not per row)."""
    table = connection.ops.quote_name(Step._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(Step._meta.get_field(name).column) for name in STEP_COLUMNS
    )
    row = "(" + ", ".join(["%s"] * len(STEP_COLUMNS)) + ")"
    limit = connection.features.max_query_params or 30_000
    batch = max(1, min(BATCH_SIZE, limit // len(STEP_COLUMNS)))
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
            Provider(
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
            OfficialContact(
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
    by_provider: dict[int, list[OfficialContact]] = {}
    for contact in contacts:
        by_provider.setdefault(contact.provider_id, []).append(contact)

    ProviderNote.objects.bulk_create(
        [
            ProviderNote(provider=provider, kind=kind, title=title, body=body, position=n)
            for provider, plan in zip(providers, plans, strict=True)
            for n, (kind, title, body) in enumerate(plan.notes, start=1)
        ],
        batch_size=BATCH_SIZE,
    )
    Question.objects.bulk_create(
        [
            Question(provider=provider, question=question, answer=answer, position=n)
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
                Route(
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
        following = []
        for row, (provider, _parent, _position, route) in zip(created, level, strict=True):
            own = by_provider.get(provider.pk, [])
            for position, step in enumerate(route.steps, start=1):
                contact = own[step.contact] if step.contact is not None else None
                steps.append(_step(step, position, contact, route=row))
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
    content_version.bump()  # bulk writes send no signals
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
    content_version.bump()
    stats.seconds = time.perf_counter() - started
    return stats


def _refresh_statistics() -> None:
    """A bulk load leaves the query planner's row counts stale: on PostgreSQL a search then
    picks a plan meant for a dozen providers and runs a hundred times slower. Count again."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
