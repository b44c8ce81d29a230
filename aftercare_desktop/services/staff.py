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


# Reads go through Core: they run at every start-up, and the first ORM query of a process pays for
# setting up every mapper (a sixth of a second), which the start of the day does not otherwise need.
_staff = StaffMember.__table__
_COLUMNS = (_staff.c.id, _staff.c.display_name, _staff.c.role, _staff.c.active)


def _read(database: Database, query) -> list[StaffRecord]:
    with database.engine.connect() as connection:
        return [StaffRecord(*row) for row in connection.execute(query)]


def list_staff(database: Database, *, include_inactive: bool = False) -> list[StaffRecord]:
    query = select(*_COLUMNS).order_by(func.lower(_staff.c.display_name))
    if not include_inactive:
        query = query.where(_staff.c.active.is_(True))
    return _read(database, query)


def get_staff(database: Database, staff_id: int) -> StaffRecord | None:
    found = _read(database, select(*_COLUMNS).where(_staff.c.id == staff_id))
    return found[0] if found else None


def find_staff_by_name(database: Database, name: str) -> StaffRecord | None:
    """The member with this name, in any case. SQLite's lower() folds ASCII letters only, so a name
    with other letters is compared here ("đặng thu trang" finds "Đặng Thu Trang")."""
    wanted = " ".join(name.split())
    found = _read(database, select(*_COLUMNS).where(func.lower(_staff.c.display_name) == wanted.lower())
                  .order_by(_staff.c.id).limit(1))
    if not found and not wanted.isascii():
        found = [member for member in _read(database, select(*_COLUMNS).order_by(_staff.c.id))
                 if member.display_name.casefold() == wanted.casefold()][:1]
    return found[0] if found else None


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
