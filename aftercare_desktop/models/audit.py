from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow
from .enums import AuditAction, enum_column


class AuditEvent(Base):
    """Append-only record of who did what to which record. Holds ids and field names, never values.

    The database refuses UPDATE and DELETE on this table (triggers created by the migrations).
    `entity_id` is deliberately not a foreign key, so the trail outlives a hard-deleted record.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="RESTRICT"))
    actor: Mapped[str] = mapped_column(String(40), default="app")
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    changed_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
