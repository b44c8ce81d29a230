"""Saving one alumnus edit: AlumniService.update of a one-field change (the city) on records picked at
random, each opened with open_record first; only the update is timed. p95 of 200, on a copy of the
demo database (the app's own settings: WAL, synchronous=FULL).

Baseline: a raw sqlite3 `UPDATE alumni SET city = ? WHERE id = ?` and commit on the same file with
the same settings, for the same records.
"""

from __future__ import annotations

import random
import time

from ..core import Context, Goal, Result, ms, percentile, run_worker, worker_main
from ..data import working_copy

FIGURE = "save"
TITLE = "Save one alumnus edit (p95)"
DEFAULT_REPEAT = 1
GOAL = Goal(below=30)
SAVES = 200
CITIES = ("Riverton", "Lakeside")


def measure(context: Context) -> Result:
    runs = context.repeats(DEFAULT_REPEAT)
    app_ms, baseline_ms = [], []
    for run in range(runs):
        copy = working_copy(context.database, context.work, f"save-{run}.sqlite")
        arguments = {"database": str(copy), "seed": context.seed + run}
        app_ms += run_worker(__name__, "app", context.env, **arguments)["ms"]
        baseline_ms += run_worker(__name__, "baseline", context.env, **arguments)["ms"]
    return Result.make(
        FIGURE, TITLE, percentile(app_ms, 95), "ms", "raw sqlite3 UPDATE + commit (p95)",
        percentile(baseline_ms, 95), GOAL,
        saves=len(app_ms), runs=runs, p50_ms=percentile(app_ms, 50), max_ms=max(app_ms),
        baseline_p50_ms=percentile(baseline_ms, 50),
    )


def _picks(ids: list[int], seed: int) -> list[int]:
    rng = random.Random(f"bench-save-{seed}")
    return [rng.choice(ids) for _ in range(SAVES)]


def _all_ids(database: str) -> list[int]:
    import sqlite3

    connection = sqlite3.connect(database)
    try:
        return [row[0] for row in connection.execute("SELECT id FROM alumni ORDER BY id")]
    finally:
        connection.close()


# -- child roles ---------------------------------------------------------------------------------
def app_role(database: str, seed: int) -> dict:
    from aftercare_desktop.db import Database, resolve_url
    from aftercare_desktop.services import staff
    from aftercare_desktop.services.alumni import AlumniService
    from aftercare_desktop.services.audit import Actor

    db = Database.open(resolve_url(database))
    members = staff.list_staff(db)
    actor = Actor(members[0].id if members else None)
    service = AlumniService(db)
    timings = []
    for alumnus_id in _picks(_all_ids(database), seed):
        record = service.open_record(alumnus_id, actor)
        record.city = CITIES[0] if record.city != CITIES[0] else CITIES[1]
        start = time.perf_counter()
        service.update(record, actor)
        timings.append(ms(time.perf_counter() - start))
    db.dispose()
    return {"ms": timings}


def baseline_role(database: str, seed: int) -> dict:
    import sqlite3

    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    timings = []
    for number, alumnus_id in enumerate(_picks(_all_ids(database), seed)):
        start = time.perf_counter()
        connection.execute("UPDATE alumni SET city = ? WHERE id = ?", (CITIES[number % 2], alumnus_id))
        connection.commit()
        timings.append(ms(time.perf_counter() - start))
    connection.close()
    return {"ms": timings}


if __name__ == "__main__":
    worker_main({"app": app_role, "baseline": baseline_role})
