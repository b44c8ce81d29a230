"""Profile timeline with 500 check-ins opening: from `TimelinePanel.show_alumnus` until the panel
(days sober, both trend charts, the 500-row timeline) is loaded and painted, median of 10.

Setup: one alumnus on a copy of the demo database is given 600 check-ins (the panel shows the
newest 500). Baseline: the same 500 rows read with sqlite3 and put into a QTableWidget, painted.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

from ..core import Context, Goal, Result, median, ms, run_worker, worker_main
from ..data import working_copy

FIGURE = "timeline"
TITLE = "Profile timeline, 500 check-ins, opening"
DEFAULT_REPEAT = 1
GOAL = Goal(below=100)
OPENINGS = 10
HISTORY = 600


def measure(context: Context) -> Result:
    copy = working_copy(context.database, context.work, "timeline.sqlite")
    alumnus_id = _seed_history(str(copy))
    app = run_worker(__name__, "app", context.env, database=str(copy), alumnus_id=alumnus_id)
    baseline = run_worker(__name__, "baseline", context.env, database=str(copy), alumnus_id=alumnus_id)
    return Result.make(
        FIGURE, TITLE, median(app["ms"]), "ms", "sqlite3 rows into a QTableWidget (median)",
        median(baseline["ms"]), GOAL, runs=len(app["ms"]), rows_shown=app["rows"],
    )


def _seed_history(database: str) -> int:
    import sqlite3

    connection = sqlite3.connect(database)
    try:
        alumnus_id = connection.execute(
            "SELECT id FROM alumni WHERE archived_at IS NULL ORDER BY id LIMIT 1").fetchone()[0]
        now = datetime.now(timezone.utc)
        rows = []
        for number in range(HISTORY):
            moment = now - timedelta(days=HISTORY - number, hours=3)
            reached = number % 4 != 3
            rows.append((alumnus_id, moment.isoformat(), "call", "reached" if reached else "no_answer",
                         3 + number % 3 if reached else None, number % 7 if reached else None,
                         json.dumps(["Irritability"] if number % 5 == 0 else []), moment.isoformat()))
        connection.executemany(
            "INSERT INTO check_ins (alumnus_id, occurred_at, method, outcome, mood, craving, warning_signs,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        connection.commit()
        return alumnus_id
    finally:
        connection.close()


# -- child roles ---------------------------------------------------------------------------------
def app_role(database: str, alumnus_id: int) -> dict:
    from aftercare_desktop.db import Database, resolve_url
    from aftercare_desktop.services.audit import Actor
    from aftercare_desktop.services.context import AppContext
    from aftercare_desktop.views.background import TaskRunner
    from aftercare_desktop.views.timeline_panel import TimelinePanel

    from ..qt import SignalWaiter, application

    app = application()
    db = Database.open(resolve_url(database))
    context = AppContext(db, Actor(None))
    panel = TimelinePanel(context, TaskRunner())
    panel.resize(1100, 760)
    panel.show()
    app.processEvents()
    other = alumnus_id + 1
    timings = []
    for _ in range(OPENINGS + 1):  # the first opening warms caches and is not counted
        waiter = SignalWaiter(panel.loaded)
        start = time.perf_counter()
        panel.show_alumnus(alumnus_id)
        waiter.wait(what="timeline loaded")
        panel.repaint()
        timings.append(ms(time.perf_counter() - start))
        waiter = SignalWaiter(panel.loaded)
        panel.show_alumnus(other)  # someone else in between, so each opening starts afresh
        waiter.wait(what="other timeline loaded")
    rows = panel.model.rowCount()
    panel.close()
    db.dispose()
    return {"ms": timings[1:], "rows": rows}


def baseline_role(database: str, alumnus_id: int) -> dict:
    import sqlite3

    from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

    from ..qt import application

    app = application()
    table = QTableWidget()
    table.resize(1100, 760)
    table.show()
    app.processEvents()
    connection = sqlite3.connect(database)
    timings = []
    for _ in range(OPENINGS + 1):
        start = time.perf_counter()
        rows = connection.execute(
            "SELECT occurred_at, method, outcome, mood, craving, warning_signs FROM check_ins"
            " WHERE alumnus_id = ? ORDER BY occurred_at DESC LIMIT 500", (alumnus_id,)).fetchall()
        table.clear()
        table.setRowCount(len(rows))
        table.setColumnCount(6)
        for row_number, row in enumerate(rows):
            for column, value in enumerate(row):
                table.setItem(row_number, column, QTableWidgetItem("" if value is None else str(value)))
        table.repaint()
        timings.append(ms(time.perf_counter() - start))
    connection.close()
    return {"ms": timings[1:]}


if __name__ == "__main__":
    worker_main({"app": app_role, "baseline": baseline_role})
