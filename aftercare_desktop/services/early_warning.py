"""Early warning: who needs a call, and why.

Two halves, so that every rule can be tested at its boundaries without a database:

- **Rules** are pure functions over one alumnus's facts (`AlumnusFacts`), the team's settings and
  "today". Each returns the reasons it finds, written as a colleague would say them, each with the
  date its signal began (the first day the rule would have fired, or the first event of the pattern).
- **The loader** (`load_caseload`) gathers the facts of a whole caseload in a handful of set-based
  statements: one row per alumnus carries the plan, the two newest BARC-10 and AWARE results, the last
  conversation, the attempts since, and the recent check-ins packed into one string (see `pack`);
  meetings and returns to use follow in one statement each. Never one query per alumnus (that is the
  baseline in bench/). The check-in parts come from each alumnus's digest (`CheckInDigest`, the same
  SQL run when their check-ins last changed; see `refresh_digests`), or from the check-ins
  themselves when there is none or it holds a check-in dated after today.

Levels (`level_for`):
- **high**: a return to use in the last `recurrence_window_days` (30), or `high_level_signals` (2) or
  more *strong* signals at once;
- **watch**: any other signal;
- **none**: no signal.
Strong signals are about the person: unanswered attempts, missed meetings, low mood, rising cravings,
repeated warning signs, BARC-10 low or falling, AWARE rising. An overdue check-in (the team's own
schedule) and a lapsed mentor contact are signals too, but never make the level high on their own
count. Several reasons of one kind (two warning signs; BARC-10 both low and falling) are one signal.

Only alumni with status "active" that are not archived are assessed. Day arithmetic is in the local
time zone: a check-in logged at 9 pm counts on that evening's date wherever the database keeps UTC.
"""

from __future__ import annotations

import json
import logging
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from functools import lru_cache
from operator import is_, itemgetter, methodcaller
from time import perf_counter as time_now
from typing import NamedTuple, Protocol

from sqlalchemy import (
    BigInteger,
    Table,
    Text,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import FunctionElement

from ..db import Database
from ..models import (
    AftercarePlan,
    Alumnus,
    AssessmentResult,
    CheckIn,
    CheckInDigest,
    MeetingAttendance,
    MentorPairing,
    PlanMeeting,
    RecurrenceEvent,
)
from ..models.enums import (
    CADENCE_DAYS,
    STANDARD_WARNING_SIGNS,
    AlumniStatus,
    CheckinCadence,
    CheckinMethod,
    CheckinOutcome,
    PlanStatus,
    RecurrenceKind,
    WarningLevel,
    label,
)
from .bulk import gc_paused
from .instruments import AWARE as AWARE_CODE
from .instruments import BARC_10 as BARC_10_CODE
from .sql import no_index
from .team_settings import SPECS, TeamSettingsValues, stored_values

log = logging.getLogger("aftercare.early_warning")

# The instrument codes of the definition files in resources/instruments.
BARC10 = BARC_10_CODE
AWARE = AWARE_CODE
# Reached check-ins older than this are not "recent": a mood baseline from two years ago says
# little about today, and the bound keeps the loader's work proportional to the recent past.
RECENT_LOOKBACK_DAYS = 365
# Fewer earlier check-ins than this make no baseline for the mood rule.
MIN_MOOD_BASELINE = 3
# Comparisons of averages and slopes forgive float rounding at exactly the threshold.
EPSILON = 1e-9


class Signal(StrEnum):
    CHECKIN_OVERDUE = "checkin_overdue"
    UNANSWERED = "unanswered"
    MEETINGS_MISSED = "meetings_missed"
    MOOD_LOW = "mood_low"
    CRAVINGS_RISING = "cravings_rising"
    WARNING_SIGNS = "warning_signs"
    BARC10_LOW = "barc10"
    AWARE_RISING = "aware_rising"
    RECURRENCE = "recurrence"
    MENTOR_LAPSED = "mentor_lapsed"


STRONG_SIGNALS = frozenset({
    Signal.UNANSWERED, Signal.MEETINGS_MISSED, Signal.MOOD_LOW, Signal.CRAVINGS_RISING,
    Signal.WARNING_SIGNS, Signal.BARC10_LOW, Signal.AWARE_RISING,
})

LEVEL_ORDER = {WarningLevel.HIGH: 0, WarningLevel.WATCH: 1, WarningLevel.NONE: 2}


class ContactStart(StrEnum):
    """What the first check-in is counted from when there has been none."""

    PLAN = "plan"
    OPTED_IN = "opted_in"
    DISCHARGE = "discharge"
    RECORD = "record"


_CONTACT_START_WORDS = {
    ContactStart.PLAN: "the plan started",
    ContactStart.OPTED_IN: "they joined aftercare",
    ContactStart.DISCHARGE: "discharge",
    ContactStart.RECORD: "the record was made",
}


# -- facts -------------------------------------------------------------------------------------


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


# -- reasons and levels ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reason:
    signal: Signal
    text: str
    since: date

    @property
    def strong(self) -> bool:
        return self.signal in STRONG_SIGNALS


# Most reasons read the same from one load to the next: the same object each time (see `_person`).
_reason = lru_cache(maxsize=1 << 15)(Reason)


@dataclass(frozen=True, slots=True)
class Attention:
    alumnus_id: int
    level: WarningLevel
    reasons: tuple[Reason, ...]

    @property
    def since(self) -> date | None:
        """When the oldest of its signals began."""
        return min((reason.since for reason in self.reasons), default=None)


def level_for(reasons: Sequence[Reason], settings: TeamSettingsValues) -> WarningLevel:
    if not reasons:
        return WarningLevel.NONE
    signals = {reason.signal for reason in reasons}
    if Signal.RECURRENCE in signals:
        return WarningLevel.HIGH
    return WarningLevel.HIGH if len(signals & STRONG_SIGNALS) >= settings.high_level_signals else WarningLevel.WATCH


# -- wording -----------------------------------------------------------------------------------


def _number(value: float) -> str:
    """4.0 → '4', 2.333 → '2.3'."""
    rounded = round(value, 1)
    return f"{rounded:g}" if rounded != int(rounded) else str(int(rounded))


def _day(value: date) -> str:
    return value.isoformat()


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def cadence_words(cadence: CheckinCadence) -> str:
    return label(cadence).lower()


def _sign_words(sign: str) -> str:
    # The team's standard signs read as they are; a person's own words are quoted as theirs.
    return sign if sign in STANDARD_WARNING_SIGNS else f"“{sign}”"


# -- the rules ---------------------------------------------------------------------------------

_NOTHING: tuple[Reason, ...] = ()

Rule = Callable[[AlumnusFacts, RuleContext], tuple[Reason, ...]]


def checkin_overdue(facts: AlumnusFacts, ctx: RuleContext) -> tuple[Reason, ...]:
    """No reached check-in for longer than the cadence plus its grace days.

    Counted from the last reached check-in; with none, from the start of contact (`contact_start`).
    The signal begins on the first day past the grace days.
    """
    cadence = facts.cadence or ctx.settings.default_checkin_cadence
    allowed = ctx.allowed_days[cadence]
    counted_from = facts.last_reached_on or facts.contact_start
    days = (ctx.today - counted_from).days
    if days <= allowed:
        return _NOTHING
    rule = f"plan says {cadence_words(cadence)}" if facts.cadence else f"team default is {cadence_words(cadence)}"
    if facts.last_reached_on is not None:
        text = f"No check-in for {days} days — {rule}"
    else:
        text = f"No check-in yet, {days} days since {_CONTACT_START_WORDS[facts.contact_start_kind]} — {rule}"
    return (_reason(Signal.CHECKIN_OVERDUE, text, counted_from + timedelta(days=allowed + 1)),)


def unanswered_attempts(facts: AlumnusFacts, ctx: RuleContext) -> tuple[Reason, ...]:
    """Several contact attempts in a row without an answer; begins with the first of them."""
    count = facts.unanswered_in_a_row
    if count < ctx.settings.unanswered_attempts or facts.unanswered_since is None:
        return _NOTHING
    what = "calls" if facts.unanswered_all_calls else "attempts"
    text = f"{count} {what} in a row without an answer since {_day(facts.unanswered_since)}"
    return (_reason(Signal.UNANSWERED, text, facts.unanswered_since),)


def meetings_missed(facts: AlumnusFacts, ctx: RuleContext) -> tuple[Reason, ...]:
    """Support meetings missed against the plan's expectation, over the last weeks.

    Fires when at least `meetings_missed_share` of the expected meetings, and at least
    `meetings_missed_least` of them, were missed. Attended = the larger of the attendance recorded in
    the window and the meetings the alumnus reported at check-ins in the window (records and
    self-report overlap; adding them would count twice). Silent when the plan did not cover the whole
    window, or when nothing at all is known about the window: a team that does not record attendance
    should not see everyone as missing. Begins on the first day of the window.
    """
    if not facts.meetings_per_week:
        return _NOTHING
    start = ctx.meetings_start
    if facts.plan_started_on is None or facts.plan_started_on > start:
        return _NOTHING
    settings = ctx.settings
    weeks = settings.meetings_window_weeks
    expected = facts.meetings_per_week * weeks

    def too_few(missed: int) -> bool:
        return missed < settings.meetings_missed_least or missed < settings.meetings_missed_share * expected - EPSILON

    if too_few(max(0, expected - facts.meetings_recorded_attended)):
        return _NOTHING  # not even by the records alone; reports can only add meetings attended
    reported = [n for c in _since(facts.recent, ctx.meetings_from) if (n := packed_meetings(c)) is not None]
    if not facts.meetings_recorded and not reported:
        return _NOTHING
    missed = max(0, expected - max(facts.meetings_recorded_attended, sum(reported)))
    if too_few(missed):
        return _NOTHING
    period = "week" if weeks == 1 else f"{weeks} weeks"
    text = f"Missed {missed} of {expected} expected meetings in the last {period}"
    return (_reason(Signal.MEETINGS_MISSED, text, start),)


def mood_below_baseline(facts: AlumnusFacts, ctx: RuleContext) -> tuple[Reason, ...]:
    """The average mood of the last few check-ins, at least `mood_drop` below the person's own
    average over the check-ins before them. Begins with the first check-in of the low stretch."""
    settings = ctx.settings
    window = settings.mood_window_checkins
    checkins = facts.recent
    if len(checkins) < window + MIN_MOOD_BASELINE:
        return _NOTHING
    # The mood digits as one string: summing its bytes is the cheap way over 15,000 alumni.
    moods = "".join([c[0] for c in checkins])
    rated = checkins
    if "-" in moods:
        rated = [c for c in checkins if c[0] != "-"]
        moods = moods.replace("-", "")
    if len(moods) < window + MIN_MOOD_BASELINE:
        return _NOTHING
    recent = moods[:window].encode()
    baseline = moods[window:window + settings.mood_baseline_checkins].encode()
    now = (sum(recent) - _ZERO * window) / window
    usual = (sum(baseline) - _ZERO * len(baseline)) / len(baseline)
    if now > usual - settings.mood_drop + EPSILON:
        return _NOTHING
    recent = rated[:window]
    text = f"Mood {_number(now)} over the last {_plural(window, 'check-in')}, below their usual {_number(usual)}"
    return (_reason(Signal.MOOD_LOW, text, packed_day(recent[-1])),)


def _since(recent: tuple[str, ...], moment: str) -> tuple[str, ...]:
    """The packed check-ins at or after `moment` (UTC text); they come newest first."""
    for count, checkin in enumerate(recent):
        if checkin[_TIME] < moment:
            return recent[:count]
    return recent


def slope(values: Sequence[float]) -> float:
    """Least-squares slope of `values` over 0, 1, 2, … (per step)."""
    n = len(values)
    mean_x = (n - 1) / 2
    mean_y = sum(values) / n
    spread = sum((x - mean_x) ** 2 for x in range(n))
    return sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values)) / spread


