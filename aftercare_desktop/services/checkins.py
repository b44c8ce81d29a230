"""Check-ins: a contact attempt or conversation with an alumnus, logged in seconds.

A check-in is made by a staff member or by the alumnus's mentor. Mood and craving are asked only
when the person was reached, and then both are required; warning signs may be noted either way
(a message left with a family member can still say "not sleeping"). Times are stored in UTC and
shown in the desk's local time; "the check-in's date" is its local date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..db import Database
from ..errors import AftercareError, RecordNotFoundError, ValidationFailed
from ..models import AftercarePlan, Alumnus, CheckIn, PlanWarningSign, StaffMember, utcnow
from ..models.enums import (
    STANDARD_WARNING_SIGNS,
    AlumniStatus,
    AuditAction,
    CheckinMethod,
    CheckinOutcome,
    PlanStatus,
)
from . import audit
from .audit import Actor
from .early_warning import refresh_digests
from .sql import no_index
from .validation import Problem

ENTITY = "check_in"
# Clocks on two desks disagree by a little; a check-in "now" must never be refused for it.
FUTURE_TOLERANCE = timedelta(minutes=5)
# Older than this is almost always a mistyped year.
MAX_AGE = timedelta(days=366)
MOOD_RANGE = (1, 5)
CRAVING_RANGE = (0, 10)
MAX_MEETINGS = 60
MAX_NOTES = 2_000
MAX_SIGN_LENGTH = 300
MAX_SIGNS = 40
MAX_FOLLOW_UP_DAYS = 365

FIELD_LABELS = {
    "occurred_at": "Date and time", "who": "Who made it", "method": "Method", "outcome": "Outcome",
    "mood": "Mood", "craving": "Craving", "used_since_last": "Any use since last contact",
    "meetings_attended": "Meetings attended", "warning_signs": "Warning signs", "notes": "Notes",
    "follow_up_due": "Follow-up due",
}


def now_on(today: Callable[[], date]) -> Callable[[], datetime]:
    """A clock that reads the wall-clock time on the day `today()` gives, in the desk's time zone.

    The app's "today" can be fixed (tests, demos); a check-in logged "now" must fall on that day.
    """
    def now() -> datetime:
        wall = datetime.now().astimezone()
        return datetime.combine(today(), wall.time(), wall.tzinfo)
    return now


def local_date(moment: datetime) -> date:
    return moment.astimezone().date()


def _day_start(day: date) -> datetime:
    """Local midnight at the start of `day`, as an aware time (compared with stored UTC times)."""
    return datetime.combine(day, time.min).astimezone()


@dataclass
class CheckInData:
    """What a person enters for one check-in."""

    occurred_at: datetime
    method: CheckinMethod = CheckinMethod.CALL
    outcome: CheckinOutcome = CheckinOutcome.REACHED
    staff_id: int | None = None
    mentor_id: int | None = None
    mood: int | None = None  # 1–5, only when reached
    craving: int | None = None  # 0–10, only when reached
    used_since_last: bool | None = None  # None: not asked or not said
    meetings_attended: int | None = None
    warning_signs: list[str] = field(default_factory=list)
    notes: str | None = None
    follow_up_due: date | None = None


@dataclass(frozen=True)
class CheckInRecord:
    id: int
    alumnus_id: int
    occurred_at: datetime  # UTC
    method: CheckinMethod
    outcome: CheckinOutcome
    staff_id: int | None
    mentor_id: int | None
    made_by: str | None  # the staff member's or the mentor's name
    mood: int | None
    craving: int | None
    used_since_last: bool | None
    meetings_attended: int | None
    warning_signs: tuple[str, ...]
    notes: str | None
    follow_up_due: date | None
    follow_up_done_at: datetime | None

    @property
    def reached(self) -> bool:
        return self.outcome is CheckinOutcome.REACHED

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up_due is not None and self.follow_up_done_at is None


@dataclass(frozen=True)
class WarningSignChoice:
    text: str
    personal: bool  # from the alumnus's own plan, in their own words


@dataclass(frozen=True)
class Trend:
    """Mood and craving per day (the day's mean when there were several check-ins), oldest first;
    or, when `weekly`, one mean per Monday-to-Sunday week, dated by the week's last check-in."""

    mood: tuple[tuple[date, float], ...]
    craving: tuple[tuple[date, float], ...]
    weekly: bool = False


@dataclass(frozen=True)
class FollowUpDue:
    check_in_id: int
    alumnus_id: int
    client_id: str
    name: str
    caseworker_id: int | None
    due: date
    days_overdue: int  # 0: due today
    occurred_at: datetime
    made_by: str | None


# -- validation ------------------------------------------------------------------------------------
def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_date(value) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _enum(enum_cls, value):
    try:
        return enum_cls(value)
    except (ValueError, TypeError):
        return None


def check_checkin(data: CheckInData, now: datetime) -> list[Problem]:
    """Every problem with `data`, each with a message fit to show beside its field. Never raises."""
    problems: list[Problem] = []

    def add(name: str, message: str) -> None:
        problems.append(Problem(name, message))

    occurred = getattr(data, "occurred_at", None)
    occurred_day: date | None = None
    if not isinstance(occurred, datetime) or occurred.tzinfo is None or occurred.utcoffset() is None:
        add("occurred_at", "Enter the date and time of the check-in")
    else:
        try:
            if occurred > now + FUTURE_TOLERANCE:
                add("occurred_at", "The check-in can't be in the future")
            elif occurred < now - MAX_AGE:
                add("occurred_at", "The check-in is more than a year ago; check the year")
            else:
                occurred_day = local_date(occurred)
        except (OverflowError, ValueError):
            add("occurred_at", "Check the date of the check-in")

    staff_id, mentor_id = getattr(data, "staff_id", None), getattr(data, "mentor_id", None)
    if staff_id is None and mentor_id is None:
        add("who", "Choose who made the check-in")
    elif staff_id is not None and mentor_id is not None:
        add("who", "A check-in is made by a staff member or a mentor, not both")
    elif not _is_int(staff_id if staff_id is not None else mentor_id):
        add("who", "Choose who made the check-in")

    if _enum(CheckinMethod, getattr(data, "method", None)) is None:
        add("method", "Choose how the contact was made")
    outcome = _enum(CheckinOutcome, getattr(data, "outcome", None))
    if outcome is None:
        add("outcome", "Choose the outcome: reached, no answer or left message")
    reached = outcome is CheckinOutcome.REACHED

    for name, (low, high), word in (("mood", MOOD_RANGE, "Mood"), ("craving", CRAVING_RANGE, "Craving")):
        value = getattr(data, name, None)
        if outcome is not None and not reached:
            if value is not None:
                add(name, f"{word} is recorded only when you reached the person")
        elif value is None:
            if reached:
                add(name, f"{word} is required when you reached the person ({low}–{high})")
        elif not _is_int(value) or not low <= value <= high:
            add(name, f"{word} must be a whole number from {low} to {high}")

    used = getattr(data, "used_since_last", None)
    if used is not None:
        if not isinstance(used, bool):
            add("used_since_last", "Answer yes or no, or leave it unanswered")
        elif outcome is not None and not reached:
            add("used_since_last", "Use since last contact is recorded only when you reached the person")
    meetings = getattr(data, "meetings_attended", None)
    if meetings is not None:
        if outcome is not None and not reached:
            add("meetings_attended", "Meetings attended are recorded only when you reached the person")
        elif not _is_int(meetings) or not 0 <= meetings <= MAX_MEETINGS:
            add("meetings_attended", f"Meetings attended must be a whole number from 0 to {MAX_MEETINGS}")

    signs = getattr(data, "warning_signs", None)
    if signs is None:
        signs = []
    if isinstance(signs, str) or not isinstance(signs, (list, tuple)):
        add("warning_signs", "Warning signs must be a list")
    else:
        if len(signs) > MAX_SIGNS:
            add("warning_signs", f"At most {MAX_SIGNS} warning signs per check-in")
        for position, sign in enumerate(signs, start=1):
            if not isinstance(sign, str) or not sign.strip():
                add("warning_signs", f"Warning sign {position} is empty")
            elif len(sign.strip()) > MAX_SIGN_LENGTH:
                add("warning_signs", f"Warning sign {position} is longer than {MAX_SIGN_LENGTH} characters")

    notes = getattr(data, "notes", None)
    if notes is not None:
        if not isinstance(notes, str):
            add("notes", "Notes must be text")
        elif len(notes.strip()) > MAX_NOTES:
            add("notes", f"Notes may be at most {MAX_NOTES:,} characters (now {len(notes.strip()):,})")

    due = getattr(data, "follow_up_due", None)
    if due is not None:
        if not _is_date(due):
            add("follow_up_due", "Enter the follow-up date")
        elif occurred_day is not None and due < occurred_day:
            add("follow_up_due", "The follow-up can't be due before the check-in")
        elif occurred_day is not None and (due - occurred_day).days > MAX_FOLLOW_UP_DAYS:
            add("follow_up_due", "The follow-up is more than a year away; check the date")
    return problems


def normalise(data: CheckInData) -> CheckInData:
    """Checked data as stored: trimmed text, each warning sign once (first spelling kept)."""
    seen: dict[str, str] = {}
    for sign in data.warning_signs or []:
        text = " ".join(sign.split())
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return replace(
        data,
        method=CheckinMethod(data.method),
        outcome=CheckinOutcome(data.outcome),
        warning_signs=list(seen.values()),
        notes=(data.notes or "").strip() or None,
    )


# -- the service -------------------------------------------------------------------------------------
_check_ins = CheckIn.__table__
_staff = StaffMember.__table__.alias("made_by_staff")
_mentor = Alumnus.__table__.alias("made_by_mentor")
_RECORD_COLUMNS = (
    _check_ins.c.id, _check_ins.c.alumnus_id, _check_ins.c.occurred_at, _check_ins.c.method, _check_ins.c.outcome,
    _check_ins.c.staff_id, _check_ins.c.mentor_id, _staff.c.display_name, _mentor.c.first_name,
    _mentor.c.last_name, _mentor.c.preferred_name, _check_ins.c.mood, _check_ins.c.craving,
    _check_ins.c.used_since_last, _check_ins.c.meetings_attended, _check_ins.c.warning_signs, _check_ins.c.notes,
    _check_ins.c.follow_up_due, _check_ins.c.follow_up_done_at,
)
_WITH_NAMES = _check_ins.outerjoin(_staff, _staff.c.id == _check_ins.c.staff_id).outerjoin(
    _mentor, _mentor.c.id == _check_ins.c.mentor_id)


def _person(first: str | None, last: str | None, preferred: str | None) -> str | None:
    if first is None and last is None:
        return None
    return f"{preferred or first or ''} {last or ''}".strip()


def _record(row) -> CheckInRecord:
    (id_, alumnus_id, occurred_at, method, outcome, staff_id, mentor_id, staff_name, m_first, m_last, m_pref,
     mood, craving, used, meetings, signs, notes, due, done) = row
    made_by = staff_name if staff_id is not None else _person(m_first, m_last, m_pref)
    return CheckInRecord(id_, alumnus_id, occurred_at, CheckinMethod(method), CheckinOutcome(outcome), staff_id,
                         mentor_id, made_by, mood, craving, used, meetings, tuple(signs or ()), notes, due, done)


class CheckInService:
    def __init__(self, database: Database, *, today: Callable[[], date] = date.today,
                 now: Callable[[], datetime] | None = None):
        self.database = database
        self._today = today
        # The clock follows the app's "today": with the real one it is simply now; with a fixed day
        # (tests, demos) "not in the future" is judged on that day, as the dialog's "now" is.
        self._now = now or now_on(today)

    def validate(self, data: CheckInData) -> list[Problem]:
        return check_checkin(data, self._now())

    def log(self, alumnus_id: int, data: CheckInData, actor: Actor) -> CheckInRecord:
        """Save one check-in in one short transaction; audited."""
        problems = self.validate(data)
        if problems:
            raise ValidationFailed(problems)
        clean = normalise(data)
        with self.database.session() as session:
            if session.scalar(select(Alumnus.id).where(Alumnus.id == alumnus_id)) is None:
                raise RecordNotFoundError("This alumnus record")
            row = CheckIn(
                alumnus_id=alumnus_id, occurred_at=clean.occurred_at, staff_id=clean.staff_id,
                mentor_id=clean.mentor_id, method=clean.method, outcome=clean.outcome, mood=clean.mood,
                craving=clean.craving, used_since_last=clean.used_since_last,
                meetings_attended=clean.meetings_attended, warning_signs=clean.warning_signs, notes=clean.notes,
                follow_up_due=clean.follow_up_due,
            )
            session.add(row)
            try:
                session.flush()
            except IntegrityError:
                session.rollback()
                raise AftercareError("The staff member or mentor chosen no longer exists.") from None
            audit.record(session, actor, AuditAction.CREATE, ENTITY, row.id, _stored_fields(clean))
            # The insert deleted the alumnus's digest (a trigger); the Today page reads the new one.
            refresh_digests(session.connection(), [alumnus_id])
            session.commit()
            return self._one(session, row.id)

    def get(self, check_in_id: int) -> CheckInRecord:
        with self.database.session() as session:
            return self._one(session, check_in_id)

    def timeline(self, alumnus_id: int, limit: int = 500) -> list[CheckInRecord]:
        """The newest `limit` check-ins, newest first, each with who made it."""
        query = (
            select(*_RECORD_COLUMNS).select_from(_WITH_NAMES)
            .where(_check_ins.c.alumnus_id == alumnus_id)
            .order_by(_check_ins.c.occurred_at.desc(), _check_ins.c.id.desc())
            .limit(limit)
        )
        with self.database.session() as session:
            return [_record(row) for row in session.execute(query)]

    def in_period(self, alumnus_id: int, first: date, last: date) -> list[CheckInRecord]:
        """Every check-in on the local days `first` … `last` (both included), oldest first."""
        query = (
            select(*_RECORD_COLUMNS).select_from(_WITH_NAMES)
            .where(_check_ins.c.alumnus_id == alumnus_id,
                   _check_ins.c.occurred_at >= _day_start(first),
                   _check_ins.c.occurred_at < _day_start(last + timedelta(days=1)))
            .order_by(_check_ins.c.occurred_at, _check_ins.c.id)
        )
        with self.database.session() as session:
            return [_record(row) for row in session.execute(query)]

    def trend(self, alumnus_id: int, days: int = 180, *, max_points: int | None = None) -> Trend:
        """Mood and craving of reached check-ins over the last `days` days, one point per day.

        With `max_points`, a series that would have more daily points becomes weekly means, so a
        chart of half a year stays readable (and quick to draw).
        """
        today = self._today()
        since = datetime.combine(today - timedelta(days=days), time.min).astimezone()
        query = (
            select(CheckIn.occurred_at, CheckIn.mood, CheckIn.craving)
            .where(CheckIn.alumnus_id == alumnus_id, CheckIn.occurred_at >= since,
                   CheckIn.outcome == CheckinOutcome.REACHED)
            .order_by(CheckIn.occurred_at)
        )
        readings: list[tuple[date, int | None, int | None]] = []
        with self.database.session() as session:
            for occurred_at, mood, craving in session.execute(query):
                day = local_date(occurred_at)
                if day <= today:
                    readings.append((day, mood, craving))
        weekly = max_points is not None and len({day for day, _, _ in readings}) > max_points

        def series(position: int) -> tuple[tuple[date, float], ...]:
            groups: dict[date, list[int]] = defaultdict(list)
            last_day: dict[date, date] = {}
            for reading in readings:
                value = reading[position]
                if value is None:
                    continue
                day = reading[0]
                key = day - timedelta(days=day.weekday()) if weekly else day
                groups[key].append(value)
                last_day[key] = max(last_day.get(key, day), day)
            return tuple((last_day[key], sum(v) / len(v)) for key, v in sorted(groups.items()))

        return Trend(series(1), series(2), weekly)

    def complete_follow_up(self, check_in_id: int, actor: Actor) -> CheckInRecord:
        """Mark a check-in's follow-up as done (now). Doing it twice changes nothing."""
        with self.database.session() as session:
            row = session.get(CheckIn, check_in_id)
            if row is None:
                raise RecordNotFoundError("This check-in")
            if row.follow_up_due is None:
                raise AftercareError("This check-in has no follow-up to complete.")
            if row.follow_up_done_at is None:
                row.follow_up_done_at = utcnow()
                audit.record(session, actor, AuditAction.UPDATE, ENTITY, row.id, ["follow_up_done_at"])
                session.commit()
            return self._one(session, check_in_id)

    def warning_sign_choices(self, alumnus_id: int) -> list[WarningSignChoice]:
        """The alumnus's own signs from their active plan, in plan order, then the standard list
        (leaving out a standard sign they already named in their own words)."""
        query = (
            select(PlanWarningSign.text)
            .join(AftercarePlan, AftercarePlan.id == PlanWarningSign.plan_id)
            .where(AftercarePlan.alumnus_id == alumnus_id, AftercarePlan.status == PlanStatus.ACTIVE)
            .order_by(AftercarePlan.version.desc(), PlanWarningSign.position, PlanWarningSign.id)
        )
        with self.database.session() as session:
            personal = [" ".join(text.split()) for text in session.scalars(query)]
        choices: list[WarningSignChoice] = []
        seen: set[str] = set()
        for text, is_personal in [(t, True) for t in personal] + [(t, False) for t in STANDARD_WARNING_SIGNS]:
            if text and text.casefold() not in seen:
                seen.add(text.casefold())
                choices.append(WarningSignChoice(text, is_personal))
        return choices

    def follow_ups_due(self, today: date | None = None, caseworker_id: int | None = None) -> list[FollowUpDue]:
        """Open follow-ups due on or before `today`, oldest due first, in one statement.

        People who opted out, died or were archived are left out: nobody should be calling them.
        """
        today = today or self._today()
        alumni = Alumnus.__table__
        query = (
            select(_check_ins.c.id, _check_ins.c.alumnus_id, alumni.c.client_id, alumni.c.first_name,
                   alumni.c.last_name, alumni.c.preferred_name, alumni.c.caseworker_id, _check_ins.c.follow_up_due,
                   _check_ins.c.occurred_at, _check_ins.c.staff_id, _staff.c.display_name, _mentor.c.first_name,
                   _mentor.c.last_name, _mentor.c.preferred_name)
            .select_from(_WITH_NAMES.join(alumni, alumni.c.id == _check_ins.c.alumnus_id))
            .where(
                # A range of ix_check_ins_follow_up through the due dates so far. Given "done IS NULL"
                # as an index condition too, SQLite skip-scans every distinct due date, NULL (the
                # check-ins that asked for no follow-up) included: ten times slower with a million.
                _check_ins.c.follow_up_due <= today, no_index(_check_ins.c.follow_up_done_at).is_(None),
                alumni.c.archived_at.is_(None),
                alumni.c.status.not_in([AlumniStatus.OPTED_OUT.value, AlumniStatus.DECEASED.value]),
            )
            .order_by(_check_ins.c.follow_up_due, _check_ins.c.occurred_at, _check_ins.c.id)
        )
        if caseworker_id is not None:
            query = query.where(alumni.c.caseworker_id == caseworker_id)
        with self.database.session() as session:
            return [
                FollowUpDue(r[0], r[1], r[2], _person(r[3], r[4], r[5]) or "", r[6], r[7], (today - r[7]).days, r[8],
                            r[10] if r[9] is not None else _person(r[11], r[12], r[13]))
                for r in session.execute(query)
            ]

    @staticmethod
    def _one(session, check_in_id: int) -> CheckInRecord:
        row = session.execute(select(*_RECORD_COLUMNS).select_from(_WITH_NAMES)
                              .where(_check_ins.c.id == check_in_id)).first()
        if row is None:
            raise RecordNotFoundError("This check-in")
        return _record(row)


def _stored_fields(clean: CheckInData) -> list[str]:
    names = ["occurred_at", "method", "outcome"]
    names.append("staff_id" if clean.staff_id is not None else "mentor_id")
    for name in ("mood", "craving", "used_since_last", "meetings_attended", "notes", "follow_up_due"):
        if getattr(clean, name) is not None:
            names.append(name)
    if clean.warning_signs:
        names.append("warning_signs")
    return names

