"""Where a part of a guide applies, and where a visitor lives.

A route, a step, a note, a contact or a channel's variant may apply only in some regions: a
list of codes, each an ISO 3166-1 country (`DE`), a subdivision we name (`US-CA`), or a
group (`EU`). An empty list means everywhere. The names come from django-countries, in the
language of the page.

A visitor says where they live once, in the address (`?region=de`): a country, a
subdivision, a group (when they choose "another country of the European Union"), or
`other` (somewhere else). A part applies to them when one of its codes is among their
memberships: the code itself, the country of a subdivision, and the groups of a country.
Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext, pgettext
from django_countries import countries

# The groups an editor may name, by their members (the EU since 1 February 2020).
EU_MEMBERS = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"
GROUPS: dict[str, frozenset[str]] = {"EU": frozenset(EU_MEMBERS.split())}
# The subdivisions an editor may name, with their country. The names of both are added to
# django-countries' list in the settings (COUNTRIES_OVERRIDE).
SUBDIVISIONS: dict[str, str] = {"US-CA": "US"}
OTHER = "OTHER"  # a visitor who lives where no part of the guide is meant for
REGION_PARAMETER = "region"  # where a visitor lives, in a page's address

# The country a page's language suggests; a suggestion is shown, never assumed.
SUGGESTED_BY_LANGUAGE = {"de": "DE", "fr": "FR", "es": "ES"}


def normalize(code: str) -> str:
    return code.strip().upper()


def is_known(code: str) -> bool:
    """Whether `code` names a region an editor may use (a country, subdivision or group)."""
    code = normalize(code)
    return code in GROUPS or code in SUBDIVISIONS or (len(code) == 2 and code in countries)


def parse_visitor(value: str) -> str | None:
    """Where a visitor lives, from the address's `region`: a known code, or OTHER; None
    for anything else (the page answers 404)."""
    code = normalize(value)
    if code == OTHER or is_known(code):
        return code
    return None


def memberships(where: str) -> frozenset[str]:
    """The codes that apply to a visitor who lives in `where`."""
    codes = {where}
    country = SUBDIVISIONS.get(where, where)
    codes.add(country)
    codes.update(group for group, members in GROUPS.items() if country in members)
    return frozenset(codes)


def codes_of(regions: Iterable) -> frozenset[str]:
    """The codes of a model's `regions` (Country objects or strings)."""
    return frozenset(normalize(getattr(region, "code", region)) for region in regions)


def applies(regions: Iterable, where: str | None) -> bool:
    """Whether a part meant for `regions` (empty: everywhere) applies to a visitor who lives
    in `where` (None: not asked, so every part is shown, marked with where it applies)."""
    codes = codes_of(regions)
    if not codes or where is None:
        return True
    return bool(codes & memberships(where))


def name(code: str) -> str:
    """A region's name in the language of the page."""
    if code == OTHER:
        return gettext("Somewhere else")
    return str(countries.name(code)) or code


def names(regions: Iterable) -> str:
    """Where a part applies, for a label: "Germany, Austria"."""
    return ", ".join(sorted(name(code) for code in codes_of(regions)))


@dataclass(frozen=True)
class Option:
    """One answer to "Where do you live?"."""

    code: str
    label: str
    suggested: bool = False

    @property
    def slug(self) -> str:
        return self.code.lower()


def options(named: Iterable[str], language: str) -> list[Option]:
    """The answers to "Where do you live?" for a guide whose parts name these codes: each
    country and subdivision named (and the rest of a subdivision's country), each group as
    "elsewhere in" it, then "somewhere else"; the one the page's language suggests first."""
    codes = {normalize(code) for code in named}
    places = {code for code in codes if code not in GROUPS}
    places |= {SUBDIVISIONS[code] for code in codes if code in SUBDIVISIONS}
    found = []
    for code in places:
        label = name(code)
        if code in SUBDIVISIONS.values() and any(SUBDIVISIONS.get(c) == code for c in places):
            label = pgettext("the rest of a country", "%(country)s (elsewhere)") % {
                "country": label
            }
        found.append(Option(code, label))
    found.sort(key=lambda option: option.label)
    for group in sorted(codes & GROUPS.keys()):
        inside = any(code in GROUPS[group] for code in places)
        template = (
            gettext("Another country of the %(group)s")
            if inside
            else gettext("A country of the %(group)s")
        )
        found.append(Option(group, template % {"group": name(group)}))
    found.append(Option(OTHER, name(OTHER)))
    suggestion = suggested(found, language)
    if suggestion is None:
        return found
    chosen = Option(suggestion.code, suggestion.label, suggested=True)
    return [chosen, *(option for option in found if option.code != suggestion.code)]


def suggested(found: list[Option], language: str) -> Option | None:
    """The option the page's language suggests: its country, or the group it belongs to."""
    country = SUGGESTED_BY_LANGUAGE.get(language)
    if country is None:
        return None
    for option in found:
        if option.code == country:
            return option
    for option in found:
        if country in GROUPS.get(option.code, ()):
            return option
    return None
