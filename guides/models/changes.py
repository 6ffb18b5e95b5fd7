"""The log of what changed for visitors: a row per change and per part of the site it touches
(a guide, a category's listing, the catalog, the whole site), written in the transaction of
the change itself. Every process reads the rows it has not seen (guides/caching/versions.py)
and drops what it kept of those parts alone."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ContentChange(models.Model):
    id = models.BigAutoField(primary_key=True)
    # "site", "catalog", "names", "category:<id>" or "guide:<slug>" (guides/caching/versions.py)
    scope = models.CharField(max_length=160)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # What the row counts for in its part's version, when not its id: the ids of the older
    # rows of its part that `manage.py prune_changes` folded into it, its own included.
    weight = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "content change"
        verbose_name_plural = "content changes"
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.scope} #{self.id}"
