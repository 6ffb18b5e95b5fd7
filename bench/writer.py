"""The bench's writer: an editor saving a random guide every second while the load runs
(`python -m bench.writer`, in the bench's environment, until it is stopped).

Each save changes the title of one step of a guide's own routes, through the ORM, as an
admin save does: the change log names that guide alone (guides/caching/touched.py). The
guides the benchmark reads (MEASURED, below) are never chosen, so their hit rate
under the writer shows what an edit elsewhere costs them.

With BENCH_WRITER_EDITS=names, each save changes a guide's aliases instead: what search
reads, so every worker's search index is brought up to date after each
(guides/search/kept.py), and the listings' pages are built again.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time

MEASURED = {"kaspersky"}
SUFFIX = " (edited)"


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cancelflow.settings")
    django.setup()
    save = _renamer() if os.environ.get("BENCH_WRITER_EDITS") == "names" else _step_editor()
    running = True

    def stop(*_) -> None:
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    saves = 0
    while running:
        save()
        saves += 1
        time.sleep(1)
    print(f"bench writer: {saves} saves", flush=True)


def _renamer():
    from guides.models import Provider

    guides = list(
        Provider.objects.published().exclude(slug__in=MEASURED).values_list("pk", flat=True)
    )
    if not guides:
        sys.exit("bench writer: no guide to rename")
    chooser = random.Random(1)

    def save() -> None:
        provider = Provider.objects.get(pk=chooser.choice(guides))
        lines = provider.aliases.splitlines()
        renamed = "Renamed by the bench"
        provider.aliases = "\n".join(
            [line for line in lines if line != renamed] if renamed in lines else [*lines, renamed]
        )
        provider.save()

    return save


def _step_editor():
    from guides.models import Status, Step

    steps = list(
        Step.objects.filter(
            route__provider__status=Status.PUBLISHED, route__provider__draft_of__isnull=True
        )
        .exclude(route__provider__slug__in=MEASURED)
        .values_list("pk", flat=True)
    )
    if not steps:
        sys.exit("bench writer: no step to edit")
    chooser = random.Random(1)

    def save() -> None:
        step = Step.objects.get(pk=chooser.choice(steps))
        if step.title.endswith(SUFFIX):
            step.title = step.title.removesuffix(SUFFIX)
        else:
            step.title = step.title[: 200 - len(SUFFIX)] + SUFFIX
        step.save()

    return save


if __name__ == "__main__":
    main()
