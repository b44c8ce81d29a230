"""Working through a whole caseload at once: hundreds of thousands of small objects in a moment."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

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
