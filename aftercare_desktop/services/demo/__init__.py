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
and copied into the target in one transaction, all or nothing (chunks.py). Faker is slow per call,
so it is asked once per seed for pools of names and street names (names.py); each record is then
put together from the pools with `random.Random`.

No audit events are written: the audit trail records what people did to records, and nobody did
anything here. Nothing is logged about the generated people either; the summary holds counts only.

The modules of this package, in the order their steps run:

- context.py: what the steps share (the Context, the facts kept about each person, random helpers);
- names.py and places.py: names, cities, phone numbers, addresses and emails;
- people.py: the team, the population and the alumni; contacts.py: their support contacts;
  status_history.py: how their status came to be;
- the caseworker's day: courses.py (how each alumnus is doing, which the later steps follow), plans.py,
  checkins.py (with meeting attendance), recurrences.py, assessments.py, celebrations.py;
- mentoring.py: the mentor program, over the whole population once the chunks are in;
- chunks.py: chunks made in worker processes and copied into the target; writer.py: many rows quickly.
"""

from __future__ import annotations

import time as timer
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select

from ...db import Database
from ...errors import AftercareError
from ...models import Alumnus, StaffMember
from ..bulk import gc_paused
from ..early_warning import refresh_missing_digests
from .assessments import AssessmentsStep
from .celebrations import CelebrationsStep
from .checkins import CheckInsStep
from .chunks import ChunkCopier, chunk_database, default_workers, image_of, map_in_workers
from .contacts import SupportContactsStep
from .context import AlumnusFacts, Context, Progress, ProgressReporter, StaffFacts, Step, step_rng
from .courses import Course, CoursesStep
from .mentoring import MentoringStep
from .names import name_pools
from .people import AlumniStep, PlannedAlumnus, Population, StaffStep
from .plans import PlansStep
from .recurrences import RecurrencesStep
from .status_history import StatusHistoryStep

__all__ = ["MAX_ALUMNI", "MAX_CHECKINS_PER_ALUMNUS", "MIN_ALUMNI", "DemoSummary", "generate"]

MIN_ALUMNI = 100
MAX_ALUMNI = 100_000
# The most check-ins per alumnus a caller may ask for (see `generate`).
MAX_CHECKINS_PER_ALUMNUS = 1_000
SQLITE_CACHE_KIB = 128 * 1024  # an upper bound; SQLite takes the memory only as pages are used

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


# -- the public face ---------------------------------------------------------------------------

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
    reporter = ProgressReporter(progress, alumni * sum(step.per_alumnus for step in STEPS) + 1)
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
                              today=job.today, pools=name_pools(job.seed), progress=ProgressReporter(None, 1),
                              checkins_per_alumnus=job.checkins_per_alumnus, staff=list(job.staff),
                              planned=job.planned, caseworker_loads=job.caseworker_loads)
            for step in STEPS:
                step().run(context, step_rng(job.seed, f"{step.name}/chunk-{job.index}"))
        return ChunkResult(image_of(connection), context.alumni, context.courses, context.counts)

