"""Aftercare plans: one active version per alumnus, every earlier version kept.

Saving never edits a plan in place. It writes a new version and supersedes the one it was based on,
so the history shows what was agreed when. Two desks saving the same alumnus's plan at once cannot
both win: the second is told that the plan changed meanwhile (ConcurrentEditError).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import String, func, select, type_coerce, update
from sqlalchemy.orm import Session, aliased, selectinload

from ..db import Database
from ..errors import ConcurrentEditError, RecordNotFoundError, ValidationFailed
from ..models import (
    AftercarePlan,
    Alumnus,
    PlanGoal,
    PlanMeeting,
    PlanRosterEntry,
    PlanTemplate,
    PlanTrigger,
    PlanWarningSign,
    StaffMember,
    SupportContact,
    utcnow,
)
from ..models.enums import (
    CADENCE_DAYS,
    AuditAction,
    CheckinCadence,
    ContactMethod,
    GoalStatus,
    LifeArea,
    MeetingKind,
    PlanStatus,
    Relationship,
    RosterRole,
)
from . import audit
from .audit import Actor
from .validation import Problem, Severity, normalise_phone

ENTITY = "aftercare_plan"
REVIEW_AFTER_DAYS = 90
MAX_PER_WEEK = 14
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Larger id lists are filtered after reading every active plan: two queries either way, and no
# statement with tens of thousands of parameters (SQLite's limit is 32,766).
FACTS_ID_LIST_LIMIT = 1_000

LIMITS = {"goal": 400, "trigger": 300, "strategy": 300, "warning_sign": 300, "meeting_name": 120,
          "place": 300, "roster_name": 120}

FIELD_LABELS = {
    "start_date": "Start date", "next_review_date": "Next review", "checkin_cadence": "Check-in cadence",
    "preferred_method": "Preferred method", "medication_notes": "Medication-supported recovery",
    "housing_notes": "Housing", "signed_by_alumnus_on": "Signed by the alumnus on", "goals": "Goals",
    "triggers": "Triggers", "warning_signs": "Warning signs", "meetings": "Meetings",
    "roster": "Who I call when cravings hit",
}


# -- plain data ---------------------------------------------------------------------------------------


@dataclass
class GoalData:
    text: str = ""
    life_area: LifeArea = LifeArea.RECOVERY
    target_date: date | None = None
    status: GoalStatus = GoalStatus.NOT_STARTED


@dataclass
class TriggerData:
    """A trigger in the alumnus's words, and what they will do instead."""

    trigger: str = ""
    coping_strategies: list[str] = field(default_factory=list)


@dataclass
class MeetingData:
    kind: MeetingKind = MeetingKind.AA
    name: str | None = None
    weekday: int | None = None  # 0 = Monday … 6 = Sunday
    starts_at: time | None = None
    place: str | None = None  # an address or an online link
    per_week: int = 1

    @property
    def weekday_name(self) -> str:
        return WEEKDAYS[self.weekday] if self.weekday is not None and 0 <= self.weekday < 7 else ""


@dataclass
class RosterEntryData:
    """One line of "who I call when cravings hit"."""

    role: RosterRole = RosterRole.OTHER
    name: str = ""
    phone: str | None = None
    support_contact_id: int | None = None


