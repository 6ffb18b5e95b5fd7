"""How messages to editors name one object of a guide or a channel: "step 2 “Open Billing”
of answer “Website”" (the undo pages and their messages, guides/publishing/undo.py)."""

from __future__ import annotations

from django.utils.translation import gettext

from guides.models import OfficialContact, PurchaseChannel, Route, StatementDescriptor, Step


def describe(obj) -> str:
    """The object, named as an editor finds it: "step 2 “Open Billing” of answer “Website”"."""
    if isinstance(obj, Step):
        step = {"position": obj.position, "title": obj.title}
        if obj.route is not None:
            answer = gettext("step %(position)s “%(title)s” of answer “%(answer)s”")
            return answer % {**step, "answer": obj.route.label}
        channel = gettext("standard step %(position)s “%(title)s” of channel “%(channel)s”")
        return channel % {**step, "channel": obj.channel}
    if isinstance(obj, Route):
        values = {"answer": obj.label, "guide": obj.provider.name}
        if obj.parent is not None:
            values["parent"] = obj.parent.label
            return gettext("answer “%(answer)s” (under “%(parent)s”) of “%(guide)s”") % values
        return gettext("answer “%(answer)s” of “%(guide)s”") % values
    if isinstance(obj, PurchaseChannel):
        if obj.parent_id:
            return gettext("variant “%(channel)s”") % {"channel": obj}
        return gettext("channel “%(channel)s”") % {"channel": obj}
    if isinstance(obj, OfficialContact):
        owner = obj.provider if obj.provider_id else obj.channel
        return gettext("contact “%(contact)s” of “%(owner)s”") % {"contact": obj, "owner": owner}
    if isinstance(obj, StatementDescriptor):
        owner = obj.provider if obj.provider_id else obj.channel
        return gettext("statement descriptor “%(descriptor)s” of “%(owner)s”") % {
            "descriptor": obj,
            "owner": owner,
        }
    return gettext("“%(object)s”") % {"object": obj}
