"""Fold the change log's old rows (guides/caching/versions.py): run daily, beside check_links."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from guides.caching.versions import prune


class Command(BaseCommand):
    help = (
        "Fold the rows of the change log (what each save touched, read by every process to "
        "know what to drop from its caches) older than --days into one row per part of the "
        "site. Nothing kept for speed is dropped by it: every version stays the same."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=30, help="Keep the rows of this many days (30)."
        )

    def handle(self, *args, days, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        deleted = prune(timedelta(days=days))
        self.stdout.write(f"Folded {deleted} rows of the change log older than {days} days.")
