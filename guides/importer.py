"""Load guide files (docs/format.md) into the database: validate everything, then create or
update by slug, in one transaction. Any fault anywhere leaves the database as it was."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jsonschema
import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F

from .models import (
    Category,
    OfficialContact,
    Provider,
    ProviderNote,
    PurchaseChannel,
    Question,
    Route,
    Step,
)
from .services import REORDER_OFFSET

CONTENT_DIR = Path(__file__).resolve().parent / "content"
SCHEMA_PATH = Path(__file__).resolve().parent / "guides.schema.json"
MAX_FILE_BYTES = 5 * 1024 * 1024
FILE_SUFFIXES = {".yaml", ".yml", ".json"}


class GuideImportError(Exception):
    """The import was refused; `errors` says where and why. Nothing was changed."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class _DryRun(Exception):
    pass


@dataclass
class Document:
    name: str
    data: dict


@dataclass
class Report:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    def lines(self) -> list[str]:
        names = sorted(set(self.created) | set(self.updated) | set(self.deleted))
        return [
            f"{name}: {self.created[name]} created, {self.updated[name]} updated, "
            f"{self.deleted[name]} deleted"
            for name in names
        ]


@cache
def schema_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
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


def parse_document(name: str, text: str) -> Document:
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise GuideImportError([f"{name}{where}: not valid YAML: {exc.problem}"]) from exc
    except yaml.YAMLError as exc:
        raise GuideImportError([f"{name}: not valid YAML: {exc}"]) from exc
    if data is None:
        data = {}
    data = _plain(data)
    if not isinstance(data, dict):
        raise GuideImportError(
            [f"{name}: expected a mapping with categories, channels or providers"]
        )
    return Document(name, data)


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


def validate_structure(document: Document) -> list[str]:
    errors = []
    for error in sorted(schema_validator().iter_errors(document.data), key=lambda e: e.path):
        where = describe(document.data, error.absolute_path) or "top level"
        errors.append(f"{document.name}: {where}: {_schema_message(error)}")
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


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        parts = []
        for name, messages in exc.message_dict.items():
            text = " ".join(messages)
            parts.append(text if name == "__all__" else f"{name}: {text}")
        return "; ".join(parts)
    return " ".join(exc.messages)


