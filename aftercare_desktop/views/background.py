"""One way to run work off the GUI thread.

Work runs in a QThreadPool; its result or error comes back on the GUI thread. A result for an owner
widget that has been deleted is dropped. Failures default to a visible warning. Tests can swap in
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

    def __init__(self, deliver_success: Callable[[Any], None], deliver_failure: Callable[[BaseException], None]):
        super().__init__()
        self._deliver_success = deliver_success
        self._deliver_failure = deliver_failure
        self.succeeded.connect(self._on_succeeded)
        self.failed.connect(self._on_failed)

    @Slot(object)
    def _on_succeeded(self, result: Any) -> None:
        self._deliver_success(result)

    @Slot(object)
    def _on_failed(self, error: BaseException) -> None:
        self._deliver_failure(error)


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

        relay = _Relay(succeeded, failed)
        self._relays.add(relay)
        self._pool.start(_Job(work, relay))

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

    @property
    def busy(self) -> bool:
        return False
