"""Contact with an alumnus (check-ins) and their support-meeting attendance."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow
from .enums import CheckinMethod, CheckinOutcome, MeetingKind, enum_column


class CheckIn(Base):
    """One contact attempt or conversation, by a staff member or by the alumnus's mentor."""

    __tablename__ = "check_ins"
    __table_args__ = (
        Index("ix_check_ins_alumnus_occurred", "alumnus_id", "occurred_at"),
        # A mentor's last contact with a mentee: one seek (migration 0008).
        Index("ix_check_ins_alumnus_mentor", "alumnus_id", "mentor_id", "outcome", "occurred_at"),
        Index("ix_check_ins_follow_up", "follow_up_due", "follow_up_done_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alumnus_id: Mapped[int] = mapped_column(ForeignKey("alumni.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    # A mentor is an alumnus too; mentor check-ins come with the mentoring issue.
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("alumni.id", ondelete="SET NULL"))
    method: Mapped[CheckinMethod] = mapped_column(enum_column(CheckinMethod))
    outcome: Mapped[CheckinOutcome] = mapped_column(enum_column(CheckinOutcome))
    mood: Mapped[int | None] = mapped_column(Integer)  # 1–5, when reached
    craving: Mapped[int | None] = mapped_column(Integer)  # 0–10, when reached
    used_since_last: Mapped[bool | None] = mapped_column(Boolean)
    meetings_attended: Mapped[int | None] = mapped_column(Integer)
    warning_signs: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    follow_up_due: Mapped[date | None] = mapped_column(Date)
    follow_up_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CheckInDigest(Base):
    """What the early-warning engine reads about one alumnus's check-ins, worked out once per change.

    A cache kept honest by the database: triggers (migration 0005) delete an alumnus's digest in the
    same transaction as any insert, delete or change of one of their check-ins, and make an empty one
    for a new alumnus (who has none yet). Digests are only ever written by
    `early_warning.refresh_digests`, from the check-ins themselves; an alumnus without one is read
    from the check-ins directly. See `early_warning` for the formats.
    """

    __tablename__ = "check_in_digests"

    alumnus_id: Mapped[int] = mapped_column(
        ForeignKey("alumni.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    newest_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # of any outcome; None: no check-ins
    last_reached: Mapped[int | None] = mapped_column(BigInteger)  # seconds since 1970 (UTC)
    unanswered: Mapped[str | None] = mapped_column(Text)  # "count first-attempt-seconds not-calls"
    recent: Mapped[str | None] = mapped_column(Text)  # reached check-ins, packed, newest first


class MeetingAttendance(Base):
    __tablename__ = "meeting_attendance"
    __table_args__ = (Index("ix_meeting_attendance_alumnus_on", "alumnus_id", "met_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alumnus_id: Mapped[int] = mapped_column(ForeignKey("alumni.id", ondelete="CASCADE"))
    met_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind))
    attended: Mapped[bool] = mapped_column(Boolean)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(300))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
