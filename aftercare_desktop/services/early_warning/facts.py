"""What the rules read about an alumnus: the facts, the packed recent check-ins, and the rule context.

Plain values and no database: tests build facts by hand, the loader (`loader.py`) and the history
(`history.py`) build the same from the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from functools import lru_cache
from operator import methodcaller
from typing import NamedTuple

from ...models.enums import CADENCE_DAYS, CheckinCadence, RecurrenceKind
from ..instruments import AWARE as AWARE_CODE
from ..instruments import BARC_10 as BARC_10_CODE
from ..team_settings import TeamSettingsValues

# The instrument codes of the definition files in resources/instruments.
BARC10 = BARC_10_CODE
AWARE = AWARE_CODE
# Reached check-ins older than this are not "recent": a mood baseline from two years ago says
# little about today, and the bound keeps the loader's work proportional to the recent past.
RECENT_LOOKBACK_DAYS = 365


class ContactStart(StrEnum):
    """What the first check-in is counted from when there has been none."""

    PLAN = "plan"
    OPTED_IN = "opted_in"
    DISCHARGE = "discharge"
    RECORD = "record"


class CheckinFact(NamedTuple):
    """One reached check-in, readable (tests and the per-alumnus baseline pack these, see `pack`)."""

    on: date
    mood: int | None = None
    craving: int | None = None
    meetings_attended: int | None = None
    warning_signs: tuple[str, ...] = ()
    at: datetime | None = None  # the exact time; None: noon on `on`


class AssessmentFact(NamedTuple):
    on: date
    total: int


class RecurrenceFact(NamedTuple):
    on: date
    kind: RecurrenceKind


class MentorFact(NamedTuple):
    """An active mentor pairing and the last time the mentor reached the mentee."""

    paired_on: date
    last_contact_on: date | None


# The recent check-ins reach the rules packed, one short string per check-in made by the database,
# newest first: turning 130,000 rows into Python objects would cost more than finding them.
#   [0]     mood digit, or "-"
#   [1]     craving as a hex digit (0-a), or "-"
#   [2:21]  when, in UTC: "YYYY-MM-DD HH:MM:SS" (compared as text with UTC bounds of local days)
#   [21:]   meetings attended (digits, or nothing) ";" the warning signs as JSON (nothing when none)
_HEX = "0123456789abcdef"
_TIME = slice(2, 21)
_ZERO = ord("0")
_ENDS_WITH_SIGNS = methodcaller("endswith", "]")


def utc_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def pack(checkin: CheckinFact) -> str:
    """The packed form of a check-in, exactly as the loader's SQL makes it."""
    moment = checkin.at or datetime.combine(checkin.on, time(12)).astimezone(timezone.utc)
    mood = str(checkin.mood) if checkin.mood is not None and 0 <= checkin.mood <= 9 else "-"
    craving = _HEX[checkin.craving] if checkin.craving is not None and 0 <= checkin.craving <= 15 else "-"
    meetings = str(checkin.meetings_attended) if checkin.meetings_attended is not None else ""
    signs = json.dumps(list(checkin.warning_signs)) if checkin.warning_signs else ""
    return f"{mood}{craving}{utc_text(moment)}{meetings};{signs}"


def packed_day(packed: str) -> date:
    """The local date of a packed check-in."""
    return datetime.fromisoformat(packed[_TIME]).replace(tzinfo=timezone.utc).astimezone().date()


def packed_meetings(packed: str) -> int | None:
    text = packed[21:packed.index(";", 21)]
    return int(text) if text else None


@lru_cache(maxsize=4096)  # a team ticks the same few combinations again and again
def _signs(raw: str | None) -> tuple[str, ...]:
    if not raw or raw == "[]":
        return ()
    try:
        values = json.loads(raw)
    except ValueError:
        return ()
    return tuple(value for value in values if isinstance(value, str)) if isinstance(values, list) else ()


def packed_signs(packed: str) -> tuple[str, ...]:
    return _signs(packed[packed.index(";", 21) + 1:])


def unpack(packed: str) -> CheckinFact:
    """A packed check-in made readable again (for messages and tests; the rules read packed ones)."""
    mood, craving = packed[0], packed[1]
    return CheckinFact(packed_day(packed), None if mood == "-" else int(mood),
                       None if craving == "-" else int(craving, 16), packed_meetings(packed), packed_signs(packed),
                       datetime.fromisoformat(packed[_TIME]).replace(tzinfo=timezone.utc))


