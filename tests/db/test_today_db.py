"""The Today page's data on SQLite and PostgreSQL: each section's rows and counts at their
boundaries, "my caseload" against everyone, the same data as the per-alumnus baseline, and logs that
carry counts but never names."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from aftercare_desktop.models.enums import CheckinCadence, WarningLevel
from aftercare_desktop.services.early_warning import AttentionService
from aftercare_desktop.services.instruments import add_months
from aftercare_desktop.services.today import TodayService
from bench import attention_baseline
from tests.conftest import FIXED_TODAY
from tests.db.caseload_data import CaseloadBuilder, random_caseload

TODAY = FIXED_TODAY
WEEKLY = CheckinCadence.WEEKLY


@pytest.fixture
def build(any_db) -> CaseloadBuilder:
    return CaseloadBuilder(any_db, TODAY)


def today_page(database) -> TodayService:
    return TodayService(database, today=lambda: TODAY)


def names(section) -> list[str]:
    return [row.name for row in section.rows]


def person(build, first, *, caseworker_id=None, reached_ago: int | None = 1, cadence=WEEKLY, **values):
    """An alumnus on a plan, reached `reached_ago` days ago; no discharge date (so no assessments due)."""
    values.setdefault("discharged_ago", None)
    alumnus_id = build.alumnus(first, "Person", caseworker_id=caseworker_id, **values)
    if cadence is not None:
        build.plan(alumnus_id, cadence)
    if reached_ago is not None:
        build.reached(alumnus_id, reached_ago)
    return alumnus_id


def test_check_ins_overdue_and_due_by_cadence(any_db, build):
    person(build, "Overdue", reached_ago=10)  # weekly: due 3 days ago
    person(build, "Today", reached_ago=7)
    person(build, "Two", reached_ago=5)  # due in two days: the last day shown
    person(build, "Three", reached_ago=4)  # due in three days: not yet
    person(build, "Default", reached_ago=20, cadence=None)  # every two weeks: due 6 days ago
    data = today_page(any_db).load()
    assert names(data.overdue) == ["Default Person", "Overdue Person"]
    assert [(r.days_overdue, r.cadence, r.cadence_from_plan) for r in data.overdue.rows] == [
        (6, CheckinCadence.BIWEEKLY, False), (3, WEEKLY, True)]
    assert names(data.due) == ["Today Person", "Two Person"]
    assert [(r.due_on, r.days_overdue) for r in data.due.rows] == [(TODAY, 0), (TODAY + timedelta(days=2), -2)]
    assert (data.overdue.count, data.due.count) == (2, 2)
    assert data.overdue.rows[1].last_reached_on == TODAY - timedelta(days=10)


def test_never_reached_is_due_a_cadence_after_the_plan_started(any_db, build):
    new = build.alumnus("New", "Person", discharged_ago=None)
    build.plan(new, WEEKLY, started_ago=5)
    data = today_page(any_db).load()
    assert names(data.due) == ["New Person"]
    assert data.due.rows[0].last_reached_on is None and data.due.rows[0].days_overdue == -2


def test_attention_section_is_the_queue(any_db, build):
    person(build, "Late", reached_ago=12)
    used = person(build, "Used")
    build.recurrence(used, 3)
    person(build, "Calm")
    data = today_page(any_db).load()
    assert data.attention.rows == tuple(AttentionService(any_db, today=lambda: TODAY).queue())
    assert names(data.attention) == ["Used Person", "Late Person"]
    assert data.attention.rows[0].level is WarningLevel.HIGH


def test_follow_ups_due_and_not_done(any_db, build):
    asked = person(build, "Asked", reached_ago=None)
    build.checkin(asked, 3, follow_up_in=3)  # due today
    build.checkin(asked, 9, follow_up_in=2)  # due a week ago
    build.checkin(asked, 2, follow_up_in=3)  # due tomorrow
    build.checkin(asked, 8, follow_up_in=1, follow_up_done=True)
    data = today_page(any_db).load()
    assert [(r.due_on, r.days_overdue, r.checked_in_on) for r in data.follow_ups.rows] == [
        (TODAY - timedelta(days=7), 7, TODAY - timedelta(days=9)), (TODAY, 0, TODAY - timedelta(days=3))]
    assert data.follow_ups.count == 2 and names(data.follow_ups) == ["Asked Person"] * 2


def test_upcoming_milestones_in_the_next_14_days_not_yet_celebrated(any_db, build):
    person(build, "Thirty", sober_since=TODAY - timedelta(days=25))  # 30 days in 5 days
    ninety = TODAY - timedelta(days=80)
    celebrated = person(build, "Ninety", sober_since=ninety)  # 90 days in 10 days, already celebrated
    build.celebration(celebrated, ninety, "90d")
    person(build, "Year", sober_since=TODAY - timedelta(days=365 - 14))  # 1 year in 14 days
    person(build, "Later", sober_since=TODAY - timedelta(days=365 - 15))
    data = today_page(any_db).load()
    assert [(r.name, r.milestone.label, r.days_until) for r in data.milestones.rows] == [
        ("Thirty Person", "30 days", 5), ("Year Person", "1 year", 14)]


def test_assessments_due_within_a_week(any_db, build):
    person(build, "Never", discharged_ago=70)  # BARC-10 due at discharge, AWARE two months after
    soon = person(build, "Soon", discharged_ago=400)
    build.assessment(soon, "BARC-10", 10, 50)
    build.assessment(soon, "AWARE", (TODAY - add_months(TODAY + timedelta(days=7), -2)).days, 80)
    later = person(build, "Later", discharged_ago=400)
    build.assessment(later, "BARC-10", 10, 50)
    build.assessment(later, "AWARE", (TODAY - add_months(TODAY + timedelta(days=8), -2)).days, 80)
    data = today_page(any_db).load()
    discharge = TODAY - timedelta(days=70)
    assert [(r.name, r.instrument, r.due_on, r.days_overdue) for r in data.assessments.rows] == [
        ("Never Person", "BARC-10", discharge, 70),
        ("Never Person", "AWARE", add_months(discharge, 2), (TODAY - add_months(discharge, 2)).days),
        ("Soon Person", "AWARE", TODAY + timedelta(days=7), -7),
    ]


def test_my_caseload_and_everyone(any_db, build):
    mine, theirs = build.caseworker("Mine"), build.caseworker("Theirs")
    for caseworker, first in ((mine, "Mine"), (theirs, "Theirs")):
        late = person(build, first, caseworker_id=caseworker, reached_ago=None,
                      sober_since=TODAY - timedelta(days=28), discharged_ago=70)
        build.checkin(late, 12, follow_up_in=1)
        person(build, first, caseworker_id=caseworker, reached_ago=7)  # due today
    everyone, my_day = today_page(any_db).load(), today_page(any_db).load(mine)
    assert my_day.caseworker_id == mine and everyone.caseworker_id is None
    for mine_only, all_of_them in zip(my_day.sections, everyone.sections):
        assert {name.split()[0] for name in names(mine_only)} == {"Mine"}, mine_only.key
        assert {name.split()[0] for name in names(all_of_them)} == {"Mine", "Theirs"}, all_of_them.key
        assert all_of_them.count == 2 * mine_only.count
    assert [s.key for s in everyone.sections] == ["overdue", "due", "attention", "follow_ups", "milestones",
                                                  "assessments"]


def test_an_empty_day(any_db):
    data = today_page(any_db).load()
    assert all(section.count == 0 and section.rows == () for section in data.sections)


@pytest.mark.parametrize("seed", [5, 6])
def test_today_matches_the_per_alumnus_baseline(any_db, build, seed):
    random_caseload(build, seed)
    assert today_page(any_db).load() == attention_baseline.today_data(any_db, TODAY)


def test_logs_carry_counts_never_names(any_db, build, caplog):
    secret = build.alumnus("Zebulon", "Secretname")
    build.recurrence(secret, 1)
    with caplog.at_level(logging.DEBUG, logger="aftercare"):
        data = today_page(any_db).load()
    assert data.attention.count == 1
    assert "attention 1" in caplog.text
    assert "Zebulon" not in caplog.text and "Secretname" not in caplog.text and "AC-" not in caplog.text
