"""How far a guide is translated into each language: every text its visitors read (the
provider's, its contacts', notes', questions', answers' and steps', and those of the channels
its answers send visitors to, with their variants, contacts and standard steps), each
translated, missing or outdated (guides/models/translated.py), counted.

    for found in translation_states(provider):
        str(found)  # "German: partial (12 of 30 texts), 2 outdated"
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language_info, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from guides.models.channels import PurchaseChannel
from guides.models.contacts import OfficialContact
from guides.models.flows import Route, Step
from guides.models.providers import Provider
from guides.models.translated import TextState, other_languages, text_state, translated_fields

# Translated, but no visitor reads them on a page: other names of a provider, which the search
# finds in every language.
UNREAD = {"aliases"}


class GuideState(models.TextChoices):
    COMPLETE = "complete", _("complete")
    PARTIAL = "partial", _("partial")
    MISSING = "missing", _("missing")
    OUTDATED = "outdated", _("outdated")


class Text(NamedTuple):
    """One translated text of a guide: a field of a row."""

    obj: models.Model
    field: str


@dataclass(frozen=True)
class GuideTranslation:
    """A guide's texts in one language: how many there are, how many are translated (the
    outdated ones among them), and which are outdated or missing."""

    language: str
    total: int
    translated: int
    outdated: tuple[Text, ...] = ()
    missing: tuple[Text, ...] = ()

    @property
    def state(self) -> GuideState:
        if self.translated == 0 and self.total:
            return GuideState.MISSING
        if self.translated < self.total:
            return GuideState.PARTIAL
        return GuideState.OUTDATED if self.outdated else GuideState.COMPLETE

    def __str__(self) -> str:
        """ "German: partial (12 of 30 texts), 2 outdated", in the active language."""
        language = get_language_info(self.language)["name_translated"]
        said = gettext("%(language)s: %(state)s") % {
            "language": language,
            "state": self.state.label,
        }
        if self.state == GuideState.PARTIAL:
            said += " " + ngettext(
                "(%(translated)s of %(total)s text)",
                "(%(translated)s of %(total)s texts)",
                self.total,
            ) % {"translated": self.translated, "total": self.total}
        if self.outdated:
            said += ngettext(", %(count)s outdated", ", %(count)s outdated", len(self.outdated)) % {
                "count": len(self.outdated)
            }
        return said


def guide_texts(provider: Provider) -> list[Text]:
    """Every translated text a visitor of `provider`'s guide reads, in one query per kind of
    row (a guide, live or a draft, with the live channels its answers name)."""
    routes = list(Route.objects.filter(provider=provider).select_related("channel"))
    used = {route.channel.parent_id or route.channel.pk for route in routes if route.channel}
    channels = PurchaseChannel.objects.filter(Q(pk__in=used) | Q(parent__in=used))
    rows: list[models.Model] = [
        provider,
        *provider.contacts.all(),
        *provider.notes.all(),
        *provider.questions.all(),
        *routes,
        *Step.objects.filter(route__provider=provider),
        *channels,
        *OfficialContact.objects.filter(channel__in=channels),
        *Step.objects.filter(channel__in=channels),
    ]
    return [
        Text(obj, field)
        for obj in rows
        for field in translated_fields(type(obj))
        if field not in UNREAD
    ]


def translation_states(provider: Provider) -> list[GuideTranslation]:
    """How far `provider`'s guide is translated into each language but English."""
    texts = guide_texts(provider)
    found = []
    for language in other_languages():
        states = [(text, text_state(text.obj, text.field, language)) for text in texts]
        counted = [(text, state) for text, state in states if state is not None]
        found.append(
            GuideTranslation(
                language=language,
                total=len(counted),
                translated=sum(state != TextState.MISSING for _, state in counted),
                outdated=tuple(text for text, state in counted if state == TextState.OUTDATED),
                missing=tuple(text for text, state in counted if state == TextState.MISSING),
            )
        )
    return found


def translation_state(provider: Provider, language: str) -> GuideTranslation:
    """How far `provider`'s guide is translated into `language`."""
    for found in translation_states(provider):
        if found.language == language:
            return found
    raise ValueError(f"{language!r} is not a language a guide is translated into")
