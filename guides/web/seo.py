"""What search engines and link previews read: a title and description for each page, its
canonical URL, Open Graph tags, and JSON-LD (BreadcrumbList everywhere below the home page,
HowTo for the steps of a flow, FAQPage for a provider's questions, WebSite on the home page).

Views build a `PageMeta` for each full page; base.html shows it with `{% seo_head meta %}`
(guides/templatetags/seo.py). htmx partials need none: their title travels in `data-title`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from guides.text import phones
from guides.text.markdown import render_markdown

SITE_NAME = "cancelflow"
DEFAULT_TITLE = gettext_lazy("cancelflow: exact steps to cancel a subscription")
DEFAULT_DESCRIPTION = gettext_lazy(
    "Exact, sourced steps to cancel a subscription, for wherever you bought it. "
    "No fake support numbers."
)
DESCRIPTION_LENGTH = 160
SCHEMA = "https://schema.org"


@dataclass
class PageMeta:
    title: str
    description: str
    canonical: str = ""  # an absolute URL; empty for a page that is not to be indexed
    og_type: str = "website"
    structured_data: list[dict] = field(default_factory=list)
    noindex: bool = False
    # The tags {% seo_head %} made of it, kept for the next page that shows the same
    # metadata (a flow page's is kept with its guide: views.provider_flow).
    head: str = field(default="", compare=False, repr=False)

    @property
    def og_title(self) -> str:
        return self.title.removesuffix(f" | {SITE_NAME}")


def plain_text(markdown_text: str) -> str:
    """Editor Markdown as one line of plain text."""
    text = html.unescape(strip_tags(str(render_markdown(markdown_text))))
    return " ".join(text.split())


def shorten(text: str, length: int = DESCRIPTION_LENGTH) -> str:
    return Truncator(" ".join(text.split())).chars(length)


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(re.sub(r"/{2,}", "/", path))


def breadcrumb_list(request: HttpRequest, trail: list[tuple[str, str]]) -> dict:
    """schema.org BreadcrumbList from (name, path) pairs, the home page first."""
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": absolute(request, path)}
            for n, (name, path) in enumerate(trail, 1)
        ],
    }


def _home_crumb() -> tuple[str, str]:
    return (_("Home"), reverse("guides:home"))


def home(request: HttpRequest) -> PageMeta:
    search_url = absolute(request, reverse("guides:search"))
    website = {
        "@context": SCHEMA,
        "@type": "WebSite",
        "name": SITE_NAME,
        "url": absolute(request, reverse("guides:home")),
        "description": str(DEFAULT_DESCRIPTION),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search_url}?q={{query}}"},
            "query-input": "required name=query",
        },
    }
    return PageMeta(
        title=str(DEFAULT_TITLE),
        description=str(DEFAULT_DESCRIPTION),
        canonical=absolute(request, reverse("guides:home")),
        structured_data=[website],
    )


def search(request: HttpRequest, query: str) -> PageMeta:
    """Search results are for visitors, not for an index (robots.txt keeps crawlers out).
    The query is named in the title only when it may be echoed there (phones.may_echo): a
    shared link to a search for a scam number previews no number under the site's name."""
    if query and phones.may_echo(query):
        title = _("“%(query)s”: search | %(site)s") % {"query": query, "site": SITE_NAME}
    else:
        title = _("Search | %(site)s") % {"site": SITE_NAME}
    return PageMeta(
        title=title,
        description=_("Find the guide for the subscription you want to cancel."),
        noindex=True,
    )


def guide_request(request: HttpRequest) -> PageMeta:
    return PageMeta(
        title=_("Request a guide | %(site)s") % {"site": SITE_NAME},
        description=_("Ask the editors for a guide to cancel a subscription we do not cover yet."),
        noindex=True,
    )


def category(request: HttpRequest, category, providers: list) -> PageMeta:
    names = ", ".join(provider.name for provider in providers[:6])
    description = category.description or _("Step-by-step guides to cancel %(names)s.") % {
        "names": names
    }
    path = category.get_absolute_url()
    return PageMeta(
        title=_("%(name)s: cancel a subscription | %(site)s")
        % {"name": category.name, "site": SITE_NAME},
        description=shorten(description),
        canonical=absolute(request, path),
        structured_data=[breadcrumb_list(request, [_home_crumb(), (category.name, path)])],
    )


