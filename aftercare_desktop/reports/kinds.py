"""The documents the app prints, the sections of a progress report, and the notice choices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class DocumentKind(StrEnum):
    PROGRESS = "progress_report"
    PLAN = "aftercare_plan"
    WALLET_CARD = "wallet_card"
    CASELOAD = "caseload_summary"
    PAIRING_REVIEW = "pairing_review_agenda"

    @property
    def title(self) -> str:
        return _TITLES[self]

    @property
    def leaves_program(self) -> bool:
        """Made to be handed to someone outside the program: always carries the §2.32 notice."""
        return self is DocumentKind.PROGRESS

    @property
    def for_the_alumnus(self) -> bool:
        """Made for the alumnus to keep; recorded as given to them unless someone else is named."""
        return self in (DocumentKind.PLAN, DocumentKind.WALLET_CARD)

    @property
    def about_an_alumnus(self) -> bool:
        return self not in (DocumentKind.CASELOAD, DocumentKind.PAIRING_REVIEW)

    @property
    def about_a_caseworker(self) -> bool:
        return self is DocumentKind.CASELOAD

    @property
    def in_batches(self) -> bool:
        """Made for many at once (one per alumnus or caseworker); the agenda is one for the whole team."""
        return self.about_an_alumnus or self.about_a_caseworker

    @property
    def landscape(self) -> bool:
        """Printed across the page: the agenda's tables are wide, with room to write in."""
        return self is DocumentKind.PAIRING_REVIEW

    @property
    def command(self) -> str:
        """Its name on the command line."""
        return _COMMANDS[self]

    @classmethod
    def from_command(cls, name: str) -> DocumentKind:
        for kind, command in _COMMANDS.items():
            if command == name:
                return kind
        raise ValueError(name)


_TITLES = {
    DocumentKind.PROGRESS: "Progress report",
    DocumentKind.PLAN: "My aftercare plan",
    DocumentKind.WALLET_CARD: "Wallet cards",
    DocumentKind.CASELOAD: "Caseload summary",
    DocumentKind.PAIRING_REVIEW: "Pairing review agenda",
}
_COMMANDS = {
    DocumentKind.PROGRESS: "progress",
    DocumentKind.PLAN: "plan",
    DocumentKind.WALLET_CARD: "wallet-card",
    DocumentKind.CASELOAD: "caseload",
    DocumentKind.PAIRING_REVIEW: "pairing-review",
}


class Section(StrEnum):
    """The sections of a progress report, in the order they print."""

    IDENTITY = "identity"
    SOBRIETY = "sobriety"
    GOALS = "goals"
    CHECKINS = "checkins"
    MEETINGS = "meetings"
    MOOD_CRAVING = "mood_craving"
    ASSESSMENTS = "assessments"
    EARLY_WARNING = "early_warning"
    MENTORING = "mentoring"
    NOTES = "notes"

    @property
    def title(self) -> str:
        return _SECTION_TITLES[self]


_SECTION_TITLES = {
    Section.IDENTITY: "Identity",
    Section.SOBRIETY: "Sobriety",
    Section.GOALS: "Aftercare plan goals",
    Section.CHECKINS: "Check-ins",
    Section.MEETINGS: "Support meetings",
    Section.MOOD_CRAVING: "Mood and craving",
    Section.ASSESSMENTS: "Assessments",
    Section.EARLY_WARNING: "Early-warning signals",
    Section.MENTORING: "Peer mentoring",
    Section.NOTES: "Caseworker's notes",
}

ALL_SECTIONS: frozenset[Section] = frozenset(Section)


class Notice(StrEnum):
    """Which 42 CFR §2.32 notice a document carries."""

    DEFAULT = "default"  # the team's choice on documents that leave the program; none on the others
    STATEMENT_1 = "statement_1"
    STATEMENT_2 = "statement_2"
    NONE = "none"  # refused for documents that leave the program


@dataclass(frozen=True)
class Period:
    """A range of days, both included."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def __contains__(self, day: date) -> bool:
        return self.first <= day <= self.last

    @classmethod
    def ending(cls, last: date, days: int) -> Period:
        return cls(last - timedelta(days=days - 1), last)
