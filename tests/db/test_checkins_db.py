"""Check-ins and meeting attendance on SQLite and PostgreSQL: logging, timeline, trend, follow-ups, rates."""

from datetime import date, datetime, time, timedelta

import pytest

from aftercare_desktop.errors import AftercareError, RecordNotFoundError, ValidationFailed
from aftercare_desktop.models import AftercarePlan, PlanMeeting, PlanWarningSign
from aftercare_desktop.models.enums import (
    STANDARD_WARNING_SIGNS,
    AlumniStatus,
    AuditAction,
    CheckinCadence,
    CheckinMethod,
    CheckinOutcome,
    MeetingKind,
    PlanStatus,
)
from aftercare_desktop.services import staff
from aftercare_desktop.services.alumni import AlumniService
from aftercare_desktop.services.audit import events_for
from aftercare_desktop.services.checkins import CheckInData, CheckInService
from aftercare_desktop.services.meetings import AttendanceRate, MeetingData, MeetingService, expected_meetings
from aftercare_desktop.services.records import AlumnusData
from tests.conftest import FIXED_TODAY

NOW = datetime.combine(FIXED_TODAY, time(15, 0)).astimezone()


def at(days_ago: int, hour: int = 10) -> datetime:
    return datetime.combine(FIXED_TODAY - timedelta(days=days_ago), time(hour, 0)).astimezone()


@pytest.fixture
def alumni(any_db):
    return AlumniService(any_db, today=lambda: FIXED_TODAY)


@pytest.fixture
def service(any_db):
    return CheckInService(any_db, today=lambda: FIXED_TODAY, now=lambda: NOW)


@pytest.fixture
def meetings(any_db):
    return MeetingService(any_db, today=lambda: FIXED_TODAY)


def add_alumnus(alumni, actor, client_id="AC-1", **changes):
    values = dict(client_id=client_id, first_name="José", last_name="Núñez", caseworker_id=actor.staff_id)
    values.update(changes)
    return alumni.create(AlumnusData(**values), actor).id


def add_plan(database, alumnus_id, *, signs=(), per_week=(), start=date(2026, 1, 1), status=PlanStatus.ACTIVE,
             version=1):
    with database.session() as session:
        plan = AftercarePlan(alumnus_id=alumnus_id, version=version, status=status, start_date=start,
                             checkin_cadence=CheckinCadence.WEEKLY)
        plan.warning_signs = [PlanWarningSign(position=i, text=t) for i, t in enumerate(signs)]
        plan.meetings = [PlanMeeting(position=i, kind=MeetingKind.AA, per_week=n) for i, n in enumerate(per_week)]
        session.add(plan)
        session.commit()
        return plan.id


def call(actor, occurred_at=None, **changes) -> CheckInData:
    values = dict(occurred_at=occurred_at or at(0), staff_id=actor.staff_id, method=CheckinMethod.CALL,
                  outcome=CheckinOutcome.REACHED, mood=4, craving=2)
    values.update(changes)
    return CheckInData(**values)


