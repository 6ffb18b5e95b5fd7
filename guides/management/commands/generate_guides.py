from django.core.management.base import BaseCommand, CommandError

from bench.generator import SyntheticDataExists, generate, remove_synthetic


class Command(BaseCommand):
    help = (
        "Create a deterministic synthetic dataset for benchmarks and scale tests: providers "
        "with route trees 1 to 3 answers deep, steps, notes and questions, all with slugs "
        "starting synthetic-. The same --providers and --seed give the same content."
    )

    def add_arguments(self, parser):
        parser.add_argument("--providers", type=int, default=100, help="How many (default 100).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Remove the synthetic data already there first (otherwise refuse).",
        )
        parser.add_argument(
            "--remove",
            action="store_true",
            help="Only remove the synthetic data; create nothing.",
        )

    def handle(self, *args, providers, seed, replace, remove, **options):
        try:
            if remove:
                count = remove_synthetic()
                self.stdout.write(f"Removed {count:,} synthetic providers.")
                return
            if providers < 1:
                raise CommandError("--providers must be at least 1.")
            stats = generate(providers, seed, replace=replace)
        except SyntheticDataExists as exc:
            raise CommandError(f"Nothing was changed: {exc}.") from exc
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Created {stats.providers:,} synthetic providers with {stats.routes:,} routes "
                f"and {stats.steps:,} steps in {stats.seconds:.1f} s (seed {seed})."
            )
