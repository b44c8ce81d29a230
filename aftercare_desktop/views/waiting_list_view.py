"""Alumni waiting for a mentor: the longest-waiting first, with their needs, preferences and the
mentor suggested or locked for them. Enter (or double-click) opens the record."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..models.enums import RecoveryPathway, label
from ..services.context import AppContext
from ..services.waiting_list import WaitingRow
from .background import TaskRunner
from .mentoring_state import MentoringState
from .suggestions_view import days
from .table_model import Column, RowsModel, row_table
from .widgets import is_dark


def pathway_words(values) -> str:
    words = []
    for value in values:
        try:
            words.append(label(RecoveryPathway(value)))
        except ValueError:
            words.append(value)
    return ", ".join(words)


def _mentor_genders(row: WaitingRow) -> str:
    return " or ".join(label(g).lower() for g in row.preferred_mentor_genders) or "anyone"


class WaitingColumns:
    """The columns, with the mentor each one is suggested or locked with in the current run."""

    def __init__(self, state: MentoringState):
        self.state = state

    def mentor(self, row: WaitingRow) -> str:
        run = self.state.run
        if row.locked_mentor_id is not None:
            return f"🔒 {run.name(row.locked_mentor_id) if run else 'locked'}"
        if run is None:
            return ""
        suggestion = run.result.suggestion_for(row.alumnus_id)
        return f"{run.name(suggestion.mentor_id)} ({suggestion.score:.1f})" if suggestion else "none possible now"

    def columns(self, compact: bool = False) -> tuple[Column, ...]:
        full = (
            Column("Name", lambda r: r.name, 165),
            Column("Waited", lambda r: days(r.days_waited), 75, sort=lambda r: r.days_waited, right=True,
                   tip=lambda r: f"Waiting since {r.waiting_since.isoformat()}"),
            Column("Needs", lambda r: "; ".join(label(n) for n in r.needs) or
                   ("not recorded" if not r.has_profile else "none named"), 230),
            Column("Mentor who is", _mentor_genders, 95),
            Column("Languages", lambda r: ", ".join(r.languages), 110),
            Column("Pathway", lambda r: pathway_words(r.pathways), 125),
            Column("Consent", lambda r: "yes" if r.consents else "not given", 65,
                   tip=lambda r: "" if r.consents else "Without consent to the mentor program they cannot be paired"),
            Column("Suggested mentor (score)", self.mentor, 200),
        )
        if not compact:
            return full
        return (replace(full[0], width=150), replace(full[1], width=70),
                replace(full[-1], title="Suggested mentor", width=170),
                replace(full[2], width=200))


class WaitingListView(QWidget):
    open_requested = Signal(int)
    loaded = Signal()
    count_changed = Signal(int)

    def __init__(self, context: AppContext, runner: TaskRunner, state: MentoringState, *, compact: bool = False,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.state = state
        self.rows: list[WaitingRow] | None = None
        self._request = 0
        columns = WaitingColumns(state).columns(compact)
        self.model = RowsModel(columns, self, tone=lambda r: None if r.consents else "muted")
        self.table = row_table(self.model, columns, "waitingList" + ("Compact" if compact else ""))
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        self.status = QLabel("Loading the waiting list…")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if not compact:
            layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self.setFocusProxy(self.table)
        # The mentor column follows the suggestions.
        state.run_changed.connect(self._run_changed)

    def _run_changed(self) -> None:
        self.model.refresh()

    def refresh(self) -> None:
        self._request += 1
        request, waiting = self._request, self.context.waiting_list
        self.runner.submit(self, waiting.waiting, lambda rows: self._show(request, rows), self._failed)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(f"Could not load the waiting list: {error}")

    def _show(self, request: int, rows: list[WaitingRow]) -> None:
        if request != self._request:
            return
        self.rows = rows
        self.model.dark = is_dark(self)
        current = self.table.currentIndex().row()
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(min(max(current, 0), len(rows) - 1))
        without = sum(1 for row in rows if not row.consents)
        longest = max((row.days_waited for row in rows), default=0)
        self.status.setText(
            "Nobody is waiting for a mentor." if not rows else
            f"{len(rows)} waiting · the longest for {days(longest)}"
            + (f" · {without} without consent to the mentor program (greyed; they cannot be paired)" if without
               else "") + ". Enter opens the record.")
        self.count_changed.emit(len(rows))
        self.loaded.emit()

    def _open(self, row: int) -> None:
        record = self.model.row_at(row)
        if record is not None:
            self.open_requested.emit(record.alumnus_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._open(self.table.currentIndex().row())
            return True
        return super().eventFilter(watched, event)
