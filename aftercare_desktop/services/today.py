"""The Today page's data: what a caseworker should do today, section by section, with counts.

`TodayService(database, today).load(caseworker_id)` gives a `TodayData`: check-ins overdue and due
soon (by each alumnus's plan cadence, or the team's default), the needs-attention queue of the
early-warning engine, follow-ups due, upcoming milestones and assessments due. `caseworker_id` is "my
caseload"; None is everyone. Only alumni with status "active" that are not archived appear.

Every section comes from one gathering of facts (`early_warning.load_caseload`): the check-in and
attention sections directly; milestones from the caseload's start dates (as
`SobrietyService.upcoming_milestones`, reading only the celebrations) and assessments due from its
discharge dates and newest results (as `AssessmentService.due`, reading only results dated after
today). Rows are plain data: ids, the name and client id to show, and the dates and numbers the page
needs; the long sections (check-ins overdue and due, assessments due) make them when they are first
looked at (`LazyRows`), as a page shows a screenful. Nothing here is logged but counts and timings.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import Generic, TypeVar

from sqlalchemy import func, or_, select

from ..db import Database
from ..models import Alumnus, AssessmentResult, CheckIn
from ..models.enums import CADENCE_DAYS, CheckinCadence
from .assessments import AssessmentService, due_date
from .bulk import LazyRows, gc_paused
from .early_warning import (
    AWARE,
    BARC10,
    AttentionRow,
    Caseload,
    CaseloadFilter,
    MentorSource,
    epoch_seconds,
    keep_digests,
    local_day,
    load_caseload,
    queue,
)
from .sobriety import SobrietyService, UpcomingMilestone, display_name, milestones_by_start
from .sql import no_index
from .team_settings import TeamSettingsValues, stored_values

log = logging.getLogger("aftercare.today")
# Up to this many alumni, a statement names them (a caseworker's caseload); more, it reads everyone's.
_IN_LIST_LIMIT = 2_000

Row = TypeVar("Row")
_DUE_DAYS_KEPT = 200_000
# The same days ask for the same dates (a few thousand date sums); the result is only read here.
_milestones_by_start = lru_cache(maxsize=4)(milestones_by_start)
_FIRST_THREE = itemgetter(0, 1, 2)  # due date, sort name, alumnus id: unique, so a total order


@dataclass(frozen=True, slots=True)
class CheckinDueRow:
    alumnus_id: int
    name: str
    client_id: str
    due_on: date
    days_overdue: int  # 0: due today; negative: due in that many days
    last_reached_on: date | None  # None: never reached
    cadence: CheckinCadence
    cadence_from_plan: bool  # False: the team's default for alumni without a plan


@dataclass(frozen=True, slots=True)
class FollowUpRow:
    check_in_id: int
    alumnus_id: int
    name: str
    client_id: str
    due_on: date
    days_overdue: int  # 0: due today
    checked_in_on: date  # the check-in that asked for the follow-up


@dataclass(frozen=True, slots=True)
class AssessmentDueRow:
    alumnus_id: int
    name: str
    client_id: str
    instrument: str  # the instrument code, e.g. "BARC-10"
    due_on: date
    days_overdue: int  # 0: due today; negative: due in that many days


# The sections' titles, by key: the page shows them before the lists arrive (or when they cannot).
SECTION_TITLES = {
    "overdue": "Check-ins overdue",
    "due": "Check-ins due",
    "attention": "Needs attention",
    "follow_ups": "Follow-ups due",
    "milestones": "Upcoming milestones",
    "assessments": "Assessments due",
}


@dataclass(frozen=True)
class Section(Generic[Row]):
    key: str
    title: str
    rows: Sequence[Row]  # a tuple, or LazyRows for the long sections

    @property
    def count(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class TodayData:
    today: date
    caseworker_id: int | None
    overdue: Section[CheckinDueRow]
    due: Section[CheckinDueRow]
    attention: Section[AttentionRow]
    follow_ups: Section[FollowUpRow]
    milestones: Section[UpcomingMilestone]
    assessments: Section[AssessmentDueRow]

    @property
    def sections(self) -> tuple[Section, ...]:
        """In the order the page shows them."""
        return (self.overdue, self.due, self.attention, self.follow_ups, self.milestones, self.assessments)


def checkins_due(caseload: Caseload, settings: TeamSettingsValues,
                 today: date) -> tuple[Sequence[CheckinDueRow], Sequence[CheckinDueRow]]:
    """(overdue, due soon): a check-in is due a cadence after the last reached one (or after the
    start of contact), overdue from the day after, and "due soon" from `due_soon_days` before.

    Overdue: the longest overdue first. Due soon: the soonest first. Rows are made when asked for.
    """
    horizon = today + timedelta(days=settings.due_soon_days)
    default = settings.default_checkin_cadence
    every = {cadence: timedelta(days=days) for cadence, days in CADENCE_DAYS.items()}
    people = caseload.people
    overdue: list[tuple] = []
    due: list[tuple] = []
    # The rows are made from these keys and `people` alone: the facts need not outlive the load.
    for f in caseload.facts:
        due_on = (f.last_reached_on or f.contact_start) + every[f.cadence or default]
        if due_on <= horizon:
            (overdue if due_on < today else due).append(
                (due_on, people[f.alumnus_id].sort_name, f.alumnus_id, f.last_reached_on, f.cadence))
    overdue.sort(key=_FIRST_THREE)
    due.sort(key=_FIRST_THREE)

    def rows(keys: list[tuple]) -> LazyRows[CheckinDueRow]:
        def make(position: int) -> CheckinDueRow:
            due_on, _, alumnus_id, last_reached_on, cadence = keys[position]
            person = people[alumnus_id]
            return CheckinDueRow(person.id, person.name, person.client_id, due_on, (today - due_on).days,
                                 last_reached_on, cadence or default, cadence is not None)
        return LazyRows(len(keys), make)

    return rows(overdue), rows(due)


class TodayService:
    def __init__(self, database: Database, *, today: Callable[[], date] = date.today,
                 mentors: MentorSource | None = None,
                 sobriety: SobrietyService | None = None, assessments: AssessmentService | None = None):
        self.database = database
        self._today = today
        self._mentors = mentors
        self._sobriety = sobriety or SobrietyService(database, today=today)
        self._assessments = assessments or AssessmentService(database, today=today)
        # When an instrument is next due, by (code, discharge date, last given): the same few
        # thousand pairs from one load to the next, each worked out once (see `_assessments_due`).
        self._due_days: dict[tuple[str, date | None, date | None], int] = {}

    def load(self, caseworker_id: int | None = None) -> TodayData:
        started = time.perf_counter()
        with gc_paused():
            # Only the rows outlive the pause (the caseload's facts are gone when `_load` returns):
            # the collector walks every object made in it that is still there when it resumes.
            data, alumni, undigested = self._load(caseworker_id)
        keep_digests(self.database, undigested)
        log.info("today page for %s alumni in %.0f ms: %s", alumni,
                 (time.perf_counter() - started) * 1000,
                 ", ".join(f"{section.key} {section.count}" for section in data.sections))
        return data

    def _load(self, caseworker_id: int | None) -> tuple[TodayData, int, tuple[int, ...]]:
        today = self._today()
        with self.database.session() as session:
            settings = stored_values(session)
            caseload = load_caseload(session, settings, today, CaseloadFilter(caseworker_id), self._mentors)
            follow_ups = self._follow_ups(session, caseload, today, caseworker_id)
            milestones = self._milestones(session, caseload, today, settings.milestone_days_ahead)
            assessments = self._assessments_due(session, caseload, settings, today)
        overdue, due = checkins_due(caseload, settings, today)
        attention = queue(caseload, settings, today)
        data = TodayData(
            today, caseworker_id,
            Section("overdue", SECTION_TITLES["overdue"], overdue),
            Section("due", SECTION_TITLES["due"], due),
            Section("attention", SECTION_TITLES["attention"], tuple(attention)),
            Section("follow_ups", SECTION_TITLES["follow_ups"], tuple(follow_ups)),
            Section("milestones", SECTION_TITLES["milestones"], tuple(milestones)),
            Section("assessments", SECTION_TITLES["assessments"], assessments),
        )
        return data, len(caseload.facts), caseload.undigested

    @staticmethod
    def _follow_ups(session, caseload: Caseload, today: date, caseworker_id: int | None) -> list[FollowUpRow]:
        """Follow-ups asked for at a check-in, due by today and not done; the oldest first."""
        c = CheckIn.__table__.c
        query = (
            select(c.id, c.alumnus_id, c.follow_up_due, epoch_seconds(c.occurred_at))
            .select_from(CheckIn.__table__.join(Alumnus.__table__, Alumnus.__table__.c.id == c.alumnus_id))
            # Through the due dates so far (a range of ix_check_ins_follow_up); given "done IS NULL" too,
            # SQLite's planner skips through every distinct due date, the million without one included.
            .where(c.follow_up_due <= today, no_index(c.follow_up_done_at).is_(None),
                   *CaseloadFilter(caseworker_id).conditions())
            .order_by(c.follow_up_due, c.id)
        )
        rows = []
        for check_in_id, alumnus_id, due_on, at in session.execute(query):
            person = caseload.people.get(alumnus_id)
            if person is not None:
                rows.append(FollowUpRow(check_in_id, alumnus_id, person.name, person.client_id, due_on,
                                        (today - due_on).days, local_day(at)))
        return rows

    def _milestones(self, session, caseload: Caseload, today: date, days: int) -> list[UpcomingMilestone]:
        """`SobrietyService.upcoming_milestones` for the caseload already read: the same alumni (active,
        not archived, the caseworker's), their start dates at hand; only the celebrations are read."""
        by_start = _milestones_by_start(today, today + timedelta(days=max(days, 0)))
        found = []
        for person in caseload.people.values():
            for milestone in by_start.get(person.sobriety_start_date, ()):
                found.append(UpcomingMilestone(
                    person.id, person.client_id, display_name(person.first_name, person.last_name, person.preferred_name),
                    person.caseworker_id, person.sobriety_start_date, milestone, (milestone.on - today).days))
        found = self._sobriety.uncelebrated(session, found)
        found.sort(key=lambda m: (m.milestone.on, m.name.casefold(), m.alumnus_id))
        return found

    def _assessments_due(self, session, caseload: Caseload, settings: TeamSettingsValues,
                         today: date) -> LazyRows[AssessmentDueRow]:
        """Assessments due by `assessment_days_ahead` days from today (or overdue); soonest first.

        As `AssessmentService.due`, from the caseload already read: its discharge dates, and the
        newest BARC-10 and AWARE up to today; only results dated after today (a slip of a date, rare)
        and instruments the caseload does not carry are read here, in one statement.
        """
        import numpy as np  # not at start-up

        horizon = today + timedelta(days=settings.assessment_days_ahead)
        scheduled = [(code, d.cadence) for code, d in self._assessments.instruments.items() if d.cadence is not None]
        people, facts = caseload.people, caseload.facts
        if not scheduled or not facts:
            return LazyRows(0, lambda _: None)
        ids = [f.alumnus_id for f in facts]
        discharged = [people[alumnus_id].discharge_date for alumnus_id in ids]
        r = AssessmentResult.__table__.c
        carried = {BARC10: "barc10", AWARE: "aware"}
        query = (
            select(r.alumnus_id, r.instrument, func.max(r.administered_on))
            .where(r.instrument.in_([code for code, _ in scheduled]),
                   or_(r.administered_on > today, r.instrument.not_in(list(carried))))
            .group_by(r.alumnus_id, r.instrument)
        )
        if len(ids) <= _IN_LIST_LIMIT:
            query = query.where(r.alumnus_id.in_(ids))
        read: dict[tuple[int, str], date] = {(a, code): on for a, code, on in session.execute(query)}
        never = date.max.toordinal() + 1
        due_on, alumni, instruments = [], [], []
        for position, (code, cadence) in enumerate(scheduled):
            attribute = carried.get(code)
            if attribute is not None:
                latest = [getattr(f, attribute) for f in facts]
                given = [results[0].on if results else None for results in latest]
            else:
                given = [None] * len(ids)
            if read:
                given = [max(filter(None, (on, read.get((alumnus_id, code)))), default=None)
                         for alumnus_id, on in zip(ids, given, strict=True)]
            # Given after `recently`, the next one is due after the horizon (a month is 28 days or more),
            # unless it was before discharge and the instrument is given at discharge.
            recently = horizon - timedelta(days=28 * min(rule.every_months for rule in cadence.rules))
            # Many alumni share a discharge date and the same few histories: each pair is worked out
            # once, and kept for the next load (the definitions are this service's for its lifetime).
            known = self._due_days
            if len(known) > _DUE_DAYS_KEPT:
                known.clear()
            days = []
            for discharge_date, last_given in zip(discharged, given, strict=True):
                if (last_given is not None and last_given > recently and discharge_date is not None
                        and not (cadence.at_discharge and last_given < discharge_date)):
                    days.append(never)
                    continue
                key = (code, discharge_date, last_given)
                on = known.get(key)
                if on is None:
                    when = due_date(cadence, discharge_date, last_given)
                    on = known[key] = never if when is None else when.toordinal()
                days.append(on)
            due_on.append(np.array(days, np.int64))
            alumni.append(np.array(ids, np.int64))
            instruments.append(np.full(len(ids), position, np.int64))
        on_day, alumnus, instrument = np.concatenate(due_on), np.concatenate(alumni), np.concatenate(instruments)
        wanted = np.flatnonzero(on_day <= horizon.toordinal())
        # By due date, then alumnus id, then instrument code (as `AssessmentService.due` sorts).
        codes = np.array([code for code, _ in scheduled])
        order = wanted[np.lexsort((codes[instrument[wanted]], alumnus[wanted], on_day[wanted]))]
        on_day, alumnus, instrument = on_day[order].tolist(), alumnus[order].tolist(), instrument[order].tolist()
        today_number = today.toordinal()

        def make(position: int) -> AssessmentDueRow:
            person = people[alumnus[position]]
            day = on_day[position]
            return AssessmentDueRow(person.id, person.name, person.client_id, scheduled[instrument[position]][0],
                                    date.fromordinal(day), today_number - day)
        return LazyRows(len(order), make)
