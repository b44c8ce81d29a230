"""The mentor pool: every mentor with where they stand and their load, and their current mentees.

Type to filter; Enter edits the selected mentor's profile, Ctrl+Enter opens their record,
Ctrl+Shift+N makes another alumnus a mentor. The line above the table is the capacity overview; the Load column
draws each mentor's mentees against their capacity.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ..models.enums import label
from ..services.context import AppContext
from ..services.directory import DirectoryQuery, DirectoryRow
from ..services.mentor_pool import MenteeBrief, MentorRow
from . import dialogs
from .background import TaskRunner
from .mentor_profile_dialog import MentorProfileDialog
from .mentoring_state import MentoringState
from .table_model import Column, RowRole, RowsModel, SortRole, row_table
from .widgets import is_dark


def _standing(row: MentorRow) -> str:
    if row.available:
        return "Yes"
    return "No — " + "; ".join(row.reasons)


def _load_text(row: MentorRow) -> str:
    text = f"{row.load} of {row.capacity}"
    return text + (f" (+{row.locked} locked)" if row.locked else "")


def _mentees_tip(row: MentorRow) -> str:
    if not row.mentees:
        return "No mentees now"
    return "\n".join(f"{m.name} — " + (f"since {m.started_on.isoformat()}" if m.started_on else "locked, not started")
                     for m in row.mentees)


COL_LOAD = 3
POOL_COLUMNS = (
    Column("Name", lambda r: r.name, 160),
    Column("Status", lambda r: r.status_label, 160),
    Column("Can take mentees", _standing, 155, sort=lambda r: (not r.available, r.reasons)),
    Column("Load", _load_text, 105, sort=lambda r: (r.load + r.locked) / r.capacity, tip=_mentees_tip),
    Column("Free", lambda r: r.free if r.available else "—", 40, sort=lambda r: r.free if r.available else -1,
           right=True),
    Column("Languages", lambda r: ", ".join(r.languages), 115),
    Column("City", lambda r: r.city or "", 95),
    Column("Evening calls", lambda r: "yes" if r.evening_weekend_calls else "", 90,
           sort=lambda r: not r.evening_weekend_calls, tip=lambda r: "Takes calls in the evening and at weekends"
           if r.evening_weekend_calls else "No evening or weekend calls"),
    Column("Sober", lambda r: f"{r.months_sober} mo" if r.months_sober is not None else "not recorded", 60,
           sort=lambda r: r.months_sober if r.months_sober is not None else -1, right=True),
    Column("Mentored", lambda r: r.completed_pairings, 70, sort=lambda r: r.completed_pairings, right=True,
           tip=lambda r: f"{r.completed_pairings} pairings completed"),
)
MENTEE_COLUMNS = (
    Column("Mentee now", lambda m: m.name, 180),
    Column("Since", lambda m: m.started_on.isoformat() if m.started_on else "locked, not started", 140),
)


def capacity_overview(rows: list[MentorRow]) -> str:
    """One line over the whole pool: who can take mentees and how many places are taken."""
    if not rows:
        return "No mentors yet. Make an alumnus a mentor to start the pool (Ctrl+Shift+N)."
    available = [row for row in rows if row.available]
    places = sum(row.capacity for row in available)
    taken = sum(row.load for row in available)
    locked = sum(row.locked for row in available)
    free = sum(row.free for row in available)
    full = sum(1 for row in available if row.free == 0)
    others = sum(row.load for row in rows if not row.available)
    text = (f"{len(rows)} mentors · {len(available)} can take mentees · {places} places: {taken} taken, "
            f"{locked} locked, {free} free · {full} full")
    if others:
        text += f" · {others} mentees with mentors who cannot take more now"
    return text


class LoadDelegate(QStyledItemDelegate):
    """The Load column as a bar: mentees (and locks) against capacity."""

    def paint(self, painter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        row: MentorRow | None = index.data(RowRole)
        if row is None:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if style is not None:  # the row's own background: selection, or a muted row's tone
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)
        area = option.rect.adjusted(3, 4, -3, -4)
        share = min(1.0, (row.load + row.locked) / row.capacity) if row.capacity else 0.0
        painter.save()
        accent = option.palette.color(QPalette.ColorRole.Highlight)
        accent.setAlpha(90 if not selected else 160)
        painter.fillRect(QRect(area.left(), area.top(), int(area.width() * share), area.height()), accent)
        painter.setPen(option.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        painter.drawText(area.adjusted(4, 0, 0, 0), int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                         _load_text(row))
        painter.restore()


class PoolFilter(QSortFilterProxyModel):
    """Filter by words in any column, and optionally to those who can take mentees."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.words: list[str] = []
        self.available_only = False

    def set_filter(self, text: str, available_only: bool) -> None:
        # Qt 6.9 replaced invalidateRowsFilter() (deprecated since) with begin/endFilterChange().
        modern = hasattr(self, "beginFilterChange")
        if modern:
            self.beginFilterChange()
        self.words = text.casefold().split()
        self.available_only = available_only
        if modern:
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        row: MentorRow | None = model.row_at(source_row)
        if row is None:
            return False
        if self.available_only and not (row.available and row.free > 0):
            return False
        if not self.words:
            return True
        haystack = " ".join((row.name, row.client_id, row.status_label, " ".join(row.languages), row.city or "")).casefold()
        return all(word in haystack for word in self.words)


