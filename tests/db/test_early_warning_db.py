"""The early-warning engine on real tables, on SQLite and PostgreSQL: every signal read from the rows
it comes from, as of "today", in local dates; the set-based loader against the per-alumnus baseline;
team settings stored, audited and used; mentor pairings read from their table."""

from __future__ import annotations

import os
import time
from dataclasses import asdict
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, select, update

from aftercare_desktop.errors import ValidationFailed
from aftercare_desktop.models import AuditEvent, CheckIn, MentorPairing, TeamSetting
from aftercare_desktop.models.enums import (
    AlumniStatus,
    AuditAction,
    CheckinCadence,
    CheckinMethod,
    CheckinOutcome,
    RecurrenceKind,
    WarningLevel,
)
from aftercare_desktop.services import early_warning as ew
from aftercare_desktop.services.early_warning import AttentionService, MentorFact
from aftercare_desktop.services.team_settings import DEFAULTS, TeamSettingsService, stored_values
from bench import attention_baseline
from tests.conftest import FIXED_TODAY
from tests.db.caseload_data import CaseloadBuilder, local, random_caseload

TODAY = FIXED_TODAY
NO_ANSWER = CheckinOutcome.NO_ANSWER


@pytest.fixture
def build(any_db) -> CaseloadBuilder:
    return CaseloadBuilder(any_db, TODAY)


def service(database, **kwargs) -> AttentionService:
    return AttentionService(database, today=lambda: TODAY, **kwargs)


def reasons_by_name(rows) -> dict[str, list[str]]:
    return {row.name: [reason.text for reason in row.reasons] for row in rows}


def test_every_signal_is_read_from_its_tables(any_db, build):
    weekly = CheckinCadence.WEEKLY
    calm = build.alumnus("Calm", "Person")
    build.plan(calm, weekly)
    build.reached(calm, 2, 9, 16, mood=4, craving=1)

    late = build.alumnus("Late", "Person")
    build.plan(late, weekly)
    build.reached(late, 12, 19)

    silent = build.alumnus("Silent", "Person")
    build.reached(silent, 8)
    for ago in (6, 4, 2):
        build.checkin(silent, ago, NO_ANSWER)

    meetings = build.alumnus("Meetings", "Person")
    build.plan(meetings, weekly, started_ago=60, meetings_per_week=(1, 1))
    build.reached(meetings, 3)
    for ago, attended in ((1, True), (5, False), (9, False), (12, False), (14, False)):  # 14 days ago: outside
        build.attendance(meetings, ago, attended)

    low = build.alumnus("Low", "Mood")
    for ago, mood in zip(range(1, 60, 6), (2, 2, 2, 4, 4, 4, 4, 4, 4, 1)):
        build.checkin(low, ago, mood=mood)

    craving = build.alumnus("Craving", "Person")
    for ago, value in ((1, 6), (5, 5), (9, 3), (13, 2), (17, 9)):
        build.checkin(craving, ago, craving=value)

    signs = build.alumnus("Signs", "Person")
    for ago, ticked in ((1, ("Irritability",)), (5, ()), (9, ("Irritability", "Sleep problems")),
                        (13, ("Irritability",)), (40, ("Sleep problems",))):
        build.checkin(signs, ago, signs=ticked)

    barc = build.alumnus("Barc", "Person")
    build.reached(barc, 3)
    build.assessment(barc, "BARC-10", 100, 52)
    build.assessment(barc, "BARC-10", 10, 41)

    aware = build.alumnus("Aware", "Person")
    build.reached(aware, 3)
    build.assessment(aware, "AWARE", 70, 70)
    build.assessment(aware, "AWARE", 8, 92)

    used = build.alumnus("Used", "Person")
    build.reached(used, 3)
    build.recurrence(used, 26, RecurrenceKind.LAPSE)

    for status, archived in ((AlumniStatus.INACTIVE, False), (AlumniStatus.ACTIVE, True)):
        away = build.alumnus("Not", "Followed", status=status, archived=archived)
        build.recurrence(away, 3)

    rows = service(any_db).queue()
    assert reasons_by_name(rows) == {
        "Used Person": ["Return to use on 2026-05-20 (lapse)"],
        "Late Person": ["No check-in for 12 days — plan says weekly"],
        "Silent Person": ["3 calls in a row without an answer since 2026-06-09"],
        "Meetings Person": ["Missed 3 of 4 expected meetings in the last 2 weeks"],
        "Low Mood": ["Mood 2 over the last 3 check-ins, below their usual 4"],
        "Craving Person": ["Cravings rising: 2 → 6 over the last 4 check-ins"],
        "Signs Person": ["Irritability ticked in 3 of the last 4 check-ins"],
        "Barc Person": ["BARC-10 fell to 41 (cut-off 47)", "BARC-10 dropped 11 points since the last one"],
        "Aware Person": ["AWARE rose from 70 to 92"],
    }
    assert rows[0].name == "Used Person" and rows[0].level is WarningLevel.HIGH
    assert all(row.level is WarningLevel.WATCH for row in rows[1:])
    # Watch rows: the longest-standing concern first.
    assert [row.since for row in rows[1:]] == sorted(row.since for row in rows[1:])
    assert rows[-1].name == "Late Person" and rows[-1].since == TODAY - timedelta(days=2)


