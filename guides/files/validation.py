"""What can be checked of guide files without the database: the JSON Schema, the flows' depth
and dead ends, and the same slug twice."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache

import jsonschema
from django.core.exceptions import ValidationError

from guides.files.documents import SCHEMA_PATH, Document, GuideImportError, Where
from guides.files.translations import outdated_problems
from guides.flow.rules import MAX_ROUTE_DEPTH


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


@cache
def schema_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


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
    schema = error.schema if isinstance(error.schema, Mapping) else {}  # not `true`/`false`
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        extra = sorted(set(error.instance) - set(schema.get("properties", {})))
        return "unknown key " + ", ".join(repr(key) for key in extra)
    if error.validator == "required":
        return error.message.replace(" is a required property", " is missing")
    if error.validator == "pattern" and schema.get("pattern", "").startswith("^[-a-z"):
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


def validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        parts = []
        for name, messages in exc.message_dict.items():
            text = " ".join(messages)
            parts.append(text if name == "__all__" else f"{name}: {text}")
        return "; ".join(parts)
    return " ".join(exc.messages)


KINDS = ("categories", "channels", "providers", "rights")


def check_documents(documents: list[Document]) -> list[str]:
    """Everything that can be checked without the database: raise GuideImportError, or
    return the warnings."""
    errors = [error for document in documents for error in validate_structure(document)]
    if errors:
        raise GuideImportError(errors)
    warnings: list[str] = []
    for document in documents:
        flow_errors, flow_warnings = validate_flows(document)
        errors += flow_errors + outdated_problems(document)
        warnings += flow_warnings
    errors += _duplicate_slugs(documents)
    if errors:
        raise GuideImportError(errors)
    return warnings


def _duplicate_slugs(documents: list[Document]) -> list[str]:
    """The same slug twice in one import would silently overwrite: refuse it."""
    errors: list[str] = []
    seen: dict[tuple[str, str], Where] = {}
    for key in KINDS:
        for document in documents:
            for index, entry in enumerate(document.data.get(key, [])):
                where = Where(document, (key, index))
                first = seen.setdefault((key, entry["slug"]), where)
                if first is not where:
                    errors.append(f"{where}: slug {entry['slug']!r} is also used by {first}")
    return errors