# -- logging ---------------------------------------------------------------------------------------------
def test_log_stores_the_check_in_and_audits_it(service, alumni, any_db, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    record = service.log(alumnus, call(any_actor, warning_signs=[" Irritability", "irritability "],
                                       notes=" slept badly ", follow_up_due=FIXED_TODAY + timedelta(days=2),
                                       used_since_last=False, meetings_attended=3), any_actor)
    assert record.id and record.alumnus_id == alumnus
    assert record.made_by == "Test Caseworker"
    assert record.occurred_at == at(0) and record.occurred_at.tzinfo is not None
    assert record.warning_signs == ("Irritability",) and record.notes == "slept badly"
    assert record.used_since_last is False and record.meetings_attended == 3
    assert record.follow_up_open
    events = events_for(any_db, "check_in", record.id)
    assert [e.action for e in events] == [AuditAction.CREATE]
    assert "mood" in events[0].changed_fields and "notes" in events[0].changed_fields


def test_log_refuses_invalid_data_with_every_reason(service, alumni, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    with pytest.raises(ValidationFailed) as raised:
        service.log(alumnus, call(any_actor, mood=None, craving=11), any_actor)
    assert [p.field for p in raised.value.problems] == ["mood", "craving"]
    assert service.timeline(alumnus) == []


def test_log_for_a_missing_alumnus_or_staff_member(service, alumni, any_actor):
    with pytest.raises(RecordNotFoundError):
        service.log(999, call(any_actor), any_actor)
    alumnus = add_alumnus(alumni, any_actor)
    with pytest.raises(AftercareError, match="no longer exists"):
        service.log(alumnus, call(any_actor, staff_id=9999), any_actor)


def test_a_mentor_check_in_names_the_mentor(service, alumni, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    mentor = add_alumnus(alumni, any_actor, "AC-2", first_name="Robert", last_name="Lee", preferred_name="Bob")
    record = service.log(alumnus, call(any_actor, staff_id=None, mentor_id=mentor), any_actor)
    assert record.made_by == "Bob Lee" and record.mentor_id == mentor


# -- timeline and trend -------------------------------------------------------------------------------
def test_timeline_is_newest_first_and_limited(service, alumni, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    other = add_alumnus(alumni, any_actor, "AC-2")
    for days_ago in (5, 1, 3):
        service.log(alumnus, call(any_actor, at(days_ago)), any_actor)
    service.log(other, call(any_actor, at(2)), any_actor)
    service.log(alumnus, call(any_actor, at(1, 9), outcome=CheckinOutcome.NO_ANSWER, mood=None, craving=None),
                any_actor)
    timeline = service.timeline(alumnus)
    assert [r.occurred_at for r in timeline] == [at(1), at(1, 9), at(3), at(5)]
    assert {r.alumnus_id for r in timeline} == {alumnus}
    assert [r.occurred_at for r in service.timeline(alumnus, limit=2)] == [at(1), at(1, 9)]


def test_trend_has_one_point_a_day_for_reached_check_ins(service, alumni, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    service.log(alumnus, call(any_actor, at(3, 9), mood=2, craving=8), any_actor)
    service.log(alumnus, call(any_actor, at(3, 17), mood=3, craving=5), any_actor)
    service.log(alumnus, call(any_actor, at(1), mood=4, craving=1), any_actor)
    service.log(alumnus, call(any_actor, at(0), outcome=CheckinOutcome.LEFT_MESSAGE, mood=None, craving=None),
                any_actor)
    trend = service.trend(alumnus)
    day3, day1 = FIXED_TODAY - timedelta(days=3), FIXED_TODAY - timedelta(days=1)
    assert trend.mood == ((day3, 2.5), (day1, 4.0))
    assert trend.craving == ((day3, 6.5), (day1, 1.0))


def test_trend_becomes_weekly_beyond_max_points(service, alumni, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    # 2026-06-15 is a Monday: days 1–7 ago are the week before, 0 is this week.
    for days_ago, mood in [(0, 5), (1, 4), (2, 2), (8, 1)]:
        service.log(alumnus, call(any_actor, at(days_ago), mood=mood, craving=10 - mood), any_actor)
    assert len(service.trend(alumnus, max_points=4).mood) == 4
    weekly = service.trend(alumnus, max_points=3)
    assert weekly.weekly
    assert weekly.mood == ((FIXED_TODAY - timedelta(days=8), 1.0), (FIXED_TODAY - timedelta(days=1), 3.0),
                           (FIXED_TODAY, 5.0))
    assert weekly.craving[1] == (FIXED_TODAY - timedelta(days=1), 7.0)


def test_trend_window_boundary(service, alumni, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    service.log(alumnus, call(any_actor, datetime.combine(FIXED_TODAY - timedelta(days=30), time(0, 0)).astimezone()),
                any_actor)
    service.log(alumnus, call(any_actor, datetime.combine(FIXED_TODAY - timedelta(days=31), time(23, 59)).astimezone()),
                any_actor)
    assert [day for day, _ in service.trend(alumnus, days=30).mood] == [FIXED_TODAY - timedelta(days=30)]


# -- follow-ups ----------------------------------------------------------------------------------------
def test_follow_ups_due_on_or_before_today(service, alumni, any_db, any_actor):
    mine = add_alumnus(alumni, any_actor)
    other_worker = staff.add_staff(any_db, "Sam Ortiz")
    theirs = add_alumnus(alumni, any_actor, "AC-2", first_name="Zoë", last_name="Fischer",
                         caseworker_id=other_worker.id)
    due_today = service.log(mine, call(any_actor, at(2), follow_up_due=FIXED_TODAY), any_actor)
    overdue = service.log(theirs, call(any_actor, at(5), follow_up_due=FIXED_TODAY - timedelta(days=3)), any_actor)
    service.log(mine, call(any_actor, at(1), follow_up_due=FIXED_TODAY + timedelta(days=1)), any_actor)
    service.log(mine, call(any_actor, at(1)), any_actor)
    due = service.follow_ups_due(FIXED_TODAY)
    assert [(f.check_in_id, f.days_overdue) for f in due] == [(overdue.id, 3), (due_today.id, 0)]
    assert due[0].name == "Zoë Fischer" and due[0].made_by == "Test Caseworker"
    assert [f.check_in_id for f in service.follow_ups_due(FIXED_TODAY, caseworker_id=any_actor.staff_id)] == [
        due_today.id]
    assert service.follow_ups_due(FIXED_TODAY - timedelta(days=4)) == []


def test_completing_a_follow_up_takes_it_off_the_list(service, alumni, any_db, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    record = service.log(alumnus, call(any_actor, follow_up_due=FIXED_TODAY), any_actor)
    done = service.complete_follow_up(record.id, any_actor)
    assert done.follow_up_done_at is not None and not done.follow_up_open
    assert service.follow_ups_due(FIXED_TODAY) == []
    again = service.complete_follow_up(record.id, any_actor)  # twice: nothing changes
    assert again.follow_up_done_at == done.follow_up_done_at
    assert [e.action for e in events_for(any_db, "check_in", record.id)] == [AuditAction.CREATE, AuditAction.UPDATE]
    without = service.log(alumnus, call(any_actor), any_actor)
    with pytest.raises(AftercareError, match="no follow-up"):
        service.complete_follow_up(without.id, any_actor)
    with pytest.raises(RecordNotFoundError):
        service.complete_follow_up(99999, any_actor)


def test_follow_ups_leave_out_archived_opted_out_and_deceased(service, alumni, any_actor):
    people = {}
    for number, status in enumerate(
            [AlumniStatus.ACTIVE, AlumniStatus.LOST_CONTACT, AlumniStatus.OPTED_OUT, AlumniStatus.DECEASED]):
        alumnus_id = add_alumnus(alumni, any_actor, f"AC-{number}")
        if status is not AlumniStatus.ACTIVE:
            alumni.change_status(alumnus_id, 1, status, None, any_actor)
        people[status] = service.log(alumnus_id, call(any_actor, follow_up_due=FIXED_TODAY), any_actor).id
    archived = add_alumnus(alumni, any_actor, "AC-9")
    service.log(archived, call(any_actor, follow_up_due=FIXED_TODAY), any_actor)
    alumni.set_archived(archived, 1, True, any_actor)
    assert {f.check_in_id for f in service.follow_ups_due(FIXED_TODAY)} == {
        people[AlumniStatus.ACTIVE], people[AlumniStatus.LOST_CONTACT]}


# -- warning-sign choices --------------------------------------------------------------------------------
def test_warning_sign_choices_put_their_own_words_first(service, alumni, any_db, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    assert [c.text for c in service.warning_sign_choices(alumnus)] == list(STANDARD_WARNING_SIGNS)
    add_plan(any_db, alumnus, signs=["old plan sign"], status=PlanStatus.SUPERSEDED)
    add_plan(any_db, alumnus, signs=["Skipping  dinner", "irritability", "Staying in bed"], version=2)
    choices = service.warning_sign_choices(alumnus)
    assert [(c.text, c.personal) for c in choices[:3]] == [
        ("Skipping dinner", True), ("irritability", True), ("Staying in bed", True)]
    assert all(not c.personal for c in choices[3:])
    assert "Irritability" not in [c.text for c in choices]  # named in their own words already
    assert len(choices) == 3 + len(STANDARD_WARNING_SIGNS) - 1


# -- meetings ----------------------------------------------------------------------------------------------
def test_expected_meetings_prorates_a_plan_started_in_the_window():
    today = date(2026, 6, 15)
    assert expected_meetings(3, date(2026, 1, 1), today, 4) == 12
    assert expected_meetings(3, today - timedelta(days=27), today, 4) == 12  # started on the window's first day
    assert expected_meetings(3, today - timedelta(days=6), today, 4) == 3  # one week
    assert expected_meetings(3, today, today, 4) == 0  # 3/7 rounds down
    assert expected_meetings(7, today, today, 4) == 1
    assert expected_meetings(1, today - timedelta(days=3), today, 4) == 1  # 4/7 rounds up
    assert expected_meetings(1, today - timedelta(days=2), today, 4) == 0  # 3/7 rounds down
    assert expected_meetings(2, today + timedelta(days=1), today, 4) == 0  # not started yet
    assert expected_meetings(0, None, today, 4) == 0


def test_log_and_list_meetings(meetings, alumni, any_db, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    first = meetings.log(alumnus, MeetingData(FIXED_TODAY - timedelta(days=2), MeetingKind.NA, True, True,
                                              " home group "), any_actor)
    meetings.log(alumnus, MeetingData(FIXED_TODAY, MeetingKind.SMART, attended=False), any_actor)
    listed = meetings.meetings(alumnus)
    assert [(m.met_on, m.kind, m.attended, m.verified) for m in listed] == [
        (FIXED_TODAY, MeetingKind.SMART, False, False), (FIXED_TODAY - timedelta(days=2), MeetingKind.NA, True, True)]
    assert listed[1].note == "home group" and listed[1].recorded_by == "Test Caseworker"
    assert [e.action for e in events_for(any_db, "meeting_attendance", first.id)] == [AuditAction.CREATE]


def test_meeting_validation(meetings, alumni, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    with pytest.raises(ValidationFailed) as raised:
        meetings.log(alumnus, MeetingData(FIXED_TODAY + timedelta(days=1), "bingo", note="x" * 301), any_actor)
    assert [p.field for p in raised.value.problems] == ["met_on", "kind", "note"]
    meetings.log(alumnus, MeetingData(FIXED_TODAY - timedelta(days=366), MeetingKind.AA, note="x" * 300), any_actor)
    with pytest.raises(ValidationFailed):
        meetings.log(alumnus, MeetingData(FIXED_TODAY - timedelta(days=367), MeetingKind.AA), any_actor)
    with pytest.raises(RecordNotFoundError):
        meetings.log(9999, MeetingData(FIXED_TODAY, MeetingKind.AA), any_actor)


def test_attendance_rate_against_the_active_plan(meetings, alumni, any_db, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    assert meetings.attendance_rate(alumnus) == AttendanceRate(0, 0)  # no plan
    add_plan(any_db, alumnus, per_week=[5], status=PlanStatus.SUPERSEDED)
    add_plan(any_db, alumnus, per_week=[2, 1], version=2)
    assert meetings.expected_per_week(alumnus) == 3
    for days_ago, attended in [(0, True), (27, True), (28, True), (3, False), (10, True)]:
        meetings.log(alumnus, MeetingData(FIXED_TODAY - timedelta(days=days_ago), MeetingKind.AA, attended), any_actor)
    rate = meetings.attendance_rate(alumnus, weeks=4)
    assert rate == (3, 12) and rate.shortfall == 9  # day 28 is outside; the missed one does not count
    assert meetings.attendance_rate(alumnus, weeks=1) == (1, 3)


def test_attendance_rates_for_many_alumni_at_once(meetings, alumni, any_db, any_actor):
    with_plan = add_alumnus(alumni, any_actor, "AC-1")
    without_plan = add_alumnus(alumni, any_actor, "AC-2")
    nothing = add_alumnus(alumni, any_actor, "AC-3")
    add_plan(any_db, with_plan, per_week=[1])
    add_plan(any_db, nothing)  # a plan without meetings expects none
    meetings.log(with_plan, MeetingData(FIXED_TODAY, MeetingKind.AA), any_actor)
    meetings.log(without_plan, MeetingData(FIXED_TODAY, MeetingKind.NA), any_actor)
    rates = meetings.attendance_rates([with_plan, without_plan, nothing])
    assert rates == {with_plan: (1, 4), without_plan: (1, 0), nothing: (0, 0)}
    assert meetings.attendance_rates() == rates
    assert {k: meetings.attendance_rate(k) for k in rates} == rates
