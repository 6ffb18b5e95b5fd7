"""The editors' admin: everything a guide is made of can be maintained here, without code.
One module per thing edited, each registering its ModelAdmin when imported here:

- providers.py: a guide's own page (its routes, notes, FAQ and contacts), the list and its
  actions, "Needs attention" and "Whole flow"; routes.py, steps.py, contacts.py,
  channels.py, categories.py; feedback.py (what visitors said, triaged); rights.py (the
  "your rights where you live" notes, published on their own with four eyes);
- publishing.py, channel_publishing.py: drafts, review, revisions and rollback;
  transfer.py: guide files downloaded and uploaded; undo.py: history and "Undo this change";
- edit_token.py (with edit_page.py and edit_merge.py): a change form refuses a save made from
  a stale copy, and keeps what was typed;
- mixins.py, forms.py, filters.py: the pieces they share.

Ordered things (routes, steps, notes, questions, variants) are edited in tabular inlines
with a plain `position` column: static/js/admin-ordering.js lets editors drag the rows and
writes the new order into the position inputs; without JavaScript, editors type it. Rows
that share a position are ordered by (position, pk), so nothing needs lifting out of the way.

Every change made here is kept by django-reversion (see guides/publishing/history.py): each page's
History lists who changed what and when, and any earlier version can be brought back,
deleted steps and their order included ("Recover deleted …" on each list).

Roles: the Editors group edits guide content; publishing a guide (its status) and marking
it verified take the publish_provider and verify_provider permissions (the Publishers group).

A live guide is shown read-only, with its parts: its changes are made in a draft of it,
which a second person reviews and publishes (guides/publishing/revisions.py, and the review,
revisions
and rollback pages of publishing.py here).
"""

from guides.admin import (
    categories,
    channels,
    contacts,
    feedback,
    providers,
    rights,
    routes,
    scams,
    steps,
)

__all__ = [
    "categories",
    "channels",
    "contacts",
    "feedback",
    "providers",
    "rights",
    "routes",
    "scams",
    "steps",
]
