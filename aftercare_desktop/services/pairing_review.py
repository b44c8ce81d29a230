"""The weekly pairing review: how each active pairing is doing, and the meeting's decisions.

Health of a pairing, for the coordinators' meeting:
- days since the last mentor–mentee contact: the newest *reached* check-in the mentor made for the
  mentee since the pairing started (a mentor logs contacts as check-ins, see models/checkin.py);
- the mentee's early-warning level and reasons (services/early_warning/);
- check-in adherence: of the last four weeks (fewer for a newer pairing), how many had a reached
  mentor contact; none counted in a pairing's first week;
- the pairing's age, and whether it is due for review: never reviewed, last reviewed
  `pairing_review_days` ago or more, put on watch at the last review, mentor contact lapsed
  (`mentor_lapse_days`), or the mentee's level is high — each as a reason in words.

A saved review is a dated record with who attended and an outcome per pairing (continue, watch,
reassign, end) with notes. "End" and "reassign" end the pairing in the same transaction, with the
end reason the coordinator chose; "reassign" puts the mentee back on the waiting list, "end" does
what the reason usually means (see pairings.REMATCH_BY_DEFAULT).

Audit: "pairing_review" with the review id, and "mentor_pairing" for each pairing ended.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, selectinload

from ..db import Database
from ..errors import AftercareError, RecordNotFoundError, ValidationFailed
from ..models import (
    Alumnus,
    CheckIn,
    MentorPairing,
    PairingReview,
    PairingReviewAttendee,
    PairingReviewOutcome,
    StaffMember,
)
from ..models.enums import AuditAction, CheckinOutcome, PairingEndReason, ReviewOutcome, WarningLevel
from . import audit
from .audit import Actor
from .early_warning import CaseloadFilter, RuleContext, day_start, judge, load_caseload, local_day
from .mentor_pool import display_name
from .pairings import end_pairing
from .team_settings import stored_values
from .validation import Problem

ENTITY = "pairing_review"
ADHERENCE_WEEKS = 4
MAX_NOTES = 4_000


@dataclass(frozen=True)
class PairingHealth:
    pairing_id: int
    mentee_id: int
    mentee_name: str
    mentor_id: int
    mentor_name: str
    started_on: date
    age_days: int
    last_contact_on: date | None
    days_since_contact: int  # since the last contact, or since the start when there was none
    weeks_counted: int  # 0 in the first week
    weeks_with_contact: int
    warning_level: WarningLevel | None  # None: the mentee is not followed (inactive or archived)
    warning_reasons: tuple[str, ...]
    last_review_on: date | None
    last_outcome: ReviewOutcome | None
    due_reasons: tuple[str, ...]

    @property
    def due_for_review(self) -> bool:
        return bool(self.due_reasons)

    @property
    def adherence(self) -> float | None:
        """Share of the counted weeks with a mentor contact (None before a full week)."""
        return self.weeks_with_contact / self.weeks_counted if self.weeks_counted else None


@dataclass
class OutcomeData:
    pairing_id: int
    outcome: ReviewOutcome
    notes: str | None = None
    end_reason: PairingEndReason | None = None  # needed for "end" and "reassign"


@dataclass
class ReviewData:
    held_on: date
    attendee_ids: list[int] = field(default_factory=list)  # staff members
    outcomes: list[OutcomeData] = field(default_factory=list)
    notes: str | None = None


@dataclass(frozen=True)
class OutcomeRecord:
    pairing_id: int
    mentee_id: int
    mentee_name: str
    mentor_id: int
    mentor_name: str
    outcome: ReviewOutcome
    notes: str | None


@dataclass(frozen=True)
class ReviewRecord:
    id: int
    held_on: date
    attendees: tuple[str, ...]
    notes: str | None
    outcomes: tuple[OutcomeRecord, ...]

    def count(self, outcome: ReviewOutcome) -> int:
        return sum(1 for o in self.outcomes if o.outcome is outcome)


class PairingReviewService:
    def __init__(self, database: Database, *, today: Callable[[], date] = date.today):
        self.database = database
        self._today = today

    def health(self) -> list[PairingHealth]:
        """Every active pairing's health: due for review first, then high level, then the longest
        without contact."""
        today = self._today()
        with self.database.session() as session:
            return pairing_health(session, today)

    def save_review(self, data: ReviewData, actor: Actor) -> ReviewRecord:
        today = self._today()
        problems = _check(data, today)
        if problems:
            raise ValidationFailed(problems)
        with self.database.session() as session:
            known = set(session.scalars(select(StaffMember.id).where(StaffMember.id.in_(data.attendee_ids))))
            if known != set(data.attendee_ids):
                raise RecordNotFoundError("One of the attendees' staff records")
            review = PairingReview(held_on=data.held_on, notes=(data.notes or "").strip() or None,
                                   created_by_id=actor.staff_id)
            review.attendees = [PairingReviewAttendee(staff_id=staff_id) for staff_id in sorted(known)]
            for item in data.outcomes:
                pairing = session.get(MentorPairing, item.pairing_id)
                if pairing is None:
                    raise RecordNotFoundError("One of the pairings")
                if pairing.started_on is None or pairing.ended_on is not None:
                    raise AftercareError("Outcomes are recorded for active pairings only; one of them "
                                         "has ended or not started.")
                review.outcomes.append(PairingReviewOutcome(pairing_id=item.pairing_id, outcome=item.outcome,
                                                            notes=(item.notes or "").strip() or None))
            session.add(review)
            session.flush()
            audit.record(session, actor, AuditAction.CREATE, ENTITY, review.id,
                         ["held_on", "attendees", "outcomes", *(["notes"] if review.notes else [])])
            for item in data.outcomes:
                if item.outcome in (ReviewOutcome.END, ReviewOutcome.REASSIGN):
                    end_pairing(session, item.pairing_id, PairingEndReason(item.end_reason), actor,
                                ended_on=data.held_on, note=item.notes,
                                rematch=True if item.outcome is ReviewOutcome.REASSIGN else None, today=today)
            session.commit()
            return _review_record(session, review.id)

    def reviews(self, limit: int = 20) -> list[ReviewRecord]:
        """The latest saved reviews, the newest first."""
        with self.database.session() as session:
            ids = session.scalars(select(PairingReview.id)
                                  .order_by(PairingReview.held_on.desc(), PairingReview.id.desc()).limit(limit))
            return [_review_record(session, review_id) for review_id in ids.all()]

    def review(self, review_id: int) -> ReviewRecord:
        with self.database.session() as session:
            return _review_record(session, review_id)


def _check(data: ReviewData, today: date) -> list[Problem]:
    problems = []
    if not isinstance(data.held_on, date) or not today - timedelta(days=366) <= data.held_on <= today:
        problems.append(Problem("held_on", "The meeting date is within the last year and not in the future"))
    if not data.attendee_ids:
        problems.append(Problem("attendee_ids", "Tick who attended"))
    if data.notes and len(data.notes) > MAX_NOTES:
        problems.append(Problem("notes", f"Keep the notes under {MAX_NOTES:,} characters"))
    seen = set()
    for item in data.outcomes:
        if item.pairing_id in seen:
            problems.append(Problem("outcomes", "One outcome per pairing"))
        seen.add(item.pairing_id)
        try:
            outcome = ReviewOutcome(item.outcome)
        except ValueError:
            problems.append(Problem("outcomes", "Choose continue, watch, reassign or end"))
            continue
        if outcome in (ReviewOutcome.END, ReviewOutcome.REASSIGN):
            try:
                PairingEndReason(item.end_reason)
            except ValueError:
                problems.append(Problem("outcomes", "Choose why the pairing ends"))
        if item.notes and len(item.notes) > MAX_NOTES:
            problems.append(Problem("outcomes", f"Keep each note under {MAX_NOTES:,} characters"))
    return problems


def pairing_health(session: Session, today: date) -> list[PairingHealth]:
    """The health of every active pairing, within the caller's session (set-based: one statement
    per kind of fact, never one per pairing)."""
    settings = stored_values(session)
    p, c = MentorPairing.__table__.c, CheckIn.__table__.c
    mentee, mentor = Alumnus.__table__.alias("mentee"), Alumnus.__table__.alias("mentor")
    pairings = session.execute(
        select(p.id, p.mentee_id, mentee.c.first_name, mentee.c.last_name, mentee.c.preferred_name,
               p.mentor_id, mentor.c.first_name, mentor.c.last_name, mentor.c.preferred_name, p.started_on)
        .join(mentee, mentee.c.id == p.mentee_id).join(mentor, mentor.c.id == p.mentor_id)
        .where(p.current.is_(True), p.started_on.is_not(None), p.started_on <= today)).all()
    if not pairings:
        return []
    end = day_start(today + timedelta(days=1))
    mentor_contacts = (
        select(c.alumnus_id, c.mentor_id, c.occurred_at)
        .join(MentorPairing.__table__, and_(p.mentee_id == c.alumnus_id, p.mentor_id == c.mentor_id,
                                            p.current.is_(True)))
        .where(c.outcome == CheckinOutcome.REACHED.value, c.occurred_at < end)
    )
    latest = _latest_contacts(session, mentor_contacts)
    window_start = today - timedelta(days=7 * ADHERENCE_WEEKS - 1)
    recent: dict[tuple[int, int], set[int]] = {}
    for mentee_id, mentor_id, moment in session.execute(
            mentor_contacts.where(c.occurred_at >= day_start(window_start))):
        weeks_ago = (today - local_day(moment.timestamp())).days // 7
        recent.setdefault((mentee_id, mentor_id), set()).add(weeks_ago)

    mentee_ids = tuple({row[1] for row in pairings})
    caseload = load_caseload(session, settings, today, CaseloadFilter(alumni_ids=mentee_ids))
    ctx = RuleContext.of(settings, today)
    attention = {facts.alumnus_id: judge(facts, ctx) for facts in caseload.facts}

    o, r = PairingReviewOutcome.__table__.c, PairingReview.__table__.c
    last_review: dict[int, tuple[date, ReviewOutcome]] = {}
    for pairing_id, held_on, outcome in session.execute(
            select(o.pairing_id, r.held_on, o.outcome).join(PairingReview.__table__, r.id == o.review_id)
            .where(o.pairing_id.in_([row[0] for row in pairings])).order_by(r.held_on, r.id)):
        last_review[pairing_id] = (held_on, ReviewOutcome(outcome))  # the newest comes last

    found = []
    for (pairing_id, mentee_id, e_first, e_last, e_preferred, mentor_id, m_first, m_last, m_preferred,
         started_on) in pairings:
        age = (today - started_on).days
        last = latest.get((mentee_id, mentor_id))
        if last is not None and last < started_on:
            last = None  # a contact from an earlier pairing of the same two people
        since_contact = (today - (last or started_on)).days
        weeks = min(ADHERENCE_WEEKS, age // 7)
        with_contact = sum(1 for week in recent.get((mentee_id, mentor_id), ()) if week < weeks)
        judged = attention.get(mentee_id)
        reviewed = last_review.get(pairing_id)
        due = []
        if reviewed is None:
            due.append("not reviewed yet")
        else:
            held_on, outcome = reviewed
            if outcome is ReviewOutcome.WATCH:
                due.append(f"on watch since {held_on.isoformat()}")
            elif (today - held_on).days >= settings.pairing_review_days:
                due.append(f"last reviewed {(today - held_on).days} days ago")
        if since_contact > settings.mentor_lapse_days:
            due.append(f"no mentor contact for {since_contact} days")
        if judged is not None and judged.level is WarningLevel.HIGH:
            due.append("the mentee's early-warning level is high")
        found.append(PairingHealth(
            pairing_id=pairing_id, mentee_id=mentee_id, mentee_name=display_name(e_first, e_last, e_preferred),
            mentor_id=mentor_id, mentor_name=display_name(m_first, m_last, m_preferred), started_on=started_on,
            age_days=age, last_contact_on=last, days_since_contact=since_contact, weeks_counted=weeks,
            weeks_with_contact=with_contact, warning_level=judged.level if judged else None,
            warning_reasons=tuple(reason.text for reason in judged.reasons) if judged else (),
            last_review_on=reviewed[0] if reviewed else None, last_outcome=reviewed[1] if reviewed else None,
            due_reasons=tuple(due)))
    level_order = {WarningLevel.HIGH: 0, WarningLevel.WATCH: 1, WarningLevel.NONE: 2, None: 3}
    found.sort(key=lambda h: (not h.due_for_review, level_order[h.warning_level], -h.days_since_contact,
                              h.mentee_name.casefold(), h.pairing_id))
    return found


def _latest_contacts(session: Session, contacts) -> dict[tuple[int, int], date]:
    rows = contacts.subquery()
    return {(mentee_id, mentor_id): local_day(moment.timestamp()) for mentee_id, mentor_id, moment in session.execute(
        select(rows.c.alumnus_id, rows.c.mentor_id, func.max(rows.c.occurred_at))
        .group_by(rows.c.alumnus_id, rows.c.mentor_id))}


def _review_record(session: Session, review_id: int) -> ReviewRecord:
    review = session.scalar(select(PairingReview).where(PairingReview.id == review_id)
                            .options(selectinload(PairingReview.attendees), selectinload(PairingReview.outcomes)))
    if review is None:
        raise RecordNotFoundError("This review")
    staff = dict(session.execute(select(StaffMember.id, StaffMember.display_name)
                                 .where(StaffMember.id.in_([a.staff_id for a in review.attendees]))).all())
    p, a = MentorPairing.__table__.c, Alumnus.__table__.c
    pairs = {pid: (mentee, mentor) for pid, mentee, mentor in session.execute(
        select(p.id, p.mentee_id, p.mentor_id).where(p.id.in_([o.pairing_id for o in review.outcomes])))}
    ids = {i for pair in pairs.values() for i in pair}
    names = {i: display_name(f, last, pref) for i, f, last, pref in session.execute(
        select(a.id, a.first_name, a.last_name, a.preferred_name).where(a.id.in_(ids)))} if ids else {}
    outcomes = tuple(OutcomeRecord(o.pairing_id, pairs[o.pairing_id][0], names[pairs[o.pairing_id][0]],
                                   pairs[o.pairing_id][1], names[pairs[o.pairing_id][1]], o.outcome, o.notes)
                     for o in review.outcomes)
    attendees = tuple(sorted(staff.values(), key=str.casefold))
    return ReviewRecord(review.id, review.held_on, attendees, review.notes, outcomes)
