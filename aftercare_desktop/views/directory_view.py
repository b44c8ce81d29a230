"""The alumni directory: search as you type, filters, sortable lazy table, Enter opens a record."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..models.enums import AlumniStatus, Program
from ..services.directory import UNASSIGNED, DirectoryQuery
from ..services.records import StaffRecord
from .directory_model import COL_CASEWORKER, COL_CLIENT_ID, COL_NAME, COL_PHONE, COL_PREFERRED, DirectoryModel
from .widgets import DateField, EnumCombo, ErrorLabel

ANY = "Any"


class DirectoryView(QWidget):
    open_requested = Signal(int)
    new_requested = Signal()

    def __init__(self, model: DirectoryModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model

        self.search = QLineEdit()
        self.search.setObjectName("directorySearch")
        self.search.setPlaceholderText("Search by name, preferred name, phone, email or client ID  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.installEventFilter(self)

        self.status_filter = EnumCombo(AlumniStatus, empty_text="Any status")
        self.program_filter = EnumCombo(Program, empty_text="Any program")
        self.caseworker_filter = QComboBox()
        self.set_staff([])
        self.discharged_from = DateField()
        self.discharged_to = DateField()
        for field, tip in ((self.discharged_from, "Discharged on or after"), (self.discharged_to, "Discharged on or before")):
            field.setToolTip(tip)
            field.setMaximumWidth(100)
        self.show_archived = QCheckBox("Show archived")
        self.filter_error = ErrorLabel()

        self.count_label = QLabel()
        self.count_label.setObjectName("matchCount")
        new_button = QPushButton("New alumnus…")
        new_button.setToolTip("Add an alumnus (Ctrl+N)")
        new_button.clicked.connect(self.new_requested)

        self.table = QTableView()
        self.table.setObjectName("directoryTable")
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        # Fixed row heights and column widths: never measure 100,000 rows.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in ((COL_NAME, 220), (COL_PREFERRED, 130), (COL_CLIENT_ID, 100), (COL_PHONE, 130),
                              (COL_CASEWORKER, 150)):
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(self._open_index)
        self.table.installEventFilter(self)

        for combo in (self.status_filter, self.caseworker_filter, self.program_filter):
            # Long names must not force a wide window on a small laptop screen.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(9)
        filters = QHBoxLayout()
        filters.addWidget(self.status_filter)
        filters.addWidget(self.caseworker_filter)
        filters.addWidget(self.program_filter)
        filters.addWidget(QLabel("Discharged"))
        filters.addWidget(self.discharged_from)
        filters.addWidget(QLabel("to"))
        filters.addWidget(self.discharged_to)
        filters.addStretch(1)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(new_button)

        footer = QHBoxLayout()
        footer.addWidget(self.count_label)
        footer.addSpacing(24)
        footer.addWidget(self.show_archived)
        footer.addStretch(1)
        footer.addWidget(QLabel("Type to search · ↓ to the list · Enter opens"))

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.filter_error)
        layout.addWidget(self.table, 1)
        layout.addLayout(footer)

        self.search.textChanged.connect(self._apply_filters)
        for combo in (self.status_filter, self.program_filter, self.caseworker_filter):
            combo.currentIndexChanged.connect(self._apply_filters)
        for field in (self.discharged_from, self.discharged_to):
            field.editingFinished.connect(self._apply_filters)
        self.show_archived.toggled.connect(self._apply_filters)
        model.loading.connect(self._show_loading)
        model.first_page_ready.connect(self._select_first_if_none)
        model.loaded.connect(self._show_count)
        model.failed.connect(self._show_failure)
        self.setFocusProxy(self.search)

    def showEvent(self, event: QShowEvent) -> None:
        # The list is read when first shown: the day starts on Today, and reading the directory
        # behind it would only slow that page down.
        super().showEvent(event)
        if not self.model.has_started:
            self.model.refresh()

    # -- filters ---------------------------------------------------------------------------------
    def set_staff(self, staff: list[StaffRecord]) -> None:
        current = self.caseworker_filter.currentData()
        self.caseworker_filter.blockSignals(True)
        self.caseworker_filter.clear()
        self.caseworker_filter.addItem("Any caseworker", None)
        self.caseworker_filter.addItem("No caseworker", UNASSIGNED)
        for member in staff:
            self.caseworker_filter.addItem(member.display_name, member.id)
        self.caseworker_filter.setCurrentIndex(max(self.caseworker_filter.findData(current), 0))
        self.caseworker_filter.blockSignals(False)

    def current_query(self) -> DirectoryQuery | None:
        try:
            discharged_from = self.discharged_from.date_value()
            discharged_to = self.discharged_to.date_value()
        except ValueError as exc:
            self.filter_error.show_message(f"Discharge date filter: {exc}")
            return None
        self.filter_error.show_message(None)
        status = self.status_filter.value()
        return replace(
            self.model.query,
            text=self.search.text(),
            statuses=frozenset({status}) if status else frozenset(),
            caseworker_id=self.caseworker_filter.currentData(),
            program=self.program_filter.value(),
            discharged_from=discharged_from,
            discharged_to=discharged_to,
            include_archived=self.show_archived.isChecked(),
        )

    def _apply_filters(self) -> None:
        query = self.current_query()
        if query is not None and query != self.model.query:
            self.model.set_query(query)

    # -- feedback --------------------------------------------------------------------------------
    def _show_loading(self) -> None:
        self.count_label.setText("Searching…")

    def _show_count(self, total: int) -> None:
        noun = "alumnus" if total == 1 else "alumni"
        self.count_label.setText(f"{total:,} {noun}" if total else "No alumni match")

    def _show_failure(self, message: str) -> None:
        self.count_label.setText(f"Search failed: {message}")

    def _select_first_if_none(self) -> None:
        if self.model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    # -- keyboard --------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def _open_index(self, index) -> None:
        alumnus_id = self.model.id_at(index.row())
        if alumnus_id is not None:
            self.open_requested.emit(alumnus_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.search:
                if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and self.model.rowCount():
                    self.table.setFocus()
                    if not self.table.currentIndex().isValid():
                        self.table.selectRow(0)
                    return True
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    row = self.table.currentIndex().row() if self.table.currentIndex().isValid() else 0
                    if self.model.rowCount():
                        self._open_index(self.model.index(row, 0))
                    return True
                if key == Qt.Key.Key_Escape and self.search.text():
                    self.search.clear()
                    return True
            elif watched is self.table:
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.currentIndex().isValid():
                    self._open_index(self.table.currentIndex())
                    return True
                if key == Qt.Key.Key_Up and self.table.currentIndex().row() <= 0:
                    self.focus_search()
                    return True
                text = event.text()
                if text and text.isprintable() and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier:
                    # Typing in the list goes on searching.
                    self.search.setFocus()
                    self.search.insert(text)
                    return True
        return super().eventFilter(watched, event)
