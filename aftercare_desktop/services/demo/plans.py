"""Aftercare plans for the demo alumni: made from the shipped templates, with their own warning signs,
meetings that fit their pathway, and a call list from their contacts."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, case, func, literal, null, select

from ...models import (
    AftercarePlan,
    Alumnus,
    PlanGoal,
    PlanMeeting,
    PlanRosterEntry,
    PlanTrigger,
    PlanWarningSign,
    StaffMember,
    SupportContact,
)
from ...models.enums import (
    CADENCE_DAYS,
    CheckinCadence,
    GoalStatus,
    LifeArea,
    MeetingKind,
    PlanStatus,
    RecoveryPathway,
    RosterRole,
    label,
)
from ...paths import resource
from ..plans import CRISIS_LINES, ROLE_FOR_RELATION
from .context import (
    CHUNK_SIZE,
    LAST_CONTACT_DAYS_AGO,
    AlumnusFacts,
    Context,
    Weighted,
    below,
    choice,
    desk_hours,
    randint,
)
from .courses import Course, CourseKind
from .places import street_address
from .writer import Writer, write

# Alumni discharged longer ago than this got their first plan in this app within this time.
PLANS_KEPT_DAYS = 400


@dataclass(slots=True)
class PlanVersion:
    start: date
    cadence: CheckinCadence
    days: int


@dataclass(slots=True)
class PlanSketch:
    """An alumnus's plan versions as the later steps need them (the rows are written by PlansStep)."""

    versions: list[PlanVersion]
    meetings: list[tuple[MeetingKind, tuple[int, ...]]]  # kind and weekdays of the active version
    signs: tuple[str, ...]  # the alumnus's own warning signs, in their words
    medication: bool

    def cadence_on(self, day: date) -> int:
        days = self.versions[0].days
        for version in self.versions:
            if version.start > day:
                break
            days = version.days
        return days


# The alumnus's own warning signs: short, first person, in their words.
PERSONAL_SIGNS = (
    "I stop picking up the phone", "I say I'm fine when I'm not", "I skip breakfast and live on coffee",
    "I stay up past 2 am", "I get snappy with my kids", "I stop going to the gym", "I drive past my old spot",
    "I count the cash in my wallet", "I cancel plans at the last minute", "I stop texting my sponsor back",
    "I lie about little things", "I show up late to work", "I stay in bed all weekend",
    "I think I was never that bad", "I miss the old days", "I get angry over small things",
    "I stop cooking and eat junk", "I keep my phone on silent", "I go to the bar \"just for the food\"",
    "I skip my clinic visit", "I scroll old photos from back then", "I hide in my room",
    "I feel sorry for myself", "I let the dishes pile up", "I get secretive about money",
    "I make excuses to skip group", "I answer texts from people I used with", "I tell myself one won't hurt",
    "I can't sit still", "I stop journaling", "I blow off my therapist", "I pick fights with my partner",
    "I don't want to see anyone", "I feel numb", "I work all the time", "I stop praying",
    "I stop meditating", "I spend money I don't have", "I stop going to church", "I skip my walks",
)
# … and in Spanish, for alumni who speak only Spanish.
PERSONAL_SIGNS_ES = (
    "Dejo de contestar el teléfono", "Digo que estoy bien cuando no lo estoy", "No duermo bien",
    "Me encierro en mi cuarto", "Me enojo por cualquier cosa", "Pienso que una vez no hace daño",
    "Dejo de ir a las juntas", "Ando con dinero de más", "Extraño los viejos tiempos",
    "Dejo de hablar con mi padrino", "Vuelvo a ver a mis amigos de antes", "No como bien",
)
# Standard signs that come with a course going off (beside their own), and now and then when well.
SLIDE_SIGNS = Weighted([
    ("Isolation or withdrawal", 0.24), ("Irritability", 0.2), ("Sleep problems", 0.2),
    ("Romanticising use", 0.14), ("Contact with using peers", 0.12), ("Missed meetings", 0.1),
])
STEADY_SIGNS = ("Sleep problems", "Irritability", "Missed meetings", "Isolation or withdrawal")

