"""What the steps of the demo-data generator share: the Context they run in, the facts kept about each
person for later steps, random helpers, and the moments of the working day."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection

from ...models.enums import AlumniStatus, ContactMethod, StaffRole

if TYPE_CHECKING:
    from .courses import Course, Recurrence
    from .names import Culture, NamePools
    from .people import PlannedAlumnus
    from .plans import PlanSketch

# Alumni a step works through at a time, and rows written at a time (see writer.py).
CHUNK_SIZE = 5_000

Progress = Callable[[int, int], None]

# How far back the oldest discharge lies: the program has been running for about eight years.
HISTORY_DAYS = 8 * 365
# Timestamps end before the start of yesterday in UTC, so that none lies in the future whatever the
# local time zone; the newest discharges are the day before yesterday.
NEWEST_DISCHARGE_DAYS_AGO = 2
# The newest contact day: the day before yesterday (no timestamp reaches the ceiling, see Context).
LAST_CONTACT_DAYS_AGO = 2


def step_rng(seed: int, name: str) -> random.Random:
    # A str seed is hashed with SHA-512 by `random`, so the stream does not depend on PYTHONHASHSEED.
    return random.Random(f"aftercare-demo/{seed}/{name}")


@dataclass(slots=True)
class StaffFacts:
    id: int
    role: StaffRole
    display_name: str = ""


@dataclass(slots=True)
class AlumnusFacts:
    """What later steps need to know about a generated alumnus (kept in memory; never logged)."""

    id: int
    client_id: str
    culture: Culture
    last_name: str
    area_code: str
    status: AlumniStatus
    created_at: datetime
    created_by_id: int | None
    caseworker_id: int | None
    # When the current status was set (None: active since the record was created).
    status_changed_at: datetime | None
    status_changed_by_id: int | None
    # Active again after a spell of lost contact or inactivity.
    reconnected: bool
    twelve_step: bool
    # For the steps of the caseworker's day (plans, check-ins, recovery); copies of row values.
    discharge: date | None = None
    sobriety: date | None = None
    substances: tuple[str, ...] = ()
    pathways: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    city: str | None = None
    preferred_method: ContactMethod | None = None
    archived: bool = False


@dataclass
class Context:
    connection: Connection
    alumni_wanted: int
    seed: int
    today: date
    pools: NamePools
    progress: ProgressReporter
    staff: list[StaffFacts] = field(default_factory=list)
    alumni: list[AlumnusFacts] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # None: as many check-ins as the course and cadence give (see DEFAULT_CONTACTS).
    checkins_per_alumnus: int | None = None
    # Per alumnus, in the order of `alumni`: set by the steps of the caseworker's day (after the
    # chunks, only the courses are kept).
    courses: list[Course | None] = field(default_factory=list)
    recurrences: list[list[Recurrence]] = field(default_factory=list)
    plans: list[PlanSketch | None] = field(default_factory=list)
    # The alumni the alumni step makes (a chunk of the population) and the caseworkers' shares.
    planned: Sequence[PlannedAlumnus] = ()
    caseworker_loads: Sequence[float] = ()

    # No generated timestamp is later than this.
    ceiling: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.ceiling = datetime.combine(self.today - timedelta(days=1), time(0), tzinfo=timezone.utc)

    @property
    def caseworkers(self) -> list[StaffFacts]:
        return [s for s in self.staff if s.role is StaffRole.CASEWORKER]

    @property
    def coordinators(self) -> list[StaffFacts]:
        return [s for s in self.staff if s.role is StaffRole.COORDINATOR]


class Step(Protocol):
    name: str
    # Progress units this step reports per alumnus (0 for steps whose work does not grow with N).
    per_alumnus: int

    def run(self, context: Context, rng: random.Random) -> None: ...


class ProgressReporter:
    def __init__(self, callback: Progress | None, total: int):
        self.callback = callback
        self.total = total
        self.done = 0

    def advance(self, units: int) -> None:
        self.done = min(self.total - 1, self.done + units)
        if self.callback is not None:
            self.callback(self.done, self.total)

    def finish(self) -> None:
        self.done = self.total
        if self.callback is not None:
            self.callback(self.done, self.total)



# `random.Random.choice` and `randint` spend most of their time in Python-level bookkeeping; at
# millions of calls per run these one-liners on `random()` are several times faster, just as fair
# for our purposes, and as deterministic.
def below(rng: random.Random, n: int) -> int:
    return int(rng.random() * n)


def randint(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def choice(rng: random.Random, values: Sequence[Any]) -> Any:
    return values[int(rng.random() * len(values))]


class Weighted:
    """A fixed weighted choice, with the cumulative weights computed once."""

    def __init__(self, pairs: Sequence[tuple[Any, float]]):
        self.cumulative = list(accumulate(weight for _, weight in pairs))
        self.total = self.cumulative[-1]
        # The last value twice: rounding may, very rarely, put a draw exactly on the total.
        self.values = [value for value, _ in pairs] + [pairs[-1][0]]

    def pick(self, rng: random.Random) -> Any:
        # What random.choices does for one value, without building lists on every call.
        return self.values[bisect_right(self.cumulative, rng.random() * self.total)]


def quota(rng: random.Random, n: int, shares: Sequence[tuple[Any, float]]) -> list[Any]:
    """`n` values in the given shares, at least one of each, shuffled.

    Exact shares rather than independent draws, so that even 100 alumni show every value once.
    """
    total = sum(share for _, share in shares)
    counts = [max(1, round(n * share / total)) for _, share in shares]
    largest = counts.index(max(counts))
    counts[largest] += n - sum(counts)
    values = [value for (value, _), count in zip(shares, counts) for _ in range(count)]
    rng.shuffle(values)
    return values


# -- moments ---------------------------------------------------------------------------------

def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment after `start` and before `end`, in office hours when there is a whole day between."""
    days = (end.date() - start.date()).days
    if days >= 2:
        day = start.date() + timedelta(days=randint(rng, 1, days - 1))
        return office_hours(rng, day)
    room = int((end - start).total_seconds())
    return start + timedelta(seconds=randint(rng, 1, room - 1)) if room > 1 else start


def office_hours(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(8), tzinfo=timezone.utc) + timedelta(seconds=below(rng, 10 * 3600))


def desk_hours(rng: random.Random, day: date) -> datetime:
    """A moment in office hours at a desk in the United States: 13:00–23:00 UTC, the same local date
    from New York to Los Angeles (and in UTC), and before the end of the UTC day."""
    return opening(day) + timedelta(seconds=below(rng, 10 * 3600))


@lru_cache(maxsize=8192)
def opening(day: date) -> datetime:
    return datetime.combine(day, time(13), tzinfo=timezone.utc)


def covering_staff(rng: random.Random, context: Context, alumnus: AlumnusFacts) -> int:
    """Who makes a contact: the caseworker mostly, a colleague covering now and then (the check-in
    step has this inline)."""
    if alumnus.caseworker_id is not None and rng.random() < 0.88:
        return alumnus.caseworker_id
    return choice(rng, context.staff).id
