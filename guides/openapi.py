"""The OpenAPI 3.1 document of /api/v1/, served at /api/v1/openapi.json.

Built from code so that the limits it states are the ones the views enforce (page sizes,
the slug pattern, the search length). Every object is closed (`additionalProperties:
false`) and lists every key as required: a field added to a response and not described here
fails the schemathesis test in tests/test_api.py.
"""

from __future__ import annotations

from functools import cache

from guides.web.forms import SearchForm

from .api import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from .models import ChannelKind, ContactKind, Difficulty, NoteKind, StepKind

SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def _object(properties: dict, description: str = "") -> dict:
    out = {
        "type": "object",
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
    }
    if description:
        out["description"] = description
    return out


STRING = {"type": "string"}
TEXT_OR_NULL = {"type": ["string", "null"]}
DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
PATH = {
    "type": "string",
    "description": "A path on this site (resolve it against the API's origin).",
}
SLUG = {"type": "string", "pattern": SLUG_PATTERN}


def _schemas() -> dict:
    contact = _object(
        {
            "kind": {"enum": ContactKind.values},
            "label": TEXT_OR_NULL,
            "value": {**STRING, "description": "The number, address or URL."},
            "href": {**STRING, "description": "A tel:, mailto: or https: link to it."},
            "region": TEXT_OR_NULL,
            "source_url": {**STRING, "description": "The official page it is published on."},
            "verified_on": {
                "type": "string",
                "format": "date",
                "description": "Only contacts an editor has verified are published.",
            },
        },
    )
    step = _object(
        {
            "kind": {"enum": StepKind.values},
            "title": STRING,
            "body": {**STRING, "description": "Markdown."},
            "link": {
                "anyOf": [
                    _object({"url": STRING, "label": TEXT_OR_NULL}),
                    {"type": "null"},
                ]
            },
            "contact": _nullable(_ref("Contact")),
            "email": {
                "anyOf": [
                    _object(
                        {
                            "subject": STRING,
                            "body": STRING,
                            "href": {**STRING, "description": "A mailto: link with both."},
                        },
                        "An email to send, as a template.",
                    ),
                    {"type": "null"},
                ]
            },
            "source_url": TEXT_OR_NULL,
        },
    )
    category_ref = _object({"slug": SLUG, "name": STRING})
    provider_summary_props = {
        "slug": SLUG,
        "name": STRING,
        "category": _ref("CategoryRef"),
        "aliases": {"type": "array", "items": STRING},
        "summary": STRING,
        "difficulty": {"enum": Difficulty.values},
        "minutes_to_cancel": {"type": ["integer", "null"], "minimum": 0},
        "last_verified_on": DATE_OR_NULL,
        "url": {**PATH, "description": "This provider in the API."},
        "web_url": {**PATH, "description": "This provider's page on the site."},
    }
    channel_ref = _object({"slug": SLUG, "name": STRING, "kind": {"enum": ChannelKind.values}})
    variant_leaf = _object(
        {
            "slug": SLUG,
            "name": STRING,
            "hint": TEXT_OR_NULL,
            "path": STRING,
            "web_url": PATH,
            "steps": {"type": "array", "items": _ref("Step")},
        },
        "One variant of the answer's channel, with the steps for it.",
    )
    flow_node = _object(
        {
            "slug": SLUG,
            "label": STRING,
            "path": {**STRING, "description": "The answers' slugs from the top, joined by /."},
            "web_url": PATH,
            "channel": _nullable(_ref("ChannelRef")),
            "variant": _nullable(_ref("ChannelRef")),
            "question": {
                **TEXT_OR_NULL,
                "description": "Asked next: of `answers`, or of `variants`; null at a leaf.",
            },
            "answers": {"type": "array", "items": _ref("FlowNode")},
            "variants": {"type": "array", "items": _ref("VariantLeaf")},
            "steps": {
                "anyOf": [{"type": "array", "items": _ref("Step")}, {"type": "null"}],
                "description": "At a leaf: every step, in order (the channel's and the "
                "answers'). Null where another question follows.",
            },
        },
        "One answer in the flow.",
    )
    note = _object(
        {
            "kind": {"enum": NoteKind.values},
            "title": STRING,
            "body": STRING,
            "source_url": TEXT_OR_NULL,
        }
    )
    question = _object({"question": STRING, "answer": STRING, "source_url": TEXT_OR_NULL})
    provider = _object(
        {
            **provider_summary_props,
            "website": TEXT_OR_NULL,
            "difficulty_meaning": STRING,
            "sources": {"type": "array", "items": STRING},
            "cancel_online": {"enum": ["Yes", "Depends", "No", "Unknown"]},
            "methods": {"type": "array", "items": STRING},
            "contacts": {"type": "array", "items": _ref("Contact")},
            "notes": {"type": "array", "items": _ref("Note")},
            "questions": {"type": "array", "items": _ref("Question")},
            "flow": _object(
                {
                    "question": STRING,
                    "answers": {"type": "array", "items": _ref("FlowNode")},
                }
            ),
        }
    )
    variant_props = {
        "slug": SLUG,
        "name": STRING,
        "kind": {"enum": ChannelKind.values},
        "hint": TEXT_OR_NULL,
        "website": TEXT_OR_NULL,
        "online": {"type": "boolean"},
        "contacts": {"type": "array", "items": _ref("Contact")},
        "steps": {"type": "array", "items": _ref("Step")},
    }
    channel_props = {
        **variant_props,
        "method": STRING,
        "url": PATH,
        "web_url": PATH,
        "variant_question": TEXT_OR_NULL,
        "last_verified_on": DATE_OR_NULL,
        "sources": {"type": "array", "items": STRING},
        "variants": {"type": "array", "items": _ref("ChannelVariant")},
    }
    category = _object(
        {
            "slug": SLUG,
            "name": STRING,
            "description": STRING,
            "provider_count": {"type": "integer", "minimum": 0},
            "providers_url": PATH,
            "web_url": PATH,
        }
    )
    return {
        "Error": _object({"error": _object({"status": {"type": "integer"}, "message": STRING})}),
        "Index": _object(
            {"providers": PATH, "channels": PATH, "categories": PATH, "openapi": PATH}
        ),
        "CategoryRef": category_ref,
        "Contact": contact,
        "Step": step,
        "ProviderSummary": _object(provider_summary_props),
        "ProviderPage": _object(
            {
                "count": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "page_size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                "pages": {"type": "integer", "minimum": 1},
                "next": {**TEXT_OR_NULL, "description": "The next page, or null."},
                "previous": {**TEXT_OR_NULL, "description": "The previous page, or null."},
                "results": {"type": "array", "items": _ref("ProviderSummary")},
            }
        ),
        "ChannelRef": channel_ref,
        "VariantLeaf": variant_leaf,
        "FlowNode": flow_node,
        "Note": note,
        "Question": question,
        "Provider": provider,
        "ChannelVariant": _object(variant_props),
        "Channel": _object(channel_props),
        "ChannelDetail": _object(
            {
                **channel_props,
                "provider_count": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Published providers sold through it.",
                },
                "providers_url": {**PATH, "description": "Those providers, a page at a time."},
            }
        ),
        "ChannelList": _object({"results": {"type": "array", "items": _ref("Channel")}}),
        "Category": category,
        "CategoryList": _object({"results": {"type": "array", "items": _ref("Category")}}),
    }