def cravings_rising(facts: AlumnusFacts, ctx: RuleContext) -> tuple[Reason, ...]:
    """Cravings trending up over the last few check-ins: a least-squares slope of at least
    `craving_slope` per check-in, and higher at the end than at the start. Begins with the first
    check-in of the window."""
    window = ctx.settings.craving_window_checkins
    checkins = facts.recent
    if len(checkins) < window:
        return _NOTHING
    cravings = "".join([c[1] for c in checkins])
    rated = checkins
    if "-" in cravings:
        rated = [c for c in checkins if c[1] != "-"]
        cravings = cravings.replace("-", "")
    if len(cravings) < window or cravings[0] <= cravings[window - 1]:
        return _NOTHING  # too few, or no higher at the end than at the start (hex digits sort as their values)
    rated = rated[:window]
    values = [int(c[1], 16) for c in reversed(rated)]  # oldest first
    if slope(values) < ctx.settings.craving_slope - EPSILON:
        return _NOTHING
    text = f"Cravings rising: {values[0]} → {values[-1]} over the last {window} check-ins"
    return (_reason(Signal.CRAVINGS_RISING, text, packed_day(rated[-1])),)


def warning_signs(facts: AlumnusFacts, ctx: RuleContext) -> tuple[Reason, ...]:
    """The same warning sign ticked in `warning_sign_count` or more of the reached check-ins of the
    last `warning_sign_days` days; one reason per sign, beginning with the first check-in it was in."""
    # Packed signs end the string ("…;[…]"); most people have ticked none in any recent check-in.
    if not any(map(_ENDS_WITH_SIGNS, facts.recent)):
        return _NOTHING
    window = _since(facts.recent, ctx.signs_from)
    if not any(map(_ENDS_WITH_SIGNS, window)):
        return _NOTHING
    counts: dict[str, int] = {}
    earliest: dict[str, str] = {}
    for checkin in window:  # newest first: the last one seen is the earliest
        for sign in set(packed_signs(checkin)):
            counts[sign] = counts.get(sign, 0) + 1
            earliest[sign] = checkin
    least = ctx.settings.warning_sign_count
    first = {sign: packed_day(earliest[sign]) for sign, count in counts.items() if count >= least}
    if not first:
        return _NOTHING
    total = len(window)
    reasons = []
    for sign in sorted(first, key=lambda sign: (-counts[sign], first[sign], sign)):
        count = counts[sign]
        where = "in the last check-in" if total == 1 else f"in {count} of the last {total} check-ins"
        reasons.append(_reason(Signal.WARNING_SIGNS, f"{_sign_words(sign)} ticked {where}", first[sign]))
    return tuple(reasons)


def _current(results: tuple[AssessmentFact, ...], ctx: RuleContext) -> bool:
    return bool(results) and (ctx.today - results[0].on).days <= ctx.settings.assessment_max_age_days


def barc10(facts: AlumnusFacts, ctx: RuleContext) -> tuple[Reason, ...]:
    """The latest BARC-10 below the cut-off, or `barc10_drop` or more below the one before it.
    Only a result of the last `assessment_max_age_days` counts; the signal begins on its date."""
    if not _current(facts.barc10, ctx):
        return _NOTHING
    latest = facts.barc10[0]
    previous = facts.barc10[1] if len(facts.barc10) > 1 else None
    cutoff = ctx.settings.barc10_cutoff
    reasons = []
    if latest.total < cutoff:
        verb = "fell to" if previous is not None and previous.total >= cutoff else "is"
        reasons.append(_reason(Signal.BARC10_LOW, f"BARC-10 {verb} {latest.total} (cut-off {cutoff})", latest.on))
    if previous is not None and previous.total - latest.total >= ctx.settings.barc10_drop:
        drop = previous.total - latest.total
        reasons.append(_reason(Signal.BARC10_LOW, f"BARC-10 dropped {drop} points since the last one", latest.on))
    return tuple(reasons)


