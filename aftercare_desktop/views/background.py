"""One way to run work off the GUI thread.

Work runs in a QThreadPool; its result or error comes back on the GUI thread. A result for an owner
widget that has been deleted is dropped. Failures default to a visible warning. Work that takes a
while can report progress, which reaches the GUI thread the same way. Tests can swap in
`SynchronousRunner` to run work inline.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from ..errors import AftercareError
from ..logging_setup import describe_bug

log = logging.getLogger("aftercare.background")

Success = Callable[[Any], None]
Failure = Callable[[BaseException], None]
Progress = Callable[[Any], None]


def show_failure(owner: QWidget | None, error: BaseException) -> None:
    """Known problems in their own words; anything else is a bug and goes to the excepthook."""
    if isinstance(error, AftercareError):
        QMessageBox.warning(owner, "Aftercare Desktop", str(error))
    else:
        raise error


class _Relay(QObject):
    """Lives on the GUI thread; its signals, emitted from a worker, are queued to its own slots."""

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(object)

    def __init__(self, deliver_success: Callable[[Any], None], deliver_failure: Callable[[BaseException], None],
                 deliver_progress: Progress | None = None):
        super().__init__()
        self._deliver_success = deliver_success
        self._deliver_failure = deliver_failure
        self._deliver_progress = deliver_progress
        self.succeeded.connect(self._on_succeeded)
        self.failed.connect(self._on_failed)
        self.progressed.connect(self._on_progressed)

    @Slot(object)
    def _on_succeeded(self, result: Any) -> None:
        self._deliver_success(result)

    @Slot(object)
    def _on_failed(self, error: BaseException) -> None:
        self._deliver_failure(error)

    @Slot(object)
    def _on_progressed(self, value: Any) -> None:
        if self._deliver_progress is not None:
            self._deliver_progress(value)

    def report(self, value: Any) -> None:
        """Called from the worker: hand a progress value to the GUI thread (queued, in order)."""
        try:
            if shiboken6.isValid(self):
                self.progressed.emit(value)
        except RuntimeError:
            pass  # the runner closed meanwhile; the work goes on and its result will be dropped


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as exc:  # noqa: BLE001 - every failure is handed to the GUI thread
            if not isinstance(exc, AftercareError):
                log.error("background work failed\n%s", describe_bug(type(exc), exc.__traceback__))
            self._deliver("failed", exc)
        else:
            self._deliver("succeeded", result)

    def _deliver(self, outcome: str, value: Any) -> None:
        try:
            if shiboken6.isValid(self._relay):
                getattr(self._relay, outcome).emit(value)
        except RuntimeError:
            # The runner (and the window that owned the work) closed meanwhile: nobody to tell.
            log.info("background result dropped: its window has closed")


class TaskRunner(QObject):
    """Runs callables in a thread pool and delivers outcomes on the GUI thread."""

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None):
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._relays: set[_Relay] = set()

    def submit(
        self,
        owner: QObject,
        work: Callable[[], Any],
        on_success: Success | None = None,
        on_failure: Failure | None = None,
    ) -> None:
        self._start(owner, lambda _relay: work(), on_success, on_failure, None)

    def submit_with_progress(
        self,
        owner: QObject,
        work: Callable[[Progress], Any],
        on_progress: Progress,
        on_success: Success | None = None,
        on_failure: Failure | None = None,
    ) -> None:
        """Like `submit`, for long work: `work(report)` may call `report(value)` from its thread as it goes,
        and each value reaches `on_progress` on the GUI thread, in order, before the outcome."""
        self._start(owner, lambda relay: work(relay.report), on_success, on_failure, on_progress)

    def _start(self, owner: QObject, work: Callable[[_Relay], Any], on_success: Success | None,
               on_failure: Failure | None, on_progress: Progress | None) -> None:
        relay: _Relay

        def finish() -> None:
            self._relays.discard(relay)
            relay.deleteLater()

        def succeeded(result: Any) -> None:
            finish()
            if shiboken6.isValid(owner) and on_success is not None:
                on_success(result)

        def failed(error: BaseException) -> None:
            finish()
            if not shiboken6.isValid(owner):
                return
            if on_failure is not None:
                on_failure(error)
            else:
                show_failure(owner if isinstance(owner, QWidget) else None, error)

        def progressed(value: Any) -> None:
            if shiboken6.isValid(owner) and on_progress is not None:
                on_progress(value)

        relay = _Relay(succeeded, failed, progressed)
        self._relays.add(relay)
        self._pool.start(_Job(lambda: work(relay), relay))

    @property
    def busy(self) -> bool:
        return bool(self._relays)

    def wait_for_done(self, msecs: int = 30_000) -> bool:
        """Block until running work has finished (used on close so no thread outlives the window)."""
        return self._pool.waitForDone(msecs)


class SynchronousRunner(TaskRunner):
    """Runs work inline; for tests that want determinism without threads."""

    def submit(self, owner, work, on_success=None, on_failure=None) -> None:
        try:
            result = work()
        except BaseException as exc:  # noqa: BLE001
            if on_failure is not None:
                on_failure(exc)
            else:
                show_failure(owner if isinstance(owner, QWidget) else None, exc)
            return
        if on_success is not None:
            on_success(result)

    def submit_with_progress(self, owner, work, on_progress, on_success=None, on_failure=None) -> None:
        self.submit(owner, lambda: work(on_progress), on_success, on_failure)

    @property
    def busy(self) -> bool:
        return False
