"""Logging one check-in: CheckInService.log of a reached call (mood, craving, two warning signs, a
follow-up) for alumni picked at random; p95 of 200, on a copy of the demo database (WAL, FULL).

Baseline: a raw sqlite3 INSERT of the same columns and commit on the same file with the same settings.
"""

from __future__ import annotations

import json
import random
import time
from datetime import datetime, timedelta, timezone

from ..core import Context, Goal, Result, ms, percentile, run_worker, worker_main
from ..data import working_copy

FIGURE = "checkin"
TITLE = "Log one check-in (p95)"
DEFAULT_REPEAT = 1
GOAL = Goal(below=30)
LOGS = 200
SIGNS = ["Irritability", "Sleep problems"]


def measure(context: Context) -> Result:
    runs = context.repeats(DEFAULT_REPEAT)
    app_ms, baseline_ms = [], []
    for run in range(runs):
        copy = working_copy(context.database, context.work, f"checkin-{run}.sqlite")
        arguments = {"database": str(copy), "seed": context.seed + run}
        app_ms += run_worker(__name__, "app", context.env, **arguments)["ms"]
        baseline_ms += run_worker(__name__, "baseline", context.env, **arguments)["ms"]
    return Result.make(
        FIGURE, TITLE, percentile(app_ms, 95), "ms", "raw sqlite3 INSERT + commit (p95)",
        percentile(baseline_ms, 95), GOAL,
        samples=len(app_ms), runs=runs, p50_ms=percentile(app_ms, 50), baseline_p50_ms=percentile(baseline_ms, 50),
    )


def _picks(database: str, seed: int) -> list[int]:
    import sqlite3

    connection = sqlite3.connect(database)
    try:
        ids = [row[0] for row in connection.execute("SELECT id FROM alumni WHERE archived_at IS NULL")]
    finally:
        connection.close()
    rng = random.Random(f"bench-checkin-{seed}")
    return [rng.choice(ids) for _ in range(LOGS)]


def _moment(number: int) -> datetime:
    return datetime.now(timezone.utc) - timedelta(minutes=LOGS - number)


# -- child roles ---------------------------------------------------------------------------------
def app_role(database: str, seed: int) -> dict:
    from aftercare_desktop.db import Database, resolve_url
    from aftercare_desktop.models.enums import CheckinMethod, CheckinOutcome
    from aftercare_desktop.services import staff
    from aftercare_desktop.services.audit import Actor
    from aftercare_desktop.services.checkins import CheckInData, CheckInService

    db = Database.open(resolve_url(database))
    members = staff.list_staff(db)
    actor = Actor(members[0].id if members else None)
    service = CheckInService(db)
    timings = []
    for number, alumnus_id in enumerate(_picks(database, seed)):
        data = CheckInData(
            occurred_at=_moment(number), staff_id=actor.staff_id, method=CheckinMethod.CALL,
            outcome=CheckinOutcome.REACHED, mood=3, craving=4, used_since_last=False, meetings_attended=2,
            warning_signs=list(SIGNS), notes="Talked through the weekend plan.",
            follow_up_due=_moment(number).date() + timedelta(days=3),
        )
        start = time.perf_counter()
        service.log(alumnus_id, data, actor)
        timings.append(ms(time.perf_counter() - start))
    db.dispose()
    return {"ms": timings}


def baseline_role(database: str, seed: int) -> dict:
    import sqlite3

    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    timings = []
    for number, alumnus_id in enumerate(_picks(database, seed)):
        moment = _moment(number)
        start = time.perf_counter()
        connection.execute(
            "INSERT INTO check_ins (alumnus_id, occurred_at, method, outcome, mood, craving, used_since_last,"
            " meetings_attended, warning_signs, notes, follow_up_due, created_at)"
            " VALUES (?, ?, 'call', 'reached', 3, 4, 0, 2, ?, ?, ?, ?)",
            (alumnus_id, moment.isoformat(), json.dumps(SIGNS), "Talked through the weekend plan.",
             (moment.date() + timedelta(days=3)).isoformat(), moment.isoformat()),
        )
        connection.commit()
        timings.append(ms(time.perf_counter() - start))
    connection.close()
    return {"ms": timings}


if __name__ == "__main__":
    worker_main({"app": app_role, "baseline": baseline_role})
