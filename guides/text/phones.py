"""The phone-number guard: no number that an editor has not verified can reach a visitor.

Fake "support" numbers are written every way a search engine will index them: with arrows,
dots, unicode dashes, brackets in odd places, spaced-out digits. So free text is first
normalised (odd separators between digits become plain hyphens, markup and entities are
undone), then `phonenumbers` finds the numbers in it and gives each one its E.164 form, and
that is what is compared with the owner's verified phone contacts.

What is *not* a phone number: years, dates (2026-01-21, 21.01.2026, 01/21/2026), prices,
"30 days", step numbers, and the numeric ids in a web address (…/kb/174410, ?id=12345678901):
in a URL only a number written with separators (or a tel: link) counts.

Numbers without a country code are read as North American; numbers written the national way
of another country are recognised for the countries of the owner's verified numbers.

A text is also read the other ways a person reads it (see `readings`): as its Markdown renders
("1-855-**737**-0477" shows the whole number), with look-alike letters read as the digits
they imitate ("1-8SS-737-O477"), with keypad letters dialled ("1-855-PES-0477"), and with
numbers written out in words in the languages the site ships ("one eight five five …").
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from urllib.parse import unquote

import phonenumbers
from django.core.exceptions import ValidationError
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

from guides.text.readings import INLINE_TAG, readings

DEFAULT_REGION = "US"
MAX_TEXT = 100_000  # longer than any field the guard looks at

# Anything but a letter, digit, space, or the separators phonenumbers already understands,
# standing between two digits (or a digit and a bracket): "1→855", "737★0477", "1_855".
_ODD_SEPARATOR = re.compile(r"(?<=[\d)])\s*(?:[^\w\s()+.\-/,]|_)+\s*(?=[\d(])")
# A comma counts only tight between digits ("1,855,737,0477"), not in a list ("2025, 12").
_TIGHT_COMMA = re.compile(r"(?<=\d),(?=\d)")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]")
_TAG = re.compile(r"<[^>]{0,500}>")
# Text renders with each run of white space as one space, line breaks included: "Call
# 1-855-⏎737-0477" shows on one line, and a number broken over lines is still one number.
_WHITE_SPACE = re.compile(r"\s+")
# A bracketed group inside a number, not its area code at the front: "1-855(737)-0477".
_INNER_BRACKETS = re.compile(r"(?<=\d)[-.\s]*[(\[](\d{1,5})[)\]][-.\s]*(?=\d)")
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_URL = re.compile(r"(?:https?://|(?:tel|sms|callto):)[^\s<>\"']+", re.IGNORECASE)
_TEL_SCHEME = re.compile(r"^(?:tel|sms|callto):", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    """A phone number found in text: as written, and in E.164 (+18005550100)."""

    raw: str
    e164: str


def normalise(text: str) -> str:
    """Undo the disguises: markup, entities, full-width digits, invisible characters, and
    arrows or other symbols used as separators."""
    text = INLINE_TAG.sub("", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_invisible(text))  # zero-width characters and other formatting marks
    text = _WHITE_SPACE.sub(" ", text)
    text = _DASHES.sub("-", text)
    text = _ODD_SEPARATOR.sub("-", text)
    text = _TIGHT_COMMA.sub("-", text)
    text = _INNER_BRACKETS.sub(r"-\1-", text)
    # "Call1-855…" or "…0477now": a number glued to a word is still a number.
    return _LETTER_DIGIT.sub(" ", text)


def _invisible(text: str) -> dict[int, None]:
    """The formatting characters of `text` (Unicode category Cf: zero-width space, joiners,
    bidi marks…), for str.translate to drop; each distinct character is looked at once."""
    return {ord(ch): None for ch in set(text) if unicodedata.category(ch) == "Cf"}


_YEAR = re.compile(r"^(?:19|20)\d\d$")


def _years_not_a_number(raw: str) -> bool:
    """Years, not a number: "2025-2026 12", "2026 01 21 10", "2025.2026.12" start with a
    year, then have another year or a short last group. No one writes a North American
    number that way (its last group has four digits), though "1905 555 0100" (1 and the
    area code 905) stays a number."""
    if raw.startswith("+"):
        return False
    groups = re.findall(r"\d+", raw)
    if len(groups) < 2 or not _YEAR.match(groups[0]):
        return False
    return bool(_YEAR.match(groups[1])) or len(groups[-1]) < 4


def _matches(text: str, regions: Iterable[str]) -> list[Found]:
    found: dict[str, Found] = {}
    for region in regions:
        for match in PhoneNumberMatcher(text, region, leniency=Leniency.VALID):
            if match.number.country_code == 1 and _years_not_a_number(match.raw_string):
                continue
            e164 = phonenumbers.format_number(match.number, PhoneNumberFormat.E164)
            found.setdefault(e164, Found(match.raw_string.strip(), e164))
    return list(found.values())


def find_numbers(text: str, regions: Iterable[str] = ()) -> list[Found]:
    """Every phone number in `text`, each once, in any of its `readings`. `regions` adds
    countries whose national format is recognised besides North America's."""
    if not text:
        return []
    text = text[:MAX_TEXT]
    regions = list(dict.fromkeys([DEFAULT_REGION, *regions]))
    found: dict[str, Found] = {}
    for reading in readings(text):
        for number in _find_written(reading, regions):
            found.setdefault(number.e164, number)
    return list(found.values())


