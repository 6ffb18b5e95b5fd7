"""The query parameters of the API, described once: the language of every endpoint of
guide content, and the page, filters and search of /api/v1/providers/.

ninja puts them in the OpenAPI document (the limits below) and checks them with the rules
here, whose messages are the API's 400s: the first parameter that is wrong is named, in
the order they are declared. A parameter given twice is refused.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja import Field, Schema
from ninja.parser import Parser
from pydantic import BeforeValidator, ValidationInfo
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from guides.api.languages import LANGUAGES, SOURCE_LANGUAGE
from guides.flow.rules import SLUG_RE
from guides.web.forms import SEARCH_LENGTH, SearchForm

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 999_999_999  # nine digits: a longer number is refused as it is read
PARAMETER_ERROR = "parameter"  # the pydantic error type whose message is the API's own


class QueryParser(Parser):
    """Reads the query string for ninja, keeping every value of a repeated parameter, so
    that its field refuses it instead of silently taking the last one."""

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, values in data.lists():
            result[key] = values if key in list_fields or len(values) > 1 else values[0]
        return result


def refuse(message: str) -> PydanticCustomError:
    return PydanticCustomError(PARAMETER_ERROR, "{message}", {"message": message})


def given_once(raw: Any, info: ValidationInfo) -> str:
    if isinstance(raw, list):
        raise refuse(f"{info.field_name}: give it once.")
    return raw


def whole_number(maximum: int | None = None) -> BeforeValidator:
    def check(raw: Any, info: ValidationInfo) -> int:
        name = info.field_name
        raw = given_once(raw, info)
        if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(MAX_PAGE)):
            raise refuse(f"{name}: expected a whole number, got {raw[:20]!r}.")
        value = int(raw)
        if value < 1 or (maximum is not None and value > maximum):
            upper = f" and {maximum}" if maximum else ""
            raise refuse(f"{name}: must be between 1{upper}.")
        return value

    return BeforeValidator(check)


def slug_of(what: str) -> BeforeValidator:
    def check(raw: Any, info: ValidationInfo) -> str:
        raw = given_once(raw, info)
        if not SLUG_RE.fullmatch(raw):
            raise refuse(f"{info.field_name}: expected a {what} slug.")
        return raw

    return BeforeValidator(check)


def language(raw: Any, info: ValidationInfo) -> str:
    raw = given_once(raw, info)
    if raw not in LANGUAGES:
        raise refuse(f"lang: expected one of {', '.join(LANGUAGES)}, got {raw[:20]!r}.")
    return raw


def search_terms(raw: Any, info: ValidationInfo) -> str:
    """The search as the site's search box cleans it (blank is no search)."""
    raw = given_once(raw, info)
    if len(raw) > SEARCH_LENGTH:
        raise refuse(f"q: search with at most {SEARCH_LENGTH} characters.")
    form = SearchForm({"q": raw})
    if not form.is_valid():
        raise refuse("q: " + " ".join(str(message) for message in form.errors["q"]))
    return form.cleaned_data["q"]


Page = Annotated[int, Field(ge=1, le=MAX_PAGE), whole_number()]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE), whole_number(MAX_PAGE_SIZE)]
SLUG = SLUG_RE.pattern
CategorySlug = Annotated[
    str,
    Field(pattern=SLUG, description="Only providers in this category (a category slug)."),
    slug_of("category"),
]
ChannelSlug = Annotated[
    str,
    Field(pattern=SLUG, description="Only providers sold through this channel (a channel slug)."),
    slug_of("channel"),
]
Search = Annotated[
    str,
    Field(
        max_length=SEARCH_LENGTH,
        pattern="^[^\\x00]*$",
        description="Search the names and other names (aliases) of providers.",
    ),
    BeforeValidator(search_terms),
]
Lang = Annotated[
    str,
    Field(
        json_schema_extra={"enum": LANGUAGES},
        description="The language of the texts, English by default; a text not translated "
        "into it is in English (each object's `languages` says which).",
    ),
    BeforeValidator(language),
]


class LanguageQuery(Schema):
    lang: Lang = SOURCE_LANGUAGE


class ProviderQuery(LanguageQuery):
    # An optional filter absent is None; the document does not offer null as a value.
    page: Page = 1
    page_size: PageSize = DEFAULT_PAGE_SIZE
    category: CategorySlug | SkipJsonSchema[None] = None
    channel: ChannelSlug | SkipJsonSchema[None] = None
    q: Search | SkipJsonSchema[None] = None
