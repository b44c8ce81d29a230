"""Days sober, milestones worth celebrating, and the history of the sobriety date.

Conventions (the tests hold them at their boundaries):

- The sobriety start date is the first day without use. Days sober on `today` is
  `(today - start).days`: the start day is day 0, and "30 days" is reached on start + 30.
- A return to use on day D moves the start date to D + 1, the first full day without use after it.
  The date only ever moves forward through a recurrence: one reported late, dated before the current
  start, is recorded as an event and leaves the date where it is.
- A *correction* fixes a wrong date (a typo, a date learned later). It is a different action: it
  needs a reason, records no recurrence event, and may move the date either way.
- Milestones: 30, 60 and 90 days; 6 and 9 months; 1 year; 18 months; then every year. Month and year
  milestones fall on the same day of the month n months after the start; when that month is shorter,
  on its last day. So 6 months after 2026-01-31 is 2026-07-31, after 2026-08-31 it is 2027-02-28, and a
  year after 2024-02-29 is 2025-02-28. Each is counted from the start date itself, never chained, so
  four years after 2024-02-29 is 2028-02-29 again.
- A milestone belongs to the start date it was counted from: after a recurrence the count starts
  again, and what was celebrated before stays in the history.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from ..db import Database
from ..errors import AftercareError, ConcurrentEditError, RecordNotFoundError, ValidationFailed
from ..models import Alumnus, CheckIn, MilestoneCelebration, RecurrenceEvent, SobrietyDateChange, StaffMember, utcnow
from ..models.enums import AlumniStatus, AuditAction, RecurrenceKind, SobrietyChangeKind, label
from . import audit
from .audit import Actor
from .validation import Problem

ALUMNUS = "alumnus"
RECURRENCE = "recurrence_event"
CELEBRATION = "milestone_celebration"

# Fixed milestones before the yearly ones: (key, months, days).
_FIXED = (("30d", 0, 30), ("60d", 0, 60), ("90d", 0, 90), ("6m", 6, 0), ("9m", 9, 0), ("1y", 12, 0),
          ("18m", 18, 0))
# The upcoming list looks this many years back for yearly milestones (nobody is sober for longer).
MAX_YEARS = 100
# A team may celebrate a little before the day (at the weekly group meeting before it).
CELEBRATE_EARLY_DAYS = 14
UPCOMING_DAYS = 14
LIMITS = {"substance": 80, "response_plan": 4000, "reason": 400, "how": 300}
ID_CHUNK = 1_000
MAX_DATE_PARAMETERS = 5_000


# -- arithmetic ---------------------------------------------------------------------------------------
def add_months(start: date, months: int) -> date:
    """The same day of the month `months` later; the month's last day when that month is shorter."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def days_sober(start: date | None, today: date) -> int | None:
    """Whole days since the start date (0 on the start day; never negative). None when unknown."""
    if start is None:
        return None
    return max((today - start).days, 0)


@dataclass(frozen=True)
class Milestone:
    key: str  # "30d", "6m", "1y", "18m", "2y" … as stored with a celebration
    label: str  # "30 days", "6 months", "1 year" …
    on: date  # the day it is reached


def _label(key: str) -> str:
    number, unit = int(key[:-1]), key[-1]
    words = {"d": ("day", "days"), "m": ("month", "months"), "y": ("year", "years")}[unit]
    return f"{number} {words[0] if number == 1 else words[1]}"


def _milestone(start: date, key: str, months: int, days: int) -> Milestone:
    on = add_months(start, months) if months else start + timedelta(days=days)
    return Milestone(key, _label(key), on)


def iter_milestones(start: date) -> Iterator[Milestone]:
    """Every milestone counted from `start`, in order, without end."""
    for key, months, days in _FIXED:
        yield _milestone(start, key, months, days)
    years = 2
    while True:
        yield _milestone(start, f"{years}y", 12 * years, 0)
        years += 1


def milestone_for(start: date, key: str) -> Milestone:
    """The milestone named `key` counted from `start`. Raises AftercareError for an unknown key."""
    for fixed_key, months, days in _FIXED:
        if key == fixed_key:
            return _milestone(start, key, months, days)
    if len(key) >= 2 and key.endswith("y") and key[:-1].isdigit() and 2 <= int(key[:-1]) <= MAX_YEARS:
        return _milestone(start, key, 12 * int(key[:-1]), 0)
    raise AftercareError(f"'{key}' is not a milestone.")