# How far either side of a line break a number may run on and still be read across it: a
# number spelled out in words ("one eight five five …") is some 70 characters.
ACROSS_LINES = 160


def find_numbers_in_lines(
    lines: Sequence[str], regions: Iterable[str] = (), *, across: bool = True
) -> list[Found]:
    """Every phone number in a page's `lines`, each once: in each line, and with `across`,
    over each line break, where "Call 1-855-" on one line and "737-0477" on the next read
    as one number. A site's pages repeat most of their lines (the header, the footer, the
    steps shared with the next page), and each distinct line is read once per process."""
    regions = tuple(dict.fromkeys([DEFAULT_REGION, *regions]))
    pieces = list(lines)
    if across:
        pieces += [f"{_tail(before)} {_head(after)}" for before, after in pairwise(lines)]
    found: dict[str, Found] = {}
    for piece in pieces:
        for number in _numbers_in_piece(piece, regions):
            found.setdefault(number.e164, number)
    return list(found.values())


@lru_cache(maxsize=16_384)
def _numbers_in_piece(text: str, regions: tuple[str, ...]) -> tuple[Found, ...]:
    return tuple(find_numbers(text, regions))


def _tail(line: str) -> str:
    """The last ACROSS_LINES characters of a line, whole words only: a web address cut in
    two would read its ids as numbers."""
    if len(line) <= ACROSS_LINES or line[-ACROSS_LINES - 1].isspace():
        return line[-ACROSS_LINES:]
    words = line[-ACROSS_LINES:].split(maxsplit=1)
    return words[1] if len(words) == 2 else ""


def _head(line: str) -> str:
    """The first ACROSS_LINES characters of a line, whole words only."""
    if len(line) <= ACROSS_LINES or line[ACROSS_LINES].isspace():
        return line[:ACROSS_LINES]
    words = line[:ACROSS_LINES].rsplit(maxsplit=1)
    return words[0] if len(words) == 2 else ""


def _find_written(text: str, regions: list[str]) -> list[Found]:
    if not any(ch.isdigit() for ch in text):
        return []
    found: dict[str, Found] = {}
    plain_parts = []
    last = 0
    for url in _URL.finditer(text):
        plain_parts.append(text[last : url.start()])
        last = url.end()
        for number in _numbers_in_url(url.group(), regions):
            found.setdefault(number.e164, number)
    plain_parts.append(text[last:])
    for number in _matches(normalise(" ".join(plain_parts)), regions):
        found.setdefault(number.e164, number)
    return list(found.values())


