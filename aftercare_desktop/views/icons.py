"""Icons shipped in resources/icons, loaded through the one resource helper.

The sidebar's icons are line drawings in one muted colour (`INK`). A selected row is painted in the
system's highlight colour, on which that colour all but disappears, so in the Selected mode an icon
is drawn in the highlighted text colour instead, at whatever size and pixel ratio it is asked for.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QBuffer, QByteArray, QRect, QSize
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QImageReader, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QStyleOption

from ..paths import resource

INK = b"#5a7d74"


@cache
def icon(name: str) -> QIcon:
    drawing = resource("icons", f"{name}.svg").read_bytes()
    if INK not in drawing:
        return QIcon(str(resource("icons", f"{name}.svg")))
    selected = QGuiApplication.palette().color(QPalette.ColorRole.HighlightedText).name().encode("ascii")
    return QIcon(_InkedIcon(drawing, drawing.replace(INK, selected)))


class _InkedIcon(QIconEngine):
    """An SVG drawing in its own ink, and in another for the Selected mode; Disabled as the style greys it."""

    def __init__(self, normal: bytes, selected: bytes):
        super().__init__()
        self._normal, self._selected = normal, selected
        self._pixmaps: dict[tuple[int, int, QIcon.Mode], QPixmap] = {}

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        key = (size.width(), size.height(), mode)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            pixmap = _rendered(self._selected if mode == QIcon.Mode.Selected else self._normal, size)
            if mode == QIcon.Mode.Disabled and isinstance(QGuiApplication.instance(), QApplication):
                pixmap = QApplication.style().generatedIconPixmap(mode, pixmap, QStyleOption())
            self._pixmaps[key] = pixmap
        return pixmap

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        pixmap = self.pixmap(size * scale, mode, state)
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, ratio))

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        side = min(size.width(), size.height())
        return QSize(side, side)

    def clone(self) -> QIconEngine:
        return _InkedIcon(self._normal, self._selected)


def _rendered(svg: bytes, size: QSize) -> QPixmap:
    """The drawing scaled to `size` device pixels (Qt's SVG image plugin)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(svg))
    reader = QImageReader(buffer, b"svg")
    side = min(size.width(), size.height())
    reader.setScaledSize(QSize(side, side))
    return QPixmap.fromImage(reader.read())
