"""The ways a person reads a text that may hide a phone number: without the Markdown marks
that vanish when it renders, with look-alike letters as digits, keypad letters dialled, and
numbers in words (English, German, French, Spanish) as digits. Pure: no database."""

from __future__ import annotations

import re

# Elements whose text runs on with the text around it: a reader does not see a break in
# "1-855-<strong>737</strong>-0477".
INLINE_ELEMENTS = frozenset(
    {
        *("a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i"),
        *("ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup"),
        *("time", "u", "var"),
    }
)
INLINE_TAG = re.compile(
    rf"</?(?:{'|'.join(sorted(INLINE_ELEMENTS))})\b[^>]{{0,500}}>", re.IGNORECASE
)

# Markdown's emphasis and code marks, which vanish when it renders: 1-855-_737_-0477.
_MARKDOWN_MARKS = re.compile(r"[*_`~\\]+")


def readings(text: str) -> list[str]:
    """`text` as written, and as a reader would take it in: without the Markdown marks that
    vanish when it renders, with look-alike letters as digits, keypad letters dialled, and
    numbers in words as digits. Each differs from the text only where it could hide a number,
    so dates, prices and ids read the same in all of them."""
    unmarked = _MARKDOWN_MARKS.sub("", INLINE_TAG.sub("", text))
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
