"""Load guide files (docs/format.md) into the database: validate everything, then create or
update by slug, in one transaction. Any fault anywhere leaves the database as it was.

Every error names the file, the line and the entry at fault: the YAML is composed into
nodes first, so each value's line is known (`kaspersky.yaml line 42: providers[0]
(kaspersky) > routes[3] (amazon) > steps[1]: unknown key 'titel'`).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jsonschema
import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction

from guides.caching import content_version
from guides.flow.rules import MAX_ROUTE_DEPTH
from guides.models import (
    Category,
    OfficialContact,
    Provider,
    ProviderNote,
    PurchaseChannel,
    Question,
    Route,
    Status,
    Step,
)

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
SCHEMA_PATH = Path(__file__).resolve().parent / "guides.schema.json"
MAX_FILE_BYTES = 5 * 1024 * 1024
FILE_SUFFIXES = {".yaml", ".yml", ".json"}

# What the importer assumes when a file leaves a key out; the exporter leaves out exactly
# these values, so that an export is tidy and still says everything.
DEFAULT_FIRST_QUESTION = str(Provider._meta.get_field("first_question").default)
DEFAULT_DIFFICULTY = str(Provider._meta.get_field("difficulty").default)
DEFAULT_STATUS = str(Provider._meta.get_field("status").default)
DEFAULT_STEP_KIND = str(Step._meta.get_field("kind").default)


class GuideImportError(Exception):
    """The import was refused; `errors` says where and why. Nothing was changed."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class PreviewOutdated(Exception):
    """The import would now change something other than what was previewed (the database
    changed in between). Nothing was changed; `report` is what it would do now."""

    def __init__(self, report: Report) -> None:
        super().__init__("The changes differ from the preview.")
        self.report = report


class _Rollback(Exception):
    pass


# -- documents and where things are in them -----------------------------------------------


@dataclass
class Document:
    name: str
    data: dict
    lines: dict[tuple, int] = field(default_factory=dict, repr=False)

    def line(self, path: tuple) -> int | None:
        """The line of `path`, or of the nearest enclosing value that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None


@dataclass(frozen=True)
class Where:
    """A place in a document: an entry (what the message names) and, optionally, a key
    inside it (whose line the message gives)."""

    document: Document
    path: tuple = ()
    line_path: tuple | None = None

    def __truediv__(self, key) -> Where:
        return Where(self.document, (*self.path, key))

    def at(self, *keys) -> Where:
        """The same entry, with the line of one of its keys."""
        return Where(self.document, self.path, (*self.path, *keys))

    def __str__(self) -> str:
        line = self.document.line(self.line_path if self.line_path is not None else self.path)
        head = f"{self.document.name} line {line}" if line else self.document.name
        return f"{head}: {describe(self.document.data, self.path) or 'top level'}"


def describe(data, path: Iterable) -> str:
    """`providers[0] (kaspersky) > routes[2] (amazon) > steps[1]` for a path into a file."""
    parts: list[str] = []
    node = data
    for key in path:
        if isinstance(key, int):
            label = f"[{key}]"
            node = node[key] if isinstance(node, list) and key < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("slug"), str):
                label += f" ({node['slug']})"
            if parts:
                parts[-1] += label
            else:
                parts.append(label)
        else:
            node = node.get(key) if isinstance(node, dict) else None
            parts.append(str(key))
    return " > ".join(parts)


# -- the report ---------------------------------------------------------------------------


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


# -- reading and checking files -----------------------------------------------------------


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


@cache
def schema_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def content_files(paths: Iterable[str | Path] = ()) -> list[Path]:
    """The files to import: each path given, or every guide file in a folder given."""
    files: list[Path] = []
    for path in [Path(p) for p in paths] or [CONTENT_DIR]:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in FILE_SUFFIXES))
        else:
            files.append(path)
    return files


def _plain(value):
    """YAML turns 2026-01-21 into a date; the schema (and JSON) speak of strings."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _yaml_error(name: str, exc: yaml.YAMLError) -> GuideImportError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = exc.problem or exc.context or "cannot be read"
        return GuideImportError([f"{name}{where}: not valid YAML: {problem}"])
    return GuideImportError([f"{name}: not valid YAML: {exc}"])


