"""Pairing mentees with mentors: suggestions, the coordinator's decisions, history, do-not-pair.

The workflow a Mentoring page follows:

1. `PairingService.suggest()` loads everyone waiting and every mentor into a `matching.Problem`
   (plain data), solves it and returns a `SuggestionRun`: the problem, the result and the names to
   show. Pairs locked earlier (saved, not started) are fixed first.
2. Trying things needs no database: `reweigh(run, weights)`, `reject(run, mentee, mentor)` and
   `swap(run, a, b)` return a new run at once (pure functions; a 300 × 80 week solves in a few ms).
3. Decisions are saved: `lock` (a pairing without a start date, fixed for later runs and for other
   desks), `unlock`, `accept` (an active pairing with a start date; a lock of the same pair is
   started), `start` a locked pairing, `end` with a reason. Each checks the hard constraints against
   the database as it is at that moment, and each is audited ("mentor_pairing", the pairing id).

Rejections live in the run only; a pair that must never be suggested goes on the do-not-pair list.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import Text, exists, or_, select, type_coerce
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import Database
from ..errors import AftercareError, RecordNotFoundError, ValidationFailed
from ..models import Alumnus, DoNotPair, MenteeProfile, MentorPairing, MentorProfile, utcnow
from ..models.enums import (
    AlumniStatus,
    AuditAction,
    MenteeNeed,
    MentorStatus,
    PairingEndReason,
    PairingState,
    label,
)
from . import audit, matching
from .audit import Actor
from .matching import Criterion, MatchResult, Problem
from .mentor_pool import display_name, pairing_counts, require_mentor, standing
from .team_settings import TeamSettingsValues, stored_values
from .validation import Problem as FieldProblem
from .waiting_list import restart_waiting, set_wants_mentor

ENTITY = "mentor_pairing"
DO_NOT_PAIR_ENTITY = "do_not_pair"
MAX_NOTE = 2_000
# Whether the mentee waits for a new mentor after a pairing ends, unless the coordinator says.
REMATCH_BY_DEFAULT = {
    PairingEndReason.COMPLETED: False,
    PairingEndReason.MENTEE_REQUEST: False,
    PairingEndReason.MENTOR_CAPACITY: True,
    PairingEndReason.CONFLICT: True,
    PairingEndReason.RECURRENCE: True,
    PairingEndReason.LOST_CONTACT: False,
}


class _JsonLists:
    """JSON list columns read as text, each distinct text parsed once: most are "[]" or a handful of
    repeated values, and parsing thousands of them costs more than the rest of the load."""

    def __init__(self):
        self.seen: dict[str, frozenset[str]] = {}

    def __call__(self, raw) -> frozenset[str]:
        if raw is None:
            return frozenset()
        if not isinstance(raw, str):  # a driver that parses JSON itself
            return frozenset(raw)
        found = self.seen.get(raw)
        if found is None:
            found = self.seen[raw] = frozenset(v for v in json.loads(raw) if isinstance(v, str))
        return found


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    client_id: str


@dataclass(frozen=True)
class SuggestionRun:
    """One run of suggestions: what was solved, the answer, and who the ids are."""

    problem: Problem
    result: MatchResult
    people: Mapping[int, Person]
    waited_days: Mapping[int, int]  # mentee id → days waited
    today: date

    def name(self, alumnus_id: int) -> str:
        person = self.people.get(alumnus_id)
        return person.name if person else f"#{alumnus_id}"


@dataclass(frozen=True)
class PairingRecord:
    id: int
    mentee_id: int
    mentee_name: str
    mentor_id: int
    mentor_name: str
    state: PairingState
    started_on: date | None
    ended_on: date | None
    end_reason: PairingEndReason | None
    end_note: str | None
    match_score: float | None
    row_version: int

    @property
    def state_label(self) -> str:
        return label(self.state)


@dataclass(frozen=True)
class DoNotPairRecord:
    id: int
    alumnus_id: int
    alumnus_name: str
    other_id: int
    other_name: str
    reason: str | None


def state_of(started_on: date | None, ended_on: date | None) -> PairingState:
    if ended_on is not None:
        return PairingState.ENDED
    return PairingState.LOCKED if started_on is None else PairingState.ACTIVE


# -- loading the problem -----------------------------------------------------------------------


def load_problem(session: Session, settings: TeamSettingsValues, today: date,
                 weights: Mapping[Criterion, float] | None = None,
                 rejected: Iterable[tuple[int, int]] = ()) -> tuple[Problem, dict[int, Person], dict[int, int]]:
    """Everyone waiting and every mentor as plain data, in a handful of statements; with the
    names and the days each mentee has waited."""
    people: dict[int, Person] = {}
    words = _JsonLists()
    a, mp, ep = Alumnus.__table__.c, MentorProfile.__table__.c, MenteeProfile.__table__.c
    shared = (a.id, a.first_name, a.last_name, a.preferred_name, a.client_id, type_coerce(a.languages, Text),
              type_coerce(a.recovery_pathways, Text), type_coerce(a.substances, Text), a.program, a.date_of_birth,
              a.city, a.postal_code, a.consents_to_mentor_program)

    active, _, completed = pairing_counts(session)
    mentors = []
    statement = (select(*shared, a.sobriety_start_date, a.status, a.archived_at, mp.status, mp.paused_until,
                        mp.training_completed_on, mp.capacity, type_coerce(mp.availability, Text),
                        mp.evening_weekend_calls, mp.gender, type_coerce(mp.preferred_mentee_genders, Text),
                        type_coerce(mp.interests, Text))
                 .join(Alumnus.__table__, a.id == mp.alumnus_id).order_by(a.id))
    for (alumnus_id, first, last, preferred, client_id, languages, pathways, substances, program, born, city,
         postal_code, consents, sober_since, alumni_status, archived_at, status, paused_until, trained_on, capacity,
         slots, evening_weekend, gender, mentee_genders, interests) in session.execute(statement):
        people[alumnus_id] = Person(alumnus_id, display_name(first, last, preferred), client_id)
        _, _, reasons = standing(sober_since=sober_since, consents=consents, alumni_status=AlumniStatus(alumni_status),
                                 archived=archived_at is not None, status=MentorStatus(status),
                                 paused_until=paused_until, training_completed_on=trained_on, settings=settings,
                                 today=today)
        mentors.append(matching.Mentor(
            id=alumnus_id, capacity=capacity, load=active.get(alumnus_id, 0), available=not reasons, consents=consents,
            languages=words(languages), gender=gender, mentee_genders=words(mentee_genders),
            pathways=words(pathways), substances=words(substances), program=program, born=born, city=city,
            postal_code=postal_code, availability=words(slots), evening_weekend=evening_weekend,
            interests=words(interests), completed_pairings=completed.get(alumnus_id, 0)))

    started = exists().where(MentorPairing.__table__.c.mentee_id == a.id, MentorPairing.__table__.c.current.is_(True),
                             MentorPairing.__table__.c.started_on.is_not(None))
    statement = (select(*shared, a.opted_in_on, a.created_at, ep.waiting_since, type_coerce(ep.needs, Text),
                        ep.gender, type_coerce(ep.preferred_mentor_genders, Text),
                        type_coerce(ep.preferred_languages, Text), type_coerce(ep.preferred_pathways, Text),
                        type_coerce(ep.availability, Text), type_coerce(ep.interests, Text))
                 .select_from(Alumnus.__table__.outerjoin(MenteeProfile.__table__, ep.alumnus_id == a.id))
                 .where(a.wants_mentor.is_(True), a.status == AlumniStatus.ACTIVE.value, a.archived_at.is_(None),
                        ~started))
    waiting = []
    for (alumnus_id, first, last, preferred, client_id, languages, pathways, substances, program, born, city,
         postal_code, consents, opted_in_on, created_at, since, needs, gender, mentor_genders, wanted_languages,
         wanted_pathways, slots, interests) in session.execute(statement):
        people[alumnus_id] = Person(alumnus_id, display_name(first, last, preferred), client_id)
        if since is None:  # no needs recorded yet: waiting since they joined aftercare
            since = opted_in_on or created_at.astimezone().date()
        waiting.append((since, alumnus_id, matching.Mentee(
            id=alumnus_id, consents=consents, languages=words(wanted_languages) or words(languages),
            gender=gender, mentor_genders=words(mentor_genders),
            pathways=words(wanted_pathways) or words(pathways), substances=words(substances), program=program,
            born=born, city=city, postal_code=postal_code, availability=words(slots),
            needs_calls=MenteeNeed.CRAVING_CALLS.value in words(needs), interests=words(interests))))
    waiting.sort(key=lambda item: item[:2])
    mentees = tuple(mentee for _, _, mentee in waiting)
    waited = {alumnus_id: max(0, (today - since).days) for since, alumnus_id, _ in waiting}

    p = MentorPairing.__table__.c
    locked = tuple((mentee, mentor) for mentee, mentor in session.execute(
        select(p.mentee_id, p.mentor_id).where(p.current.is_(True), p.started_on.is_(None)).order_by(p.id)))
    d = DoNotPair.__table__.c
    do_not_pair = frozenset((a, b) for a, b in session.execute(select(d.alumnus_id, d.other_alumnus_id)))
    since = today - timedelta(days=settings.repairing_cooldown_days)
    recent = frozenset(matching.pair_key(a, b) for a, b in session.execute(
        select(p.mentee_id, p.mentor_id).where(p.ended_on.is_not(None), p.ended_on > since)))
    problem = Problem(
        mentors=tuple(mentors), mentees=mentees,
        weights=dict(weights) if weights is not None else matching.weights_from(settings),
        do_not_pair=do_not_pair, recently_paired=recent, cooldown_days=settings.repairing_cooldown_days,
        rejected=frozenset(rejected), locked=locked)
    return problem, people, waited


def _mentee(alumnus: Alumnus, profile: MenteeProfile | None) -> matching.Mentee:
    needs = set(profile.needs or ()) if profile else set()
    return matching.Mentee(
        id=alumnus.id, consents=alumnus.consents_to_mentor_program,
        languages=frozenset((profile.preferred_languages if profile else None) or alumnus.languages or ()),
        gender=profile.gender.value if profile and profile.gender else None,
        mentor_genders=frozenset(profile.preferred_mentor_genders or ()) if profile else frozenset(),
        pathways=frozenset((profile.preferred_pathways if profile else None) or alumnus.recovery_pathways or ()),
        substances=frozenset(alumnus.substances or ()),
        program=alumnus.program.value if alumnus.program else None, born=alumnus.date_of_birth,
        city=alumnus.city, postal_code=alumnus.postal_code,
        availability=frozenset(profile.availability or ()) if profile else frozenset(),
        needs_calls=MenteeNeed.CRAVING_CALLS.value in needs,
        interests=frozenset(profile.interests or ()) if profile else frozenset())


# -- trying things (no database) ---------------------------------------------------------------


def reweigh(run: SuggestionRun, weights: Mapping[Criterion, float]) -> SuggestionRun:
    problem = matching.with_weights(run.problem, weights)
    return replace(run, problem=problem, result=matching.solve(problem))


def reject(run: SuggestionRun, mentee_id: int, mentor_id: int) -> SuggestionRun:
    problem = matching.with_rejection(run.problem, mentee_id, mentor_id)
    return replace(run, problem=problem, result=matching.solve(problem))


def swap(run: SuggestionRun, mentee_a: int, mentee_b: int) -> SuggestionRun:
    """Raises matching.SwapRefused with the reason when the swap breaks a hard constraint."""
    return replace(run, result=matching.swap(run.problem, run.result, mentee_a, mentee_b))


# -- the service -------------------------------------------------------------------------------


class PairingService:
    def __init__(self, database: Database, *, today: Callable[[], date] = date.today):
        self.database = database
        self._today = today

    def suggest(self, weights: Mapping[Criterion, float] | None = None,
                rejected: Iterable[tuple[int, int]] = ()) -> SuggestionRun:
        """Suggestions for everyone waiting (the team's saved weights unless others are given)."""
        today = self._today()
        with self.database.session() as session:
            problem, people, waited = load_problem(session, stored_values(session), today, weights, rejected)
        return SuggestionRun(problem, matching.solve(problem), people, waited, today)

    # -- decisions ------------------------------------------------------------------------------

    def lock(self, mentee_id: int, mentor_id: int, actor: Actor) -> PairingRecord:
        """Fix a pair for later runs and other desks, without starting it."""
        with self.database.session() as session:
            if _current_of(session, mentee_id) is not None:
                raise AftercareError("They already have a locked or active pairing.")
            score = self._checked(session, mentee_id, mentor_id)
            pairing = MentorPairing(mentee_id=mentee_id, mentor_id=mentor_id, started_on=None, current=True,
                                    match_score=score, created_by_id=actor.staff_id, updated_by_id=actor.staff_id)
            self._insert(session, pairing)
            audit.record(session, actor, AuditAction.CREATE, ENTITY, pairing.id, ["mentee_id", "mentor_id"])
            session.commit()
            return _record(session, pairing)

    def unlock(self, pairing_id: int, actor: Actor) -> None:
        with self.database.session() as session:
            pairing = _load(session, pairing_id)
            if state_of(pairing.started_on, pairing.ended_on) is not PairingState.LOCKED:
                raise AftercareError("Only a locked pairing that has not started can be unlocked.")
            session.delete(pairing)
            audit.record(session, actor, AuditAction.DELETE, ENTITY, pairing_id)
            session.commit()

    def accept(self, mentee_id: int, mentor_id: int, actor: Actor, *,
               started_on: date | None = None) -> PairingRecord:
        """Make the pair an active pairing from `started_on` (default today). A lock of the same pair
        is started; a lock of the mentee with someone else is replaced."""
        start = started_on or self._today()
        self._check_start(start)
        with self.database.session() as session:
            current = _current_of(session, mentee_id)
            if current is not None and current.started_on is not None:
                raise AftercareError("They already have an active mentor; end that pairing first.")
            if current is not None and current.mentor_id == mentor_id:
                current.started_on = start
                current.updated_at = utcnow()
                current.updated_by_id = actor.staff_id
                session.flush()
                audit.record(session, actor, AuditAction.STATUS_CHANGE, ENTITY, current.id, ["started_on"])
                session.commit()
                return _record(session, current)
            if current is not None:
                session.delete(current)
                audit.record(session, actor, AuditAction.DELETE, ENTITY, current.id)
                session.flush()
            score = self._checked(session, mentee_id, mentor_id)
            pairing = MentorPairing(mentee_id=mentee_id, mentor_id=mentor_id, started_on=start, current=True,
                                    match_score=score, created_by_id=actor.staff_id, updated_by_id=actor.staff_id)
            self._insert(session, pairing)
            audit.record(session, actor, AuditAction.CREATE, ENTITY, pairing.id,
                         ["mentee_id", "mentor_id", "started_on"])
            session.commit()
            return _record(session, pairing)

    def start(self, pairing_id: int, actor: Actor, *, started_on: date | None = None) -> PairingRecord:
        """Start a locked pairing."""
        pairing = self._record_of(pairing_id)
        if pairing.state is not PairingState.LOCKED:
            raise AftercareError("This pairing has already started.")
        return self.accept(pairing.mentee_id, pairing.mentor_id, actor, started_on=started_on)

    def end(self, pairing_id: int, reason: PairingEndReason, actor: Actor, *, ended_on: date | None = None,
            note: str | None = None, rematch: bool | None = None) -> PairingRecord:
        """End an active pairing. With `rematch` (by default per reason, see REMATCH_BY_DEFAULT) the
        mentee waits for a new mentor from the end date; without, they no longer want one."""
        with self.database.session() as session:
            pairing = end_pairing(session, pairing_id, PairingEndReason(reason), actor,
                                  ended_on=ended_on or self._today(), note=note, rematch=rematch, today=self._today())
            session.commit()
            return _record(session, pairing)

    # -- reading --------------------------------------------------------------------------------

    def current(self) -> list[PairingRecord]:
        """Active and locked pairings, mentor by mentor."""
        with self.database.session() as session:
            pairings = session.scalars(select(MentorPairing).where(MentorPairing.current.is_(True))
                                       .order_by(MentorPairing.mentor_id, MentorPairing.id)).all()
            return _records(session, pairings)

    def history(self, alumnus_id: int) -> list[PairingRecord]:
        """Every pairing of the alumnus, as mentee or mentor, the newest first."""
        with self.database.session() as session:
            pairings = session.scalars(
                select(MentorPairing)
                .where(or_(MentorPairing.mentee_id == alumnus_id, MentorPairing.mentor_id == alumnus_id))
                .order_by(MentorPairing.started_on.desc().nulls_first(), MentorPairing.id.desc())).all()
            return _records(session, pairings)

    def current_mentor(self, mentee_id: int) -> Person | None:
        """The mentor of the mentee's active pairing — for "who made this check-in"."""
        with self.database.session() as session:
            pairing = _current_of(session, mentee_id)
            if pairing is None or pairing.started_on is None:
                return None
            mentor = session.get(Alumnus, pairing.mentor_id)
            return Person(mentor.id, display_name(mentor.first_name, mentor.last_name, mentor.preferred_name),
                          mentor.client_id)

    # -- do not pair ----------------------------------------------------------------------------

    def do_not_pair(self) -> list[DoNotPairRecord]:
        with self.database.session() as session:
            rows = session.scalars(select(DoNotPair).order_by(DoNotPair.id)).all()
            names = _names(session, {r.alumnus_id for r in rows} | {r.other_alumnus_id for r in rows})
            return [DoNotPairRecord(r.id, r.alumnus_id, names[r.alumnus_id], r.other_alumnus_id,
                                    names[r.other_alumnus_id], r.reason) for r in rows]

    def add_do_not_pair(self, alumnus_id: int, other_id: int, actor: Actor, reason: str | None = None) -> int:
        if alumnus_id == other_id:
            raise ValidationFailed([FieldProblem("other_alumnus_id", "Choose two different people")])
        reason = (reason or "").strip() or None
        if reason and len(reason) > 400:
            raise ValidationFailed([FieldProblem("reason", "Keep the reason under 400 characters")])
        first, second = matching.pair_key(alumnus_id, other_id)
        with self.database.session() as session:
            existing = session.scalar(select(DoNotPair.id).where(DoNotPair.alumnus_id == first,
                                                                 DoNotPair.other_alumnus_id == second))
            if existing is not None:
                return existing
            row = DoNotPair(alumnus_id=first, other_alumnus_id=second, reason=reason, created_by_id=actor.staff_id)
            session.add(row)
            try:
                session.flush()
            except IntegrityError:
                raise RecordNotFoundError("One of these alumni records") from None
            audit.record(session, actor, AuditAction.CREATE, DO_NOT_PAIR_ENTITY, row.id,
                         ["alumnus_id", "other_alumnus_id", *(["reason"] if reason else [])])
            session.commit()
            return row.id

    def remove_do_not_pair(self, entry_id: int, actor: Actor) -> None:
        with self.database.session() as session:
            row = session.get(DoNotPair, entry_id)
            if row is None:
                raise RecordNotFoundError("This do-not-pair entry")
            session.delete(row)
            audit.record(session, actor, AuditAction.DELETE, DO_NOT_PAIR_ENTITY, entry_id)
            session.commit()

    # -- helpers --------------------------------------------------------------------------------

    def _checked(self, session: Session, mentee_id: int, mentor_id: int) -> float:
        """The pair's score; raises ValidationFailed with every hard constraint it breaks today.

        The mentor's profile row is locked (PostgreSQL) so two desks cannot both take their last place.
        """
        require_mentor(session, mentor_id)
        problem, _, _ = load_problem(session, stored_values(session), self._today())
        # Locks of this mentee do not count against the mentor: accepting replaces them.
        problem = replace(problem, locked=tuple(pair for pair in problem.locked if pair[0] != mentee_id))
        if not any(m.id == mentee_id for m in problem.mentees):
            mentee = _waiting_shape(session, mentee_id)
            problem = replace(problem, mentees=(*problem.mentees, mentee))
        reasons = matching.pair_problems(problem, mentee_id, mentor_id)
        if reasons:
            raise ValidationFailed([FieldProblem("mentor_id", f"This pair is not possible: {r}") for r in reasons])
        return matching.score_pair(problem, mentee_id, mentor_id)[0]

    def _check_start(self, start: date) -> None:
        today = self._today()
        if not today - timedelta(days=366) <= start <= today + timedelta(days=60):
            raise ValidationFailed([FieldProblem("started_on", "Choose a start within the last year or the "
                                                              "next two months")])

    @staticmethod
    def _insert(session: Session, pairing: MentorPairing) -> None:
        session.add(pairing)
        try:
            session.flush()
        except IntegrityError:
            raise AftercareError("They were paired at another desk just now; reload to see it.") from None

    def _record_of(self, pairing_id: int) -> PairingRecord:
        with self.database.session() as session:
            return _record(session, _load(session, pairing_id))


def _waiting_shape(session: Session, mentee_id: int) -> matching.Mentee:
    """A mentee not on the waiting list (they do not want a mentor yet), for checking one pair."""
    alumnus = session.get(Alumnus, mentee_id)
    if alumnus is None:
        raise RecordNotFoundError("This alumnus record")
    profile = session.scalar(select(MenteeProfile).where(MenteeProfile.alumnus_id == mentee_id))
    return _mentee(alumnus, profile)


def end_pairing(session: Session, pairing_id: int, reason: PairingEndReason, actor: Actor, *, ended_on: date,
                note: str | None, rematch: bool | None, today: date) -> MentorPairing:
    """End a pairing within the caller's transaction (the weekly review ends pairings this way too)."""
    pairing = _load(session, pairing_id)
    if pairing.ended_on is not None:
        raise AftercareError("This pairing has already ended.")
    if pairing.started_on is None:
        raise AftercareError("This pairing never started; unlock it instead of ending it.")
    if ended_on < pairing.started_on or ended_on > today:
        raise ValidationFailed([FieldProblem("ended_on", "The end must fall between the start and today")])
    note = (note or "").strip() or None
    if note and len(note) > MAX_NOTE:
        raise ValidationFailed([FieldProblem("end_note", f"Keep the note under {MAX_NOTE:,} characters")])
    pairing.ended_on = ended_on
    pairing.end_reason = reason
    pairing.end_note = note
    pairing.current = None
    pairing.updated_at = utcnow()
    pairing.updated_by_id = actor.staff_id
    session.flush()
    audit.record(session, actor, AuditAction.STATUS_CHANGE, ENTITY, pairing.id,
                 ["ended_on", "end_reason", *(["end_note"] if note else [])])
    again = REMATCH_BY_DEFAULT[reason] if rematch is None else rematch
    mentee = session.get(Alumnus, pairing.mentee_id)
    if again:
        restart_waiting(session, pairing.mentee_id, ended_on, actor)
        if not mentee.wants_mentor:
            set_wants_mentor(session, mentee, True, actor)
    elif mentee.wants_mentor:
        set_wants_mentor(session, mentee, False, actor)
    return pairing


def _load(session: Session, pairing_id: int) -> MentorPairing:
    pairing = session.get(MentorPairing, pairing_id)
    if pairing is None:
        raise RecordNotFoundError("This pairing")
    return pairing


def _current_of(session: Session, mentee_id: int) -> MentorPairing | None:
    return session.scalar(select(MentorPairing).where(MentorPairing.mentee_id == mentee_id,
                                                      MentorPairing.current.is_(True)))


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    a = Alumnus.__table__.c
    return {i: display_name(first, last, preferred) for i, first, last, preferred in session.execute(
        select(a.id, a.first_name, a.last_name, a.preferred_name).where(a.id.in_(ids)))}


def _records(session: Session, pairings) -> list[PairingRecord]:
    names = _names(session, {p.mentee_id for p in pairings} | {p.mentor_id for p in pairings})
    return [_record(session, p, names) for p in pairings]


def _record(session: Session, p: MentorPairing, names: dict[int, str] | None = None) -> PairingRecord:
    names = names if names is not None else _names(session, {p.mentee_id, p.mentor_id})
    return PairingRecord(p.id, p.mentee_id, names.get(p.mentee_id, ""), p.mentor_id, names.get(p.mentor_id, ""),
                         state_of(p.started_on, p.ended_on), p.started_on, p.ended_on, p.end_reason, p.end_note,
                         p.match_score, p.row_version)
