"""What the dialogs that edit team settings share (Edit → Team settings… and Edit → Organisation and
notices…): the settings are read off the GUI thread; each field has its label, help and inline error;
Save checks everything, keeps what was typed when something is refused, and stores only the values
that changed, in one transaction, off the GUI thread (audited by `TeamSettingsService.store`);
Cancel with changes on screen asks first.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLayout, QWidget

from ..errors import AftercareError, ValidationFailed
from ..services.context import AppContext
from ..services.team_settings import SPECS, TeamSettingsService, TeamSettingsValues, check
from ..services.validation import Problem
from . import dialogs
from .background import TaskRunner
from .widgets import ErrorLabel, stacked

NOT_SAVED = "Not saved: correct what is marked."


def muted(text: str) -> QLabel:
    """A line of help under a field, greyed."""
    line = QLabel(text)
    line.setWordWrap(True)
    line.setEnabled(False)
    return line


class SettingsDialog(QDialog):
    """The base of a dialog over some team settings. A subclass builds its fields (with `add_row`),
    says which values are on screen (`values`), shows loaded ones (`show_values`) and lists its input
    widgets (`editors`); then calls `start_loading`."""

    saved = Signal(object)  # the team's settings (a TeamSettingsValues) once the changes are stored
    subject = "the team settings"  # in "Save the changes to …?"

    def __init__(self, context: AppContext, runner: TaskRunner, parent: QWidget | None = None,
                 buttons: QDialogButtonBox.StandardButton = QDialogButtonBox.StandardButton.NoButton):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.service = TeamSettingsService(context.database)
        self.loaded_values: TeamSettingsValues | None = None
        self.saving = False
        self.errors: dict[str, ErrorLabel] = {}
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel | buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    # -- for the subclasses ------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The values on screen by key, as typed (`check` tidies and judges them)."""
        raise NotImplementedError

    def show_values(self, values: TeamSettingsValues) -> None:
        raise NotImplementedError

    def editors(self) -> list[QWidget]:
        raise NotImplementedError

    def add_row(self, form: QFormLayout, key: str, field: QWidget | QLayout, *, caption: str | None = None,
                buddy: QWidget | None = None, with_help: bool = True) -> QLabel:
        """A form row: the setting's label, then the field with its help and its inline error under it."""
        info = SPECS[key].info
        below = [self.error_label(key)]
        if info.help and with_help:
            below.insert(0, muted(info.help))
        label = QLabel(caption or info.label)
        label.setBuddy(buddy or field)
        label.setWordWrap(True)
        form.addRow(label, stacked(field, *below))
        return label

    def error_label(self, key: str) -> ErrorLabel:
        """The place beside a field where what is wrong with it is said."""
        error = ErrorLabel()
        error.setObjectName(f"{key}Error")
        self.errors[key] = error
        return error

    def start_loading(self) -> None:
        self.set_enabled(False)
        self.message.setText("Loading…")
        self.runner.submit(self, self.service.load, self._fill, self._failed)

    def loaded_message(self) -> str:
        return ""

    # -- loading -----------------------------------------------------------------------------------
    def _fill(self, values: TeamSettingsValues) -> None:
        self.loaded_values = values
        self.show_values(values)
        self.set_enabled(True)
        self.message.setText(self.loaded_message())

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, AftercareError):
            raise error
        self.message.setText(f"Could not read the team settings: {error}")

    def set_enabled(self, enabled: bool) -> None:
        for widget in self.editors():
            widget.setEnabled(enabled)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(enabled)

    # -- what changed ------------------------------------------------------------------------------
    def pending(self) -> tuple[dict[str, Any], list[Problem]]:
        """(the values that differ from those loaded, in their types; the problems of those refused)."""
        changes, problems = {}, []
        if self.loaded_values is None:
            return changes, problems
        for key, value in self.values().items():
            clean, problem = check(key, value)
            if problem:
                problems.append(Problem(key, problem))
            elif clean != getattr(self.loaded_values, key):
                changes[key] = clean
        return changes, problems

    def has_changes(self) -> bool:
        changes, problems = self.pending()
        return bool(changes or problems)

    # -- saving ------------------------------------------------------------------------------------
    def save(self) -> None:
        if self.loaded_values is None or self.saving:
            return
        changes, problems = self.pending()
        self.show_problems(problems)
        if problems:
            return
        if not changes:
            self.accept()
            return
        service, actor = self.service, self.context.actor
        self.saving = True
        self.set_enabled(False)
        self.message.setText("Saving…")
        self.runner.submit(self, lambda: service.store(changes, actor), self._saved, self._save_failed)

    def _saved(self, values: TeamSettingsValues) -> None:
        self.saving = False
        self.loaded_values = values
        self.saved.emit(values)
        self.accept()

    def _save_failed(self, error: BaseException) -> None:
        self.saving = False
        self.set_enabled(True)
        if isinstance(error, ValidationFailed):
            self.show_problems(list(error.problems))
        elif isinstance(error, AftercareError):
            self.message.setText(f"Not saved: {error}")
        else:
            raise error

    def show_problems(self, problems: list[Problem]) -> None:
        by_key = {problem.field: problem.message for problem in problems}
        for key, error in self.errors.items():
            error.show_message(by_key.get(key))
        if problems:
            self.message.setText(NOT_SAVED)

    # -- leaving -----------------------------------------------------------------------------------
    def reject(self) -> None:
        """Cancel, Esc and the window's close button: changes on screen are asked about first."""
        if self.saving:
            return  # the changes are being stored; the dialog closes when they are
        if self.has_changes() and not dialogs.may_leave(self, self.subject, self.save):
            return
        super().reject()