@dataclass(slots=True)
class AlumnusFacts:
    """Everything the rules read about one alumnus. Plain values; no names."""

    alumnus_id: int
    contact_start: date
    contact_start_kind: ContactStart = ContactStart.RECORD
    cadence: CheckinCadence | None = None  # from the active plan; None: the team's default
    plan_started_on: date | None = None
    meetings_per_week: int = 0  # expected by the active plan
    last_reached_on: date | None = None
    unanswered_in_a_row: int = 0  # attempts without an answer since the last reached check-in
    unanswered_since: date | None = None
    unanswered_all_calls: bool = True
    # Reached check-ins of the last RECENT_LOOKBACK_DAYS, newest first, at most `recent_checkins_kept`,
    # packed (see `pack`).
    recent: tuple[str, ...] = ()
    # Meeting attendance recorded in the meetings window (None: nothing recorded there).
    meetings_recorded: int = 0
    meetings_recorded_attended: int = 0
    barc10: tuple[AssessmentFact, ...] = ()  # newest first, the last two
    aware: tuple[AssessmentFact, ...] = ()
    last_recurrence: RecurrenceFact | None = None
    mentor: MentorFact | None = None


def recent_checkins_kept(settings: TeamSettingsValues) -> int:
    """How many recent reached check-ins the rules need at most."""
    return max(settings.mood_window_checkins + settings.mood_baseline_checkins, settings.craving_window_checkins)


@dataclass(frozen=True)
class RuleContext:
    """The settings and today, with what the rules derive from them worked out once per run."""

    settings: TeamSettingsValues
    today: date
    allowed_days: dict[CheckinCadence, int]  # cadence plus grace: more days than this is overdue
    meetings_start: date  # first day of the meetings window (which ends today)
    signs_start: date  # first day of the warning-sign window
    lookback_start: date  # reached check-ins before this day are not "recent"
    meetings_from: str  # the start of those days as UTC text, to compare with packed check-ins
    signs_from: str

    @classmethod
    def of(cls, settings: TeamSettingsValues, today: date) -> RuleContext:
        meetings_start = today - timedelta(weeks=settings.meetings_window_weeks) + timedelta(days=1)
        signs_start = today - timedelta(days=settings.warning_sign_days - 1)
        return cls(
            settings=settings,
            today=today,
            allowed_days={cadence: CADENCE_DAYS[cadence] + settings.grace_days(cadence) for cadence in CheckinCadence},
            meetings_start=meetings_start,
            signs_start=signs_start,
            lookback_start=today - timedelta(days=RECENT_LOOKBACK_DAYS - 1),
            meetings_from=utc_text(day_start(meetings_start)),
            signs_from=utc_text(day_start(signs_start)),
        )


# -- local days --------------------------------------------------------------------------------


local_day = _local_day = date.fromtimestamp  # seconds since 1970 → the local date


def day_start(day: date) -> datetime:
    """The instant a local day begins, in UTC (what timestamps are compared with)."""
    return datetime.combine(day, time(0)).astimezone(timezone.utc)


def contact_start(plan_started_on: date | None, opted_in_on: date | None, discharge_date: date | None,
                  created_on: date) -> tuple[date, ContactStart]:
    """What the first check-in is counted from when there has been none."""
    if plan_started_on is not None:
        return plan_started_on, ContactStart.PLAN
    if opted_in_on is not None:
        return opted_in_on, ContactStart.OPTED_IN
    if discharge_date is not None:
        return discharge_date, ContactStart.DISCHARGE
    return created_on, ContactStart.RECORD


# -- a caseload --------------------------------------------------------------------------------


class Person(NamedTuple):
    """Who a row is about, as a list shows them."""

    id: int
    client_id: str
    first_name: str
    last_name: str
    preferred_name: str | None
    sort_name: str
    caseworker_id: int | None
    discharge_date: date | None
    sobriety_start_date: date | None

    @property
    def name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Caseload:
    """The facts of a caseload: who is in it, and what the rules read about each of them."""

    people: dict[int, Person]
    facts: list[AlumnusFacts]
    undigested: tuple[int, ...] = ()  # read from their check-ins for want of a digest (see `keep_digests`)
