"""Check-in validation: every rule at its boundaries."""

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from aftercare_desktop.models.enums import CheckinMethod, CheckinOutcome
from aftercare_desktop.services.checkins import (
    FUTURE_TOLERANCE,
    MAX_MEETINGS,
    MAX_NOTES,
    MAX_SIGN_LENGTH,
    MAX_SIGNS,
    CheckInData,
    check_checkin,
    normalise,
    now_on,
)

NOW = datetime(2026, 6, 15, 14, 30, tzinfo=timezone.utc)


def reached(**changes) -> CheckInData:
    values = dict(occurred_at=NOW - timedelta(minutes=2), staff_id=1, method=CheckinMethod.CALL,
                  outcome=CheckinOutcome.REACHED, mood=3, craving=2)
    values.update(changes)
    return CheckInData(**values)


def unreached(outcome=CheckinOutcome.NO_ANSWER, **changes) -> CheckInData:
    return reached(**{"outcome": outcome, "mood": None, "craving": None, **changes})


def fields(data: CheckInData) -> list[str]:
    return [p.field for p in check_checkin(data, NOW)]


def test_a_plain_reached_call_is_fine():
    assert check_checkin(reached(), NOW) == []


@pytest.mark.parametrize("outcome", [CheckinOutcome.NO_ANSWER, CheckinOutcome.LEFT_MESSAGE])
def test_unanswered_calls_need_no_mood_or_craving(outcome):
    assert check_checkin(unreached(outcome), NOW) == []


# -- when ---------------------------------------------------------------------------------------------
def test_occurred_at_tolerates_a_few_minutes_of_clock_difference():
    assert fields(reached(occurred_at=NOW + FUTURE_TOLERANCE)) == []
    assert fields(reached(occurred_at=NOW + FUTURE_TOLERANCE + timedelta(seconds=1))) == ["occurred_at"]


def test_occurred_at_may_be_up_to_a_year_ago():
    assert fields(reached(occurred_at=NOW - timedelta(days=366))) == []
    assert fields(reached(occurred_at=NOW - timedelta(days=366, seconds=1))) == ["occurred_at"]


def test_occurred_at_must_be_a_time_with_a_zone():
    assert fields(reached(occurred_at=datetime(2026, 6, 15, 9, 0))) == ["occurred_at"]
    assert fields(reached(occurred_at=date(2026, 6, 15))) == ["occurred_at"]
    assert fields(reached(occurred_at=None)) == ["occurred_at"]


def test_other_time_zones_compare_by_the_instant():
    later_here = datetime(2026, 6, 15, 16, 34, tzinfo=timezone(timedelta(hours=2)))  # 14:34 UTC
    assert fields(reached(occurred_at=later_here)) == []


# -- who, how, outcome ------------------------------------------------------------------------------------
def test_exactly_one_of_staff_and_mentor():
    assert fields(reached(staff_id=None, mentor_id=7)) == []
    assert fields(reached(staff_id=None)) == ["who"]
    assert fields(reached(mentor_id=7)) == ["who"]
    assert fields(reached(staff_id="1")) == ["who"]


def test_method_and_outcome_come_from_their_lists():
    assert fields(reached(method="call")) == []
    assert fields(reached(method="carrier pigeon")) == ["method"]
    assert "outcome" in fields(reached(outcome="maybe"))


# -- mood and craving ----------------------------------------------------------------------------------
@pytest.mark.parametrize("mood, ok", [(0, False), (1, True), (5, True), (6, False), (3.0, False), (True, False)])
def test_mood_is_one_to_five(mood, ok):
    assert fields(reached(mood=mood)) == ([] if ok else ["mood"])


@pytest.mark.parametrize("craving, ok", [(-1, False), (0, True), (10, True), (11, False), ("4", False)])
def test_craving_is_zero_to_ten(craving, ok):
    assert fields(reached(craving=craving)) == ([] if ok else ["craving"])


def test_mood_and_craving_are_required_when_reached():
    problems = check_checkin(reached(mood=None, craving=None), NOW)
    assert [p.field for p in problems] == ["mood", "craving"]
    assert "required when you reached" in problems[0].message


def test_mood_and_craving_are_only_recorded_when_reached():
    problems = check_checkin(unreached(mood=4, craving=0), NOW)
    assert [p.field for p in problems] == ["mood", "craving"]
    assert "only when you reached" in problems[0].message


