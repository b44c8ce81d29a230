"""Logging one check-in: CheckInService.log of a reached call (mood, craving, two warning signs, a
follow-up) for alumni picked at random; p95 of 200, on a copy of the demo database (WAL, FULL).

Baseline: a raw sqlite3 INSERT of the same columns and commit on the same file with the same settings.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

from ..core import Context, Goal, Result, ms, percentile, worker_main
from ..writes import open_as_staff, random_ids, samples, sqlite_like_the_app

FIGURE = "checkin"
TITLE = "Log one check-in (p95)"
DEFAULT_REPEAT = 1
GOAL = Goal(below=30)
LOGS = 200
SIGNS = ["Irritability", "Sleep problems"]


def measure(context: Context) -> Result:
    app_ms, baseline_ms, runs = samples(context, __name__, FIGURE, DEFAULT_REPEAT)
    return Result.make(
        FIGURE, TITLE, percentile(app_ms, 95), "ms", "raw sqlite3 INSERT + commit (p95)",
        percentile(baseline_ms, 95), GOAL,
        samples=len(app_ms), runs=runs, p50_ms=percentile(app_ms, 50), baseline_p50_ms=percentile(baseline_ms, 50),
    )


def _picks(database: str, seed: int) -> list[int]:
    return random_ids(database, "SELECT id FROM alumni WHERE archived_at IS NULL", FIGURE, seed, LOGS)


def _moment(number: int) -> datetime:
    return datetime.now(timezone.utc) - timedelta(minutes=LOGS - number)


# -- child roles ---------------------------------------------------------------------------------
def app_role(database: str, seed: int) -> dict:
    from aftercare_desktop.models.enums import CheckinMethod, CheckinOutcome
    from aftercare_desktop.services.checkins import CheckInData, CheckInService

    db, actor = open_as_staff(database)
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
    connection = sqlite_like_the_app(database)
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
