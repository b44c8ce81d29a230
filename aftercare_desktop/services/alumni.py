"""Alumni records: open, create, change, status, archive and delete — each audited."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, selectinload
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


def refresh_search_keys(alumnus: Alumnus) -> None:
    """Keep the folded search and sort columns in step with the fields they come from."""
    alumnus.sort_name = text.sort_name(alumnus.first_name, alumnus.last_name)
    alumnus.search_text = text.search_text(
        alumnus.first_name, alumnus.last_name, alumnus.preferred_name, alumnus.email, alumnus.client_id
    )
    alumnus.phone_digits = text.phone_digits(alumnus.phone_mobile, alumnus.phone_home)


def _to_data(alumnus: Alumnus, names: dict[int, str]) -> AlumnusData:
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
            data = _to_data(alumnus, _staff_names(session, alumnus.created_by_id, alumnus.updated_by_id))
            audit.record(session, actor, AuditAction.VIEW, ENTITY, alumnus_id)
            session.commit()
            return data

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
            alumnus = Alumnus(**{name: getattr(clean, name) for name in EDITABLE_FIELDS})
            alumnus.status = clean.status
            alumnus.created_by_id = alumnus.updated_by_id = actor.staff_id
            if clean.status is AlumniStatus.ACTIVE and alumnus.opted_in_on is None:
                alumnus.opted_in_on = self._today()
            _replace_contacts(alumnus, clean.support_contacts)
            refresh_search_keys(alumnus)
            alumnus.status_history.append(
                AlumniStatusChange(old_status=None, new_status=clean.status, changed_by_id=actor.staff_id,
                                   reason="Record created")
            )
            session.add(alumnus)
            self._flush_unique(session, clean.client_id)
            audit.record(session, actor, AuditAction.CREATE, ENTITY, alumnus.id, EDITABLE_FIELDS)
            session.commit()
            return _to_data(alumnus, _staff_names(session, actor.staff_id))

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
            changed = [name for name in EDITABLE_FIELDS if getattr(alumnus, name) != getattr(clean, name)]
            if _contacts_differ(alumnus.support_contacts, clean.support_contacts):
                changed.append("support_contacts")
                _replace_contacts(alumnus, clean.support_contacts)
            if not changed:
                return _to_data(alumnus, _staff_names(session, alumnus.created_by_id, alumnus.updated_by_id))
            for name in changed:
                if name != "support_contacts":
                    setattr(alumnus, name, getattr(clean, name))
            alumnus.updated_at = utcnow()
            alumnus.updated_by_id = actor.staff_id
            refresh_search_keys(alumnus)
            try:
                self._flush_unique(session, clean.client_id)
            except StaleDataError:
                raise ConcurrentEditError("This alumnus record") from None
            audit.record(session, actor, AuditAction.UPDATE, ENTITY, alumnus.id, changed)
            session.commit()
            return _to_data(alumnus, _staff_names(session, alumnus.created_by_id, alumnus.updated_by_id))

    def change_status(
        self, alumnus_id: int, row_version: int, new_status: AlumniStatus, reason: str | None, actor: Actor
    ) -> AlumnusData:
        with self.database.session() as session:
            alumnus = _load(session, alumnus_id)
            if alumnus.row_version != row_version:
                raise ConcurrentEditError("This alumnus record")
            if alumnus.status == new_status:
                raise AftercareError(f"The status is already {new_status.value.replace('_', ' ')}.")
            old = alumnus.status
            alumnus.status = new_status
            changed = ["status"]
            today = self._today()
            if new_status is AlumniStatus.OPTED_OUT:
                alumnus.opted_out_on = today
                changed.append("opted_out_on")
            elif new_status is AlumniStatus.ACTIVE and old is AlumniStatus.OPTED_OUT:
                alumnus.opted_in_on, alumnus.opted_out_on = today, None
                changed += ["opted_in_on", "opted_out_on"]
            alumnus.status_history.append(
                AlumniStatusChange(old_status=old, new_status=new_status, changed_by_id=actor.staff_id,
                                   reason=(reason or "").strip()[:400] or None)
            )
            alumnus.updated_at = utcnow()
            alumnus.updated_by_id = actor.staff_id
            try:
                session.flush()
            except StaleDataError:
                raise ConcurrentEditError("This alumnus record") from None
            audit.record(session, actor, AuditAction.STATUS_CHANGE, ENTITY, alumnus.id, changed)
            session.commit()
            return _to_data(alumnus, _staff_names(session, alumnus.created_by_id, alumnus.updated_by_id))

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
            return _to_data(alumnus, _staff_names(session, alumnus.created_by_id, alumnus.updated_by_id))

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
