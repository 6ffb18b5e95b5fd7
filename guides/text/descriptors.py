"""Statement lines and the descriptor patterns that recognise them: pure functions.

A pattern is not a regular expression. Its letters and digits are compared without regard
to case or accents, its spaces and punctuation are ignored (so "PAYPAL *" is "PAYPAL"), and
it matches where a line (or one of its first words) starts, up to the end of a word there:
"GOOGLE *" matches "GOOGLE *YouTubePremium" but not "GOOGLEPLEX". A pattern that ends with
"..." (or "…") also matches when the word goes on: "YouTube..." matches "YOUTUBEPREMIUM".
Matching is a lookup of the line's prefixes among the patterns' keys: its cost depends on
the length of the line only, and no pattern an editor writes can make it slow or fail.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A key shorter than this would match too much ("A*"): refused at save.
MIN_KEY = 3
# How much of a line is read: statements print 22 to 40 characters; the rest is noise.
MAX_LINE_KEY = 60
# A lookup tries the line from the start of each of its first few words, for lines a bank
# prefixes ("CHECKCARD 0412 NETFLIX.COM", "POS PURCHASE …").
MAX_STARTS = 4

_WORD = re.compile(r"[a-z0-9]+")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def pattern_key(pattern: str) -> str:
    """The letters and digits of a pattern, folded: what a line's prefix is compared with."""
    return "".join(_WORD.findall(_fold(pattern)))[:MAX_LINE_KEY]


def is_open_ended(pattern: str) -> bool:
    """Whether a pattern also matches when its last word goes on (it ends with "...")."""
    return pattern.rstrip().endswith(("...", "…"))


@dataclass(frozen=True)
class Line:
    """A statement line read for matching: its key (letters and digits, folded), where its
    words end in the key, and where its first words start."""

    key: str
    ends: frozenset[int]
    starts: tuple[int, ...]

    def prefixes(self, start: int = 0) -> list[str]:
        """Every prefix of the key from `start` long enough to be a pattern's key."""
        return [self.key[start:end] for end in range(start + MIN_KEY, len(self.key) + 1)]

    def candidates(self) -> set[str]:
        return {prefix for start in self.starts for prefix in self.prefixes(start)}

    def matches(self, start: int, key: str, open_ended: bool) -> bool:
        """Whether a pattern's key matches here, from `start` up to the end of a word."""
        end = start + len(key)
        return self.key.startswith(key, start) and (open_ended or end in self.ends)

    def after(self, start: int, key: str) -> Line:
        """The rest of the line after a match ("SPOTIFY…" after "PAYPAL *")."""
        end = start + len(key)
        return Line(
            self.key[end:],
            frozenset(e - end for e in self.ends if e > end),
            (0,),
        )


def read_line(text: str) -> Line:
    words = _WORD.findall(_fold(text))
    key = ""
    ends: set[int] = set()
    starts: list[int] = []
    for word in words:
        if len(key) >= MAX_LINE_KEY:
            break
        if len(starts) < MAX_STARTS:
            starts.append(len(key))
        key += word
        ends.add(min(len(key), MAX_LINE_KEY))
    return Line(key[:MAX_LINE_KEY], frozenset(ends), tuple(starts))


_STATEMENT_MARKS = re.compile(r"[0-9*#/]|\.(com|net|co)\b|\b[A-Z]{4,}\b")


def looks_like_statement(text: str) -> bool:
    """Whether a search reads like a line copied from a statement rather than a name: digits,
    a `*`, `#` or `/`, a web address, or a word in capitals."""
    return bool(_STATEMENT_MARKS.search(text))


def name_hint(text: str) -> str:
    """What a line may pass on as a guide's name ("Request a guide"): its words without
    digits, so no card, order or phone number leaves the page in an address."""
    words = re.findall(r"[^\W\d_]{2,}", text)
    return " ".join(words)[:120]