def aware_rising(facts: AlumnusFacts, ctx: RuleContext) -> tuple[Reason, ...]:
    """The latest AWARE (more warning signs: higher) `aware_rise` or more above the one before it."""
    if len(facts.aware) < 2 or not _current(facts.aware, ctx):
        return _NOTHING
    latest, previous = facts.aware[0], facts.aware[1]
    if latest.total - previous.total < ctx.settings.aware_rise:
        return _NOTHING
    return (_reason(Signal.AWARE_RISING, f"AWARE rose from {previous.total} to {latest.total}", latest.on),)


def recent_recurrence(facts: AlumnusFacts, ctx: RuleContext) -> tuple[Reason, ...]:
    """A return to use in the last `recurrence_window_days` days (that many days ago still counts)."""
    event = facts.last_recurrence
    if event is None or not 0 <= (ctx.today - event.on).days <= ctx.settings.recurrence_window_days:
        return _NOTHING
    text = f"Return to use on {_day(event.on)} ({label(event.kind).lower()})"
    return (_reason(Signal.RECURRENCE, text, event.on),)


def mentor_contact_lapsed(facts: AlumnusFacts, ctx: RuleContext) -> tuple[Reason, ...]:
    """Paired with a mentor and no reached contact from them for more than `mentor_lapse_days`
    (counted from the pairing when there has been none). Begins the first day past the limit."""
    mentor = facts.mentor
    if mentor is None:
        return _NOTHING
    counted_from = mentor.last_contact_on or mentor.paired_on
    days = (ctx.today - counted_from).days
    lapse = ctx.settings.mentor_lapse_days
    if days <= lapse:
        return _NOTHING
    if mentor.last_contact_on is not None:
        text = f"No contact with their mentor for {days} days"
    else:
        text = f"No contact with their mentor yet, {days} days since they were paired"
    return (_reason(Signal.MENTOR_LAPSED, text, counted_from + timedelta(days=lapse + 1)),)


RULES: tuple[Rule, ...] = (
    recent_recurrence,
    checkin_overdue,
    unanswered_attempts,
    meetings_missed,
    mood_below_baseline,
    cravings_rising,
    warning_signs,
    barc10,
    aware_rising,
    mentor_contact_lapsed,
)


def judge(facts: AlumnusFacts, ctx: RuleContext) -> Attention:
    """One alumnus's level and reasons."""
    reasons: list[Reason] = []
    for rule in RULES:
        found = rule(facts, ctx)
        if found:
            reasons.extend(found)
    return Attention(facts.alumnus_id, level_for(reasons, ctx.settings), tuple(reasons))


def assess(facts: AlumnusFacts, settings: TeamSettingsValues, today: date) -> Attention:
    """One alumnus's level and reasons, for callers with no context at hand."""
    return judge(facts, RuleContext.of(settings, today))


# -- the queue ---------------------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class AttentionRow:
    """One alumnus in the needs-attention queue."""

    alumnus_id: int
    name: str
    client_id: str
    level: WarningLevel
    reasons: tuple[Reason, ...]
    since: date


@dataclass(frozen=True)
class Caseload:
    """The facts of a caseload: who is in it, and what the rules read about each of them."""

    people: dict[int, Person]
    facts: list[AlumnusFacts]
    undigested: tuple[int, ...] = ()  # read from their check-ins for want of a digest (see `keep_digests`)


def queue(caseload: Caseload, settings: TeamSettingsValues, today: date) -> list[AttentionRow]:
    """Alumni with a signal: high before watch, then the longest-standing concern first.

    Each rule runs only for the alumni it could fire for (`_candidates`: cheap necessary conditions,
    worked out over the whole caseload at once); most of a caseload is quiet, and calling ten rules
    for each of 15,000 people cost more than everything else on the Today page. What a rule says,
    and the order of the reasons, are exactly those of `judge`.
    """
    ctx = RuleContext.of(settings, today)
    people = caseload.people
    facts = caseload.facts
    # The rules run in the order of RULES, so each alumnus's reasons come in judge's order.
    reasons_of: dict[int, list[Reason]] = {}
    for rule, candidates in _candidates(facts, ctx):
        for index in candidates:
            said = rule(facts[index], ctx)
            if said:
                reasons = reasons_of.get(index)
                if reasons is None:
                    reasons_of[index] = list(said)
                else:
                    reasons.extend(said)
    found = []
    for index, reasons in reasons_of.items():
        level = level_for(reasons, settings)
        person = people[facts[index].alumnus_id]
        found.append((LEVEL_ORDER[level], min([reason.since for reason in reasons]), person.sort_name, person.id,
                      level, reasons, person))
    found.sort(key=_QUEUE_ORDER)
    return [AttentionRow(person.id, person.name, person.client_id, level, tuple(reasons), since)
            for _, since, _, _, level, reasons, person in found]


_QUEUE_ORDER = itemgetter(0, 1, 2, 3)  # level, since, sort name, alumnus id


def _candidates(facts: list[AlumnusFacts], ctx: RuleContext) -> list[tuple[Rule, Sequence[int]]]:
    """Each rule of RULES with the positions in `facts` it may fire for: a superset of those it does
    fire for (the rule itself decides), found without calling it. A rule not known here gets everyone."""
    import numpy as np  # a tenth of a second to import; not at start-up

    settings = ctx.settings
    everyone = range(len(facts))
    recent = _RecentColumns.of(facts, np) if facts else None
    found: list[tuple[Rule, Sequence[int]]] = []
    for rule in RULES:
        if rule is recent_recurrence:
            candidates = [i for i, f in enumerate(facts) if f.last_recurrence is not None]
        elif rule is checkin_overdue:
            default = settings.default_checkin_cadence
            today, allowed = ctx.today, ctx.allowed_days
            candidates = [i for i, f in enumerate(facts)
                          if (today - (f.last_reached_on or f.contact_start)).days > allowed[f.cadence or default]]
        elif rule is unanswered_attempts:
            least = settings.unanswered_attempts
            candidates = [i for i, f in enumerate(facts) if f.unanswered_in_a_row >= least]
        elif rule is meetings_missed:
            # The plan covers the window, and the records alone leave enough meetings missed (the
            # meetings reported at check-ins can only make fewer).
            start, weeks = ctx.meetings_start, settings.meetings_window_weeks
            least, share = settings.meetings_missed_least, settings.meetings_missed_share
            candidates = [
                i for i, f in enumerate(facts)
                if f.meetings_per_week and f.plan_started_on is not None and f.plan_started_on <= start
                and (missed := max(0, f.meetings_per_week * weeks - f.meetings_recorded_attended)) >= least
                and missed >= share * f.meetings_per_week * weeks - EPSILON - 1e-6
            ]
        elif rule is barc10:
            oldest = ctx.today - timedelta(days=settings.assessment_max_age_days)
            cutoff, drop = settings.barc10_cutoff, settings.barc10_drop
            candidates = [i for i, f in enumerate(facts)
                          if f.barc10 and f.barc10[0].on >= oldest
                          and (f.barc10[0].total < cutoff
                               or (len(f.barc10) > 1 and f.barc10[1].total - f.barc10[0].total >= drop))]
        elif rule is aware_rising:
            oldest = ctx.today - timedelta(days=settings.assessment_max_age_days)
            rise = settings.aware_rise
            candidates = [i for i, f in enumerate(facts)
                          if len(f.aware) > 1 and f.aware[0].on >= oldest
                          and f.aware[0].total - f.aware[1].total >= rise]
        elif rule is mentor_contact_lapsed:
            candidates = [i for i, f in enumerate(facts) if f.mentor is not None]
        elif recent is not None and rule is mood_below_baseline:
            candidates = recent.mood_candidates(ctx, np)
        elif recent is not None and rule is cravings_rising:
            candidates = recent.craving_candidates(ctx, np)
        elif recent is not None and rule is warning_signs:
            candidates = recent.sign_candidates(ctx, np)
        else:
            candidates = everyone
        found.append((rule, candidates))
    return found