def test_unanswered_streak_counts_attempts_since_the_last_conversation(any_db, build):
    person = build.alumnus()
    build.checkin(person, 20, NO_ANSWER)  # before the last conversation: not in the streak
    build.reached(person, 10)
    build.checkin(person, 7, NO_ANSWER, method=CheckinMethod.TEXT)
    build.checkin(person, 5, CheckinOutcome.LEFT_MESSAGE)
    build.checkin(person, 1, NO_ANSWER)
    (row,) = service(any_db).queue()
    assert [r.text for r in row.reasons] == ["3 attempts in a row without an answer since 2026-06-08"]


def test_nothing_after_today_counts(any_db, build):
    person = build.alumnus()
    build.plan(person, CheckinCadence.WEEKLY)
    build.reached(person, 10)
    build.reached(person, -1)  # logged for tomorrow (a clock off on some desk)
    build.recurrence(person, -1)
    (row,) = service(any_db).queue()
    assert [r.text for r in row.reasons] == ["No check-in for 10 days — plan says weekly"]


@pytest.fixture
def los_angeles():
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/Los_Angeles"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_days_are_counted_in_local_time(any_db, build, los_angeles):
    person = build.alumnus()
    build.plan(person, CheckinCadence.WEEKLY)
    # 9:30 pm in Los Angeles on 2026-06-05 is already 2026-06-06 in UTC.
    build.checkin(person, 0, at=datetime(2026, 6, 6, 4, 30, tzinfo=timezone.utc))
    (row,) = service(any_db).queue()
    assert [r.text for r in row.reasons] == ["No check-in for 10 days — plan says weekly"]


def test_my_caseload(any_db, build):
    mine, theirs = build.caseworker("Mine"), build.caseworker("Theirs")
    for caseworker, name in ((mine, "Mine"), (theirs, "Theirs"), (None, "Nobody")):
        person = build.alumnus(name, "Person", caseworker_id=caseworker)
        build.recurrence(person, 2)
    assert [row.name for row in service(any_db).queue(mine)] == ["Mine Person"]
    assert len(service(any_db).queue()) == 3


def test_assess_one_alumnus(any_db, build):
    person = build.alumnus()
    build.recurrence(person, 2)
    archived = build.alumnus(archived=True)
    attention = service(any_db).assess_alumnus(person)
    assert attention.level is WarningLevel.HIGH
    assert service(any_db).assess_alumnus(archived) is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_set_based_loader_matches_the_per_alumnus_baseline(any_db, build, seed):
    random_caseload(build, seed)
    with any_db.session() as session:
        fast = ew.load_caseload(session, DEFAULTS, TODAY)
        slow = attention_baseline.load_caseload(session, DEFAULTS, TODAY)
    assert fast.people == slow.people
    by_id = lambda facts: sorted((asdict(f) for f in facts), key=lambda f: f["alumnus_id"])  # noqa: E731
    assert by_id(fast.facts) == by_id(slow.facts)
    assert service(any_db).queue() == attention_baseline.attention_queue(any_db, TODAY)
    some_caseworker = next(p.caseworker_id for p in fast.people.values() if p.caseworker_id is not None)
    assert service(any_db).queue(some_caseworker) == attention_baseline.attention_queue(any_db, TODAY, some_caseworker)


def test_the_baseline_asks_per_alumnus(any_db, build):
    random_caseload(build, 4, alumni=10)
    counter = attention_baseline.Counter()
    attention_baseline.attention_queue(any_db, TODAY, counter=counter)
    assert counter.statements > 10


# -- team settings -----------------------------------------------------------------------------

