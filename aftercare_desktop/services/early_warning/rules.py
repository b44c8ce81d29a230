"""The rules: pure functions over one alumnus's facts, the team's settings and "today", each
returning the reasons it finds, written as a colleague would say them; and the level those reasons
make (`level_for`). See the package's docstring for the levels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from ...models.enums import STANDARD_WARNING_SIGNS, CheckinCadence, WarningLevel, label
from ..team_settings import TeamSettingsValues
from .facts import (
    _ENDS_WITH_SIGNS,
    _TIME,
    _ZERO,
    AlumnusFacts,
    AssessmentFact,
    ContactStart,
    RuleContext,
    packed_day,
    packed_meetings,
    packed_signs,
)

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


# -- reasons and levels ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reason:
    signal: Signal
    text: str
    since: date

    @property
    def strong(self) -> bool:
        return self.signal in STRONG_SIGNALS


# Most reasons read the same from one load to the next: the same object each time (see `loader._person`).
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


_CONTACT_START_WORDS = {
    ContactStart.PLAN: "the plan started",
    ContactStart.OPTED_IN: "they joined aftercare",
    ContactStart.DISCHARGE: "discharge",
    ContactStart.RECORD: "the record was made",
}


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
    rated, moods = _rated(checkins, 0)
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


def _rated(checkins: Sequence[str], place: int) -> tuple[Sequence[str], str]:
    """The packed check-ins that rated mood (place 0) or cravings (place 1), and those ratings as one
    string of digits, newest first ("-" marks a check-in without a rating)."""
    digits = "".join([c[place] for c in checkins])
    if "-" not in digits:
        return checkins, digits
    return [c for c in checkins if c[place] != "-"], digits.replace("-", "")


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
    rated, cravings = _rated(checkins, 1)
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
