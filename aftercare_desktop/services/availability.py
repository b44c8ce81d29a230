"""Availability as weekday × time-block slots ("mon-evening"), shared by mentors and mentees.

A view shows the week as a grid (`WEEKDAYS` rows × `TimeBlock` columns) and stores the ticked cells
as slot codes; the pairing engine compares the codes.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models.enums import WEEKDAY_LABELS, WEEKDAYS, TimeBlock, label

SLOTS: tuple[str, ...] = tuple(f"{day}-{block.value}" for day in WEEKDAYS for block in TimeBlock)
_ORDER = {slot: index for index, slot in enumerate(SLOTS)}
WEEKEND = frozenset(WEEKDAYS[5:])


def slot(weekday: int, block: TimeBlock) -> str:
    """The code of a cell: `weekday` 0 = Monday … 6 = Sunday."""
    return f"{WEEKDAYS[weekday]}-{TimeBlock(block).value}"


def cell(code: str) -> tuple[int, TimeBlock]:
    """(weekday, block) of a slot code; ValueError for anything else."""
    if code not in _ORDER:
        raise ValueError(f"not an availability slot: {code!r}")
    day, block = code.split("-", 1)
    return WEEKDAYS.index(day), TimeBlock(block)


def normalise(codes: Iterable[str]) -> list[str]:
    """Known slot codes, each once, in week order (unknown codes are dropped)."""
    return sorted({code for code in codes if code in _ORDER}, key=_ORDER.__getitem__)


def unknown(codes: Iterable[str]) -> list[str]:
    return [code for code in codes if code not in _ORDER]


def evening_or_weekend(codes: Iterable[str]) -> bool:
    """Whether any slot is an evening, a late night, or on a weekend."""
    for code in codes:
        if code in _ORDER:
            day, block = cell(code)
            if WEEKDAYS[day] in WEEKEND or block in (TimeBlock.EVENING, TimeBlock.NIGHT):
                return True
    return False


def describe(codes: Iterable[str]) -> str:
    """'Monday evening, Saturday morning and afternoon' — for lists and tooltips."""
    by_day: dict[int, list[TimeBlock]] = {}
    for code in normalise(codes):
        day, block = cell(code)
        by_day.setdefault(day, []).append(block)
    parts = []
    for day, blocks in by_day.items():
        words = [label(block).lower() for block in blocks]
        joined = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
        parts.append(f"{WEEKDAY_LABELS[day]} {joined}")
    return "; ".join(parts)
