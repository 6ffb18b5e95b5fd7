from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from guides.files.exporter import FORMATS, UnknownProvider, export_text


class Command(BaseCommand):
    help = (
        "Write the guides (categories, channels, providers) as YAML or JSON, in the format "
        "import_guides reads (docs/format.md), in a stable order."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--format", choices=FORMATS, default="yaml", help="yaml (the default) or json."
        )
        parser.add_argument(
            "--output", "-o", metavar="PATH", help="Write to this file (default: stdout)."
        )
        parser.add_argument(
            "--provider",
            action="append",
            metavar="SLUG",
            dest="providers",
            help="Export only this provider (repeat for more). Its category and channels "
            "come with it unless --without-shared is given.",
        )
        parser.add_argument(
            "--without-shared",
            action="store_true",
            help="With --provider: leave out the category and channels it uses.",
        )

    def handle(self, *args, format, output, providers, without_shared, **options):
        if without_shared and not providers:
            raise CommandError("--without-shared only makes sense with --provider.")
        try:
            text = export_text(format, providers, shared=not without_shared)
        except UnknownProvider as exc:
            raise CommandError(f"No provider with the slug: {exc}") from exc
        if output and output != "-":
            path = Path(output)
            try:
                path.write_text(text, encoding="utf-8", newline="\n")
            except OSError as exc:
                raise CommandError(f"Cannot write {path}: {exc.strerror or exc}") from exc
            if options["verbosity"] > 0:
                self.stderr.write(f"Wrote {path} ({len(text.encode()):,} bytes).")
        else:
            self.stdout.write(text, ending="")
