"""Peak memory with the directory open: the main window on the demo database, Today loaded, then
the directory opened and fully loaded, then the table dragged from top to bottom in steps (each
step fetches rows it has not shown yet, so the row cache fills and evicts). Peak resident set size
(VmHWM) of that process.

Baseline: the same figure for a bare PySide6 process showing an empty QMainWindow.
"""

from __future__ import annotations

from ..core import Context, Goal, Result, median, peak_rss_mib, run_worker, worker_main

FIGURE = "memory"
TITLE = "Peak memory, directory open and scrolled"
DEFAULT_REPEAT = 1
GOAL = Goal(below=300)
SCROLL_STEPS = 200


def measure(context: Context) -> Result:
    runs = context.repeats(DEFAULT_REPEAT)
    app_mib, baseline_mib, rows = [], [], 0
    for _ in range(runs):
        app = run_worker(__name__, "app", context.env, database=str(context.database))
        app_mib.append(app["peak_mib"])
        rows = app["rows"]
        baseline_mib.append(run_worker(__name__, "baseline", context.env)["peak_mib"])
    return Result.make(
        FIGURE, TITLE, median(app_mib), "MiB", "bare QMainWindow process", median(baseline_mib), GOAL,
        runs=runs, rows=rows, scroll_steps=SCROLL_STEPS, app_mib=app_mib, baseline_mib=baseline_mib,
    )


# -- child roles ---------------------------------------------------------------------------------
def app_role(database: str) -> dict:
    from PySide6.QtWidgets import QAbstractItemView

    from aftercare_desktop.app import create_application, open_database
    from aftercare_desktop.services import staff
    from aftercare_desktop.services.audit import Actor
    from aftercare_desktop.services.context import AppContext
    from aftercare_desktop.views.main_window import MainWindow

    from ..qt import SignalWaiter, paint_pending

    create_application()
    db = open_database(database, demo=False)
    members = staff.list_staff(db)
    acting = members[0] if members else None
    context = AppContext(db, Actor(acting.id if acting else None), acting_staff=acting)
    window = MainWindow(context)
    model = window.alumni_page.model
    table = window.alumni_page.directory.table
    today = SignalWaiter(window.today_page.loaded, window.today_page.failed)
    window.show()
    window.start()
    today.wait(what="the Today page")
    # The caseworker opens the directory, which reads its list when first shown.
    loaded = SignalWaiter(model.loaded, model.failed)
    window.sidebar.setCurrentRow(window.pages.indexOf(window.alumni_page))
    loaded.wait(what="the directory")

    rows = model.rowCount()
    for step in range(1, SCROLL_STEPS + 1):
        row = min(rows - 1, rows * step // SCROLL_STEPS)
        table.scrollTo(model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtBottom)
        paint_pending(table.viewport())
    peak = peak_rss_mib()

    window.close()
    db.dispose()
    return {"peak_mib": peak, "rows": rows}


def baseline_role() -> dict:
    from PySide6.QtWidgets import QMainWindow

    from ..qt import application, paint_pending

    application()
    window = QMainWindow()
    window.resize(1200, 760)
    window.show()
    paint_pending(window)
    return {"peak_mib": peak_rss_mib()}


if __name__ == "__main__":
    worker_main({"app": app_role, "baseline": baseline_role})
