"""What each document says, gathered from the services as plain frozen data (no layout here).

Every gatherer reads through the existing services (one short session each) and returns dataclasses a
builder turns into pages, so the facts can be tested without reading a PDF and the layout without a
database. Only what a section needs is read: a progress report without the early-warning section never
replays the rules.

Minimum necessary: the identity section names the person, their client id, date of birth, program and
caseworker, but never their address, phone, email or substances; a mentor is never named in a mentee's
report (a mentor is an alumnus of the program too, protected in their own right).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm.attributes import set_committed_value

from ..db import Database
from ..errors import RecordNotFoundError
from ..models import AftercarePlan, Alumnus, CheckIn, MentorPairing, PlanGoal, PlanMeeting
from ..models.enums import (
    CADENCE_DAYS,
    AlumniStatus,
    CheckinCadence,
    CheckinOutcome,
    GoalStatus,
    MeetingKind,
    PairingEndReason,
    PlanStatus,
    RecoveryPathway,
    RosterRole,
    SobrietyChangeKind,
    WarningLevel,
    label,
)
from ..services import staff
from ..services.alumni import AlumniService, to_data
from ..services.assessments import AssessmentService
from ..services.checkins import CheckInService, local_date
from ..services.early_warning import LEVEL_ORDER, AttentionService, Signal, contact_start, day_start
from ..services.instruments import Direction
from ..services.meetings import MeetingService
from ..services.plans import CRISIS_LINES, GoalData, PlanData, PlanService, PlanSummary, RosterEntryData
from ..services.records import AlumnusData
from ..services.sobriety import Milestone, SobrietyService, days_sober, iter_milestones, milestones
from ..services.team_settings import TeamSettingsValues, stored_values
from ..services.today import TodayData, TodayService
from .kinds import Period, Section

if TYPE_CHECKING:  # the mentoring services load the pairing engine; see gather_pairing_review
    from ..services.pairing_review import PairingHealth, ReviewRecord
    from ..services.waiting_list import WaitingRow

# The early-warning look back judges the period at most this many times (weekly, or less often).
MAX_WARNING_SAMPLES = 60
# Signals about the team's own schedule rather than about the person.
SCHEDULE_SIGNALS = frozenset({Signal.CHECKIN_OVERDUE, Signal.MENTOR_LAPSED})


class Sources:
    """The services a document reads, over one database and one "today"."""

    def __init__(self, database: Database, today: Callable[[], date] = date.today):
        self.database = database
        self.today = today
        self.alumni = AlumniService(database, today=today)
        self.plans = PlanService(database, today=today)
        self.checkins = CheckInService(database, today=today)
        self.meetings = MeetingService(database, today=today)
        self.sobriety = SobrietyService(database, today=today)
        self.assessments = AssessmentService(database, today=today)
        self.attention = AttentionService(database, today=today)
        self.today_page = TodayService(database, today=today, sobriety=self.sobriety,
                                       assessments=self.assessments)

    def settings(self) -> TeamSettingsValues:
        with self.database.session() as session:
            return stored_values(session)

    def staff_name(self, staff_id: int | None) -> str | None:
        if staff_id is None:
            return None
        member = staff.get_staff(self.database, staff_id)
        return member.display_name if member else None


# -- mentor pairings: the extension point for the mentoring branch ----------------------------------


@dataclass(frozen=True)
class MentorPairingLine:
    """One pairing of the alumnus with a peer mentor that overlaps the report's period. The mentor is
    not named: they are an alumnus of the program, protected by 42 CFR part 2 in their own right."""

    started_on: date
    ended_on: date | None  # None: still paired
    ended_because: str | None  # in words, e.g. "Completed"
    contacts_in_period: int  # reached contacts by the mentor in the period
    last_contact_on: date | None


class MentorPairingSource(Protocol):
    """Where a progress report finds mentor pairings.

    Return None when the app keeps no mentor pairings (the section then says so), or the pairings of
    `alumnus_id` as a mentee that overlap `period`, oldest first.
    """

    def pairings(self, alumnus_id: int, period: Period) -> Sequence[MentorPairingLine] | None: ...


class RecordedMentorPairings:
    """The mentor program's pairings (models/mentoring.py) as a progress report shows them: the
    alumnus's pairings as a mentee that had started and overlap the period, with the mentor's reached
    contacts (check-ins the mentor made) in the period."""

    def __init__(self, database: Database):
        self.database = database

    def pairings(self, alumnus_id: int, period: Period) -> list[MentorPairingLine]:
        p, c = MentorPairing.__table__.c, CheckIn.__table__.c
        in_period = and_(c.alumnus_id == p.mentee_id, c.mentor_id == p.mentor_id,
                         c.outcome == CheckinOutcome.REACHED.value,
                         c.occurred_at >= day_start(period.first), c.occurred_at < day_start(period.last + timedelta(days=1)))
        contacts = select(func.count()).where(in_period).scalar_subquery()
        last_contact = select(func.max(c.occurred_at)).where(in_period).scalar_subquery()
        query = (
            select(p.started_on, p.ended_on, p.end_reason, contacts, last_contact)
            .where(p.mentee_id == alumnus_id, p.started_on.is_not(None), p.started_on <= period.last,
                   or_(p.ended_on.is_(None), p.ended_on >= period.first))
            .order_by(p.started_on, p.id)
        )
        with self.database.engine.connect() as connection:
            return [
                MentorPairingLine(started, ended, label(PairingEndReason(reason)) if reason else None, count,
                                  local_date(last) if last is not None else None)
                for started, ended, reason, count, last in connection.execute(query)
            ]


def mentor_pairing_source(database: Database) -> MentorPairingSource:
    """Where every export (the dialog, the command line, each process of a batch) finds pairings."""
    return RecordedMentorPairings(database)


# -- the progress report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdentityFacts:
    name: str  # as the person is called
    legal_name: str
    pronouns: str | None
    date_of_birth: date | None
    client_id: str
    program: str | None
    admission_date: date | None
    discharge_date: date | None
    discharge_type: str | None
    status: str
    caseworker: str | None
    recovery_pathways: tuple[str, ...]


@dataclass(frozen=True)
class SobrietyFacts:
    start: date | None  # the current sobriety date
    days_sober: int | None  # on the day the report is made
    as_of: date
    next_milestone: Milestone | None
    milestones_in_period: tuple[Milestone, ...]  # reached in the period, counted from the current date
    celebrated_in_period: tuple[tuple[str, date], ...]  # (milestone, celebrated on)
    recurrences_in_period: tuple[tuple[date, str, str | None], ...]  # (on, lapse/relapse, substance)
    corrections_in_period: tuple[tuple[date, date | None, date | None], ...]  # (changed on, from, to)


@dataclass(frozen=True)
class GoalLine:
    text: str
    life_area: str
    target_date: date | None
    status: GoalStatus


@dataclass(frozen=True)
class GoalsFacts:
    plan_version: int | None  # None: no plan in force at the end of the period
    plan_start: date | None
    next_review: date | None
    on: date  # the day whose plan is shown (the end of the period)
    goals: tuple[GoalLine, ...]


@dataclass(frozen=True)
class CheckinWindow:
    first: date
    last: date
    cadence: CheckinCadence
    reached: int  # reached check-ins in the window


@dataclass(frozen=True)
class CheckinFacts:
    """Adherence: the period cut into windows of the cadence in force; a window is kept when at least
    one check-in reached the person. A window still open at the end of the period counts only once kept."""

    windows: tuple[CheckinWindow, ...]
    expected_from: date | None  # the first day a check-in was expected (None: none in the period)
    reached: int
    unanswered: int  # attempts without reaching the person
    cadences: tuple[tuple[CheckinCadence, bool], ...]  # cadences in force, and whether from a plan

    @property
    def expected(self) -> int:
        return len(self.windows)

    @property
    def kept(self) -> int:
        return sum(1 for window in self.windows if window.reached)

    @property
    def missed(self) -> tuple[CheckinWindow, ...]:
        return tuple(window for window in self.windows if not window.reached)


@dataclass(frozen=True)
class MeetingLine:
    kind: str
    expected: int | None  # by the plan in force at the end of the period; None: not in the plan
    attended: int
    missed: int  # recorded as not attended
    verified: int


@dataclass(frozen=True)
class MeetingFacts:
    per_week: int  # the plan's meetings a week
    lines: tuple[MeetingLine, ...]

    @property
    def expected(self) -> int:
        return sum(line.expected or 0 for line in self.lines)

    @property
    def attended(self) -> int:
        return sum(line.attended for line in self.lines)


@dataclass(frozen=True)
class MoodCravingFacts:
    mood: tuple[tuple[date, float], ...]  # the day's mean, oldest first
    craving: tuple[tuple[date, float], ...]

    @staticmethod
    def mean(points: Sequence[tuple[date, float]]) -> float | None:
        return sum(value for _, value in points) / len(points) if points else None


@dataclass(frozen=True)
class AssessmentSeries:
    code: str
    name: str
    points: tuple[tuple[date, int], ...]  # in the period, oldest first
    bands: tuple[str | None, ...]  # the band of each point, as recorded
    y_min: int
    y_max: int
    cut_off: int | None
    cut_off_label: str | None
    higher_is_better: bool


@dataclass(frozen=True)
class WarningEpisode:
    """One early-warning signal, from the first to the last look back that found it."""

    signal: str
    text: str  # as the rules worded it the last time it was seen
    since: date
    last_seen: date
    about_the_person: bool  # False: about the team's own schedule (an overdue check-in, a lapsed mentor)


@dataclass(frozen=True)
class WarningFacts:
    followed: bool  # False: the alumnus is not active (or archived), so the rules do not look at them
    looks: int  # how many days in the period were judged
    every_days: int
    highest: WarningLevel
    days_high: int  # looks that found the level high
    days_watch: int
    episodes: tuple[WarningEpisode, ...]


@dataclass(frozen=True)
class ProgressData:
    period: Period
    sections: frozenset[Section]
    identity: IdentityFacts  # always read: the header and footer name the person
    sobriety: SobrietyFacts | None
    goals: GoalsFacts | None
    checkins: CheckinFacts | None
    meetings: MeetingFacts | None
    mood_craving: MoodCravingFacts | None
    assessments: tuple[AssessmentSeries, ...] | None
    warnings: WarningFacts | None
    mentoring: tuple[MentorPairingLine, ...] | None
    mentoring_kept: bool  # False: the app keeps no mentor pairings (yet)
    notes: str | None


def identity_facts(sources: Sources, alumnus: AlumnusData) -> IdentityFacts:
    return IdentityFacts(
        name=alumnus.display_name,
        legal_name=f"{alumnus.first_name} {alumnus.last_name}".strip(),
        pronouns=alumnus.pronouns,
        date_of_birth=alumnus.date_of_birth,
        client_id=alumnus.client_id,
        program=label(alumnus.program) or None,
        admission_date=alumnus.admission_date,
        discharge_date=alumnus.discharge_date,
        discharge_type=label(alumnus.discharge_type) or None,
        status=label(alumnus.status),
        caseworker=sources.staff_name(alumnus.caseworker_id),
        recovery_pathways=tuple(_pathway_words(alumnus.recovery_pathways)),
    )


def _pathway_words(values: Iterable[str]) -> Iterable[str]:
    for value in values:
        try:
            yield label(RecoveryPathway(value))
        except ValueError:
            yield value


def gather_progress(sources: Sources, alumnus_id: int, period: Period, sections: frozenset[Section],
                    notes: str | None, pairings: MentorPairingSource,
                    settings: TeamSettingsValues | None = None) -> ProgressData:
    """`settings`: the team settings when the caller has read them already (the export service has)."""
    alumnus = _read_alumnus(sources, alumnus_id)
    today = sources.today()
    history = sources.plans.history(alumnus_id) if sections & {Section.GOALS, Section.CHECKINS,
                                                                Section.MEETINGS} else []
    in_force = _plan_in_force(history, period.last)
    plan = _plan_goals_and_meetings(sources, in_force) if in_force is not None and sections & {
        Section.GOALS, Section.MEETINGS} else None
    checkins = sources.checkins.in_period(alumnus_id, period.first, period.last) if sections & {
        Section.CHECKINS, Section.MOOD_CRAVING} else []
    mentoring = pairings.pairings(alumnus_id, period) if Section.MENTORING in sections else None
    return ProgressData(
        period=period,
        sections=sections,
        identity=identity_facts(sources, alumnus),
        sobriety=_sobriety(sources, alumnus, period, today) if Section.SOBRIETY in sections else None,
        goals=_goals(plan, period) if Section.GOALS in sections else None,
        checkins=_checkins(sources, alumnus, history, checkins, period, settings or sources.settings())
        if Section.CHECKINS in sections else None,
        meetings=_meetings(sources, alumnus_id, plan, period) if Section.MEETINGS in sections else None,
        mood_craving=_mood_craving(checkins) if Section.MOOD_CRAVING in sections else None,
        assessments=_assessments(sources, alumnus, period) if Section.ASSESSMENTS in sections else None,
        warnings=_warnings(sources, alumnus_id, period) if Section.EARLY_WARNING in sections else None,
        mentoring=tuple(mentoring) if mentoring is not None else None,
        mentoring_kept=mentoring is not None,
        notes=(notes or "").strip() or None if Section.NOTES in sections else None,
    )


def _read_alumnus(sources: Sources, alumnus_id: int) -> AlumnusData:
    """The record as `AlumniService.read` gives it, less what a progress report never prints (its
    support contacts, who created and last changed it): one statement instead of three."""
    with sources.database.session() as session:
        alumnus = session.get(Alumnus, alumnus_id)
        if alumnus is None:
            raise RecordNotFoundError("This alumnus record")
        set_committed_value(alumnus, "support_contacts", [])  # as loaded, without loading them
        return to_data(alumnus)


def _sobriety(sources: Sources, alumnus: AlumnusData, period: Period, today: date) -> SobrietyFacts:
    # What the sobriety service's summary says, worked out from the record already read: the summary
    # would read the person, their celebrations and their latest recurrence again.
    alumnus_id, start = alumnus.id, alumnus.sobriety_start_date
    progress = milestones(start, today) if start is not None else None
    reached: tuple[Milestone, ...] = ()
    if start is not None:
        found = []
        for milestone in iter_milestones(start):
            if milestone.on > min(period.last, today):
                break
            if milestone.on in period:
                found.append(milestone)
        reached = tuple(found)
    celebrated = tuple(sorted((c.label, c.celebrated_on) for c in sources.sobriety.celebrations(alumnus_id)
                              if c.celebrated_on in period))
    recurrences = tuple((r.occurred_on, label(r.kind), r.substance)
                        for r in reversed(sources.sobriety.recurrences(alumnus_id)) if r.occurred_on in period)
    corrections = tuple(
        (local_date(change.changed_at), change.old_date, change.new_date)
        for change in reversed(sources.sobriety.sobriety_history(alumnus_id))
        if change.kind is SobrietyChangeKind.CORRECTION and local_date(change.changed_at) in period
    )
    return SobrietyFacts(start, days_sober(start, today), today, progress.next if progress else None, reached,
                         celebrated, recurrences, corrections)


def _plan_in_force(history: Sequence[PlanSummary], day: date) -> PlanSummary | None:
    """The version that was the plan on `day`: made by then (or starting by then, for the first) and
    not superseded before the day ended."""
    first_version = min((summary.version for summary in history), default=None)
    for summary in history:  # newest first
        made = local_date(summary.created_at)
        if summary.version == first_version:
            made = min(made, summary.start_date)
        ended = local_date(summary.superseded_at) if summary.superseded_at else None
        if made <= day and (ended is None or ended > day):
            return summary
    return None


@dataclass(frozen=True)
class _PlanInForce:
    """What a progress report reads of the plan in force: its goals and meetings (not the whole plan)."""

    version: int
    start_date: date | None
    next_review_date: date | None
    goals: tuple[GoalData, ...]
    meetings: tuple[tuple[MeetingKind, int], ...]  # (kind, per week), in the plan's order


def _plan_goals_and_meetings(sources: Sources, summary: PlanSummary) -> _PlanInForce:
    """Two plain statements, where loading the whole plan takes six (triggers, warning signs and the
    roster with it) and builds the ORM objects of each."""
    g, m = PlanGoal.__table__.c, PlanMeeting.__table__.c
    with sources.database.session() as session:
        goals = tuple(GoalData(text, area, target, status) for text, area, target, status in session.execute(
            select(PlanGoal.text, PlanGoal.life_area, PlanGoal.target_date, PlanGoal.status)
            .where(g.plan_id == summary.id).order_by(g.position, g.id)))
        meetings = tuple((kind, per_week) for kind, per_week in session.execute(
            select(PlanMeeting.kind, PlanMeeting.per_week).where(m.plan_id == summary.id).order_by(m.position, m.id)))
    return _PlanInForce(summary.version, summary.start_date, summary.next_review_date, goals, meetings)


def _goals(plan: _PlanInForce | None, period: Period) -> GoalsFacts:
    if plan is None:
        return GoalsFacts(None, None, None, period.last, ())
    goals = tuple(GoalLine(g.text, label(g.life_area), g.target_date, g.status) for g in plan.goals)
    return GoalsFacts(plan.version, plan.start_date, plan.next_review_date, period.last, goals)


def _cadence_on(history: Sequence[PlanSummary], day: date, default: CheckinCadence) -> tuple[CheckinCadence, bool]:
    summary = _plan_in_force(history, day)
    return (summary.checkin_cadence, True) if summary is not None else (default, False)


def _checkins(sources: Sources, alumnus: AlumnusData, history: Sequence[PlanSummary], records, period: Period,
              settings: TeamSettingsValues) -> CheckinFacts:
    first_plan = min((s.start_date for s in history), default=None)
    created = local_date(alumnus.created_at) if alumnus.created_at else period.first
    start, _ = contact_start(first_plan, alumnus.opted_in_on, alumnus.discharge_date, created)
    reached_days = [local_date(r.occurred_at) for r in records if r.reached]
    unanswered = sum(1 for r in records if not r.reached)
    today = sources.today()
    end = min(period.last, today)
    windows: list[CheckinWindow] = []
    cadences: dict[tuple[CheckinCadence, bool], None] = {}
    day = max(period.first, start)
    while day <= end:
        cadence, from_plan = _cadence_on(history, day, settings.default_checkin_cadence)
        cadences[(cadence, from_plan)] = None
        last = day + timedelta(days=CADENCE_DAYS[cadence] - 1)
        reached = sum(1 for d in reached_days if day <= d <= last)
        # A window still running when the period (or today) ends is not yet missed.
        if last <= end or reached:
            windows.append(CheckinWindow(day, min(last, period.last), cadence, reached))
        day = last + timedelta(days=1)
    return CheckinFacts(tuple(windows), max(period.first, start) if max(period.first, start) <= end else None,
                        len(reached_days), unanswered, tuple(cadences))


def _meetings(sources: Sources, alumnus_id: int, plan: _PlanInForce | None, period: Period) -> MeetingFacts:
    records = sources.meetings.in_period(alumnus_id, period.first, period.last)
    per_kind: dict[MeetingKind, int] = defaultdict(int)
    if plan is not None:
        for kind, per_week in plan.meetings:
            per_kind[kind] += per_week
    expected_days = 0
    if plan is not None and plan.start_date is not None:
        first = max(period.first, plan.start_date)
        expected_days = max((min(period.last, sources.today()) - first).days + 1, 0)
    kinds = list(per_kind) + sorted({r.kind for r in records} - set(per_kind), key=lambda k: list(MeetingKind).index(k))
    lines = []
    for kind in kinds:
        mine = [r for r in records if r.kind is kind]
        per_week = per_kind.get(kind)
        # per_week × days ÷ 7, rounded half up, as the meetings service counts its window.
        expected = (2 * per_week * expected_days + 7) // 14 if per_week else None
        lines.append(MeetingLine(label(kind), expected, sum(1 for r in mine if r.attended),
                                 sum(1 for r in mine if not r.attended), sum(1 for r in mine if r.verified)))
    return MeetingFacts(sum(per_kind.values()), tuple(lines))


def _mood_craving(records) -> MoodCravingFacts:
    mood: dict[date, list[int]] = defaultdict(list)
    craving: dict[date, list[int]] = defaultdict(list)
    for record in records:
        if not record.reached:
            continue
        day = local_date(record.occurred_at)
        if record.mood is not None:
            mood[day].append(record.mood)
        if record.craving is not None:
            craving[day].append(record.craving)

    def means(values: dict[date, list[int]]) -> tuple[tuple[date, float], ...]:
        return tuple((day, sum(v) / len(v)) for day, v in sorted(values.items()))

    return MoodCravingFacts(means(mood), means(craving))


def _assessments(sources: Sources, alumnus: AlumnusData, period: Period) -> tuple[AssessmentSeries, ...]:
    overview = sources.assessments.overview(alumnus.id, alumnus.discharge_date)
    definitions = sources.assessments.instruments
    series = []
    for status in overview.instruments:
        definition = definitions[status.instrument]
        mine = [r for r in reversed(overview.history)
                if r.instrument == status.instrument and r.administered_on in period]
        cut_off = definition.cut_off
        series.append(AssessmentSeries(
            definition.code, definition.name, tuple((r.administered_on, r.total) for r in mine),
            tuple(r.band for r in mine), definition.chart_y_min, definition.chart_y_max,
            cut_off.value if cut_off else None, cut_off.label if cut_off else None,
            definition.direction is Direction.HIGHER_IS_BETTER,
        ))
    return tuple(series)


def warning_days(period: Period, today: date) -> tuple[list[date], int]:
    """The days a period's early-warning look back judges: every week back from its end (or less often,
    so that a long period costs at most MAX_WARNING_SAMPLES looks); and that step in days."""
    last = min(period.last, today)
    if last < period.first:
        return [], 7
    span = (last - period.first).days + 1
    step = max(7, -(-span // MAX_WARNING_SAMPLES))
    days = []
    day = last
    while day >= period.first:
        days.append(day)
        day -= timedelta(days=step)
    return sorted(days), step


def _warnings(sources: Sources, alumnus_id: int, period: Period) -> WarningFacts:
    days, step = warning_days(period, sources.today())
    looks = sources.attention.assess_on_days(alumnus_id, days)
    if not looks and days:
        return WarningFacts(False, 0, step, WarningLevel.NONE, 0, 0, ())
    episodes: dict[tuple[str, date], list] = {}
    levels = [attention.level for _, attention in looks]
    for day, attention in looks:
        for reason in attention.reasons:
            key = (reason.signal.value, reason.since)
            if key in episodes:
                episodes[key][2] = day
                episodes[key][1] = reason.text
            else:
                episodes[key] = [reason.signal.value, reason.text, day, reason.since,
                                 reason.signal not in SCHEDULE_SIGNALS]
    found = tuple(sorted(
        (WarningEpisode(signal, text, since, last_seen, about_person)
         for signal, text, last_seen, since, about_person in episodes.values()),
        key=lambda e: (e.since, e.signal)))
    highest = min(levels, key=LEVEL_ORDER.__getitem__, default=WarningLevel.NONE)
    return WarningFacts(True, len(looks), step, highest, levels.count(WarningLevel.HIGH),
                        levels.count(WarningLevel.WATCH), found)


# -- the alumnus's own plan and wallet card ---------------------------------------------------------


@dataclass(frozen=True)
class PlanDocumentData:
    name: str  # as the person is called
    first_name: str  # what the plan calls them
    plan: PlanData | None  # None: no plan yet
    caseworker: str | None
    calls: tuple[RosterEntryData, ...]  # who I call when cravings hit, in order, without the crisis lines
    crisis_lines: tuple[RosterEntryData, ...]
    client_id: str


def _digits(phone: str | None) -> str:
    return "".join(ch for ch in phone or "" if ch.isdigit())


def gather_plan(sources: Sources, alumnus_id: int) -> PlanDocumentData:
    alumnus = sources.alumni.read(alumnus_id)
    plan = sources.plans.active_plan(alumnus_id)
    crisis_digits = {_digits(line.phone) for line in CRISIS_LINES}
    # The national lines are printed on every plan in their own box; a roster that lists them too
    # should not print them twice.
    calls = tuple(entry for entry in (plan.roster if plan else [])
                  if not (entry.role is RosterRole.CRISIS_LINE and _digits(entry.phone) in crisis_digits))
    return PlanDocumentData(
        name=alumnus.display_name, first_name=alumnus.preferred_name or alumnus.first_name, plan=plan,
        caseworker=sources.staff_name(alumnus.caseworker_id), calls=calls, crisis_lines=CRISIS_LINES,
        client_id=alumnus.client_id,
    )


# -- the caseload summary ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseloadData:
    caseworker: str
    caseworker_id: int
    period: Period
    by_status: tuple[tuple[str, int], ...]  # (status, alumni), in the order of the statuses
    with_plan: int  # active alumni with an active plan
    reached: int  # reached check-ins in the period
    unanswered: int
    alumni_contacted: int  # alumni reached at least once in the period
    today: TodayData

    @property
    def active(self) -> int:
        return dict(self.by_status).get(label(AlumniStatus.ACTIVE), 0)


def gather_caseload(sources: Sources, caseworker_id: int, period: Period) -> CaseloadData:
    member = staff.get_staff(sources.database, caseworker_id)
    if member is None:
        raise RecordNotFoundError("This staff member")
    a, c = Alumnus.__table__.c, CheckIn.__table__.c
    mine = (a.caseworker_id == caseworker_id, a.archived_at.is_(None))
    reached = c.outcome == CheckinOutcome.REACHED.value
    with sources.database.session() as session:
        counts = dict(session.execute(select(a.status, func.count()).where(*mine).group_by(a.status)).all())
        with_plan = session.scalar(
            select(func.count(func.distinct(a.id)))
            .select_from(Alumnus.__table__.join(AftercarePlan.__table__, AftercarePlan.__table__.c.alumnus_id == a.id))
            .where(*mine, a.status == AlumniStatus.ACTIVE.value,
                   AftercarePlan.__table__.c.status == PlanStatus.ACTIVE.value))
        done, unanswered, contacted = session.execute(
            select(func.coalesce(func.sum(case((reached, 1), else_=0)), 0),
                   func.coalesce(func.sum(case((reached, 0), else_=1)), 0),
                   func.count(func.distinct(case((reached, c.alumnus_id)))))
            .select_from(CheckIn.__table__.join(Alumnus.__table__, a.id == c.alumnus_id))
            .where(*mine, c.occurred_at >= day_start(period.first),
                   c.occurred_at < day_start(period.last + timedelta(days=1)))
        ).one()
    by_status = tuple((label(status), counts.get(status, 0)) for status in AlumniStatus)
    return CaseloadData(member.display_name, caseworker_id, period, by_status, int(with_plan or 0), int(done),
                        int(unanswered), int(contacted), sources.today_page.load(caseworker_id))



# -- the weekly pairing review agenda ------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestedPairing:
    """One pairing the engine suggests, in words and points (the mentor's name included: the agenda is
    for the coordinators, who pair them)."""

    mentee: str
    mentee_client_id: str
    days_waited: int
    mentor: str
    score: float
    locked: bool  # fixed by a coordinator, not started yet
    criteria: tuple[tuple[str, float], ...]  # (criterion, points) that gave points, the most first
    alternatives: tuple[tuple[str, float], ...]  # the next mentors: (name, score)


@dataclass(frozen=True)
class UnpairedMentee:
    name: str
    client_id: str
    days_waited: int
    reason: str  # the constraint that bound, in words


@dataclass(frozen=True)
class PairingReviewData:
    meeting_on: date  # the meeting the agenda is for
    as_of: date  # the day the facts are from
    pairings: tuple[PairingHealth, ...]  # due for review first, as the review page lists them
    client_ids: Mapping[int, str]  # alumnus id → client ID, for everyone named
    waiting: tuple[WaitingRow, ...]  # the longest-waiting first
    locked_mentors: Mapping[int, str]  # waiting mentee id → the mentor locked for them
    suggestions: tuple[SuggestedPairing, ...]
    unpaired: tuple[UnpairedMentee, ...]
    dropped_locks: tuple[str, ...]  # locks the engine had to drop, in words
    max_score: float  # the best score a pair can have with the team's weights
    places_free: int  # places left with eligible mentors after the suggestions
    review_days: int  # the team's "review every pairing this often"
    last_review: ReviewRecord | None


def gather_pairing_review(sources: Sources, meeting_on: date) -> PairingReviewData:
    """The agenda's facts through the mentoring services, as the Pairing review page shows them, with
    suggestions by the team's saved weights (what `pairing suggest` prints)."""
    # The mentoring services load the pairing engine (numpy, scipy): only when an agenda is made.
    from ..services.pairing_review import PairingReviewService
    from ..services.pairings import PairingService
    from ..services.waiting_list import WaitingListService

    reviews = PairingReviewService(sources.database, today=sources.today)
    health = tuple(reviews.health())
    last = reviews.reviews(limit=1)
    waiting = tuple(WaitingListService(sources.database, today=sources.today).waiting())
    run = PairingService(sources.database, today=sources.today).suggest()
    result, waited = run.result, run.waited_days
    people = run.people
    named = {h.mentee_id for h in health} | {h.mentor_id for h in health}
    client_ids = {person.id: person.client_id for person in people.values()}
    missing = named - set(client_ids)
    if missing:
        a = Alumnus.__table__.c
        with sources.database.session() as session:
            client_ids.update(session.execute(select(a.id, a.client_id).where(a.id.in_(missing))).all())
    client_ids.update((row.alumnus_id, row.client_id) for row in waiting)

    def criteria(scored) -> tuple[tuple[str, float], ...]:
        return tuple((c.label, c.points) for c in scored.strongest(len(scored.values)))

    suggestions = tuple(
        SuggestedPairing(run.name(s.mentee_id), client_ids.get(s.mentee_id, ""), waited.get(s.mentee_id, 0),
                         run.name(s.mentor_id), s.score, s.locked, criteria(s),
                         tuple((run.name(a.mentor_id), a.score) for a in s.alternatives))
        for s in result.suggestions)
    unpaired = tuple(UnpairedMentee(run.name(u.mentee_id), client_ids.get(u.mentee_id, ""),
                                    waited.get(u.mentee_id, 0), u.reason) for u in result.unmatched)
    dropped = tuple(f"{run.name(b.mentee_id)} with {run.name(b.mentor_id)}: {b.reason}" for b in result.broken_locks)
    usable = {m.id for m in run.problem.mentors if m.available and m.consents}
    places = sum(load.free_after for load in result.mentors if load.mentor_id in usable)
    locked = {row.alumnus_id: run.name(row.locked_mentor_id) for row in waiting if row.locked_mentor_id is not None}
    return PairingReviewData(
        meeting_on=meeting_on, as_of=sources.today(), pairings=health, client_ids=client_ids, waiting=waiting,
        locked_mentors=locked, suggestions=suggestions, unpaired=unpaired, dropped_locks=dropped,
        max_score=result.max_score, places_free=places, review_days=sources.settings().pairing_review_days,
        last_review=last[0] if last else None)
