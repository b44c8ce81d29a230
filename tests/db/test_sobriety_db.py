"""Sobriety date, recurrences, corrections and milestones on SQLite and PostgreSQL."""

from datetime import date, datetime, time, timedelta

import pytest

from aftercare_desktop.errors import AftercareError, ConcurrentEditError, RecordNotFoundError, ValidationFailed
from aftercare_desktop.models import RecurrenceEvent, SobrietyDateChange
from aftercare_desktop.models.enums import (
    AlumniStatus,
    AuditAction,
    CheckinMethod,
    CheckinOutcome,
    RecurrenceKind,
    SobrietyChangeKind,
)
from aftercare_desktop.services import staff
from aftercare_desktop.services.alumni import AlumniService
from aftercare_desktop.services.audit import events_for
from aftercare_desktop.services.checkins import CheckInData, CheckInService
from aftercare_desktop.services.records import AlumnusData
from aftercare_desktop.services.sobriety import SobrietyService
from tests.conftest import FIXED_TODAY

START = date(2026, 1, 10)


@pytest.fixture
def alumni(any_db):
    return AlumniService(any_db, today=lambda: FIXED_TODAY)


@pytest.fixture
def service(any_db):
    return SobrietyService(any_db, today=lambda: FIXED_TODAY)


def add_alumnus(alumni, actor, client_id="AC-1", start=START, **changes) -> int:
    values = dict(client_id=client_id, first_name="José", last_name="Núñez", sobriety_start_date=start,
                  caseworker_id=actor.staff_id, date_of_birth=date(1990, 5, 1))
    values.update(changes)
    return alumni.create(AlumnusData(**values), actor).id


def count(database, model, alumnus_id) -> int:
    with database.session() as session:
        return session.query(model).filter_by(alumnus_id=alumnus_id).count()


