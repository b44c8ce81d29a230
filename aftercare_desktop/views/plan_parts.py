"""The editors of an aftercare plan's parts, shared by the plan editor and the template editor: editable
tables of goals, meetings and the call roster (rows are plain dataclasses; their order means something),
the triggers with their coping strategies, and lists typed one item per line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QSpinBox,
    QStyledItemDelegate,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..models.enums import GoalStatus, LifeArea, MeetingKind, RosterRole, label
from ..services.plans import (
    MAX_PER_WEEK,
    WEEKDAYS,
    TriggerData,
    format_time,
    parse_time,
)
from ..services.validation import parse_date
from .widgets import NOT_SET, DateField, EnumCombo

# -- table models over lists of plain data ----------------------------------------------------------------


@dataclass(frozen=True)
class EditableColumn:
    header: str
    field: str | None  # None: the row number (call order)
    kind: str = "text"  # text, enum, date, time, weekday, count, order
    enum: type[StrEnum] | None = None
    width: int = 120


class EditableRowsModel(QAbstractTableModel):
    """An editable table over a list of dataclass rows; the row order means something (goal order,
    call order), so the table is never sorted. `problem` carries an unreadable typed value."""

    edited = Signal()
    problem = Signal(str)

    def __init__(self, columns: tuple[EditableColumn, ...], make_row: Callable[[], Any], parent=None):
        super().__init__(parent)
        self.columns = columns
        self._make_row = make_row
        self._rows: list[Any] = []
        self._read_only = False

    # -- the rows --------------------------------------------------------------------------------------
    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self._rows = [replace(row) for row in rows]
        self.endResetModel()

    def rows(self) -> list:
        return [replace(row) for row in self._rows]

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.columns) - 1))

    def add_row(self, row: Any = None) -> int:
        position = len(self._rows)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.append(row if row is not None else self._make_row())
        self.endInsertRows()
        self._order_changed()
        return position

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
            self._order_changed()

    def move_row(self, row: int, offset: int) -> int:
        target = row + offset
        if not (0 <= row < len(self._rows) and 0 <= target < len(self._rows)):
            return row
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), target + 1 if offset > 0 else target)
        self._rows.insert(target, self._rows.pop(row))
        self.endMoveRows()
        self._order_changed()
        return target

    def _order_changed(self) -> None:
        order_columns = [c for c, column in enumerate(self.columns) if column.kind == "order"]
        if self._rows and order_columns:
            self.dataChanged.emit(self.index(0, order_columns[0]), self.index(len(self._rows) - 1, order_columns[0]))
        self.edited.emit()

    # -- Qt's model interface ------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        column = self.columns[index.column()]
        if column.kind == "order":
            return index.row() + 1 if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole) else None
        value = getattr(self._rows[index.row()], column.field)
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(column, value)
        if role == Qt.ItemDataRole.ToolTipRole and column.kind == "text" and value:
            return value
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self._read_only:
            return False
        column = self.columns[index.column()]
        if column.field is None:
            return False
        try:
            value = _convert(column, value)
        except ValueError as exc:
            self.problem.emit(f"{column.header}: {exc}")
            return False
        row = self._rows[index.row()]
        if getattr(row, column.field) == value:
            return False
        setattr(row, column.field, value)
        self.dataChanged.emit(index, index)
        self.edited.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.columns)):
            return self.columns[section].header
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self._read_only and self.columns[index.column()].field is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags


def _display(column: EditableColumn, value) -> str:
    if column.kind == "enum":
        return label(value)
    if column.kind == "date":
        return value.isoformat() if value else ""
    if column.kind == "time":
        return format_time(value)
    if column.kind == "weekday":
        return WEEKDAYS[value] if value is not None and 0 <= value < 7 else ""
    if column.kind == "count":
        return str(value)
    return value or ""


def _convert(column: EditableColumn, value):
    """A value from an editor (or a test) into the row's type. Raises ValueError with a readable reason."""
    if column.kind == "enum":
        return column.enum(value)
    if column.kind == "date":
        return value if isinstance(value, date) or value is None else parse_date(str(value))
    if column.kind == "time":
        return value if value is None or not isinstance(value, str) else parse_time(value)
    if column.kind == "weekday":
        return None if value in (None, "", -1) else int(value)
    if column.kind == "count":
        return int(value)
    return str(value or "")