@dataclass
class PlanData:
    """Every field of one plan version; what the editor shows and what the printed plan is made of."""

    alumnus_id: int
    start_date: date | None = None
    next_review_date: date | None = None
    checkin_cadence: CheckinCadence = CheckinCadence.WEEKLY
    preferred_method: ContactMethod | None = None
    medication_notes: str | None = None
    housing_notes: str | None = None
    signed_by_alumnus_on: date | None = None
    goals: list[GoalData] = field(default_factory=list)
    triggers: list[TriggerData] = field(default_factory=list)
    warning_signs: list[str] = field(default_factory=list)
    meetings: list[MeetingData] = field(default_factory=list)
    # In calling order.
    roster: list[RosterEntryData] = field(default_factory=list)

    # The active version this plan was edited from (None: the alumnus had no plan). Saving refuses
    # when the active version is no longer this one.
    based_on_version: int | None = None

    # Bookkeeping of a saved version; None on a draft. Ignored on save.
    id: int | None = None
    version: int | None = None
    status: PlanStatus | None = None
    created_at: datetime | None = None
    created_by: str | None = None
    superseded_at: datetime | None = None

    @property
    def is_draft(self) -> bool:
        return self.id is None

    @property
    def meetings_per_week(self) -> int:
        return sum(m.per_week for m in self.meetings)

    @property
    def cadence_days(self) -> int:
        return CADENCE_DAYS[self.checkin_cadence]


# The fields a person edits, in the order the editor shows them; the audit trail names these.
PLAN_FIELDS: tuple[str, ...] = (
    "start_date", "next_review_date", "checkin_cadence", "preferred_method", "goals", "triggers",
    "warning_signs", "meetings", "roster", "medication_notes", "housing_notes", "signed_by_alumnus_on",
)


@dataclass(frozen=True)
class PlanSummary:
    """One line of the version history."""

    id: int
    version: int
    status: PlanStatus
    start_date: date
    next_review_date: date | None
    created_at: datetime
    created_by: str | None
    superseded_at: datetime | None
    checkin_cadence: CheckinCadence


@dataclass(frozen=True)
class PlanFacts:
    """What the early-warning engine needs from an alumnus's active plan."""

    plan_id: int
    cadence: CheckinCadence
    cadence_days: int
    meetings_per_week: int
    warning_signs: tuple[str, ...]
    preferred_method: ContactMethod | None
    next_review_date: date | None


@dataclass(frozen=True)
class CheckedPlan:
    data: PlanData
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def ok(self) -> bool:
        return not self.errors


# The United States lines every plan offers (../shared/reference/part2-and-hipaa.md). Numbers are kept
# as published, because that is how people recognise them on a printed card.
CRISIS_LINES: tuple[RosterEntryData, ...] = (
    RosterEntryData(RosterRole.CRISIS_LINE, "988 Suicide & Crisis Lifeline (call or text)", "988"),
    RosterEntryData(RosterRole.CRISIS_LINE, "SAMHSA National Helpline (free, confidential, 24/7)",
                    "1-800-662-4357"),
)

ROLE_FOR_RELATION = {Relationship.SPONSOR: RosterRole.SPONSOR, Relationship.FAMILY: RosterRole.FAMILY}


# -- meeting times as people type and read them -----------------------------------------------------

_TIME = re.compile(r"^(\d{1,2})(?:[:.h]?(\d{2}))?\s*(?:([ap])\.?\s*m?\.?)?$", re.IGNORECASE)


def parse_time(raw: str | None) -> time | None:
    """A time typed by a person: 19:30, 7:30 pm, 7pm, 1930. Empty means none. Raises ValueError."""
    text = (raw or "").strip()
    if not text:
        return None
    match = _TIME.match(text)
    problem = f"'{text}' is not a time (e.g. 19:30 or 7:30 PM)"
    if not match:
        raise ValueError(problem)
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3]:
        if not 1 <= hour <= 12:
            raise ValueError(problem)
        hour = hour % 12 + (12 if match[3].lower() == "p" else 0)
    if hour > 23 or minute > 59:
        raise ValueError(problem)
    return time(hour, minute)


def format_time(value: time | None) -> str:
    """12-hour clock, as US meeting lists print it: 7:30 PM."""
    if value is None:
        return ""
    return f"{value.hour % 12 or 12}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"


# -- checking -------------------------------------------------------------------------------------------


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


def _clean_block(value: str | None) -> str | None:
    """Multi-line notes: keep the lines, drop trailing spaces and empty ends."""
    if value is None:
        return None
    text = "\n".join(line.rstrip() for line in str(value).strip().splitlines())
    return text or None


