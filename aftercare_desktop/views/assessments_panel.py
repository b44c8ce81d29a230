"""The assessments tab of a profile: per instrument the latest result, its trend with the cut-off line,
when the next one is due and a button to administer it; below, every result recorded."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..errors import AftercareError
from ..services.assessments import AlumnusAssessments, AssessmentRecord, AssessmentService, InstrumentStatus
from ..services.context import AppContext
from ..services.instruments import InstrumentDefinition
from .assessment_dialog import AssessmentDialog
from .background import TaskRunner
from .charts import ChartData, ReferenceLine, Series, TrendChart
from .widgets import error_color

COL_DATE, COL_INSTRUMENT, COL_TOTAL, COL_BAND, COL_RECORDED_BY = range(5)
HEADERS = ("Given on", "Instrument", "Total", "Band", "Recorded by")
SortRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2


class AssessmentHistoryModel(QAbstractTableModel):
    """Every result of one alumnus, newest first (a person has dozens at most: no lazy loading)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[AssessmentRecord] = []

    def set_rows(self, rows: list[AssessmentRecord]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def record_at(self, row: int) -> AssessmentRecord:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record = self._rows[index.row()]
        column = index.column()
        if role == IdRole:
            return record.id
        if role == SortRole:
            return (record.administered_on.toordinal(), record.instrument, record.total, record.band or "",
                    record.recorded_by or "")[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_TOTAL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == COL_DATE:
            return record.administered_on.isoformat()
        if column == COL_INSTRUMENT:
            return record.instrument
        if column == COL_TOTAL:
            return str(record.total)
        if column == COL_BAND:
            return record.band or ""
        if column == COL_RECORDED_BY:
            return record.recorded_by or "—"
        return None


def describe_due(next_due: date | None, today: date, definition: InstrumentDefinition,
                 discharge_date: date | None) -> tuple[str, bool]:
    """The "next due" line and whether it is overdue (drawn in the warning colour)."""
    if definition.cadence is None:
        return "Given when needed (no schedule)", False
    if discharge_date is None:
        return "Not scheduled: add a discharge date to the record", False
    if next_due is None:
        return "Not scheduled", False
    days = (next_due - today).days
    if days < 0:
        return f"Overdue since {next_due.isoformat()} ({-days} day{'s' if days != -1 else ''})", True
    if days == 0:
        return "Due today", True
    return f"Next due {next_due.isoformat()} (in {days} day{'s' if days != 1 else ''})", False


class InstrumentCard(QGroupBox):
    """One instrument: latest result, next due, the administer button and the trend chart."""

    administer_requested = Signal(str)

    def __init__(self, definition: InstrumentDefinition, parent: QWidget | None = None):
        super().__init__(definition.title, parent)
        self.definition = definition
        self.setObjectName(f"card-{definition.code}")
        self.latest = QLabel()
        self.latest.setObjectName("latest")
        self.latest.setWordWrap(True)
        self.meaning = QLabel()
        self.meaning.setWordWrap(True)
        self.meaning.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.due = QLabel()
        self.due.setObjectName("nextDue")
        self.due.setWordWrap(True)
        self.cadence = QLabel(definition.cadence.description if definition.cadence else "")
        self.cadence.setWordWrap(True)
        self.cadence.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.button = QPushButton(f"Administer &{definition.code}…")
        self.button.setObjectName(f"administer-{definition.code}")
        self.button.clicked.connect(lambda: self.administer_requested.emit(definition.code))
        self.chart = TrendChart()
        self.chart.setObjectName(f"chart-{definition.code}")
        self.chart.setMinimumHeight(170)

        info = QVBoxLayout()
        info.addWidget(self.latest)
        info.addWidget(self.meaning)
        info.addSpacing(4)
        info.addWidget(self.due)
        info.addWidget(self.cadence)
        info.addStretch(1)
        info.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        info_box = QWidget()
        info_box.setLayout(info)
        info_box.setFixedWidth(300)
        layout = QHBoxLayout(self)
        layout.addWidget(info_box)
        layout.addWidget(self.chart, 1)

        font = QFont(self.latest.font())
        font.setBold(True)
        self.latest.setFont(font)

    def show_status(self, status: InstrumentStatus, today: date, discharge_date: date | None) -> None:
        definition = self.definition
        latest = status.latest
        if latest is None:
            self.latest.setText("Not given yet")
            self.meaning.setText("")
            self.meaning.hide()
        else:
            self.latest.setText(f"Latest: {latest.total} ({latest.band}) on {latest.administered_on.isoformat()}")
            band = next((b for b in definition.bands if b.label == latest.band), None)
            self.meaning.setText(band.meaning if band else "")
            self.meaning.setVisible(band is not None)
        text, warn = describe_due(status.next_due, today, definition, discharge_date)
        self.due.setText(text)
        self.due.setStyleSheet(f"color: {error_color(self)}; font-weight: bold;" if warn else "")
        trend = status.trend
        cut = trend.cut_off
        self.chart.set_data(ChartData(
            series=[Series(f"{definition.code} total", tuple((day, float(total)) for day, total in trend.points))],
            y_min=trend.y_min,
            y_max=trend.y_max,
            reference=ReferenceLine(cut.value, cut.label) if cut else None,
            empty_text=f"No {definition.code} results yet",
        ))


class AssessmentsPanel(QWidget):
    """Assessments of one alumnus. `show_alumnus` loads in the background; `changed` after a save."""

    changed = Signal(int)  # alumnus id
    loaded = Signal()

    def __init__(self, context: AppContext, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.service: AssessmentService = context.assessments
        self.alumnus_id: int | None = None
        self.discharge_date: date | None = None
        self.alumnus_name: str | None = None
        self.dialog: AssessmentDialog | None = None
        self.cards: dict[str, InstrumentCard] = {}
        self._generation = 0
        self._build()

    def _today(self) -> date:
        return self.context.today()

    # -- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.message = QLabel()
        self.message.setObjectName("panelMessage")
        self.message.setWordWrap(True)
        self.message.hide()

        self.cards_box = QVBoxLayout()
        self.model = AssessmentHistoryModel(self)
        self.table = QTableView()
        self.table.setObjectName("assessmentHistory")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in ((COL_DATE, 100), (COL_INSTRUMENT, 90), (COL_TOTAL, 60), (COL_BAND, 140)):
            self.table.setColumnWidth(column, width)
        self.table.setMinimumHeight(140)
        self.empty = QLabel("No assessments recorded yet. Use an “Administer …” button above to record the first one.")
        self.empty.setObjectName("emptyHistory")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty.setContentsMargins(0, 16, 0, 0)
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty.setMinimumHeight(60)
        self.history_stack = QStackedWidget()
        self.history_stack.addWidget(self.empty)
        self.history_stack.addWidget(self.table)
        history_title = QLabel("All results")
        font = QFont(history_title.font())
        font.setBold(True)
        history_title.setFont(font)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self.message)
        layout.addLayout(self.cards_box)
        layout.addWidget(history_title)
        layout.addWidget(self.history_stack, 1)
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        try:
            definitions = self.service.instruments
        except AftercareError as exc:
            self._show_message(f"Assessments cannot be shown: {exc}")
            return
        if not definitions:
            self._show_message("No assessment instruments are installed.")
        for code, definition in definitions.items():
            card = InstrumentCard(definition)
            card.administer_requested.connect(self.administer)
            card.button.setEnabled(False)
            self.cards[code] = card
            self.cards_box.addWidget(card)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {error_color(self)};")
        self.message.show()

    # -- loading -----------------------------------------------------------------------------
    def show_alumnus(self, alumnus, discharge_date: date | None = None) -> None:
        """Show one alumnus: `show_alumnus(alumnus_id, discharge_date)`, or with the profile's record
        (`AlumnusData`, whose id, discharge date and name are used)."""
        if isinstance(alumnus, int):
            self.alumnus_id, self.discharge_date, self.alumnus_name = alumnus, discharge_date, None
        else:
            self.alumnus_id = alumnus.id
            self.discharge_date = alumnus.discharge_date if discharge_date is None else discharge_date
            self.alumnus_name = " ".join(p for p in (alumnus.preferred_name or alumnus.first_name, alumnus.last_name) if p)
        self.reload()

    def reload(self) -> None:
        if self.alumnus_id is None or not self.cards:
            return
        self._generation += 1
        generation = self._generation
        service, alumnus_id, discharge = self.service, self.alumnus_id, self.discharge_date
        self.runner.submit(self, lambda: service.overview(alumnus_id, discharge),
                           lambda result: self._loaded(generation, result), self._failed)

    def _loaded(self, generation: int, overview: AlumnusAssessments) -> None:
        if generation != self._generation:
            return  # another alumnus was asked for meanwhile
        today = self._today()
        for status in overview.instruments:
            card = self.cards.get(status.instrument)
            if card is not None:
                card.show_status(status, today, overview.discharge_date)
                card.button.setEnabled(True)
        self.model.set_rows(overview.history)
        self.history_stack.setCurrentWidget(self.table if overview.history else self.empty)
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, AftercareError):
            self._show_message(str(error))
        else:
            raise error

    # -- administering -----------------------------------------------------------------------
    def administer(self, code: str) -> AssessmentDialog | None:
        if self.alumnus_id is None:
            return None
        dialog = AssessmentDialog(self.service.definition(code), self.service, self.runner, self.alumnus_id,
                                  self.context.actor, self.context.today, alumnus_name=self.alumnus_name,
                                  parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: AssessmentDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _saved(self, record: AssessmentRecord) -> None:
        self.reload()
        self.changed.emit(record.alumnus_id)
