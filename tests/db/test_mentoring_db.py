"""The mentor program on real tables, on SQLite and PostgreSQL: the mentor pool and its eligibility,
the waiting list, suggestions from the database, the coordinator's decisions (each audited, each
checked against the hard constraints), mentor contacts in the early-warning queue, and the weekly
review with pairing health."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from aftercare_desktop.errors import AftercareError, ConcurrentEditError, ValidationFailed
from aftercare_desktop.models import Alumnus, AuditEvent
from aftercare_desktop.models.enums import (
    AuditAction,
    CheckinOutcome,
    Gender,
    MenteeNeed,
    MentorStatus,
    PairingEndReason,
    PairingState,
    ReviewOutcome,
    WarningLevel,
)
from aftercare_desktop.services import pairings as pairing_module
from aftercare_desktop.services.early_warning import AttentionService
from aftercare_desktop.services.matching import Binding, Criterion
from aftercare_desktop.services.mentor_pool import MentorProfileData
from aftercare_desktop.services.pairing_review import OutcomeData, PairingReviewService, ReviewData
from aftercare_desktop.services.pairings import PairingService
from aftercare_desktop.services.team_settings import TeamSettingsService
from aftercare_desktop.services.waiting_list import MenteeProfileData
from tests.conftest import FIXED_TODAY
from tests.db.mentoring_data import MentoringBuilder

TODAY = FIXED_TODAY


@pytest.fixture
def build(any_db, any_actor) -> MentoringBuilder:
    return MentoringBuilder(any_db, TODAY, any_actor)


@pytest.fixture
def pairings(any_db) -> PairingService:
    return PairingService(any_db, today=lambda: TODAY)


def events(database, entity_type: str) -> list[tuple[AuditAction, int, list[str]]]:
    with database.session() as session:
        return [(e.action, e.entity_id, e.changed_fields) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == entity_type).order_by(AuditEvent.id))]


# -- the mentor pool -----------------------------------------------------------------------------

def test_the_pool_says_who_may_mentor_and_why_not(any_db, build):
    ready = build.mentor("Ready")
    new = build.mentor("New", sober_days=200, status=MentorStatus.IN_TRAINING)
    unwilling = build.alumnus("Unwilling", consents=False)
    build.pool.save_profile(unwilling, MentorProfileData(), build.actor)
    paused = build.mentor("Paused", status=MentorStatus.PAUSED)
    rows = {row.name.split()[0]: row for row in build.pool.pool()}
    assert rows["Ready"].available and rows["Ready"].reasons == ()
    assert rows["New"].reasons == ("sober 6 months; the team asks for 1 year", "status is in training")
    assert rows["Unwilling"].reasons == ("has not consented to the mentor program", "status is applicant")
    assert not rows["Paused"].available and rows["Paused"].status_label == f"Paused until {build.ago(-10)}"
    # The pause ends by itself on its date.
    later = MentoringBuilder(any_db, build.ago(-10), build.actor).pool.pool()
    assert next(r for r in later if r.alumnus_id == paused).available
    TeamSettingsService(any_db).set("mentor_min_sobriety_months", 6, build.actor)
    assert build.pool.eligibility_of(new).eligible
    assert ready and unwilling


def test_profiles_are_validated_audited_and_guarded(any_db, build):
    alumnus = build.alumnus("Sam")
    with pytest.raises(ValidationFailed, match="Enter when training was completed"):
        build.pool.save_profile(alumnus, MentorProfileData(status=MentorStatus.ACTIVE), build.actor)
    with pytest.raises(ValidationFailed, match="Capacity is 1 to 10"):
        build.pool.save_profile(alumnus, MentorProfileData(capacity=0), build.actor)
    saved = build.pool.save_profile(alumnus, MentorProfileData(
        availability=["sat-night", "mon-evening", "nonsense"][:2], interests=["Music", " music ", "Hiking"]),
        build.actor)
    assert saved.availability == ["mon-evening", "sat-night"] and saved.interests == ["Music", "Hiking"]
    saved.status, saved.training_completed_on = MentorStatus.ACTIVE, build.ago(3)
    active = build.pool.save_profile(alumnus, saved, build.actor)
    stale = MentorProfileData(**{**vars(saved), "capacity": 3})
    with pytest.raises(ConcurrentEditError):
        build.pool.save_profile(alumnus, stale, build.actor)
    assert [(action, fields) for action, _, fields in events(any_db, "mentor_profile")][1:] == [
        (AuditAction.UPDATE, ["status", "training_completed_on"])]
    assert active.row_version == 2


def test_capacity_is_enforced_when_it_is_lowered(any_db, build, pairings):
    mentor = build.mentor("Mentor", capacity=2)
    for name in ("A", "B"):
        pairings.accept(build.mentee(name), mentor, build.actor)
    profile = build.pool.profile(mentor)
    profile.capacity = 1
    with pytest.raises(ValidationFailed, match="They have 2 mentees now"):
        build.pool.save_profile(mentor, profile, build.actor)
    row = next(r for r in build.pool.pool() if r.alumnus_id == mentor)
    assert (row.capacity, row.load, row.free, [m.name for m in row.mentees]) == (2, 2, 0, ["A Tester", "B Tester"])
    with pytest.raises(ValidationFailed, match="no free capacity"):
        pairings.accept(build.mentee("C"), mentor, build.actor)


# -- the waiting list ----------------------------------------------------------------------------

def test_the_waiting_list_counts_days_and_leaves_out_the_paired(any_db, build, pairings):
    mentor = build.mentor("Mentor")
    long = build.mentee("Long", waiting_ago=40, profile=MenteeProfileData(needs=[MenteeNeed.CRAVING_CALLS]))
    short = build.mentee("Short", waiting_ago=3)
    paired = build.mentee("Paired")
    bare = build.alumnus("Bare", wants_mentor=True, opted_in_ago=12)  # no needs recorded yet
    pairings.accept(paired, mentor, build.actor)
    locked = pairings.lock(short, mentor, build.actor)
    rows = build.waiting.waiting()
    assert [(r.name, r.days_waited, r.has_profile) for r in rows] == [
        ("Long Tester", 40, True), ("Bare Tester", 12, False), ("Short Tester", 3, True)]
    assert rows[0].needs == (MenteeNeed.CRAVING_CALLS,)
    assert (rows[2].locked_mentor_id, rows[2].locked_pairing_id) == (mentor, locked.id)
    assert long and bare


def test_saving_needs_puts_an_alumnus_on_the_waiting_list(any_db, build):
    person = build.alumnus("Person")
    build.waiting.save_profile(person, MenteeProfileData(gender=Gender.WOMAN), build.actor)
    assert [r.alumnus_id for r in build.waiting.waiting()] == [person]
    assert (AuditAction.UPDATE, person, ["wants_mentor"]) in events(any_db, "alumnus")
    assert events(any_db, "mentee_profile")[0][:2] == (AuditAction.CREATE, person)


# -- suggestions and decisions -------------------------------------------------------------------

def test_suggestions_come_from_the_database(any_db, build, pairings):
    english = build.mentor("English", evening_weekend_calls=True)
    spanish = build.mentor("Spanish", languages=("Spanish",), capacity=1)
    needs_calls = build.mentee("Caller", profile=MenteeProfileData(needs=[MenteeNeed.CRAVING_CALLS]))
    hablante = build.mentee("Hablante", languages=("Spanish",))
    other = build.mentee("Otra", languages=("Spanish",), waiting_ago=2)
    run = pairings.suggest()
    assert {s.mentee_id: s.mentor_id for s in run.result.suggestions} == {needs_calls: english, hablante: spanish}
    assert [(u.mentee_id, u.binding) for u in run.result.unmatched] == [(other, Binding.TAKEN)]
    caller = run.result.suggestion_for(needs_calls)
    assert {c.criterion: c.value for c in caller.breakdown}[Criterion.EVENING_WEEKEND] == 1.0
    assert run.name(hablante) == "Hablante Tester" and run.waited_days[hablante] == 10
    # Trying other weights, rejections and swaps needs no database.
    rejected = pairing_module.reject(run, hablante, spanish)
    assert rejected.result.suggestion_for(other).mentor_id == spanish
    zero = pairing_module.reweigh(run, {c: 0 for c in Criterion})
    assert all(s.score == 0 for s in zero.result.suggestions)


def test_do_not_pair_and_cooldown_keep_people_apart(any_db, build, pairings):
    mentor = build.mentor("Mentor")
    first, second = build.mentee("First"), build.mentee("Second")
    entry = pairings.add_do_not_pair(mentor, first, build.actor, reason="Same household")
    assert pairings.add_do_not_pair(first, mentor, build.actor) == entry  # either way round, once
    build.ended_pairing(second, mentor, started_ago=200, ended_ago=30)
    run = pairings.suggest()
    assert {u.binding for u in run.result.unmatched} == {Binding.DO_NOT_PAIR, Binding.COOLDOWN}
    with pytest.raises(ValidationFailed, match="do-not-pair list"):
        pairings.accept(first, mentor, build.actor)
    pairings.remove_do_not_pair(entry, build.actor)
    TeamSettingsService(any_db).set("repairing_cooldown_days", 20, build.actor)
    assert len(pairings.suggest().result.suggestions) == 2
    assert [a for a, _, _ in events(any_db, "do_not_pair")] == [AuditAction.CREATE, AuditAction.DELETE]


def test_lock_accept_unlock_and_end(any_db, build, pairings):
    mentor, other_mentor = build.mentor("Mentor"), build.mentor("Other")
    mentee = build.mentee("Mentee")
    locked = pairings.lock(mentee, mentor, build.actor)
    assert locked.state is PairingState.LOCKED and locked.match_score is not None
    with pytest.raises(AftercareError, match="already have a locked or active pairing"):
        pairings.lock(mentee, other_mentor, build.actor)
    run = pairings.suggest()
    assert run.result.suggestion_for(mentee).locked
    started = pairings.accept(mentee, mentor, build.actor, started_on=build.ago(1))
    assert (started.id, started.state, started.started_on) == (locked.id, PairingState.ACTIVE, build.ago(1))
    assert pairings.current_mentor(mentee).id == mentor
    with pytest.raises(AftercareError, match="already have an active mentor"):
        pairings.accept(mentee, other_mentor, build.actor)
    next_lock = pairings.lock(build.mentee("Next"), other_mentor, build.actor)
    with pytest.raises(AftercareError, match="never started"):
        pairings.end(next_lock.id, PairingEndReason.CONFLICT, build.actor)
    with pytest.raises(AftercareError, match="Only a locked pairing"):
        pairings.unlock(started.id, build.actor)
    ended = pairings.end(started.id, PairingEndReason.CONFLICT, build.actor, note="Moved away")
    assert (ended.state, ended.end_reason, ended.ended_on) == (PairingState.ENDED, PairingEndReason.CONFLICT, TODAY)
    # A conflict: they wait for a new mentor from today.
    row = next(r for r in build.waiting.waiting() if r.alumnus_id == mentee)
    assert row.days_waited == 0
    assert [p.state for p in pairings.history(mentee)] == [PairingState.ENDED]
    assert [(a, f) for a, _, f in events(any_db, "mentor_pairing")][:3] == [
        (AuditAction.CREATE, ["mentee_id", "mentor_id"]), (AuditAction.STATUS_CHANGE, ["started_on"]),
        (AuditAction.CREATE, ["mentee_id", "mentor_id"])]


def test_a_completed_pairing_takes_the_mentee_off_the_waiting_list(any_db, build, pairings):
    mentor, mentee = build.mentor("Mentor"), build.mentee("Mentee")
    pairing = pairings.accept(mentee, mentor, build.actor, started_on=build.ago(100))
    pairings.end(pairing.id, PairingEndReason.COMPLETED, build.actor)
    assert build.waiting.waiting() == []
    with any_db.session() as session:
        assert session.get(Alumnus, mentee).wants_mentor is False
    other = build.mentee("Other")
    unlocked = pairings.lock(other, mentor, build.actor)
    pairings.unlock(unlocked.id, build.actor)
    assert pairings.current() == []


def test_hard_constraints_are_checked_when_accepting(any_db, build, pairings):
    applicant = build.mentor("Applicant", status=MentorStatus.APPLICANT)
    mentor = build.mentor("Mentor", gender=Gender.MAN)
    wants_woman = build.mentee("Wants", profile=MenteeProfileData(preferred_mentor_genders=[Gender.WOMAN]))
    with pytest.raises(ValidationFailed, match="not active and eligible"):
        pairings.accept(wants_woman, applicant, build.actor)
    with pytest.raises(ValidationFailed, match="gender preferences"):
        pairings.lock(wants_woman, mentor, build.actor)
    with pytest.raises(ValidationFailed, match="own mentor"):
        pairings.accept(mentor, mentor, build.actor)
    assert pairings.current() == []


# -- the daily loop and the weekly review --------------------------------------------------------

def test_a_lapsed_mentor_contact_reaches_the_attention_queue(any_db, build, pairings):
    mentor, mentee = build.mentor("Mentor"), build.mentee("Mentee")
    pairings.accept(mentee, mentor, build.actor, started_on=build.ago(60))
    build.mentor_contact(mentee, mentor, 20)
    build.mentor_contact(mentee, mentor, 5, CheckinOutcome.NO_ANSWER)
    reasons = [r.text for row in AttentionService(any_db, today=lambda: TODAY).queue() if row.alumnus_id == mentee
               for r in row.reasons]
    assert "No contact with their mentor for 20 days" in reasons


def test_pairing_health_and_a_saved_review(any_db, build, pairings):
    mentor = build.mentor("Mentor", capacity=3)
    steady, quiet, new = build.mentee("Steady"), build.mentee("Quiet"), build.mentee("New")
    ids = {}
    for person, started in ((steady, 40), (quiet, 60), (new, 3)):
        ids[person] = pairings.accept(person, mentor, build.actor, started_on=build.ago(started)).id
    for ago in (2, 9, 16, 30):
        build.mentor_contact(steady, mentor, ago)
    build.mentor_contact(quiet, mentor, 25)
    service = PairingReviewService(any_db, today=lambda: TODAY)
    health = {h.mentee_id: h for h in service.health()}
    assert (health[steady].days_since_contact, health[steady].weeks_counted, health[steady].weeks_with_contact) == (
        2, 4, 3)
    assert health[quiet].due_reasons == ("not reviewed yet", "no mentor contact for 25 days")
    assert health[new].adherence is None and health[new].age_days == 3
    assert health[quiet].warning_level is WarningLevel.WATCH

    review = service.save_review(ReviewData(held_on=TODAY, attendee_ids=[build.actor.staff_id], outcomes=[
        OutcomeData(ids[steady], ReviewOutcome.CONTINUE),
        OutcomeData(ids[new], ReviewOutcome.WATCH, notes="Check in again next week"),
        OutcomeData(ids[quiet], ReviewOutcome.REASSIGN, end_reason=PairingEndReason.LOST_CONTACT),
    ]), build.actor)
    assert (review.count(ReviewOutcome.CONTINUE), review.count(ReviewOutcome.WATCH)) == (1, 1)
    assert review.attendees == ("Test Caseworker",)
    health = {h.mentee_id: h for h in service.health()}
    assert quiet not in health and health[steady].due_reasons == ()
    assert health[new].due_reasons == (f"on watch since {TODAY}",)
    # Reassigned: back on the waiting list.
    assert quiet in [r.alumnus_id for r in build.waiting.waiting()]
    assert [r.id for r in service.reviews()] == [review.id]
    with pytest.raises(ValidationFailed, match="Choose why the pairing ends"):
        service.save_review(ReviewData(TODAY, [build.actor.staff_id],
                                       [OutcomeData(ids[steady], ReviewOutcome.END)]), build.actor)
    with pytest.raises(ValidationFailed, match="Tick who attended"):
        service.save_review(ReviewData(TODAY, []), build.actor)
    assert events(any_db, "pairing_review")[0][:2] == (AuditAction.CREATE, review.id)
