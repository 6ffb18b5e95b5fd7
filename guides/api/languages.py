"""The languages of the API (docs/api.md, "Languages").

An endpoint of guide content is served in the language its `lang` parameter names
(params.py), English by default: its response is built, and its texts read, with that
language active, so that `step.title` is the German column where it holds a text and the
English one where it does not (modeltranslation's fallback, guides/translation.py), and a
link to the site is the page in that language (`/de/cancel/…`). The response says the
language asked for (`lang`), and each object with texts that editors translate says which
language each of them is in (`languages`).

The language is in the address, never taken from a request's headers (Accept-Language is
not read), so every cache keeps each language apart; and a response's ETag, a digest of its
body, which names the language, differs too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja import Field

from guides.models.translated import translated_fields

SOURCE_LANGUAGE = settings.LANGUAGE_CODE
LANGUAGES = [code for code, _ in settings.LANGUAGES]

Language = Annotated[str, Field(json_schema_extra={"enum": LANGUAGES})]


def requested_language(request: HttpRequest) -> str:
    """The language `lang` names, given once; English otherwise, where the parameter's own
    check (params.py) then refuses the request before anything is read."""
    values = request.GET.getlist("lang")
    if len(values) == 1 and values[0] in LANGUAGES:
        return values[0]
    return SOURCE_LANGUAGE


def in_requested_language(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wraps one of ninja's operations (views.py), its response built too, in the language
    the request asks for, which a success names in its Content-Language."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = requested_language(request)
        with translation.override(language):
            response = run(request, *args, **kwargs)
        if response.status_code == 200:
            response["Content-Language"] = language
        return response

    return wrapper


def text_language(obj: models.Model, field: str) -> str:
    """The language `obj`'s translated text `field` is read in: the active language where
    its own column holds a text, else English, which modeltranslation falls back to."""
    language = translation.get_language()
    return language if getattr(obj, f"{field}_{language}", "") else SOURCE_LANGUAGE


def text_languages(obj: models.Model) -> dict[str, str]:
    """The language of each of `obj`'s translated texts (a schema keeps those it shows)."""
    return {field: text_language(obj, field) for field in translated_fields(type(obj))}


def api_link(path: str, **query: str | int) -> str:
    """A link to `path` of the API in the language of the response: `lang` goes along,
    but for English, the default."""
    language = translation.get_language()
    if language != SOURCE_LANGUAGE:
        query["lang"] = language
    return f"{path}?{urlencode(query)}" if query else path
