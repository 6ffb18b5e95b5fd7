import re

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from cancelflow.languages import alternates
from guides.caching import memory
from guides.flow.pages import mailto_href
from guides.models.translated import Shown, shown
from guides.text.markdown import render_markdown

register = template.Library()

# A guide's text shown in English on a page in another language is marked: in English for
# screen readers, and so that the page says, once, that part of it is not translated yet.
UNTRANSLATED = f'lang="{settings.LANGUAGE_CODE}" class="untranslated"'


def _shown(value, field: str | None) -> str:
    return shown(value, field) if field else value


@register.filter
def text(value, field: str | None = None) -> SafeString:
    """`{{ step|text:"title" }}`: a guide's text in the page's language, or in English marked
    as such (`lang="en"`) where it is not translated yet, and flagged, with its English
    original, where its translation may be out of date. `{{ choice.label|text }}` for a text
    already read in the page's language (flow/pages.py)."""
    found = _shown(value, field)
    if not isinstance(found, Shown):
        return conditional_escape(found)
    if found.fallback:
        return format_html("<span {}>{}</span>", mark_safe(UNTRANSLATED), str(found))
    if found.original:
        original = format_html('<span lang="{}">{}</span>', settings.LANGUAGE_CODE, found.original)
        flag = conditional_escape(
            gettext("(This translation may be out of date. In English: %(original)s)")
        )
        return format_html(
            '{} <small class="outdated">{}</small>',
            str(found),
            mark_safe(flag % {"original": original}),  # escaped above, and `original` is safe
        )
    return conditional_escape(str(found))


@register.filter
def markdown(value, field: str | None = None) -> SafeString:
    """Render editor Markdown as sanitised HTML. `{{ note|markdown:"body" }}`: a guide's
    text, as `text` marks it, in blocks: in English in a block of its own, or followed by
    its English original where its translation may be out of date."""
    found = _shown(value, field)
    html = render_markdown(found)
    if not isinstance(found, Shown):
        return html
    if found.fallback:
        return format_html("<div {}>{}</div>", mark_safe(UNTRANSLATED), html)
    if found.original:
        return format_html(
            '{}<details class="outdated"><summary>{}</summary><div lang="{}">{}</div></details>',
            html,
            gettext("This translation may be out of date: show the English original"),
            settings.LANGUAGE_CODE,
            render_markdown(found.original),
        )
    return html


@register.filter
def kind_label(step, audience: str = "visitors") -> str:
    """`{{ step|kind_label }}`: the kind a visitor reads before the step's title as the page
    shows it, or "" (guides.models.Step.kind_label decides); `{{ step|kind_label:"editors" }}`
    for the admin, which shows `step.title` (the active language's column) as it is."""
    if audience == "editors":
        return step.kind_label(step.title, editors=True)
    return step.kind_label(str(shown(step, "title")))


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


class UntranslatedNoticeNode(template.Node):
    """See `untranslated_notice`."""

    def __init__(self, nodelist, swap: bool) -> None:
        self.nodelist = nodelist
        self.swap = swap

    def render(self, context) -> str:
        page = context.get("untranslated_notice")
        if page is not None:  # within the page's own notice, which says it for all
            page["slot"] = page["slot"] or self.swap
            return self.nodelist.render(context)
        page = {"slot": False}
        with context.push(untranslated_notice=page):
            html = self.nodelist.render(context)
        if get_language() == settings.LANGUAGE_CODE:
            return html
        untranslated = UNTRANSLATED in html
        if not untranslated and (self.swap or not page["slot"]):
            return html
        notice = render_to_string(
            "guides/_untranslated.html",
            {
                "untranslated": untranslated,
                "swap": self.swap,
                "english": _english_page(context.get("request")),
                "english_code": settings.LANGUAGE_CODE,
            },
        )
        return notice + html


def _english_page(request) -> str:
    """The address of the page in English (the same answers of the flow, the same search)."""
    if request is None:
        return ""
    return next(alt.path for alt in alternates(request) if alt.code == settings.LANGUAGE_CODE)


@register.tag
def untranslated_notice(parser, token):
    """`{% untranslated_notice %}…{% enduntranslated_notice %}` around a page's content:
    where the content shows a guide's text in English on a page in another language (`text`,
    `markdown`), it is preceded, once, by a notice in the page's language that part of the
    page is not translated yet, with a link to the page in English
    (guides/_untranslated.html).

    `{% untranslated_notice swap %}` around a part that htmx fetches on its own (the flow):
    within the page's notice it adds nothing (but the empty place of the notice, for htmx to
    fill); fetched alone, it sends the notice out of band, into that place, when the part
    shows such a text."""
    bits = token.split_contents()
    if bits[1:] not in ([], ["swap"]):
        raise template.TemplateSyntaxError(f"{bits[0]} takes nothing or 'swap'")
    nodelist = parser.parse(("enduntranslated_notice",))
    parser.delete_first_token()
    return UntranslatedNoticeNode(nodelist, swap=bits[1:] == ["swap"])