class _RecentColumns:
    """The packed recent check-ins of a whole caseload as numpy columns, one entry per check-in.

    The packed strings are joined into one buffer (a character outside Latin-1, which only a warning
    sign's own words can hold, becomes one "?" byte, so positions stay those of the characters):
    a check-in's mood is the byte at its start, its craving the next, its time the 19 after.
    """

    _last: tuple[list[tuple[str, ...]], _RecentColumns] | None = None  # the columns made last, and of what

    def __init__(self, np, lengths, owner, rank, buffer, starts, ends):
        self.lengths, self.owner, self.rank = lengths, owner, rank
        self.buffer, self.starts, self.ends = buffer, starts, ends

    @classmethod
    def of(cls, facts: list[AlumnusFacts], np) -> _RecentColumns:
        recents = [f.recent for f in facts]
        # The recent check-ins of a caseload are the very same tuples from one load to the next
        # (`_recent_parts`) until someone checks in: then the last columns are the right ones.
        last = cls._last
        if last is not None and len(last[0]) == len(recents) and all(map(is_, last[0], recents)):
            return last[1]
        columns = cls._of(recents, np)
        cls._last = (recents, columns)
        return columns

    @classmethod
    def _of(cls, recents: list[tuple[str, ...]], np) -> _RecentColumns:
        lengths = np.fromiter(map(len, recents), np.int64, len(recents))
        flat = [part for parts in recents for part in parts]
        sizes = np.fromiter(map(len, flat), np.int64, len(flat))
        ends = np.cumsum(sizes)
        starts = ends - sizes
        buffer = np.frombuffer("".join(flat).encode("latin-1", "replace"), np.uint8)
        owner = np.repeat(np.arange(len(recents)), lengths)
        first = np.cumsum(lengths) - lengths  # each alumnus's first entry
        rank = np.arange(len(flat)) - first[owner]  # 0: their newest
        return cls(np, lengths, owner, rank, buffer, starts, ends)

    def _rated(self, values, np):
        """Per entry: rated (not "-"), and its place among the alumnus's rated entries (0: newest)."""
        rated = values != ord("-")
        before = np.cumsum(rated) - rated  # rated entries before this one, whole caseload
        first = np.cumsum(self.lengths) - self.lengths
        at_first = np.concatenate(([0], np.cumsum(rated)))[first]  # rated ones before this alumnus
        return rated, before - at_first[self.owner]

    def mood_candidates(self, ctx: RuleContext, np) -> Sequence[int]:
        settings = ctx.settings
        window, baseline = settings.mood_window_checkins, settings.mood_baseline_checkins
        moods = self.buffer[self.starts]
        rated, place = self._rated(moods, np)
        n = len(self.lengths)
        digits = moods.astype(np.float64) - ord("0")
        count = np.bincount(self.owner[rated], minlength=n)
        now = np.bincount(self.owner, weights=np.where(rated & (place < window), digits, 0), minlength=n)
        usual = np.bincount(self.owner, weights=np.where(rated & (place >= window) & (place < window + baseline),
                                                         digits, 0), minlength=n)
        used = np.clip(count - window, 1, baseline)
        enough = (self.lengths >= window + MIN_MOOD_BASELINE) & (count >= window + MIN_MOOD_BASELINE)
        # Looser by a hair than the rule's own test: float rounding must never leave one out.
        low = now / window <= usual / used - settings.mood_drop + EPSILON + 1e-6
        return np.flatnonzero(enough & low).tolist()

    def craving_candidates(self, ctx: RuleContext, np) -> Sequence[int]:
        window = ctx.settings.craving_window_checkins
        cravings = self.buffer[self.starts + 1]  # hex digits: as bytes they sort as their values
        rated, place = self._rated(cravings, np)
        n = len(self.lengths)
        count = np.bincount(self.owner[rated], minlength=n)
        newest = np.zeros(n, np.int64)
        oldest = np.zeros(n, np.int64)
        newest[self.owner[rated & (place == 0)]] = cravings[rated & (place == 0)]
        oldest[self.owner[rated & (place == window - 1)]] = cravings[rated & (place == window - 1)]
        # The least-squares slope over the window, oldest first: Σ (x - x̄) y / Σ (x - x̄)², x = window - 1 - place.
        values = np.where(cravings <= ord("9"), cravings.astype(np.float64) - ord("0"),
                          cravings.astype(np.float64) - ord("a") + 10)
        centred = (window - 1 - place) - (window - 1) / 2
        inside = rated & (place < window)
        spread = float(sum((x - (window - 1) / 2) ** 2 for x in range(window))) or 1.0
        slopes = np.bincount(self.owner, weights=np.where(inside, centred * values, 0), minlength=n) / spread
        rising = ((self.lengths >= window) & (count >= window) & (newest > oldest)
                  & (slopes >= ctx.settings.craving_slope - EPSILON - 1e-6))
        return np.flatnonzero(rising).tolist()

    def sign_candidates(self, ctx: RuleContext, np) -> Sequence[int]:
        if not len(self.ends):
            return []
        with_signs = np.flatnonzero(self.buffer[self.ends - 1] == ord("]"))
        if not len(with_signs):
            return []
        times = self.buffer[self.starts[with_signs, None] + np.arange(_TIME.start, _TIME.stop)]
        recent = times.view(f"S{_TIME.stop - _TIME.start}").ravel() >= ctx.signs_from.encode()
        counts = np.bincount(self.owner[with_signs[recent]], minlength=len(self.lengths))
        return np.flatnonzero(counts >= max(ctx.settings.warning_sign_count, 1)).tolist()


# -- mentoring ---------------------------------------------------------------------------------


class MentorSource(Protocol):
    """Where active mentor pairings come from (tests may hand in their own)."""

    def mentor_facts(self, session: Session, alumni: Collection[int], today: date,
                     end: datetime) -> dict[int, MentorFact]: ...


