"""A small trend chart drawn with QPainter (Qt Charts is not part of PySide6-Essentials).

One or more series of (date, value) points over a shared date axis, an optional horizontal
reference line (a cut-off such as BARC-10's 47), and an empty state that says what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

SERIES_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[tuple[date, float], ...]
    color: str | None = None


@dataclass(frozen=True)
class ReferenceLine:
    value: float
    label: str


@dataclass
class ChartData:
    series: list[Series] = field(default_factory=list)
    y_min: float = 0
    y_max: float = 10
    reference: ReferenceLine | None = None
    empty_text: str = "Nothing recorded yet"


class TrendChart(QWidget):
    def __init__(self, title: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self._title = title
        self._data = ChartData()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(160)

    def sizeHint(self) -> QSize:
        return QSize(480, 200)

    def set_data(self, data: ChartData) -> None:
        self._data = data
        self.setToolTip(self._describe())
        self.update()

    @property
    def data(self) -> ChartData:
        return self._data

    def _describe(self) -> str:
        parts = []
        for series in self._data.series:
            if series.points:
                last_day, last_value = series.points[-1]
                parts.append(f"{series.name}: {len(series.points)} points, last {last_value:g} on {last_day.isoformat()}")
        if self._data.reference:
            parts.append(f"{self._data.reference.label}: {self._data.reference.value:g}")
        return "\n".join(parts)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_color = palette.color(QPalette.ColorRole.WindowText)
        grid_color = palette.color(QPalette.ColorRole.Mid)
        metrics = painter.fontMetrics()
        line_height = metrics.height()

        top = 4
        if self._title:
            title_font = QFont(painter.font())
            title_font.setBold(True)
            painter.setFont(title_font)
            painter.setPen(text_color)
            painter.drawText(QRectF(0, 0, self.width(), line_height + 4), Qt.AlignmentFlag.AlignLeft, self._title)
            painter.setFont(self.font())
            top += line_height + 4
        legend_height = line_height + 6
        left = metrics.horizontalAdvance("0000") + 8
        plot = QRectF(left, top + 4, self.width() - left - 12, self.height() - top - 8 - line_height - legend_height)
        if plot.width() < 40 or plot.height() < 30:
            return

        points = [p for s in self._data.series for p in s.points]
        if not points:
            painter.setPen(grid_color)
            painter.drawRect(plot)
            painter.setPen(text_color)
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, self._data.empty_text)
            return

        first = min(day for day, _ in points)
        last = max(day for day, _ in points)
        span = max((last - first).days, 1)
        y_min, y_max = self._data.y_min, self._data.y_max
        y_span = (y_max - y_min) or 1

        def x_of(day: date) -> float:
            return plot.left() + plot.width() * ((day - first).days / span if last != first else 0.5)

        def y_of(value: float) -> float:
            clamped = min(max(value, y_min), y_max)
            return plot.bottom() - plot.height() * (clamped - y_min) / y_span

        # Grid and axes: four horizontal lines, labels at both ends of the date axis.
        painter.setPen(QPen(grid_color, 1, Qt.PenStyle.DotLine))
        for step in range(5):
            value = y_min + y_span * step / 4
            y = y_of(value)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text_color)
            painter.drawText(QRectF(0, y - line_height / 2, left - 4, line_height),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}")
            painter.setPen(QPen(grid_color, 1, Qt.PenStyle.DotLine))
        painter.setPen(text_color)
        axis_y = plot.bottom() + 2
        painter.drawText(QRectF(plot.left(), axis_y, plot.width(), line_height), Qt.AlignmentFlag.AlignLeft,
                         first.isoformat())
        if last != first:
            painter.drawText(QRectF(plot.left(), axis_y, plot.width(), line_height), Qt.AlignmentFlag.AlignRight,
                             last.isoformat())

        reference = self._data.reference
        if reference is not None:
            y = y_of(reference.value)
            painter.setPen(QPen(QColor("#e08e0b"), 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.drawText(QRectF(plot.left() + 4, y - line_height - 1, plot.width() - 8, line_height),
                             Qt.AlignmentFlag.AlignRight, f"{reference.label} ({reference.value:g})")

        legend_x = plot.left()
        legend_y = self.height() - legend_height + 2
        for index, series in enumerate(self._data.series):
            color = QColor(series.color or SERIES_COLORS[index % len(SERIES_COLORS)])
            pen = QPen(color, 2)
            painter.setPen(pen)
            path = QPainterPath()
            for position, (day, value) in enumerate(series.points):
                point = QPointF(x_of(day), y_of(value))
                path.moveTo(point) if position == 0 else path.lineTo(point)
            painter.drawPath(path)
            painter.setBrush(color)
            for day, value in series.points:
                painter.drawEllipse(QPointF(x_of(day), y_of(value)), 2.5, 2.5)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawLine(QPointF(legend_x, legend_y + line_height / 2), QPointF(legend_x + 18, legend_y + line_height / 2))
            painter.setPen(text_color)
            painter.drawText(QPointF(legend_x + 22, legend_y + metrics.ascent()), series.name)
            legend_x += 22 + metrics.horizontalAdvance(series.name) + 18
