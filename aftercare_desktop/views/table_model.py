"""A table model over a short list of plain rows (frozen dataclasses), shown through named columns.

For lists of tens to a few hundred rows (mentors, the waiting list, suggestions, pairings), where
building every cell on demand from the row is cheaper than anything cleverer. Long lists page
instead (see directory_model.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ..services.bulk import LazyRows

SortRole = Qt.ItemDataRole.UserRole + 1
RowRole = Qt.ItemDataRole.UserRole + 2

# Background and text colours of a highlighted row: (light scheme, dark scheme).
TONES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "high": (("#fde2e1", "#5c1f1c"), ("#5c1f1c", "#fde2e1")),
    "watch": (("#fff4d6", "#4d3b00"), ("#4d3b00", "#fff4d6")),
    "muted": (("#eeeeee", "#555555"), ("#3a3a3a", "#bbbbbb")),
}


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], Any]
    width: int = 120
    sort: Callable[[Any], Any] | None = None  # the sort key; the shown text when None
    tip: Callable[[Any], str] | None = None  # the tooltip; the shown text when None
    right: bool = False  # numbers line up on the right


class RowsModel(QAbstractTableModel):
    """Rows shown through `columns`; `tone(row)` names a TONES entry to highlight the row with."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None, *,
                 tone: Callable[[Any], str | None] | None = None):
        super().__init__(parent)
        self.columns = tuple(columns)
        self._rows: tuple = ()
        self._tone = tone
        self.dark = False

    def set_rows(self, rows: Sequence) -> None:
        self.beginResetModel()
        # A service's lazy rows (services/bulk.py LazyRows) stay lazy: only the rows shown are made.
        self._rows = rows if isinstance(rows, (tuple, LazyRows)) else tuple(rows)
        self.endResetModel()

    @property
    def rows(self) -> Sequence:
        return self._rows

    def row_at(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def refresh(self, row: int | None = None) -> None:
        """Say that row `row` (every row when None) shows something new; the row objects are the same."""
        first, last = (0, len(self._rows) - 1) if row is None else (row, row)
        if 0 <= first <= last < len(self._rows):
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.columns) - 1))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(column.value(row))
        if role == Qt.ItemDataRole.ToolTipRole:
            text = column.tip(row) if column.tip is not None else str(column.value(row))
            return text or None
        if role == SortRole:
            return column.sort(row) if column.sort is not None else str(column.value(row)).casefold()
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and column.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole) and self._tone is not None:
            tone = TONES.get(self._tone(row) or "")
            if tone is not None:
                background, foreground = tone[1] if self.dark else tone[0]
                return QColor(background if role == Qt.ItemDataRole.BackgroundRole else foreground)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.columns):
            return self.columns[section].title
        return None


def row_table(model, columns: Sequence[Column], name: str, *, multi: bool = False, stretch: int | None = None,
              parent: QWidget | None = None) -> QTableView:
    """A read-only table of whole rows, sized by its columns; column `stretch` (the last when None)
    takes the room left, so a narrow table elides that column instead of scrolling sideways."""
    table = QTableView(parent)
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                           else QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab leaves the table for the next control
    table.verticalHeader().hide()
    # A line of text and a little air: these tables sit several to a page.
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for position, column in enumerate(columns):
        table.setColumnWidth(position, column.width)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table
