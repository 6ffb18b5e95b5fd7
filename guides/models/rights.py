"""“Your rights where you live”: sourced, dated notes that editors keep per region (the EU's
right of withdrawal, Germany's cancellation button, …), shown beside the steps of every
guide to visitors who live there.

A rights note belongs to no guide, so it is published on its own, with four eyes: visitors
read its *published copy* (`published`: its texts in every language, its region, sources and
dates, as a Publisher approved them), never the row an editor is changing. Whoever changed it
since it was last published is one of its `editors`, and may not publish it; a superuser may,
and the publication records that no one else reviewed it (`published_alone`), as guides'
publications do (guides/publishing/revisions.py). Publishing logs a change of the whole site,
so no page keeps showing the old copy (guides/caching/versions.py).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from guides import regions
from guides.caching import versions
from guides.models.base import LONG_TEXT, SHORT_TEXT, VisibleText, position_validators
from guides.models.revisions import Decision
from guides.text import phones

PUBLISH_PERMISSION = "guides.publish_provider"  # the Publishers' permission, as for guides
TEXTS = ("title", "body")  # what editors translate (guides/translation.py)
PUBLICATION = ("published", "published_by", "published_at", "published_alone")


class NotPublished(Exception):
    """Publishing was refused; the message says why, for the Publisher."""


class RightsNoteQuerySet(models.QuerySet):
    def published(self) -> RightsNoteQuerySet:
        """The notes visitors read: those with a published copy."""
        return self.filter(published__isnull=False)


class RightsNote(VisibleText):
    """What the law gives a visitor who lives in one region, in plain words, with the
    official text it comes from and the day it took effect."""

    slug = models.SlugField(max_length=120, help_text=_("Names the note in guide files."))
    region = CountryField(
        max_length=10,  # room for the subdivisions and groups of guides/regions.py
        help_text=_(
            "Where this applies: a country, California (US-CA), or the European Union (EU)."
        ),
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=LONG_TEXT, help_text=_("Markdown."))
    source_url = models.URLField(
        max_length=500, help_text=_("The official text: the law, or its regulator's page.")
    )
    sources = models.TextField(
        blank=True,
        max_length=SHORT_TEXT,
        help_text=_("More official pages, one address per line."),
    )
    took_effect = models.DateField(
        null=True, blank=True, help_text=_("The day it took effect; empty: not yet in force.")
    )
    last_verified_on = models.DateField(
        null=True,
        blank=True,
        help_text=_("The day a person checked this note against its sources; empty until then."),
    )
    position = models.PositiveIntegerField(default=0, validators=position_validators)
    # Who changed the note since it was last published: none of them may publish it.
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", editable=False
    )
    # What visitors read (None: nothing yet), and who approved it, when.
    published = models.JSONField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_alone = models.BooleanField(default=False, editable=False)

    objects = RightsNoteQuerySet.as_manager()

    class Meta:
        ordering = ["region", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="rightsnote_slug_unique",
                violation_error_message=_("Another rights note already has this slug."),
            ),
            models.CheckConstraint(
                condition=~Q(source_url=""),
                name="rightsnote_has_a_source",
                violation_error_message=_("A rights note needs its official source."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def phone_owner(self) -> phones.Owner:
        # No one verifies a number for a rights note: it may carry none.
        return phones.Owner("A rights note", frozenset(), holds_contacts=False)

    def clean(self) -> None:
        super().clean()
        check = URLValidator(schemes=["http", "https"])
        for line in self.source_list:
            try:
                check(line)
            except ValidationError:
                raise ValidationError(
                    {"sources": gettext("“%(line)s” is not a web address.") % {"line": line}}
                ) from None

    @property
    def source_list(self) -> list[str]:
        return [line.strip() for line in self.sources.splitlines() if line.strip()]

    def delete(self, *args, **kwargs):
        shown = self.published is not None
        deleted = super().delete(*args, **kwargs)
        if shown:
            versions.changed(versions.SITE)
        return deleted

    # What visitors would read -------------------------------------------------------------

    def copy(self) -> dict:
        """The note as visitors would read it: every language's texts, the region, sources
        and dates; what publishing stores in `published`."""
        languages = [code for code, _ in settings.LANGUAGES]
        return {
            "region": str(self.region),
            "position": self.position,
            **{
                name: {
                    code: text
                    for code in languages
                    if (text := getattr(self, f"{name}_{code}", None) or "")
                }
                for name in TEXTS
            },
            "source_url": self.source_url,
            "sources": self.source_list,
            "took_effect": _iso(self.took_effect),
            "last_verified_on": _iso(self.last_verified_on),
        }

    @property
    def has_unpublished_changes(self) -> bool:
        return self.published != self.copy()

    def unpublished_changes(self) -> list[str]:
        """What differs from the published copy: `title`, `body (de)`, `region`…"""
        if self.published is None:
            return []
        now = self.copy()
        changed = []
        for key, value in now.items():
            before = self.published.get(key)
            if key in TEXTS:
                codes = sorted(set(value) | set(before or {}))
                changed += [
                    key if code == settings.LANGUAGE_CODE else f"{key} ({code})"
                    for code in codes
                    if value.get(code) != (before or {}).get(code)
                ]
            elif value != before:
                changed.append(key)
        return changed

    def fingerprint(self) -> str:
        """A digest of the copy a Publisher reviewed: publishing refuses if it has changed."""
        text = json.dumps(self.copy(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    # Publishing ---------------------------------------------------------------------------

    def note_editor(self, user) -> None:
        """Remember that `user` changed the note: they may not publish this change."""
        if self.pk is not None and user.is_authenticated:
            RightsNote.editors.through.objects.get_or_create(rightsnote_id=self.pk, user_id=user.pk)

    def may_publish(self, user) -> Decision:
        if not user.has_perm(PUBLISH_PERMISSION):
            return Decision(False, gettext("Only a Publisher can publish a rights note."))
        if not self.has_unpublished_changes:
            return Decision(
                False, gettext("Visitors already read this note as it is: nothing to publish.")
            )
        if self.editors.filter(pk=user.pk).exists():
            if user.is_superuser:
                return Decision(True, gettext("You changed this note yourself."), alone=True)
            return Decision(
                False,
                gettext(
                    "You changed this note yourself: another Publisher must review and publish it."
                ),
            )
        return Decision(True)

    def publish(self, user, reviewed: str | None = None) -> Decision:
        """Make the note as it is now what visitors read, as `user`; `reviewed`, the
        fingerprint of the copy they reviewed. Raises NotPublished, changing nothing."""
        with transaction.atomic():
            note = RightsNote.objects.select_for_update().get(pk=self.pk)
            decision = note.may_publish(user)
            if not decision.allowed:
                raise NotPublished(decision.reason)
            if reviewed is not None and reviewed != note.fingerprint():
                raise NotPublished(
                    gettext(
                        "The note was changed after you opened it: read it again before you "
                        "publish it."
                    )
                )
            try:  # the final gate: the phone guard and every limit, in every language
                note.full_clean()
            except ValidationError as exc:
                raise NotPublished(" ".join(exc.messages)) from exc
            note.published = note.copy()
            note.published_by = user
            note.published_at = timezone.now()
            note.published_alone = decision.alone
            note.save(
                update_fields=["published", "published_by", "published_at", "published_alone"]
            )
            note.editors.clear()
            versions.changed(versions.SITE)
        self.refresh_from_db()
        return decision

    def unpublish(self, user) -> None:
        """Take the note off visitors' pages (a Publisher's act)."""
        if not user.has_perm(PUBLISH_PERMISSION):
            raise NotPublished(gettext("Only a Publisher can unpublish a rights note."))
        with transaction.atomic():
            RightsNote.objects.filter(pk=self.pk).update(
                published=None, published_by=None, published_at=None, published_alone=False
            )
            versions.changed(versions.SITE)
        self.refresh_from_db()


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day is not None else None


# What visitors read ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A text as a page shows it: in the page's language, or in English with `lang` "en"
    when the page's language has none."""

    text: str
    lang: str = ""