# -- recurrence vs correction ------------------------------------------------------------------------------
def test_a_recurrence_moves_the_date_to_the_next_day_and_keeps_history(service, alumni, any_db, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    outcome = service.record_recurrence(alumnus, 1, date(2026, 6, 1), " alcohol ", RecurrenceKind.LAPSE,
                                        "Call sponsor daily for two weeks", any_actor)
    assert outcome.moved and outcome.old_date == START and outcome.new_date == date(2026, 6, 2)
    assert outcome.row_version == 2
    assert outcome.recurrence.substance == "alcohol" and outcome.recurrence.recorded_by == "Test Caseworker"
    record = alumni.open_record(alumnus, any_actor)
    assert record.sobriety_start_date == date(2026, 6, 2) and record.row_version == 2
    history = service.sobriety_history(alumnus)
    assert [(h.kind, h.old_date, h.new_date) for h in history] == [
        (SobrietyChangeKind.RECURRENCE, START, date(2026, 6, 2))]
    assert history[0].reason == "Lapse on 2026-06-01" and history[0].changed_by == "Test Caseworker"
    assert [r.occurred_on for r in service.recurrences(alumnus)] == [date(2026, 6, 1)]
    assert [e.action for e in events_for(any_db, "recurrence_event", outcome.recurrence.id)] == [AuditAction.CREATE]
    assert events_for(any_db, "alumnus", alumnus)[-2].changed_fields == ("sobriety_start_date",)


def test_a_correction_is_a_different_action(service, alumni, any_db, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    outcome = service.correct_sobriety_date(alumnus, 1, date(2026, 1, 3), "Typed the discharge date by mistake",
                                            any_actor)
    assert outcome.row_version == 2
    assert (outcome.change.kind, outcome.change.old_date, outcome.change.new_date) == (
        SobrietyChangeKind.CORRECTION, START, date(2026, 1, 3))
    assert service.recurrences(alumnus) == []
    assert count(any_db, RecurrenceEvent, alumnus) == 0
    assert service.summary(alumnus).start == date(2026, 1, 3)
    assert events_for(any_db, "alumnus", alumnus)[-1].action is AuditAction.UPDATE


def test_history_keeps_both_kinds_newest_first(service, alumni, any_db, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    service.record_recurrence(alumnus, 1, date(2026, 3, 1), None, RecurrenceKind.RELAPSE, None, any_actor)
    service.correct_sobriety_date(alumnus, 2, date(2026, 3, 5), "Date given was wrong", any_actor)
    service.record_recurrence(alumnus, 3, date(2026, 5, 20), "opioids", RecurrenceKind.LAPSE, "MAT review", any_actor)
    history = service.sobriety_history(alumnus)
    assert [(h.kind, h.old_date, h.new_date) for h in history] == [
        (SobrietyChangeKind.RECURRENCE, date(2026, 3, 5), date(2026, 5, 21)),
        (SobrietyChangeKind.CORRECTION, date(2026, 3, 2), date(2026, 3, 5)),
        (SobrietyChangeKind.RECURRENCE, START, date(2026, 3, 2)),
    ]
    assert [r.kind for r in service.recurrences(alumnus)] == [RecurrenceKind.LAPSE, RecurrenceKind.RELAPSE]
    assert count(any_db, SobrietyDateChange, alumnus) == 3


def test_a_correction_needs_a_reason_and_a_real_change(service, alumni, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    with pytest.raises(ValidationFailed) as raised:
        service.correct_sobriety_date(alumnus, 1, FIXED_TODAY + timedelta(days=1), "  ", any_actor)
    assert [p.field for p in raised.value.problems] == ["new_date", "reason"]
    with pytest.raises(ValidationFailed, match="already the sobriety date"):
        service.correct_sobriety_date(alumnus, 1, START, "same", any_actor)
    with pytest.raises(ValidationFailed, match="before the date of birth"):
        service.correct_sobriety_date(alumnus, 1, date(1990, 4, 30), "typo", any_actor)
    with pytest.raises(ValidationFailed, match="400"):
        service.correct_sobriety_date(alumnus, 1, FIXED_TODAY, "r" * 401, any_actor)
    assert service.correct_sobriety_date(alumnus, 1, FIXED_TODAY, "r" * 400, any_actor).row_version == 2
    assert service.correct_sobriety_date(alumnus, 2, date(1990, 5, 1), "born sober", any_actor).row_version == 3


def test_a_correction_can_set_a_first_date(service, alumni, any_actor):
    alumnus = add_alumnus(alumni, any_actor, start=None)
    assert service.summary(alumnus).days_sober is None
    change = service.correct_sobriety_date(alumnus, 1, date(2026, 6, 1), "Told us at intake", any_actor).change
    assert change.old_date is None and change.new_date == date(2026, 6, 1)


def test_recurrence_validation(service, alumni, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    with pytest.raises(ValidationFailed) as raised:
        service.record_recurrence(alumnus, 1, FIXED_TODAY + timedelta(days=1), "s" * 81, "slip", "p" * 4001,
                                  any_actor)
    assert [p.field for p in raised.value.problems] == ["occurred_on", "kind", "substance", "response_plan"]
    with pytest.raises(ValidationFailed):
        service.record_recurrence(alumnus, 1, None, None, RecurrenceKind.LAPSE, None, any_actor)
    # Today is allowed: the count starts again tomorrow.
    outcome = service.record_recurrence(alumnus, 1, FIXED_TODAY, "s" * 80, "relapse", "p" * 4000, any_actor)
    assert outcome.new_date == FIXED_TODAY + timedelta(days=1)
    summary = service.summary(alumnus)
    assert summary.days_sober == 0 and summary.progress.next.key == "30d"


def test_a_late_report_before_the_current_date_leaves_the_date(service, alumni, any_db, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    # The day before the start: the start is already the day after it.
    outcome = service.record_recurrence(alumnus, 1, START - timedelta(days=1), None, RecurrenceKind.LAPSE, None,
                                        any_actor)
    assert not outcome.moved and outcome.new_date == START and outcome.row_version == 1
    assert service.sobriety_history(alumnus) == []
    assert len(service.recurrences(alumnus)) == 1
    # On the start day itself: it moves by one day.
    outcome = service.record_recurrence(alumnus, 1, START, None, RecurrenceKind.LAPSE, None, any_actor)
    assert outcome.moved and outcome.new_date == START + timedelta(days=1) and outcome.row_version == 2


def test_recurrence_linked_to_a_check_in_of_the_same_person(service, alumni, any_db, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    other = add_alumnus(alumni, any_actor, "AC-2")
    checkins = CheckInService(any_db, today=lambda: FIXED_TODAY,
                              now=lambda: datetime.combine(FIXED_TODAY, time(12)).astimezone())
    theirs = checkins.log(other, CheckInData(datetime.combine(FIXED_TODAY, time(9)).astimezone(), CheckinMethod.CALL,
                                             CheckinOutcome.REACHED, any_actor.staff_id, mood=2, craving=7,
                                             used_since_last=True), any_actor)
    with pytest.raises(AftercareError, match="someone else"):
        service.record_recurrence(alumnus, 1, FIXED_TODAY, None, RecurrenceKind.LAPSE, None, any_actor, theirs.id)
    outcome = service.record_recurrence(other, 1, FIXED_TODAY, None, RecurrenceKind.LAPSE, None, any_actor, theirs.id)
    assert outcome.recurrence.check_in_id == theirs.id


# -- concurrency -------------------------------------------------------------------------------------------
def test_a_stale_row_version_is_refused_and_nothing_is_written(service, alumni, any_db, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    record = alumni.open_record(alumnus, any_actor)
    from dataclasses import replace
    alumni.update(replace(record, city="Springfield"), any_actor)  # someone else saved: version 2
    with pytest.raises(ConcurrentEditError):
        service.record_recurrence(alumnus, 1, date(2026, 6, 1), None, RecurrenceKind.LAPSE, None, any_actor)
    with pytest.raises(ConcurrentEditError):
        service.correct_sobriety_date(alumnus, 1, date(2026, 1, 1), "typo", any_actor)
    assert count(any_db, RecurrenceEvent, alumnus) == 0 and count(any_db, SobrietyDateChange, alumnus) == 0
    assert service.summary(alumnus).start == START
    with pytest.raises(RecordNotFoundError):
        service.record_recurrence(999, 1, date(2026, 6, 1), None, RecurrenceKind.LAPSE, None, any_actor)


def test_a_profile_holding_the_old_version_cannot_overwrite_the_new_date(service, alumni, any_actor):
    alumnus = add_alumnus(alumni, any_actor)
    open_in_profile = alumni.open_record(alumnus, any_actor)
    service.record_recurrence(alumnus, 1, date(2026, 6, 1), None, RecurrenceKind.LAPSE, None, any_actor)
    from dataclasses import replace
    with pytest.raises(ConcurrentEditError):
        alumni.update(replace(open_in_profile, city="Springfield"), any_actor)


# -- milestones ---------------------------------------------------------------------------------------------
def test_summary_shows_count_next_milestone_and_what_to_celebrate(service, alumni, any_actor):
    alumnus = add_alumnus(alumni, any_actor, start=date(2025, 12, 20))  # 177 days on 2026-06-15
    summary = service.summary(alumnus)
    assert summary.days_sober == 177 and summary.name == "José Núñez" and summary.row_version == 1
    assert summary.progress.next.key == "6m" and summary.progress.next.on == date(2026, 6, 20)
    # The next one (in 5 days) may be celebrated early, and the latest reached; older ones are moot.
    assert [m.key for m in summary.to_celebrate] == ["6m", "90d"]
    service.celebrate(alumnus, "90d", date(2026, 3, 25), "Coin at alumni group", any_actor)
    assert [m.key for m in service.summary(alumnus).to_celebrate] == ["6m"]
    assert [c.label for c in service.summary(alumnus).celebrated] == ["90 days"]


def test_to_celebrate_boundary_of_the_early_window(service, alumni, any_actor):
    fifteen_days_before = add_alumnus(alumni, any_actor, "AC-1", start=FIXED_TODAY + timedelta(days=15 - 30))
    fourteen_days_before = add_alumnus(alumni, any_actor, "AC-2", start=FIXED_TODAY + timedelta(days=14 - 30))
    assert service.summary(fifteen_days_before).to_celebrate == ()
    assert [m.key for m in service.summary(fourteen_days_before).to_celebrate] == ["30d"]


def test_celebrate_rules(service, alumni, any_db, any_actor):
    alumnus = add_alumnus(alumni, any_actor, start=date(2025, 12, 20))
    with pytest.raises(ValidationFailed, match="future"):
        service.celebrate(alumnus, "6m", FIXED_TODAY + timedelta(days=1), None, any_actor)
    with pytest.raises(ValidationFailed, match="at most 14 days before"):
        service.celebrate(alumnus, "6m", date(2026, 6, 5), None, any_actor)  # 15 days early
    record = service.celebrate(alumnus, "6m", date(2026, 6, 6), "  Card from the team ", any_actor)  # 14 days early
    assert record.how == "Card from the team" and record.sobriety_start_date == date(2025, 12, 20)
    assert events_for(any_db, "milestone_celebration", record.id)[0].action is AuditAction.CREATE
    with pytest.raises(AftercareError, match="already been celebrated"):
        service.celebrate(alumnus, "6m", FIXED_TODAY, None, any_actor)
    with pytest.raises(AftercareError, match="not a milestone"):
        service.celebrate(alumnus, "7m", FIXED_TODAY, None, any_actor)
    with pytest.raises(ValidationFailed, match="300"):
        service.celebrate(alumnus, "30d", FIXED_TODAY, "h" * 301, any_actor)
    no_date = add_alumnus(alumni, any_actor, "AC-2", start=None)
    with pytest.raises(AftercareError, match="no sobriety date"):
        service.celebrate(no_date, "30d", FIXED_TODAY, None, any_actor)
    with pytest.raises(RecordNotFoundError):
        service.celebrate(9999, "30d", FIXED_TODAY, None, any_actor)


def test_after_a_recurrence_milestones_count_again(service, alumni, any_actor):
    alumnus = add_alumnus(alumni, any_actor, start=date(2026, 1, 1))
    service.celebrate(alumnus, "30d", date(2026, 1, 31), None, any_actor)
    service.record_recurrence(alumnus, 1, date(2026, 5, 1), None, RecurrenceKind.RELAPSE, None, any_actor)
    summary = service.summary(alumnus)
    assert summary.start == date(2026, 5, 2) and summary.celebrated == ()
    assert [m.key for m in summary.to_celebrate] == ["30d"]  # reached again on 2026-06-01
    assert len(service.celebrations(alumnus)) == 1  # the earlier one stays in the history


def test_upcoming_milestones_in_the_next_fourteen_days(service, alumni, any_db, any_actor):
    other_worker = staff.add_staff(any_db, "Sam Ortiz")
    people = {
        "today": FIXED_TODAY - timedelta(days=30),            # 30 days today
        "in14": FIXED_TODAY + timedelta(days=14) - timedelta(days=60),  # 60 days in 14 days
        "in15": FIXED_TODAY + timedelta(days=15) - timedelta(days=90),  # outside the window
        "yesterday": FIXED_TODAY - timedelta(days=31),        # 30 days yesterday: passed
        "year": date(2021, 6, 20),                            # 5 years on 2026-06-20
        "month_end": date(2025, 12, 31),                      # 6 months on 2026-06-30 (30-day month)
        "none": None,
    }
    ids = {key: add_alumnus(alumni, any_actor, f"AC-{n}", start=start, first_name=key)
           for n, (key, start) in enumerate(people.items())}
    theirs = add_alumnus(alumni, any_actor, "AC-90", start=FIXED_TODAY - timedelta(days=90), first_name="theirs",
                         caseworker_id=other_worker.id)
    inactive = add_alumnus(alumni, any_actor, "AC-91", start=FIXED_TODAY - timedelta(days=30), first_name="inactive")
    alumni.change_status(inactive, 1, AlumniStatus.INACTIVE, None, any_actor)
    archived = add_alumnus(alumni, any_actor, "AC-92", start=FIXED_TODAY - timedelta(days=30), first_name="archived")
    alumni.set_archived(archived, 1, True, any_actor)

    upcoming = service.upcoming_milestones(FIXED_TODAY)
    found = {(u.alumnus_id, u.milestone.key): u.days_until for u in upcoming}
    assert found == {
        (theirs, "90d"): 0, (ids["today"], "30d"): 0, (ids["year"], "5y"): 5, (ids["in14"], "60d"): 14,
    }
    assert [u.milestone.on for u in upcoming] == sorted(u.milestone.on for u in upcoming)
    assert ids["month_end"] not in {u.alumnus_id for u in upcoming}  # 2026-06-30 is 15 days away
    assert {u.alumnus_id for u in service.upcoming_milestones(FIXED_TODAY, days=15)} >= {ids["month_end"], ids["in15"]}
    mine = service.upcoming_milestones(FIXED_TODAY, caseworker_id=any_actor.staff_id)
    assert theirs not in {u.alumnus_id for u in mine} and len(mine) == 3
    recent = service.upcoming_milestones(FIXED_TODAY, days=0, past_days=1)
    assert {(u.alumnus_id, u.days_until) for u in recent} >= {(ids["yesterday"], -1), (ids["today"], 0)}


def test_upcoming_milestones_leave_out_celebrated_ones(service, alumni, any_actor):
    alumnus = add_alumnus(alumni, any_actor, start=FIXED_TODAY - timedelta(days=85))  # 90 days in 5 days
    assert [u.milestone.key for u in service.upcoming_milestones(FIXED_TODAY)] == ["90d"]
    service.celebrate(alumnus, "90d", FIXED_TODAY, "Early, at group", any_actor)
    assert service.upcoming_milestones(FIXED_TODAY) == []


def test_upcoming_milestones_on_month_ends_and_leap_days(service, alumni, any_actor):
    leap = add_alumnus(alumni, any_actor, "AC-1", start=date(2024, 2, 29))
    end_of_august = add_alumnus(alumni, any_actor, "AC-2", start=date(2025, 8, 31))
    on = {u.alumnus_id: (u.milestone.key, u.milestone.on)
          for u in service.upcoming_milestones(date(2026, 2, 20), days=14)}
    assert on == {leap: ("2y", date(2026, 2, 28)), end_of_august: ("6m", date(2026, 2, 28))}
