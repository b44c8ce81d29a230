"""Synthetic demo data: a believable aftercare caseload of 100 to 100,000 alumni, made from a seed.

Every person here is invented. Names come from Faker's name lists (never from lists of real or famous
people), phone numbers are the fictional 555-01XX range, emails use the reserved example domains.

The generator is a sequence of steps: the team; the population (what must come out in exact shares
over all alumni); then, for each chunk of ALUMNI_PER_CHUNK alumni, the alumni themselves, support
contacts, status history and the caseworker's day (STEPS); last the mentor program over everyone
(POPULATION_STEPS). Each step draws from its own random stream, derived from the seed, the step's
name and the chunk's number, so a step added later leaves the rows of the earlier steps exactly as
they were for the same seed. Same seed, same count, same `today` and same Faker version give the
same rows, timestamps included, whatever the number of worker processes.

Speed: the chunks are made side by side in worker processes, each in an in-memory SQLite database,
and copied into the target in one transaction, all or nothing (services/demo_chunks.py). Faker is
slow per call, so it is asked once per seed for pools of names and street names; each record is
then put together from the pools with `random.Random`.

No audit events are written: the audit trail records what people did to records, and nobody did
anything here. Nothing is logged about the generated people either; the summary holds counts only.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import threading
import time as timer
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from functools import lru_cache
from itertools import accumulate
from typing import Any, Protocol

from faker import Faker
from sqlalchemy import Connection, case, func, insert, literal, null, select

from ..db import Database
from ..errors import AftercareError
from ..models import (
    AftercarePlan,
    Alumnus,
    AlumniStatusChange,
    AssessmentResult,
    CheckIn,
    MeetingAttendance,
    MilestoneCelebration,
    PlanGoal,
    PlanMeeting,
    PlanRosterEntry,
    PlanTrigger,
    PlanWarningSign,
    RecurrenceEvent,
    SobrietyDateChange,
    StaffMember,
    SupportContact,
    UTCDateTime,
)
from ..models.enums import (
    CADENCE_DAYS,
    AlumniStatus,
    CheckinCadence,
    CheckinMethod,
    CheckinOutcome,
    ContactMethod,
    DischargeType,
    GoalStatus,
    LifeArea,
    MeetingKind,
    PlanStatus,
    Program,
    RecoveryPathway,
    RecurrenceKind,
    Relationship,
    RosterRole,
    SobrietyChangeKind,
    StaffRole,
    label,
)
from ..paths import resource
from .alumni import refresh_search_keys
from .assessments import due_date
from .bulk import gc_paused
from .demo_chunks import ChunkCopier, chunk_database, default_workers, image_of, map_in_workers
from .demo_mentoring import MentoringStep
from .early_warning import refresh_missing_digests
from .instruments import AWARE as AWARE_CODE
from .instruments import (
    BARC_10,
    Direction,
    InstrumentDefinition,
    Score,
    load_instruments,
    score,
    whole_months_between,
)
from .plans import CRISIS_LINES, ROLE_FOR_RELATION
from .sobriety import CELEBRATE_EARLY_DAYS, MAX_YEARS, Milestone, iter_milestones, milestone_for
from .text import fold

MIN_ALUMNI = 100
MAX_ALUMNI = 100_000
CHUNK_SIZE = 5_000
SQLITE_CACHE_KIB = 128 * 1024  # an upper bound; SQLite takes the memory only as pages are used

Progress = Callable[[int, int], None]

# How far back the oldest discharge lies: the program has been running for about eight years.
HISTORY_DAYS = 8 * 365
# Timestamps end before the start of yesterday in UTC, so that none lies in the future whatever the
# local time zone; the newest discharges are the day before yesterday.
NEWEST_DISCHARGE_DAYS_AGO = 2


# -- the public face ---------------------------------------------------------------------------

_PATHWAY_ORDER = [pathway.value for pathway in RecoveryPathway]


@dataclass(frozen=True)
class DemoSummary:
    """What one run made. Counts only: never a name, so it is safe to print and log."""

    alumni: int
    staff: int
    support_contacts: int
    status_changes: int
    seed: int
    seconds: float
    plans: int = 0
    check_ins: int = 0
    meeting_attendance: int = 0
    recurrences: int = 0
    assessments: int = 0
    celebrations: int = 0

    def describe(self) -> str:
        return (
            f"Created {self.alumni:,} alumni, {self.staff} staff members, "
            f"{self.support_contacts:,} support contacts, {self.status_changes:,} status history entries, "
            f"{self.plans:,} aftercare plan versions, {self.check_ins:,} check-ins, "
            f"{self.meeting_attendance:,} meeting attendance records, {self.recurrences:,} returns to use, "
            f"{self.assessments:,} assessments and {self.celebrations:,} milestone celebrations "
            f"(seed {self.seed}) in {self.seconds:.1f} s."
        )


def generate(
    database: Database,
    *,
    alumni: int,
    seed: int = 1,
    progress: Progress | None = None,
    today: date | None = None,
    checkins_per_alumnus: int | None = None,
    workers: int | None = None,
) -> DemoSummary:
    """Fill an empty database with `alumni` synthetic alumni, their caseworkers, contacts and history,
    and the caseworker's day: aftercare plans, check-ins, meeting attendance, returns to use,
    assessments and celebrated milestones.

    `progress(done, total)` is called after each chunk of work; `done` reaches `total` once the rows
    are committed. `today` anchors every date and timestamp (default: the real today).

    `checkins_per_alumnus`: None (the default) gives each followed alumnus the few months of
    check-ins their plan's cadence and course give (about 8 on average; alumni who left the program
    more than a year ago have none). A number asks for that many check-ins for every alumnus, those
    who left included (closer together than the cadence where the time since discharge is too short,
    fewer for the few discharged only days ago), e.g. 50 for a benchmark of 20,000 alumni with
    about 1,000,000 check-ins.

    `workers`: processes that make the chunks of alumni (default: one per core; 1 makes them in
    this process). The rows are the same for any number.
    """
    if not MIN_ALUMNI <= alumni <= MAX_ALUMNI:
        raise AftercareError(f"Demo data is made for {MIN_ALUMNI} to {MAX_ALUMNI:,} alumni, not {alumni:,}.")
    if checkins_per_alumnus is not None and not 0 <= checkins_per_alumnus <= MAX_CHECKINS_PER_ALUMNUS:
        raise AftercareError(f"Check-ins per alumnus must be 0 to {MAX_CHECKINS_PER_ALUMNUS:,}, "
                             f"not {checkins_per_alumnus:,}.")
    started = timer.perf_counter()
    today = today or date.today()
    workers = default_workers() if workers is None else workers
    # One unit more than the chunks report: the mentor program, the digests and the commit.
    reporter = _ProgressReporter(progress, alumni * sum(step.per_alumnus for step in STEPS) + 1)
    # The parent holds every alumnus's facts and course: the cycle collector's walks over them
    # (they hold no cycles) would only slow the copy and the mentor program down.
    with gc_paused(), database.engine.connect() as connection:
        cache_size = None
        copier = None
        try:
            if database.is_sqlite:
                # With SQLite's default 2 MB page cache, a transaction this large keeps spilling
                # index pages to the WAL and reading them back; a roomier cache saves about a sixth.
                cache_size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
                connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
                connection.commit()
            # Before the transaction: SQLite attaches the chunks' schema only outside one.
            # Without the triggers that keep the check-in digests: they are worked out afterwards.
            copier = ChunkCopier.for_connection(connection, shared=[StaffMember.__tablename__],
                                                without_triggers=True)
            with connection.begin():
                existing = connection.execute(select(func.count()).select_from(Alumnus.__table__)).scalar_one()
                if existing:
                    raise AftercareError(f"{database.description} already holds {existing:,} alumni; "
                                         "demo data goes into an empty database.")
                context = Context(connection=connection, alumni_wanted=alumni, seed=seed, today=today,
                                  pools=name_pools(seed), progress=reporter,
                                  checkins_per_alumnus=checkins_per_alumnus)
                StaffStep().run(context, step_rng(seed, StaffStep.name))
                population = Population.draw(step_rng(seed, AlumniStep.name), alumni, today,
                                             len(context.caseworkers))
                jobs = _chunk_jobs(context, population)
                for job, chunk in zip(jobs, map_in_workers(make_chunk, jobs, workers)):
                    shift = copier.copy(chunk.image)["alumni"]
                    for fact in chunk.alumni:
                        fact.id += shift
                    context.alumni.extend(chunk.alumni)
                    context.courses.extend(chunk.courses)
                    for name, value in chunk.counts.items():
                        context.counts[name] = context.counts.get(name, 0) + value
                    reporter.advance(len(job.planned) * sum(step.per_alumnus for step in STEPS))
                copier.finish()
                for step in POPULATION_STEPS:
                    step().run(context, step_rng(seed, step.name))
                # The copied alumni have no digests yet (the copy left the digest triggers out, and the
                # mentors' check-ins deleted theirs); the Today page reads them.
                refresh_missing_digests(connection)
        finally:
            if copier is not None:
                copier.close()
            if cache_size is not None:
                connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache_size)}")
                connection.commit()
    database.refresh_statistics(full=True)
    reporter.finish()
    return DemoSummary(
        alumni=len(context.alumni),
        staff=len(context.staff),
        support_contacts=context.counts.get("support_contacts", 0),
        status_changes=context.counts.get("status_changes", 0),
        seed=seed,
        seconds=timer.perf_counter() - started,
        plans=context.counts.get("plans", 0),
        check_ins=context.counts.get("check_ins", 0),
        meeting_attendance=context.counts.get("meeting_attendance", 0),
        recurrences=context.counts.get("recurrences", 0),
        assessments=context.counts.get("assessments", 0),
        celebrations=context.counts.get("celebrations", 0),
    )


# -- chunks ------------------------------------------------------------------------------------

# Alumni per chunk: enough that a chunk's fixed costs (a fresh schema, its image) stay small, few
# enough that two workers share 100,000 alumni evenly and a chunk's image stays a few megabytes.
ALUMNI_PER_CHUNK = 2_000


# The indexes the steps' queries need in a chunk's database (the roster counts each plan's contacts).
CHUNK_INDEXES = ("ix_support_contacts_alumnus_id",)


@dataclass(frozen=True)
class ChunkJob:
    """Everything a worker needs to make one chunk of alumni (picklable)."""

    index: int
    seed: int
    today: date
    alumni_wanted: int
    checkins_per_alumnus: int | None
    staff_rows: tuple[dict[str, Any], ...]  # the team as written, for the chunk's own copy
    staff: tuple[StaffFacts, ...]
    planned: tuple[PlannedAlumnus, ...]
    caseworker_loads: tuple[float, ...]


@dataclass
class ChunkResult:
    image: bytes  # the chunk's SQLite database, ids from 1
    # What the steps after the chunks read (the mentor program): ids as in the image.
    alumni: list[AlumnusFacts]
    courses: list[Course | None]
    counts: dict[str, int]


def _chunk_jobs(context: Context, population: Population) -> list[ChunkJob]:
    staff = StaffMember.__table__
    ids = [member.id for member in context.staff]
    rows = tuple(dict(row._mapping) for row in context.connection.execute(
        select(staff).where(staff.c.id.in_(ids)).order_by(staff.c.id)))
    return [
        ChunkJob(index=number, seed=context.seed, today=context.today, alumni_wanted=context.alumni_wanted,
                 checkins_per_alumnus=context.checkins_per_alumnus, staff_rows=rows, staff=tuple(context.staff),
                 planned=population.alumni[start:start + ALUMNI_PER_CHUNK],
                 caseworker_loads=population.caseworker_loads)
        for number, start in enumerate(range(0, len(population.alumni), ALUMNI_PER_CHUNK))
    ]


def make_chunk(job: ChunkJob) -> ChunkResult:
    """One chunk of alumni through the STEPS, in a database of its own (runs in a worker process).

    Each step draws from a stream of its own for this chunk, so the rows depend on the seed and the
    chunk's number only: not on how many workers there are, nor which made it.

    The cycle collector is paused: a chunk's rows, tuples and facts hold no cycles, yet collecting
    as they pile up costs a fifth of the chunk."""
    with gc_paused(), chunk_database(indexes=CHUNK_INDEXES) as connection:
        with connection.begin():
            connection.execute(insert(StaffMember.__table__), list(job.staff_rows))
            context = Context(connection=connection, alumni_wanted=job.alumni_wanted, seed=job.seed,
                              today=job.today, pools=name_pools(job.seed), progress=_ProgressReporter(None, 1),
                              checkins_per_alumnus=job.checkins_per_alumnus, staff=list(job.staff),
                              planned=job.planned, caseworker_loads=job.caseworker_loads)
            for step in STEPS:
                step().run(context, step_rng(job.seed, f"{step.name}/chunk-{job.index}"))
        return ChunkResult(image_of(connection), context.alumni, context.courses, context.counts)


def step_rng(seed: int, name: str) -> random.Random:
    # A str seed is hashed with SHA-512 by `random`, so the stream does not depend on PYTHONHASHSEED.
    return random.Random(f"aftercare-demo/{seed}/{name}")


# -- what the steps share ----------------------------------------------------------------------

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
    progress: _ProgressReporter
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


class _ProgressReporter:
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


def _insert_chunks(connection: Connection, table, rows: list[dict[str, Any]]) -> None:
    """Rows given as dicts that name every column but the id (see `_Writer`)."""
    if not rows:
        return
    columns = tuple(column.name for column in table.columns if column.name in rows[0])
    writer = _Writer(connection, table, columns)
    for row in rows:
        writer.add(tuple([row[name] for name in columns]))
    writer.flush()


# `random.Random.choice` and `randint` spend most of their time in Python-level bookkeeping; at
# millions of calls per run these one-liners on `random()` are several times faster, just as fair
# for our purposes, and as deterministic.
def _below(rng: random.Random, n: int) -> int:
    return int(rng.random() * n)


def _randint(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def _choice(rng: random.Random, values: Sequence[Any]) -> Any:
    return values[int(rng.random() * len(values))]


class _Weighted:
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


# -- names ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Culture:
    """A naming tradition (a Faker locale) and the languages its alumni speak, with weights."""

    locale: str
    share: float
    languages: tuple[tuple[tuple[str, ...], float], ...]

    def __reduce__(self) -> tuple:
        # By name, so that a culture coming back from a worker process is one of CULTURES (the steps
        # compare them with `is`).
        return _culture, (self.locale,)


def _culture(locale: str) -> Culture:
    return next(culture for culture in CULTURES if culture.locale == locale)


CULTURES: tuple[Culture, ...] = (
    Culture("en_US", 0.685, ((("English",), 0.985), (("English", "American Sign Language"), 0.01),
                             (("English", "Spanish"), 0.005))),
    # About 20% of all alumni speak Spanish; most of them English as well.
    Culture("es_MX", 0.22, ((("Spanish", "English"), 0.6), (("Spanish",), 0.31), (("English",), 0.09))),
    Culture("vi_VN", 0.025, ((("Vietnamese", "English"), 0.6), (("Vietnamese",), 0.25), (("English",), 0.15))),
    Culture("fr_FR", 0.015, ((("French", "English"), 0.5), (("Haitian Creole", "French", "English"), 0.3),
                             (("English",), 0.2))),
    Culture("pt_BR", 0.015, ((("Portuguese", "English"), 0.6), (("Portuguese",), 0.2), (("English",), 0.2))),
    Culture("pl_PL", 0.015, ((("Polish", "English"), 0.6), (("English",), 0.4))),
    Culture("en_IN", 0.015, ((("English", "Hindi"), 0.5), (("English",), 0.3), (("Gujarati", "English"), 0.1),
                             (("Punjabi", "English"), 0.1))),
    Culture("de_DE", 0.005, ((("English",), 0.8), (("German", "English"), 0.2))),
    Culture("nl_NL", 0.005, ((("English",), 0.8), (("Dutch", "English"), 0.2))),
)
_CULTURE = _Weighted([(c, c.share) for c in CULTURES])
_LANGUAGES = {c.locale: _Weighted(c.languages) for c in CULTURES}
AMERICAN = CULTURES[0]
SPANISH = CULTURES[1]

# Faker's census list drops apostrophes, and a few of its entries are misspelt.
_SURNAME_FIXES = {
    "Obrien": "O'Brien", "Oconnor": "O'Connor", "Oconnell": "O'Connell", "Odonnell": "O'Donnell",
    "Oneill": "O'Neill", "Oneal": "O'Neal", "Rodríquez": "Rodríguez", "de la Crúz": "de la Cruz",
}
# Spellings with diacritics that American name lists flatten (Zoe, Chloe, Renee, Andre).
_ACCENTED_GIVEN = {
    "female": ("Zoë", "Chloë", "Renée", "Anaïs", "Noémie", "Desirée", "Léa", "Amélie"),
    "male": ("André", "René", "Noël", "Jérôme", "Étienne", "Joaquín", "Zoltán", "Björn"),
}
_UNISEX_GIVEN = ("Alex", "Jordan", "Taylor", "Riley", "Casey", "Avery", "Quinn", "Rowan", "Sage", "River",
                 "Jamie", "Morgan", "Skyler", "Emerson", "Dakota", "Ari", "Kai", "Robin", "Charlie", "Remy")
_NICKNAMES = {
    "Robert": ("Bob", "Rob", "Bobby"), "William": ("Will", "Bill", "Liam"), "Michael": ("Mike", "Mikey"),
    "Christopher": ("Chris",), "Jennifer": ("Jen", "Jenny"), "Elizabeth": ("Liz", "Beth", "Eliza"),
    "Katherine": ("Kate", "Katie"), "Kathryn": ("Kate", "Kathy"), "Margaret": ("Maggie", "Peggy"),
    "Richard": ("Rick", "Rich"), "James": ("Jim", "Jamie"), "Joseph": ("Joe", "Joey"),
    "Thomas": ("Tom", "Tommy"), "Daniel": ("Dan", "Danny"), "Anthony": ("Tony",), "Nicholas": ("Nick",),
    "Matthew": ("Matt",), "Jonathan": ("Jon",), "Alexander": ("Alex", "Xander"), "Samantha": ("Sam",),
    "Jessica": ("Jess",), "Rebecca": ("Becca", "Becky"), "Victoria": ("Tori",), "Patricia": ("Pat", "Trish"),
    "Stephanie": ("Steph",), "Benjamin": ("Ben",), "Andrew": ("Drew", "Andy"), "Edward": ("Ed", "Eddie"),
    "Timothy": ("Tim",), "Kimberly": ("Kim",), "Deborah": ("Deb",), "Gregory": ("Greg",), "Zachary": ("Zach",),
    "José": ("Pepe",), "Francisco": ("Paco", "Pancho"), "Guadalupe": ("Lupe",), "Jesús": ("Chuy",),
    "Ignacio": ("Nacho",), "Alejandro": ("Alex",), "Eduardo": ("Lalo",), "Enrique": ("Kike",),
    "Dolores": ("Lola",), "Roberto": ("Beto",), "Alberto": ("Beto",), "Guillermo": ("Memo",),
    "Rafael": ("Rafa",), "Manuel": ("Manolo",), "Fernando": ("Nando",), "Gerardo": ("Jerry",),
    "Cristina": ("Tina",), "Christina": ("Tina",), "Rosario": ("Charo",), "Consuelo": ("Chelo",),
}
_PARTICLES = ("van der ", "van den ", "van de ", "van ", "de la ", "de los ", "del ", "de ")


def _american_particles(surname: str) -> str:
    """'van der Berg' as many American records spell it: 'Van Der Berg'."""
    if not surname.startswith(_PARTICLES):
        return surname
    *particles, rest = surname.split(" ")
    return " ".join([p.capitalize() for p in particles] + [rest])


@dataclass(frozen=True)
class NamePool:
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]

    def given(self, rng: random.Random, gender: str) -> str:
        if gender == "female":
            return _choice(rng, self.female)
        if gender == "male":
            return _choice(rng, self.male)
        if rng.random() < 0.4:
            return _choice(rng, _UNISEX_GIVEN)
        return _choice(rng, self.female if rng.random() < 0.5 else self.male)


class NamePools:
    """Faker, asked once per seed and locale; records combine these pools with `random`.

    Draws keep Faker's frequencies (common names come up often), and a pool's size follows its
    culture's share, so that the large groups do not repeat names too often.
    """

    STREETS = 800

    def __init__(self, seed: int):
        self.seed = seed
        self._pools: dict[str, NamePool] = {}
        self._streets: tuple[str, ...] | None = None

    def _faker(self, purpose: str) -> Faker:
        fake = _faker_for(purpose.split("/")[0])
        digest = hashlib.sha256(f"aftercare-demo/{self.seed}/faker/{purpose}".encode()).digest()
        fake.seed_instance(int.from_bytes(digest[:8], "big"))
        return fake

    def names(self, culture: Culture) -> NamePool:
        pool = self._pools.get(culture.locale)
        if pool is None:
            with _FAKER_LOCK:
                fake = self._faker(f"{culture.locale}/names")
                first_names = 150 + int(1500 * culture.share)
                last_names = 300 + int(3000 * culture.share)
                female = tuple(fake.first_name_female() for _ in range(first_names))
                male = tuple(fake.first_name_male() for _ in range(first_names))
                last = tuple(_SURNAME_FIXES.get(n, n) for n in (fake.last_name() for _ in range(last_names)))
            pool = self._pools[culture.locale] = NamePool(female, male, last)
        return pool

    def streets(self) -> tuple[str, ...]:
        if self._streets is None:
            with _FAKER_LOCK:
                fake = self._faker("en_US/streets")
                self._streets = tuple(fake.street_name() for _ in range(self.STREETS))
        return self._streets


# Making a Faker costs more than drawing a whole pool from it, so there is one per locale, re-seeded
# before each use; the lock keeps two runs on different threads from sharing a stream.
_FAKER_LOCK = threading.Lock()


@lru_cache(maxsize=None)
def _faker_for(locale: str) -> Faker:
    return Faker(locale)


@lru_cache(maxsize=4)
def name_pools(seed: int) -> NamePools:
    """Pools are immutable once drawn, so runs with the same seed in one process share them."""
    return NamePools(seed)


def _surname(rng: random.Random, pools: NamePools, culture: Culture) -> str:
    last = pools.names(culture).last
    name = _choice(rng, last)
    roll = rng.random()
    if culture is SPANISH:
        # Two family names, written with a space or (in many US records) joined by a hyphen.
        if roll < 0.12:
            name = f"{name}-{_choice(rng, last)}"
        elif roll < 0.35:
            name = f"{name} {_choice(rng, last)}"
        if rng.random() < 0.4:
            name = _american_particles(name)
    elif culture is AMERICAN:
        if roll < 0.025:
            name = f"{name}-{_choice(rng, last)}"
    elif culture.locale == "nl_NL" and rng.random() < 0.6:
        name = _american_particles(name)
    return name


def _given_name(rng: random.Random, pools: NamePools, culture: Culture, gender: str) -> str:
    if culture is AMERICAN and gender != "nonbinary" and rng.random() < 0.015:
        return _choice(rng, _ACCENTED_GIVEN[gender])
    return pools.names(culture).given(rng, gender)


# -- places and numbers -----------------------------------------------------------------------

# Real cities with real area codes and ZIP prefixes; numbers are made fictional by the 555-01XX range.
CITIES: tuple[tuple[str, tuple[str, ...], str, float], ...] = (
    ("Chicago", ("312", "773", "872"), "606", 14), ("Evanston", ("847", "224"), "602", 3),
    ("Oak Park", ("708",), "603", 2), ("Milwaukee", ("414",), "532", 4), ("Gary", ("219",), "464", 1.5),
    ("Los Angeles", ("213", "323", "310"), "900", 6), ("Houston", ("713", "832"), "770", 5),
    ("San Antonio", ("210",), "782", 3), ("El Paso", ("915",), "799", 2), ("Phoenix", ("602", "480"), "850", 4),
    ("Tucson", ("520",), "857", 1.5), ("Albuquerque", ("505",), "871", 1.5), ("Dallas", ("214", "469"), "752", 4),
    ("Austin", ("512",), "787", 3), ("Miami", ("305", "786"), "331", 4), ("Orlando", ("407",), "328", 2),
    ("Tampa", ("813",), "336", 2), ("Atlanta", ("404", "678"), "303", 3), ("Charlotte", ("704",), "282", 2),
    ("Nashville", ("615",), "372", 2), ("Louisville", ("502",), "402", 1.5), ("Columbus", ("614",), "432", 2),
    ("Cleveland", ("216",), "441", 2), ("Detroit", ("313",), "482", 3), ("Pittsburgh", ("412",), "152", 2),
    ("Philadelphia", ("215", "267"), "191", 4), ("Baltimore", ("410", "443"), "212", 2),
    ("Newark", ("973",), "071", 2), ("New York", ("212", "718", "917"), "100", 5), ("Boston", ("617",), "021", 3),
    ("Providence", ("401",), "029", 1), ("Hartford", ("860",), "061", 1), ("Minneapolis", ("612",), "554", 2),
    ("St. Louis", ("314",), "631", 2), ("Kansas City", ("816",), "641", 2), ("Denver", ("303", "720"), "802", 3),
    ("Salt Lake City", ("801",), "841", 1.5), ("Las Vegas", ("702",), "891", 2), ("Seattle", ("206",), "981", 3),
    ("Portland", ("503", "971"), "972", 2), ("Sacramento", ("916",), "958", 2), ("Fresno", ("559",), "937", 1.5),
    ("San Diego", ("619", "858"), "921", 3),
)
_CITY = _Weighted([(c, c[3]) for c in CITIES])
_ALL_AREA_CODES = tuple(code for city in CITIES for code in city[1])


def fictional_phone(rng: random.Random, area_code: str | None = None) -> str:
    """'(312) 555-0142': valid for `phonenumbers`, reserved for fiction; already in the app's format."""
    return f"({area_code or _choice(rng, _ALL_AREA_CODES)}) 555-01{_below(rng, 100):02d}"


