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
    # A document about a record left the app: written to a file, or sent to a printer.
    EXPORT = "export"
    PRINT = "print"


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


# -- the caseworker's day (aftercare plans, check-ins, meetings, recovery, assessments) -------------


class PlanStatus(StrEnum):
    ACTIVE = "active"
    SUPERSEDED = "superseded"


class CheckinCadence(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


CADENCE_DAYS = {CheckinCadence.WEEKLY: 7, CheckinCadence.BIWEEKLY: 14, CheckinCadence.MONTHLY: 30}


class LifeArea(StrEnum):
    RECOVERY = "recovery"
    HEALTH = "health"
    HOUSING = "housing"
    WORK_EDUCATION = "work_education"
    FAMILY = "family"
    LEGAL = "legal"


class GoalStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class MeetingKind(StrEnum):
    AA = "aa"
    NA = "na"
    SMART = "smart_recovery"
    REFUGE = "refuge_recovery"
    CELEBRATE = "celebrate_recovery"
    ALUMNI_GROUP = "alumni_group"
    OTHER = "other"


class RosterRole(StrEnum):
    MENTOR = "mentor"
    SPONSOR = "sponsor"
    FAMILY = "family"
    CASEWORKER = "caseworker"
    CRISIS_LINE = "crisis_line"
    OTHER = "other"


class CheckinMethod(StrEnum):
    CALL = "call"
    TEXT = "text"
    VIDEO = "video"
    IN_PERSON = "in_person"
    GROUP = "group"


class CheckinOutcome(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    LEFT_MESSAGE = "left_message"


class RecurrenceKind(StrEnum):
    LAPSE = "lapse"
    RELAPSE = "relapse"


class SobrietyChangeKind(StrEnum):
    RECURRENCE = "recurrence"
    CORRECTION = "correction"


class WarningLevel(StrEnum):
    NONE = "none"
    WATCH = "watch"
    HIGH = "high"


# The standard list offered on every check-in, beside the alumnus's own signs from the plan.
STANDARD_WARNING_SIGNS: tuple[str, ...] = (
    "Missed meetings",
    "Isolation or withdrawal",
    "Irritability",
    "Sleep problems",
    "Romanticising use",
    "Contact with using peers",
    "Skipping medication",
    "Stopped talking to mentor",
)

LABELS.update({
    CheckinCadence.WEEKLY: "Weekly",
    CheckinCadence.BIWEEKLY: "Every two weeks",
    CheckinCadence.MONTHLY: "Monthly",
    LifeArea.RECOVERY: "Recovery",
    LifeArea.HEALTH: "Health",
    LifeArea.HOUSING: "Housing",
    LifeArea.WORK_EDUCATION: "Work / education",
    LifeArea.FAMILY: "Family",
    LifeArea.LEGAL: "Legal",
    GoalStatus.NOT_STARTED: "Not started",
    GoalStatus.IN_PROGRESS: "In progress",
    GoalStatus.ACHIEVED: "Achieved",
    GoalStatus.DROPPED: "Dropped",
    MeetingKind.AA: "AA",
    MeetingKind.NA: "NA",
    MeetingKind.SMART: "SMART Recovery",
    MeetingKind.REFUGE: "Refuge Recovery",
    MeetingKind.CELEBRATE: "Celebrate Recovery",
    MeetingKind.ALUMNI_GROUP: "Alumni group",
    MeetingKind.OTHER: "Other",
    RosterRole.MENTOR: "Mentor",
    RosterRole.SPONSOR: "Sponsor",
    RosterRole.FAMILY: "Family",
    RosterRole.CASEWORKER: "Caseworker",
    RosterRole.CRISIS_LINE: "Crisis line",
    RosterRole.OTHER: "Other",
    CheckinMethod.CALL: "Call",
    CheckinMethod.TEXT: "Text",
    CheckinMethod.VIDEO: "Video",
    CheckinMethod.IN_PERSON: "In person",
    CheckinMethod.GROUP: "Group",
    CheckinOutcome.REACHED: "Reached",
    CheckinOutcome.NO_ANSWER: "No answer",
    CheckinOutcome.LEFT_MESSAGE: "Left message",
    RecurrenceKind.LAPSE: "Lapse",
    RecurrenceKind.RELAPSE: "Relapse",
    WarningLevel.NONE: "None",
    WarningLevel.WATCH: "Watch",
    WarningLevel.HIGH: "High",
})


# -- the mentor program (mentor pool, waiting list, pairings, weekly pairing review) ------------------


class MentorStatus(StrEnum):
    APPLICANT = "applicant"
    IN_TRAINING = "in_training"
    ACTIVE = "active"
    PAUSED = "paused"  # until `paused_until`; active again from that day
    RETIRED = "retired"


class Gender(StrEnum):
    WOMAN = "woman"
    MAN = "man"
    NON_BINARY = "non_binary"
    ANOTHER = "another"


class TimeBlock(StrEnum):
    """A part of the day, for mentor and mentee availability (weekday × block)."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"
    NIGHT = "night"


# Weekday codes of availability slots ("mon-evening"), Monday first as in `date.weekday()`.
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_LABELS: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class MenteeNeed(StrEnum):
    CRAVING_CALLS = "craving_calls"
    WEEKLY_CHECKIN = "weekly_checkin"
    MEETING_COMPANION = "meeting_companion"
    PATHWAY_GUIDE = "pathway_guide"
    PRACTICAL = "practical"
    FAMILY = "family"


class PairingState(StrEnum):
    """Where a pairing stands; worked out from its dates, never stored."""

    LOCKED = "locked"  # fixed by the coordinator, not started yet
    ACTIVE = "active"
    ENDED = "ended"


class PairingEndReason(StrEnum):
    COMPLETED = "completed"
    MENTEE_REQUEST = "mentee_request"
    MENTOR_CAPACITY = "mentor_capacity"
    CONFLICT = "conflict"
    RECURRENCE = "recurrence"
    LOST_CONTACT = "lost_contact"


class ReviewOutcome(StrEnum):
    CONTINUE = "continue"
    WATCH = "watch"
    REASSIGN = "reassign"
    END = "end"


LABELS.update({
    MentorStatus.APPLICANT: "Applicant",
    MentorStatus.IN_TRAINING: "In training",
    MentorStatus.ACTIVE: "Active",
    MentorStatus.PAUSED: "Paused",
    MentorStatus.RETIRED: "Retired",
    Gender.WOMAN: "Woman",
    Gender.MAN: "Man",
    Gender.NON_BINARY: "Non-binary",
    Gender.ANOTHER: "Another gender",
    TimeBlock.MORNING: "Morning",
    TimeBlock.AFTERNOON: "Afternoon",
    TimeBlock.EVENING: "Evening",
    TimeBlock.NIGHT: "Late night",
    MenteeNeed.CRAVING_CALLS: "Someone to call when cravings hit",
    MenteeNeed.WEEKLY_CHECKIN: "Weekly check-in buddy",
    MenteeNeed.MEETING_COMPANION: "Someone to go to meetings with",
    MenteeNeed.PATHWAY_GUIDE: "Help finding their way in a recovery pathway",
    MenteeNeed.PRACTICAL: "Practical help: work, housing, benefits",
    MenteeNeed.FAMILY: "Family and relationships",
    PairingState.LOCKED: "Locked, not started",
    PairingState.ACTIVE: "Active",
    PairingState.ENDED: "Ended",
    PairingEndReason.COMPLETED: "Completed",
    PairingEndReason.MENTEE_REQUEST: "Mentee's request",
    PairingEndReason.MENTOR_CAPACITY: "Mentor's capacity",
    PairingEndReason.CONFLICT: "Conflict",
    PairingEndReason.RECURRENCE: "Recurrence",
    PairingEndReason.LOST_CONTACT: "Lost contact",
    ReviewOutcome.CONTINUE: "Continue",
    ReviewOutcome.WATCH: "Watch",
    ReviewOutcome.REASSIGN: "Reassign",
    ReviewOutcome.END: "End",
})


# -- printed output ---------------------------------------------------------------------------------


class NoticeStatement(StrEnum):
    """Which 42 CFR §2.32 notice accompanies a disclosed document."""

    STATEMENT_1 = "statement_1"  # the full statement
    STATEMENT_2 = "statement_2"  # the abbreviated one


class PaperSize(StrEnum):
    LETTER = "letter"
    A4 = "a4"


LABELS.update({
    AuditAction.EXPORT: "Export",
    AuditAction.PRINT: "Print",
    NoticeStatement.STATEMENT_1: "Statement 1 (standard)",
    NoticeStatement.STATEMENT_2: "Statement 2 (abbreviated)",
    PaperSize.LETTER: "US Letter",
    PaperSize.A4: "A4",
})
