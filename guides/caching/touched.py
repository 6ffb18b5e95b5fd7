"""What a saved or deleted row touches, for the change log (guides/caching/versions.py).

- a guide's own rows (its routes, steps, notes, questions, contacts, statement lines): its
  pages, `guide:<slug>`; a route or a statement line also the `catalog` (a channel's page
  lists the guides sold through it; search reads statement lines);
- a provider row: its pages, and when what listings show of it changed (its names, summary,
  category, popularity, status) its category's list, the catalog and the names search reads;
- a channel's rows (its variants, steps, contacts, statement lines): the pages of every guide
  sold through it, and the catalog;
- a category: its list, the catalog and the names search reads.

A draft (of a guide or a channel) touches nothing visitors see. Writes that send no signal
(bulk updates, a load of guide files) say what they changed themselves.

(Cache bookkeeping, not business logic: the one thing signals are used for here.)
"""

from __future__ import annotations

from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save

from guides.caching import versions

# What listings show of a provider: a change to any of these moves its category and the
# catalog (translated columns included: `name_de` starts with `name`).
LISTED = ("name", "slug", "aliases", "summary", "category", "popular", "status", "difficulty")


def _listed_values(provider) -> tuple:
    names = [
        field.attname
        for field in provider._meta.concrete_fields
        if field.name.startswith(LISTED) and not field.name.startswith("status_")
    ]
    return tuple(getattr(provider, name) for name in sorted(names))


def provider_parts(provider, *, listed: bool) -> list[str]:
    if provider.draft_of_id is not None:
        return []
    parts = [versions.guide(provider.slug)]
    if listed:
        parts += [versions.category(provider.category_id), versions.CATALOG, versions.NAMES]
    return parts


def guide_parts(**provider) -> list[str]:
    """The pages of the live guide that the lookup finds (`pk=…`, or `routes=…` for the
    guide a route belongs to), in one query; nothing for a draft."""
    from guides.models import Provider

    found = Provider.objects.filter(**provider, draft_of__isnull=True).values_list(
        "slug", flat=True
    )
    return [versions.guide(slug) for slug in found]


def channel_parts(channel_id: int) -> list[str]:
    """The guides sold through a channel (or a variant of it), and the catalog; nothing for
    a draft of a channel."""
    from guides.models import PurchaseChannel, Route

    found = PurchaseChannel.objects.filter(pk=channel_id).values_list("pk", "parent_id").first()
    if found is None:
        return [versions.CATALOG]  # deleted with its parent: the parent says the rest
    whole = found[1] or found[0]
    if not PurchaseChannel.objects.filter(pk=whole, draft_of__isnull=True).exists():
        return []
    slugs = (
        Route.objects.filter(Q(channel_id=whole) | Q(channel__parent_id=whole))
        .filter(provider__draft_of__isnull=True)
        .values_list("provider__slug", flat=True)
        .distinct()
    )
    return [versions.CATALOG, *(versions.guide(slug) for slug in slugs)]


def _owner_parts(instance, *, catalog: bool = False) -> list[str]:
    if getattr(instance, "provider_id", None) is not None:
        parts = guide_parts(pk=instance.provider_id)
        return [*parts, versions.CATALOG] if parts and catalog else parts
    if getattr(instance, "channel_id", None) is not None:
        return channel_parts(instance.channel_id)
    return []


def parts_of(instance, *, before: tuple | None = None) -> list[str]:
    from guides import models

    if isinstance(instance, models.Provider):
        listed = before is None or before != _listed_values(instance)
        parts = provider_parts(instance, listed=listed)
        old_slug = getattr(instance, "_slug_before", None)
        if parts and old_slug and old_slug != instance.slug:  # its old pages go
            parts.append(versions.guide(old_slug))
        return parts
    if isinstance(instance, models.Category):
        return [versions.category(instance.pk), versions.CATALOG, versions.NAMES]
    if isinstance(instance, models.PurchaseChannel):
        return channel_parts(instance.pk)
    if isinstance(instance, models.Step):
        if instance.route_id is not None:
            return guide_parts(routes=instance.route_id)
        return channel_parts(instance.channel_id) if instance.channel_id is not None else []
    if isinstance(instance, (models.Route, models.StatementDescriptor)):
        return _owner_parts(instance, catalog=True)
    return _owner_parts(instance)  # notes, questions, contacts


def _remember_listed(sender, instance, **_) -> None:
    """Before a provider is saved: what listings showed of it."""
    from guides.models import Provider

    instance._listed_before = instance._slug_before = None
    if instance.pk is not None and instance.draft_of_id is None:
        old = Provider.objects.filter(pk=instance.pk).first()
        if old is not None:
            instance._listed_before = _listed_values(old)
            instance._slug_before = old.slug


def _saved(sender, instance, created=False, raw=False, **_) -> None:
    before = None if created else getattr(instance, "_listed_before", None)
    versions.changed(*parts_of(instance, before=before))


def _deleted(sender, instance, **_) -> None:
    versions.changed(*parts_of(instance))


def connect() -> None:
    from guides import models

    for model in (
        models.Category,
        models.Provider,
        models.PurchaseChannel,
        models.Route,
        models.Step,
        models.OfficialContact,
        models.ProviderNote,
        models.Question,
        models.StatementDescriptor,
    ):
        post_save.connect(_saved, sender=model, dispatch_uid=f"touched-{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"touched-d-{model.__name__}")
    pre_save.connect(_remember_listed, sender=models.Provider, dispatch_uid="touched-listed")
