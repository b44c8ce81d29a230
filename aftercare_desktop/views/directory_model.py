"""A lazy table model over the alumni directory.

The model holds the ordered ids of every match (cheap ints) and builds rows on demand, a page at a
time, from the service. A new query first shows its first page, then learns the full list; only the
newest query's results are ever applied, so fast typing never shows stale rows.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from functools import cache

from PySide6.QtCore import (
    QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QThreadPool, QTimer, Signal,
)
from PySide6.QtGui import QFont

from ..models.enums import label
from ..services.directory import DirectoryQuery, DirectoryRow, DirectoryService, SortKey
from .background import TaskRunner

COL_NAME, COL_PREFERRED, COL_CLIENT_ID, COL_PHONE, COL_STATUS, COL_PROGRAM, COL_CASEWORKER, COL_DISCHARGED = range(8)
HEADERS = ("Name", "Preferred name", "Client ID", "Phone", "Status", "Program", "Caseworker", "Discharged")
SORT_KEYS = (
    SortKey.NAME, SortKey.PREFERRED_NAME, SortKey.CLIENT_ID, SortKey.PHONE,
    SortKey.STATUS, SortKey.PROGRAM, SortKey.CASEWORKER, SortKey.DISCHARGE_DATE,
)
IdRole = Qt.ItemDataRole.UserRole + 1
PAGE_SIZE = 100
CACHE_LIMIT = 5_000

_PROGRAM_SHORT = {"php": "PHP", "iop": "IOP"}

# data() runs for every role of every visible cell on each paint (about 1,500 calls for one screen),
# so it compares plain ints and returns texts made once per row.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_ID = int(IdRole)
_ROW_ROLES = frozenset({_DISPLAY, _TOOLTIP, _FONT, _ID})


@cache
def _archived_font() -> QFont:
    font = QFont()
    font.setItalic(True)
    return font


def _texts(row: DirectoryRow) -> tuple[tuple[str, ...], bool]:
    """What the table shows of a row, one text per column, and whether it is archived."""
    return tuple(_display(row, column) for column in range(len(HEADERS))), row.archived


def _display(row: DirectoryRow, column: int) -> str:
    if column == COL_NAME:
        return row.name + (" (archived)" if row.archived else "")
    if column == COL_PREFERRED:
        return row.preferred_name or ""
    if column == COL_CLIENT_ID:
        return row.client_id
    if column == COL_PHONE:
        return row.phone or ""
    if column == COL_STATUS:
        return label(row.status)
    if column == COL_PROGRAM:
        return _PROGRAM_SHORT.get(row.program.value, label(row.program)) if row.program else ""
    if column == COL_CASEWORKER:
        return row.caseworker or ""
    if column == COL_DISCHARGED:
        return row.discharge_date.isoformat() if row.discharge_date else ""
    return ""


class DirectoryModel(QAbstractTableModel):
    loading = Signal()
    first_page_ready = Signal()
    # total number of matches, once known
    loaded = Signal(int)
    failed = Signal(str)

    def __init__(self, service: DirectoryService, runner: TaskRunner | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._service = service
        if runner is None:
            # One worker: queries run one after another and only the newest result is applied.
            pool = QThreadPool(self)
            pool.setMaxThreadCount(1)
            runner = TaskRunner(self, pool)
        self._runner = runner
        self._query = DirectoryQuery()
        self._ids: list[int] = []
        # id -> (texts, archived), oldest first; at most CACHE_LIMIT rows.
        self._rows: OrderedDict[int, tuple[tuple[str, ...], bool]] = OrderedDict()
        # The full id list is asked for once the first page has been painted: reading 100,000 ids
        # on the worker takes the interpreter lock thousands of times, and each wait for it would
        # slow the paint (whose every cell calls into Python). A zero timer fires after the posted
        # events, the repaint among them, have been delivered.
        self._all_ids_timer = QTimer(self)
        self._all_ids_timer.setSingleShot(True)
        self._all_ids_timer.setInterval(0)
        self._all_ids_timer.timeout.connect(self._fetch_all_ids)
        self._all_ids_for: tuple[int, DirectoryQuery] | None = None
        self._generation = 0
        self._total: int | None = None
        self._in_flight = False
        self._pending = False

    # -- queries ---------------------------------------------------------------------------------
    @property
    def query(self) -> DirectoryQuery:
        return self._query

    @property
    def total(self) -> int | None:
        """Matches in all, or None while still counting."""
        return self._total

    @property
    def is_loading(self) -> bool:
        return self._in_flight or self._pending

    @property
    def has_started(self) -> bool:
        """Whether a query has been asked for since the model was made."""
        return self._generation > 0

    def set_query(self, query: DirectoryQuery) -> None:
        self._query = query
        self.refresh()

    def refresh(self) -> None:
        """Run the current query again (after a search change, a save elsewhere, an import)."""
        self._generation += 1
        self._total = None
        self.loading.emit()
        if self._in_flight:
            self._pending = True
            return
        self._start(self._generation)

    def _start(self, generation: int) -> None:
        self._in_flight, self._pending = True, False
        query, service = self._query, self._service
        self._runner.submit(
            self,
            lambda: service.first_page(query, PAGE_SIZE),
            lambda rows: self._first_page_done(generation, query, rows),
            self._failed,
        )

    def _first_page_done(self, generation: int, query: DirectoryQuery, rows: list[DirectoryRow]) -> None:
        if self._run_pending_instead(generation):
            return
        self.beginResetModel()
        self._ids = [row.id for row in rows]
        self._rows.clear()
        for row in rows:
            self._rows[row.id] = _texts(row)
        self.endResetModel()
        self.first_page_ready.emit()
        if len(rows) < PAGE_SIZE:
            self._all_ids_done(generation, self._ids)
            return
        self._all_ids_for = (generation, query)
        self._all_ids_timer.start()

    def _fetch_all_ids(self) -> None:
        if self._all_ids_for is None:
            return
        (generation, query), self._all_ids_for = self._all_ids_for, None
        if self._run_pending_instead(generation):
            return
        service = self._service
        self._runner.submit(
            self,
            lambda: service.matching_ids(query),
            lambda ids: self._all_ids_done(generation, ids),
            self._failed,
        )

    def _all_ids_done(self, generation: int, ids: list[int]) -> None:
        if self._run_pending_instead(generation):
            return
        self._in_flight = False
        known = len(self._ids)
        if ids[:known] == self._ids and len(ids) > known:
            self.beginInsertRows(QModelIndex(), known, len(ids) - 1)
            self._ids = ids
            self.endInsertRows()
        elif ids[:known] != self._ids:
            # The data changed between the two steps; show the newer, complete picture.
            self.beginResetModel()
            self._ids = ids
            self._rows.clear()
            self.endResetModel()
        self._total = len(ids)
        self.loaded.emit(self._total)

    def _run_pending_instead(self, generation: int) -> bool:
        if generation == self._generation and not self._pending:
            return False
        self._start(self._generation)
        return True

    def _failed(self, error: BaseException) -> None:
        self._in_flight = False
        if self._pending:
            self._start(self._generation)
            return
        self.failed.emit(str(error))

    def wait_for_done(self) -> None:
        self._runner.wait_for_done()

    # -- rows ------------------------------------------------------------------------------------
    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, alumnus_id: int) -> int | None:
        try:
            return self._ids.index(alumnus_id)
        except ValueError:
            return None

    def _fetch_page(self, position: int) -> tuple[tuple[str, ...], bool] | None:
        """Texts for the row at `position`, fetching its page of PAGE_SIZE rows (on the GUI thread:
        one indexed query of about a millisecond, and only for rows scrolled into view)."""
        start = position - position % PAGE_SIZE
        page = self._service.rows(self._ids[start : start + PAGE_SIZE])
        while self._rows and len(self._rows) + len(page) > CACHE_LIMIT:
            self._rows.popitem(last=False)
        for fetched in page:
            self._rows[fetched.id] = _texts(fetched)
        return self._rows.get(self._ids[position])

    # -- Qt model API ----------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if role not in _ROW_ROLES:
            return None
        position = index.row()  # -1 for an invalid index
        if not 0 <= position < len(self._ids):
            return None
        if role == _ID:
            return self._ids[position]
        shown = self._rows.get(self._ids[position]) or self._fetch_page(position)
        if shown is None:  # deleted since the list was made
            return "(deleted)" if role == _DISPLAY and index.column() == COL_NAME else None
        texts, archived = shown
        if role == _FONT:
            return _archived_font() if archived else None
        return texts[index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(SORT_KEYS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if self._query.sort is SORT_KEYS[column] and self._query.descending == descending:
            return
        query = replace(self._query, sort=SORT_KEYS[column], descending=descending)
        if not self.has_started:
            # Nothing asked for yet: a view being set up sorts (turning sorting on sorts by its
            # header's default, descending) before the first refresh(). Keep the order for that
            # refresh instead of running a query per step.
            self._query = query
            return
        self.set_query(query)

    # flags() stays QAbstractTableModel's (enabled, selectable, no children): a Python override would
    # be called for every visible cell on every paint.

