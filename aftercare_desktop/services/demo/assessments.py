"""Assessments for the demo alumni: BARC-10 and AWARE on the instruments' own cadence, scored by the
app's scorer."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ...models import AssessmentResult
from ...paths import resource
from ..assessments import due_date
from ..instruments import AWARE as AWARE_CODE
from ..instruments import (
    BARC_10,
    Direction,
    InstrumentDefinition,
    Score,
    load_instruments,
    score,
    whole_months_between,
)
from .context import CHUNK_SIZE, LAST_CONTACT_DAYS_AGO, AlumnusFacts, Context, covering_staff, desk_hours, randint
from .courses import Course, CourseKind
from .writer import Writer

# Assessments from this far back: enough for the engine's "latest and previous" and a short trend.
BARC_HISTORY_DAYS = 300
AWARE_HISTORY_DAYS = 180


class AssessmentsStep:
    """BARC-10 for most followed alumni and AWARE for some, on the instruments' own cadence, scored by
    the app's scorer from per-item answers that follow the alumnus's course."""

    name = "assessments"
    per_alumnus = 1

    def run(self, context: Context, rng: random.Random) -> None:
        definitions = load_instruments([resource("instruments")])
        barc, aware = definitions[BARC_10], definitions[AWARE_CODE]
        writer = Writer(context.connection, AssessmentResult.__table__, _ASSESSMENT_COLUMNS, unique=("answers",))
        # The app's scorer, asked once per distinct set of answers: people answer alike more often than not.
        scores: dict[tuple, Score] = {}
        for start in range(0, len(context.alumni), CHUNK_SIZE):
            chunk = context.alumni[start:start + CHUNK_SIZE]
            for offset, alumnus in enumerate(chunk):
                course = context.courses[start + offset]
                if course is None or course.kind is CourseKind.ENDED or alumnus.discharge is None:
                    continue
                if rng.random() < 0.8:
                    self._series(rng, context, alumnus, course, barc, BARC_HISTORY_DAYS, writer, scores)
                if course.aware:
                    self._series(rng, context, alumnus, course, aware, AWARE_HISTORY_DAYS, writer, scores)
            context.progress.advance(len(chunk))
        writer.flush()
        context.counts["assessments"] = writer.count

    @staticmethod
    def _series(rng: random.Random, context: Context, alumnus: AlumnusFacts, course: Course,
                definition: InstrumentDefinition, history_days: int, writer: Writer,
                scores: dict[tuple, Score]) -> None:
        today = context.today
        last_day = today - timedelta(days=LAST_CONTACT_DAYS_AGO)
        since = today - timedelta(days=history_days)
        discharge = alumnus.discharge
        better_high = definition.direction is Direction.HIGHER_IS_BETTER
        low, high = definition.scale.min, definition.scale.max
        # Their own way of answering: some items always a little higher or lower than others.
        profile = [(rng.random() - 0.5) * 1.2 for _ in definition.items]
        reverse = [item.number in definition.reverse_scored for item in definition.items]
        usual = rng.uniform(4.9, 5.6) if better_high else rng.uniform(1.6, 2.4)
        given: list[date] = []
        last = None
        cadence = definition.cadence
        if cadence is None:
            return
        if (since - discharge).days > 400:
            # Long ago: start from an (unstored) administration shortly before the window rather than
            # walking every due date since discharge.
            interval = cadence.interval_at(whole_months_between(discharge, since)) * 30
            last = since - timedelta(days=randint(rng, 0, interval))
        while True:
            due = due_date(cadence, discharge, last)
            if due is None or due > last_day:
                break
            if (last_day - due).days < 40 and rng.random() < 0.12:
                break  # not given yet: shows as due
            day = due + timedelta(days=randint(rng, -3, 10) if rng.random() < 0.92 else randint(rng, 15, 45))
            day = max(day, discharge, last + timedelta(days=1) if last else discharge)
            if day > last_day:
                break
            given.append(day)
            last = day
        given = [day for day in given if day >= since]
        for number, day in enumerate(given):
            level = course.level(day)
            if course.wobble == "assessment" and better_high and number == len(given) - 1:
                level = max(level, rng.uniform(0.4, 0.6))
            if better_high:
                mean = usual - 1.4 * level
            else:
                mean = usual + 2.2 * level
            random = rng.random
            values = [int(mean + offset + random() * 0.8 + 0.1) for offset in profile]  # rounded, ±0.4 noise
            answers = [low + high - value if flip else value
                       for value, flip in zip([low if v < low else high if v > high else v for v in values], reverse)]
            key = (definition.code, *answers)
            result = scores.get(key)
            if result is None:
                result = scores[key] = score(definition, answers)
            writer.add((alumnus.id, definition.code, day, list(result.answers), result.total, result.band.label,
                        covering_staff(rng, context, alumnus), desk_hours(rng, day)))


_ASSESSMENT_COLUMNS = ("alumnus_id", "instrument", "administered_on", "answers", "total", "band",
                       "recorded_by_id", "created_at")