def _street_address(rng: random.Random, pools: NamePools) -> str:
    address = f"{_randint(rng, 1, 9899)} {_choice(rng, pools.streets())}"
    if rng.random() < 0.22:
        address += f" {_choice(rng, ('Apt.', 'Apt.', 'Unit', '#'))} {_randint(rng, 1, 40)}{_choice(rng, 'AB  ').strip()}"
    return address


_NOT_EMAIL_SAFE = re.compile(r"[^a-z0-9]+")


def _email(rng: random.Random, first: str, last: str, birth_year: int) -> str:
    given = _NOT_EMAIL_SAFE.sub("", fold(first)) or "alum"
    family = _NOT_EMAIL_SAFE.sub("", fold(last)) or "alum"
    style = _below(rng, 5)
    if style == 0:
        local = f"{given}.{family}"
    elif style == 1:
        local = f"{given}{family}{_randint(rng, 1, 99)}"
    elif style == 2:
        local = f"{given[0]}{family}"
    elif style == 3:
        local = f"{given}.{family}{birth_year}"
    else:
        local = f"{family}.{given}{_randint(rng, 1, 9)}"
    return f"{local}@{'example.com' if rng.random() < 0.7 else 'example.org'}"


# -- the steps --------------------------------------------------------------------------------

# Active alumni one caseworker follows: aftercare caseloads run from a few dozen to about a hundred.
CASELOAD = 100
# Caseworkers one coordinator looks after.
CASEWORKERS_PER_COORDINATOR = 12