GOAL_COLUMNS = (
    EditableColumn("Goal", "text", width=360),
    EditableColumn("Life area", "life_area", "enum", LifeArea, 125),
    EditableColumn("Target date", "target_date", "date", width=95),
    EditableColumn("Status", "status", "enum", GoalStatus, 100),
)
TEMPLATE_GOAL_COLUMNS = GOAL_COLUMNS[:2]
MEETING_COLUMNS = (
    EditableColumn("Kind", "kind", "enum", MeetingKind, 140),
    EditableColumn("Name", "name", width=170),
    EditableColumn("Day", "weekday", "weekday", width=100),
    EditableColumn("Time", "starts_at", "time", width=80),
    EditableColumn("Place or online link", "place", width=240),
    EditableColumn("Per week", "per_week", "count", width=70),
)
ROSTER_COLUMNS = (
    EditableColumn("Order", None, "order", width=50),
    EditableColumn("Role", "role", "enum", RosterRole, 110),
    EditableColumn("Name", "name", width=300),
    EditableColumn("Phone", "phone", width=140),
)


class CellDelegate(QStyledItemDelegate):
    """Editors that fit each kind of column: lists for closed choices, typed dates and times."""

    def createEditor(self, parent, option, index):
        column = index.model().columns[index.column()]
        if column.kind == "enum":
            return EnumCombo(column.enum, optional=False, parent=parent)
        if column.kind == "weekday":
            combo = QComboBox(parent)
            combo.addItem(NOT_SET, None)
            for number, name in enumerate(WEEKDAYS):
                combo.addItem(name, number)
            return combo
        if column.kind == "count":
            spin = QSpinBox(parent)
            spin.setRange(1, MAX_PER_WEEK)
            return spin
        if column.kind == "date":
            return DateField(parent)
        if column.kind == "time":
            edit = QLineEdit(parent)
            edit.setPlaceholderText("e.g. 7:30 PM")
            return edit
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor, index):
        column = index.model().columns[index.column()]
        value = index.data(Qt.ItemDataRole.EditRole)
        if column.kind == "enum":
            editor.set_value(value)
        elif column.kind == "weekday":
            editor.setCurrentIndex(max(editor.findData(value), 0))
        elif column.kind == "count":
            editor.setValue(int(value or 1))
        elif column.kind == "date":
            editor.set_date(value)
        elif column.kind == "time":
            editor.setText(format_time(value))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        column = model.columns[index.column()]
        if column.kind == "enum":
            model.setData(index, editor.value())
        elif column.kind == "weekday":
            model.setData(index, editor.currentData())
        elif column.kind == "count":
            model.setData(index, editor.value())
        elif column.kind in ("date", "time"):
            model.setData(index, editor.text())
        else:
            super().setModelData(editor, model, index)


class TriggersModel(QAbstractListModel):
    """The triggers, one per row; their coping strategies are edited beside the list."""

    edited = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._triggers: list[TriggerData] = []

    def set_triggers(self, triggers: list[TriggerData]) -> None:
        self.beginResetModel()
        self._triggers = [TriggerData(t.trigger, list(t.coping_strategies)) for t in triggers]
        self.endResetModel()

    def triggers(self) -> list[TriggerData]:
        return [TriggerData(t.trigger, list(t.coping_strategies)) for t in self._triggers]

    def trigger_at(self, row: int) -> TriggerData | None:
        return self._triggers[row] if 0 <= row < len(self._triggers) else None

    def set_trigger_text(self, row: int, text: str) -> None:
        if 0 <= row < len(self._triggers) and self._triggers[row].trigger != text:
            self._triggers[row].trigger = text
            self.dataChanged.emit(self.index(row), self.index(row))
            self.edited.emit()

    def set_strategies(self, row: int, strategies: list[str]) -> None:
        if 0 <= row < len(self._triggers) and self._triggers[row].coping_strategies != strategies:
            self._triggers[row].coping_strategies = list(strategies)
            self.dataChanged.emit(self.index(row), self.index(row))
            self.edited.emit()

    def add_trigger(self) -> int:
        row = len(self._triggers)
        self.beginInsertRows(QModelIndex(), row, row)
        self._triggers.append(TriggerData())
        self.endInsertRows()
        self.edited.emit()
        return row

    def remove_trigger(self, row: int) -> None:
        if 0 <= row < len(self._triggers):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._triggers[row]
            self.endRemoveRows()
            self.edited.emit()

    def move_trigger(self, row: int, offset: int) -> int:
        target = row + offset
        if not (0 <= row < len(self._triggers) and 0 <= target < len(self._triggers)):
            return row
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), target + 1 if offset > 0 else target)
        self._triggers.insert(target, self._triggers.pop(row))
        self.endMoveRows()
        self.edited.emit()
        return target

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._triggers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._triggers):
            return None
        trigger = self._triggers[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            count = len([s for s in trigger.coping_strategies if s.strip()])
            text = trigger.trigger.strip() or "(new trigger)"
            return f"{text}  ·  {count} {'strategy' if count == 1 else 'strategies'}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join([trigger.trigger, *(f"• {s}" for s in trigger.coping_strategies)])
        return None


# -- small building blocks ----------------------------------------------------------------------------------


def tool_button(text: str, tip: str, slot, parent: QWidget | None = None) -> QToolButton:
    button = QToolButton(parent)
    button.setText(text)
    button.setToolTip(tip)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.setMinimumWidth(90)
    button.clicked.connect(slot)
    return button


class _Gutter(QWidget):
    def __init__(self, editor: LinesEdit):
        super().__init__(editor)
        self._editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self._editor.gutter_width(), 0)

    def paintEvent(self, event) -> None:
        self._editor.paint_gutter(event)


