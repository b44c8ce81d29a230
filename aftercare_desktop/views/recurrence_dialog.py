"""Recording a return to use, and — a different action — correcting a wrong sobriety date.

A recurrence is part of many people's recovery: the dialog records it as an event with the response
agreed, moves the sobriety date to the day after, and keeps everything that came before. A
correction only fixes a date that was wrong; it records no recurrence and needs a reason.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..errors import AftercareError, ConcurrentEditError, ValidationFailed
from ..models.enums import RecurrenceKind
from ..services.context import AppContext
from ..services.sobriety import LIMITS, CorrectionOutcome, RecurrenceOutcome, SobrietySummary
from ..services.validation import Problem
from .background import TaskRunner, show_failure
from .widgets import DateField, ErrorLabel

LAPSE_TEXT = "A brief return to use that was quickly stopped."
RELAPSE_TEXT = "A return to a pattern of use, more than a single episode."


def _today(context: AppContext) -> date:
    return context.today()


def _describe_start(start: date | None, today: date) -> str:
    if start is None:
        return "No sobriety date on record"
    days = max((today - start).days, 0)
    return f"{start.isoformat()} ({days} {'day' if days == 1 else 'days'} sober)"


def _bold(label: QLabel) -> QLabel:
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class _SobrietyDialog(QDialog):
    """What both dialogs share: loading the current date and row version, inline messages, saving."""

    def __init__(self, context: AppContext, runner: TaskRunner, alumnus_id: int, parent: QWidget | None):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.alumnus_id = alumnus_id
        self.service = context.sobriety
        self.summary: SobrietySummary | None = None
        self.errors: dict[str, ErrorLabel] = {}
        self.message = ErrorLabel()
        self.message.setObjectName("dialogMessage")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.save)
        self._saving = False

    def _error(self, name: str) -> ErrorLabel:
        label = ErrorLabel()
        label.setObjectName(f"error_{name}")
        self.errors[name] = label
        return label

    @staticmethod
    def _labelled(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def _with_error(self, widget: QWidget, name: str) -> QWidget:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(self._error(name))
        return holder

    def load(self) -> None:
        self.runner.submit(self, lambda: self.service.summary(self.alumnus_id), self._loaded, self._failed)

    def _loaded(self, summary: SobrietySummary) -> None:
        self.summary = summary
        self.save_button.setEnabled(True)
        self._show_summary(summary)

    def _show_summary(self, summary: SobrietySummary) -> None:
        raise NotImplementedError

    def _show_problems(self, problems) -> None:
        for label in self.errors.values():
            label.show_message(None)
        general = []
        for problem in problems:
            label = self.errors.get(problem.field)
            if label is not None and not label.text():
                label.show_message(problem.message)
            elif label is None:
                general.append(problem.message)
        self.message.show_message("; ".join(general) or None)

    def _failed(self, error: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(self.summary is not None)
        if isinstance(error, ValidationFailed):
            self._show_problems(error.problems)
        elif isinstance(error, ConcurrentEditError):
            self.message.show_message(
                "Someone changed this record while the dialog was open. The current sobriety date is shown "
                "again; check it and save again.")
            self.load()
        elif isinstance(error, AftercareError):
            self.message.show_message(str(error))
        else:
            show_failure(self, error)

    def save(self) -> None:
        if self._saving or self.summary is None:
            return
        work = self._work()
        if work is None:
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.message.show_message(None)
        self.runner.submit(self, work, self._saved, self._failed)

    def _work(self):
        raise NotImplementedError

    def _saved(self, outcome) -> None:
        raise NotImplementedError


class RecurrenceDialog(_SobrietyDialog):
    """Record a lapse or relapse. Emits `recorded(RecurrenceOutcome)` after saving."""

    recorded = Signal(object)

    def __init__(self, context: AppContext, runner: TaskRunner, alumnus_id: int, *, occurred_on: date | None = None,
                 check_in_id: int | None = None, parent: QWidget | None = None):
        super().__init__(context, runner, alumnus_id, parent)
        self.check_in_id = check_in_id
        self.setWindowTitle("Record a return to use")
        self.setMinimumWidth(620)

        intro = QLabel(
            "A return to use is recorded as an event with the response agreed. The sobriety date moves to the "
            "day after it; earlier dates, milestones and check-ins all stay on record.")
        intro.setWordWrap(True)
        self.current = QLabel()
        self.current.setObjectName("currentDate")
        self.occurred_on = DateField()
        self.occurred_on.setObjectName("occurred_on")
        self.occurred_on.set_date(occurred_on or _today(context))
        self.occurred_on.textChanged.connect(self._update_preview)
        self.preview = QLabel()
        self.preview.setObjectName("newDatePreview")
        self.substance = QLineEdit()
        self.substance.setObjectName("substance")
        self.substance.setMaxLength(LIMITS["substance"])
        self.substance.setPlaceholderText("e.g. alcohol")

        self.lapse = QRadioButton("&Lapse")
        self.relapse = QRadioButton("Rela&pse")
        self.kind_group = QButtonGroup(self)
        for button, text in ((self.lapse, LAPSE_TEXT), (self.relapse, RELAPSE_TEXT)):
            self.kind_group.addButton(button)
            button.setToolTip(text)
        kinds = QVBoxLayout()
        kinds.setSpacing(2)
        for button, text in ((self.lapse, LAPSE_TEXT), (self.relapse, RELAPSE_TEXT)):
            row = QHBoxLayout()
            row.addWidget(button)
            hint = QLabel(text)
            hint.setWordWrap(True)
            hint.setEnabled(False)  # the palette's quieter text colour
            row.addWidget(hint, 1)
            kinds.addLayout(row)
        kinds_holder = QWidget()
        kinds_holder.setLayout(kinds)
        kinds.setContentsMargins(0, 0, 0, 0)

        self.response_plan = QPlainTextEdit()
        self.response_plan.setObjectName("response_plan")
        self.response_plan.setTabChangesFocus(True)
        self.response_plan.setPlaceholderText(
            "What was agreed, e.g. daily calls with sponsor for two weeks, back to three meetings a week, "
            "medication review booked")
        self.response_plan.setFixedHeight(self.response_plan.fontMetrics().lineSpacing() * 4 + 12)

        correction_hint = QLabel("Only fixing a date that was entered wrong? Close this and use "
                                 "“Correct sobriety date…”: that records no return to use.")
        correction_hint.setWordWrap(True)
        correction_hint.setEnabled(False)

        form = QFormLayout()
        form.addRow("Sobriety date now", self.current)
        form.addRow(self._labelled("&Date of use", self.occurred_on), self._with_error(self.occurred_on, "occurred_on"))
        form.addRow("New sobriety date", self.preview)
        form.addRow(self._labelled("&Substance", self.substance), self._with_error(self.substance, "substance"))
        form.addRow("Kind", self._with_error(kinds_holder, "kind"))
        form.addRow(self._labelled("&Response plan", self.response_plan),
                    self._with_error(self.response_plan, "response_plan"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(correction_hint)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.occurred_on.setFocus()
        self.load()

    def _show_summary(self, summary: SobrietySummary) -> None:
        self.setWindowTitle(f"Record a return to use — {summary.name}")
        self.current.setText(_describe_start(summary.start, _today(self.context)))
        self._update_preview()

    def _update_preview(self) -> None:
        try:
            occurred = self.occurred_on.date_value()
        except ValueError:
            occurred = None
        start = self.summary.start if self.summary else None
        if occurred is None:
            self.preview.setText("—")
        elif start is not None and occurred + timedelta(days=1) <= start:
            self.preview.setText(f"Stays {start.isoformat()} (this was before the current sobriety date)")
        else:
            self.preview.setText(f"{(occurred + timedelta(days=1)).isoformat()} — counting starts again "
                                 "the day after")

    def kind(self) -> RecurrenceKind | None:
        if self.lapse.isChecked():
            return RecurrenceKind.LAPSE
        if self.relapse.isChecked():
            return RecurrenceKind.RELAPSE
        return None

    def _work(self):
        problems = []
        try:
            occurred = self.occurred_on.date_value()
        except ValueError as exc:
            occurred = None
            problems.append(("occurred_on", str(exc)))
        else:
            if occurred is None:
                problems.append(("occurred_on", "Enter the date of the return to use"))
        kind = self.kind()
        if kind is None:
            problems.append(("kind", "Choose lapse or relapse"))
        if problems:
            self._show_problems([Problem(name, message) for name, message in problems])
            return None
        self._show_problems([])
        summary, actor = self.summary, self.context.actor
        substance, plan = self.substance.text(), self.response_plan.toPlainText()
        return lambda: self.service.record_recurrence(
            self.alumnus_id, summary.row_version, occurred, substance, kind, plan, actor, self.check_in_id)

    def _saved(self, outcome: RecurrenceOutcome) -> None:
        self._saving = False
        self.recorded.emit(outcome)
        self.accept()


class CorrectionDialog(_SobrietyDialog):
    """Fix a wrong sobriety date, with a reason. Emits `corrected(CorrectionOutcome)` after saving."""

    corrected = Signal(object)

    def __init__(self, context: AppContext, runner: TaskRunner, alumnus_id: int, parent: QWidget | None = None):
        super().__init__(context, runner, alumnus_id, parent)
        self.setWindowTitle("Correct sobriety date")
        self.setMinimumWidth(480)
        self.intro = intro = QLabel(
            "Use this when the date on record is wrong — a typo, or a date learned later. "
            "<b>This is not a return to use</b>: no recurrence is recorded. The old date stays in the "
            "history with your reason.")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.current = _bold(QLabel())
        self.current.setObjectName("currentDate")
        self.new_date = DateField()
        self.new_date.setObjectName("new_date")
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setMaxLength(LIMITS["reason"])
        self.reason.setPlaceholderText("e.g. the discharge date was entered by mistake")
        form = QFormLayout()
        form.addRow("Date on record", self.current)
        self.date_label = self._labelled("&Correct date", self.new_date)
        form.addRow(self.date_label, self._with_error(self.new_date, "new_date"))
        form.addRow(self._labelled("&Reason (required)", self.reason), self._with_error(self.reason, "reason"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.new_date.setFocus()
        self.load()

    def _show_summary(self, summary: SobrietySummary) -> None:
        self.setWindowTitle(f"Correct sobriety date — {summary.name}")
        self.current.setText(_describe_start(summary.start, _today(self.context)))
        if summary.start is None:
            self.setWindowTitle(f"Set sobriety date — {summary.name}")
            self.intro.setText("No sobriety date is on record yet. Enter the first day without use, as they "
                               "tell it. This is not a return to use; the reason goes into the history.")
            self.date_label.setText("&Sobriety date")
            self.reason.setPlaceholderText("e.g. told us at the first check-in")

    def _work(self):
        problems = []
        try:
            new_date = self.new_date.date_value()
        except ValueError as exc:
            new_date = None
            problems.append(Problem("new_date", str(exc)))
        else:
            if new_date is None:
                problems.append(Problem("new_date", "Enter the correct sobriety date"))
        if not self.reason.text().strip():
            problems.append(Problem("reason", "Say why the date is being corrected"))
        self._show_problems(problems)
        if problems:
            return None
        summary, actor, reason = self.summary, self.context.actor, self.reason.text()
        return lambda: self.service.correct_sobriety_date(self.alumnus_id, summary.row_version, new_date, reason,
                                                         actor)

    def _saved(self, outcome: CorrectionOutcome) -> None:
        self._saving = False
        self.corrected.emit(outcome)
        self.accept()
