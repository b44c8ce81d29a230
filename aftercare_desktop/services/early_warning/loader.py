"""The loader: the facts of a whole caseload in a handful of set-based statements (`load_caseload`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import (
    Table,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from ...models import (
    AftercarePlan,
    Alumnus,
    AssessmentResult,
    CheckInDigest,
    MeetingAttendance,
    PlanMeeting,
    RecurrenceEvent,
)
from ...models.enums import AlumniStatus, CheckinCadence, PlanStatus
from ..sql import no_index
from ..team_settings import TeamSettingsValues
from .digests import DIGEST_RECENT, _checkin_parts
from .facts import (
    _TIME,
    AWARE,
    BARC10,
    AlumnusFacts,
    AssessmentFact,
    Caseload,
    ContactStart,
    Person,
    RecurrenceFact,
    RuleContext,
    _local_day,
    contact_start,
    day_start,
    recent_checkins_kept,
    utc_text,
)
from .mentor_contact import MentorSource, PairingTableSource
from .sql_functions import _PART_SEPARATOR, _cat, _newest_joined, epoch_seconds


@dataclass(frozen=True)
class CaseloadFilter:
    """Whose facts to load: everyone, one caseworker's caseload, or given alumni."""

    caseworker_id: int | None = None
    alumni_ids: tuple[int, ...] | None = None

    def conditions(self) -> list:
        a = Alumnus.__table__.c
        conditions = [no_index(a.status) == AlumniStatus.ACTIVE.value, a.archived_at.is_(None)]
        if self.caseworker_id is not None:
            conditions.append(a.caseworker_id == self.caseworker_id)
        if self.alumni_ids is not None:
            conditions.append(a.id.in_(self.alumni_ids))
        return conditions


def _last_two_packed(alumni: Table, instrument: str, today: date, postgres: bool):
    """An alumnus's two newest results of `instrument` up to today, newest first (same day: the later
    entry), as "YYYY-MM-DD total" joined with `_PART_SEPARATOR`; NULL when none."""
    r = AssessmentResult.__table__.c
    newest = (
        select(_cat(cast(r.administered_on, Text), " ", cast(r.total, Text)).label("packed"), r.administered_on,
               r.id)
        .where(r.alumnus_id == alumni.c.id, r.instrument == instrument, r.administered_on <= today)
        .order_by(r.administered_on.desc(), r.id.desc())
        .limit(2)
        .correlate(alumni)
        .subquery()
    )
    order = (newest.c.administered_on.desc(), newest.c.id.desc())
    return select(_newest_joined(newest, "packed", order, postgres)).scalar_subquery()


# Most of a caseload reads the same from one load to the next: the same values give the very same
# (immutable) objects, kept between loads, rather than as many new ones each time. Besides the parsing,
# that spares the cycle collector a walk over a hundred thousand new objects after every load (it
# walks each new object that outlives the load; strings, numbers and dates it never walks).
_KEPT_BETWEEN_LOADS = 1 << 15
_CADENCES = {cadence.value: cadence for cadence in CheckinCadence}

_person = lru_cache(maxsize=_KEPT_BETWEEN_LOADS)(Person)


@lru_cache(maxsize=_KEPT_BETWEEN_LOADS)
def _recent_parts(recent: str, kept: int, lookback_text: str) -> tuple[str, ...]:
    """The packed check-ins of a digest (or of `_checkin_parts`) the rules read: the newest `kept`,
    none before the lookback (a digest keeps more, and older ones); newest first."""
    parts = recent.split(_PART_SEPARATOR, kept)
    if len(parts) > kept:
        del parts[kept:]
    if parts[-1][_TIME] < lookback_text:
        parts = [part for part in parts if part[_TIME] >= lookback_text]
    return tuple(parts)


@lru_cache(maxsize=_KEPT_BETWEEN_LOADS)
def _assessment_facts(packed: str) -> tuple[AssessmentFact, ...]:
    """The facts of `_last_two_packed`'s string (one or two results)."""
    fact, day = AssessmentFact._make, date.fromisoformat
    newest, separator, before = packed.partition(_PART_SEPARATOR)
    if not separator:
        return (fact((day(newest[:10]), int(newest[11:]))),)
    return fact((day(newest[:10]), int(newest[11:]))), fact((day(before[:10]), int(before[11:])))


