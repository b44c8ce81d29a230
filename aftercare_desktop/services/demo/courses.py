"""The caseworker's day begins with courses: how each followed alumnus is doing (the plans,
check-ins, meetings, returns to use and assessments steps follow them).

Every alumnus who is followed gets a *course*: how their recovery is going, as the team would see
it over the last months. The later steps read it, so that plans, check-ins, meeting attendance,
assessments and returns to use tell one story per person:

- steady: reached on schedule, mood 3–5, low cravings, meetings kept, a warning sign now and then;
- improving: harder at first, better lately (mood up, cravings down, more meetings);
- wobbling: steady, but one thing has been off for two or three weeks (mood, cravings, one warning
  sign again and again, meetings, a missed call or two, or a lower BARC-10);
- sliding: for the last weeks mood falls below their own usual, cravings rise, warning signs come
  up more often, meetings are missed, and some stop answering the phone;
- recovering: a return to use in the last months (the date already moved by the alumni step: its
  sobriety date after discharge), slid into before and followed by closer contact.
Alumni whose status changed in the last year (lost contact, inactive, opted out) have a course
that ends then; earlier ones have no contact history here (unless a number of check-ins per
alumnus is asked for, see `generate`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from ...models.enums import AlumniStatus, RecurrenceKind
from .context import LAST_CONTACT_DAYS_AGO, AlumnusFacts, Context, choice, quota, randint
from .people import SUBSTANCE


class CourseKind(StrEnum):
    STEADY = "steady"
    IMPROVING = "improving"
    WOBBLING = "wobbling"
    SLIDING = "sliding"
    RECOVERING = "recovering"
    ENDED = "ended"


# Shares among the active alumni who are not recovering from a recent return to use.
COURSE_SHARES = (
    (CourseKind.STEADY, 0.62), (CourseKind.IMPROVING, 0.12), (CourseKind.WOBBLING, 0.18),
    (CourseKind.SLIDING, 0.08),
)
# What is off for a wobbling alumnus.
WOBBLES = ("mood", "cravings", "signs", "meetings", "quiet", "assessment")
# A return to use this recent makes a recovering course (its weeks before and after are in view).
RECOVERING_DAYS = 75
# Non-active alumni whose status changed longer ago than this have no contact history here (unless
# a number of check-ins per alumnus is asked for).
ENDED_WITHIN_DAYS = 365


@dataclass(slots=True)
class Recurrence:
    on: date
    kind: RecurrenceKind
    substance: str
    old_date: date | None
    new_date: date
    check_in_key: tuple[int, datetime] | None = None  # (alumnus id, occurred_at) of the check-in it was told in
    recorded_at: datetime | None = None
    recorded_by_id: int | None = None


@dataclass(slots=True)
class Course:
    kind: CourseKind
    wobble: str | None
    mood: float  # their usual mood (1–5)
    craving: float  # their usual craving (0–10)
    reach: float  # chance that a contact attempt reaches them while things go well
    attend: float  # chance that they go to a planned meeting while things go well
    first: date  # contact starts (discharge, or back in touch)
    end: date  # the last day of contact so far
    onset: date | None = None  # when things started to go off (wobbling, sliding, before a return to use)
    quiet_from: date | None = None  # from this day no attempt is answered
    recurrences: list[Recurrence] = field(default_factory=list)
    ended_status: AlumniStatus | None = None
    tracks_attendance: bool = False
    aware: bool = False  # the team also gives the AWARE questionnaire

    @property
    def recent_recurrence(self) -> Recurrence | None:
        return self.recurrences[-1] if self.kind is CourseKind.RECOVERING else None

    def level(self, day: date) -> float:
        """How far things have gone off on `day`: 0 (as usual) … 1 (the worst of this course)."""
        kind = self.kind
        if kind is CourseKind.STEADY or kind is CourseKind.ENDED or kind is CourseKind.WOBBLING:
            return 0.0  # a wobble moves one thing only; the steps look at `wobble` for it
        if kind is CourseKind.IMPROVING:
            # A hard time until `onset`, better and better since.
            if day <= self.onset:
                return 0.6
            return 0.6 * max(0.0, 1 - (day - self.onset).days / max((self.end - self.onset).days, 1))
        onset = self.onset
        if kind is CourseKind.RECOVERING:
            event = self.recurrences[-1].on
            if day <= event:
                if day < onset:
                    return 0.0
                return (day - onset).days / max((event - onset).days, 1)
            # Closer contact after the return to use: things settle over about six weeks.
            return max(0.35, 1 - (day - event).days / 42)
        if onset is None or day < onset:
            return 0.0
        return min(1.0, 0.35 + 0.65 * (day - onset).days / max((self.end - onset).days, 1))



class CoursesStep:
    """How each followed alumnus is doing (no rows: the steps after it read the courses)."""

    name = "courses"
    per_alumnus = 0

    def run(self, context: Context, rng: random.Random) -> None:
        today = context.today
        end = today - timedelta(days=LAST_CONTACT_DAYS_AGO)
        courses: list[Course | None] = [None] * len(context.alumni)
        all_recurrences: list[list[Recurrence]] = []
        # Asked for a number of check-ins per alumnus (a benchmark): older contact histories count too.
        every_history = context.checkins_per_alumnus is not None
        followed: list[int] = []
        for index, alumnus in enumerate(context.alumni):
            recurrences = self._recurrences(rng, alumnus)
            all_recurrences.append(recurrences)
            discharge = alumnus.discharge
            if alumnus.status is AlumniStatus.ACTIVE:
                first = alumnus.status_changed_at.date() if alumnus.reconnected else discharge
                course = self._course(rng, CourseKind.STEADY, first, end)
                if (recurrences and (today - recurrences[-1].on).days <= RECOVERING_DAYS
                        and not alumnus.archived and recurrences[-1].on > first):
                    course.kind = CourseKind.RECOVERING
                    course.onset = recurrences[-1].on - timedelta(days=randint(rng, 18, 40))
                elif not alumnus.archived:
                    followed.append(index)
            elif alumnus.status_changed_at is not None and (
                    (today - alumnus.status_changed_at.date()).days <= ENDED_WITHIN_DAYS or every_history):
                stop = alumnus.status_changed_at.date() - timedelta(days=randint(rng, 1, 10))
                course = self._course(rng, CourseKind.ENDED, discharge, min(stop, end))
                course.ended_status = alumnus.status
                if alumnus.status is AlumniStatus.LOST_CONTACT:
                    course.quiet_from = course.end - timedelta(days=randint(rng, 20, 45))
                if course.end <= course.first:
                    course = None
            else:
                course = None
            if course is not None:
                course.recurrences = recurrences
            courses[index] = course
        # The kinds in exact shares, so that even a demo of 100 alumni shows each of them.
        for index, kind in zip(followed, quota(rng, len(followed), COURSE_SHARES)):
            self._shape(rng, courses[index], kind)
        context.courses = courses
        context.recurrences = all_recurrences

    @staticmethod
    def _course(rng: random.Random, kind: CourseKind, first: date, end: date) -> Course:
        return Course(
            kind=kind, wobble=None, mood=rng.uniform(3.4, 4.6), craving=rng.uniform(0.3, 2.6),
            reach=rng.uniform(0.84, 0.97), attend=rng.uniform(0.88, 0.99), first=first, end=end,
            tracks_attendance=rng.random() < 0.6, aware=rng.random() < 0.2,
        )

    @staticmethod
    def _shape(rng: random.Random, course: Course, kind: CourseKind) -> None:
        course.kind = kind
        end = course.end
        if kind is CourseKind.IMPROVING:
            course.mood = min(course.mood + 0.2, 4.7)
            course.onset = end - timedelta(days=randint(rng, 50, 150))
        elif kind is CourseKind.WOBBLING:
            course.wobble = choice(rng, WOBBLES)
            course.onset = end - timedelta(days=randint(rng, 14, 24))
            if course.wobble == "quiet":
                # The last call or two went unanswered, and the next one is not due yet or just due.
                course.quiet_from = end - timedelta(days=randint(rng, 2, 6))
        elif kind is CourseKind.SLIDING:
            course.onset = end - timedelta(days=randint(rng, 24, 60))
            if rng.random() < 0.5:
                # They stopped answering: the calls of the last two or three weeks went unanswered,
                # after a few weeks in which things visibly went downhill.
                course.quiet_from = end - timedelta(days=randint(rng, 9, 20))
                course.onset = course.quiet_from - timedelta(days=randint(rng, 21, 45))
        course.onset = max(course.onset, course.first) if course.onset else None

    @staticmethod
    def _recurrences(rng: random.Random, alumnus: AlumnusFacts) -> list[Recurrence]:
        """The returns to use behind a sobriety date after discharge (the alumni step set that date)."""
        start, discharge = alumnus.sobriety, alumnus.discharge
        if start is None or discharge is None or start <= discharge:
            return []
        substance = alumnus.substances[0] if alumnus.substances and rng.random() < 0.85 else SUBSTANCE.pick(rng)
        # Before the return to use, their date was the one from treatment.
        original = discharge - timedelta(days=randint(rng, 20, 90))
        events = []
        room = (start - discharge).days
        if room > 60 and rng.random() < 0.2:
            # An earlier lapse between discharge and the last return to use.
            on = discharge + timedelta(days=randint(rng, 14, room - 40))
            events.append(Recurrence(on, RecurrenceKind.LAPSE, substance, original, on + timedelta(days=1)))
            original = on + timedelta(days=1)
        kind = RecurrenceKind.LAPSE if rng.random() < 0.45 else RecurrenceKind.RELAPSE
        events.append(Recurrence(start - timedelta(days=1), kind, substance, original, start))
        return events
