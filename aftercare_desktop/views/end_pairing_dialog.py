"""Ending a pairing: why it ends, and whether the mentee waits for a new mentor.

A pairing that ends stays in the history for good, so the dialog is a deliberate step: no reason is
chosen for the coordinator, "End pairing" stays disabled until one is, and Enter or Esc on an
untouched dialog cancels. From the weekly review it only asks the reason; the review ends the
pairing when it is saved, so until then the outcome can still be changed back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..models.enums import PairingEndReason
from ..services.pairings import MAX_NOTE, REMATCH_BY_DEFAULT
from .widgets import DateField, EnumCombo, ErrorLabel


@dataclass(frozen=True)
class EndChoice:
    reason: PairingEndReason
    ended_on: date | None = None  # None: today (or the review's date)
    note: str | None = None
    rematch: bool | None = None  # None: as the reason usually means


class EndPairingDialog(QDialog):
    def __init__(self, mentee: str, mentor: str, *, today: date, immediate: bool = True,
                 reassign: bool = False, reason: PairingEndReason | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.immediate = immediate
        self.setWindowTitle("End pairing" if not reassign else "Reassign mentee")
        intro = QLabel(
            f"End the pairing of {mentee} with {mentor}?" if not reassign else
            f"End the pairing of {mentee} with {mentor} and put {mentee} back on the waiting list?")
        intro.setWordWrap(True)
        detail = QLabel("The pairing stays in both people's history." if immediate else
                        "It ends when the review is saved; until then you can change the outcome back.")
        detail.setWordWrap(True)
        self.reason = EnumCombo(PairingEndReason, empty_text="Choose a reason…")
        self.reason.setObjectName("endReason")
        self.reason.set_value(reason)
        self.ended_on = DateField()
        self.ended_on.setObjectName("endedOn")
        self.ended_on.set_date(today)
        self.note = QLineEdit()
        self.note.setObjectName("endNote")
        self.note.setMaxLength(MAX_NOTE)
        self.note.setPlaceholderText("optional, e.g. goals reached; moved away")
        self.rematch = QCheckBox("They want a &new mentor (back on the waiting list from the end date)")
        self.rematch.setObjectName("rematch")
        self.error = ErrorLabel()
        self.error.setObjectName("endError")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.end_button = self.buttons.addButton("&End pairing" if not reassign else "&Reassign",
                                                 QDialogButtonBox.ButtonRole.AcceptRole)
        self.end_button.setObjectName("endButton")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)
        self.end_button.setAutoDefault(False)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        label = QLabel("&Why does it end?")
        label.setBuddy(self.reason)
        form.addRow(label, self.reason)
        if immediate:
            label = QLabel("Ended &on")
            label.setBuddy(self.ended_on)
            form.addRow(label, self.ended_on)
            label = QLabel("N&ote")
            label.setBuddy(self.note)
            form.addRow(label, self.note)
            form.addRow("", self.rematch)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(detail)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.reason.currentIndexChanged.connect(self._reason_changed)
        self._reason_changed()
        self.reason.setFocus()

    def _reason_changed(self) -> None:
        reason = self.reason.value()
        self.end_button.setEnabled(reason is not None)
        if reason is not None:
            self.rematch.setChecked(REMATCH_BY_DEFAULT[reason])

    def _accept(self) -> None:
        if self.reason.value() is None:
            self.error.show_message("Choose why the pairing ends.")
            return
        try:
            self.ended_on.date_value()
        except ValueError as exc:
            self.error.show_message(str(exc))
            self.ended_on.setFocus()
            return
        self.accept()

    def chosen(self) -> EndChoice:
        if not self.immediate:
            return EndChoice(self.reason.value())
        return EndChoice(self.reason.value(), self.ended_on.date_value(), self.note.text().strip() or None,
                         self.rematch.isChecked())
