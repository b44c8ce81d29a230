"""The team's plan templates: common triggers with coping strategies, warning signs and starter goals.

Plans made from a template keep their own copy, so changing or deleting a template never changes a plan.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QTimer, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..errors import AftercareError, ConcurrentEditError, RecordNotFoundError, ValidationFailed
from ..services.context import AppContext
from ..services.plan_templates import PlanTemplateService, TemplateData
from ..services.plans import GoalData
from ..services.validation import Problem
from . import dialogs
from .background import TaskRunner
from .plan_parts import TEMPLATE_GOAL_COLUMNS, EditableRowsModel, LinesEdit, RowsEditor, TriggersEditor
from .widgets import ErrorLabel


def confirm_delete_template(parent: QWidget | None, name: str) -> bool:
    """Asked before a template is deleted (tests replace this function)."""
    answer = QMessageBox.question(
        parent,
        dialogs.TITLE,
        f"Delete the template “{name}”?\n\nPlans already made from it keep their own copy and do not change.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


class TemplateEditorDialog(QDialog):
    """Choose a template on the left, edit it on the right; save, revert, add or delete."""

    loaded = Signal()
    saved = Signal(int)
    deleted = Signal(int)

    def __init__(self, context: AppContext, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Plan templates")
        self.context = context
        self.runner = runner
        self.service: PlanTemplateService = context.plan_templates
        self._templates: list[TemplateData] = []
        self._original: TemplateData | None = None
        self._filling = False
        self._busy = False
        self._shown_errors = False
        self.errors: dict[str, ErrorLabel] = {}
        self._build()
        self.resize(1100, 760)
        self.reload()

    # -- building -------------------------------------------------------------------------------------------
    def _error(self, name: str) -> ErrorLabel:
        label = ErrorLabel()
        label.setObjectName(f"{name}Error")
        self.errors[name] = label
        return label

    def _build(self) -> None:
        self.list = QListWidget()
        self.list.setObjectName("templateList")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentItemChanged.connect(self._chosen)
        list_label = QLabel("&Templates")
        list_label.setBuddy(self.list)
        self.new_button = QPushButton("&New template")
        self.new_button.clicked.connect(self.new_template)
        self.delete_button = QPushButton("&Delete…")
        self.delete_button.clicked.connect(self.delete_current)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(list_label)
        left_layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        left_layout.addLayout(buttons)
        hint = QLabel("Plans made from a template keep their own copy: changing a template changes only the "
                      "plans made from it later.")
        hint.setWordWrap(True)
        left_layout.addWidget(hint)

        self.name = QLineEdit()
        self.name.setObjectName("templateName")
        self.name.setPlaceholderText("e.g. Alcohol, or Young adults")
        self.name.textEdited.connect(self._edited)
        self.description = QPlainTextEdit()
        self.description.setObjectName("templateDescription")
        self.description.setTabChangesFocus(True)
        self.description.setPlaceholderText("Who the template is for; shown when a caseworker picks one")
        self.description.setFixedHeight(self.description.fontMetrics().lineSpacing() * 3 + 14)
        self.description.textChanged.connect(self._edited)
        about = QGroupBox("Template")
        form = QFormLayout(about)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for caption, name, widget in (("Na&me *", "name", self.name),
                                      ("Descri&ption", "description", self.description)):
            holder = QWidget()
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)
            box.addWidget(widget)
            box.addWidget(self._error(name))
            label = QLabel(caption)
            label.setBuddy(widget)
            form.addRow(label, holder)

        triggers = QGroupBox("Common triggers and coping strategies")
        self.triggers = TriggersEditor()
        self.triggers.edited.connect(self._edited)
        triggers_layout = QVBoxLayout(triggers)
        triggers_layout.addWidget(self.triggers)
        triggers_layout.addWidget(self._error("triggers"))

        signs = QGroupBox("Common warning signs")
        self.signs = LinesEdit()
        self.signs.setObjectName("templateWarningSigns")
        self.signs.setPlaceholderText("One per line, in words an alumnus might use")
        self.signs.textChanged.connect(self._edited)
        signs_layout = QVBoxLayout(signs)
        signs_layout.addWidget(self.signs)
        signs_layout.addWidget(self._error("warning_signs"))

        goals = QGroupBox("Starter goals")
        self.goals_model = EditableRowsModel(TEMPLATE_GOAL_COLUMNS, GoalData, self)
        self.goals_model.edited.connect(self._edited)
        self.goals = RowsEditor(self.goals_model, "templateGoals", "goal", min_rows=4, max_rows=None)
        self.goals.table.setColumnWidth(1, 120)
        goals_layout = QVBoxLayout(goals)
        goals_layout.addWidget(self.goals)
        goals_layout.addWidget(self._error("goals"))

        lower = QHBoxLayout()
        lower.addWidget(signs, 1)
        lower.addWidget(goals, 2)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(about)
        right_layout.addWidget(triggers, 1)
        right_layout.addLayout(lower)
        self.editor_area = right

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 840])
        splitter.setChildrenCollapsible(False)

        self.message = QLabel()
        self.message.setObjectName("templateMessage")
        self.message.setWordWrap(True)
        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName("saveTemplate")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("&Undo changes")
        self.revert_button.clicked.connect(self.revert)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        for button in (self.revert_button, self.save_button, self.close_button):
            button.setAutoDefault(False)
            bottom.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self._show(None)

    # -- loading --------------------------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        service = self.service
        self._set_busy(True)

        def done(templates: list[TemplateData]) -> None:
            self._set_busy(False)
            self._templates = templates
            self._fill_list(select_id if select_id is not None else (self._original.id if self._original else None))
            self.loaded.emit()

        self.runner.submit(self, service.list, done, self._failed)

    def _fill_list(self, select_id: int | None) -> None:
        self._filling = True
        try:
            self.list.clear()
            for template in self._templates:
                item = QListWidgetItem(template.name)
                item.setData(Qt.ItemDataRole.UserRole, template.id)
                item.setToolTip(template.description or "")
                self.list.addItem(item)
        finally:
            self._filling = False
        ids = [t.id for t in self._templates]
        if select_id in ids:
            self.list.setCurrentRow(ids.index(select_id))
        elif self._templates:
            self.list.setCurrentRow(0)
        else:
            self._show(None)

    def _chosen(self, current: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if self._filling:
            return
        template_id = current.data(Qt.ItemDataRole.UserRole) if current else None
        if self._original is not None and template_id == self._original.id:
            return
        if not self.maybe_leave():
            # Put the selection back after this signal, on what is still being edited.
            QTimer.singleShot(0, self, self._reselect)
            return
        template = next((t for t in self._templates if t.id == template_id), None)
        self._show(template)

    def _reselect(self) -> None:
        self._filling = True
        try:
            wanted = self._original.id if self._original else None
            for row in range(self.list.count()):
                if self.list.item(row).data(Qt.ItemDataRole.UserRole) == wanted:
                    self.list.setCurrentRow(row)
                    break
            else:
                self.list.setCurrentRow(-1)
        finally:
            self._filling = False

    def _show(self, template: TemplateData | None, message: str = "") -> None:
        self._original = template
        self._shown_errors = False
        self._filling = True
        try:
            data = template or TemplateData()
            self.name.setText(data.name)
            self.description.setPlainText(data.description or "")
            self.triggers.set_triggers(data.triggers)
            self.signs.set_lines(data.warning_signs)
            self.goals_model.set_rows(data.goals)
        finally:
            self._filling = False
        self.editor_area.setEnabled(template is not None)
        self._show_problems([])
        if template is None and not self._templates and not self._busy:
            self.message.setText("No templates yet. “New template” starts one.")
        else:
            self.message.setText(message)
        self._update_buttons()

    # -- editing --------------------------------------------------------------------------------------------
    def form_data(self) -> TemplateData:
        base = self._original or TemplateData()
        return replace(base, name=self.name.text(), description=self.description.toPlainText().strip() or None,
                       triggers=self.triggers.triggers(), warning_signs=self.signs.lines(),
                       goals=self.goals_model.rows())

    def is_dirty(self) -> bool:
        if self._original is None:
            return False
        if self._original.id is None:
            return True  # a new template not saved yet
        return _comparable(self.form_data()) != _comparable(self._original)

    def _edited(self, *_args) -> None:
        if self._filling or self._original is None:
            return
        if self._shown_errors:
            self._show_problems(self.service.validate(self.form_data()))
        self._update_buttons()

    def _update_buttons(self) -> None:
        dirty = self.is_dirty()
        self.save_button.setEnabled(not self._busy and dirty)
        self.revert_button.setEnabled(not self._busy and dirty and self._original is not None
                                      and self._original.id is not None)
        self.delete_button.setEnabled(not self._busy and self._original is not None)
        self.new_button.setEnabled(not self._busy)

    def _show_problems(self, problems: list[Problem]) -> None:
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            by_field.setdefault(problem.field, []).append(problem.message)
        for name, error in self.errors.items():
            error.show_message("\n".join(by_field.get(name, [])) or None)
        if problems:
            count = len(problems)
            self.message.setText(f"Please correct {count} problem{'s' if count > 1 else ''} marked above.")

    def new_template(self) -> None:
        if not self.maybe_leave():
            return
        self._filling = True
        self.list.setCurrentRow(-1)
        self._filling = False
        self._show(TemplateData(), "New template: give it a name, then add its triggers, warning signs and goals.")
        self.name.setFocus()

    def revert(self) -> None:
        if self._original is not None and self._original.id is not None:
            self._show(self._original, "Changes undone.")

    # -- saving and deleting ------------------------------------------------------------------------------------
    def save(self) -> None:
        if self._original is None or self._busy or not self.is_dirty():
            return
        data = self.form_data()
        self._shown_errors = True
        problems = self.service.validate(data)
        self._show_problems(problems)
        if problems:
            return
        service, actor = self.service, self.context.actor
        self._set_busy(True)
        self.message.setText("Saving…")

        def done(result: tuple[TemplateData, list[TemplateData]]) -> None:
            saved, templates = result
            self._set_busy(False)
            self._templates = templates
            self._original = saved
            self._fill_list(saved.id)
            self._show(saved, f"Saved “{saved.name}”.")
            self.saved.emit(saved.id)

        self.runner.submit(self, lambda: (service.save(data, actor), service.list()), done, self._save_failed)

    def delete_current(self) -> None:
        template = self._original
        if template is None or self._busy:
            return
        if template.id is None:  # a new one never saved: nothing to delete but the draft
            self._fill_list(None)
            return
        if not confirm_delete_template(self, template.name):
            self.message.setText("Not deleted.")
            return
        service, actor = self.service, self.context.actor
        self._set_busy(True)

        def done(templates: list[TemplateData]) -> None:
            self._set_busy(False)
            self._templates = templates
            self._original = None
            self._fill_list(None)
            self.message.setText(f"Deleted “{template.name}”.")
            self.deleted.emit(template.id)

        def work():
            service.delete(template.id, actor)
            return service.list()

        self.runner.submit(self, work, done, self._save_failed)

    def _save_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, ValidationFailed):
            self._show_problems(list(error.problems))
        elif isinstance(error, (ConcurrentEditError, RecordNotFoundError)):
            self.message.setText(str(error))
            if isinstance(error, RecordNotFoundError) or dialogs.ask_reload_after_conflict(self, str(error)):
                self._original = None
                self.reload()
        elif isinstance(error, AftercareError):
            self.message.setText(str(error))
            dialogs.show_problem(self, str(error))
        else:
            raise error

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, AftercareError):
            self.message.setText(str(error))
            dialogs.show_problem(self, str(error))
        else:
            raise error

    # -- leaving ------------------------------------------------------------------------------------------------
    def maybe_leave(self) -> bool:
        """Ask before unsaved edits are lost. True when it is safe to move on."""
        if self._busy:
            return False
        if not self.is_dirty():
            return True
        name = (self.name.text().strip() or "this new template")
        return dialogs.may_leave(self, f"the template “{name}”", self.save, self._discard)

    def _discard(self) -> None:
        if self._original is not None and self._original.id is not None:
            self._show(self._original)
        else:
            self._original = None

    def reject(self) -> None:
        # Escape, Close and the window's close button all come here (QDialog's closeEvent calls reject).
        if self.maybe_leave():
            super().reject()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()


def _comparable(template: TemplateData) -> tuple:
    triggers = [(t.trigger.strip(), [s.strip() for s in t.coping_strategies if s.strip()]) for t in template.triggers]
    goals = [(g.text.strip(), g.life_area) for g in template.goals if g.text.strip()]
    return (template.name.strip(), (template.description or "").strip(), triggers, template.warning_signs, goals)
