"""The caseload the attention figure runs on: 20,000 alumni with 1,000,000 check-ins, made once.

The alumni, staff and contacts come from the app's own demo data (`services.demo.generate`,
anchored at `AS_OF`); this module adds what the Today page reads — aftercare plans with support
meetings, check-ins, meeting attendance, BARC-10 and AWARE results, returns to use and celebrated
milestones — with believable trajectories:

- steady (most): on time, mood about 4, cravings low, a warning sign now and then;
- improving: mood climbing and cravings falling over their history;
- sliding: the last check-ins show mood falling, cravings rising, the same warning signs again and
  again, meetings missed, a falling BARC-10 and a rising AWARE; some stop answering, some return to use;
- drifting: the team lost touch a month or more ago and calls go unanswered since.

Rows are written with plain sqlite3 in the formats SQLAlchemy uses (timestamps 'YYYY-MM-DD
HH:MM:SS.ffffff' in UTC, enums as their values, JSON as text), inside one transaction. The file is
built in `.bench-cache/` and renamed into place only when complete. Every date is anchored at `AS_OF`,
and the figure measures "as of" that day, so the cached file never goes stale.

Run as a child: `python -m bench.caseload build ARGS_JSON`.
"""

from __future__ import annotations

import json
import math
import os
import random
import sqlite3
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from .core import BenchError, run_worker, worker_main
from .data import CACHE_DIR, _fold_wal_into_file, _remove, generator_digest, schema_head

AS_OF = date(2026, 6, 15)
GENERATOR = 2  # part of the cache name: a change to what is made here makes a new file
ALUMNI = 20_000
CHECKINS = 1_000_000
CADENCES = (("weekly", 7, 0.45), ("biweekly", 14, 0.35), ("monthly", 30, 0.20))
NO_PLAN_DAYS = 14  # the team's default cadence (every two weeks)
TRAJECTORIES = (("steady", 0.72), ("improving", 0.10), ("sliding", 0.10), ("drifting", 0.08))
SIGNS = ("Missed meetings", "Isolation or withdrawal", "Irritability", "Sleep problems", "Romanticising use",
         "Contact with using peers", "Skipping medication", "Stopped talking to mentor")
SLIDING_SIGNS = ("Irritability", "Isolation or withdrawal", "Sleep problems", "Romanticising use")
NOTES = (
    "Talked about work and the weekend.", "Going to meetings; sponsor call planned.",
    "Sleep better this week.", "Stressful week at home; used coping plan.", "Asked about the alumni picnic.",
    "Brief call, doing fine.", "Discussed triggers around payday.", "Started a new job, feeling hopeful.",
)
MEETING_KINDS = ("aa", "na", "smart_recovery", "alumni_group", "celebrate_recovery", "refuge_recovery")


def cached_caseload(seed: int, env: dict[str, str], *, log=print) -> Path:
    """The figure's database, built in a child process if missing."""
    CACHE_DIR.mkdir(exist_ok=True)
    # The alumni come from the demo-data generator: a change to it makes a new file, too.
    path = CACHE_DIR / (f"caseload-{ALUMNI}-{CHECKINS}-seed{seed}-asof{AS_OF:%Y%m%d}-v{GENERATOR}"
                        f"-gen{generator_digest()}-schema{schema_head()}.sqlite")
    if path.exists():
        return path
    building = path.with_name(f"{path.stem}.building-{os.getpid()}.sqlite")
    _remove(building)
    log(f"bench: making the caseload database ({ALUMNI:,} alumni, {CHECKINS:,} check-ins); "
        f"it is kept in {CACHE_DIR.name}/")
    started = time.perf_counter()
    try:
        run_worker(__name__, "build", env, path=str(building), seed=seed)
        _fold_wal_into_file(building)
        building.replace(path)
    finally:
        _remove(building)
    log(f"bench: caseload database ready in {time.perf_counter() - started:.0f} s")
    return path


# -- building ----------------------------------------------------------------------------------


