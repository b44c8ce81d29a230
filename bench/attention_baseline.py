"""The baseline of the attention figure: the same Today data, read alumnus by alumnus.

This is the implementation one writes first: list the caseload, then for each alumnus ask the
database for their plan, their check-ins, meetings, assessments, returns to use, follow-ups and
celebrations, and work the facts out in Python — a handful of small queries per alumnus instead of a
handful in all. It builds the very same facts (`early_warning.AlumnusFacts`) and runs the very same
rules and sections, so the tests can hold the set-based loader to it, row for row.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from aftercare_desktop.db import Database
from aftercare_desktop.models import (
    AftercarePlan,
    Alumnus,
    AssessmentResult,
    CheckIn,
    MeetingAttendance,
    MilestoneCelebration,
    PlanMeeting,
    RecurrenceEvent,
)
from aftercare_desktop.models.enums import AlumniStatus, CheckinMethod, CheckinOutcome, PlanStatus
from aftercare_desktop.services import early_warning as ew
from aftercare_desktop.services import today as today_page
from aftercare_desktop.services.assessments import AssessmentService, due_date
from aftercare_desktop.services.sobriety import UpcomingMilestone, iter_milestones
from aftercare_desktop.services.team_settings import TeamSettingsValues, stored_values


class Counter:
    """Counts the statements a run issues (reported beside the figure)."""

    def __init__(self) -> None:
        self.statements = 0


def _local(moment) -> date:
    return moment.astimezone().date()


def load_caseload(session, settings: TeamSettingsValues, today: date, caseworker_id: int | None = None,
                  mentors: ew.MentorSource | None = None, counter: Counter | None = None) -> ew.Caseload:
    counter = counter or Counter()
    mentors = mentors or ew.PairingTableSource()  # as the app's loader: the mentor program's pairings
    ctx = ew.RuleContext.of(settings, today)
    end = ew.day_start(today + timedelta(days=1))
    lookback = ew.day_start(ctx.lookback_start)
    kept = ew.recent_checkins_kept(settings)

    def run(statement):
        counter.statements += 1
        return session.execute(statement)

    query = select(Alumnus).where(Alumnus.status == AlumniStatus.ACTIVE, Alumnus.archived_at.is_(None))
    if caseworker_id is not None:
        query = query.where(Alumnus.caseworker_id == caseworker_id)
    people: dict[int, ew.Person] = {}
    facts: dict[int, ew.AlumnusFacts] = {}
    for alumnus in run(query.order_by(Alumnus.id)).scalars().all():
        people[alumnus.id] = ew.Person(alumnus.id, alumnus.client_id, alumnus.first_name, alumnus.last_name,
                                       alumnus.preferred_name, alumnus.sort_name, alumnus.caseworker_id,
                                       alumnus.discharge_date, alumnus.sobriety_start_date)
        plan = run(select(AftercarePlan).where(AftercarePlan.alumnus_id == alumnus.id,
                                               AftercarePlan.status == PlanStatus.ACTIVE)
                   .order_by(AftercarePlan.version.desc()).limit(1)).scalars().first()
        per_week = 0
        if plan is not None:
            per_week = run(select(func.coalesce(func.sum(PlanMeeting.per_week), 0))
                           .where(PlanMeeting.plan_id == plan.id)).scalar_one()
        start, kind = ew.contact_start(plan.start_date if plan else None, alumnus.opted_in_on,
                                       alumnus.discharge_date, _local(alumnus.created_at))
        f = ew.AlumnusFacts(alumnus.id, start, kind, plan.checkin_cadence if plan else None,
                            plan.start_date if plan else None, per_week)

        # Every check-in up to today, newest first; the facts are worked out here.
        checkins = run(select(CheckIn).where(CheckIn.alumnus_id == alumnus.id, CheckIn.occurred_at < end)
                       .order_by(CheckIn.occurred_at.desc(), CheckIn.id.desc())).scalars().all()
        last = next((c for c in checkins if c.outcome is CheckinOutcome.REACHED), None)
        if last is not None:
            f.last_reached_on = _local(last.occurred_at)
        # The attempts logged after the last conversation (none of them was answered).
        streak = [c for c in checkins if last is None or c.occurred_at > last.occurred_at]
        if streak:
            f.unanswered_in_a_row = len(streak)
            f.unanswered_since = _local(min(c.occurred_at for c in streak))
            f.unanswered_all_calls = all(c.method is CheckinMethod.CALL for c in streak)
        reached = [c for c in checkins if c.outcome is CheckinOutcome.REACHED][:kept]
        f.recent = tuple(
            ew.pack(ew.CheckinFact(_local(c.occurred_at), c.mood, c.craving, c.meetings_attended,
                                   tuple(c.warning_signs or ()), c.occurred_at))
            for c in reached if c.occurred_at >= lookback
        )

        attendance = run(select(MeetingAttendance).where(
            MeetingAttendance.alumnus_id == alumnus.id, MeetingAttendance.met_on >= ctx.meetings_start,
            MeetingAttendance.met_on <= today)).scalars().all()
        f.meetings_recorded = len(attendance)
        f.meetings_recorded_attended = sum(1 for m in attendance if m.attended)

        results = run(select(AssessmentResult).where(
            AssessmentResult.alumnus_id == alumnus.id, AssessmentResult.administered_on <= today)
            .order_by(AssessmentResult.administered_on.desc(), AssessmentResult.id.desc())).scalars().all()
        f.barc10 = tuple(ew.AssessmentFact(r.administered_on, r.total) for r in results
                         if r.instrument == ew.BARC10)[:2]
        f.aware = tuple(ew.AssessmentFact(r.administered_on, r.total) for r in results
                        if r.instrument == ew.AWARE)[:2]

        event = run(select(RecurrenceEvent).where(
            RecurrenceEvent.alumnus_id == alumnus.id, RecurrenceEvent.occurred_on <= today,
            RecurrenceEvent.occurred_on >= today - timedelta(days=settings.recurrence_window_days))
            .order_by(RecurrenceEvent.occurred_on.desc(), RecurrenceEvent.id.desc()).limit(1)).scalars().first()
        if event is not None:
            f.last_recurrence = ew.RecurrenceFact(event.occurred_on, event.kind)
        counter.statements += 1
        f.mentor = mentors.mentor_facts(session, [alumnus.id], today, end).get(alumnus.id)
        facts[alumnus.id] = f
    return ew.Caseload(people, list(facts.values()))


def attention_queue(database: Database, today: date, caseworker_id: int | None = None,
                    mentors: ew.MentorSource | None = None, counter: Counter | None = None) -> list[ew.AttentionRow]:
    with database.session() as session:
        settings = stored_values(session)
        caseload = load_caseload(session, settings, today, caseworker_id, mentors, counter)
    return ew.queue(caseload, settings, today)


def today_data(database: Database, today: date, caseworker_id: int | None = None,
               mentors: ew.MentorSource | None = None, counter: Counter | None = None) -> today_page.TodayData:
    counter = counter or Counter()
    definitions = AssessmentService(database, today=lambda: today).instruments
    with database.session() as session:
        settings = stored_values(session)
        caseload = load_caseload(session, settings, today, caseworker_id, mentors, counter)
        follow_ups, milestones, assessments = [], [], []
        last_day = today + timedelta(days=settings.milestone_days_ahead)
        horizon = today + timedelta(days=settings.assessment_days_ahead)
        for person in caseload.people.values():
            counter.statements += 3
            for checkin in session.execute(select(CheckIn).where(
                    CheckIn.alumnus_id == person.id, CheckIn.follow_up_due <= today,
                    CheckIn.follow_up_done_at.is_(None))).scalars():
                follow_ups.append(today_page.FollowUpRow(
                    checkin.id, person.id, person.name, person.client_id, checkin.follow_up_due,
                    (today - checkin.follow_up_due).days, _local(checkin.occurred_at)))
            if person.sobriety_start_date is not None:
                celebrated = set(session.execute(select(MilestoneCelebration.milestone).where(
                    MilestoneCelebration.alumnus_id == person.id,
                    MilestoneCelebration.sobriety_start_date == person.sobriety_start_date)).scalars())
                for milestone in iter_milestones(person.sobriety_start_date):
                    if milestone.on > last_day:
                        break
                    if milestone.on >= today and milestone.key not in celebrated:
                        milestones.append(UpcomingMilestone(
                            person.id, person.client_id, person.name, person.caseworker_id,
                            person.sobriety_start_date, milestone, (milestone.on - today).days))
            if person.discharge_date is not None:
                for code, definition in definitions.items():
                    last_given = session.execute(select(func.max(AssessmentResult.administered_on)).where(
                        AssessmentResult.alumnus_id == person.id, AssessmentResult.instrument == code)).scalar()
                    on = due_date(definition.cadence, person.discharge_date, last_given)
                    if on is not None and on <= horizon:
                        assessments.append(today_page.AssessmentDueRow(
                            person.id, person.name, person.client_id, code, on, (today - on).days))
    follow_ups.sort(key=lambda r: (r.due_on, r.check_in_id))
    milestones.sort(key=lambda m: (m.milestone.on, m.name.casefold(), m.alumnus_id))
    assessments.sort(key=lambda r: (r.due_on, r.alumnus_id, r.instrument))
    overdue, due = today_page.checkins_due(caseload, settings, today)
    attention = ew.queue(caseload, settings, today)
    return today_page.TodayData(
        today, caseworker_id,
        today_page.Section("overdue", "Check-ins overdue", tuple(overdue)),
        today_page.Section("due", "Check-ins due", tuple(due)),
        today_page.Section("attention", "Needs attention", tuple(attention)),
        today_page.Section("follow_ups", "Follow-ups due", tuple(follow_ups)),
        today_page.Section("milestones", "Upcoming milestones", tuple(milestones)),
        today_page.Section("assessments", "Assessments due", tuple(assessments)),
    )
