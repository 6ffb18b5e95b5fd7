from django import template

from guides.markdown import render_markdown
from guides.services import mailto_href

register = template.Library()


@register.filter
def markdown(text: str):
    """Render editor Markdown as sanitised HTML."""
    return render_markdown(text)


@register.filter
def mailto(step) -> str:
    """The mailto: link of a step's email template."""
    return mailto_href(step)
