"""A mentor's profile: status and training, capacity, the week they are free, and whom they would mentor.

Opens on an alumnus with or without a profile (making them a mentor starts them as an applicant).
Where they stand is shown first: eligible to mentor, or every reason they are not yet. Ctrl+Enter
saves; closing with changes asks first.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..errors import AftercareError, ConcurrentEditError, ValidationFailed
from ..models.enums import WEEKDAY_LABELS, Gender, MentorStatus, TimeBlock, label
from ..models.mentoring import DEFAULT_CAPACITY
from ..services import availability
from ..services.context import AppContext
from ..services.mentor_pool import MAX_CAPACITY, MAX_NOTES, MAX_TRAINER, Eligibility, MentorProfileData
from . import dialogs
from .background import TaskRunner, show_failure
from .widgets import DateField, EnumCombo, ErrorLabel, error_color

STATUS_HELP = {
    MentorStatus.APPLICANT: "Has asked to mentor; not trained yet.",
    MentorStatus.IN_TRAINING: "Training; record when it is completed to make them active.",
    MentorStatus.ACTIVE: "Takes mentees (once eligible).",
    MentorStatus.PAUSED: "Takes no new mentees until the date below; active again from that day.",
    MentorStatus.RETIRED: "No longer mentors; the history stays.",
}


class AvailabilityGrid(QTableWidget):
    """The week: weekdays down, parts of the day across; arrows move, Space ticks."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(len(WEEKDAY_LABELS), len(TimeBlock), parent)
        self.setObjectName("availability")
        self.setHorizontalHeaderLabels([label(block) for block in TimeBlock])
        self.setVerticalHeaderLabels(list(WEEKDAY_LABELS))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setMinimumSectionSize(80)
        self.setMinimumWidth(self.verticalHeader().sizeHint().width() + 4 * 84)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        for day in range(len(WEEKDAY_LABELS)):
            for column, block in enumerate(TimeBlock):
                item = QTableWidgetItem()
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                item.setData(Qt.ItemDataRole.UserRole, availability.slot(day, block))
                self.setItem(day, column, item)
        rows = self.verticalHeader().defaultSectionSize() * len(WEEKDAY_LABELS)
        self.setFixedHeight(rows + self.horizontalHeader().sizeHint().height() + 4)
        self.itemChanged.connect(lambda _item: self.changed.emit())

    def _items(self):
        for day in range(self.rowCount()):
            for column in range(self.columnCount()):
                yield self.item(day, column)

    def slots(self) -> list[str]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self._items()
                if item.checkState() == Qt.CheckState.Checked]

    def set_slots(self, codes: list[str]) -> None:
        wanted = set(codes)
        self.blockSignals(True)
        for item in self._items():
            ticked = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        self.blockSignals(False)


def _words(text: str) -> list[str]:
    return [word.strip() for word in text.split(",") if word.strip()]


