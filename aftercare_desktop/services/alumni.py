"""Alumni records: open, create, change, status, archive and delete — each audited."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, object_session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..db import Database
from ..errors import AftercareError, ConcurrentEditError, RecordNotFoundError, ValidationFailed
from ..models import Alumnus, AlumniStatusChange, StaffMember, SupportContact, utcnow
from ..models.enums import AlumniStatus, AuditAction
from . import audit, text
from .audit import Actor
from .records import (
    EDITABLE_FIELDS,
    AlumnusData,
    DuplicateCandidate,
    StatusChangeRecord,
    SupportContactData,
)
from .validation import check_alumnus

ENTITY = "alumnus"
CONTACT_FIELDS = ("name", "relation", "phone", "availability")


def search_keys(record: Alumnus | AlumnusData) -> dict[str, str]:
    """The folded search and sort columns, computed from the fields they come from."""
    return {
        "sort_name": text.sort_name(record.first_name, record.last_name),
        "search_text": text.search_text(
            record.first_name, record.last_name, record.preferred_name, record.email, record.client_id
        ),
        "phone_digits": text.phone_digits(record.phone_mobile, record.phone_home),
    }


def refresh_search_keys(alumnus: Alumnus) -> None:
    """Keep the folded search and sort columns in step with the fields they come from."""
    for name, value in search_keys(alumnus).items():
        setattr(alumnus, name, value)


def to_data(alumnus: Alumnus, names: dict[int, str] | None = None) -> AlumnusData:
    """Plain data of a loaded record; `names` gives staff display names for the bookkeeping fields."""
    names = names or {}
    values = {name: getattr(alumnus, name) for name in EDITABLE_FIELDS}
    for name in ("languages", "substances", "recovery_pathways"):
        values[name] = list(values[name] or [])
    return AlumnusData(
        **values,
        status=alumnus.status,
        support_contacts=[
            SupportContactData(c.name, c.relation, c.phone, c.availability, c.id) for c in alumnus.support_contacts
        ],
        id=alumnus.id,
        row_version=alumnus.row_version,
        archived_at=alumnus.archived_at,
        created_at=alumnus.created_at,
        created_by=names.get(alumnus.created_by_id) if alumnus.created_by_id else None,
        updated_at=alumnus.updated_at,
        updated_by=names.get(alumnus.updated_by_id) if alumnus.updated_by_id else None,
    )


def _staff_names(session: Session, *ids: int | None) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = session.execute(select(StaffMember.id, StaffMember.display_name).where(StaffMember.id.in_(wanted)))
    return {staff_id: name for staff_id, name in rows}


def new_alumnus_values(clean: AlumnusData, actor: Actor, today: date) -> dict[str, Any]:
    """Column values of a new record made from checked data: the app's defaults and search keys included.

    Support contacts and the status history are rows of their own (see `new_alumnus`).
    """
    values: dict[str, Any] = {name: getattr(clean, name) for name in EDITABLE_FIELDS}
    values["status"] = clean.status
    values["created_by_id"] = values["updated_by_id"] = actor.staff_id
    if clean.status is AlumniStatus.ACTIVE and values["opted_in_on"] is None:
        values["opted_in_on"] = today
    values.update(search_keys(clean))
    return values


def first_status_change(status: AlumniStatus, actor: Actor) -> dict[str, Any]:
    """Column values of the status-history entry every new record starts with."""
    return {"old_status": None, "new_status": status, "changed_by_id": actor.staff_id, "reason": "Record created"}


def new_alumnus(clean: AlumnusData, actor: Actor, today: date) -> Alumnus:
    """A new record with its contacts and first status-history entry; the caller adds and audits it."""
    alumnus = Alumnus(**new_alumnus_values(clean, actor, today))
    _replace_contacts(alumnus, clean.support_contacts)
    alumnus.status_history.append(AlumniStatusChange(**first_status_change(clean.status, actor)))
    return alumnus


def changed_fields(current: Alumnus | AlumnusData, clean: AlumnusData) -> list[str]:
    """The editable fields (and "support_contacts") in which `clean` differs from a record or its data."""
    changed = [name for name in EDITABLE_FIELDS if getattr(current, name) != getattr(clean, name)]
    if _contacts_differ(current.support_contacts, clean.support_contacts):
        changed.append("support_contacts")
    return changed


def apply_changes(alumnus: Alumnus, clean: AlumnusData, actor: Actor) -> list[str]:
    """Copy checked data onto a loaded record; returns the changed field names (none: record untouched)."""
    changed = changed_fields(alumnus, clean)
    if not changed:
        return changed
    if "support_contacts" in changed:
        _replace_contacts(alumnus, clean.support_contacts)
    for name in changed:
        if name != "support_contacts":
            setattr(alumnus, name, getattr(clean, name))
    alumnus.updated_at = utcnow()
    alumnus.updated_by_id = actor.staff_id
    refresh_search_keys(alumnus)
    return changed


def set_status(
    alumnus: Alumnus, new_status: AlumniStatus, reason: str | None, actor: Actor, on: date
) -> list[str]:
    """Move a loaded record to `new_status` with a history entry; opting out or back in is dated `on`.

    Returns the changed field names. The caller checks that the status really changes.
    """
    old = alumnus.status
    alumnus.status = new_status
    changed = ["status"]
    if new_status is AlumniStatus.OPTED_OUT:
        alumnus.opted_out_on = on
        changed.append("opted_out_on")
    elif new_status is AlumniStatus.ACTIVE and old is AlumniStatus.OPTED_OUT:
        alumnus.opted_in_on, alumnus.opted_out_on = on, None
        changed += ["opted_in_on", "opted_out_on"]
    # Linked through the many-to-one side: appending to the unloaded collection would load it,
    # autoflush the status first and raise the row version twice for one change.
    object_session(alumnus).add(
        AlumniStatusChange(alumnus=alumnus, old_status=old, new_status=new_status, changed_by_id=actor.staff_id,
                           reason=(reason or "").strip()[:400] or None)
    )

    alumnus.updated_at = utcnow()
    alumnus.updated_by_id = actor.staff_id
    return changed


def _load(session: Session, alumnus_id: int) -> Alumnus:
    alumnus = session.get(Alumnus, alumnus_id, options=[selectinload(Alumnus.support_contacts)])
    if alumnus is None:
        raise RecordNotFoundError("This alumnus record")
    return alumnus


class AlumniService:
    def __init__(self, database: Database, *, today=date.today):
        self.database = database
        self._today = today

    # -- reading -------------------------------------------------------------------------------
    def open_record(self, alumnus_id: int, actor: Actor) -> AlumnusData:
        """Load a record for a person to read; the opening itself is audited."""
        with self.database.session() as session:
            alumnus = _load(session, alumnus_id)
            data = to_data(alumnus, _staff_names(session, alumnus.created_by_id, alumnus.updated_by_id))
            audit.record(session, actor, AuditAction.VIEW, ENTITY, alumnus_id)
            session.commit()
            return data

    def read(self, alumnus_id: int) -> AlumnusData:
        """Load a record for a document or a calculation, without an audit event: the caller records
        its own use of it (an export is one event for the whole document)."""
        with self.database.session() as session:
            alumnus = _load(session, alumnus_id)
            return to_data(alumnus, _staff_names(session, alumnus.created_by_id, alumnus.updated_by_id))

    def status_history(self, alumnus_id: int) -> list[StatusChangeRecord]:
        with self.database.session() as session:
            staff = aliased(StaffMember)
            rows = session.execute(
                select(AlumniStatusChange, staff.display_name)
                .outerjoin(staff, staff.id == AlumniStatusChange.changed_by_id)
                .where(AlumniStatusChange.alumnus_id == alumnus_id)
                .order_by(AlumniStatusChange.changed_at, AlumniStatusChange.id)
            )
            return [
                StatusChangeRecord(c.old_status, c.new_status, c.changed_at, name, c.reason) for c, name in rows
            ]

    def possible_duplicates(self, data: AlumnusData) -> list[DuplicateCandidate]:
        """Other records with the same client id, or the same name and date of birth."""
        conditions = []
        if data.client_id:
            conditions.append(func.lower(Alumnus.client_id) == data.client_id.strip().lower())
        if data.first_name and data.last_name and data.date_of_birth:
            conditions.append(
                (Alumnus.sort_name == text.sort_name(data.first_name, data.last_name))
                & (Alumnus.date_of_birth == data.date_of_birth)
            )
        if not conditions:
            return []
        query = select(Alumnus.id, Alumnus.client_id, Alumnus.first_name, Alumnus.last_name,
                       Alumnus.date_of_birth).where(or_(*conditions))
        if data.id is not None:
            query = query.where(Alumnus.id != data.id)
        with self.database.session() as session:
            result = []
            for row in session.execute(query.limit(20)):
                same_id = data.client_id and row.client_id.lower() == data.client_id.strip().lower()
                reason = "same client ID" if same_id else "same name and date of birth"
                result.append(DuplicateCandidate(row.id, row.client_id, f"{row.first_name} {row.last_name}",
                                                 row.date_of_birth, reason))
            return result

    # -- writing -------------------------------------------------------------------------------
    def validate(self, data: AlumnusData):
        return check_alumnus(data, today=self._today())

    def create(self, data: AlumnusData, actor: Actor) -> AlumnusData:
        checked = self.validate(data)
        if not checked.ok:
            raise ValidationFailed(checked.errors)
        clean = checked.data
        with self.database.session() as session:
            alumnus = new_alumnus(clean, actor, self._today())
            session.add(alumnus)
            self._flush_unique(session, clean.client_id)
            audit.record(session, actor, AuditAction.CREATE, ENTITY, alumnus.id, EDITABLE_FIELDS)
            session.commit()
            return to_data(alumnus, _staff_names(session, actor.staff_id))

    def update(self, data: AlumnusData, actor: Actor) -> AlumnusData:
        """Save edits made on a copy loaded at `data.row_version`; refuse if someone saved since."""
        if data.id is None or data.row_version is None:
            raise AftercareError("Only a loaded record can be updated.")
        checked = self.validate(data)
        if not checked.ok:
            raise ValidationFailed(checked.errors)
        clean = checked.data
        with self.database.session() as session:
            alumnus = _load(session, data.id)
            if alumnus.row_version != data.row_version:
                raise ConcurrentEditError("This alumnus record")
            changed = apply_changes(alumnus, clean, actor)
            if not changed:
                return to_data(alumnus, _staff_names(session, alumnus.created_by_id, alumnus.updated_by_id))
            try:
                self._flush_unique(session, clean.client_id)
            except StaleDataError:
                raise ConcurrentEditError("This alumnus record") from None
            audit.record(session, actor, AuditAction.UPDATE, ENTITY, alumnus.id, changed)
            session.commit()
            return to_data(alumnus, _staff_names(session, alumnus.created_by_id, alumnus.updated_by_id))

    def change_status(
        self, alumnus_id: int, row_version: int, new_status: AlumniStatus, reason: str | None, actor: Actor
    ) -> AlumnusData:
        with self.database.session() as session:
            alumnus = _load(session, alumnus_id)
            if alumnus.row_version != row_version:
                raise ConcurrentEditError("This alumnus record")
            if alumnus.status == new_status:
                raise AftercareError(f"The status is already {new_status.value.replace('_', ' ')}.")
            changed = set_status(alumnus, new_status, reason, actor, self._today())
            try:
                session.flush()
            except StaleDataError:
                raise ConcurrentEditError("This alumnus record") from None
            audit.record(session, actor, AuditAction.STATUS_CHANGE, ENTITY, alumnus.id, changed)
            session.commit()
            return to_data(alumnus, _staff_names(session, alumnus.created_by_id, alumnus.updated_by_id))

    def set_archived(self, alumnus_id: int, row_version: int, archived: bool, actor: Actor) -> AlumnusData:
        """Archive hides a record from the daily lists but keeps everything; restore brings it back."""
        with self.database.session() as session:
            alumnus = _load(session, alumnus_id)
            if alumnus.row_version != row_version:
                raise ConcurrentEditError("This alumnus record")
            alumnus.archived_at = utcnow() if archived else None
            alumnus.updated_at = utcnow()
            alumnus.updated_by_id = actor.staff_id
            try:
                session.flush()
            except StaleDataError:
                raise ConcurrentEditError("This alumnus record") from None
            action = AuditAction.ARCHIVE if archived else AuditAction.RESTORE
            audit.record(session, actor, action, ENTITY, alumnus.id, ["archived_at"])
            session.commit()
            return to_data(alumnus, _staff_names(session, alumnus.created_by_id, alumnus.updated_by_id))

    def delete(self, alumnus_id: int, row_version: int, actor: Actor) -> None:
        """Hard delete, for records entered by mistake. The UI asks for confirmation first."""
        with self.database.session() as session:
            alumnus = _load(session, alumnus_id)
            if alumnus.row_version != row_version:
                raise ConcurrentEditError("This alumnus record")
            session.delete(alumnus)
            try:
                session.flush()
            except StaleDataError:
                raise ConcurrentEditError("This alumnus record") from None
            audit.record(session, actor, AuditAction.DELETE, ENTITY, alumnus_id)
            session.commit()

    @staticmethod
    def _flush_unique(session: Session, client_id: str) -> None:
        try:
            session.flush()
        except IntegrityError as exc:
            session.rollback()
            if "client_id" in str(exc.orig).lower():
                raise AftercareError(f"Another alumnus already has client ID '{client_id}'.") from None
            raise


def _contacts_differ(current: list[SupportContact], wanted: list[SupportContactData]) -> bool:
    def key(c):
        return tuple(getattr(c, name) for name in CONTACT_FIELDS)

    return [key(c) for c in current] != [key(c) for c in wanted]


def _replace_contacts(alumnus: Alumnus, contacts: list[SupportContactData]) -> None:
    """Rewrite the contact list in the given order; existing rows are updated in place by id."""
    existing = {c.id: c for c in alumnus.support_contacts}
    result = []
    for order, contact in enumerate(contacts):
        row = existing.pop(contact.id, None) if contact.id is not None else None
        if row is None:
            row = SupportContact()
        for name in CONTACT_FIELDS:
            setattr(row, name, getattr(contact, name))
        row.call_order = order
        result.append(row)
    alumnus.support_contacts = result


assert set(EDITABLE_FIELDS) <= {f.name for f in fields(AlumnusData)}
