"""Queue a check of every web address the guides link to (run by `manage.py db_worker`), or
with --summary, print what the checks say of them."""

from django.core.management.base import BaseCommand

from guides.links.addresses import content_addresses
from guides.links.health import summary
from guides.links.tasks import check_link, pending_checks


class Command(BaseCommand):
    help = (
        "Queue one background check of each distinct web address in the guides "
        "(manage.py db_worker runs them), except those whose check is still queued or "
        "running. With --summary, queue nothing: print how many addresses there are, by "
        "kind, and how many work, have moved, are broken, can't be told or are unchecked."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--summary", action="store_true", help="Print the figures; queue nothing."
        )

    def handle(self, *args, **options):
        if options["summary"]:
            self.print_summary()
            return
        addresses = content_addresses()
        waiting = pending_checks()
        queued = [url for url in addresses if url not in waiting]
        for url in queued:
            check_link.enqueue(url)
        skipped = len(addresses) - len(queued)
        message = f"Queued {len(queued)} link checks."
        if skipped:
            message += f" {skipped} already queued or running: not queued again."
        self.stdout.write(message)

    def print_summary(self):
        figures = summary()
        self.stdout.write(f"Distinct web addresses in the guides: {figures.total}")
        for kind, count in figures.by_kind.items():
            self.stdout.write(f"  {kind}: {count}")
        self.stdout.write("Health:")
        for outcome, count in figures.by_health.items():
            self.stdout.write(f"  {outcome}: {count}")
