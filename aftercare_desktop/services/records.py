"""Plain data handed between the services and the UI (never live ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from ..models.enums import (
    AlumniStatus,
    ContactMethod,
    DischargeType,
    Program,
    Relationship,
    StaffRole,
)


@dataclass(frozen=True)
class StaffRecord:
    id: int
    display_name: str
    role: StaffRole
    active: bool = True


@dataclass
class SupportContactData:
    name: str = ""
    relation: Relationship = Relationship.OTHER
    phone: str | None = None
    availability: str | None = None
    id: int | None = None


@dataclass
class AlumnusData:
    """Every editable field of an alumnus, plus read-only bookkeeping when it was loaded."""

    client_id: str = ""
    first_name: str = ""
    last_name: str = ""
    preferred_name: str | None = None
    pronouns: str | None = None
    date_of_birth: date | None = None
    phone_mobile: str | None = None
    phone_home: str | None = None
    email: str | None = None
    address: str | None = None
    city: str | None = None
    postal_code: str | None = None
    preferred_contact_method: ContactMethod | None = None
    preferred_contact_times: str | None = None
    languages: list[str] = field(default_factory=list)
    program: Program | None = None
    admission_date: date | None = None
    discharge_date: date | None = None
    discharge_type: DischargeType | None = None
    substances: list[str] = field(default_factory=list)
    recovery_pathways: list[str] = field(default_factory=list)
    sobriety_start_date: date | None = None
    caseworker_id: int | None = None
    status: AlumniStatus = AlumniStatus.ACTIVE
    opted_in_on: date | None = None
    opted_out_on: date | None = None
    wants_mentor: bool = False
    consents_to_mentor_program: bool = False
    notes: str | None = None
    # The order of this list is the "who to call when cravings hit" order.
    support_contacts: list[SupportContactData] = field(default_factory=list)

    # Bookkeeping, filled when loaded; ignored on save except `id` and `row_version`.
    id: int | None = None
    row_version: int | None = None
    archived_at: datetime | None = None
    created_at: datetime | None = None
    created_by: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.first_name
        return f"{first} {self.last_name}".strip()


# Fields a person edits; the audit trail names these when they change.
EDITABLE_FIELDS: tuple[str, ...] = (
    "client_id", "first_name", "last_name", "preferred_name", "pronouns", "date_of_birth",
    "phone_mobile", "phone_home", "email", "address", "city", "postal_code",
    "preferred_contact_method", "preferred_contact_times", "languages", "program",
    "admission_date", "discharge_date", "discharge_type", "substances", "recovery_pathways",
    "sobriety_start_date", "caseworker_id", "opted_in_on", "opted_out_on",
    "wants_mentor", "consents_to_mentor_program", "notes",
)


@dataclass(frozen=True)
class StatusChangeRecord:
    old_status: AlumniStatus | None
    new_status: AlumniStatus
    changed_at: datetime
    changed_by: str | None
    reason: str | None


@dataclass(frozen=True)
class DuplicateCandidate:
    id: int
    client_id: str
    name: str
    date_of_birth: date | None
    reason: str