@dataclass(frozen=True)
class MilestoneProgress:
    start: date
    days_sober: int
    reached: tuple[Milestone, ...]  # oldest first
    next: Milestone

    @property
    def latest(self) -> Milestone | None:
        return self.reached[-1] if self.reached else None


def milestones(start: date, today: date) -> MilestoneProgress:
    """The milestones reached by `today` (a milestone is reached on its day) and the next one."""
    reached: list[Milestone] = []
    for milestone in iter_milestones(start):
        if milestone.on > today:
            return MilestoneProgress(start, days_sober(start, today) or 0, tuple(reached), milestone)
        reached.append(milestone)
    raise AssertionError("unreachable: milestones never end")


def _kinds() -> Iterator[tuple[str, int, int]]:
    yield from _FIXED
    for years in range(2, MAX_YEARS + 1):
        yield f"{years}y", 12 * years, 0


def _start_ranges(first: date, last: date) -> Iterator[tuple[str, int, int, date, date]]:
    """For each kind of milestone, the start dates whose milestone of that kind may fall in
    [first, last] — a little wider than exact, because month-end clamping maps up to three start
    days onto one milestone day."""
    slack = timedelta(days=3)
    for key, months, days in _kinds():
        if months:
            yield key, months, days, add_months(first, -months) - slack, add_months(last, -months) + slack
        else:
            yield key, months, days, first - timedelta(days=days), last - timedelta(days=days)


def milestones_by_start(first: date, last: date) -> dict[date, list[Milestone]]:
    """Every start date with a milestone from `first` to `last` (both included), and those milestones
    in order. A few thousand date sums, whatever the number of alumni."""
    found: dict[date, list[Milestone]] = {}
    for key, months, days, low, high in _start_ranges(first, last):
        if high < date(1900, 1, 1):
            continue
        start = max(low, date(1900, 1, 1))
        while start <= high:
            milestone = _milestone(start, key, months, days)
            if first <= milestone.on <= last:
                found.setdefault(start, []).append(milestone)
            start += timedelta(days=1)
    return found


# -- plain data for the UI ---------------------------------------------------------------------------
@dataclass(frozen=True)
class UpcomingMilestone:
    alumnus_id: int
    client_id: str
    name: str
    caseworker_id: int | None
    sobriety_start_date: date
    milestone: Milestone
    days_until: int  # 0: today; negative: passed and not yet celebrated


@dataclass(frozen=True)
class CelebrationRecord:
    id: int
    alumnus_id: int
    sobriety_start_date: date
    milestone: str
    label: str
    celebrated_on: date
    how: str | None
    recorded_by: str | None


@dataclass(frozen=True)
class RecurrenceRecord:
    id: int
    alumnus_id: int
    occurred_on: date
    substance: str | None
    kind: RecurrenceKind
    response_plan: str | None
    check_in_id: int | None
    recorded_by: str | None


@dataclass(frozen=True)
class SobrietyChangeRecord:
    id: int
    alumnus_id: int
    kind: SobrietyChangeKind
    old_date: date | None
    new_date: date | None
    reason: str | None
    changed_at: datetime  # UTC
    changed_by: str | None


@dataclass(frozen=True)
class RecurrenceOutcome:
    recurrence: RecurrenceRecord
    old_date: date | None
    new_date: date | None
    moved: bool  # False when a late report was dated before the current start date
    row_version: int


@dataclass(frozen=True)
class CorrectionOutcome:
    change: SobrietyChangeRecord
    row_version: int


@dataclass(frozen=True)
class SobrietySummary:
    """What the profile shows at the top: the count, the milestones, what is left to celebrate."""

    alumnus_id: int
    name: str
    row_version: int
    start: date | None
    days_sober: int | None
    progress: MilestoneProgress | None
    celebrated: tuple[CelebrationRecord, ...]  # for the current start date, newest first
    # Not yet celebrated: the next milestone when it is close enough to celebrate early, and the latest
    # one reached; newest first.
    to_celebrate: tuple[Milestone, ...]
    last_recurrence: RecurrenceRecord | None


