"""`{% seo_head meta %}`: the canonical link, Open Graph tags and JSON-LD of a page.

JSON-LD goes in `<script type="application/ld+json">` data blocks: browsers never run them,
so the strict Content-Security-Policy holds. `<`, `>` and `&` are escaped inside the JSON,
so no text an editor wrote can close the block.
"""

from __future__ import annotations

import json

from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from cancelflow.languages import alternates
from guides.web.seo import SITE_NAME, PageMeta

register = template.Library()

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_ld(data: dict) -> SafeString:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


@register.simple_tag(takes_context=True)
def seo_head(context, meta: PageMeta | None) -> SafeString:
    if not meta:
        return SafeString("")
    if not meta.head:
        meta.head = _head(context["request"], meta)
    return mark_safe(meta.head)  # built by _head() from escaped parts


def _head(request, meta: PageMeta) -> SafeString:
    tags = []
    if meta.noindex:
        tags.append(SafeString('<meta name="robots" content="noindex">'))
    others = []
    if meta.canonical:
        tags.append(format_html('<link rel="canonical" href="{}">', meta.canonical))
        # The same page in every language, and the English one for any other reader.
        links = [(alt.code, request.build_absolute_uri(alt.path)) for alt in alternates(request)]
        links.append(("x-default", dict(links)[settings.LANGUAGE_CODE]))
        tags.append(
            format_html_join("\n  ", '<link rel="alternate" hreflang="{}" href="{}">', links)
        )
        others = [code for code, _ in links[:-1] if code != get_language()]
    properties = [
        ("og:site_name", SITE_NAME),
        ("og:type", meta.og_type),
        ("og:title", meta.og_title),
        ("og:description", meta.description),
        ("og:locale", get_language()),
        *(("og:locale:alternate", code) for code in others),
    ]
    if meta.canonical:
        properties.append(("og:url", meta.canonical))
    tags.append(format_html_join("\n  ", '<meta property="{}" content="{}">', properties))
    tags.append(SafeString('<meta name="twitter:card" content="summary">'))
    tags.extend(json_ld(data) for data in meta.structured_data)
    return mark_safe("\n  ".join(tags))
