"""Builders for mentor-program tests: alumni with the fields the pairing engine reads, mentors,
mentees and pairings, dated relative to the test's "today"."""

from __future__ import annotations

from datetime import date, timedelta

from aftercare_desktop.db import Database
from aftercare_desktop.models import Alumnus, CheckIn, MentorPairing
from aftercare_desktop.models.enums import AlumniStatus, CheckinMethod, CheckinOutcome, Gender, MentorStatus
from aftercare_desktop.services import text
from aftercare_desktop.services.audit import Actor
from aftercare_desktop.services.mentor_pool import MentorPoolService, MentorProfileData
from aftercare_desktop.services.waiting_list import MenteeProfileData, WaitingListService
from tests.db.caseload_data import local


class MentoringBuilder:
    def __init__(self, database: Database, today: date, actor: Actor):
        self.database = database
        self.today = today
        self.actor = actor
        self.pool = MentorPoolService(database, today=lambda: today)
        self.waiting = WaitingListService(database, today=lambda: today)
        self._clients = 0

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def alumnus(self, first: str, *, languages=("English",), sober_days: int | None = 800, consents: bool = True,
                wants_mentor: bool = False, status: AlumniStatus = AlumniStatus.ACTIVE, pathways=("twelve_step",),
                substances=("Alcohol",), city: str | None = "Chicago", opted_in_ago: int = 30,
                last: str = "Tester") -> int:
        self._clients += 1
        created = local(self.ago(500), 9)
        alumnus = Alumnus(
            client_id=f"MP-{self._clients:05d}", first_name=first, last_name=last,
            sort_name=text.sort_name(first, last), search_text=text.search_text(first, last),
            languages=list(languages), recovery_pathways=list(pathways), substances=list(substances), city=city,
            sobriety_start_date=self.ago(sober_days) if sober_days is not None else None,
            consents_to_mentor_program=consents, wants_mentor=wants_mentor, status=status,
            opted_in_on=self.ago(opted_in_ago), created_at=created, updated_at=created)
        with self.database.session() as session:
            session.add(alumnus)
            session.commit()
            return alumnus.id

    def mentor(self, first: str, *, capacity: int = 2, status: MentorStatus = MentorStatus.ACTIVE,
               gender: Gender | None = None, evening_weekend_calls: bool = False, **alumnus) -> int:
        alumnus_id = self.alumnus(first, **alumnus)
        self.pool.save_profile(alumnus_id, MentorProfileData(
            status=status, capacity=capacity, training_completed_on=self.ago(60), gender=gender,
            evening_weekend_calls=evening_weekend_calls,
            paused_until=self.ago(-10) if status is MentorStatus.PAUSED else None), self.actor)
        return alumnus_id

    def mentee(self, first: str, *, waiting_ago: int = 10, profile: MenteeProfileData | None = None,
               **alumnus) -> int:
        alumnus_id = self.alumnus(first, wants_mentor=True, **alumnus)
        data = profile or MenteeProfileData()
        data.waiting_since = self.ago(waiting_ago)
        self.waiting.save_profile(alumnus_id, data, self.actor)
        return alumnus_id

    def mentor_contact(self, mentee_id: int, mentor_id: int, ago: int,
                       outcome: CheckinOutcome = CheckinOutcome.REACHED) -> None:
        reached = outcome is CheckinOutcome.REACHED
        with self.database.session() as session:
            session.add(CheckIn(alumnus_id=mentee_id, mentor_id=mentor_id, occurred_at=local(self.ago(ago)),
                                method=CheckinMethod.CALL, outcome=outcome, mood=4 if reached else None,
                                craving=1 if reached else None, warning_signs=[]))
            session.commit()

    def ended_pairing(self, mentee_id: int, mentor_id: int, started_ago: int, ended_ago: int) -> None:
        with self.database.session() as session:
            session.add(MentorPairing(mentee_id=mentee_id, mentor_id=mentor_id, started_on=self.ago(started_ago),
                                      ended_on=self.ago(ended_ago), current=None))
            session.commit()
