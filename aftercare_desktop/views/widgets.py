"""Small input widgets shared by the forms."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..models.enums import label
from ..services.validation import parse_date

NOT_SET = "—"


class DateField(QLineEdit):
    """A date typed from the keyboard (YYYY-MM-DD or MM/DD/YYYY); empty means 'not known'."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText("YYYY-MM-DD")
        self.setMaxLength(10)
        self.setClearButtonEnabled(True)

    def date_value(self) -> date | None:
        """The date typed, None when empty. Raises ValueError with a readable message."""
        return parse_date(self.text())

    def set_date(self, value: date | None) -> None:
        self.setText(value.isoformat() if value else "")


class EnumCombo(QComboBox):
    """A combo box over an enum, optionally with a 'not set' entry."""

    def __init__(self, enum_cls: type[StrEnum], *, optional: bool = True, empty_text: str = NOT_SET,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._enum = enum_cls
        if optional:
            self.addItem(empty_text, None)
        for member in enum_cls:
            self.addItem(label(member), member)

    def value(self):
        """The chosen member (Qt hands enum data back as a plain string), or None for 'not set'."""
        data = self.currentData()
        return None if data is None else self._enum(data)

    def set_value(self, value) -> None:
        index = self.findData(value)
        self.setCurrentIndex(max(index, 0))


def heading(text: str) -> QLabel:
    """A page's title, half as large again as the text and bold."""
    title = QLabel(text)
    font = title.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    title.setFont(font)
    return title


def is_dark(widget: QWidget) -> bool:
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


def error_color(widget: QWidget) -> str:
    """Red that stays readable on the light and the dark scheme."""
    return "#ff8a80" if is_dark(widget) else "#b3261e"


class ErrorLabel(QLabel):
    """A field's inline message; hidden while there is nothing to say."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {error_color(self)};")
        self.hide()

    def show_message(self, message: str | None) -> None:
        self.setText(message or "")
        self.setVisible(bool(message))


def stacked(field: QWidget | QLayout, *below: QWidget) -> QWidget:
    """A form's field (a widget or a layout) with lines under it (help, its error) as one widget."""
    box = QVBoxLayout()
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(2)
    if isinstance(field, QWidget):
        box.addWidget(field)
    else:
        box.addLayout(field)
    for widget in below:
        box.addWidget(widget)
    holder = QWidget()
    holder.setLayout(box)
    return holder


def choice_row(owner: QWidget, *buttons: QAbstractButton) -> QHBoxLayout:
    """Radio buttons side by side, one of them checked at a time (their group belongs to `owner`)."""
    group = QButtonGroup(owner)
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for button in buttons:
        group.addButton(button)
        row.addWidget(button)
    row.addStretch(1)
    return row
