"""Alumni waiting for a mentor: their needs and preferences, and how long they have waited.

Waiting = the alumnus wants a mentor (`Alumnus.wants_mentor`), is followed (active, not archived) and
has no active pairing. A pairing the coordinator locked but has not started leaves them waiting.
The mentee profile holds needs and preferences; without one they still wait, counted from the day
they joined aftercare (or their record was made). Days waited start again when a pairing ends and
they are to be paired anew.

Audit: entity "mentee_profile" with the alumnus's id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..db import Database
from ..errors import ConcurrentEditError, RecordNotFoundError, ValidationFailed
from ..models import Alumnus, MenteeProfile, MentorPairing, utcnow
from ..models.enums import AlumniStatus, AuditAction, Gender, MenteeNeed
from . import audit
from .audit import Actor
from .mentor_pool import check_person_fields, check_words, clean_words, display_name
from .validation import Problem

ENTITY = "mentee_profile"


@dataclass
class MenteeProfileData:
    waiting_since: date | None = None  # None: today, when first saved
    needs: list[MenteeNeed] = field(default_factory=list)
    gender: Gender | None = None
    preferred_mentor_genders: list[Gender] = field(default_factory=list)
    preferred_languages: list[str] = field(default_factory=list)  # empty: any of theirs
    preferred_pathways: list[str] = field(default_factory=list)  # empty: their own
    availability: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    notes: str | None = None
    alumnus_id: int | None = None
    row_version: int | None = None


EDITABLE = tuple(f.name for f in fields(MenteeProfileData) if f.name not in ("alumnus_id", "row_version"))


def check_profile(data: MenteeProfileData, today: date) -> tuple[MenteeProfileData, list[Problem]]:
    problems: list[Problem] = []
    since = data.waiting_since or today
    if since > today:
        problems.append(Problem("waiting_since", "Waiting can't start in the future"))
    needs = []
    for value in data.needs:
        try:
            needs.append(MenteeNeed(value))
        except ValueError:
            problems.append(Problem("needs", "Choose needs from the list"))
            break
    needs = sorted(set(needs), key=list(MenteeNeed).index)
    person = check_person_fields(data, "preferred_mentor_genders", problems)
    languages = clean_words(list(data.preferred_languages))
    check_words("preferred_languages", "languages", languages, problems)
    pathways = clean_words(list(data.preferred_pathways))
    check_words("preferred_pathways", "pathways", pathways, problems)
    clean = MenteeProfileData(since, needs, person.gender, person.genders, languages, pathways, person.availability,
                              person.interests, person.notes, data.alumnus_id, data.row_version)
    return clean, problems


def _stored(name: str, value):
    if name in ("needs", "preferred_mentor_genders"):
        return [v.value for v in value]
    return value


def _to_data(profile: MenteeProfile) -> MenteeProfileData:
    return MenteeProfileData(
        waiting_since=profile.waiting_since, needs=[MenteeNeed(v) for v in profile.needs or []],
        gender=profile.gender, preferred_mentor_genders=[Gender(v) for v in profile.preferred_mentor_genders or []],
        preferred_languages=list(profile.preferred_languages or []),
        preferred_pathways=list(profile.preferred_pathways or []),
        availability=list(profile.availability or []), interests=list(profile.interests or []),
        notes=profile.notes, alumnus_id=profile.alumnus_id, row_version=profile.row_version)


@dataclass(frozen=True)
class WaitingRow:
    """One alumnus on the waiting list."""

    alumnus_id: int
    name: str
    client_id: str
    caseworker_id: int | None
    waiting_since: date
    days_waited: int
    needs: tuple[MenteeNeed, ...]
    gender: Gender | None
    preferred_mentor_genders: tuple[Gender, ...]
    languages: tuple[str, ...]  # the languages a mentor must share
    pathways: tuple[str, ...]
    consents: bool  # without consent the engine will not pair them
    has_profile: bool  # needs and preferences recorded
    locked_mentor_id: int | None  # a pairing locked by the coordinator, not started yet
    locked_pairing_id: int | None


def waiting_query():
    """Alumni waiting for a mentor, with their mentee profile (or None) — for the list and the engine."""
    a, p = Alumnus.__table__.c, MentorPairing.__table__.c
    started = exists().where(p.mentee_id == a.id, p.current.is_(True), p.started_on.is_not(None))
    return (
        select(Alumnus, MenteeProfile)
        .outerjoin(MenteeProfile, MenteeProfile.alumnus_id == Alumnus.id)
        .where(Alumnus.wants_mentor.is_(True), Alumnus.status == AlumniStatus.ACTIVE,
               Alumnus.archived_at.is_(None), ~started)
    )


def waiting_since(alumnus: Alumnus, profile: MenteeProfile | None) -> date:
    if profile is not None:
        return profile.waiting_since
    return alumnus.opted_in_on or alumnus.created_at.astimezone().date()


def locked_pairings(session: Session) -> dict[int, tuple[int, int]]:
    """mentee id → (pairing id, mentor id) of every locked, not started pairing."""
    p = MentorPairing.__table__.c
    rows = session.execute(select(p.mentee_id, p.id, p.mentor_id)
                           .where(p.current.is_(True), p.started_on.is_(None)))
    return {mentee: (pairing, mentor) for mentee, pairing, mentor in rows}


class WaitingListService:
    def __init__(self, database: Database, *, today: Callable[[], date] = date.today):
        self.database = database
        self._today = today

    def waiting(self) -> list[WaitingRow]:
        """Everyone waiting, the longest-waiting first."""
        today = self._today()
        with self.database.session() as session:
            locks = locked_pairings(session)
            rows = []
            for alumnus, profile in session.execute(waiting_query()):
                since = waiting_since(alumnus, profile)
                data = _to_data(profile) if profile is not None else MenteeProfileData()
                lock = locks.get(alumnus.id)
                rows.append(WaitingRow(
                    alumnus_id=alumnus.id,
                    name=display_name(alumnus.first_name, alumnus.last_name, alumnus.preferred_name),
                    client_id=alumnus.client_id, caseworker_id=alumnus.caseworker_id, waiting_since=since,
                    days_waited=max(0, (today - since).days), needs=tuple(data.needs), gender=data.gender,
                    preferred_mentor_genders=tuple(data.preferred_mentor_genders),
                    languages=tuple(data.preferred_languages or alumnus.languages or ()),
                    pathways=tuple(data.preferred_pathways or alumnus.recovery_pathways or ()),
                    consents=alumnus.consents_to_mentor_program, has_profile=profile is not None,
                    locked_pairing_id=lock[0] if lock else None, locked_mentor_id=lock[1] if lock else None,
                ))
        rows.sort(key=lambda row: (row.waiting_since, row.name.casefold(), row.alumnus_id))
        return rows

    def profile(self, alumnus_id: int) -> MenteeProfileData | None:
        with self.database.session() as session:
            profile = session.scalar(select(MenteeProfile).where(MenteeProfile.alumnus_id == alumnus_id))
            return _to_data(profile) if profile is not None else None

    def validate(self, data: MenteeProfileData) -> list[Problem]:
        return check_profile(data, self._today())[1]

    def save_profile(self, alumnus_id: int, data: MenteeProfileData, actor: Actor, *,
                     wants_mentor: bool = True) -> MenteeProfileData:
        """Record needs and preferences; with `wants_mentor` (the default) the alumnus is also marked
        as wanting a mentor, in the same transaction, so they appear on the waiting list."""
        clean, problems = check_profile(data, self._today())
        if problems:
            raise ValidationFailed(problems)
        with self.database.session() as session:
            alumnus = session.get(Alumnus, alumnus_id)
            if alumnus is None:
                raise RecordNotFoundError("This alumnus record")
            profile = session.scalar(select(MenteeProfile).where(MenteeProfile.alumnus_id == alumnus_id))
            if profile is None:
                profile = MenteeProfile(alumnus_id=alumnus_id, created_by_id=actor.staff_id,
                                        updated_by_id=actor.staff_id,
                                        **{name: _stored(name, getattr(clean, name)) for name in EDITABLE})
                session.add(profile)
                audit.record(session, actor, AuditAction.CREATE, ENTITY, alumnus_id, EDITABLE)
            else:
                if clean.row_version is None or clean.row_version != profile.row_version:
                    raise ConcurrentEditError("These mentee needs")
                current = _to_data(profile)
                changed = [name for name in EDITABLE
                           if _stored(name, getattr(clean, name)) != _stored(name, getattr(current, name))]
                for name in changed:
                    setattr(profile, name, _stored(name, getattr(clean, name)))
                if changed:
                    profile.updated_at = utcnow()
                    profile.updated_by_id = actor.staff_id
                    audit.record(session, actor, AuditAction.UPDATE, ENTITY, alumnus_id, changed)
            if wants_mentor and not alumnus.wants_mentor:
                set_wants_mentor(session, alumnus, True, actor)
            try:
                session.flush()
            except (StaleDataError, IntegrityError):
                raise ConcurrentEditError("These mentee needs") from None
            session.commit()
            return _to_data(profile)


def set_wants_mentor(session: Session, alumnus: Alumnus, wanted: bool, actor: Actor) -> None:
    """Change the alumnus's "wants a mentor" flag, audited like any change of their record."""
    from .alumni import ENTITY as ALUMNUS

    alumnus.wants_mentor = wanted
    alumnus.updated_at = utcnow()
    alumnus.updated_by_id = actor.staff_id
    audit.record(session, actor, AuditAction.UPDATE, ALUMNUS, alumnus.id, ["wants_mentor"])


def restart_waiting(session: Session, mentee_id: int, on: date, actor: Actor) -> None:
    """After a pairing ends and a new mentor is wanted: days waited count from `on`."""
    profile = session.scalar(select(MenteeProfile).where(MenteeProfile.alumnus_id == mentee_id))
    if profile is None:
        session.add(MenteeProfile(alumnus_id=mentee_id, waiting_since=on, created_by_id=actor.staff_id,
                                  updated_by_id=actor.staff_id))
        audit.record(session, actor, AuditAction.CREATE, ENTITY, mentee_id, ["waiting_since"])
    elif profile.waiting_since != on:
        profile.waiting_since = on
        profile.updated_at = utcnow()
        profile.updated_by_id = actor.staff_id
        audit.record(session, actor, AuditAction.UPDATE, ENTITY, mentee_id, ["waiting_since"])

