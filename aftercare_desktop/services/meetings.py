"""Support-meeting attendance, and how it compares with what the aftercare plan expects.

The attendance window of `weeks` weeks ends today and includes it: for 4 weeks on 2026-06-15 that is
2026-05-19 … 2026-06-15 (28 days). The plan's expectation is the sum of `per_week` over the active
plan's meetings; when the plan started inside the window, only the days since its start are
expected (per_week × days ÷ 7, rounded half up), so a plan made last Tuesday does not count as four
weeks of missed meetings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import func, select

from ..db import Database
from ..errors import RecordNotFoundError, ValidationFailed
from ..models import AftercarePlan, Alumnus, MeetingAttendance, PlanMeeting, StaffMember
from ..models.enums import AuditAction, MeetingKind, PlanStatus
from . import audit
from .audit import Actor
from .validation import Problem

ENTITY = "meeting_attendance"
MAX_NOTE = 300
MAX_AGE_DAYS = 366
ID_CHUNK = 1_000


@dataclass
class MeetingData:
    met_on: date
    kind: MeetingKind
    attended: bool = True
    verified: bool = False  # False: self-reported
    note: str | None = None


@dataclass(frozen=True)
class MeetingRecord:
    id: int
    alumnus_id: int
    met_on: date
    kind: MeetingKind
    attended: bool
    verified: bool
    note: str | None
    recorded_by: str | None


class AttendanceRate(NamedTuple):
    attended: int
    expected: int

    @property
    def shortfall(self) -> int:
        return max(self.expected - self.attended, 0)


def window(today: date, weeks: int) -> tuple[date, date]:
    """First and last day of the attendance window (both included)."""
    return today - timedelta(days=7 * weeks - 1), today


def expected_meetings(per_week: int, plan_start: date | None, today: date, weeks: int) -> int:
    """Meetings the plan expects in the window, counting only the days since the plan started."""
    first, last = window(today, weeks)
    start = max(first, plan_start) if plan_start else first
    days = (last - start).days + 1
    if days <= 0 or per_week <= 0:
        return 0
    return (2 * per_week * days + 7) // 14  # per_week × days / 7, rounded half up, in integers


def check_meeting(data: MeetingData, today: date) -> list[Problem]:
    problems: list[Problem] = []
    met_on = getattr(data, "met_on", None)
    if not isinstance(met_on, date) or isinstance(met_on, datetime):
        problems.append(Problem("met_on", "Enter the date of the meeting"))
    elif met_on > today:
        problems.append(Problem("met_on", "The meeting date can't be in the future"))
    elif (today - met_on).days > MAX_AGE_DAYS:
        problems.append(Problem("met_on", "The meeting is more than a year ago; check the year"))
    try:
        MeetingKind(getattr(data, "kind", None))
    except ValueError:
        problems.append(Problem("kind", "Choose the kind of meeting"))
    for name in ("attended", "verified"):
        if not isinstance(getattr(data, name, None), bool):
            problems.append(Problem(name, "Answer yes or no"))
    note = getattr(data, "note", None)
    if note is not None and (not isinstance(note, str) or len(note.strip()) > MAX_NOTE):
        problems.append(Problem("note", f"The note may be at most {MAX_NOTE} characters"))
    return problems


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for offset in range(0, len(ids), ID_CHUNK):
        yield ids[offset:offset + ID_CHUNK]


class MeetingService:
    def __init__(self, database: Database, *, today: Callable[[], date] = date.today):
        self.database = database
        self._today = today

    def log(self, alumnus_id: int, data: MeetingData, actor: Actor) -> MeetingRecord:
        problems = check_meeting(data, self._today())
        if problems:
            raise ValidationFailed(problems)
        note = (data.note or "").strip() or None
        with self.database.session() as session:
            if session.scalar(select(Alumnus.id).where(Alumnus.id == alumnus_id)) is None:
                raise RecordNotFoundError("This alumnus record")
            row = MeetingAttendance(alumnus_id=alumnus_id, met_on=data.met_on, kind=MeetingKind(data.kind),
                                    attended=data.attended, verified=data.verified, note=note,
                                    recorded_by_id=actor.staff_id)
            session.add(row)
            session.flush()
            audit.record(session, actor, AuditAction.CREATE, ENTITY, row.id,
                         ["met_on", "kind", "attended", "verified"] + (["note"] if note else []))
            session.commit()
            name = session.scalar(select(StaffMember.display_name).where(StaffMember.id == actor.staff_id)) \
                if actor.staff_id else None
            return MeetingRecord(row.id, alumnus_id, row.met_on, row.kind, row.attended, row.verified, note, name)

    def meetings(self, alumnus_id: int, limit: int = 200) -> list[MeetingRecord]:
        """Logged meetings, newest first."""
        with self.database.session() as session:
            rows = session.execute(
                select(MeetingAttendance, StaffMember.display_name)
                .outerjoin(StaffMember, StaffMember.id == MeetingAttendance.recorded_by_id)
                .where(MeetingAttendance.alumnus_id == alumnus_id)
                .order_by(MeetingAttendance.met_on.desc(), MeetingAttendance.id.desc())
                .limit(limit)
            )
            return [MeetingRecord(m.id, m.alumnus_id, m.met_on, m.kind, m.attended, m.verified, m.note, name)
                    for m, name in rows]

    def in_period(self, alumnus_id: int, first: date, last: date) -> list[MeetingRecord]:
        """Logged meetings from `first` to `last` (both included), oldest first."""
        m = MeetingAttendance
        with self.database.session() as session:
            # Columns, not entities: a year of meetings is hundreds of rows.
            rows = session.execute(
                select(m.id, m.alumnus_id, m.met_on, m.kind, m.attended, m.verified, m.note, StaffMember.display_name)
                .outerjoin(StaffMember, StaffMember.id == m.recorded_by_id)
                .where(m.alumnus_id == alumnus_id, m.met_on >= first, m.met_on <= last)
                .order_by(m.met_on, m.id)
            )
            return [MeetingRecord(*row) for row in rows]

    def expected_per_week(self, alumnus_id: int) -> int:
        """Meetings a week the active plan expects (0 without a plan or meetings in it)."""
        with self.database.session() as session:
            plans = self._plans(session, [alumnus_id])
        return plans.get(alumnus_id, (None, 0))[1]

    def attendance_rate(self, alumnus_id: int, weeks: int = 4) -> AttendanceRate:
        """(attended, expected) over the last `weeks` weeks against the active plan."""
        return self.attendance_rates([alumnus_id], weeks)[alumnus_id]

    def attendance_rates(self, alumnus_ids: Iterable[int] | None = None, weeks: int = 4) -> dict[int, AttendanceRate]:
        """`attendance_rate` for many alumni at once: two grouped statements per 1,000 ids.

        Without ids, every alumnus with an active plan or a meeting in the window is included;
        anyone missing from the answer has (0, 0).
        """
        today = self._today()
        first, last = window(today, weeks)
        attended_query = (
            select(MeetingAttendance.alumnus_id, func.count())
            .where(MeetingAttendance.attended.is_(True), MeetingAttendance.met_on >= first,
                   MeetingAttendance.met_on <= last)
            .group_by(MeetingAttendance.alumnus_id)
        )
        with self.database.session() as session:
            if alumnus_ids is None:
                attended = dict(session.execute(attended_query).all())
                plans = self._plans(session, None)
                ids = set(attended) | set(plans)
            else:
                ids = set(alumnus_ids)
                attended, plans = {}, {}
                for chunk in _chunks(sorted(ids)):
                    attended.update(session.execute(
                        attended_query.where(MeetingAttendance.alumnus_id.in_(chunk))).all())
                    plans.update(self._plans(session, chunk))
        result = {}
        for alumnus_id in ids:
            plan_start, per_week = plans.get(alumnus_id, (None, 0))
            expected = expected_meetings(per_week, plan_start, today, weeks) if per_week else 0
            result[alumnus_id] = AttendanceRate(attended.get(alumnus_id, 0), expected)
        return result

    @staticmethod
    def _plans(session, alumnus_ids: list[int] | None) -> dict[int, tuple[date, int]]:
        """Start date and meetings a week of each active plan, by alumnus."""
        query = (
            select(AftercarePlan.alumnus_id, AftercarePlan.start_date, func.coalesce(func.sum(PlanMeeting.per_week), 0))
            .outerjoin(PlanMeeting, PlanMeeting.plan_id == AftercarePlan.id)
            .where(AftercarePlan.status == PlanStatus.ACTIVE)
            .group_by(AftercarePlan.id, AftercarePlan.alumnus_id, AftercarePlan.start_date)
        )
        if alumnus_ids is not None:
            query = query.where(AftercarePlan.alumnus_id.in_(alumnus_ids))
        return {alumnus_id: (start, int(per_week)) for alumnus_id, start, per_week in session.execute(query)}
