"""Hypothesis: whatever the pool, the waiting list, the weights and the locks, no suggestion breaks a
hard constraint, no mentor gets more mentees than their free places, and every mentee is either
suggested once or reported unpaired once."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from aftercare_desktop.services.matching import Criterion, Mentee, Mentor, Problem, pair_key, solve
from bench import pairing_baseline as reference

LANGUAGES = st.frozensets(st.sampled_from(("English", "Spanish", "spanish ", "Tagalog")), max_size=2)
GENDER = st.sampled_from(("woman", "man", "non_binary", None))
PREFERENCE = st.frozensets(st.sampled_from(("woman", "man", "non_binary")), max_size=1)


@st.composite
def problems(draw) -> Problem:
    mentor_ids = draw(st.lists(st.integers(1, 30), min_size=0, max_size=8, unique=True))
    mentee_ids = draw(st.lists(st.integers(1, 30), min_size=0, max_size=10, unique=True))
    mentors = tuple(Mentor(id=i, capacity=draw(st.integers(0, 3)), load=draw(st.integers(0, 3)),
                           available=draw(st.booleans()), consents=draw(st.booleans()), languages=draw(LANGUAGES),
                           gender=draw(GENDER), mentee_genders=draw(PREFERENCE),
                           evening_weekend=draw(st.booleans())) for i in mentor_ids)
    mentees = tuple(Mentee(id=i, consents=draw(st.booleans()), languages=draw(LANGUAGES), gender=draw(GENDER),
                           mentor_genders=draw(PREFERENCE), needs_calls=draw(st.booleans())) for i in mentee_ids)
    everyone = sorted(set(mentor_ids) | set(mentee_ids)) or [1]
    some_pairs = st.lists(st.tuples(st.sampled_from(everyone), st.sampled_from(everyone)), max_size=4)
    weights = {c: draw(st.floats(0, 10, allow_nan=False)) for c in Criterion}
    locked = tuple(dict(draw(some_pairs)).items())  # one lock per mentee at most, maybe impossible ones
    return Problem(mentors, mentees, weights,
                   do_not_pair=frozenset(pair_key(a, b) for a, b in draw(some_pairs)),
                   recently_paired=frozenset(pair_key(a, b) for a, b in draw(some_pairs)),
                   rejected=frozenset(draw(some_pairs)), locked=locked, cooldown_days=30)


@settings(max_examples=300, deadline=None)
@given(problems())
def test_no_hard_constraint_is_ever_broken(problem):
    result = solve(problem)
    mentees = {e.id: e for e in problem.mentees}
    mentors = {m.id: m for m in problem.mentors}
    locked = set(problem.locked)
    for s in result.suggestions:
        e, m = mentees[s.mentee_id], mentors[s.mentor_id]
        assert reference.allowed(problem, e, m)  # locks included: a lock that breaks one is dropped
        assert s.locked == ((s.mentee_id, s.mentor_id) in locked)
    per_mentor = Counter(s.mentor_id for s in result.suggestions)
    for mentor_id, count in per_mentor.items():
        assert count <= mentors[mentor_id].capacity - mentors[mentor_id].load
    suggested = [s.mentee_id for s in result.suggestions]
    unmatched = [u.mentee_id for u in result.unmatched]
    assert sorted(suggested + unmatched) == sorted(mentees)
    assert all(u.reason for u in result.unmatched)
    loads = {m.mentor_id: m for m in result.mentors}
    assert all(loads[i].load + loads[i].suggested == mentors[i].load + per_mentor[i] for i in mentors)

