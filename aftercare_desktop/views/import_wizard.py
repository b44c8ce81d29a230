"""The import wizard: choose a file → match its columns → check every row → import → summary.

Reading, checking and saving run in the background through `TaskRunner`; the pages call the
importing service only and never open a database session themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QCloseEvent, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ..db import Database
from ..errors import AftercareError
from ..services import importing
from ..services.audit import Actor
from ..services.importing import FIELDS, ImportPlan, ImportReport, Outcome, Table
from .background import TaskRunner, show_failure
from .widgets import ErrorLabel, error_color, is_dark

log = logging.getLogger("aftercare.views.import")

PAGE_FILE, PAGE_MAPPING, PAGE_PREVIEW, PAGE_RUN, PAGE_SUMMARY = range(5)
DONT_IMPORT = "Don't import"
FILE_FILTER = "Spreadsheets (*.csv *.xlsx *.tsv *.txt);;All files (*)"
UNEXPECTED = "An unexpected problem stopped the import. Nothing was saved."


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def describe_preview(report: ImportReport) -> str:
    """'120 rows: 100 new records, 5 updates, 10 skipped as duplicates, 5 rejected.' (before saving)."""
    return (f"{_plural(report.rows_read, 'row')}: {_plural(report.created, 'new record')}, "
            f"{_plural(report.updated, 'update')}, {report.skipped:,} skipped as duplicates, "
            f"{len(report.rejected):,} rejected.")


class _ProgressRelay(QObject):
    """Carries progress from the worker to the GUI thread (queued: the relay lives on the GUI thread)."""

    changed = Signal(int, int)

    def report(self, done: int, total: int) -> None:
        self.changed.emit(done, total)


def _file_version(path: Path) -> tuple:
    """Which file, as it is now: a file corrected after reading is read again."""
    try:
        info = path.stat()
    except OSError:
        return (path, None, None)
    return (path, info.st_mtime_ns, info.st_size)


# -- page 1: the file -----------------------------------------------------------------------------------

class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self._wizard = wizard
        self._busy = False
        self.setTitle("Choose a file")
        self.setSubTitle("A CSV file or an Excel workbook (.xlsx) with one alumnus per row and the column "
                         "names in the first row. Only the first sheet of a workbook is read.")
        self.path = QLineEdit()
        self.path.setPlaceholderText("Type a path or choose Browse…")
        self.path.setClearButtonEnabled(True)
        self.path.setAccessibleName("File to import")
        self.browse = QPushButton("&Browse…")
        self.browse.setAutoDefault(False)
        label = QLabel("&File:")
        label.setBuddy(self.path)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.error = ErrorLabel()
        hints = QLabel(
            "<p>Column names such as <i>First Name</i>, <i>DOB</i>, <i>Phone #</i> or <i>MRN</i> are "
            "recognised; you can match the others on the next page.</p>"
            "<p>Dates may be written 2024-03-01 or 03/01/2024 (month first). Several languages, substances "
            "or recovery pathways in one cell are separated by ; or a comma.</p>"
            "<p>Nothing is saved until you have checked every row and chosen <b>Import</b>.</p>"
        )
        hints.setWordWrap(True)
        hints.setTextFormat(Qt.TextFormat.RichText)

        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addSpacing(12)
        layout.addWidget(hints)
        layout.addStretch(1)

        self.path.textChanged.connect(self._path_changed)
        self.browse.clicked.connect(self._choose)

    def _choose(self) -> None:
        start = str(Path(self.path.text()).expanduser().parent) if self.path.text().strip() else ""
        chosen, _filter = QFileDialog.getOpenFileName(self, "Choose a file to import", start, FILE_FILTER)
        if chosen:
            self.path.setText(chosen)

    def _path_changed(self) -> None:
        self.error.show_message(None)
        self.status.clear()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(self.path.text().strip()) and not self._busy

    def validatePage(self) -> bool:
        path = Path(self.path.text().strip()).expanduser()
        version = _file_version(path)
        if self._wizard.table is not None and self._wizard.table_version == version:
            return True  # same file, unchanged since it was read
        self._set_busy(True)
        self.error.show_message(None)
        self.status.setText(f"Reading {path.name}…")
        self._wizard.runner.submit(self, lambda: importing.read_table(path),
                                   lambda table: self._read(path, version, table), self._failed)
        return False

    def _read(self, path: Path, version: tuple, table: Table) -> None:
        self._set_busy(False)
        self.status.setText(f"{path.name}: {_plural(len(table.headers), 'column')}, "
                            f"{_plural(len(table.rows), 'row')} of data.")
        self._wizard.set_table(version, table)
        self._wizard.next()

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self.status.clear()
        if isinstance(error, AftercareError):
            self.error.show_message(str(error))
            self.path.setFocus()
        else:
            self.error.show_message("The file could not be read because of an unexpected problem.")
            show_failure(self, error)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.path.setEnabled(not busy)
        self.browse.setEnabled(not busy)
        self.completeChanged.emit()


# -- page 2: the columns --------------------------------------------------------------------------------

class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self._wizard = wizard
        self._built_for: Table | None = None
        self.combos: list[QComboBox] = []
        self.setTitle("Match the columns")
        self.setSubTitle("Choose what each column of the file holds. Recognised column names are already "
                         "matched. Columns set to “Don't import” are left out.")
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setColumnStretch(1, 1)
        self.grid.setHorizontalSpacing(16)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.status)

    def initializePage(self) -> None:
        table = self._wizard.table
        if table is None or table is self._built_for:
            return  # coming back to the same file keeps the choices made
        # A corrected copy of the same file keeps the choices too.
        same_columns = self._built_for is not None and self._built_for.headers == table.headers
        chosen = self.mapping() if same_columns else importing.guess_mapping(table.headers)
        self._built_for = table
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.combos = []
        bold = QFont(self.font())
        bold.setBold(True)
        for column, heading in enumerate(("Column in the file", "First values", "Import as")):
            label = QLabel(heading)
            label.setFont(bold)
            self.grid.addWidget(label, 0, column)
        for index, header in enumerate(table.headers):
            name = QLabel(header)
            samples = QLabel(" · ".join(table.samples(index)) or "(empty)")
            samples.setToolTip(samples.text())
            samples.setMinimumWidth(120)
            combo = QComboBox()
            combo.addItem(DONT_IMPORT, None)
            for spec in FIELDS:
                combo.addItem(spec.label, spec.name)
            combo.setCurrentIndex(max(combo.findData(chosen.get(index)), 0))
            combo.setAccessibleName(f"Import column “{header}” as")
            name.setBuddy(combo)
            combo.currentIndexChanged.connect(self._changed)
            self.grid.addWidget(name, index + 1, 0)
            self.grid.addWidget(samples, index + 1, 1)
            self.grid.addWidget(combo, index + 1, 2)
            self.combos.append(combo)
        self.grid.setRowStretch(len(table.headers) + 1, 1)
        self._changed()

    def mapping(self) -> dict[int, str | None]:
        return {index: combo.currentData() for index, combo in enumerate(self.combos)}

    def problem(self) -> str | None:
        table = self._wizard.table
        if table is None:
            return "No file has been read."
        try:
            importing.check_mapping(self.mapping(), table.headers)
        except AftercareError as exc:
            return str(exc).replace(" or choose it in the import wizard", " or choose it above")
        return None

    def _changed(self) -> None:
        problem = self.problem()
        if problem:
            self.status.setStyleSheet(f"color: {error_color(self)};")
            self.status.setText(problem)
        else:
            used = sum(1 for combo in self.combos if combo.currentData())
            self.status.setStyleSheet("")
            self.status.setText(f"{_plural(used, 'column')} of {len(self.combos):,} will be imported.")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self._wizard.table is not None and self.problem() is None


# -- page 3: the check --------------------------------------------------------------------------------

COL_ROW, COL_OUTCOME, COL_CLIENT_ID, COL_NAME, COL_DETAILS = range(5)
HEADERS = ("Row", "Outcome", "Client ID", "Name", "Details")


class PreviewModel(QAbstractTableModel):
    """The outcome of every row; cells are built when shown, so 100,000 rows cost little."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._plan: ImportPlan | None = None
        self._shown: list[int] = []  # indexes into the plan's rows
        self._attention_only = False
        self._reject_brush = QBrush(QColor("#fde7e9"))
        self._reject_text = QBrush(QColor("#8c1d18"))

    def set_plan(self, plan: ImportPlan | None) -> None:
        self.beginResetModel()
        self._plan = plan
        self._filter()
        self.endResetModel()

    def set_attention_only(self, on: bool) -> None:
        self.beginResetModel()
        self._attention_only = on
        self._filter()
        self.endResetModel()

    def set_dark(self, dark: bool) -> None:
        self._reject_brush = QBrush(QColor("#5c1a1a" if dark else "#fde7e9"))
        self._reject_text = QBrush(QColor("#ffdad6" if dark else "#8c1d18"))

    def _filter(self) -> None:
        rows = self._plan.rows if self._plan else []
        if self._attention_only:
            self._shown = [i for i, row in enumerate(rows) if row.outcome in (Outcome.REJECT, Outcome.SKIP)]
        else:
            self._shown = list(range(len(rows)))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._plan is None or not 0 <= index.row() < len(self._shown):
            return None
        position = self._shown[index.row()]
        planned = self._plan.rows[position]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            column = index.column()
            if role == Qt.ItemDataRole.ToolTipRole and column != COL_DETAILS:
                return None
            if column == COL_ROW:
                return str(planned.row_number)
            if column == COL_OUTCOME:
                return importing.OUTCOME_LABELS[planned.outcome]
            if column == COL_DETAILS:
                return planned.reason
            data = planned.data or self._plan.parsed[position].data
            return data.client_id if column == COL_CLIENT_ID else data.display_name
        if planned.outcome is Outcome.REJECT:
            if role == Qt.ItemDataRole.BackgroundRole:
                return self._reject_brush
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._reject_text
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == COL_ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class PreviewPage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self._wizard = wizard
        self._busy = False
        self._generation = 0
        self.setTitle("Check the rows")
        self.setSubTitle("Nothing has been saved yet. Rejected rows will not be imported: correct them in the "
                         "file and import it again; the rows already imported are then skipped.")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Import")

        policy_box = QGroupBox("When a row's client ID is already in the database")
        self.skip = QRadioButton("&Skip the row and keep the record as it is")
        self.update = QRadioButton("&Update the record with the file's values (empty cells change nothing)")
        self.skip.setChecked(True)
        self.policy = QButtonGroup(self)
        self.policy.addButton(self.skip)
        self.policy.addButton(self.update)
        box_layout = QVBoxLayout(policy_box)
        box_layout.addWidget(self.skip)
        box_layout.addWidget(self.update)

        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setFormat("Checking rows: %v of %m")
        self.attention = QCheckBox("Show only rows that are &rejected or skipped")
        self.model = PreviewModel(self)
        self.model.set_dark(is_dark(self))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Rows of the file and what will happen to each")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in ((COL_ROW, 56), (COL_OUTCOME, 150), (COL_CLIENT_ID, 110), (COL_NAME, 180)):
            header.resizeSection(column, width)
        self.error = ErrorLabel()
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addWidget(policy_box)
        layout.addWidget(self.counts)
        layout.addWidget(self.progress)
        layout.addWidget(self.error)
        layout.addWidget(self.attention)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)

        self._progress = _ProgressRelay(self)
        self._progress.changed.connect(self._on_progress)
        self.policy.buttonToggled.connect(self._policy_toggled)
        self.attention.toggled.connect(self.model.set_attention_only)
        self.table.selectionModel().currentRowChanged.connect(self._show_details)
        self.model.modelReset.connect(self._show_details)

    @property
    def on_duplicate(self) -> importing.DuplicatePolicy:
        return "update" if self.update.isChecked() else "skip"

    def initializePage(self) -> None:
        self._check(replan=False)

    def _policy_toggled(self, _button, checked: bool) -> None:
        if checked and self._wizard.plan is not None:
            self._check(replan=True)

    def _check(self, *, replan: bool) -> None:
        wizard = self._wizard
        table, mapping, policy = wizard.table, wizard.mapping_page.mapping(), self.on_duplicate
        database, today, plan = wizard.database, wizard.today(), wizard.plan
        self._generation += 1
        generation = self._generation
        if replan and plan is not None:
            def work() -> ImportPlan:
                return importing.replan(database, plan, on_duplicate=policy)
            self.progress.setRange(0, 0)  # deciding again is quick; no count to show
        else:
            def work() -> ImportPlan:
                return importing.plan_import(database, table, mapping, on_duplicate=policy, today=today,
                                             progress=self._progress.report)
            self.progress.setRange(0, max(len(table.rows), 1))
            self.progress.setValue(0)
        self._set_busy(True)
        self.error.show_message(None)
        self.counts.setText(f"Checking {_plural(len(table.rows), 'row')}…")
        wizard.set_plan(None)
        self.model.set_plan(None)
        wizard.runner.submit(self, work, lambda result: self._checked(generation, result),
                             lambda error: self._failed(generation, error))

    def _show_details(self, *_args) -> None:
        """The whole story of the current row, which a table cell may cut short."""
        current = self.table.currentIndex()
        details = self.model.index(current.row(), COL_DETAILS).data() if current.isValid() else None
        if details:
            row = self.model.index(current.row(), COL_ROW).data()
            self.details.setText(f"Row {row}: {details}")
        else:
            self.details.setText("Select a row to read all of its details here." if self.model.rowCount() else "")

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if self._busy and self.progress.maximum():
            self.progress.setValue(done)

    def _checked(self, generation: int, plan: ImportPlan) -> None:
        if generation != self._generation:
            return  # a newer check (another policy) is on its way
        self._set_busy(False)
        self._wizard.set_plan(plan)
        self.model.set_plan(plan)
        preview = plan.preview
        text = describe_preview(preview)
        if not preview.created and not preview.updated:
            text += " There is nothing to import."
        self.counts.setText(text)
        self.completeChanged.emit()

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._set_busy(False)
        self.counts.clear()
        if isinstance(error, AftercareError):
            self.error.show_message(str(error))
        else:
            self.error.show_message("The rows could not be checked because of an unexpected problem.")
            show_failure(self, error)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.progress.setVisible(busy)
        self.skip.setEnabled(not busy)
        self.update.setEnabled(not busy)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        plan = self._wizard.plan
        return not self._busy and plan is not None and bool(plan.preview.created or plan.preview.updated)


