"""Guide files in the admin: download a provider's guide as YAML, and upload a guide file
(YAML or JSON, docs/format.md) to create or update guides.

An upload is never applied straight away. It is validated and run as a dry run first, and
the editor sees what would change (or every fault, with its line). Confirming sends back a
signed token that carries the very file that was previewed and a digest of the changes
shown, and of the state of the guides it touches: the import is applied only if none of
them changed since and it still makes exactly those changes, all at once, in one
transaction (`import_refused` below, with the lost-update protection's state_of and
describe_changes: a refusal names who changed what). If the guides changed in between, the
editor is shown the new changes to confirm instead; a token that was altered, has expired,
or belongs to someone else is refused. Nothing is kept on the server between the two steps.
"""

from __future__ import annotations

import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from guides.admin.edit_merge import describe_changes
from guides.admin.edit_page import state_of
from guides.files.documents import FILE_SUFFIXES, GuideImportError, parse_document
from guides.files.exporter import export_text
from guides.files.importer import import_documents
from guides.files.report import PreviewOutdated, Report
from guides.models import Category, Provider, PurchaseChannel

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
PREVIEW_SECONDS = 60 * 60  # how long a preview can be confirmed
SALT = "guides.admin_transfer.upload"
CONTENT_MODELS = [
    "category",
    "purchasechannel",
    "provider",
    "route",
    "step",
    "officialcontact",
    "providernote",
    "question",
]
# An import can create, change and delete any part of a guide, publish it and set its
# verification dates: only someone who may do all of that in the admin may import.
IMPORT_PERMISSIONS = [
    f"guides.{action}_{model}" for model in CONTENT_MODELS for action in ("add", "change", "delete")
] + ["guides.publish_provider", "guides.verify_provider"]


def can_import(user) -> bool:
    return user.is_active and user.is_staff and user.has_perms(IMPORT_PERMISSIONS)


def _file_name(name: str) -> str:
    return PurePath(name or "upload").name[:100] or "upload"


def _note_editor(user, document) -> None:
    """Whoever imports a guide is one of its editors: they may not publish it themselves."""
    slugs = [entry["slug"] for entry in document.data.get("providers", [])]
    for provider in Provider.objects.editable().filter(slug__in=slugs):
        Provider.editors.through.objects.get_or_create(provider_id=provider.pk, user_id=user.pk)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Guide file"),
        help_text=format_lazy(
            _(
                "YAML or JSON in the guide format (as Download writes it), at most {mb} MB. "
                "You will see what it changes before anything is saved."
            ),
            mb=MAX_UPLOAD_BYTES // 1024 // 1024,
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = _file_name(upload.name)
        if PurePath(name).suffix.lower() not in FILE_SUFFIXES:
            raise forms.ValidationError(gettext("Upload a .yaml, .yml or .json file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                gettext(
                    "This file is %(size)s MB; the limit is %(limit)s MB. Split it into several "
                    "files, or use manage.py import_guides."
                )
                % {
                    "size": f"{upload.size / 1024 / 1024:.1f}",
                    "limit": MAX_UPLOAD_BYTES // 1024 // 1024,
                }
            )
        try:
            self.text = upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(gettext("This file is not UTF-8 text.")) from exc
        self.name = name
        return upload


def _sign(request: HttpRequest, name: str, text: str, report: Report) -> str:
    payload: dict[str, object] = {
        "user": request.user.pk,
        "name": name,
        "text": text,
        "changes": report.fingerprint(),
    }
    # What the guides it touches held when previewed: the confirm refuses if they changed.
    payload["t"] = timezone.now().timestamp()
    payload["state"] = import_state(parse_document(name, text).data)
    return signing.dumps(payload, salt=SALT, compress=True)


def _unsign(request: HttpRequest, token: str) -> dict:
    """The previewed upload; raises signing.BadSignature for anything else."""
    payload = signing.loads(token, salt=SALT, max_age=PREVIEW_SECONDS)
    if payload.get("user") != request.user.pk:
        raise signing.BadSignature("The preview belongs to another user.")
    return payload


if TYPE_CHECKING:  # typed as the ModelAdmin it is mixed into; a plain class at run time
    _ProviderAdmin = admin.ModelAdmin[Provider]
else:
    _ProviderAdmin = object


class GuideTransferMixin(_ProviderAdmin):
    """Added to ProviderAdmin: the download and upload views, their URLs, and the
    "Download as YAML" action. The views' templates are in templates/admin/guides/."""

    upload_template = "admin/guides/import_upload.html"
    preview_template = "admin/guides/import_preview.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="{}_{}_upload".format(*info),
            ),
            path(
                "<path:object_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="{}_{}_download".format(*info),
            ),
            *super().get_urls(),
        ]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if actions or self.actions is not None:
            action = self.get_action("download_as_yaml", action_location)
            if action is not None and self.has_view_permission(request):
                actions[action.name] = action
        return actions

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import_guides": can_import(request.user)}
        return super().changelist_view(request, extra_context)

    # -- download ---------------------------------------------------------------------------

    @staticmethod
    def _yaml_response(slugs: list[str], filename: str) -> HttpResponse:
        text = export_text("yaml", slugs, shared=False)
        response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def download_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        provider = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_permission(request, provider):
            raise PermissionDenied
        return self._yaml_response([provider.slug], f"{provider.slug}.yaml")

    @admin.action(description=_("Download as YAML"))
    def download_as_yaml(self, request: HttpRequest, queryset) -> HttpResponse:
        slugs = sorted(queryset.values_list("slug", flat=True))
        filename = f"{slugs[0]}.yaml" if len(slugs) == 1 else "guides.yaml"
        return self._yaml_response(slugs, filename)

    # -- upload -----------------------------------------------------------------------------

    def _render(self, request: HttpRequest, template: str, status: int = 200, **context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Upload guides"),
            "max_upload_mb": MAX_UPLOAD_BYTES // 1024 // 1024,
            **context,
        }
        return TemplateResponse(request, template, context, status=status)

    def _preview(self, request: HttpRequest, name: str, text: str, *, notice: str = ""):
        """Validate and dry-run the file; show what it would change, or why it cannot."""
        try:
            report = import_documents([parse_document(name, text)], dry_run=True, as_drafts=True)
        except GuideImportError as exc:
            return self._render(
                request, self.preview_template, status=400, name=name, errors=exc.errors
            )
        context: dict[str, Any] = {"name": name, "report": report, "notice": notice}
        if report.changed:
            token = _sign(request, name, text, report)
            if len(token) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE - 4096:
                return self._render(
                    request,
                    self.preview_template,
                    status=400,
                    name=name,
                    errors=[
                        gettext(
                            "%(file)s: too large to confirm from the browser once previewed; "
                            "split it into several files, or use manage.py import_guides."
                        )
                        % {"file": name}
                    ],
                )
            context["token"] = token
        return self._render(request, self.preview_template, **context)

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not can_import(request.user):
            raise PermissionDenied
        if request.method == "POST" and "token" in request.POST:
            return self._confirm(request, request.POST["token"])
        if request.method == "POST":
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                return self._preview(request, form.name, form.text)
            return self._render(request, self.upload_template, status=400, form=form)
        return self._render(request, self.upload_template, form=UploadForm())

    def _confirm(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            payload = _unsign(request, token)
        except signing.BadSignature:
            form = UploadForm()
            return self._render(
                request,
                self.upload_template,
                status=400,
                form=form,
                error=gettext("This preview has expired or was changed: upload the file again."),
            )
        name, text = payload["name"], payload["text"]
        with transaction.atomic():
            return self._apply(request, payload, name, text)

    def _apply(self, request: HttpRequest, payload: dict, name: str, text: str) -> HttpResponse:
        try:
            stale = import_refused(payload, parse_document(name, text).data, request.user)
        except GuideImportError:
            stale = None  # the import below says what is wrong with the file
        if stale is not None:
            return self._preview(request, name, text, notice=stale)
        try:
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(f"Imported {name}")
                document = parse_document(name, text)
                report = import_documents([document], expected=payload["changes"], as_drafts=True)
                _note_editor(request.user, document)
        except PreviewOutdated:
            return self._preview(
                request,
                name,
                text,
                notice=gettext(
                    "The guides changed since your preview, so nothing was saved. "
                    "Here is what the file would change now: confirm again if it is right."
                ),
            )
        except GuideImportError as exc:
            return self._render(
                request, self.preview_template, status=400, name=name, errors=exc.errors
            )
        total = sum(report.created.values()) + sum(report.updated.values())
        total += sum(report.deleted.values())
        messages.success(
            request,
            ngettext(
                "Imported %(file)s: %(count)s change saved.",
                "Imported %(file)s: %(count)s changes saved.",
                total,
            )
            % {"file": name, "count": total},
        )
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        )


