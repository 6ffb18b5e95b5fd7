"""History of the guides, kept by django-reversion: who changed what, and when; and the
means to go back.

A revision of a provider holds the provider and everything edited on its page (its routes
with their steps, notes, questions, contacts and statement descriptors); a revision of a
route holds its steps and the answers below it; a revision of a channel, its standard steps,
variants, contacts and statement descriptors.
Reverting one brings all of that back, deleted steps included, in their old order: it
writes the old positions back. Positions need not be unique in a list (rows are ordered by
(position, pk)), so a row added since that now shares a position with a reverted one simply
sorts beside it.
"""

from __future__ import annotations

from typing import Any

import reversion
from django.apps import apps
from django.db import IntegrityError, connection
from django.db.models import Model, Q
from django.utils.translation import gettext, gettext_noop
from reversion.errors import RevertError

from guides.models import (
    Category,
    OfficialContact,
    Provider,
    ProviderNote,
    PurchaseChannel,
    Question,
    Route,
    StatementDescriptor,
    Step,
)

# What each revision holds besides the object itself: the inlines of its admin page.
FOLLOW: dict[type[Model], tuple[str, ...]] = {
    Category: (),
    Provider: ("routes", "notes", "questions", "contacts", "descriptors"),
    Route: ("steps", "children"),
    PurchaseChannel: ("steps", "variants", "contacts", "descriptors"),
    Step: (),
    OfficialContact: (),
    ProviderNote: (),
    Question: (),
    StatementDescriptor: (),
}


def register() -> None:
    """Register the guide models with django-reversion (once; the admin calls this)."""
    for model, follow in FOLLOW.items():
        if not reversion.is_registered(model):
            reversion.register(model, follow=follow)


def check_references() -> None:
    """Refuse a reverted version that refers to a row deleted since (foreign keys are only
    checked at commit, too late to say why)."""
    tables = [model._meta.db_table for model in apps.get_app_config("guides").get_models()]
    try:
        connection.check_constraints(table_names=tables)
    except IntegrityError as exc:
        raise RevertError(
            gettext(
                "This version cannot be brought back on its own: something it belongs to (a "
                "route, a channel or a provider) has been deleted since. Recover that first, "
                "from its own History or “Recover deleted” list."
            )
        ) from exc


# A guide's whole history ----------------------------------------------------------------------


def parts_of(obj: Model) -> dict[type[Model], list[int]]:
    """The rows that belong to `obj`'s page of history besides itself: a provider's routes,
    their steps, notes, questions, contacts and descriptors; a route's steps and the answers
    below it (and theirs); a channel's steps, variants (and theirs), contacts and
    descriptors."""
    parts: dict[type[Model], list[int]] = {}

    def add(model: type[Model], pks) -> list[int]:
        pks = list(pks)
        parts.setdefault(model, []).extend(pks)
        return pks

    if isinstance(obj, Provider):
        routes = add(Route, obj.routes.values_list("pk", flat=True))
        add(Step, Step.objects.filter(route__in=routes).values_list("pk", flat=True))
        add(ProviderNote, obj.notes.values_list("pk", flat=True))
        add(Question, obj.questions.values_list("pk", flat=True))
        add(OfficialContact, obj.contacts.values_list("pk", flat=True))
        add(StatementDescriptor, obj.descriptors.values_list("pk", flat=True))
    elif isinstance(obj, Route):
        routes, level = [], [obj.pk]
        while level:  # the answers below it, level by level (a flow is a few levels deep)
            level = add(Route, Route.objects.filter(parent__in=level).values_list("pk", flat=True))
            routes += level
        add(Step, Step.objects.filter(route__in=[obj.pk, *routes]).values_list("pk", flat=True))
    elif isinstance(obj, PurchaseChannel):
        variants = add(PurchaseChannel, obj.variants.values_list("pk", flat=True))
        channels = [obj.pk, *variants]
        add(Step, Step.objects.filter(channel__in=channels).values_list("pk", flat=True))
        add(
            OfficialContact,
            OfficialContact.objects.filter(channel__in=channels).values_list("pk", flat=True),
        )
        add(
            StatementDescriptor,
            StatementDescriptor.objects.filter(channel__in=channels).values_list("pk", flat=True),
        )
    return {model: pks for model, pks in parts.items() if pks}