class StaffStep:
    """The team: 6 to 12 staff members for a small program (one or two coordinators, the rest
    caseworkers), and for a large one enough caseworkers that each follows about CASELOAD active alumni."""

    name = "staff"
    per_alumnus = 0

    def run(self, context: Context, rng: random.Random) -> None:
        table = StaffMember.__table__
        taken = {n.casefold() for n in context.connection.execute(select(table.c.display_name)).scalars()}
        size = _randint(rng, 6, 12)
        coordinators = 1 if size < 9 else _randint(rng, 1, 2)
        caseworkers = math.ceil(context.alumni_wanted * dict(STATUS_SHARES)[AlumniStatus.ACTIVE] / CASELOAD)
        if caseworkers > size - coordinators:
            coordinators = math.ceil(caseworkers / CASEWORKERS_PER_COORDINATOR)
            size = caseworkers + coordinators
        joined = datetime.combine(context.today - timedelta(days=HISTORY_DAYS + 60), time(9), tzinfo=timezone.utc)
        rows = []
        while len(rows) < size:
            culture = SPANISH if rng.random() < 0.3 else AMERICAN
            gender = _choice(rng, ("female", "female", "male"))
            name = f"{_given_name(rng, context.pools, culture, gender)} {_surname(rng, context.pools, culture)}"
            if name.casefold() in taken:
                continue
            taken.add(name.casefold())
            role = StaffRole.COORDINATOR if len(rows) < coordinators else StaffRole.CASEWORKER
            rows.append({"display_name": name, "role": role, "active": True,
                         "created_at": joined + timedelta(days=_below(rng, 60), minutes=_below(rng, 480))})
        ids = context.connection.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        ).scalars().all()
        context.staff = [StaffFacts(staff_id, row["role"], row["display_name"]) for staff_id, row in zip(ids, rows)]


STATUS_SHARES = (
    (AlumniStatus.ACTIVE, 0.78), (AlumniStatus.INACTIVE, 0.10), (AlumniStatus.LOST_CONTACT, 0.08),
    (AlumniStatus.OPTED_OUT, 0.035), (AlumniStatus.DECEASED, 0.005),
)
# Archiving hides a record from the daily lists; it happens mostly to records that are closed.
ARCHIVE_SHARE = {
    AlumniStatus.ACTIVE: 0.003, AlumniStatus.INACTIVE: 0.12, AlumniStatus.LOST_CONTACT: 0.2,
    AlumniStatus.OPTED_OUT: 0.35, AlumniStatus.DECEASED: 0.7,
}
PROGRAM_SHARES = (
    (Program.RESIDENTIAL, 0.38), (Program.PHP, 0.14), (Program.IOP, 0.26), (Program.OUTPATIENT, 0.17),
    (Program.OTHER, 0.05),
)
# Planned length of stay in days, by program.
STAY_DAYS = {
    Program.RESIDENTIAL: (21, 90), Program.PHP: (10, 42), Program.IOP: (28, 90), Program.OUTPATIENT: (42, 180),
    Program.OTHER: (7, 120),
}
_DISCHARGE = _Weighted([
    (DischargeType.COMPLETED, 0.66), (DischargeType.TRANSFERRED, 0.09), (DischargeType.AGAINST_ADVICE, 0.15),
    (DischargeType.ADMINISTRATIVE, 0.05), (DischargeType.OTHER, 0.05),
])
_SUBSTANCE = _Weighted([
    ("Alcohol", 0.42), ("Opioids", 0.16), ("Fentanyl", 0.08), ("Heroin", 0.05), ("Cocaine", 0.08),
    ("Methamphetamine", 0.08), ("Stimulants", 0.03), ("Cannabis", 0.06), ("Benzodiazepines", 0.03),
    ("Kratom", 0.005), ("Prescription stimulants", 0.01),
])
_OPIOIDS = {"Opioids", "Fentanyl", "Heroin"}
_PATHWAY = _Weighted([
    (RecoveryPathway.TWELVE_STEP.value, 0.45), (RecoveryPathway.SMART.value, 0.15),
    (RecoveryPathway.FAITH_BASED.value, 0.12), (RecoveryPathway.MEDICATION_SUPPORTED.value, 0.18),
    (RecoveryPathway.OTHER.value, 0.10),
])
_GENDER = _Weighted([("female", 0.46), ("male", 0.51), ("nonbinary", 0.03)])
_PRONOUNS = {
    "female": _Weighted([("she/her", 0.96), ("she/they", 0.04)]),
    "male": _Weighted([("he/him", 0.97), ("he/they", 0.03)]),
    "nonbinary": _Weighted([("they/them", 0.8), ("she/they", 0.1), ("he/they", 0.1)]),
}
_CONTACT_METHOD = _Weighted([
    (ContactMethod.PHONE, 0.4), (ContactMethod.TEXT, 0.33), (ContactMethod.EMAIL, 0.1),
    (ContactMethod.VIDEO, 0.06), (ContactMethod.IN_PERSON, 0.05), (None, 0.06),
])
_CONTACT_TIMES = _Weighted([
    ("Weekday mornings", 0.15), ("Weekday evenings", 0.2), ("After 5 pm", 0.15), ("Weekends", 0.08),
    ("Lunch break (12–1)", 0.07), ("Any time", 0.1), ("Not before 10 am", 0.05), ("Tuesdays and Thursdays", 0.03),
    (None, 0.17),
])
NOTES = (
    "Prefers text messages after work.",
    "Attends the Tuesday alumni group.",
    "Interested in volunteering at alumni events.",
    "Likes a reminder the day before appointments.",
    "Works night shifts; call after 2 pm.",
    "Moved recently; confirm the address at the next call.",
    "Has a dog that needs care; in-person meetings are hard on weekdays.",
    "Started a new job this month.",
    "Enjoys the Saturday recovery walk.",
    "Rides the bus; prefers video calls in winter.",
    "Family is supportive; sister is the first call.",
    "Going back to school in the fall.",
    "Would like to hear about peer mentor training.",
    "Sober-living house until the end of the year.",
    "Asked that voicemails not mention the program.",
    "Hard of hearing; text first, then call.",
)


@dataclass(frozen=True, slots=True)
class PlannedAlumnus:
    """What is decided for an alumnus before the chunks are made (see `Population`)."""

    client_id: str
    status: AlumniStatus
    program: Program
    discharge: date


@dataclass(frozen=True)
class Population:
    """The decisions about all alumni at once: statuses and programs in exact shares, discharge dates
    in order, client ids rising, each caseworker's share of the caseload. Drawn before the chunks
    (cheaply: a few numbers per alumnus), so that a chunk of alumni can be made on its own."""

    alumni: tuple[PlannedAlumnus, ...]
    caseworker_loads: tuple[float, ...]  # in the order of Context.caseworkers

    @classmethod
    def draw(cls, rng: random.Random, n: int, today: date, caseworkers: int) -> Population:
        statuses = quota(rng, n, STATUS_SHARES)
        programs = quota(rng, n, PROGRAM_SHARES)
        # More recent discharges are more common (a growing program); linear density towards today.
        span = HISTORY_DAYS - NEWEST_DISCHARGE_DAYS_AGO
        days_ago = sorted((NEWEST_DISCHARGE_DAYS_AGO + int(span * (1 - rng.random() ** 0.5)) for _ in range(n)),
                          reverse=True)
        loads = tuple(rng.uniform(0.6, 1.4) for _ in range(caseworkers))
        client_number = _randint(rng, 1000, 4999)
        alumni = []
        for status, program, ago in zip(statuses, programs, days_ago):
            # Gaps of 1–9 keep client numbers rising and below 1,000,000 even for 100,000 alumni.
            client_number += _randint(rng, 1, 9)
            alumni.append(PlannedAlumnus(f"AC-{client_number:06d}", status, program, today - timedelta(days=ago)))
        return cls(tuple(alumni), loads)


class AlumniStep:
    """The alumni themselves, in the order they were discharged (ids ascend with discharge date)."""

    name = "alumni"
    per_alumnus = 1

    def run(self, context: Context, rng: random.Random) -> None:
        caseworker_of = _Weighted(list(zip(context.caseworkers, context.caseworker_loads)))
        coordinators = context.coordinators
        table = Alumnus.__table__
        rows = []
        for planned in context.planned:
            row, fact = self._alumnus(context, rng, planned.client_id, planned.status, planned.program,
                                      planned.discharge, caseworker_of, coordinators)
            rows.append(row)
            context.alumni.append(fact)
        _insert_chunks(context.connection, table, rows)
        context.progress.advance(len(rows))
        # The table was empty, so every row is ours. Ids are read back by client ID in one query: an
        # ordered RETURNING executemany goes row by row on SQLite, several times slower.
        ids = {client_id: alumnus_id for client_id, alumnus_id in
               context.connection.execute(select(table.c.client_id, table.c.id))}
        for fact in context.alumni:
            fact.id = ids[fact.client_id]

    def _alumnus(
        self, context: Context, rng: random.Random, client_id: str, status: AlumniStatus, program: Program,
        discharge: date, caseworker_of: _Weighted, coordinators: list[StaffFacts],
    ) -> tuple[dict[str, Any], AlumnusFacts]:
        pools = context.pools
        today = context.today
        culture: Culture = _CULTURE.pick(rng)
        gender = _GENDER.pick(rng)
        first = _given_name(rng, pools, culture, gender)
        last = _surname(rng, pools, culture)
        languages = list(_LANGUAGES[culture.locale].pick(rng))

        preferred = None
        if rng.random() < 0.12:
            if first in _NICKNAMES:
                preferred = _choice(rng, _NICKNAMES[first])
            elif culture.locale in ("vi_VN", "en_IN") or gender == "nonbinary":
                preferred = pools.names(AMERICAN).given(rng, gender)
        pronouns = _PRONOUNS[gender].pick(rng) if gender == "nonbinary" or rng.random() < 0.75 else None

        # Dates: discharge is given; the stay, then the age at admission, are drawn backwards from it.
        low, high = STAY_DAYS[program]
        stay = _randint(rng, low, high)
        discharge_type: DischargeType = _DISCHARGE.pick(rng)
        if discharge_type is DischargeType.AGAINST_ADVICE:
            stay = max(2, int(stay * rng.uniform(0.15, 0.8)))
        admission = discharge - timedelta(days=stay)
        years_since = (today - admission).days / 365.25
        age_at_admission = rng.triangular(18.05, min(70.0, 75.9 - years_since), 31)
        birth = admission - timedelta(days=int(age_at_admission * 365.25))
        roll = rng.random()
        if roll < 0.72:
            sobriety = admission - timedelta(days=_randint(rng, 0, 14))
        elif roll < 0.9 and (today - discharge).days > 30:
            # A return to use after discharge, and a new start since.
            sobriety = discharge + timedelta(days=_randint(rng, 14, (today - discharge).days - 1))
        else:
            sobriety = None

        email = _email(rng, first, last, birth.year) if rng.random() < 0.72 else None
        city, area_codes, zip_prefix, _ = _CITY.pick(rng)
        area_code = _choice(rng, area_codes)
        mobile = fictional_phone(rng, area_code) if rng.random() < 0.93 else None
        home = fictional_phone(rng, area_code) if rng.random() < 0.2 else None
        has_address = rng.random() < 0.86
        method = _CONTACT_METHOD.pick(rng)
        if (method is ContactMethod.EMAIL and not email) or (method is ContactMethod.TEXT and not mobile):
            method = ContactMethod.PHONE if (mobile or home) else None

        substances = [_SUBSTANCE.pick(rng)]
        for chance in (0.4, 0.15):
            if rng.random() < chance:
                extra = _SUBSTANCE.pick(rng)
                if extra not in substances:
                    substances.append(extra)
        if _OPIOIDS & set(substances) and rng.random() < 0.45:
            pathways = [RecoveryPathway.MEDICATION_SUPPORTED.value]
        else:
            pathways = [_PATHWAY.pick(rng)]
        if rng.random() < 0.25:
            extra = _PATHWAY.pick(rng)
            if extra not in pathways:
                pathways.append(extra)
        pathways.sort(key=_PATHWAY_ORDER.index)  # the order the app itself stores

        caseworker: StaffFacts | None = caseworker_of.pick(rng) if rng.random() < 0.97 else None
        coordinator = _choice(rng, coordinators)
        creator = caseworker if caseworker and rng.random() < 0.8 else coordinator
        ceiling = context.ceiling
        created_day = min(discharge + timedelta(days=_choice(rng, (0, 0, 0, 0, 1, 2, 3))),
                          today - timedelta(days=NEWEST_DISCHARGE_DAYS_AGO))
        created_at = _office_hours(rng, created_day)

        changed_at = changed_by = None
        reconnected = status is AlumniStatus.ACTIVE and rng.random() < 0.04
        if status is not AlumniStatus.ACTIVE or reconnected:
            changed_at = _between(rng, created_at, ceiling)
            changed_by = (caseworker or coordinator).id
        archived_at = None
        if rng.random() < ARCHIVE_SHARE[status]:
            archived_at = _between(rng, changed_at or created_at, ceiling)
        updated_at = max(t for t in (created_at, changed_at, archived_at) if t is not None)
        updated_by = creator.id if updated_at == created_at else (caseworker or coordinator).id

        notes = _choice(rng, NOTES) if rng.random() < 0.3 else None
        if languages == ["Spanish"] and rng.random() < 0.2:
            notes = "Asked for letters and materials in Spanish."
        elif preferred and rng.random() < 0.2:
            notes = "Please use the preferred name, also on the phone."
        wants_mentor = rng.random() < (0.45 if (today - discharge).days < 365 else 0.15)
        long_sober = sobriety is not None and (today - sobriety).days > 730
        consents = rng.random() < (0.9 if wants_mentor else 0.35 if long_sober else 0.1)

        row: dict[str, Any] = {
            "client_id": client_id,
            "first_name": first,
            "last_name": last,
            "preferred_name": preferred,
            "pronouns": pronouns,
            "date_of_birth": birth,
            "phone_mobile": mobile,
            "phone_home": home,
            "email": email,
            "address": _street_address(rng, pools) if has_address else None,
            "city": city if has_address or rng.random() < 0.5 else None,
            "postal_code": f"{zip_prefix}{_below(rng, 100):02d}" if has_address else None,
            "preferred_contact_method": method,
            "preferred_contact_times": _CONTACT_TIMES.pick(rng),
            "languages": languages,
            "program": program,
            "admission_date": admission,
            "discharge_date": discharge,
            "discharge_type": discharge_type,
            "substances": substances,
            "recovery_pathways": pathways,
            "sobriety_start_date": sobriety,
            "caseworker_id": caseworker.id if caseworker else None,
            "status": status,
            "opted_in_on": created_day,
            "opted_out_on": changed_at.date() if status is AlumniStatus.OPTED_OUT and changed_at else None,
            "wants_mentor": wants_mentor,
            "consents_to_mentor_program": consents,
            "notes": notes,
            "archived_at": archived_at,
            "created_at": created_at,
            "created_by_id": creator.id,
            "updated_at": updated_at,
            "updated_by_id": updated_by,
            "row_version": 1,
        }
        # The very function the app uses on save, so search and sorting treat demo rows like real ones.
        refresh_search_keys(_RowAttributes(row))
        fact = AlumnusFacts(
            id=0, client_id=client_id, culture=culture, last_name=last, area_code=area_code, status=status,
            created_at=created_at, created_by_id=creator.id, caseworker_id=row["caseworker_id"], status_changed_at=changed_at,
            status_changed_by_id=changed_by, reconnected=reconnected,
            twelve_step=RecoveryPathway.TWELVE_STEP.value in pathways,
            discharge=discharge, sobriety=sobriety, substances=tuple(substances), pathways=tuple(pathways),
            languages=tuple(languages), city=row["city"], preferred_method=method, archived=archived_at is not None,
        )
        return row, fact


