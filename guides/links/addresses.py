"""Every web address the guides' content links to or cites."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import models
from django.utils.translation import gettext_lazy as _

from guides.models import (
    ContactKind,
    OfficialContact,
    Provider,
    ProviderNote,
    PurchaseChannel,
    Question,
    RightsNote,
    Route,
    Step,
)

# Text fields that hold one address per line (a row's "sources").
LINE_FIELDS = frozenset({"sources"})
# A contact's value is a web address for these kinds (a number or an email otherwise).
WEB_CONTACT_KINDS = frozenset({ContactKind.WEB_FORM, ContactKind.CHAT})
# The rows of one guide, and everything in the content that may hold an address.
GUIDE_MODELS: tuple[type[models.Model], ...] = (
    Provider,
    Route,
    Step,
    ProviderNote,
    Question,
    OfficialContact,
)
CONTENT_MODELS: tuple[type[models.Model], ...] = (*GUIDE_MODELS, RightsNote, PurchaseChannel)


def url_fields(model: type[models.Model]) -> list[tuple[str, bool]]:
    """The fields of `model` that hold web addresses, each with whether it holds one per
    line: its URLFields, its LINE_FIELDS, and a contact's value (see `holds_address`)."""
    found = []
    for model_field in model._meta.concrete_fields:
        if isinstance(model_field, models.URLField):
            found.append((model_field.name, False))
        elif model_field.name in LINE_FIELDS:
            found.append((model_field.name, True))
    if model is OfficialContact:
        found.append(("value", False))
    return found


def holds_address(obj: models.Model, name: str) -> bool:
    """Whether `obj`'s field `name` (one of url_fields) holds addresses: a contact's value
    only when the contact is a web form or a chat."""
    return not (isinstance(obj, OfficialContact) and name == "value") or (
        obj.kind in WEB_CONTACT_KINDS
    )


def kind_of(name: str) -> str:
    """What an address in field `name` is, for the figures: a website, a step's link, a
    contact (web form or chat), or a source."""
    return {"website": "website", "link_url": "link", "value": "contact"}.get(name, "source")


def _web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def _lines(texts: Iterable[str]) -> Iterator[str]:
    for text in texts:
        yield from (line.strip() for line in text.splitlines())


def addresses_by_kind() -> dict[str, set[str]]:
    """The distinct http(s) addresses in the content, drafts included, by kind (`kind_of`):
    every field of CONTENT_MODELS that `url_fields` names."""
    found: dict[str, set[str]] = {}
    for model in CONTENT_MODELS:
        for name, lines in url_fields(model):
            rows = model._default_manager.all()
            if model is OfficialContact and name == "value":
                rows = rows.filter(kind__in=WEB_CONTACT_KINDS)
            values = rows.values_list(name, flat=True)
            urls = _lines(values) if lines else (value.strip() for value in values if value)
            found.setdefault(kind_of(name), set()).update(url for url in urls if _web(url))
    return found


def content_addresses() -> list[str]:
    """The distinct http(s) addresses in the content, drafts included, sorted: step links,
    the sources of steps, notes, questions, contacts and rights notes, providers' and
    channels' websites and sources, and contacts that are web forms or chats."""
    return sorted(set().union(*addresses_by_kind().values()))


def provider_addresses(provider: Provider) -> dict[str, list[str]]:
    """The web addresses of one guide, each with where it is used ("Website", "Step “Open
    Settings”: link", …), in the order a reader meets them."""
    found: dict[str, list[str]] = {}

    def add(url: str, where: str) -> None:
        url = url.strip()
        if url and _web(url):
            found.setdefault(url, []).append(where)

    add(provider.website, str(_("Website")))
    for url in provider.source_list:
        add(url, str(_("Sources")))
    steps = Step.objects.filter(route__provider=provider).order_by(
        "route__position", "route__pk", "position", "pk"
    )
    for step in steps.only("title", "link_url", "source_url"):
        add(step.link_url, _("Step “%(title)s”: link") % {"title": step.title})
        add(step.source_url, _("Step “%(title)s”: source") % {"title": step.title})
    for note in provider.notes.only("title", "source_url"):
        add(note.source_url, _("Note “%(title)s”: source") % {"title": note.title})
    for question in provider.questions.only("question", "source_url"):
        add(question.source_url, _("Question “%(title)s”: source") % {"title": question.question})
    for contact in provider.contacts.only("kind", "label", "value", "source_url"):
        name = contact.label or contact.get_kind_display()
        if contact.kind in {ContactKind.WEB_FORM, ContactKind.CHAT}:
            add(contact.value, _("Contact “%(title)s”") % {"title": name})
        add(contact.source_url, _("Contact “%(title)s”: source") % {"title": name})
    return found