class PairingTableSource:
    """Active mentor pairings from `mentor_pairings` (models/mentoring.py): started on or before today
    and not ended by today. The last contact is the newest reached check-in made by that mentor for
    that mentee (a mentor logs contacts as check-ins, see models/checkin.py)."""

    ASKED_BY_ID = 500  # up to this many people, their pairings are looked up by id; more, all are read

    def mentor_facts(self, session: Session, alumni: Collection[int], today: date,
                     end: datetime) -> dict[int, MentorFact]:
        if not alumni:
            return {}
        pairings = MentorPairing.__table__
        c = CheckIn.__table__.c
        last_contact = (
            select(func.max(c.occurred_at))
            .where(c.alumnus_id == pairings.c.mentee_id, c.mentor_id == pairings.c.mentor_id,
                   c.outcome == CheckinOutcome.REACHED.value, c.occurred_at < end)
            .scalar_subquery()
        )
        wanted = set(alumni)
        statement = (
            select(pairings.c.mentee_id, pairings.c.started_on, epoch_seconds(last_contact))
            .where(pairings.c.started_on <= today,
                   or_(pairings.c.ended_on.is_(None), pairings.c.ended_on > today))
            .order_by(pairings.c.mentee_id, pairings.c.started_on, pairings.c.id)
        )
        if len(wanted) <= self.ASKED_BY_ID:
            # A few people (one alumnus, a report's look back): their pairings by the mentee index,
            # not every active pairing of the program with its last contact worked out.
            statement = statement.where(pairings.c.mentee_id.in_(sorted(wanted)))
        facts = {}
        for mentee_id, started_on, contact in session.execute(statement):
            if mentee_id in wanted:  # the newest pairing wins
                facts[mentee_id] = MentorFact(started_on, _local_day(contact) if contact is not None else None)
        return facts

    def mentee_history(self, session: Session, alumnus_id: int) -> MenteePairings:
        """One mentee's pairings and their mentors' reached contacts, read once, to find the mentor
        fact of any day without asking the database again (a report's look back over a year)."""
        p, c = MentorPairing.__table__.c, CheckIn.__table__.c
        pairings = tuple((mentor_id, started_on, ended_on) for mentor_id, started_on, ended_on in session.execute(
            select(p.mentor_id, p.started_on, p.ended_on)
            .where(p.mentee_id == alumnus_id, p.started_on.is_not(None))
            .order_by(p.started_on, p.id)
        ))
        contacts: dict[int, list[int]] = {}
        if pairings:
            rows = session.execute(
                select(c.mentor_id, epoch_seconds(c.occurred_at))
                .where(c.alumnus_id == alumnus_id, c.mentor_id.in_(sorted({row[0] for row in pairings})),
                       c.outcome == CheckinOutcome.REACHED.value)
            )
            for mentor_id, seconds in rows:
                contacts.setdefault(mentor_id, []).append(seconds)
            for seconds in contacts.values():
                seconds.sort()
        return MenteePairings(pairings, contacts)


@dataclass(frozen=True)
class MenteePairings:
    """`PairingTableSource.mentor_facts` for one mentee on any day, from one read of their pairings."""

    pairings: tuple[tuple[int, date, date | None], ...]  # (mentor, started on, ended on), oldest first
    contacts: dict[int, list[int]]  # mentor → reached contacts, seconds since 1970, ascending

    def on(self, day: date, end: datetime) -> MentorFact | None:
        """The fact `mentor_facts(session, [mentee], day, end)` finds: the newest pairing active on
        `day`, and its mentor's last reached contact before `end`."""
        active = [row for row in self.pairings if row[1] <= day and (row[2] is None or row[2] > day)]
        if not active:
            return None
        mentor_id, started_on, _ = active[-1]
        # Stored timestamps cut to whole seconds: `at < end` holds exactly when it does for the whole
        # seconds, `end` being a whole second (the start of a day).
        seconds = self.contacts.get(mentor_id, ())
        before = bisect_left(seconds, end.timestamp())
        return MentorFact(started_on, _local_day(seconds[before - 1]) if before else None)


# -- the loader --------------------------------------------------------------------------------


class epoch_seconds(FunctionElement):
    """Seconds since 1970 (UTC) of a stored timestamp, whole seconds rounded down.

    Python turns them into local dates far faster than it parses timestamps, which matters for a
    hundred thousand check-ins.
    """

    type = BigInteger()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element, compiler, **kw):
    # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC; strftime rounds fractions, so they are cut off.
    return f"CAST(strftime('%s', substr({compiler.process(element.clauses, **kw)}, 1, 19)) AS INTEGER)"


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element, compiler, **kw):
    return f"CAST(floor(extract(epoch FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


class utc_time_text(FunctionElement):
    """A stored timestamp as UTC text 'YYYY-MM-DD HH:MM:SS' (the packed check-ins' format)."""

    type = Text()
    inherit_cache = True


@compiles(utc_time_text, "sqlite")
def _utc_text_sqlite(element, compiler, **kw):
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 19)"  # stored so, in UTC


@compiles(utc_time_text, "postgresql")
def _utc_text_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"


_PART_SEPARATOR = "\x1e"


def _cat(*parts):
    """SQL string concatenation (||) of expressions and plain strings."""
    result = parts[0] if not isinstance(parts[0], str) else literal(parts[0], Text)
    for part in parts[1:]:
        result = result.concat(literal(part, Text) if isinstance(part, str) else part)
    return result


def _joined_text(*values):
    """Values as text separated by spaces; NULL when any of them is NULL."""
    parts = []
    for value in values:
        if parts:
            parts.append(" ")
        parts.append(cast(value, Text))
    return _cat(*parts)


def _packed_checkin(c, postgres: bool):
    """The SQL making one packed check-in (see `pack`, which makes the same in Python)."""
    signs = cast(c.warning_signs, Text)
    return _cat(
        case((c.mood.between(0, 9), cast(c.mood, Text)), else_=literal("-", Text)),
        func.coalesce(func.nullif(func.substr(literal(_HEX, Text), c.craving + 1, 1, type_=Text), ""), "-",
                      type_=Text),
        utc_time_text(c.occurred_at),
        func.coalesce(cast(c.meetings_attended, Text), "", type_=Text),
        ";",
        case((signs == "[]", literal("", Text)), else_=signs),
    )


local_day = _local_day = date.fromtimestamp  # seconds since 1970 → the local date
# Earlier than any stored timestamp: the lower bound of "everything" in an index range.
_BEFORE_ANYTHING = datetime(1900, 1, 1, tzinfo=timezone.utc)


def day_start(day: date) -> datetime:
    """The instant a local day begins, in UTC (what timestamps are compared with)."""
    return datetime.combine(day, time(0)).astimezone(timezone.utc)


@lru_cache(maxsize=4096)  # a team ticks the same few combinations again and again
def _signs(raw: str | None) -> tuple[str, ...]:
    if not raw or raw == "[]":
        return ()
    try:
        values = json.loads(raw)
    except ValueError:
        return ()
    return tuple(value for value in values if isinstance(value, str)) if isinstance(values, list) else ()


@dataclass(frozen=True)
class CaseloadFilter:
    """Whose facts to load: everyone, one caseworker's caseload, or given alumni."""

    caseworker_id: int | None = None
    alumni_ids: tuple[int, ...] | None = None

    def conditions(self) -> list:
        a = Alumnus.__table__.c
        conditions = [no_index(a.status) == AlumniStatus.ACTIVE.value, a.archived_at.is_(None)]
        if self.caseworker_id is not None:
            conditions.append(a.caseworker_id == self.caseworker_id)
        if self.alumni_ids is not None:
            conditions.append(a.id.in_(self.alumni_ids))
        return conditions


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


