"""Trend charts as reportlab vector drawings: panels stacked over one shared date axis.

A panel has one or more series of (date, value) points, fixed y limits with grid lines, and an
optional reference line (an instrument's cut-off, such as BARC-10's 47) labelled at its right end.
Mood (1–5) and craving (0–10) get a panel each rather than two y axes on one, which people misread.
A panel without points says what is missing instead of drawing an empty grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth

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


def trend_chart(panels: Sequence[ChartPanel], first: date, last: date, width: float) -> Drawing:
    """Panels one above the other, sharing the date axis from `first` to `last` drawn under the last."""
    height = sum(panel.height + TITLE_HEIGHT for panel in panels) + PANEL_GAP * (len(panels) - 1) + AXIS_HEIGHT
    drawing = Drawing(width, height)
    plot_left, plot_right = LEFT, width - RIGHT
    span_days = max((last - first).days, 1)

    def x_of(day: date) -> float:
        return plot_left + (plot_right - plot_left) * (day - first).days / span_days

    ticks = date_ticks(first, last)
    top = height
    for number, panel in enumerate(panels):
        title_base = top - 11
        drawing.add(String(plot_left, title_base, panel.title, fontName=FONT_BOLD, fontSize=8.8, fillColor=INK))
        if len(panel.series) > 1:
            _legend(drawing, panel.series, plot_right, title_base)
        plot_top = top - TITLE_HEIGHT
        plot_bottom = plot_top - panel.height
        span_y = (panel.y_max - panel.y_min) or 1

        def y_of(value: float, panel=panel, plot_bottom=plot_bottom) -> float:
            return plot_bottom + panel.height * (value - panel.y_min) / span_y

        drawing.add(Rect(plot_left, plot_bottom, plot_right - plot_left, panel.height, fillColor=None,
                         strokeColor=RULE, strokeWidth=0.6))
        for value in panel.y_ticks:
            y = y_of(value)
            if plot_bottom < y < plot_top:
                drawing.add(Line(plot_left, y, plot_right, y, strokeColor=RULE, strokeWidth=0.3,
                                 strokeDashArray=[1, 2]))
            drawing.add(String(plot_left - 4, y - 2.6, _number(value), fontName=FONT, fontSize=LABEL_SIZE,
                               fillColor=MUTED, textAnchor="end"))
        for day, _, _ in ticks:
            x = x_of(day)
            drawing.add(Line(x, plot_bottom, x, plot_top, strokeColor=RULE, strokeWidth=0.3, strokeDashArray=[1, 2]))
        if panel.reference is not None:
            value, label = panel.reference
            y = y_of(value)
            drawing.add(Line(plot_left, y, plot_right, y, strokeColor=INK, strokeWidth=0.9, strokeDashArray=[4, 2.5]))
            drawing.add(String(plot_right + 4, y - 2.6, label, fontName=FONT, fontSize=LABEL_SIZE, fillColor=INK))
        if panel.has_points:
            for series in panel.series:
                _series(drawing, series, x_of, y_of)
        else:
            drawing.add(String((plot_left + plot_right) / 2, plot_bottom + panel.height / 2 - 3, panel.empty_text,
                               fontName=FONT, fontSize=8.5, fillColor=MUTED, textAnchor="middle"))
        top = plot_bottom - (PANEL_GAP if number < len(panels) - 1 else 0)
    for day, label, year in ticks:
        drawing.add(String(x_of(day), top - 10, label, fontName=FONT, fontSize=LABEL_SIZE, fillColor=MUTED,
                           textAnchor="middle"))
        if year:
            drawing.add(String(x_of(day), top - 20, year, fontName=FONT_BOLD, fontSize=LABEL_SIZE, fillColor=MUTED,
                               textAnchor="middle"))
    return drawing


def _series(drawing: Drawing, series: ChartSeries, x_of, y_of) -> None:
    points = [(x_of(day), y_of(value)) for day, value in series.points]
    if len(points) > 1:
        drawing.add(PolyLine([coordinate for point in points for coordinate in point], strokeColor=series.color,
                             strokeWidth=1.3, strokeLineJoin=1))
    # Square markers: four numbers each in the PDF, where a circle is four curves.
    half = 1.5 if len(points) > 60 else 1.9
    for x, y in points:
        drawing.add(Rect(x - half, y - half, 2 * half, 2 * half, fillColor=series.color, strokeColor=None))


def _legend(drawing: Drawing, series: Sequence[ChartSeries], right: float, base: float) -> None:
    x = right
    for item in reversed(series):
        label_width = stringWidth(item.name, FONT, LABEL_SIZE)
        x -= label_width
        drawing.add(String(x, base, item.name, fontName=FONT, fontSize=LABEL_SIZE, fillColor=INK))
        x -= 14
        drawing.add(Line(x, base + 2.6, x + 10, base + 2.6, strokeColor=item.color, strokeWidth=1.6))
        x -= 10