def channel(request: HttpRequest, channel, steps: list, variants: list) -> PageMeta:
    path = channel.get_absolute_url()
    parts = [_("How to cancel a subscription bought on %(channel)s.") % {"channel": channel.name}]
    if channel.hint:
        parts.append(channel.hint)
    if variants:
        names = ", ".join(v.name for v in variants)
        parts.append(_("Steps for %(variants)s.") % {"variants": names})
    return PageMeta(
        title=_("How to cancel anything bought on %(channel)s | %(site)s")
        % {"channel": channel.name, "site": SITE_NAME},
        description=shorten(" ".join(parts)),
        canonical=absolute(request, path),
        og_type="article",
        structured_data=[breadcrumb_list(request, [_home_crumb(), (channel.name, path)])],
    )


def flow(request: HttpRequest, provider, flow, summary=None, questions=None) -> PageMeta:
    """A provider page (its first question), a later question, or the steps of a leaf."""
    path = request.path
    canonical = absolute(request, path)
    trail = [
        _home_crumb(),
        (provider.category.name, provider.category.get_absolute_url()),
        (provider.name, provider.get_absolute_url()),
    ]
    if flow.answers:
        trail.append((", ".join(answer.label for answer in flow.answers), path))
    data = [breadcrumb_list(request, trail)]

    if flow.is_leaf:
        answers = ", ".join(answer.label for answer in flow.answers)
        titles = "; ".join(step.title for step in flow.steps)
        count = len(flow.steps)
        names = {"name": provider.name, "answers": answers, "count": count, "titles": titles}
        if titles:
            description = ngettext(
                "Cancel %(name)s (%(answers)s) in %(count)d step: %(titles)s.",
                "Cancel %(name)s (%(answers)s) in %(count)d steps: %(titles)s.",
                count,
            )
        else:
            description = ngettext(
                "Cancel %(name)s (%(answers)s) in %(count)d step.",
                "Cancel %(name)s (%(answers)s) in %(count)d steps.",
                count,
            )
        description %= names
        data.append(how_to(request, provider, flow, canonical))
    elif flow.answers:
        description = _(
            "%(question)s Choose your answer to get the exact steps to cancel %(name)s."
        ) % {"question": flow.question, "name": provider.name}
    else:
        methods = ", ".join(summary.methods) if summary and summary.methods else _("the steps")
        description = _("How to cancel %(name)s: %(methods)s. %(summary)s") % {
            "name": provider.name,
            "methods": methods,
            "summary": provider.summary,
        }
        if questions:
            data.append(faq_page(questions))
    return PageMeta(
        title=f"{flow.title} | {SITE_NAME}",
        description=shorten(description),
        canonical=canonical,
        og_type="article",
        structured_data=data,
        noindex=not provider.is_published,
    )


HOWTO_STEP_LENGTH = 300  # characters of a step's body in its HowTo summary


def how_to(request: HttpRequest, provider, flow, canonical: str) -> dict:
    data = {
        "@context": SCHEMA,
        "@type": "HowTo",
        "name": flow.title,
        "description": provider.summary or _("How to cancel %(name)s.") % {"name": provider.name},
        "step": [
            {
                "@type": "HowToStep",
                "position": n,
                "name": step.title,
                # A summary: the body itself is on the page, once.
                "text": shorten(plain_text(step.body), HOWTO_STEP_LENGTH) or step.title,
                "url": f"{canonical}#step-{step.pk}",
            }
            for n, step in enumerate(flow.steps, 1)
        ],
    }
    if provider.minutes_to_cancel:
        data["totalTime"] = f"PT{provider.minutes_to_cancel}M"
    return data


def faq_page(questions: list) -> dict:
    return {
        "@context": SCHEMA,
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": item.question,
                "acceptedAnswer": {"@type": "Answer", "text": str(render_markdown(item.answer))},
            }
            for item in questions
        ],
    }
