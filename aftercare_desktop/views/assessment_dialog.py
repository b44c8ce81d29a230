"""Administering an instrument: one row per item, answered from the keyboard, scored as you go.

Each item is a row that takes focus. Typing a number on the scale answers it and moves on to the
next item; ↑/↓ (or Tab) move between items, ←/→ change the answer, Delete clears it. The running
total is shown all along; Save is enabled once every item is answered and the date is valid.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..errors import AftercareError, ValidationFailed
from ..services.assessments import AssessmentRecord, AssessmentService
from ..services.audit import Actor
from ..services.instruments import InstrumentDefinition, Item, score
from . import dialogs
from .background import TaskRunner
from .widgets import DateField, ErrorLabel, is_dark

# The chosen answer must stand out at a glance; the default checked look of a push button does not.
CHOICE_STYLE = """
QPushButton { border: 1px solid palette(mid); border-radius: 3px; background: palette(base); padding: 3px 0; }
QPushButton:hover { border-color: palette(highlight); }
QPushButton:checked { background: palette(highlight); color: palette(highlighted-text);
                      border-color: palette(highlight); font-weight: bold; }
"""
KEY_HINT = "Type a number to answer and move on · ↑ ↓ or Tab: next item · ← →: change · Delete: clear"


class ItemRow(QFrame):
    """One item: its number and wording, the scale as a row of buttons, and the words of the answer."""

    answer_changed = Signal(int)  # item number
    move_requested = Signal(int, int)  # item number, +1 / -1

    def __init__(self, item: Item, definition: InstrumentDefinition, parent: QWidget | None = None):
        super().__init__(parent)
        self.item = item
        self.scale = definition.scale
        self._value: int | None = None
        self.setObjectName(f"item{item.number}")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoFillBackground(True)

        number = QLabel(f"{item.number}.")
        number.setFixedWidth(number.fontMetrics().horizontalAdvance("00.") + 4)
        number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        text = QLabel(item.display_text)
        text.setWordWrap(True)
        text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        if item.text is None:
            font = QFont(text.font())
            font.setItalic(True)
            text.setFont(font)
            text.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.text_label = text

        self.buttons = QButtonGroup(self)
        self.buttons.setExclusive(False)  # so that an answer can be cleared again
        choice = QHBoxLayout()
        choice.setSpacing(2)
        for value in self.scale.values:
            button = QPushButton(str(value))
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from item to item, not button to button
            width = button.fontMetrics().horizontalAdvance("00") + 18
            button.setFixedWidth(width)
            button.setToolTip(self.scale.describe(value))
            self.buttons.addButton(button, value)
            choice.addWidget(button)
        self.buttons.idClicked.connect(self._clicked)
        self.setStyleSheet(CHOICE_STYLE)

        self.words = QLabel()
        self.words.setFixedWidth(self.words.fontMetrics().horizontalAdvance("Somewhat disagree") + 8)
        self.words.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 5, 6, 5)
        layout.addWidget(number)
        layout.addWidget(text, 1)
        layout.addLayout(choice)
        layout.addWidget(self.words)
        self._refresh()

    # -- the answer --------------------------------------------------------------------------
    @property
    def value(self) -> int | None:
        return self._value

    def set_value(self, value: int | None) -> None:
        if value is not None and value not in self.scale.values:
            return
        if value == self._value:
            return
        self._value = value
        self._refresh()
        self.answer_changed.emit(self.item.number)

    def _clicked(self, value: int) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.set_value(None if value == self._value else value)

    def _refresh(self) -> None:
        for button in self.buttons.buttons():
            button.setChecked(self.buttons.id(button) == self._value)
        if self._value is None:
            self.words.setText("not answered")
            self.words.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        else:
            self.words.setText(self.scale.labels.get(self._value, ""))
            self.words.setForegroundRole(QPalette.ColorRole.WindowText)
        answer = "not answered" if self._value is None else self.scale.describe(self._value)
        self.setAccessibleName(f"Item {self.item.number}")
        self.setAccessibleDescription(f"{self.item.display_text} Answer: {answer}.")

    # -- keyboard ----------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        text = event.text()
        if text.isdigit() and len(text) == 1 and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            value = int(text)
            if value in self.scale.values:
                self.set_value(value)
                self.move_requested.emit(self.item.number, 1)
            return
        if key in (Qt.Key.Key_Down,):
            self.move_requested.emit(self.item.number, 1)
        elif key in (Qt.Key.Key_Up,):
            self.move_requested.emit(self.item.number, -1)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Plus):
            self.set_value(self.scale.min if self._value is None else min(self._value + 1, self.scale.max))
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Minus):
            self.set_value(self.scale.max if self._value is None else max(self._value - 1, self.scale.min))
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.set_value(None)
        else:
            super().keyPressEvent(event)

    # -- showing which item has the keyboard ---------------------------------------------------
    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.update()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self.hasFocus():
            return
        painter = QPainter(self)
        highlight = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        fill = QColor(highlight)
        fill.setAlpha(70 if is_dark(self) else 40)
        painter.fillRect(self.rect(), fill)
        painter.fillRect(0, 0, 4, self.height(), highlight)


class AssessmentDialog(QDialog):
    """Administer one instrument to one alumnus; saving goes through the service in the background."""

    saved = Signal(object)  # AssessmentRecord

    def __init__(self, definition: InstrumentDefinition, service: AssessmentService, runner: TaskRunner,
                 alumnus_id: int, actor: Actor, today: Callable[[], date], *, alumnus_name: str | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.definition = definition
        self.service = service
        self.runner = runner
        self.alumnus_id = alumnus_id
        self.actor = actor
        self._saving = False
        self._saved = False
        self.setWindowTitle(f"Administer {definition.code}")
        self.setObjectName("assessmentDialog")
        self.resize(860, 680)
        self._build(alumnus_name, today())
        self._update()

    # -- building ----------------------------------------------------------------------------
    def _build(self, alumnus_name: str | None, today: date) -> None:
        definition = self.definition
        title = QLabel(definition.title)
        font = QFont(title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        title.setFont(font)
        title.setWordWrap(True)

        self.date = DateField()
        self.date.setObjectName("administeredOn")
        self.date.set_date(today)
        self.date.setMaximumWidth(self.date.fontMetrics().horizontalAdvance("0000-00-00") + 40)
        self.date.textChanged.connect(self._update)
        self.date_error = ErrorLabel()
        form = QFormLayout()
        if alumnus_name:
            form.addRow("For", QLabel(alumnus_name))
        form.addRow("&Given on", self.date)
        form.addRow("", self.date_error)

        instructions = QLabel(definition.instructions)
        instructions.setWordWrap(True)
        legend = QLabel(f"Scale: {definition.scale.legend()}")
        legend.setWordWrap(True)
        legend_font = QFont(legend.font())
        legend_font.setBold(True)
        legend.setFont(legend_font)
        hint = QLabel(KEY_HINT)
        hint.setWordWrap(True)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        items_box = QWidget()
        items_layout = QVBoxLayout(items_box)
        items_layout.setContentsMargins(0, 0, 0, 0)
        items_layout.setSpacing(1)
        self.rows: list[ItemRow] = []
        for item in definition.items:
            row = ItemRow(item, definition)
            row.answer_changed.connect(self._update)
            row.move_requested.connect(self._move)
            row.installEventFilter(self)
            self.rows.append(row)
            items_layout.addWidget(row)
        if definition.wording_note:
            note = QLabel(f"About the wording: {definition.wording_note}")
            note.setObjectName("wordingNote")
            note.setWordWrap(True)
            note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            items_layout.addSpacing(8)
            items_layout.addWidget(note)
        items_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(items_box)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.StyledPanel)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.progress = QLabel()
        self.progress.setObjectName("runningTotal")
        progress_font = QFont(self.progress.font())
        progress_font.setBold(True)
        self.progress.setFont(progress_font)
        self.band = QLabel()
        self.band.setObjectName("bandMeaning")
        self.band.setWordWrap(True)
        self.error = ErrorLabel()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(instructions)
        layout.addWidget(legend)
        layout.addWidget(hint)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.band)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        # Only once the button is inside the dialog does Qt keep it as the default for Return,
        # whichever item has the keyboard.
        self.save_button.setDefault(True)

        # Tab order: date, then item after item, then the buttons.
        previous: QWidget = self.date
        for row in self.rows:
            QWidget.setTabOrder(previous, row)
            previous = row
        QWidget.setTabOrder(previous, self.save_button)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.rows:
            self.rows[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, ItemRow):
            self.scroll.ensureWidgetVisible(watched, 0, 24)
        return super().eventFilter(watched, event)

    # -- state -------------------------------------------------------------------------------
    def answers(self) -> list[int | None]:
        return [row.value for row in self.rows]

    def _move(self, number: int, step: int) -> None:
        target = number - 1 + step
        if 0 <= target < len(self.rows):
            self.rows[target].setFocus(Qt.FocusReason.TabFocusReason)
        elif step > 0:
            first_open = next((row for row in self.rows if row.value is None), None)
            (first_open or self.save_button).setFocus(Qt.FocusReason.TabFocusReason)

    def _given_on(self) -> tuple[date | None, str | None]:
        try:
            value = self.date.date_value()
        except ValueError as exc:
            return None, str(exc)
        if value is None:
            return None, "Enter the date the assessment was given."
        return value, None

    def _update(self) -> None:
        answered = [(row.item.number, row.value) for row in self.rows if row.value is not None]
        running = sum(self.definition.item_score(number, value) for number, value in answered)
        count = len(self.rows)
        if len(answered) == count:
            result = score(self.definition, self.answers())
            self.progress.setText(f"Total {result.total} of {self.definition.total_max} · {result.band.label}")
            cut = self.definition.meets_cut_off(result.total)
            prefix = "" if cut is None else ("Meets the cut-off. " if cut else "Below the cut-off. ")
            self.band.setText(prefix + result.band.meaning)
        else:
            self.progress.setText(
                f"{len(answered)} of {count} answered · running total {running} "
                f"(range {self.definition.total_min}–{self.definition.total_max})")
            self.band.setText("")
        _, date_problem = self._given_on()
        self.date_error.show_message(date_problem)
        self.save_button.setEnabled(len(answered) == count and date_problem is None and not self._saving)

    # -- saving ------------------------------------------------------------------------------
    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        given_on, _ = self._given_on()
        answers = self.answers()
        service, alumnus_id, code, actor = self.service, self.alumnus_id, self.definition.code, self.actor
        self._saving = True
        self.error.show_message(None)
        self._update()
        self.runner.submit(self, lambda: service.record(alumnus_id, code, given_on, answers, actor),
                           self._saved_ok, self._save_failed)

    def _saved_ok(self, record: AssessmentRecord) -> None:
        self._saving = False
        self._saved = True
        self.saved.emit(record)
        self.accept()

    def _save_failed(self, error: BaseException) -> None:
        self._saving = False
        self._update()
        if isinstance(error, ValidationFailed):
            self.error.show_message("\n".join(problem.message for problem in error.problems))
        elif isinstance(error, AftercareError):
            self.error.show_message(str(error))
        else:
            raise error

    def reject(self) -> None:
        if self._saving:
            return
        answered = any(value is not None for value in self.answers())
        if not self._saved and answered and not dialogs.may_leave(
                self, f"this {self.definition.code}", self._save_if_complete):
            return
        super().reject()

    def _save_if_complete(self) -> None:
        if self.save_button.isEnabled():
            self.save()
        else:
            self.error.show_message("Answer every item (and give the date) before saving.")