def test_use_and_meetings_only_when_reached():
    assert fields(unreached(used_since_last=False, meetings_attended=0)) == ["used_since_last", "meetings_attended"]
    assert fields(reached(used_since_last=True, meetings_attended=0)) == []
    assert fields(reached(used_since_last="yes")) == ["used_since_last"]


@pytest.mark.parametrize("count, ok", [(-1, False), (0, True), (MAX_MEETINGS, True), (MAX_MEETINGS + 1, False)])
def test_meetings_attended_boundaries(count, ok):
    assert fields(reached(meetings_attended=count)) == ([] if ok else ["meetings_attended"])


# -- warning signs, notes ------------------------------------------------------------------------------
def test_warning_signs_are_non_empty_text():
    assert fields(reached(warning_signs=["Irritability", "not calling my sponsor"])) == []
    assert fields(reached(warning_signs=["Irritability", "  "])) == ["warning_signs"]
    assert fields(reached(warning_signs=[""])) == ["warning_signs"]
    assert fields(reached(warning_signs=[3])) == ["warning_signs"]
    assert fields(reached(warning_signs="Irritability")) == ["warning_signs"]


def test_warning_sign_length_and_count():
    assert fields(reached(warning_signs=["x" * MAX_SIGN_LENGTH])) == []
    assert fields(reached(warning_signs=["x" * (MAX_SIGN_LENGTH + 1)])) == ["warning_signs"]
    assert fields(reached(warning_signs=[f"sign {i}" for i in range(MAX_SIGNS)])) == []
    assert fields(reached(warning_signs=[f"sign {i}" for i in range(MAX_SIGNS + 1)])) == ["warning_signs"]


def test_warning_signs_may_be_noted_without_reaching_the_person():
    assert fields(unreached(CheckinOutcome.LEFT_MESSAGE, warning_signs=["Sleep problems"])) == []


def test_notes_up_to_two_thousand_characters():
    assert fields(reached(notes="n" * MAX_NOTES)) == []
    assert fields(reached(notes="  " + "n" * MAX_NOTES + "\n")) == []  # surrounding blanks are trimmed
    problems = check_checkin(reached(notes="n" * (MAX_NOTES + 1)), NOW)
    assert [p.field for p in problems] == ["notes"]
    assert "2,000" in problems[0].message and "2,001" in problems[0].message


# -- follow-up -----------------------------------------------------------------------------------------
def test_follow_up_not_before_the_check_in_day():
    day = NOW.astimezone().date()
    assert fields(reached(follow_up_due=day)) == []
    assert fields(reached(follow_up_due=day - timedelta(days=1))) == ["follow_up_due"]


def test_follow_up_at_most_a_year_away():
    day = NOW.astimezone().date()
    assert fields(reached(follow_up_due=day + timedelta(days=365))) == []
    assert fields(reached(follow_up_due=day + timedelta(days=366))) == ["follow_up_due"]


def test_follow_up_must_be_a_date():
    assert fields(reached(follow_up_due=NOW)) == ["follow_up_due"]
    assert fields(reached(follow_up_due="tomorrow")) == ["follow_up_due"]


def test_every_problem_at_once():
    data = CheckInData(occurred_at=NOW + timedelta(hours=1), method="x", outcome=CheckinOutcome.REACHED,
                       mood=9, craving=None, notes="n" * 3000, warning_signs=[""])
    assert fields(data) == ["occurred_at", "who", "method", "mood", "craving", "warning_signs", "notes"]


# -- normalising --------------------------------------------------------------------------------------
def test_normalise_trims_and_keeps_each_sign_once():
    clean = normalise(reached(method="text", warning_signs=[" Irritability ", "irritability", "sleep  problems"],
                              notes="  \n "))
    assert clean.method is CheckinMethod.TEXT
    assert clean.warning_signs == ["Irritability", "sleep problems"]
    assert clean.notes is None


def test_now_on_a_fixed_day_keeps_the_wall_clock_time():
    now = now_on(lambda: date(2026, 6, 15))()
    assert now.date() == date(2026, 6, 15) and now.tzinfo is not None
    assert abs(now.time().hour - datetime.now().astimezone().hour) in (0, 1, 23)


def test_data_is_a_plain_dataclass():
    data = reached()
    assert replace(data, mood=5).mood == 5 and data.mood == 3