def display_name(first: str, last: str, preferred: str | None) -> str:
    return f"{preferred or first} {last}".strip()


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None


class SobrietyService:
    def __init__(self, database: Database, *, today: Callable[[], date] = date.today):
        self.database = database
        self._today = today

    # -- reading ---------------------------------------------------------------------------------
    def summary(self, alumnus_id: int) -> SobrietySummary:
        today = self._today()
        with self.database.session() as session:
            row = session.execute(
                select(Alumnus.id, Alumnus.first_name, Alumnus.last_name, Alumnus.preferred_name,
                       Alumnus.row_version, Alumnus.sobriety_start_date).where(Alumnus.id == alumnus_id)
            ).first()
            if row is None:
                raise RecordNotFoundError("This alumnus record")
            start = row.sobriety_start_date
            celebrated: tuple[CelebrationRecord, ...] = ()
            if start is not None:
                celebrated = tuple(c for c in self._celebrations(session, alumnus_id) if c.sobriety_start_date == start)
            last = self._recurrences(session, alumnus_id, limit=1)
        progress = milestones(start, today) if start is not None else None
        to_celebrate: tuple[Milestone, ...] = ()
        if progress is not None:
            # The coming one when it is close, and the latest one reached: older ones are moot by now.
            done = {c.milestone for c in celebrated}
            candidates = []
            if (progress.next.on - today).days <= CELEBRATE_EARLY_DAYS:
                candidates.append(progress.next)
            if progress.latest is not None:
                candidates.append(progress.latest)
            to_celebrate = tuple(m for m in candidates if m.key not in done)
        return SobrietySummary(
            alumnus_id, display_name(row.first_name, row.last_name, row.preferred_name), row.row_version, start,
            days_sober(start, today), progress, celebrated, to_celebrate, last[0] if last else None,
        )

    def recurrences(self, alumnus_id: int) -> list[RecurrenceRecord]:
        """Every recorded return to use, newest first."""
        with self.database.session() as session:
            return self._recurrences(session, alumnus_id)

    def celebrations(self, alumnus_id: int) -> list[CelebrationRecord]:
        """Every celebrated milestone, for any start date, newest first."""
        with self.database.session() as session:
            return self._celebrations(session, alumnus_id)

    def sobriety_history(self, alumnus_id: int) -> list[SobrietyChangeRecord]:
        """Every move of the sobriety date, recurrences and corrections alike, newest first."""
        with self.database.session() as session:
            staff = aliased(StaffMember)
            rows = session.execute(
                select(SobrietyDateChange, staff.display_name)
                .outerjoin(staff, staff.id == SobrietyDateChange.changed_by_id)
                .where(SobrietyDateChange.alumnus_id == alumnus_id)
                .order_by(SobrietyDateChange.changed_at.desc(), SobrietyDateChange.id.desc())
            )
            return [_change_record(change, name) for change, name in rows]

    def upcoming_milestones(
        self, today: date | None = None, days: int = UPCOMING_DAYS, caseworker_id: int | None = None,
        *, past_days: int = 0,
    ) -> list[UpcomingMilestone]:
        """Milestones of active, non-archived alumni from `today - past_days` to `today + days`,
        leaving out those already celebrated; soonest first.

        Set-based whatever the number of alumni: one statement for the alumni whose start date gives
        a milestone in the window (the dates are worked out first, see `milestones_by_start`), then
        their celebrations in chunks of 1,000 ids.
        """
        today = today or self._today()
        first, last = today - timedelta(days=max(past_days, 0)), today + timedelta(days=max(days, 0))
        by_start = milestones_by_start(first, last)
        start = Alumnus.sobriety_start_date
        # The status is checked here rather than in SQL: given a status condition, SQLite walks the
        # status index and fetches most of the table row by row, several times slower than one scan
        # with the date test. (ix_alumni_sobriety_start_date, migration 0004, serves a short window;
        # given the 1,600 start dates of the 14 days ahead SQLite's planner scans the table instead,
        # 10 ms for 20,000 alumni. The Today page reads them from its caseload, see services/today.py.)
        query = select(Alumnus.id, Alumnus.client_id, Alumnus.first_name, Alumnus.last_name,
                       Alumnus.preferred_name, Alumnus.caseworker_id, Alumnus.status, start).where(
            Alumnus.archived_at.is_(None), start.is_not(None),
        )
        # The exact start dates go to the database; a very long window would need too many
        # parameters, and is filtered here instead.
        if len(by_start) <= MAX_DATE_PARAMETERS:
            query = query.where(start.in_(sorted(by_start)))
        if caseworker_id is not None:
            query = query.where(Alumnus.caseworker_id == caseworker_id)
        found: list[UpcomingMilestone] = []
        with self.database.session() as session:
            for row in session.execute(query):
                if row.status != AlumniStatus.ACTIVE:
                    continue
                name = None
                for milestone in by_start.get(row.sobriety_start_date, ()):
                    name = name or display_name(row.first_name, row.last_name, row.preferred_name)
                    found.append(UpcomingMilestone(
                        row.id, row.client_id, name, row.caseworker_id, row.sobriety_start_date, milestone,
                        (milestone.on - today).days,
                    ))
            found = self.uncelebrated(session, found)
        found.sort(key=lambda m: (m.milestone.on, m.name.casefold(), m.alumnus_id))
        return found

    # -- writing ---------------------------------------------------------------------------------
    def celebrate(
        self, alumnus_id: int, milestone: str | Milestone, celebrated_on: date, how: str | None, actor: Actor
    ) -> CelebrationRecord:
        """Mark a milestone of the current sobriety date as celebrated (when and how)."""
        key = milestone.key if isinstance(milestone, Milestone) else str(milestone)
        how = _clean(how)
        today = self._today()
        with self.database.session() as session:
            start = session.scalar(select(Alumnus.sobriety_start_date).where(Alumnus.id == alumnus_id))
            if start is None:
                if session.scalar(select(Alumnus.id).where(Alumnus.id == alumnus_id)) is None:
                    raise RecordNotFoundError("This alumnus record")
                raise AftercareError("There is no sobriety date to count milestones from.")
            target = milestone_for(start, key)
            problems = []
            if celebrated_on > today:
                problems.append(Problem("celebrated_on", "The celebration date is in the future"))
            elif celebrated_on < target.on - timedelta(days=CELEBRATE_EARLY_DAYS):
                problems.append(Problem(
                    "celebrated_on",
                    f"{target.label} is reached on {target.on.isoformat()}; a celebration can be at most "
                    f"{CELEBRATE_EARLY_DAYS} days before that"))
            if how and len(how) > LIMITS["how"]:
                problems.append(Problem("how", f"How it was celebrated: at most {LIMITS['how']} characters"))
            if problems:
                raise ValidationFailed(problems)
            if (alumnus_id, start, key) in self._celebrated_keys(session, {alumnus_id}):
                raise AftercareError(f"{target.label} has already been celebrated.")
            row = MilestoneCelebration(alumnus_id=alumnus_id, sobriety_start_date=start, milestone=key,
                                       celebrated_on=celebrated_on, how=how, recorded_by_id=actor.staff_id)
            session.add(row)
            session.flush()
            audit.record(session, actor, AuditAction.CREATE, CELEBRATION, row.id,
                         ["milestone", "celebrated_on", "how", "sobriety_start_date"])
            session.commit()
            return CelebrationRecord(row.id, alumnus_id, start, key, target.label, celebrated_on, how,
                                     _staff_name(session, actor.staff_id))

    def record_recurrence(
        self,
        alumnus_id: int,
        row_version: int,
        occurred_on: date,
        substance: str | None,
        kind: RecurrenceKind,
        response_plan: str | None,
        actor: Actor,
        check_in_id: int | None = None,
    ) -> RecurrenceOutcome:
        """Record a return to use; the sobriety date moves to the day after it. Nothing is erased."""
        substance, response_plan = _clean(substance), _clean(response_plan)
        problems = check_recurrence(occurred_on, substance, kind, response_plan, self._today())
        if problems:
            raise ValidationFailed(problems)
        kind = RecurrenceKind(kind)
        with self.database.session() as session:
            alumnus = _load_for_change(session, alumnus_id, row_version)
            if check_in_id is not None:
                owner = session.scalar(select(CheckIn.alumnus_id).where(CheckIn.id == check_in_id))
                if owner != alumnus_id:
                    raise AftercareError("That check-in belongs to someone else or no longer exists.")
            event = RecurrenceEvent(alumnus_id=alumnus_id, occurred_on=occurred_on, substance=substance, kind=kind,
                                    response_plan=response_plan, check_in_id=check_in_id,
                                    recorded_by_id=actor.staff_id)
            session.add(event)
            old = alumnus.sobriety_start_date
            new = occurred_on + timedelta(days=1)
            moved = old is None or new > old
            if moved:
                _move_date(session, alumnus, SobrietyChangeKind.RECURRENCE, new,
                           f"{label(kind)} on {occurred_on.isoformat()}", actor)
            _flush(session)
            audit.record(session, actor, AuditAction.CREATE, RECURRENCE, event.id,
                         ["occurred_on", "substance", "kind", "response_plan", "check_in_id"])
            if moved:
                audit.record(session, actor, AuditAction.UPDATE, ALUMNUS, alumnus_id, ["sobriety_start_date"])
            session.commit()
            record = _recurrence_record(event, _staff_name(session, actor.staff_id))
            return RecurrenceOutcome(record, old, new if moved else old, moved, alumnus.row_version)

    def correct_sobriety_date(
        self, alumnus_id: int, row_version: int, new_date: date, reason: str, actor: Actor
    ) -> CorrectionOutcome:
        """Fix a wrong sobriety date. Not a return to use: no recurrence event, and a reason is required."""
        reason = _clean(reason)
        problems = []
        if not isinstance(new_date, date) or isinstance(new_date, datetime):
            problems.append(Problem("new_date", "Enter the correct sobriety date"))
        elif new_date > self._today():
            problems.append(Problem("new_date", "The sobriety date can't be in the future"))
        if not reason:
            problems.append(Problem("reason", "Say why the date is being corrected"))
        elif len(reason) > LIMITS["reason"]:
            problems.append(Problem("reason", f"The reason may be at most {LIMITS['reason']} characters"))
        if problems:
            raise ValidationFailed(problems)
        with self.database.session() as session:
            alumnus = _load_for_change(session, alumnus_id, row_version)
            if alumnus.date_of_birth and new_date < alumnus.date_of_birth:
                raise ValidationFailed([Problem("new_date", "The sobriety date is before the date of birth")])
            if alumnus.sobriety_start_date == new_date:
                raise ValidationFailed([Problem("new_date", "That is already the sobriety date")])
            change = _move_date(session, alumnus, SobrietyChangeKind.CORRECTION, new_date, reason, actor)
            _flush(session)
            audit.record(session, actor, AuditAction.UPDATE, ALUMNUS, alumnus_id, ["sobriety_start_date"])
            session.commit()
            return CorrectionOutcome(_change_record(change, _staff_name(session, actor.staff_id)),
                                     alumnus.row_version)

    # -- helpers ---------------------------------------------------------------------------------
    @staticmethod
    def _recurrences(session: Session, alumnus_id: int, limit: int | None = None) -> list[RecurrenceRecord]:
        staff = aliased(StaffMember)
        query = (
            select(RecurrenceEvent, staff.display_name)
            .outerjoin(staff, staff.id == RecurrenceEvent.recorded_by_id)
            .where(RecurrenceEvent.alumnus_id == alumnus_id)
            .order_by(RecurrenceEvent.occurred_on.desc(), RecurrenceEvent.id.desc())
        )
        if limit:
            query = query.limit(limit)
        return [_recurrence_record(event, name) for event, name in session.execute(query)]

    @staticmethod
    def _celebrations(session: Session, alumnus_id: int) -> list[CelebrationRecord]:
        staff = aliased(StaffMember)
        rows = session.execute(
            select(MilestoneCelebration, staff.display_name)
            .outerjoin(staff, staff.id == MilestoneCelebration.recorded_by_id)
            .where(MilestoneCelebration.alumnus_id == alumnus_id)
            .order_by(MilestoneCelebration.celebrated_on.desc(), MilestoneCelebration.id.desc())
        )
        return [
            CelebrationRecord(c.id, c.alumnus_id, c.sobriety_start_date, c.milestone, _label_or_key(c.milestone),
                              c.celebrated_on, c.how, name)
            for c, name in rows
        ]

    @classmethod
    def uncelebrated(cls, session: Session, found: list[UpcomingMilestone]) -> list[UpcomingMilestone]:
        """`found` without the milestones already celebrated. The celebrations are read for those
        alumni only, by id (an index lookup each): reading them by start date instead read those of
        every alumnus who started on one of the window's dates, a twentieth of a 100,000-alumni
        team's, for a caseload of a hundred."""
        if not found:
            return found
        celebrated = cls._celebrated_keys(session, {m.alumnus_id for m in found})
        return [m for m in found if (m.alumnus_id, m.sobriety_start_date, m.milestone.key) not in celebrated]

    @staticmethod
    def _celebrated_keys(session: Session, alumnus_ids: Iterable[int]) -> set[tuple[int, date, str]]:
        ids = sorted(alumnus_ids)
        keys: set[tuple[int, date, str]] = set()
        for offset in range(0, len(ids), ID_CHUNK):
            chunk = ids[offset:offset + ID_CHUNK]
            rows = session.execute(
                select(MilestoneCelebration.alumnus_id, MilestoneCelebration.sobriety_start_date,
                       MilestoneCelebration.milestone).where(MilestoneCelebration.alumnus_id.in_(chunk))
            )
            keys.update((a, s, m) for a, s, m in rows)
        return keys