_SHORT_CODE = re.compile(r"^\d{3,6}$")


def _roster_phone(entry: RosterEntryData) -> tuple[str | None, str | None]:
    """Formatted phone and problem. Crisis lines keep their published form (988, 1-800-…)."""
    raw = _clean(entry.phone)
    if raw is None:
        return None, None
    if entry.role is RosterRole.CRISIS_LINE:
        if _SHORT_CODE.match(raw):
            return raw, None
        _formatted, problem = normalise_phone(raw)
        return raw, problem
    return normalise_phone(raw)


def check_plan(plan: PlanData, *, today: date) -> CheckedPlan:
    """Normalise `plan` and list every problem with it. Never raises on odd input.

    Empty goals, triggers, strategies, warning signs and meetings that hold nothing are dropped; a row
    with something in it but not the essential part is a problem, so nothing typed is lost silently.
    """
    problems: list[Problem] = []
    clean = replace(plan)

    if clean.start_date is None:
        problems.append(Problem("start_date", "Start date is required"))
    if clean.next_review_date and clean.start_date and clean.next_review_date < clean.start_date:
        problems.append(Problem("next_review_date", "Next review is before the start date"))
    if clean.signed_by_alumnus_on and clean.signed_by_alumnus_on > today:
        problems.append(Problem("signed_by_alumnus_on", "The signing date is in the future"))
    clean.medication_notes = _clean_block(plan.medication_notes)
    clean.housing_notes = _clean_block(plan.housing_notes)

    clean.goals = []
    for position, goal in enumerate(plan.goals, start=1):
        text = _clean(goal.text)
        if text is None and goal.target_date is None:
            continue
        if text is None:
            problems.append(Problem("goals", f"Goal {position}: describe the goal"))
        elif len(text) > LIMITS["goal"]:
            problems.append(Problem("goals", f"Goal {position} is longer than {LIMITS['goal']} characters"))
        clean.goals.append(replace(goal, text=text or ""))

    clean.triggers = []
    for position, item in enumerate(plan.triggers, start=1):
        text = _clean(item.trigger)
        strategies = [s for s in (_clean(s) for s in item.coping_strategies) if s]
        if text is None and not strategies:
            continue
        if text is None:
            problems.append(Problem("triggers", f"Trigger {position}: say what the trigger is"))
        elif len(text) > LIMITS["trigger"]:
            problems.append(Problem("triggers", f"Trigger {position} is longer than {LIMITS['trigger']} characters"))
        if any(len(s) > LIMITS["strategy"] for s in strategies):
            problems.append(Problem("triggers", f"Trigger {position}: a coping strategy is longer than "
                                                f"{LIMITS['strategy']} characters"))
        clean.triggers.append(TriggerData(text or "", strategies))

    clean.warning_signs = [s for s in (_clean(s) for s in plan.warning_signs) if s]
    for position, sign in enumerate(clean.warning_signs, start=1):
        if len(sign) > LIMITS["warning_sign"]:
            problems.append(Problem("warning_signs", f"Warning sign {position} is longer than "
                                                     f"{LIMITS['warning_sign']} characters"))

    clean.meetings = []
    for position, meeting in enumerate(plan.meetings, start=1):
        cleaned = replace(meeting, name=_clean(meeting.name), place=_clean(meeting.place))
        try:
            cleaned.kind = MeetingKind(cleaned.kind)
        except ValueError:
            problems.append(Problem("meetings", f"Meeting {position}: choose the kind of meeting"))
        if not isinstance(cleaned.per_week, int) or not 1 <= cleaned.per_week <= MAX_PER_WEEK:
            problems.append(Problem("meetings", f"Meeting {position}: times per week must be 1 to {MAX_PER_WEEK}"))
        if cleaned.weekday is not None and (not isinstance(cleaned.weekday, int) or not 0 <= cleaned.weekday <= 6):
            problems.append(Problem("meetings", f"Meeting {position}: the day must be Monday to Sunday"))
        if cleaned.name and len(cleaned.name) > LIMITS["meeting_name"]:
            problems.append(Problem("meetings", f"Meeting {position}: the name is longer than "
                                                f"{LIMITS['meeting_name']} characters"))
        if cleaned.place and len(cleaned.place) > LIMITS["place"]:
            problems.append(Problem("meetings", f"Meeting {position}: the place is longer than "
                                                f"{LIMITS['place']} characters"))
        clean.meetings.append(cleaned)

    clean.roster = []
    for position, entry in enumerate(plan.roster, start=1):
        name = _clean(entry.name)
        phone, phone_problem = _roster_phone(entry)
        if name is None and phone is None:
            continue
        if name is None:
            problems.append(Problem("roster", f"Call list line {position}: add a name"))
        elif len(name) > LIMITS["roster_name"]:
            problems.append(Problem("roster", f"Call list line {position}: the name is longer than "
                                              f"{LIMITS['roster_name']} characters"))
        if phone_problem:
            problems.append(Problem("roster", f"Call list line {position}: {phone_problem}"))
        clean.roster.append(replace(entry, name=name or "", phone=phone))
    return CheckedPlan(clean, tuple(problems))