def test_settings_start_at_their_defaults_and_changes_are_stored_and_audited(any_db, any_actor, build):
    settings = TeamSettingsService(any_db)
    assert settings.load() == DEFAULTS
    assert settings.get("unanswered_attempts") == 3

    person = build.alumnus()
    build.reached(person, 9)
    for ago in (6, 4, 2):
        build.checkin(person, ago, NO_ANSWER)
    assert len(service(any_db).queue()) == 1

    values = settings.set("unanswered_attempts", 4, any_actor)
    assert values.unanswered_attempts == 4 and settings.get("unanswered_attempts") == 4
    assert service(any_db).queue() == []
    settings.set("unanswered_attempts", "5", any_actor)
    settings.set("unanswered_attempts", 5, any_actor)  # unchanged: no event
    settings.set("default_checkin_cadence", CheckinCadence.MONTHLY, any_actor)
    assert settings.load().default_checkin_cadence is CheckinCadence.MONTHLY

    with pytest.raises(ValidationFailed) as refused:
        settings.set("unanswered_attempts", 0, any_actor)
    assert refused.value.problems[0].field == "unanswered_attempts"
    assert settings.get("unanswered_attempts") == 5

    assert settings.reset("unanswered_attempts", any_actor).unanswered_attempts == 3
    with any_db.session() as session:
        events = session.execute(select(AuditEvent.action, AuditEvent.changed_fields, AuditEvent.entity_id)
                                 .where(AuditEvent.entity_type == "team_setting").order_by(AuditEvent.id)).all()
    assert [(action, fields) for action, fields, _ in events] == [
        (AuditAction.CREATE, ["unanswered_attempts"]),
        (AuditAction.UPDATE, ["unanswered_attempts"]),
        (AuditAction.CREATE, ["default_checkin_cadence"]),
        (AuditAction.DELETE, ["unanswered_attempts"]),
    ]


def test_settings_saved_together_change_the_queue_and_are_stored_all_or_none(any_db, any_actor, build):
    late = build.alumnus("Late", "Person")
    build.plan(late, CheckinCadence.WEEKLY)
    build.reached(late, 10)  # a weekly plan: due 3 days ago, overdue after 2 days' grace
    assert reasons_by_name(service(any_db).queue()) == {"Late Person": ["No check-in for 10 days — plan says weekly"]}

    settings = TeamSettingsService(any_db)
    with pytest.raises(ValidationFailed) as refused:
        settings.store({"overdue_grace_days_weekly": 3, "unanswered_attempts": 1, "mood_drop": "lots"}, any_actor)
    assert [problem.field for problem in refused.value.problems] == ["unanswered_attempts", "mood_drop"]
    assert settings.load() == DEFAULTS  # nothing stored, not even the value that was right

    values = settings.store({"overdue_grace_days_weekly": 3, "unanswered_attempts": 4}, any_actor)
    assert (values.overdue_grace_days_weekly, values.unanswered_attempts) == (3, 4)
    assert service(any_db).queue() == []  # ten days is within a week and three days' grace
    settings.store({"overdue_grace_days_weekly": 1}, any_actor)
    assert reasons_by_name(service(any_db).queue()) == {"Late Person": ["No check-in for 10 days — plan says weekly"]}

    # Saving a default again removes the stored value: the team follows the app's recommendation.
    settings.store({"overdue_grace_days_weekly": DEFAULTS.overdue_grace_days_weekly, "unanswered_attempts": 4},
                   any_actor)
    with any_db.session() as session:
        assert session.scalars(select(TeamSetting.key)).all() == ["unanswered_attempts"]
        events = session.execute(select(AuditEvent.action, AuditEvent.changed_fields)
                                 .where(AuditEvent.entity_type == "team_setting").order_by(AuditEvent.id)).all()
    assert [tuple(event) for event in events] == [
        (AuditAction.CREATE, ["overdue_grace_days_weekly"]),
        (AuditAction.CREATE, ["unanswered_attempts"]),
        (AuditAction.UPDATE, ["overdue_grace_days_weekly"]),
        (AuditAction.DELETE, ["overdue_grace_days_weekly"]),
    ]


def test_a_stored_value_out_of_range_reads_as_the_default(any_db):
    with any_db.session() as session:
        session.add_all([TeamSetting(key="barc10_cutoff", value=500), TeamSetting(key="mood_drop", value=2),
                         TeamSetting(key="someone_elses_setting", value="x")])
        session.commit()
        values = stored_values(session)
    assert values.barc10_cutoff == 47 and values.mood_drop == 2.0


# -- mentoring ---------------------------------------------------------------------------------

class FakeMentors:
    def __init__(self, facts):
        self.facts = facts

    def mentor_facts(self, session, alumni, today, end):
        return {k: v for k, v in self.facts.items() if k in set(alumni)}


@pytest.mark.parametrize("ago, fires", [(14, False), (15, True)])
def test_mentor_contact_through_a_pairing_source(any_db, build, ago, fires):
    person = build.alumnus()
    build.reached(person, 2)
    mentors = FakeMentors({person: MentorFact(TODAY - timedelta(days=100), TODAY - timedelta(days=ago))})
    rows = service(any_db, mentors=mentors).queue()
    assert [r.text for row in rows for r in row.reasons] == (["No contact with their mentor for 15 days"] if fires
                                                            else [])


