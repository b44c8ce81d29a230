"""ORM entities. Import from here so that every table is registered on `Base.metadata`."""

from .alumnus import Alumnus, AlumniStatusChange, SupportContact
from .audit import AuditEvent
from .base import Base, UTCDateTime, utcnow
from .checkin import CheckIn, CheckInDigest, MeetingAttendance
from .plan import (
    AftercarePlan,
    PlanGoal,
    PlanMeeting,
    PlanRosterEntry,
    PlanTemplate,
    PlanTrigger,
    PlanWarningSign,
)
from .recovery import AssessmentResult, MilestoneCelebration, RecurrenceEvent, SobrietyDateChange, TeamSetting
from .staff import StaffMember

__all__ = [
    "AftercarePlan",
    "Alumnus",
    "AlumniStatusChange",
    "AssessmentResult",
    "AuditEvent",
    "Base",
    "CheckIn",
    "CheckInDigest",
    "MeetingAttendance",
    "MilestoneCelebration",
    "PlanGoal",
    "PlanMeeting",
    "PlanRosterEntry",
    "PlanTemplate",
    "PlanTrigger",
    "PlanWarningSign",
    "RecurrenceEvent",
    "SobrietyDateChange",
    "StaffMember",
    "SupportContact",
    "TeamSetting",
    "UTCDateTime",
    "utcnow",
]