class _RowAttributes:
    """Attribute access onto an insert row, so `refresh_search_keys` can fill it as it fills an Alumnus."""

    __slots__ = ("_row",)

    def __init__(self, row: dict[str, Any]):
        object.__setattr__(self, "_row", row)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._row[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self._row[name] = value


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment after `start` and before `end`, in office hours when there is a whole day between."""
    days = (end.date() - start.date()).days
    if days >= 2:
        day = start.date() + timedelta(days=_randint(rng, 1, days - 1))
        return _office_hours(rng, day)
    room = int((end - start).total_seconds())
    return start + timedelta(seconds=_randint(rng, 1, room - 1)) if room > 1 else start


def _office_hours(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(8), tzinfo=timezone.utc) + timedelta(seconds=_below(rng, 10 * 3600))


_CONTACT_COUNT = _Weighted([(0, 0.12), (1, 0.23), (2, 0.3), (3, 0.22), (4, 0.13)])
_RELATION = _Weighted([
    (Relationship.FAMILY, 0.38), (Relationship.FRIEND, 0.25), (Relationship.SPONSOR, 0.15),
    (Relationship.THERAPIST, 0.14), (Relationship.OTHER, 0.08),
])
# Who is usually called first when cravings hit; the order is then shuffled a little per person.
_CALL_PRIORITY = {
    Relationship.SPONSOR: 0.0, Relationship.FRIEND: 1.0, Relationship.FAMILY: 1.3, Relationship.THERAPIST: 2.0,
    Relationship.OTHER: 2.5,
}
_AVAILABILITY = _Weighted([
    ("Any time", 0.2), ("Evenings", 0.2), ("Weekdays 9–5", 0.15), ("Weekends", 0.1), ("After 6 pm", 0.1),
    ("Mornings before work", 0.05), ("Office hours; leave a message", 0.05), (None, 0.15),
])
_CREDENTIALS = (", LCSW", ", LPC", ", LMFT", ", PhD", ", LCADC", "")


class SupportContactsStep:
    """0 to 4 people each alumnus would call, in call order."""

    name = "support_contacts"
    per_alumnus = 1

    def run(self, context: Context, rng: random.Random) -> None:
        table = SupportContact.__table__
        pools = context.pools
        total = 0
        for start in range(0, len(context.alumni), CHUNK_SIZE):
            chunk = context.alumni[start:start + CHUNK_SIZE]
            rows = []
            for alumnus in chunk:
                count = _CONTACT_COUNT.pick(rng)
                relations = [_RELATION.pick(rng) for _ in range(count)]
                if alumnus.twelve_step and count and Relationship.SPONSOR not in relations and rng.random() < 0.6:
                    relations[0] = Relationship.SPONSOR
                relations.sort(key=lambda r: _CALL_PRIORITY[r] + rng.random() * 1.5)
                for order, relation in enumerate(relations):
                    rows.append({
                        "alumnus_id": alumnus.id,
                        "name": self._name(rng, pools, alumnus, relation),
                        "relation": relation,
                        "phone": self._phone(rng, alumnus) if rng.random() < 0.92 else None,
                        "availability": _AVAILABILITY.pick(rng),
                        "call_order": order,
                    })
            _insert_chunks(context.connection, table, rows)
            total += len(rows)
            context.progress.advance(len(chunk))
        context.counts["support_contacts"] = total

    @staticmethod
    def _phone(rng: random.Random, alumnus: AlumnusFacts) -> str:
        # Most of a person's network lives nearby.
        return fictional_phone(rng, alumnus.area_code if rng.random() < 0.65 else None)

    @staticmethod
    def _name(rng: random.Random, pools: NamePools, alumnus: AlumnusFacts, relation: Relationship) -> str:
        gender = _choice(rng, ("female", "male"))
        if relation is Relationship.FAMILY:
            culture = alumnus.culture
            last = alumnus.last_name if rng.random() < 0.6 else _surname(rng, pools, culture)
        else:
            culture = alumnus.culture if rng.random() < 0.6 else AMERICAN
            last = _surname(rng, pools, culture)
        name = f"{_given_name(rng, pools, culture, gender)} {last}"
        if relation is Relationship.THERAPIST:
            name += _choice(rng, _CREDENTIALS)
        return name[:120]


_REASONS = {
    AlumniStatus.INACTIVE: ("No contact for 90 days", "Asked for a pause in check-ins", "Moved out of the area",
                            "Doing well; wants less contact for now"),
    AlumniStatus.LOST_CONTACT: ("Phone disconnected; letters returned", "No answer after repeated attempts",
                                "Number no longer in service", None),
    AlumniStatus.OPTED_OUT: ("Asked to stop aftercare contact", "Chose to leave the aftercare program",
                             "Prefers to continue with own therapist only"),
    AlumniStatus.DECEASED: ("Reported by family", "Reported by a support contact"),
    AlumniStatus.ACTIVE: ("Back in touch after an alumni event", "Called the team to reconnect",
                          "Reconnected through a support contact"),
}


class StatusHistoryStep:
    """'Record created', then the change that led to the current status, if any."""

    name = "status_history"
    per_alumnus = 1

    def run(self, context: Context, rng: random.Random) -> None:
        table = AlumniStatusChange.__table__
        total = 0
        for start in range(0, len(context.alumni), CHUNK_SIZE):
            chunk = context.alumni[start:start + CHUNK_SIZE]
            rows = []
            for alumnus in chunk:
                rows.append(self._row(alumnus, None, AlumniStatus.ACTIVE, alumnus.created_at, alumnus.created_by_id,
                                      "Record created"))
                if alumnus.status_changed_at is None:
                    continue
                if alumnus.reconnected:
                    away = _choice(rng, (AlumniStatus.LOST_CONTACT, AlumniStatus.INACTIVE))
                    away_at = _between(rng, alumnus.created_at, alumnus.status_changed_at - timedelta(seconds=1))
                    rows.append(self._row(alumnus, AlumniStatus.ACTIVE, away, away_at, alumnus.status_changed_by_id,
                                          _choice(rng, _REASONS[away])))
                    old = away
                else:
                    old = AlumniStatus.ACTIVE
                rows.append(self._row(alumnus, old, alumnus.status, alumnus.status_changed_at,
                                      alumnus.status_changed_by_id, _choice(rng, _REASONS[alumnus.status])))
            _insert_chunks(context.connection, table, rows)
            total += len(rows)
            context.progress.advance(len(chunk))
        context.counts["status_changes"] = total

    @staticmethod
    def _row(alumnus: AlumnusFacts, old: AlumniStatus | None, new: AlumniStatus, at: datetime,
             by: int | None, reason: str | None) -> dict[str, Any]:
        return {"alumnus_id": alumnus.id, "old_status": old, "new_status": new, "changed_at": at,
                "changed_by_id": by, "reason": reason}


# -- the caseworker's day: courses, plans, check-ins, meetings, recurrences, assessments --------------
#
# Every alumnus who is followed gets a *course*: how their recovery is going, as the team would see
# it over the last months. The later steps read it, so that plans, check-ins, meeting attendance,
# assessments and returns to use tell one story per person:
#
# - steady: reached on schedule, mood 3–5, low cravings, meetings kept, a warning sign now and then;
# - improving: harder at first, better lately (mood up, cravings down, more meetings);
# - wobbling: steady, but one thing has been off for two or three weeks (mood, cravings, one warning
#   sign again and again, meetings, a missed call or two, or a lower BARC-10);
# - sliding: for the last weeks mood falls below their own usual, cravings rise, warning signs come
#   up more often, meetings are missed, and some stop answering the phone;
# - recovering: a return to use in the last months (the date already moved by the alumni step: its
#   sobriety date after discharge), slid into before and followed by closer contact.
# Alumni whose status changed in the last year (lost contact, inactive, opted out) have a course
# that ends then; earlier ones have no contact history here (unless a number of check-ins per
# alumnus is asked for, see `generate`).


class CourseKind(StrEnum):
    STEADY = "steady"
    IMPROVING = "improving"
    WOBBLING = "wobbling"
    SLIDING = "sliding"
    RECOVERING = "recovering"
    ENDED = "ended"


# Shares among the active alumni who are not recovering from a recent return to use.
COURSE_SHARES = (
    (CourseKind.STEADY, 0.62), (CourseKind.IMPROVING, 0.12), (CourseKind.WOBBLING, 0.18),
    (CourseKind.SLIDING, 0.08),
)
# What is off for a wobbling alumnus.
WOBBLES = ("mood", "cravings", "signs", "meetings", "quiet", "assessment")
# A return to use this recent makes a recovering course (its weeks before and after are in view).
RECOVERING_DAYS = 75
# Alumni discharged longer ago than this got their first plan in this app within this time.
PLANS_KEPT_DAYS = 400
# Non-active alumni whose status changed longer ago than this have no contact history here (unless
# a number of check-ins per alumnus is asked for).
ENDED_WITHIN_DAYS = 365

# Scheduled contacts by default, per cadence in days (retries after an unanswered attempt come on
# top): about six reached check-ins at least, which a mood baseline needs (the last three against
# three or more before them), a few months of trend, and few enough that 100,000 alumni stay
# reasonably quick to make. A course that ended keeps its last few.
DEFAULT_CONTACTS = {7: 8, 14: 7, 30: 6}
ENDED_CONTACTS = 4
NO_PLAN_CADENCE = 14  # the team's default cadence without a plan
MAX_CHECKINS_PER_ALUMNUS = 1_000
# Meeting attendance is recorded for the last four weeks (older sign-in sheets are not typed in).
ATTENDANCE_DAYS = 28
# Assessments from this far back: enough for the engine's "latest and previous" and a short trend.
BARC_HISTORY_DAYS = 300
AWARE_HISTORY_DAYS = 180
# The newest contact day: the day before yesterday (no timestamp reaches the ceiling, see Context).
LAST_CONTACT_DAYS_AGO = 2


@dataclass(slots=True)
class Recurrence:
    on: date
    kind: RecurrenceKind
    substance: str
    old_date: date | None
    new_date: date
    check_in_key: tuple[int, datetime] | None = None  # (alumnus id, occurred_at) of the check-in it was told in
    recorded_at: datetime | None = None
    recorded_by_id: int | None = None


@dataclass(slots=True)
class Course:
    kind: CourseKind
    wobble: str | None
    mood: float  # their usual mood (1–5)
    craving: float  # their usual craving (0–10)
    reach: float  # chance that a contact attempt reaches them while things go well
    attend: float  # chance that they go to a planned meeting while things go well
    first: date  # contact starts (discharge, or back in touch)
    end: date  # the last day of contact so far
    onset: date | None = None  # when things started to go off (wobbling, sliding, before a return to use)
    quiet_from: date | None = None  # from this day no attempt is answered
    recurrences: list[Recurrence] = field(default_factory=list)
    ended_status: AlumniStatus | None = None
    tracks_attendance: bool = False
    aware: bool = False  # the team also gives the AWARE questionnaire

    @property
    def recent_recurrence(self) -> Recurrence | None:
        return self.recurrences[-1] if self.kind is CourseKind.RECOVERING else None

    def level(self, day: date) -> float:
        """How far things have gone off on `day`: 0 (as usual) … 1 (the worst of this course)."""
        kind = self.kind
        if kind is CourseKind.STEADY or kind is CourseKind.ENDED or kind is CourseKind.WOBBLING:
            return 0.0  # a wobble moves one thing only; the steps look at `wobble` for it
        if kind is CourseKind.IMPROVING:
            # A hard time until `onset`, better and better since.
            if day <= self.onset:
                return 0.6
            return 0.6 * max(0.0, 1 - (day - self.onset).days / max((self.end - self.onset).days, 1))
        onset = self.onset
        if kind is CourseKind.RECOVERING:
            event = self.recurrences[-1].on
            if day <= event:
                if day < onset:
                    return 0.0
                return (day - onset).days / max((event - onset).days, 1)
            # Closer contact after the return to use: things settle over about six weeks.
            return max(0.35, 1 - (day - event).days / 42)
        if onset is None or day < onset:
            return 0.0
        return min(1.0, 0.35 + 0.65 * (day - onset).days / max((self.end - onset).days, 1))


@dataclass(slots=True)
class PlanVersion:
    start: date
    cadence: CheckinCadence
    days: int


@dataclass(slots=True)
class PlanSketch:
    """An alumnus's plan versions as the later steps need them (the rows are written by PlansStep)."""

    versions: list[PlanVersion]
    meetings: list[tuple[MeetingKind, tuple[int, ...]]]  # kind and weekdays of the active version
    signs: tuple[str, ...]  # the alumnus's own warning signs, in their words
    medication: bool

    def cadence_on(self, day: date) -> int:
        days = self.versions[0].days
        for version in self.versions:
            if version.start > day:
                break
            days = version.days
        return days


def _desk_hours(rng: random.Random, day: date) -> datetime:
    """A moment in office hours at a desk in the United States: 13:00–23:00 UTC, the same local date
    from New York to Los Angeles (and in UTC), and before the end of the UTC day."""
    return _opening(day) + timedelta(seconds=_below(rng, 10 * 3600))


@lru_cache(maxsize=8192)
def _opening(day: date) -> datetime:
    return datetime.combine(day, time(13), tzinfo=timezone.utc)


def _covering_staff(rng: random.Random, context: Context, alumnus: AlumnusFacts) -> int:
    """Who makes a contact: the caseworker mostly, a colleague covering now and then (the check-in
    step has this inline)."""
    if alumnus.caseworker_id is not None and rng.random() < 0.88:
        return alumnus.caseworker_id
    return _choice(rng, context.staff).id


class CoursesStep:
    """How each followed alumnus is doing (no rows: the steps after it read the courses)."""

    name = "courses"
    per_alumnus = 0

    def run(self, context: Context, rng: random.Random) -> None:
        today = context.today
        end = today - timedelta(days=LAST_CONTACT_DAYS_AGO)
        courses: list[Course | None] = [None] * len(context.alumni)
        all_recurrences: list[list[Recurrence]] = []
        # Asked for a number of check-ins per alumnus (a benchmark): older contact histories count too.
        every_history = context.checkins_per_alumnus is not None
        followed: list[int] = []
        for index, alumnus in enumerate(context.alumni):
            recurrences = self._recurrences(rng, alumnus)
            all_recurrences.append(recurrences)
            discharge = alumnus.discharge
            if alumnus.status is AlumniStatus.ACTIVE:
                first = alumnus.status_changed_at.date() if alumnus.reconnected else discharge
                course = self._course(rng, CourseKind.STEADY, first, end)
                if (recurrences and (today - recurrences[-1].on).days <= RECOVERING_DAYS
                        and not alumnus.archived and recurrences[-1].on > first):
                    course.kind = CourseKind.RECOVERING
                    course.onset = recurrences[-1].on - timedelta(days=_randint(rng, 18, 40))
                elif not alumnus.archived:
                    followed.append(index)
            elif alumnus.status_changed_at is not None and (
                    (today - alumnus.status_changed_at.date()).days <= ENDED_WITHIN_DAYS or every_history):
                stop = alumnus.status_changed_at.date() - timedelta(days=_randint(rng, 1, 10))
                course = self._course(rng, CourseKind.ENDED, discharge, min(stop, end))
                course.ended_status = alumnus.status
                if alumnus.status is AlumniStatus.LOST_CONTACT:
                    course.quiet_from = course.end - timedelta(days=_randint(rng, 20, 45))
                if course.end <= course.first:
                    course = None
            else:
                course = None
            if course is not None:
                course.recurrences = recurrences
            courses[index] = course
        # The kinds in exact shares, so that even a demo of 100 alumni shows each of them.
        for index, kind in zip(followed, quota(rng, len(followed), COURSE_SHARES)):
            self._shape(rng, courses[index], kind)
        context.courses = courses
        context.recurrences = all_recurrences

    @staticmethod
    def _course(rng: random.Random, kind: CourseKind, first: date, end: date) -> Course:
        return Course(
            kind=kind, wobble=None, mood=rng.uniform(3.4, 4.6), craving=rng.uniform(0.3, 2.6),
            reach=rng.uniform(0.84, 0.97), attend=rng.uniform(0.88, 0.99), first=first, end=end,
            tracks_attendance=rng.random() < 0.6, aware=rng.random() < 0.2,
        )

    @staticmethod
    def _shape(rng: random.Random, course: Course, kind: CourseKind) -> None:
        course.kind = kind
        end = course.end
        if kind is CourseKind.IMPROVING:
            course.mood = min(course.mood + 0.2, 4.7)
            course.onset = end - timedelta(days=_randint(rng, 50, 150))
        elif kind is CourseKind.WOBBLING:
            course.wobble = _choice(rng, WOBBLES)
            course.onset = end - timedelta(days=_randint(rng, 14, 24))
            if course.wobble == "quiet":
                # The last call or two went unanswered, and the next one is not due yet or just due.
                course.quiet_from = end - timedelta(days=_randint(rng, 2, 6))
        elif kind is CourseKind.SLIDING:
            course.onset = end - timedelta(days=_randint(rng, 24, 60))
            if rng.random() < 0.5:
                # They stopped answering: the calls of the last two or three weeks went unanswered,
                # after a few weeks in which things visibly went downhill.
                course.quiet_from = end - timedelta(days=_randint(rng, 9, 20))
                course.onset = course.quiet_from - timedelta(days=_randint(rng, 21, 45))
        course.onset = max(course.onset, course.first) if course.onset else None

    @staticmethod
    def _recurrences(rng: random.Random, alumnus: AlumnusFacts) -> list[Recurrence]:
        """The returns to use behind a sobriety date after discharge (the alumni step set that date)."""
        start, discharge = alumnus.sobriety, alumnus.discharge
        if start is None or discharge is None or start <= discharge:
            return []
        substance = alumnus.substances[0] if alumnus.substances and rng.random() < 0.85 else _SUBSTANCE.pick(rng)
        # Before the return to use, their date was the one from treatment.
        original = discharge - timedelta(days=_randint(rng, 20, 90))
        events = []
        room = (start - discharge).days
        if room > 60 and rng.random() < 0.2:
            # An earlier lapse between discharge and the last return to use.
            on = discharge + timedelta(days=_randint(rng, 14, room - 40))
            events.append(Recurrence(on, RecurrenceKind.LAPSE, substance, original, on + timedelta(days=1)))
            original = on + timedelta(days=1)
        kind = RecurrenceKind.LAPSE if rng.random() < 0.45 else RecurrenceKind.RELAPSE
        events.append(Recurrence(start - timedelta(days=1), kind, substance, original, start))
        return events


# -- plans -------------------------------------------------------------------------------------------

# The alumnus's own warning signs: short, first person, in their words.
PERSONAL_SIGNS = (
    "I stop picking up the phone", "I say I'm fine when I'm not", "I skip breakfast and live on coffee",
    "I stay up past 2 am", "I get snappy with my kids", "I stop going to the gym", "I drive past my old spot",
    "I count the cash in my wallet", "I cancel plans at the last minute", "I stop texting my sponsor back",
    "I lie about little things", "I show up late to work", "I stay in bed all weekend",
    "I think I was never that bad", "I miss the old days", "I get angry over small things",
    "I stop cooking and eat junk", "I keep my phone on silent", "I go to the bar \"just for the food\"",
    "I skip my clinic visit", "I scroll old photos from back then", "I hide in my room",
    "I feel sorry for myself", "I let the dishes pile up", "I get secretive about money",
    "I make excuses to skip group", "I answer texts from people I used with", "I tell myself one won't hurt",
    "I can't sit still", "I stop journaling", "I blow off my therapist", "I pick fights with my partner",
    "I don't want to see anyone", "I feel numb", "I work all the time", "I stop praying",
    "I stop meditating", "I spend money I don't have", "I stop going to church", "I skip my walks",
)
# … and in Spanish, for alumni who speak only Spanish.
PERSONAL_SIGNS_ES = (
    "Dejo de contestar el teléfono", "Digo que estoy bien cuando no lo estoy", "No duermo bien",
    "Me encierro en mi cuarto", "Me enojo por cualquier cosa", "Pienso que una vez no hace daño",
    "Dejo de ir a las juntas", "Ando con dinero de más", "Extraño los viejos tiempos",
    "Dejo de hablar con mi padrino", "Vuelvo a ver a mis amigos de antes", "No como bien",
)
# Standard signs that come with a course going off (beside their own), and now and then when well.
_SLIDE_SIGNS = _Weighted([
    ("Isolation or withdrawal", 0.24), ("Irritability", 0.2), ("Sleep problems", 0.2),
    ("Romanticising use", 0.14), ("Contact with using peers", 0.12), ("Missed meetings", 0.1),
])
_STEADY_SIGNS = ("Sleep problems", "Irritability", "Missed meetings", "Isolation or withdrawal")

# Template files by the substance they are written for (resources/plan_templates).
_TEMPLATE_FOR = {
    "Alcohol": "02-alcohol.json", "Opioids": "03-opioids-medication-supported.json",
    "Fentanyl": "03-opioids-medication-supported.json", "Heroin": "03-opioids-medication-supported.json",
    "Cocaine": "04-stimulants.json", "Methamphetamine": "04-stimulants.json", "Stimulants": "04-stimulants.json",
    "Prescription stimulants": "04-stimulants.json",
}
_GENERAL_TEMPLATE = "01-general-early-recovery.json"


@lru_cache(maxsize=1)
def _templates() -> dict[str, dict]:
    """The shipped plan templates, as plain JSON (a demo plan is made from one, as the team would)."""
    folder = resource("plan_templates")
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))}