class ChooseAlumnusDialog(QDialog):
    """Find the alumnus to make a mentor: type a name or client ID, ↓ into the list, Enter."""

    def __init__(self, context: AppContext, runner: TaskRunner, mentor_ids: set[int], parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.mentor_ids = mentor_ids
        self._request = 0
        self.setWindowTitle("Make an alumnus a mentor")
        self.search = QLineEdit()
        self.search.setObjectName("alumnusSearch")
        self.search.setPlaceholderText("Name or client ID")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setObjectName("alumnusList")
        self.hint = QLabel("Type to find the alumnus.")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Open mentor profile")
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self._look_up)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.search.installEventFilter(self)
        self.list.currentRowChanged.connect(lambda row: self.ok_button.setEnabled(row >= 0))
        self.list.itemActivated.connect(lambda _item: self.accept())
        layout = QVBoxLayout(self)
        label = QLabel("&Find")
        label.setBuddy(self.search)
        layout.addWidget(label)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.resize(460, 420)

    def _look_up(self) -> None:
        text = self.search.text().strip()
        self._request += 1
        request = self._request
        if not text:
            self.list.clear()
            self.hint.setText("Type to find the alumnus.")
            return
        directory = self.context.directory
        self.runner.submit(self, lambda: directory.first_page(DirectoryQuery(text=text), 50),
                           lambda rows: self._show(request, rows))

    def _show(self, request: int, rows: list[DirectoryRow]) -> None:
        if request != self._request:
            return
        self.list.clear()
        for row in rows:
            already = " — already a mentor" if row.id in self.mentor_ids else ""
            item = QListWidgetItem(f"{row.name} · {row.client_id} · {label(row.status)}{already}")
            item.setData(Qt.ItemDataRole.UserRole, (row.id, f"{row.preferred_name or row.first_name} {row.last_name}"))
            self.list.addItem(item)
        self.hint.setText(f"{len(rows)} found" + (" (the first 50)" if len(rows) == 50 else "") if rows else
                          "Nobody found.")
        if rows:
            self.list.setCurrentRow(0)

    def chosen(self) -> tuple[int, str] | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Down and self.list.count():
                self.list.setFocus()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self._debounce.isActive():
                    self._debounce.stop()
                    self._look_up()
                elif self.chosen() is not None:
                    self.accept()
                return True
        return super().eventFilter(watched, event)


