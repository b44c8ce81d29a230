"""`python -m bench [figure ...] [--alumni N] [--json] [--repeat R]`: each figure beside its baseline.

Exit status: 0 every goal met, 1 a goal missed, 2 the bench could not measure.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

from .core import BenchError, Context, Result, child_env
from .data import CACHE_DIR, cached_database, remove_folder
from .figures import (
    checkin, cold_start, first_page, memory, pairing, report, report_batch, save, search, timeline, today,
)

FIGURES = {
    module.FIGURE: module
    for module in (first_page, search, cold_start, memory, save, today, checkin, timeline, pairing, report,
                   report_batch)
}
DEFAULT_ALUMNI = 100_000
DEFAULT_SEED = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure Aftercare Desktop's figures beside baselines measured in the same run.",
        epilog="Figures: " + ", ".join(f"{name} ({module.TITLE})" for name, module in FIGURES.items()),
    )
    parser.add_argument("figures", nargs="*", metavar="figure", help="figures to measure (default: all)")
    parser.add_argument("--alumni", type=int, default=DEFAULT_ALUMNI, metavar="N",
                        help=f"alumni in the demo database (default {DEFAULT_ALUMNI:,})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S",
                        help="seed of the demo data and of the bench's random picks (default 1)")
    parser.add_argument("--repeat", type=int, metavar="R",
                        help="fresh processes per side for each figure (default: 5 for start-up and first "
                             "page, 1 for the figures that take many samples in one process)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    unknown = [name for name in args.figures if name not in FIGURES]
    if unknown:
        parser.error(f"unknown figure {', '.join(unknown)}; choose from {', '.join(FIGURES)}")
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    chosen = args.figures or list(FIGURES)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    sandbox = Path(tempfile.mkdtemp(prefix="aftercare-bench-"))
    work = CACHE_DIR / f"work-{sandbox.name}"
    started = time.perf_counter()
    results: list[Result] = []
    try:
        env = child_env(sandbox)
        # Figures on data of their own (NEEDS_DATABASE = False) run without the demo database.
        needed = any(getattr(FIGURES[name], "NEEDS_DATABASE", True) for name in chosen)
        database = cached_database(args.alumni, args.seed, env, log=log) if needed else None
        context = Context(database=database, work=work, env=env, repeat=args.repeat, seed=args.seed, log=log)
        for name in chosen:
            log(f"bench: measuring {name} …")
            measured = FIGURES[name].measure(context)  # a figure may report several results
            results.extend(measured if isinstance(measured, list) else [measured])
    except BenchError as exc:
        log(f"bench: {exc}")
        return 2
    finally:
        remove_folder(work)
        remove_folder(sandbox)

    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps(_report(args, database, results, seconds), indent=2))
    else:
        print(_table(results, args.alumni))
        log(f"bench: {len(results)} figure(s) in {seconds:.0f} s")
    return 0 if all(result.passed for result in results) else 1


def _report(args: argparse.Namespace, database: Path, results: list[Result], seconds: float) -> dict:
    import sqlite3

    from PySide6 import __version__ as pyside_version

    return {
        "alumni": args.alumni,
        "seed": args.seed,
        "database": database.name if database else None,
        "seconds": round(seconds, 1),
        "python": platform.python_version(),
        "pyside6": pyside_version,
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "results": [result.as_dict() for result in results],
    }


def _format(value: float, unit: str) -> str:
    return f"{value:,.1f} {unit}" if value < 1000 else f"{value:,.0f} {unit}"


def _notes(result: Result) -> str:
    details = result.details
    if "p50_ms" not in details:
        notes = f"median of {details['runs']}" if "runs" in details else ""
        if "caseload" in details:
            notes += f"; Today for a caseload of {details['caseload']:,} active alumni"
        if "stack_floor_ms" in details:
            notes += f"; the window after importing sqlalchemy.orm alone: {details['stack_floor_ms']:,.0f} ms"
        if "turn_ratio_range" in details:
            low, high = details["turn_ratio_range"]
            notes += f"; taken in turns, ratios {low:.2f}–{high:.2f}; CPU time {details['cpu_ratio']:.2f}×"
        return notes
    samples = details.get("queries") or details.get("saves") or details.get("samples")
    notes = f"p50 {details['p50_ms']:.1f} ms (baseline {details['baseline_p50_ms']:.1f}), n={samples}"
    if "painted_p95_ms" in details:
        notes += f"; with the rows painted p50 {details['painted_p50_ms']:.1f} / p95 {details['painted_p95_ms']:.1f} ms"
    return notes


def _ratio(ratio: float | None) -> str:
    """value ÷ baseline; far below 1 it reads as how many times faster (0.002× says nothing)."""
    if ratio is None:
        return "–"
    return f"1/{1 / ratio:,.0f}" if 0 < ratio < 0.1 else f"{ratio:.2f}×"


def _table(results: list[Result], alumni: int) -> str:
    header = ("figure", "value", "baseline", "ratio", "goal", "met", "notes")
    rows = [
        (
            result.name,
            _format(result.value, result.unit),
            f"{_format(result.baseline_value, result.unit)} ({result.baseline_name})",
            _ratio(result.ratio),
            result.goal,
            "yes" if result.passed else "NO",
            _notes(result),
        )
        for result in results
    ]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells) -> str:
        return "  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths)).rstrip()

    title = f"Aftercare Desktop benchmarks — {alumni:,} alumni"
    return "\n".join([title, line(header), line("-" * width for width in widths), *map(line, rows)])


if __name__ == "__main__":
    sys.exit(main())
