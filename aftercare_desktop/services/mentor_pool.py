"""The mentor pool: mentor profiles, who may mentor (and why not), and every mentor's load.

A mentor is an alumnus with a mentor profile. Languages, pathways, substances, program, city, postal
code, date of birth, sobriety start and consent are the alumnus's own fields; the profile adds what
only a mentor has (status, training, capacity, availability, gender and preferences, interests,
background check).

**Eligible** to mentor: followed by the team (status active, not archived), consented to the mentor
program, and continuously sober for at least the team's minimum (`mentor_min_sobriety_months`,
12 by default). **Available** to the pairing engine: eligible and active today — a mentor paused
until a date is active again from that day; an active mentor also needs their training completed.

Audit: entity "mentor_profile" with the alumnus's id (one profile per alumnus).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..db import Database
from ..errors import AftercareError, ConcurrentEditError, RecordNotFoundError, ValidationFailed
from ..models import Alumnus, MentorPairing, MentorProfile, utcnow
from ..models.enums import AlumniStatus, AuditAction, Gender, MentorStatus, PairingEndReason, label
from ..models.mentoring import DEFAULT_CAPACITY
from . import audit, availability
from .audit import Actor
from .instruments import whole_months_between
from .team_settings import TeamSettingsValues, stored_values
from .validation import Problem

ENTITY = "mentor_profile"
MAX_CAPACITY = 10
MAX_INTERESTS = 20
MAX_INTEREST_LENGTH = 60
MAX_NOTES = 2_000
MAX_TRAINER = 120


def display_name(first: str, last: str, preferred: str | None) -> str:
    return f"{preferred or first} {last}".strip()


def clean_words(values: list[str] | tuple[str, ...]) -> list[str]:
    """Free words (interests): trimmed, each once whatever its case, in the order given."""
    seen, kept = set(), []
    for value in values:
        word = " ".join(str(value).split())
        if word and word.casefold() not in seen:
            seen.add(word.casefold())
            kept.append(word)
    return kept


def check_words(name: str, what: str, values: list[str], problems: list[Problem]) -> None:
    if len(values) > MAX_INTERESTS:
        problems.append(Problem(name, f"At most {MAX_INTERESTS} {what}"))
    if any(len(value) > MAX_INTEREST_LENGTH for value in values):
        problems.append(Problem(name, f"Keep each of the {what} under {MAX_INTEREST_LENGTH} characters"))


def check_genders(name: str, values: list, problems: list[Problem]) -> list[Gender]:
    found = []
    for value in values:
        try:
            found.append(Gender(value))
        except ValueError:
            problems.append(Problem(name, "Choose genders from the list"))
            return []
    return sorted(set(found), key=list(Gender).index)


def check_slots(name: str, values: list[str], problems: list[Problem]) -> list[str]:
    if availability.unknown(values):
        problems.append(Problem(name, "Choose times from the week's grid"))
    return availability.normalise(values)


@dataclass(frozen=True)
class PersonFields:
    """What mentor and mentee profiles both hold, cleaned."""

    gender: Gender | None
    genders: list[Gender]  # the other side's genders they prefer
    availability: list[str]
    interests: list[str]
    notes: str | None


def check_person_fields(data, genders_field: str, problems: list[Problem]) -> PersonFields:
    """Gender, preferred genders (`genders_field`), availability, interests and notes of a profile."""
    gender = None
    if data.gender is not None:
        try:
            gender = Gender(data.gender)
        except ValueError:
            problems.append(Problem("gender", "Choose a gender from the list"))
    genders = check_genders(genders_field, list(getattr(data, genders_field)), problems)
    slots = check_slots("availability", list(data.availability), problems)
    interests = clean_words(list(data.interests))
    check_words("interests", "interests", interests, problems)
    notes = (data.notes or "").strip() or None
    if notes and len(notes) > MAX_NOTES:
        problems.append(Problem("notes", f"Keep notes under {MAX_NOTES:,} characters"))
    return PersonFields(gender, genders, slots, interests, notes)


# -- eligibility -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[str, ...] = ()  # why not, in words; empty when eligible
    months_sober: int | None = None


def eligibility(*, sober_since: date | None, consents: bool, alumni_status: AlumniStatus, archived: bool,
                settings: TeamSettingsValues, today: date) -> Eligibility:
    """Whether an alumnus may mentor, and every reason why not."""
    reasons = []
    if archived:
        reasons.append("the record is archived")
    elif alumni_status is not AlumniStatus.ACTIVE:
        reasons.append(f"not followed by the team (status {label(alumni_status).lower()})")
    if not consents:
        reasons.append("has not consented to the mentor program")
    months = None
    needed = settings.mentor_min_sobriety_months
    if sober_since is None:
        reasons.append("no sobriety start date is recorded")
    else:
        months = max(0, whole_months_between(sober_since, today))
        if months < needed:
            reasons.append(f"sober {_months(months)}; the team asks for {_months(needed)}")
    return Eligibility(not reasons, tuple(reasons), months)


def _months(count: int) -> str:
    if count and count % 12 == 0:
        years = count // 12
        return f"{years} year" + ("s" if years != 1 else "")
    return f"{count} month" + ("s" if count != 1 else "")


def effective_status(status: MentorStatus, paused_until: date | None, today: date) -> MentorStatus:
    """A pause ends by itself on its date."""
    if status is MentorStatus.PAUSED and paused_until is not None and paused_until <= today:
        return MentorStatus.ACTIVE
    return status


def availability_problem(status: MentorStatus, training_completed_on: date | None) -> str | None:
    """Why an eligible mentor still cannot take mentees (None: they can)."""
    if status is not MentorStatus.ACTIVE:
        return f"status is {label(status).lower()}"
    if training_completed_on is None:
        return "training is not recorded as completed"
    return None


# -- profiles ----------------------------------------------------------------------------------


@dataclass
class MentorProfileData:
    """Every editable field of a mentor profile, plus bookkeeping when loaded."""

    status: MentorStatus = MentorStatus.APPLICANT
    training_completed_on: date | None = None
    training_completed_by: str | None = None
    paused_until: date | None = None
    capacity: int = DEFAULT_CAPACITY
    availability: list[str] = field(default_factory=list)
    evening_weekend_calls: bool = False
    gender: Gender | None = None
    preferred_mentee_genders: list[Gender] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    background_check_on: date | None = None
    notes: str | None = None
    # Bookkeeping: filled when loaded; `row_version` guards against overwriting a colleague's save.
    alumnus_id: int | None = None
    row_version: int | None = None


EDITABLE = tuple(f.name for f in fields(MentorProfileData) if f.name not in ("alumnus_id", "row_version"))


def check_profile(data: MentorProfileData, today: date) -> tuple[MentorProfileData, list[Problem]]:
    """The profile cleaned, and every problem with a message fit to show beside its field."""
    problems: list[Problem] = []
    try:
        status = MentorStatus(data.status)
    except ValueError:
        problems.append(Problem("status", "Choose a status"))
        status = MentorStatus.APPLICANT
    capacity = data.capacity
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        problems.append(Problem("capacity", f"Capacity is 1 to {MAX_CAPACITY} mentees"))
    trained_on = data.training_completed_on
    if trained_on is not None and trained_on > today:
        problems.append(Problem("training_completed_on", "Training can't be completed in the future"))
    if status is MentorStatus.ACTIVE and trained_on is None:
        problems.append(Problem("training_completed_on", "Enter when training was completed to make them active"))
    paused_until = data.paused_until
    if status is MentorStatus.PAUSED and (paused_until is None or paused_until <= today):
        problems.append(Problem("paused_until", "Enter the date the pause ends (after today)"))
    if status is not MentorStatus.PAUSED:
        paused_until = None
    if data.background_check_on is not None and data.background_check_on > today:
        problems.append(Problem("background_check_on", "The background check can't be in the future"))
    trainer = (data.training_completed_by or "").strip() or None
    if trainer and len(trainer) > MAX_TRAINER:
        problems.append(Problem("training_completed_by", f"Keep it under {MAX_TRAINER} characters"))
    person = check_person_fields(data, "preferred_mentee_genders", problems)
    clean = MentorProfileData(
        status=status, training_completed_on=trained_on, training_completed_by=trainer, paused_until=paused_until,
        capacity=capacity, availability=person.availability, evening_weekend_calls=bool(data.evening_weekend_calls),
        gender=person.gender, preferred_mentee_genders=person.genders, interests=person.interests,
        background_check_on=data.background_check_on, notes=person.notes, alumnus_id=data.alumnus_id,
        row_version=data.row_version)
    return clean, problems


def _stored(name: str, value):
    if name == "preferred_mentee_genders":
        return [g.value for g in value]
    return value


def _to_data(profile: MentorProfile) -> MentorProfileData:
    values = {name: getattr(profile, name) for name in EDITABLE}
    values["availability"] = list(profile.availability or [])
    values["interests"] = list(profile.interests or [])
    values["preferred_mentee_genders"] = [Gender(g) for g in profile.preferred_mentee_genders or []]
    return MentorProfileData(**values, alumnus_id=profile.alumnus_id, row_version=profile.row_version)


# -- the pool ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MenteeBrief:
    pairing_id: int
    alumnus_id: int
    name: str
    started_on: date | None  # None: locked, not started


@dataclass(frozen=True)
class MentorRow:
    """One mentor as the pool list and the capacity overview show them."""

    alumnus_id: int
    name: str
    client_id: str
    status: MentorStatus  # as stored
    effective_status: MentorStatus  # a pause that has ended reads as active
    paused_until: date | None
    eligible: bool
    reasons: tuple[str, ...]  # why they cannot take mentees now (eligibility first, then status)
    available: bool  # eligible and active: the pairing engine may suggest them
    capacity: int
    load: int  # active pairings
    locked: int  # pairings locked, not started
    completed_pairings: int
    months_sober: int | None
    languages: tuple[str, ...]
    city: str | None
    gender: Gender | None
    evening_weekend_calls: bool
    training_completed_on: date | None
    background_check_on: date | None
    mentees: tuple[MenteeBrief, ...]

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.load - self.locked)

    @property
    def status_label(self) -> str:
        if self.effective_status is MentorStatus.PAUSED and self.paused_until:
            return f"Paused until {self.paused_until.isoformat()}"
        return label(self.effective_status)


@dataclass(frozen=True)
class MentorFacts:
    """A mentor as the pairing loader needs them (no names)."""

    profile: MentorProfile
    alumnus: Alumnus
    eligibility: Eligibility
    effective_status: MentorStatus
    available: bool
    reasons: tuple[str, ...]


def standing(*, sober_since: date | None, consents: bool, alumni_status: AlumniStatus, archived: bool,
             status: MentorStatus, paused_until: date | None, training_completed_on: date | None,
             settings: TeamSettingsValues, today: date) -> tuple[Eligibility, MentorStatus, tuple[str, ...]]:
    """Eligibility, the status in force today, and every reason they cannot take mentees now."""
    allowed = eligibility(sober_since=sober_since, consents=consents, alumni_status=alumni_status,
                          archived=archived, settings=settings, today=today)
    now = effective_status(status, paused_until, today)
    problem = availability_problem(now, training_completed_on)
    return allowed, now, allowed.reasons + ((problem,) if problem else ())


def mentor_facts(session: Session, settings: TeamSettingsValues, today: date) -> list[MentorFacts]:
    """Every mentor profile with its alumnus and where they stand today, within the caller's session."""
    rows = session.execute(
        select(MentorProfile, Alumnus).join(Alumnus, Alumnus.id == MentorProfile.alumnus_id)
        .order_by(Alumnus.sort_name, Alumnus.id))
    found = []
    for profile, alumnus in rows:
        allowed, status, reasons = standing(
            sober_since=alumnus.sobriety_start_date, consents=alumnus.consents_to_mentor_program,
            alumni_status=alumnus.status, archived=alumnus.archived_at is not None, status=profile.status,
            paused_until=profile.paused_until, training_completed_on=profile.training_completed_on,
            settings=settings, today=today)
        found.append(MentorFacts(profile, alumnus, allowed, status, not reasons, reasons))
    return found


