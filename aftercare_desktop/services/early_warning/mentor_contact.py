"""Active mentor pairings and the mentor's last reached contact, as the mentor rule reads them."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...models import CheckIn, MentorPairing
from ...models.enums import CheckinOutcome
from .facts import MentorFact, _local_day
from .sql_functions import epoch_seconds


class MentorSource(Protocol):
    """Where active mentor pairings come from (tests may hand in their own)."""

    def mentor_facts(self, session: Session, alumni: Collection[int], today: date,
                     end: datetime) -> dict[int, MentorFact]: ...


class PairingTableSource:
    """Active mentor pairings from `mentor_pairings` (models/mentoring.py): started on or before today
    and not ended by today. The last contact is the newest reached check-in made by that mentor for
    that mentee (a mentor logs contacts as check-ins, see models/checkin.py)."""

    ASKED_BY_ID = 500  # up to this many people, their pairings are looked up by id; more, all are read

    def mentor_facts(self, session: Session, alumni: Collection[int], today: date,
                     end: datetime) -> dict[int, MentorFact]:
        if not alumni:
            return {}
        pairings = MentorPairing.__table__
        c = CheckIn.__table__.c
        last_contact = (
            select(func.max(c.occurred_at))
            .where(c.alumnus_id == pairings.c.mentee_id, c.mentor_id == pairings.c.mentor_id,
                   c.outcome == CheckinOutcome.REACHED.value, c.occurred_at < end)
            .scalar_subquery()
        )
        wanted = set(alumni)
        statement = (
            select(pairings.c.mentee_id, pairings.c.started_on, epoch_seconds(last_contact))
            .where(pairings.c.started_on <= today,
                   or_(pairings.c.ended_on.is_(None), pairings.c.ended_on > today))
            .order_by(pairings.c.mentee_id, pairings.c.started_on, pairings.c.id)
        )
        if len(wanted) <= self.ASKED_BY_ID:
            # A few people (one alumnus, a report's look back): their pairings by the mentee index,
            # not every active pairing of the program with its last contact worked out.
            statement = statement.where(pairings.c.mentee_id.in_(sorted(wanted)))
        facts = {}
        for mentee_id, started_on, contact in session.execute(statement):
            if mentee_id in wanted:  # the newest pairing wins
                facts[mentee_id] = MentorFact(started_on, _local_day(contact) if contact is not None else None)
        return facts

    def mentee_history(self, session: Session, alumnus_id: int) -> MenteePairings:
        """One mentee's pairings and their mentors' reached contacts, read once, to find the mentor
        fact of any day without asking the database again (a report's look back over a year)."""
        p, c = MentorPairing.__table__.c, CheckIn.__table__.c
        pairings = tuple((mentor_id, started_on, ended_on) for mentor_id, started_on, ended_on in session.execute(
            select(p.mentor_id, p.started_on, p.ended_on)
            .where(p.mentee_id == alumnus_id, p.started_on.is_not(None))
            .order_by(p.started_on, p.id)
        ))
        contacts: dict[int, list[int]] = {}
        if pairings:
            rows = session.execute(
                select(c.mentor_id, epoch_seconds(c.occurred_at))
                .where(c.alumnus_id == alumnus_id, c.mentor_id.in_(sorted({row[0] for row in pairings})),
                       c.outcome == CheckinOutcome.REACHED.value)
            )
            for mentor_id, seconds in rows:
                contacts.setdefault(mentor_id, []).append(seconds)
            for seconds in contacts.values():
                seconds.sort()
        return MenteePairings(pairings, contacts)


@dataclass(frozen=True)
class MenteePairings:
    """`PairingTableSource.mentor_facts` for one mentee on any day, from one read of their pairings."""

    pairings: tuple[tuple[int, date, date | None], ...]  # (mentor, started on, ended on), oldest first
    contacts: dict[int, list[int]]  # mentor → reached contacts, seconds since 1970, ascending

    def on(self, day: date, end: datetime) -> MentorFact | None:
        """The fact `mentor_facts(session, [mentee], day, end)` finds: the newest pairing active on
        `day`, and its mentor's last reached contact before `end`."""
        active = [row for row in self.pairings if row[1] <= day and (row[2] is None or row[2] > day)]
        if not active:
            return None
        mentor_id, started_on, _ = active[-1]
        # Stored timestamps cut to whole seconds: `at < end` holds exactly when it does for the whole
        # seconds, `end` being a whole second (the start of a day).
        seconds = self.contacts.get(mentor_id, ())
        before = bisect_left(seconds, end.timestamp())
        return MentorFact(started_on, _local_day(seconds[before - 1]) if before else None)
