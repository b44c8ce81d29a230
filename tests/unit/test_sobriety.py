"""Days sober and milestone arithmetic at their boundaries: month ends, leap days, the day itself."""

from datetime import date, timedelta

import pytest

from aftercare_desktop.errors import AftercareError
from aftercare_desktop.services.sobriety import (
    _milestones_between,
    add_months,
    days_sober,
    iter_milestones,
    milestone_for,
    milestones,
    milestones_by_start,
)


def test_days_sober_counts_whole_days_from_the_start():
    start = date(2026, 6, 1)
    assert days_sober(start, date(2026, 6, 1)) == 0
    assert days_sober(start, date(2026, 6, 2)) == 1
    assert days_sober(start, date(2026, 7, 1)) == 30
    assert days_sober(None, date(2026, 6, 1)) is None


def test_days_sober_is_never_negative():
    # A return to use recorded today moves the start to tomorrow.
    assert days_sober(date(2026, 6, 16), date(2026, 6, 15)) == 0


def test_days_sober_across_a_leap_day():
    assert days_sober(date(2024, 2, 28), date(2024, 3, 1)) == 2
    assert days_sober(date(2023, 2, 28), date(2023, 3, 1)) == 1


def test_the_order_and_names_of_milestones():
    start = date(2026, 1, 10)
    first = [m for _, m in zip(range(10), iter_milestones(start))]
    assert [m.key for m in first] == ["30d", "60d", "90d", "6m", "9m", "1y", "18m", "2y", "3y", "4y"]
    assert [m.label for m in first[:8]] == [
        "30 days", "60 days", "90 days", "6 months", "9 months", "1 year", "18 months", "2 years"]
    assert [m.on for m in first] == [
        date(2026, 2, 9), date(2026, 3, 11), date(2026, 4, 10), date(2026, 7, 10), date(2026, 10, 10),
        date(2027, 1, 10), date(2027, 7, 10), date(2028, 1, 10), date(2029, 1, 10), date(2030, 1, 10)]


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 1, 31), 6, date(2026, 7, 31)),   # July has 31 days
    (date(2026, 8, 31), 6, date(2027, 2, 28)),   # February is shorter: its last day
    (date(2027, 8, 31), 6, date(2028, 2, 29)),   # … in a leap year, the 29th
    (date(2026, 3, 31), 6, date(2026, 9, 30)),   # 30-day month
    (date(2026, 5, 31), 9, date(2027, 2, 28)),
    (date(2026, 8, 30), 18, date(2028, 2, 29)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),  # leap day: the last day of the next February
    (date(2024, 2, 29), 24, date(2026, 2, 28)),
    (date(2024, 2, 29), 48, date(2028, 2, 29)),  # counted from the start, never chained
    (date(2026, 12, 15), 1, date(2027, 1, 15)),  # year boundary
    (date(2026, 1, 15), -1, date(2025, 12, 15)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
])
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_six_months_examples_from_the_issue():
    assert milestone_for(date(2026, 1, 31), "6m").on == date(2026, 7, 31)
    assert milestone_for(date(2026, 8, 31), "6m").on == date(2027, 2, 28)


def test_day_milestones_cross_leap_days_by_counting_days():
    assert milestone_for(date(2024, 2, 1), "30d").on == date(2024, 3, 2)
    assert milestone_for(date(2025, 2, 1), "30d").on == date(2025, 3, 3)


def test_a_milestone_is_reached_on_its_day():
    start = date(2026, 1, 1)
    day_before = milestones(start, date(2026, 1, 30))
    assert day_before.reached == () and day_before.next.key == "30d" and day_before.days_sober == 29
    on_the_day = milestones(start, date(2026, 1, 31))
    assert [m.key for m in on_the_day.reached] == ["30d"] and on_the_day.next.key == "60d"
    assert on_the_day.latest.key == "30d"


def test_yearly_milestones_after_eighteen_months():
    start = date(2020, 2, 29)
    progress = milestones(start, date(2026, 6, 15))
    assert [m.key for m in progress.reached][-4:] == ["3y", "4y", "5y", "6y"]
    assert progress.reached[-1].on == date(2026, 2, 28)
    assert progress.next.key == "7y" and progress.next.on == date(2027, 2, 28)


def test_a_start_in_the_future_has_nothing_reached():
    progress = milestones(date(2026, 6, 16), date(2026, 6, 15))
    assert progress.reached == () and progress.days_sober == 0 and progress.next.key == "30d"


@pytest.mark.parametrize("key", ["", "5d", "1m", "0y", "1y0", "y", "101y", "x"])
def test_unknown_milestone_keys_are_refused(key):
    with pytest.raises(AftercareError):
        milestone_for(date(2026, 1, 1), key)


@pytest.mark.parametrize("first, days", [
    (date(2026, 2, 25), 14), (date(2026, 6, 15), 14), (date(2028, 2, 27), 14), (date(2026, 12, 28), 14),
    (date(2026, 1, 29), 0), (date(2026, 3, 31), 3),
])
def test_milestones_by_start_is_exact(first, days):
    """The start dates the upcoming list asks the database for are exactly those with a milestone in
    the window, month ends and leap days included."""
    last = first + timedelta(days=days)
    by_start = milestones_by_start(first, last)
    start = date(2014, 1, 1)
    while start <= last:
        assert by_start.get(start, []) == list(_milestones_between(start, first, last)), start
        start += timedelta(days=1)
