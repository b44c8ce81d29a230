"""Changing an alumnus's status, with a reason that goes into the status history."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from ..models.enums import AlumniStatus, label
from .widgets import EnumCombo


class StatusDialog(QDialog):
    def __init__(self, current: AlumniStatus, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Change status")
        self.status = EnumCombo(AlumniStatus, optional=False)
        self.status.set_value(next(s for s in AlumniStatus if s is not current))
        self.reason = QLineEdit()
        self.reason.setMaxLength(400)
        self.reason.setPlaceholderText("e.g. moved out of state; asked not to be contacted")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self._ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.status.currentIndexChanged.connect(lambda: self._ok.setEnabled(self.status.value() is not current))
        layout = QFormLayout(self)
        layout.addRow("Current status", QLabel(label(current)))
        layout.addRow("New &status", self.status)
        layout.addRow("&Reason", self.reason)
        layout.addRow(buttons)

    def chosen(self) -> tuple[AlumniStatus, str]:
        return self.status.value(), self.reason.text().strip()
