import re

from django import template
from django.utils.translation import get_language

from guides.caching import memory
from guides.flow.pages import mailto_href
from guides.text.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str):
    """Render editor Markdown as sanitised HTML."""
    return render_markdown(text)


@register.filter
def mailto(step) -> str:
    """The mailto: link of a step's email template."""
    return mailto_href(step)


_PRE = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL | re.IGNORECASE)
_LINE_BREAKS = re.compile(r"\n\s+")


def compact(html: str) -> str:
    """The same HTML without the blank lines and indentation that template tags leave:
    a line break and the spaces after it show as one space, as before. <pre> is kept."""
    parts = _PRE.split(html)
    parts[::2] = [_LINE_BREAKS.sub("\n", part) for part in parts[::2]]
    return "".join(parts)


class KeptNode(template.Node):
    def __init__(self, nodelist, owner, parts) -> None:
        self.nodelist = nodelist
        self.owner = owner
        self.parts = parts

    def render(self, context) -> str:
        kept = memory.derived(self.owner.resolve(context))
        key = ("fragment", get_language(), *(part.resolve(context) for part in self.parts))
        found = kept.get(key)
        if not isinstance(found, str):  # not rendered yet
            found = kept[key] = compact(self.nodelist.render(context))
        return found


@register.tag
def kept(parser, token):
    """`{% kept owner "name" part… %}…{% endkept %}`: render the block once per owner, parts
    and language of the page, compact it, and keep the HTML beside the owner
    (caching.memory.derived). The owner is what the block shows, as loaded for this page (a
    flow.guide.Guide, the home page's lists): when it is kept in memory
    (guides/caching/memory.py) the HTML is kept with it, and dropped with it when the content
    changes; otherwise it lives as long as the request.

    Only for blocks that show the owner alone, in the page's language: nothing of the request
    or the visitor (no form, no absolute URL, no link to this page in other languages; an
    editor's drafts are never kept, so neither are their banners)."""
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"{bits[0]} needs an owner and a name")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    owner, *parts = (parser.compile_filter(bit) for bit in bits[1:])
    return KeptNode(nodelist, owner, parts)


class CompactNode(template.Node):
    def __init__(self, nodelist) -> None:
        self.nodelist = nodelist

    def render(self, context) -> str:
        return compact(self.nodelist.render(context))


@register.tag("compact")
def compact_tag(parser, token):
    """`{% compact %}…{% endcompact %}`: the block without the blank lines and indentation
    of its template (see `compact()`), for what htmx fetches often."""
    nodelist = parser.parse(("endcompact",))
    parser.delete_first_token()
    return CompactNode(nodelist)
