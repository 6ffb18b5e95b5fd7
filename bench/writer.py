"""The bench's writer: an editor saving a random guide every second while the load runs
(`python -m bench.writer`, in the bench's environment, until it is stopped).

Each save changes the title of one step of a guide's own routes, through the ORM, as an
admin save does: the change log names that guide alone (guides/caching/touched.py). The
guides the benchmark reads (MEASURED, below) are never chosen, so their hit rate
under the writer shows what an edit elsewhere costs them.
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
    running = True

    def stop(*_) -> None:
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    saves = 0
    while running:
        step = Step.objects.get(pk=chooser.choice(steps))
        if step.title.endswith(SUFFIX):
            step.title = step.title.removesuffix(SUFFIX)
        else:
            step.title = step.title[: 200 - len(SUFFIX)] + SUFFIX
        step.save()
        saves += 1
        time.sleep(1)
    print(f"bench writer: {saves} saves", flush=True)


if __name__ == "__main__":
    main()
