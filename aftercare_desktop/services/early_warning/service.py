"""`AttentionService`: the queue, one alumnus, or one alumnus day by day, each in its own session."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from ...db import Database
from ..bulk import gc_paused
from ..team_settings import stored_values
from .attention_queue import AttentionRow, queue
from .digests import keep_digests
from .facts import RuleContext, day_start
from .history import load_history
from .loader import CaseloadFilter, load_caseload
from .mentor_contact import MentorSource, PairingTableSource
from .rules import Attention, assess, judge


class AttentionService:
    """The needs-attention queue of a caseload (or of everyone)."""

    def __init__(self, database: Database, *, today: Callable[[], date] = date.today,
                 mentors: MentorSource | None = None):
        self.database = database
        self._today = today
        self._mentors = mentors

    def queue(self, caseworker_id: int | None = None) -> list[AttentionRow]:
        today = self._today()
        with gc_paused():
            with self.database.session() as session:
                settings = stored_values(session)
                caseload = load_caseload(session, settings, today, CaseloadFilter(caseworker_id), self._mentors)
            rows = queue(caseload, settings, today)
            undigested = caseload.undigested
            del caseload  # within the pause: the collector need not walk what is already gone
        keep_digests(self.database, undigested)
        return rows

    def assess_alumnus(self, alumnus_id: int) -> Attention | None:
        """One alumnus's level and reasons (None: not followed — not active, or archived)."""
        today = self._today()
        with self.database.session() as session:
            settings = stored_values(session)
            caseload = load_caseload(session, settings, today, CaseloadFilter(alumni_ids=(alumnus_id,)),
                                     self._mentors)
        keep_digests(self.database, caseload.undigested)
        if not caseload.facts:
            return None
        return assess(caseload.facts[0], settings, today)

    def assess_on_days(self, alumnus_id: int, days: Iterable[date]) -> list[tuple[date, Attention]]:
        """One alumnus's level and reasons as they stood at the end of each of `days` (a report's look
        back over a period); days after today are left out. Empty when the alumnus is not followed.

        Each day is judged on what was recorded up to it, with today's settings, today's active plan
        and today's status (the record keeps no other). The history is read once (`load_history`) and
        the facts of each day worked out from it, the same facts `load_caseload` gives for that day.
        """
        today = self._today()
        with self.database.session() as session:
            settings = stored_values(session)
            history = load_history(session, alumnus_id)
            if history is None:
                return []
            mentors = self._mentors or PairingTableSource()
            # The pairing table's own source reads the mentee's pairings once for every day.
            mentee = mentors.mentee_history(session, alumnus_id) if isinstance(mentors, PairingTableSource) else None
            found = []
            for day in sorted(set(days)):
                if day > today:
                    break
                ctx = RuleContext.of(settings, day)
                facts = history.facts_on(ctx)
                end = day_start(day + timedelta(days=1))
                if mentee is not None:
                    facts.mentor = mentee.on(day, end)
                else:
                    facts.mentor = mentors.mentor_facts(session, [alumnus_id], day, end).get(alumnus_id)
                found.append((day, judge(facts, ctx)))
        return found