def pairing_counts(session: Session) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """Per mentor: active pairings, locked pairings, and completed pairings."""
    p = MentorPairing.__table__.c
    active: dict[int, int] = {}
    locked: dict[int, int] = {}
    for mentor_id, started, count in session.execute(
            select(p.mentor_id, p.started_on.is_not(None), func.count())
            .where(p.current.is_(True)).group_by(p.mentor_id, p.started_on.is_not(None))):
        (active if started else locked)[mentor_id] = count
    completed = dict(session.execute(
        select(p.mentor_id, func.count()).where(p.end_reason == PairingEndReason.COMPLETED.value)
        .group_by(p.mentor_id)).all())
    return active, locked, completed


class MentorPoolService:
    def __init__(self, database: Database, *, today: Callable[[], date] = date.today):
        self.database = database
        self._today = today

    def profile(self, alumnus_id: int) -> MentorProfileData | None:
        """The alumnus's mentor profile, or None when they have none."""
        with self.database.session() as session:
            profile = session.scalar(select(MentorProfile).where(MentorProfile.alumnus_id == alumnus_id))
            return _to_data(profile) if profile is not None else None

    def validate(self, data: MentorProfileData) -> list[Problem]:
        return check_profile(data, self._today())[1]

    def save_profile(self, alumnus_id: int, data: MentorProfileData, actor: Actor) -> MentorProfileData:
        """Create or change the alumnus's mentor profile. A change needs the `row_version` it was
        loaded at; capacity never drops below the mentees they already have."""
        clean, problems = check_profile(data, self._today())
        if problems:
            raise ValidationFailed(problems)
        with self.database.session() as session:
            if session.get(Alumnus, alumnus_id) is None:
                raise RecordNotFoundError("This alumnus record")
            profile = session.scalar(
                select(MentorProfile).where(MentorProfile.alumnus_id == alumnus_id).with_for_update())
            if profile is None:
                profile = MentorProfile(alumnus_id=alumnus_id, created_by_id=actor.staff_id,
                                        updated_by_id=actor.staff_id,
                                        **{name: _stored(name, getattr(clean, name)) for name in EDITABLE})
                session.add(profile)
                action, changed = AuditAction.CREATE, list(EDITABLE)
            else:
                if clean.row_version is None or clean.row_version != profile.row_version:
                    raise ConcurrentEditError("This mentor profile")
                changed = [name for name in EDITABLE
                           if _stored(name, getattr(clean, name)) != _stored(name, getattr(_to_data(profile), name))]
                if not changed:
                    return _to_data(profile)
                if "capacity" in changed:
                    _check_capacity(session, alumnus_id, clean.capacity)
                for name in changed:
                    setattr(profile, name, _stored(name, getattr(clean, name)))
                profile.updated_at = utcnow()
                profile.updated_by_id = actor.staff_id
                action = AuditAction.STATUS_CHANGE if changed == ["status"] else AuditAction.UPDATE
            try:
                session.flush()
            except StaleDataError:
                raise ConcurrentEditError("This mentor profile") from None
            except IntegrityError:
                raise ConcurrentEditError("This mentor profile") from None  # made at another desk just now
            audit.record(session, actor, action, ENTITY, alumnus_id, changed)
            session.commit()
            return _to_data(profile)

    def pool(self) -> list[MentorRow]:
        """Every mentor with eligibility, status and load — the capacity overview. Name order."""
        today = self._today()
        with self.database.session() as session:
            settings = stored_values(session)
            facts = mentor_facts(session, settings, today)
            active, locked, completed = pairing_counts(session)
            mentees = _current_mentees(session)
        return [
            MentorRow(
                alumnus_id=f.alumnus.id, name=display_name(f.alumnus.first_name, f.alumnus.last_name,
                                                           f.alumnus.preferred_name),
                client_id=f.alumnus.client_id, status=f.profile.status, effective_status=f.effective_status,
                paused_until=f.profile.paused_until, eligible=f.eligibility.eligible, reasons=f.reasons,
                available=f.available, capacity=f.profile.capacity, load=active.get(f.alumnus.id, 0),
                locked=locked.get(f.alumnus.id, 0), completed_pairings=completed.get(f.alumnus.id, 0),
                months_sober=f.eligibility.months_sober, languages=tuple(f.alumnus.languages or ()),
                city=f.alumnus.city,
                gender=f.profile.gender, evening_weekend_calls=f.profile.evening_weekend_calls,
                training_completed_on=f.profile.training_completed_on,
                background_check_on=f.profile.background_check_on,
                mentees=tuple(mentees.get(f.alumnus.id, ())),
            )
            for f in facts
        ]

    def eligibility_of(self, alumnus_id: int) -> Eligibility:
        """Whether this alumnus could mentor (with or without a profile), and why not."""
        today = self._today()
        with self.database.session() as session:
            alumnus = session.get(Alumnus, alumnus_id)
            if alumnus is None:
                raise RecordNotFoundError("This alumnus record")
            return eligibility(sober_since=alumnus.sobriety_start_date, consents=alumnus.consents_to_mentor_program,
                               alumni_status=alumnus.status, archived=alumnus.archived_at is not None,
                               settings=stored_values(session), today=today)


