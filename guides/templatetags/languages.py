"""`{% page_languages as found %}`: this page in every language of the site, for the language
switcher and the suggestion of the visitor's own language (templates/_languages.html)."""

from __future__ import annotations

from django import template
from django.conf import settings

from cancelflow.languages import Alternate, alternates

register = template.Library()


@register.simple_tag(takes_context=True)
def page_languages(context) -> list[Alternate]:
    request = context.get("request")
    return alternates(request) if request is not None else []


@register.simple_tag
def default_language() -> str:
    """The language without a prefix in the address (static/js/site.js rewrites the links
    after htmx changes the address)."""
    return settings.LANGUAGE_CODE