class LinesEdit(QPlainTextEdit):
    """A list typed one item per line, with a bullet before each item so that a long item wrapping
    onto a second line still reads as one item."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self._gutter = _Gutter(self)
        self.updateRequest.connect(self._update_gutter)
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def lines(self) -> list[str]:
        return [line.strip() for line in self.toPlainText().splitlines() if line.strip()]

    def set_lines(self, lines: list[str]) -> None:
        self.setPlainText("\n".join(lines))

    def gutter_width(self) -> int:
        return self.fontMetrics().horizontalAdvance("•") + 12

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        area = self.contentsRect()
        self._gutter.setGeometry(QRect(area.left(), area.top(), self.gutter_width(), area.height()))

    def _update_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def paint_gutter(self, event) -> None:
        painter = QPainter(self._gutter)
        painter.fillRect(event.rect(), self.palette().color(QPalette.ColorRole.Base))
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        line_height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            height = round(self.blockBoundingRect(block).height())
            if block.isVisible() and block.text().strip() and top + height >= event.rect().top():
                painter.drawText(0, top, self._gutter.width() - 4, line_height, Qt.AlignmentFlag.AlignRight, "•")
            block = block.next()
            top += height
        painter.end()


def make_table(model: QAbstractTableModel, name: str, min_rows: int = 3, max_rows: int | None = 12) -> QTableView:
    """An editable table for a EditableRowsModel. With `max_rows`, it grows with its rows up to that many (for a form
    that scrolls as a whole); with None, it takes the room its layout gives and scrolls itself."""
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setItemDelegate(CellDelegate(table))
    table.verticalHeader().hide()
    table.setWordWrap(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                          | QAbstractItemView.EditTrigger.AnyKeyPressed)
    table.setTabKeyNavigation(False)  # Tab leaves the table, as everywhere else in the form
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(False)
    for number, column in enumerate(model.columns):
        table.setColumnWidth(number, column.width)
    stretch = max(range(len(model.columns)), key=lambda c: model.columns[c].width)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)

    def height_for(rows: int) -> int:
        return header.sizeHint().height() + table.verticalHeader().defaultSectionSize() * rows + 2 * table.frameWidth() + 2

    def fit() -> None:
        # In a form that scrolls as a whole, a table scrolling inside it would hide rows: it grows instead.
        table.setFixedHeight(height_for(min(max(model.rowCount(), min_rows), max_rows)))

    if max_rows is None:
        table.setMinimumHeight(height_for(min_rows))
    else:
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(fit)
        fit()
    return table


class RowsEditor(QWidget):
    """A table of rows with Add / Remove / Move buttons beside it."""

    def __init__(self, model: EditableRowsModel, name: str, noun: str, *, movable: bool = True, min_rows: int = 3,
                 max_rows: int | None = 12, extra_buttons: tuple[QWidget, ...] = (), parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.table = make_table(model, name, min_rows, max_rows)
        self.add_button = tool_button("Add", f"Add a {noun}", self.add)
        self.remove_button = tool_button("Remove", f"Remove the selected {noun}", self.remove)
        self.up_button = tool_button("Move up", "Move the selected row up", lambda: self.move(-1))
        self.down_button = tool_button("Move down", "Move the selected row down", lambda: self.move(1))
        self.buttons = [self.add_button, *extra_buttons, self.remove_button]
        if movable:
            self.buttons += [self.up_button, self.down_button]
        column = QVBoxLayout()
        for button in self.buttons:
            column.addWidget(button)
        column.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(column)

    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def add(self, row_data: Any = None, *, edit_column: int | None = None) -> int:
        row = self.model.add_row(row_data)
        column = edit_column if edit_column is not None else next(
            (c for c, col in enumerate(self.model.columns) if col.kind == "text"), 0)
        index = self.model.index(row, column)
        self.table.setCurrentIndex(index)
        self.table.setFocus()
        if row_data is None:
            self.table.edit(index)
        return row

    def remove(self) -> None:
        row = self.current_row()
        self.model.remove_row(row)
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(min(row, self.model.rowCount() - 1), 0))

    def move(self, offset: int) -> None:
        row = self.current_row()
        if row < 0:
            return
        column = self.table.currentIndex().column()
        target = self.model.move_row(row, offset)
        self.table.setCurrentIndex(self.model.index(target, column))

    def set_read_only(self, read_only: bool) -> None:
        self.model.set_read_only(read_only)
        for button in self.buttons:
            button.setVisible(not read_only)


class TriggersEditor(QWidget):
    """Triggers on the left; the selected trigger and its coping strategies (one per line) on the right."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = TriggersModel(self)
        self.model.edited.connect(self.edited)
        self._filling = False
        self.list = QListView()
        self.list.setObjectName("triggers")
        self.list.setModel(self.model)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setAlternatingRowColors(True)  # wrapped triggers stay apart
        self.list.setMinimumWidth(260)
        self.list.selectionModel().currentRowChanged.connect(self._show_current)
        self.trigger_edit = QLineEdit()
        self.trigger_edit.setObjectName("triggerText")
        self.trigger_edit.setPlaceholderText("The trigger, in their words — e.g. Payday and cash in my pocket")
        self.trigger_edit.textEdited.connect(self._trigger_edited)
        self.strategies_edit = LinesEdit()
        self.strategies_edit.setObjectName("copingStrategies")
        self.strategies_edit.setPlaceholderText("What I will do instead — one per line, e.g.\n"
                                                "Pay rent and bills first\nCall Rosa before I go out")
        self.strategies_edit.textChanged.connect(self._strategies_edited)
        self.add_button = tool_button("Add", "Add a trigger", self.add)
        self.remove_button = tool_button("Remove", "Remove the selected trigger", self.remove)
        self.up_button = tool_button("Move up", "Move the selected trigger up", lambda: self.move(-1))
        self.down_button = tool_button("Move down", "Move the selected trigger down", lambda: self.move(1))

        detail = QFormLayout()
        detail.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        trigger_label = QLabel("Tr&igger")
        trigger_label.setBuddy(self.trigger_edit)
        strategies_label = QLabel("Copin&g\nstrategies")
        strategies_label.setBuddy(self.strategies_edit)
        detail.addRow(trigger_label, self.trigger_edit)
        detail.addRow(strategies_label, self.strategies_edit)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 1)
        layout.addLayout(detail, 1)
        self.setMinimumHeight(190)
        self._show_current(QModelIndex())

    def set_triggers(self, triggers: list[TriggerData]) -> None:
        self.model.set_triggers(triggers)
        if triggers:
            self.list.setCurrentIndex(self.model.index(0))
        else:
            self._show_current(QModelIndex())

    def triggers(self) -> list[TriggerData]:
        return self.model.triggers()

    def current_row(self) -> int:
        index = self.list.currentIndex()
        return index.row() if index.isValid() else -1

    def select(self, row: int) -> None:
        self.list.setCurrentIndex(self.model.index(row))

    def add(self) -> None:
        row = self.model.add_trigger()
        self.select(row)
        self.trigger_edit.setFocus()

    def remove(self) -> None:
        row = self.current_row()
        self.model.remove_trigger(row)
        if self.model.rowCount():
            self.select(min(row, self.model.rowCount() - 1))
        else:
            self._show_current(QModelIndex())

    def move(self, offset: int) -> None:
        row = self.current_row()
        if row >= 0:
            self.select(self.model.move_trigger(row, offset))

    def set_read_only(self, read_only: bool) -> None:
        self.trigger_edit.setReadOnly(read_only)
        self.strategies_edit.setReadOnly(read_only)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            button.setVisible(not read_only)

    def _show_current(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        trigger = self.model.trigger_at(current.row()) if current.isValid() else None
        self._filling = True
        try:
            self.trigger_edit.setText(trigger.trigger if trigger else "")
            self.strategies_edit.setPlainText("\n".join(trigger.coping_strategies) if trigger else "")
        finally:
            self._filling = False
        self.trigger_edit.setEnabled(trigger is not None)
        self.strategies_edit.setEnabled(trigger is not None)

    def _trigger_edited(self, text: str) -> None:
        if not self._filling:
            self.model.set_trigger_text(self.current_row(), text)

    def _strategies_edited(self) -> None:
        if not self._filling:
            # Blank lines are kept while typing (the cursor may be on one); the service drops them.
            self.model.set_strategies(self.current_row(), self.strategies_edit.toPlainText().split("\n"))
