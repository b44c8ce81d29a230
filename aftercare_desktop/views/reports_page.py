"""The Reports page: one caseworker's caseload at a glance (and as a PDF), and batch export.

Batch export makes the same document for all alumni of a caseworker, a program or a status — one PDF
each into a folder, or one combined PDF — over several processes (`reports.BatchExport`), run from a
thread of the page's own pool so the rest of the app keeps its threads. A progress dialog that does
not block the window shows how far it is and can stop it; a summary says what was written, what was
not and why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QThreadPool, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..errors import AftercareError, ValidationFailed
from ..models.enums import AlumniStatus, Program, WarningLevel
from ..reports import BatchExport, BatchProgress, BatchRequest, BatchSummary, DocumentKind, ExportRequest
from ..reports.batch import select_alumni, subject_request
from ..reports.data import CaseloadData, gather_caseload
from ..services.context import AppContext
from ..services.records import StaffRecord
from ..services.validation import Problem
from . import dialogs
from .background import TaskRunner
from .documents import DocumentActions, export_folder, export_service, remember_folder
from .export_dialog import ALUMNUS_KINDS, DocumentOptions
from .today_page import SECTIONS, SectionModel, section_table
from .widgets import EnumCombo, ErrorLabel, choice_row, is_dark

ATTENTION_COLUMNS = dict((key, columns) for key, columns, _enter in SECTIONS)["attention"]
PLURALS = {DocumentKind.PROGRESS: "progress reports", DocumentKind.PLAN: "aftercare plans",
           DocumentKind.WALLET_CARD: "sets of wallet cards", DocumentKind.CASELOAD: "caseload summaries"}


def _heading(text: str) -> QLabel:
    heading = QLabel(text)
    font = heading.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    heading.setFont(font)
    return heading


class Figure(QFrame):
    """A count in large type with what it counts under it, as on the printed summary."""

    def __init__(self, words: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("figure")
        dark = is_dark(self)
        self.setStyleSheet(f"#figure {{ background: {'#24403a' if dark else '#e3efeb'}; border-radius: 4px; }}")
        self.number = QLabel("—")
        font = self.number.font()
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.number.setFont(font)
        self.number.setStyleSheet(f"color: {'#9fd4c4' if dark else '#2d6a5c'};")
        self.words = QLabel(words)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(0)
        layout.addWidget(self.number)
        layout.addWidget(self.words)

    def show_count(self, count: int | None, words: str | None = None) -> None:
        self.number.setText("—" if count is None else f"{count:,}")
        if words is not None:
            self.words.setText(words)


class CaseloadPanel(QWidget):
    """One caseworker's caseload: counts, who needs attention, and the summary as a PDF."""

    open_requested = Signal(int)
    loaded = Signal()

    def __init__(self, context: AppContext, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.data: CaseloadData | None = None
        self._request = 0

        self.caseworker = QComboBox()
        self.caseworker.setObjectName("caseloadCaseworker")
        self.caseworker.setMinimumWidth(200)
        self.caseworker.currentIndexChanged.connect(self.refresh)
        self.options = DocumentOptions((DocumentKind.CASELOAD,), context.today(), notes=False)
        self.options.changed.connect(self.refresh)
        self.actions = DocumentActions(context, runner, self, self.request, lambda: self.caseworker.currentText())
        self.preview_button = QPushButton("Pre&view")
        self.preview_button.clicked.connect(self.actions.preview)
        self.print_button = QPushButton("Print…")
        self.print_button.clicked.connect(lambda: self.actions.print_document())
        self.export_button = QPushButton("Export PDF…")
        self.export_button.clicked.connect(lambda: self.actions.export())
        self.actions.busy_changed.connect(self._set_busy)

        top = QHBoxLayout()
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        label = QLabel("&Caseworker")
        label.setBuddy(self.caseworker)
        form.addRow(label, self.caseworker)
        top.addLayout(form)
        top.addWidget(self.options, 1)
        top.addWidget(self.preview_button)
        top.addWidget(self.print_button)
        top.addWidget(self.export_button)

        self.figures = {key: Figure(words) for key, words in (
            ("active", "active alumni"), ("with_plan", "with an active plan"), ("overdue", "check-ins overdue"),
            ("due", "check-ins due soon"), ("attention", "need attention"), ("follow_ups", "follow-ups due"),
            ("milestones", "milestones coming"), ("assessments", "assessments due"))}
        grid = QGridLayout()
        grid.setSpacing(4)
        for position, figure in enumerate(self.figures.values()):
            grid.addWidget(figure, position // 4, position % 4)
        self.reached = QLabel()
        self.reached.setObjectName("caseloadReached")
        self.reached.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("caseloadStatus")
        self.status.setWordWrap(True)
        self.actions.status.connect(self.status.setText)

        self.attention_title = QLabel("<b>Needs attention</b>")
        self.attention = SectionModel(ATTENTION_COLUMNS, self)
        self.attention.dark = is_dark(self)
        self.table = section_table(self.attention, ATTENTION_COLUMNS, "caseloadAttention")
        self.table.setMinimumHeight(160)
        self.table.doubleClicked.connect(self._open)
        self.table.setToolTip("Double-click opens the record")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addWidget(self.reached)
        layout.addWidget(self.attention_title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

    def set_staff(self, staff: list[StaffRecord]) -> None:
        current = self.caseworker.currentData()
        if current is None and self.context.acting_staff is not None:
            current = self.context.acting_staff.id
        self.caseworker.blockSignals(True)
        self.caseworker.clear()
        for member in staff:
            self.caseworker.addItem(member.display_name, member.id)
        self.caseworker.setCurrentIndex(max(self.caseworker.findData(current), 0))
        self.caseworker.blockSignals(False)
        self.refresh()

    def request(self) -> ExportRequest | None:
        caseworker_id = self.caseworker.currentData()
        if caseworker_id is None:
            self.status.setText("Choose a caseworker first.")
            return None
        return replace(self.options.request(), caseworker_id=caseworker_id)

    def refresh(self) -> None:
        caseworker_id = self.caseworker.currentData()
        if caseworker_id is None:
            return
        period = self.options.period()
        if period.first > period.last:
            self.options.show_problems([Problem("period", "The period starts after it ends")])
            return
        self.options.show_problems([])
        self._request += 1
        request = self._request
        self.status.setText("Loading…")
        sources = export_service(self.context).sources
        self.runner.submit(self, lambda: gather_caseload(sources, caseworker_id, period),
                           lambda data: self._show(request, data), self._failed)

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, AftercareError):
            raise error
        self.status.setText(f"Could not load the caseload: {error}")

    def _show(self, request: int, data: CaseloadData) -> None:
        if request != self._request:
            return  # a newer choice is on its way
        self.data = data
        sections = {section.key: section for section in data.today.sections}
        attention = sections["attention"]
        high = sum(1 for row in attention.rows if row.level is WarningLevel.HIGH)
        counts = {"active": data.active, "with_plan": data.with_plan,
                  **{key: section.count for key, section in sections.items()}}
        for key, figure in self.figures.items():
            figure.show_count(counts[key], f"need attention ({high} high)" if key == "attention" else None)
        others = " · ".join(f"{status.lower()} {count:,}" for status, count in data.by_status if status != "Active")
        self.reached.setText(
            f"From {data.period.first:%b %d} to {data.period.last:%b %d, %Y} the team reached "
            f"<b>{data.alumni_contacted:,}</b> of {data.active:,} active alumni with {data.reached:,} "
            f"check-in{'s' if data.reached != 1 else ''}; {data.unanswered:,} attempt"
            f"{'s' if data.unanswered != 1 else ''} reached no one. Others in the caseload: {others}.")
        self.attention_title.setText(f"<b>Needs attention ({attention.count:,})</b>")
        self.attention.set_rows(attention.rows)
        self.status.setText("Double-click a row to open the record. The PDF lists names: an internal document.")
        self.loaded.emit()

    def _open(self, index) -> None:
        row = self.attention.row_at(index.row())
        if row is not None:
            self.open_requested.emit(row.alumnus_id)

    def _set_busy(self, busy: bool) -> None:
        for button in (self.preview_button, self.print_button, self.export_button):
            button.setEnabled(not busy)


@dataclass(frozen=True)
class BatchOutcome:
    """A finished batch with what the summary needs: client IDs of those that could not be made."""

    summary: BatchSummary
    kind: DocumentKind
    total: int
    target: Path  # the folder, or the combined file
    combined: bool
    client_ids: dict[int, str]


def summary_words(outcome: BatchOutcome) -> tuple[str, str]:
    """(what happened, the reasons of those that could not be made, one a line)."""
    summary, what = outcome.summary, PLURALS[outcome.kind]
    written, failed, cancelled = summary.written, len(summary.failed), summary.cancelled
    stopped = cancelled > 0 or (outcome.combined and summary.combined is None and written > 0)
    seconds = f"{summary.seconds:,.1f} s"
    if outcome.combined:
        if summary.combined is not None:
            pages = sum(item.pages for item in summary.items if item.error is None)
            words = (f"Wrote one PDF of {written:,} {what} ({pages:,} pages) to {summary.combined} in {seconds}. "
                     "Each is recorded as disclosed.")
        elif stopped:
            words = ("Stopped. No file was written and nothing was recorded: a combined PDF is written only "
                     "when every document in it is made.")
        else:
            words = "No file was written: none of the documents could be made."
    elif stopped:
        words = (f"Stopped: {written:,} of {outcome.total:,} {what} were written to {outcome.target} in {seconds} "
                 f"and recorded as disclosed; {cancelled:,} were not made.")
    else:
        words = f"Wrote {written:,} of {outcome.total:,} {what} to {outcome.target} in {seconds}."
        if written:
            words += " Each is recorded as disclosed."
    if failed:
        words += f" {failed:,} could not be made (see the details)."
    details = "\n".join(f"{outcome.client_ids.get(item.subject_id, 'a deleted record')}: {item.error}"
                        for item in summary.failed)
    return words, details


class BatchPanel(QWidget):
    """The same document for everyone a caseworker, program or status takes in."""

    finished = Signal(object)  # BatchOutcome

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        # Its own pool: a batch holds a thread for as long as it runs, and the rest of the app keeps its own.
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self.runner = TaskRunner(self, self.pool)
        self.batch: BatchExport | None = None
        self.progress: QProgressDialog | None = None
        self.matching: list[int] | None = None
        self.stopping = False
        self._count_request = 0

        self.caseworker = QComboBox()
        self.caseworker.setObjectName("batchCaseworker")
        self.program = EnumCombo(Program, empty_text="All programs")
        self.program.setObjectName("batchProgram")
        self.status = EnumCombo(AlumniStatus, empty_text="Any status")
        self.status.setObjectName("batchStatus")
        self.status.set_value(AlumniStatus.ACTIVE)
        self.count = QLabel()
        self.count.setObjectName("batchCount")
        for combo in (self.caseworker, self.program, self.status):
            combo.currentIndexChanged.connect(self.count_matching)
        who = QHBoxLayout()
        who.setContentsMargins(0, 0, 0, 0)
        for widget in (self.caseworker, self.program, self.status):
            who.addWidget(widget)
        who.addWidget(self.count, 1)

        self.options = DocumentOptions(ALUMNUS_KINDS, context.today(), notes=False)
        self.one_each = QRadioButton("One PDF each, into a folder")
        self.one_each.setChecked(True)
        self.combined = QRadioButton("One combined PDF")
        output = choice_row(self, self.one_each, self.combined)

        # One form, so that the rows of the document options line up with these.
        label = QLabel("&Alumni")
        label.setBuddy(self.caseworker)
        self.options.form.insertRow(0, label, who)
        self.options.form.addRow("Output", output)
        self.message = ErrorLabel()
        self.message.setObjectName("batchMessage")
        self.last = QLabel()
        self.last.setObjectName("batchSummary")
        self.last.setWordWrap(True)
        self.last.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.start_button = QPushButton("E&xport…")
        self.start_button.setObjectName("batchStart")
        self.start_button.setToolTip("Choose where, then make every document in the background")
        self.start_button.clicked.connect(self.start)
        bottom = QHBoxLayout()
        bottom.addWidget(self.last, 1)
        bottom.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignTop)

        intro = QLabel("The same document for every alumnus of a caseworker, a program or a status (archived "
                       "records left out), made in the background over several processes while you go on "
                       "working. Each document is recorded as disclosed, like a single export.")
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addWidget(self.options)
        layout.addWidget(self.message)
        layout.addLayout(bottom)

    @property
    def running(self) -> bool:
        return self.batch is not None

    def set_staff(self, staff: list[StaffRecord]) -> None:
        current = self.caseworker.currentData()
        if current is None and self.caseworker.count() == 0 and self.context.acting_staff is not None:
            current = self.context.acting_staff.id
        self.caseworker.blockSignals(True)
        self.caseworker.clear()
        self.caseworker.addItem("All caseworkers", None)
        for member in staff:
            self.caseworker.addItem(member.display_name, member.id)
        self.caseworker.setCurrentIndex(max(self.caseworker.findData(current), 0))
        self.caseworker.blockSignals(False)
        self.count_matching()

    def _filters(self) -> dict:
        return dict(caseworker_id=self.caseworker.currentData(), program=self.program.value(),
                    status=self.status.value())

    def count_matching(self) -> None:
        self._count_request += 1
        request, database, filters = self._count_request, self.context.database, self._filters()
        self.count.setText("Counting…")

        def counted(ids: list[int]) -> None:
            if request == self._count_request:
                self.matching = ids
                self.count.setText(f"{len(ids):,} alumni" if ids else "No alumni match")

        self.runner.submit(self, lambda: select_alumni(database, **filters), counted)

    # -- starting ------------------------------------------------------------------------------------
    def start(self) -> None:
        if self.running:
            return
        self.message.show_message(None)
        self.options.show_problems([])
        template, database, filters = self.options.request(), self.context.database, self._filters()
        service = export_service(self.context)

        def check() -> list[int]:
            ids = select_alumni(database, **filters)
            if not ids:
                raise AftercareError("No alumni match: choose another caseworker, program or status.")
            service.prepare(subject_request(template, ids[0]))  # the same checks each document will pass
            return ids

        self.start_button.setEnabled(False)
        self.runner.submit(self, check, lambda ids: self._choose_target(template, ids), self._refused)

    def _refused(self, error: BaseException) -> None:
        self.start_button.setEnabled(True)
        if isinstance(error, ValidationFailed):
            rest = self.options.show_problems(list(error.problems))
            self.message.show_message("\n".join(p.message for p in rest) or "Not started: correct what is marked.")
        elif isinstance(error, AftercareError):
            self.message.show_message(str(error))
        else:
            raise error

    def _choose_target(self, template: ExportRequest, ids: list[int]) -> None:
        folder = export_folder()
        if self.combined.isChecked():
            name = f"{PLURALS[template.kind].replace(' ', '-')}-{self.context.today().isoformat()}.pdf"
            chosen = dialogs.ask_save_pdf(self, folder / name)
            out_dir, combined = (chosen.parent, chosen.name) if chosen else (None, None)
        else:
            out_dir, combined = dialogs.ask_folder(self, folder), None
        if out_dir is None:
            self.start_button.setEnabled(True)
            self.message.show_message(None)
            self.last.setText("Not started.")
            return
        remember_folder(out_dir)
        self.run(BatchRequest(template, tuple(ids), out_dir, combined))

    def run(self, request: BatchRequest) -> None:
        """Start the batch in the background with a progress dialog (the window stays usable)."""
        reporter = {}
        batch = BatchExport(self.context.database, self.context.actor, request, today=self.context.today,
                            on_progress=lambda update: reporter["report"](update))
        self.batch = batch
        self.stopping = False
        kind, total = request.template.kind, len(request.subject_ids)
        target = request.out_dir / request.combined if request.combined else request.out_dir
        progress = QProgressDialog(self._progress_words(kind, 0, total, 0), "Stop", 0, total, self)
        progress.setWindowTitle("Batch export")
        progress.setWindowModality(Qt.WindowModality.NonModal)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setMinimumWidth(440)
        progress.canceled.connect(self.stop)
        progress.setValue(0)
        progress.show()
        self.progress = progress
        self.start_button.setEnabled(False)
        self.last.setText(f"Making {total:,} {PLURALS[kind]} over {batch.workers} process"
                          f"{'es' if batch.workers != 1 else ''}…")
        failures = [0]
        directory = self.context.directory

        def work(report) -> BatchOutcome:
            reporter["report"] = report
            summary = batch.run()
            failed = [item.subject_id for item in summary.failed]
            client_ids = {row.id: row.client_id for row in directory.rows(failed)}
            return BatchOutcome(summary, kind, total, target, request.combined is not None, client_ids)

        def progressed(update: BatchProgress) -> None:
            if update.item.error is not None:
                failures[0] += 1
            if self.progress is not None and not self.stopping:
                self.progress.setValue(update.done)
                self.progress.setLabelText(self._progress_words(kind, update.done, update.total, failures[0]))

        self.runner.submit_with_progress(self, work, progressed, self._finished, self._failed)

    @staticmethod
    def _progress_words(kind: DocumentKind, done: int, total: int, failed: int) -> str:
        words = f"Making {PLURALS[kind]}: {done:,} of {total:,}"
        return words + (f" · {failed:,} could not be made" if failed else "") + "\nThe app stays usable meanwhile."

    def stop(self) -> None:
        """Stop starting documents; those being made finish (and are kept)."""
        if self.batch is None:
            return
        self.batch.cancel()
        self.stopping = True
        if self.progress is not None:
            self.progress.setLabelText("Stopping: the documents being made finish first…")
            self.progress.setCancelButtonText("Stopping…")
            self.progress.show()

    # -- finishing -----------------------------------------------------------------------------------
    def _close_progress(self) -> None:
        self.batch = None
        progress, self.progress = self.progress, None
        if progress is not None:
            progress.canceled.disconnect(self.stop)
            progress.close()
            progress.deleteLater()
        self.start_button.setEnabled(True)

    def _finished(self, outcome: BatchOutcome) -> None:
        self._close_progress()
        words, details = summary_words(outcome)
        self.last.setText(words)
        self.finished.emit(outcome)
        opened = outcome.summary.combined if outcome.combined else outcome.target
        if dialogs.show_batch_summary(self, words, details, can_open=outcome.summary.written > 0 and (
                not outcome.combined or outcome.summary.combined is not None)):
            dialogs.open_file(opened)

    def _failed(self, error: BaseException) -> None:
        self._close_progress()
        if isinstance(error, AftercareError):
            self.last.setText(f"The batch could not run: {error}")
            dialogs.show_problem(self, str(error))
        else:
            raise error

    def shut_down(self, msecs: int = 60_000) -> bool:
        """Stop a running batch and wait for it (on close: no thread or process outlives the window)."""
        if self.batch is not None:
            self.batch.cancel()
        return self.pool.waitForDone(msecs)


class ReportsPage(QWidget):
    open_requested = Signal(int)

    def __init__(self, context: AppContext, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.caseload = CaseloadPanel(context, runner)
        self.caseload.open_requested.connect(self.open_requested)
        self.batch = BatchPanel(context)
        # The batch form reads best at the width of a form, not stretched across a wide window.
        self.batch.setMaximumWidth(900)
        batch_tab = QWidget()
        batch_layout = QVBoxLayout(batch_tab)
        batch_layout.addWidget(self.batch)
        batch_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(batch_tab)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("reportsTabs")
        self.tabs.addTab(self.caseload, "&Caseload summary")
        self.tabs.addTab(scroll, "&Batch export")
        outer = QVBoxLayout(self)
        outer.addWidget(_heading("Reports"))
        outer.addWidget(self.tabs, 1)

    def set_staff(self, staff: list[StaffRecord]) -> None:
        self.caseload.set_staff(staff)
        self.batch.set_staff(staff)

    def can_quit(self) -> bool:
        """Quitting while a batch runs: stop it (after asking) and wait for the documents being made.
        (Leaving the page for another lets the batch go on.)"""
        if not self.batch.running:
            return True
        if not dialogs.confirm_stop_batch(self):
            return False
        self.batch.shut_down()
        return True
