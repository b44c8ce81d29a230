"""The needs-attention queue of a caseload: each rule run only for the alumni it could fire for,
found over the whole caseload at once (`_candidates`, with numpy)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from operator import is_, itemgetter

from ...models.enums import WarningLevel
from ..team_settings import TeamSettingsValues
from .facts import _TIME, AlumnusFacts, Caseload, RuleContext
from .rules import (
    EPSILON,
    LEVEL_ORDER,
    MIN_MOOD_BASELINE,
    RULES,
    Reason,
    Rule,
    aware_rising,
    barc10,
    checkin_overdue,
    cravings_rising,
    level_for,
    meetings_missed,
    mentor_contact_lapsed,
    mood_below_baseline,
    recent_recurrence,
    unanswered_attempts,
    warning_signs,
)


@dataclass(frozen=True, slots=True)
class AttentionRow:
    """One alumnus in the needs-attention queue."""

    alumnus_id: int
    name: str
    client_id: str
    level: WarningLevel
    reasons: tuple[Reason, ...]
    since: date


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
