"""ORM entities. Import from here so that every table is registered on `Base.metadata`."""

from .alumnus import Alumnus, AlumniStatusChange, SupportContact
from .audit import AuditEvent
from .base import Base, UTCDateTime, utcnow
from .staff import StaffMember

__all__ = [
    "Alumnus",
    "AlumniStatusChange",
    "AuditEvent",
    "Base",
    "StaffMember",
    "SupportContact",
    "UTCDateTime",
    "utcnow",
]
