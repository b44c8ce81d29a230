"""The Today page's data: what a caseworker should do today, section by section, with counts.

`TodayService(database, today).load(caseworker_id)` gives a `TodayData`: check-ins overdue and due
soon (by each alumnus's plan cadence, or the team's default), the needs-attention queue of the
early-warning engine, follow-ups due, upcoming milestones and assessments due. `caseworker_id` is "my
caseload"; None is everyone. Only alumni with status "active" that are not archived appear.

The check-in and attention sections come from one gathering of facts (`early_warning.load_caseload`);
milestones come from the sobriety service and assessments due from the assessment service, each of
which reads its own tables in one statement. Rows are plain data: ids, the name and client id to show,
and the dates and numbers the page needs. Nothing here is logged but counts and timings.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, TypeVar

from sqlalchemy import select

from ..db import Database
from ..models import Alumnus, CheckIn
from ..models.enums import CADENCE_DAYS, CheckinCadence
from .assessments import AssessmentService
from .bulk import gc_paused
from .early_warning import (
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
from .sobriety import SobrietyService, UpcomingMilestone
from .sql import no_index
from .team_settings import TeamSettingsValues, stored_values

log = logging.getLogger("aftercare.today")

Row = TypeVar("Row")


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


@dataclass(frozen=True)
class Section(Generic[Row]):
    key: str
    title: str
    rows: tuple[Row, ...]

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
                 today: date) -> tuple[list[CheckinDueRow], list[CheckinDueRow]]:
    """(overdue, due soon): a check-in is due a cadence after the last reached one (or after the
    start of contact), overdue from the day after, and "due soon" from `due_soon_days` before.

    Overdue: the longest overdue first. Due soon: the soonest first.
    """
    horizon = today + timedelta(days=settings.due_soon_days)
    default = settings.default_checkin_cadence
    every = {cadence: timedelta(days=days) for cadence, days in CADENCE_DAYS.items()}
    overdue: list[CheckinDueRow] = []
    due: list[CheckinDueRow] = []
    people = caseload.people
    for facts in caseload.facts:
        cadence = facts.cadence or default
        due_on = (facts.last_reached_on or facts.contact_start) + every[cadence]
        if due_on > horizon:
            continue
        person = people[facts.alumnus_id]
        row = CheckinDueRow(person.id, person.name, person.client_id, due_on, (today - due_on).days,
                            facts.last_reached_on, cadence, facts.cadence is not None)
        (overdue if due_on < today else due).append(row)
    overdue.sort(key=lambda r: (r.due_on, people[r.alumnus_id].sort_name, r.alumnus_id))
    due.sort(key=lambda r: (r.due_on, people[r.alumnus_id].sort_name, r.alumnus_id))
    return overdue, due


class TodayService:
    def __init__(self, database: Database, *, today: Callable[[], date] = date.today,
                 mentors: MentorSource | None = None,
                 sobriety: SobrietyService | None = None, assessments: AssessmentService | None = None):
        self.database = database
        self._today = today
        self._mentors = mentors
        self._sobriety = sobriety or SobrietyService(database, today=today)
        self._assessments = assessments or AssessmentService(database, today=today)

    def load(self, caseworker_id: int | None = None) -> TodayData:
        started = time.perf_counter()
        with gc_paused():
            data, caseload = self._load(caseworker_id)
        keep_digests(self.database, caseload)
        log.info("today page for %s alumni in %.0f ms: %s", len(caseload.facts),
                 (time.perf_counter() - started) * 1000,
                 ", ".join(f"{section.key} {section.count}" for section in data.sections))
        return data

    def _load(self, caseworker_id: int | None) -> tuple[TodayData, Caseload]:
        today = self._today()
        with self.database.session() as session:
            settings = stored_values(session)
            caseload = load_caseload(session, settings, today, CaseloadFilter(caseworker_id), self._mentors)
            follow_ups = self._follow_ups(session, caseload, today, caseworker_id)
        overdue, due = checkins_due(caseload, settings, today)
        attention = queue(caseload, settings, today)
        milestones = self._sobriety.upcoming_milestones(today, settings.milestone_days_ahead, caseworker_id)
        assessments = self._assessments_due(caseload, settings, today, caseworker_id)
        data = TodayData(
            today, caseworker_id,
            Section("overdue", "Check-ins overdue", tuple(overdue)),
            Section("due", "Check-ins due", tuple(due)),
            Section("attention", "Needs attention", tuple(attention)),
            Section("follow_ups", "Follow-ups due", tuple(follow_ups)),
            Section("milestones", "Upcoming milestones", tuple(milestones)),
            Section("assessments", "Assessments due", tuple(assessments)),
        )
        return data, caseload

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

    def _assessments_due(self, caseload: Caseload, settings: TeamSettingsValues, today: date,
                         caseworker_id: int | None) -> list[AssessmentDueRow]:
        """Assessments due by `assessment_days_ahead` days from today (or overdue); soonest first."""
        horizon = today + timedelta(days=settings.assessment_days_ahead)
        wanted = None if caseworker_id is None else list(caseload.people)
        people = caseload.people
        rows = []
        for due_on, alumnus_id, instrument in self._assessments.due(horizon, wanted):
            person = people.get(alumnus_id)
            if person is not None:
                rows.append(AssessmentDueRow(alumnus_id, person.name, person.client_id, instrument, due_on,
                                             (today - due_on).days))
        return rows
