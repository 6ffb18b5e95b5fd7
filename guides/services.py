"""Old names of the flow engine, kept while the modules that used them move to their new
homes: guides/flow/ (the engine), guides/web/lookups.py (a request's guide, or 404).
"""

from __future__ import annotations

from guides.flow.guide import Guide, hide_unverified_contacts, note_sections  # noqa: F401
from guides.flow.pages import Answer, Choice, Flow, mailto_href, resolve_flow  # noqa: F401
from guides.flow.rules import SLUG_RE, arrange_steps  # noqa: F401
from guides.flow.tree import RouteTree, Summary  # noqa: F401
from guides.web.lookups import guide_or_404, viewer  # noqa: F401
from guides.web.lookups import provider_or_404 as published_provider_or_404  # noqa: F401
