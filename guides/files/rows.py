"""Writing rows from guide files: each saved only when something changed, checked with
full_clean() first, and every change, creation and deletion reported (files/report.py)."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models

from guides.files.documents import (
    Where,
)
from guides.files.report import Change, Report
from guides.files.validation import validation_message


@dataclass(frozen=True)
class Owner:
    """Whose rows are being synced, for the report: `route kaspersky/website`."""

    entry: tuple[str, str]
    kind: str
    label: str

    def __str__(self) -> str:
        return f"{self.kind} {self.label}"


class RowWriter:
    """The bookkeeping of an import: saves, deletions and ordered lists, into a Report."""

    def __init__(self) -> None:
        self.report = Report()
        self.errors: list[str] = []

    # -- bookkeeping ------------------------------------------------------------------------

    def _save(
        self,
        obj: models.Model,
        where: Where,
        values: dict,
        *,
        kind: str,
        label: str,
        entry: tuple[str, str],
    ) -> bool:
        """Set `values` on `obj` and save it if anything changed. False if it was refused."""
        created = obj.pk is None
        changed: list[str] = []
        for name, value in values.items():
            model_field = obj._meta.get_field(name)
            if isinstance(model_field, models.Field) and model_field.is_relation:
                current, new = getattr(obj, model_field.attname), value.pk if value else None
            else:
                current, new = getattr(obj, name), value
            if current != new and not (_empty(current) and _empty(new)):
                setattr(obj, name, value)
                changed.append(name)
        if not (created or changed):
            return True
        try:
            obj.full_clean()
        except ValidationError as exc:
            self.errors.append(f"{where}: {validation_message(exc)}")
            return False
        obj.save()
        counter = self.report.created if created else self.report.updated
        counter[obj._meta.verbose_name] += 1
        action = "created" if created else "updated"
        fields = () if created else tuple(changed)
        self.report.changes.append(Change(action, kind, label, fields, entry))
        return True

    def _delete(self, queryset: models.QuerySet, kind: str, label, entry) -> None:
        """Delete what the file no longer lists; `label(obj)` names each for the report."""
        for obj in queryset:
            self.report.deleted[obj._meta.verbose_name] += 1
            self.report.changes.append(Change("deleted", kind, label(obj), (), entry))
            obj.delete()

    def _unique(self, entries: list, key: str, where: Where, name: str) -> bool:
        counts = Counter(entry[key] for entry in entries)
        clashes = sorted(value for value, count in counts.items() if count > 1)
        for value in clashes:
            self.errors.append(f"{where}: {name} {value!r} is used by {counts[value]} entries")
        return not clashes

    def ordered(
        self,
        model,
        queryset,
        entries: list,
        where: Where,
        owner: Owner,
        kind: str,
        values: Callable[[dict], dict],
    ) -> None:
        """Sync an ordered list (steps, notes, questions) by position: the n-th entry
        updates the n-th row (in (position, pk) order) and numbers it n; rows beyond the
        list are deleted."""
        rows = list(queryset.order_by("position", "pk"))
        for index, entry in enumerate(entries):
            here = where / index
            try:
                fields = values(entry)
            except LookupError as exc:
                self.errors.append(f"{here.at('contact')}: {exc}")
                continue
            obj = rows[index] if index < len(rows) else model()
            label = f"{index + 1} of {owner}"
            self._save(
                obj,
                here,
                {**fields, "position": index + 1},
                kind=kind,
                label=label,
                entry=owner.entry,
            )
        for index, row in enumerate(rows[len(entries) :], start=len(entries) + 1):
            self.report.deleted[row._meta.verbose_name] += 1
            self.report.changes.append(
                Change("deleted", kind, f"{index} of {owner}", (), owner.entry)
            )
            row.delete()


def _empty(value) -> bool:
    """No text: a translation column holds None or "" alike (guides/files/translations.py)."""
    return value is None or value == ""


def parse_date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None
