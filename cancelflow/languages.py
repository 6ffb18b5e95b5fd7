"""The languages of the site: the address alone decides the language of a visitor's page.

English pages have no prefix (`/cancel/kaspersky/`); the others carry theirs
(`/de/cancel/kaspersky/`, `/fr/…`, `/es/…`). Nothing else switches the language of a
visitor's page: not a cookie, not the browser's `Accept-Language` (which only suggests a
link, in static/js/site.js), so a cached page is right for everyone who asks for its
address, and no anonymous page varies on either header.

Django's own LocaleMiddleware reads the cookie and `Accept-Language` for addresses without
a prefix, and adds `Vary: Accept-Language` to them: both are what this module avoids.
The admin is in English too: a guide's text field (`step.title`) reads and writes the active
language's column, so its forms edit English through it and each translation through its
own column, by name (guides/admin/translations.py). Its own labels are translated, ready
for when the admin follows its editors' languages.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import translate_url
from django.utils import translation


def path_language(path: str) -> str | None:
    """The language whose prefix `path` starts with, or None (English, without prefix)."""
    code = translation.get_language_from_path(path)
    return None if code == settings.LANGUAGE_CODE else code


def without_language(path: str) -> str:
    """`path` without its language prefix: `/de/cancel/x/` → `/cancel/x/`."""
    code = path_language(path)
    return path[len(code) + 1 :] if code else path


class PathLanguageMiddleware:
    """Activate the language of the address (the default one without a prefix)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = path_language(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # Nothing after the request reads or writes in its language by chance: the texts
            # of a translated model are read and written in the active one.
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        return response


def in_source_language[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    """Run `function` with the site's own language active, whatever the request's: guide
    files, revisions and drafts read and write the source texts (`step.title` is then the
    English column, guides/translation.py), and name every other language's column."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return run


@dataclass(frozen=True)
class Alternate:
    code: str
    name: str  # in its own language: "Deutsch"
    path: str  # this page in that language
    current: bool


# What of a query string is the page itself, and goes with it into another language: the
# words of a search (as long as the search box takes them), and where the visitor said they
# live (guides/regions.py). Anything else (a form's prefill, junk) stays behind.
KEPT_QUERY = {"q": 100, "region": 10}


def alternates(request: HttpRequest) -> list[Alternate]:
    """This page in every language of the site. The answers of a flow are in its path; of
    the query, only what KEPT_QUERY names goes along. Worked out once a request (the head's
    hreflang links, the switcher and the untranslated notice all ask)."""
    current = translation.get_language()
    known = getattr(request, "_alternates", None)
    if known is not None and known[0] == current:
        return known[1]
    found = _alternates(request, current)
    request._alternates = (current, found)  # type: ignore[attr-defined]
    return found


def _alternates(request: HttpRequest, current: str) -> list[Alternate]:
    kept = {
        name: request.GET[name][:length]
        for name, length in KEPT_QUERY.items()
        if request.GET.get(name)
    }
    query = f"?{urlencode(kept)}" if kept else ""
    found = []
    for code, _ in settings.LANGUAGES:
        path = request.path if code == current else _translated(request.path, current, code)
        name = translation.get_language_info(code)["name_local"]
        found.append(Alternate(code, name, path + query, code == current))
    return found


@functools.lru_cache(maxsize=4096)
def _translated(path: str, current: str, code: str) -> str:
    """`path`, a page in the language `current`, in the language `code`: it depends on the
    address patterns alone, so each is worked out once per process."""
    with translation.override(current):
        return translate_url(path, code)
