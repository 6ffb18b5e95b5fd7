"""Rights notes in guide files (docs/format.md, "rights"): a top-level `rights` list, each
note named by its slug, with its texts translated as any guide text is.

    rights:
      - slug: de-cancellation-button
        region: DE
        status: published
        title: "Germany: a button to cancel contracts"
        source_url: https://www.gesetze-im-internet.de/bgb/__312k.html
        took_effect: 2022-07-01
        translations:
          de: {title: "Deutschland: ein Button zum Kündigen"}

A note is named by its slug rather than by its region and place: a note keeps its name when
it moves in its list or to another region, and a file may hold a few notes of a region
without saying where the others stand. Its place among its region's notes is its order in
the file.

Whether visitors read it follows a guide's `status`: an imported guide whose status is
`published` is live, and so is an imported note with `status: published`, which makes the
file's note its published copy (guides/models/rights.py). A note without it is a draft: its
texts are loaded, and nothing of it is published. An export writes what visitors read of a
published note (its published copy, with `status: published`), and a note never published as
it is. An editor's upload in the admin carries no rights notes: those are changed in the
admin, where a second person publishes them.
"""

from __future__ import annotations

import copy
import datetime

from django.utils import timezone
from django.utils.translation import gettext

from guides import regions
from guides.files.documents import Where
from guides.files.rows import RowWriter, parse_date
from guides.files.translations import with_translations
from guides.models import RightsNote
from guides.models.rights import TEXTS
from guides.models.translated import other_languages

KIND = "rights note"
PUBLISHED = "published"


# Export ------------------------------------------------------------------------------------


def entries() -> list[dict]:
    """Every rights note as a file writes it, by region, then by its place in its region."""
    found = []
    for note in RightsNote.objects.all():
        read = note.published if note.published is not None else note.copy()
        key = (read["region"], read["position"], note.slug)
        found.append((key, _entry(note.slug, read, published=note.published is not None)))
    return [entry for _, entry in sorted(found, key=lambda item: item[0])]


def _entry(slug: str, read: dict, *, published: bool) -> dict:
    """A note's entry from a copy of it (RightsNote.copy): only what differs from a default."""
    out: dict = {"slug": slug, "region": read["region"]}
    if published:
        out["status"] = PUBLISHED
    out["title"] = read["title"].get("en", "")
    if read["body"].get("en"):
        out["body"] = read["body"]["en"]
    out["source_url"] = read["source_url"]
    if read["sources"]:
        out["sources"] = read["sources"]
    for key in ("took_effect", "last_verified_on"):
        if read[key]:
            out[key] = datetime.date.fromisoformat(read[key])
    translations = {
        code: {name: read[name][code] for name in TEXTS if read[name].get(code)}
        for code in other_languages()
    }
    translations = {code: texts for code, texts in translations.items() if texts}
    if translations:
        out["translations"] = translations
    return out


# Import ------------------------------------------------------------------------------------


def exists(entry: dict) -> bool:
    return RightsNote.objects.filter(slug=entry["slug"]).exists()


def not_uploaded(entry: dict) -> str:
    """Why an editor's upload leaves a rights note out (guides/files/importer.py)."""
    return gettext(
        "rights note %(slug)s is left out: rights notes are changed in the admin, where a "
        "second person publishes them."
    ) % {"slug": entry["slug"]}


class RightsNotes(RowWriter):
    """The Importer's part for rights notes."""

    def rights_note(self, entry: dict, where: Where) -> None:
        """Create or update the note of the entry's slug; publish it if the entry says so."""
        code = entry["region"]
        if not regions.is_known(code):
            self.errors.append(
                f"{where.at('region')}: region: {code!r} is not a region the site knows"
            )
            return
        note = RightsNote.objects.filter(slug=entry["slug"]).first()
        note = note or RightsNote(slug=entry["slug"])
        values: dict = with_translations(
            RightsNote,
            entry,
            {
                "region": code,
                "title": entry["title"],
                "body": entry.get("body", ""),
                "source_url": entry["source_url"],
                "sources": "\n".join(entry.get("sources", [])),
                "took_effect": parse_date(entry.get("took_effect")),
                "last_verified_on": parse_date(entry.get("last_verified_on")),
                "position": where.path[-1] + 1,  # its place in the file's list
            },
        )
        published = None
        if entry.get("status") == PUBLISHED:
            loaded = copy.copy(note)
            for name, value in values.items():
                setattr(loaded, name, value)
            published = loaded.copy()
        values["published"] = published
        republished = published != note.published
        if republished:  # by the file, which no one reviewed here
            values |= {
                "published_by": None,
                "published_at": timezone.now() if published else None,
                "published_alone": False,
            }
        key = (KIND, entry["slug"])
        saved = self._save(note, where, values, kind=KIND, label=entry["slug"], entry=key)
        if saved and republished:
            note.editors.clear()
