"""Logging by area into a rotating file; Qt's own messages join the same log. Never any PHI:
log ids, counts and timings, not names, and not exception messages (they may hold values)."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QtMsgType, qInstallMessageHandler

from .paths import user_log_dir

log = logging.getLogger("aftercare")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def configure_logging(folder: Path | None = None, level: int = logging.INFO) -> Path:
    folder = folder or user_log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "aftercare-desktop.log"
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    return path


def route_qt_messages() -> None:
    qt_log = logging.getLogger("aftercare.qt")

    def handler(kind: QtMsgType, context, message: str) -> None:
        qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)


def describe_bug(kind: type[BaseException], tb: TracebackType | None) -> str:
    """Type and stack only: the message (and any source text) may quote personal data."""
    frames = "".join(f"  {frame.filename}:{frame.lineno} in {frame.name}\n" for frame in traceback.extract_tb(tb))
    return f"Traceback (most recent call last):\n{frames}{kind.__module__}.{kind.__qualname__}"


def log_bug(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    log.error("unhandled error\n%s", describe_bug(kind, tb))


def fallback_excepthook(kind, value, tb) -> None:
    log_bug(kind, value, tb)
    sys.__excepthook__(kind, value, tb)