HEADERS = {
    "ETag": {
        "description": "A digest of the body; send it back as If-None-Match.",
        "schema": STRING,
    },
    "Cache-Control": {"schema": STRING},
    "Access-Control-Allow-Origin": {"schema": {"const": "*"}},
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "An ETag from an earlier response: 304 if nothing changed.",
    "schema": STRING,
}


def _error(description: str) -> dict:
    return {
        "description": description,
        "headers": {"Access-Control-Allow-Origin": HEADERS["Access-Control-Allow-Origin"]},
        "content": {"application/json": {"schema": _ref("Error")}},
    }


def _get(
    operation: str,
    summary: str,
    schema: str,
    *,
    parameters=(),
    not_found: str = "",
    bad: bool = False,
):
    responses = {
        "200": {
            "description": summary,
            "headers": HEADERS,
            "content": {"application/json": {"schema": _ref(schema)}},
        },
        "304": {"description": "Not modified: the ETag sent in If-None-Match still holds."},
    }
    if bad:
        responses["400"] = _error("A query parameter is not valid.")
    if not_found:
        responses["404"] = _error(not_found)
    return {
        "get": {
            "summary": summary,
            "operationId": operation,
            "parameters": [*parameters, IF_NONE_MATCH],
            "responses": responses,
        }
    }


def _slug_parameter(description: str) -> dict:
    return {
        "name": "slug",
        "in": "path",
        "required": True,
        "description": description,
        "schema": SLUG,
    }


@cache
def document() -> dict:
    search_length = SearchForm.base_fields["q"].max_length
    list_parameters = [
        {
            "name": "page",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 1, "maximum": 999_999_999, "default": 1},
        },
        {
            "name": "page_size",
            "in": "query",
            "required": False,
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_PAGE_SIZE,
                "default": DEFAULT_PAGE_SIZE,
            },
        },
        {
            "name": "category",
            "in": "query",
            "required": False,
            "description": "Only providers in this category (a category slug).",
            "schema": SLUG,
        },
        {
            "name": "channel",
            "in": "query",
            "required": False,
            "description": "Only providers sold through this channel (a channel slug).",
            "schema": SLUG,
        },
        {
            "name": "q",
            "in": "query",
            "required": False,
            "description": "Search the names and other names (aliases) of providers.",
            "schema": {"type": "string", "maxLength": search_length, "pattern": "^[^\\x00]*$"},
        },
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "cancelflow open data",
            "version": "1.0.0",
            "description": (
                "Read-only JSON of the published cancellation guides: providers with their "
                "whole flow and the resolved steps of every answer, the purchase channels with "
                "their standard steps, and the categories. See docs/api.md."
            ),
            "license": {"name": "See the site's terms"},
        },
        "paths": {
            "/api/v1/": _get("index", "The API's entry points", "Index"),
            "/api/v1/providers/": _get(
                "listProviders",
                "Published providers, by name, a page at a time",
                "ProviderPage",
                parameters=list_parameters,
                not_found="No such page.",
                bad=True,
            ),
            "/api/v1/providers/{slug}/": _get(
                "getProvider",
                "One published provider with its whole flow",
                "Provider",
                parameters=[_slug_parameter("The provider's slug.")],
                not_found="No published provider with this slug.",
            ),
            "/api/v1/channels/": _get("listChannels", "Every purchase channel", "ChannelList"),
            "/api/v1/channels/{slug}/": _get(
                "getChannel",
                "One purchase channel, and how many providers are sold through it",
                "ChannelDetail",
                parameters=[_slug_parameter("The channel's slug.")],
                not_found="No channel with this slug.",
            ),
            "/api/v1/categories/": _get("listCategories", "Every category", "CategoryList"),
        },
        "components": {"schemas": _schemas()},
    }
