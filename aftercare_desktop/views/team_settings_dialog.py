"""Edit → Team settings…: the thresholds of the early-warning engine, what the Today page lists, and
the mentor program's minimums, for the whole team.

Built from the settings' declarations (`services/team_settings.py`): one tab per group, a heading per
section, one row per setting — a spin box with the unit and the allowed range for a number, a list
for a choice, a check box for yes or no — with its help, its default and a button that puts the
default back. The matching weights (Mentoring → Suggestions) and what documents print (Edit →
Organisation and notices…) are edited where they are used, so they are left out here.

A number out of range stays as typed, with the reason beside it, until it is corrected: the spin
boxes accept any number of a few digits and the settings' own check judges it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..models.enums import label
from ..services.context import AppContext
from ..services.team_settings import (
    GROUPS,
    MATCHING_WEIGHTS,
    PRINTED_DOCUMENTS,
    SettingSpec,
    TeamSettingsService,
    TeamSettingsValues,
    check,
)
from .background import TaskRunner
from .settings_form import NOT_SAVED, SettingsDialog, muted
from .widgets import EnumCombo

# The groups edited in another place, and where (one way to do each thing).
EDITED_ELSEWHERE = {
    PRINTED_DOCUMENTS: "what documents print under Edit → Organisation and notices…",
    MATCHING_WEIGHTS: "the matching weights on Mentoring → Suggestions",
}
# What the spin boxes take as typed; the settings' check says what is allowed (and why not).
TYPED_LIMIT = 9999
DECIMALS = 2


def shown_groups() -> tuple[str, ...]:
    return tuple(group for group in GROUPS if group not in EDITED_ELSEWHERE)


def shown_specs() -> list[SettingSpec]:
    groups = shown_groups()
    return [spec for spec in TeamSettingsService.specs() if spec.info.group in groups]


def words(spec: SettingSpec, value: Any) -> str:
    """A value as the row's default hint says it: "3 attempts", "every two weeks", "yes"."""
    if spec.choices:
        return label(spec.kind(value)).lower()
    if spec.kind is bool:
        return "yes" if value else "no"
    if spec.kind is str:
        return f"“{value}”" if value else "empty"
    number = f"{value:g}"
    return f"{number} {spec.info.unit}" if spec.info.unit else number


class _Stepped:
    """Arrow keys and buttons step within the setting's range; typing may go beyond it (and is told)."""

    low: float
    high: float

    def stepBy(self, steps: int) -> None:
        self.setValue(min(max(self.value() + steps * self.singleStep(), self.low), self.high))

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        flags = QAbstractSpinBox.StepEnabledFlag.StepNone
        if self.value() < self.high:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        if self.value() > self.low:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        return flags


class SettingSpinBox(_Stepped, QSpinBox):
    def __init__(self, spec: SettingSpec, parent: QWidget | None = None):
        super().__init__(parent)
        self.low, self.high = int(spec.info.minimum), int(spec.info.maximum)
        self.setRange(-TYPED_LIMIT, TYPED_LIMIT)


class SettingDoubleSpinBox(_Stepped, QDoubleSpinBox):
    def __init__(self, spec: SettingSpec, parent: QWidget | None = None):
        super().__init__(parent)
        self.low, self.high = spec.info.minimum, spec.info.maximum
        self.setDecimals(DECIMALS)
        self.setSingleStep(0.1)
        self.setRange(-TYPED_LIMIT, TYPED_LIMIT)


@dataclass
class Field:
    """One setting's input widget, whatever its kind."""

    widget: QWidget
    value: Callable[[], Any]
    set_value: Callable[[Any], None]
    changed: SignalInstance


def field_for(spec: SettingSpec) -> Field:
    """The input for a setting of any kind the settings declare."""
    if spec.choices:
        combo = EnumCombo(spec.kind, optional=False)
        return Field(combo, combo.value, combo.set_value, combo.currentIndexChanged)
    if spec.kind is bool:
        box = QCheckBox()
        return Field(box, box.isChecked, box.setChecked, box.toggled)
    if spec.kind in (int, float):
        spin = SettingSpinBox(spec) if spec.kind is int else SettingDoubleSpinBox(spec)
        if spec.info.unit:
            spin.setSuffix(f" {spec.info.unit}")
        spin.setAccelerated(True)
        return Field(spin, spin.value, spin.setValue, spin.valueChanged)
    if spec.info.multiline:
        block = QPlainTextEdit()
        block.setTabChangesFocus(True)
        block.setFixedHeight(block.fontMetrics().lineSpacing() * 4 + 12)
        return Field(block, block.toPlainText, block.setPlainText, block.textChanged)
    line = QLineEdit()
    if spec.info.maximum:
        line.setMaxLength(int(spec.info.maximum))
    return Field(line, line.text, line.setText, line.textChanged)


def section_heading(text: str, *, first: bool) -> QLabel:
    heading = QLabel(text)
    font = heading.font()
    font.setBold(True)
    heading.setFont(font)
    if not first:
        heading.setContentsMargins(0, 10, 0, 0)
    return heading


