"""The caseworker's home page: who needs a call today, and why.

Sections (each with its count): check-ins overdue and due, the needs-attention queue with its
reasons, follow-ups due, upcoming milestones, assessments due. "My caseload" or "everyone".
Enter on a row logs a check-in; Ctrl+Enter (or double-click) opens the record.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..models.enums import WarningLevel, label
from ..services.context import AppContext
from ..services.today import SECTION_TITLES, TodayData
from .background import TaskRunner
from .table_model import Column, RowsModel
from .widgets import is_dark


def _days(number: int) -> str:
    return "1 day" if abs(number) == 1 else f"{abs(number)} days"


def _overdue_words(days_overdue: int) -> str:
    if days_overdue > 0:
        return f"{_days(days_overdue)} overdue"
    if days_overdue == 0:
        return "today"
    return f"in {_days(days_overdue)}"


def _cadence_words(row) -> str:
    words = label(row.cadence)
    return words if row.cadence_from_plan else f"{words} (team default, no plan)"


def _reasons(row) -> str:
    return "; ".join(reason.text for reason in row.reasons)


def _last_reached(row) -> str:
    return row.last_reached_on.isoformat() if row.last_reached_on else "never reached"


def _milestone_when(row) -> str:
    if row.days_until < 0:
        return f"reached {_days(row.days_until)} ago, not yet celebrated"
    return "today" if row.days_until == 0 else f"in {_days(row.days_until)}"


CHECKIN_DUE_COLUMNS = (
        Column("Name", lambda r: r.name, 170),
        Column("Client ID", lambda r: r.client_id, 95),
        Column("Due", lambda r: r.due_on.isoformat(), 95),
        Column("", lambda r: _overdue_words(r.days_overdue), 120),
        Column("Cadence", _cadence_words, 190),
        Column("Last reached", _last_reached, 120),
    )

# Each section: its key in TodayData, its columns, and what Enter does (log a check-in or open).
SECTIONS: tuple[tuple[str, tuple[Column, ...], bool], ...] = (
    ("attention", (
        Column("Level", lambda r: label(r.level), 70),
        Column("Name", lambda r: r.name, 170),
        Column("Client ID", lambda r: r.client_id, 95),
        Column("Since", lambda r: r.since.isoformat(), 95),
        Column("Why", _reasons, 520),
    ), True),
    ("overdue", CHECKIN_DUE_COLUMNS, True),
    ("due", CHECKIN_DUE_COLUMNS, True),
    ("follow_ups", (
        Column("Name", lambda r: r.name, 170),
        Column("Client ID", lambda r: r.client_id, 95),
        Column("Follow-up due", lambda r: r.due_on.isoformat(), 110),
        Column("", lambda r: _overdue_words(r.days_overdue), 120),
        Column("Asked for on", lambda r: r.checked_in_on.isoformat(), 110),
    ), True),
    ("milestones", (
        Column("Name", lambda r: r.name, 170),
        Column("Client ID", lambda r: r.client_id, 95),
        Column("Milestone", lambda r: r.milestone.label, 100),
        Column("On", lambda r: r.milestone.on.isoformat(), 95),
        Column("", _milestone_when, 240),
    ), False),
    ("assessments", (
        Column("Name", lambda r: r.name, 170),
        Column("Client ID", lambda r: r.client_id, 95),
        Column("Instrument", lambda r: r.instrument, 100),
        Column("Due", lambda r: r.due_on.isoformat(), 95),
        Column("", lambda r: _overdue_words(r.days_overdue), 120),
    ), False),
)

def _level_tone(row) -> str | None:
    """Rows of the attention queue are tinted by their level (the other sections have none)."""
    return {WarningLevel.HIGH: "high", WarningLevel.WATCH: "watch"}.get(getattr(row, "level", None))


class SectionModel(RowsModel):
    """The rows of one Today section, shown through named columns."""

    def __init__(self, columns: tuple[Column, ...], parent: QObject | None = None):
        super().__init__(columns, parent, tone=_level_tone)


def section_table(model: SectionModel, columns: tuple[Column, ...], name: str) -> QTableView:
    """A read-only table of a section's rows, chosen a whole row at a time, columns at their widths."""
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for position, column in enumerate(columns):
        table.setColumnWidth(position, column.width)
    return table


def _heading(day: date) -> str:
    return f"Today · {day.strftime('%A %d %B %Y')}"


