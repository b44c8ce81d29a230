"""Assessments: record an administration of an instrument, read an alumnus's results, know what is due.

Instruments are defined as data (services/instruments.py, resources/instruments/). Scoring is done
here, once, when a result is recorded; the stored total is the official one.

What other features may rely on in the `assessment_results` table (models/recovery.py), e.g. the
early-warning rules ("BARC-10 below 47 or down by 5 or more", "AWARE rising"):

* `instrument` — the definition's code, exactly: "BARC-10" or "AWARE" (constants `BARC_10` and `AWARE`
  in services/instruments.py), or an organisation's own code.
* `administered_on` — the day the person answered (a date, never in the future when recorded).
  Order by (`administered_on`, `id`) for "latest"; several results on one day are possible.
* `total` — the integer total with reverse-scored items already reversed. This is the number to
  compare: BARC-10 10–60, higher is better, cut-off 47 (`definition.cut_off.value`, meets it at
  ≥ 47: `definition.meets_cut_off(total)`); AWARE 28–196, higher means more warning signs
  (`definition.direction`).
* `band` — the band label at the time of recording (e.g. "Below 47", "56–69"), for display. Labels
  may be reworded in a definition later, so rules should compare `total`, not `band`.
* `answers` — the answers as given, one per item in item order, NOT reversed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import Database
from ..errors import AftercareError, RecordNotFoundError, ValidationFailed
from ..models import Alumnus, StaffMember
from ..models.enums import AlumniStatus, AuditAction
from ..models.recovery import AssessmentResult
from . import audit
from .audit import Actor
from .sql import no_index
from .instruments import (
    Cadence,
    CutOff,
    Direction,
    InstrumentDefinition,
    add_months,
    load_instruments,
    score,
    whole_months_between,
)
from .validation import Problem

ENTITY = "assessment_result"
RECORDED_FIELDS = ("instrument", "administered_on", "answers", "total", "band")
EARLIEST_DATE = date(1900, 1, 1)
# Above this many ids the filter is applied after the query: an IN list that long is slower than the
# whole (indexed) scan, and SQLite limits the number of bound parameters.
_IN_LIST_LIMIT = 2000


@dataclass(frozen=True)
class AssessmentRecord:
    id: int
    alumnus_id: int
    instrument: str
    administered_on: date
    answers: tuple[int, ...]
    total: int
    band: str | None
    recorded_by: str | None
    created_at: datetime


@dataclass(frozen=True)
class Trend:
    """An alumnus's totals on one instrument over time, ready for a chart (oldest first)."""

    instrument: str
    name: str
    points: tuple[tuple[date, int], ...]
    y_min: int
    y_max: int
    cut_off: CutOff | None
    direction: Direction


class DueAssessment(NamedTuple):
    alumnus_id: int
    instrument: str
    due_on: date


@dataclass(frozen=True)
class InstrumentStatus:
    instrument: str
    latest: AssessmentRecord | None
    trend: Trend
    next_due: date | None


@dataclass(frozen=True)
class AlumnusAssessments:
    """Everything the assessments panel of a profile shows, read in one session."""

    alumnus_id: int
    discharge_date: date | None
    history: list[AssessmentRecord]  # newest first
    instruments: list[InstrumentStatus]  # in the order of the definitions


def due_date(cadence: Cadence | None, discharge_date: date | None, last_given: date | None) -> date | None:
    """When the next administration is due under `cadence` (see resources/instruments/README.md)."""
    if cadence is None or discharge_date is None:
        return None
    if cadence.at_discharge and (last_given is None or last_given < discharge_date):
        return discharge_date
    if last_given is None:
        return add_months(discharge_date, cadence.rules[0].every_months)
    if len(cadence.rules) == 1:  # one interval throughout: no need to count months
        return add_months(last_given, cadence.rules[0].every_months)
    months = whole_months_between(discharge_date, last_given)
    return add_months(last_given, cadence.interval_at(months))