MEETING_NAMES = {
    MeetingKind.AA: ("Big Book Study", "Early Risers", "Lunch Bunch", "Keep It Simple", "Tuesday Night Speakers",
                     "Came to Believe", "Sunday Serenity", "Primary Purpose"),
    MeetingKind.NA: ("Just for Today", "Clean and Serene", "Miracles Happen", "New Beginnings", "Freedom Group",
                     "Never Alone"),
    MeetingKind.SMART: ("SMART Recovery", "SMART Recovery online", "SMART Recovery at the library"),
    MeetingKind.REFUGE: ("Refuge Recovery meditation", "Recovery Dharma sitting group"),
    MeetingKind.CELEBRATE: ("Celebrate Recovery", "Celebrate Recovery (Friday)"),
    MeetingKind.ALUMNI_GROUP: ("Alumni group", "Alumni women's group", "Alumni men's group",
                               "Young people's alumni group"),
    MeetingKind.OTHER: ("Recovery yoga", "Women for Sobriety", "Men's peer support group", "Family recovery circle"),
}
_VENUES = ("St. Mark's Church hall", "Community center, room 2", "Grace Lutheran basement", "YMCA, upstairs",
           "Public library, meeting room", "Recovery club", "Unity Hall", "First Baptist, fellowship hall")
_STARTS = (time(7), time(12), time(12, 15), time(18), time(18, 30), time(19), time(19), time(19, 30), time(20))
_ALUMNI_PLACES = ("The center, group room 1", "The center, group room 2", "https://meet.example.org/alumni-group")
_MEDICATION_NOTES = (
    "Buprenorphine daily; clinic visit every two weeks.",
    "Methadone at the clinic every morning; take-home doses on Sundays.",
    "Monthly naltrexone injection; next dose mid-month.",
    "Buprenorphine film daily; prescriber at the community health center.",
    "Buprenorphine; pharmacy pick-up on Fridays. Carries naloxone.",
)
_HOUSING_NOTES = (
    "Sober-living house; house meeting on Sundays.", "Lives with parents for now; looking for an apartment.",
    "Own apartment; lease runs to next summer.", "Staying with a friend; on the waiting list for housing.",
    "Recovery residence until the end of the year.", "Shares a flat with a roommate who is also in recovery.",
)


def _cadence_for(rng: random.Random, days_since_discharge: int) -> CheckinCadence:
    roll = rng.random()
    if days_since_discharge < 90:
        return CheckinCadence.WEEKLY if roll < 0.8 else CheckinCadence.BIWEEKLY
    if days_since_discharge < 365:
        return (CheckinCadence.WEEKLY if roll < 0.35 else CheckinCadence.BIWEEKLY if roll < 0.85
                else CheckinCadence.MONTHLY)
    return CheckinCadence.WEEKLY if roll < 0.1 else CheckinCadence.BIWEEKLY if roll < 0.5 else CheckinCadence.MONTHLY


