"""The audit seam: every create, change, delete and record opening appends one event.

Events carry ids and field names only. The viewer comes with access control; the trail starts now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..db import Database
from ..models import AuditEvent
from ..models.enums import AuditAction


@dataclass(frozen=True)
class Actor:
    """Who is acting: a staff member at a desk, or a named tool (e.g. 'cli:import')."""

    staff_id: int | None
    label: str = "app"


@dataclass(frozen=True)
class AuditRecord:
    occurred_at: datetime
    staff_id: int | None
    actor: str
    action: AuditAction
    entity_type: str
    entity_id: int | None
    changed_fields: tuple[str, ...]


def record(
    session: Session,
    actor: Actor,
    action: AuditAction,
    entity_type: str,
    entity_id: int | None,
    changed_fields: Iterable[str] = (),
) -> None:
    """Add an event to `session`; it commits (or rolls back) with the change it describes."""
    session.add(AuditEvent(**_event_values(actor, action, entity_type, entity_id, sorted(changed_fields))))


def record_many(
    session: Session,
    actor: Actor,
    action: AuditAction,
    entity_type: str,
    entity_ids: Iterable[int],
    changed_fields: Iterable[str] = (),
) -> None:
    """`record` for many records at once (an import): one bulk INSERT, in the caller's transaction.

    SQLite cannot batch ORM inserts that need their ids back, so one event per object would cost a
    round trip each; the bulk statement keeps a 10,000-row import in seconds.
    """
    names = sorted(changed_fields)
    rows = [_event_values(actor, action, entity_type, entity_id, names) for entity_id in entity_ids]
    if rows:
        session.execute(insert(AuditEvent), rows)


def _event_values(actor: Actor, action: AuditAction, entity_type: str, entity_id: int | None,
                  changed_fields: list[str]) -> dict:
    return {
        "staff_id": actor.staff_id,
        "actor": actor.label,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "changed_fields": changed_fields,
    }


def events_for(database: Database, entity_type: str, entity_id: int) -> list[AuditRecord]:
    with database.session() as session:
        rows = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
            .order_by(AuditEvent.id)
        )
        return [
            AuditRecord(e.occurred_at, e.staff_id, e.actor, e.action, e.entity_type, e.entity_id,
                        tuple(e.changed_fields))
            for e in rows
        ]
