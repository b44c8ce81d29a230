"""Check-ins and meeting attendance for the demo alumni, at their plan's cadence and following their
course."""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import lru_cache

from ...models import CheckIn, MeetingAttendance
from ...models.enums import AlumniStatus, CheckinMethod, CheckinOutcome, ContactMethod, MeetingKind
from .context import (
    CHUNK_SIZE,
    LAST_CONTACT_DAYS_AGO,
    AlumnusFacts,
    Context,
    Weighted,
    below,
    choice,
    covering_staff,
    desk_hours,
    opening,
    randint,
)
from .courses import Course, CourseKind
from .plans import SLIDE_SIGNS, STEADY_SIGNS, PlanSketch
from .writer import Writer

# Scheduled contacts by default, per cadence in days (retries after an unanswered attempt come on
# top): about six reached check-ins at least, which a mood baseline needs (the last three against
# three or more before them), a few months of trend, and few enough that 100,000 alumni stay
# reasonably quick to make. A course that ended keeps its last few.
DEFAULT_CONTACTS = {7: 8, 14: 7, 30: 6}
ENDED_CONTACTS = 4
NO_PLAN_CADENCE = 14  # the team's default cadence without a plan
# Meeting attendance is recorded for the last four weeks (older sign-in sheets are not typed in).
ATTENDANCE_DAYS = 28

STEADY_NOTES = (
    "Doing well; the new shift schedule is working.", "Went to the alumni barbecue.",
    "Celebrated a birthday sober with family.", "Busy week at work; still made two meetings.",
    "Started volunteering at the food bank.", "Talked about plans for the holidays.",
    "Sleeping better since cutting back on coffee.", "Got the apartment; moving next month.",
    "Enjoying the Saturday recovery walk.", "Brief call, all good.", "Back at the gym three times a week.",
    "Proud of paying off an old fine.", "Working the steps with the sponsor.", "Asked about peer mentor training.",
)
IMPROVING_NOTES = (
    "Sounds brighter than last month.", "Found a home group and goes every week now.",
    "Cravings easing; uses the urge-surfing exercise.", "Back in touch with their sister.",
    "Sleeping through the night again.", "Started the new job on Monday.",
)
STRUGGLING_NOTES = (
    "Sounded flat; says work is piling up.", "Hasn't been to a meeting in two weeks.",
    "Mentioned a night out with old friends.", "Not sleeping; up until 3 am most nights.",
    "Argument at home; staying with a cousin for now.", "Short call; didn't want to talk much.",
    "Says cravings are strong after work.", "Money worries; rent is late.",
    "Stopped going to the gym; \"no energy\".", "Talked about \"the good old days\".",
)
USE_NOTES = (
    "Told me about using at the weekend; agreed to come to group on Tuesday.",
    "Reported using again; safety plan reviewed, naloxone at home.",
    "Honest about using last week; wants weekly calls for now.",
    "Used after a fight at home; back in touch with the sponsor.",
    "Reported using; referred back to IOP for an assessment.",
)
RECOVERING_NOTES = (
    "Back at meetings since the return to use.", "Shaken by what happened but motivated.",
    "Weekly calls are helping; cravings easing.", "Saw the counselor for the re-assessment.",
)
UNANSWERED_NOTES = (
    "Voicemail full.", "Went straight to voicemail.", "Rang out; sent a text as well.",
    "Left a short message to call back.", "Phone off.",
)
UNANSWERED_TEXT_NOTES = ("No reply to the text.", "Texted twice; no reply yet.", "Message not delivered.")
_ATTENDED_NOTES = ("Signed the sheet.", "Went with their sponsor.", "Shared for the first time.")
_MISSED_NOTES = ("Worked a double shift.", "Sick that day.", "No ride that day.", "Said they forgot.")
# How the contact is usually made, by the alumnus's preferred method.
_METHODS = {
    ContactMethod.PHONE: Weighted([(CheckinMethod.CALL, 0.9), (CheckinMethod.TEXT, 0.1)]),
    ContactMethod.TEXT: Weighted([(CheckinMethod.TEXT, 0.7), (CheckinMethod.CALL, 0.3)]),
    ContactMethod.EMAIL: Weighted([(CheckinMethod.CALL, 0.6), (CheckinMethod.TEXT, 0.4)]),
    ContactMethod.VIDEO: Weighted([(CheckinMethod.VIDEO, 0.6), (CheckinMethod.CALL, 0.4)]),
    ContactMethod.IN_PERSON: Weighted([(CheckinMethod.IN_PERSON, 0.5), (CheckinMethod.CALL, 0.5)]),
    None: Weighted([(CheckinMethod.CALL, 0.8), (CheckinMethod.TEXT, 0.2)]),
}