class MentorPoolView(QWidget):
    open_requested = Signal(int)  # an alumnus record
    loaded = Signal()
    count_changed = Signal(int)

    def __init__(self, context: AppContext, runner: TaskRunner, state: MentoringState,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.state = state
        self.rows: list[MentorRow] = []
        self._request = 0
        self._select_next: int | None = None  # a mentor just saved, to select once the pool is loaded
        self.profile_dialog: MentorProfileDialog | None = None

        self.overview = QLabel("Loading the mentor pool…")
        self.overview.setObjectName("capacityOverview")
        self.overview.setWordWrap(True)
        self.filter_text = QLineEdit()
        self.filter_text.setObjectName("poolFilter")
        self.filter_text.setPlaceholderText("Filter by name, client ID, status, language or city")
        self.filter_text.setClearButtonEnabled(True)
        self.available_only = QCheckBox("Only mentors with a &free place")
        self.new_button = QPushButton("Make an alumnus a &mentor… (Ctrl+Shift+N)")
        self.new_button.clicked.connect(self.make_mentor)

        self.model = RowsModel(POOL_COLUMNS, self, tone=lambda r: None if r.available else "muted")
        self.proxy = PoolFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = row_table(self.proxy, POOL_COLUMNS, "mentorPool")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setItemDelegateForColumn(COL_LOAD, LoadDelegate(self.table))
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.filter_text.textChanged.connect(self._filter)
        self.available_only.toggled.connect(self._filter)

        self.detail = QGroupBox("Select a mentor")
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.mentees_model = RowsModel(MENTEE_COLUMNS, self)
        self.mentees = row_table(self.mentees_model, MENTEE_COLUMNS, "mentorMentees")
        self.mentees.installEventFilter(self)
        self.mentees.selectionModel().currentRowChanged.connect(lambda *_: self._mentee_selected())
        self.edit_button = QPushButton("&Edit profile… (Enter)")
        self.edit_button.clicked.connect(self.edit_selected)
        self.open_button = QPushButton("Open &record (Ctrl+Enter)")
        self.open_button.clicked.connect(self._open_selected)
        self.end_button = QPushButton("E&nd pairing…")
        self.end_button.setToolTip("End the selected mentee's pairing, with the reason")
        self.end_button.clicked.connect(self.end_selected_pairing)
        # Below the table, so the table has the page's whole width: where they stand | their
        # mentees | what to do.
        detail = QHBoxLayout(self.detail)
        detail.addWidget(self.reasons, 2, Qt.AlignmentFlag.AlignTop)
        mentees = QVBoxLayout()
        mentees.addWidget(self.mentees, 1)
        mentees.addWidget(self.end_button, 0, Qt.AlignmentFlag.AlignRight)
        detail.addLayout(mentees, 2)
        buttons = QVBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        detail.addLayout(buttons)

        top = QHBoxLayout()
        top.addWidget(self.filter_text, 1)
        top.addWidget(self.available_only)
        top.addWidget(self.new_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.overview)
        layout.addWidget(splitter, 1)
        # Ctrl+N stays "new alumnus" everywhere in the window.
        QShortcut(QKeySequence("Ctrl+Shift+N"), self, activated=self.make_mentor,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.setFocusProxy(self.table)
        QWidget.setTabOrder(self.filter_text, self.table)
        self._show_detail()

    # -- loading ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._request += 1
        request, pool = self._request, self.context.mentor_pool
        self.runner.submit(self, pool.pool, lambda rows: self._show(request, rows), self._failed)

    def _failed(self, error: BaseException) -> None:
        self.overview.setText(f"Could not load the mentor pool: {error}")

    def _show(self, request: int, rows: list[MentorRow]) -> None:
        if request != self._request:
            return
        keep = self.current_mentor()
        wanted = self._select_next if self._select_next is not None else keep.alumnus_id if keep else None
        self._select_next = None
        self.rows = rows
        self.model.dark = is_dark(self)
        self.model.set_rows(rows)
        self.overview.setText(capacity_overview(rows))
        self.select_mentor(wanted)
        self.count_changed.emit(len(rows))
        self.loaded.emit()

    def _filter(self) -> None:
        keep = self.current_mentor()
        self.proxy.set_filter(self.filter_text.text(), self.available_only.isChecked())
        self.select_mentor(keep.alumnus_id if keep else None)

    def select_mentor(self, alumnus_id: int | None) -> None:
        target = 0
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(RowRole).alumnus_id == alumnus_id:
                target = row
                break
        if self.proxy.rowCount():
            self.table.selectRow(target)
        self._show_detail()

    def current_mentor(self) -> MentorRow | None:
        index = self.table.currentIndex()
        return index.data(RowRole) if index.isValid() else None

    def _show_detail(self) -> None:
        row = self.current_mentor()
        self.edit_button.setEnabled(row is not None)
        self.open_button.setEnabled(row is not None)
        if row is None:
            self.detail.setTitle("Select a mentor")
            self.reasons.setText("")
            self.mentees_model.set_rows([])
            self._mentee_selected()
            return
        self.detail.setTitle(f"{row.name} · {row.status_label}")
        if row.available:
            words = f"Can take mentees: {row.free} free of {row.capacity}."
        else:
            words = "Cannot take mentees now: " + "; ".join(row.reasons) + "."
        if row.training_completed_on:
            words += f"\nTrained {row.training_completed_on.isoformat()}."
        if row.background_check_on:
            words += f" Background check {row.background_check_on.isoformat()}."
        self.reasons.setText(words)
        self.mentees_model.set_rows(row.mentees)
        if row.mentees:
            self.mentees.selectRow(0)
        self._mentee_selected()

    def _mentee_selected(self) -> None:
        mentee = self._current_mentee()
        self.end_button.setEnabled(mentee is not None)
        self.end_button.setText("U&nlock" if mentee is not None and mentee.started_on is None else "E&nd pairing…")

    def _current_mentee(self) -> MenteeBrief | None:
        index = self.mentees.currentIndex()
        return self.mentees_model.row_at(index.row()) if index.isValid() else None

    # -- acting ----------------------------------------------------------------------------------------
    def edit_selected(self) -> None:
        row = self.current_mentor()
        if row is not None:
            self.edit_profile(row.alumnus_id, row.name)

    def edit_profile(self, alumnus_id: int, name: str) -> MentorProfileDialog:
        dialog = MentorProfileDialog(self.context, self.runner, alumnus_id, name, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._profile_saved)
        self.profile_dialog = dialog
        dialog.open()
        dialog.load()
        return dialog

    def _profile_saved(self, alumnus_id: int) -> None:
        self.state.say("Mentor profile saved.")
        self._select_next = alumnus_id
        self.refresh()
        self.state.load()  # status, capacity and availability change the suggestions

    def make_mentor(self) -> None:
        chooser = ChooseAlumnusDialog(self.context, self.runner, {row.alumnus_id for row in self.rows}, self)
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chooser.accepted.connect(lambda: self._chosen(chooser.chosen()))
        chooser.open()

    def _chosen(self, chosen: tuple[int, str] | None) -> None:
        if chosen is not None:
            self.edit_profile(*chosen)

    def _open_selected(self) -> None:
        row = self.current_mentor()
        if row is not None:
            self.open_requested.emit(row.alumnus_id)

    def end_selected_pairing(self) -> None:
        mentor, mentee = self.current_mentor(), self._current_mentee()
        if mentor is None or mentee is None:
            return
        if mentee.started_on is None:
            self.state.unlock(mentee.alumnus_id)
            return
        choice = dialogs.ask_end_pairing(self, mentee.name, mentor.name, today=self.context.today())
        if choice is not None:
            self.state.end(mentee.pairing_id, choice.reason, ended_on=choice.ended_on, note=choice.note,
                           rematch=choice.rematch)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            if watched is self.table:
                if ctrl:
                    self._open_selected()
                else:
                    self.edit_selected()
                return True
            if watched is self.mentees:
                mentee = self._current_mentee()
                if mentee is not None:
                    self.open_requested.emit(mentee.alumnus_id)
                return True
        return super().eventFilter(watched, event)
