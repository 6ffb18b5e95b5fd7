"""Importing guide files (docs/format.md): validate everything, then create or update by slug,
in one transaction. Any fault anywhere leaves the database as it was. A live guide or channel
is never changed without its revision: an upload lands in its draft, an import is recorded."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext

from cancelflow.languages import in_source_language
from guides.caching import versions
from guides.files import rights
from guides.files.documents import (
    DEFAULT_STATUS,
    Document,
    GuideImportError,
    Where,
    content_files,
    read_documents,
)
from guides.files.loading import Importer
from guides.files.report import PreviewOutdated, Report
from guides.files.validation import check_documents
from guides.models import (
    Category,
    Provider,
    PurchaseChannel,
    Status,
)
from guides.publishing.channels import record_channel_import, start_channel_draft
from guides.publishing.revisions import record_import, start_draft


class _Rollback(Exception):
    pass


def _exists(key: str, entry: dict) -> bool:
    if key == "categories":
        return Category.objects.filter(slug=entry["slug"]).exists()
    if key == "channels":
        return PurchaseChannel.objects.live().filter(slug=entry["slug"], parent=None).exists()
    if key == "rights":
        return rights.exists(entry)
    return Provider.objects.guides().filter(slug=entry["slug"]).exists()


ENTRY_KIND = {
    "categories": "category",
    "channels": "channel",
    "providers": "provider",
    "rights": rights.KIND,
}


@in_source_language
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
    its draft of changes (guides/publishing/revisions.py), every other guide is loaded as a draft,
    and
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
                ("rights", importer.rights_note),
            ):
                for document in documents:
                    for index, entry in enumerate(document.data.get(key, [])):
                        if keep_existing and _exists(key, entry):
                            importer.report.kept.append(f"{ENTRY_KIND[key]} {entry['slug']}")
                            continue
                        where = Where(document, (key, index))
                        if as_drafts and key == "rights":
                            importer.report.warnings.append(rights.not_uploaded(entry))
                        elif as_drafts and key == "providers":
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
        versions.changed(versions.SITE)  # reordering moves rows with update(): no signal
    return importer.report


def _record_live_changes(documents: list[Document], report: Report) -> None:
    """A live guide the import changed went live without a review page: it is recorded as a
    revision all the same, so that the guide's revisions always end with what visitors read."""

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

    live = Provider.objects.live().filter(slug=entry["slug"]).first()
    if live is not None:
        importer.report.warnings.append(
            gettext(
                "provider %(slug)s is live: the file's changes to it go into its draft of "
                "changes, which a second person reviews and publishes."
            )
            % {"slug": entry["slug"]}
        )
        importer.provider(entry, where, into=start_draft(live), status=Status.DRAFT)
        return
    if entry.get("status", DEFAULT_STATUS) != Status.DRAFT:
        importer.report.warnings.append(
            gettext(
                "provider %(slug)s is loaded as a draft: a Publisher who did not change it "
                "publishes it from its review page."
            )
            % {"slug": entry["slug"]}
        )
    importer.provider(entry, where, status=Status.DRAFT)


def _apply_channel_as_draft(importer: Importer, entry: dict, where: Where) -> None:

    live = PurchaseChannel.objects.live().filter(slug=entry["slug"], parent=None).first()
    if live is None:
        importer.channel(entry, where)
        return
    importer.report.warnings.append(
        gettext(
            "channel %(slug)s is shared by live guides: the file's changes to it go into "
            "its draft of changes, which a second person reviews and publishes."
        )
        % {"slug": entry["slug"]}
    )
    importer.channel(entry, where, into=start_channel_draft(live))


def import_paths(
    paths: Iterable[str | Path] = (), *, dry_run: bool = False, keep_existing: bool = False
) -> Report:
    documents = read_documents(content_files(paths))
    return import_documents(documents, dry_run=dry_run, keep_existing=keep_existing)