class PlansStep:
    """An aftercare plan for most followed alumni: made from the template for their substance, with
    their own warning signs, meetings that fit their pathway, and a call list from their contacts."""

    name = "plans"
    per_alumnus = 1

    def run(self, context: Context, rng: random.Random) -> None:
        connection = context.connection
        today = context.today
        plans: list[PlanSketch | None] = [None] * len(context.alumni)
        plan_rows: list[tuple] = []
        # Per plan version, in the order of plan_rows: goals, triggers, warning signs, meetings.
        contents: list[tuple[list, list, list, list]] = []
        for start in range(0, len(context.alumni), CHUNK_SIZE):
            chunk = context.alumni[start:start + CHUNK_SIZE]
            for index, alumnus in enumerate(chunk, start=start):
                course = context.courses[index]
                if course is None:
                    continue
                # Someone discharged this week may not have a plan yet; a few never agreed to one.
                recent = (today - alumnus.discharge).days < 10
                chance = 0.55 if recent else 0.93 if course.kind is not CourseKind.ENDED else 0.8
                if rng.random() >= chance:
                    continue
                plans[index] = self._plan(rng, context, alumnus, course, plan_rows, contents)
            context.progress.advance(len(chunk))
        table = AftercarePlan.__table__
        _write(connection, table, _PLAN_COLUMNS, plan_rows)
        ids = {(alumnus_id, version): plan_id for plan_id, alumnus_id, version in connection.execute(
            select(table.c.id, table.c.alumnus_id, table.c.version))}
        goals = _Writer(connection, PlanGoal.__table__, _GOAL_COLUMNS)
        triggers = _Writer(connection, PlanTrigger.__table__, _TRIGGER_COLUMNS)
        signs = _Writer(connection, PlanWarningSign.__table__, _SIGN_COLUMNS)
        meetings = _Writer(connection, PlanMeeting.__table__, _MEETING_COLUMNS)
        for row, (goal_rows, trigger_rows, sign_texts, meeting_rows) in zip(plan_rows, contents):
            plan_id = ids[row[0], row[1]]
            for position, (text, area, target, status) in enumerate(goal_rows):
                goals.add((plan_id, position, text, area, target, status))
            for position, (trigger, strategies) in enumerate(trigger_rows):
                triggers.add((plan_id, position, trigger, strategies))
            for position, text in enumerate(sign_texts):
                signs.add((plan_id, position, text))
            for position, (kind, name, weekday, starts_at, place, per_week) in enumerate(meeting_rows):
                meetings.add((plan_id, position, kind, name, weekday, starts_at, place, per_week))
        for writer in (goals, triggers, signs, meetings):
            writer.flush()
        _write_rosters(connection)
        context.plans = plans
        context.counts["plans"] = len(plan_rows)

    def _plan(self, rng: random.Random, context: Context, alumnus: AlumnusFacts, course: Course,
              plan_rows: list[tuple], contents: list[tuple]) -> PlanSketch:
        today = context.today
        last_day = today - timedelta(days=LAST_CONTACT_DAYS_AGO)
        discharge = alumnus.discharge
        # Version 1 is made around discharge (or, for alumni from before the team kept plans here, at
        # a check-in in the last year or so); later versions at reviews, and after a return to use.
        first = discharge + timedelta(days=_randint(rng, -3, 6))
        if (today - discharge).days > PLANS_KEPT_DAYS:
            first = today - timedelta(days=_randint(rng, 30, PLANS_KEPT_DAYS))
        starts = [min(first, course.end, last_day)]
        roll = rng.random()
        for _ in range(2 if roll < 0.03 else 1 if roll < 0.13 else 0):
            start = starts[-1] + timedelta(days=_randint(rng, 80, 200))
            if start <= min(course.end, last_day):
                starts.append(start)
        recurrence = course.recent_recurrence
        if recurrence is not None:
            start = recurrence.on + timedelta(days=_randint(rng, 2, 6))
            if starts[-1] < start <= last_day:
                starts.append(start)
        versions: list[PlanVersion] = []
        for number, start in enumerate(starts):
            if recurrence is not None and number == len(starts) - 1 and start > recurrence.on:
                cadence = CheckinCadence.WEEKLY  # closer contact after a return to use
            else:
                cadence = _cadence_for(rng, (start - discharge).days)
                if number and CADENCE_DAYS[cadence] < versions[-1].days and rng.random() < 0.7:
                    cadence = versions[-1].cadence  # reviews seldom tighten it
            versions.append(PlanVersion(start, cadence, CADENCE_DAYS[cadence]))

        content = _templates()[_TEMPLATE_FOR.get(alumnus.substances[0], _GENERAL_TEMPLATE)
                               if alumnus.substances else _GENERAL_TEMPLATE]
        triggers = [(t["trigger"], tuple(self._some(rng, t["coping_strategies"], 2, 3)))
                    for t in self._some(rng, content["triggers"], 2, 3)]
        spanish_only = alumnus.languages == ("Spanish",)
        # Their own words, not the template's: short phrases they would say themselves.
        signs = self._some(rng, PERSONAL_SIGNS_ES if spanish_only else PERSONAL_SIGNS, 2, 4)
        goals = self._some(rng, content["goals"], 2, 3)
        meetings = self._meetings(rng, context, alumnus)
        meeting_rows = [row for row, _days in meetings]
        medication = RecoveryPathway.MEDICATION_SUPPORTED in alumnus.pathways
        medication_notes = _choice(rng, _MEDICATION_NOTES) if medication else None
        housing_notes = _choice(rng, _HOUSING_NOTES) if rng.random() < 0.3 else None
        preferred = alumnus.preferred_method
        creator = alumnus.caseworker_id if alumnus.caseworker_id is not None else _choice(rng, context.staff).id
        created = [_desk_hours(rng, start) for start in starts]
        for number, version in enumerate(versions):
            active = number == len(versions) - 1
            # Early plans are reviewed after 90 days, later ones twice a year.
            review_after = 90 if (version.start - discharge).days < 180 else 182
            signed = version.start + timedelta(days=_randint(rng, 0, 3)) if rng.random() < 0.85 else None
            plan_rows.append((
                alumnus.id, number + 1, PlanStatus.ACTIVE if active else PlanStatus.SUPERSEDED, version.start,
                version.start + timedelta(days=review_after), version.cadence, preferred, medication_notes,
                housing_notes, signed if signed is None or signed <= last_day else None, created[number], creator,
                None if active else created[number + 1],
            ))
            # Each version is whole; an earlier one had a goal and a trigger less, say.
            version_goals = goals if active else goals[:-1]
            contents.append((
                [self._goal(rng, goal, version.start, today, course) for goal in version_goals],
                triggers if active else triggers[:-1] or triggers, signs, meeting_rows,
            ))
        return PlanSketch(versions, [(row[0], days) for row, days in meetings], tuple(signs), medication)

    @staticmethod
    def _some(rng: random.Random, values: Sequence[Any], low: int, high: int) -> list[Any]:
        """`low` to `high` different values in random order (`random.sample` is slow for this)."""
        pool = list(values)
        count = min(len(pool), _randint(rng, low, high))
        for position in range(count):
            pick = position + _below(rng, len(pool) - position)
            pool[position], pool[pick] = pool[pick], pool[position]
        return pool[:count]

    @staticmethod
    def _goal(rng: random.Random, goal: dict, start: date, today: date, course: Course) -> tuple:
        target = start + timedelta(days=_choice(rng, (30, 60, 90, 90, 180)))
        struggling = course.kind in (CourseKind.SLIDING, CourseKind.RECOVERING)
        roll = rng.random()
        if target < today:
            status = (GoalStatus.ACHIEVED if roll < (0.35 if struggling else 0.65)
                      else GoalStatus.IN_PROGRESS if roll < 0.88 else GoalStatus.NOT_STARTED if roll < 0.96
                      else GoalStatus.DROPPED)
        else:
            status = GoalStatus.IN_PROGRESS if roll < 0.55 else GoalStatus.NOT_STARTED
        return goal["text"], LifeArea(goal["life_area"]), target if rng.random() < 0.8 else None, status

    @staticmethod
    def _meetings(rng: random.Random, context: Context, alumnus: AlumnusFacts) -> list[tuple]:
        """For each planned meeting: its row (kind, name, weekday, starts_at, place, per_week) and the
        weekdays it is on."""
        pathways = alumnus.pathways
        kinds: list[MeetingKind] = []
        if RecoveryPathway.TWELVE_STEP in pathways:
            kinds.append(MeetingKind.AA if "Alcohol" in alumnus.substances[:1] else MeetingKind.NA)
        if RecoveryPathway.SMART in pathways:
            kinds.append(MeetingKind.SMART)
        if RecoveryPathway.FAITH_BASED in pathways:
            kinds.append(MeetingKind.CELEBRATE)
        if RecoveryPathway.OTHER in pathways and rng.random() < 0.5:
            kinds.append(_choice(rng, (MeetingKind.REFUGE, MeetingKind.OTHER)))
        if RecoveryPathway.MEDICATION_SUPPORTED in pathways and not kinds and rng.random() < 0.6:
            kinds.append(_choice(rng, (MeetingKind.NA, MeetingKind.SMART)))
        if rng.random() < 0.35:
            kinds.append(MeetingKind.ALUMNI_GROUP)
        meetings = []
        for kind in kinds[:3]:
            per_week = 1
            if kind in (MeetingKind.AA, MeetingKind.NA):
                per_week = _choice(rng, (1, 2, 2, 3))
            weekday = _below(rng, 7)
            days = tuple(sorted((weekday + 2 * n) % 7 for n in range(per_week)))
            starts = _choice(rng, _STARTS)
            if kind is MeetingKind.ALUMNI_GROUP:
                place = _choice(rng, _ALUMNI_PLACES)
            elif rng.random() < 0.25:
                slug = re.sub(r"[^a-z]+", "-", label(kind).lower()).strip("-")
                place = f"https://meet.example.org/{slug}-{WEEKDAY_SLUGS[weekday]}-{starts:%H%M}"
            else:
                place = f"{_choice(rng, _VENUES)}, {_street_address(rng, context.pools)}"
                if alumnus.city:
                    place += f", {alumnus.city}"
            # A weekday only when the meeting is on one day; several a week are "any day" in the plan.
            row = (kind, _choice(rng, MEETING_NAMES[kind]), weekday if per_week == 1 else None, starts, place, per_week)
            meetings.append((row, days))
        return meetings


WEEKDAY_SLUGS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _write_rosters(connection: Connection) -> None:
    """Every plan's call list: the support contacts in their call order, the caseworker, then the crisis
    lines (plans.CRISIS_LINES), as the plan editor drafts it. Written in SQL: half a million lines
    at 100,000 alumni that Python need not touch."""
    plans, contacts = AftercarePlan.__table__, SupportContact.__table__
    alumni, staff = Alumnus.__table__, StaffMember.__table__
    roster = PlanRosterEntry.__table__
    columns = ["plan_id", "position", "role", "support_contact_id", "name", "phone"]
    role = case(
        *((contacts.c.relation == relation.value, role.value) for relation, role in ROLE_FOR_RELATION.items()),
        else_=RosterRole.OTHER.value,
    )
    connection.execute(roster.insert().from_select(columns, (
        select(plans.c.id, contacts.c.call_order, role, contacts.c.id, contacts.c.name, contacts.c.phone)
        .join(contacts, contacts.c.alumnus_id == plans.c.alumnus_id)
        .order_by(plans.c.id, contacts.c.call_order, contacts.c.id)
    )))
    contact_count = (select(func.count()).select_from(contacts).where(contacts.c.alumnus_id == plans.c.alumnus_id)
                     .scalar_subquery())
    connection.execute(roster.insert().from_select(columns, (
        select(plans.c.id, contact_count, literal(RosterRole.CASEWORKER.value), null(), staff.c.display_name, null())
        .join(alumni, alumni.c.id == plans.c.alumnus_id)
        .join(staff, staff.c.id == alumni.c.caseworker_id)
        .order_by(plans.c.id)
    )))
    has_caseworker = case((alumni.c.caseworker_id.is_(None), 0), else_=1)
    for offset, line in enumerate(CRISIS_LINES):
        connection.execute(roster.insert().from_select(columns, (
            select(plans.c.id, contact_count + has_caseworker + offset, literal(line.role.value), null(),
                   literal(line.name), literal(line.phone))
            .join(alumni, alumni.c.id == plans.c.alumnus_id)
            .order_by(plans.c.id)
        )))


# -- check-ins and meeting attendance ----------------------------------------------------------------

STEADY_NOTES = (
    "Doing well; the new shift schedule is working.", "Went to the alumni barbecue.",
    "Celebrated a birthday sober with family.", "Busy week at work; still made two meetings.",
    "Started volunteering at the food bank.", "Talked about plans for the holidays.",
    "Sleeping better since cutting back on coffee.", "Got the apartment; moving next month.",
    "Enjoying the Saturday recovery walk.", "Brief call, all good.", "Back at the gym three times a week.",
    "Proud of paying off an old fine.", "Working the steps with the sponsor.", "Asked about peer mentor training.",
)
IMPROVING_NOTES = (
    "Sounds brighter than last month.", "Found a home group and goes every week now.",
    "Cravings easing; uses the urge-surfing exercise.", "Back in touch with their sister.",
    "Sleeping through the night again.", "Started the new job on Monday.",
)
STRUGGLING_NOTES = (
    "Sounded flat; says work is piling up.", "Hasn't been to a meeting in two weeks.",
    "Mentioned a night out with old friends.", "Not sleeping; up until 3 am most nights.",
    "Argument at home; staying with a cousin for now.", "Short call; didn't want to talk much.",
    "Says cravings are strong after work.", "Money worries; rent is late.",
    "Stopped going to the gym; \"no energy\".", "Talked about \"the good old days\".",
)
USE_NOTES = (
    "Told me about using at the weekend; agreed to come to group on Tuesday.",
    "Reported using again; safety plan reviewed, naloxone at home.",
    "Honest about using last week; wants weekly calls for now.",
    "Used after a fight at home; back in touch with the sponsor.",
    "Reported using; referred back to IOP for an assessment.",
)
RECOVERING_NOTES = (
    "Back at meetings since the return to use.", "Shaken by what happened but motivated.",
    "Weekly calls are helping; cravings easing.", "Saw the counselor for the re-assessment.",
)
UNANSWERED_NOTES = (
    "Voicemail full.", "Went straight to voicemail.", "Rang out; sent a text as well.",
    "Left a short message to call back.", "Phone off.",
)
UNANSWERED_TEXT_NOTES = ("No reply to the text.", "Texted twice; no reply yet.", "Message not delivered.")
_ATTENDED_NOTES = ("Signed the sheet.", "Went with their sponsor.", "Shared for the first time.")
_MISSED_NOTES = ("Worked a double shift.", "Sick that day.", "No ride that day.", "Said they forgot.")
# How the contact is usually made, by the alumnus's preferred method.
_METHODS = {
    ContactMethod.PHONE: _Weighted([(CheckinMethod.CALL, 0.9), (CheckinMethod.TEXT, 0.1)]),
    ContactMethod.TEXT: _Weighted([(CheckinMethod.TEXT, 0.7), (CheckinMethod.CALL, 0.3)]),
    ContactMethod.EMAIL: _Weighted([(CheckinMethod.CALL, 0.6), (CheckinMethod.TEXT, 0.4)]),
    ContactMethod.VIDEO: _Weighted([(CheckinMethod.VIDEO, 0.6), (CheckinMethod.CALL, 0.4)]),
    ContactMethod.IN_PERSON: _Weighted([(CheckinMethod.IN_PERSON, 0.5), (CheckinMethod.CALL, 0.5)]),
    None: _Weighted([(CheckinMethod.CALL, 0.8), (CheckinMethod.TEXT, 0.2)]),
}


def _clamp(value: float, low: int, high: int) -> int:
    return low if value < low else high if value > high else int(value + 0.5)


