"""What of a visitor's text may be echoed in the site's voice (a title, a link preview, a
heading): nothing that shows a phone number in any reading, nor any digit at all."""

from __future__ import annotations

import pytest

from guides.text import phones

FULL_WIDTH = {ord(d): 0xFF10 + int(d) for d in "0123456789"}


@pytest.mark.parametrize(
    "text",
    [
        "Call Kaspersky support 1-855-737-0477",
        "1.855.737.0477",
        "18557370477",
        "1-855-PES-0477",
        "1-855-737-0477".translate(FULL_WIDTH),
        "one eight five five seven three seven zero four seven seven",
        "+44 20 7946 0958",
        "1\u200b855\u200b737\u200b0477",
    ],
)
def test_a_number_in_any_reading_is_never_echoed(text):
    assert phones.carries_number(text)
    assert not phones.may_echo(text)


@pytest.mark.parametrize("text", ["Windows 11", "Office 365", "٣٦٥", "2026"])
def test_any_digit_keeps_a_text_out_of_titles(text):
    assert not phones.may_echo(text)


@pytest.mark.parametrize("text", ["kaspersky", "Netflix", "Disney+", "Zumba Fitness", "ñandú"])
def test_plain_names_are_echoed(text):
    assert phones.may_echo(text)
    assert not phones.carries_number(text)


def test_a_huge_text_is_read_without_failing():
    assert phones.carries_number("x " * 5_000 + "1-855-737-0477")  # 10 kB pasted
    assert not phones.may_echo("😀" * 10_000 + "1")
