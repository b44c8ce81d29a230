"""A progress report over a year of weekly check-ins, with both charts: `ExportService.render` from
the request to the PDF's bytes (data read, pages laid out, font subset embedded), median of 15 after
one to warm up, in a fresh process.

Setup: one active alumnus on a copy of the demo database is given 52 weekly check-ins (mood and
craving), meeting attendance, six BARC-10 and four AWARE results over the year. Baseline: the same
year of check-ins read with sqlite3 and laid out as one reportlab table (built-in Helvetica, nothing
embedded, no charts) — the floor of putting this record on paper with reportlab.
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime, time as clock, timedelta, timezone

from ..core import Context, Goal, Result, median, ms, run_worker, worker_main
from ..data import working_copy

FIGURE = "report"
TITLE = "Progress report, a year of weekly check-ins, two charts"
GOAL = Goal(below=150)
RENDERS = 15
WEEKS = 52


def measure(context: Context) -> Result:
    copy = working_copy(context.database, context.work, "report.sqlite")
    alumnus_id = seed_year(str(copy))
    app = run_worker(__name__, "app", context.env, database=str(copy), alumnus_id=alumnus_id)
    baseline = run_worker(__name__, "baseline", context.env, database=str(copy), alumnus_id=alumnus_id)
    return Result.make(
        FIGURE, TITLE, median(app["ms"]), "ms", "sqlite3 rows as one reportlab table (median)",
        median(baseline["ms"]), GOAL, runs=len(app["ms"]), pages=app["pages"], bytes=app["bytes"],
    )


def seed_year(database: str, alumnus_id: int | None = None) -> int:
    """A year of weekly check-ins, meetings and assessments for one active alumnus (the first, unless
    given); returns its id."""
    import sqlite3

    connection = sqlite3.connect(database)
    try:
        if alumnus_id is None:
            alumnus_id = connection.execute(
                "SELECT id FROM alumni WHERE archived_at IS NULL AND status = 'active' ORDER BY id LIMIT 1"
            ).fetchone()[0]
        today = date.today()
        checkins, meetings, results = [], [], []
        for week in range(WEEKS):
            day = today - timedelta(days=7 * week + 1)
            moment = datetime.combine(day, clock(15)).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
            reached = week % 9 != 4
            checkins.append((alumnus_id, moment, "call", "reached" if reached else "no_answer",
                             2 + week % 4 if reached else None, week * 3 % 9 if reached else None,
                             json.dumps(["Sleeping past noon"] if reached and week % 11 == 0 else []), moment))
            for offset, kind in ((0, "aa"), (3, "smart_recovery")):
                meetings.append((alumnus_id, (day - timedelta(days=offset)).isoformat(), kind, week % 5 != 0, 0,
                                 moment))
        for number, total in enumerate((36, 41, 44, 40, 47, 51)):
            results.append((alumnus_id, "BARC-10", (today - timedelta(days=7 + 60 * number)).isoformat(),
                            json.dumps([total // 10] * 10), total, moment))
        for number, total in enumerate((92, 80, 71, 75)):
            results.append((alumnus_id, "AWARE", (today - timedelta(days=20 + 90 * number)).isoformat(),
                            json.dumps([total // 28] * 28), total, moment))
        connection.executemany(
            "INSERT INTO check_ins (alumnus_id, occurred_at, method, outcome, mood, craving, warning_signs, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", checkins)
        connection.executemany(
            "INSERT INTO meeting_attendance (alumnus_id, met_on, kind, attended, verified, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)", meetings)
        connection.executemany(
            "INSERT INTO assessment_results (alumnus_id, instrument, administered_on, answers, total, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)", results)
        connection.commit()
        return alumnus_id
    finally:
        connection.close()


# -- child roles ---------------------------------------------------------------------------------
def app_role(database: str, alumnus_id: int) -> dict:
    from aftercare_desktop.db import Database, resolve_url
    from aftercare_desktop.reports import DocumentKind, ExportRequest, ExportService, Period
    from aftercare_desktop.services.audit import Actor

    db = Database.open(resolve_url(database))
    service = ExportService(db, Actor(None, "bench"))
    today = date.today()
    request = ExportRequest(DocumentKind.PROGRESS, alumnus_id=alumnus_id, period=Period(today - timedelta(days=364),
                                                                                         today),
                            recipient="Bench recipient", purpose="Bench")
    timings, document = [], None
    for _ in range(RENDERS + 1):  # the first warms the font and the caches and is not counted
        start = time.perf_counter()
        document = service.render(request)
        timings.append(ms(time.perf_counter() - start))
    db.dispose()
    return {"ms": timings[1:], "pages": document.pages, "bytes": len(document.pdf)}


def baseline_role(database: str, alumnus_id: int) -> dict:
    import io
    import sqlite3

    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    styles = getSampleStyleSheet()
    connection = sqlite3.connect(database)
    since = (date.today() - timedelta(days=364)).isoformat()
    timings = []
    for _ in range(RENDERS + 1):
        start = time.perf_counter()
        rows = connection.execute(
            "SELECT occurred_at, method, outcome, mood, craving FROM check_ins WHERE alumnus_id = ? "
            "AND occurred_at >= ? ORDER BY occurred_at", (alumnus_id, since)).fetchall()
        buffer = io.BytesIO()
        document = SimpleDocTemplate(buffer, pagesize=LETTER)
        table = Table([["When", "Method", "Outcome", "Mood", "Craving"]]
                      + [["" if value is None else str(value) for value in row] for row in rows], repeatRows=1)
        document.build([Paragraph("Check-ins", styles["Heading1"]), table])
        timings.append(ms(time.perf_counter() - start))
    connection.close()
    return {"ms": timings[1:]}


if __name__ == "__main__":
    worker_main({"app": app_role, "baseline": baseline_role})
