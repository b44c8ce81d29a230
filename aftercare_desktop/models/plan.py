"""Aftercare plans: versioned per alumnus (one active, history kept), and the team's templates."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .enums import (
    CheckinCadence,
    ContactMethod,
    GoalStatus,
    LifeArea,
    MeetingKind,
    PlanStatus,
    RosterRole,
    enum_column,
)


class AftercarePlan(Base):
    """One version of an alumnus's plan. Saving a change makes a new version and supersedes the old."""

    __tablename__ = "aftercare_plans"
    __table_args__ = (Index("ix_aftercare_plans_alumnus_status", "alumnus_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alumnus_id: Mapped[int] = mapped_column(ForeignKey("alumni.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[PlanStatus] = mapped_column(enum_column(PlanStatus), default=PlanStatus.ACTIVE)
    start_date: Mapped[date] = mapped_column(Date)
    next_review_date: Mapped[date | None] = mapped_column(Date)
    checkin_cadence: Mapped[CheckinCadence] = mapped_column(enum_column(CheckinCadence))
    preferred_method: Mapped[ContactMethod | None] = mapped_column(enum_column(ContactMethod))
    medication_notes: Mapped[str | None] = mapped_column(Text)
    housing_notes: Mapped[str | None] = mapped_column(Text)
    signed_by_alumnus_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    goals: Mapped[list[PlanGoal]] = relationship(
        cascade="all, delete-orphan", order_by="PlanGoal.position", passive_deletes=True)
    triggers: Mapped[list[PlanTrigger]] = relationship(
        cascade="all, delete-orphan", order_by="PlanTrigger.position", passive_deletes=True)
    warning_signs: Mapped[list[PlanWarningSign]] = relationship(
        cascade="all, delete-orphan", order_by="PlanWarningSign.position", passive_deletes=True)
    meetings: Mapped[list[PlanMeeting]] = relationship(
        cascade="all, delete-orphan", order_by="PlanMeeting.position", passive_deletes=True)
    roster: Mapped[list[PlanRosterEntry]] = relationship(
        cascade="all, delete-orphan", order_by="PlanRosterEntry.position", passive_deletes=True)


class PlanGoal(Base):
    __tablename__ = "plan_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("aftercare_plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(String(400))
    life_area: Mapped[LifeArea] = mapped_column(enum_column(LifeArea))
    target_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[GoalStatus] = mapped_column(enum_column(GoalStatus), default=GoalStatus.NOT_STARTED)


class PlanTrigger(Base):
    """A trigger in the alumnus's words, with what they will do instead (coping strategies)."""

    __tablename__ = "plan_triggers"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("aftercare_plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    trigger: Mapped[str] = mapped_column(String(300))
    coping_strategies: Mapped[list[str]] = mapped_column(JSON, default=list)


class PlanWarningSign(Base):
    """One of the alumnus's own warning signs, in their own words."""

    __tablename__ = "plan_warning_signs"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("aftercare_plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(String(300))


class PlanMeeting(Base):
    __tablename__ = "plan_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("aftercare_plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind))
    name: Mapped[str | None] = mapped_column(String(120))
    weekday: Mapped[int | None] = mapped_column(Integer)  # 0 = Monday … 6 = Sunday
    starts_at: Mapped[time | None] = mapped_column(Time)
    place: Mapped[str | None] = mapped_column(String(300))  # an address or an online link
    per_week: Mapped[int] = mapped_column(Integer, default=1)


class PlanRosterEntry(Base):
    """'Who I call when cravings hit', in order; drawn from support contacts or typed (crisis lines)."""

    __tablename__ = "plan_roster"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("aftercare_plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[RosterRole] = mapped_column(enum_column(RosterRole))
    support_contact_id: Mapped[int | None] = mapped_column(ForeignKey("support_contacts.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(32))


class PlanTemplate(Base):
    """Common triggers, coping strategies, warning signs and goals; edited by the team."""

    __tablename__ = "plan_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(String(400))
    # [{"trigger": str, "coping_strategies": [str]}], [str], [{"text": str, "life_area": str}]
    triggers: Mapped[list[dict]] = mapped_column(JSON, default=list)
    warning_signs: Mapped[list[str]] = mapped_column(JSON, default=list)
    goals: Mapped[list[dict]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