class SectionView(QGroupBox):
    """One section: a title with its count, its table, and what Enter does."""

    log_requested = Signal(int)
    open_requested = Signal(int)
    export_requested = Signal(object)  # the row

    def __init__(self, key: str, columns: tuple[Column, ...], enter_logs: bool, parent: QWidget | None = None):
        super().__init__(SECTION_TITLES[key], parent)
        self.key = key
        self.enter_logs = enter_logs
        self.model = SectionModel(columns, self)
        self.model.dark = is_dark(self)
        self.table = section_table(self.model, columns, f"today_{key}")
        self.table.doubleClicked.connect(lambda index: self._emit(self.open_requested, index.row()))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.installEventFilter(self)
        self.empty = QLabel()
        self.empty.setObjectName("emptyText")
        log_button = QPushButton("Log check-in…")
        log_button.clicked.connect(lambda: self._emit(self.log_requested, self._current_row()))
        open_button = QPushButton("Open record")
        open_button.clicked.connect(lambda: self._emit(self.open_requested, self._current_row()))
        buttons = QHBoxLayout()
        buttons.addWidget(self.empty, 1)
        buttons.addWidget(log_button)
        buttons.addWidget(open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def show_section(self, section) -> None:
        self.setTitle(f"{section.title} ({section.count})")
        self.model.set_rows(section.rows)
        visible = min(max(section.count, 1), 8)
        row_height = self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + visible * row_height + 4)
        self.table.setVisible(section.count > 0)
        self.empty.setText("" if section.count else "Nothing here today.")

    def _current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else 0

    def current_record(self):
        """The selected row's record, or None when nothing is selected."""
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _context_menu(self, position) -> None:
        index = self.table.indexAt(position)
        record = self.model.row_at(index.row()) if index.isValid() else None
        if record is None:
            return
        self.table.setCurrentIndex(index)
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction("Log check-in…", lambda: self.log_requested.emit(record.alumnus_id))
        menu.addAction("Open record", lambda: self.open_requested.emit(record.alumnus_id))
        menu.addSeparator()
        menu.addAction("Export PDF…", lambda: self.export_requested.emit(record))
        menu.popup(self.table.viewport().mapToGlobal(position))

    def _emit(self, signal, row: int) -> None:
        record = self.model.row_at(row)
        if record is not None:
            signal.emit(record.alumnus_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                opens = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier) or not self.enter_logs
                self._emit(self.open_requested if opens else self.log_requested, self._current_row())
                return True
        return super().eventFilter(watched, event)


class TodayPage(QWidget):
    open_requested = Signal(int)
    loaded = Signal()
    failed = Signal(str)
    check_in_logged = Signal(int)

    def __init__(self, context: AppContext, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.data: TodayData | None = None
        self._request = 0
        self.dialog: QDialog | None = None

        self.heading = QLabel(_heading(context.today()))
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.heading.setFont(font)
        self.status = QLabel()
        self.status.setObjectName("todayStatus")
        self.mine = QRadioButton("&My caseload")
        self.everyone = QRadioButton("&Everyone")
        scope = QButtonGroup(self)
        scope.addButton(self.mine)
        scope.addButton(self.everyone)
        has_caseload = context.acting_staff is not None
        self.mine.setEnabled(has_caseload)
        (self.mine if has_caseload else self.everyone).setChecked(True)
        self.mine.toggled.connect(lambda _checked: self.refresh())
        refresh = QPushButton("&Refresh")
        refresh.setToolTip("Load the lists again (F5)")
        refresh.setShortcut("F5")
        refresh.clicked.connect(self.refresh)

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.mine)
        top.addWidget(self.everyone)
        top.addWidget(refresh)

        self.sections: dict[str, SectionView] = {}
        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        for position, (key, columns, enter_logs) in enumerate(SECTIONS):
            view = SectionView(key, columns, enter_logs)
            view.log_requested.connect(self.log_check_in)
            view.open_requested.connect(self.open_requested)
            view.export_requested.connect(self.export_document)
            self.sections[key] = view
            grid.addWidget(view, position, 0)
        grid.setRowStretch(len(SECTIONS), 1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        self.setFocusProxy(self.sections["attention"].table)

    @property
    def caseworker_id(self) -> int | None:
        staff = self.context.acting_staff
        return staff.id if staff is not None and self.mine.isChecked() else None

    def refresh(self) -> None:
        self._request += 1
        request, caseworker_id = self._request, self.caseworker_id
        self.status.setText("Loading…")
        today_page = self.context.today_page
        self.runner.submit(self, lambda: today_page.load(caseworker_id),
                           lambda data: self._show(request, data), self._failed)

    def _failed(self, error: BaseException) -> None:
        message = f"Could not load today's lists: {error}"
        self.status.setText(message)
        self.failed.emit(message)

    def _show(self, request: int, data: TodayData) -> None:
        if request != self._request:
            return  # a newer refresh is on its way
        self.data = data
        self.heading.setText(_heading(data.today))
        for section in data.sections:
            self.sections[section.key].show_section(section)
        whose = "your caseload" if data.caseworker_id is not None else "everyone"
        self.status.setText(
            f"For {whose}. Enter logs a check-in · Ctrl+Enter or double-click opens the record."
        )
        self.loaded.emit()

    def selected(self):
        """The row selected in the section last used, or None."""
        focused = self.focusWidget()
        views = sorted(self.sections.values(), key=lambda view: view.table is not focused)
        return next((view.current_record() for view in views if view.current_record() is not None), None)

    def export_document(self, row=None, print_first: bool = False) -> QWidget | None:
        """The export dialog for a person on the page (the selected one unless given)."""
        # Imported here: the documents (reportlab, QtPdf) load when first asked for, not at start-up.
        from .export_dialog import Subject, open_export_dialog

        row = row or self.selected()
        if row is None:
            return None
        subject = Subject(row.alumnus_id, row.name, row.client_id)
        return open_export_dialog(self.context, self.runner, subject, self, print_first=print_first)

    def log_check_in(self, alumnus_id: int) -> None:
        from . import checkin_dialog  # loaded with the first check-in, not at start-up

        self.dialog = checkin_dialog.CheckInDialog(self.context, self.runner, alumnus_id, self)
        self.dialog.logged.connect(self._logged)
        # "Any use since last contact" goes on to record a return to use after the check-in.
        self.dialog.recurrence_recorded.connect(lambda _outcome: self.refresh())
        self.dialog.open()

    def _logged(self, check_in_id: int) -> None:
        self.check_in_logged.emit(check_in_id)
        self.refresh()