def build(path: str, seed: int, alumni: int = ALUMNI, checkins: int = CHECKINS) -> dict:
    from aftercare_desktop.db import Database, resolve_url
    from aftercare_desktop.schema import ensure_schema
    from aftercare_desktop.services.demo import generate
    from aftercare_desktop.services.early_warning import refresh_missing_digests

    database = Database.open(resolve_url(path), create_folder=True)
    try:
        ensure_schema(database)
        generate(database, alumni=alumni, seed=seed, today=AS_OF)
    finally:
        database.dispose()
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA cache_size = -262144")
        with connection:
            counts = fill(connection, random.Random(f"bench-caseload/{seed}"), checkins)
    finally:
        connection.close()
    # The check-ins written here deleted their alumni's digests (a trigger), as a bulk import would;
    # the app's own refresh makes them again.
    # Then the planner's statistics, as the app makes them after a bulk load.
    database = Database.open(resolve_url(path))
    try:
        with database.engine.begin() as link:
            refresh_missing_digests(link)
        database.refresh_statistics(full=True)
    finally:
        database.dispose()
    return counts


def _weighted(rng: random.Random, choices):
    point, total = rng.random() * sum(weight for *_, weight in choices), 0.0
    for choice in choices:
        total += choice[-1]
        if point < total:
            return choice
    return choices[-1]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def _at(rng: random.Random, day: date) -> datetime:
    # Office hours in the US (UTC-5…-8): 14:00–01:00 UTC, so some fall on the next UTC day.
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc) + timedelta(
        hours=14 + rng.random() * 10.5)


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _answers(rng: random.Random, total: int, items: int, low: int, high: int) -> list[int]:
    answers = [low] * items
    for _ in range(total - low * items):
        candidates = [i for i, a in enumerate(answers) if a < high]
        answers[rng.choice(candidates)] += 1
    return answers