# Template files by the substance they are written for (resources/plan_templates).
_TEMPLATE_FOR = {
    "Alcohol": "02-alcohol.json", "Opioids": "03-opioids-medication-supported.json",
    "Fentanyl": "03-opioids-medication-supported.json", "Heroin": "03-opioids-medication-supported.json",
    "Cocaine": "04-stimulants.json", "Methamphetamine": "04-stimulants.json", "Stimulants": "04-stimulants.json",
    "Prescription stimulants": "04-stimulants.json",
}
_GENERAL_TEMPLATE = "01-general-early-recovery.json"


@lru_cache(maxsize=1)
def _templates() -> dict[str, dict]:
    """The shipped plan templates, as plain JSON (a demo plan is made from one, as the team would)."""
    folder = resource("plan_templates")
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))}


MEETING_NAMES = {
    MeetingKind.AA: ("Big Book Study", "Early Risers", "Lunch Bunch", "Keep It Simple", "Tuesday Night Speakers",
                     "Came to Believe", "Sunday Serenity", "Primary Purpose"),
    MeetingKind.NA: ("Just for Today", "Clean and Serene", "Miracles Happen", "New Beginnings", "Freedom Group",
                     "Never Alone"),
    MeetingKind.SMART: ("SMART Recovery", "SMART Recovery online", "SMART Recovery at the library"),
    MeetingKind.REFUGE: ("Refuge Recovery meditation", "Recovery Dharma sitting group"),
    MeetingKind.CELEBRATE: ("Celebrate Recovery", "Celebrate Recovery (Friday)"),
    MeetingKind.ALUMNI_GROUP: ("Alumni group", "Alumni women's group", "Alumni men's group",
                               "Young people's alumni group"),
    MeetingKind.OTHER: ("Recovery yoga", "Women for Sobriety", "Men's peer support group", "Family recovery circle"),
}
_VENUES = ("St. Mark's Church hall", "Community center, room 2", "Grace Lutheran basement", "YMCA, upstairs",
           "Public library, meeting room", "Recovery club", "Unity Hall", "First Baptist, fellowship hall")
_STARTS = (time(7), time(12), time(12, 15), time(18), time(18, 30), time(19), time(19), time(19, 30), time(20))
_ALUMNI_PLACES = ("The center, group room 1", "The center, group room 2", "https://meet.example.org/alumni-group")
_MEDICATION_NOTES = (
    "Buprenorphine daily; clinic visit every two weeks.",
    "Methadone at the clinic every morning; take-home doses on Sundays.",
    "Monthly naltrexone injection; next dose mid-month.",
    "Buprenorphine film daily; prescriber at the community health center.",
    "Buprenorphine; pharmacy pick-up on Fridays. Carries naloxone.",
)
_HOUSING_NOTES = (
    "Sober-living house; house meeting on Sundays.", "Lives with parents for now; looking for an apartment.",
    "Own apartment; lease runs to next summer.", "Staying with a friend; on the waiting list for housing.",
    "Recovery residence until the end of the year.", "Shares a flat with a roommate who is also in recovery.",
)


def _cadence_for(rng: random.Random, days_since_discharge: int) -> CheckinCadence:
    roll = rng.random()
    if days_since_discharge < 90:
        return CheckinCadence.WEEKLY if roll < 0.8 else CheckinCadence.BIWEEKLY
    if days_since_discharge < 365:
        return (CheckinCadence.WEEKLY if roll < 0.35 else CheckinCadence.BIWEEKLY if roll < 0.85
                else CheckinCadence.MONTHLY)
    return CheckinCadence.WEEKLY if roll < 0.1 else CheckinCadence.BIWEEKLY if roll < 0.5 else CheckinCadence.MONTHLY


