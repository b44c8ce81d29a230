"""Per-desk settings, each declared once with its type and default (team-wide ones live in the database)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

from . import APP_NAME, ORG_NAME

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    type: type[T]
    default: T


WINDOW_GEOMETRY = Setting("window/geometry", QByteArray, QByteArray())
WINDOW_STATE = Setting("window/state", QByteArray, QByteArray())
LAST_IMPORT_FOLDER = Setting("import/last_folder", str, "")
LAST_EXPORT_FOLDER = Setting("export/last_folder", str, "")


def _store() -> QSettings:
    return QSettings(ORG_NAME, APP_NAME)


def get(setting: Setting[T]) -> T:
    value = _store().value(setting.key, setting.default, type=setting.type)
    return setting.default if value is None else value


def put(setting: Setting[T], value: T) -> None:
    _store().setValue(setting.key, value)


def acting_staff_setting(database_key: str) -> Setting[int]:
    """The staff member working at this desk, remembered per database (until login arrives)."""
    digest = hashlib.sha256(database_key.encode()).hexdigest()[:16]
    return Setting(f"acting_staff/{digest}", int, 0)
