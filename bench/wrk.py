"""Driving pages with wrk for make bench (bench/run.py): one run's figures, rounds paired with
the baseline, and a phase's pages. `url` turns a path into an address of the server under
test."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import urllib.request
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent

SECONDS = int(os.environ.get("BENCH_SECONDS", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WARMUP_SECONDS = int(os.environ.get("BENCH_WARMUP_SECONDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
PROVIDERS = int(os.environ.get("BENCH_PROVIDERS", "10000"))

# The first reads of guides: the page, and what is read before it, as a server in use has.
FIRST_READ = "provider-first-read"
FIRST_READ_WARMUP = ["/", "/search/?q=kaspersky", "/cancel/kaspersky/"]


def wrk(
    url: str,
    headers: dict[str, str],
    seconds: int = SECONDS,
    script: str = "report.lua",
    args: tuple[object, ...] = (),
) -> dict:
    """One wrk run's raw figures: requests, duration_us, bytes, errors, p50_us, p99_us."""
    command = [
        "wrk",
        "-t",
        str(THREADS),
        "-c",
        str(CONNECTIONS),
        "-d",
        f"{seconds}s",
        "--timeout",
        "5s",
        "-s",
        str(BENCH / script),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    if args:
        command += ["--", *map(str, args)]
    output = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, BENCH_DIR=str(BENCH)),  # where first_reads.lua finds report.lua
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def rps(run: dict) -> float:
    return run["requests"] / (run["duration_us"] / 1e6)


def summary(runs: list[dict]) -> dict:
    """The figures of one page over its rounds."""
    requests = sum(r["requests"] for r in runs)
    return {
        "rps": round(requests / (sum(r["duration_us"] for r in runs) / 1e6), 1),
        "p50_ms": round(statistics.median(r["p50_us"] for r in runs) / 1000, 2),
        "p99_ms": round(max(r["p99_us"] for r in runs) / 1000, 2),
        "errors": sum(r["errors"] for r in runs),
        "requests": requests,
        "bytes_per_response": round(sum(r["bytes"] for r in runs) / max(requests, 1)),
        "rounds_rps": [round(rps(r), 1) for r in runs],
        # of the answers the page cache said hit or miss, the share it served
        "hit_rate": round(
            sum(r.get("hits", 0) for r in runs) / max(sum(r.get("cached", 0) for r in runs), 1), 4
        ),
    }


def body_bytes(url: str, headers: dict[str, str]) -> int:
    """The size of the page itself; urlopen raises if it does not answer 2xx."""
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
        return len(r.read())


def paired_rounds(
    base: Callable[[], dict], page: Callable[[int], dict], baselines: list[dict]
) -> dict:
    """ROUNDS of the baseline then the page (`page(round)`), back to back: the page's
    figures, its ratio the median of the rounds' ratios. The baseline's runs go into
    `baselines`."""
    runs, ratios = [], []
    for number in range(ROUNDS):
        baseline = base()
        run = page(number)
        baselines.append(baseline)
        runs.append(run)
        ratios.append(rps(run) / max(rps(baseline), 1e-9))
    figures = summary(runs)
    figures["ratio_to_baseline"] = round(statistics.median(ratios), 3)
    return figures


def same_page(url: str, headers: dict[str, str]) -> Callable[[int], dict]:
    """A page read the same way in every round."""
    return lambda _round: wrk(url, headers)


def with_baseline(
    results: dict[str, dict], baselines: list[dict], base_url: str, base_headers: dict[str, str]
) -> dict[str, dict]:
    baseline = summary(baselines)
    baseline.update(body_bytes=body_bytes(base_url, base_headers), ratio_to_baseline=1.0)
    return {"baseline": baseline, **results}


def measure(url: Callable[[str], str], pages: list[tuple[str, str, dict]]) -> dict[str, dict]:
    (_, base_path, base_headers), *others = pages
    base_url = url(base_path)
    baselines: list[dict] = []
    results = {}
    for name, path, headers in others:
        body = body_bytes(url(path), headers)
        # Warm up at full concurrency, so that every worker has filled what it keeps (its
        # page cache, guides and search index): the figures are for a server in use.
        wrk(url(path), headers, seconds=WARMUP_SECONDS)
        results[name] = paired_rounds(
            lambda: wrk(base_url, base_headers), same_page(url(path), headers), baselines
        )
        results[name]["body_bytes"] = body
        print(f"  {name:<11} {results[name]['rps']:>9.1f} req/s", flush=True)
    return with_baseline(results, baselines, base_url, base_headers)


def measure_first_reads(url: Callable[[str], str], base_path: str) -> dict[str, dict]:
    """The provider page of generated guides, each read once in the phase: a block of them
    for each round (the last guide is left for the page's size). A round that used up its
    block would read guides again; it is reported (`repeats`), as the page cache's hits are."""
    width = max(5, len(str(PROVIDERS)))  # as bench/generator.py numbers them
    block = (PROVIDERS - 1) // ROUNDS
    body = body_bytes(url(f"/cancel/synthetic-provider-{PROVIDERS:0{width}d}/"), {})
    for warm in FIRST_READ_WARMUP:  # what every page reads besides its guide: kept already
        wrk(url(warm), {}, seconds=1)
    base_url = url(base_path)
    baselines: list[dict] = []
    counts: list[int] = []

    def first_reads(number: int) -> dict:
        run = wrk(
            url("/"),
            {},
            script="first_reads.lua",
            args=(1 + number * block, (number + 1) * block, width, THREADS),
        )
        counts.append(run["requests"])
        return run

    figures = paired_rounds(lambda: wrk(base_url, {}), first_reads, baselines)
    figures.update(body_bytes=body, repeats=any(count > block for count in counts))
    print(f"  {FIRST_READ:<11} {figures['rps']:>9.1f} req/s", flush=True)
    return with_baseline({FIRST_READ: figures}, baselines, base_url, {})
