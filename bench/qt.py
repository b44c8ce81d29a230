"""Qt helpers for the child processes: waiting without busy polling, and painting on demand.

Waiting runs a real event loop (as the app does) instead of spinning processEvents: a spinning GUI
thread would hold the GIL against the directory's worker thread and slow down what is measured.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from .core import BenchError


def application() -> QApplication:
    return QApplication.instance() or QApplication(sys.argv[:1])


class SignalWaiter:
    """Connect before starting the work, wait after: a signal emitted early is not missed."""

    def __init__(self, ready, failed=None):
        self._ready, self._failed = ready, failed
        self.args: list | None = None
        self.error: list | None = None
        self._loop: QEventLoop | None = None
        ready.connect(self._on_ready)
        if failed is not None:
            failed.connect(self._on_failed)

    def _on_ready(self, *args) -> None:
        if self.args is None:
            self.args = list(args)
        if self._loop is not None:
            self._loop.quit()

    def _on_failed(self, *args) -> None:
        self.error = list(args)
        if self._loop is not None:
            self._loop.quit()

    def wait(self, timeout_ms: int = 60_000, what: str = "signal") -> list:
        try:
            if self.args is None and self.error is None:
                self._loop = QEventLoop()
                timer = QTimer()
                timer.setSingleShot(True)
                timer.timeout.connect(self._loop.quit)
                timer.start(timeout_ms)
                self._loop.exec()
                timer.stop()
        finally:
            self._ready.disconnect(self._on_ready)
            if self._failed is not None:
                self._failed.disconnect(self._on_failed)
        if self.error is not None:
            raise BenchError(f"{what} failed")
        if self.args is None:
            raise BenchError(f"timed out waiting for {what}")
        return self.args


class _PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def paint_pending(widget: QWidget) -> int:
    """Let the event loop deliver everything pending, as the app's own loop would (use for a window
    just shown: its first paint waits for the platform's expose event); paint `widget` directly
    only if that did not. Returns the paints counted."""
    return _painting(widget, QApplication.processEvents)


def paint_posted(widget: QWidget) -> int:
    """Deliver the posted events, among them the repaint a model change asked for, and stop there:
    the clock stops when the rows are painted, not after the timers the event loop runs next (the
    directory starts loading its full id list from one). Paints `widget` directly if nothing did."""
    return _painting(widget, QApplication.sendPostedEvents)


def _painting(widget: QWidget, deliver) -> int:
    counter = _PaintCounter()
    widget.installEventFilter(counter)
    try:
        deliver()
        if not counter.paints:
            widget.repaint()
    finally:
        widget.removeEventFilter(counter)
    return counter.paints


def type_character(widget: QWidget, character: str) -> None:
    """One key press and release that types `character`, as from a keyboard."""
    if character.isascii():
        QTest.keyClicks(widget, character)
        return
    # QTest maps only ASCII to keys; other letters arrive as they do from an input method: with
    # their text and no key code.
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, character))
