"""The profile's check-ins panel: days sober and the next milestone, the mood and craving trend,
meeting attendance against the plan, and every check-in, newest first.

Everything the panel shows is read in one background job; the table model holds plain records and
formats a cell only when the view asks for it, so 500 check-ins open in a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..errors import AftercareError, ValidationFailed
from ..models.enums import CheckinOutcome, MeetingKind, label
from ..services.checkins import CheckInRecord, CheckInService, Trend, local_date
from ..services.context import AppContext
from ..services.meetings import MAX_NOTE, AttendanceRate, MeetingData, MeetingService
from ..services.sobriety import LIMITS, Milestone, SobrietyService, SobrietySummary
from .background import TaskRunner, show_failure
from .charts import ChartData, Series, TrendChart
from .checkin_dialog import CheckInDialog
from .recurrence_dialog import CorrectionDialog, RecurrenceDialog
from .widgets import DateField, EnumCombo, ErrorLabel, choice_row, error_color

TIMELINE_LIMIT = 500
TREND_DAYS = 180
# More daily points than this become weekly means: readable, and quick to draw.
TREND_MAX_POINTS = 60
ATTENDANCE_WEEKS = 4
NOT_ASKED = "—"

(COL_WHEN, COL_WHO, COL_METHOD, COL_OUTCOME, COL_MOOD, COL_CRAVING, COL_SIGNS, COL_FOLLOW_UP,
 COL_NOTES) = range(9)
HEADERS = ("When", "By", "Method", "Outcome", "Mood", "Craving", "Warning signs", "Follow-up", "Notes")
COLUMN_WIDTHS = (120, 120, 70, 95, 50, 60, 200, 130)  # the notes column takes what is left
IdRole = Qt.ItemDataRole.UserRole + 1
RecordRole = Qt.ItemDataRole.UserRole + 2


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _in_days(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days < 0:
        return f"{_plural(-days, 'day')} ago"
    return f"in {_plural(days, 'day')}"


class CheckInTimelineModel(QAbstractTableModel):
    """Check-ins newest first; cells are formatted on demand and cached per row."""

    def __init__(self, today: Callable[[], date], parent=None):
        super().__init__(parent)
        self._today = today
        self._rows: list[CheckInRecord] = []
        self._cache: dict[int, tuple[str, ...]] = {}

    def set_rows(self, records: list[CheckInRecord]) -> None:
        self.beginResetModel()
        self._rows = list(records)
        self._cache.clear()
        self.endResetModel()

    def record_at(self, row: int) -> CheckInRecord | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def replace_record(self, record: CheckInRecord) -> None:
        for row, current in enumerate(self._rows):
            if current.id == record.id:
                self._rows[row] = record
                self._cache.pop(row, None)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
                return

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def _texts(self, row: int) -> tuple[str, ...]:
        texts = self._cache.get(row)
        if texts is None:
            texts = self._cache[row] = self._format(self._rows[row])
        return texts

    def _follow_up_text(self, record: CheckInRecord) -> str:
        if record.follow_up_due is None:
            return ""
        if record.follow_up_done_at is not None:
            return f"Done {local_date(record.follow_up_done_at).isoformat()}"
        if record.follow_up_due < self._today():
            return f"Overdue since {record.follow_up_due.isoformat()}"
        return f"Due {record.follow_up_due.isoformat()}"

    def _format(self, record: CheckInRecord) -> tuple[str, ...]:
        reached = record.reached
        notes = (record.notes or "").split("\n", 1)[0]
        return (
            record.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            record.made_by or "",
            label(record.method),
            label(record.outcome) + (" · used" if record.used_since_last else ""),
            str(record.mood) if reached and record.mood is not None else NOT_ASKED,
            str(record.craving) if reached and record.craving is not None else NOT_ASKED,
            "; ".join(record.warning_signs),
            self._follow_up_text(record),
            notes,
        )

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts(index.row())[column]
        if role == IdRole:
            return record.id
        if role == RecordRole:
            return record
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_NOTES and record.notes:
                return record.notes
            if column == COL_SIGNS and record.warning_signs:
                return "\n".join(record.warning_signs)
            if column == COL_OUTCOME and record.used_since_last:
                return "Said they used since the last contact"
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_MOOD, COL_CRAVING):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == COL_FOLLOW_UP and record.follow_up_open and record.follow_up_due < self._today():
                return QColor("#b3261e")
            if column == COL_OUTCOME and record.outcome is not CheckinOutcome.REACHED:
                return QColor("#6b6b6b")
        return None


@dataclass(frozen=True)
class TimelineSnapshot:
    summary: SobrietySummary
    check_ins: list[CheckInRecord]
    trend: Trend
    rate: AttendanceRate
    per_week: int


def load_snapshot(checkins: CheckInService, sobriety: SobrietyService, meetings: MeetingService,
                  alumnus_id: int) -> TimelineSnapshot:
    return TimelineSnapshot(
        sobriety.summary(alumnus_id),
        checkins.timeline(alumnus_id, TIMELINE_LIMIT),
        checkins.trend(alumnus_id, TREND_DAYS, max_points=TREND_MAX_POINTS),
        meetings.attendance_rate(alumnus_id, ATTENDANCE_WEEKS),
        meetings.expected_per_week(alumnus_id),
    )


class MeetingDialog(QDialog):
    """Log one support meeting: attended or missed, self-reported or verified."""

    logged = Signal(object)  # MeetingRecord

    def __init__(self, context: AppContext, runner: TaskRunner, alumnus_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.context, self.runner, self.alumnus_id = context, runner, alumnus_id
        self.service = context.meetings
        self.setWindowTitle("Log meeting")
        self.met_on = DateField()
        self.met_on.setObjectName("met_on")
        self.met_on.set_date(context.today())
        self.kind = EnumCombo(MeetingKind, optional=False)
        self.kind.setObjectName("kind")
        self.attended = QRadioButton("A&ttended")
        self.missed = QRadioButton("M&issed")
        self.attended.setChecked(True)
        choice = choice_row(self, self.attended, self.missed)
        self.verified = QCheckBox("&Verified (e.g. a signed attendance sheet); otherwise self-reported")
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setMaxLength(MAX_NOTE)
        self.note.setPlaceholderText("optional, e.g. home group, spoke for the first time")
        self.errors = {"met_on": ErrorLabel(), "kind": ErrorLabel(), "note": ErrorLabel()}
        self.message = ErrorLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        form = QFormLayout(self)
        form.addRow("&Date", self.met_on)
        form.addRow("", self.errors["met_on"])
        form.addRow("&Meeting", self.kind)
        form.addRow("", self.errors["kind"])
        form.addRow("", choice)
        form.addRow("", self.verified)
        form.addRow("&Note", self.note)
        form.addRow("", self.errors["note"])
        form.addRow(self.message)
        form.addRow(buttons)
        for widget in (self.met_on, self.kind, self.note):
            form.labelForField(widget).setBuddy(widget)
        self.kind.setFocus()

    def save(self) -> None:
        for error in self.errors.values():
            error.show_message(None)
        try:
            met_on = self.met_on.date_value()
        except ValueError as exc:
            self.errors["met_on"].show_message(str(exc))
            return
        data = MeetingData(met_on, MeetingKind(self.kind.value()), self.attended.isChecked(), self.verified.isChecked(),
                           self.note.text())
        service, alumnus_id, actor = self.service, self.alumnus_id, self.context.actor
        self.save_button.setEnabled(False)
        self.runner.submit(self, lambda: service.log(alumnus_id, data, actor), self._saved, self._failed)

    def _saved(self, record) -> None:
        self.logged.emit(record)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationFailed):
            for problem in error.problems:
                self.errors.get(problem.field, self.message).show_message(problem.message)
        elif isinstance(error, AftercareError):
            self.message.show_message(str(error))
        else:
            show_failure(self, error)


class CelebrateDialog(QDialog):
    """Mark a milestone as celebrated: which one, when, how."""

    celebrated = Signal(object)  # CelebrationRecord

    def __init__(self, context: AppContext, runner: TaskRunner, alumnus_id: int, choices: tuple[Milestone, ...],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.context, self.runner, self.alumnus_id = context, runner, alumnus_id
        self.service = context.sobriety
        self.setWindowTitle("Mark milestone celebrated")
        self.setMinimumWidth(460)
        today = context.today()
        self.milestone = QComboBox()
        self.milestone.setObjectName("milestone")
        for milestone in choices:
            if milestone.on <= today:
                text = f"{milestone.label} — reached {milestone.on.isoformat()}"
            else:
                text = f"{milestone.label} — on {milestone.on.isoformat()} ({_in_days((milestone.on - today).days)})"
            self.milestone.addItem(text, milestone.key)
        self.celebrated_on = DateField()
        self.celebrated_on.setObjectName("celebrated_on")
        self.celebrated_on.set_date(today)
        self.how = QLineEdit()
        self.how.setObjectName("how")
        self.how.setMaxLength(LIMITS["how"])
        self.how.setPlaceholderText("e.g. coin at the alumni group, card from the team")
        self.message = ErrorLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        form = QFormLayout(self)
        form.addRow("&Milestone", self.milestone)
        form.addRow("&Celebrated on", self.celebrated_on)
        form.addRow("&How", self.how)
        form.addRow(self.message)
        form.addRow(buttons)
        for widget in (self.milestone, self.celebrated_on, self.how):
            form.labelForField(widget).setBuddy(widget)
        self.how.setFocus()

    def save(self) -> None:
        try:
            on = self.celebrated_on.date_value()
        except ValueError as exc:
            self.message.show_message(str(exc))
            return
        if on is None:
            self.message.show_message("Enter the day it was celebrated")
            return
        key, how = self.milestone.currentData(), self.how.text()
        service, alumnus_id, actor = self.service, self.alumnus_id, self.context.actor
        self.save_button.setEnabled(False)
        self.runner.submit(self, lambda: service.celebrate(alumnus_id, key, on, how, actor), self._saved,
                           self._failed)

    def _saved(self, record) -> None:
        self.celebrated.emit(record)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationFailed):
            self.message.show_message("; ".join(p.message for p in error.problems))
        elif isinstance(error, AftercareError):
            self.message.show_message(str(error))
        else:
            show_failure(self, error)


class TimelinePanel(QWidget):
    """Check-ins, sobriety and meetings of one alumnus, for the profile."""

    loaded = Signal()
    check_in_logged = Signal(int)
    # The sobriety date (and so the alumnus's row version) changed: the profile should reload.
    sobriety_changed = Signal(int)

    def __init__(self, context: AppContext, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.checkins = context.checkins
        self.sobriety = context.sobriety
        self.meetings = context.meetings
        self.alumnus_id: int | None = None
        self.snapshot: TimelineSnapshot | None = None
        self.active_dialog: QDialog | None = None
        self._request = 0
        self._build()

    # -- building ----------------------------------------------------------------------------------
    def _build(self) -> None:
        self.days_label = QLabel()
        self.days_label.setObjectName("daysSober")
        font = self.days_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.days_label.setFont(font)
        self.since_label = QLabel()
        self.since_label.setObjectName("soberSince")
        self.milestone_label = QLabel()
        self.milestone_label.setObjectName("nextMilestone")
        self.milestone_label.setWordWrap(True)
        self.celebrate_button = QPushButton("Mark &celebrated…")
        self.celebrate_button.clicked.connect(self.mark_celebrated)
        self.meetings_label = QLabel()
        self.meetings_label.setObjectName("meetingRate")
        self.meetings_label.setWordWrap(True)

        sober = QVBoxLayout()
        sober.setSpacing(2)
        sober.addWidget(self.days_label)
        sober.addWidget(self.since_label)
        milestone_box = QVBoxLayout()
        milestone_box.setSpacing(4)
        milestone_box.addWidget(self.milestone_label)
        celebrate_row = QHBoxLayout()
        celebrate_row.addWidget(self.celebrate_button)
        celebrate_row.addStretch(1)
        milestone_box.addLayout(celebrate_row)
        top = QHBoxLayout()
        top.addLayout(sober)
        separator = QFrame()
        separator.setFrameShape(QFrame.Shape.VLine)
        separator.setFrameShadow(QFrame.Shadow.Sunken)
        top.addWidget(separator)
        top.addLayout(milestone_box, 1)

        self.log_button = QPushButton("&Log check-in…")
        self.log_button.setObjectName("logCheckIn")
        self.log_button.clicked.connect(self.log_check_in)
        self.meeting_button = QPushButton("Log mee&ting…")
        self.meeting_button.clicked.connect(self.log_meeting)
        self.recurrence_button = QPushButton("Record return to &use…")
        self.recurrence_button.clicked.connect(self.record_recurrence)
        self.correct_button = QPushButton("Correct sobriety &date…")
        self.correct_button.clicked.connect(self.correct_date)
        self.follow_up_button = QPushButton("Follow-up do&ne")
        self.follow_up_button.setToolTip("Mark the selected check-in's follow-up as done")
        self.follow_up_button.clicked.connect(self.complete_follow_up)
        actions = QHBoxLayout()
        for button in (self.log_button, self.meeting_button, self.recurrence_button, self.correct_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.follow_up_button)

        self.mood_chart = TrendChart("Mood (1 very low – 5 very good)")
        self.mood_chart.setObjectName("moodChart")
        self.craving_chart = TrendChart("Craving (0 none – 10 severe)")
        self.craving_chart.setObjectName("cravingChart")
        charts = QHBoxLayout()
        charts.addWidget(self.mood_chart)
        charts.addWidget(self.craving_chart)

        self.model = CheckInTimelineModel(self.context.today, self)
        self.table = QTableView()
        self.table.setObjectName("checkInTimeline")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        # Fixed widths: measuring 500 rows' contents would cost more than loading them.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("timelineEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty_label.setContentsMargins(12, 32, 12, 12)
        self.empty_label.setWordWrap(True)
        self.empty_label.setText("No check-ins yet.\nLog the first one with “Log check-in…” (Alt+L).")
        self.timeline_stack = QStackedWidget()
        self.timeline_stack.addWidget(self.table)
        self.timeline_stack.addWidget(self.empty_label)

        self.message = ErrorLabel()
        self.message.setObjectName("panelMessage")
        timeline_title = QLabel("Check-ins")
        bold = timeline_title.font()
        bold.setBold(True)
        timeline_title.setFont(bold)
        self.count_label = QLabel()
        self.count_label.setObjectName("checkInCount")
        timeline_header = QHBoxLayout()
        timeline_header.addWidget(timeline_title)
        timeline_header.addWidget(self.count_label, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.meetings_label)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addLayout(charts)
        layout.addLayout(timeline_header)
        layout.addWidget(self.timeline_stack, 1)
        self._set_enabled(False)

    def _set_enabled(self, enabled: bool) -> None:
        for button in (self.log_button, self.meeting_button, self.recurrence_button, self.correct_button):
            button.setEnabled(enabled)
        self.celebrate_button.setEnabled(enabled and bool(self.snapshot and self.snapshot.summary.to_celebrate))
        self._update_buttons()

    # -- loading -----------------------------------------------------------------------------------
    def show_alumnus(self, alumnus) -> None:
        """Show an alumnus given by id or by a loaded record (anything with an `id`)."""
        alumnus_id = getattr(alumnus, "id", alumnus)
        if alumnus_id != self.alumnus_id:
            self.snapshot = None
            self.model.set_rows([])
        self.alumnus_id = alumnus_id
        self.reload()

    def reload(self) -> None:
        if self.alumnus_id is None:
            return
        self._request += 1
        request, alumnus_id = self._request, self.alumnus_id
        checkins, sobriety, meetings = self.checkins, self.sobriety, self.meetings
        self._set_enabled(False)
        self.runner.submit(self, lambda: load_snapshot(checkins, sobriety, meetings, alumnus_id),
                           lambda snapshot: self._show(request, snapshot), self._failed)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, AftercareError):
            self.message.show_message(str(error))
        else:
            show_failure(self, error)

    def _show(self, request: int, snapshot: TimelineSnapshot) -> None:
        if request != self._request:
            return  # an older answer, for someone else or from before a change
        self.snapshot = snapshot
        self.message.show_message(None)
        self._show_summary(snapshot.summary)
        self._show_meetings(snapshot.rate, snapshot.per_week)
        self._show_trend(snapshot.trend)
        selected = self._selected()
        self.model.set_rows(snapshot.check_ins)
        count = len(snapshot.check_ins)
        self.count_label.setText(
            "" if not count else
            f"· newest {TIMELINE_LIMIT} shown" if count >= TIMELINE_LIMIT else f"· {_plural(count, 'check-in')}")
        self.timeline_stack.setCurrentWidget(self.table if count else self.empty_label)
        if selected is not None:
            for row in range(count):
                if snapshot.check_ins[row].id == selected.id:
                    self.table.selectRow(row)
                    break
        self._set_enabled(True)
        self.loaded.emit()

    def _show_summary(self, summary: SobrietySummary) -> None:
        today = self.context.today()
        self.correct_button.setText("Correct sobriety &date…" if summary.start else "Set sobriety &date…")
        if summary.start is None:
            self.days_label.setText("No sobriety date")
            self.since_label.setText("Set it with “Set sobriety date…”.")
            self.milestone_label.setText("Milestones are counted once a sobriety date is on record.")
            self.celebrate_button.hide()
            return
        self.days_label.setText(_plural(summary.days_sober, "day") + " sober")
        since = f"since {summary.start.isoformat()}"
        if summary.start > today:
            since = f"counting from {summary.start.isoformat()} (the day after the return to use)"
        if summary.last_recurrence is not None:
            since += f" · last return to use {summary.last_recurrence.occurred_on.isoformat()}"
        self.since_label.setText(since)
        progress = summary.progress
        parts = [f"Next milestone: <b>{progress.next.label}</b> on {progress.next.on.isoformat()} "
                 f"({_in_days((progress.next.on - today).days)})"]
        waiting = [m for m in summary.to_celebrate if m.on <= today]
        if waiting:
            parts.append(f"{waiting[0].label} reached on {waiting[0].on.isoformat()} — not celebrated yet")
        elif summary.celebrated:
            last = summary.celebrated[0]
            parts.append(f"Last celebrated: {last.label} on {last.celebrated_on.isoformat()}")
        self.milestone_label.setText("<br>".join(parts))
        self.celebrate_button.setVisible(bool(summary.to_celebrate))

    def _show_meetings(self, rate: AttendanceRate, per_week: int) -> None:
        window = f"in the last {ATTENDANCE_WEEKS} weeks"
        if per_week:
            text = (f"Meetings: <b>{rate.attended} of {rate.expected}</b> expected {window} "
                    f"(plan: {_plural(per_week, 'meeting')} a week)")
            if rate.expected and rate.attended < rate.expected:
                text = text.replace("<b>", f"<b style='color:{error_color(self)}'>")
        elif rate.attended:
            text = f"Meetings: {_plural(rate.attended, 'meeting')} attended {window} (the plan sets no number a week)"
        else:
            text = "Meetings: none logged yet, and no support meetings in an active aftercare plan."
        self.meetings_label.setText(text)

    def _show_trend(self, trend: Trend) -> None:
        empty = f"No mood recorded in the last {TREND_DAYS // 30} months"
        name = "weekly average" if trend.weekly else "by day"
        self.mood_chart.set_data(ChartData([Series(f"Mood, {name}", trend.mood, "#1f77b4")], y_min=1, y_max=5,
                                           empty_text=empty))
        self.craving_chart.set_data(ChartData([Series(f"Craving, {name}", trend.craving, "#d62728")], y_min=0,
                                              y_max=10, empty_text=empty.replace("mood", "craving")))

    # -- actions -----------------------------------------------------------------------------------
    def _selected(self) -> CheckInRecord | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.record_at(index.row()) if index.isValid() else None

    def _update_buttons(self, *_args) -> None:
        record = self._selected()
        self.follow_up_button.setEnabled(bool(record and record.follow_up_open))

    def _open(self, dialog: QDialog) -> QDialog:
        self.active_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        dialog.open()
        dialog.activateWindow()
        return dialog

    def _dialog_closed(self, dialog: QDialog) -> None:
        if self.active_dialog is dialog:
            self.active_dialog = None

    def log_check_in(self) -> CheckInDialog | None:
        if self.alumnus_id is None:
            return None
        dialog = CheckInDialog(self.context, self.runner, self.alumnus_id, self)
        dialog.logged.connect(self.check_in_logged)
        dialog.logged.connect(lambda _id: self.reload())
        dialog.recurrence_recorded.connect(lambda _outcome: self._sobriety_moved())
        return self._open(dialog)

    def log_meeting(self) -> MeetingDialog | None:
        if self.alumnus_id is None:
            return None
        dialog = MeetingDialog(self.context, self.runner, self.alumnus_id, self)
        dialog.logged.connect(lambda _record: self.reload())
        return self._open(dialog)

    def record_recurrence(self) -> RecurrenceDialog | None:
        if self.alumnus_id is None:
            return None
        dialog = RecurrenceDialog(self.context, self.runner, self.alumnus_id, parent=self)
        dialog.recorded.connect(lambda _outcome: self._sobriety_moved())
        return self._open(dialog)

    def correct_date(self) -> CorrectionDialog | None:
        if self.alumnus_id is None:
            return None
        dialog = CorrectionDialog(self.context, self.runner, self.alumnus_id, self)
        dialog.corrected.connect(lambda _outcome: self._sobriety_moved())
        return self._open(dialog)

    def mark_celebrated(self) -> CelebrateDialog | None:
        if self.alumnus_id is None or self.snapshot is None or not self.snapshot.summary.to_celebrate:
            return None
        dialog = CelebrateDialog(self.context, self.runner, self.alumnus_id, self.snapshot.summary.to_celebrate, self)
        dialog.celebrated.connect(lambda _record: self.reload())
        return self._open(dialog)

    def complete_follow_up(self) -> None:
        record = self._selected()
        if record is None or not record.follow_up_open:
            return
        service, actor = self.checkins, self.context.actor
        self.follow_up_button.setEnabled(False)
        self.runner.submit(self, lambda: service.complete_follow_up(record.id, actor), self._follow_up_done,
                           self._failed)

    def _follow_up_done(self, record: CheckInRecord) -> None:
        self.model.replace_record(record)
        self._update_buttons()

    def _sobriety_moved(self) -> None:
        self.reload()
        if self.alumnus_id is not None:
            self.sobriety_changed.emit(self.alumnus_id)
