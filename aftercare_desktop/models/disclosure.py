"""Documents about a record that left the app: to whom, why, and what they held."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow
from .enums import AuditAction, enum_column


class Disclosure(Base):
    """One exported or printed document: the accounting of disclosures (42 CFR §2.25) reads from here.

    Each row goes with an audit event on the alumnus (or the caseworker, for a caseload summary; the
    team's pairing review, for its agenda), made in the same transaction. Unlike the audit trail it holds values — the recipient and the purpose as
    typed — because the accounting must name them. Append-only in the database (migration 0005), and
    `alumnus_id` is no foreign key, so the accounting outlives a deleted record.
    """

    __tablename__ = "disclosures"
    __table_args__ = (Index("ix_disclosures_alumnus", "alumnus_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="RESTRICT"))
    actor: Mapped[str] = mapped_column(String(40), default="app")
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction))
    document: Mapped[str] = mapped_column(String(40))  # reports.DocumentKind
    alumnus_id: Mapped[int | None]
    caseworker_id: Mapped[int | None]
    period_from: Mapped[date | None] = mapped_column(Date)
    period_to: Mapped[date | None] = mapped_column(Date)
    sections: Mapped[list[str]] = mapped_column(JSON, default=list)
    recipient: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(400))
    notice: Mapped[str | None] = mapped_column(String(20))  # NoticeStatement, or None: no notice printed