def test_mentor_pairings_are_read_from_their_table(any_db, build):
    mentee, mentor = build.alumnus("Mentee", "Person"), build.alumnus("Mentor", "Person")
    build.reached(mentee, 2)
    build.reached(mentor, 2)
    source = ew.PairingTableSource()
    end = ew.day_start(TODAY + timedelta(days=1))
    with any_db.session() as session:
        assert source.mentor_facts(session, [mentee], TODAY, end) == {}

    with any_db.engine.begin() as connection:
        connection.execute(insert(MentorPairing.__table__), [
            # Ended, locked (no start yet) and starting tomorrow: none of them is active today.
            {"mentee_id": mentee, "mentor_id": mentor, "started_on": TODAY - timedelta(days=200),
             "ended_on": TODAY - timedelta(days=100), "current": None, "row_version": 1},
            {"mentee_id": mentor, "mentor_id": mentee, "started_on": None, "ended_on": None, "current": True,
             "row_version": 1},
        ])
    with any_db.session() as session:
        assert source.mentor_facts(session, [mentee, mentor], TODAY, end) == {}
    with any_db.engine.begin() as connection:
        connection.execute(insert(MentorPairing.__table__), [
            {"mentee_id": mentee, "mentor_id": mentor, "started_on": TODAY - timedelta(days=60), "row_version": 1}])
    with any_db.session() as session:
        assert source.mentor_facts(session, [mentee], TODAY, end) == {
            mentee: MentorFact(TODAY - timedelta(days=60), None)}
    build.checkin(mentee, 20, at=local(TODAY - timedelta(days=20)))
    with any_db.session() as session:
        session.execute(update(CheckIn).where(CheckIn.alumnus_id == mentee,
                                              CheckIn.occurred_at < local(TODAY - timedelta(days=10)))
                        .values(mentor_id=mentor))
        session.commit()
        assert source.mentor_facts(session, [mentee], TODAY, end) == {
            mentee: MentorFact(TODAY - timedelta(days=60), TODAY - timedelta(days=20))}
    rows = service(any_db).queue()
    assert [r.text for row in rows for r in row.reasons] == ["No contact with their mentor for 20 days"]


def test_one_mentees_pairings_read_once_agree_with_the_table_day_by_day(any_db, build):
    """A report's look back reads a mentee's pairings once (`mentee_history`); on every day it must find
    what `mentor_facts` finds asking the database that day: pairings that start, end, follow each
    other and overlap, contacts by each mentor (and by nobody), unanswered ones left out."""
    mentee, first, second, other = (build.alumnus("Mentee", "Person"), build.alumnus("First", "Mentor"),
                                    build.alumnus("Second", "Mentor"), build.alumnus("Other", "Mentee"))
    ago = TODAY.__sub__
    with any_db.engine.begin() as connection:
        connection.execute(insert(MentorPairing.__table__), [
            {"mentee_id": mentee, "mentor_id": first, "started_on": ago(timedelta(days=300)),
             "ended_on": ago(timedelta(days=120)), "current": None, "row_version": 1},
            # Overlaps the first by ten days, then runs on: the newer pairing wins while both are active.
            {"mentee_id": mentee, "mentor_id": second, "started_on": ago(timedelta(days=130)),
             "ended_on": None, "current": True, "row_version": 1},
            {"mentee_id": other, "mentor_id": first, "started_on": ago(timedelta(days=200)),
             "ended_on": None, "current": True, "row_version": 1},
        ])
    for days_ago in (290, 250, 125, 119, 60):
        build.checkin(mentee, days_ago)
    build.checkin(mentee, 40, NO_ANSWER)
    build.checkin(mentee, 10)
    build.checkin(other, 5)
    with any_db.session() as session:
        session.execute(update(CheckIn).where(CheckIn.alumnus_id == mentee, CheckIn.occurred_at
                                              > local(ago(timedelta(days=126)))).values(mentor_id=second))
        session.execute(update(CheckIn).where(CheckIn.alumnus_id == mentee, CheckIn.occurred_at
                                              < local(ago(timedelta(days=126)))).values(mentor_id=first))
        session.execute(update(CheckIn).where(CheckIn.alumnus_id == other).values(mentor_id=first))
        session.commit()
    source = ew.PairingTableSource()
    compared = found = 0
    with any_db.session() as session:
        history = source.mentee_history(session, mentee)
        for days_ago in range(0, 320, 3):
            day = ago(timedelta(days=days_ago))
            end = ew.day_start(day + timedelta(days=1))
            expected = source.mentor_facts(session, [mentee], day, end).get(mentee)
            assert history.on(day, end) == expected, day
            compared += 1
            found += expected is not None and expected.last_contact_on is not None
        assert source.mentee_history(session, build.alumnus("Never", "Paired")).on(TODAY, end) is None
    assert compared > 100 and found > 50
