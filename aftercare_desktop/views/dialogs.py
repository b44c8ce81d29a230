"""Every question the app asks in a modal dialog, in one place (tests replace these functions)."""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from ..services.records import DuplicateCandidate

TITLE = "Aftercare Desktop"


class Leave(Enum):
    SAVE = "save"
    DISCARD = "discard"
    STAY = "stay"


def ask_unsaved_changes(parent: QWidget | None, name: str) -> Leave:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(TITLE)
    box.setText(f"Save the changes to {name or 'this new record'}?")
    box.setInformativeText("If you don't save, your changes will be lost.")
    box.setStandardButtons(
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
    )
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    answer = box.exec()
    if answer == QMessageBox.StandardButton.Save:
        return Leave.SAVE
    if answer == QMessageBox.StandardButton.Discard:
        return Leave.DISCARD
    return Leave.STAY


def confirm_possible_duplicates(parent: QWidget | None, candidates: list[DuplicateCandidate]) -> bool:
    lines = "\n".join(
        f"• {c.client_id} {c.name}"
        + (f", born {c.date_of_birth.isoformat()}" if c.date_of_birth else "")
        + f" ({c.reason})"
        for c in candidates[:5]
    )
    answer = QMessageBox.question(
        parent,
        TITLE,
        f"This may be someone already on file:\n\n{lines}\n\nSave it as a separate record anyway?",
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Save


def confirm_hard_delete(parent: QWidget | None, client_id: str) -> bool:
    """Deleting cannot be undone, so the person types the client ID to confirm."""
    typed, ok = QInputDialog.getText(
        parent,
        "Delete permanently",
        "This removes the record, its support contacts and status history for good.\n"
        "Archive instead if the person simply left the program.\n\n"
        f"Type the client ID ({client_id}) to delete:",
    )
    return ok and typed.strip().casefold() == client_id.casefold()


def show_problem(parent: QWidget | None, message: str) -> None:
    QMessageBox.warning(parent, TITLE, message)


def ask_reload_after_conflict(parent: QWidget | None, message: str) -> bool:
    answer = QMessageBox.warning(
        parent,
        TITLE,
        f"{message}\n\nReload the record now? Your unsaved changes will be lost.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_end_pairing(parent: QWidget | None, mentee: str, mentor: str, *, today, immediate: bool = True,
                    reassign: bool = False, reason=None):
    """Why a pairing ends (an EndChoice), or None when the coordinator cancels."""
    from .end_pairing_dialog import EndPairingDialog

    dialog = EndPairingDialog(mentee, mentor, today=today, immediate=immediate, reassign=reassign, reason=reason,
                              parent=parent)
    return dialog.chosen() if dialog.exec() == EndPairingDialog.DialogCode.Accepted else None


def confirm_review_ends(parent: QWidget | None, lines: list[str]) -> bool:
    """Saving a review that ends pairings: say which, and let the coordinator go back."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(TITLE)
    count = len(lines)
    box.setText(f"Saving this review ends {count} pairing{'s' if count != 1 else ''}:")
    box.setInformativeText("\n".join(lines[:12]) + (f"\n… and {count - 12} more" if count > 12 else ""))
    save = box.addButton("Save and end them", QMessageBox.ButtonRole.AcceptRole)
    back = box.addButton("Go back", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(back)  # a reflex Enter ends nothing
    box.exec()
    return box.clickedButton() is save
