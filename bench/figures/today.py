"""Today page and attention queue for everyone: 20,000 alumni with 1,000,000 check-ins.

App: `TodayService.load()` for the whole team (every section: check-ins overdue and due, the
needs-attention queue, follow-ups, upcoming milestones, assessments due), as the Today page asks for
it. One load to warm up, then the median of `LOADS` loads in the same process — the page is
refreshed many times a day; the first load of a fresh process is reported beside it. The attention
queue alone and one caseworker's Today page are timed too.

Baseline: the same Today data read alumnus by alumnus (`bench/attention_baseline.py`: a handful of
small queries per alumnus), once. Both sides must give the same Today page — every row of every
section, the queue's levels, reasons and dates included (compared by digest) — or the bench fails.

Data: `bench/caseload.py` (made once, cached); every date is anchored at its `AS_OF`.
"""

from __future__ import annotations

import hashlib
import time

from ..caseload import AS_OF, cached_caseload
from ..core import BenchError, Context, Goal, Result, median, ms, run_worker, worker_main

FIGURE = "today"
TITLE = "Today page + attention queue (20,000 alumni, 1M check-ins)"
DEFAULT_REPEAT = 1
NEEDS_DATABASE = False  # its own caseload database (bench/caseload.py)
LOADS = 7
SPEED_UP = 20


class _Goal(Goal):
    def text(self, unit: str) -> str:
        return f"< {self.below:g} {unit} and ≥ {SPEED_UP}× faster"


GOAL = _Goal(max_ratio=1 / SPEED_UP, below=500)


def measure(context: Context) -> Result:
    database = cached_caseload(context.seed, context.env, log=context.log)
    runs = context.repeats(DEFAULT_REPEAT)
    app_ms, first_ms, queue_ms, caseworker_ms = [], [], [], []
    counts = None
    for _ in range(runs):
        app = run_worker(__name__, "app", context.env, database=str(database))
        app_ms += app["ms"]
        first_ms.append(app["first_ms"])
        queue_ms += app["queue_ms"]
        caseworker_ms += app["caseworker_ms"]
        counts = app["counts"]
        rows = app["rows"]
    baseline = run_worker(__name__, "baseline", context.env, database=str(database))
    if baseline["counts"] != counts:
        raise BenchError(f"the baseline's Today page differs: {baseline['counts']} against {counts}")
    differ = [key for key in rows if baseline["rows"].get(key) != rows[key]]
    if differ:
        raise BenchError(f"the baseline's Today page has other rows in: {', '.join(differ)}")
    return Result.make(
        FIGURE, TITLE, median(app_ms), "ms", "per-alumnus queries", baseline["ms"], GOAL,
        runs=runs, loads=len(app_ms), speed_up=round(baseline["ms"] / median(app_ms), 1),
        first_load_ms=median(first_ms), queue_only_ms=median(queue_ms),
        one_caseworker_ms=median(caseworker_ms), app_ms=app_ms, counts=counts,
        baseline_statements=baseline["statements"], alumni=app["alumni"], check_ins=app["check_ins"],
    )


def _counts(data) -> dict[str, int]:
    return {section.key: section.count for section in data.sections}


def _rows(data) -> dict[str, str]:
    """A digest of each section's rows, in order, every field (the queue's reasons and dates too);
    made after the timing (it makes every row of the lazy sections)."""
    digests = {}
    for section in data.sections:
        digest = hashlib.sha256()
        for row in section.rows:
            digest.update(repr(row).encode())
        digests[section.key] = digest.hexdigest()
    return digests


# -- child roles ---------------------------------------------------------------------------------
def app_role(database: str) -> dict:
    from sqlalchemy import func, select

    from aftercare_desktop.db import Database, resolve_url
    from aftercare_desktop.models import Alumnus, CheckIn
    from aftercare_desktop.services import staff
    from aftercare_desktop.services.early_warning import AttentionService
    from aftercare_desktop.services.today import TodayService

    db = Database.open(resolve_url(database))
    today = lambda: AS_OF  # noqa: E731
    page = TodayService(db, today=today)
    start = time.perf_counter()
    data = page.load()
    first = ms(time.perf_counter() - start)
    timings = []
    for _ in range(LOADS):
        start = time.perf_counter()
        data = page.load()
        timings.append(ms(time.perf_counter() - start))
    attention = AttentionService(db, today=today)
    queue_timings = []
    for _ in range(3):
        start = time.perf_counter()
        attention.queue()
        queue_timings.append(ms(time.perf_counter() - start))
    caseworker = staff.list_staff(db)[0].id
    caseworker_timings = []
    for _ in range(3):
        start = time.perf_counter()
        page.load(caseworker)
        caseworker_timings.append(ms(time.perf_counter() - start))
    with db.session() as session:
        alumni = session.execute(select(func.count()).select_from(Alumnus)).scalar_one()
        check_ins = session.execute(select(func.count()).select_from(CheckIn)).scalar_one()
    db.dispose()
    return {"ms": timings, "first_ms": first, "queue_ms": queue_timings, "caseworker_ms": caseworker_timings,
            "counts": _counts(data), "rows": _rows(data), "alumni": alumni, "check_ins": check_ins}


def baseline_role(database: str) -> dict:
    from aftercare_desktop.db import Database, resolve_url

    from ..attention_baseline import Counter, today_data

    db = Database.open(resolve_url(database))
    counter = Counter()
    start = time.perf_counter()
    data = today_data(db, AS_OF, counter=counter)
    elapsed = ms(time.perf_counter() - start)
    db.dispose()
    return {"ms": elapsed, "counts": _counts(data), "rows": _rows(data), "statements": counter.statements}


if __name__ == "__main__":
    worker_main({"app": app_role, "baseline": baseline_role})
