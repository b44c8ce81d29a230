"""Returns to use for the demo alumni, recorded with the move of the sobriety date each caused."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from ...models import CheckIn, RecurrenceEvent, SobrietyDateChange
from ...models.enums import SobrietyChangeKind, label
from .context import LAST_CONTACT_DAYS_AGO, Context, choice, covering_staff, desk_hours, randint
from .writer import Writer

RESPONSE_PLANS = (
    "Weekly check-ins for the next month; back to the Tuesday alumni group; sponsor told, with consent.",
    "Referral to IOP for an assessment this week; naloxone kit given; daily texts with the mentor.",
    "Meetings up to four a week; the prescriber appointment moved forward.",
    "Safety plan reviewed; family session booked; a call in two days.",
    "Back to the plan's coping strategies for evenings; weekly calls until the next review.",
)


class RecurrencesStep:
    """A recorded return to use, and the move of the sobriety date it caused, for every alumnus whose
    sobriety date lies after discharge (the alumni step drew that date as a new start)."""

    name = "recurrences"
    per_alumnus = 0

    def run(self, context: Context, rng: random.Random) -> None:
        connection = context.connection
        table = CheckIn.__table__
        told = {(alumnus_id, occurred): check_in_id for check_in_id, alumnus_id, occurred in connection.execute(
            select(table.c.id, table.c.alumnus_id, table.c.occurred_at).where(table.c.used_since_last.is_(True)))}
        last_day = context.today - timedelta(days=LAST_CONTACT_DAYS_AGO)
        events = Writer(connection, RecurrenceEvent.__table__, _RECURRENCE_COLUMNS)
        changes = Writer(connection, SobrietyDateChange.__table__, _SOBRIETY_CHANGE_COLUMNS)
        for alumnus, recurrences in zip(context.alumni, context.recurrences):
            for recurrence in recurrences:
                if recurrence.recorded_at is None:
                    recorded_on = min(recurrence.on + timedelta(days=randint(rng, 1, 6)), last_day)
                    recurrence.recorded_at = desk_hours(rng, max(recorded_on, recurrence.on))
                    recurrence.recorded_by_id = covering_staff(rng, context, alumnus)
                check_in_id = told.get(recurrence.check_in_key) if recurrence.check_in_key else None
                events.add((alumnus.id, recurrence.on, recurrence.substance, recurrence.kind,
                            choice(rng, RESPONSE_PLANS) if rng.random() < 0.85 else None, check_in_id,
                            recurrence.recorded_at, recurrence.recorded_by_id))
                # The same wording the app gives a move of the date after a recurrence (services/sobriety.py).
                changes.add((alumnus.id, SobrietyChangeKind.RECURRENCE, recurrence.old_date, recurrence.new_date,
                             f"{label(recurrence.kind)} on {recurrence.on.isoformat()}", recurrence.recorded_at,
                             recurrence.recorded_by_id))
        events.flush()
        changes.flush()
        context.counts["recurrences"] = events.count


_RECURRENCE_COLUMNS = ("alumnus_id", "occurred_on", "substance", "kind", "response_plan", "check_in_id",
                       "recorded_at", "recorded_by_id")
_SOBRIETY_CHANGE_COLUMNS = ("alumnus_id", "kind", "old_date", "new_date", "reason", "changed_at", "changed_by_id")
