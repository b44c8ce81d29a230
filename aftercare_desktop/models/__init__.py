"""ORM entities. Import from here so that every table is registered on `Base.metadata`."""

from .alumnus import Alumnus, AlumniStatusChange, SupportContact
from .audit import AuditEvent
from .base import Base, UTCDateTime, utcnow
from .mentoring import (
    DoNotPair,
    MenteeProfile,
    MentorPairing,
    MentorProfile,
    PairingReview,
    PairingReviewAttendee,
    PairingReviewOutcome,
)
from .checkin import CheckIn, CheckInDigest, MeetingAttendance
from .disclosure import Disclosure
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
    "DoNotPair",
    "Disclosure",
    "CheckInDigest",
    "MeetingAttendance",
    "MenteeProfile",
    "MentorPairing",
    "MentorProfile",
    "MilestoneCelebration",
    "PairingReview",
    "PairingReviewAttendee",
    "PairingReviewOutcome",
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
