"""History of the guides, kept by django-reversion: who changed what, and when; and the
means to go back.

A revision of a provider holds the provider and everything edited on its page (its routes
with their steps, notes, questions and contacts); a revision of a route holds its steps and
the answers below it; a revision of a channel, its standard steps, variants and contacts.
Reverting one brings all of that back, deleted steps included, in their old order.

Positions are unique per list, so a revert cannot simply write the old rows back one by one
(a step that moved up would collide with the one that took its place). `lifted_positions`
lifts every row of the lists a revision touches above the legal positions first, as
`services.save_reordered` does, lets the revert write the old positions, and then settles
whatever is still lifted (rows the old version did not know) back below the ceiling.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import reversion
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model, Q
from reversion.errors import RevertError
from reversion.models import Revision

from guides.models import (
    MAX_POSITION,
    Category,
    OfficialContact,
    Provider,
    ProviderNote,
    PurchaseChannel,
    Question,
    Route,
    Step,
)
from guides.services import REORDER_OFFSET

# What each revision holds besides the object itself: the inlines of its admin page.
FOLLOW: dict[type[Model], tuple[str, ...]] = {
    Category: (),
    Provider: ("routes", "notes", "questions", "contacts"),
    Route: ("steps", "children"),
    PurchaseChannel: ("steps", "variants", "contacts"),
    Step: (),
    OfficialContact: (),
    ProviderNote: (),
    Question: (),
}


def register() -> None:
    """Register the guide models with django-reversion (once; the admin calls this)."""
    for model, follow in FOLLOW.items():
        if not reversion.is_registered(model):
            reversion.register(model, follow=follow)


# The ordered lists a row belongs to: (model, the fields that scope its unique positions).
ORDERED: dict[type[Model], tuple[str, ...]] = {
    Step: ("route_id", "channel_id"),
    Route: ("provider_id", "parent_id"),
    ProviderNote: ("provider_id",),
    Question: ("provider_id",),
}


def _scope_filter(model: type[Model], values: dict) -> Q | None:
    """The rows sharing a position list with a row whose fields are `values` (a provider's
    routes are numbered per parent, but lifting all of them is simpler, and as safe)."""
    if model is Step:
        if values.get("route_id"):
            return Q(route_id=values["route_id"])
        if values.get("channel_id"):
            return Q(channel_id=values["channel_id"])
        return None
    return Q(provider_id=values["provider_id"]) if values.get("provider_id") else None


def _scopes(revision: Revision) -> dict[type[Model], Q]:
    """Every ordered list that reverting `revision` may write into, before and after."""
    found: dict[type[Model], list[Q]] = {}
    for version in revision.version_set.all():
        model = version._model
        if model not in ORDERED:
            continue
        fields = ORDERED[model]
        try:
            old = {name: version.field_dict.get(name) for name in fields}
        except RevertError:  # unreadable: reverting it will say so
            old = {}
        rows = [old, *model._default_manager.filter(pk=version.object_id).values(*fields)]
        for values in rows:
            condition = _scope_filter(model, values)
            if condition is not None:
                found.setdefault(model, []).append(condition)
    scopes = {}
    for model, conditions in found.items():
        combined = Q()
        for condition in conditions:
            combined |= condition
        scopes[model] = combined
    return scopes


def _settle(model: type[Model], scope: Q) -> None:
    """Bring rows of `scope` still above the ceiling back below it, keeping their order;
    where two rows now want one position, the reverted one keeps it and the other follows."""
    rows = list(model._default_manager.filter(scope).order_by("position", "pk"))
    if not any(row.position > MAX_POSITION for row in rows):
        return
    groups: dict[tuple, list] = {}
    for row in rows:
        key = tuple(getattr(row, name) for name in ORDERED[model])
        groups.setdefault(key, []).append(row)
    for group in groups.values():
        lifted = [row for row in group if row.position > MAX_POSITION]
        if not lifted:
            continue
        wanted = {
            row.pk: row.position - REORDER_OFFSET if row.position > MAX_POSITION else row.position
            for row in group
        }
        # The reverted rows first at a tie: they are where the old version put them.
        group.sort(key=lambda row: (wanted[row.pk], row.position > MAX_POSITION, row.pk))
        final, last = {}, 0
        for row in group:
            final[row.pk] = max(wanted[row.pk], last + 1)
            last = final[row.pk]
        if max(final.values()) > MAX_POSITION:  # cannot happen with sane lists; renumber
            final = {row.pk: index for index, row in enumerate(group, start=1)}
        moving = [row for row in group if final[row.pk] != row.position]
        model._default_manager.filter(
            pk__in=[row.pk for row in moving], position__lte=MAX_POSITION
        ).update(position=F("position") + REORDER_OFFSET)
        for row in moving:
            model._default_manager.filter(pk=row.pk).update(position=final[row.pk])


@contextmanager
def lifted_positions(revision: Revision, *, keep: bool) -> Iterator[None]:
    """Run a revert of `revision` with its lists lifted out of the way, in one transaction.

    With `keep`, the result is settled and kept (if the revert was refused, the rows come
    back to where they were); without it (a preview), everything is rolled back.
    """
    with transaction.atomic():
        scopes = _scopes(revision)
        for model, scope in scopes.items():
            model._default_manager.filter(scope, position__lte=MAX_POSITION).update(
                position=F("position") + REORDER_OFFSET
            )
        yield
        if not keep:
            transaction.set_rollback(True)
            return
        for model, scope in scopes.items():
            _settle(model, scope)


def check_references() -> None:
    """Refuse a reverted version that refers to a row deleted since (foreign keys are only
    checked at commit, too late to say why)."""
    tables = [model._meta.db_table for model in apps.get_app_config("guides").get_models()]
    try:
        connection.check_constraints(table_names=tables)
    except IntegrityError as exc:
        raise RevertError(
            "This version cannot be brought back on its own: something it belongs to (a "
            "route, a channel or a provider) has been deleted since. Recover that first, "
            "from its own History or “Recover deleted” list."
        ) from exc


# A guide's whole history ----------------------------------------------------------------------


def parts_of(obj: Model) -> dict[type[Model], list[int]]:
    """The rows that belong to `obj`'s page of history besides itself: a provider's routes,
    their steps, notes, questions and contacts; a route's steps and the answers below it
    (and theirs); a channel's steps, variants (and theirs) and contacts."""
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
    return {model: pks for model, pks in parts.items() if pks}


def changes_to_parts(obj: Model, exclude_revisions: set[int]):
    """The revisions that changed a part of `obj` (a step edited on its own page, an import
    that changed only a step) but not `obj` itself: one entry per revision, newest first,
    each naming the parts it changed and linking to their own history."""
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse
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
        url = reverse(f"admin:guides_{model}_history", args=[version.object_id])
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

    live = provider.draft_of if provider.draft_of_id else provider
    record = []
    for revision in GuideRevision.objects.filter(provider=live).select_related(
        "published_by", "restores"
    ):
        if revision.kind == RevisionKind.ROLLED_BACK:
            kind = "Rollback"
        elif revision.published_by_id is None and revision.message != BASELINE_MESSAGE:
            kind = "Import"
        else:
            kind = "Publication"
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
        parts = {Provider: [guide.pk], **parts_of(guide)}
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
