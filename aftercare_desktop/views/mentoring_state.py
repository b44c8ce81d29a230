"""What the Mentoring and Pairing review pages share: one run of suggestions and the weights behind it.

Loading reads the database (everyone waiting, every mentor, locks) once; moving a weight or
rejecting a suggestion only solves the same problem again, off the GUI thread, a short while after
the last change (a 300 × 80 week solves in a few milliseconds, so the table follows the sliders).
Decisions that are saved — accept, lock, unlock, end — load the problem again and tell the pages
that the pairings changed. Only the newest request's answer is shown.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from ..errors import AftercareError
from ..models.enums import PairingEndReason, PairingState
from ..services import matching
from ..services.context import AppContext
from ..services.matching import Criterion
from ..services.pairings import SuggestionRun
from .background import TaskRunner

log = logging.getLogger("aftercare.mentoring")

# How long the weights must rest before solving again: long enough to skip the values a slider
# passes through while dragged (a drag moves it every 16 ms or so, a held arrow key every 33 ms),
# short enough that, with a solve of 10–25 ms, the table follows within about 100 ms.
SETTLE_MS = 60


@dataclass(frozen=True)
class Solved:
    run: SuggestionRun
    elapsed_ms: float
    loaded: bool  # read from the database (not only solved again)


def _timed(work: Callable[[], SuggestionRun], loaded: bool) -> Solved:
    started = time.perf_counter()
    run = work()
    elapsed = (time.perf_counter() - started) * 1000
    log.debug("suggestions %s for %d waiting and %d mentors in %.1f ms", "loaded" if loaded else "solved",
              len(run.problem.mentees), len(run.problem.mentors), elapsed)
    return Solved(run, elapsed, loaded)


def _resolved(run: SuggestionRun, weights: Mapping[Criterion, float],
              rejected: frozenset[tuple[int, int]]) -> SuggestionRun:
    problem = matching.with_weights(run.problem, weights)
    for mentee_id, mentor_id in sorted(rejected - problem.rejected):
        problem = matching.with_rejection(problem, mentee_id, mentor_id)
    return replace(run, problem=problem, result=matching.solve(problem))


class MentoringState(QObject):
    """The current suggestions, the weights on screen and the team's saved weights."""

    run_changed = Signal()  # a new run (or a swap) is shown
    busy_changed = Signal(bool)
    message = Signal(str)  # what just happened, or why it could not
    weights_changed = Signal()  # the weights on screen or the team's saved ones changed
    pairings_changed = Signal()  # a decision was saved: pool, waiting list and review load again

    def __init__(self, context: AppContext, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.run: SuggestionRun | None = None
        self.elapsed_ms: float | None = None
        self.weights: dict[Criterion, float] = {}
        self.team_weights: dict[Criterion, float] = {}
        self.rejected: frozenset[tuple[int, int]] = frozenset()
        self._request = 0
        self._busy = 0
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse timer may add 5 % and more
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.solve)

    # -- state -----------------------------------------------------------------------------------
    @property
    def loaded(self) -> bool:
        return self.run is not None

    @property
    def busy(self) -> bool:
        return self._busy > 0

    @property
    def weights_saved(self) -> bool:
        return self.weights == self.team_weights

    def _start(self) -> int:
        self._request += 1
        self._busy += 1
        if self._busy == 1:
            self.busy_changed.emit(True)
        return self._request

    def _finish(self) -> None:
        self._busy = max(0, self._busy - 1)
        if self._busy == 0:
            self.busy_changed.emit(False)

    def _submit(self, work: Callable[[], Any], done: Callable[[Any], None], *, latest_only: bool = True) -> None:
        """Run `work` off the GUI thread; `done` gets its answer unless (with `latest_only`) a newer
        request was made meanwhile. Decisions are always reported: they are saved either way."""
        request = self._start()

        def succeeded(result: Any) -> None:
            self._finish()
            if request == self._request or not latest_only:
                done(result)

        def failed(error: BaseException) -> None:
            self._finish()
            if isinstance(error, AftercareError):
                self.message.emit(str(error))
                if request == self._request and self.run is None:
                    self.run_changed.emit()  # let the pages stop saying "Loading…"
            else:
                raise error

        self.runner.submit(self, work, succeeded, failed)

    # -- loading and solving -----------------------------------------------------------------------
    def load(self) -> None:
        """Read everyone waiting and every mentor again (the team's weights on first load)."""
        self._settle.stop()
        context, first = self.context, not self.team_weights
        weights, rejected = (None if first else dict(self.weights)), self.rejected

        def work() -> tuple[Solved, dict[Criterion, float]]:
            team = matching.weights_from(context.team_settings.load())
            return _timed(lambda: context.pairings.suggest(weights or team, rejected), True), team

        self._submit(work, self._loaded)

    def _loaded(self, found: tuple[Solved, dict[Criterion, float]]) -> None:
        solved, team = found
        if not self.team_weights:
            self.weights = dict(team)
        self.team_weights = team
        self.weights_changed.emit()
        self._show(solved)

    def solve(self) -> None:
        """Solve the loaded problem again with the weights and rejections on screen (no database)."""
        self._settle.stop()
        if self.run is None:
            self.load()
            return
        run, weights, rejected = self.run, dict(self.weights), self.rejected
        self._submit(lambda: _timed(lambda: _resolved(run, weights, rejected), False), self._show)

    def _show(self, solved: Solved) -> None:
        self.run = solved.run
        self.elapsed_ms = solved.elapsed_ms
        self.run_changed.emit()

    def set_weight(self, criterion: Criterion, value: float) -> None:
        if self.weights.get(criterion) == value:
            return
        self.weights[criterion] = value
        self.weights_changed.emit()
        self._settle.start()

    def use_team_weights(self) -> None:
        if self.weights != self.team_weights:
            self.weights = dict(self.team_weights)
            self.weights_changed.emit()
            self._settle.start()

    def save_weights(self) -> None:
        """Store the weights on screen as the team's (only those that differ)."""
        settings, actor = self.context.team_settings, self.context.actor
        changed = {c: int(v) for c, v in self.weights.items() if self.team_weights.get(c) != v}
        if not changed:
            return

        def work() -> dict[Criterion, float]:
            stored = None
            for criterion, value in changed.items():
                stored = settings.set(matching.WEIGHT_SETTINGS[criterion], value, actor)
            return matching.weights_from(stored)

        def saved(team: dict[Criterion, float]) -> None:
            self.team_weights = team
            self.weights_changed.emit()
            self.message.emit("The weights are saved as the team's.")

        self._submit(work, saved, latest_only=False)

    # -- trying things (nothing saved) -------------------------------------------------------------
    def reject(self, mentee_id: int, mentor_id: int) -> None:
        self.rejected = self.rejected | {(mentee_id, mentor_id)}
        self.solve()

    def clear_rejections(self) -> None:
        if self.rejected:
            self.rejected = frozenset()
            self.load()  # the loaded problem holds the earlier rejections

    def swap(self, mentee_a: int, mentee_b: int) -> None:
        run = self.run
        if run is None:
            return
        from ..services.pairings import swap

        def work() -> SuggestionRun | str:
            try:
                return swap(run, mentee_a, mentee_b)
            except matching.SwapRefused as refused:
                return str(refused)

        def done(found: SuggestionRun | str) -> None:
            if isinstance(found, str):
                self.message.emit(found)
                return
            self.run = found
            self.run_changed.emit()
            self.message.emit("Mentors swapped. Lock or accept the pairs to keep them; moving a weight "
                              "works the suggestions out again.")

        self._submit(work, done)

    # -- decisions (saved) -------------------------------------------------------------------------
    def _decide(self, work: Callable[[], Any], said: str) -> None:
        def done(_result: Any) -> None:
            self.message.emit(said)
            self.pairings_saved()

        self._submit(work, done, latest_only=False)

    def accept(self, mentee_id: int, mentor_id: int) -> None:
        pairings, actor = self.context.pairings, self.context.actor
        name = self.run.name(mentee_id) if self.run else "The mentee"
        self._decide(lambda: pairings.accept(mentee_id, mentor_id, actor),
                     f"{name} and {self.run.name(mentor_id) if self.run else 'the mentor'} are paired from today.")

    def lock(self, mentee_id: int, mentor_id: int) -> None:
        pairings, actor = self.context.pairings, self.context.actor

        def work() -> None:
            current = _locked_pairing(pairings, mentee_id)
            if current is not None:  # locked with someone else: the new choice replaces it
                pairings.unlock(current, actor)
            pairings.lock(mentee_id, mentor_id, actor)

        self.rejected = self.rejected - {(mentee_id, mentor_id)}
        self._decide(work, "Locked: the pair stays in every run until it is accepted or unlocked.")

    def unlock(self, mentee_id: int) -> None:
        pairings, actor = self.context.pairings, self.context.actor

        def work() -> None:
            current = _locked_pairing(pairings, mentee_id)
            if current is None:
                raise AftercareError("This pair is no longer locked; someone may have changed it at another desk.")
            pairings.unlock(current, actor)

        self._decide(work, "Unlocked.")

    def pairings_saved(self) -> None:
        """Pairings (a saved review) or the team's settings were changed elsewhere: every list loads again."""
        self.pairings_changed.emit()
        self.load()

    def say(self, text: str) -> None:
        self.message.emit(text)

    def end(self, pairing_id: int, reason: PairingEndReason, *, ended_on=None, note: str | None = None,
            rematch: bool | None = None) -> None:
        pairings, actor = self.context.pairings, self.context.actor
        self._decide(lambda: pairings.end(pairing_id, reason, actor, ended_on=ended_on, note=note, rematch=rematch),
                     "The pairing has ended.")


def _locked_pairing(pairings, mentee_id: int) -> int | None:
    for record in pairings.current():
        if record.mentee_id == mentee_id and record.state is PairingState.LOCKED:
            return record.id
    return None