def _in_language(texts: dict[str, str]) -> Shown:
    language = get_language() or settings.LANGUAGE_CODE
    if texts.get(language):
        return Shown(texts[language])
    english = texts.get(settings.LANGUAGE_CODE, "")
    return Shown(english, settings.LANGUAGE_CODE if language != settings.LANGUAGE_CODE else "")


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class SourceLink:
    url: str

    @property
    def parts(self) -> list[str]:
        """Where the link leads, as a reader names it: its site and the steps of its path
        (`eur-lex.europa.eu`, `eli`, `dir`, …), which a page may break the line between."""
        address = urlsplit(self.url)
        site = (address.hostname or self.url).removeprefix("www.")
        return [site, *(step for step in address.path.split("/") if step)]


@dataclass(frozen=True)
class PublishedNote:
    """A published copy, read in the language of the page."""

    copy: dict

    @property
    def region(self) -> str:
        return self.copy["region"]

    @property
    def title(self) -> Shown:
        return _in_language(self.copy["title"])

    @property
    def body(self) -> Shown:
        return _in_language(self.copy["body"])

    @property
    def links(self) -> list[SourceLink]:
        """The official source, then the others, each named by its site."""
        return [SourceLink(url) for url in [self.copy["source_url"], *self.copy["sources"]]]

    @property
    def took_effect(self) -> datetime.date | None:
        return _date(self.copy["took_effect"])

    @property
    def last_verified_on(self) -> datetime.date | None:
        return _date(self.copy["last_verified_on"])


@dataclass(frozen=True)
class RegionNotes:
    """The notes of one region, headed by its name in the language of the page."""

    code: str
    notes: list[PublishedNote]

    @property
    def name(self) -> str:
        return regions.name(self.code)


@dataclass(eq=False)  # kept beside in memory.derived, by identity
class RightsSection:
    """The section of a steps page: the notes for where the visitor lives (`where`), or
    every note by region when they have not said (None)."""

    where: str | None
    by_region: list[RegionNotes]

    @property
    def groups(self) -> list[RegionNotes]:
        """By the regions' names, in the language of the page."""
        return sorted(self.by_region, key=lambda group: group.name)


@dataclass(eq=False)  # kept in memory (guides/caching/memory.py) until the content changes
class PublishedRights:
    """Every published note, read in one query, and the section each place gets."""

    notes: list[PublishedNote]
    sections: dict[str | None, RightsSection] = field(default_factory=dict)

    @classmethod
    def load(cls) -> PublishedRights:
        rows = RightsNote.objects.published().values_list("pk", "published")
        ordered = sorted(rows, key=lambda row: (row[1]["position"], row[0]))
        return cls([PublishedNote(copy) for _, copy in ordered])

    @property
    def regions(self) -> frozenset[str]:
        """The places a note is published for: offered to "Where do you live?"."""
        return frozenset(note.region for note in self.notes)

    def section(self, where: str | None) -> RightsSection:
        """The notes that apply to a visitor who lives in `where` (None: every note)."""
        if where not in self.sections:
            by_region: dict[str, list[PublishedNote]] = {}
            for note in self.notes:
                if regions.applies([note.region], where):
                    by_region.setdefault(note.region, []).append(note)
            groups = [RegionNotes(code, notes) for code, notes in by_region.items()]
            self.sections[where] = RightsSection(where, groups)
        return self.sections[where]