class Importer:
    """Applies validated documents. Every save is checked with full_clean() first."""

    def __init__(self) -> None:
        self.report = Report()
        self.errors: list[str] = []

    # -- bookkeeping ------------------------------------------------------------------------

    def _save(self, obj: models.Model, where: str, values: dict) -> bool:
        """Set `values` on `obj` and save it if anything changed. False if it was refused."""
        created = obj.pk is None
        changed = created
        for name, value in values.items():
            field = obj._meta.get_field(name)
            if field.is_relation:
                current, new = getattr(obj, field.attname), value.pk if value else None
            else:
                current, new = getattr(obj, name), value
            if current != new:
                setattr(obj, name, value)
                changed = True
        if not changed:
            return True
        try:
            obj.full_clean()
        except ValidationError as exc:
            self.errors.append(f"{where}: {_validation_message(exc)}")
            return False
        obj.save()
        counter = self.report.created if created else self.report.updated
        counter[obj._meta.verbose_name] += 1
        return True

    def _delete(self, queryset: models.QuerySet) -> None:
        for obj in queryset:
            self.report.deleted[obj._meta.verbose_name] += 1
            obj.delete()

    def _unique_slugs(self, entries: list, where: str) -> bool:
        counts = Counter(entry["slug"] for entry in entries)
        clashes = sorted(slug for slug, count in counts.items() if count > 1)
        for slug in clashes:
            self.errors.append(f"{where}: slug {slug!r} is used by {counts[slug]} entries")
        return not clashes

    @staticmethod
    def _lift(queryset: models.QuerySet) -> None:
        """Move a group's rows above every legal position, so they can be renumbered."""
        queryset.update(position=F("position") + REORDER_OFFSET)

    # -- categories and channels ------------------------------------------------------------

    def category(self, entry: dict, where: str) -> None:
        obj = Category.objects.filter(slug=entry["slug"]).first() or Category(slug=entry["slug"])
        self._save(obj, where, {"name": entry["name"], "description": entry.get("description", "")})

    def channel(self, entry: dict, where: str, parent=None, position: int = 0) -> None:
        obj = PurchaseChannel.objects.filter(slug=entry["slug"], parent=parent).first()
        obj = obj or PurchaseChannel(slug=entry["slug"], parent=parent)
        values = {
            "name": entry["name"],
            "kind": entry.get("kind", parent.kind if parent else ""),
            "hint": entry.get("hint", ""),
            "website": entry.get("website", ""),
            "online": entry.get("online", parent.online if parent else True),
            "variant_question": entry.get("variant_question", ""),
            "sources": "\n".join(entry.get("sources", [])),
            "last_verified_on": _date(entry.get("last_verified_on")),
            "position": position,
        }
        if not self._save(obj, where, values):
            return
        if parent is None:
            self.contacts(entry.get("contacts", []), where, channel=obj)
        self.steps(entry.get("steps", []), where, channel=obj)
        if parent is None:
            variants = entry.get("variants", [])
            if not self._unique_slugs(variants, f"{where} > variants"):
                return
            for index, variant in enumerate(variants):
                self.channel(
                    variant,
                    f"{where} > variants[{index}] ({variant['slug']})",
                    parent=obj,
                    position=index + 1,
                )
            self._delete(obj.variants.exclude(slug__in=[v["slug"] for v in variants]))

    # -- providers --------------------------------------------------------------------------

    def provider(self, entry: dict, where: str) -> None:
        category = Category.objects.filter(slug=entry["category"]).first()
        if category is None:
            self.errors.append(f"{where}: category: no category {entry['category']!r}")
            return
        obj = Provider.objects.filter(slug=entry["slug"]).first() or Provider(slug=entry["slug"])
        values = {
            "name": entry["name"],
            "category": category,
            "status": entry.get("status", "draft"),
            "aliases": "\n".join(entry.get("aliases", [])),
            "summary": entry.get("summary", ""),
            "website": entry.get("website", ""),
            "difficulty": entry.get("difficulty", "medium"),
            "minutes_to_cancel": entry.get("minutes_to_cancel"),
            "first_question": entry.get("first_question", "Where did you buy it?"),
            "popular": entry.get("popular", False),
            "last_verified_on": _date(entry.get("last_verified_on")),
            "sources": "\n".join(entry.get("sources", [])),
        }
        if not self._save(obj, where, values):
            return
        self.contacts(entry.get("contacts", []), where, provider=obj)
        self.ordered(
            ProviderNote,
            obj.notes.all(),
            entry.get("notes", []),
            f"{where} > notes",
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
            f"{where} > questions",
            lambda q: {
                "provider": obj,
                "question": q["question"],
                "answer": q["answer"],
                "source_url": q.get("source_url", ""),
            },
        )
        self.routes(obj, None, entry.get("routes", []), where)

    def routes(self, provider: Provider, parent: Route | None, entries: list, where: str) -> None:
        """Sync one question's answers by slug; answers the file no longer lists go."""
        if not self._unique_slugs(entries, f"{where} > routes"):
            return
        siblings = Route.objects.filter(provider=provider, parent=parent)
        existing = {route.slug: route for route in siblings}
        final = {entry["slug"]: index + 1 for index, entry in enumerate(entries)}
        self._delete(siblings.exclude(slug__in=list(final)))
        if any(final[slug] != route.position for slug, route in existing.items() if slug in final):
            self._lift(siblings)
            existing = {route.slug: route for route in siblings.all()}
        for index, entry in enumerate(entries):
            here = f"{where} > routes[{index}] ({entry['slug']})"
            channel = None
            if entry.get("channel"):
                channel = PurchaseChannel.objects.filter(
                    slug=entry["channel"], parent__isnull=True
                ).first()
                if channel is None:
                    self.errors.append(f"{here}: channel: no channel {entry['channel']!r}")
                    continue
                if entry.get("variant"):
                    variant = channel.variants.filter(slug=entry["variant"]).first()
                    if variant is None:
                        self.errors.append(
                            f"{here}: variant: channel {channel.slug!r} has no variant "
                            f"{entry['variant']!r}"
                        )
                        continue
                    channel = variant
            elif entry.get("variant"):
                self.errors.append(f"{here}: variant: name the channel it belongs to")
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
            if not self._save(route, here, values):
                continue
            self.steps(entry.get("steps", []), here, route=route)
            self.routes(provider, route, entry.get("routes", []), here)

    def contacts(self, entries: list, where: str, **owner) -> None:
        kept = []
        for index, entry in enumerate(entries):
            here = f"{where} > contacts[{index}]"
            obj = OfficialContact.objects.filter(
                kind=entry["kind"], value=entry["value"], **owner
            ).first() or OfficialContact(kind=entry["kind"], value=entry["value"], **owner)
            values = {
                "label": entry.get("label", ""),
                "region": entry.get("region", ""),
                "source_url": entry["source_url"],
                "verified_on": _date(entry.get("verified_on")),
            }
            if self._save(obj, here, values):
                kept.append(obj.pk)
        self._delete(OfficialContact.objects.filter(**owner).exclude(pk__in=kept))

    def steps(self, entries: list, where: str, **owner) -> None:
        owner_obj = owner.get("route") or owner.get("channel")
        if "route" in owner:
            contacts = OfficialContact.objects.filter(provider=owner_obj.provider_id)
        else:
            contacts = OfficialContact.objects.filter(
                channel__in=[owner_obj.pk, owner_obj.parent_id]
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
                **owner,
                "kind": step.get("kind", "do"),
                "title": step["title"],
                "body": step.get("body", ""),
                "link_url": link.get("url", ""),
                "link_label": link.get("label", ""),
                "contact": contact,
                "email_subject": email.get("subject", ""),
                "email_body": email.get("body", ""),
                "source_url": step.get("source_url", ""),
            }

        self.ordered(Step, Step.objects.filter(**owner), entries, f"{where} > steps", values)

    def ordered(self, model, queryset, entries: list, where: str, values) -> None:
        """Sync an ordered list (steps, notes, questions) by position: the n-th entry
        updates the n-th row; rows beyond the list are deleted."""
        rows = list(queryset.order_by("position"))
        if [row.position for row in rows] != list(range(1, len(rows) + 1)):
            self._lift(queryset)
            rows = list(queryset.order_by("position"))
        for index, entry in enumerate(entries):
            here = f"{where}[{index}]"
            try:
                fields = values(entry)
            except LookupError as exc:
                self.errors.append(f"{here}: {exc}")
                continue
            obj = rows[index] if index < len(rows) else model()
            self._save(obj, here, {**fields, "position": index + 1})
        self._delete(queryset.model.objects.filter(pk__in=[r.pk for r in rows[len(entries) :]]))


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def import_documents(documents: list[Document], *, dry_run: bool = False) -> Report:
    """Validate and apply `documents` in one transaction; raise GuideImportError on any
    fault, with the database unchanged. With `dry_run`, report and roll back."""
    errors = [error for document in documents for error in validate_structure(document)]
    if errors:
        raise GuideImportError(errors)
    errors = _duplicate_slugs(documents)
    if errors:
        raise GuideImportError(errors)

    importer = Importer()
    importer.report.dry_run = dry_run
    try:
        with transaction.atomic():
            for key, apply in (
                ("categories", importer.category),
                ("channels", importer.channel),
                ("providers", importer.provider),
            ):
                for document in documents:
                    for index, entry in enumerate(document.data.get(key, [])):
                        apply(entry, f"{document.name}: {key}[{index}] ({entry['slug']})")
            if importer.errors:
                raise GuideImportError(importer.errors)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return importer.report


def _duplicate_slugs(documents: list[Document]) -> list[str]:
    """The same slug twice in one import would silently overwrite: refuse it."""
    errors, seen = [], {}
    for key in ("categories", "channels", "providers"):
        for document in documents:
            for index, entry in enumerate(document.data.get(key, [])):
                where = f"{document.name}: {key}[{index}] ({entry['slug']})"
                first = seen.setdefault((key, entry["slug"]), where)
                if first != where:
                    errors.append(f"{where}: slug {entry['slug']!r} is also used by {first}")
    return errors


def import_paths(paths: Iterable[str | Path] = (), *, dry_run: bool = False) -> Report:
    return import_documents(read_documents(content_files(paths)), dry_run=dry_run)
