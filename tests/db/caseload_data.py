"""Builders for caseloads in tests of the early-warning engine, the Today page and the attention CLI.

Rows go straight into the tables (the engine reads tables, not other services). Every date is given
relative to the test's "today"; check-ins happen at 3 pm local time unless a test says otherwise.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from aftercare_desktop.db import Database
from aftercare_desktop.models import (
    AftercarePlan,
    Alumnus,
    AssessmentResult,
    CheckIn,
    MeetingAttendance,
    MilestoneCelebration,
    PlanMeeting,
    RecurrenceEvent,
)
from aftercare_desktop.models.enums import (
    AlumniStatus,
    CheckinCadence,
    CheckinMethod,
    CheckinOutcome,
    MeetingKind,
    PlanStatus,
    RecurrenceKind,
)
from aftercare_desktop.services import staff, text


def local(day: date, hour: int = 15, minute: int = 0) -> datetime:
    """A local wall-clock time on `day`, as the aware UTC timestamp the database keeps."""
    return datetime.combine(day, time(hour, minute)).astimezone(timezone.utc)


class CaseloadBuilder:
    def __init__(self, database: Database, today: date):
        self.database = database
        self.today = today
        self._clients = 0

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def _add(self, row):
        with self.database.session() as session:
            session.add(row)
            session.commit()
            return row.id

    def caseworker(self, name: str) -> int:
        return staff.add_staff(self.database, name).id

    def alumnus(self, first: str = "Ana", last: str = "Lopez", *, caseworker_id: int | None = None,
                status: AlumniStatus = AlumniStatus.ACTIVE, archived: bool = False, preferred: str | None = None,
                discharged_ago: int | None = 400, opted_in_ago: int | None = 400,
                sober_since: date | None = None) -> int:
        self._clients += 1
        created = local(self.ago(500), 9)
        return self._add(Alumnus(
            client_id=f"AC-{self._clients:05d}", first_name=first, last_name=last, preferred_name=preferred,
            sort_name=text.sort_name(first, last), search_text=text.search_text(first, last, preferred),
            caseworker_id=caseworker_id, status=status, archived_at=created if archived else None,
            discharge_date=self.ago(discharged_ago) if discharged_ago is not None else None,
            opted_in_on=self.ago(opted_in_ago) if opted_in_ago is not None else None,
            sobriety_start_date=sober_since, created_at=created, updated_at=created,
        ))

    def plan(self, alumnus_id: int, cadence: CheckinCadence = CheckinCadence.WEEKLY, *, started_ago: int = 90,
             meetings_per_week: tuple[int, ...] = (), version: int = 1,
             status: PlanStatus = PlanStatus.ACTIVE) -> int:
        plan = AftercarePlan(alumnus_id=alumnus_id, version=version, status=status,
                             start_date=self.ago(started_ago), checkin_cadence=cadence)
        plan.meetings = [PlanMeeting(position=i, kind=MeetingKind.AA, per_week=n)
                         for i, n in enumerate(meetings_per_week)]
        return self._add(plan)

    def checkin(self, alumnus_id: int, ago: int, outcome: CheckinOutcome = CheckinOutcome.REACHED, *,
                mood: int | None = None, craving: int | None = None, signs: tuple[str, ...] = (),
                method: CheckinMethod = CheckinMethod.CALL, meetings: int | None = None, hour: int = 15,
                minute: int = 0, at: datetime | None = None, follow_up_in: int | None = None,
                follow_up_done: bool = False) -> int:
        day = self.ago(ago)
        occurred = at or local(day, hour, minute)
        follow_up = day + timedelta(days=follow_up_in) if follow_up_in is not None else None
        return self._add(CheckIn(
            alumnus_id=alumnus_id, occurred_at=occurred, method=method, outcome=outcome,
            mood=mood, craving=craving, meetings_attended=meetings, warning_signs=list(signs),
            follow_up_due=follow_up, follow_up_done_at=occurred if follow_up_done else None,
        ))

    def reached(self, alumnus_id: int, *agos: int, **values) -> None:
        for ago in agos:
            self.checkin(alumnus_id, ago, **values)

    def attendance(self, alumnus_id: int, ago: int, attended: bool) -> int:
        return self._add(MeetingAttendance(alumnus_id=alumnus_id, met_on=self.ago(ago), kind=MeetingKind.AA,
                                           attended=attended))

    def assessment(self, alumnus_id: int, instrument: str, ago: int, total: int) -> int:
        items = 10 if instrument == "BARC-10" else 28
        answers = [total // items] * items
        answers[0] += total - sum(answers)
        return self._add(AssessmentResult(alumnus_id=alumnus_id, instrument=instrument,
                                          administered_on=self.ago(ago), answers=answers, total=total))

    def recurrence(self, alumnus_id: int, ago: int, kind: RecurrenceKind = RecurrenceKind.LAPSE) -> int:
        return self._add(RecurrenceEvent(alumnus_id=alumnus_id, occurred_on=self.ago(ago), kind=kind))

    def celebration(self, alumnus_id: int, sober_since: date, milestone: str) -> int:
        return self._add(MilestoneCelebration(alumnus_id=alumnus_id, sobriety_start_date=sober_since,
                                              milestone=milestone, celebrated_on=self.today))


SIGNS = ("Irritability", "Isolation or withdrawal", "Sleep problems", "My own words")


def random_caseload(builder: CaseloadBuilder, seed: int, alumni: int = 40) -> list[int]:
    """A varied caseload for comparing implementations: every kind of history and its edge cases
    (no check-ins, long unanswered streaks, equal timestamps, check-ins after today, old results,
    two results on one day, superseded plans, archived and inactive people)."""
    rng = random.Random(seed)
    caseworkers = [builder.caseworker(f"Caseworker {seed}-{i}") for i in range(3)]
    ids = []
    for n in range(alumni):
        status = rng.choice([AlumniStatus.ACTIVE] * 8 + [AlumniStatus.INACTIVE])
        alumnus_id = builder.alumnus(f"First{n}", f"Last{n}", caseworker_id=rng.choice(caseworkers + [None]),
                                     status=status, archived=rng.random() < 0.05,
                                     discharged_ago=rng.choice([None, 30, 200, 800]),
                                     opted_in_ago=rng.choice([None, 25, 300]),
                                     sober_since=rng.choice([None, builder.ago(rng.randint(0, 800))]))
        ids.append(alumnus_id)
        if rng.random() < 0.7:
            if rng.random() < 0.3:
                builder.plan(alumnus_id, rng.choice(list(CheckinCadence)), started_ago=300,
                             status=PlanStatus.SUPERSEDED)
            builder.plan(alumnus_id, rng.choice(list(CheckinCadence)), started_ago=rng.choice([5, 60, 200]),
                         meetings_per_week=tuple(rng.choice([(), (1,), (2, 1)])), version=2)
        day = rng.randint(-3, 40)
        for _ in range(rng.choice([0, 1, 5, 14, 25])):
            outcome = rng.choice([CheckinOutcome.REACHED] * 4 + [CheckinOutcome.NO_ANSWER,
                                                                 CheckinOutcome.LEFT_MESSAGE])
            reached = outcome is CheckinOutcome.REACHED
            builder.checkin(
                alumnus_id, day, outcome,
                mood=rng.choice([None, 1, 2, 3, 4, 5]) if reached else None,
                craving=rng.choice([None, 0, 2, 5, 8]) if reached else None,
                signs=tuple(rng.sample(SIGNS, rng.choice([0, 0, 1, 2]))) if reached else (),
                method=rng.choice(list(CheckinMethod)),
                meetings=rng.choice([None, 0, 1, 3]) if reached else None,
                hour=rng.choice([0, 8, 15, 23]), minute=rng.choice([0, 59]),
                follow_up_in=rng.choice([None, None, 1, 5]), follow_up_done=rng.random() < 0.4,
            )
            day += rng.choice([0, 1, 3, 7, 14, 40])
        for _ in range(rng.choice([0, 4, 8])):
            builder.attendance(alumnus_id, rng.randint(0, 20), rng.random() < 0.5)
        for instrument, low, high in (("BARC-10", 10, 60), ("AWARE", 28, 196)):
            day = rng.randint(-2, 250)
            for _ in range(rng.choice([0, 1, 2, 3])):
                builder.assessment(alumnus_id, instrument, day, rng.randint(low, high))
                day += rng.choice([0, 60, 90])
        if rng.random() < 0.3:
            builder.recurrence(alumnus_id, rng.randint(-2, 60), rng.choice(list(RecurrenceKind)))
    return ids
