"""Starting the GUI: open and migrate the database, ask who is working, show the main window."""

from __future__ import annotations

import gc
import logging
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from . import APP_NAME, ORG_NAME, __version__, settings
from .db import Database, resolve_url
from .errors import AftercareError
from .logging_setup import configure_logging, describe_bug, log_bug, route_qt_messages
from .schema import ensure_schema
from .services import staff
from .services.audit import Actor
from .services.context import AppContext
from .services.records import StaffRecord

log = logging.getLogger("aftercare.app")

DEMO_ALUMNI = 1_000
STARTUP_TIMEOUT_MS = 120_000


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("aftercare-desktop")
    from .views.icons import icon

    app.setWindowIcon(icon("app"))
    return app


class BugReporter:
    """The one excepthook: log the bug (without its message, which may hold PHI) and tell the user."""

    def __init__(self) -> None:
        self._showing = False

    def __call__(self, kind, value, tb) -> None:
        log_bug(kind, value, tb)
        if isinstance(value, AftercareError):
            self._show(str(value), detail=None)
        else:
            self._show(
                "Something went wrong inside Aftercare Desktop. Your saved records are safe; "
                "the last change may not have been saved. The problem was written to the log.",
                detail=describe_bug(kind, tb),
            )

    def _show(self, message: str, detail: str | None) -> None:
        if self._showing or QApplication.instance() is None:
            print(message, file=sys.stderr)
            return
        self._showing = True
        try:
            box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, message)
            if detail:
                box.setDetailedText(detail)
            box.exec()
        finally:
            self._showing = False


def open_database(url_text: str, *, demo: bool) -> Database:
    """Open, migrate when behind (after a backup), and fill the demo database on first use."""
    database = Database.open(resolve_url(url_text), create_folder=True)
    try:
        outcome = ensure_schema(database)
        if outcome.changed:
            log.info("schema upgraded to %s", outcome.after)
            # A new database starts with the shipped plan templates (as does one from before them).
            from .services.plan_templates import PlanTemplateService

            PlanTemplateService(database).ensure_default_templates()
        if demo:
            _fill_demo(database)
    except BaseException:
        database.dispose()
        raise
    return database


def _fill_demo(database: Database) -> None:
    from .services.demo import generate
    from .services.directory import DirectoryQuery, DirectoryService

    if DirectoryService(database).count(DirectoryQuery(include_archived=True)) == 0:
        generate(database, alumni=DEMO_ALUMNI, seed=1)


def remembered_acting_staff(database: Database) -> StaffRecord | None:
    """The staff member who last worked at this desk on this database, if still active."""
    remembered = settings.get(settings.acting_staff_setting(database.description))
    if not remembered:
        return None
    member = staff.get_staff(database, remembered)
    return member if member is not None and member.active else None


def choose_acting_staff(database: Database, parent: QWidget | None, *, force: bool = False) -> StaffRecord | None:
    """The staff member at this desk: remembered per database, asked for when unknown."""
    from .views.staff_dialog import StaffDialog

    setting = settings.acting_staff_setting(database.description)
    if not force and (member := remembered_acting_staff(database)) is not None:
        return member
    while True:
        dialog = StaffDialog(staff.list_staff(database), parent)
        if dialog.exec() != StaffDialog.DialogCode.Accepted:
            return None
        choice = dialog.choice()
        try:
            member = staff.add_staff(database, choice) if isinstance(choice, str) else staff.get_staff(database, choice)
        except AftercareError as exc:
            QMessageBox.warning(parent, APP_NAME, str(exc))
            continue
        if member is not None:
            settings.put(setting, member.id)
            return member


def run_gui(url_text: str, *, demo: bool = False, exit_after_startup: bool = False) -> int:
    app = create_application()
    if not exit_after_startup:
        configure_logging()
        route_qt_messages()
    sys.excepthook = BugReporter()
    try:
        database = open_database(url_text, demo=demo)
    except AftercareError as exc:
        print(f"aftercare-desktop: {exc}", file=sys.stderr)
        if not exit_after_startup:
            QMessageBox.critical(None, APP_NAME, str(exc))
        return 2

    try:
        # The start-up check never asks: it works as whoever was remembered, or as nobody.
        if exit_after_startup:
            acting = remembered_acting_staff(database)
        elif (acting := choose_acting_staff(database, None)) is None:
            return 0
        from .views.main_window import MainWindow

        context = AppContext(database, Actor(acting.id if acting else None), acting_staff=acting, demo=demo)
        window = MainWindow(context)
        window.show()
        window.start()
        # What start-up made (modules, Qt wrappers, the window) lives as long as the app: kept out of
        # the cycle collector's full passes, which a Today page for a whole team sets off now and then.
        # The collector itself was off for the start (cli.main) and runs again from here on.
        gc.freeze()
        gc.enable()
        if exit_after_startup:
            return _exit_when_shown(app, window)
        return app.exec()
    finally:
        database.refresh_statistics()
        database.dispose()


def _exit_when_shown(app: QApplication, window) -> int:
    """Quit once the page the day starts on, Today, shows its data (the smoke test and start-up
    benchmark); exit 2 if it cannot be loaded."""
    outcome = {"code": 2}

    def shown() -> None:
        outcome["code"] = 0
        QTimer.singleShot(0, finish)

    def finish() -> None:
        window.close()
        app.quit()

    def failed(message: str) -> None:
        print(f"aftercare-desktop: {message}", file=sys.stderr)
        app.quit()

    window.today_page.loaded.connect(shown)
    window.today_page.failed.connect(failed)
    QTimer.singleShot(STARTUP_TIMEOUT_MS, app.quit)
    app.exec()
    return outcome["code"]
