"""Where a part of a guide applies, as pages name it (guides/regions.py)."""

from django import template

from guides import regions

register = template.Library()


@register.filter
def region_names(codes) -> str:
    """ "Germany, Austria": the regions of a row, in the language of the page."""
    return regions.names(codes)


@register.filter
def applies_in(codes, region: str | None) -> bool:
    """Whether a part meant for `codes` is for a visitor who lives in `region` (every part,
    before they say where they live)."""
    return regions.applies(codes, region)