def check_recurrence(occurred_on, substance: str | None, kind, response_plan: str | None, today: date) -> list[Problem]:
    problems: list[Problem] = []
    if not isinstance(occurred_on, date) or isinstance(occurred_on, datetime):
        problems.append(Problem("occurred_on", "Enter the date of the return to use"))
    elif occurred_on > today:
        problems.append(Problem("occurred_on", "The date of the return to use can't be in the future"))
    elif occurred_on < date(1900, 1, 1):
        problems.append(Problem("occurred_on", "Check the year of the return to use"))
    try:
        RecurrenceKind(kind)
    except ValueError:
        problems.append(Problem("kind", "Choose lapse or relapse"))
    if substance and len(substance) > LIMITS["substance"]:
        problems.append(Problem("substance", f"Substance: at most {LIMITS['substance']} characters"))
    if response_plan and len(response_plan) > LIMITS["response_plan"]:
        problems.append(Problem("response_plan", f"Response plan: at most {LIMITS['response_plan']} characters"))
    return problems


def _milestones_between(start: date, first: date, last: date) -> Iterator[Milestone]:
    for milestone in iter_milestones(start):
        if milestone.on > last:
            return
        if milestone.on >= first:
            yield milestone


def _label_or_key(key: str) -> str:
    try:
        return _label(key)
    except (ValueError, KeyError, IndexError):
        return key


