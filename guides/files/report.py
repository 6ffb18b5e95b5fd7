"""What an import changes, row by row: the report an editor reads before confirming, and
the fingerprint that tells a preview from a later run."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field


class PreviewOutdated(Exception):
    """The import would now change something other than what was previewed (the database
    changed in between). Nothing was changed; `report` is what it would do now."""

    def __init__(self, report: Report) -> None:
        super().__init__("The changes differ from the preview.")
        self.report = report


@dataclass(frozen=True)
class Change:
    """One row created, updated or deleted: `route kaspersky/website: updated (label)`."""

    action: str  # created, updated, deleted
    kind: str  # category, channel, provider, route, step, note, question, contact
    label: str
    fields: tuple[str, ...] = ()
    entry: tuple[str, str] = ("", "")  # the top-level entry it belongs to, e.g. provider acme

    @property
    def is_entry(self) -> bool:
        return (self.kind, self.label) == self.entry

    def __str__(self) -> str:
        text = f"{self.kind} {self.label}: {self.action}"
        return f"{text} ({', '.join(self.fields)})" if self.fields else text


@dataclass
class Report:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Entries already in the database, left as they are (import with keep_existing), and
    # for each that differs from the files, what the files would have changed.
    kept: list[str] = field(default_factory=list)
    not_overwritten: dict[str, list[str]] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    def lines(self) -> list[str]:
        """Counts per kind of row: `provider: 0 created, 1 updated, 0 deleted`."""
        names = sorted(set(self.created) | set(self.updated) | set(self.deleted))
        return [
            f"{name}: {self.created[name]} created, {self.updated[name]} updated, "
            f"{self.deleted[name]} deleted"
            for name in names
        ]

    def details(self) -> list[str]:
        """What changes, entry by entry. An entry that is new is one line, with what it
        comes with; otherwise each row that changes is a line of its own."""
        new_entries = {c.entry for c in self.changes if c.action == "created" and c.is_entry}
        lines: list[str] = []
        done: set[tuple[str, str]] = set()
        for change in self.changes:
            if change.entry in new_entries:
                if change.entry in done:
                    continue
                done.add(change.entry)
                parts = Counter(
                    c.kind
                    for c in self.changes
                    if c.entry == change.entry and c.action == "created" and not c.is_entry
                )
                extra = ", ".join(_plural(count, kind) for kind, count in sorted(parts.items()))
                kind, slug = change.entry
                lines.append(f"{kind} {slug}: created" + (f" (with {extra})" if extra else ""))
            else:
                lines.append(str(change))
        return lines

    def fingerprint(self) -> str:
        """A digest of exactly what would change, to tell a preview from a later run."""
        text = "\n".join(str(change) for change in self.changes)
        return hashlib.sha256(text.encode()).hexdigest()


def _plural(count: int, kind: str) -> str:
    return f"{count} {kind}" if count == 1 else f"{count} {kind}s"
