"""Pairing without numpy or a solver: every pair scored in a plain Python loop, then a greedy matcher.

Two baselines of `python -m bench pairing` (scoring; solving), and the independent reference the
tests hold the engine to: the same criteria and hard constraints as services/matching.py, written
out pair by pair from their definitions.
"""

from __future__ import annotations

from aftercare_desktop.services.matching import (
    AGE_SPAN_YEARS,
    DAYS_PER_YEAR,
    EXPERIENCED_AFTER,
    POSTAL_PREFIX_LENGTH,
    SAME_CITY_VALUE,
    Criterion,
    Mentee,
    Mentor,
    Problem,
    pair_key,
)


def _fold(values) -> set[str]:
    return {v.casefold().strip() for v in values if v and v.strip()}


def _share(mine: set[str], theirs: set[str]) -> float:
    return len(mine & theirs) / len(mine) if mine else 0.0


def _prefix(code: str | None) -> str | None:
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return cleaned[:POSTAL_PREFIX_LENGTH] if len(cleaned) >= POSTAL_PREFIX_LENGTH else None


def _city(name: str | None) -> str | None:
    return " ".join(name.casefold().split()) or None if name else None


def criterion_values(e: Mentee, m: Mentor) -> dict[Criterion, float]:
    """Each criterion's value for one pair, load balance aside (it depends on the mentor's load)."""
    values = {
        Criterion.PATHWAY: 1.0 if _fold(e.pathways) & _fold(m.pathways) else 0.0,
        Criterion.SUBSTANCES: _share(_fold(e.substances), _fold(m.substances)),
        Criterion.PROGRAM: 1.0 if e.program is not None and e.program == m.program else 0.0,
        Criterion.AGE: 0.0,
        Criterion.DISTANCE: 0.0,
        Criterion.AVAILABILITY: _share(_fold(e.availability), _fold(m.availability)),
        Criterion.EVENING_WEEKEND: 1.0 if e.needs_calls and m.evening_weekend else 0.0,
        Criterion.INTERESTS: _share(_fold(e.interests), _fold(m.interests)),
        Criterion.EXPERIENCE: min(max(0, m.completed_pairings), EXPERIENCED_AFTER) / EXPERIENCED_AFTER,
    }
    if e.born is not None and m.born is not None:
        gap = abs((e.born - m.born).days) / DAYS_PER_YEAR
        values[Criterion.AGE] = max(0.0, min(1.0, 1.0 - gap / AGE_SPAN_YEARS))
    if _prefix(e.postal_code) is not None and _prefix(e.postal_code) == _prefix(m.postal_code):
        values[Criterion.DISTANCE] = 1.0
    elif _city(e.city) is not None and _city(e.city) == _city(m.city):
        values[Criterion.DISTANCE] = SAME_CITY_VALUE
    return values


def load_balance(capacity: int, load_before: int) -> float:
    return max(0.0, 1.0 - load_before / capacity) if capacity > 0 else 0.0


def allowed(problem: Problem, e: Mentee, m: Mentor) -> bool:
    """Every hard constraint but capacity."""
    def accepts(wanted, gender) -> bool:
        return not wanted or (gender is not None and gender.casefold() in _fold(wanted))

    return (e.consents and m.consents and m.available and e.id != m.id
            and bool(_fold(e.languages) & _fold(m.languages))
            and accepts(e.mentor_genders, m.gender) and accepts(m.mentee_genders, e.gender)
            and pair_key(e.id, m.id) not in problem.do_not_pair
            and pair_key(e.id, m.id) not in problem.recently_paired
            and (e.id, m.id) not in problem.rejected)


def python_scores(problem: Problem) -> dict[tuple[int, int], float]:
    """Every allowed pair's weighted score without load balance, one pair at a time."""
    weights = problem.weights
    scores = {}
    for e in problem.mentees:
        for m in problem.mentors:
            if allowed(problem, e, m):
                values = criterion_values(e, m)
                scores[(e.id, m.id)] = sum(weights.get(c, 0.0) * v for c, v in values.items())
    return scores


def greedy(problem: Problem, scores: dict[tuple[int, int], float] | None = None) -> dict[int, int]:
    """Mentee → mentor, the best-scoring pairs first while the mentor has room (no locks)."""
    scores = python_scores(problem) if scores is None else scores
    room = {m.id: m.capacity - m.load for m in problem.mentors}
    chosen: dict[int, int] = {}
    for (mentee, mentor), _ in sorted(scores.items(), key=lambda item: -item[1]):
        if mentee in chosen or room[mentor] <= 0:
            continue
        chosen[mentee] = mentor
        room[mentor] -= 1
    return chosen


def total(problem: Problem, assignment: dict[int, int], scores: dict[tuple[int, int], float]) -> float:
    """The objective of an assignment: pair scores plus each mentor's load balance, slot by slot."""
    weight = problem.weights.get(Criterion.LOAD_BALANCE, 0.0)
    mentors = {m.id: m for m in problem.mentors}
    count: dict[int, int] = {}
    value = 0.0
    for mentee, mentor in assignment.items():
        k = count.get(mentor, 0)
        count[mentor] = k + 1
        value += scores[(mentee, mentor)] + weight * load_balance(mentors[mentor].capacity, mentors[mentor].load + k)
    return value