class AssessmentService:
    def __init__(self, database: Database, today: Callable[[], date] = date.today,
                 instruments: Mapping[str, InstrumentDefinition] | None = None):
        self.database = database
        self._today = today
        self._instruments = dict(instruments) if instruments is not None else None

    # -- definitions -----------------------------------------------------------------------------
    @property
    def instruments(self) -> dict[str, InstrumentDefinition]:
        """The definitions by code, loaded on first use (a broken file then raises AftercareError)."""
        if self._instruments is None:
            self._instruments = load_instruments()
        return self._instruments

    def definition(self, code: str) -> InstrumentDefinition:
        try:
            return self.instruments[code]
        except KeyError:
            raise AftercareError(f"There is no assessment instrument with the code {code!r}.") from None

    # -- writing ---------------------------------------------------------------------------------
    def record(self, alumnus_id: int, instrument_code: str, administered_on: date | None,
               answers: Sequence[int | None] | Mapping[int, int | None], actor: Actor) -> AssessmentRecord:
        """Score and store one administration; audited. Raises ValidationFailed for a bad date or answers."""
        definition = self.definition(instrument_code)
        problems = self._check_date(administered_on)
        try:
            result = score(definition, answers)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
            result = None
        if problems:
            raise ValidationFailed(problems)
        with self.database.session() as session:
            if session.get(Alumnus, alumnus_id) is None:
                raise RecordNotFoundError("This alumnus record")
            row = AssessmentResult(
                alumnus_id=alumnus_id,
                instrument=definition.code,
                administered_on=administered_on,
                answers=list(result.answers),
                total=result.total,
                band=result.band.label,
                recorded_by_id=actor.staff_id,
            )
            session.add(row)
            session.flush()
            audit.record(session, actor, AuditAction.CREATE, ENTITY, row.id, RECORDED_FIELDS)
            session.commit()
            return _to_record(row, _staff_name(session, actor.staff_id))

    def _check_date(self, administered_on: date | None) -> list[Problem]:
        if administered_on is None:
            return [Problem("administered_on", "Enter the date the assessment was given.")]
        if administered_on > self._today():
            return [Problem("administered_on", "The date the assessment was given cannot be in the future.")]
        if administered_on < EARLIEST_DATE:
            return [Problem("administered_on", "Check the year of the date the assessment was given.")]
        return []

    # -- reading ---------------------------------------------------------------------------------
    def history(self, alumnus_id: int) -> list[AssessmentRecord]:
        """Every result of the alumnus, newest first."""
        with self.database.session() as session:
            return _history(session, alumnus_id)

    def trend(self, alumnus_id: int, code: str) -> Trend:
        definition = self.definition(code)
        with self.database.session() as session:
            rows = session.execute(
                select(AssessmentResult.administered_on, AssessmentResult.total)
                .where(AssessmentResult.alumnus_id == alumnus_id, AssessmentResult.instrument == code)
                .order_by(AssessmentResult.administered_on, AssessmentResult.id)
            )
            return _trend(definition, [(day, total) for day, total in rows])

    def next_due(self, alumnus_id: int, code: str, discharge_date: date | None) -> date | None:
        definition = self.definition(code)
        with self.database.session() as session:
            last = session.scalar(
                select(func.max(AssessmentResult.administered_on))
                .where(AssessmentResult.alumnus_id == alumnus_id, AssessmentResult.instrument == code)
            )
        return due_date(definition.cadence, discharge_date, last)

    def overview(self, alumnus_id: int, discharge_date: date | None) -> AlumnusAssessments:
        """History, trend, latest result and next due date of every instrument, in one session."""
        definitions = self.instruments
        with self.database.session() as session:
            history = _history(session, alumnus_id)
        statuses = []
        for code, definition in definitions.items():
            mine = [r for r in reversed(history) if r.instrument == code]  # oldest first
            latest = mine[-1] if mine else None
            last_given = max((r.administered_on for r in mine), default=None)
            statuses.append(InstrumentStatus(
                code, latest, _trend(definition, [(r.administered_on, r.total) for r in mine]),
                due_date(definition.cadence, discharge_date, last_given),
            ))
        return AlumnusAssessments(alumnus_id, discharge_date, history, statuses)

    def due_assessments(self, today: date | None = None,
                        alumnus_ids: Iterable[int] | None = None) -> list[DueAssessment]:
        """(alumnus id, instrument code, due date) for every active alumnus due or overdue on `today`.
        Sorted by due date, alumnus, code."""
        make = DueAssessment._make
        return [make((alumnus_id, code, on)) for on, alumnus_id, code in self.due(today, alumnus_ids)]

    def due(self, today: date | None = None,
            alumnus_ids: Iterable[int] | None = None) -> list[tuple[date, int, str]]:
        """`due_assessments` as plain (due date, alumnus id, code) tuples, in that order.

        One query for everyone (the Today page asks for 20,000 alumni): a row per alumnus with the
        discharge date and, per instrument, the latest administration, each found by a look-up in
        ix_assessment_results_alumnus.
        """
        today = today or self._today()
        scheduled = [(code, d.cadence) for code, d in self.instruments.items() if d.cadence is not None]
        if not scheduled:
            return []
        wanted = None if alumnus_ids is None else set(alumnus_ids)
        if wanted is not None and not wanted:
            return []
        latest = [
            select(func.max(AssessmentResult.administered_on))
            .where(AssessmentResult.alumnus_id == Alumnus.id, AssessmentResult.instrument == code)
            .scalar_subquery()
            for code, _ in scheduled
        ]
        query = (
            select(Alumnus.id, Alumnus.discharge_date, *latest)
            .where(no_index(Alumnus.status) == AlumniStatus.ACTIVE, Alumnus.archived_at.is_(None),
                   Alumnus.discharge_date.is_not(None))
        )
        if wanted is not None and len(wanted) <= _IN_LIST_LIMIT:
            query = query.where(Alumnus.id.in_(sorted(wanted)))
        with self.database.session() as session:
            # Plain rows through the connection: no ORM bookkeeping for 20,000 of them.
            rows = session.connection().execute(query).all()
        due: list[tuple[date, int, str]] = []
        # Many alumni share a discharge date, and most of a large caseload have the same few
        # histories (none yet, or on schedule): each (instrument, discharge, last given) is worked out once.
        known: dict[tuple[int, date, date | None], date] = {}
        for alumnus_id, discharge_date, *last_given in rows:
            if wanted is not None and alumnus_id not in wanted:
                continue
            for position, given in enumerate(last_given):
                key = (position, discharge_date, given)
                on = known.get(key)
                if on is None:
                    on = known[key] = due_date(scheduled[position][1], discharge_date, given)
                if on <= today:
                    due.append((on, alumnus_id, scheduled[position][0]))
        due.sort()
        return due


