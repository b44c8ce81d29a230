"""The mentor program: mentor profiles, alumni waiting for a mentor, pairings, do-not-pair, reviews.

A mentor and a mentee are both alumni. What the alumnus row already holds — languages, substances,
recovery pathways, program, city, postal code, date of birth, sobriety start, and the flags "wants a
mentor" and "consents to the mentor program" — is read from there and never copied here.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .enums import Gender, MentorStatus, PairingEndReason, ReviewOutcome, enum_column

DEFAULT_CAPACITY = 2


class _Edited:
    """Who made and last changed a record, and its row version (a save at an older one is refused)."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    row_version: Mapped[int] = mapped_column(Integer, nullable=False)


class MentorProfile(_Edited, Base):
    """An alumnus's place in the mentor pool: where they stand, how many mentees, when they can talk."""

    __tablename__ = "mentor_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    alumnus_id: Mapped[int] = mapped_column(ForeignKey("alumni.id", ondelete="CASCADE"), unique=True)
    status: Mapped[MentorStatus] = mapped_column(enum_column(MentorStatus), default=MentorStatus.APPLICANT)
    training_completed_on: Mapped[date | None] = mapped_column(Date)
    training_completed_by: Mapped[str | None] = mapped_column(String(120))  # a trainer, maybe from outside
    paused_until: Mapped[date | None] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer, default=DEFAULT_CAPACITY)
    # Slots "mon-morning" … "sun-night" (see services/availability.py).
    availability: Mapped[list[str]] = mapped_column(JSON, default=list)
    evening_weekend_calls: Mapped[bool] = mapped_column(Boolean, default=False)
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender))
    # Genders of mentees they would take; empty: anyone.
    preferred_mentee_genders: Mapped[list[str]] = mapped_column(JSON, default=list)
    interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    background_check_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)

    __mapper_args__ = {"version_id_col": _Edited.row_version}


class MenteeProfile(_Edited, Base):
    """What an alumnus who wants a mentor needs and prefers. Waiting = `Alumnus.wants_mentor` and no
    current pairing; `waiting_since` starts the count of days waited (again after a pairing ends)."""

    __tablename__ = "mentee_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    alumnus_id: Mapped[int] = mapped_column(ForeignKey("alumni.id", ondelete="CASCADE"), unique=True)
    waiting_since: Mapped[date] = mapped_column(Date)
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)  # MenteeNeed values
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender))
    # Empty: no preference.
    preferred_mentor_genders: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Languages to be mentored in; empty: any of the alumnus's languages.
    preferred_languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Pathways a mentor should share; empty: the alumnus's own.
    preferred_pathways: Mapped[list[str]] = mapped_column(JSON, default=list)
    availability: Mapped[list[str]] = mapped_column(JSON, default=list)
    interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)

    __mapper_args__ = {"version_id_col": _Edited.row_version}


class MentorPairing(_Edited, Base):
    """A mentee with a mentor. Locked (no start yet) → active (started) → ended (with a reason).

    `current` is true until the pairing ends and NULL after: with the unique constraint it lets a
    mentee have one current pairing at most, on every database, even when two desks accept at once.
    """

    __tablename__ = "mentor_pairings"
    __table_args__ = (
        UniqueConstraint("mentee_id", "current", name="uq_mentor_pairings_mentee_current"),
        Index("ix_mentor_pairings_mentor_current", "mentor_id", "current"),
        Index("ix_mentor_pairings_mentee_started", "mentee_id", "started_on"),
        CheckConstraint("mentee_id <> mentor_id", name="not_oneself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("alumni.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("alumni.id", ondelete="CASCADE"))
    started_on: Mapped[date | None] = mapped_column(Date)  # None: locked, not started
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[PairingEndReason | None] = mapped_column(enum_column(PairingEndReason))
    end_note: Mapped[str | None] = mapped_column(Text)
    current: Mapped[bool | None] = mapped_column(Boolean)  # set by the services, never left to a default
    match_score: Mapped[float | None] = mapped_column(Float)  # the engine's score when it was made

    __mapper_args__ = {"version_id_col": _Edited.row_version}


class DoNotPair(Base):
    """Two alumni who must never be paired, either way round (stored with the smaller id first)."""

    __tablename__ = "do_not_pair"
    __table_args__ = (
        UniqueConstraint("alumnus_id", "other_alumnus_id", name="uq_do_not_pair_alumnus_id"),
        CheckConstraint("alumnus_id < other_alumnus_id", name="ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alumnus_id: Mapped[int] = mapped_column(ForeignKey("alumni.id", ondelete="CASCADE"))
    other_alumnus_id: Mapped[int] = mapped_column(ForeignKey("alumni.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str | None] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))


class PairingReview(Base):
    """The coordinators' weekly meeting: who attended, and an outcome for each pairing discussed."""

    __tablename__ = "pairing_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))

    attendees: Mapped[list[PairingReviewAttendee]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True)
    outcomes: Mapped[list[PairingReviewOutcome]] = relationship(
        cascade="all, delete-orphan", order_by="PairingReviewOutcome.id", passive_deletes=True)


class PairingReviewAttendee(Base):
    __tablename__ = "pairing_review_attendees"

    review_id: Mapped[int] = mapped_column(ForeignKey("pairing_reviews.id", ondelete="CASCADE"), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id", ondelete="CASCADE"), primary_key=True)


class PairingReviewOutcome(Base):
    """What the meeting decided about one pairing, with its notes."""

    __tablename__ = "pairing_review_outcomes"
    __table_args__ = (
        UniqueConstraint("review_id", "pairing_id", name="uq_pairing_review_outcomes_review_id"),
        Index("ix_pairing_review_outcomes_pairing", "pairing_id", "review_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("pairing_reviews.id", ondelete="CASCADE"))
    pairing_id: Mapped[int] = mapped_column(ForeignKey("mentor_pairings.id", ondelete="CASCADE"))
    outcome: Mapped[ReviewOutcome] = mapped_column(enum_column(ReviewOutcome))
    notes: Mapped[str | None] = mapped_column(Text)
