"""Does a text tell the reader to contact someone? A step that does must name a contact the
visitor can see (issue 14, "Contacts that lead somewhere"): no step may end in "contact X"
with nowhere to go. tests/files/test_contacts_in_content.py holds the shipped guides to it.

The detection is a list of patterns, each with what it catches; a phrase that says *not* to
contact someone ("do not call a number from an ad") does not count. English only: the
translations say what the English says.
"""

from __future__ import annotations

import re

# Whom a verb of contacting is aimed at: "contact <the|your|their|its|us|them…>", "contact
# Best Buy", "call customer service". "contact details", "who to contact." name no one.
_WHOM = (
    r"(?:(?i:the|your|their|its|our|us|them|him|her|someone|somebody|a|an|customer|support"
    r"|billing|sales|help)|[A-Z][\w&+.'-]*)\b"
)

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("contact someone", re.compile(r"(?i:\bcontact(?:ing|s)?)\s+" + _WHOM)),
    ("call someone", re.compile(r"(?i:\b(?:call|phone|ring|telephone))\s+" + _WHOM)),
    ("chat with someone", re.compile(r"\bchat\s+(?:with|to)\b", re.IGNORECASE)),
    ("write to someone", re.compile(r"\bwrite\s+(?:to|an?\s+e-?mail\s+to)\b", re.IGNORECASE)),
    (
        "email someone",
        re.compile(r"\be-?mail\s+(?:them|us|him|her|support|customer|the\s+company)\b", re.I),
    ),
    ("message someone", re.compile(r"\bmessage\s+(?:them|us|support|the\s+company)\b", re.I)),
    ("get in touch", re.compile(r"\b(?:get|be|stay)\s+in\s+touch\b", re.IGNORECASE)),
    ("reach out", re.compile(r"\breach\s+out\b", re.IGNORECASE)),
    (
        "ask someone's support",
        re.compile(
            r"(?i:\bask)\s+(?:[A-Z][\w&+.'-]*\s+)?(?i:support|customer\s+(?:service|care)"
            r"|an?\s+agent|the\s+(?:company|store|seller|provider|reseller|partner))\b"
        ),
    ),
    (
        "customer service, care or support",
        re.compile(r"\bcustomer\s+(?:service|care|support|services)\b", re.IGNORECASE),
    ),
    ("support team or agent", re.compile(r"\bsupport\s+(?:team|agent|staff)s?\b", re.I)),
    ("live chat", re.compile(r"\blive\s+chat\b", re.IGNORECASE)),
]

# Words just before a match that make it a description of what a page says, not an
# instruction: "instructions to contact the partner", "explains who to contact".
_DESCRIBED = re.compile(
    r"(?:\binstructions\s+(?:on\s+how\s+)?to|\bexplains?\s+(?:who|how)\s+to)\s*$",
    re.IGNORECASE,
)

# Where a step sends the visitor to their own papers for the contact details of a company
# the guide cannot know (their bank, their phone company): "using the number on your card",
# "look in your account with the provider". Such a step has somewhere to go without a
# contact of the guide's own.
OWN_PAPERS = re.compile(
    r"\bnumber\s+on\s+(?:the\s+back\s+of\s+)?your\s+(?:card|bill|statement)"
    r"|\bin\s+your\s+account\s+(?:with|on)\s+the\b"
    r"|\bsign\s+in\s+to\s+your\s+account\s+(?:with|on)\s+the\b",
    re.IGNORECASE,
)

# Words just before a match that turn it into a warning or a hypothesis, not an instruction:
# "do not call", "don't contact", "never call", "no need to contact", "without contacting".
_NEGATED = re.compile(
    r"(?:\bnot|n't|\bnever|\bno\s+need\s+to|\bwithout|\binstead\s+of|\brather\s+than)"
    r"(?:\s+\w+){0,2}\s*$",
    re.IGNORECASE,
)


def contact_phrases(text: str) -> list[str]:
    """The phrases of `text` that tell the reader to contact someone, each as written
    ("contact your bank"); empty if none."""
    found = []
    for _name, pattern in PATTERNS:
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 40) : match.start()]
            if _NEGATED.search(before) or _DESCRIBED.search(before):
                continue
            found.append(match.group(0))
    return found


def tells_to_contact(text: str) -> bool:
    return bool(contact_phrases(text))


def sends_to_own_papers(text: str) -> bool:
    """Whether `text` says where the visitor finds the contact details themselves (their
    card, their bill, their account with that company): see OWN_PAPERS."""
    return bool(OWN_PAPERS.search(text))
