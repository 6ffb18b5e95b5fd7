"""Reading guide files (docs/format.md): YAML or JSON, composed into nodes first so that every
error names the file, the line and the entry at fault (`kaspersky.yaml line 42: providers[0]
(kaspersky) > routes[3] (amazon) > steps[1]: unknown key 'titel'`), and what a file leaves
out (the models' own defaults)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from guides.models import (
    Provider,
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


def content_files(paths: Iterable[str | Path] = ()) -> list[Path]:
    """The files to import: each path given, or every guide file in a folder given."""
    files: list[Path] = []
    for path in [Path(p) for p in paths] or [CONTENT_DIR]:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in FILE_SUFFIXES))
        else:
            files.append(path)
    return files


def plain_data(value):
    """YAML turns 2026-01-21 into a date; the schema (and JSON) speak of strings."""
    if isinstance(value, dict):
        return {key: plain_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_data(item) for item in value]
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
    data = plain_data(data)
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