class MentorProfileDialog(QDialog):
    saved = Signal(int)  # the alumnus's id
    loaded = Signal()

    def __init__(self, context: AppContext, runner: TaskRunner, alumnus_id: int, name: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.alumnus_id = alumnus_id
        self.name = name
        self.original: MentorProfileData | None = None
        self._loaded_snapshot: tuple | None = None
        self._saving = False
        self.errors: dict[str, ErrorLabel] = {}
        self.setWindowTitle(f"Mentor profile — {name}")
        self.setObjectName("mentorProfileDialog")
        self._build()
        self._set_enabled(False)

    # -- building --------------------------------------------------------------------------------------
    def _field(self, form: QFormLayout, caption: str, name: str, widget: QWidget) -> None:
        error = ErrorLabel()
        error.setObjectName(f"error_{name}")
        self.errors[name] = error
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(error)
        text = QLabel(caption)
        text.setBuddy(widget)
        form.addRow(text, holder)

    def _build(self) -> None:
        self.heading = QLabel(f"{self.name} — mentor profile")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.standing = QLabel("Loading…")
        self.standing.setObjectName("standing")
        self.standing.setWordWrap(True)
        self.status = EnumCombo(MentorStatus, optional=False)
        self.status.setObjectName("status")
        self.status_help = QLabel()
        self.status_help.setWordWrap(True)
        self.paused_until = DateField()
        self.paused_until.setObjectName("paused_until")
        self.trained_on = DateField()
        self.trained_on.setObjectName("training_completed_on")
        self.trained_by = QLineEdit()
        self.trained_by.setObjectName("training_completed_by")
        self.trained_by.setMaxLength(MAX_TRAINER)
        self.trained_by.setPlaceholderText("who ran or signed off the training")
        self.capacity = QSpinBox()
        self.capacity.setObjectName("capacity")
        self.capacity.setRange(1, MAX_CAPACITY)
        self.capacity.valueChanged.connect(
            lambda value: self.capacity.setSuffix(" mentee at most" if value == 1 else " mentees at most"))
        self.capacity.setSuffix(" mentee at most")
        self.availability = AvailabilityGrid()
        self.evening_weekend = QCheckBox("Takes calls in the &evening and at weekends")
        self.evening_weekend.setObjectName("evening_weekend_calls")
        self.gender = EnumCombo(Gender, empty_text="Not recorded")
        self.gender.setObjectName("gender")
        self.mentee_genders: dict[Gender, QCheckBox] = {}
        genders = QHBoxLayout()
        genders.setContentsMargins(0, 0, 0, 0)
        for gender in Gender:
            box = QCheckBox(label(gender))
            box.setObjectName(f"mentee_gender_{gender.value}")
            self.mentee_genders[gender] = box
            genders.addWidget(box)
        genders.addStretch(1)
        genders_holder = QWidget()
        genders_holder.setLayout(genders)
        genders_holder.setToolTip("None ticked: they would mentor anyone")
        self.interests = QLineEdit()
        self.interests.setObjectName("interests")
        self.interests.setPlaceholderText("comma-separated, e.g. running, cooking, music")
        self.background_check = DateField()
        self.background_check.setObjectName("background_check_on")
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(60)
        self.message = ErrorLabel()
        self.message.setObjectName("dialogMessage")

        left = QFormLayout()
        self._field(left, "&Status", "status", self.status)
        left.addRow("", self.status_help)
        self._field(left, "&Paused until", "paused_until", self.paused_until)
        self._field(left, "&Training completed on", "training_completed_on", self.trained_on)
        self._field(left, "Training &by", "training_completed_by", self.trained_by)
        self._field(left, "&Capacity", "capacity", self.capacity)
        self._field(left, "&Gender", "gender", self.gender)
        self._field(left, "Would &mentor", "preferred_mentee_genders", genders_holder)
        self._field(left, "&Interests", "interests", self.interests)
        self._field(left, "&Background check on", "background_check_on", self.background_check)
        self._field(left, "N&otes", "notes", self.notes)
        right = QVBoxLayout()
        caption = QLabel("&Available (arrows move, Space ticks)")
        caption.setBuddy(self.availability)
        right.addWidget(caption)
        right.addWidget(self.availability)
        self.errors["availability"] = ErrorLabel()
        right.addWidget(self.errors["availability"])
        right.addWidget(self.evening_weekend)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addSpacing(12)
        columns.addLayout(right, 2)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip("Save (Ctrl+Enter)")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.standing)
        layout.addLayout(columns)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.status.currentIndexChanged.connect(self._status_changed)
        self._status_changed()

    def _status_changed(self) -> None:
        status = self.status.value()
        self.status_help.setText(STATUS_HELP[status])
        self.paused_until.setEnabled(status is MentorStatus.PAUSED)

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.status, self.paused_until, self.trained_on, self.trained_by, self.capacity,
                       self.availability, self.evening_weekend, self.gender, self.interests, self.background_check,
                       self.notes, self.save_button, *self.mentee_genders.values()):
            widget.setEnabled(enabled)
        if enabled:
            self._status_changed()

    # -- loading ---------------------------------------------------------------------------------------
    def load(self) -> None:
        pool, alumnus_id = self.context.mentor_pool, self.alumnus_id
        self.runner.submit(self, lambda: (pool.profile(alumnus_id), pool.eligibility_of(alumnus_id)),
                           self._loaded, self._load_failed)

    def _load_failed(self, error: BaseException) -> None:
        if not isinstance(error, AftercareError):
            raise error
        self.standing.setText(str(error))

    def _loaded(self, found: tuple[MentorProfileData | None, Eligibility]) -> None:
        profile, allowed = found
        self.original = profile
        self._show_standing(allowed, new=profile is None)
        self.fill(profile or MentorProfileData(capacity=DEFAULT_CAPACITY))
        self._set_enabled(True)
        self.status.setFocus()
        self.loaded.emit()

    def _show_standing(self, allowed: Eligibility, *, new: bool) -> None:
        sober = f" · sober {allowed.months_sober} months" if allowed.months_sober is not None else ""
        start = "New mentor profile, starting as an applicant. " if new else ""
        if allowed.eligible:
            self.standing.setText(f"{start}Eligible to mentor{sober}.")
            self.standing.setStyleSheet("")
        else:
            self.standing.setText(f"{start}Not eligible to take mentees yet: {'; '.join(allowed.reasons)}.")
            self.standing.setStyleSheet(f"color: {error_color(self)};")

    def fill(self, data: MentorProfileData) -> None:
        self.status.set_value(data.status)
        self.paused_until.set_date(data.paused_until)
        self.trained_on.set_date(data.training_completed_on)
        self.trained_by.setText(data.training_completed_by or "")
        self.capacity.setValue(data.capacity)
        self.availability.set_slots(data.availability)
        self.evening_weekend.setChecked(data.evening_weekend_calls)
        self.gender.set_value(data.gender)
        for gender, box in self.mentee_genders.items():
            box.setChecked(gender in data.preferred_mentee_genders)
        self.interests.setText(", ".join(data.interests))
        self.background_check.set_date(data.background_check_on)
        self.notes.setPlainText(data.notes or "")
        self._loaded_snapshot = self._snapshot()

    def _snapshot(self) -> tuple:
        return (self.status.value(), self.paused_until.text(), self.trained_on.text(), self.trained_by.text(),
                self.capacity.value(), tuple(self.availability.slots()), self.evening_weekend.isChecked(),
                self.gender.value(), tuple(g for g, box in self.mentee_genders.items() if box.isChecked()),
                self.interests.text(), self.background_check.text(), self.notes.toPlainText())

    def is_dirty(self) -> bool:
        return self._loaded_snapshot is not None and self._snapshot() != self._loaded_snapshot

    # -- saving ----------------------------------------------------------------------------------------
    def form_data(self) -> tuple[MentorProfileData, dict[str, str]]:
        """What the form says, and the dates that could not be read."""
        unreadable: dict[str, str] = {}

        def read(name: str, field: DateField) -> date | None:
            try:
                return field.date_value()
            except ValueError as exc:
                unreadable[name] = str(exc)
                return None

        data = MentorProfileData(
            status=self.status.value(), training_completed_on=read("training_completed_on", self.trained_on),
            training_completed_by=self.trained_by.text(), paused_until=read("paused_until", self.paused_until),
            capacity=self.capacity.value(), availability=self.availability.slots(),
            evening_weekend_calls=self.evening_weekend.isChecked(), gender=self.gender.value(),
            preferred_mentee_genders=[g for g, box in self.mentee_genders.items() if box.isChecked()],
            interests=_words(self.interests.text()),
            background_check_on=read("background_check_on", self.background_check),
            notes=self.notes.toPlainText()[:MAX_NOTES + 1],
            alumnus_id=self.alumnus_id, row_version=self.original.row_version if self.original else None)
        return data, unreadable

    def _show_problems(self, problems: dict[str, str]) -> None:
        for name, error in self.errors.items():
            error.show_message(problems.get(name))
        general = [message for name, message in problems.items() if name not in self.errors]
        self.message.show_message("; ".join(general) or None)
        for name in self.errors:
            if name in problems:
                widget = self.findChild(QWidget, name)
                if widget is not None:
                    widget.setFocus()
                break

    def save(self) -> None:
        if self._saving or self._loaded_snapshot is None:
            return
        data, unreadable = self.form_data()
        problems = {p.field: p.message for p in reversed(self.context.mentor_pool.validate(data))}
        problems.update(unreadable)
        if problems:
            self._show_problems(problems)
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.message.show_message(None)
        pool, actor, alumnus_id = self.context.mentor_pool, self.context.actor, self.alumnus_id
        self.runner.submit(self, lambda: pool.save_profile(alumnus_id, data, actor), self._saved, self._save_failed)

    def _saved(self, data: MentorProfileData) -> None:
        self._saving = False
        self.original = data
        self._loaded_snapshot = self._snapshot()
        self.saved.emit(self.alumnus_id)
        self.accept()

    def _save_failed(self, error: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationFailed):
            self._show_problems({p.field: p.message for p in reversed(error.problems)})
        elif isinstance(error, ConcurrentEditError):
            self.message.show_message(f"{error} The profile as saved now is shown; make your change again.")
            self.load()
        elif isinstance(error, AftercareError):
            self.message.show_message(str(error))
        else:
            show_failure(self, error)

    # -- closing ---------------------------------------------------------------------------------------
    def reject(self) -> None:
        """Cancel, Esc and the window's close button all come here: changes are never dropped unasked."""
        if self._saving:
            return
        if self.is_dirty() and not dialogs.may_leave(self, f"{self.name}'s mentor profile", self.save):
            return
        super().reject()