def _history(session: Session, alumnus_id: int) -> list[AssessmentRecord]:
    rows = session.execute(
        select(AssessmentResult, StaffMember.display_name)
        .outerjoin(StaffMember, StaffMember.id == AssessmentResult.recorded_by_id)
        .where(AssessmentResult.alumnus_id == alumnus_id)
        .order_by(AssessmentResult.administered_on.desc(), AssessmentResult.id.desc())
    )
    return [_to_record(row, name) for row, name in rows]


def _trend(definition: InstrumentDefinition, points: list[tuple[date, int]]) -> Trend:
    return Trend(definition.code, definition.name, tuple(points), definition.chart_y_min, definition.chart_y_max,
                 definition.cut_off, definition.direction)


def _staff_name(session: Session, staff_id: int | None) -> str | None:
    if staff_id is None:
        return None
    return session.scalar(select(StaffMember.display_name).where(StaffMember.id == staff_id))


def _to_record(row: AssessmentResult, recorded_by: str | None) -> AssessmentRecord:
    return AssessmentRecord(
        id=row.id,
        alumnus_id=row.alumnus_id,
        instrument=row.instrument,
        administered_on=row.administered_on,
        answers=tuple(row.answers or ()),
        total=row.total,
        band=row.band,
        recorded_by=recorded_by,
        created_at=row.created_at,
    )
