"""What a publication changes: the difference between a draft and what is live, field by field
in the guide's document and page by page as visitors will read it, and what a rollback
would change."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from guides.files.documents import parse_document
from guides.files.exporter import export_guide
from guides.flow import map as flow_map
from guides.models import (
    GuideRevision,
    Provider,
    Status,
    Step,
)


def document(provider: Provider, *, status: str = Status.PUBLISHED) -> dict:
    """`provider` as the export writes it, with the given status: a revision says what
    visitors read, a published guide, whichever row (a draft) it was written from."""
    shown = copy.copy(provider)
    shown.status = Status(status).value
    return export_guide(shown)


@dataclass
class FieldChange:
    where: str  # "Summary", "Answer “Amazon” → step 2 → body"
    before: str
    after: str

    @property
    def kind(self) -> str:
        if not self.before:
            return "added"
        if not self.after:
            return "removed"
        return "changed"


@dataclass
class PageStep:
    number: int
    title: str
    text: str  # what else the visitor reads of it: body, link, contact
    origin: str
    state: str = "same"  # "same", "changed", "added", "removed"
    before: str = ""  # the step as it is live, when it changed


@dataclass
class PageChange:
    path: str
    answers: list[str]
    state: str  # "changed", "added", "removed"
    steps: list[PageStep] = field(default_factory=list)


@dataclass
class Review:
    draft: Provider
    live: Provider | None
    fields: list[FieldChange]
    pages: list[PageChange]
    editors: list[str]


SECTION_NAMES = {
    "routes": "Answer",
    "steps": "step",
    "contacts": "contact",
    "descriptors": "statement descriptor",
    "notes": "note",
    "questions": "question",
    "variants": "variant",
}


def _flatten(value, where: str, out: dict[str, str]) -> None:
    """Every leaf value of a guide document, under a name an editor reads."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in SECTION_NAMES and isinstance(item, list):
                for index, element in enumerate(item, start=1):
                    _flatten(element, _element_name(where, key, index, element), out)
            else:
                name = key.replace("_", " ")
                _flatten(item, f"{where} → {name}" if where else name.capitalize(), out)
    elif isinstance(value, list):
        out[where] = "\n".join(str(item) for item in value)
    elif value is not None:
        out[where] = str(value)


def _element_name(where: str, key: str, index: int, element) -> str:
    if key == "routes" and isinstance(element, dict):
        head = f"Answer “{element.get('slug', index)}”"
    elif key == "variants" and isinstance(element, dict):
        head = f"variant “{element.get('slug', index)}”"
    elif key == "contacts" and isinstance(element, dict):
        head = f"contact {element.get('kind', '')} {element.get('value', index)}".rstrip()
    else:
        head = f"{SECTION_NAMES[key]} {index}"
    return f"{where} → {head}" if where else head[0].upper() + head[1:]


def compare_documents(
    before: dict | None, after: dict | None, kind: str = "providers"
) -> list[FieldChange]:
    """What differs between two documents of one guide (or, `kind` "channels", of one
    channel), field by field."""
    old: dict[str, str] = {}
    new: dict[str, str] = {}
    if before:
        _flatten(before[kind][0], "", old)
    if after:
        _flatten(after[kind][0], "", new)
    names = list(dict.fromkeys([*old, *new]))
    return [
        FieldChange(name, old.get(name, ""), new.get(name, ""))
        for name in names
        if old.get(name, "") != new.get(name, "")
    ]


def _step_text(step: Step) -> str:
    parts = [step.body]
    if step.link_url:
        parts.append(f"Link: {step.link_label or step.link_url} <{step.link_url}>")
    if step.contact is not None:
        unverified = "" if step.contact.verified_on else " (not yet verified)"
        parts.append(f"Contact: {step.contact.value}{unverified}")
    if step.email_subject:
        parts.append(f"Email: {step.email_subject}")
    return "\n".join(part for part in parts if part)


Pages = dict[str, tuple[list[str], list[tuple[str, str, str]]]]


def pages_of(provider: Provider | None, overlay=None) -> Pages:
    """Every page of steps of `provider`'s flow, by path: its answers and its steps (title,
    text, where each comes from), as visitors read them; with `overlay`, with a draft of a
    channel in the place of the live channel (channel_publishing.ChannelOverlay)."""
    if provider is None:
        return {}
    pages = {}
    for leaf in flow_map.build(provider, overlay=overlay).leaves:
        steps = [(item.step.title, _step_text(item.step), item.origin) for item in leaf.steps]
        pages[leaf.path] = (leaf.answers, steps)
    return pages


def compare_pages(live: Provider | None, draft: Provider) -> list[PageChange]:
    """The pages of steps that differ, each step numbered as visitors see it."""
    return compare_page_sets(pages_of(live), pages_of(draft))


def compare_page_sets(before: Pages, after: Pages) -> list[PageChange]:
    """The pages that differ between two sets of pages of one guide."""
    changes = []
    for path in dict.fromkeys([*after, *before]):
        if path not in before:
            answers, steps = after[path]
            items = [PageStep(n, t, x, o, "added") for n, (t, x, o) in enumerate(steps, 1)]
            changes.append(PageChange(path, answers, "added", items))
            continue
        if path not in after:
            answers, steps = before[path]
            items = [PageStep(n, t, x, o, "removed") for n, (t, x, o) in enumerate(steps, 1)]
            changes.append(PageChange(path, answers, "removed", items))
            continue
        (old_answers, old_steps), (answers, steps) = before[path], after[path]
        if old_answers == answers and old_steps == steps:
            continue
        items = []
        for number in range(1, max(len(steps), len(old_steps)) + 1):
            new = steps[number - 1] if number <= len(steps) else None
            old = old_steps[number - 1] if number <= len(old_steps) else None
            if new is None:
                assert old is not None  # one of the two pages has a step of this number
                items.append(PageStep(number, old[0], old[1], old[2], "removed"))
            elif old is None:
                items.append(PageStep(number, *new, state="added"))
            elif old[:2] == new[:2]:
                items.append(PageStep(number, *new))
            else:
                before_text = f"{old[0]}\n{old[1]}".strip()
                items.append(PageStep(number, *new, state="changed", before=before_text))
        changes.append(PageChange(path, answers, "changed", items))
    return changes


def review(draft: Provider) -> Review:
    """What publishing `draft` would change for visitors (a guide never published: all of
    it)."""
    live = draft.draft_of if draft.draft_of_id else None
    before = document(live) if live is not None else None
    return Review(
        draft=draft,
        live=live,
        fields=compare_documents(before, document(draft)),
        pages=compare_pages(live, draft),
        editors=sorted(user.get_username() for user in draft.editors.all()),
    )


def rollback_review(revision: GuideRevision) -> list[FieldChange]:
    """What rolling back to `revision` would change, field by field."""
    live = revision.provider
    current = document(live)
    earlier = parse_document(f"revision {revision.number}", revision.document).data
    return compare_documents(current, earlier)
