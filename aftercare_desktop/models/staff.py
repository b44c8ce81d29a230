from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow
from .enums import StaffRole, enum_column


class StaffMember(Base):
    """A member of the aftercare team; the acting user of every change."""

    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole), default=StaffRole.CASEWORKER)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
