"""Pairing suggestions: the weights, each suggestion explained, and who cannot be paired and why.

Weights move the suggestions at once (solved again off the GUI thread once the weights settle);
"Save as the team's weights" stores them. Enter accepts the selected suggestion (an active pairing
from today), Ctrl+L locks or unlocks it, Delete rejects it for this run, two rows selected swap
their mentors (Alt+S), Ctrl+Enter opens the mentee's record.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..services.matching import CRITERION_LABELS, Alternative, CriterionScore, Criterion, Suggestion, Unmatched
from ..services.team_settings import SPECS
from .mentoring_state import MentoringState
from .table_model import Column, RowsModel, row_table
from .widgets import ErrorLabel

MAX_WEIGHT = 10


def days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


@dataclass(frozen=True)
class SuggestionLine:
    suggestion: Suggestion
    mentee: str
    mentor: str
    waited: int


@dataclass(frozen=True)
class UnmatchedLine:
    unmatched: Unmatched
    mentee: str
    waited: int


@dataclass(frozen=True)
class AlternativeLine:
    alternative: Alternative
    mentor: str
    behind: float  # points fewer than the suggestion


def _why(scored) -> str:
    return ", ".join(c.label.lower() for c in scored.strongest()) or "fits every hard constraint"


def _breakdown_tip(scored) -> str:
    return "\n".join(f"{c.label}: {c.points:.1f} ({c.value:.0%} × {c.weight:g})" for c in scored.breakdown)


SUGGESTION_COLUMNS = (
    Column("Mentee", lambda r: r.mentee, 160),
    Column("Waited", lambda r: days(r.waited), 75, sort=lambda r: r.waited, right=True),
    Column("Mentor", lambda r: r.mentor + ("  🔒" if r.suggestion.locked else ""), 170,
           tip=lambda r: f"{r.mentor} — locked by a coordinator" if r.suggestion.locked else r.mentor),
    Column("Score", lambda r: f"{r.suggestion.score:.1f}", 60, sort=lambda r: r.suggestion.score, right=True,
           tip=lambda r: _breakdown_tip(r.suggestion)),
    Column("Strongest reasons", lambda r: _why(r.suggestion), 180),
)
BREAKDOWN_COLUMNS = (
    Column("Criterion", lambda c: c.label, 185),
    Column("Match", lambda c: f"{c.value:.0%}", 55, right=True),
    Column("Weight", lambda c: f"{c.weight:g}", 55, right=True),
    Column("Points", lambda c: f"{c.points:.1f}", 50, right=True),
)
ALTERNATIVE_COLUMNS = (
    Column("Mentor", lambda a: a.mentor, 150),
    Column("Score", lambda a: f"{a.alternative.score:.1f}", 50, right=True,
           tip=lambda a: _breakdown_tip(a.alternative)),
    Column("Behind", lambda a: f"{a.behind:.1f}" if a.behind > 0.05 else "even", 55, right=True,
           tip=lambda a: "Points fewer than the suggested mentor"),
    Column("Room", lambda a: "has room" if a.alternative.has_room else "full", 70,
           tip=lambda a: "Still has a free place after this run's suggestions" if a.alternative.has_room else
           "Every free place is suggested for someone else in this run"),
)
UNMATCHED_COLUMNS = (
    Column("Mentee", lambda u: u.mentee, 165),
    Column("Waited", lambda u: days(u.waited), 75, sort=lambda u: u.waited, right=True),
    Column("Why not paired", lambda u: u.unmatched.reason, 300),
)


def bold(label: QLabel) -> QLabel:
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class WeightsPanel(QGroupBox):
    """A slider and a number (0–10) per criterion; the state solves again when they settle."""

    def __init__(self, state: MentoringState, parent: QWidget | None = None):
        super().__init__("Weights (0 ignores a criterion, 10 counts most)", parent)
        self.state = state
        self.sliders: dict[Criterion, QSlider] = {}
        self.spins: dict[Criterion, QSpinBox] = {}
        grid = QGridLayout(self)
        grid.setColumnStretch(1, 1)
        for row, criterion in enumerate(Criterion):
            caption = QLabel(CRITERION_LABELS[criterion])
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setObjectName(f"weight_{criterion.value}")
            slider.setRange(0, MAX_WEIGHT)
            slider.setPageStep(2)
            # The numbers take the keyboard (type a digit); the sliders are for the mouse.
            slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            slider.setFixedWidth(80)
            spin = QSpinBox()
            spin.setObjectName(f"weight_{criterion.value}_number")
            spin.setRange(0, MAX_WEIGHT)
            spin.setAccelerated(True)
            caption.setBuddy(spin)
            help_text = SPECS[f"weight_{criterion.value}"].info.help
            for widget in (caption, slider, spin):
                widget.setToolTip(help_text)
            slider.valueChanged.connect(lambda value, c=criterion: self._moved(c, value))
            spin.valueChanged.connect(lambda value, c=criterion: self._moved(c, value))
            self.sliders[criterion], self.spins[criterion] = slider, spin
            grid.addWidget(caption, row, 0)
            grid.addWidget(slider, row, 1)
            grid.addWidget(spin, row, 2)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.save_button = QPushButton("Save for the team")
        self.save_button.setToolTip("Every desk's suggestions will use these weights")
        self.save_button.clicked.connect(state.save_weights)
        self.reset_button = QPushButton("Back to the team's")
        self.reset_button.clicked.connect(state.use_team_weights)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.save_button)
        row = len(Criterion)
        grid.addWidget(self.note, row, 0, 1, 3)
        grid.addLayout(buttons, row + 1, 0, 1, 3)
        state.weights_changed.connect(self.show_weights)
        self.show_weights()

    def _moved(self, criterion: Criterion, value: int) -> None:
        for widget in (self.sliders[criterion], self.spins[criterion]):
            if widget.value() != value:
                widget.blockSignals(True)
                widget.setValue(value)
                widget.blockSignals(False)
        self.state.set_weight(criterion, float(value))

    def show_weights(self) -> None:
        for criterion, value in self.state.weights.items():
            for widget in (self.sliders[criterion], self.spins[criterion]):
                widget.blockSignals(True)
                widget.setValue(int(value))
                widget.blockSignals(False)
        differs = bool(self.state.team_weights) and not self.state.weights_saved
        self.save_button.setEnabled(differs)
        self.reset_button.setEnabled(differs)
        self.note.setText("Tried here only: the team's saved weights differ." if differs else
                          "These are the team's saved weights.")


class SuggestionsView(QWidget):
    open_requested = Signal(int)  # a mentee's record

    def __init__(self, state: MentoringState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.weights = WeightsPanel(state)
        self.weights.setFixedWidth(380)

        self.status = QLabel("Loading…")
        self.status.setObjectName("suggestionsStatus")
        self.status.setWordWrap(True)
        self.broken = ErrorLabel()
        self.broken.setObjectName("brokenLocks")
        self.rerun_button = QPushButton("Load &again")
        self.rerun_button.setToolTip("Read who is waiting and every mentor again (F5)")
        self.rerun_button.clicked.connect(state.load)
        self.clear_button = QPushButton("Bring back &rejected")
        self.clear_button.setToolTip("Suggest the pairs rejected in this session again")
        self.clear_button.clicked.connect(state.clear_rejections)

        self.model = RowsModel(SUGGESTION_COLUMNS, self)
        self.table = row_table(self.model, SUGGESTION_COLUMNS, "suggestions", multi=True)
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda _index: self.accept_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.accept_button = QPushButton("&Accept (Enter)")
        self.accept_button.setToolTip("Make the pair an active pairing from today")
        self.accept_button.clicked.connect(self.accept_selected)
        self.lock_button = QPushButton("&Lock (Ctrl+L)")
        self.lock_button.setToolTip("Keep this pair in every run (and at every desk) until accepted or unlocked")
        self.lock_button.clicked.connect(self.toggle_lock)
        self.reject_button = QPushButton("Re&ject (Del)")
        self.reject_button.setToolTip("Never suggest this pair in this session; the mentee gets the next best")
        self.reject_button.clicked.connect(self.reject_selected)
        self.swap_button = QPushButton("&Swap mentors")
        self.swap_button.setToolTip("Select two suggestions (Shift+↓ or Ctrl+click) to exchange their mentors")
        self.swap_button.clicked.connect(self.swap_selected)
        QShortcut(QKeySequence("Ctrl+L"), self, activated=self.toggle_lock,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("F5"), self, activated=state.load,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.suggestions_box = QGroupBox("Suggestions")
        actions = QHBoxLayout()
        for button in (self.accept_button, self.lock_button, self.reject_button, self.swap_button):
            actions.addWidget(button)
        actions.addStretch(1)
        box = QVBoxLayout(self.suggestions_box)
        box.addWidget(self.table)
        box.addLayout(actions)

        self.detail_title = bold(QLabel("Select a suggestion to see its score by criterion."))
        self.detail_title.setWordWrap(True)
        self.breakdown_model = RowsModel(BREAKDOWN_COLUMNS, self)
        self.breakdown = row_table(self.breakdown_model, BREAKDOWN_COLUMNS, "breakdown", stretch=0)
        self.alternatives_model = RowsModel(ALTERNATIVE_COLUMNS, self)
        self.alternatives = row_table(self.alternatives_model, ALTERNATIVE_COLUMNS, "alternatives", stretch=0)
        self.alternatives.doubleClicked.connect(lambda _index: self.lock_alternative())
        self.alternative_button = QPushButton("Lock with this &mentor instead")
        self.alternative_button.clicked.connect(self.lock_alternative)
        detail = QWidget()
        grid = QGridLayout(detail)
        grid.addWidget(self.detail_title, 0, 0, 1, 2)
        grid.addWidget(QLabel("Score by criterion"), 1, 0)
        grid.addWidget(QLabel("Next three mentors"), 1, 1)
        grid.addWidget(self.breakdown, 2, 0)
        grid.addWidget(self.alternatives, 2, 1)
        grid.addWidget(self.alternative_button, 3, 1, Qt.AlignmentFlag.AlignRight)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        self.unmatched_model = RowsModel(UNMATCHED_COLUMNS, self)
        self.unmatched = row_table(self.unmatched_model, UNMATCHED_COLUMNS, "unmatched")
        self.unmatched.installEventFilter(self)
        self.below = QTabWidget()
        self.below.setObjectName("suggestionDetail")
        self.below.addTab(detail, "&Why this pair")
        self.below.addTab(self.unmatched, "&Not paired")

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.suggestions_box)
        splitter.addWidget(self.below)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)

        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.clear_button)
        top.addWidget(self.rerun_button)
        right = QVBoxLayout()
        right.addLayout(top)
        right.addWidget(self.broken)
        right.addWidget(splitter, 1)
        left = QVBoxLayout()
        left.addWidget(self.weights)
        left.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left)
        layout.addLayout(right, 1)
        self.setFocusProxy(self.table)
        QWidget.setTabOrder(self.table, self.accept_button)

        state.run_changed.connect(self.show_run)
        state.busy_changed.connect(self._busy_changed)
        self._selection_changed()

    # -- showing ---------------------------------------------------------------------------------------
    def show_run(self) -> None:
        run = self.state.run
        if run is None:
            self._show_status()
            return
        keep = self.selected_mentees()
        self.model.set_rows([SuggestionLine(s, run.name(s.mentee_id), run.name(s.mentor_id),
                                            run.waited_days.get(s.mentee_id, 0)) for s in run.result.suggestions])
        self.unmatched_model.set_rows([UnmatchedLine(u, run.name(u.mentee_id), run.waited_days.get(u.mentee_id, 0))
                                       for u in run.result.unmatched])
        self.suggestions_box.setTitle(f"Suggestions ({len(run.result.suggestions)})")
        self.below.setTabText(1, f"&Not paired ({len(run.result.unmatched)})")
        self.broken.show_message("\n".join(
            f"Lock dropped: {run.name(b.mentee_id)} with {run.name(b.mentor_id)} — {b.reason}"
            for b in run.result.broken_locks) or None)
        self.clear_button.setEnabled(bool(self.state.rejected))
        self._reselect(keep)
        self._show_status()

    def _busy_changed(self, _busy: bool) -> None:
        self._show_status()

    def _show_status(self) -> None:
        run = self.state.run
        if run is None:
            self.status.setText("Working out suggestions…" if self.state.busy else "No suggestions loaded.")
            return
        result = run.result
        waiting = len(result.suggestions) + len(result.unmatched)
        if not waiting:
            text = "Nobody is waiting for a mentor."
        else:
            text = f"{waiting} waiting · {len(result.suggestions)} suggested · {len(result.unmatched)} not paired"
        if self.state.elapsed_ms is not None:
            text += f" · worked out in {self.state.elapsed_ms:,.0f} ms"
        self.status.setText(text + (" · working…" if self.state.busy else ""))

    def _reselect(self, mentee_ids: list[int]) -> None:
        rows = [n for n, line in enumerate(self.model.rows) if line.suggestion.mentee_id in mentee_ids]
        if not rows and self.model.rowCount():
            rows = [0]
        selection = self.table.selectionModel()
        selection.clearSelection()
        if rows:
            selection.setCurrentIndex(self.model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate)
        for row in rows:
            selection.select(self.model.index(row, 0),
                             QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
        self._selection_changed()

    def selected_lines(self) -> list[SuggestionLine]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.row_at(row) for row in rows if self.model.row_at(row) is not None]

    def selected_mentees(self) -> list[int]:
        return [line.suggestion.mentee_id for line in self.selected_lines()]

    def _selection_changed(self) -> None:
        lines = self.selected_lines()
        one = lines[0] if len(lines) == 1 else None
        self.accept_button.setEnabled(one is not None)
        self.reject_button.setEnabled(one is not None and not one.suggestion.locked)
        self.lock_button.setEnabled(one is not None)
        self.lock_button.setText("Un&lock (Ctrl+L)" if one is not None and one.suggestion.locked else "&Lock (Ctrl+L)")
        self.swap_button.setEnabled(len(lines) == 2)
        self._show_detail(one)

    def _show_detail(self, line: SuggestionLine | None) -> None:
        run = self.state.run
        if line is None or run is None:
            self.detail_title.setText("Select a suggestion to see its score by criterion." if not self.selected_lines()
                                      else "Two suggestions selected: swap their mentors with Alt+S.")
            self.breakdown_model.set_rows([])
            self.alternatives_model.set_rows([])
            self.alternative_button.setEnabled(False)
            return
        s = line.suggestion
        self.detail_title.setText(f"{line.mentee} with {line.mentor}: {s.score:.1f} of "
                                  f"{run.result.max_score:g} points" + (" (locked)" if s.locked else ""))
        rows: list[CriterionScore] = sorted(s.breakdown, key=lambda c: -c.points)
        self.breakdown_model.set_rows(rows)
        self.alternatives_model.set_rows([AlternativeLine(a, run.name(a.mentor_id), s.score - a.score)
                                          for a in s.alternatives])
        if s.alternatives:
            self.alternatives.selectRow(0)
        self.alternative_button.setEnabled(bool(s.alternatives))

    # -- acting ----------------------------------------------------------------------------------------
    def _one(self) -> SuggestionLine | None:
        lines = self.selected_lines()
        return lines[0] if len(lines) == 1 else None

    def accept_selected(self) -> None:
        line = self._one()
        if line is not None:
            self.state.accept(line.suggestion.mentee_id, line.suggestion.mentor_id)

    def toggle_lock(self) -> None:
        line = self._one()
        if line is None:
            return
        if line.suggestion.locked:
            self.state.unlock(line.suggestion.mentee_id)
        else:
            self.state.lock(line.suggestion.mentee_id, line.suggestion.mentor_id)

    def reject_selected(self) -> None:
        line = self._one()
        if line is not None and not line.suggestion.locked:
            self.state.say(f"Rejected {line.mentor} for {line.mentee} in this session.")
            self.state.reject(line.suggestion.mentee_id, line.suggestion.mentor_id)

    def swap_selected(self) -> None:
        lines = self.selected_lines()
        if len(lines) == 2:
            self.state.swap(lines[0].suggestion.mentee_id, lines[1].suggestion.mentee_id)

    def lock_alternative(self) -> None:
        line = self._one()
        index = self.alternatives.currentIndex()
        alternative = self.alternatives_model.row_at(index.row()) if index.isValid() else None
        if line is not None and alternative is not None:
            self.state.lock(line.suggestion.mentee_id, alternative.alternative.mentor_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key, ctrl = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            table = self.table if watched is self.table else self.unmatched if watched is self.unmatched else None
            if table is not None and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if ctrl:
                    self._open_current(table)
                elif table is self.table:
                    self.accept_selected()
                return True
            if watched is self.table and key == Qt.Key.Key_Delete:
                self.reject_selected()
                return True
        return super().eventFilter(watched, event)

    def _open_current(self, table) -> None:
        line = table.model().row_at(table.currentIndex().row())
        if line is not None:
            item = getattr(line, "suggestion", None) or line.unmatched
            self.open_requested.emit(item.mentee_id)
