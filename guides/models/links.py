"""The health of the addresses the guides link to: one LinkCheck per check of an address, so
that each address has a history (guides/links/ fetches them, in a background task)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A link is called broken only when it has failed for at least this long: a single 404 or an
# unreachable host is often a site's bad hour, not a dead page.
BROKEN_AFTER = timedelta(days=1)


class LinkOutcome(models.TextChoices):
    OK = "ok", _("Works")
    MOVED = "moved", _("Moved")
    BROKEN = "broken", _("Broken")
    CANT_TELL = "cant_tell", _("Can't tell")


class LinkCheckQuerySet(models.QuerySet):
    def health(self, url: str) -> LinkHealth:
        """The current health of `url`, from its checks (see LinkHealth)."""
        return LinkHealth.of(self.filter(url=url).order_by("-checked_at", "-pk"))


class LinkCheck(models.Model):
    """One check of one address: what came back, and when."""

    url = models.URLField(max_length=2000)
    checked_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10, choices=LinkOutcome)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    moved_to = models.URLField(
        max_length=2000, blank=True, help_text=_("Where a permanent redirect leads.")
    )
    reason = models.CharField(max_length=300, blank=True)

    objects = LinkCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_at", "-pk"]
        indexes = [models.Index(fields=["url", "-checked_at"], name="linkcheck_url_time_idx")]

    def __str__(self) -> str:
        return f"{self.url}: {self.get_outcome_display()} ({self.checked_at:%Y-%m-%d %H:%M})"


class LinkHost(models.Model):
    """A host the link checks ask, shared by every worker process: at most one request to it
    at a time, LINK_CHECK_HOST_DELAY seconds apart (guides/links/fetch.py). A check takes the
    host until `free_at` (a lease, in case its process dies), then frees it `free_at` the
    delay after its request ended."""

    host = models.CharField(max_length=255, unique=True)
    free_at = models.DateTimeField(default=timezone.now)
    holder = models.CharField(max_length=32, blank=True)

    def __str__(self) -> str:
        return self.host


@dataclass(frozen=True)
class LinkHealth:
    """What an address's checks say now. `outcome` is the latest check's, except that a link
    is "broken" only when its failures (404, 410, no such host, connection refused) have
    lasted at least BROKEN_AFTER: the two checks a day apart that bound them both failed, and
    nothing between them worked. A more recent failure is "can't tell" while it is rechecked.
    `outcome` is "" for an address never checked."""

    outcome: str
    latest: LinkCheck | None = None
    note: str = ""

    @classmethod
    def of(cls, checks) -> LinkHealth:
        """From an address's checks, newest first."""
        latest = None
        for check in checks:
            if latest is None:
                latest = check
                if check.outcome != LinkOutcome.BROKEN:
                    return cls(check.outcome, check, check.reason)
            if check.outcome != LinkOutcome.BROKEN:
                break
            if latest.checked_at - check.checked_at >= BROKEN_AFTER:
                return cls(LinkOutcome.BROKEN, latest, latest.reason)
        if latest is None:
            return cls("")
        return cls(
            LinkOutcome.CANT_TELL,
            latest,
            _("%(reason)s; rechecking before calling it broken") % {"reason": latest.reason},
        )

    @property
    def label(self) -> str:
        if not self.outcome:
            return str(_("Not checked yet"))
        if self.latest and self.latest.outcome != self.outcome:
            return str(_("Can't tell (rechecking)"))
        return str(LinkOutcome(self.outcome).label)
