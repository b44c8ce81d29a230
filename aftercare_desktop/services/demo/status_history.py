"""Status history for the demo alumni: the record's creation, and the change that led to the status
they have now."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from ...models import AlumniStatusChange
from ...models.enums import AlumniStatus
from .context import CHUNK_SIZE, AlumnusFacts, Context, between, choice
from .writer import insert_chunks

_REASONS = {
    AlumniStatus.INACTIVE: ("No contact for 90 days", "Asked for a pause in check-ins", "Moved out of the area",
                            "Doing well; wants less contact for now"),
    AlumniStatus.LOST_CONTACT: ("Phone disconnected; letters returned", "No answer after repeated attempts",
                                "Number no longer in service", None),
    AlumniStatus.OPTED_OUT: ("Asked to stop aftercare contact", "Chose to leave the aftercare program",
                             "Prefers to continue with own therapist only"),
    AlumniStatus.DECEASED: ("Reported by family", "Reported by a support contact"),
    AlumniStatus.ACTIVE: ("Back in touch after an alumni event", "Called the team to reconnect",
                          "Reconnected through a support contact"),
}


class StatusHistoryStep:
    """'Record created', then the change that led to the current status, if any."""

    name = "status_history"
    per_alumnus = 1

    def run(self, context: Context, rng: random.Random) -> None:
        table = AlumniStatusChange.__table__
        total = 0
        for start in range(0, len(context.alumni), CHUNK_SIZE):
            chunk = context.alumni[start:start + CHUNK_SIZE]
            rows = []
            for alumnus in chunk:
                rows.append(self._row(alumnus, None, AlumniStatus.ACTIVE, alumnus.created_at, alumnus.created_by_id,
                                      "Record created"))
                if alumnus.status_changed_at is None:
                    continue
                if alumnus.reconnected:
                    away = choice(rng, (AlumniStatus.LOST_CONTACT, AlumniStatus.INACTIVE))
                    away_at = between(rng, alumnus.created_at, alumnus.status_changed_at - timedelta(seconds=1))
                    rows.append(self._row(alumnus, AlumniStatus.ACTIVE, away, away_at, alumnus.status_changed_by_id,
                                          choice(rng, _REASONS[away])))
                    old = away
                else:
                    old = AlumniStatus.ACTIVE
                rows.append(self._row(alumnus, old, alumnus.status, alumnus.status_changed_at,
                                      alumnus.status_changed_by_id, choice(rng, _REASONS[alumnus.status])))
            insert_chunks(context.connection, table, rows)
            total += len(rows)
            context.progress.advance(len(chunk))
        context.counts["status_changes"] = total

    @staticmethod
    def _row(alumnus: AlumnusFacts, old: AlumniStatus | None, new: AlumniStatus, at: datetime,
             by: int | None, reason: str | None) -> dict[str, Any]:
        return {"alumnus_id": alumnus.id, "old_status": old, "new_status": new, "changed_at": at,
                "changed_by_id": by, "reason": reason}
