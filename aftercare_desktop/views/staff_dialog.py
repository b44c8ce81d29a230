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
from ..services.text import fold
from .widgets import ErrorLabel


# Teams larger than this get a find field above the list.
FIND_FROM = 12


class StaffDialog(QDialog):
    """Pick yourself from the team, or type your name to join it."""

    def __init__(self, staff: list[StaffRecord], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Who is working?")
        intro = QLabel(
            "Choose your name. Every change you make is recorded under it.\n"
            "New to the team? Type your name below."
        )
        # A large team is a long list: typing part of a name (accents optional) narrows it.
        self.find = QLineEdit()
        self.find.setPlaceholderText("Find your name")
        self.find.setClearButtonEnabled(True)
        self.find.textChanged.connect(self._narrow)
        self.find.returnPressed.connect(self._accept_found)
        self.list = QListWidget()
        self._folded: list[str] = []
        for member in staff:
            item = QListWidgetItem(f"{member.display_name}  ·  {label(member.role)}")
            item.setData(0x0100, member.id)
            self.list.addItem(item)
            self._folded.append(fold(member.display_name))
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
        layout.addWidget(self.find)
        layout.addWidget(self.list, 1)
        layout.addWidget(QLabel("Or add yourself:"))
        layout.addWidget(self.new_name)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.list.setVisible(bool(staff))
        self.find.setVisible(len(staff) > FIND_FROM)
        if staff:
            self.list.setCurrentRow(0)
            (self.find if self.find.isVisibleTo(self) else self.list).setFocus()
        else:
            self.new_name.setFocus()
        self._update()
        self.resize(420, 380)

    def _narrow(self, typed: str) -> None:
        words = fold(typed).split()
        first = None
        for row, name in enumerate(self._folded):
            shown = all(word in name for word in words)
            self.list.item(row).setHidden(not shown)
            if shown and first is None:
                first = row
        self.list.setCurrentRow(-1 if first is None else first)
        self._update()

    def _accept_found(self) -> None:
        if self.list.currentItem() is not None and not self.list.currentItem().isHidden():
            self.accept()

    def _update(self) -> None:
        if self.new_name.text().strip():
            self.list.clearSelection()
        current = self.list.currentItem()
        ok = bool(self.new_name.text().strip()) or (current is not None and not current.isHidden())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def choice(self) -> int | str:
        """A staff id, or a new name to add."""
        name = " ".join(self.new_name.text().split())
        if name:
            return name
        return self.list.currentItem().data(0x0100)
