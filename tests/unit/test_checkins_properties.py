"""Property tests: whatever reaches the check-in validator, it answers with problems, never a crash."""

from datetime import date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from aftercare_desktop.models.enums import CheckinMethod, CheckinOutcome
from aftercare_desktop.services.checkins import (
    CRAVING_RANGE,
    MOOD_RANGE,
    CheckInData,
    check_checkin,
    normalise,
)

NOW = datetime(2026, 6, 15, 14, 30, tzinfo=timezone.utc)

anything = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
    st.dates(), st.datetimes(), st.datetimes(timezones=st.timezones()), st.lists(st.text(max_size=5), max_size=3),
)
moments = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(timezone.utc)),
    st.datetimes(timezones=st.timezones()),
    anything,
)


@settings(max_examples=400, deadline=None)
@given(
    occurred_at=moments, method=st.one_of(st.sampled_from(CheckinMethod), anything),
    outcome=st.one_of(st.sampled_from(CheckinOutcome), anything),
    staff_id=anything, mentor_id=anything, mood=anything, craving=anything, used=anything, meetings=anything,
    signs=st.one_of(st.lists(st.one_of(st.text(max_size=400), anything), max_size=50), anything),
    notes=st.one_of(st.text(max_size=2100), anything), due=anything,
)
def test_no_input_crashes_the_validator(occurred_at, method, outcome, staff_id, mentor_id, mood, craving, used,
                                       meetings, signs, notes, due):
    data = CheckInData(occurred_at=occurred_at, method=method, outcome=outcome, staff_id=staff_id,
                       mentor_id=mentor_id, mood=mood, craving=craving, used_since_last=used,
                       meetings_attended=meetings, warning_signs=signs, notes=notes, follow_up_due=due)
    problems = check_checkin(data, NOW)
    for problem in problems:
        assert problem.field and problem.message.strip()
        assert problem.message[0].isupper()


@settings(max_examples=300, deadline=None)
@given(
    minutes_ago=st.integers(min_value=-5, max_value=60 * 24 * 300),
    method=st.sampled_from(CheckinMethod),
    outcome=st.sampled_from(CheckinOutcome),
    mood=st.integers(*MOOD_RANGE), craving=st.integers(*CRAVING_RANGE),
    used=st.one_of(st.none(), st.booleans()), meetings=st.one_of(st.none(), st.integers(0, 20)),
    signs=st.lists(st.text(min_size=1, max_size=40).filter(str.strip), max_size=8),
    notes=st.one_of(st.none(), st.text(max_size=2000)),
    due_in=st.one_of(st.none(), st.integers(0, 300)),
)
def test_well_formed_input_is_accepted_and_normalises(minutes_ago, method, outcome, mood, craving, used, meetings,
                                                      signs, notes, due_in):
    occurred = NOW - timedelta(minutes=minutes_ago)
    is_reached = outcome is CheckinOutcome.REACHED
    data = CheckInData(
        occurred_at=occurred, method=method, outcome=outcome, staff_id=1,
        mood=mood if is_reached else None, craving=craving if is_reached else None,
        used_since_last=used if is_reached else None, meetings_attended=meetings if is_reached else None,
        warning_signs=signs, notes=notes,
        follow_up_due=None if due_in is None else occurred.astimezone().date() + timedelta(days=due_in),
    )
    assert check_checkin(data, NOW) == []
    clean = normalise(data)
    assert check_checkin(clean, NOW) == []
    assert len({s.casefold() for s in clean.warning_signs}) == len(clean.warning_signs)
    assert all(s == " ".join(s.split()) and s for s in clean.warning_signs)
    assert isinstance(clean.occurred_at, datetime) and not isinstance(clean.follow_up_due, datetime)
    assert clean.follow_up_due is None or isinstance(clean.follow_up_due, date)