def changed_fields(old: PlanData | None, new: PlanData) -> list[str]:
    """The plan fields in which `new` differs from `old` (all that hold something when there is no old)."""
    if old is None:
        return [name for name in PLAN_FIELDS if getattr(new, name) not in (None, [], "")]
    return [name for name in PLAN_FIELDS if getattr(old, name) != getattr(new, name)]


# -- reading and writing rows ------------------------------------------------------------------------


def _to_data(plan: AftercarePlan, created_by: str | None) -> PlanData:
    return PlanData(
        alumnus_id=plan.alumnus_id,
        start_date=plan.start_date,
        next_review_date=plan.next_review_date,
        checkin_cadence=plan.checkin_cadence,
        preferred_method=plan.preferred_method,
        medication_notes=plan.medication_notes,
        housing_notes=plan.housing_notes,
        signed_by_alumnus_on=plan.signed_by_alumnus_on,
        goals=[GoalData(g.text, g.life_area, g.target_date, g.status) for g in plan.goals],
        triggers=[TriggerData(t.trigger, list(t.coping_strategies or [])) for t in plan.triggers],
        warning_signs=[w.text for w in plan.warning_signs],
        meetings=[MeetingData(m.kind, m.name, m.weekday, m.starts_at, m.place, m.per_week) for m in plan.meetings],
        roster=[RosterEntryData(r.role, r.name, r.phone, r.support_contact_id) for r in plan.roster],
        based_on_version=plan.version,
        id=plan.id,
        version=plan.version,
        status=plan.status,
        created_at=plan.created_at,
        created_by=created_by,
        superseded_at=plan.superseded_at,
    )


def _new_row(clean: PlanData, version: int, actor: Actor) -> AftercarePlan:
    plan = AftercarePlan(
        alumnus_id=clean.alumnus_id,
        version=version,
        status=PlanStatus.ACTIVE,
        start_date=clean.start_date,
        next_review_date=clean.next_review_date,
        checkin_cadence=clean.checkin_cadence,
        preferred_method=clean.preferred_method,
        medication_notes=clean.medication_notes,
        housing_notes=clean.housing_notes,
        signed_by_alumnus_on=clean.signed_by_alumnus_on,
        created_by_id=actor.staff_id,
    )
    plan.goals = [PlanGoal(position=i, text=g.text, life_area=g.life_area, target_date=g.target_date,
                           status=g.status) for i, g in enumerate(clean.goals)]
    plan.triggers = [PlanTrigger(position=i, trigger=t.trigger, coping_strategies=list(t.coping_strategies))
                     for i, t in enumerate(clean.triggers)]
    plan.warning_signs = [PlanWarningSign(position=i, text=text) for i, text in enumerate(clean.warning_signs)]
    plan.meetings = [PlanMeeting(position=i, kind=m.kind, name=m.name, weekday=m.weekday, starts_at=m.starts_at,
                                 place=m.place, per_week=m.per_week) for i, m in enumerate(clean.meetings)]
    plan.roster = [PlanRosterEntry(position=i, role=r.role, support_contact_id=r.support_contact_id, name=r.name,
                                   phone=r.phone) for i, r in enumerate(clean.roster)]
    return plan


