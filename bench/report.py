"""The benchmark's report (bench/run.py): a table per phase, and the targets of the issues
that set them, as plain sentences with a verdict each."""

from __future__ import annotations

# The pages the speed targets are about (the baseline and the static file are not).
GUIDE_PAGES = (
    "home",
    "search",
    "search-statement",
    "provider",
    "steps",
    "steps-htmx",
    "provider-de",
    "steps-de",
)


def table(phase: str, results: dict[str, dict]) -> str:
    lines = [
        f"\n{phase}",
        f"{'page':<12}{'req/s':>10}{'x base':>8}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}{'bytes':>9}{'body':>8}",
    ]
    for name, f in results.items():
        lines.append(
            f"{name:<12}{f['rps']:>10.1f}{f['ratio_to_baseline']:>8.2f}"
            f"{f['p50_ms']:>9.2f}{f['p99_ms']:>9.2f}{f['errors']:>8}"
            f"{f['bytes_per_response']:>9}{f['body_bytes']:>8}"
        )
    return "\n".join(lines)


def targets(run: dict) -> list[str]:
    """The figures issue 6 asks for, as plain sentences with a verdict each."""
    out = []
    phases = run["phases"]
    providers = run["settings"]["providers"]
    for size in ("shipped", "scaled"):
        for name in GUIDE_PAGES:
            ratio = phases[size][name]["ratio_to_baseline"]
            out.append(
                f"{size} cached {name}: {ratio:.2f}x baseline (target ≥ 0.8) "
                f"{'ok' if ratio >= 0.8 else 'MISSED'}"
            )
        for name in GUIDE_PAGES:
            ratio = phases[f"{size}-uncached"][name]["ratio_to_baseline"]
            out.append(
                f"{size} uncached {name}: {ratio:.2f}x baseline (target ≥ 0.3) "
                f"{'ok' if ratio >= 0.3 else 'MISSED'}"
            )
        for name in GUIDE_PAGES:
            figures = phases[f"{size}-writer"][name]
            ratio, hits = figures["ratio_to_baseline"], figures["hit_rate"]
            out.append(
                f"{size} under the writer {name}: {ratio:.2f}x baseline (target ≥ 0.7) "
                f"{'ok' if ratio >= 0.7 else 'MISSED'}; hit rate {hits:.1%} "
                f"(target ≥ 95%) {'ok' if hits >= 0.95 else 'MISSED'}"
            )
    errors = sum(f["errors"] for phase in phases.values() for f in phase.values())
    out.append(f"errors, every phase: {errors} (target 0) {'ok' if errors == 0 else 'MISSED'}")
    for name in ("search", "search-statement"):
        ratio = phases["scaled-renames"][name]["ratio_to_baseline"]
        out.append(
            f"{name} while a guide is renamed every second, {providers} providers (each "
            f"worker's index brought up to date): {ratio:.2f}x baseline (target ≥ 0.2) "
            f"{'ok' if ratio >= 0.2 else 'MISSED'}"
        )
    first = phases["scaled-first-reads"]["provider-first-read"]
    ratio = first["ratio_to_baseline"]
    out.append(
        f"first read of a guide (as after its edit), {providers} providers: {ratio:.2f}x "
        f"baseline (target ≥ 0.2) {'ok' if ratio >= 0.2 else 'MISSED'}; served from the "
        f"page cache: {first['hit_rate']:.1%}"
        + ("; a round ran out of unread guides" if first.get("repeats") else "")
    )
    for name in ("provider", "steps"):
        small = phases["shipped-uncached"][name]["ratio_to_baseline"]
        large = phases["scaled-uncached"][name]["ratio_to_baseline"]
        slowdown = small / large if large else float("inf")
        out.append(
            f"uncached {name} with {providers} providers: {slowdown:.2f}x slower "
            f"than shipped alone (target ≤ 1.2) {'ok' if slowdown <= 1.2 else 'MISSED'}"
        )
    # The page's bytes are its body: the headers (about 800 bytes, most of them the security
    # headers) are the same on every response, so they are reported beside it, not judged.
    partial, full = phases["shipped"]["steps-htmx"], phases["shipped"]["steps"]
    share = partial["body_bytes"] / full["body_bytes"]
    on_the_wire = partial["bytes_per_response"] / full["bytes_per_response"]
    out.append(
        f"htmx partial: {share:.2f} of the full steps page's bytes (target ≤ 0.25) "
        f"{'ok' if share <= 0.25 else 'MISSED'}; {on_the_wire:.2f} counting headers"
    )
    return out