# -- page 4: the import ---------------------------------------------------------------------------------

class RunPage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self._wizard = wizard
        self._busy = False
        self.setTitle("Importing")
        self.setSubTitle("All rows are saved together: if anything goes wrong, nothing is saved.")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m records saved")
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        self._progress = _ProgressRelay(self)
        self._progress.changed.connect(self._on_progress)

    def initializePage(self) -> None:
        wizard = self._wizard
        plan, database, actor = wizard.plan, wizard.database, wizard.actor
        assert plan is not None
        total = plan.preview.created + plan.preview.updated
        self.label.setText(f"Saving {_plural(total, 'record')}…")
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(0)
        self._set_busy(True)
        wizard.runner.submit(
            self,
            lambda: importing.apply_plan(database, plan, actor=actor, progress=self._progress.report),
            self._done,
            self._failed,
        )

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _done(self, report: ImportReport) -> None:
        self._set_busy(False)
        self._wizard.finish_import(report, None)

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self._wizard.finish_import(None, str(error) if isinstance(error, AftercareError) else UNEXPECTED)
        if not isinstance(error, AftercareError):
            show_failure(self, error)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._wizard.button(QWizard.WizardButton.CancelButton).setEnabled(not busy)
        self.completeChanged.emit()

    @property
    def busy(self) -> bool:
        return self._busy

    def isComplete(self) -> bool:
        return not self._busy and (self._wizard.report is not None or self._wizard.error is not None)