def _clamp(value: float, low: int, high: int) -> int:
    return low if value < low else high if value > high else int(value + 0.5)


class CheckInsStep:
    """Check-ins at the plan's cadence with a few days' jitter (and retries after an unanswered call),
    and the support meetings they went to or missed, both following the alumnus's course."""

    name = "check_ins"
    per_alumnus = 2

    def run(self, context: Context, rng: random.Random) -> None:
        check_ins = Writer(context.connection, CheckIn.__table__, CHECKIN_COLUMNS)
        attendance = Writer(context.connection, MeetingAttendance.__table__, _ATTENDANCE_COLUMNS)
        for start in range(0, len(context.alumni), CHUNK_SIZE):
            chunk = context.alumni[start:start + CHUNK_SIZE]
            for offset, alumnus in enumerate(chunk):
                course = context.courses[start + offset]
                if course is not None:
                    self._alumnus(rng, context, alumnus, course, context.plans[start + offset], check_ins,
                                  attendance)
            context.progress.advance(2 * len(chunk))
        check_ins.flush()
        attendance.flush()
        context.counts["check_ins"] = check_ins.count
        context.counts["meeting_attendance"] = attendance.count

    # -- when ------------------------------------------------------------------------------------
    @staticmethod
    def _schedule(rng: random.Random, context: Context, course: Course, plan: PlanSketch | None) -> list[date]:
        """The days the team set out to reach them, oldest first (retries come later)."""
        cadence_on = plan.cadence_on if plan is not None else (lambda day: NO_PLAN_CADENCE)
        wanted = context.checkins_per_alumnus
        first = course.first + timedelta(days=1)
        quiet = course.quiet_from
        last = (quiet - timedelta(days=cadence_on(quiet))) if quiet else course.end
        if course.kind is not CourseKind.ENDED and quiet is None:
            # Everyone is somewhere in their cycle: the next contact falls due any day from today.
            last -= timedelta(days=below(rng, cadence_on(last)))
        if wanted is None:
            slots = ENDED_CONTACTS if course.kind is CourseKind.ENDED else DEFAULT_CONTACTS[cadence_on(course.end)]
            step = None
        else:
            slots = wanted
            span = (last - first).days
            # A benchmark asks for more contacts than the cadence fits in: they come closer together.
            step = max(1, span // max(wanted, 1)) if span < wanted * cadence_on(last) else None
        days: list[date] = []
        day = last
        while day >= first and len(days) < slots:
            days.append(day)
            if step is None:
                cadence = cadence_on(day)
                day -= timedelta(days=cadence + randint(rng, -cadence // 7, cadence // 7))
            else:
                day -= timedelta(days=step)
        days.reverse()
        return days

    # -- what happened ---------------------------------------------------------------------------
    def _alumnus(self, rng: random.Random, context: Context, alumnus: AlumnusFacts, course: Course,
                 plan: PlanSketch | None, check_ins: Writer, attendance: Writer) -> None:
        scheduled = self._schedule(rng, context, course, plan)
        if course.quiet_from is not None and course.quiet_from <= course.end:
            # Unanswered from here on: the team keeps trying every few days.
            day, chain = course.quiet_from, []
            while day <= course.end and len(chain) < 8:
                chain.append(day)
                day += timedelta(days=randint(rng, 2, 5))
            scheduled_days = [(d, True) for d in scheduled if d < course.quiet_from] + [(d, False) for d in chain]
        else:
            scheduled_days = [(d, True) for d in scheduled]
        if not scheduled_days:
            return
        today = context.today
        kind = course.kind
        wobble = course.wobble
        onset = course.onset
        cadence = plan.cadence_on(scheduled_days[-1][0]) if plan is not None else NO_PLAN_CADENCE
        meetings_life = _Meetings(rng, context, course, plan)
        self._attendance(rng, context, alumnus, course, meetings_life.recorded, attendance)
        method_of = _METHODS.get(alumnus.preferred_method, _METHODS[None])
        signs = plan.signs if plan is not None else ()
        focus_sign = choice(rng, signs) if signs else choice(rng, STEADY_SIGNS)
        in_group = plan is not None and any(k is MeetingKind.ALUMNI_GROUP for k, _ in plan.meetings)
        recurrences = [r for r in course.recurrences if r.on >= scheduled_days[0][0]]
        rows: list[tuple] = []
        reached_before = scheduled_days[0][0] - timedelta(days=cadence)
        # A stack of (day, answerable, retries before it): the next attempt is at the end.
        attempts = [(day, answerable, 0) for day, answerable in reversed(scheduled_days)]
        moving = kind is CourseKind.SLIDING or kind is CourseKind.RECOVERING or kind is CourseKind.IMPROVING
        level_on = course.level
        caseworker_id = alumnus.caseworker_id
        staff = context.staff
        while attempts:
            day, answerable, retries = attempts.pop()
            level = level_on(day) if moving else 0.0
            after_onset = onset is not None and day >= onset
            reach = course.reach * (1 - 0.5 * level) if answerable else 0.0
            reached = rng.random() < reach
            method = method_of.pick(rng)
            if reached and in_group and rng.random() < 0.05:
                method = CheckinMethod.GROUP
            elif method is CheckinMethod.IN_PERSON and not reached:
                method = CheckinMethod.CALL
            occurred = opening(day) + timedelta(seconds=int(rng.random() * 36000))
            # The caseworker mostly; a colleague covering now and then.
            staff_id = caseworker_id if caseworker_id is not None and rng.random() < 0.88 else choice(rng, staff).id
            created = occurred + timedelta(seconds=30 + int(rng.random() * 1770))
            if not reached:
                outcome = (CheckinOutcome.NO_ANSWER if method is CheckinMethod.TEXT or rng.random() < 0.55
                           else CheckinOutcome.LEFT_MESSAGE)
                note = None
                if rng.random() < 0.3:
                    note = choice(rng, UNANSWERED_TEXT_NOTES if method is CheckinMethod.TEXT else UNANSWERED_NOTES)
                rows.append((alumnus.id, occurred, staff_id, None, method, outcome, None, None, None, None, (),
                             note, None, None, created))
                # Try again in a day or three (twice at most), unless the next planned contact comes first.
                retry = day + timedelta(days=randint(rng, 1, 3))
                if answerable and retries < 2 and retry <= course.end and (not attempts or retry < attempts[-1][0]):
                    attempts.append((retry, True, retries + 1))
                continue
            # Mood and cravings: their own usual, moved by how things are going, with a little noise.
            mood_mu, craving_mu = course.mood, course.craving
            sign_chance = 0.05
            if kind is CourseKind.WOBBLING:
                if after_onset and wobble == "mood":
                    mood_mu -= 1.7
                elif after_onset and wobble == "cravings":
                    craving_mu += 1.5 + 5.0 * (day - onset).days / max((course.end - onset).days, 1)
                elif after_onset and wobble == "signs":
                    sign_chance = 0.0
            else:
                mood_mu -= 2.2 * level
                craving_mu += 5.5 * level
                sign_chance += 0.75 * level
            random = rng.random
            mood = _clamp(mood_mu + random() + random() - 1.0, 1, 5)  # about normal, sd 0.4
            craving = _clamp(craving_mu + 2 * (random() + random() - 1.0), 0, 10)
            ticked: list[str] = []
            if kind is CourseKind.WOBBLING and wobble == "signs" and after_onset:
                ticked.append(focus_sign)
            elif rng.random() < sign_chance:
                if level == 0:
                    ticked.append(choice(rng, signs) if signs and rng.random() < 0.3 else choice(rng, STEADY_SIGNS))
                else:
                    if signs and rng.random() < 0.6:
                        ticked.append(focus_sign)
                    for _ in range(randint(rng, 1, 2)):
                        sign = SLIDE_SIGNS.pick(rng)
                        if sign not in ticked:
                            ticked.append(sign)
                    if plan is not None and plan.medication and level > 0.5 and rng.random() < 0.3:
                        ticked.append("Skipping medication")
            # Meetings since the last time they were reached.
            meetings = meetings_life.attended(reached_before, day) if meetings_life.weekdays else None
            reached_before = day
            if meetings is not None and rng.random() < 0.15:
                meetings = None  # not asked this time
            used: bool | None = False if rng.random() < 0.88 else None
            told = None
            while recurrences and recurrences[0].on < day:
                told = recurrences.pop(0)
            follow_chance = 0.04 + 0.4 * level
            if told is not None:
                used = True
                note = choice(rng, USE_NOTES)
                follow_chance = 1.0
                told.check_in_key = (alumnus.id, occurred)
                told.recorded_at, told.recorded_by_id = created, staff_id
            elif rng.random() < (0.45 if level >= 0.5 else 0.25):
                if level >= 0.5:
                    pool = RECOVERING_NOTES if kind is CourseKind.RECOVERING and day > course.recurrences[-1].on \
                        else STRUGGLING_NOTES
                elif kind is CourseKind.IMPROVING and level > 0.2:
                    pool = IMPROVING_NOTES
                else:
                    pool = STEADY_NOTES
                note = choice(rng, pool)
            else:
                note = None
            if course.ended_status is AlumniStatus.OPTED_OUT and not attempts:
                note = "Asked to stop the check-ins for now; the door is open."
            due = done = None
            if rng.random() < follow_chance:
                due = day + timedelta(days=randint(rng, 1, 3) if told is not None else randint(rng, 2, 10))
                # Most follow-ups are done; the newest are still open (and a few older ones slipped).
                if due <= today - timedelta(days=3) and rng.random() < 0.95:
                    done_day = min(due, course.end, today - timedelta(days=LAST_CONTACT_DAYS_AGO))
                    done = max(desk_hours(rng, done_day), created + timedelta(minutes=1))
            rows.append((alumnus.id, occurred, staff_id, None, method, CheckinOutcome.REACHED, mood, craving, used,
                         meetings, tuple(ticked), note, due, done, created))
        wanted = context.checkins_per_alumnus
        if wanted is not None and len(rows) > wanted:
            rows = rows[len(rows) - wanted:]
        for row in rows:
            check_ins.add(row)

    @staticmethod
    def _attendance(rng: random.Random, context: Context, alumnus: AlumnusFacts, course: Course,
                    recorded: list[tuple[date, MeetingKind, int]], writer: Writer) -> None:
        """The last four weeks of meetings as the team recorded them: every alumni group (the team runs
        it: verified), and the other meetings of alumni whose caseworker keeps track."""
        last = context.today - timedelta(days=LAST_CONTACT_DAYS_AGO)
        for day, kind, went in recorded:
            group = kind is MeetingKind.ALUMNI_GROUP
            if not (group or course.tracks_attendance):
                continue
            note = None
            if rng.random() < 0.08:
                note = choice(rng, _ATTENDED_NOTES if went else _MISSED_NOTES)
            logged = min(day + timedelta(days=randint(rng, 0, 3)), last)
            writer.add((alumnus.id, day, kind, bool(went), group or rng.random() < 0.15, note,
                        covering_staff(rng, context, alumnus), desk_hours(rng, logged)))


class _Meetings:
    """An alumnus's planned meetings over time, and which they went to.

    In the last four weeks (what the team records) each meeting is a dated row; before that, only how
    many fell between two check-ins matters, so they are counted rather than listed day by day.
    """

    def __init__(self, rng: random.Random, context: Context, course: Course, plan: PlanSketch | None):
        self.rng = rng
        self.course = course
        # One weekday per weekly meeting (a meeting twice a week appears twice).
        self.weekdays: tuple[int, ...] = tuple(day for _kind, days in plan.meetings for day in days) if plan else ()
        self.detail_from = context.today - timedelta(days=ATTENDANCE_DAYS)
        self.recorded: list[tuple[date, MeetingKind, int]] = []
        if not self.weekdays:
            return
        end = min(course.end, context.today - timedelta(days=LAST_CONTACT_DAYS_AGO))
        start = self.detail_from
        for kind, days in plan.meetings:
            for weekday in days:
                day = start + timedelta(days=(weekday - start.weekday()) % 7)
                while day <= end:
                    self.recorded.append((day, kind, 1 if rng.random() < self.chance(day) else 0))
                    day += timedelta(days=7)
        self.recorded.sort(key=lambda meeting: meeting[0])

    def chance(self, day: date) -> float:
        course = self.course
        if course.wobble == "meetings":
            return 0.15 if day >= course.onset else course.attend
        return course.attend * (1 - 0.75 * course.level(day))

    def count(self, after: date, until: date) -> int:
        """Meeting days from the day after `after` to `until`, both included."""
        days = (until - after).days
        if days <= 0:
            return 0
        weeks, rest = divmod(days, 7)
        return weeks * len(self.weekdays) + _meeting_days_in(self.weekdays, (after.weekday() + 1) % 7, rest)

    def attended(self, after: date, until: date) -> int:
        """How many meetings they went to after `after` up to `until` (as said at a check-in)."""
        went = 0
        split = min(until, self.detail_from - timedelta(days=1))
        if split > after:
            chance = self.chance(after + (split - after) / 2)
            random = self.rng.random
            for _ in range(self.count(after, split)):
                if random() < chance:
                    went += 1
        if until >= self.detail_from:
            for day, _kind, went_there in self.recorded:
                if after < day <= until:
                    went += went_there
        return went


@lru_cache(maxsize=4096)
def _meeting_days_in(weekdays: tuple[int, ...], first: int, days: int) -> int:
    """How many of `weekdays` fall in `days` (< 7) consecutive days starting on weekday `first`."""
    return sum(1 for weekday in weekdays if (weekday - first) % 7 < days)


CHECKIN_COLUMNS = ("alumnus_id", "occurred_at", "staff_id", "mentor_id", "method", "outcome", "mood", "craving",
                    "used_since_last", "meetings_attended", "warning_signs", "notes", "follow_up_due",
                    "follow_up_done_at", "created_at")
_ATTENDANCE_COLUMNS = ("alumnus_id", "met_on", "kind", "attended", "verified", "note", "recorded_by_id",
                       "created_at")