def load_caseload(session: Session, settings: TeamSettingsValues, today: date,
                  which: CaseloadFilter = CaseloadFilter(),
                  mentors: MentorSource | None = None) -> Caseload:
    """The facts of every alumnus in `which`, in four set-based statements (five once mentoring exists).

    Everything is "as of today": nothing dated after today counts.
    """
    ctx = RuleContext.of(settings, today)
    alumni = Alumnus.__table__
    a, p = alumni.c, AftercarePlan.__table__.c
    conditions = which.conditions()
    end = day_start(today + timedelta(days=1))
    postgres = session.get_bind().dialect.name == "postgresql"
    kept = recent_checkins_kept(settings)
    lookback = day_start(ctx.lookback_start)

    # 1. One row per alumnus: who they are, their active plan, their two newest BARC-10 and AWARE
    #    results, and their check-ins: the last conversation, the recent reached check-ins packed into
    #    one string, and the attempts since the last conversation (none of them answered). Check-ins
    #    are read from the alumnus's digest when it holds nothing after today (a check-in logged for
    #    tomorrow, a clock off on some desk), else from the check-ins themselves (`_checkin_parts`);
    #    CASE runs those subqueries only when needed.
    per_week = (
        select(func.coalesce(func.sum(PlanMeeting.__table__.c.per_week), 0))
        .where(PlanMeeting.__table__.c.plan_id == p.id)
        .scalar_subquery()
    )
    _newest, live_last, live_recent, live_streak = _checkin_parts(alumni, end, lookback, kept, postgres)
    joins = alumni.outerjoin(AftercarePlan.__table__, and_(p.alumnus_id == a.id, p.status == PlanStatus.ACTIVE.value))
    if kept <= DIGEST_RECENT:
        digests = CheckInDigest.__table__
        d = digests.c
        joins = joins.outerjoin(digests, d.alumnus_id == a.id)
        fresh = and_(d.alumnus_id.is_not(None), or_(d.newest_at.is_(None), d.newest_at < end))
        digested = case((fresh, 0), (d.alumnus_id.is_(None), 1), else_=2)  # 1: no digest yet
        last_at = case((fresh, d.last_reached), else_=live_last)
        recent_parts = case((fresh, d.recent), else_=live_recent)
        streak = case((fresh, d.unanswered), else_=live_streak)
    else:
        digested, last_at, recent_parts, streak = literal(2), live_last, live_recent, live_streak
    # The record's creation counts only for someone with no plan, no opt-in and no discharge date.
    created = case((and_(p.start_date.is_(None), a.opted_in_on.is_(None), a.discharge_date.is_(None)),
                    epoch_seconds(a.created_at)))
    query = (
        select(a.id, a.client_id, a.first_name, a.last_name, a.preferred_name, a.sort_name, a.caseworker_id,
               a.discharge_date, a.sobriety_start_date, a.opted_in_on, created, p.version,
               # As text: a dictionary makes the members faster than the column type does, row by row.
               type_coerce(p.checkin_cadence, Text), p.start_date, per_week, digested, last_at, recent_parts, streak,
               _last_two_packed(alumni, BARC10, today, postgres), _last_two_packed(alumni, AWARE, today, postgres))
        .select_from(joins)
        .where(*conditions)
    )
    people: dict[int, Person] = {}
    facts: dict[int, AlumnusFacts] = {}
    versions: dict[int, int] = {}
    undigested: list[int] = []
    lookback_text = utc_text(lookback)
    for (alumnus_id, client_id, first, last, preferred, sort_name, caseworker_id, discharged, sober_since,
         opted_in_on, created_at, version, cadence, plan_start, meetings, state, last_at, recent,
         attempts, barc, aware) in session.execute(query):
        if alumnus_id in facts and (version or 0) < versions[alumnus_id]:
            continue  # were there ever two active plans, the newest wins
        versions[alumnus_id] = version or 0
        if cadence is not None:
            cadence = _CADENCES[cadence]
        if state == 1:
            undigested.append(alumnus_id)
        people[alumnus_id] = _person(alumnus_id, client_id, first, last, preferred, sort_name, caseworker_id,
                                     discharged, sober_since)
        if plan_start is not None:
            f = AlumnusFacts(alumnus_id, plan_start, ContactStart.PLAN, cadence, plan_start,
                             int(meetings) if cadence is not None else 0)
        else:
            start, kind = contact_start(None, opted_in_on, discharged,
                                        _local_day(created_at) if created_at is not None else None)
            f = AlumnusFacts(alumnus_id, start, kind, cadence)
        facts[alumnus_id] = f
        if last_at is not None:
            f.last_reached_on = _local_day(last_at)
        if recent:
            f.recent = _recent_parts(recent, kept, lookback_text)
        if attempts:
            count, first_attempt, not_calls = attempts.split(" ")
            f.unanswered_in_a_row = int(count)
            f.unanswered_since = _local_day(int(first_attempt))
            f.unanswered_all_calls = not_calls == "0"
        if barc:
            f.barc10 = _assessment_facts(barc)
        if aware:
            f.aware = _assessment_facts(aware)
    if not facts:
        return Caseload(people, [], tuple(undigested))
    # For everyone, one pass over the (small) tables below is cheaper than a look-up per alumnus;
    # rows of those not followed (inactive, archived) are passed over here.
    narrowed = which.caseworker_id is not None or which.alumni_ids is not None

    def in_caseload(column) -> list:
        return [column.in_(select(a.id).where(*conditions))] if narrowed else []

    # 2. Meeting attendance recorded in the meetings window.
    m = MeetingAttendance.__table__.c
    meetings_query = (
        select(m.alumnus_id, func.count(), func.sum(case((m.attended, 1), else_=0)))
        .where(m.met_on >= ctx.meetings_start, m.met_on <= today,
               *in_caseload(m.alumnus_id))
        .group_by(m.alumnus_id)
    )
    for alumnus_id, recorded, attended in session.execute(meetings_query):
        f = facts.get(alumnus_id)
        if f is not None:
            f.meetings_recorded, f.meetings_recorded_attended = recorded, int(attended or 0)

    # 3. The latest return to use in the recurrence window.
    e = RecurrenceEvent.__table__.c
    events_query = (
        select(e.alumnus_id, e.occurred_on, e.kind)
        .where(e.occurred_on <= today, e.occurred_on >= today - timedelta(days=settings.recurrence_window_days),
               *in_caseload(e.alumnus_id))
        .order_by(e.alumnus_id, e.occurred_on, e.id)
    )
    for alumnus_id, on, kind in session.execute(events_query):
        f = facts.get(alumnus_id)
        if f is not None:
            f.last_recurrence = RecurrenceFact(on, kind)  # the newest comes last

    # 4. Active mentor pairings and the mentor's last contact.
    source = mentors or PairingTableSource()
    for alumnus_id, mentor in source.mentor_facts(session, facts.keys(), today, end).items():
        if alumnus_id in facts:
            facts[alumnus_id].mentor = mentor

    return Caseload(people, list(facts.values()), tuple(undigested))
