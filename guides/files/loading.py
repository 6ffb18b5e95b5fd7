"""Loading checked documents into the database: every row is created or updated by slug (or
loaded into a given row), checked with full_clean() first, and reported."""

from __future__ import annotations

from django.db import transaction

from cancelflow.languages import in_source_language
from guides.caching import touched, versions
from guides.files.documents import (
    DEFAULT_DIFFICULTY,
    DEFAULT_FIRST_QUESTION,
    DEFAULT_STATUS,
    DEFAULT_STEP_KIND,
    Document,
    GuideImportError,
    Where,
    plain_data,
)
from guides.files.report import Report
from guides.files.rights import RightsNotes
from guides.files.rows import Owner, RowWriter, parse_date
from guides.files.translations import with_translations
from guides.files.validation import check_documents
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


def regions_of(entry: dict) -> list[str]:
    """An entry's `regions` as the database keeps them (each once, in order of code), so a
    file that lists them in another order imports as unchanged the second time."""
    return sorted(set(entry.get("regions", [])))


class Importer(RightsNotes, RowWriter):
    """Applies validated documents. Every save is checked with full_clean() first. (The
    rights notes' part is guides/files/rights.py.)"""

    # -- categories and channels ------------------------------------------------------------

    def category(self, entry: dict, where: Where) -> None:
        obj = Category.objects.filter(slug=entry["slug"]).first() or Category(slug=entry["slug"])
        values = with_translations(
            Category,
            entry,
            {
                "name": entry["name"],
                "description": entry.get("description", ""),
            },
        )
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
        found: PurchaseChannel | None
        if into is not None:
            found = into
        elif parent is None:
            found = PurchaseChannel.objects.live().filter(slug=entry["slug"], parent=None).first()
        else:
            found = PurchaseChannel.objects.filter(slug=entry["slug"], parent=parent).first()
        obj = found or PurchaseChannel(slug=entry["slug"], parent=parent)
        top = parent.slug if parent else entry["slug"]
        label = f"{parent.slug}/{entry['slug']}" if parent else entry["slug"]
        key = ("channel", top)
        values = with_translations(
            PurchaseChannel,
            entry,
            {
                "name": entry["name"],
                "kind": entry.get("kind", parent.kind if parent else ""),
                "hint": entry.get("hint", ""),
                "website": entry.get("website", ""),
                "online": entry.get("online", parent.online if parent else True),
                "variant_question": entry.get("variant_question", ""),
                "sources": "\n".join(entry.get("sources", [])),
                "last_verified_on": parse_date(entry.get("last_verified_on")),
                "position": entry.get("position", 0) if parent is None else position,
                "regions": regions_of(entry),
            },
        )
        kind = "variant" if parent else "channel"
        if not self._save(obj, where, values, kind=kind, label=label, entry=key):
            return
        owner = Owner(key, kind, label)
        self.contacts(entry.get("contacts", []), where, owner, channel=obj)
        self.descriptors(entry, where, owner, channel=obj)
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
        published (guides/publishing/revisions.py), with the given `status`."""
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
        values = with_translations(
            Provider,
            entry,
            {
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
                "last_verified_on": parse_date(entry.get("last_verified_on")),
                "sources": "\n".join(entry.get("sources", [])),
            },
        )
        key = ("provider", entry["slug"])
        if not self._save(obj, where, values, kind="provider", label=entry["slug"], entry=key):
            return
        owner = Owner(key, "provider", entry["slug"])
        self.contacts(entry.get("contacts", []), where, owner, provider=obj)
        self.descriptors(entry, where, owner, provider=obj)
        self.ordered(
            ProviderNote,
            obj.notes.all(),
            entry.get("notes", []),
            where / "notes",
            owner,
            "note",
            lambda note: with_translations(
                ProviderNote,
                note,
                {
                    "provider": obj,
                    "kind": note["kind"],
                    "title": note["title"],
                    "body": note.get("body", ""),
                    "source_url": note.get("source_url", ""),
                    "regions": regions_of(note),
                },
            ),
        )
        self.ordered(
            Question,
            obj.questions.all(),
            entry.get("questions", []),
            where / "questions",
            owner,
            "question",
            lambda q: with_translations(
                Question,
                q,
                {
                    "provider": obj,
                    "question": q["question"],
                    "answer": q["answer"],
                    "source_url": q.get("source_url", ""),
                },
            ),
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
            values = with_translations(
                Route,
                entry,
                {
                    "label": entry["label"],
                    "channel": channel,
                    "position": index + 1,
                    "question": entry.get("question", ""),
                    "channel_steps_first": entry.get("channel_steps_first", True),
                    "regions": regions_of(entry),
                },
            )
            if not self._save(route, here, values, kind="route", label=label, entry=key):
                continue
            self.steps(entry.get("steps", []), here, Owner(key, "route", label), route=route)
            self.routes(provider, route, entry.get("routes", []), here, key, label)

    def descriptors(self, entry: dict, where: Where, owner: Owner, **rows) -> None:
        self.ordered(
            StatementDescriptor,
            StatementDescriptor.objects.filter(**rows),
            entry.get("descriptors", []),
            where / "descriptors",
            owner,
            "descriptor",
            lambda d: {
                **rows,
                "pattern": d["pattern"],
                "example": d.get("example", ""),
                "source_url": d["source_url"],
                "last_verified_on": parse_date(d.get("last_verified_on")),
            },
        )

    def contacts(self, entries: list, where: Where, owner: Owner, **rows) -> None:
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
            values = with_translations(
                OfficialContact,
                entry,
                {
                    "label": entry.get("label", ""),
                    "regions": regions_of(entry),
                    "source_url": entry["source_url"],
                    "verified_on": parse_date(entry.get("verified_on")),
                },
            )
            label = f"{entry['value']} of {owner}"
            if self._save(obj, here, values, kind="contact", label=label, entry=owner.entry):
                kept.append(obj.pk)
        self._delete(
            OfficialContact.objects.filter(**rows).exclude(pk__in=kept),
            "contact",
            lambda c: f"{c.value} of {owner}",
            owner.entry,
        )

    def steps(
        self, entries: list, where: Where, owner: Owner, **rows: Route | PurchaseChannel
    ) -> None:
        """Sync the steps of a route (`route=`) or of a channel (`channel=`)."""
        owner_obj = rows["route"] if "route" in rows else rows["channel"]
        if isinstance(owner_obj, Route):
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
            return with_translations(
                Step,
                step,
                {
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
                    "regions": regions_of(step),
                },
            )

        self.ordered(
            Step, Step.objects.filter(**rows), entries, where / "steps", owner, "step", values
        )


@in_source_language
def load_channel(data: dict, into: PurchaseChannel) -> Report:
    """Load a document holding one channel (exporter.export_channel) into the whole channel
    row `into`, in place, as `load_guide` loads a guide; GuideImportError on any fault."""
    document = Document(f"channel {into.slug}", plain_data(data))
    check_documents([document])
    importer = Importer()
    with transaction.atomic():
        importer.channel(document.data["channels"][0], Where(document, ("channels", 0)), into=into)
        if importer.errors:
            raise GuideImportError(importer.errors)
        # reordering moves rows with update(), which sends no signal
        versions.changed(*touched.channel_parts(into.pk))
    return importer.report


@in_source_language
def load_guide(data: dict, into: Provider, *, status: str) -> Report:
    """Load a document holding one guide (guides/files/exporter.py export_guide) into the row
    `into`, as `import_documents` would load it into the guide of its slug: what the
    document lists is created or updated in place (steps keep their identity, and what
    visitors reported about them), what it no longer lists is deleted. The document is
    checked whole first; on any fault, GuideImportError and nothing changed."""
    document = Document(f"guide {into.slug}", plain_data(data))
    data = document.data
    check_documents([document])
    importer = Importer()
    with transaction.atomic():
        where = Where(document, ("providers", 0))
        importer.provider(data["providers"][0], where, into=into, status=status)
        if importer.errors:
            raise GuideImportError(importer.errors)
        # reordering moves rows with update(), which sends no signal
        versions.changed(versions.guide(into.slug))
    return importer.report
