"""Property tests for the plan checks: never crash on odd input, and a checked plan checks clean again."""

from datetime import date, time

from hypothesis import given, settings
from hypothesis import strategies as st

from aftercare_desktop.models.enums import CheckinCadence, GoalStatus, LifeArea, MeetingKind, RosterRole
from aftercare_desktop.services.plans import (
    MAX_PER_WEEK,
    GoalData,
    MeetingData,
    PlanData,
    RosterEntryData,
    TriggerData,
    check_plan,
)
from tests.conftest import FIXED_TODAY

words = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
dates = st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))
phones = st.none() | st.sampled_from(["988", "212 555 0100", "+44 20 7946 0958", "12", "call me", ""]) | words

plans = st.builds(
    PlanData,
    alumnus_id=st.just(1),
    start_date=dates,
    next_review_date=dates,
    checkin_cadence=st.sampled_from(CheckinCadence),
    signed_by_alumnus_on=dates,
    medication_notes=st.none() | words,
    housing_notes=st.none() | words,
    goals=st.lists(st.builds(GoalData, words, st.sampled_from(LifeArea), dates, st.sampled_from(GoalStatus)),
                   max_size=4),
    triggers=st.lists(st.builds(TriggerData, words, st.lists(words, max_size=4)), max_size=4),
    warning_signs=st.lists(words, max_size=4),
    meetings=st.lists(st.builds(MeetingData, st.sampled_from(MeetingKind), st.none() | words,
                                st.none() | st.integers(-2, 9), st.none() | st.times(), st.none() | words,
                                st.integers(-1, 20)), max_size=3),
    roster=st.lists(st.builds(RosterEntryData, st.sampled_from(RosterRole), words, phones), max_size=4),
)


@settings(max_examples=300, deadline=None)
@given(plans)
def test_checking_never_raises_and_is_stable(data):
    first = check_plan(data, today=FIXED_TODAY)
    again = check_plan(first.data, today=FIXED_TODAY)
    assert again.data == first.data
    if first.ok:
        assert again.ok


@settings(max_examples=300, deadline=None)
@given(plans)
def test_an_accepted_plan_keeps_every_rule(data):
    checked = check_plan(data, today=FIXED_TODAY)
    if not checked.ok:
        return
    clean = checked.data
    assert clean.start_date is not None
    assert clean.next_review_date is None or clean.next_review_date >= clean.start_date
    assert clean.signed_by_alumnus_on is None or clean.signed_by_alumnus_on <= FIXED_TODAY
    assert all(1 <= m.per_week <= MAX_PER_WEEK for m in clean.meetings)
    assert all(m.weekday is None or 0 <= m.weekday <= 6 for m in clean.meetings)
    assert all(g.text == g.text.strip() and g.text for g in clean.goals)
    assert all(t.trigger and all(s for s in t.coping_strategies) for t in clean.triggers)
    assert all(r.name for r in clean.roster)


@given(st.integers(0, 23), st.integers(0, 59))
def test_meeting_times_are_left_alone(hour, minute):
    data = PlanData(1, FIXED_TODAY, meetings=[MeetingData(MeetingKind.AA, starts_at=time(hour, minute))])
    assert check_plan(data, today=FIXED_TODAY).data.meetings[0].starts_at == time(hour, minute)
