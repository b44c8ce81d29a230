"""The pairing engine: who should mentor whom. Pure functions over plain data; no database, no Qt.

**Hard constraints** are never broken: the mentor has free capacity; the mentor is eligible and active
(`Mentor.available`, worked out by the mentor pool); they share a language; the gender preferences of
both sides fit (an unknown gender fits no stated preference); both consented to the mentor program;
they are not on the do-not-pair list; they were not paired within the re-pairing cooldown; a
mentee is never their own mentor; and a pair the coordinator rejected in this run stays rejected.

**Soft criteria** each give a value from 0 to 1 (see `Criterion`), multiplied by the team's weight
(0–10); a pair's score is the sum. Load balance depends on how many mentees a mentor already has
(1 − load / capacity, counting the mentees suggested before this one), so spreading mentees over
mentors scores higher than piling them on one.

**Optimal over everyone at once.** Each mentor with free capacity becomes as many columns ("slots")
as they have room, the k-th slot worth the load balance of a k-th new mentee;
`scipy.optimize.linear_sum_assignment` then finds the assignment with, first, as many mentees paired
as the constraints allow and, among those, the highest total score (a bonus larger than any total
score is added to every allowed pair, so one more pairing always outweighs better scores). Pairs the
coordinator locked are fixed first; a lock that breaks a hard constraint is dropped and reported.

**Explained.** Each suggestion carries its score by criterion and the next three mentors with their
scores; each mentee left unpaired carries the constraint that bound, in words ("no active
Spanish-speaking mentor has free capacity").

Values are compared as the loader hands them over, case-folded: languages, substances and interests
are the people's own words, pathways and genders are enum values, availability slots are
"mon-evening" codes (services/availability.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple

import numpy as np
from scipy.optimize import linear_sum_assignment


class Criterion(StrEnum):
    PATHWAY = "pathway"
    SUBSTANCES = "substances"
    PROGRAM = "program"
    AGE = "age"
    DISTANCE = "distance"
    AVAILABILITY = "availability"
    EVENING_WEEKEND = "evening_weekend"
    INTERESTS = "interests"
    EXPERIENCE = "experience"
    LOAD_BALANCE = "load_balance"


CRITERION_LABELS: dict[Criterion, str] = {
    Criterion.PATHWAY: "Same recovery pathway",
    Criterion.SUBSTANCES: "Overlapping substances",
    Criterion.PROGRAM: "Same program",
    Criterion.AGE: "Close in age",
    Criterion.DISTANCE: "Lives nearby",
    Criterion.AVAILABILITY: "Availability overlap",
    Criterion.EVENING_WEEKEND: "Takes evening and weekend calls",
    Criterion.INTERESTS: "Shared interests",
    Criterion.EXPERIENCE: "Mentor experience",
    Criterion.LOAD_BALANCE: "Mentor has room",
}

_CRITERIA = tuple(Criterion)
_COLUMN = {criterion: index for index, criterion in enumerate(_CRITERIA)}

# The team setting holding each criterion's weight (services/team_settings.py).
WEIGHT_SETTINGS: dict[Criterion, str] = {criterion: f"weight_{criterion.value}" for criterion in Criterion}

# Ages this many years apart or more score 0 for age proximity.
AGE_SPAN_YEARS = 20.0
# Completed pairings that make a mentor fully "experienced".
EXPERIENCED_AFTER = 4
# Same city, other postal area: still close, not as close as the same postal prefix.
SAME_CITY_VALUE = 0.75
POSTAL_PREFIX_LENGTH = 3
DAYS_PER_YEAR = 365.25
_EPOCH = date(1900, 1, 1).toordinal()


def weights_from(settings) -> dict[Criterion, float]:
    """The weights stored as team settings (a TeamSettingsValues)."""
    return {criterion: float(getattr(settings, name)) for criterion, name in WEIGHT_SETTINGS.items()}


# -- the problem, as plain data ----------------------------------------------------------------------


@dataclass(frozen=True)
class Mentor:
    id: int
    capacity: int
    load: int = 0  # current pairings (active ones; locks are given in `Problem.locked`)
    available: bool = True  # eligible and active today (see services/mentor_pool.py)
    consents: bool = True
    languages: frozenset[str] = frozenset()
    gender: str | None = None
    mentee_genders: frozenset[str] = frozenset()  # whom they would mentor; empty: anyone
    pathways: frozenset[str] = frozenset()
    substances: frozenset[str] = frozenset()
    program: str | None = None
    born: date | None = None
    city: str | None = None
    postal_code: str | None = None
    availability: frozenset[str] = frozenset()
    evening_weekend: bool = False
    interests: frozenset[str] = frozenset()
    completed_pairings: int = 0


@dataclass(frozen=True)
class Mentee:
    id: int
    consents: bool = True
    languages: frozenset[str] = frozenset()  # the languages they would be mentored in
    gender: str | None = None
    mentor_genders: frozenset[str] = frozenset()  # whom they want as a mentor; empty: anyone
    pathways: frozenset[str] = frozenset()
    substances: frozenset[str] = frozenset()
    program: str | None = None
    born: date | None = None
    city: str | None = None
    postal_code: str | None = None
    availability: frozenset[str] = frozenset()
    needs_calls: bool = False  # "someone to call when cravings hit"
    interests: frozenset[str] = frozenset()


def pair_key(a: int, b: int) -> tuple[int, int]:
    """Two alumni in either order, as the do-not-pair and cooldown sets hold them."""
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class Problem:
    """Everything one run of suggestions needs. Mentees in the order suggestions should be listed
    (the loader puts the longest-waiting first)."""

    mentors: tuple[Mentor, ...]
    mentees: tuple[Mentee, ...]
    weights: Mapping[Criterion, float]
    do_not_pair: frozenset[tuple[int, int]] = frozenset()  # pair_key pairs
    recently_paired: frozenset[tuple[int, int]] = frozenset()  # pair_key pairs within the cooldown
    cooldown_days: int = 0  # for the wording only
    rejected: frozenset[tuple[int, int]] = frozenset()  # (mentee, mentor) rejected in this run
    locked: tuple[tuple[int, int], ...] = ()  # (mentee, mentor) fixed by the coordinator

    @property
    def max_score(self) -> float:
        """The best score a pair can have with these weights."""
        return float(sum(max(0.0, self.weights.get(c, 0.0)) for c in Criterion))


def with_weights(problem: Problem, weights: Mapping[Criterion, float]) -> Problem:
    return replace(problem, weights=dict(weights))


def with_rejection(problem: Problem, mentee_id: int, mentor_id: int) -> Problem:
    """The problem with one more suggestion rejected (and no longer locked)."""
    return replace(problem, rejected=problem.rejected | {(mentee_id, mentor_id)},
                   locked=tuple(pair for pair in problem.locked if pair != (mentee_id, mentor_id)))


def with_lock(problem: Problem, mentee_id: int, mentor_id: int) -> Problem:
    """The problem with a pair fixed (replacing any other lock of that mentee)."""
    kept = tuple(pair for pair in problem.locked if pair[0] != mentee_id)
    return replace(problem, locked=(*kept, (mentee_id, mentor_id)),
                   rejected=problem.rejected - {(mentee_id, mentor_id)})


def without_lock(problem: Problem, mentee_id: int) -> Problem:
    return replace(problem, locked=tuple(pair for pair in problem.locked if pair[0] != mentee_id))


# -- results ------------------------------------------------------------------------------------------


class CriterionScore(NamedTuple):
    """One criterion of a pair's score (a named tuple: thousands are made per run)."""

    criterion: Criterion
    value: float  # 0–1
    weight: float
    points: float  # value × weight

    @property
    def label(self) -> str:
        return CRITERION_LABELS[self.criterion]


