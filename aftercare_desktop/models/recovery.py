"""Sobriety over time: returns to use, date corrections, celebrated milestones, assessments, settings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow
from .enums import RecurrenceKind, SobrietyChangeKind, enum_column


class SobrietyDateChange(Base):
    """Every move of an alumnus's sobriety start date: after a recurrence, or to correct a wrong date.

    The alumnus row keeps the current date; this history keeps every earlier one.
    """

    __tablename__ = "sobriety_date_changes"
    __table_args__ = (Index("ix_sobriety_date_changes_alumnus", "alumnus_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alumnus_id: Mapped[int] = mapped_column(ForeignKey("alumni.id", ondelete="CASCADE"))
    kind: Mapped[SobrietyChangeKind] = mapped_column(enum_column(SobrietyChangeKind))
    old_date: Mapped[date | None] = mapped_column(Date)
    new_date: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(400))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))


class RecurrenceEvent(Base):
    """A return to use: a lapse or a relapse, with the response agreed."""

    __tablename__ = "recurrence_events"
    __table_args__ = (Index("ix_recurrence_events_alumnus_on", "alumnus_id", "occurred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alumnus_id: Mapped[int] = mapped_column(ForeignKey("alumni.id", ondelete="CASCADE"))
    occurred_on: Mapped[date] = mapped_column(Date)
    substance: Mapped[str | None] = mapped_column(String(80))
    kind: Mapped[RecurrenceKind] = mapped_column(enum_column(RecurrenceKind))
    response_plan: Mapped[str | None] = mapped_column(Text)
    check_in_id: Mapped[int | None] = mapped_column(ForeignKey("check_ins.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))


class MilestoneCelebration(Base):
    """A milestone the team celebrated, tied to the sobriety start date it was counted from."""

    __tablename__ = "milestone_celebrations"
    __table_args__ = (Index("ix_milestone_celebrations_alumnus", "alumnus_id", "sobriety_start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alumnus_id: Mapped[int] = mapped_column(ForeignKey("alumni.id", ondelete="CASCADE"))
    sobriety_start_date: Mapped[date] = mapped_column(Date)
    milestone: Mapped[str] = mapped_column(String(20))  # e.g. "30d", "6m", "1y", "18m", "2y"
    celebrated_on: Mapped[date] = mapped_column(Date)
    how: Mapped[str | None] = mapped_column(String(300))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))


class AssessmentResult(Base):
    """One administration of an instrument defined in resources/instruments (e.g. BARC-10, AWARE)."""

    __tablename__ = "assessment_results"
    __table_args__ = (Index("ix_assessment_results_alumnus", "alumnus_id", "instrument", "administered_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alumnus_id: Mapped[int] = mapped_column(ForeignKey("alumni.id", ondelete="CASCADE"))
    instrument: Mapped[str] = mapped_column(String(40))
    administered_on: Mapped[date] = mapped_column(Date)
    answers: Mapped[list[int]] = mapped_column(JSON)
    total: Mapped[int] = mapped_column(Integer)
    band: Mapped[str | None] = mapped_column(String(80))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TeamSetting(Base):
    """A team-wide setting (thresholds, organisation details): one JSON value per key."""

    __tablename__ = "team_settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[dict | list | int | float | str | bool | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