def changes_to_parts(obj: Model, exclude_revisions: set[int]):
    """The revisions that changed a part of `obj` (a step edited on its own page, an import
    that changed only a step) but not `obj` itself: one entry per revision, newest first,
    each naming the parts it changed and linking to their own history."""
    from django.contrib.contenttypes.models import ContentType
    from django.urls import NoReverseMatch, reverse
    from reversion.models import Version

    condition = Q()
    for model, pks in parts_of(obj).items():
        ct = ContentType.objects.get_for_model(model)
        condition |= Q(content_type=ct, object_id__in=[str(pk) for pk in pks])
    if not condition:
        return []
    versions = (
        Version.objects.filter(condition)
        .exclude(revision_id__in=exclude_revisions)
        .select_related("revision__user", "content_type")
        .order_by("-revision__date_created", "pk")
    )
    entries: dict[int, dict] = {}
    for version in versions:
        entry = entries.setdefault(version.revision_id, {"revision": version.revision, "parts": []})
        model = version.content_type.model
        try:
            url = reverse(f"admin:guides_{model}_history", args=[version.object_id])
        except NoReverseMatch:  # edited only inline (a note, a descriptor): no page of its own
            url = ""
        entry["parts"].append(
            {"name": f"{version.content_type.name} “{version.object_repr}”", "url": url}
        )
    return list(entries.values())


# Publications, rollbacks and imports ----------------------------------------------------------

IMPORT_COMMENTS = ("import_guides", "Imported ")  # the comments the importers give revisions


def guide_record(provider: Provider) -> list[dict]:
    """What went live and what was loaded into `provider`'s guide, newest first: each
    publication, rollback and import recorded as a revision of the live guide (with a link to
    its page of revisions), and each import the editors' history kept (django-reversion)."""
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse
    from reversion.models import Version

    from guides.models import GuideRevision, RevisionKind
    from guides.publishing.revisions import BASELINE_MESSAGE

    live = provider.draft_of if provider.draft_of is not None else provider
    record: list[dict[str, Any]] = []
    for revision in GuideRevision.objects.filter(provider=live).select_related(
        "published_by", "restores"
    ):
        if revision.kind == RevisionKind.ROLLED_BACK:
            kind = gettext_noop("Rollback")  # a key (its page's class), translated where shown
        elif revision.published_by_id is None and revision.message != BASELINE_MESSAGE:
            kind = gettext_noop("Import")
        else:
            kind = gettext_noop("Publication")
        record.append(
            {
                "when": revision.published_at,
                "kind": kind,
                "number": revision.number,
                "who": revision.published_by.get_username() if revision.published_by else "",
                "message": revision.message,
                "url": reverse("admin:guides_provider_rollback", args=[live.pk, revision.number]),
            }
        )
    condition = Q()
    for guide in {live, provider}:
        parts: dict[type[Model], list[int]] = {Provider: [guide.pk], **parts_of(guide)}
        for model, pks in parts.items():
            ct = ContentType.objects.get_for_model(model)
            condition |= Q(content_type=ct, object_id__in=[str(pk) for pk in pks])
    imports = Q()
    for comment in IMPORT_COMMENTS:
        imports |= Q(revision__comment__startswith=comment)
    seen = set()
    for version in (
        Version.objects.filter(condition)
        .filter(imports)
        .select_related("revision__user")
        .order_by("-revision__date_created")
    ):
        if version.revision_id in seen:
            continue
        seen.add(version.revision_id)
        revision = version.revision
        record.append(
            {
                "when": revision.date_created,
                "kind": "Import",
                "number": None,
                "who": revision.user.get_username() if revision.user else "",
                "message": revision.get_comment(),
                "url": "",
            }
        )
    record.sort(key=lambda item: item["when"], reverse=True)
    return record
