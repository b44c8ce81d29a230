from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .enums import AlumniStatus, ContactMethod, DischargeType, Program, Relationship, enum_column


class Alumnus(Base):
    """A person who completed (or left) treatment and is followed by the aftercare team."""

    __tablename__ = "alumni"
    __table_args__ = (
        # The directory's list: name order, with what its search and archive filters read, so a
        # search walks this index alone and never the table (migration 0002).
        Index("ix_alumni_directory", "sort_name", "id", "archived_at", "phone_digits", "search_text"),
        Index("ix_alumni_status_sort_name", "status", "sort_name"),
        Index("ix_alumni_caseworker_sort_name", "caseworker_id", "sort_name"),
        Index("ix_alumni_name_dob", "sort_name", "date_of_birth"),
        Index("ix_alumni_discharge_date", "discharge_date"),
        # Upcoming milestones look for sobriety dates a set number of days, months and years ago.
        Index("ix_alumni_sobriety_start_date", "sobriety_start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(40), unique=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    preferred_name: Mapped[str | None] = mapped_column(String(80))
    pronouns: Mapped[str | None] = mapped_column(String(40))
    date_of_birth: Mapped[date | None] = mapped_column(Date)

    phone_mobile: Mapped[str | None] = mapped_column(String(32))
    phone_home: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(80))
    postal_code: Mapped[str | None] = mapped_column(String(16))
    preferred_contact_method: Mapped[ContactMethod | None] = mapped_column(enum_column(ContactMethod))
    preferred_contact_times: Mapped[str | None] = mapped_column(String(120))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)

    program: Mapped[Program | None] = mapped_column(enum_column(Program))
    admission_date: Mapped[date | None] = mapped_column(Date)
    discharge_date: Mapped[date | None] = mapped_column(Date)
    discharge_type: Mapped[DischargeType | None] = mapped_column(enum_column(DischargeType))
    substances: Mapped[list[str]] = mapped_column(JSON, default=list)
    recovery_pathways: Mapped[list[str]] = mapped_column(JSON, default=list)
    sobriety_start_date: Mapped[date | None] = mapped_column(Date)

    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    status: Mapped[AlumniStatus] = mapped_column(enum_column(AlumniStatus), default=AlumniStatus.ACTIVE)
    opted_in_on: Mapped[date | None] = mapped_column(Date)
    opted_out_on: Mapped[date | None] = mapped_column(Date)
    wants_mentor: Mapped[bool] = mapped_column(Boolean, default=False)
    consents_to_mentor_program: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # Folded copies for search and sorting (accent- and case-insensitive); kept by the services.
    sort_name: Mapped[str] = mapped_column(String(200), default="")
    search_text: Mapped[str] = mapped_column(String(800), default="")
    phone_digits: Mapped[str] = mapped_column(String(80), default="")

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    row_version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": row_version}

    support_contacts: Mapped[list[SupportContact]] = relationship(
        back_populates="alumnus",
        cascade="all, delete-orphan",
        order_by="SupportContact.call_order",
        passive_deletes=True,
    )
    status_history: Mapped[list[AlumniStatusChange]] = relationship(
        back_populates="alumnus",
        cascade="all, delete-orphan",
        order_by="AlumniStatusChange.changed_at",
        passive_deletes=True,
    )


class SupportContact(Base):
    """Someone in the alumnus's own network; `call_order` ranks "who to call when cravings hit"."""

    __tablename__ = "support_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    alumnus_id: Mapped[int] = mapped_column(ForeignKey("alumni.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    relation: Mapped[Relationship] = mapped_column(enum_column(Relationship))
    phone: Mapped[str | None] = mapped_column(String(32))
    availability: Mapped[str | None] = mapped_column(String(120))
    call_order: Mapped[int] = mapped_column(Integer, default=0)

    alumnus: Mapped[Alumnus] = relationship(back_populates="support_contacts")


class AlumniStatusChange(Base):
    """One step of an alumnus's status history; never edited afterwards."""

    __tablename__ = "alumni_status_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    alumnus_id: Mapped[int] = mapped_column(ForeignKey("alumni.id", ondelete="CASCADE"), index=True)
    old_status: Mapped[AlumniStatus | None] = mapped_column(enum_column(AlumniStatus))
    new_status: Mapped[AlumniStatus] = mapped_column(enum_column(AlumniStatus))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(String(400))

    alumnus: Mapped[Alumnus] = relationship(back_populates="status_history")
