"""Write the guides out in the format the importer reads (docs/format.md).

Everything an editor can change is written, in a stable order, and nothing else: no
database ids, no timestamps, no users. A value the importer would assume anyway (an empty
text, `kind: do`, `status: draft`, …) is left out, so that an export is as tidy as a file
written by hand and still says everything. Export, import into an empty database, export
again: the two exports are byte for byte the same (tests/test_export.py).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import yaml
from django.db.models import F, Q

from cancelflow.languages import in_source_language
from guides.files import rights
from guides.files.documents import (
    DEFAULT_DIFFICULTY,
    DEFAULT_FIRST_QUESTION,
    DEFAULT_STATUS,
    DEFAULT_STEP_KIND,
)
from guides.files.translations import texts_of
from guides.models import (
    Category,
    OfficialContact,
    Provider,
    ProviderNote,
    PurchaseChannel,
    Question,
    Route,
    StatementDescriptor,
    Step,
)
from guides.regions import codes_of

FORMATS = ("yaml", "json")
YAML_HEADER = (
    "# cancelflow guides: the format is described in docs/format.md.\n"
    "# Load with: python manage.py import_guides FILE\n"
)


class UnknownProvider(LookupError):
    pass


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _put(out: dict, key: str, value, default=None) -> None:
    """Set `key` unless `value` is what the importer assumes when the key is left out."""
    if value is None or value == default or value in ("", [], {}):
        return
    out[key] = value


def regions_of(obj) -> list[str]:
    """Where a row applies, as its file lists it: its codes in order (none: everywhere)."""
    return sorted(codes_of(obj.regions))


def _contact(contact: OfficialContact) -> dict:
    out = {"kind": contact.kind, "value": contact.value}
    _put(out, "label", contact.label)
    _put(out, "regions", regions_of(contact))
    out["source_url"] = contact.source_url
    _put(out, "verified_on", contact.verified_on)
    _put(out, "translations", texts_of(contact))
    return out


def _descriptor(descriptor: StatementDescriptor) -> dict:
    out = {"pattern": descriptor.pattern}
    _put(out, "example", descriptor.example)
    out["source_url"] = descriptor.source_url
    _put(out, "last_verified_on", descriptor.last_verified_on)
    return out


def _step(step: Step) -> dict:
    out: dict[str, Any] = {"title": step.title}
    _put(out, "kind", step.kind, DEFAULT_STEP_KIND)
    _put(out, "body", step.body)
    if step.link_url:
        out["link"] = {"url": step.link_url}
        _put(out["link"], "label", step.link_label)
    if step.contact is not None:
        out["contact"] = step.contact.value
    if step.email_subject:
        out["email"] = {"subject": step.email_subject}
        _put(out["email"], "body", step.email_body)
    _put(out, "source_url", step.source_url)
    _put(out, "regions", regions_of(step))
    _put(out, "translations", texts_of(step))
    return out


def _note(note: ProviderNote) -> dict:
    out = {"kind": note.kind, "title": note.title}
    _put(out, "body", note.body)
    _put(out, "source_url", note.source_url)
    _put(out, "regions", regions_of(note))
    _put(out, "translations", texts_of(note))
    return out


def _question(question: Question) -> dict:
    out = {"question": question.question, "answer": question.answer}
    _put(out, "source_url", question.source_url)
    _put(out, "translations", texts_of(question))
    return out


def _ordered(rows) -> list:
    return sorted(rows, key=lambda row: (row.position, row.pk))


class _Loaded:
    """Every row an export needs, each kind in one query, grouped by owner in memory:
    the number of queries does not grow with the number of providers."""

    def __init__(self, providers: list[Provider], channel_ids: set[int] | None) -> None:
        provider_ids = [p.pk for p in providers]
        # By the owner's id: a step's route or channel, a contact's provider or channel.
        self.steps_by_route: dict[int | None, list[Step]] = defaultdict(list)
        self.steps_by_channel: dict[int | None, list[Step]] = defaultdict(list)
        self.contacts_by_provider: dict[int | None, list[OfficialContact]] = defaultdict(list)
        self.contacts_by_channel: dict[int | None, list[OfficialContact]] = defaultdict(list)
        self.descriptors_by_provider: dict[int | None, list[StatementDescriptor]] = defaultdict(
            list
        )
        self.descriptors_by_channel: dict[int | None, list[StatementDescriptor]] = defaultdict(list)
        self.notes: dict[int, list[ProviderNote]] = defaultdict(list)
        self.questions: dict[int, list[Question]] = defaultdict(list)
        self.children: dict[tuple[int, int | None], list[Route]] = defaultdict(list)

        routes = Route.objects.filter(provider__in=provider_ids).select_related("channel__parent")
        for route in routes:
            self.children[(route.provider_id, route.parent_id)].append(route)
        route_steps = Step.objects.filter(route__provider__in=provider_ids)
        for step in route_steps.select_related("contact"):
            self.steps_by_route[step.route_id].append(step)
        for contact in OfficialContact.objects.filter(provider__in=provider_ids):
            self.contacts_by_provider[contact.provider_id].append(contact)
        for note in ProviderNote.objects.filter(provider__in=provider_ids):
            self.notes[note.provider_id].append(note)
        for question in Question.objects.filter(provider__in=provider_ids):
            self.questions[question.provider_id].append(question)

        # Drafts of changes to channels are no channels of their own (export_channel).
        channels = PurchaseChannel.objects.live()
        channel_steps = Step.objects.filter(channel__isnull=False)
        channel_contacts = OfficialContact.objects.filter(channel__isnull=False)
        if channel_ids is not None:
            channels = PurchaseChannel.objects.filter(
                Q(pk__in=channel_ids) | Q(parent__in=channel_ids)
            )
        channel_steps = channel_steps.filter(channel__in=channels)
        channel_contacts = channel_contacts.filter(channel__in=channels)
        self.channels = list(channels.order_by(F("parent_id").asc(nulls_first=True)))
        for step in channel_steps.select_related("contact"):
            self.steps_by_channel[step.channel_id].append(step)
        for contact in channel_contacts:
            self.contacts_by_channel[contact.channel_id].append(contact)
        # A provider's and a channel's descriptors: one query.
        descriptors = StatementDescriptor.objects.filter(
            Q(provider__in=provider_ids) | Q(channel__in=channels)
        )
        for descriptor in descriptors:
            if descriptor.provider_id:
                self.descriptors_by_provider[descriptor.provider_id].append(descriptor)
            else:
                self.descriptors_by_channel[descriptor.channel_id].append(descriptor)


def _contacts(contacts: list[OfficialContact]) -> list[dict]:
    ordered = sorted(contacts, key=lambda c: (c.kind, c.value, regions_of(c), c.label, c.pk))
    return [_contact(contact) for contact in ordered]


def _channel(channel: PurchaseChannel, variants: list[PurchaseChannel], loaded: _Loaded) -> dict:
    parent = channel.parent if channel.parent_id else None
    out = {"slug": channel.slug, "name": channel.name}
    if parent is None:
        out["kind"] = channel.kind
        _put(out, "position", channel.position, 0)
    else:
        _put(out, "kind", channel.kind, parent.kind)
    _put(out, "hint", channel.hint)
    _put(out, "website", channel.website)
    _put(out, "online", channel.online, parent.online if parent else True)
    if parent is None:
        _put(out, "variant_question", channel.variant_question)
    _put(out, "sources", _lines(channel.sources))
    _put(out, "last_verified_on", channel.last_verified_on)
    _put(out, "regions", regions_of(channel))
    _put(out, "translations", texts_of(channel))
    _put(out, "contacts", _contacts(loaded.contacts_by_channel[channel.pk]))
    descriptors = _ordered(loaded.descriptors_by_channel[channel.pk])
    _put(out, "descriptors", [_descriptor(d) for d in descriptors])
    _put(out, "steps", [_step(s) for s in _ordered(loaded.steps_by_channel[channel.pk])])
    if parent is None:
        _put(out, "variants", [_channel(v, [], loaded) for v in variants])
    return out


def _route(route: Route, loaded: _Loaded) -> dict:
    out = {"slug": route.slug, "label": route.label}
    channel = route.channel
    if channel is not None:
        if channel.parent_id:
            out["channel"] = channel.whole.slug
            out["variant"] = channel.slug
        else:
            out["channel"] = channel.slug
    _put(out, "question", route.question)
    _put(out, "channel_steps_first", route.channel_steps_first, True)
    _put(out, "regions", regions_of(route))
    _put(out, "translations", texts_of(route))
    _put(out, "steps", [_step(s) for s in _ordered(loaded.steps_by_route[route.pk])])
    children = _ordered(loaded.children[(route.provider_id, route.pk)])
    _put(out, "routes", [_route(child, loaded) for child in children])
    return out


def _provider(provider: Provider, loaded: _Loaded) -> dict:
    out = {"slug": provider.slug, "name": provider.name, "category": provider.category.slug}
    _put(out, "status", provider.status, DEFAULT_STATUS)
    _put(out, "aliases", provider.alias_list)
    _put(out, "summary", provider.summary)
    _put(out, "website", provider.website)
    _put(out, "difficulty", provider.difficulty, DEFAULT_DIFFICULTY)
    _put(out, "minutes_to_cancel", provider.minutes_to_cancel)
    _put(out, "first_question", provider.first_question, DEFAULT_FIRST_QUESTION)
    _put(out, "popular", provider.popular, False)
    _put(out, "last_verified_on", provider.last_verified_on)
    _put(out, "sources", provider.source_list)
    _put(out, "translations", texts_of(provider))
    _put(out, "contacts", _contacts(loaded.contacts_by_provider[provider.pk]))
    descriptors = _ordered(loaded.descriptors_by_provider[provider.pk])
    _put(out, "descriptors", [_descriptor(d) for d in descriptors])
    _put(out, "notes", [_note(n) for n in _ordered(loaded.notes[provider.pk])])
    _put(out, "questions", [_question(q) for q in _ordered(loaded.questions[provider.pk])])
    top = _ordered(loaded.children[(provider.pk, None)])
    _put(out, "routes", [_route(route, loaded) for route in top])
    return out


@in_source_language
def export_data(provider_slugs: Iterable[str] | None = None, *, shared: bool = True) -> dict:
    """The guides as plain data, in the shape of a guide file.

    Without `provider_slugs`: every category, channel and provider. With them: those
    providers, and (with `shared`) the category and channels they use, so that the file
    can be imported into a site that lacks them."""
    # The guides themselves: a draft of changes is no guide of its own (export_guide).
    providers_qs = Provider.objects.guides().select_related("category").order_by("slug")
    if provider_slugs is not None:
        wanted = sorted(set(provider_slugs))
        providers = list(providers_qs.filter(slug__in=wanted))
        missing = sorted(set(wanted) - {p.slug for p in providers})
        if missing:
            raise UnknownProvider(", ".join(missing))
    else:
        providers = list(providers_qs)

    channel_ids: set[int] | None = None
    category_ids: set[int] | None = None
    if provider_slugs is not None:
        category_ids = {p.category_id for p in providers} if shared else set()
        channel_ids = set()
        if shared:
            used = Route.objects.filter(provider__in=providers, channel__isnull=False)
            for channel_id, parent_id in used.values_list("channel_id", "channel__parent_id"):
                channel_ids.add(parent_id or channel_id)
    loaded = _Loaded(providers, channel_ids)

    data: dict = {}
    categories = Category.objects.order_by("slug")
    if category_ids is not None:
        categories = categories.filter(pk__in=category_ids)
    _put(data, "categories", [_category(c) for c in categories])

    if channel_ids is None or channel_ids:
        tops = [c for c in loaded.channels if c.parent_id is None]
        variants: dict[int, list[PurchaseChannel]] = defaultdict(list)
        by_pk = {c.pk: c for c in tops}
        for channel in loaded.channels:
            if channel.parent_id in by_pk:
                channel.parent = by_pk[channel.parent_id]
                variants[channel.parent_id].append(channel)
        tops.sort(key=lambda c: (c.position, c.name, c.slug))
        _put(
            data,
            "channels",
            [
                _channel(
                    c, sorted(variants[c.pk], key=lambda v: (v.position, v.name, v.slug)), loaded
                )
                for c in tops
            ],
        )
    _put(data, "providers", [_provider(p, loaded) for p in providers])
    if provider_slugs is None:  # rights notes belong to no guide: a whole export only
        _put(data, "rights", rights.entries())
    return data


@in_source_language
def export_guide(provider: Provider) -> dict:
    """One guide row, a live guide or a draft of changes to one, as a document holding it
    alone (no categories, no channels): what a guide revision stores
    (guides/publishing/revisions.py)."""
    loaded = _Loaded([provider], set())
    return {"providers": [_provider(provider, loaded)]}


@in_source_language
def export_channel(channel: PurchaseChannel) -> dict:
    """One whole channel row, a live channel or a draft of changes to one, with its variants,
    as a document holding it alone: what a channel revision stores (channel_publishing.py)."""
    loaded = _Loaded([], {channel.pk})
    variants = [c for c in loaded.channels if c.parent_id == channel.pk]
    for variant in variants:
        variant.parent = channel
    variants.sort(key=lambda v: (v.position, v.name, v.slug))
    return {"channels": [_channel(channel, variants, loaded)]}


def _category(category: Category) -> dict:
    out = {"slug": category.slug, "name": category.name}
    _put(out, "description", category.description)
    _put(out, "translations", texts_of(category))
    return out


# -- writing ------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """YAML as a person would write it: lists indented under their key, several lines of
    text as a literal block, never an anchor or alias."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data):
        return True


def _represent_str(dumper: yaml.SafeDumper, text: str):
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_str)


def dumps(data: dict, fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
    if fmt != "yaml":
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return YAML_HEADER + body


def export_text(
    fmt: str = "yaml", provider_slugs: Iterable[str] | None = None, *, shared: bool = True
) -> str:
    return dumps(export_data(provider_slugs, shared=shared), fmt)
