"""Milestone celebrations for the demo alumni: some of the milestones of the last year and a half."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from ...models import MilestoneCelebration
from ...models.enums import AlumniStatus
from ..sobriety import CELEBRATE_EARLY_DAYS, MAX_YEARS, Milestone, iter_milestones, milestone_for
from .context import LAST_CONTACT_DAYS_AGO, Context, choice, covering_staff, randint
from .writer import Writer

CELEBRATION_CHANCE = {"30d": 0.35, "60d": 0.12, "90d": 0.35, "6m": 0.3, "9m": 0.12, "1y": 0.45, "18m": 0.2}
YEARLY_CELEBRATION_CHANCE = 0.3
CELEBRATIONS_WITHIN_DAYS = 540
CELEBRATIONS = (
    "Coin at the alumni group", "Cake at Tuesday group", "Card signed by the team", "Key tag at the home group",
    "Called to say congratulations", "Medallion from the sponsor, team there too", "Lunch with the caseworker",
    "Named in the alumni newsletter, with consent", None,
)


class CelebrationsStep:
    """Some of the milestones of the last year and a half, celebrated by the team; for those with a
    return to use, also milestones of the earlier start date (they stay in the history)."""

    name = "celebrations"
    per_alumnus = 0

    def run(self, context: Context, rng: random.Random) -> None:
        today = context.today
        last_day = today - timedelta(days=LAST_CONTACT_DAYS_AGO)
        since = today - timedelta(days=CELEBRATIONS_WITHIN_DAYS)
        writer = Writer(context.connection, MilestoneCelebration.__table__, _CELEBRATION_COLUMNS)
        for alumnus, recurrences in zip(context.alumni, context.recurrences):
            if alumnus.status is not AlumniStatus.ACTIVE or alumnus.sobriety is None:
                continue
            spans = [(r.old_date, r.on) for r in recurrences if r.old_date is not None]
            spans.append((alumnus.sobriety, last_day))
            for start, until in spans:
                if until < since:
                    continue
                for milestone in _milestones_between(start, since, until):
                    if rng.random() >= CELEBRATION_CHANCE.get(milestone.key, YEARLY_CELEBRATION_CHANCE):
                        continue
                    day = milestone.on + timedelta(days=randint(rng, -3, 10))
                    day = min(max(day, milestone.on - timedelta(days=CELEBRATE_EARLY_DAYS)), last_day)
                    writer.add((alumnus.id, start, milestone.key, day, choice(rng, CELEBRATIONS),
                                covering_staff(rng, context, alumnus)))
        writer.flush()
        context.counts["celebrations"] = writer.count


def _milestones_between(start: date, first: date, last: date) -> Iterator[Milestone]:
    """The milestones counted from `start` that fall from `first` to `last`, in order."""
    years = (first - start).days // 366
    if years >= 3:
        # Long sober: only yearly milestones can be in the window; skip the ones before it.
        milestones: Iterable[Milestone] = (milestone_for(start, f"{n}y") for n in range(years, MAX_YEARS + 1))
    else:
        milestones = iter_milestones(start)
    for milestone in milestones:
        if milestone.on > last:
            return
        if milestone.on >= first:
            yield milestone


_CELEBRATION_COLUMNS = ("alumnus_id", "sobriety_start_date", "milestone", "celebrated_on", "how", "recorded_by_id")
