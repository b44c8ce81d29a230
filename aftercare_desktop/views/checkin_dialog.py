"""Quick entry of one check-in, from the keyboard, in well under 30 seconds.

The dialog opens on the outcome with the time set to now, the acting staff member as the caller and
"Call" as the method. Digits set mood and craving, Enter (or Ctrl+Enter, also in the notes) saves,
Esc cancels — asking first if something was typed. "Any use since last contact? Yes" opens the
return-to-use dialog after the check-in is saved.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDateTime, QRectF, Qt, Signal
from PySide6.QtGui import QKeySequence, QPainter, QPalette, QPen, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..errors import AftercareError, ValidationFailed
from ..models.enums import CheckinMethod, CheckinOutcome
from ..services.checkins import (
    CRAVING_RANGE,
    MAX_MEETINGS,
    MAX_NOTES,
    MOOD_RANGE,
    CheckInData,
    CheckInRecord,
    WarningSignChoice,
    local_date,
    now_on,
)
from ..services.context import AppContext
from ..services.records import StaffRecord
from ..services.validation import Problem
from .background import TaskRunner, show_failure
from .recurrence_dialog import RecurrenceDialog
from .widgets import DateField, EnumCombo, ErrorLabel

TITLE = "Aftercare Desktop"
USE_CHOICES = (("Not asked", None), ("No", False), ("Yes", True))
FOLLOW_UP_DEFAULT_DAYS = 1


def confirm_discard(parent: QWidget | None) -> bool:
    """Esc with something typed: really throw the check-in away? (Tests replace this.)"""
    answer = QMessageBox.question(
        parent, TITLE, "Discard this check-in? What you typed will not be saved.",
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Discard


class ScaleInput(QWidget):
    """A row of numbered buttons. With focus: a digit picks a value ("1" then "0" is 10), arrows
    step, Delete clears. Tab and Enter go on to the dialog."""

    changed = Signal()

    def __init__(self, low: int, high: int, low_hint: str, high_hint: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.low, self.high = low, high
        self._value: int | None = None
        self._after_one = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        # The chosen number must stand out at a glance, on the light and the dark scheme alike.
        self.setStyleSheet(
            "QToolButton { padding: 2px 6px; border: 1px solid palette(mid); border-radius: 3px; }"
            "QToolButton:checked { background: palette(highlight); color: palette(highlighted-text);"
            " border-color: palette(highlight); font-weight: bold; }"
            "QToolButton:disabled { color: palette(mid); }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 3, 4, 3)
        layout.setSpacing(3)
        low_label = QLabel(low_hint)
        low_label.setEnabled(False)
        layout.addWidget(low_label)
        self.buttons: dict[int, QToolButton] = {}
        for number in range(low, high + 1):
            button = QToolButton()
            button.setText(str(number))
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance("10") + 16)
            button.clicked.connect(lambda _checked=False, n=number: self._clicked(n))
            self.buttons[number] = button
            layout.addWidget(button)
        high_label = QLabel(high_hint)
        high_label.setEnabled(False)
        layout.addWidget(high_label)
        layout.addStretch(1)

    def value(self) -> int | None:
        return self._value

    def set_value(self, value: int | None) -> None:
        if value is not None and not self.low <= value <= self.high:
            return
        if value == self._value:
            return
        self._value = value
        for number, button in self.buttons.items():
            button.setChecked(number == value)
        self.changed.emit()

    def _clicked(self, number: int) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.set_value(None if self._value == number else number)

    def keyPressEvent(self, event) -> None:
        text = event.text()
        plain = not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        if plain and len(text) == 1 and text.isdigit():
            digit = int(text)
            value = 10 if self.high >= 10 and self._after_one and digit == 0 else digit
            self._after_one = digit == 1
            self.set_value(value)
            event.accept()
            return
        self._after_one = False
        key = event.key()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Down, Qt.Key.Key_Minus):
            self.set_value(self.low if self._value is None else max(self._value - 1, self.low))
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Plus):
            self.set_value(self.low if self._value is None else min(self._value + 1, self.high))
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.set_value(None)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def focusInEvent(self, event) -> None:
        self._after_one = False
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.update()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.hasFocus():
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2))
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 4, 4)


class CheckInDialog(QDialog):
    """Log one check-in with an alumnus. Emits `logged(check_in_id)` once it is saved."""

    logged = Signal(int)
    recurrence_recorded = Signal(object)  # RecurrenceOutcome, when "any use" led to one

    def __init__(self, context: AppContext, runner: TaskRunner, alumnus_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.alumnus_id = alumnus_id
        self.service = context.checkins
        self.saved_record: CheckInRecord | None = None
        self.recurrence_dialog: RecurrenceDialog | None = None
        self.errors: dict[str, ErrorLabel] = {}
        self.sign_boxes: list[tuple[QCheckBox, WarningSignChoice]] = []
        self._loaded = False
        self._saving = False
        self.setWindowTitle("Log check-in")
        self._build()
        self._initial = self._state()
        self.outcome.setFocus()
        self.runner.submit(self, self._load_work(), self._loaded_info, self._load_failed)

    # -- building ----------------------------------------------------------------------------------
    def _error(self, name: str) -> ErrorLabel:
        label = ErrorLabel()
        label.setObjectName(f"error_{name}")
        self.errors[name] = label
        return label

    def _row(self, form: QFormLayout, caption: str, widget: QWidget, name: str) -> QLabel:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        box.addWidget(widget)
        box.addWidget(self._error(name))
        label = QLabel(caption)
        label.setBuddy(widget)
        form.addRow(label, holder)
        return label

    def _build(self) -> None:
        today = self.context.today()
        self.heading = QLabel("Check-in")
        self.heading.setObjectName("checkinHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)

        self.when = QDateTimeEdit()
        self.when.setObjectName("when")
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setCalendarPopup(True)
        self.when.setDateTime(QDateTime(now_on(self.context.today)().replace(second=0, microsecond=0, tzinfo=None)))
        self.who = QComboBox()
        self.who.setObjectName("who")
        acting = self.context.acting_staff
        if acting is not None:
            self.who.addItem(acting.display_name, acting.id)
        else:
            self.who.addItem("Choose…", None)
        self.method = EnumCombo(CheckinMethod, optional=False)
        self.method.setObjectName("method")
        self.method.set_value(CheckinMethod.CALL)
        self.outcome = EnumCombo(CheckinOutcome, optional=False)
        self.outcome.setObjectName("outcome")
        self.outcome.set_value(CheckinOutcome.REACHED)
        self.outcome.currentIndexChanged.connect(self._outcome_changed)

        self.mood = ScaleInput(*MOOD_RANGE, "very low", "very good")
        self.mood.setObjectName("mood")
        self.craving = ScaleInput(*CRAVING_RANGE, "none", "severe")
        self.craving.setObjectName("craving")
        self.used = QComboBox()
        self.used.setObjectName("used_since_last")
        for text, value in USE_CHOICES:
            self.used.addItem(text, value)
        self.used.currentIndexChanged.connect(self._used_changed)
        self.used_hint = QLabel("After saving, the return-to-use form opens.")
        self.used_hint.setEnabled(False)
        self.used_hint.hide()
        used_row = QWidget()
        used_layout = QHBoxLayout(used_row)
        used_layout.setContentsMargins(0, 0, 0, 0)
        used_layout.addWidget(self.used)
        used_layout.addWidget(self.used_hint, 1)
        used_layout.addStretch(0)
        self.meetings = QSpinBox()
        self.meetings.setObjectName("meetings_attended")
        self.meetings.setRange(-1, MAX_MEETINGS)
        self.meetings.setSpecialValueText("Not asked")
        self.meetings.setValue(-1)
        self.meetings.setMinimumWidth(self.meetings.fontMetrics().horizontalAdvance("Not asked") + 40)

        self.signs_box = QGroupBox("Warning signs noticed")
        self.signs_layout = QGridLayout(self.signs_box)
        self.signs_layout.setHorizontalSpacing(18)
        self.signs_layout.setVerticalSpacing(2)

        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText("What you talked about, what they asked for (Ctrl+Enter saves)")
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 3 + 14)
        self.notes.textChanged.connect(self._notes_changed)
        self.notes_count = QLabel()
        self.notes_count.setEnabled(False)

        self.follow_up = QCheckBox("&Follow-up needed by")
        self.follow_up.setObjectName("follow_up")
        self.follow_up_due = DateField()
        self.follow_up_due.setObjectName("follow_up_due")
        self.follow_up_due.set_date(today + timedelta(days=FOLLOW_UP_DEFAULT_DAYS))
        self.follow_up_due.setEnabled(False)
        self.follow_up_due.setMaximumWidth(self.follow_up_due.fontMetrics().horizontalAdvance("0000-00-00") + 40)
        self.follow_up.toggled.connect(self.follow_up_due.setEnabled)

        self.message = ErrorLabel()
        self.message.setObjectName("checkinMessage")
        self.info = QLabel()
        self.info.setObjectName("checkinInfo")
        self.info.hide()
        self.hint = QLabel("Digits set mood and craving · Enter saves · Esc cancels")
        self.hint.setEnabled(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.save_button.setAutoDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.save)

        top = QFormLayout()
        top.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        when_row = QWidget()
        when_layout = QHBoxLayout(when_row)
        when_layout.setContentsMargins(0, 0, 0, 0)
        when_layout.addWidget(self.when)
        who_label = QLabel("&By")
        who_label.setBuddy(self.who)
        when_layout.addWidget(who_label)
        when_layout.addWidget(self.who, 1)
        method_label = QLabel("&Method")
        method_label.setBuddy(self.method)
        when_layout.addWidget(method_label)
        when_layout.addWidget(self.method)
        self._row(top, "&When", when_row, "occurred_at")
        self.errors["who"] = self.errors["method"] = self.errors["occurred_at"]
        self._row(top, "&Outcome", self.outcome, "outcome")
        self.reached_labels = [
            self._row(top, "Moo&d (1–5)", self.mood, "mood"),
            self._row(top, "C&raving (0–10)", self.craving, "craving"),
            self._row(top, "Any &use since last contact?", used_row, "used_since_last"),
            self._row(top, "Meetings since last &contact", self.meetings, "meetings_attended"),
        ]

        notes_holder = QWidget()
        notes_layout = QVBoxLayout(notes_holder)
        notes_layout.setContentsMargins(0, 0, 0, 0)
        notes_layout.setSpacing(1)
        notes_layout.addWidget(self.notes)
        notes_layout.addWidget(self.notes_count, 0, Qt.AlignmentFlag.AlignRight)
        notes_layout.addWidget(self._error("notes"))
        bottom = QFormLayout()
        bottom.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        notes_label = QLabel("&Notes")
        notes_label.setBuddy(self.notes)
        bottom.addRow(notes_label, notes_holder)
        follow_row = QWidget()
        follow_layout = QHBoxLayout(follow_row)
        follow_layout.setContentsMargins(0, 0, 0, 0)
        follow_layout.addWidget(self.follow_up)
        follow_layout.addWidget(self.follow_up_due)
        follow_layout.addStretch(1)
        follow_holder = QWidget()
        follow_box = QVBoxLayout(follow_holder)
        follow_box.setContentsMargins(0, 0, 0, 0)
        follow_box.addWidget(follow_row)
        follow_box.addWidget(self._error("follow_up_due"))
        bottom.addRow("", follow_holder)

        footer = QHBoxLayout()
        footer.addWidget(self.hint, 1)
        footer.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(top)
        layout.addWidget(self.signs_box)
        layout.addWidget(self._error("warning_signs"))
        layout.addLayout(bottom)
        layout.addWidget(self.message)
        layout.addWidget(self.info)
        layout.addLayout(footer)
        self.setMinimumWidth(720)
        narrow = self.fontMetrics().horizontalAdvance("Left message") + 60
        for widget in (self.outcome, self.used, self.meetings):
            widget.setFixedWidth(narrow)
        self._fill_signs([])
        self._notes_changed()

    def _fill_signs(self, choices: list[WarningSignChoice]) -> None:
        checked = {box.text() for box, _ in self.sign_boxes if box.isChecked()}
        while self.signs_layout.count():
            item = self.signs_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.sign_boxes.clear()
        row = 0
        personal = [c for c in choices if c.personal]
        standard = [c for c in choices if not c.personal]
        for caption, group in (("Their own words (from the plan)", personal), ("Common signs", standard)):
            if not group:
                continue
            heading = QLabel(caption)
            heading.setEnabled(False)
            self.signs_layout.addWidget(heading, row, 0, 1, 2)
            row += 1
            for position, choice in enumerate(group):
                text = f"“{choice.text}”" if choice.personal else choice.text
                box = QCheckBox(text.replace("&", "&&"))
                box.setChecked(box.text() in checked)
                box.setToolTip("In their own words, from the aftercare plan" if choice.personal else "")
                self.sign_boxes.append((box, choice))
                self.signs_layout.addWidget(box, row + position // 2, position % 2)
            row += (len(group) + 1) // 2
        if not choices:
            waiting = QLabel("Loading…")
            waiting.setEnabled(False)
            self.signs_layout.addWidget(waiting, 0, 0)
        # Keep the tab order top to bottom: the outcome block, the signs, then notes and follow-up.
        previous: QWidget = self.meetings
        for box, _ in self.sign_boxes:
            QWidget.setTabOrder(previous, box)
            previous = box
        QWidget.setTabOrder(previous, self.notes)

    # -- loading ------------------------------------------------------------------------------------
    def _load_work(self):
        service, sobriety, alumnus_id = self.service, self.context.sobriety, self.alumnus_id
        context = self.context

        def work():
            return service.warning_sign_choices(alumnus_id), sobriety.summary(alumnus_id), context.staff_members()
        return work

    def _loaded_info(self, result) -> None:
        choices, summary, staff = result
        self._loaded = True
        self.setWindowTitle(f"Log check-in — {summary.name}")
        days = "" if summary.days_sober is None else f" · {summary.days_sober} days sober"
        self.heading.setText(f"Check-in with {summary.name}{days}")
        self._fill_staff(staff)
        was_initial = self._state() == self._initial
        self._fill_signs(choices)
        if was_initial:
            self._initial = self._state()

    def _fill_staff(self, staff: list[StaffRecord]) -> None:
        chosen = self.who.currentData()
        self.who.blockSignals(True)
        self.who.clear()
        if chosen is None:
            self.who.addItem("Choose…", None)
        for member in staff:
            self.who.addItem(member.display_name, member.id)
        index = self.who.findData(chosen)
        if index < 0 and chosen is not None and self.context.acting_staff is not None:
            self.who.insertItem(0, self.context.acting_staff.display_name, chosen)
            index = 0
        self.who.setCurrentIndex(max(index, 0))
        self.who.blockSignals(False)

    def _load_failed(self, error: BaseException) -> None:
        if isinstance(error, AftercareError):
            self.message.show_message(str(error))
            self.save_button.setEnabled(False)
        else:
            show_failure(self, error)

    # -- reacting ----------------------------------------------------------------------------------
    def is_reached(self) -> bool:
        # EnumCombo hands back the stored string; compare by value.
        return self.outcome.value() == CheckinOutcome.REACHED

    def _outcome_changed(self) -> None:
        reached = self.is_reached()
        for widget in (self.mood, self.craving, self.used, self.meetings, *self.reached_labels):
            widget.setEnabled(reached)
        self.used_hint.setVisible(reached and self.used.currentData() is True)
        if not reached:
            for name in ("mood", "craving", "used_since_last", "meetings_attended"):
                self.errors[name].show_message(None)

    def _used_changed(self) -> None:
        self.used_hint.setVisible(self.is_reached() and self.used.currentData() is True)

    def _notes_changed(self) -> None:
        length = len(self.notes.toPlainText().strip())
        self.notes_count.setText(f"{length:,} / {MAX_NOTES:,}" if length > MAX_NOTES * 0.8 else "")

    def _state(self) -> tuple:
        return (
            self.when.dateTime().toString(Qt.DateFormat.ISODate), self.who.currentData(), self.method.value(),
            self.outcome.value(), self.mood.value(), self.craving.value(), self.used.currentIndex(),
            self.meetings.value(), tuple(box.isChecked() for box, _ in self.sign_boxes), self.notes.toPlainText(),
            self.follow_up.isChecked(), self.follow_up_due.text(),
        )

    def is_dirty(self) -> bool:
        return self.saved_record is None and self._state() != self._initial

    # -- saving ------------------------------------------------------------------------------------
    def data(self) -> tuple[CheckInData | None, list[Problem]]:
        """What the form holds, and the problems only the form can see (unreadable dates)."""
        problems: list[Problem] = []
        occurred = self.when.dateTime().toPython().astimezone()
        due: date | None = None
        if self.follow_up.isChecked():
            try:
                due = self.follow_up_due.date_value()
            except ValueError as exc:
                problems.append(Problem("follow_up_due", str(exc)))
            else:
                if due is None:
                    problems.append(Problem("follow_up_due", "Enter when the follow-up is due"))
        reached = self.is_reached()
        meetings = self.meetings.value()
        data = CheckInData(
            occurred_at=occurred,
            method=CheckinMethod(self.method.value()),
            outcome=CheckinOutcome(self.outcome.value()),
            staff_id=self.who.currentData(),
            mood=self.mood.value() if reached else None,
            craving=self.craving.value() if reached else None,
            used_since_last=self.used.currentData() if reached else None,
            meetings_attended=meetings if reached and meetings >= 0 else None,
            warning_signs=[choice.text for box, choice in self.sign_boxes if box.isChecked()],
            notes=self.notes.toPlainText(),
            follow_up_due=due,
        )
        return data, problems

    def save(self) -> None:
        if self._saving or not self._loaded or self.saved_record is not None:
            return
        data, problems = self.data()
        seen = {p.field for p in problems}
        problems += [p for p in self.service.validate(data) if p.field not in seen]
        self._show_problems(problems)
        if problems:
            return
        self._saving = True
        self.save_button.setEnabled(False)
        service, alumnus_id, actor = self.service, self.alumnus_id, self.context.actor
        self.runner.submit(self, lambda: service.log(alumnus_id, data, actor), self._saved, self._save_failed)

    def _show_problems(self, problems: list[Problem]) -> None:
        for label in set(self.errors.values()):
            label.show_message(None)
        general: list[str] = []
        first_field: str | None = None
        for problem in problems:
            label = self.errors.get(problem.field)
            if label is None:
                general.append(problem.message)
                continue
            first_field = first_field or problem.field
            shown = label.text()
            label.show_message(f"{shown}\n{problem.message}" if shown else problem.message)
        self.message.show_message("; ".join(general) or None)
        focus = {"occurred_at": self.when, "who": self.who, "method": self.method, "outcome": self.outcome,
                 "mood": self.mood, "craving": self.craving, "used_since_last": self.used,
                 "meetings_attended": self.meetings, "notes": self.notes, "follow_up_due": self.follow_up_due}
        if first_field in focus:
            focus[first_field].setFocus(Qt.FocusReason.OtherFocusReason)

    def _save_failed(self, error: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationFailed):
            self._show_problems(error.problems)
        elif isinstance(error, AftercareError):
            self.message.show_message(str(error))
        else:
            show_failure(self, error)

    def _saved(self, record: CheckInRecord) -> None:
        self._saving = False
        self.saved_record = record
        self.logged.emit(record.id)
        if record.used_since_last:
            self._open_recurrence(record)
        else:
            self.accept()

    def _open_recurrence(self, record: CheckInRecord) -> None:
        self.info.setText("Check-in saved. Now record the return to use.")
        self.info.show()
        self.save_button.setEnabled(False)
        dialog = RecurrenceDialog(self.context, self.runner, self.alumnus_id, occurred_on=local_date(record.occurred_at),
                                  check_in_id=record.id, parent=self)
        dialog.recorded.connect(self.recurrence_recorded)
        dialog.finished.connect(lambda _result: self.accept())
        self.recurrence_dialog = dialog
        dialog.open()
        dialog.activateWindow()

    def reject(self) -> None:
        if self._saving:
            return
        if self.saved_record is not None:
            self.accept()
            return
        if self.is_dirty() and not confirm_discard(self):
            return
        super().reject()

