"""Working through a whole caseload at once: hundreds of thousands of small objects in a moment."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

Row = TypeVar("Row")

_lock = threading.Lock()
_pauses = 0
_was_enabled = True


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector paused for the block.

    Loading a caseload makes rows, tuples, strings and dataclasses, none of them in a reference
    cycle; yet every few hundred allocations start a collection, and the older generations' walk
    over every object the app holds costs a fifth of a Today page for 20,000 alumni. Collection
    resumes after the block (the pause is process-wide: overlapping pauses from several threads are
    counted, and the collector is switched back on after the last, if it was on before the first).
    """
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()


class LazyRows(Sequence[Row]):
    """A section's rows, each made when first asked for (and kept): the page shows a screenful of
    a section that can hold 20,000 rows, and its count is known without making any of them."""

    __slots__ = ("_count", "_made", "_make")

    def __init__(self, count: int, make: Callable[[int], Row]):
        self._count = count
        self._make = make
        self._made: dict[int, Row] = {}

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(self._count)))
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("row out of range")
        row = self._made.get(index)
        if row is None:
            row = self._made[index] = self._make(index)
        return row

    def __iter__(self) -> Iterator[Row]:
        return (self[i] for i in range(self._count))

    def __eq__(self, other) -> bool:
        if isinstance(other, (tuple, list, LazyRows)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LazyRows({self._count} rows)"