def breakdown_of(values: Sequence[float], weights: Sequence[float]) -> tuple[CriterionScore, ...]:
    return tuple(CriterionScore(c, v, w, v * w) for c, v, w in zip(_CRITERIA, values, weights))


class Scored:
    """A score with its criteria (`values` and `weights` in `Criterion` order), made into
    `CriterionScore`s only when asked for: a run of 5,000 mentees explains thousands of pairs that no
    one opens."""

    @property
    def breakdown(self) -> tuple[CriterionScore, ...]:
        return breakdown_of(self.values, self.weights)

    def points(self, criterion: Criterion) -> float:
        index = _COLUMN[criterion]
        return self.values[index] * self.weights[index]

    def strongest(self, count: int = 3) -> tuple[CriterionScore, ...]:
        """The criteria that gave the most points, the most first (none that gave nothing)."""
        return tuple(sorted((c for c in self.breakdown if c.points > 0), key=lambda c: -c.points)[:count])


@dataclass(frozen=True)
class Alternative(Scored):
    mentor_id: int
    score: float
    values: tuple[float, ...]
    weights: tuple[float, ...]
    has_room: bool  # the mentor still has a free place after this run's suggestions


@dataclass(frozen=True)
class Suggestion(Scored):
    mentee_id: int
    mentor_id: int
    score: float
    values: tuple[float, ...]
    weights: tuple[float, ...]
    locked: bool = False
    alternatives: tuple[Alternative, ...] = ()


class Binding(StrEnum):
    """What kept a mentee from being paired: the first constraint that left no mentor."""

    MENTEE_CONSENT = "mentee_consent"
    NO_LANGUAGE = "no_language"
    NO_MENTOR = "no_mentor"  # no mentor is eligible and active
    LANGUAGE = "language"
    GENDER = "gender"
    DO_NOT_PAIR = "do_not_pair"
    COOLDOWN = "cooldown"
    REJECTED = "rejected"
    CAPACITY = "capacity"
    TAKEN = "taken"  # mentors fit and have room, but the best overall plan gives them to others


@dataclass(frozen=True)
class Unmatched:
    mentee_id: int
    binding: Binding
    reason: str


@dataclass(frozen=True)
class BrokenLock:
    mentee_id: int
    mentor_id: int
    reason: str


@dataclass(frozen=True)
class MentorLoad:
    mentor_id: int
    capacity: int
    load: int  # current pairings plus locks
    suggested: int  # new mentees in this run's suggestions (locks not counted again)

    @property
    def free_after(self) -> int:
        return max(0, self.capacity - self.load - self.suggested)