def _allocate(capacities: list[int], wanted: int) -> list[int]:
    """Shares of `wanted` proportional to `capacities` (largest remainders), never above them
    unless the capacities are too small in total."""
    total = sum(capacities)
    if total == 0:
        return capacities
    factor = wanted / total
    exact = [capacity * factor for capacity in capacities]
    shares = [math.floor(value) for value in exact]
    order = sorted(range(len(exact)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in order[: wanted - sum(shares)]:
        shares[i] += 1
    return shares


def fill(connection: sqlite3.Connection, rng: random.Random, wanted_checkins: int) -> dict:
    for table in ("plan_meetings", "plan_warning_signs", "plan_goals", "plan_triggers", "plan_roster",
                  "aftercare_plans", "recurrence_events", "check_ins", "meeting_attendance",
                  "assessment_results", "milestone_celebrations", "sobriety_date_changes"):
        connection.execute(f"DELETE FROM {table}")
    alumni = connection.execute(
        "SELECT id, status, caseworker_id, discharge_date, substr(created_at, 1, 10), sobriety_start_date "
        "FROM alumni ORDER BY id").fetchall()
    now = _stamp(datetime(AS_OF.year, AS_OF.month, AS_OF.day, tzinfo=timezone.utc) - timedelta(days=1))

    # Plans and the shape of each history.
    people = []
    plans, meetings = [], []
    plan_id = 0
    for alumnus_id, status, caseworker_id, discharged, created, sober_since in alumni:
        start = date.fromisoformat(discharged or created)
        active = status == "active"
        trajectory = _weighted(rng, TRAJECTORIES)[0] if active else "steady"
        cadence, every = None, NO_PLAN_DAYS
        per_week = 0
        plan_start = None
        if rng.random() < (0.7 if active else 0.25):
            cadence, every, _ = _weighted(rng, CADENCES)
            plan_start = max(start, AS_OF - timedelta(days=rng.randint(30, 700)))
            versions = 2 if rng.random() < 0.25 else 1
            for version in range(1, versions + 1):
                plan_id += 1
                current = version == versions
                plans.append((plan_id, alumnus_id, version, "active" if current else "superseded",
                              (plan_start if current else plan_start - timedelta(days=120)).isoformat(),
                              cadence, now, caseworker_id, None if current else now))
            if rng.random() < 0.8:
                for position in range(rng.choice((1, 1, 2))):
                    weekly = rng.choice((1, 1, 1, 2, 2, 3))
                    per_week += weekly
                    meetings.append((plan_id, position, rng.choice(MEETING_KINDS), rng.randint(0, 6), weekly))
        interval = every * rng.uniform(0.85, 1.1)
        if not active:
            last = AS_OF - timedelta(days=rng.randint(60, 900))
        elif trajectory == "drifting":
            last = AS_OF - timedelta(days=rng.randint(35, 120))
        elif rng.random() < 0.08:
            last = AS_OF - timedelta(days=every + rng.randint(3, 30))
        else:
            last = AS_OF - timedelta(days=rng.randint(1, max(1, every - 1)))
        capacity = max(0, int((last - start).days / interval) + 1)
        people.append([alumnus_id, active, trajectory, caseworker_id, start, last, interval, capacity, per_week,
                       plan_start, sober_since])

    connection.executemany(
        "INSERT INTO aftercare_plans (id, alumnus_id, version, status, start_date, checkin_cadence, created_at, "
        "created_by_id, superseded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", plans)
    connection.executemany(
        "INSERT INTO plan_meetings (plan_id, position, kind, weekday, per_week) VALUES (?, ?, ?, ?, ?)", meetings)

    # Check-ins: the most recent `n` contacts of each history, `n` shared out to make the total.
    attempts_after = {}
    for person in people:
        if person[2] == "drifting" or (person[2] == "sliding" and rng.random() < 0.5):
            attempts_after[person[0]] = rng.randint(3, 6)
    capacity_total = sum(p[7] for p in people) + sum(attempts_after.values())
    if capacity_total < wanted_checkins:
        squeeze = capacity_total / wanted_checkins
        for person in people:
            person[6] *= squeeze
            person[7] = max(0, int((person[5] - person[4]).days / person[6]) + 1)
    shares = _allocate([p[7] for p in people], wanted_checkins - sum(attempts_after.values()))

    checkin_rows = 0
    attendance, results, events, celebrations = [], [], [], []
    insert = ("INSERT INTO check_ins (alumnus_id, occurred_at, staff_id, method, outcome, mood, craving, "
              "used_since_last, meetings_attended, warning_signs, notes, follow_up_due, follow_up_done_at, "
              "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    batch = []
    for person, share in zip(people, shares):
        alumnus_id, active, trajectory, staff_id, start, last, interval, _capacity, per_week, plan_start, _s = person
        days = [last - timedelta(days=round(k * interval)) for k in range(share)]
        days.reverse()  # oldest first
        n = len(days)
        for k, day in enumerate(days):
            t = k / max(1, n - 1)
            tail = n - k  # 1 for the newest
            mood, craving, signs = 4.0, 2.0, []
            if trajectory == "improving":
                mood, craving = 2.5 + 1.8 * t, 6.0 - 4.0 * t
            elif trajectory == "sliding" and tail <= 6:
                mood, craving = 4.0 - (7 - tail) * 0.35, 2.0 + (7 - tail) * 0.9
                signs = [sign for sign in SLIDING_SIGNS[:2] if rng.random() < 0.6]
            if not signs and rng.random() < 0.03:
                signs = [rng.choice(SIGNS)]
            moment = _at(rng, day)
            reached = rng.random() < 0.82 or k == n - 1
            method = _weighted(rng, (("call", 0.70), ("text", 0.15), ("video", 0.07), ("in_person", 0.08)))[0]
            follow_due = follow_done = None
            if reached and rng.random() < 0.06:
                due = day + timedelta(days=rng.randint(3, 10))
                follow_due = due.isoformat()
                if (AS_OF - due).days > 20 or rng.random() < 0.5:
                    follow_done = _stamp(_at(rng, min(due, AS_OF - timedelta(days=1))))
            weekly = per_week or 1
            attended_share = 0.3 if trajectory == "sliding" and tail <= 4 else 0.9
            batch.append((
                alumnus_id, _stamp(moment), staff_id, method,
                "reached" if reached else rng.choice(("no_answer", "left_message")),
                _clamp(rng.gauss(mood, 0.6), 1, 5) if reached else None,
                _clamp(rng.gauss(craving, 1.0), 0, 10) if reached else None,
                (trajectory == "sliding" and tail == 1 and rng.random() < 0.3) if reached else None,
                round(weekly * interval / 7 * attended_share) if reached and rng.random() < 0.55 else None,
                json.dumps(signs if reached else []),
                rng.choice(NOTES) if reached and rng.random() < 0.35 else None,
                follow_due, follow_done, _stamp(moment + timedelta(minutes=rng.randint(1, 30))),
            ))
        # Attempts without an answer since the last conversation.
        for attempt in range(attempts_after.get(alumnus_id, 0)):
            day = last + timedelta(days=2 + attempt * max(2, (AS_OF - last).days // 8))
            if day >= AS_OF:
                day = AS_OF - timedelta(days=1)
            moment = _at(rng, day)
            batch.append((alumnus_id, _stamp(moment), staff_id, "call", rng.choice(("no_answer", "left_message")),
                          None, None, None, None, "[]", None, None, None, _stamp(moment + timedelta(minutes=2))))

        if not active:
            continue
        # Meeting attendance for the last eight weeks, for most who have meetings in their plan.
        if per_week and rng.random() < 0.6:
            share_attended = 0.35 if trajectory == "sliding" else 0.55 if trajectory == "drifting" else 0.88
            for week in range(8):
                for _ in range(per_week):
                    met_on = AS_OF - timedelta(days=week * 7 + rng.randint(0, 6))
                    attendance.append((alumnus_id, met_on.isoformat(), rng.choice(MEETING_KINDS),
                                       rng.random() < share_attended, rng.random() < 0.3, now))
        # BARC-10 every three to six months; AWARE every two months for some.
        if rng.random() < 0.6:
            level = _clamp(rng.gauss(53, 4), 25, 60)
            on = max(start, AS_OF - timedelta(days=720))
            while on < AS_OF:
                total = level
                if trajectory == "sliding" and on > AS_OF - timedelta(days=120):
                    total = max(10, level - rng.randint(6, 12))
                results.append((alumnus_id, "BARC-10", on.isoformat(), json.dumps(_answers(rng, total, 10, 1, 6)),
                                total, staff_id, now))
                on += timedelta(days=rng.choice((91, 120, 182)))
        if rng.random() < 0.35:
            level = _clamp(rng.gauss(75, 12), 40, 150)
            on = max(start, AS_OF - timedelta(days=365))
            while on < AS_OF:
                total = level
                if trajectory == "sliding" and on > AS_OF - timedelta(days=70):
                    total = min(196, level + rng.randint(12, 30))
                results.append((alumnus_id, "AWARE", on.isoformat(), json.dumps(_answers(rng, total, 28, 1, 7)),
                                total, staff_id, now))
                on += timedelta(days=rng.randint(55, 70))
        # Returns to use: some of those sliding, lately; a few others, long ago.
        if trajectory == "sliding" and rng.random() < 0.35:
            on = AS_OF - timedelta(days=rng.randint(1, 29))
            events.append((alumnus_id, on.isoformat(), rng.choice(("lapse", "lapse", "relapse")), now))
        elif rng.random() < 0.03:
            on = AS_OF - timedelta(days=rng.randint(60, 700))
            events.append((alumnus_id, on.isoformat(), "lapse", now))
        if person[10] and rng.random() < 0.1:
            celebrations.append((alumnus_id, person[10], "30d", (date.fromisoformat(person[10])
                                                                 + timedelta(days=30)).isoformat()))
    # In the order they were logged, as in a real database: ids grow with time, which is where the
    # recent check-ins the Today page reads sit together in the file.
    batch.sort(key=lambda row: row[1])
    for start in range(0, len(batch), 50_000):
        connection.executemany(insert, batch[start:start + 50_000])
    checkin_rows = len(batch)

    connection.executemany(
        "INSERT INTO meeting_attendance (alumnus_id, met_on, kind, attended, verified, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)", attendance)
    connection.executemany(
        "INSERT INTO assessment_results (alumnus_id, instrument, administered_on, answers, total, "
        "recorded_by_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", results)
    connection.executemany(
        "INSERT INTO recurrence_events (alumnus_id, occurred_on, kind, recorded_at) VALUES (?, ?, ?, ?)", events)
    connection.executemany(
        "INSERT INTO milestone_celebrations (alumnus_id, sobriety_start_date, milestone, celebrated_on) "
        "VALUES (?, ?, ?, ?)", celebrations)
    counts = {"alumni": len(alumni), "plans": len(plans), "check_ins": checkin_rows,
              "meeting_attendance": len(attendance), "assessments": len(results), "recurrences": len(events)}
    if checkin_rows != wanted_checkins:
        raise BenchError(f"made {checkin_rows:,} check-ins instead of {wanted_checkins:,}")
    return counts


def build_role(path: str, seed: int, alumni: int = ALUMNI, checkins: int = CHECKINS) -> dict:
    return build(path, seed, alumni, checkins)


if __name__ == "__main__":
    worker_main({"build": build_role})
