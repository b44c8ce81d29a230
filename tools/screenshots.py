"""Render each page of the app on the demo database to PNG for the README.

    python tools/screenshots.py [--out docs/screenshots]

Runs offscreen; makes its own demo database in a temporary folder. Documents exported or printed on
the way go to that folder too. `--only NAME …` writes only the screenshots named.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from aftercare_desktop.app import create_application, open_database  # noqa: E402
from aftercare_desktop.models.enums import ReviewOutcome, StaffRole  # noqa: E402
from aftercare_desktop.services import staff  # noqa: E402
from aftercare_desktop.services.audit import Actor  # noqa: E402
from aftercare_desktop.services.context import AppContext  # noqa: E402
from aftercare_desktop.views.main_window import MainWindow  # noqa: E402

SIZE = (1280, 860)


def wait_until(app, condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the page did not finish loading")
        app.processEvents()
        time.sleep(0.01)


def settle(app, seconds: float = 1.5) -> None:
    """Let background loading finish and paint."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--only", nargs="+", metavar="NAME", help="write only these, e.g. reports.png")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = create_application()
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(str(Path(folder) / "demo.sqlite"), demo=True)
        # A caseworker (coordinators have no caseload of their own), so that Today shows a day's work.
        caseworker = next(m for m in staff.list_staff(database) if m.role is StaffRole.CASEWORKER)
        context = AppContext(database, Actor(caseworker.id), acting_staff=caseworker, demo=True)
        window = MainWindow(context)
        window.resize(*SIZE)
        window.show()
        window.start()
        page = window.alumni_page
        today = window.today_page
        wait_until(app, lambda: today.data is not None)
        settle(app, 0.5)  # the sections' new heights are laid out after the data arrives
        shots = {"today.png": window.grab()}

        window.sidebar.setCurrentRow(window.pages.indexOf(page))  # the directory is read when first shown
        wait_until(app, lambda: page.model.total is not None)
        shots["directory.png"] = window.grab()

        page.directory.search.setText("garcia")
        wait_until(app, lambda: page.model.total is not None and not page.model.is_loading)
        shots["directory-search.png"] = window.grab()

        page.open_record(page.model.id_at(0))
        wait_until(app, lambda: page.profile.alumnus_id is not None)
        shots["profile.png"] = window.grab()
        for index, name in ((1, "plan.png"), (2, "checkins.png"), (3, "assessments.png")):
            page.profile.tabs.setCurrentIndex(index)
            settle(app)
            shots[name] = window.grab()
        page.profile.tabs.setCurrentIndex(0)

        page.profile.text["email"].setText("not-an-address@")
        page.profile.save()
        app.processEvents()
        shots["profile-validation.png"] = window.grab()
        page.profile.revert()
        shots.update(document_shots(app, window, Path(folder)))

        mentoring = window.mentoring_page
        window.sidebar.setCurrentRow(window.pages.indexOf(mentoring))
        wait_until(app, lambda: mentoring.state.run is not None and not mentoring.state.busy
                   and mentoring.pool.rows and mentoring.waiting.rows is not None)
        busy = [row for row in mentoring.pool.rows if row.mentees]
        if busy:  # a mentor with mentees shows the detail below the table
            mentoring.pool.select_mentor(busy[0].alumnus_id)
        settle(app, 0.5)
        shots["mentor-pool.png"] = window.grab()
        mentoring.tabs.setCurrentWidget(mentoring.suggestions)
        settle(app, 0.5)
        shots["suggestions.png"] = window.grab()

        review = window.review_page
        window.sidebar.setCurrentRow(window.pages.indexOf(review))
        wait_until(app, lambda: review.health is not None)
        settle(app)
        if review.health:  # an outcome chosen, to show it; left unsaved
            review.table.selectRow(0)
            review.draft.set(review.current().pairing_id, ReviewOutcome.WATCH)
            review.model.refresh(0)
            review._show_pairing()
            review._show_counts()
        shots["pairing-review.png"] = window.grab()
        review.draft.outcomes.clear()
        review.agenda.preview()
        wait_until(app, lambda: review.agenda.preview_dialog is not None, timeout=60)
        review.agenda.preview_dialog.resize(1100, 820)
        settle(app, 2.0)  # QPdfView renders its pages on a thread of its own
        shots["agenda-preview.png"] = review.agenda.preview_dialog.grab()
        review.agenda.preview_dialog.close()

        for name, pixmap in shots.items():
            if args.only and name not in args.only:
                continue
            pixmap.save(str(args.out / name))
            print(args.out / name)
        window.alumni_page.profile.revert()
        window.close()
        window.runner.wait_for_done()
        page.model.wait_for_done()
        database.dispose()
    return 0


def document_shots(app, window: MainWindow, folder: Path) -> dict:
    """Export PDF… with its preview, the Reports page with a batch under way, and the team's settings
    (Organisation and notices…, Team settings…)."""
    from aftercare_desktop.views import dialogs

    shots = {}
    profile = window.alumni_page.profile
    dialog = profile.export_document()
    wait_until(app, lambda: dialog.history.text() != "")
    dialog.options.recipient.setText("Dr. Ana Rivera, Hope Clinic")
    dialog.options.purpose.setText("Continuing care after discharge")
    settle(app, 0.3)
    shots["export-dialog.png"] = dialog.grab()
    dialog.actions.preview()
    wait_until(app, lambda: dialog.actions.preview_dialog is not None)
    settle(app, 2.0)  # QPdfView renders its pages on a thread of its own
    shots["preview.png"] = dialog.actions.preview_dialog.grab()
    dialog.actions.preview_dialog.close()
    dialog.close()

    reports = window.show_reports()
    # The first caseworker by name leads the team and has no caseload of their own in the demo.
    reports.caseload.caseworker.setCurrentIndex(1)
    wait_until(app, lambda: reports.caseload.data is not None and reports.caseload.data.active > 0)
    settle(app, 0.5)
    shots["reports.png"] = window.grab()

    batch = reports.batch
    reports.tabs.setCurrentIndex(1)
    batch.caseworker.setCurrentIndex(0)  # all caseworkers
    batch.program.setCurrentIndex(batch.program.findText("IOP (intensive outpatient)"))
    batch.options.recipient.setText("County Drug Court")
    batch.options.purpose.setText("Monthly compliance review")
    dialogs.ask_folder = lambda _parent, _start: folder
    summaries = []
    dialogs.show_batch_summary = lambda _parent, words, _details, can_open: summaries.append(words) or False
    batch.start()
    wait_until(app, lambda: batch.progress is not None and batch.progress.value() >= 12, timeout=120)
    shots["batch-progress.png"] = batch.progress.grab()
    batch.stop()
    wait_until(app, lambda: bool(summaries), timeout=120)
    settle(app, 0.3)
    shots["reports-batch.png"] = window.grab()

    organisation = window.edit_organisation()
    wait_until(app, lambda: organisation.loaded_values is not None)
    settle(app, 0.3)
    shots["organisation.png"] = organisation.grab()
    organisation.reject()

    team = window.edit_team_settings()
    wait_until(app, lambda: team.loaded_values is not None)
    team.fields["unanswered_attempts"].set_value(4)  # a change not saved yet: its Restore button shows
    settle(app, 0.3)
    shots["team-settings.png"] = team.grab()
    team.show_values(team.loaded_values)  # nothing changed any more, so Cancel has nothing to ask
    team.reject()
    window.sidebar.setCurrentRow(0)
    return shots


if __name__ == "__main__":
    sys.exit(main())