_CHILDREN = (selectinload(AftercarePlan.goals), selectinload(AftercarePlan.triggers),
             selectinload(AftercarePlan.warning_signs), selectinload(AftercarePlan.meetings),
             selectinload(AftercarePlan.roster))


def _load_plan(session: Session, condition) -> PlanData | None:
    creator = aliased(StaffMember)
    row = session.execute(
        select(AftercarePlan, creator.display_name)
        .outerjoin(creator, creator.id == AftercarePlan.created_by_id)
        .where(condition)
        .options(*_CHILDREN)
    ).first()
    return _to_data(row[0], row[1]) if row else None


def _active_condition(alumnus_id: int):
    return (AftercarePlan.alumnus_id == alumnus_id) & (AftercarePlan.status == PlanStatus.ACTIVE)


def _template_content(template: PlanTemplate) -> tuple[list[TriggerData], list[str], list[GoalData]]:
    """A template's JSON read leniently: it may have been edited by hand or by an older version."""
    triggers = []
    for item in template.triggers or []:
        if isinstance(item, dict) and _clean(item.get("trigger")):
            strategies = [s for s in (_clean(s) for s in item.get("coping_strategies") or [] if isinstance(s, str)) if s]
            triggers.append(TriggerData(_clean(item["trigger"]), strategies))
    signs = [s for s in (_clean(s) for s in template.warning_signs or [] if isinstance(s, str)) if s]
    goals = []
    for item in template.goals or []:
        if isinstance(item, dict) and _clean(item.get("text")):
            try:
                area = LifeArea(item.get("life_area"))
            except ValueError:
                area = LifeArea.RECOVERY
            goals.append(GoalData(_clean(item["text"]), area))
    return triggers, signs, goals


def roster_from_contacts(contacts: Iterable[SupportContact]) -> list[RosterEntryData]:
    return [RosterEntryData(ROLE_FOR_RELATION.get(c.relation, RosterRole.OTHER), c.name, c.phone, c.id)
            for c in contacts]


