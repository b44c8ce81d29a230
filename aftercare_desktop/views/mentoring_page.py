"""The Mentoring page: the mentor pool, the waiting list and the pairing suggestions, as tabs with counts.

Loads the first time it is shown (start-up waits for nothing here), and again when a decision made
on this page or the weekly review changes the pairings.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from ..services.context import AppContext
from . import dialogs
from .background import TaskRunner
from .mentor_pool_view import MentorPoolView
from .mentoring_state import MentoringState
from .suggestions_view import SuggestionsView
from .waiting_list_view import WaitingListView
from .widgets import heading


class MentoringPage(QWidget):
    open_requested = Signal(int)

    def __init__(self, context: AppContext, runner: TaskRunner, state: MentoringState,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.state = state
        self.started = False
        self.pool = MentorPoolView(context, runner, state)
        self.waiting = WaitingListView(context, runner, state)
        self.suggestions = SuggestionsView(state)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mentoringTabs")
        self.tabs.addTab(self.pool, "Mentor &pool")
        self.tabs.addTab(self.waiting, "&Waiting list")
        self.tabs.addTab(self.suggestions, "S&uggestions")
        self.message = QLabel()
        self.message.setObjectName("mentoringMessage")
        self.message.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(heading("Mentoring"))
        top.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.setFocusProxy(self.tabs)

        for view in (self.pool, self.waiting, self.suggestions):
            view.open_requested.connect(self.open_requested)
        self.pool.count_changed.connect(lambda n: self.tabs.setTabText(0, f"Mentor &pool ({n})"))
        self.waiting.count_changed.connect(lambda n: self.tabs.setTabText(1, f"&Waiting list ({n})"))
        state.run_changed.connect(self._run_changed)
        state.message.connect(self.message.setText)
        state.pairings_changed.connect(self.reload_lists)

    def _run_changed(self) -> None:
        run = self.state.run
        if run is not None:
            self.tabs.setTabText(2, f"S&uggestions ({len(run.result.suggestions)})")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.start()

    def start(self) -> None:
        """Load everything, once; later loads follow the decisions."""
        if self.started:
            return
        self.started = True
        self.reload_lists()
        if not self.state.loaded:
            self.state.load()

    def reload_lists(self) -> None:
        self.pool.refresh()
        self.waiting.refresh()

    def refresh(self) -> None:
        self.reload_lists()
        self.state.load()

    def can_quit(self) -> bool:
        """Weights tried but not saved are asked about before the app closes (not when switching
        pages: they stay on screen)."""
        if self.state.weights_saved or not self.state.team_weights:
            return True
        # Discarding needs nothing undone: the weights were never saved.
        return dialogs.may_leave(self, "the matching weights", self.state.save_weights)