@dataclass(frozen=True)
class MatchResult:
    suggestions: tuple[Suggestion, ...]
    unmatched: tuple[Unmatched, ...]
    mentors: tuple[MentorLoad, ...]
    broken_locks: tuple[BrokenLock, ...] = ()
    max_score: float = 0.0

    @property
    def total_score(self) -> float:
        return sum(s.score for s in self.suggestions)

    def suggestion_for(self, mentee_id: int) -> Suggestion | None:
        return self._by_mentee.get(mentee_id)

    @cached_property
    def _by_mentee(self) -> dict[int, Suggestion]:
        return {s.mentee_id: s for s in self.suggestions}


class SwapRefused(ValueError):
    """A swap that would break a hard constraint; the message says which."""


# -- turning people into arrays -----------------------------------------------------------------------


def _fold(values: Iterable[str]) -> frozenset[str]:
    return frozenset(v.casefold().strip() for v in values if v and v.strip())


def _postal_prefix(code: str | None) -> str | None:
    if not code:
        return None
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned[:POSTAL_PREFIX_LENGTH] if len(cleaned) >= POSTAL_PREFIX_LENGTH else None


def _city(name: str | None) -> str | None:
    return " ".join(name.casefold().split()) or None if name else None


class _Vocab:
    """Codes for the values of one kind (languages, interests …), shared by both sides."""

    def __init__(self):
        self.codes: dict[str, int] = {}

    def code(self, value: str | None) -> int:
        if value is None:
            return -1
        return self.codes.setdefault(value, len(self.codes))

    def bitsets(self, sets: Sequence[frozenset[str]]) -> np.ndarray:
        """One row of 64-bit words per set, bit `code` set for each value (built as Python ints,
        which is far quicker than setting numpy bits one by one)."""
        codes = self.codes
        masks = []
        for values in sets:
            mask = 0
            for value in values:
                mask |= 1 << codes.setdefault(value, len(codes))
            masks.append(mask)
        words = max(1, (len(codes) + 63) // 64)
        bits = np.zeros((len(sets), words), dtype=np.uint64)
        for word in range(words):
            shift = 64 * word
            bits[:, word] = [(mask >> shift) & 0xFFFF_FFFF_FFFF_FFFF for mask in masks]
        return bits


def _common(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many values two bitsets share, broadcast over their leading axes."""
    total = np.bitwise_count(a[..., 0] & b[..., 0]).astype(np.int16)
    for word in range(1, a.shape[-1]):
        total += np.bitwise_count(a[..., word] & b[..., word])
    return total


def _counts(bits: np.ndarray) -> np.ndarray:
    return np.bitwise_count(bits).sum(axis=-1).astype(np.float32)


@dataclass
class _Side:
    """One side's attributes as arrays; index or reshape them together to broadcast pairs."""

    ids: np.ndarray
    languages: np.ndarray
    gender: np.ndarray  # code, -1 unknown
    wants: np.ndarray  # gender codes they accept, as bits; 0: anyone
    consents: np.ndarray
    pathways: np.ndarray
    substances: np.ndarray
    substance_count: np.ndarray
    program: np.ndarray
    born: np.ndarray  # in years; unknown: far in the future (mentees) or past (mentors), so the gap is huge
    city: np.ndarray
    postal: np.ndarray
    availability: np.ndarray
    availability_count: np.ndarray
    interests: np.ndarray
    interest_count: np.ndarray
    flag: np.ndarray  # mentee: needs calls; mentor: takes evening and weekend calls

    def take(self, index) -> _Side:
        return _Side(**{name: value[index] for name, value in vars(self).items()})


@dataclass
class _Prepared:
    problem: Problem
    mentees: _Side
    mentors: _Side
    mentee_row: dict[int, int]
    mentor_col: dict[int, int]
    capacity: np.ndarray
    load: np.ndarray
    available: np.ndarray
    experience: np.ndarray
    weights: dict[Criterion, float]


def _prepare(problem: Problem) -> _Prepared:
    vocab = {kind: _Vocab() for kind in ("language", "gender", "pathway", "substance", "program", "city",
                                         "postal", "slot", "interest")}

    def side(people, wants_of, flag_of, unknown_born: float) -> _Side:
        # Years since 1900: small numbers keep single precision exact to seconds.
        born = np.array([(p.born.toordinal() - _EPOCH) / DAYS_PER_YEAR if p.born else unknown_born for p in people],
                        dtype=np.float32)
        substances = vocab["substance"].bitsets([_fold(p.substances) for p in people])
        availability = vocab["slot"].bitsets([_fold(p.availability) for p in people])
        interests = vocab["interest"].bitsets([_fold(p.interests) for p in people])
        gender = vocab["gender"]
        wants = np.zeros(len(people), dtype=np.int64)
        for row, person in enumerate(people):
            for value in wants_of(person):
                wants[row] |= 1 << gender.code(value.casefold())
        return _Side(
            ids=np.array([p.id for p in people], dtype=np.int64),
            languages=vocab["language"].bitsets([_fold(p.languages) for p in people]),
            gender=np.array([gender.code(p.gender.casefold() if p.gender else None) for p in people],
                            dtype=np.int64),
            wants=wants,
            consents=np.array([p.consents for p in people], dtype=bool),
            pathways=vocab["pathway"].bitsets([_fold(p.pathways) for p in people]),
            substances=substances, substance_count=_counts(substances),
            program=np.array([vocab["program"].code(p.program) for p in people], dtype=np.int64),
            born=born,
            city=np.array([vocab["city"].code(_city(p.city)) for p in people], dtype=np.int64),
            postal=np.array([vocab["postal"].code(_postal_prefix(p.postal_code)) for p in people], dtype=np.int64),
            availability=availability, availability_count=_counts(availability),
            interests=interests, interest_count=_counts(interests),
            flag=np.array([flag_of(p) for p in people], dtype=bool),
        )

    mentees = side(problem.mentees, lambda p: p.mentor_genders, lambda p: p.needs_calls, 1e6)
    mentors = side(problem.mentors, lambda p: p.mentee_genders, lambda p: p.evening_weekend, -1e6)
    # Bitsets built before the other side's values were known are one word short: widen them.
    for name in ("languages", "pathways", "substances", "availability", "interests"):
        a, b = getattr(mentees, name), getattr(mentors, name)
        words = max(a.shape[1], b.shape[1])
        setattr(mentees, name, np.pad(a, ((0, 0), (0, words - a.shape[1]))))
        setattr(mentors, name, np.pad(b, ((0, 0), (0, words - b.shape[1]))))
    weights = {c: max(0.0, float(problem.weights.get(c, 0.0))) for c in Criterion}
    return _Prepared(
        problem=problem, mentees=mentees, mentors=mentors,
        mentee_row={p.id: i for i, p in enumerate(problem.mentees)},
        mentor_col={p.id: j for j, p in enumerate(problem.mentors)},
        capacity=np.array([max(0, m.capacity) for m in problem.mentors], dtype=np.int64),
        load=np.array([max(0, m.load) for m in problem.mentors], dtype=np.int64),
        available=np.array([m.available for m in problem.mentors], dtype=bool),
        experience=np.array([min(max(0, m.completed_pairings), EXPERIENCED_AFTER) / EXPERIENCED_AFTER
                             for m in problem.mentors], dtype=np.float64),
        weights=weights,
    )


# -- scoring ------------------------------------------------------------------------------------------


def _values(e: _Side, m: _Side, experience: np.ndarray) -> Iterable[tuple[Criterion, np.ndarray]]:
    """Each criterion's value (0–1) for pairs of mentees `e` and mentors `m`, which broadcast
    (columns against rows for a whole matrix, or two index arrays for chosen pairs)."""
    f32 = np.float32
    yield Criterion.PATHWAY, (_common(e.pathways, m.pathways) > 0).astype(f32)
    yield Criterion.SUBSTANCES, _share(_common(e.substances, m.substances), e.substance_count)
    yield Criterion.PROGRAM, ((e.program == m.program) & (e.program >= 0)).astype(f32)
    age = np.abs(e.born - m.born)
    age *= f32(-1 / AGE_SPAN_YEARS)
    age += f32(1)
    yield Criterion.AGE, np.maximum(age, f32(0), out=age)
    near = (e.postal == m.postal) & (e.postal >= 0)
    same_city = (e.city == m.city) & (e.city >= 0)
    yield Criterion.DISTANCE, np.where(near, f32(1), np.where(same_city, f32(SAME_CITY_VALUE), f32(0)))
    yield Criterion.AVAILABILITY, _share(_common(e.availability, m.availability), e.availability_count)
    yield Criterion.EVENING_WEEKEND, (e.flag & m.flag).astype(f32)
    yield Criterion.INTERESTS, _share(_common(e.interests, m.interests), e.interest_count)
    yield Criterion.EXPERIENCE, np.broadcast_to(experience.astype(f32),
                                                np.broadcast_shapes(e.program.shape, m.program.shape))


def _share(common: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """The share of the mentee's values the mentor shares (0 when the mentee gave none)."""
    inverse = np.divide(np.float32(1), whole, out=np.zeros_like(whole), where=whole > 0)
    return common * inverse


def _score_matrix(prep: _Prepared) -> np.ndarray:
    """Every mentee × mentor pair's score without load balance (which depends on the slot)."""
    # Worked out mentor by mentor (rows of mentees), handed back as its transpose (a view): indexes
    # read mentee first everywhere, and the solver's matrix gathers whole mentor rows from it.
    e, m = prep.mentees.take(np.s_[None, :]), prep.mentors.take(np.s_[:, None])
    total = np.zeros((len(prep.problem.mentors), len(prep.problem.mentees)), dtype=np.float32)
    for criterion, values in _values(e, m, prep.experience[:, None]):
        weight = prep.weights[criterion]
        if weight:
            total += np.float32(weight) * values
    return total.astype(np.float64).T


def _load_balance(capacity: int, load_before: int) -> float:
    """1 − load / capacity for a mentor who would have `load_before` mentees besides this one."""
    return max(0.0, 1.0 - load_before / capacity) if capacity > 0 else 0.0


def _pair_values(prep: _Prepared, rows: np.ndarray, cols: np.ndarray, load_before: np.ndarray) -> np.ndarray:
    """Criterion values (pairs × criteria, in `Criterion` order) of chosen pairs, all at once."""
    e, m = prep.mentees.take(rows), prep.mentors.take(cols)
    values = np.zeros((len(rows), len(Criterion)))
    for criterion, column in _values(e, m, prep.experience[cols]):
        values[:, _COLUMN[criterion]] = column
    capacity = prep.capacity[cols]
    values[:, _COLUMN[Criterion.LOAD_BALANCE]] = np.where(
        capacity > 0, np.maximum(0.0, 1.0 - load_before / np.maximum(capacity, 1)), 0.0)
    return values




def _scored(prep: _Prepared, values: np.ndarray) -> tuple[tuple[float, ...], list[float], list[tuple[float, ...]]]:
    """(weights, each pair's score, each pair's criterion values)."""
    weights = np.array([prep.weights[c] for c in _CRITERIA])
    return tuple(weights.tolist()), (values @ weights).tolist(), list(map(tuple, values.tolist()))


# -- hard constraints ---------------------------------------------------------------------------------


def _language_ok(prep: _Prepared) -> np.ndarray:
    return _common(prep.mentees.languages[:, None, :], prep.mentors.languages[None, :, :]) > 0


def _gender_ok(prep: _Prepared) -> np.ndarray:
    e, m = prep.mentees, prep.mentors

    def accepts(wants: np.ndarray, gender: np.ndarray) -> np.ndarray:
        known = gender >= 0
        bit = np.left_shift(1, np.where(known, gender, 0))
        return (wants == 0) | (known & ((wants & bit) != 0))

    return accepts(e.wants[:, None], m.gender[None, :]) & accepts(m.wants[None, :], e.gender[:, None])


def _pairs_mask(prep: _Prepared, pairs: Iterable[tuple[int, int]], either_way: bool) -> np.ndarray:
    mask = np.zeros((len(prep.mentee_row), len(prep.mentor_col)), dtype=bool)
    for a, b in pairs:
        for mentee, mentor in ((a, b), (b, a)) if either_way else ((a, b),):
            row, col = prep.mentee_row.get(mentee), prep.mentor_col.get(mentor)
            if row is not None and col is not None:
                mask[row, col] = True
    return mask


def _steps(prep: _Prepared) -> list[tuple[Binding, np.ndarray]]:
    """The hard constraints as allowed-pair masks, in the order a binding reason is looked for."""
    e, m = prep.mentees, prep.mentors
    problem = prep.problem
    active = np.broadcast_to(prep.available & m.consents, (len(e.ids), len(m.ids)))
    not_self = e.ids[:, None] != m.ids[None, :]
    return [
        (Binding.NO_MENTOR, active & not_self),
        (Binding.LANGUAGE, _language_ok(prep)),
        (Binding.GENDER, _gender_ok(prep)),
        (Binding.DO_NOT_PAIR, ~_pairs_mask(prep, problem.do_not_pair, either_way=True)),
        (Binding.COOLDOWN, ~_pairs_mask(prep, problem.recently_paired, either_way=True)),
        (Binding.REJECTED, ~_pairs_mask(prep, problem.rejected, either_way=False)),
    ]


def _allowed(prep: _Prepared, steps) -> np.ndarray:
    """Pairs that break no hard constraint but capacity."""
    allowed = np.broadcast_to(prep.mentees.consents[:, None], (len(prep.mentee_row), len(prep.mentor_col))).copy()
    for _, mask in steps:
        allowed &= mask
    return allowed


def pair_problems(problem: Problem, mentee_id: int, mentor_id: int, *, count_capacity: bool = True) -> list[str]:
    """Why this mentee may not be paired with this mentor now (empty: they may). Rejections in this
    run do not count: a coordinator may still choose a pair they turned down earlier."""
    mentee = next((p for p in problem.mentees if p.id == mentee_id), None)
    mentor = next((p for p in problem.mentors if p.id == mentor_id), None)
    if mentee is None:
        return ["they are not waiting for a mentor"]
    if mentor is None:
        return ["the mentor is not in the mentor pool"]
    reasons = []
    if mentee_id == mentor_id:
        reasons.append("nobody can be their own mentor")
    if not mentee.consents:
        reasons.append("they have not consented to the mentor program")
    if not mentor.available:
        reasons.append("the mentor is not active and eligible")
    if not mentor.consents:
        reasons.append("the mentor has not consented to the mentor program")
    if not _fold(mentee.languages) & _fold(mentor.languages):
        reasons.append("they share no language")
    if not (_accepts(mentee.mentor_genders, mentor.gender) and _accepts(mentor.mentee_genders, mentee.gender)):
        reasons.append("the gender preferences do not fit")
    key = pair_key(mentee_id, mentor_id)
    if key in problem.do_not_pair:
        reasons.append("they are on the do-not-pair list")
    if key in problem.recently_paired:
        reasons.append(f"their pairing ended less than {problem.cooldown_days} days ago")
    if count_capacity:
        locks = sum(1 for e, m in problem.locked if m == mentor_id and e != mentee_id)
        if mentor.load + locks >= mentor.capacity:
            reasons.append(f"the mentor has no free capacity ({mentor.load + locks} of {mentor.capacity})")
    return reasons


def _accepts(wanted: frozenset[str], gender: str | None) -> bool:
    return not wanted or (gender is not None and gender.casefold() in _fold(wanted))


# -- solving ------------------------------------------------------------------------------------------


def solve(problem: Problem) -> MatchResult:
    """The best suggestions for everyone waiting, with explanations."""
    prep = _prepare(problem)
    scores = _score_matrix(prep)
    steps = _steps(prep)
    allowed = _allowed(prep, steps)
    assignment, locked, broken = _fix_locks(prep, allowed)
    assignment.update(_assign(prep, scores, allowed, assignment))
    return _explain(prep, scores, steps, allowed, assignment, locked, broken)


def _fix_locks(prep: _Prepared, allowed: np.ndarray) -> tuple[dict[int, int], set[int], list[BrokenLock]]:
    """Locked pairs that still hold, as row → column; the others reported with the reason."""
    assignment: dict[int, int] = {}
    taken = np.zeros(len(prep.mentor_col), dtype=np.int64)
    broken = []
    for mentee_id, mentor_id in prep.problem.locked:
        row, col = prep.mentee_row.get(mentee_id), prep.mentor_col.get(mentor_id)
        reasons: list[str] = []
        if row is None or col is None or not allowed[row, col]:
            reasons = pair_problems(prep.problem, mentee_id, mentor_id, count_capacity=False) or [
                "the pair was rejected"]
        elif row in assignment:
            reasons = ["they are already locked with another mentor"]
        elif prep.load[col] + taken[col] >= prep.capacity[col]:
            reasons = [f"the mentor has no free capacity ({prep.load[col] + taken[col]} of {prep.capacity[col]})"]
        if reasons:
            broken.append(BrokenLock(mentee_id, mentor_id, "; ".join(reasons)))
            continue
        assignment[row] = col
        taken[col] += 1
    return assignment, set(assignment), broken


# Places of the expanded matrix worked out together: a block of them (8 places × 5,000 mentees in
# double precision, 320 kB) stays in the processor's cache while it is gathered, offset, masked and
# negated, so the 64 MB matrix of a 5,000 × 1,000 run is written once instead of read and written
# in four whole-matrix passes.
_PLACES_PER_BLOCK = 8


def expanded_matrix(prep: _Prepared, scores: np.ndarray, allowed: np.ndarray,
                    fixed: Mapping[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The capacity-expanded cost matrix (mentor places × mentees) that `_assign` hands to
    `linear_sum_assignment` to minimise, with the mentee rows and the mentor of each place.

    Slot k of a mentor is worth the load balance of their k-th new mentee; an allowed pair is worth
    a bonus larger than any possible total score on top, a forbidden one nothing (an assignment to it
    is no pairing), so the solver pairs as many mentees as possible before it looks at scores. The
    costs are these values negated: minimising them is maximising the values, and the solver does not
    make a negated copy of its own (it would with `maximize=True`).
    """
    taken = np.bincount(np.fromiter(fixed.values(), dtype=np.int64, count=len(fixed)),
                        minlength=len(prep.mentor_col))
    free = np.maximum(prep.capacity - prep.load - taken, 0)
    if fixed:
        free_rows = np.setdiff1d(np.arange(len(prep.mentee_row)), np.fromiter(fixed, dtype=np.int64))
        open_allowed = allowed[free_rows]
    else:  # no copy of a 5,000 × 1,000 mask when nothing is locked
        free_rows, open_allowed = np.arange(len(prep.mentee_row)), allowed
    # A mentor never needs more slots than the mentees they may take.
    useful = np.minimum(free, np.count_nonzero(open_allowed, axis=0))
    has_slot = useful > 0
    rows = free_rows[(open_allowed & has_slot).any(axis=1)]
    slot_col = np.repeat(np.arange(len(useful)), useful)
    if not len(rows) or not len(slot_col):
        return np.zeros((0, 0)), rows, slot_col, np.zeros(0)
    starts = np.cumsum(useful) - useful
    slot_k = np.arange(len(slot_col)) - np.repeat(starts, useful)
    before = prep.load[slot_col] + taken[slot_col] + slot_k
    balance = np.maximum(0.0, 1.0 - before / np.maximum(prep.capacity[slot_col], 1))
    bonus = (sum(prep.weights.values()) + 1.0) * (min(len(rows), len(slot_col)) + 1)
    minus_place_value = -(prep.weights[Criterion.LOAD_BALANCE] * balance + bonus)
    # Places × mentees, rows contiguous: the solver works on the shorter side as rows without a
    # transposed copy of its own. `_score_matrix` hands over the transpose of a mentor-major array,
    # so a mentor's scores are one contiguous row here; the mask is the one small transposed copy.
    every_row = len(rows) == scores.shape[0]
    by_mentor = scores.T
    allowed_by_mentor = np.ascontiguousarray((allowed if every_row else allowed[rows]).T)
    costs = np.empty((len(slot_col), len(rows)))
    for first in range(0, len(slot_col), _PLACES_PER_BLOCK):
        last = first + _PLACES_PER_BLOCK
        mentors, block = slot_col[first:last], costs[first:last]
        if every_row:
            np.take(by_mentor, mentors, axis=0, out=block)
        else:
            np.take(by_mentor[mentors], rows, axis=1, out=block)
        # −(score + place value), exactly the negation of the value; forbidden pairs cost nothing.
        np.subtract(minus_place_value[first:last, None], block, out=block)
        block *= allowed_by_mentor[mentors]
    return costs, rows, slot_col, balance


def _assign(prep: _Prepared, scores: np.ndarray, allowed: np.ndarray, fixed: Mapping[int, int]) -> dict[int, int]:
    costs, rows, slot_col, _ = expanded_matrix(prep, scores, allowed, fixed)
    if not costs.size:
        return {}
    picked_slots, picked_rows = linear_sum_assignment(costs)
    mentee_rows, mentor_cols = rows[picked_rows], slot_col[picked_slots]
    # A place given to a forbidden pair is no pairing.
    paired = allowed[mentee_rows, mentor_cols]
    return dict(zip(mentee_rows[paired].tolist(), mentor_cols[paired].tolist()))


# -- explaining ---------------------------------------------------------------------------------------


def _explain(prep: _Prepared, scores: np.ndarray, steps, allowed: np.ndarray, assignment: dict[int, int],
             locked: set[int], broken: list[BrokenLock]) -> MatchResult:
    problem = prep.problem
    load = prep.load
    mentor_count = len(problem.mentors)
    # Locks take the first places of a mentor, then new suggestions in the order mentees are listed.
    lock_count = np.zeros(mentor_count, dtype=np.int64)
    new_count = np.zeros(mentor_count, dtype=np.int64)
    place: dict[int, int] = {}
    for row in sorted(assignment, key=lambda r: (r not in locked, r)):
        col = assignment[row]
        place[row] = int(load[col] + lock_count[col] + new_count[col])
        if row in locked:
            lock_count[col] += 1
        else:
            new_count[col] += 1

    rows = np.array(sorted(assignment), dtype=np.int64)
    cols = np.array([assignment[r] for r in rows.tolist()], dtype=np.int64)
    alt_rows, alt_cols, alt_room = _alternatives(prep, scores, allowed, rows, cols, load + lock_count + new_count)
    before = load + lock_count + new_count
    values = _pair_values(prep, np.concatenate([rows, alt_rows]), np.concatenate([cols, alt_cols]),
                          np.concatenate([np.array([place[r] for r in rows.tolist()], dtype=np.int64),
                                          before[alt_cols]]))
    weights, scores_of, values_of = _scored(prep, values)
    alternatives: dict[int, list[Alternative]] = {}
    first = len(rows)
    for n, (row, col, room) in enumerate(zip(alt_rows.tolist(), alt_cols.tolist(), alt_room.tolist()), first):
        alternatives.setdefault(row, []).append(
            Alternative(problem.mentors[col].id, scores_of[n], values_of[n], weights, room))
    suggestions = []
    for n, (row, col) in enumerate(zip(rows.tolist(), cols.tolist())):
        suggestions.append(Suggestion(problem.mentees[row].id, problem.mentors[col].id, scores_of[n], values_of[n],
                                      weights, row in locked, tuple(alternatives.get(row, ()))))

    unmatched = _unmatched(prep, steps, allowed, assignment, lock_count)
    loads = tuple(MentorLoad(m.id, m.capacity, int(load[j] + lock_count[j]), int(new_count[j]))
                  for j, m in enumerate(problem.mentors))
    return MatchResult(tuple(suggestions), tuple(unmatched), loads, tuple(broken), problem.max_score)


def _alternatives(prep: _Prepared, scores: np.ndarray, allowed: np.ndarray, rows: np.ndarray, cols: np.ndarray,
                  before: np.ndarray, how_many: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The best other mentors for each suggested mentee, scored as the mentor's next mentee, as
    (row, column, has room) arrays, best first per row. Mentors full before this run are left out
    (capacity is a hard constraint); those this run fills are marked as having no room."""
    empty = np.zeros(0, dtype=np.int64)
    if not len(rows) or not len(prep.mentor_col):
        return empty, empty, np.zeros(0, dtype=bool)
    candidates = allowed[rows] & (prep.load < prep.capacity)[None, :]
    candidates[np.arange(len(rows)), cols] = False
    balance = np.maximum(0.0, 1.0 - before / np.maximum(prep.capacity, 1))
    totals = np.where(candidates, scores[rows] + prep.weights[Criterion.LOAD_BALANCE] * balance[None, :], -np.inf)
    count = min(how_many, totals.shape[1])
    top = np.argpartition(-totals, count - 1, axis=1)[:, :count] if totals.shape[1] > count else \
        np.tile(np.arange(totals.shape[1]), (len(rows), 1))
    top_totals = np.take_along_axis(totals, top, axis=1)
    # Best first; equal scores by mentor id, so that the order never depends on the sort.
    order = np.lexsort((prep.mentors.ids[top], -top_totals), axis=1) if top.size else top
    top = np.take_along_axis(top, order, axis=1)
    top_totals = np.take_along_axis(top_totals, order, axis=1)
    keep = np.isfinite(top_totals)
    alt_rows = np.repeat(rows[:, None], count, axis=1)[keep]
    alt_cols = top[keep]
    return alt_rows, alt_cols, before[alt_cols] < prep.capacity[alt_cols]


def _speaking(languages: Sequence[str]) -> str:
    """'Spanish-speaking', 'Spanish- or Tagalog-speaking'."""
    names = sorted(languages, key=str.casefold)
    if len(names) == 1:
        return f"{names[0]}-speaking"
    return ", ".join(f"{n}-" for n in names[:-1]) + f" or {names[-1]}-speaking"


def _unmatched(prep: _Prepared, steps, allowed: np.ndarray, assignment: dict[int, int],
               lock_count: np.ndarray) -> list[Unmatched]:
    problem = prep.problem
    rows = [row for row in range(len(problem.mentees)) if row not in assignment]
    if not rows:
        return []
    index = np.array(rows)
    # Candidates left after each constraint in turn, per unmatched mentee.
    remaining = np.ones((len(rows), len(problem.mentors)), dtype=bool)
    left = []
    for _, mask in steps:
        remaining &= mask[index]
        left.append(remaining.sum(axis=1))
    gender_trimmed = left[1] > left[2]
    room = (prep.load + lock_count < prep.capacity)[None, :] & allowed[index]
    with_room = room.sum(axis=1)
    found = []
    for n, row in enumerate(rows):
        mentee = problem.mentees[row]
        languages = sorted({v.strip() for v in mentee.languages if v and v.strip()}, key=str.casefold)
        if not mentee.consents:
            found.append(Unmatched(mentee.id, Binding.MENTEE_CONSENT, "has not consented to the mentor program"))
            continue
        if not languages:
            found.append(Unmatched(mentee.id, Binding.NO_LANGUAGE, "no language is recorded for them"))
            continue
        speaking = _speaking(languages)
        fits = " who fits the gender preferences" if gender_trimmed[n] else ""
        who = f"active {speaking} mentor{fits}"
        many = f"active {speaking} mentors" + (" who fit the gender preferences" if gender_trimmed[n] else "")
        binding = next((steps[k][0] for k in range(len(steps)) if left[k][n] == 0), None)
        if binding is Binding.NO_MENTOR:
            text = "no mentor is active and eligible"
        elif binding is Binding.LANGUAGE:
            text = f"no active mentor speaks {' or '.join(languages)}"
        elif binding is Binding.GENDER:
            text = f"no active {speaking} mentor fits the gender preferences on both sides"
        elif binding is Binding.DO_NOT_PAIR:
            text = f"every {who} is on the do-not-pair list with them"
        elif binding is Binding.COOLDOWN:
            text = f"every {who} was paired with them in the last {problem.cooldown_days} days"
        elif binding is Binding.REJECTED:
            text = f"every {who} was rejected for them in this run"
        elif with_room[n] == 0:
            binding, text = Binding.CAPACITY, f"no {who} has free capacity"
        else:
            count = int(with_room[n])
            binding = Binding.TAKEN
            text = (f"the only {who} with free capacity is suggested for another mentee" if count == 1 else
                    f"all {count} {many} with free capacity are suggested for other mentees")
        found.append(Unmatched(mentee.id, binding, text))
    return found


# -- the coordinator's changes ------------------------------------------------------------------------


def swap(problem: Problem, result: MatchResult, mentee_a: int, mentee_b: int) -> MatchResult:
    """The suggestions with the mentors of two suggested mentees exchanged, re-scored and explained.

    Raises SwapRefused when either new pair breaks a hard constraint or one of them is locked.
    """
    first, second = result.suggestion_for(mentee_a), result.suggestion_for(mentee_b)
    if first is None or second is None:
        raise SwapRefused("Both mentees need a suggested mentor to swap.")
    if first.locked or second.locked:
        raise SwapRefused("A locked pairing is not swapped; unlock it first.")
    if first.mentor_id == second.mentor_id:
        return result
    prep = _prepare(problem)
    scores = _score_matrix(prep)
    steps = _steps(prep)
    allowed = _allowed(prep, steps)
    for mentee_id, mentor_id in ((mentee_a, second.mentor_id), (mentee_b, first.mentor_id)):
        if not allowed[prep.mentee_row[mentee_id], prep.mentor_col[mentor_id]]:
            why = "; ".join(pair_problems(problem, mentee_id, mentor_id, count_capacity=False))
            raise SwapRefused(f"That swap is not possible: {why or 'the pair was rejected'}.")
    assignment = {prep.mentee_row[s.mentee_id]: prep.mentor_col[s.mentor_id] for s in result.suggestions}
    assignment[prep.mentee_row[mentee_a]] = prep.mentor_col[second.mentor_id]
    assignment[prep.mentee_row[mentee_b]] = prep.mentor_col[first.mentor_id]
    locked = {prep.mentee_row[s.mentee_id] for s in result.suggestions if s.locked}
    return _explain(prep, scores, steps, allowed, assignment, locked, list(result.broken_locks))


def score_pair(problem: Problem, mentee_id: int, mentor_id: int) -> tuple[float, tuple[CriterionScore, ...]]:
    """One pair's score as the mentor's next mentee (the score a pairing is saved with)."""
    prep = _prepare(problem)
    col = prep.mentor_col[mentor_id]
    locks = sum(1 for e, m in problem.locked if m == mentor_id and e != mentee_id)
    values = _pair_values(prep, np.array([prep.mentee_row[mentee_id]]), np.array([col]),
                          np.array([int(prep.load[col]) + locks]))
    weights, scores_of, values_of = _scored(prep, values)
    return scores_of[0], breakdown_of(values_of[0], weights)