class TeamSettingsDialog(SettingsDialog):
    subject = "the team settings"

    def __init__(self, context: AppContext, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(context, runner, parent, QDialogButtonBox.StandardButton.RestoreDefaults)
        self.setWindowTitle("Team settings")
        self.specs = {spec.key: spec for spec in shown_specs()}
        self.fields: dict[str, Field] = {}
        self.restore_buttons: dict[str, QToolButton] = {}
        self.pages: dict[str, QWidget] = {}

        about = muted("These settings are the team's, the same at every desk; each change is recorded with "
                      "who made it. Set " + ", and ".join(EDITED_ELSEWHERE.values()) + ".")
        self.tabs = QTabWidget()
        for group in shown_groups():
            specs = [spec for spec in self.specs.values() if spec.info.group == group]
            self.tabs.addTab(self._page(group, specs), f"&{group}")

        restore_all = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore_all.setText("Restore &defaults")
        restore_all.setToolTip("Every setting here back to the app's recommendation (saved when you save).")
        restore_all.clicked.connect(self.restore_defaults)
        self.message.setObjectName("teamSettingsMessage")
        # One width for every input, so that the defaults beside them line up too.
        width = max(field.widget.sizeHint().width() for field in self.fields.values())
        for field in self.fields.values():
            field.widget.setFixedWidth(width)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(780, 640)
        self.start_loading()

    # -- building ----------------------------------------------------------------------------------
    def _page(self, group: str, specs: list[SettingSpec]) -> QWidget:
        """A tab: the group's settings under their section headings, scrolling when they are many.

        A grid rather than a form: the help lines wrap, and a form in a scroll area loses their
        heights when it is laid out again (an error shown), clipping them."""
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(2)
        section = None
        for spec in specs:
            if spec.info.section and spec.info.section != section:
                section = spec.info.section
                grid.addWidget(section_heading(section, first=grid.rowCount() <= 1), grid.rowCount(), 0, 1, 2)
            self._setting_row(grid, spec)
        grid.setRowStretch(grid.rowCount(), 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        self.pages[group] = scroll
        return scroll

    def _setting_row(self, grid: QGridLayout, spec: SettingSpec) -> None:
        """Label | input, its default and Restore; under the input its help and its error."""
        key = spec.key
        field = field_for(spec)
        field.widget.setObjectName(key)
        self.fields[key] = field
        default = QLabel(f"default: {words(spec, spec.default)}")
        default.setEnabled(False)
        restore = QToolButton()
        restore.setText("Restore")
        restore.setToolTip(f"Back to the default: {words(spec, spec.default)}")
        restore.clicked.connect(lambda _checked=False, key=key: self.restore_default(key))
        # Hidden while the value is the default; the row keeps its height so that nothing jumps.
        policy = restore.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        restore.setSizePolicy(policy)
        restore.hide()
        self.restore_buttons[key] = restore
        inputs = QHBoxLayout()
        inputs.setContentsMargins(0, 0, 0, 0)
        inputs.setSpacing(10)
        inputs.addWidget(field.widget)
        inputs.addWidget(default)
        inputs.addWidget(restore)
        inputs.addStretch(1)
        caption = QLabel(spec.info.label)
        caption.setBuddy(field.widget)
        for widget in (caption, field.widget):
            widget.setToolTip(spec.info.help)
        row = grid.rowCount()
        grid.addWidget(caption, row, 0, Qt.AlignmentFlag.AlignVCenter)
        grid.addLayout(inputs, row, 1)
        below = [self.error_label(key)]
        if spec.info.help:
            below.insert(0, muted(spec.info.help))
        for offset, line in enumerate(below, 1):
            grid.addWidget(line, row + offset, 1)
        grid.setRowMinimumHeight(row + len(below) + 1, 8)  # air before the next setting
        field.changed.connect(lambda *_args, key=key: self._edited(key))

    # -- loading -----------------------------------------------------------------------------------
    def show_values(self, values: TeamSettingsValues) -> None:
        for key, field in self.fields.items():
            field.set_value(getattr(values, key))
        for key in self.fields:
            self._edited(key)
        self.tabs.setCurrentIndex(0)
        next(iter(self.fields.values())).widget.setFocus()

    def editors(self) -> list[QWidget]:
        return [field.widget for field in self.fields.values()]

    def set_enabled(self, enabled: bool) -> None:
        super().set_enabled(enabled)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).setEnabled(enabled)
        for button in self.restore_buttons.values():
            button.setEnabled(enabled)

    # -- editing -----------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        return {key: field.value() for key, field in self.fields.items()}

    def _edited(self, key: str) -> None:
        """Judge the value as it is typed: the reason shows at once, the Restore button when it differs."""
        clean, problem = check(key, self.fields[key].value())
        self.errors[key].show_message(problem)
        self.restore_buttons[key].setVisible(problem is not None or clean != self.specs[key].default)
        if self.message.text() == NOT_SAVED and not any(error.text() for error in self.errors.values()):
            self.message.setText("")

    def restore_default(self, key: str) -> None:
        self.fields[key].set_value(self.specs[key].default)
        self._edited(key)
        self.fields[key].widget.setFocus()

    def restore_defaults(self) -> None:
        """Every setting on screen back to its default; stored only when saved."""
        for key in self.fields:
            self.fields[key].set_value(self.specs[key].default)
            self._edited(key)
        self.message.setText("The defaults are on screen; Save stores them for the team.")

    def show_problems(self, problems) -> None:
        super().show_problems(problems)
        if problems:  # the first field refused, on its tab
            field = self.fields.get(problems[0].field)
            if field is not None:
                page = self.pages[self.specs[problems[0].field].info.group]
                self.tabs.setCurrentWidget(page)
                page.ensureWidgetVisible(self.errors[problems[0].field])
                page.ensureWidgetVisible(field.widget)
                field.widget.setFocus()