class PlansStep:
    """An aftercare plan for most followed alumni: made from the template for their substance, with
    their own warning signs, meetings that fit their pathway, and a call list from their contacts."""

    name = "plans"
    per_alumnus = 1

    def run(self, context: Context, rng: random.Random) -> None:
        connection = context.connection
        today = context.today
        plans: list[PlanSketch | None] = [None] * len(context.alumni)
        plan_rows: list[tuple] = []
        # Per plan version, in the order of plan_rows: goals, triggers, warning signs, meetings.
        contents: list[tuple[list, list, list, list]] = []
        for start in range(0, len(context.alumni), CHUNK_SIZE):
            chunk = context.alumni[start:start + CHUNK_SIZE]
            for index, alumnus in enumerate(chunk, start=start):
                course = context.courses[index]
                if course is None:
                    continue
                # Someone discharged this week may not have a plan yet; a few never agreed to one.
                recent = (today - alumnus.discharge).days < 10
                chance = 0.55 if recent else 0.93 if course.kind is not CourseKind.ENDED else 0.8
                if rng.random() >= chance:
                    continue
                plans[index] = self._plan(rng, context, alumnus, course, plan_rows, contents)
            context.progress.advance(len(chunk))
        table = AftercarePlan.__table__
        write(connection, table, _PLAN_COLUMNS, plan_rows)
        ids = {(alumnus_id, version): plan_id for plan_id, alumnus_id, version in connection.execute(
            select(table.c.id, table.c.alumnus_id, table.c.version))}
        goals = Writer(connection, PlanGoal.__table__, _GOAL_COLUMNS)
        triggers = Writer(connection, PlanTrigger.__table__, _TRIGGER_COLUMNS)
        signs = Writer(connection, PlanWarningSign.__table__, _SIGN_COLUMNS)
        meetings = Writer(connection, PlanMeeting.__table__, _MEETING_COLUMNS)
        for row, (goal_rows, trigger_rows, sign_texts, meeting_rows) in zip(plan_rows, contents):
            plan_id = ids[row[0], row[1]]
            for position, (text, area, target, status) in enumerate(goal_rows):
                goals.add((plan_id, position, text, area, target, status))
            for position, (trigger, strategies) in enumerate(trigger_rows):
                triggers.add((plan_id, position, trigger, strategies))
            for position, text in enumerate(sign_texts):
                signs.add((plan_id, position, text))
            for position, (kind, name, weekday, starts_at, place, per_week) in enumerate(meeting_rows):
                meetings.add((plan_id, position, kind, name, weekday, starts_at, place, per_week))
        for writer in (goals, triggers, signs, meetings):
            writer.flush()
        _write_rosters(connection)
        context.plans = plans
        context.counts["plans"] = len(plan_rows)

    def _plan(self, rng: random.Random, context: Context, alumnus: AlumnusFacts, course: Course,
              plan_rows: list[tuple], contents: list[tuple]) -> PlanSketch:
        today = context.today
        last_day = today - timedelta(days=LAST_CONTACT_DAYS_AGO)
        discharge = alumnus.discharge
        # Version 1 is made around discharge (or, for alumni from before the team kept plans here, at
        # a check-in in the last year or so); later versions at reviews, and after a return to use.
        first = discharge + timedelta(days=randint(rng, -3, 6))
        if (today - discharge).days > PLANS_KEPT_DAYS:
            first = today - timedelta(days=randint(rng, 30, PLANS_KEPT_DAYS))
        starts = [min(first, course.end, last_day)]
        roll = rng.random()
        for _ in range(2 if roll < 0.03 else 1 if roll < 0.13 else 0):
            start = starts[-1] + timedelta(days=randint(rng, 80, 200))
            if start <= min(course.end, last_day):
                starts.append(start)
        recurrence = course.recent_recurrence
        if recurrence is not None:
            start = recurrence.on + timedelta(days=randint(rng, 2, 6))
            if starts[-1] < start <= last_day:
                starts.append(start)
        versions: list[PlanVersion] = []
        for number, start in enumerate(starts):
            if recurrence is not None and number == len(starts) - 1 and start > recurrence.on:
                cadence = CheckinCadence.WEEKLY  # closer contact after a return to use
            else:
                cadence = _cadence_for(rng, (start - discharge).days)
                if number and CADENCE_DAYS[cadence] < versions[-1].days and rng.random() < 0.7:
                    cadence = versions[-1].cadence  # reviews seldom tighten it
            versions.append(PlanVersion(start, cadence, CADENCE_DAYS[cadence]))

        content = _templates()[_TEMPLATE_FOR.get(alumnus.substances[0], _GENERAL_TEMPLATE)
                               if alumnus.substances else _GENERAL_TEMPLATE]
        triggers = [(t["trigger"], tuple(self._some(rng, t["coping_strategies"], 2, 3)))
                    for t in self._some(rng, content["triggers"], 2, 3)]
        spanish_only = alumnus.languages == ("Spanish",)
        # Their own words, not the template's: short phrases they would say themselves.
        signs = self._some(rng, PERSONAL_SIGNS_ES if spanish_only else PERSONAL_SIGNS, 2, 4)
        goals = self._some(rng, content["goals"], 2, 3)
        meetings = self._meetings(rng, context, alumnus)
        meeting_rows = [row for row, _days in meetings]
        medication = RecoveryPathway.MEDICATION_SUPPORTED in alumnus.pathways
        medication_notes = choice(rng, _MEDICATION_NOTES) if medication else None
        housing_notes = choice(rng, _HOUSING_NOTES) if rng.random() < 0.3 else None
        preferred = alumnus.preferred_method
        creator = alumnus.caseworker_id if alumnus.caseworker_id is not None else choice(rng, context.staff).id
        created = [desk_hours(rng, start) for start in starts]
        for number, version in enumerate(versions):
            active = number == len(versions) - 1
            # Early plans are reviewed after 90 days, later ones twice a year.
            review_after = 90 if (version.start - discharge).days < 180 else 182
            signed = version.start + timedelta(days=randint(rng, 0, 3)) if rng.random() < 0.85 else None
            plan_rows.append((
                alumnus.id, number + 1, PlanStatus.ACTIVE if active else PlanStatus.SUPERSEDED, version.start,
                version.start + timedelta(days=review_after), version.cadence, preferred, medication_notes,
                housing_notes, signed if signed is None or signed <= last_day else None, created[number], creator,
                None if active else created[number + 1],
            ))
            # Each version is whole; an earlier one had a goal and a trigger less, say.
            version_goals = goals if active else goals[:-1]
            contents.append((
                [self._goal(rng, goal, version.start, today, course) for goal in version_goals],
                triggers if active else triggers[:-1] or triggers, signs, meeting_rows,
            ))
        return PlanSketch(versions, [(row[0], days) for row, days in meetings], tuple(signs), medication)

    @staticmethod
    def _some(rng: random.Random, values: Sequence[Any], low: int, high: int) -> list[Any]:
        """`low` to `high` different values in random order (`random.sample` is slow for this)."""
        pool = list(values)
        count = min(len(pool), randint(rng, low, high))
        for position in range(count):
            pick = position + below(rng, len(pool) - position)
            pool[position], pool[pick] = pool[pick], pool[position]
        return pool[:count]

    @staticmethod
    def _goal(rng: random.Random, goal: dict, start: date, today: date, course: Course) -> tuple:
        target = start + timedelta(days=choice(rng, (30, 60, 90, 90, 180)))
        struggling = course.kind in (CourseKind.SLIDING, CourseKind.RECOVERING)
        roll = rng.random()
        if target < today:
            status = (GoalStatus.ACHIEVED if roll < (0.35 if struggling else 0.65)
                      else GoalStatus.IN_PROGRESS if roll < 0.88 else GoalStatus.NOT_STARTED if roll < 0.96
                      else GoalStatus.DROPPED)
        else:
            status = GoalStatus.IN_PROGRESS if roll < 0.55 else GoalStatus.NOT_STARTED
        return goal["text"], LifeArea(goal["life_area"]), target if rng.random() < 0.8 else None, status

    @staticmethod
    def _meetings(rng: random.Random, context: Context, alumnus: AlumnusFacts) -> list[tuple]:
        """For each planned meeting: its row (kind, name, weekday, starts_at, place, per_week) and the
        weekdays it is on."""
        pathways = alumnus.pathways
        kinds: list[MeetingKind] = []
        if RecoveryPathway.TWELVE_STEP in pathways:
            kinds.append(MeetingKind.AA if "Alcohol" in alumnus.substances[:1] else MeetingKind.NA)
        if RecoveryPathway.SMART in pathways:
            kinds.append(MeetingKind.SMART)
        if RecoveryPathway.FAITH_BASED in pathways:
            kinds.append(MeetingKind.CELEBRATE)
        if RecoveryPathway.OTHER in pathways and rng.random() < 0.5:
            kinds.append(choice(rng, (MeetingKind.REFUGE, MeetingKind.OTHER)))
        if RecoveryPathway.MEDICATION_SUPPORTED in pathways and not kinds and rng.random() < 0.6:
            kinds.append(choice(rng, (MeetingKind.NA, MeetingKind.SMART)))
        if rng.random() < 0.35:
            kinds.append(MeetingKind.ALUMNI_GROUP)
        meetings = []
        for kind in kinds[:3]:
            per_week = 1
            if kind in (MeetingKind.AA, MeetingKind.NA):
                per_week = choice(rng, (1, 2, 2, 3))
            weekday = below(rng, 7)
            days = tuple(sorted((weekday + 2 * n) % 7 for n in range(per_week)))
            starts = choice(rng, _STARTS)
            if kind is MeetingKind.ALUMNI_GROUP:
                place = choice(rng, _ALUMNI_PLACES)
            elif rng.random() < 0.25:
                slug = re.sub(r"[^a-z]+", "-", label(kind).lower()).strip("-")
                place = f"https://meet.example.org/{slug}-{WEEKDAY_SLUGS[weekday]}-{starts:%H%M}"
            else:
                place = f"{choice(rng, _VENUES)}, {street_address(rng, context.pools)}"
                if alumnus.city:
                    place += f", {alumnus.city}"
            # A weekday only when the meeting is on one day; several a week are "any day" in the plan.
            row = (kind, choice(rng, MEETING_NAMES[kind]), weekday if per_week == 1 else None, starts, place, per_week)
            meetings.append((row, days))
        return meetings