class PlanService:
    def __init__(self, database: Database, today: Callable[[], date] = date.today):
        self.database = database
        self._today = today

    # -- reading ---------------------------------------------------------------------------------------
    def active_plan(self, alumnus_id: int) -> PlanData | None:
        with self.database.session() as session:
            return _load_plan(session, _active_condition(alumnus_id))

    def get(self, plan_id: int) -> PlanData:
        with self.database.session() as session:
            plan = _load_plan(session, AftercarePlan.id == plan_id)
            if plan is None:
                raise RecordNotFoundError("This version of the plan")
            return plan

    def history(self, alumnus_id: int) -> list[PlanSummary]:
        """Every version, newest first."""
        with self.database.session() as session:
            creator = aliased(StaffMember)
            rows = session.execute(
                select(AftercarePlan.id, AftercarePlan.version, AftercarePlan.status, AftercarePlan.start_date,
                       AftercarePlan.next_review_date, AftercarePlan.created_at, creator.display_name,
                       AftercarePlan.superseded_at, AftercarePlan.checkin_cadence)
                .outerjoin(creator, creator.id == AftercarePlan.created_by_id)
                .where(AftercarePlan.alumnus_id == alumnus_id)
                .order_by(AftercarePlan.version.desc())
            )
            return [PlanSummary(*row) for row in rows]

    def expected_meetings_per_week(self, alumnus_id: int) -> int | None:
        """Meetings a week the active plan expects; None without a plan."""
        facts = self.active_plan_facts([alumnus_id], with_warning_signs=False).get(alumnus_id)
        return facts.meetings_per_week if facts else None

    def cadence_days(self, alumnus_id: int) -> int | None:
        """Days between check-ins the active plan asks for; None without a plan."""
        with self.database.session() as session:
            cadence = session.scalar(select(AftercarePlan.checkin_cadence).where(_active_condition(alumnus_id)))
            return CADENCE_DAYS[cadence] if cadence else None

    def active_plan_facts(self, alumnus_ids: Iterable[int] | None = None, *,
                          with_warning_signs: bool = True) -> dict[int, PlanFacts]:
        """Cadence, expected meetings and warning signs of every active plan (or of `alumnus_ids`), in two
        queries however many alumni there are.

        The warning signs are most of the rows read (about four per plan); a caller that does not show
        them passes `with_warning_signs=False` and gets empty tuples, in one query.
        """
        wanted = None if alumnus_ids is None else set(alumnus_ids)
        if wanted is not None and not wanted:
            return {}
        # Enum columns read as their plain strings and mapped once per distinct value: at 20,000 plans
        # the per-row enum processing would cost more than the queries.
        plans = (
            select(AftercarePlan.alumnus_id, AftercarePlan.id, type_coerce(AftercarePlan.checkin_cadence, String),
                   type_coerce(AftercarePlan.preferred_method, String), AftercarePlan.next_review_date,
                   func.coalesce(func.sum(PlanMeeting.per_week), 0))
            .outerjoin(PlanMeeting, PlanMeeting.plan_id == AftercarePlan.id)
            .where(AftercarePlan.status == PlanStatus.ACTIVE)
            .group_by(AftercarePlan.id)
        )
        signs = (
            select(PlanWarningSign.plan_id, PlanWarningSign.text)
            .join(AftercarePlan, PlanWarningSign.plan_id == AftercarePlan.id)
            .where(AftercarePlan.status == PlanStatus.ACTIVE)
            .order_by(PlanWarningSign.plan_id, PlanWarningSign.position)
        )
        if wanted is not None and len(wanted) <= FACTS_ID_LIST_LIMIT:
            plans = plans.where(AftercarePlan.alumnus_id.in_(wanted))
            signs = signs.where(AftercarePlan.alumnus_id.in_(wanted))
        with self.database.session() as session:
            connection = session.connection()
            rows = connection.execute(plans).all()
            sign_rows = connection.execute(signs).all() if with_warning_signs else []
        if wanted is not None:
            rows = [row for row in rows if row[0] in wanted]
        by_plan: dict[int, list[str]] = {}
        for plan_id, text in sign_rows:
            by_plan.setdefault(plan_id, []).append(text)
        cadences = {c.value: (c, CADENCE_DAYS[c]) for c in CheckinCadence}
        methods = {m.value: m for m in ContactMethod}
        result = {}
        for alumnus_id, plan_id, cadence, method, review, meetings in rows:
            cadence_enum, days = cadences[cadence]
            result[alumnus_id] = PlanFacts(plan_id, cadence_enum, days, int(meetings),
                                           tuple(by_plan.get(plan_id, ())), methods.get(method), review)
        return result

    def roster_choices(self, alumnus_id: int) -> list[RosterEntryData]:
        """Lines the editor can add to the call list: support contacts in call order, then the caseworker."""
        with self.database.session() as session:
            return self._contacts_and_caseworker(session, alumnus_id)

    @staticmethod
    def _contacts_and_caseworker(session: Session, alumnus_id: int) -> list[RosterEntryData]:
        caseworker = session.execute(
            select(StaffMember.display_name)
            .join(Alumnus, Alumnus.caseworker_id == StaffMember.id)
            .where(Alumnus.id == alumnus_id)
        ).scalar()
        contacts = session.scalars(
            select(SupportContact).where(SupportContact.alumnus_id == alumnus_id)
            .order_by(SupportContact.call_order, SupportContact.id)
        )
        entries = roster_from_contacts(contacts)
        if caseworker:
            # Staff have no phone of their own in the record; the team adds the program's number.
            entries.append(RosterEntryData(RosterRole.CASEWORKER, caseworker, None))
        return entries

    # -- drafting ----------------------------------------------------------------------------------------
    def new_plan_from_template(self, alumnus_id: int, template_id: int | None) -> PlanData:
        """An unsaved plan to adjust with the alumnus: the template's triggers, strategies, warning signs
        and goals; start today, review in 90 days, weekly check-ins; the call list from their support
        contacts, then the caseworker, then the crisis lines."""
        today = self._today()
        with self.database.session() as session:
            if session.get(Alumnus, alumnus_id) is None:
                raise RecordNotFoundError("This alumnus record")
            triggers: list[TriggerData] = []
            signs: list[str] = []
            goals: list[GoalData] = []
            if template_id is not None:
                template = session.get(PlanTemplate, template_id)
                if template is None:
                    raise RecordNotFoundError("This plan template")
                triggers, signs, goals = _template_content(template)
            active_version = session.scalar(select(AftercarePlan.version).where(_active_condition(alumnus_id)))
            roster = self._contacts_and_caseworker(session, alumnus_id)
        return PlanData(
            alumnus_id=alumnus_id,
            start_date=today,
            next_review_date=today + timedelta(days=REVIEW_AFTER_DAYS),
            checkin_cadence=CheckinCadence.WEEKLY,
            goals=goals,
            triggers=triggers,
            warning_signs=signs,
            roster=roster + [replace(line) for line in CRISIS_LINES],
            based_on_version=active_version,
        )

    # -- writing -------------------------------------------------------------------------------------------
    def validate(self, plan: PlanData) -> CheckedPlan:
        return check_plan(plan, today=self._today())

    def save(self, plan: PlanData, actor: Actor) -> PlanData:
        """Save as a new version that supersedes `plan.based_on_version`. Returns the saved version.

        Saving a plan identical to the active one changes nothing and returns the active one.
        """
        checked = self.validate(plan)
        if not checked.ok:
            raise ValidationFailed(checked.errors)
        clean = checked.data
        with self.database.session() as session:
            # PostgreSQL: one plan save per alumnus at a time (a key-share-compatible row lock, so
            # check-ins for the same alumnus are not held up). SQLite ignores it, and the UPDATE below
            # takes the database's single write lock before anything is read.
            locked = session.execute(
                select(Alumnus.id).where(Alumnus.id == clean.alumnus_id).with_for_update(key_share=True)
            ).first()
            if locked is None:
                raise RecordNotFoundError("This alumnus record")
            superseded = session.execute(
                update(AftercarePlan)
                .where(_active_condition(clean.alumnus_id))
                .values(status=PlanStatus.SUPERSEDED, superseded_at=utcnow())
                .returning(AftercarePlan.id, AftercarePlan.version)
                .execution_options(synchronize_session=False)
            ).all()
            if [version for _id, version in superseded] != ([] if clean.based_on_version is None
                                                             else [clean.based_on_version]):
                session.rollback()
                raise ConcurrentEditError("This aftercare plan")
            previous = _load_plan(session, AftercarePlan.id == superseded[0][0]) if superseded else None
            changed = changed_fields(previous, clean)
            if previous is not None and not changed:
                session.rollback()
                return self.get(previous.id)
            latest = session.scalar(
                select(func.max(AftercarePlan.version)).where(AftercarePlan.alumnus_id == clean.alumnus_id))
            row = _new_row(clean, (latest or 0) + 1, actor)
            session.add(row)
            session.flush()
            audit.record(session, actor, AuditAction.CREATE, ENTITY, row.id, changed)
            session.commit()
            plan_id = row.id
        return self.get(plan_id)


assert set(PLAN_FIELDS) <= {f.name for f in fields(PlanData)}
