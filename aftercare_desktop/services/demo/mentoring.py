"""Demo data for the mentor program: the step of the generator that runs after the chunks of alumni
(see POPULATION_STEPS in services/demo/__init__.py): mentors and mentees are paired across the whole
population.

Mentor profiles for about a third of the long-sober alumni who consented to the program (most of
them active, some in training, paused or retired); past pairings with their end reasons; active
pairings for about half of the recent alumni who want a mentor, with the mentor's check-ins (a few
of them lapsing lately, so the review and the early-warning queue have something to show); needs
and preferences for those still waiting; and the last four weekly pairing reviews.

Gender is not kept on the alumnus record; the step reads it off the pronouns the alumni step gave
(unknown without them). Its own random stream keeps the rows of the earlier steps as they were.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from ...models import (
    Alumnus,
    CheckIn,
    MenteeProfile,
    MentorPairing,
    MentorProfile,
    PairingReview,
    PairingReviewAttendee,
    PairingReviewOutcome,
)
from ...models.enums import (
    AlumniStatus,
    CheckinMethod,
    CheckinOutcome,
    Gender,
    MenteeNeed,
    MentorStatus,
    PairingEndReason,
    ReviewOutcome,
)
from ..availability import SLOTS
from .checkins import CHECKIN_COLUMNS
from .writer import write

MENTOR_SHARE = 0.33  # of the long-sober, consenting, followed alumni
MIN_SOBER_DAYS = 400
PAIRED_SHARE = 0.5  # of the recent alumni who want a mentor
RECENT_DAYS = 365
REVIEWS = 4
INTERESTS = ("running", "cooking", "fishing", "music", "faith", "parenting", "gardening", "hiking", "art",
             "basketball", "reading", "volunteering", "gaming", "cars", "yoga", "photography")
TRAINERS = ("Peer Recovery Academy", "State peer specialist course", "In-house mentor training")
REVIEW_NOTES = (
    "Good rhythm; weekly calls.", "Meeting at the Thursday alumni group together.",
    "Mentor on holiday next week; caseworker covers.", "Asked the mentor to check in twice a week for now.",
    "Mentee would like more evening contact.", "Talked about the upcoming one-year milestone.",
)
_STATUS = ((MentorStatus.ACTIVE, 0.72), (MentorStatus.IN_TRAINING, 0.1), (MentorStatus.PAUSED, 0.07),
           (MentorStatus.APPLICANT, 0.06), (MentorStatus.RETIRED, 0.05))
_CAPACITY = ((1, 0.25), (2, 0.55), (3, 0.2))
_ENDED = ((PairingEndReason.COMPLETED, 0.6), (PairingEndReason.LOST_CONTACT, 0.14),
          (PairingEndReason.MENTEE_REQUEST, 0.1), (PairingEndReason.CONFLICT, 0.05),
          (PairingEndReason.RECURRENCE, 0.06), (PairingEndReason.MENTOR_CAPACITY, 0.05))
_NEEDS = ((MenteeNeed.CRAVING_CALLS, 0.6), (MenteeNeed.WEEKLY_CHECKIN, 0.5), (MenteeNeed.MEETING_COMPANION, 0.3),
          (MenteeNeed.PATHWAY_GUIDE, 0.2), (MenteeNeed.PRACTICAL, 0.2), (MenteeNeed.FAMILY, 0.15))
_PAIRING_COLUMNS = ("mentee_id", "mentor_id", "started_on", "ended_on", "end_reason", "end_note", "current",
                    "match_score", "created_at", "created_by_id", "updated_at", "updated_by_id", "row_version")


def _gender(pronouns: str | None) -> Gender | None:
    if not pronouns:
        return None
    first = pronouns.split("/")[0]
    return {"she": Gender.WOMAN, "he": Gender.MAN, "they": Gender.NON_BINARY}.get(first)


def _pick(rng: random.Random, pairs) -> object:
    roll, total = rng.random(), 0.0
    for value, share in pairs:
        total += share
        if roll < total:
            return value
    return pairs[-1][0]


def _slots(rng: random.Random, low: int, high: int) -> list[str]:
    return sorted(rng.sample(SLOTS, rng.randint(low, high)), key=SLOTS.index)


def _at(day: date, rng: random.Random) -> datetime:
    """A moment on `day` between 9 am and 9 pm UTC."""
    return datetime.combine(day, time(9), tzinfo=timezone.utc) + timedelta(seconds=int(rng.random() * 43_200))


def _with_room(rng: random.Random, pools: list[list[int]], room: dict[int, int]) -> int | None:
    """A random mentor with room from the pools (one per shared language), or None."""
    pools = [pool for pool in pools if pool]
    while pools:
        pool = rng.choice(pools)
        index = int(rng.random() * len(pool))
        mentor_id = pool[index]
        if room[mentor_id] > 0:
            return mentor_id
        pool[index] = pool[-1]
        pool.pop()
        pools = [pool for pool in pools if pool]
    return None


class MentoringStep:
    name = "mentoring"
    per_alumnus = 0

    def run(self, context, rng: random.Random) -> None:
        connection = context.connection
        today = context.today
        last_day = today - timedelta(days=2)
        coordinators = [s.id for s in context.coordinators] or [s.id for s in context.staff]
        a = Alumnus.__table__.c
        extra = {row.id: row for row in connection.execute(
            select(a.id, a.wants_mentor, a.consents_to_mentor_program, a.pronouns, a.opted_in_on))}
        followed = [f for f in context.alumni if f.status is AlumniStatus.ACTIVE and not f.archived]
        courses = {f.id: course for f, course in zip(context.alumni, context.courses)}

        # Mentors.
        mentors: list[dict] = []
        for alumnus in followed:
            info = extra[alumnus.id]
            if (alumnus.sobriety is None or (today - alumnus.sobriety).days < MIN_SOBER_DAYS
                    or not info.consents_to_mentor_program or info.wants_mentor or rng.random() >= MENTOR_SHARE):
                continue
            status = _pick(rng, _STATUS)
            trained = None
            if status not in (MentorStatus.APPLICANT, MentorStatus.IN_TRAINING):
                earliest = alumnus.sobriety + timedelta(days=365)
                trained = earliest + timedelta(days=int(rng.random() * max(1, (last_day - earliest).days)))
            gender = _gender(info.pronouns)
            mentors.append({
                "alumnus_id": alumnus.id, "status": status, "training_completed_on": trained,
                "training_completed_by": rng.choice(TRAINERS) if trained else None,
                "paused_until": today + timedelta(days=rng.randint(7, 60)) if status is MentorStatus.PAUSED else None,
                "capacity": _pick(rng, _CAPACITY), "availability": _slots(rng, 3, 10),
                "evening_weekend_calls": rng.random() < 0.5, "gender": gender,
                "preferred_mentee_genders": [gender.value] if gender and rng.random() < 0.2 else [],
                "interests": rng.sample(INTERESTS, rng.randint(1, 4)),
                "background_check_on": last_day - timedelta(days=rng.randint(0, 700)) if trained else None,
                "notes": None, "created_at": _at(trained or last_day, rng), "created_by_id": rng.choice(coordinators),
                "updated_at": _at(last_day, rng), "updated_by_id": rng.choice(coordinators), "row_version": 1,
                "_languages": set(alumnus.languages),
            })
        # Tables are written with Core inserts: a few thousand rows at most.
        if mentors:
            connection.execute(MentorProfile.__table__.insert(),
                               [{k: v for k, v in m.items() if not k.startswith("_")} for m in mentors])
        available = [m for m in mentors if m["status"] is MentorStatus.ACTIVE]

        # Past pairings, with older alumni as mentees.
        older = [f for f in context.alumni if f.discharge and (today - f.discharge).days > RECENT_DAYS + 60]
        pairings: list[tuple] = []
        for mentor in available:
            for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
                if not older:
                    break
                mentee = rng.choice(older)
                if mentee.id == mentor["alumnus_id"]:
                    continue
                start = mentee.discharge + timedelta(days=rng.randint(7, 60))
                end = min(start + timedelta(days=rng.randint(60, 300)), last_day - timedelta(days=100))
                if end <= start:
                    continue
                reason = _pick(rng, _ENDED)
                by = rng.choice(coordinators)
                pairings.append((mentee.id, mentor["alumnus_id"], start, end, reason, None, None,
                                 round(rng.uniform(8, 24), 2), _at(start, rng), by, _at(end, rng), by, 2))

        # Active pairings for recent alumni who want a mentor; the others wait.
        room = {m["alumnus_id"]: m["capacity"] for m in available}
        # Mentors with room, by language; full ones are dropped as they are met.
        by_language: dict[str, list[int]] = {}
        for m in available:
            for language in sorted(m["_languages"]):
                by_language.setdefault(language, []).append(m["alumnus_id"])
        waiting: list = []
        active: list[tuple] = []
        for alumnus in followed:
            info = extra[alumnus.id]
            if not info.wants_mentor:
                continue
            recent = alumnus.discharge is not None and (today - alumnus.discharge).days <= RECENT_DAYS
            mentor_id = None
            if recent and info.consents_to_mentor_program and rng.random() < PAIRED_SHARE:
                mentor_id = _with_room(rng, [by_language.get(lang, []) for lang in alumnus.languages], room)
            if mentor_id is not None:
                room[mentor_id] -= 1
                start = min(alumnus.discharge + timedelta(days=rng.randint(5, 40)), last_day - timedelta(days=3))
                by = rng.choice(coordinators)
                active.append((alumnus.id, mentor_id, start, None, None, None, True,
                               round(rng.uniform(8, 24), 2), _at(start, rng), by, _at(start, rng), by, 1))
            else:
                waiting.append((alumnus, info))
        write(connection, MentorPairing.__table__, _PAIRING_COLUMNS, pairings + active)

        # The mentors' check-ins of the last twelve weeks: every 4–10 days; some pairings have gone
        # quiet lately. None when a fixed number of check-ins per alumnus was asked for (benchmarks).
        check_ins = []
        for mentee_id, mentor_id, start, *_ in active if context.checkins_per_alumnus is None else ():
            course = courses.get(mentee_id)
            quiet_after = last_day - timedelta(days=rng.randint(18, 40)) if rng.random() < 0.2 else last_day
            day = max(start, last_day - timedelta(weeks=12)) + timedelta(days=rng.randint(1, 5))
            while day <= quiet_after:
                occurred = _at(day, rng)
                method = CheckinMethod.TEXT if rng.random() < 0.35 else CheckinMethod.CALL
                if rng.random() < 0.85:
                    level = course.level(day) if course is not None else 0.0
                    mood = max(1, min(5, round((course.mood if course else 3.5) - 1.5 * level + rng.uniform(-0.6, 0.6))))
                    craving = max(0, min(10, round((course.craving if course else 2) + 4 * level
                                                   + rng.uniform(-1, 1))))
                    row = (mentee_id, occurred, None, mentor_id, method, CheckinOutcome.REACHED, mood, craving,
                           False, None, [], None, None, None, occurred + timedelta(minutes=20))
                else:
                    row = (mentee_id, occurred, None, mentor_id, method, CheckinOutcome.NO_ANSWER, None, None,
                           None, None, [], None, None, None, occurred + timedelta(minutes=5))
                check_ins.append(row)
                day += timedelta(days=rng.randint(4, 10))
        check_ins.sort(key=lambda row: (row[0], row[1]))
        write(connection, CheckIn.__table__, CHECKIN_COLUMNS, check_ins)

        # Everyone waiting has a mentee profile saying since when (a few weeks or months: a wish to be
        # paired is taken up again, not left standing for years); most also have needs and preferences.
        profiles = []
        for alumnus, info in waiting:
            described = rng.random() < 0.8
            since = max(info.opted_in_on or alumnus.discharge or last_day,
                        last_day - timedelta(days=rng.randint(3, 120)))
            gender = _gender(info.pronouns)
            by = alumnus.caseworker_id or rng.choice(coordinators)
            profiles.append({
                "alumnus_id": alumnus.id, "waiting_since": min(since, last_day),
                "needs": [need.value for need, share in _NEEDS if rng.random() < share] if described else [],
                "gender": gender,
                "preferred_mentor_genders": [gender.value] if described and gender and rng.random() < 0.25 else [],
                "preferred_languages": [], "preferred_pathways": [],
                "availability": _slots(rng, 2, 8) if described else [],
                "interests": rng.sample(INTERESTS, rng.randint(0, 3)) if described else [], "notes": None,
                "created_at": _at(min(since, last_day), rng), "created_by_id": by,
                "updated_at": _at(min(since, last_day), rng), "updated_by_id": by, "row_version": 1,
            })
        if profiles:
            connection.execute(MenteeProfile.__table__.insert(), profiles)

        # The last weekly reviews (Tuesdays), with an outcome for the pairings running then.
        p = MentorPairing.__table__.c
        running = connection.execute(select(p.id, p.started_on).where(p.current.is_(True))).all()
        tuesday = last_day - timedelta(days=(last_day.weekday() - 1) % 7)
        reviews = 0
        for week in range(REVIEWS):
            held_on = tuesday - timedelta(weeks=week)
            discussed = [pid for pid, started in running if started <= held_on - timedelta(days=7)]
            if not discussed:
                continue
            review_id = connection.execute(PairingReview.__table__.insert().values(
                held_on=held_on, notes=None, created_at=_at(held_on, rng),
                created_by_id=coordinators[0])).inserted_primary_key[0]
            attendees = sorted(set(rng.sample(coordinators, min(2, len(coordinators)))))
            connection.execute(PairingReviewAttendee.__table__.insert(),
                               [{"review_id": review_id, "staff_id": s} for s in attendees])
            connection.execute(PairingReviewOutcome.__table__.insert(), [
                {"review_id": review_id, "pairing_id": pid,
                 "outcome": ReviewOutcome.WATCH if rng.random() < 0.15 else ReviewOutcome.CONTINUE,
                 "notes": rng.choice(REVIEW_NOTES) if rng.random() < 0.3 else None}
                for pid in discussed])
            reviews += 1
        # Mentor check-ins are check-ins like any other in the summary.
        context.counts["check_ins"] = context.counts.get("check_ins", 0) + len(check_ins)
        context.counts.update(mentors=len(mentors), pairings=len(pairings) + len(active),
                              mentor_check_ins=len(check_ins), mentee_profiles=len(profiles), pairing_reviews=reviews)