class CheckInsStep:
    """Check-ins at the plan's cadence with a few days' jitter (and retries after an unanswered call),
    and the support meetings they went to or missed, both following the alumnus's course."""

    name = "check_ins"
    per_alumnus = 2

    def run(self, context: Context, rng: random.Random) -> None:
        check_ins = _Writer(context.connection, CheckIn.__table__, _CHECKIN_COLUMNS)
        attendance = _Writer(context.connection, MeetingAttendance.__table__, _ATTENDANCE_COLUMNS)
        for start in range(0, len(context.alumni), CHUNK_SIZE):
            chunk = context.alumni[start:start + CHUNK_SIZE]
            for offset, alumnus in enumerate(chunk):
                course = context.courses[start + offset]
                if course is not None:
                    self._alumnus(rng, context, alumnus, course, context.plans[start + offset], check_ins,
                                  attendance)
            context.progress.advance(2 * len(chunk))
        check_ins.flush()
        attendance.flush()
        context.counts["check_ins"] = check_ins.count
        context.counts["meeting_attendance"] = attendance.count

    # -- when ------------------------------------------------------------------------------------
    @staticmethod
    def _schedule(rng: random.Random, context: Context, course: Course, plan: PlanSketch | None) -> list[date]:
        """The days the team set out to reach them, oldest first (retries come later)."""
        cadence_on = plan.cadence_on if plan is not None else (lambda day: NO_PLAN_CADENCE)
        wanted = context.checkins_per_alumnus
        first = course.first + timedelta(days=1)
        quiet = course.quiet_from
        last = (quiet - timedelta(days=cadence_on(quiet))) if quiet else course.end
        if course.kind is not CourseKind.ENDED and quiet is None:
            # Everyone is somewhere in their cycle: the next contact falls due any day from today.
            last -= timedelta(days=_below(rng, cadence_on(last)))
        if wanted is None:
            slots = ENDED_CONTACTS if course.kind is CourseKind.ENDED else DEFAULT_CONTACTS[cadence_on(course.end)]
            step = None
        else:
            slots = wanted
            span = (last - first).days
            # A benchmark asks for more contacts than the cadence fits in: they come closer together.
            step = max(1, span // max(wanted, 1)) if span < wanted * cadence_on(last) else None
        days: list[date] = []
        day = last
        while day >= first and len(days) < slots:
            days.append(day)
            if step is None:
                cadence = cadence_on(day)
                day -= timedelta(days=cadence + _randint(rng, -cadence // 7, cadence // 7))
            else:
                day -= timedelta(days=step)
        days.reverse()
        return days

    # -- what happened ---------------------------------------------------------------------------
    def _alumnus(self, rng: random.Random, context: Context, alumnus: AlumnusFacts, course: Course,
                 plan: PlanSketch | None, check_ins: _Writer, attendance: _Writer) -> None:
        scheduled = self._schedule(rng, context, course, plan)
        if course.quiet_from is not None and course.quiet_from <= course.end:
            # Unanswered from here on: the team keeps trying every few days.
            day, chain = course.quiet_from, []
            while day <= course.end and len(chain) < 8:
                chain.append(day)
                day += timedelta(days=_randint(rng, 2, 5))
            scheduled_days = [(d, True) for d in scheduled if d < course.quiet_from] + [(d, False) for d in chain]
        else:
            scheduled_days = [(d, True) for d in scheduled]
        if not scheduled_days:
            return
        today = context.today
        kind = course.kind
        wobble = course.wobble
        onset = course.onset
        cadence = plan.cadence_on(scheduled_days[-1][0]) if plan is not None else NO_PLAN_CADENCE
        meetings_life = _Meetings(rng, context, course, plan)
        self._attendance(rng, context, alumnus, course, meetings_life.recorded, attendance)
        method_of = _METHODS.get(alumnus.preferred_method, _METHODS[None])
        signs = plan.signs if plan is not None else ()
        focus_sign = _choice(rng, signs) if signs else _choice(rng, _STEADY_SIGNS)
        in_group = plan is not None and any(k is MeetingKind.ALUMNI_GROUP for k, _ in plan.meetings)
        recurrences = [r for r in course.recurrences if r.on >= scheduled_days[0][0]]
        rows: list[tuple] = []
        reached_before = scheduled_days[0][0] - timedelta(days=cadence)
        # A stack of (day, answerable, retries before it): the next attempt is at the end.
        attempts = [(day, answerable, 0) for day, answerable in reversed(scheduled_days)]
        moving = kind is CourseKind.SLIDING or kind is CourseKind.RECOVERING or kind is CourseKind.IMPROVING
        level_on = course.level
        caseworker_id = alumnus.caseworker_id
        staff = context.staff
        while attempts:
            day, answerable, retries = attempts.pop()
            level = level_on(day) if moving else 0.0
            after_onset = onset is not None and day >= onset
            reach = course.reach * (1 - 0.5 * level) if answerable else 0.0
            reached = rng.random() < reach
            method = method_of.pick(rng)
            if reached and in_group and rng.random() < 0.05:
                method = CheckinMethod.GROUP
            elif method is CheckinMethod.IN_PERSON and not reached:
                method = CheckinMethod.CALL
            occurred = _opening(day) + timedelta(seconds=int(rng.random() * 36000))
            # The caseworker mostly; a colleague covering now and then.
            staff_id = caseworker_id if caseworker_id is not None and rng.random() < 0.88 else _choice(rng, staff).id
            created = occurred + timedelta(seconds=30 + int(rng.random() * 1770))
            if not reached:
                outcome = (CheckinOutcome.NO_ANSWER if method is CheckinMethod.TEXT or rng.random() < 0.55
                           else CheckinOutcome.LEFT_MESSAGE)
                note = None
                if rng.random() < 0.3:
                    note = _choice(rng, UNANSWERED_TEXT_NOTES if method is CheckinMethod.TEXT else UNANSWERED_NOTES)
                rows.append((alumnus.id, occurred, staff_id, None, method, outcome, None, None, None, None, (),
                             note, None, None, created))
                # Try again in a day or three (twice at most), unless the next planned contact comes first.
                retry = day + timedelta(days=_randint(rng, 1, 3))
                if answerable and retries < 2 and retry <= course.end and (not attempts or retry < attempts[-1][0]):
                    attempts.append((retry, True, retries + 1))
                continue
            # Mood and cravings: their own usual, moved by how things are going, with a little noise.
            mood_mu, craving_mu = course.mood, course.craving
            sign_chance = 0.05
            if kind is CourseKind.WOBBLING:
                if after_onset and wobble == "mood":
                    mood_mu -= 1.7
                elif after_onset and wobble == "cravings":
                    craving_mu += 1.5 + 5.0 * (day - onset).days / max((course.end - onset).days, 1)
                elif after_onset and wobble == "signs":
                    sign_chance = 0.0
            else:
                mood_mu -= 2.2 * level
                craving_mu += 5.5 * level
                sign_chance += 0.75 * level
            random = rng.random
            mood = _clamp(mood_mu + random() + random() - 1.0, 1, 5)  # about normal, sd 0.4
            craving = _clamp(craving_mu + 2 * (random() + random() - 1.0), 0, 10)
            ticked: list[str] = []
            if kind is CourseKind.WOBBLING and wobble == "signs" and after_onset:
                ticked.append(focus_sign)
            elif rng.random() < sign_chance:
                if level == 0:
                    ticked.append(_choice(rng, signs) if signs and rng.random() < 0.3 else _choice(rng, _STEADY_SIGNS))
                else:
                    if signs and rng.random() < 0.6:
                        ticked.append(focus_sign)
                    for _ in range(_randint(rng, 1, 2)):
                        sign = _SLIDE_SIGNS.pick(rng)
                        if sign not in ticked:
                            ticked.append(sign)
                    if plan is not None and plan.medication and level > 0.5 and rng.random() < 0.3:
                        ticked.append("Skipping medication")
            # Meetings since the last time they were reached.
            meetings = meetings_life.attended(reached_before, day) if meetings_life.weekdays else None
            reached_before = day
            if meetings is not None and rng.random() < 0.15:
                meetings = None  # not asked this time
            used: bool | None = False if rng.random() < 0.88 else None
            told = None
            while recurrences and recurrences[0].on < day:
                told = recurrences.pop(0)
            follow_chance = 0.04 + 0.4 * level
            if told is not None:
                used = True
                note = _choice(rng, USE_NOTES)
                follow_chance = 1.0
                told.check_in_key = (alumnus.id, occurred)
                told.recorded_at, told.recorded_by_id = created, staff_id
            elif rng.random() < (0.45 if level >= 0.5 else 0.25):
                if level >= 0.5:
                    pool = RECOVERING_NOTES if kind is CourseKind.RECOVERING and day > course.recurrences[-1].on \
                        else STRUGGLING_NOTES
                elif kind is CourseKind.IMPROVING and level > 0.2:
                    pool = IMPROVING_NOTES
                else:
                    pool = STEADY_NOTES
                note = _choice(rng, pool)
            else:
                note = None
            if course.ended_status is AlumniStatus.OPTED_OUT and not attempts:
                note = "Asked to stop the check-ins for now; the door is open."
            due = done = None
            if rng.random() < follow_chance:
                due = day + timedelta(days=_randint(rng, 1, 3) if told is not None else _randint(rng, 2, 10))
                # Most follow-ups are done; the newest are still open (and a few older ones slipped).
                if due <= today - timedelta(days=3) and rng.random() < 0.95:
                    done_day = min(due, course.end, today - timedelta(days=LAST_CONTACT_DAYS_AGO))
                    done = max(_desk_hours(rng, done_day), created + timedelta(minutes=1))
            rows.append((alumnus.id, occurred, staff_id, None, method, CheckinOutcome.REACHED, mood, craving, used,
                         meetings, tuple(ticked), note, due, done, created))
        wanted = context.checkins_per_alumnus
        if wanted is not None and len(rows) > wanted:
            rows = rows[len(rows) - wanted:]
        for row in rows:
            check_ins.add(row)

    @staticmethod
    def _attendance(rng: random.Random, context: Context, alumnus: AlumnusFacts, course: Course,
                    recorded: list[tuple[date, MeetingKind, int]], writer: _Writer) -> None:
        """The last four weeks of meetings as the team recorded them: every alumni group (the team runs
        it: verified), and the other meetings of alumni whose caseworker keeps track."""
        last = context.today - timedelta(days=LAST_CONTACT_DAYS_AGO)
        for day, kind, went in recorded:
            group = kind is MeetingKind.ALUMNI_GROUP
            if not (group or course.tracks_attendance):
                continue
            note = None
            if rng.random() < 0.08:
                note = _choice(rng, _ATTENDED_NOTES if went else _MISSED_NOTES)
            logged = min(day + timedelta(days=_randint(rng, 0, 3)), last)
            writer.add((alumnus.id, day, kind, bool(went), group or rng.random() < 0.15, note,
                        _covering_staff(rng, context, alumnus), _desk_hours(rng, logged)))


class _Meetings:
    """An alumnus's planned meetings over time, and which they went to.

    In the last four weeks (what the team records) each meeting is a dated row; before that, only how
    many fell between two check-ins matters, so they are counted rather than listed day by day.
    """

    def __init__(self, rng: random.Random, context: Context, course: Course, plan: PlanSketch | None):
        self.rng = rng
        self.course = course
        # One weekday per weekly meeting (a meeting twice a week appears twice).
        self.weekdays: tuple[int, ...] = tuple(day for _kind, days in plan.meetings for day in days) if plan else ()
        self.detail_from = context.today - timedelta(days=ATTENDANCE_DAYS)
        self.recorded: list[tuple[date, MeetingKind, int]] = []
        if not self.weekdays:
            return
        end = min(course.end, context.today - timedelta(days=LAST_CONTACT_DAYS_AGO))
        start = self.detail_from
        for kind, days in plan.meetings:
            for weekday in days:
                day = start + timedelta(days=(weekday - start.weekday()) % 7)
                while day <= end:
                    self.recorded.append((day, kind, 1 if rng.random() < self.chance(day) else 0))
                    day += timedelta(days=7)
        self.recorded.sort(key=lambda meeting: meeting[0])

    def chance(self, day: date) -> float:
        course = self.course
        if course.wobble == "meetings":
            return 0.15 if day >= course.onset else course.attend
        return course.attend * (1 - 0.75 * course.level(day))

    def count(self, after: date, until: date) -> int:
        """Meeting days from the day after `after` to `until`, both included."""
        days = (until - after).days
        if days <= 0:
            return 0
        weeks, rest = divmod(days, 7)
        return weeks * len(self.weekdays) + _meeting_days_in(self.weekdays, (after.weekday() + 1) % 7, rest)

    def attended(self, after: date, until: date) -> int:
        """How many meetings they went to after `after` up to `until` (as said at a check-in)."""
        went = 0
        split = min(until, self.detail_from - timedelta(days=1))
        if split > after:
            chance = self.chance(after + (split - after) / 2)
            random = self.rng.random
            for _ in range(self.count(after, split)):
                if random() < chance:
                    went += 1
        if until >= self.detail_from:
            for day, _kind, went_there in self.recorded:
                if after < day <= until:
                    went += went_there
        return went


@lru_cache(maxsize=4096)
def _meeting_days_in(weekdays: tuple[int, ...], first: int, days: int) -> int:
    """How many of `weekdays` fall in `days` (< 7) consecutive days starting on weekday `first`."""
    return sum(1 for weekday in weekdays if (weekday - first) % 7 < days)


# -- returns to use ----------------------------------------------------------------------------------

RESPONSE_PLANS = (
    "Weekly check-ins for the next month; back to the Tuesday alumni group; sponsor told, with consent.",
    "Referral to IOP for an assessment this week; naloxone kit given; daily texts with the mentor.",
    "Meetings up to four a week; the prescriber appointment moved forward.",
    "Safety plan reviewed; family session booked; a call in two days.",
    "Back to the plan's coping strategies for evenings; weekly calls until the next review.",
)


class RecurrencesStep:
    """A recorded return to use, and the move of the sobriety date it caused, for every alumnus whose
    sobriety date lies after discharge (the alumni step drew that date as a new start)."""

    name = "recurrences"
    per_alumnus = 0

    def run(self, context: Context, rng: random.Random) -> None:
        connection = context.connection
        table = CheckIn.__table__
        told = {(alumnus_id, occurred): check_in_id for check_in_id, alumnus_id, occurred in connection.execute(
            select(table.c.id, table.c.alumnus_id, table.c.occurred_at).where(table.c.used_since_last.is_(True)))}
        last_day = context.today - timedelta(days=LAST_CONTACT_DAYS_AGO)
        events = _Writer(connection, RecurrenceEvent.__table__, _RECURRENCE_COLUMNS)
        changes = _Writer(connection, SobrietyDateChange.__table__, _SOBRIETY_CHANGE_COLUMNS)
        for alumnus, recurrences in zip(context.alumni, context.recurrences):
            for recurrence in recurrences:
                if recurrence.recorded_at is None:
                    recorded_on = min(recurrence.on + timedelta(days=_randint(rng, 1, 6)), last_day)
                    recurrence.recorded_at = _desk_hours(rng, max(recorded_on, recurrence.on))
                    recurrence.recorded_by_id = _covering_staff(rng, context, alumnus)
                check_in_id = told.get(recurrence.check_in_key) if recurrence.check_in_key else None
                events.add((alumnus.id, recurrence.on, recurrence.substance, recurrence.kind,
                            _choice(rng, RESPONSE_PLANS) if rng.random() < 0.85 else None, check_in_id,
                            recurrence.recorded_at, recurrence.recorded_by_id))
                # The same wording the app gives a move of the date after a recurrence (services/sobriety.py).
                changes.add((alumnus.id, SobrietyChangeKind.RECURRENCE, recurrence.old_date, recurrence.new_date,
                             f"{label(recurrence.kind)} on {recurrence.on.isoformat()}", recurrence.recorded_at,
                             recurrence.recorded_by_id))
        events.flush()
        changes.flush()
        context.counts["recurrences"] = events.count


# -- assessments -------------------------------------------------------------------------------------

class AssessmentsStep:
    """BARC-10 for most followed alumni and AWARE for some, on the instruments' own cadence, scored by
    the app's scorer from per-item answers that follow the alumnus's course."""

    name = "assessments"
    per_alumnus = 1

    def run(self, context: Context, rng: random.Random) -> None:
        definitions = load_instruments([resource("instruments")])
        barc, aware = definitions[BARC_10], definitions[AWARE_CODE]
        writer = _Writer(context.connection, AssessmentResult.__table__, _ASSESSMENT_COLUMNS, unique=("answers",))
        # The app's scorer, asked once per distinct set of answers: people answer alike more often than not.
        scores: dict[tuple, Score] = {}
        for start in range(0, len(context.alumni), CHUNK_SIZE):
            chunk = context.alumni[start:start + CHUNK_SIZE]
            for offset, alumnus in enumerate(chunk):
                course = context.courses[start + offset]
                if course is None or course.kind is CourseKind.ENDED or alumnus.discharge is None:
                    continue
                if rng.random() < 0.8:
                    self._series(rng, context, alumnus, course, barc, BARC_HISTORY_DAYS, writer, scores)
                if course.aware:
                    self._series(rng, context, alumnus, course, aware, AWARE_HISTORY_DAYS, writer, scores)
            context.progress.advance(len(chunk))
        writer.flush()
        context.counts["assessments"] = writer.count

    @staticmethod
    def _series(rng: random.Random, context: Context, alumnus: AlumnusFacts, course: Course,
                definition: InstrumentDefinition, history_days: int, writer: _Writer,
                scores: dict[tuple, Score]) -> None:
        today = context.today
        last_day = today - timedelta(days=LAST_CONTACT_DAYS_AGO)
        since = today - timedelta(days=history_days)
        discharge = alumnus.discharge
        better_high = definition.direction is Direction.HIGHER_IS_BETTER
        low, high = definition.scale.min, definition.scale.max
        # Their own way of answering: some items always a little higher or lower than others.
        profile = [(rng.random() - 0.5) * 1.2 for _ in definition.items]
        reverse = [item.number in definition.reverse_scored for item in definition.items]
        usual = rng.uniform(4.9, 5.6) if better_high else rng.uniform(1.6, 2.4)
        given: list[date] = []
        last = None
        cadence = definition.cadence
        if cadence is None:
            return
        if (since - discharge).days > 400:
            # Long ago: start from an (unstored) administration shortly before the window rather than
            # walking every due date since discharge.
            interval = cadence.interval_at(whole_months_between(discharge, since)) * 30
            last = since - timedelta(days=_randint(rng, 0, interval))
        while True:
            due = due_date(cadence, discharge, last)
            if due is None or due > last_day:
                break
            if (last_day - due).days < 40 and rng.random() < 0.12:
                break  # not given yet: shows as due
            day = due + timedelta(days=_randint(rng, -3, 10) if rng.random() < 0.92 else _randint(rng, 15, 45))
            day = max(day, discharge, last + timedelta(days=1) if last else discharge)
            if day > last_day:
                break
            given.append(day)
            last = day
        given = [day for day in given if day >= since]
        for number, day in enumerate(given):
            level = course.level(day)
            if course.wobble == "assessment" and better_high and number == len(given) - 1:
                level = max(level, rng.uniform(0.4, 0.6))
            if better_high:
                mean = usual - 1.4 * level
            else:
                mean = usual + 2.2 * level
            random = rng.random
            values = [int(mean + offset + random() * 0.8 + 0.1) for offset in profile]  # rounded, ±0.4 noise
            answers = [low + high - value if flip else value
                       for value, flip in zip([low if v < low else high if v > high else v for v in values], reverse)]
            key = (definition.code, *answers)
            result = scores.get(key)
            if result is None:
                result = scores[key] = score(definition, answers)
            writer.add((alumnus.id, definition.code, day, list(result.answers), result.total, result.band.label,
                        _covering_staff(rng, context, alumnus), _desk_hours(rng, day)))


# -- milestones --------------------------------------------------------------------------------------

CELEBRATION_CHANCE = {"30d": 0.35, "60d": 0.12, "90d": 0.35, "6m": 0.3, "9m": 0.12, "1y": 0.45, "18m": 0.2}
YEARLY_CELEBRATION_CHANCE = 0.3
CELEBRATIONS_WITHIN_DAYS = 540
CELEBRATIONS = (
    "Coin at the alumni group", "Cake at Tuesday group", "Card signed by the team", "Key tag at the home group",
    "Called to say congratulations", "Medallion from the sponsor, team there too", "Lunch with the caseworker",
    "Named in the alumni newsletter, with consent", None,
)


class CelebrationsStep:
    """Some of the milestones of the last year and a half, celebrated by the team; for those with a
    return to use, also milestones of the earlier start date (they stay in the history)."""

    name = "celebrations"
    per_alumnus = 0

    def run(self, context: Context, rng: random.Random) -> None:
        today = context.today
        last_day = today - timedelta(days=LAST_CONTACT_DAYS_AGO)
        since = today - timedelta(days=CELEBRATIONS_WITHIN_DAYS)
        writer = _Writer(context.connection, MilestoneCelebration.__table__, _CELEBRATION_COLUMNS)
        for alumnus, recurrences in zip(context.alumni, context.recurrences):
            if alumnus.status is not AlumniStatus.ACTIVE or alumnus.sobriety is None:
                continue
            spans = [(r.old_date, r.on) for r in recurrences if r.old_date is not None]
            spans.append((alumnus.sobriety, last_day))
            for start, until in spans:
                if until < since:
                    continue
                for milestone in _milestones_between(start, since, until):
                    if rng.random() >= CELEBRATION_CHANCE.get(milestone.key, YEARLY_CELEBRATION_CHANCE):
                        continue
                    day = milestone.on + timedelta(days=_randint(rng, -3, 10))
                    day = min(max(day, milestone.on - timedelta(days=CELEBRATE_EARLY_DAYS)), last_day)
                    writer.add((alumnus.id, start, milestone.key, day, _choice(rng, CELEBRATIONS),
                                _covering_staff(rng, context, alumnus)))
        writer.flush()
        context.counts["celebrations"] = writer.count


def _milestones_between(start: date, first: date, last: date) -> Iterator[Milestone]:
    """The milestones counted from `start` that fall from `first` to `last`, in order."""
    years = (first - start).days // 366
    if years >= 3:
        # Long sober: only yearly milestones can be in the window; skip the ones before it.
        milestones: Iterable[Milestone] = (milestone_for(start, f"{n}y") for n in range(years, MAX_YEARS + 1))
    else:
        milestones = iter_milestones(start)
    for milestone in milestones:
        if milestone.on > last:
            return
        if milestone.on >= first:
            yield milestone


# -- writing many rows quickly ---------------------------------------------------------------------

_PLAN_COLUMNS = ("alumnus_id", "version", "status", "start_date", "next_review_date", "checkin_cadence",
                 "preferred_method", "medication_notes", "housing_notes", "signed_by_alumnus_on", "created_at",
                 "created_by_id", "superseded_at")
_GOAL_COLUMNS = ("plan_id", "position", "text", "life_area", "target_date", "status")
_TRIGGER_COLUMNS = ("plan_id", "position", "trigger", "coping_strategies")
_SIGN_COLUMNS = ("plan_id", "position", "text")
_MEETING_COLUMNS = ("plan_id", "position", "kind", "name", "weekday", "starts_at", "place", "per_week")
_ROSTER_COLUMNS = ("plan_id", "position", "role", "support_contact_id", "name", "phone")
_CHECKIN_COLUMNS = ("alumnus_id", "occurred_at", "staff_id", "mentor_id", "method", "outcome", "mood", "craving",
                    "used_since_last", "meetings_attended", "warning_signs", "notes", "follow_up_due",
                    "follow_up_done_at", "created_at")
_ATTENDANCE_COLUMNS = ("alumnus_id", "met_on", "kind", "attended", "verified", "note", "recorded_by_id",
                       "created_at")
_RECURRENCE_COLUMNS = ("alumnus_id", "occurred_on", "substance", "kind", "response_plan", "check_in_id",
                       "recorded_at", "recorded_by_id")
_SOBRIETY_CHANGE_COLUMNS = ("alumnus_id", "kind", "old_date", "new_date", "reason", "changed_at", "changed_by_id")
_ASSESSMENT_COLUMNS = ("alumnus_id", "instrument", "administered_on", "answers", "total", "band",
                       "recorded_by_id", "created_at")
_CELEBRATION_COLUMNS = ("alumnus_id", "sobriety_start_date", "milestone", "celebrated_on", "how", "recorded_by_id")


def _sqlite_timestamp(value: datetime | None) -> str | None:
    """What UTCDateTime stores on SQLite ('2026-06-13 15:04:05.000000', UTC): SQLAlchemy's format,
    without its per-value overhead (a unit test holds the two equal)."""
    if value is None:
        return None
    if value.tzinfo is not timezone.utc:
        value = value.astimezone(timezone.utc)
    return value.isoformat(" ", "microseconds")[:26]  # without the "+00:00"


class _Writer:
    """Rows of one table, given as tuples in `columns` order, written in chunks.

    On SQLite the rows go straight to the driver's executemany: at a million check-ins Core's
    per-row work costs about twice the insert itself. Values still pass each column type's own bind
    processor, so they are stored exactly as the app stores them (the SQLite and PostgreSQL demo
    databases are compared row by row in the tests); each distinct value is worked out once, except
    in the `unique` columns where values hardly repeat. Other databases get Core inserts.
    """

    def __init__(self, connection: Connection, table, columns: tuple[str, ...], unique: Sequence[str] = ()):
        self.connection = connection
        self.table = table
        self.columns = columns
        self.rows: list[tuple] = []
        self.count = 0
        dialect = connection.dialect
        self.fast = dialect.name == "sqlite"
        if not self.fast:
            return
        compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
        if not compiled.positional or list(compiled.positiontup) != list(columns):
            raise AssertionError(f"{table.name}: columns must be given in the table's order")
        self.sql = str(compiled)
        converters: dict[int, Callable[[Any], Any]] = {}
        for index, name in enumerate(columns):
            column_type = table.c[name].type
            process = column_type.dialect_impl(dialect).bind_processor(dialect)
            if isinstance(column_type, UTCDateTime):
                process = _sqlite_timestamp
            elif process is None:
                continue
            elif name not in unique:
                process = _memoised(process)
            else:
                process = _keeping_none(process)
            converters[index] = process
        self.convert = _row_converter(len(columns), converters)

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK_SIZE:
            self.flush()

    def flush(self) -> None:
        rows, self.rows = self.rows, []
        if not rows:
            return
        self.count += len(rows)
        if not self.fast:
            columns = self.columns
            self.connection.execute(insert(self.table), [dict(zip(columns, row)) for row in rows])
            return
        # The driver's own cursor, inside the transaction the steps share.
        cursor = self.connection.connection.cursor()
        try:
            cursor.executemany(self.sql, map(self.convert, rows))
        finally:
            cursor.close()


def _row_converter(width: int, converters: dict[int, Callable[[Any], Any]]) -> Callable[[tuple], tuple]:
    """One function that converts a row: `lambda row: (row[0], c1(row[1]), row[2], …)`, made once per
    table. Written out like this, a row costs one call plus its conversions: half of what a loop over
    the converted columns, or turning the rows into columns and back, costs at a million rows."""
    values = ", ".join(f"c{index}(row[{index}])" if index in converters else f"row[{index}]" for index in range(width))
    # Only column numbers and the names c0, c1, … go into the source; the converters come as globals.
    return eval(f"lambda row: ({values},)", {f"c{index}": process for index, process in converters.items()})


def _keeping_none(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """NULL stays NULL, as SQLAlchemy leaves it (bind processors are not asked about None here)."""
    def convert(value: Any) -> Any:
        return None if value is None else process(value)
    return convert


def _memoised(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    cache: dict[Any, Any] = {None: None}

    def memoised(value: Any) -> Any:
        # JSON lists of strings (languages, warning signs) repeat a lot: their tuple is the key.
        key = tuple(value) if type(value) is list else value
        try:
            return cache[key]
        except KeyError:
            result = cache[key] = process(value)
            return result
        except TypeError:  # unhashable inside (a list of lists): no shortcut
            return process(value)
    return memoised


def _write(connection: Connection, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    writer = _Writer(connection, table, columns)
    for row in rows:
        writer.add(row)
    writer.flush()


# The generator's steps, in order. First the team (StaffStep) and the population (Population.draw);
# then STEPS for each chunk of alumni; then POPULATION_STEPS, which need every alumnus at once.
# Append new steps at the end: each draws from its own random stream, so the rows of the steps
# before it stay the same for a given seed.
STEPS: tuple[type[Step], ...] = (
    AlumniStep, SupportContactsStep, StatusHistoryStep,
    # The caseworker's day.
    CoursesStep, PlansStep, CheckInsStep, RecurrencesStep, AssessmentsStep, CelebrationsStep,
)
# The mentor program pairs alumni across chunks.
POPULATION_STEPS: tuple[type[Step], ...] = (MentoringStep,)