def _checkin_parts(alumni: Table, end: datetime | None, lookback: datetime | None, kept: int,
                   postgres: bool) -> tuple:
    """Scalar subqueries, correlated with `alumni`, over each alumnus's check-ins before `end` (None:
    all of them): the newest check-in's time, the last reached one (seconds since 1970), the recent
    reached ones packed (at most `kept`, none before `lookback`, newest first, joined with
    `_PART_SEPARATOR`), and the attempts since the last conversation ("count first-attempt-seconds
    not-calls", NULL when none). Each is a walk of ix_check_ins_alumnus_occurred from its newest end,
    so the cost follows the caseload, not the length of anyone's history. The live loader and the
    digests (`refresh_digests`) are made by the very same SQL."""
    check_ins = CheckIn.__table__
    a, c = alumni.c, check_ins.c
    reached = c.outcome == CheckinOutcome.REACHED.value

    def before_end(column):
        return [] if end is None else [column < end]

    newest = select(func.max(c.occurred_at)).where(c.alumnus_id == a.id, *before_end(c.occurred_at))
    last_reached = (
        select(c.occurred_at).where(c.alumnus_id == a.id, reached, *before_end(c.occurred_at))
        .order_by(c.occurred_at.desc()).limit(1)
        .correlate(alumni)  # also inside the streak's subquery below, two levels down
        .scalar_subquery()
    )
    since = [] if lookback is None else [c.occurred_at >= lookback]
    latest = (
        select(_packed_checkin(c, postgres).label("packed"), c.occurred_at, c.id)
        .where(c.alumnus_id == a.id, reached, *since, *before_end(c.occurred_at))
        .order_by(c.occurred_at.desc(), c.id.desc())
        .limit(kept)
        .correlate(alumni)
        .subquery()
    )
    joined = _newest_joined(latest, "packed", (latest.c.occurred_at.desc(), latest.c.id.desc()), postgres)
    later = check_ins.alias("later")
    streak = (
        select(_joined_text(cast(func.count(), Text), epoch_seconds(func.min(later.c.occurred_at)),
                            func.sum(case((later.c.method == CheckinMethod.CALL.value, 0), else_=1))))
        .where(later.c.alumnus_id == a.id, *before_end(later.c.occurred_at),
               # A plain lower bound (not "IS NULL OR …") so that the index range starts there.
               later.c.occurred_at > func.coalesce(last_reached, _BEFORE_ANYTHING))
        .scalar_subquery()
    )
    return (newest.scalar_subquery(), epoch_seconds(last_reached), select(joined).scalar_subquery(), streak)


# How many recent check-ins a digest keeps: as many as the largest settings can ask for.
DIGEST_RECENT = max(
    int(SPECS["mood_window_checkins"].info.maximum) + int(SPECS["mood_baseline_checkins"].info.maximum),
    int(SPECS["craving_window_checkins"].info.maximum),
)
_REFRESH_CHUNK = 500


@lru_cache(maxsize=2)
def _refresh_statements(postgres: bool) -> tuple:
    """The statements of `refresh_digests` for a list of alumni ids bound as "ids", made once: building
    them costs more than running them for the one alumnus a logged check-in changes."""
    digests = CheckInDigest.__table__
    alumni = Alumnus.__table__
    ids = bindparam("ids", expanding=True)
    newest, last_reached, recent, unanswered = _checkin_parts(alumni, None, None, DIGEST_RECENT, postgres)
    lock = select(alumni.c.id).where(alumni.c.id.in_(ids)).order_by(alumni.c.id).with_for_update(key_share=True)
    forget = delete(digests).where(digests.c.alumnus_id.in_(ids))
    work_out = digests.insert().from_select(
        ["alumnus_id", "newest_at", "last_reached", "recent", "unanswered"],
        select(alumni.c.id, newest, last_reached, recent, unanswered).where(alumni.c.id.in_(ids)),
    )
    return (lock,) if postgres else (), forget, work_out


def refresh_digests(connection: Connection, alumni_ids: Iterable[int]) -> int:
    """Work out these alumni's check-in digests again, from their check-ins, in the caller's
    transaction (which commits them). Returns how many alumni were asked for.

    On PostgreSQL the alumni rows are locked first, as the check-in trigger locks them: a check-in
    being logged meanwhile is either seen here or deletes this digest when it commits.
    """
    locks, forget, work_out = _refresh_statements(connection.dialect.name == "postgresql")
    ids = sorted(set(alumni_ids))
    for first in range(0, len(ids), _REFRESH_CHUNK):
        chunk = {"ids": ids[first:first + _REFRESH_CHUNK]}
        for lock in locks:
            connection.execute(lock, chunk)
        connection.execute(forget, chunk)
        connection.execute(work_out, chunk)
    return len(ids)


def refresh_missing_digests(connection: Connection) -> int:
    """Digests for every alumnus without one (after check-ins were written in bulk)."""
    d = CheckInDigest.__table__.c
    a = Alumnus.__table__.c
    missing = connection.execute(
        select(a.id).where(~select(d.alumnus_id).where(d.alumnus_id == a.id).exists())).scalars().all()
    return refresh_digests(connection, missing)


def keep_digests(database: Database, undigested: Collection[int]) -> None:
    """Write the digests a load had to do without (`Caseload.undigested`), so that the next load
    finds them (the first load after the upgrade, or after check-ins were written in bulk). A failure
    only costs speed."""
    if not undigested:
        return
    started = time_now()
    try:
        with database.engine.begin() as connection:
            written = refresh_digests(connection, undigested)
    except DBAPIError:
        log.warning("could not write %s check-in digests; the Today page stays slower", len(undigested),
                    exc_info=True)
        return
    log.info("wrote %s check-in digests in %.0f ms", written, (time_now() - started) * 1000)


def _newest_joined(rows, value, order: tuple, postgres: bool):
    """The `value`s of a subquery's rows joined with `_PART_SEPARATOR`, in `order` (its ORDER BY)."""
    if postgres:
        from sqlalchemy.dialects.postgresql import aggregate_order_by  # a fifth of a second to import

        return func.string_agg(rows.c[value], aggregate_order_by(literal(_PART_SEPARATOR), *order))
    # SQLite (before 3.44) has no ORDER BY in aggregates; it concatenates the rows as the subquery orders them.
    return func.group_concat(rows.c[value], _PART_SEPARATOR)


def _last_two_packed(alumni: Table, instrument: str, today: date, postgres: bool):
    """An alumnus's two newest results of `instrument` up to today, newest first (same day: the later
    entry), as "YYYY-MM-DD total" joined with `_PART_SEPARATOR`; NULL when none."""
    r = AssessmentResult.__table__.c
    newest = (
        select(_cat(cast(r.administered_on, Text), " ", cast(r.total, Text)).label("packed"), r.administered_on,
               r.id)
        .where(r.alumnus_id == alumni.c.id, r.instrument == instrument, r.administered_on <= today)
        .order_by(r.administered_on.desc(), r.id.desc())
        .limit(2)
        .correlate(alumni)
        .subquery()
    )
    order = (newest.c.administered_on.desc(), newest.c.id.desc())
    return select(_newest_joined(newest, "packed", order, postgres)).scalar_subquery()


# Most of a caseload reads the same from one load to the next: the same values give the very same
# (immutable) objects, kept between loads, rather than as many new ones each time. Besides the parsing,
# that spares the cycle collector a walk over a hundred thousand new objects after every load (it
# walks each new object that outlives the load; strings, numbers and dates it never walks).
_KEPT_BETWEEN_LOADS = 1 << 15
_CADENCES = {cadence.value: cadence for cadence in CheckinCadence}

_person = lru_cache(maxsize=_KEPT_BETWEEN_LOADS)(Person)


@lru_cache(maxsize=_KEPT_BETWEEN_LOADS)
def _recent_parts(recent: str, kept: int, lookback_text: str) -> tuple[str, ...]:
    """The packed check-ins of a digest (or of `_checkin_parts`) the rules read: the newest `kept`,
    none before the lookback (a digest keeps more, and older ones); newest first."""
    parts = recent.split(_PART_SEPARATOR, kept)
    if len(parts) > kept:
        del parts[kept:]
    if parts[-1][_TIME] < lookback_text:
        parts = [part for part in parts if part[_TIME] >= lookback_text]
    return tuple(parts)


@lru_cache(maxsize=_KEPT_BETWEEN_LOADS)
def _assessment_facts(packed: str) -> tuple[AssessmentFact, ...]:
    """The facts of `_last_two_packed`'s string (one or two results)."""
    fact, day = AssessmentFact._make, date.fromisoformat
    newest, separator, before = packed.partition(_PART_SEPARATOR)
    if not separator:
        return (fact((day(newest[:10]), int(newest[11:]))),)
    return fact((day(newest[:10]), int(newest[11:]))), fact((day(before[:10]), int(before[11:])))