# -- page 5: the summary --------------------------------------------------------------------------------

class SummaryPage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self._wizard = wizard
        self.setFinalPage(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                             | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rejected_label = QLabel("These rows were not imported; correct them in the file and import it "
                                     "again (rows already imported will be skipped):")
        self.rejected_label.setWordWrap(True)
        self.rejected = QPlainTextEdit()
        self.rejected.setReadOnly(True)
        self.rejected.setAccessibleName("Rows that were not imported")
        self.rejected_label.setBuddy(self.rejected)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.rejected_label)
        layout.addWidget(self.rejected, 1)
        layout.addStretch()  # keeps the message at the top when there is no list

    def initializePage(self) -> None:
        report, error = self._wizard.report, self._wizard.error
        if report is None:
            self.setTitle("The import stopped")
            self.setSubTitle("Nothing was saved: the alumni records are as they were before the import.")
            self.summary.setStyleSheet(f"color: {error_color(self)};")
            self.summary.setText(error or UNEXPECTED)
            lines: list[str] = []
        else:
            self.setTitle("Import finished")
            self.setSubTitle("The new and updated records are in the alumni directory.")
            self.summary.setStyleSheet("")
            self.summary.setText(report.summary() + ".")
            lines = list(importing.iter_rejections(report))
        self.rejected.setPlainText("\n".join(lines))
        self.rejected_label.setVisible(bool(lines))
        self.rejected.setVisible(bool(lines))