# The ways a person reads a text -------------------------------------------------------------


def _numbers_in_url(url: str, regions: list[str]) -> list[Found]:
    return list(_numbers_in_address(url, tuple(regions)))


# A page repeats its links (the header's, the footer's), and the page audit reads many pages
# that share most of them: each address is read once.
@lru_cache(maxsize=4096)
def _numbers_in_address(url: str, regions: tuple[str, ...]) -> tuple[Found, ...]:
    url = unquote(html.unescape(url))
    if _TEL_SCHEME.match(url):
        # A tel: link is a number whatever its form.
        return tuple(_matches(normalise(_TEL_SCHEME.sub(" ", url)), regions))
    # In a web address a bare run of digits is an id (…/kb/12345678901), not a number.
    spaced = re.sub(r"[/?&=#:;,]+", " ", url)
    return tuple(
        number for number in _matches(normalise(spaced), regions) if not number.raw.isdigit()
    )


def to_e164(value: str) -> str | None:
    """The E.164 form of a number written on its own (a contact's value), or None."""
    try:
        number = phonenumbers.parse(normalise(value), DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def region_of(e164: str) -> str | None:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164))
    except phonenumbers.NumberParseException:
        return None


# The verified numbers of an owner -------------------------------------------------------------


# The guard ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Owner:
    """Whose verified numbers a text may carry: a name for the message, and the numbers."""

    name: str
    numbers: frozenset[str]
    holds_contacts: bool = True  # False for a category: it has no contacts of its own


def guard(obj, fields: Iterable[str], owner: Callable[[], Owner | None]) -> None:
    """Refuse every phone number in `fields` of `obj` that is not one of the verified numbers
    of `owner()` (called, and its numbers loaded, only once a number is found).

    Raises a ValidationError naming each field and number at fault.
    """
    errors: dict[str, list[str]] = {}
    resolved: Owner | None = None
    regions: list[str] = []
    for name in fields:
        value = getattr(obj, name, "") or ""
        candidates = find_numbers(value)
        if not candidates:
            continue
        if resolved is None:
            resolved = owner() or Owner("this guide", frozenset())
            # The countries of the verified numbers: their national format counts too.
            regions = sorted({r for r in map(region_of, resolved.numbers) if r})
        if regions:
            candidates = find_numbers(value, regions)
        for number in candidates:
            if number.e164 not in resolved.numbers:
                errors.setdefault(name, []).append(refusal(number.raw, resolved))
    if errors:
        raise ValidationError(errors)


def refusal(raw: str, owner: Owner) -> str:
    if not owner.holds_contacts:
        return (
            f"“{raw}” reads as a phone number. {owner.name} has no contacts of its own, so "
            f"it may carry no number: a number belongs in a verified contact of a provider "
            f"or channel."
        )
    name = owner.name
    return (
        f"“{raw}” is not one of {name}'s verified phone numbers. Only a number that an "
        f"editor has checked on an official page may be shown: add it as a phone contact "
        f"of {name} with that page as its source, verify it, and then use it here."
    )


# Visitor text -------------------------------------------------------------------------------


def carries_number(text: str) -> bool:
    """Whether a visitor's text shows a phone number, in any of its readings: then, where it
    appears in a page's body, it appears beside a warning."""
    return bool(find_numbers(text[:MAX_TEXT]))


def may_echo(text: str) -> bool:
    """Whether a visitor's text may be echoed into a title, a link preview or a heading,
    which speak in the site's name: only with no digit at all (full-width and other
    scripts' digits too) and no number in any reading (spelled out, keypad letters)."""
    plain = unicodedata.normalize("NFKC", text)
    return not any(ch.isdigit() for ch in plain) and not carries_number(text)