def load_caseload(session: Session, settings: TeamSettingsValues, today: date,
                  which: CaseloadFilter = CaseloadFilter(),
                  mentors: MentorSource | None = None) -> Caseload:
    """The facts of every alumnus in `which`, in four set-based statements (five once mentoring exists).

    Everything is "as of today": nothing dated after today counts.
    """
    ctx = RuleContext.of(settings, today)
    alumni = Alumnus.__table__
    a, p = alumni.c, AftercarePlan.__table__.c
    conditions = which.conditions()
    end = day_start(today + timedelta(days=1))
    postgres = session.get_bind().dialect.name == "postgresql"
    kept = recent_checkins_kept(settings)
    lookback = day_start(ctx.lookback_start)

    # 1. One row per alumnus: who they are, their active plan, their two newest BARC-10 and AWARE
    #    results, and their check-ins: the last conversation, the recent reached check-ins packed into
    #    one string, and the attempts since the last conversation (none of them answered). Check-ins
    #    are read from the alumnus's digest when it holds nothing after today (a check-in logged for
    #    tomorrow, a clock off on some desk), else from the check-ins themselves (`_checkin_parts`);
    #    CASE runs those subqueries only when needed.
    per_week = (
        select(func.coalesce(func.sum(PlanMeeting.__table__.c.per_week), 0))
        .where(PlanMeeting.__table__.c.plan_id == p.id)
        .scalar_subquery()
    )
    _newest, live_last, live_recent, live_streak = _checkin_parts(alumni, end, lookback, kept, postgres)
    joins = alumni.outerjoin(AftercarePlan.__table__, and_(p.alumnus_id == a.id, p.status == PlanStatus.ACTIVE.value))
    if kept <= DIGEST_RECENT:
        digests = CheckInDigest.__table__
        d = digests.c
        joins = joins.outerjoin(digests, d.alumnus_id == a.id)
        fresh = and_(d.alumnus_id.is_not(None), or_(d.newest_at.is_(None), d.newest_at < end))
        digested = case((fresh, 0), (d.alumnus_id.is_(None), 1), else_=2)  # 1: no digest yet
        last_at = case((fresh, d.last_reached), else_=live_last)
        recent_parts = case((fresh, d.recent), else_=live_recent)
        streak = case((fresh, d.unanswered), else_=live_streak)
    else:
        digested, last_at, recent_parts, streak = literal(2), live_last, live_recent, live_streak
    # The record's creation counts only for someone with no plan, no opt-in and no discharge date.
    created = case((and_(p.start_date.is_(None), a.opted_in_on.is_(None), a.discharge_date.is_(None)),
                    epoch_seconds(a.created_at)))
    query = (
        select(a.id, a.client_id, a.first_name, a.last_name, a.preferred_name, a.sort_name, a.caseworker_id,
               a.discharge_date, a.sobriety_start_date, a.opted_in_on, created, p.version,
               # As text: a dictionary makes the members faster than the column type does, row by row.
               type_coerce(p.checkin_cadence, Text), p.start_date, per_week, digested, last_at, recent_parts, streak,
               _last_two_packed(alumni, BARC10, today, postgres), _last_two_packed(alumni, AWARE, today, postgres))
        .select_from(joins)
        .where(*conditions)
    )
    people: dict[int, Person] = {}
    facts: dict[int, AlumnusFacts] = {}
    versions: dict[int, int] = {}
    undigested: list[int] = []
    lookback_text = utc_text(lookback)
    for (alumnus_id, client_id, first, last, preferred, sort_name, caseworker_id, discharged, sober_since,
         opted_in_on, created_at, version, cadence, plan_start, meetings, state, last_at, recent,
         attempts, barc, aware) in session.execute(query):
        if alumnus_id in facts and (version or 0) < versions[alumnus_id]:
            continue  # were there ever two active plans, the newest wins
        versions[alumnus_id] = version or 0
        if cadence is not None:
            cadence = _CADENCES[cadence]
        if state == 1:
            undigested.append(alumnus_id)
        people[alumnus_id] = _person(alumnus_id, client_id, first, last, preferred, sort_name, caseworker_id,
                                     discharged, sober_since)
        if plan_start is not None:
            f = AlumnusFacts(alumnus_id, plan_start, ContactStart.PLAN, cadence, plan_start,
                             int(meetings) if cadence is not None else 0)
        else:
            start, kind = contact_start(None, opted_in_on, discharged,
                                        _local_day(created_at) if created_at is not None else None)
            f = AlumnusFacts(alumnus_id, start, kind, cadence)
        facts[alumnus_id] = f
        if last_at is not None:
            f.last_reached_on = _local_day(last_at)
        if recent:
            f.recent = _recent_parts(recent, kept, lookback_text)
        if attempts:
            count, first_attempt, not_calls = attempts.split(" ")
            f.unanswered_in_a_row = int(count)
            f.unanswered_since = _local_day(int(first_attempt))
            f.unanswered_all_calls = not_calls == "0"
        if barc:
            f.barc10 = _assessment_facts(barc)
        if aware:
            f.aware = _assessment_facts(aware)
    if not facts:
        return Caseload(people, [], tuple(undigested))
    # For everyone, one pass over the (small) tables below is cheaper than a look-up per alumnus;
    # rows of those not followed (inactive, archived) are passed over here.
    narrowed = which.caseworker_id is not None or which.alumni_ids is not None

    def in_caseload(column) -> list:
        return [column.in_(select(a.id).where(*conditions))] if narrowed else []

    # 2. Meeting attendance recorded in the meetings window.
    m = MeetingAttendance.__table__.c
    meetings_query = (
        select(m.alumnus_id, func.count(), func.sum(case((m.attended, 1), else_=0)))
        .where(m.met_on >= ctx.meetings_start, m.met_on <= today,
               *in_caseload(m.alumnus_id))
        .group_by(m.alumnus_id)
    )
    for alumnus_id, recorded, attended in session.execute(meetings_query):
        f = facts.get(alumnus_id)
        if f is not None:
            f.meetings_recorded, f.meetings_recorded_attended = recorded, int(attended or 0)

    # 3. The latest return to use in the recurrence window.
    e = RecurrenceEvent.__table__.c
    events_query = (
        select(e.alumnus_id, e.occurred_on, e.kind)
        .where(e.occurred_on <= today, e.occurred_on >= today - timedelta(days=settings.recurrence_window_days),
               *in_caseload(e.alumnus_id))
        .order_by(e.alumnus_id, e.occurred_on, e.id)
    )
    for alumnus_id, on, kind in session.execute(events_query):
        f = facts.get(alumnus_id)
        if f is not None:
            f.last_recurrence = RecurrenceFact(on, kind)  # the newest comes last

    # 4. Active mentor pairings and the mentor's last contact.
    source = mentors or PairingTableSource()
    for alumnus_id, mentor in source.mentor_facts(session, facts.keys(), today, end).items():
        if alumnus_id in facts:
            facts[alumnus_id].mentor = mentor

    return Caseload(people, list(facts.values()), tuple(undigested))


