"""Asking once who is working at this desk (until login arrives with access control)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..models.enums import label
from ..services.records import StaffRecord
from .widgets import ErrorLabel


class StaffDialog(QDialog):
    """Pick yourself from the team, or type your name to join it."""

    def __init__(self, staff: list[StaffRecord], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Who is working?")
        intro = QLabel(
            "Choose your name. Every change you make is recorded under it.\n"
            "New to the team? Type your name below."
        )
        self.list = QListWidget()
        for member in staff:
            item = QListWidgetItem(f"{member.display_name}  ·  {label(member.role)}")
            item.setData(0x0100, member.id)
            self.list.addItem(item)
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("Your name, as colleagues know you")
        self.new_name.setMaxLength(120)
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.list.currentRowChanged.connect(self._update)
        self.new_name.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(QLabel("Or add yourself:"))
        layout.addWidget(self.new_name)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.list.setVisible(bool(staff))
        if staff:
            self.list.setCurrentRow(0)
            self.list.setFocus()
        else:
            self.new_name.setFocus()
        self._update()
        self.resize(420, 380)

    def _update(self) -> None:
        if self.new_name.text().strip():
            self.list.clearSelection()
        ok = bool(self.new_name.text().strip()) or self.list.currentItem() is not None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def choice(self) -> int | str:
        """A staff id, or a new name to add."""
        name = " ".join(self.new_name.text().split())
        if name:
            return name
        return self.list.currentItem().data(0x0100)
