"""Closed vocabularies of the domain. Stored as their string values."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum as SAEnum


class Program(StrEnum):
    RESIDENTIAL = "residential"
    PHP = "php"
    IOP = "iop"
    OUTPATIENT = "outpatient"
    OTHER = "other"


class AlumniStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    LOST_CONTACT = "lost_contact"
    OPTED_OUT = "opted_out"
    DECEASED = "deceased"


class DischargeType(StrEnum):
    COMPLETED = "completed"
    TRANSFERRED = "transferred"
    AGAINST_ADVICE = "against_advice"
    ADMINISTRATIVE = "administrative"
    OTHER = "other"


class ContactMethod(StrEnum):
    PHONE = "phone"
    TEXT = "text"
    EMAIL = "email"
    VIDEO = "video"
    IN_PERSON = "in_person"


class RecoveryPathway(StrEnum):
    TWELVE_STEP = "twelve_step"
    SMART = "smart_recovery"
    FAITH_BASED = "faith_based"
    MEDICATION_SUPPORTED = "medication_supported"
    OTHER = "other"


class Relationship(StrEnum):
    SPONSOR = "sponsor"
    FAMILY = "family"
    FRIEND = "friend"
    THERAPIST = "therapist"
    OTHER = "other"


class StaffRole(StrEnum):
    CASEWORKER = "caseworker"
    COORDINATOR = "coordinator"
    STAFF = "staff"


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    VIEW = "view"
    ARCHIVE = "archive"
    RESTORE = "restore"
    STATUS_CHANGE = "status_change"
    IMPORT = "import"


LABELS: dict[StrEnum, str] = {
    Program.RESIDENTIAL: "Residential",
    Program.PHP: "PHP (partial hospitalization)",
    Program.IOP: "IOP (intensive outpatient)",
    Program.OUTPATIENT: "Outpatient",
    Program.OTHER: "Other",
    AlumniStatus.ACTIVE: "Active",
    AlumniStatus.INACTIVE: "Inactive",
    AlumniStatus.LOST_CONTACT: "Lost contact",
    AlumniStatus.OPTED_OUT: "Opted out",
    AlumniStatus.DECEASED: "Deceased",
    DischargeType.COMPLETED: "Completed program",
    DischargeType.TRANSFERRED: "Transferred",
    DischargeType.AGAINST_ADVICE: "Left against advice",
    DischargeType.ADMINISTRATIVE: "Administrative",
    DischargeType.OTHER: "Other",
    ContactMethod.PHONE: "Phone call",
    ContactMethod.TEXT: "Text message",
    ContactMethod.EMAIL: "Email",
    ContactMethod.VIDEO: "Video call",
    ContactMethod.IN_PERSON: "In person",
    RecoveryPathway.TWELVE_STEP: "12-step",
    RecoveryPathway.SMART: "SMART Recovery",
    RecoveryPathway.FAITH_BASED: "Faith-based",
    RecoveryPathway.MEDICATION_SUPPORTED: "Medication-supported",
    RecoveryPathway.OTHER: "Other",
    Relationship.SPONSOR: "Sponsor",
    Relationship.FAMILY: "Family",
    Relationship.FRIEND: "Friend",
    Relationship.THERAPIST: "Therapist",
    Relationship.OTHER: "Other",
    StaffRole.CASEWORKER: "Caseworker",
    StaffRole.COORDINATOR: "Coordinator",
    StaffRole.STAFF: "Staff",
}


def label(value: StrEnum | None) -> str:
    """The wording shown to people for an enum value."""
    if value is None:
        return ""
    return LABELS.get(value, str(value).replace("_", " ").capitalize())


def enum_column(enum_cls: type[StrEnum]) -> SAEnum:
    """A portable string column restricted to the enum's values (no native PG type to migrate)."""
    return SAEnum(
        enum_cls,
        native_enum=False,
        values_callable=lambda cls: [member.value for member in cls],
        length=max(len(m.value) for m in enum_cls) + 8,
        validate_strings=True,
        create_constraint=False,
    )
