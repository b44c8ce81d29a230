"""Scoring on known answer sets (reverse items included), band boundaries, and when an instrument is due."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftercare_desktop.errors import ValidationFailed
from aftercare_desktop.paths import resource
from aftercare_desktop.services.assessments import due_date
from aftercare_desktop.services.instruments import AWARE, BARC_10, add_months, load_instruments, score, whole_months_between

DEFINITIONS = load_instruments([resource("instruments")])
BARC = DEFINITIONS[BARC_10]
AWARE_DEF = DEFINITIONS[AWARE]


# -- BARC-10 ---------------------------------------------------------------------------------------

def test_barc10_all_lowest_and_all_highest():
    low = score(BARC, [1] * 10)
    assert (low.total, low.band.label) == (10, "Below 47")
    high = score(BARC, [6] * 10)
    assert (high.total, high.band.label) == (60, "47 or above")


def test_barc10_mixed_set_computed_by_hand():
    answers = [6, 5, 4, 6, 5, 3, 4, 6, 5, 4]  # 6+5+4+6+5+3+4+6+5+4 = 48
    result = score(BARC, answers)
    assert result.total == 48
    assert result.item_scores == tuple(answers)  # nothing reversed on the BARC-10
    assert result.answers == tuple(answers)
    assert result.band.label == "47 or above"


@pytest.mark.parametrize(("total", "band", "meets"), [(10, "Below 47", False), (46, "Below 47", False),
                                                      (47, "47 or above", True), (60, "47 or above", True)])
def test_barc10_band_and_cut_off_boundaries(total, band, meets):
    assert BARC.band_for(total).label == band
    assert BARC.meets_cut_off(total) is meets


def test_barc10_totals_either_side_of_the_cut_off_from_answers():
    below = score(BARC, [5, 5, 5, 5, 5, 5, 4, 4, 4, 4])  # 30 + 16 = 46
    at = score(BARC, [5, 5, 5, 5, 5, 5, 5, 4, 4, 4])  # 35 + 12 = 47
    assert (below.total, below.band.label) == (46, "Below 47")
    assert (at.total, at.band.label) == (47, "47 or above")


def test_answers_by_item_number():
    assert score(BARC, {n: 6 for n in range(1, 11)}).total == 60


# -- AWARE (items 8, 14, 20, 24 and 26 reversed: 8 − answer) ------------------------------------------

def test_aware_all_ones_and_all_sevens_count_the_reversed_items_the_other_way():
    ones = score(AWARE_DEF, [1] * 28)
    assert ones.total == 23 * 1 + 5 * 7 == 58
    assert ones.item_scores[7] == 7 and ones.item_scores[0] == 1  # item 8 reversed, item 1 not
    sevens = score(AWARE_DEF, [7] * 28)
    assert sevens.total == 23 * 7 + 5 * 1 == 166


def test_aware_middle_answers_are_the_same_either_way():
    assert score(AWARE_DEF, [4] * 28).total == 112


def test_aware_lowest_and_highest_possible_totals():
    lowest = [7 if n in AWARE_DEF.reverse_scored else 1 for n in range(1, 29)]
    highest = [1 if n in AWARE_DEF.reverse_scored else 7 for n in range(1, 29)]
    assert score(AWARE_DEF, lowest).total == 28
    assert score(AWARE_DEF, lowest).band.label == "28–55"
    assert score(AWARE_DEF, highest).total == 196
    assert score(AWARE_DEF, highest).band.label == "70 or more"


def test_aware_mixed_set_computed_by_hand():
    answers = [3, 2, 4, 1, 2, 5, 3, 6, 2, 1, 3, 4, 2, 7, 1, 5, 2, 3, 1, 6, 4, 3, 2, 5, 1, 2, 3, 4]
    # The 23 items scored as given add up to 61. Reversed: item 8: 6→2, 14: 7→1, 20: 6→2, 24: 5→3,
    # 26: 2→6, which add up to 14. Total 75.
    result = score(AWARE_DEF, answers)
    assert [result.item_scores[n - 1] for n in (8, 14, 20, 24, 26)] == [2, 1, 2, 3, 6]
    assert result.total == 75
    assert result.band.label == "70 or more"
    assert result.answers == tuple(answers)  # stored as given, not reversed


@pytest.mark.parametrize(("total", "band"), [(28, "28–55"), (55, "28–55"), (56, "56–69"), (69, "56–69"),
                                             (70, "70 or more"), (196, "70 or more")])
def test_aware_band_boundaries(total, band):
    assert AWARE_DEF.band_for(total).label == band
    assert AWARE_DEF.meets_cut_off(total) is None  # no published cut-off


def test_a_total_outside_the_range_has_no_band():
    with pytest.raises(ValueError):
        AWARE_DEF.band_for(27)


# -- answers that cannot be scored ------------------------------------------------------------------

def messages(error: ValidationFailed) -> list[str]:
    return [problem.message for problem in error.problems]


def test_every_missing_or_out_of_range_answer_is_listed():
    answers = [5, 5, None, 0, 7, 5, 5, 5, 5, True]
    with pytest.raises(ValidationFailed) as error:
        score(BARC, answers)
    assert messages(error.value) == [
        "Item 3 is not answered.",
        "Item 4: 0 is outside the scale (1–6).",
        "Item 5: 7 is outside the scale (1–6).",
        "Item 10: the answer must be a whole number from 1 to 6.",
    ]
    assert [p.field for p in error.value.problems] == ["item_3", "item_4", "item_5", "item_10"]


def test_the_wrong_number_of_answers():
    with pytest.raises(ValidationFailed) as error:
        score(BARC, [5] * 9)
    assert messages(error.value) == ["BARC-10 has 10 items; 9 answers were given."]


def test_answers_by_number_missing_and_unknown_items():
    with pytest.raises(ValidationFailed) as error:
        score(BARC, {n: 5 for n in range(1, 10)})
    assert messages(error.value) == ["Item 10 is not answered."]
    with pytest.raises(ValidationFailed) as error:
        score(BARC, {n: 5 for n in range(1, 12)})
    assert messages(error.value) == ["BARC-10 has no item 11."]


def test_a_fractional_answer_is_refused():
    with pytest.raises(ValidationFailed):
        score(BARC, [5.0] * 10)


@given(st.lists(st.integers(1, 7), min_size=28, max_size=28))
def test_aware_total_is_the_sum_with_reversal_and_always_has_a_band(answers):
    result = score(AWARE_DEF, answers)
    expected = sum(8 - a if n in {8, 14, 20, 24, 26} else a for n, a in enumerate(answers, start=1))
    assert result.total == expected == sum(result.item_scores)
    assert 28 <= result.total <= 196
    assert result.band.contains(result.total)


@given(st.lists(st.integers(1, 6), min_size=10, max_size=10), st.integers(0, 9),
       st.one_of(st.integers(max_value=0), st.integers(min_value=7)))
def test_any_answer_off_the_scale_is_refused_and_named(answers, position, wrong):
    answers[position] = wrong
    with pytest.raises(ValidationFailed) as error:
        score(BARC, answers)
    assert messages(error.value) == [f"Item {position + 1}: {wrong} is outside the scale (1–6)."]


# -- months and the cadence -------------------------------------------------------------------------

def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_shorter_month():
    assert add_months(date(2026, 1, 15), 1) == date(2026, 2, 15)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)


@pytest.mark.parametrize(("end", "months"), [
    (date(2026, 1, 10), 0), (date(2026, 2, 9), 0), (date(2026, 2, 10), 1), (date(2027, 1, 9), 11),
    (date(2027, 1, 10), 12), (date(2025, 12, 11), 0), (date(2025, 12, 10), -1),
])
def test_whole_months_between(end, months):
    assert whole_months_between(date(2026, 1, 10), end) == months


DISCHARGED = date(2026, 1, 10)


@pytest.mark.parametrize(("last_given", "due"), [
    (None, DISCHARGED),  # never given: due at discharge
    (date(2026, 1, 9), DISCHARGED),  # given the day before discharge: the discharge one is still due
    (DISCHARGED, date(2026, 2, 10)),  # month 0: monthly
    (date(2026, 4, 9), date(2026, 5, 9)),  # month 2 (a day short of 3): still monthly
    (date(2026, 4, 10), date(2026, 7, 10)),  # month 3: every 3 months
    (date(2027, 1, 9), date(2027, 4, 9)),  # month 11: every 3 months
    (date(2027, 1, 10), date(2027, 7, 10)),  # month 12: every 6 months from then on
    (date(2030, 5, 1), date(2030, 11, 1)),
])
def test_barc10_next_due_at_the_boundaries_of_its_cadence(last_given, due):
    assert due_date(BARC.cadence, DISCHARGED, last_given) == due


def test_aware_is_due_every_two_months_from_discharge():
    assert due_date(AWARE_DEF.cadence, DISCHARGED, None) == date(2026, 3, 10)
    assert due_date(AWARE_DEF.cadence, DISCHARGED, date(2026, 3, 12)) == date(2026, 5, 12)
    # Given before discharge (say at the end of residential treatment): every 2 months from then.
    assert due_date(AWARE_DEF.cadence, DISCHARGED, date(2025, 12, 20)) == date(2026, 2, 20)


def test_nothing_is_due_without_a_discharge_date_or_a_cadence():
    assert due_date(BARC.cadence, None, None) is None
    assert due_date(None, DISCHARGED, None) is None
