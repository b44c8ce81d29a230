"""Cold start: `aftercare-desktop --database <demo> --exit-after-startup`, timed from process start
to exit (median of fresh processes). The flag quits once the page the day starts on, Today, shows
its data (app._exit_when_shown); the other pages read theirs when first opened, and the directory's
first page has a figure of its own. The app starts as a caseworker would on an ordinary morning: the
desk remembers who works there (the caseworker with the median caseload of the demo team), so Today
opens on that caseload.

Baseline: a bare PySide6 program that creates QApplication and a QMainWindow, shows it and quits on
a 0 ms timer. "Cold" means a fresh interpreter; the operating system's file cache stays warm and
the app's bytecode is cached as in an installed app (a first run of each, not counted, sees to both),
so the figure measures the program, not the disk or the compiler.
"""

from __future__ import annotations

import sys

from ..core import Context, Goal, Result, median, ms, run_worker, timed_run, worker_main

FIGURE = "cold-start"
TITLE = "Cold start to first page (--exit-after-startup)"
DEFAULT_REPEAT = 5
GOAL = Goal(max_ratio=3.0)

BARE_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1200, 760)
window.show()
QTimer.singleShot(0, app.quit)
sys.exit(app.exec())
"""


# The same window after importing SQLAlchemy's ORM, which the customer's stack requires: the floor
# below which no PySide6 + SQLAlchemy app can start, shown beside the figure (not its baseline).
STACK_FLOOR = "import sqlalchemy.orm\n" + BARE_WINDOW


def app_command(database: str) -> list[str]:
    return [sys.executable, "-m", "aftercare_desktop", "--database", database, "--exit-after-startup"]


def baseline_command() -> list[str]:
    return [sys.executable, "-c", BARE_WINDOW]


def measure(context: Context) -> Result:
    runs = context.repeats(DEFAULT_REPEAT)
    desk = run_worker(__name__, "remember", context.env, database=str(context.database))
    app, baseline = app_command(str(context.database)), baseline_command()
    floor = [sys.executable, "-c", STACK_FLOOR]
    app_ms, baseline_ms, floor_ms = [], [], []
    for counted in [False] + [True] * runs:
        # Alternate them so that a busy moment on the machine hits all alike.
        app_seconds = timed_run(app, context.env, "aftercare-desktop --exit-after-startup")
        baseline_seconds = timed_run(baseline, context.env, "bare QMainWindow")
        floor_seconds = timed_run(floor, context.env, "bare QMainWindow after importing sqlalchemy.orm")
        if counted:
            app_ms.append(ms(app_seconds))
            baseline_ms.append(ms(baseline_seconds))
            floor_ms.append(ms(floor_seconds))
    return Result.make(
        FIGURE, TITLE, median(app_ms), "ms", "bare QMainWindow start", median(baseline_ms), GOAL,
        runs=runs, statistic="median of fresh processes", app_ms=app_ms, baseline_ms=baseline_ms,
        caseload=desk["caseload"], stack_floor_ms=median(floor_ms),
    )


# -- child role ----------------------------------------------------------------------------------
def remember_role(database: str) -> dict:
    """Remember the caseworker with the median caseload as the one working at this desk."""
    from sqlalchemy import func, select

    from aftercare_desktop import settings
    from aftercare_desktop.db import Database, resolve_url
    from aftercare_desktop.models import Alumnus
    from aftercare_desktop.models.enums import AlumniStatus

    from ..qt import application

    application()
    db = Database.open(resolve_url(database))
    try:
        with db.engine.connect() as connection:
            loads = connection.execute(
                select(Alumnus.caseworker_id, func.count())
                .where(Alumnus.caseworker_id.is_not(None), Alumnus.status == AlumniStatus.ACTIVE,
                       Alumnus.archived_at.is_(None))
                .group_by(Alumnus.caseworker_id).order_by(func.count(), Alumnus.caseworker_id)
            ).all()
        if not loads:
            raise RuntimeError("the demo database has no caseworker with a caseload")
        caseworker_id, caseload = loads[len(loads) // 2]
        settings.put(settings.acting_staff_setting(db.description), caseworker_id)
    finally:
        db.dispose()
    return {"caseload": caseload}


if __name__ == "__main__":
    worker_main({"remember": remember_role})