# The import confirmation: refused if the guides changed since the preview ----------


def _import_objects(data: dict) -> list[models.Model]:
    """The rows an import of `data` may change: its categories, channels and guides (a
    live guide and its draft share a slug: both)."""
    found: list[models.Model] = []
    for model, key in (
        (Category, "categories"),
        (PurchaseChannel, "channels"),
        (Provider, "providers"),
    ):
        slugs = [entry.get("slug") for entry in data.get(key, []) if isinstance(entry, dict)]
        rows = model._default_manager.filter(slug__in=[s for s in slugs if isinstance(s, str)])
        if (
            connection.features.has_select_for_update
            and transaction.get_connection().in_atomic_block
        ):
            rows = rows.select_for_update()
        found += list(rows.order_by("pk"))
    return found


def import_state(data: dict) -> dict[str, list]:
    """What a preview of an import notes of the guides it touches."""
    return state_of(_import_objects(data))


def import_refused(payload: dict, data: dict, me) -> str | None:
    """Why an import confirmation is refused (the guides changed since the preview, and who
    changed what), or None. Run it in the transaction of the import: it locks the guides."""
    now = import_state(data)
    before, since = payload.get("state"), payload.get("t")
    if not isinstance(before, dict) or not isinstance(since, int | float):
        return gettext(
            "This preview does not say what the guides held when it was made, so nothing was "
            "saved. Your file is kept: here is what it would change now; confirm again if it "
            "is right."
        )
    if _rows(now) == _rows(before):
        return None
    when = datetime.datetime.fromtimestamp(since, tz=datetime.UTC)
    lines = describe_changes(before, now, when, me)
    return gettext(
        "The guides changed since your preview, so nothing was saved: %(changes)s. Your file "
        "is kept: here is what it would change now; confirm again if it is right (confirming "
        "overwrites those changes with the file's)."
    ) % {"changes": "; ".join(lines) or gettext("someone changed them")}


def _rows(state: dict) -> dict:
    """A `state_of` without the rows' labels, which are in the language of the page that
    noted them: what the rows hold, model and field by field."""
    return {key: row[1:] if isinstance(row, list) else row for key, row in state.items()}
