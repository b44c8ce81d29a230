"""The team: staff members who act in the app (login and roles come later)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..db import Database
from ..errors import AftercareError
from ..models import StaffMember
from ..models.enums import AuditAction, StaffRole
from . import audit
from .records import StaffRecord


def _record(member: StaffMember) -> StaffRecord:
    return StaffRecord(member.id, member.display_name, member.role, member.active)


def list_staff(database: Database, *, include_inactive: bool = False) -> list[StaffRecord]:
    with database.session() as session:
        query = select(StaffMember).order_by(func.lower(StaffMember.display_name))
        if not include_inactive:
            query = query.where(StaffMember.active.is_(True))
        return [_record(m) for m in session.scalars(query)]


def get_staff(database: Database, staff_id: int) -> StaffRecord | None:
    with database.session() as session:
        member = session.get(StaffMember, staff_id)
        return _record(member) if member else None


def find_staff_by_name(database: Database, name: str) -> StaffRecord | None:
    """The member with this name, in any case. SQLite's lower() folds ASCII letters only, so a name
    with other letters is compared here ("đặng thu trang" finds "Đặng Thu Trang"); a team is small."""
    wanted = " ".join(name.split())
    with database.session() as session:
        member = session.scalars(
            select(StaffMember).where(func.lower(StaffMember.display_name) == wanted.lower())
        ).first()
        if member is None and not wanted.isascii():
            member = next((m for m in session.scalars(select(StaffMember).order_by(StaffMember.id))
                           if m.display_name.casefold() == wanted.casefold()), None)
        return _record(member) if member else None


def add_staff(
    database: Database, display_name: str, role: StaffRole = StaffRole.CASEWORKER, *, actor: audit.Actor | None = None
) -> StaffRecord:
    name = " ".join(display_name.split())
    if not name:
        raise AftercareError("A staff member needs a name.")
    if len(name) > 120:
        raise AftercareError("A staff member's name may be at most 120 characters.")
    with database.session() as session:
        member = StaffMember(display_name=name, role=role)
        session.add(member)
        try:
            session.flush()
        except IntegrityError:
            raise AftercareError(f"A staff member named '{name}' already exists.") from None
        audit.record(session, actor or audit.Actor(member.id), AuditAction.CREATE, "staff_member", member.id,
                     ["display_name", "role"])
        session.commit()
        return _record(member)
