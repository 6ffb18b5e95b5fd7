from contextlib import nullcontext

import reversion
from django.core.management.base import BaseCommand, CommandError

from guides.files.documents import GuideImportError
from guides.files.importer import import_paths


class Command(BaseCommand):
    help = (
        "Load guides from YAML or JSON files (default: every file in guides/content/). "
        "What is new is created; a guide, channel or category already in the database is "
        "left as editors have it, unless --replace is given. All or nothing: any fault "
        "leaves the database unchanged. The format is described in docs/format.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Files or folders to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would change, entry by entry; change nothing.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help=(
                "Overwrite guides, channels and categories already in the database with the "
                "files, editors' changes included (they stay in each guide's history)."
            ),
        )

    def handle(self, *args, paths, dry_run, replace, **options):
        # A real import is kept in the editors' history, like a change made in the admin.
        history = nullcontext() if dry_run else reversion.create_revision()
        try:
            with history:
                if not dry_run:
                    reversion.set_comment("import_guides " + (" ".join(paths) or "guides/content/"))
                report = import_paths(paths, dry_run=dry_run, keep_existing=not replace)
        except GuideImportError as exc:
            raise CommandError(
                "Import refused, nothing was changed:\n  " + "\n  ".join(exc.errors)
            ) from exc
        verbosity = options["verbosity"]
        if verbosity < 1:
            return
        differs = report.not_overwritten
        if differs:
            self.stdout.write(
                f"Kept as editors have them, not overwritten: {len(differs)} "
                f"entr{'y' if len(differs) == 1 else 'ies'} of the database that differ from "
                "the files."
            )
            for entry, what in sorted(differs.items()):
                self.stdout.write(f"  {entry} differs ({'; '.join(what)}): kept")
            self.stdout.write("  To overwrite them with the files, run import_guides --replace.")
        for warning in report.warnings:
            self.stderr.write(f"Warning: {warning}")
        if not report.changed:
            self.stdout.write(
                "Nothing new to load."
                if differs
                else "Nothing to change: the database already matches the files."
            )
            return
        self.stdout.write("Would change:" if dry_run else "Imported:")
        for line in report.lines():
            self.stdout.write(f"  {line}")
        if dry_run or verbosity > 1:
            self.stdout.write("In detail:")
            for line in report.details():
                self.stdout.write(f"  {line}")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
