"""Early-warning rules at their boundaries (just below, at, just above each threshold), how signals
combine into a level, how reasons read, and the team settings they read (defaults and checks)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftercare_desktop.models.enums import CheckinCadence, RecurrenceKind, WarningLevel
from aftercare_desktop.services import early_warning as ew
from aftercare_desktop.services.early_warning import (
    AlumnusFacts,
    AssessmentFact,
    CheckinFact,
    ContactStart,
    MentorFact,
    Reason,
    RecurrenceFact,
    RuleContext,
    Signal,
)
from aftercare_desktop.services.team_settings import DEFAULTS, SPECS, TeamSettingsValues, check

TODAY = date(2026, 6, 15)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def ctx(**changes) -> RuleContext:
    return RuleContext.of(replace(DEFAULTS, **changes), TODAY)


def facts(**values) -> AlumnusFacts:
    """Facts with readable check-ins, packed as the loader hands them over."""
    values["recent"] = tuple(ew.pack(c) for c in values.get("recent", ()))
    values.setdefault("contact_start", days_ago(400))
    # Reached a day ago unless a test says otherwise, so that only the rule under test speaks.
    values.setdefault("last_reached_on", days_ago(1))
    return AlumnusFacts(alumnus_id=1, **values)


def checkins(*values: dict, every: int = 7) -> tuple[CheckinFact, ...]:
    """Reached check-ins, newest first, one every `every` days from yesterday back."""
    return tuple(CheckinFact(days_ago(1 + i * every), **v) for i, v in enumerate(values))


def moods(*values: int | None, every: int = 7) -> tuple[CheckinFact, ...]:
    return checkins(*({"mood": v} for v in values), every=every)


def cravings(*oldest_first: int) -> tuple[CheckinFact, ...]:
    return checkins(*({"craving": v} for v in reversed(oldest_first)))


def texts(reasons) -> list[str]:
    return [reason.text for reason in reasons]


# -- check-in overdue --------------------------------------------------------------------------

@pytest.mark.parametrize("cadence, allowed", [
    (CheckinCadence.WEEKLY, 7 + 2), (CheckinCadence.BIWEEKLY, 14 + 3), (CheckinCadence.MONTHLY, 30 + 5),
])
def test_overdue_after_cadence_plus_grace(cadence, allowed):
    assert ew.checkin_overdue(facts(cadence=cadence, last_reached_on=days_ago(allowed - 1)), ctx()) == ()
    assert ew.checkin_overdue(facts(cadence=cadence, last_reached_on=days_ago(allowed)), ctx()) == ()
    (reason,) = ew.checkin_overdue(facts(cadence=cadence, last_reached_on=days_ago(allowed + 1)), ctx())
    assert reason.signal is Signal.CHECKIN_OVERDUE
    assert reason.since == TODAY  # the first day past the grace days


def test_overdue_reads_like_a_colleague():
    (reason,) = ew.checkin_overdue(facts(cadence=CheckinCadence.WEEKLY, last_reached_on=days_ago(12)), ctx())
    assert reason.text == "No check-in for 12 days — plan says weekly"
    assert reason.since == days_ago(12) + timedelta(days=10)


def test_without_a_plan_the_team_default_applies():
    late = facts(cadence=None, last_reached_on=days_ago(18))
    (reason,) = ew.checkin_overdue(late, ctx())
    assert reason.text == "No check-in for 18 days — team default is every two weeks"
    assert ew.checkin_overdue(late, ctx(default_checkin_cadence=CheckinCadence.MONTHLY)) == ()


def test_grace_days_are_a_setting():
    late = facts(cadence=CheckinCadence.WEEKLY, last_reached_on=days_ago(8))
    assert ew.checkin_overdue(late, ctx()) == ()
    assert ew.checkin_overdue(late, ctx(overdue_grace_days_weekly=0)) != ()


def test_never_reached_counts_from_the_start_of_contact():
    never = facts(cadence=CheckinCadence.WEEKLY, last_reached_on=None, contact_start=days_ago(20),
                  contact_start_kind=ContactStart.PLAN)
    (reason,) = ew.checkin_overdue(never, ctx())
    assert reason.text == "No check-in yet, 20 days since the plan started — plan says weekly"
    assert ew.checkin_overdue(replace(never, contact_start=days_ago(9)), ctx()) == ()


# -- unanswered attempts -----------------------------------------------------------------------

@pytest.mark.parametrize("attempts, fires", [(2, False), (3, True), (4, True)])
def test_unanswered_attempts_in_a_row(attempts, fires):
    found = ew.unanswered_attempts(facts(unanswered_in_a_row=attempts, unanswered_since=date(2026, 5, 2)), ctx())
    assert bool(found) is fires
    if fires:
        assert found[0].text == f"{attempts} calls in a row without an answer since 2026-05-02"
        assert found[0].since == date(2026, 5, 2)


def test_unanswered_attempts_that_were_not_all_calls():
    (reason,) = ew.unanswered_attempts(
        facts(unanswered_in_a_row=3, unanswered_since=days_ago(9), unanswered_all_calls=False), ctx())
    assert reason.text.startswith("3 attempts in a row without an answer")


def test_unanswered_threshold_is_a_setting():
    four = facts(unanswered_in_a_row=4, unanswered_since=days_ago(9))
    assert ew.unanswered_attempts(four, ctx(unanswered_attempts=5)) == ()
    assert ew.unanswered_attempts(four, ctx(unanswered_attempts=4)) != ()


# -- meetings ----------------------------------------------------------------------------------

def meeting_facts(attended: int, recorded: int = 4, per_week: int = 2, **values) -> AlumnusFacts:
    values.setdefault("plan_started_on", days_ago(60))
    return facts(meetings_per_week=per_week, meetings_recorded=recorded, meetings_recorded_attended=attended,
                 **values)


@pytest.mark.parametrize("attended, missed", [(4, None), (3, None), (2, 2), (1, 3), (0, 4)])
def test_meetings_missed_half_or_more_of_those_expected(attended, missed):
    # Two a week over two weeks: four expected; half of them (two) missed is the threshold.
    found = ew.meetings_missed(meeting_facts(attended), ctx())
    if missed is None:
        assert found == ()
    else:
        assert texts(found) == [f"Missed {missed} of 4 expected meetings in the last 2 weeks"]
        assert found[0].since == TODAY - timedelta(days=13)


def test_meetings_share_is_a_setting():
    assert ew.meetings_missed(meeting_facts(1), ctx(meetings_missed_share=1.0)) == ()
    assert ew.meetings_missed(meeting_facts(0), ctx(meetings_missed_share=1.0)) != ()
    assert ew.meetings_missed(meeting_facts(3), ctx(meetings_missed_share=0.25, meetings_missed_least=1)) != ()


@pytest.mark.parametrize("least, attended, fires", [(2, 1, False), (1, 1, True), (2, 0, True), (3, 0, False)])
def test_meetings_missed_need_a_least_number(least, attended, fires):
    # One a week: two expected; missing one of them is half, but a single missed meeting.
    found = ew.meetings_missed(meeting_facts(attended, recorded=2, per_week=1), ctx(meetings_missed_least=least))
    assert bool(found) is fires


def test_meetings_over_one_week_read_as_the_last_week():
    (reason,) = ew.meetings_missed(meeting_facts(0, per_week=3), ctx(meetings_window_weeks=1))
    assert reason.text == "Missed 3 of 3 expected meetings in the last week"


def test_meetings_are_silent_when_nothing_is_known_about_the_window():
    assert ew.meetings_missed(meeting_facts(0, recorded=0), ctx()) == ()


def test_meetings_are_silent_without_a_plan_expectation_or_a_plan_covering_the_window():
    assert ew.meetings_missed(meeting_facts(0, per_week=0), ctx()) == ()
    window_start = TODAY - timedelta(days=13)
    assert ew.meetings_missed(meeting_facts(0, plan_started_on=window_start), ctx()) != ()
    assert ew.meetings_missed(meeting_facts(0, plan_started_on=window_start + timedelta(days=1)), ctx()) == ()


def test_meetings_reported_at_check_ins_count_when_more_than_recorded():
    reported = checkins({"meetings_attended": 2}, {"meetings_attended": 1})  # 1 and 8 days ago
    assert ew.meetings_missed(meeting_facts(0, recorded=0, recent=reported), ctx()) == ()
    assert texts(ew.meetings_missed(meeting_facts(0, recorded=0, recent=reported[:1]), ctx())) == [
        "Missed 2 of 4 expected meetings in the last 2 weeks"]
    # A report from before the window does not count.
    old = (CheckinFact(TODAY - timedelta(days=14), meetings_attended=4),)
    assert ew.meetings_missed(meeting_facts(0, recorded=0, recent=old), ctx()) == ()


# -- mood --------------------------------------------------------------------------------------

@pytest.mark.parametrize("recent, fires", [
    ((3, 3, 4), False),  # 3.33: not a full point below 4
    ((3, 3, 3), True),  # exactly one point below
    ((2, 3, 3), True),
])
def test_mood_below_their_usual(recent, fires):
    found = ew.mood_below_baseline(facts(recent=moods(*recent, 4, 4, 4, 4, 4, 4)), ctx())
    assert bool(found) is fires


def test_mood_reads_with_both_averages_and_begins_with_the_low_stretch():
    history = moods(2, 3, 3, 4, 5, 4, 4, 4, 4)
    (reason,) = ew.mood_below_baseline(facts(recent=history), ctx())
    assert reason.text == "Mood 2.7 over the last 3 check-ins, below their usual 4.2"
    assert reason.since == history[2].on
    (reason,) = ew.mood_below_baseline(facts(recent=moods(3, 3, 3, 4, 4, 4)), ctx())
    assert reason.text == "Mood 3 over the last 3 check-ins, below their usual 4"


def test_mood_needs_a_baseline_of_three_earlier_check_ins():
    assert ew.mood_below_baseline(facts(recent=moods(1, 1, 1, 4, 4)), ctx()) == ()
    assert ew.mood_below_baseline(facts(recent=moods(1, 1, 1, 4, 4, 4)), ctx()) != ()


def test_mood_baseline_uses_at_most_the_set_number_of_earlier_check_ins():
    # Usual over the six before the last three: 4; the two oldest (1s) are beyond it.
    history = moods(3, 3, 3, 4, 4, 4, 4, 4, 4, 1, 1)
    assert ew.mood_below_baseline(facts(recent=history), ctx()) != ()
    assert ew.mood_below_baseline(facts(recent=history), ctx(mood_baseline_checkins=8)) == ()


def test_mood_skips_check_ins_without_a_mood():
    history = moods(3, None, 3, 3, None, 4, 4, 4)
    assert ew.mood_below_baseline(facts(recent=history), ctx()) != ()


def test_mood_drop_is_a_setting():
    history = moods(3, 3, 3, 4, 4, 4)
    assert ew.mood_below_baseline(facts(recent=history), ctx(mood_drop=1.5)) == ()


# -- cravings ----------------------------------------------------------------------------------

def test_packed_check_ins_read_back_as_they_were():
    checkin = CheckinFact(days_ago(3), 4, 10, 12, ("Irritability", "“Own” words, with ; and ]"))
    packed = ew.pack(checkin)
    assert packed[0] == "4" and packed[1] == "a" and len(packed[2:21]) == 19
    assert ew.unpack(packed)[:5] == checkin[:5]
    assert ew.unpack(ew.pack(CheckinFact(days_ago(3))))[:5] == (days_ago(3), None, None, None, ())


def test_slope_is_least_squares_per_check_in():
    assert ew.slope([1, 2, 3, 4]) == 1.0
    assert ew.slope([1, 2, 2, 4]) == pytest.approx(0.9)
    assert ew.slope([1, 2, 3, 5]) == pytest.approx(1.3)


@pytest.mark.parametrize("oldest_first, fires", [
    ((1, 2, 2, 4), False),  # slope 0.9
    ((1, 2, 3, 4), True),  # slope 1.0: the threshold
    ((1, 2, 3, 5), True),  # slope 1.3
    ((2, 6, 8, 2), False),  # slope 1.0 but no higher at the end
])
def test_cravings_rising(oldest_first, fires):
    assert bool(ew.cravings_rising(facts(recent=cravings(*oldest_first)), ctx())) is fires


def test_cravings_read_from_first_to_last_and_begin_with_the_window():
    history = cravings(9, 2, 3, 5, 6)  # only the last four count
    (reason,) = ew.cravings_rising(facts(recent=history), ctx())
    assert reason.text == "Cravings rising: 2 → 6 over the last 4 check-ins"
    assert reason.since == history[3].on


def test_cravings_need_a_full_window():
    assert ew.cravings_rising(facts(recent=cravings(1, 4, 7)), ctx()) == ()
    assert ew.cravings_rising(facts(recent=cravings(1, 4, 7)), ctx(craving_window_checkins=3)) != ()


# -- warning signs -----------------------------------------------------------------------------

def signs(*per_checkin: tuple[str, ...], every: int = 7) -> tuple[CheckinFact, ...]:
    return checkins(*({"warning_signs": s} for s in per_checkin), every=every)


@pytest.mark.parametrize("ticked, fires", [(1, False), (2, True), (3, True)])
def test_warning_sign_ticked_in_several_recent_check_ins(ticked, fires):
    history = signs(*([("Irritability",)] * ticked + [()] * (4 - ticked)))
    found = ew.warning_signs(facts(recent=history), ctx())
    assert bool(found) is fires
    if fires:
        assert found[0].text == f"Irritability ticked in {ticked} of the last 4 check-ins"
        assert found[0].since == history[ticked - 1].on


def test_warning_signs_look_back_a_set_number_of_days():
    # 28 days: today and the 27 days before. A check-in 27 days ago counts, 28 days ago does not.
    inside = (CheckinFact(days_ago(1), warning_signs=("Irritability",)),
              CheckinFact(days_ago(27), warning_signs=("Irritability",)))
    outside = (inside[0], CheckinFact(days_ago(28), warning_signs=("Irritability",)))
    assert ew.warning_signs(facts(recent=inside), ctx()) != ()
    assert ew.warning_signs(facts(recent=outside), ctx()) == ()


def test_each_sign_is_a_reason_and_a_persons_own_words_are_quoted():
    history = signs(("Irritability", "I stop answering texts"), ("Irritability",), ("I stop answering texts",
                                                                                     "Irritability"))
    assert texts(ew.warning_signs(facts(recent=history), ctx())) == [
        "Irritability ticked in 3 of the last 3 check-ins",
        "“I stop answering texts” ticked in 2 of the last 3 check-ins",
    ]


def test_a_sign_ticked_twice_in_one_check_in_counts_once():
    history = signs(("Irritability", "Irritability"), ())
    assert ew.warning_signs(facts(recent=history), ctx()) == ()


def test_one_check_in_in_the_window_reads_as_the_last_check_in():
    (reason,) = ew.warning_signs(facts(recent=signs(("Sleep problems",))), ctx(warning_sign_count=1))
    assert reason.text == "Sleep problems ticked in the last check-in"


# -- BARC-10 and AWARE -------------------------------------------------------------------------

def barc(*totals_newest_first: int, age: int = 10) -> tuple[AssessmentFact, ...]:
    return tuple(AssessmentFact(days_ago(age + 90 * i), total) for i, total in enumerate(totals_newest_first))


@pytest.mark.parametrize("total, fires", [(46, True), (47, False), (48, False)])
def test_barc10_below_the_cut_off(total, fires):
    found = ew.barc10(facts(barc10=barc(total)), ctx())
    assert bool(found) is fires
    if fires:
        assert found[0].text == "BARC-10 is 46 (cut-off 47)"
        assert found[0].since == days_ago(10)


@pytest.mark.parametrize("previous, latest, expected", [
    (50, 46, ["BARC-10 fell to 46 (cut-off 47)"]),  # down 4: only the cut-off
    (50, 45, ["BARC-10 fell to 45 (cut-off 47)", "BARC-10 dropped 5 points since the last one"]),
    (55, 49, ["BARC-10 dropped 6 points since the last one"]),
    (53, 49, []),  # down 4 and above the cut-off
    (44, 41, ["BARC-10 is 41 (cut-off 47)"]),  # was already below
])
def test_barc10_drop(previous, latest, expected):
    assert texts(ew.barc10(facts(barc10=barc(latest, previous)), ctx())) == expected


def test_barc10_cut_off_is_a_setting():
    assert ew.barc10(facts(barc10=barc(46)), ctx(barc10_cutoff=45)) == ()


@pytest.mark.parametrize("age, fires", [(179, True), (180, True), (181, False)])
def test_assessments_older_than_the_set_age_are_not_used(age, fires):
    assert bool(ew.barc10(facts(barc10=barc(40, age=age)), ctx())) is fires
    aware = (AssessmentFact(days_ago(age), 95), AssessmentFact(days_ago(age + 60), 70))
    assert bool(ew.aware_rising(facts(aware=aware), ctx())) is fires


@pytest.mark.parametrize("latest, fires", [(79, False), (80, True), (92, True), (60, False)])
def test_aware_rising(latest, fires):
    aware = (AssessmentFact(days_ago(5), latest), AssessmentFact(days_ago(65), 70))
    found = ew.aware_rising(facts(aware=aware), ctx())
    assert bool(found) is fires
    if fires:
        assert found[0].text == f"AWARE rose from 70 to {latest}"


def test_aware_needs_two_results():
    assert ew.aware_rising(facts(aware=(AssessmentFact(days_ago(5), 150),)), ctx()) == ()


# -- recurrence --------------------------------------------------------------------------------

@pytest.mark.parametrize("ago, fires", [(-1, False), (0, True), (29, True), (30, True), (31, False)])
def test_return_to_use_in_the_last_30_days(ago, fires):
    event = RecurrenceFact(days_ago(ago), RecurrenceKind.LAPSE)
    assert bool(ew.recent_recurrence(facts(last_recurrence=event), ctx())) is fires


def test_return_to_use_reads_with_date_and_kind():
    (reason,) = ew.recent_recurrence(
        facts(last_recurrence=RecurrenceFact(date(2026, 5, 20), RecurrenceKind.RELAPSE)), ctx())
    assert reason.text == "Return to use on 2026-05-20 (relapse)"
    assert reason.since == date(2026, 5, 20)


# -- mentor contact ----------------------------------------------------------------------------

def test_mentor_rule_is_silent_without_a_mentor():
    assert ew.mentor_contact_lapsed(facts(), ctx()) == ()


@pytest.mark.parametrize("ago, fires", [(13, False), (14, False), (15, True)])
def test_mentor_contact_lapsed(ago, fires):
    mentor = MentorFact(paired_on=days_ago(200), last_contact_on=days_ago(ago))
    found = ew.mentor_contact_lapsed(facts(mentor=mentor), ctx())
    assert bool(found) is fires
    if fires:
        assert found[0].text == "No contact with their mentor for 15 days"
        assert found[0].since == TODAY


def test_mentor_never_in_touch_counts_from_the_pairing():
    (reason,) = ew.mentor_contact_lapsed(facts(mentor=MentorFact(days_ago(20), None)), ctx())
    assert reason.text == "No contact with their mentor yet, 20 days since they were paired"


# -- levels ------------------------------------------------------------------------------------

def reason(signal: Signal) -> Reason:
    return Reason(signal, "…", TODAY)


@pytest.mark.parametrize("signals, level", [
    ((), WarningLevel.NONE),
    ((Signal.CHECKIN_OVERDUE,), WarningLevel.WATCH),
    ((Signal.CHECKIN_OVERDUE, Signal.MENTOR_LAPSED), WarningLevel.WATCH),  # neither is strong
    ((Signal.MOOD_LOW,), WarningLevel.WATCH),
    ((Signal.MOOD_LOW, Signal.CHECKIN_OVERDUE), WarningLevel.WATCH),
    ((Signal.MOOD_LOW, Signal.CRAVINGS_RISING), WarningLevel.HIGH),
    ((Signal.BARC10_LOW, Signal.BARC10_LOW), WarningLevel.WATCH),  # two reasons, one signal
    ((Signal.WARNING_SIGNS, Signal.WARNING_SIGNS, Signal.UNANSWERED), WarningLevel.HIGH),
    ((Signal.RECURRENCE,), WarningLevel.HIGH),
])
def test_levels(signals, level):
    assert ew.level_for([reason(s) for s in signals], DEFAULTS) is level


def test_strong_signals_for_high_is_a_setting():
    three = [reason(Signal.MOOD_LOW), reason(Signal.CRAVINGS_RISING), reason(Signal.AWARE_RISING)]
    settings = replace(DEFAULTS, high_level_signals=3)
    assert ew.level_for(three[:2], settings) is WarningLevel.WATCH
    assert ew.level_for(three, settings) is WarningLevel.HIGH
    assert ew.level_for([reason(Signal.RECURRENCE)], settings) is WarningLevel.HIGH


def test_assess_combines_every_rule():
    sliding = facts(
        cadence=CheckinCadence.WEEKLY, last_reached_on=days_ago(12),
        unanswered_in_a_row=3, unanswered_since=date(2026, 6, 5),
        recent=moods(2, 2, 2, 4, 4, 4, every=7),
        last_recurrence=RecurrenceFact(date(2026, 6, 1), RecurrenceKind.LAPSE),
    )
    attention = ew.assess(sliding, DEFAULTS, TODAY)
    assert attention.level is WarningLevel.HIGH
    assert texts(attention.reasons) == [
        "Return to use on 2026-06-01 (lapse)",
        "No check-in for 12 days — plan says weekly",
        "3 calls in a row without an answer since 2026-06-05",
        "Mood 2 over the last 3 check-ins, below their usual 4",
    ]
    assert attention.since == date(2026, 5, 31)  # the low mood began with the check-in 15 days ago
    calm = ew.assess(facts(cadence=CheckinCadence.WEEKLY), DEFAULTS, TODAY)
    assert (calm.level, calm.reasons, calm.since) == (WarningLevel.NONE, (), None)


def test_queue_puts_high_first_then_the_oldest_concern():
    people = {i: ew.Person(i, f"AC-{i}", "First", name, None, name.lower(), None, None, None)
              for i, name in ((1, "Adams"), (2, "Baker"), (3, "Cole"), (4, "Diaz"))}
    weekly = CheckinCadence.WEEKLY
    caseload = ew.Caseload(people, [
        replace(facts(cadence=weekly, last_reached_on=days_ago(20)), alumnus_id=1),
        replace(facts(cadence=weekly, last_reached_on=days_ago(11)), alumnus_id=2),
        replace(facts(last_recurrence=RecurrenceFact(days_ago(3), RecurrenceKind.LAPSE)), alumnus_id=3),
        replace(facts(), alumnus_id=4),
    ])
    rows = ew.queue(caseload, DEFAULTS, TODAY)
    assert [row.alumnus_id for row in rows] == [3, 1, 2]
    assert [row.level for row in rows] == [WarningLevel.HIGH, WarningLevel.WATCH, WarningLevel.WATCH]
    assert rows[1].name == "First Adams" and rows[1].since == days_ago(20) + timedelta(days=10)


# -- team settings -----------------------------------------------------------------------------

def test_defaults_are_the_recommended_thresholds():
    assert DEFAULTS.unanswered_attempts == 3
    assert DEFAULTS.barc10_cutoff == 47 and DEFAULTS.barc10_drop == 5
    assert DEFAULTS.recurrence_window_days == 30
    assert DEFAULTS.default_checkin_cadence is CheckinCadence.BIWEEKLY
    assert DEFAULTS.grace_days(CheckinCadence.MONTHLY) == 5
    assert set(SPECS) == {name for name in TeamSettingsValues.__dataclass_fields__}
    assert all(spec.info.label for spec in SPECS.values())


@pytest.mark.parametrize("key, value, clean", [
    ("unanswered_attempts", 5, 5),
    ("unanswered_attempts", "5", 5),
    ("unanswered_attempts", 5.0, 5),
    ("mood_drop", "1.5", 1.5),
    ("default_checkin_cadence", "monthly", CheckinCadence.MONTHLY),
])
def test_accepted_values_come_back_in_their_type(key, value, clean):
    assert check(key, value) == (clean, None)


@pytest.mark.parametrize("key, value, message", [
    ("unanswered_attempts", 1, "Unanswered attempts in a row: enter 2 to 20 attempts."),
    ("unanswered_attempts", 21, "Unanswered attempts in a row: enter 2 to 20 attempts."),
    ("unanswered_attempts", 2.5, "Unanswered attempts in a row: enter a whole number."),
    ("unanswered_attempts", True, "Unanswered attempts in a row: enter a number."),
    ("unanswered_attempts", None, "Unanswered attempts in a row: enter a number."),
    ("mood_drop", "a lot", "Mood drop below their usual: enter a number."),
    ("mood_drop", float("nan"), "Mood drop below their usual: enter a number."),
    ("meetings_missed_share", 1.5, "Share of expected meetings missed: enter 0.1 to 1."),
    ("default_checkin_cadence", "daily",
     "Check-in cadence without a plan: choose one of weekly, every two weeks, monthly."),
])
def test_refused_values_say_what_to_enter(key, value, message):
    assert check(key, value)[1] == message


def test_unknown_setting_is_an_error():
    from aftercare_desktop.errors import AftercareError

    with pytest.raises(AftercareError):
        check("no_such_setting", 1)


@given(st.integers(min_value=-1000, max_value=1000))
def test_whole_number_settings_accept_exactly_their_range(value):
    spec = SPECS["barc10_cutoff"]
    clean, problem = check("barc10_cutoff", value)
    assert (problem is None) == (spec.info.minimum <= value <= spec.info.maximum)
    if problem is None:
        assert clean == value and isinstance(clean, int)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_decimal_settings_never_accept_what_is_not_a_finite_number_in_range(value):
    clean, problem = check("craving_slope", value)
    if problem is None:
        assert 0.1 <= clean <= 5.0
