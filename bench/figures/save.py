"""Saving one alumnus edit: AlumniService.update of a one-field change (the city) on records picked at
random, each opened with open_record first; only the update is timed. p95 of 200, on a copy of the
demo database (the app's own settings: WAL, synchronous=FULL).

Baseline: a raw sqlite3 `UPDATE alumni SET city = ? WHERE id = ?` and commit on the same file with
the same settings, for the same records.
"""

from __future__ import annotations

import time

from ..core import Context, Goal, Result, ms, percentile, worker_main
from ..writes import open_as_staff, random_ids, samples, sqlite_like_the_app

FIGURE = "save"
TITLE = "Save one alumnus edit (p95)"
DEFAULT_REPEAT = 1
GOAL = Goal(below=30)
SAVES = 200
CITIES = ("Riverton", "Lakeside")


def measure(context: Context) -> Result:
    app_ms, baseline_ms, runs = samples(context, __name__, FIGURE, DEFAULT_REPEAT)
    return Result.make(
        FIGURE, TITLE, percentile(app_ms, 95), "ms", "raw sqlite3 UPDATE + commit (p95)",
        percentile(baseline_ms, 95), GOAL,
        saves=len(app_ms), runs=runs, p50_ms=percentile(app_ms, 50), max_ms=max(app_ms),
        baseline_p50_ms=percentile(baseline_ms, 50),
    )


def _picks(database: str, seed: int) -> list[int]:
    return random_ids(database, "SELECT id FROM alumni ORDER BY id", FIGURE, seed, SAVES)


# -- child roles ---------------------------------------------------------------------------------
def app_role(database: str, seed: int) -> dict:
    from aftercare_desktop.services.alumni import AlumniService

    db, actor = open_as_staff(database)
    service = AlumniService(db)
    timings = []
    for alumnus_id in _picks(database, seed):
        record = service.open_record(alumnus_id, actor)
        record.city = CITIES[0] if record.city != CITIES[0] else CITIES[1]
        start = time.perf_counter()
        service.update(record, actor)
        timings.append(ms(time.perf_counter() - start))
    db.dispose()
    return {"ms": timings}


def baseline_role(database: str, seed: int) -> dict:
    connection = sqlite_like_the_app(database)
    timings = []
    for number, alumnus_id in enumerate(_picks(database, seed)):
        start = time.perf_counter()
        connection.execute("UPDATE alumni SET city = ? WHERE id = ?", (CITIES[number % 2], alumnus_id))
        connection.commit()
        timings.append(ms(time.perf_counter() - start))
    connection.close()
    return {"ms": timings}


if __name__ == "__main__":
    worker_main({"app": app_role, "baseline": baseline_role})
