"""The shipped guides are written in our own words. The research pages they were built from
(kept beside the project, in shared/research/) may lend facts, never sentences: no FAQ
question and no step title of any shipped guide or channel (guides/content/*.yaml, English
and every translation) shares a run of five or more consecutive words with one of them.

Words are compared case-insensitively with punctuation ignored ("Can't" is "cant"). A clone
without the research folder beside it skips, saying why."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from django.conf import settings

RUN = 5
CONTENT = Path(settings.BASE_DIR) / "guides" / "content"
RESEARCH = Path(settings.BASE_DIR).parent / "shared" / "research"


def words(text: str) -> list[str]:
    """The words of a text, in lower case, with apostrophes dropped inside a word and every
    other punctuation mark taken as a space."""
    text = re.sub("['\u2018\u2019`]", "", text.lower())
    return re.findall(r"\w+", text)


def runs(text: str, length: int = RUN) -> set[tuple[str, ...]]:
    found = words(text)
    return {tuple(found[i : i + length]) for i in range(len(found) - length + 1)}


def research_pages() -> dict[str, set[tuple[str, ...]]]:
    """Each research page (every file of the folder but its README) and its runs of words."""
    if not RESEARCH.is_dir():
        pytest.skip(f"no research folder at {RESEARCH}: nothing to compare the guides with")
    pages = {
        path.name: runs(path.read_text(encoding="utf-8", errors="replace"))
        for path in sorted(RESEARCH.iterdir())
        if path.is_file() and path.name.lower() != "readme.md"
    }
    if not pages:
        pytest.skip(f"the research folder {RESEARCH} holds no pages")
    return pages


def texts(entry: dict, key: str) -> Iterator[str]:
    """An entry's English `key` and its translations of it."""
    if entry.get(key):
        yield entry[key]
    for translated in (entry.get("translations") or {}).values():
        if (translated or {}).get(key):
            yield translated[key]


def steps_of(owner: dict, where: str) -> Iterator[tuple[str, str]]:
    for number, step in enumerate(owner.get("steps") or [], 1):
        for title in texts(step, "title"):
            yield f"{where} > step {number}", title


def routes_of(routes: list, where: str) -> Iterator[tuple[str, str]]:
    for route in routes or []:
        here = f"{where} > {route['slug']}"
        yield from steps_of(route, here)
        yield from routes_of(route.get("routes"), here)


def shipped_texts() -> list[tuple[str, str]]:
    """(where, text) for every FAQ question and every step title of the shipped files."""
    found = []
    for path in sorted(CONTENT.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for provider in data.get("providers") or []:
            where = f"{path.name}: {provider['slug']}"
            for number, question in enumerate(provider.get("questions") or [], 1):
                found += [(f"{where} > question {number}", t) for t in texts(question, "question")]
            found += routes_of(provider.get("routes"), where)
        for channel in data.get("channels") or []:
            where = f"{path.name}: channel {channel['slug']}"
            found += steps_of(channel, where)
            for variant in channel.get("variants") or []:
                found += steps_of(variant, f"{where} > {variant['slug']}")
    return found


def copied(text: str, pages: dict[str, set[tuple[str, ...]]]) -> list[str]:
    return [
        f"{name}: '{' '.join(run)}'"
        for name, page in pages.items()
        for run in sorted(runs(text) & page)
    ]


def test_no_question_or_step_title_copies_five_words_of_a_research_page():
    pages = research_pages()
    shipped = shipped_texts()
    assert len(shipped) > 200  # every guide and channel was read, questions and steps
    assert any("> question" in where for where, _ in shipped)
    found = [
        f"{where}: {text!r} shares {hit}" for where, text in shipped for hit in copied(text, pages)
    ]
    assert found == []


def test_the_check_finds_a_copied_question_whatever_its_case_and_punctuation():
    """A question taken from the third-party guide, or a run of five of its words inside a
    sentence of our own, is found; four words in a row are not."""
    pages = research_pages()
    if not any(
        runs("Does uninstalling Kaspersky cancel my subscription?") & p for p in pages.values()
    ):
        pytest.skip("the research pages have changed: the copied question is not among them")
    assert copied("DOES uninstalling Kaspersky cancel my subscription", pages)
    assert copied("So: does uninstalling kaspersky, cancel my subscription - or not?", pages)
    assert not copied("Does uninstalling Kaspersky stop the payments?", pages)
    assert words("Can't stop — it's “Kaspersky”!") == ["cant", "stop", "its", "kaspersky"]
