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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import unquote

import phonenumbers
from django.core.exceptions import ValidationError
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

DEFAULT_REGION = "US"
MAX_TEXT = 100_000  # longer than any field the guard looks at

# Anything but a letter, digit, space, or the separators phonenumbers already understands,
# standing between two digits (or a digit and a bracket): "1→855", "737★0477", "1_855".
_ODD_SEPARATOR = re.compile(r"(?<=[\d)])\s*(?:[^\w\s()+.\-/,]|_)+\s*(?=[\d(])")
# A comma counts only tight between digits ("1,855,737,0477"), not in a list ("2025, 12").
_TIGHT_COMMA = re.compile(r"(?<=\d),(?=\d)")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]")
_TAG = re.compile(r"<[^>]{0,500}>")
# Inline markup a reader does not see as a break: "1-855-<strong>737</strong>-0477".
_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span|"
    r"strong|sub|sup|time|u|var)\b[^>]{0,500}>",
    re.IGNORECASE,
)
# Markdown's emphasis and code marks, which vanish when it renders: 1-855-_737_-0477.
_MARKDOWN_MARKS = re.compile(r"[*_`~\\]+")
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
    text = _INLINE_TAG.sub("", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")  # zero-width etc.
    text = _DASHES.sub("-", text)
    text = _ODD_SEPARATOR.sub("-", text)
    text = _TIGHT_COMMA.sub("-", text)
    text = _INNER_BRACKETS.sub(r"-\1-", text)
    # "Call1-855…" or "…0477now": a number glued to a word is still a number.
    return _LETTER_DIGIT.sub(" ", text)


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


def readings(text: str) -> list[str]:
    """`text` as written, and as a reader would take it in: without the Markdown marks that
    vanish when it renders, with look-alike letters as digits, keypad letters dialled, and
    numbers in words as digits. Each differs from the text only where it could hide a number,
    so dates, prices and ids read the same in all of them."""
    unmarked = _MARKDOWN_MARKS.sub("", _INLINE_TAG.sub("", text))
    found = [text, unmarked]
    for base in (text, unmarked):
        found.append(_look_alikes_as_digits(base))
        found.append(_keypad_dialled(base))
    found.append(_words_as_digits(unmarked))
    return list(dict.fromkeys(found))


# Letters that stand in for digits: Latin, and their Greek, Cyrillic and other cousins.
LOOK_ALIKES = {
    # O and o; Greek omicron, Cyrillic o, Armenian oh; ideographic zero, circles
    **dict.fromkeys("Oo\u039f\u03bf\u041e\u043e\u0555\u0585\u3007\u25cb\u25ef", "0"),
    # l, I, |, !; Latin dental click, Greek iota, Cyrillic i and palochka
    **dict.fromkeys("lI|!\u01c0\u0399\u0406\u0456\u04c0", "1"),
    **dict.fromkeys("Zz", "2"),
    **dict.fromkeys("\u0417\u0437\u04e0", "3"),  # Cyrillic ze, Abkhasian dze
    **dict.fromkeys("Ss\u0405\u0455", "5"),  # and Cyrillic dze
    **dict.fromkeys("b\u0431", "6"),  # and Cyrillic be
    **dict.fromkeys("B\u0412", "8"),  # and Cyrillic ve
}
_GROUP = re.compile(r"[^\s\-.()/+?&=#:;,]+")


def _look_alikes_as_digits(text: str) -> str:
    """ "1-8SS-737-O477" → "1-855-737-0477": in a group of a number (between spaces, dashes,
    dots, brackets or the parts of a web address) that has a digit and whose other
    characters are all look-alikes, the look-alikes are read as digits. Words without a
    digit ("SOS", "Bob") and ids with other letters (2K4LL1AB3) stay as written."""

    def read(match: re.Match) -> str:
        group = match.group()
        if any("0" <= ch <= "9" for ch in group) and all(
            ch.isdigit() or ch in LOOK_ALIKES for ch in group
        ):
            return "".join(LOOK_ALIKES.get(ch, ch) for ch in group)
        return group

    return _GROUP.sub(read, text)


KEYPAD = {
    letter: digit
    for digit, letters in {
        "2": "ABC",
        "3": "DEF",
        "4": "GHI",
        "5": "JKL",
        "6": "MNO",
        "7": "PQRS",
        "8": "TUV",
        "9": "WXYZ",
    }.items()
    for letter in letters
}
# A vanity number: an area code in digits, then seven or more digits and capital letters,
# at least two of them letters (1-855-PES-0477, 1-800-MY-APPLE, (800) FLOWERS).
_VANITY = re.compile(
    r"(?<![\w-])((?:\+?1[\s.\-]*)?\(?\d{3}\)?[\s.\-]*)"
    r"((?:[A-Z0-9][\s.\-]?){6,9}[A-Z0-9])(?![\w-])"
)


# The same without spaces, in any case, as in an address or a slug: call-1-855-pes-0477.
_VANITY_TIGHT = re.compile(
    r"(?<![\w])((?:\+?1[.\-]?)?\(?\d{3}\)?[.\-]?)((?:[A-Za-z0-9][.\-]?){6,9}[A-Za-z0-9])(?!\w)"
)


def _keypad_dialled(text: str) -> str:
    def dial(match: re.Match) -> str:
        head, tail = match.groups()
        if sum(ch.isalpha() for ch in tail) < 2:
            return match.group()
        digits = "".join(KEYPAD.get(ch.upper(), ch) for ch in tail if ch.isalnum())
        return f"{head}{digits[:3]}-{digits[3:7]}"  # extra letters only spell the word out

    return _VANITY_TIGHT.sub(dial, _VANITY.sub(dial, text))


# Digits written out, in the languages the site ships (English, German, French, Spanish).
NUMBER_WORDS = {
    **dict.fromkeys(["zero", "oh", "null", "zéro", "cero"], "0"),
    **dict.fromkeys(["one", "eins", "ein", "un", "une", "uno"], "1"),
    **dict.fromkeys(["two", "zwei", "zwo", "deux", "dos"], "2"),
    **dict.fromkeys(["three", "drei", "trois", "tres"], "3"),
    **dict.fromkeys(["four", "vier", "quatre", "cuatro"], "4"),
    **dict.fromkeys(["five", "fünf", "funf", "fuenf", "cinq", "cinco"], "5"),
    **dict.fromkeys(["six", "sechs", "seis"], "6"),
    **dict.fromkeys(["seven", "sieben", "sept", "siete"], "7"),
    **dict.fromkeys(["eight", "acht", "huit", "ocho"], "8"),
    **dict.fromkeys(["nine", "neun", "neuf", "nueve"], "9"),
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "thirteen": "13",
    "fourteen": "14",
    "fifteen": "15",
    "sixteen": "16",
    "seventeen": "17",
    "eighteen": "18",
    "nineteen": "19",
}
TENS = {
    "twenty": "2",
    "thirty": "3",
    "forty": "4",
    "fifty": "5",
    "sixty": "6",
    "seventy": "7",
    "eighty": "8",
    "ninety": "9",
}
REPEATS = {"double": 2, "triple": 3, "doppel": 2, "doble": 2}
HUNDRED = {"hundred", "hundert", "cent", "cien", "ciento"}
_TOKEN = re.compile(r"[^\W\d_]+|\d+|[^\w]+|_+")
_JOINER = re.compile(r"[\s,.\-\u2013\u2014/()]*")
MIN_WORDS = 3  # "one, two, three" is a count; a run of more digit words may be a number


def _words_as_digits(text: str) -> str:
    """ "one eight five five seven three seven zero four seven seven" → "18557370477":
    a run of digit words (and digits) is read as the digits it spells, with "double five",
    "eight hundred" and "fifty-five" read as a person says them."""
    out: list[str] = []
    run: list[tuple[str, str]] = []  # (what, value) of the digit words and digits in a run
    raw: list[str] = []  # the run as written, joiners included

    def close() -> None:
        words = sum(what != "digits" for what, _ in run)
        out.append(f" {_spell(run)} " if words >= MIN_WORDS else "".join(raw))
        run.clear()
        raw.clear()

    for token in _TOKEN.findall(text):
        key = token.lower()
        item = None
        if token.isdigit():
            item = ("digits", token)
        elif key in NUMBER_WORDS:
            item = ("digit", NUMBER_WORDS[key])
        elif key in TENS:
            item = ("tens", TENS[key])
        elif key in REPEATS:
            item = ("repeat", str(REPEATS[key]))
        elif key in HUNDRED and run:
            item = ("hundred", "00")
        if item is not None:
            run.append(item)
            raw.append(token)
        elif run and _JOINER.fullmatch(token):
            raw.append(token)
        else:
            if run:
                close()
            out.append(token)
    if run:
        close()
    return "".join(out)


def _spell(run: list[tuple[str, str]]) -> str:
    digits: list[str] = []
    repeat = 1
    for n, (what, value) in enumerate(run):
        if what == "repeat":
            repeat = int(value)
            continue
        if what == "tens":
            after = run[n + 1] if n + 1 < len(run) else None
            value = value if after and after[0] == "digit" and after[1] != "0" else value + "0"
        digits.append(value * repeat)
        repeat = 1
    return "".join(digits)


def _numbers_in_url(url: str, regions: list[str]) -> list[Found]:
    url = unquote(html.unescape(url))
    if _TEL_SCHEME.match(url):
        # A tel: link is a number whatever its form.
        return _matches(normalise(_TEL_SCHEME.sub(" ", url)), regions)
    # In a web address a bare run of digits is an id (…/kb/12345678901), not a number.
    spaced = re.sub(r"[/?&=#:;,]+", " ", url)
    return [number for number in _matches(normalise(spaced), regions) if not number.raw.isdigit()]


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
    owner = owner.name
    return (
        f"“{raw}” is not one of {owner}'s verified phone numbers. Only a number that an "
        f"editor has checked on an official page may be shown: add it as a phone contact "
        f"of {owner} with that page as its source, verify it, and then use it here."
    )
