"""The plan of a synthetic dataset: what `generate` (bench/generator.py) writes, drawn from a
seeded random generator, so that the same --providers and --seed give the same content."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.utils.text import slugify

from guides.models import (
    ChannelKind,
    ContactKind,
    NoteKind,
    StepKind,
)

PREFIX = "synthetic-"

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


def synthetic_slug(kind: str, n: int | str = "") -> str:
    return f"{PREFIX}{kind}-{n}" if n != "" else f"{PREFIX}{kind}"


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


def plan_steps(rng: random.Random, site: str, contacts: int, count: int) -> list[StepPlan]:
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


def plan_routes(
    rng: random.Random, site: str, contacts: int, depth: int, channels: list[str]
) -> list[RoutePlan]:
    routes = []
    for picked in channels:
        channel: str | None = None
        if depth == 1:
            top, _, variant = picked.partition("/")
            name, variants = next((c[1], c[4]) for c in CHANNELS if c[0] == top)
            label = name
            if variant:
                label += ", " + dict(variants)[variant].lower()
            slug = picked.replace("/", "-")
            channel = picked
        else:
            label, slug = picked, slugify(picked)
        route = RoutePlan(slug=slug, label=label, channel=channel and synthetic_slug(channel))
        if rng.random() < 0.15:
            route.channel_steps_first = False
        route.steps = plan_steps(rng, site, contacts, rng.randint(2, 8))
        if depth < MAX_DEPTH and rng.random() < (0.35 if depth == 1 else 0.3):
            route.question = rng.choice(["Where do you live?", "Which plan do you have?"])
            pool = REGIONS if route.question.startswith("Where") else PLANS
            answers = rng.sample(pool, rng.randint(2, 3))
            route.children = plan_routes(rng, site, contacts, depth + 1, answers)
        routes.append(route)
    return routes


# What a first answer can name: a channel, or (for some) one of its variants chosen already.
CHANNEL_CHOICES = [slug for slug, *_ in CHANNELS] + [
    f"{slug}/{variants[0][0]}" for slug, *_, variants in CHANNELS if variants
]


def plan_provider(rng: random.Random, number: int, width: int) -> ProviderPlan:
    slug = synthetic_slug("provider", f"{number:0{width}d}")
    name = f"{rng.choice(FIRST)}{rng.choice(SECOND)} {rng.choice(PRODUCTS)} {number}"
    site = f"https://{slug}.example/"
    contacts: list[tuple[str, str, datetime.date | None]] = []
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
        category=synthetic_slug(rng.choice(CATEGORIES)[0]),
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
        routes=plan_routes(rng, site, len(contacts), 1, picked),
    )