class AttentionService:
    """The needs-attention queue of a caseload (or of everyone)."""

    def __init__(self, database: Database, *, today: Callable[[], date] = date.today,
                 mentors: MentorSource | None = None):
        self.database = database
        self._today = today
        self._mentors = mentors

    def queue(self, caseworker_id: int | None = None) -> list[AttentionRow]:
        today = self._today()
        with gc_paused():
            with self.database.session() as session:
                settings = stored_values(session)
                caseload = load_caseload(session, settings, today, CaseloadFilter(caseworker_id), self._mentors)
            rows = queue(caseload, settings, today)
            undigested = caseload.undigested
            del caseload  # within the pause: the collector need not walk what is already gone
        keep_digests(self.database, undigested)
        return rows

    def assess_alumnus(self, alumnus_id: int) -> Attention | None:
        """One alumnus's level and reasons (None: not followed — not active, or archived)."""
        today = self._today()
        with self.database.session() as session:
            settings = stored_values(session)
            caseload = load_caseload(session, settings, today, CaseloadFilter(alumni_ids=(alumnus_id,)),
                                     self._mentors)
        keep_digests(self.database, caseload.undigested)
        if not caseload.facts:
            return None
        return assess(caseload.facts[0], settings, today)

    def assess_on_days(self, alumnus_id: int, days: Iterable[date]) -> list[tuple[date, Attention]]:
        """One alumnus's level and reasons as they stood at the end of each of `days` (a report's look
        back over a period); days after today are left out. Empty when the alumnus is not followed.

        Each day is judged on what was recorded up to it, with today's settings, today's active plan
        and today's status (the record keeps no other). The history is read once (`load_history`) and
        the facts of each day worked out from it, the same facts `load_caseload` gives for that day.
        """
        today = self._today()
        with self.database.session() as session:
            settings = stored_values(session)
            history = load_history(session, alumnus_id)
            if history is None:
                return []
            mentors = self._mentors or PairingTableSource()
            # The pairing table's own source reads the mentee's pairings once for every day.
            mentee = mentors.mentee_history(session, alumnus_id) if isinstance(mentors, PairingTableSource) else None
            found = []
            for day in sorted(set(days)):
                if day > today:
                    break
                ctx = RuleContext.of(settings, day)
                facts = history.facts_on(ctx)
                end = day_start(day + timedelta(days=1))
                if mentee is not None:
                    facts.mentor = mentee.on(day, end)
                else:
                    facts.mentor = mentors.mentor_facts(session, [alumnus_id], day, end).get(alumnus_id)
                found.append((day, judge(facts, ctx)))
        return found


# -- one alumnus over time ---------------------------------------------------------------------


class _Contact(NamedTuple):
    at: datetime
    reached: bool
    is_call: bool
    packed: str  # see `pack`


@dataclass(frozen=True)
class AlumnusHistory:
    """One followed alumnus's whole record as the rules read it, to work out their facts as of any day.

    `load_caseload` asks the database for one day's facts of many people; a report looking back over
    a year asks for one person's facts on fifty days, which this does from one read. The two must
    agree: tests/db/test_early_warning_history.py holds them to it, day by day.
    """

    alumnus_id: int
    plan_started_on: date | None
    cadence: CheckinCadence | None
    meetings_per_week: int
    opted_in_on: date | None
    discharge_date: date | None
    created_on: date
    contacts: tuple[_Contact, ...]  # newest first
    meetings: tuple[tuple[date, bool], ...]  # (met on, attended)
    results: tuple[tuple[str, date, int, int], ...]  # (instrument, on, id, total), newest first
    recurrences: tuple[tuple[date, int, RecurrenceKind], ...]  # (on, id, kind), oldest first

    def facts_on(self, ctx: RuleContext) -> AlumnusFacts:
        """The facts as `load_caseload` would find them at the end of `ctx.today` (without the mentor)."""
        settings, day = ctx.settings, ctx.today
        end, lookback = day_start(day + timedelta(days=1)), day_start(ctx.lookback_start)
        start, kind = contact_start(self.plan_started_on, self.opted_in_on, self.discharge_date, self.created_on)
        facts = AlumnusFacts(self.alumnus_id, start, kind, self.cadence, self.plan_started_on,
                             self.meetings_per_week if self.cadence is not None else 0)
        until_day = [contact for contact in self.contacts if contact.at < end]
        last = next((contact for contact in until_day if contact.reached), None)
        if last is not None:
            facts.last_reached_on = last.at.astimezone().date()
        streak = [contact for contact in until_day if last is None or contact.at > last.at]
        if streak:
            facts.unanswered_in_a_row = len(streak)
            facts.unanswered_since = min(contact.at for contact in streak).astimezone().date()
            facts.unanswered_all_calls = all(contact.is_call for contact in streak)
        recent = [contact for contact in until_day if contact.reached and contact.at >= lookback]
        facts.recent = tuple(contact.packed for contact in recent[:recent_checkins_kept(settings)])
        window = [attended for on, attended in self.meetings if ctx.meetings_start <= on <= day]
        facts.meetings_recorded, facts.meetings_recorded_attended = len(window), sum(window)
        for instrument in (BARC10, AWARE):
            found = tuple(AssessmentFact(on, total) for code, on, _, total in self.results
                          if code == instrument and on <= day)[:2]
            if instrument == BARC10:
                facts.barc10 = found
            else:
                facts.aware = found
        since = day - timedelta(days=settings.recurrence_window_days)
        for on, _, recurrence_kind in self.recurrences:
            if since <= on <= day:
                facts.last_recurrence = RecurrenceFact(on, recurrence_kind)  # the newest comes last
        return facts


def load_history(session: Session, alumnus_id: int) -> AlumnusHistory | None:
    """Everything the rules read about one alumnus, in five statements; None when not followed."""
    a = Alumnus.__table__.c
    person = session.execute(
        select(a.opted_in_on, a.discharge_date, a.created_at)
        .where(a.id == alumnus_id, *CaseloadFilter().conditions())
    ).first()
    if person is None:
        return None
    p, m = AftercarePlan.__table__.c, PlanMeeting.__table__.c
    plan = session.execute(
        select(p.id, p.checkin_cadence, p.start_date)
        .where(p.alumnus_id == alumnus_id, p.status == PlanStatus.ACTIVE.value)
        .order_by(p.version.desc()).limit(1)
    ).first()
    per_week = 0
    if plan is not None:
        per_week = int(session.scalar(select(func.coalesce(func.sum(m.per_week), 0)).where(m.plan_id == plan.id)))
    c = CheckIn.__table__.c
    contacts = tuple(
        _Contact(at, outcome == CheckinOutcome.REACHED.value, method == CheckinMethod.CALL.value,
                 pack(CheckinFact(at.astimezone().date(), mood, craving, meetings, tuple(signs or ()), at)))
        for at, outcome, method, mood, craving, meetings, signs in session.execute(
            select(c.occurred_at, c.outcome, c.method, c.mood, c.craving, c.meetings_attended, c.warning_signs)
            .where(c.alumnus_id == alumnus_id).order_by(c.occurred_at.desc(), c.id.desc()))
    )
    ma = MeetingAttendance.__table__.c
    meetings = tuple(session.execute(select(ma.met_on, ma.attended).where(ma.alumnus_id == alumnus_id)).all())
    r = AssessmentResult.__table__.c
    results = tuple(session.execute(
        select(r.instrument, r.administered_on, r.id, r.total)
        .where(r.alumnus_id == alumnus_id, r.instrument.in_((BARC10, AWARE)))
        .order_by(r.administered_on.desc(), r.id.desc())).all())
    e = RecurrenceEvent.__table__.c
    recurrences = tuple(session.execute(
        select(e.occurred_on, e.id, e.kind).where(e.alumnus_id == alumnus_id).order_by(e.occurred_on, e.id)
    ).all())
    return AlumnusHistory(
        alumnus_id, plan.start_date if plan else None, CheckinCadence(plan.checkin_cadence) if plan else None,
        per_week, person.opted_in_on, person.discharge_date, person.created_at.astimezone().date(), contacts,
        meetings, results, recurrences)