def _load_for_change(session: Session, alumnus_id: int, row_version: int) -> Alumnus:
    alumnus = session.get(Alumnus, alumnus_id)
    if alumnus is None:
        raise RecordNotFoundError("This alumnus record")
    if alumnus.row_version != row_version:
        raise ConcurrentEditError("This alumnus record")
    return alumnus


def _move_date(session: Session, alumnus: Alumnus, kind: SobrietyChangeKind, new: date, reason: str | None,
               actor: Actor) -> SobrietyDateChange:
    change = SobrietyDateChange(alumnus_id=alumnus.id, kind=kind, old_date=alumnus.sobriety_start_date,
                                new_date=new, reason=reason, changed_by_id=actor.staff_id)
    session.add(change)
    # Through the ORM, so the row version rises and a concurrent save elsewhere is detected.
    alumnus.sobriety_start_date = new
    alumnus.updated_at = utcnow()
    alumnus.updated_by_id = actor.staff_id
    return change


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise ConcurrentEditError("This alumnus record") from None


def _staff_name(session: Session, staff_id: int | None) -> str | None:
    if staff_id is None:
        return None
    return session.scalar(select(StaffMember.display_name).where(StaffMember.id == staff_id))


def _recurrence_record(event: RecurrenceEvent, recorded_by: str | None) -> RecurrenceRecord:
    return RecurrenceRecord(event.id, event.alumnus_id, event.occurred_on, event.substance, event.kind,
                            event.response_plan, event.check_in_id, recorded_by)


def _change_record(change: SobrietyDateChange, changed_by: str | None) -> SobrietyChangeRecord:
    return SobrietyChangeRecord(change.id, change.alumnus_id, change.kind, change.old_date, change.new_date,
                                change.reason, change.changed_at, changed_by)
