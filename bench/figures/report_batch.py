"""A batch of 500 progress reports (90 days each) written to files, each recorded as a disclosure:
`BatchExport` over one process per CPU, wall time from start to the summary, in a fresh process.

Baseline: the very same batch in one process (`workers=1`), on its own copy of the database — what
the several processes are for. The goal asks for under 30 s and at least 1.6× faster (a ratio of at
most 0.62).
"""

from __future__ import annotations

import time

from ..core import Context, Goal, Result, run_worker, worker_main
from ..data import working_copy

FIGURE = "report_batch"
TITLE = "Batch of 500 progress reports"
GOAL = Goal(max_ratio=1 / 1.6, below=30)
DOCUMENTS = 500


def measure(context: Context) -> Result:
    timings = {}
    for role in ("app", "baseline"):
        copy = working_copy(context.database, context.work, f"batch-{role}.sqlite")
        out = context.work / f"batch-{role}"
        out.mkdir(parents=True, exist_ok=True)
        timings[role] = run_worker(__name__, role, context.env, database=str(copy), out=str(out))
    app, baseline = timings["app"], timings["baseline"]
    return Result.make(
        FIGURE, TITLE, app["s"], "s", "the same batch in one process", baseline["s"], GOAL,
        documents=app["written"], processes=app["processes"], baseline_documents=baseline["written"],
    )


def _run(database: str, out: str, workers: int | None) -> dict:
    from pathlib import Path

    from aftercare_desktop.db import Database, resolve_url
    from aftercare_desktop.models.enums import AlumniStatus
    from aftercare_desktop.reports import BatchExport, BatchRequest, DocumentKind, ExportRequest
    from aftercare_desktop.reports.batch import select_alumni
    from aftercare_desktop.services.audit import Actor

    from ..core import BenchError

    db = Database.open(resolve_url(database))
    ids = select_alumni(db, status=AlumniStatus.ACTIVE)[:DOCUMENTS]
    if len(ids) < DOCUMENTS:
        raise BenchError(f"the demo database has only {len(ids)} active alumni; run with more --alumni")
    template = ExportRequest(DocumentKind.PROGRESS, recipient="Bench recipient", purpose="Bench")
    run = BatchExport(db, Actor(None, "bench"), BatchRequest(template, tuple(ids), Path(out), workers=workers))
    start = time.perf_counter()
    summary = run.run()
    seconds = time.perf_counter() - start
    db.dispose()
    if summary.failed:
        raise BenchError(f"{len(summary.failed)} documents failed")
    return {"s": seconds, "written": summary.written, "processes": run.workers}


def app_role(database: str, out: str) -> dict:
    return _run(database, out, None)


def baseline_role(database: str, out: str) -> dict:
    return _run(database, out, 1)


if __name__ == "__main__":
    worker_main({"app": app_role, "baseline": baseline_role})
