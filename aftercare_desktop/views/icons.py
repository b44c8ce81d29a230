"""Icons shipped in resources/icons, loaded through the one resource helper."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from ..paths import resource


@cache
def icon(name: str) -> QIcon:
    return QIcon(str(resource("icons", f"{name}.svg")))
