"""Directory first page shown: from creating the model and view (window shown) until the first page
of rows is painted.

App: DirectoryModel + DirectoryView, loading on their worker thread as in the app.
Baseline: QSqlQueryModel + QTableView (QtSql's QSQLITE driver) on the same file with the equivalent
SQL. In both, the database is opened before the clock starts, as the app does before its window.
"""

from __future__ import annotations

import time

from ..core import Context, Goal, Result, median, ms, run_worker, worker_main

FIGURE = "first-page"
TITLE = "Directory first page shown"
DEFAULT_REPEAT = 5
GOAL = Goal(max_ratio=1.0, below=100)
WINDOW_SIZE = (1200, 760)

# The directory's visible columns, in its default order (name, then id), archived records hidden.
BASELINE_SQL = """
SELECT a.last_name || ', ' || a.first_name AS name, a.preferred_name, a.client_id,
       coalesce(a.phone_mobile, a.phone_home) AS phone, a.status, a.program,
       s.display_name AS caseworker, a.discharge_date
FROM alumni AS a LEFT JOIN staff_members AS s ON s.id = a.caseworker_id
WHERE a.archived_at IS NULL
ORDER BY a.sort_name, a.id
"""


def measure(context: Context) -> Result:
    runs = context.repeats(DEFAULT_REPEAT)
    database = str(context.database)
    app_ms, baseline_ms, rows = [], [], {}
    # One run of each first, not counted: it warms the file cache and the compiled bytecode.
    for counted in [False] + [True] * runs:
        app = run_worker(__name__, "app", context.env, database=database)
        baseline = run_worker(__name__, "baseline", context.env, database=database)
        if counted:
            app_ms.append(app["ms"])
            baseline_ms.append(baseline["ms"])
            rows = {"app_rows": app["rows"], "baseline_rows": baseline["rows"]}
    return Result.make(
        FIGURE, TITLE, median(app_ms), "ms", "QSqlQueryModel + QTableView", median(baseline_ms), GOAL,
        runs=runs, statistic="median of fresh processes", app_ms=app_ms, baseline_ms=baseline_ms, **rows,
    )


# -- child roles ---------------------------------------------------------------------------------
def app_role(database: str) -> dict:
    from aftercare_desktop.db import Database, resolve_url
    from aftercare_desktop.services.directory import DirectoryService
    from aftercare_desktop.views.directory_model import DirectoryModel
    from aftercare_desktop.views.directory_view import DirectoryView

    from ..qt import SignalWaiter, application, paint_posted

    application()
    db = Database.open(resolve_url(database))
    service = DirectoryService(db)

    start = time.perf_counter()
    model = DirectoryModel(service)
    view = DirectoryView(model)
    view.resize(*WINDOW_SIZE)
    view.show()
    first_page = SignalWaiter(model.first_page_ready, model.failed)
    model.refresh()
    first_page.wait(what="the first page")
    paints = paint_posted(view.table.viewport())
    elapsed = time.perf_counter() - start

    shown = model.rowCount()
    model.wait_for_done()
    db.dispose()
    return {"ms": ms(elapsed), "rows": shown, "paints": paints}


def baseline_role(database: str) -> dict:
    from PySide6.QtSql import QSqlDatabase, QSqlQueryModel
    from PySide6.QtWidgets import QTableView

    from ..core import BenchError
    from ..qt import application, paint_pending

    application()
    db = QSqlDatabase.addDatabase("QSQLITE")
    db.setDatabaseName(database)
    db.setConnectOptions("QSQLITE_OPEN_READONLY")
    if not db.open():
        raise BenchError(f"QSQLITE could not open the database: {db.lastError().text()}")

    start = time.perf_counter()
    model = QSqlQueryModel()
    view = QTableView()
    view.setModel(model)
    view.resize(*WINDOW_SIZE)
    view.show()
    model.setQuery(BASELINE_SQL, db)
    if model.lastError().isValid():
        raise BenchError(f"QSqlQueryModel: {model.lastError().text()}")
    paints = paint_pending(view.viewport())
    elapsed = time.perf_counter() - start

    return {"ms": ms(elapsed), "rows": model.rowCount(), "paints": paints}


if __name__ == "__main__":
    worker_main({"app": app_role, "baseline": baseline_role})
