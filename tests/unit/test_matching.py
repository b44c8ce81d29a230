"""The pairing engine without a database: each hard constraint, each criterion, capacity, locks,
explanations, binding reasons, swaps — and optimality against brute force on small random instances."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import date

import pytest

from aftercare_desktop.services import matching
from aftercare_desktop.services.matching import (
    Binding,
    Criterion,
    Mentee,
    Mentor,
    Problem,
    SwapRefused,
    pair_key,
    solve,
)
from bench import pairing_baseline as reference

EN = frozenset({"English"})
ES = frozenset({"Spanish"})
ONLY = {c: 0.0 for c in Criterion}


def weights(**given: float) -> dict[Criterion, float]:
    return {**ONLY, **{Criterion(k): v for k, v in given.items()}}


def mentor(id_: int = 100, **values) -> Mentor:
    return Mentor(**{"id": id_, "capacity": 2, "languages": EN, **values})


def mentee(id_: int = 1, **values) -> Mentee:
    return Mentee(**{"id": id_, "languages": EN, **values})


def problem(mentees, mentors, w=None, **values) -> Problem:
    return Problem(mentors=tuple(mentors), mentees=tuple(mentees), weights=w or weights(pathway=5), **values)


def pairs(result) -> dict[int, int]:
    return {s.mentee_id: s.mentor_id for s in result.suggestions}


def test_a_fitting_pair_is_suggested():
    result = solve(problem([mentee()], [mentor()]))
    assert pairs(result) == {1: 100} and result.unmatched == ()


# -- hard constraints ----------------------------------------------------------------------------

@pytest.mark.parametrize("change, binding, reason", [
    (dict(mentor=dict(load=2)), Binding.CAPACITY, "no active English-speaking mentor has free capacity"),
    (dict(mentor=dict(available=False)), Binding.NO_MENTOR, "no mentor is active and eligible"),
    (dict(mentor=dict(consents=False)), Binding.NO_MENTOR, "no mentor is active and eligible"),
    (dict(mentee=dict(consents=False)), Binding.MENTEE_CONSENT, "has not consented to the mentor program"),
    (dict(mentee=dict(languages=ES)), Binding.LANGUAGE, "no active mentor speaks Spanish"),
    (dict(mentee=dict(languages=frozenset())), Binding.NO_LANGUAGE, "no language is recorded for them"),
    (dict(mentee=dict(mentor_genders=frozenset({"woman"})), mentor=dict(gender="man")), Binding.GENDER,
     "no active English-speaking mentor fits the gender preferences on both sides"),
    (dict(mentee=dict(gender="man"), mentor=dict(gender="woman", mentee_genders=frozenset({"woman"}))),
     Binding.GENDER, "no active English-speaking mentor fits the gender preferences on both sides"),
    # An unknown gender fits no stated preference.
    (dict(mentee=dict(mentor_genders=frozenset({"woman"}))), Binding.GENDER,
     "no active English-speaking mentor fits the gender preferences on both sides"),
    (dict(problem=dict(do_not_pair=frozenset({pair_key(100, 1)}))), Binding.DO_NOT_PAIR,
     "every active English-speaking mentor is on the do-not-pair list with them"),
    (dict(problem=dict(recently_paired=frozenset({pair_key(1, 100)}), cooldown_days=90)), Binding.COOLDOWN,
     "every active English-speaking mentor was paired with them in the last 90 days"),
    (dict(problem=dict(rejected=frozenset({(1, 100)}))), Binding.REJECTED,
     "every active English-speaking mentor was rejected for them in this run"),
    (dict(mentor=dict(id=1)), Binding.NO_MENTOR, "no mentor is active and eligible"),  # never oneself
])
def test_each_hard_constraint_keeps_the_pair_apart_and_says_so(change, binding, reason):
    p = problem([mentee(**change.get("mentee", {}))], [mentor(**change.get("mentor", {}))],
                **change.get("problem", {}))
    result = solve(p)
    assert result.suggestions == ()
    assert [(u.binding, u.reason) for u in result.unmatched] == [(binding, reason)]


def test_the_reason_names_the_constraint_that_bound_after_the_others():
    spanish = [mentor(100 + i, languages=ES, load=2) for i in range(3)]
    result = solve(problem([mentee(languages=ES)], [mentor(200, languages=EN), *spanish]))
    assert result.unmatched[0].reason == "no active Spanish-speaking mentor has free capacity"
    women = [mentor(300, languages=ES, gender="woman", load=2), mentor(301, languages=ES, gender="man")]
    result = solve(problem([mentee(languages=ES, mentor_genders=frozenset({"woman"}))], women))
    assert result.unmatched[0].reason == (
        "no active Spanish-speaking mentor who fits the gender preferences has free capacity")


def test_pair_problems_lists_every_broken_constraint():
    p = problem([mentee(languages=ES, consents=False)], [mentor(load=2)], do_not_pair=frozenset({(1, 100)}))
    assert matching.pair_problems(p, 1, 100) == [
        "they have not consented to the mentor program", "they share no language",
        "they are on the do-not-pair list", "the mentor has no free capacity (2 of 2)"]
    assert matching.pair_problems(problem([mentee()], [mentor()]), 1, 100) == []


def test_capacity_is_never_exceeded_and_load_counts():
    result = solve(problem([mentee(i) for i in range(1, 6)], [mentor(capacity=3, load=1)]))
    assert len(result.suggestions) == 2
    assert [(m.capacity, m.load, m.suggested, m.free_after) for m in result.mentors] == [(3, 1, 2, 0)]
    assert {u.binding for u in result.unmatched} == {Binding.TAKEN}
    assert result.unmatched[0].reason == (
        "the only active English-speaking mentor with free capacity is suggested for another mentee")


def test_several_mentors_all_taken_read_as_plain_english():
    result = solve(problem([mentee(i) for i in range(1, 5)], [mentor(100, capacity=1), mentor(101, capacity=1)]))
    assert {u.reason for u in result.unmatched} == {
        "all 2 active English-speaking mentors with free capacity are suggested for other mentees"}


def test_as_many_mentees_as_possible_before_better_scores():
    # Greedy would give the one good mentor to the mentee who scores highest with them and leave
    # the other mentee alone; the engine pairs both.
    good = mentor(100, capacity=1, pathways=frozenset({"smart_recovery"}))
    other = mentor(101, capacity=1, languages=frozenset({"English", "Spanish"}))
    a = mentee(1, pathways=frozenset({"smart_recovery"}))
    b = mentee(2, languages=ES)
    result = solve(problem([a, b], [good, other]))
    assert pairs(result) == {1: 100, 2: 101}
    c = mentee(3, languages=ES)
    only_good = problem([a, mentee(4)], [good])
    assert pairs(solve(only_good)) == {1: 100}
    assert len(solve(problem([a, c], [good, other])).suggestions) == 2


# -- soft criteria -------------------------------------------------------------------------------

@pytest.mark.parametrize("criterion, better, worse, person, value", [
    ("pathway", dict(pathways=frozenset({"twelve_step"})), dict(pathways=frozenset({"smart_recovery"})),
     dict(pathways=frozenset({"twelve_step", "faith_based"})), 1.0),
    ("substances", dict(substances=frozenset({"alcohol"})), dict(substances=frozenset({"cannabis"})),
     dict(substances=frozenset({"Alcohol", "Cocaine"})), 0.5),
    ("program", dict(program="iop"), dict(program="residential"), dict(program="iop"), 1.0),
    ("age", dict(born=date(1980, 1, 1)), dict(born=date(1950, 1, 1)), dict(born=date(1990, 1, 1)), 0.5),
    ("distance", dict(postal_code="60614", city="Chicago"), dict(city="chicago "),
     dict(postal_code="606-01", city="Chicago"), 1.0),
    ("distance", dict(city="Chicago"), dict(city="Evanston"), dict(city="CHICAGO"), 0.75),
    ("availability", dict(availability=frozenset({"mon-evening", "tue-evening"})),
     dict(availability=frozenset({"sun-morning"})),
     dict(availability=frozenset({"mon-evening", "tue-evening", "wed-evening", "thu-evening"})), 0.5),
    ("evening_weekend", dict(evening_weekend=True), dict(), dict(needs_calls=True), 1.0),
    ("interests", dict(interests=frozenset({"music", "hiking"})), dict(interests=frozenset({"chess"})),
     dict(interests=frozenset({"Music", "Cooking", "Hiking"})), 2 / 3),
    ("experience", dict(completed_pairings=2), dict(completed_pairings=0), dict(), 0.5),
    ("load_balance", dict(load=1), dict(load=2, capacity=3), dict(), 0.5),
])
def test_each_criterion_prefers_the_better_mentor_with_its_value(criterion, better, worse, person, value):
    w = weights(**{criterion: 10})
    mentors = [mentor(100, **worse), mentor(101, **better)]
    result = solve(problem([mentee(**person)], mentors, w))
    (suggestion,) = result.suggestions
    assert suggestion.mentor_id == 101
    scored = {c.criterion: c for c in suggestion.breakdown}[Criterion(criterion)]
    # Ages are counted in days: a leap day more or less is not a whole year.
    assert scored.value == pytest.approx(value, abs=1e-3) and scored.points == pytest.approx(10 * value, abs=1e-2)
    assert suggestion.score == pytest.approx(sum(c.points for c in suggestion.breakdown))
    assert [a.mentor_id for a in suggestion.alternatives] == [100]


def test_a_criterion_without_weight_changes_nothing():
    mentors = [mentor(100), mentor(101, pathways=frozenset({"smart_recovery"}))]
    result = solve(problem([mentee(pathways=frozenset({"smart_recovery"}))], mentors, weights(program=3)))
    assert result.suggestions[0].score == 0.0
    assert {c.criterion: c.points for c in result.suggestions[0].breakdown}[Criterion.PATHWAY] == 0.0


def test_load_balance_spreads_mentees_over_mentors():
    mentors = [mentor(100, capacity=3), mentor(101, capacity=3)]
    result = solve(problem([mentee(1), mentee(2)], mentors, weights(load_balance=10)))
    assert sorted(pairs(result).values()) == [100, 101]
    assert [s.score for s in result.suggestions] == [10.0, 10.0]


# -- locks, alternatives, swaps ------------------------------------------------------------------

def test_locked_pairs_are_fixed_first_and_broken_locks_are_reported():
    smart = frozenset({"smart_recovery"})
    mentors = [mentor(100, capacity=1, pathways=smart), mentor(101, capacity=1)]
    mentees = [mentee(1, pathways=smart), mentee(2, pathways=smart)]
    free = solve(problem(mentees, mentors))
    locked = solve(problem(mentees, mentors, locked=((2, 100),)))
    assert pairs(locked) == {1: 101, 2: 100} and pairs(free)[1] == 100
    assert locked.suggestion_for(2).locked and not locked.suggestion_for(1).locked
    broken = solve(problem(mentees, [mentor(100, languages=ES), mentors[1]], locked=((1, 100),)))
    assert [(b.mentee_id, b.mentor_id, b.reason) for b in broken.broken_locks] == [(1, 100, "they share no language")]
    assert pairs(broken)[1] == 101 or pairs(broken)[2] == 101


def test_two_locks_over_capacity_keep_the_first():
    result = solve(problem([mentee(1), mentee(2)], [mentor(capacity=1)], locked=((1, 100), (2, 100))))
    assert pairs(result) == {1: 100}
    assert result.broken_locks[0].reason == "the mentor has no free capacity (1 of 1)"


def test_alternatives_are_the_next_three_best_with_room_marked():
    pathway = frozenset({"twelve_step"})
    mentors = [mentor(100 + i, capacity=1, completed_pairings=i) for i in range(5)]
    result = solve(problem([mentee(1, pathways=pathway), mentee(2)], mentors, weights(experience=8)))
    first = result.suggestion_for(1)
    scores = [a.score for a in first.alternatives]
    assert len(first.alternatives) == 3 and scores == sorted(scores, reverse=True)
    assert first.mentor_id not in [a.mentor_id for a in first.alternatives]
    taken = {s.mentor_id for s in result.suggestions}
    assert all(a.has_room == (a.mentor_id not in taken) for a in first.alternatives)
    full = solve(problem([mentee(1)], [mentor(100), mentor(101, load=2)]))
    assert full.suggestions[0].alternatives == ()


def test_swap_exchanges_mentors_and_rescores_or_refuses():
    smart = frozenset({"smart_recovery"})
    mentors = [mentor(100, capacity=1, pathways=smart), mentor(101, capacity=1, languages=EN | ES)]
    mentees = [mentee(1, pathways=smart), mentee(2)]
    p = problem(mentees, mentors)
    result = solve(p)
    assert pairs(result) == {1: 100, 2: 101}
    swapped = matching.swap(p, result, 1, 2)
    assert pairs(swapped) == {1: 101, 2: 100}
    assert swapped.total_score < result.total_score
    spanish = problem([mentee(1, pathways=smart), mentee(2, languages=ES)], mentors)
    with pytest.raises(SwapRefused, match="they share no language"):
        matching.swap(spanish, solve(spanish), 1, 2)


def test_reject_and_lock_helpers_change_the_next_run():
    p = problem([mentee()], [mentor(100), mentor(101)])
    first = pairs(solve(p))[1]
    rejected = matching.with_rejection(p, 1, first)
    assert pairs(solve(rejected))[1] != first
    relocked = matching.with_lock(rejected, 1, first)
    assert pairs(solve(relocked)) == {1: first} and (1, first) not in relocked.rejected
    assert matching.without_lock(relocked, 1).locked == ()


def test_empty_problems():
    assert solve(problem([], [mentor()])).suggestions == ()
    result = solve(problem([mentee()], []))
    assert result.unmatched[0].binding is Binding.NO_MENTOR


# -- optimality ----------------------------------------------------------------------------------

LANGUAGES = ("English", "Spanish", "Tagalog")
GENDERS = ("woman", "man", "non_binary")
SLOTS = ("mon-evening", "tue-morning", "sat-night", "sun-afternoon")
WORDS = ("alcohol", "opioids", "cocaine")


def random_problem(rng: random.Random, mentees: int, mentors: int) -> Problem:
    def some(values, low=0):
        return frozenset(rng.sample(values, rng.randint(low, len(values))))

    def person_values():
        return dict(
            languages=some(LANGUAGES[:2], 1) if rng.random() < 0.9 else frozenset({"Tagalog"}),
            gender=rng.choice((*GENDERS, None)), pathways=some(("twelve_step", "smart_recovery")),
            substances=some(WORDS), program=rng.choice(("iop", "php", None)),
            born=date(rng.randint(1960, 2000), rng.randint(1, 12), 1) if rng.random() < 0.8 else None,
            city=rng.choice(("Chicago", "Evanston", None)), postal_code=rng.choice(("60614", "60201", None)),
            availability=some(SLOTS), interests=some(("music", "hiking", "cooking")))

    mentor_list = [Mentor(id=100 + j, capacity=rng.randint(1, 3), load=rng.randint(0, 1),
                          available=rng.random() < 0.9, consents=rng.random() < 0.95,
                          mentee_genders=frozenset({rng.choice(GENDERS)}) if rng.random() < 0.2 else frozenset(),
                          evening_weekend=rng.random() < 0.5, completed_pairings=rng.randint(0, 5),
                          **person_values()) for j in range(mentors)]
    mentee_list = [Mentee(id=1 + i, consents=rng.random() < 0.95, needs_calls=rng.random() < 0.5,
                          mentor_genders=frozenset({rng.choice(GENDERS)}) if rng.random() < 0.2 else frozenset(),
                          **person_values()) for i in range(mentees)]
    ids = [p.id for p in mentee_list] + [p.id for p in mentor_list]
    do_not_pair = frozenset(pair_key(*rng.sample(ids, 2)) for _ in range(rng.randint(0, 2)))
    recent = frozenset(pair_key(rng.choice(mentee_list).id, rng.choice(mentor_list).id)
                       for _ in range(rng.randint(0, 2)))
    w = {c: float(rng.randint(0, 10)) for c in Criterion}
    return Problem(mentors=tuple(mentor_list), mentees=tuple(mentee_list), weights=w, do_not_pair=do_not_pair, recently_paired=recent,
                   cooldown_days=90)


def brute_force(p: Problem) -> tuple[int, float]:
    """The best (pairs, total score) over every assignment of mentees to mentors or to nobody."""
    scores = reference.python_scores(p)
    options = [[None, *[m.id for m in p.mentors if (e.id, m.id) in scores]] for e in p.mentees]
    room = {m.id: m.capacity - m.load for m in p.mentors}
    best = (0, 0.0)
    for choice in itertools.product(*options):
        used: dict[int, int] = {}
        for mentor_id in choice:
            if mentor_id is not None:
                used[mentor_id] = used.get(mentor_id, 0) + 1
        if any(count > room[m] for m, count in used.items()):
            continue
        assignment = {e.id: m for e, m in zip(p.mentees, choice) if m is not None}
        value = (len(assignment), reference.total(p, assignment, scores))
        if value[0] > best[0] or (value[0] == best[0] and value[1] > best[1] + 1e-9):
            best = value
    return best


@pytest.mark.parametrize("seed", range(60))
def test_the_total_is_optimal_against_brute_force(seed):
    rng = random.Random(seed)
    p = random_problem(rng, rng.randint(1, 6), rng.randint(1, 4))
    result = solve(p)
    count, best = brute_force(p)
    assert len(result.suggestions) == count
    # Criteria are worked out in single precision: totals agree to a ten-thousandth of a point.
    assert result.total_score == pytest.approx(best, abs=1e-4)
    # Each suggestion's score is the reference's pair score plus its load balance.
    scores = reference.python_scores(p)
    assert result.total_score == pytest.approx(reference.total(p, pairs(result), scores), abs=1e-4)


def test_the_engine_beats_or_equals_greedy():
    rng = random.Random(99)
    for _ in range(20):
        p = random_problem(rng, 12, 5)
        scores = reference.python_scores(p)
        greedy = reference.greedy(p, scores)
        result = solve(p)
        assert (len(result.suggestions), result.total_score + 1e-4) >= (len(greedy), reference.total(p, greedy, scores))


def test_scores_match_the_plain_python_reference_pair_by_pair():
    rng = random.Random(5)
    p = random_problem(rng, 30, 12)
    scores = reference.python_scores(p)
    for s in solve(p).suggestions:
        values = dict(reference.criterion_values(next(e for e in p.mentees if e.id == s.mentee_id),
                                                 next(m for m in p.mentors if m.id == s.mentor_id)))
        got = {c.criterion: c.value for c in s.breakdown}
        for criterion, value in values.items():
            assert got[criterion] == pytest.approx(value, abs=1e-5)
        assert s.score - got[Criterion.LOAD_BALANCE] * p.weights[Criterion.LOAD_BALANCE] == pytest.approx(
            scores[(s.mentee_id, s.mentor_id)], abs=1e-4)


def test_weights_come_from_the_team_settings():
    from aftercare_desktop.services.team_settings import DEFAULTS

    w = matching.weights_from(replace(DEFAULTS, weight_pathway=9))
    assert w[Criterion.PATHWAY] == 9.0 and set(w) == set(Criterion)
