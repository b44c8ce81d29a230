"""Every question the app asks in a modal dialog, in one place (tests replace these functions)."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

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


def may_leave(parent: QWidget | None, name: str, save: Callable[[], None],
              discard: Callable[[], None] | None = None) -> bool:
    """Ask about unsaved changes to `name`: True when the caller may go on (Discard, after `discard`);
    False when it stays (Cancel, or Save, which starts `save` — the caller moves on once saved)."""
    answer = ask_unsaved_changes(parent, name)
    if answer is Leave.DISCARD:
        if discard is not None:
            discard()
        return True
    if answer is Leave.SAVE:
        save()
    return False


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


# -- documents -----------------------------------------------------------------------------------------


def ask_save_pdf(parent: QWidget | None, suggested: Path) -> Path | None:
    """Where to write a PDF (the file dialog asks before replacing a file); None when cancelled."""
    chosen, _filter = QFileDialog.getSaveFileName(parent, "Export PDF", str(suggested), "PDF documents (*.pdf)")
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


def ask_folder(parent: QWidget | None, start: Path) -> Path | None:
    """A folder to write one PDF each into; None when cancelled."""
    chosen = QFileDialog.getExistingDirectory(parent, "Export into folder", str(start))
    return Path(chosen) if chosen else None


def ask_printer(parent: QWidget | None, printer) -> bool:
    """The system's print dialog on `printer` (a QPrinter); True when the person chose Print."""
    from PySide6.QtPrintSupport import QPrintDialog  # loaded when first printing, not at start-up

    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print")
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintToFile, True)
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
    return dialog.exec() == QPrintDialog.DialogCode.Accepted


def offer_to_open(parent: QWidget | None, path: Path, what: str) -> bool:
    """After an export: open the file (or folder) now? True when the person said yes."""
    answer = QMessageBox.question(
        parent, TITLE, f"{what}\n\nOpen it now?",
        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close, QMessageBox.StandardButton.Open,
    )
    return answer == QMessageBox.StandardButton.Open


def open_file(path: Path) -> bool:
    """Open a file or folder in the desk's own viewer."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def confirm_stop_batch(parent: QWidget | None) -> bool:
    """Closing while a batch export runs: stop it (documents being made finish first)?"""
    answer = QMessageBox.question(
        parent, TITLE, "A batch export is still running.\n\nStop it and quit? The documents already made "
                       "are kept; the rest are not made.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def show_batch_summary(parent: QWidget | None, words: str, details: str, *, can_open: bool) -> bool:
    """What a batch export did; True when the person asked to open what it wrote."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle("Batch export")
    box.setText(words)
    if details:
        box.setDetailedText(details)
    buttons = QMessageBox.StandardButton.Close
    if can_open:
        buttons |= QMessageBox.StandardButton.Open
    box.setStandardButtons(buttons)
    box.setDefaultButton(QMessageBox.StandardButton.Close)
    return box.exec() == QMessageBox.StandardButton.Open
