"""The domain of cancelflow: providers, the channels they are sold through, and the routes,
steps and contacts that make up each provider's cancellation flow; one module per group.

Invariants live in the database as named constraints; each has a matching `clean()` so that
the admin and the importer show a friendly message before the database refuses.
"""

from guides.models.base import (
    LONG_TEXT,
    MAX_POSITION,
    SHORT_TEXT,
    Status,
    VisibleText,
    position_validators,
    previews_drafts,
    visible_text_fields,
)
from guides.models.changes import ContentChange
from guides.models.channels import (
    CHANNEL_METHODS,
    ChannelKind,
    PurchaseChannel,
    PurchaseChannelQuerySet,
)
from guides.models.contacts import (
    ContactKind,
    OfficialContact,
    OfficialContactQuerySet,
)
from guides.models.descriptors import StatementDescriptor
from guides.models.feedback import (
    Feedback,
    FeedbackKind,
    FeedbackStatus,
    GuideRequest,
)
from guides.models.flows import (
    Route,
    Step,
    StepKind,
)
from guides.models.links import (
    BROKEN_AFTER,
    LinkCheck,
    LinkCheckQuerySet,
    LinkHealth,
    LinkHost,
    LinkOutcome,
)
from guides.models.notes import (
    NoteKind,
    ProviderNote,
    Question,
)
from guides.models.providers import (
    DIFFICULTY_MEANINGS,
    Category,
    Difficulty,
    Provider,
    ProviderQuerySet,
)
from guides.models.revisions import (
    ChannelRevision,
    GuideRevision,
    RevisionKind,
)
from guides.models.rights import (
    NotPublished,
    PublishedRights,
    RightsNote,
)
from guides.models.scams import ScamNumber, ScamNumberQuerySet

__all__ = [
    "BROKEN_AFTER",
    "CHANNEL_METHODS",
    "DIFFICULTY_MEANINGS",
    "LONG_TEXT",
    "MAX_POSITION",
    "SHORT_TEXT",
    "Category",
    "ChannelKind",
    "ChannelRevision",
    "ContactKind",
    "ContentChange",
    "Difficulty",
    "Feedback",
    "FeedbackKind",
    "FeedbackStatus",
    "GuideRequest",
    "GuideRevision",
    "LinkCheck",
    "LinkCheckQuerySet",
    "LinkHealth",
    "LinkHost",
    "LinkOutcome",
    "NotPublished",
    "NoteKind",
    "OfficialContact",
    "OfficialContactQuerySet",
    "Provider",
    "ProviderNote",
    "ProviderQuerySet",
    "PublishedRights",
    "PurchaseChannel",
    "PurchaseChannelQuerySet",
    "Question",
    "RevisionKind",
    "RightsNote",
    "Route",
    "ScamNumber",
    "ScamNumberQuerySet",
    "StatementDescriptor",
    "Status",
    "Step",
    "StepKind",
    "VisibleText",
    "position_validators",
    "previews_drafts",
    "visible_text_fields",
]
