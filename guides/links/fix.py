"""The one-click fix of a moved link: its new address written, in a guide's draft, wherever
the guide holds the old one (every field `addresses.url_fields` names, in every row of the
guide: GUIDE_MODELS). The admin's view (guides/admin/link_health.py) does it as an editor's
change: into a draft, in the history, refused on a stale page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from guides.links.addresses import GUIDE_MODELS, holds_address, url_fields
from guides.models import Provider
from guides.publishing.history import parts_of


@dataclass
class Holding:
    """A row of a guide that holds an address, and in which fields."""

    obj: models.Model
    fields: list[str]


def _replaced(value: str, lines: bool, old: str, new: str) -> str:
    if not lines:
        return new if value.strip() == old else value
    return "\n".join(new if line.strip() == old else line for line in value.split("\n"))


def rows_of(guide: Provider) -> list[models.Model]:
    """The guide's row and every row that belongs to it."""
    rows: list[models.Model] = [guide]
    for model, pks in parts_of(guide).items():
        if model in GUIDE_MODELS:
            rows += model._default_manager.filter(pk__in=pks).order_by("pk")
    return rows


def holding(guide: Provider, old: str) -> list[Holding]:
    """The rows of `guide` that hold `old`, each with the fields that do."""
    found = []
    for obj in rows_of(guide):
        names = [
            name
            for name, lines in url_fields(type(obj))
            if holds_address(obj, name)
            and _replaced(getattr(obj, name) or "", lines, old, "\0") != (getattr(obj, name) or "")
        ]
        if names:
            found.append(Holding(obj, names))
    return found


def replace(found: list[Holding], old: str, new: str) -> None:
    """Write `new` for `old` in these rows' fields (in memory: the caller saves them)."""
    for item in found:
        lines = dict(url_fields(type(item.obj)))
        for name in item.fields:
            setattr(item.obj, name, _replaced(getattr(item.obj, name), lines[name], old, new))
