"""Trend charts drawn as vectors: panels stacked over one shared date axis.

A panel has one or more series of (date, value) points, fixed y limits with grid lines, and an
optional reference line (an instrument's cut-off, such as BARC-10's 47) labelled at its right end.
Mood (1–5) and craving (0–10) get a panel each rather than two y axes on one, which people misread.
A panel without points says what is missing instead of drawing an empty grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from .style import FONT, FONT_BOLD, INK, MONTHS, MUTED, RULE

LEFT = 30  # room for the y labels
RIGHT = 58  # room for a reference line's label
TITLE_HEIGHT = 17
AXIS_HEIGHT = 24  # the date labels under the last panel, and the years under them
PANEL_GAP = 10
LABEL_SIZE = 7.5


@dataclass(frozen=True)
class ChartSeries:
    name: str
    points: tuple[tuple[date, float], ...]
    color: Color


@dataclass(frozen=True)
class ChartPanel:
    title: str
    series: tuple[ChartSeries, ...]
    y_min: float
    y_max: float
    y_ticks: tuple[float, ...]
    reference: tuple[float, str] | None = None  # (value, label)
    empty_text: str = "Nothing recorded in this period"
    height: float = 92

    @property
    def has_points(self) -> bool:
        return any(series.points for series in self.series)


def date_ticks(first: date, last: date) -> list[tuple[date, str, str]]:
    """Where the date axis is labelled, and how: (day, label, year label or ""). Weeks for a month or
    so, months for up to 13 months, then quarters, then years. The year is written under the first
    label and under each January, on a line of its own, so labels never crowd each other."""
    days = (last - first).days
    if days <= 45:
        ticks, day = [], first
        while day <= last:
            year = str(day.year) if not ticks or (day.month == 1 and day.day <= 7) else ""
            ticks.append((day, f"{MONTHS[day.month - 1]} {day.day}", year))
            day += timedelta(days=7)
        return ticks
    step = 1 if days <= 400 else 3 if days <= 1200 else 12
    month_index = first.year * 12 + first.month - 1
    if first.day != 1:
        month_index += 1
    month_index += -month_index % step
    ticks = []
    while True:
        year, month = divmod(month_index, 12)
        day = date(year, month + 1, 1)
        if day > last:
            return ticks
        if step == 12:
            ticks.append((day, str(year), ""))
        else:
            ticks.append((day, MONTHS[month], str(year) if not ticks or month == 0 else ""))
        month_index += step


def _number(value: float) -> str:
    return f"{value:g}"


class TrendChart(Flowable):
    """Panels one above the other, sharing the date axis from `first` to `last` drawn under the last.

    Drawn straight onto the canvas: grid lines of a kind go in one path each, so a year of check-ins
    on four panels is a few dozen PDF operators rather than hundreds of shapes.
    """

    def __init__(self, panels: Sequence[ChartPanel], first: date, last: date, width: float):
        super().__init__()
        self.panels = list(panels)
        self.first, self.last = first, last
        self.width = width
        self.height = (sum(panel.height + TITLE_HEIGHT for panel in self.panels)
                       + PANEL_GAP * (len(self.panels) - 1) + AXIS_HEIGHT)

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def x_of(self, day: date) -> float:
        span_days = max((self.last - self.first).days, 1)
        return LEFT + (self.width - RIGHT - LEFT) * (day - self.first).days / span_days

    def draw(self) -> None:
        canvas: Canvas = self.canv
        plot_left, plot_right = LEFT, self.width - RIGHT
        ticks = date_ticks(self.first, self.last)
        top = self.height
        for number, panel in enumerate(self.panels):
            title_base = top - 11
            canvas.setFillColor(INK)
            canvas.setFont(FONT_BOLD, 8.8)
            canvas.drawString(plot_left, title_base, panel.title)
            if len(panel.series) > 1:
                _legend(canvas, panel.series, plot_right, title_base)
            plot_top = top - TITLE_HEIGHT
            plot_bottom = plot_top - panel.height
            span_y = (panel.y_max - panel.y_min) or 1

            def y_of(value: float, panel=panel, plot_bottom=plot_bottom) -> float:
                return plot_bottom + panel.height * (value - panel.y_min) / span_y

            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.6)
            canvas.rect(plot_left, plot_bottom, plot_right - plot_left, panel.height, stroke=1, fill=0)
            grid = canvas.beginPath()
            for value in panel.y_ticks:
                y = y_of(value)
                if plot_bottom < y < plot_top:
                    grid.moveTo(plot_left, y)
                    grid.lineTo(plot_right, y)
            for day, _, _ in ticks:
                grid.moveTo(self.x_of(day), plot_bottom)
                grid.lineTo(self.x_of(day), plot_top)
            canvas.setLineWidth(0.3)
            canvas.setDash(1, 2)
            canvas.drawPath(grid, stroke=1, fill=0)
            canvas.setFillColor(MUTED)
            canvas.setFont(FONT, LABEL_SIZE)
            for value in panel.y_ticks:
                canvas.drawRightString(plot_left - 4, y_of(value) - 2.6, _number(value))
            if panel.reference is not None:
                value, label = panel.reference
                y = y_of(value)
                canvas.setStrokeColor(INK)
                canvas.setLineWidth(0.9)
                canvas.setDash(4, 2.5)
                canvas.line(plot_left, y, plot_right, y)
                canvas.setFillColor(INK)
                canvas.drawString(plot_right + 4, y - 2.6, label)
            canvas.setDash()
            if panel.has_points:
                for series in panel.series:
                    _series(canvas, series, self.x_of, y_of)
            else:
                canvas.setFillColor(MUTED)
                canvas.setFont(FONT, 8.5)
                canvas.drawCentredString((plot_left + plot_right) / 2, plot_bottom + panel.height / 2 - 3,
                                         panel.empty_text)
            top = plot_bottom - (PANEL_GAP if number < len(self.panels) - 1 else 0)
        canvas.setFillColor(MUTED)
        for day, label, year in ticks:
            canvas.setFont(FONT, LABEL_SIZE)
            canvas.drawCentredString(self.x_of(day), top - 10, label)
            if year:
                canvas.setFont(FONT_BOLD, LABEL_SIZE)
                canvas.drawCentredString(self.x_of(day), top - 20, year)


def _series(canvas: Canvas, series: ChartSeries, x_of, y_of) -> None:
    points = [(x_of(day), y_of(value)) for day, value in series.points]
    canvas.setStrokeColor(series.color)
    canvas.setFillColor(series.color)
    if len(points) > 1:
        line = canvas.beginPath()
        line.moveTo(*points[0])
        for point in points[1:]:
            line.lineTo(*point)
        canvas.setLineWidth(1.3)
        canvas.setLineJoin(1)
        canvas.drawPath(line, stroke=1, fill=0)
    # Square markers: four numbers each in the PDF, where a circle is four curves.
    half = 1.5 if len(points) > 60 else 1.9
    markers = canvas.beginPath()
    for x, y in points:
        markers.rect(x - half, y - half, 2 * half, 2 * half)
    canvas.drawPath(markers, stroke=0, fill=1)


def _legend(canvas: Canvas, series: Sequence[ChartSeries], right: float, base: float) -> None:
    x = right
    canvas.setFont(FONT, LABEL_SIZE)
    for item in reversed(series):
        x -= stringWidth(item.name, FONT, LABEL_SIZE)
        canvas.setFillColor(INK)
        canvas.drawString(x, base, item.name)
        x -= 14
        canvas.setStrokeColor(item.color)
        canvas.setLineWidth(1.6)
        canvas.line(x, base + 2.6, x + 10, base + 2.6)
        x -= 10
