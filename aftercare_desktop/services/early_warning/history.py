"""One alumnus over time: their whole record read once, to work out their facts as of any day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import (
    AftercarePlan,
    Alumnus,
    AssessmentResult,
    CheckIn,
    MeetingAttendance,
    PlanMeeting,
    RecurrenceEvent,
)
from ...models.enums import (
    CheckinCadence,
    CheckinMethod,
    CheckinOutcome,
    PlanStatus,
    RecurrenceKind,
)
from .facts import (
    AWARE,
    BARC10,
    AlumnusFacts,
    AssessmentFact,
    CheckinFact,
    RecurrenceFact,
    RuleContext,
    contact_start,
    day_start,
    pack,
    recent_checkins_kept,
)
from .loader import CaseloadFilter


class _Contact(NamedTuple):
    at: datetime
    reached: bool
    is_call: bool
    packed: str  # see `pack`


@dataclass(frozen=True)
class AlumnusHistory:
    """One followed alumnus's whole record as the rules read it, to work out their facts as of any day.

    `load_caseload` asks the database for one day's facts of many people; a report looking back over
    a year asks for one person's facts on fifty days, which this does from one read. The two must
    agree: tests/db/test_early_warning_history.py holds them to it, day by day.
    """

    alumnus_id: int
    plan_started_on: date | None
    cadence: CheckinCadence | None
    meetings_per_week: int
    opted_in_on: date | None
    discharge_date: date | None
    created_on: date
    contacts: tuple[_Contact, ...]  # newest first
    meetings: tuple[tuple[date, bool], ...]  # (met on, attended)
    results: tuple[tuple[str, date, int, int], ...]  # (instrument, on, id, total), newest first
    recurrences: tuple[tuple[date, int, RecurrenceKind], ...]  # (on, id, kind), oldest first

    def facts_on(self, ctx: RuleContext) -> AlumnusFacts:
        """The facts as `load_caseload` would find them at the end of `ctx.today` (without the mentor)."""
        settings, day = ctx.settings, ctx.today
        end, lookback = day_start(day + timedelta(days=1)), day_start(ctx.lookback_start)
        start, kind = contact_start(self.plan_started_on, self.opted_in_on, self.discharge_date, self.created_on)
        facts = AlumnusFacts(self.alumnus_id, start, kind, self.cadence, self.plan_started_on,
                             self.meetings_per_week if self.cadence is not None else 0)
        until_day = [contact for contact in self.contacts if contact.at < end]
        last = next((contact for contact in until_day if contact.reached), None)
        if last is not None:
            facts.last_reached_on = last.at.astimezone().date()
        streak = [contact for contact in until_day if last is None or contact.at > last.at]
        if streak:
            facts.unanswered_in_a_row = len(streak)
            facts.unanswered_since = min(contact.at for contact in streak).astimezone().date()
            facts.unanswered_all_calls = all(contact.is_call for contact in streak)
        recent = [contact for contact in until_day if contact.reached and contact.at >= lookback]
        facts.recent = tuple(contact.packed for contact in recent[:recent_checkins_kept(settings)])
        window = [attended for on, attended in self.meetings if ctx.meetings_start <= on <= day]
        facts.meetings_recorded, facts.meetings_recorded_attended = len(window), sum(window)
        for instrument in (BARC10, AWARE):
            found = tuple(AssessmentFact(on, total) for code, on, _, total in self.results
                          if code == instrument and on <= day)[:2]
            if instrument == BARC10:
                facts.barc10 = found
            else:
                facts.aware = found
        since = day - timedelta(days=settings.recurrence_window_days)
        for on, _, recurrence_kind in self.recurrences:
            if since <= on <= day:
                facts.last_recurrence = RecurrenceFact(on, recurrence_kind)  # the newest comes last
        return facts


def load_history(session: Session, alumnus_id: int) -> AlumnusHistory | None:
    """Everything the rules read about one alumnus, in five statements; None when not followed."""
    a = Alumnus.__table__.c
    person = session.execute(
        select(a.opted_in_on, a.discharge_date, a.created_at)
        .where(a.id == alumnus_id, *CaseloadFilter().conditions())
    ).first()
    if person is None:
        return None
    p, m = AftercarePlan.__table__.c, PlanMeeting.__table__.c
    plan = session.execute(
        select(p.id, p.checkin_cadence, p.start_date)
        .where(p.alumnus_id == alumnus_id, p.status == PlanStatus.ACTIVE.value)
        .order_by(p.version.desc()).limit(1)
    ).first()
    per_week = 0
    if plan is not None:
        per_week = int(session.scalar(select(func.coalesce(func.sum(m.per_week), 0)).where(m.plan_id == plan.id)))
    c = CheckIn.__table__.c
    contacts = tuple(
        _Contact(at, outcome == CheckinOutcome.REACHED.value, method == CheckinMethod.CALL.value,
                 pack(CheckinFact(at.astimezone().date(), mood, craving, meetings, tuple(signs or ()), at)))
        for at, outcome, method, mood, craving, meetings, signs in session.execute(
            select(c.occurred_at, c.outcome, c.method, c.mood, c.craving, c.meetings_attended, c.warning_signs)
            .where(c.alumnus_id == alumnus_id).order_by(c.occurred_at.desc(), c.id.desc()))
    )
    ma = MeetingAttendance.__table__.c
    meetings = tuple(session.execute(select(ma.met_on, ma.attended).where(ma.alumnus_id == alumnus_id)).all())
    r = AssessmentResult.__table__.c
    results = tuple(session.execute(
        select(r.instrument, r.administered_on, r.id, r.total)
        .where(r.alumnus_id == alumnus_id, r.instrument.in_((BARC10, AWARE)))
        .order_by(r.administered_on.desc(), r.id.desc())).all())
    e = RecurrenceEvent.__table__.c
    recurrences = tuple(session.execute(
        select(e.occurred_on, e.id, e.kind).where(e.alumnus_id == alumnus_id).order_by(e.occurred_on, e.id)
    ).all())
    return AlumnusHistory(
        alumnus_id, plan.start_date if plan else None, CheckinCadence(plan.checkin_cadence) if plan else None,
        per_week, person.opted_in_on, person.discharge_date, person.created_at.astimezone().date(), contacts,
        meetings, results, recurrences)
