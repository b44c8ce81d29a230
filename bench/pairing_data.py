"""Synthetic mentor pools and waiting lists for the pairing figures, the same for the same seed.

`synthetic_problem` makes plain data for the engine alone; `write_database` puts the same kind of
people into an SQLite database (alumni, mentor and mentee profiles, active pairings for the mentors'
current load) for the end-to-end figures.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

from aftercare_desktop.models.enums import Gender, MenteeNeed, MentorStatus, Program, RecoveryPathway
from aftercare_desktop.services.availability import SLOTS
from aftercare_desktop.services.matching import DAYS_PER_YEAR, Mentee, Mentor, Problem, weights_from
from aftercare_desktop.services.team_settings import DEFAULTS

AS_OF = date(2026, 6, 15)
LANGUAGES = (("English",), ("English",), ("English",), ("English", "Spanish"), ("Spanish",), ("Vietnamese", "English"))
GENDERS = (Gender.WOMAN.value, Gender.MAN.value, Gender.MAN.value, Gender.WOMAN.value, Gender.NON_BINARY.value, None)
PATHWAYS = tuple(p.value for p in RecoveryPathway)
PROGRAMS = tuple(p.value for p in Program)
SUBSTANCES = ("Alcohol", "Opioids", "Fentanyl", "Cocaine", "Methamphetamine", "Cannabis", "Benzodiazepines")
INTERESTS = ("running", "cooking", "fishing", "music", "faith", "parenting", "gardening", "hiking", "art",
             "basketball", "reading", "volunteering", "gaming", "cars", "yoga", "photography")
CITIES = (("Chicago", "606"), ("Chicago", "607"), ("Evanston", "602"), ("Oak Park", "603"), ("Cicero", "608"))


def _person(rng: random.Random) -> dict:
    city, prefix = rng.choice(CITIES)
    return dict(
        languages=frozenset(rng.choice(LANGUAGES)), gender=rng.choice(GENDERS),
        pathways=frozenset(rng.sample(PATHWAYS, rng.choice((1, 1, 2)))),
        substances=frozenset(rng.sample(SUBSTANCES, rng.choice((1, 1, 2, 3)))), program=rng.choice(PROGRAMS),
        born=AS_OF - timedelta(days=int(rng.uniform(20, 65) * DAYS_PER_YEAR)), city=city,
        postal_code=f"{prefix}{rng.randint(0, 99):02d}", availability=frozenset(rng.sample(SLOTS, rng.randint(2, 10))),
        interests=frozenset(rng.sample(INTERESTS, rng.randint(0, 4))))


def _wants(rng: random.Random, gender: str | None, share: float) -> frozenset[str]:
    return frozenset({gender}) if gender and rng.random() < share else frozenset()


def synthetic_problem(seed: int, mentees: int, mentors: int) -> Problem:
    rng = random.Random(f"bench-pairing-{seed}-{mentees}-{mentors}")
    mentor_list = []
    for j in range(mentors):
        person = _person(rng)
        capacity = rng.randint(1, 3)
        mentor_list.append(Mentor(
            id=100_000 + j, capacity=capacity, load=rng.randint(0, capacity - 1) if rng.random() < 0.3 else 0,
            available=rng.random() < 0.9, mentee_genders=_wants(rng, person["gender"], 0.15),
            evening_weekend=rng.random() < 0.5, completed_pairings=rng.randint(0, 6), **person))
    mentee_list = []
    for i in range(mentees):
        person = _person(rng)
        mentee_list.append(Mentee(id=1 + i, consents=rng.random() < 0.97, needs_calls=rng.random() < 0.6,
                                  mentor_genders=_wants(rng, person["gender"], 0.25), **person))
    return Problem(tuple(mentor_list), tuple(mentee_list), weights_from(DEFAULTS), cooldown_days=90)


def write_database(path: str, seed: int, mentees: int, mentors: int) -> None:
    """An SQLite database with `mentors` mentors and `mentees` alumni waiting, made by the app's
    schema; the mentors' current mentees are alumni of their own."""
    from sqlalchemy import insert

    from aftercare_desktop.db import Database, resolve_url
    from aftercare_desktop.models import Alumnus, MenteeProfile, MentorPairing, MentorProfile
    from aftercare_desktop.schema import ensure_schema
    from aftercare_desktop.services import text

    problem = synthetic_problem(seed, mentees, mentors)
    rng = random.Random(f"bench-pairing-db-{seed}")
    created = datetime(2025, 1, 1, 12, tzinfo=timezone.utc)
    alumni, mentor_rows, mentee_rows, pairing_rows = [], [], [], []
    next_id = 1

    def alumnus(person, wants: bool, sober_days: int) -> int:
        nonlocal next_id
        alumnus_id, next_id = next_id, next_id + 1
        first, last = f"Person{alumnus_id}", "Synthetic"
        alumni.append(dict(
            id=alumnus_id, client_id=f"BP-{alumnus_id:06d}", first_name=first, last_name=last,
            sort_name=text.sort_name(first, last), search_text=text.search_text(first, last),
            languages=sorted(person.languages), recovery_pathways=sorted(person.pathways),
            substances=sorted(person.substances), program=person.program, date_of_birth=person.born,
            city=person.city, postal_code=person.postal_code, sobriety_start_date=AS_OF - timedelta(days=sober_days),
            consents_to_mentor_program=person.consents, wants_mentor=wants, opted_in_on=AS_OF - timedelta(days=60),
            created_at=created, updated_at=created, row_version=1))
        return alumnus_id

    for m in problem.mentors:
        mentor_id = alumnus(m, False, 800 if m.available else 200)
        mentor_rows.append(dict(
            alumnus_id=mentor_id, status=MentorStatus.ACTIVE, training_completed_on=AS_OF - timedelta(days=100),
            capacity=m.capacity, availability=sorted(m.availability), evening_weekend_calls=m.evening_weekend,
            gender=m.gender, preferred_mentee_genders=sorted(m.mentee_genders), interests=sorted(m.interests),
            created_at=created, updated_at=created, row_version=1))
        for _ in range(m.load):
            current = alumnus(m, False, 100)
            pairing_rows.append(dict(mentee_id=current, mentor_id=mentor_id, started_on=AS_OF - timedelta(days=30),
                                     ended_on=None, current=True, created_at=created, updated_at=created,
                                     row_version=1))
    for e in problem.mentees:
        mentee_id = alumnus(e, True, rng.randint(20, 300))
        mentee_rows.append(dict(
            alumnus_id=mentee_id, waiting_since=AS_OF - timedelta(days=rng.randint(0, 90)),
            needs=[MenteeNeed.CRAVING_CALLS.value] if e.needs_calls else [MenteeNeed.WEEKLY_CHECKIN.value],
            gender=e.gender, preferred_mentor_genders=sorted(e.mentor_genders), preferred_languages=[],
            preferred_pathways=[], availability=sorted(e.availability), interests=sorted(e.interests),
            created_at=created, updated_at=created, row_version=1))
    database = Database.open(resolve_url(path))
    try:
        ensure_schema(database)
        with database.engine.begin() as connection:
            for table, rows in ((Alumnus, alumni), (MentorProfile, mentor_rows), (MenteeProfile, mentee_rows),
                                (MentorPairing, pairing_rows)):
                if rows:
                    connection.execute(insert(table.__table__), rows)
    finally:
        database.dispose()