# -- the wizard -----------------------------------------------------------------------------------------

class ImportWizard(QWizard):
    """Import alumni from a CSV or XLSX file. Emits `imported(count)` once records have been saved."""

    imported = Signal(int)

    def __init__(
        self,
        database: Database,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
        today: Callable[[], date] = date.today,
    ):
        super().__init__(parent)
        self.database = database
        self.actor = actor
        self.today = today
        self.runner = runner or TaskRunner(self)
        self.table: Table | None = None
        self.table_version: tuple | None = None
        self.plan: ImportPlan | None = None
        self.report: ImportReport | None = None
        self.error: str | None = None

        self.setWindowTitle("Import alumni")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setMinimumSize(820, 600)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.run_page = RunPage(self)
        self.summary_page = SummaryPage(self)
        for page_id, page in ((PAGE_FILE, self.file_page), (PAGE_MAPPING, self.mapping_page),
                              (PAGE_PREVIEW, self.preview_page), (PAGE_RUN, self.run_page),
                              (PAGE_SUMMARY, self.summary_page)):
            self.setPage(page_id, page)
        self.setStartId(PAGE_FILE)

    def set_table(self, version: tuple, table: Table) -> None:
        self.table_version, self.table = version, table
        self.plan = None

    def set_plan(self, plan: ImportPlan | None) -> None:
        self.plan = plan

    def finish_import(self, report: ImportReport | None, error: str | None) -> None:
        self.report, self.error = report, error
        if report is not None:
            log.info("import finished: %d records saved", report.saved)
            self.imported.emit(report.saved)
        self.next()

    def reject(self) -> None:
        if self.run_page.busy:
            return  # saving cannot be interrupted half-way; it is one transaction and ends soon
        super().reject()

    def done(self, result: int) -> None:
        # No worker may outlive the wizard; reading or checking finishes on its own shortly.
        self.runner.wait_for_done()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.run_page.busy:
            event.ignore()
            return
        super().closeEvent(event)