WEEKDAY_SLUGS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _write_rosters(connection: Connection) -> None:
    """Every plan's call list: the support contacts in their call order, the caseworker, then the crisis
    lines (plans.CRISIS_LINES), as the plan editor drafts it. Written in SQL: half a million lines
    at 100,000 alumni that Python need not touch."""
    plans, contacts = AftercarePlan.__table__, SupportContact.__table__
    alumni, staff = Alumnus.__table__, StaffMember.__table__
    roster = PlanRosterEntry.__table__
    columns = ["plan_id", "position", "role", "support_contact_id", "name", "phone"]
    role = case(
        *((contacts.c.relation == relation.value, role.value) for relation, role in ROLE_FOR_RELATION.items()),
        else_=RosterRole.OTHER.value,
    )
    connection.execute(roster.insert().from_select(columns, (
        select(plans.c.id, contacts.c.call_order, role, contacts.c.id, contacts.c.name, contacts.c.phone)
        .join(contacts, contacts.c.alumnus_id == plans.c.alumnus_id)
        .order_by(plans.c.id, contacts.c.call_order, contacts.c.id)
    )))
    contact_count = (select(func.count()).select_from(contacts).where(contacts.c.alumnus_id == plans.c.alumnus_id)
                     .scalar_subquery())
    connection.execute(roster.insert().from_select(columns, (
        select(plans.c.id, contact_count, literal(RosterRole.CASEWORKER.value), null(), staff.c.display_name, null())
        .join(alumni, alumni.c.id == plans.c.alumnus_id)
        .join(staff, staff.c.id == alumni.c.caseworker_id)
        .order_by(plans.c.id)
    )))
    has_caseworker = case((alumni.c.caseworker_id.is_(None), 0), else_=1)
    for offset, line in enumerate(CRISIS_LINES):
        connection.execute(roster.insert().from_select(columns, (
            select(plans.c.id, contact_count + has_caseworker + offset, literal(line.role.value), null(),
                   literal(line.name), literal(line.phone))
            .join(alumni, alumni.c.id == plans.c.alumnus_id)
            .order_by(plans.c.id)
        )))


_PLAN_COLUMNS = ("alumnus_id", "version", "status", "start_date", "next_review_date", "checkin_cadence",
                 "preferred_method", "medication_notes", "housing_notes", "signed_by_alumnus_on", "created_at",
                 "created_by_id", "superseded_at")
_GOAL_COLUMNS = ("plan_id", "position", "text", "life_area", "target_date", "status")
_TRIGGER_COLUMNS = ("plan_id", "position", "trigger", "coping_strategies")
_SIGN_COLUMNS = ("plan_id", "position", "text")
_MEETING_COLUMNS = ("plan_id", "position", "kind", "name", "weekday", "starts_at", "place", "per_week")
_ROSTER_COLUMNS = ("plan_id", "position", "role", "support_contact_id", "name", "phone")