def _check_capacity(session: Session, mentor_id: int, capacity: int) -> None:
    p = MentorPairing.__table__.c
    current = session.scalar(select(func.count()).where(p.mentor_id == mentor_id, p.current.is_(True))) or 0
    if capacity < current:
        raise ValidationFailed([Problem(
            "capacity", f"They have {current} mentees now; end a pairing before lowering the capacity to {capacity}")])


def _current_mentees(session: Session) -> dict[int, list[MenteeBrief]]:
    p, a = MentorPairing.__table__.c, Alumnus.__table__.c
    rows = session.execute(
        select(p.mentor_id, p.id, a.id, a.first_name, a.last_name, a.preferred_name, p.started_on)
        .join(Alumnus.__table__, and_(a.id == p.mentee_id))
        .where(p.current.is_(True)).order_by(p.mentor_id, p.started_on, p.id))
    found: dict[int, list[MenteeBrief]] = {}
    for mentor_id, pairing_id, mentee_id, first, last, preferred, started in rows:
        found.setdefault(mentor_id, []).append(MenteeBrief(pairing_id, mentee_id, display_name(first, last, preferred),
                                                           started))
    return found


def require_mentor(session: Session, alumnus_id: int) -> MentorProfile:
    profile = session.scalar(select(MentorProfile).where(MentorProfile.alumnus_id == alumnus_id).with_for_update())
    if profile is None:
        raise AftercareError("This alumnus has no mentor profile.")
    return profile