# A file may use YAML anchors and aliases (`&a` … `*a`), but not to blow a small file up
# into an enormous one: this many values at most, once every alias is expanded.
MAX_VALUES = 2_000_000


def _expanded_size(root: yaml.Node) -> int:
    """How many values the document holds once aliases are expanded (aliased nodes are
    shared, so this is computed once per node)."""
    sizes: dict[int, int] = {}
    busy: set[int] = set()

    def size(node: yaml.Node) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        if id(node) in busy:
            raise ValueError("an alias refers to the entry it is part of")
        busy.add(id(node))
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(value) for _, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(item) for item in node.value)
        else:
            total = 1
        busy.discard(id(node))
        sizes[id(node)] = min(total, MAX_VALUES + 1)
        return sizes[id(node)]

    return size(root)


def _node_lines(name: str, root: yaml.Node | None) -> tuple[dict[tuple, int], list[str]]:
    """The line of every value in the document, by its path; and the faults that a plain
    load would hide (a key given twice, of which the last would silently win)."""
    lines: dict[tuple, int] = {}
    errors: list[str] = []
    if root is None:
        return lines, errors
    try:
        if _expanded_size(root) > MAX_VALUES:
            return lines, [f"{name}: its aliases expand to more than {MAX_VALUES:,} values"]
    except ValueError as exc:
        return lines, [f"{name}: {exc}"]
    lines[()] = root.start_mark.line + 1
    stack: list[tuple[yaml.Node, tuple]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, yaml.MappingNode):
            keys: set = set()
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                    continue
                key = key_node.value
                line = key_node.start_mark.line + 1
                if key in keys:
                    errors.append(f"{name} line {line}: key {key!r} is given twice")
                keys.add(key)
                lines.setdefault((*path, key), line)
                stack.append((value_node, (*path, key)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                lines.setdefault((*path, index), item.start_mark.line + 1)
                stack.append((item, (*path, index)))
    return lines, errors


def parse_document(name: str, text: str) -> Document:
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        lines, errors = _node_lines(name, root)
        if errors:
            raise GuideImportError(errors)
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        raise _yaml_error(name, exc) from exc
    except RecursionError as exc:
        raise GuideImportError([f"{name}: nested too deeply to be a guide file"]) from exc
    finally:
        loader.dispose()
    if data is None:
        data = {}
    data = _plain(data)
    if not isinstance(data, dict):
        raise GuideImportError(
            [f"{name}: expected a mapping with categories, channels or providers"]
        )
    return Document(name, data, lines)


def read_documents(files: Iterable[Path]) -> list[Document]:
    documents, errors = [], []
    for path in files:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                errors.append(f"{path.name}: larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
                continue
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            errors.append(f"{path}: no such file")
            continue
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(f"{path.name}: cannot be read: {exc}")
            continue
        try:
            documents.append(parse_document(path.name, text))
        except GuideImportError as exc:
            errors.extend(exc.errors)
    if errors:
        raise GuideImportError(errors)
    return documents


def validate_structure(document: Document) -> list[str]:
    """The file against the JSON Schema (guides/guides.schema.json)."""
    errors = []
    for error in sorted(schema_validator().iter_errors(document.data), key=lambda e: e.path):
        path = tuple(error.absolute_path)
        where = Where(document, path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            if extra:
                where = where.at(extra[0])
        errors.append(f"{where}: {_schema_message(error)}")
    return errors


def _schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return "unknown key " + ", ".join(repr(key) for key in extra)
    if error.validator == "required":
        return error.message.replace(" is a required property", " is missing")
    if error.validator == "pattern" and error.schema.get("pattern", "").startswith("^[-a-z"):
        return f"{error.instance!r} is not a slug (letters, digits, - and _ only)"
    if error.validator == "pattern":
        return f"{error.instance!r} is not an http(s) URL"
    return error.message


def validate_flows(document: Document) -> tuple[list[str], list[str]]:
    """What the schema cannot say about a flow: (errors, warnings).

    Routes are nested in the file, so a flow cannot loop back on itself: every route has
    exactly one parent, the route it is written under, and no key can name another parent.
    What can go wrong instead is a flow that goes too deep (an error: the site could not
    show it), or an answer that leads nowhere, with no answers of its own, no steps and no
    channel whose standard steps would be shown (a warning: a guide being written may be
    like that for a while, and an export of it must still import)."""
    errors: list[str] = []
    warnings: list[str] = []
    where = Where(document)

    def walk(routes: list, here: Where, depth: int, channel: bool) -> None:
        for index, route in enumerate(routes):
            at = here / "routes" / index
            children = route.get("routes", [])
            has_channel = channel or bool(route.get("channel"))
            if depth > MAX_ROUTE_DEPTH:
                errors.append(
                    f"{at}: a flow can be at most {MAX_ROUTE_DEPTH} questions deep "
                    f"(this answer is at depth {depth})"
                )
                continue
            if not children and not route.get("steps") and not has_channel:
                warnings.append(
                    f"{at}: leads nowhere: an answer without answers of its own needs steps "
                    "or a channel"
                )
            walk(children, at, depth + 1, has_channel)

    for index, provider in enumerate(document.data.get("providers", [])):
        walk(provider.get("routes", []), where / "providers" / index, 1, False)
    return errors, warnings


# -- applying -----------------------------------------------------------------------------


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        parts = []
        for name, messages in exc.message_dict.items():
            text = " ".join(messages)
            parts.append(text if name == "__all__" else f"{name}: {text}")
        return "; ".join(parts)
    return " ".join(exc.messages)


@dataclass(frozen=True)
class _Owner:
    """Whose rows are being synced, for the report: `route kaspersky/website`."""

    entry: tuple[str, str]
    kind: str
    label: str

    def __str__(self) -> str:
        return f"{self.kind} {self.label}"


class Importer:
    """Applies validated documents. Every save is checked with full_clean() first."""

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
            if model_field.is_relation:
                current, new = getattr(obj, model_field.attname), value.pk if value else None
            else:
                current, new = getattr(obj, name), value
            if current != new:
                setattr(obj, name, value)
                changed.append(name)
        if not (created or changed):
            return True
        try:
            obj.full_clean()
        except ValidationError as exc:
            self.errors.append(f"{where}: {_validation_message(exc)}")
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

    # -- categories and channels ------------------------------------------------------------

    def category(self, entry: dict, where: Where) -> None:
        obj = Category.objects.filter(slug=entry["slug"]).first() or Category(slug=entry["slug"])
        values = {"name": entry["name"], "description": entry.get("description", "")}
        key = ("category", entry["slug"])
        self._save(obj, where, values, kind="category", label=entry["slug"], entry=key)

    def channel(
        self,
        entry: dict,
        where: Where,
        parent=None,
        position: int = 0,
        *,
        into: PurchaseChannel | None = None,
    ) -> None:
        """Sync a channel with its contacts, steps and variants; `into`, a whole channel row
        to load it into (a draft of changes, or the live channel it is published into),
        instead of the live channel of its slug."""
        if into is not None:
            obj = into
        elif parent is None:
            obj = PurchaseChannel.objects.live().filter(slug=entry["slug"], parent=None).first()
        else:
            obj = PurchaseChannel.objects.filter(slug=entry["slug"], parent=parent).first()
        obj = obj or PurchaseChannel(slug=entry["slug"], parent=parent)
        top = parent.slug if parent else entry["slug"]
        label = f"{parent.slug}/{entry['slug']}" if parent else entry["slug"]
        key = ("channel", top)
        values = {
            "name": entry["name"],
            "kind": entry.get("kind", parent.kind if parent else ""),
            "hint": entry.get("hint", ""),
            "website": entry.get("website", ""),
            "online": entry.get("online", parent.online if parent else True),
            "variant_question": entry.get("variant_question", ""),
            "sources": "\n".join(entry.get("sources", [])),
            "last_verified_on": _date(entry.get("last_verified_on")),
            "position": entry.get("position", 0) if parent is None else position,
        }
        kind = "variant" if parent else "channel"
        if not self._save(obj, where, values, kind=kind, label=label, entry=key):
            return
        owner = _Owner(key, kind, label)
        self.contacts(entry.get("contacts", []), where, owner, channel=obj)
        self.steps(entry.get("steps", []), where, owner, channel=obj)
        if parent is None:
            variants = entry.get("variants", [])
            if not self._unique(variants, "slug", where.at("variants"), "variants: slug"):
                return
            for index, variant in enumerate(variants):
                self.channel(variant, where / "variants" / index, parent=obj, position=index + 1)
            self._delete(
                obj.variants.exclude(slug__in=[v["slug"] for v in variants]),
                "variant",
                lambda v: f"{obj.slug}/{v.slug}",
                key,
            )

    # -- providers --------------------------------------------------------------------------

    def provider(
        self, entry: dict, where: Where, *, into: Provider | None = None, status: str = ""
    ) -> None:
        """Load a provider entry into the guide of its slug (a draft of changes never: it is
        no guide of its own), or `into` a given row: a guide's draft, or a live guide being
        published (guides/publishing.py), with the given `status`."""
        category = Category.objects.filter(slug=entry["category"]).first()
        if category is None:
            self.errors.append(
                f"{where.at('category')}: category: no category {entry['category']!r}"
            )
            return
        obj = into or (
            Provider.objects.guides().filter(slug=entry["slug"]).first()
            or Provider(slug=entry["slug"])
        )
        values = {
            "slug": entry["slug"],
            "name": entry["name"],
            "category": category,
            "status": status or entry.get("status", DEFAULT_STATUS),
            "aliases": "\n".join(entry.get("aliases", [])),
            "summary": entry.get("summary", ""),
            "website": entry.get("website", ""),
            "difficulty": entry.get("difficulty", DEFAULT_DIFFICULTY),
            "minutes_to_cancel": entry.get("minutes_to_cancel"),
            "first_question": entry.get("first_question", DEFAULT_FIRST_QUESTION),
            "popular": entry.get("popular", False),
            "last_verified_on": _date(entry.get("last_verified_on")),
            "sources": "\n".join(entry.get("sources", [])),
        }
        key = ("provider", entry["slug"])
        if not self._save(obj, where, values, kind="provider", label=entry["slug"], entry=key):
            return
        owner = _Owner(key, "provider", entry["slug"])
        self.contacts(entry.get("contacts", []), where, owner, provider=obj)
        self.ordered(
            ProviderNote,
            obj.notes.all(),
            entry.get("notes", []),
            where / "notes",
            owner,
            "note",
            lambda note: {
                "provider": obj,
                "kind": note["kind"],
                "title": note["title"],
                "body": note.get("body", ""),
                "source_url": note.get("source_url", ""),
            },
        )
        self.ordered(
            Question,
            obj.questions.all(),
            entry.get("questions", []),
            where / "questions",
            owner,
            "question",
            lambda q: {
                "provider": obj,
                "question": q["question"],
                "answer": q["answer"],
                "source_url": q.get("source_url", ""),
            },
        )
        self.routes(obj, None, entry.get("routes", []), where, key, entry["slug"])

    def routes(
        self,
        provider: Provider,
        parent: Route | None,
        entries: list,
        where: Where,
        key: tuple[str, str],
        prefix: str,
    ) -> None:
        """Sync one question's answers by slug; answers the file no longer lists go."""
        if not self._unique(entries, "slug", where.at("routes"), "routes: slug"):
            return
        siblings = Route.objects.filter(provider=provider, parent=parent)
        existing = {route.slug: route for route in siblings}
        slugs = [entry["slug"] for entry in entries]
        self._delete(siblings.exclude(slug__in=slugs), "route", lambda r: f"{prefix}/{r.slug}", key)
        for index, entry in enumerate(entries):
            here = where / "routes" / index
            label = f"{prefix}/{entry['slug']}"
            channel = None
            if entry.get("channel"):
                channel = (
                    PurchaseChannel.objects.live()
                    .filter(slug=entry["channel"], parent__isnull=True)
                    .first()
                )
                if channel is None:
                    self.errors.append(
                        f"{here.at('channel')}: channel: no channel {entry['channel']!r}"
                    )
                    continue
                if entry.get("variant"):
                    variant = channel.variants.filter(slug=entry["variant"]).first()
                    if variant is None:
                        self.errors.append(
                            f"{here.at('variant')}: variant: channel {channel.slug!r} has no "
                            f"variant {entry['variant']!r}"
                        )
                        continue
                    channel = variant
            elif entry.get("variant"):
                self.errors.append(f"{here.at('variant')}: variant: name the channel it belongs to")
                continue
            route = existing.get(entry["slug"]) or Route(
                provider=provider, parent=parent, slug=entry["slug"]
            )
            values = {
                "label": entry["label"],
                "channel": channel,
                "position": index + 1,
                "question": entry.get("question", ""),
                "channel_steps_first": entry.get("channel_steps_first", True),
            }
            if not self._save(route, here, values, kind="route", label=label, entry=key):
                continue
            self.steps(entry.get("steps", []), here, _Owner(key, "route", label), route=route)
            self.routes(provider, route, entry.get("routes", []), here, key, label)

    def contacts(self, entries: list, where: Where, owner: _Owner, **rows) -> None:
        seen: dict[tuple[str, str], int] = {}
        for index, entry in enumerate(entries):
            first = seen.setdefault((entry["kind"], entry["value"]), index)
            if first != index:
                self.errors.append(
                    f"{where / 'contacts' / index}: the same {entry['kind']} contact "
                    f"{entry['value']!r} is already listed as contacts[{first}]"
                )
        kept = []
        for index, entry in enumerate(entries):
            here = where / "contacts" / index
            obj = OfficialContact.objects.filter(
                kind=entry["kind"], value=entry["value"], **rows
            ).first() or OfficialContact(kind=entry["kind"], value=entry["value"], **rows)
            values = {
                "label": entry.get("label", ""),
                "region": entry.get("region", ""),
                "source_url": entry["source_url"],
                "verified_on": _date(entry.get("verified_on")),
            }
            label = f"{entry['value']} of {owner}"
            if self._save(obj, here, values, kind="contact", label=label, entry=owner.entry):
                kept.append(obj.pk)
        self._delete(
            OfficialContact.objects.filter(**rows).exclude(pk__in=kept),
            "contact",
            lambda c: f"{c.value} of {owner}",
            owner.entry,
        )

    def steps(self, entries: list, where: Where, owner: _Owner, **rows) -> None:
        owner_obj = rows.get("route") or rows.get("channel")
        if "route" in rows:
            contacts = list(OfficialContact.objects.filter(provider=owner_obj.provider_id))
        else:
            # A variant's steps may name its own contacts or its channel's; its own win.
            contacts = sorted(
                OfficialContact.objects.filter(channel__in=[owner_obj.pk, owner_obj.parent_id]),
                key=lambda c: c.channel_id == owner_obj.pk,
            )
        by_value = {contact.value: contact for contact in contacts}

        def values(step: dict) -> dict:
            contact = None
            if step.get("contact"):
                contact = by_value.get(step["contact"])
                if contact is None:
                    raise LookupError(f"contact: no contact {step['contact']!r} here")
            link = step.get("link", {})
            email = step.get("email", {})
            return {
                **rows,
                "kind": step.get("kind", DEFAULT_STEP_KIND),
                "title": step["title"],
                "body": step.get("body", ""),
                "link_url": link.get("url", ""),
                "link_label": link.get("label", ""),
                "contact": contact,
                "email_subject": email.get("subject", ""),
                "email_body": email.get("body", ""),
                "source_url": step.get("source_url", ""),
            }

        self.ordered(
            Step, Step.objects.filter(**rows), entries, where / "steps", owner, "step", values
        )

    def ordered(
        self,
        model,
        queryset,
        entries: list,
        where: Where,
        owner: _Owner,
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


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


KINDS = ("categories", "channels", "providers")


def check_documents(documents: list[Document]) -> list[str]:
    """Everything that can be checked without the database: raise GuideImportError, or
    return the warnings."""
    errors = [error for document in documents for error in validate_structure(document)]
    if errors:
        raise GuideImportError(errors)
    warnings: list[str] = []
    for document in documents:
        flow_errors, flow_warnings = validate_flows(document)
        errors += flow_errors
        warnings += flow_warnings
    errors += _duplicate_slugs(documents)
    if errors:
        raise GuideImportError(errors)
    return warnings


def _exists(key: str, entry: dict) -> bool:
    if key == "categories":
        return Category.objects.filter(slug=entry["slug"]).exists()
    if key == "channels":
        return PurchaseChannel.objects.live().filter(slug=entry["slug"], parent=None).exists()
    return Provider.objects.guides().filter(slug=entry["slug"]).exists()


ENTRY_KIND = {"categories": "category", "channels": "channel", "providers": "provider"}


def import_documents(
    documents: list[Document],
    *,
    dry_run: bool = False,
    expected: str | None = None,
    keep_existing: bool = False,
    as_drafts: bool = False,
) -> Report:
    """Validate and apply `documents` in one transaction; raise GuideImportError on any
    fault, with the database unchanged. With `dry_run`, report and roll back. With
    `expected` (a Report.fingerprint() of a preview), apply only if the changes are
    exactly those, and raise PreviewOutdated otherwise. With `keep_existing`, an entry
    (category, channel, provider) already in the database is left exactly as it is, and
    listed in the report's `kept` (with what differs in `not_overwritten`): only what is
    new is loaded. The files are checked whole all the same: a fault anywhere refuses all.
    With `as_drafts` (an editor's upload), no guide goes live: a live guide's entry goes into
    its draft of changes (guides/publishing.py), every other guide is loaded as a draft, and
    a Publisher publishes them from their review pages."""
    whole = import_documents(documents, dry_run=True) if keep_existing and not dry_run else None
    warnings = check_documents(documents)
    importer = Importer()
    importer.report.dry_run = dry_run
    importer.report.warnings = warnings
    try:
        with transaction.atomic():
            for key, apply in (
                ("categories", importer.category),
                ("channels", importer.channel),
                ("providers", importer.provider),
            ):
                for document in documents:
                    for index, entry in enumerate(document.data.get(key, [])):
                        if keep_existing and _exists(key, entry):
                            importer.report.kept.append(f"{ENTRY_KIND[key]} {entry['slug']}")
                            continue
                        where = Where(document, (key, index))
                        if as_drafts and key == "providers":
                            _apply_as_draft(importer, entry, where)
                        elif as_drafts and key == "channels":
                            _apply_channel_as_draft(importer, entry, where)
                        else:
                            apply(entry, where)
            if importer.errors:
                raise GuideImportError(importer.errors)
            if expected is not None and importer.report.fingerprint() != expected:
                raise PreviewOutdated(importer.report)
            if dry_run:
                raise _Rollback
            _record_live_changes(documents, importer.report)
    except _Rollback:
        pass
    if keep_existing:
        whole = whole or import_documents(documents, dry_run=True)
        for change in whole.changes:
            entry = " ".join(change.entry)
            if entry in importer.report.kept:
                what = ", ".join(change.fields) if change.is_entry else str(change)
                importer.report.not_overwritten.setdefault(entry, []).append(what)
    if importer.report.changed and not dry_run:
        content_version.bump()  # reordering moves rows with update(), which sends no signal
    return importer.report


def _record_live_changes(documents: list[Document], report: Report) -> None:
    """A live guide the import changed went live without a review page: it is recorded as a
    revision all the same, so that the guide's revisions always end with what visitors read."""
    from guides.publishing.channels import record_channel_import
    from guides.publishing.revisions import record_import  # it builds on this module

    changed = {change.entry for change in report.changes}
    for document in documents:
        message = f"Loaded from {document.name} by an import."
        for entry in document.data.get("providers", []):
            if ("provider", entry["slug"]) in changed:
                live = Provider.objects.live().filter(slug=entry["slug"]).first()
                if live is not None:
                    record_import(live, message)
        for entry in document.data.get("channels", []):
            if ("channel", entry["slug"]) in changed:
                channel = PurchaseChannel.objects.live().filter(slug=entry["slug"], parent=None)
                if (live_channel := channel.first()) is not None:
                    record_channel_import(live_channel, message)


def _apply_as_draft(importer: Importer, entry: dict, where: Where) -> None:
    from guides.publishing.revisions import start_draft  # it builds on this module

    live = Provider.objects.live().filter(slug=entry["slug"]).first()
    if live is not None:
        importer.report.warnings.append(
            f"provider {entry['slug']} is live: the file's changes to it go into its draft of "
            "changes, which a second person reviews and publishes."
        )
        importer.provider(entry, where, into=start_draft(live), status=Status.DRAFT)
        return
    if entry.get("status", DEFAULT_STATUS) != Status.DRAFT:
        importer.report.warnings.append(
            f"provider {entry['slug']} is loaded as a draft: a Publisher who did not change it "
            "publishes it from its review page."
        )
    importer.provider(entry, where, status=Status.DRAFT)


def _apply_channel_as_draft(importer: Importer, entry: dict, where: Where) -> None:
    from guides.publishing.channels import start_channel_draft  # it builds on this module

    live = PurchaseChannel.objects.live().filter(slug=entry["slug"], parent=None).first()
    if live is None:
        importer.channel(entry, where)
        return
    importer.report.warnings.append(
        f"channel {entry['slug']} is shared by live guides: the file's changes to it go into "
        "its draft of changes, which a second person reviews and publishes."
    )
    importer.channel(entry, where, into=start_channel_draft(live))


def load_channel(data: dict, into: PurchaseChannel) -> Report:
    """Load a document holding one channel (exporter.export_channel) into the whole channel
    row `into`, in place, as `load_guide` loads a guide; GuideImportError on any fault."""
    document = Document(f"channel {into.slug}", _plain(data))
    check_documents([document])
    importer = Importer()
    with transaction.atomic():
        importer.channel(document.data["channels"][0], Where(document, ("channels", 0)), into=into)
        if importer.errors:
            raise GuideImportError(importer.errors)
    content_version.bump()
    return importer.report


def load_guide(data: dict, into: Provider, *, status: str) -> Report:
    """Load a document holding one guide (guides/exporter.py export_guide) into the row
    `into`, as `import_documents` would load it into the guide of its slug: what the
    document lists is created or updated in place (steps keep their identity, and what
    visitors reported about them), what it no longer lists is deleted. The document is
    checked whole first; on any fault, GuideImportError and nothing changed."""
    document = Document(f"guide {into.slug}", _plain(data))
    data = document.data
    check_documents([document])
    importer = Importer()
    with transaction.atomic():
        where = Where(document, ("providers", 0))
        importer.provider(data["providers"][0], where, into=into, status=status)
        if importer.errors:
            raise GuideImportError(importer.errors)
    content_version.bump()
    return importer.report


def _duplicate_slugs(documents: list[Document]) -> list[str]:
    """The same slug twice in one import would silently overwrite: refuse it."""
    errors, seen = [], {}
    for key in KINDS:
        for document in documents:
            for index, entry in enumerate(document.data.get(key, [])):
                where = Where(document, (key, index))
                first = seen.setdefault((key, entry["slug"]), where)
                if first is not where:
                    errors.append(f"{where}: slug {entry['slug']!r} is also used by {first}")
    return errors


def import_paths(
    paths: Iterable[str | Path] = (), *, dry_run: bool = False, keep_existing: bool = False
) -> Report:
    documents = read_documents(content_files(paths))
    return import_documents(documents, dry_run=dry_run, keep_existing=keep_existing)
