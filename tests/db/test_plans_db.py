"""Aftercare plans and templates on SQLite and PostgreSQL: versions, conflicts, facts, seeding, audit."""

import threading
from dataclasses import replace
from datetime import time

import pytest
from sqlalchemy import func, select

from aftercare_desktop.errors import AftercareError, ConcurrentEditError, RecordNotFoundError, ValidationFailed
from aftercare_desktop.models import AftercarePlan, PlanTemplate
from aftercare_desktop.models.enums import (
    AuditAction,
    CheckinCadence,
    ContactMethod,
    GoalStatus,
    MeetingKind,
    PlanStatus,
    Relationship,
)
from aftercare_desktop.services.alumni import AlumniService
from aftercare_desktop.services.audit import events_for
from aftercare_desktop.services.plan_templates import PlanTemplateService, TemplateData, default_templates
from aftercare_desktop.services.plans import GoalData, MeetingData, PlanService, TriggerData
from aftercare_desktop.services.records import AlumnusData, SupportContactData
from tests.conftest import FIXED_TODAY


@pytest.fixture
def plans(any_db):
    return PlanService(any_db, today=lambda: FIXED_TODAY)


@pytest.fixture
def templates(any_db):
    return PlanTemplateService(any_db)


@pytest.fixture
def alumnus_id(any_db, any_actor):
    record = AlumniService(any_db).create(
        AlumnusData(client_id="AC-1", first_name="Zoë", last_name="Fischer", caseworker_id=any_actor.staff_id,
                    support_contacts=[SupportContactData("Rosa", Relationship.SPONSOR, "2125550100")]),
        any_actor)
    return record.id


def active_count(database, alumnus_id) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(AftercarePlan).where(
            AftercarePlan.alumnus_id == alumnus_id, AftercarePlan.status == PlanStatus.ACTIVE))


def test_first_save_is_version_1_and_audited(plans, any_db, any_actor, alumnus_id):
    draft = plans.new_plan_from_template(alumnus_id, None)
    draft.goals = [GoalData("Find a sponsor")]
    saved = plans.save(draft, any_actor)
    assert (saved.version, saved.status, saved.created_by) == (1, PlanStatus.ACTIVE, "Test Caseworker")
    assert saved.based_on_version == 1 and not saved.is_draft
    assert plans.active_plan(alumnus_id) == saved
    [event] = events_for(any_db, "aftercare_plan", saved.id)
    assert event.action is AuditAction.CREATE
    assert event.changed_fields == ("checkin_cadence", "goals", "next_review_date", "roster", "start_date")


def test_second_save_supersedes_the_first_and_keeps_history(plans, any_db, any_actor, alumnus_id):
    first = plans.save(plans.new_plan_from_template(alumnus_id, None), any_actor)
    edited = replace(first, checkin_cadence=CheckinCadence.BIWEEKLY, preferred_method=ContactMethod.TEXT)
    second = plans.save(edited, any_actor)
    assert second.version == 2 and second.id != first.id
    old = plans.get(first.id)
    assert old.status is PlanStatus.SUPERSEDED and old.superseded_at is not None
    assert old.checkin_cadence is CheckinCadence.WEEKLY  # history is never rewritten
    assert active_count(any_db, alumnus_id) == 1
    assert [(h.version, h.status) for h in plans.history(alumnus_id)] == [
        (2, PlanStatus.ACTIVE), (1, PlanStatus.SUPERSEDED)]
    [event] = events_for(any_db, "aftercare_plan", second.id)
    assert event.changed_fields == ("checkin_cadence", "preferred_method")
    third = plans.save(replace(second, goals=[GoalData("Find a sponsor", status=GoalStatus.ACHIEVED)]), any_actor)
    assert [h.version for h in plans.history(alumnus_id)] == [3, 2, 1]
    assert plans.active_plan(alumnus_id).id == third.id


def test_saving_an_unchanged_plan_makes_no_version(plans, any_actor, alumnus_id):
    first = plans.save(plans.new_plan_from_template(alumnus_id, None), any_actor)
    assert plans.save(first, any_actor) == first
    assert len(plans.history(alumnus_id)) == 1


def test_save_based_on_an_old_version_is_refused(plans, any_db, any_actor, alumnus_id):
    first = plans.save(plans.new_plan_from_template(alumnus_id, None), any_actor)
    desk_a = replace(first, housing_notes="Sober living on 5th St")
    desk_b = replace(first, medication_notes="Naltrexone monthly")
    plans.save(desk_a, any_actor)
    with pytest.raises(ConcurrentEditError, match="changed by someone else"):
        plans.save(desk_b, any_actor)
    active = plans.active_plan(alumnus_id)
    assert active.version == 2 and active.housing_notes == "Sober living on 5th St"
    assert active.medication_notes is None and active_count(any_db, alumnus_id) == 1


def test_two_first_plans_cannot_both_be_saved(plans, any_actor, alumnus_id):
    one = plans.new_plan_from_template(alumnus_id, None)
    other = plans.new_plan_from_template(alumnus_id, None)
    plans.save(one, any_actor)
    with pytest.raises(ConcurrentEditError):
        plans.save(replace(other, housing_notes="x"), any_actor)


def test_simultaneous_saves_leave_exactly_one_active_plan(plans, any_db, any_actor, alumnus_id):
    base = plans.save(plans.new_plan_from_template(alumnus_id, None), any_actor)
    desks = 4
    barrier = threading.Barrier(desks)
    outcomes: list[object] = [None] * desks

    def desk(number: int) -> None:
        edited = replace(base, housing_notes=f"Edit from desk {number}")
        barrier.wait()
        try:
            outcomes[number] = plans.save(edited, any_actor).version
        except ConcurrentEditError as exc:
            outcomes[number] = exc

    threads = [threading.Thread(target=desk, args=(n,)) for n in range(desks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(o for o in outcomes if isinstance(o, int)) == [2]
    assert sum(isinstance(o, ConcurrentEditError) for o in outcomes) == desks - 1
    assert active_count(any_db, alumnus_id) == 1
    assert [h.version for h in plans.history(alumnus_id)] == [2, 1]


def test_simultaneous_first_plans_leave_exactly_one(plans, any_db, any_actor, alumnus_id):
    drafts = [plans.new_plan_from_template(alumnus_id, None) for _ in range(3)]
    barrier = threading.Barrier(len(drafts))
    saved: list[int] = []
    refused: list[Exception] = []

    def desk(draft) -> None:
        barrier.wait()
        try:
            saved.append(plans.save(draft, any_actor).version)
        except ConcurrentEditError as exc:
            refused.append(exc)

    threads = [threading.Thread(target=desk, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert saved == [1] and len(refused) == 2
    assert active_count(any_db, alumnus_id) == 1


def test_invalid_plan_is_refused_with_every_reason(plans, any_actor, alumnus_id):
    draft = plans.new_plan_from_template(alumnus_id, None)
    draft.start_date = None
    draft.meetings = [MeetingData(MeetingKind.NA, per_week=15)]
    with pytest.raises(ValidationFailed) as raised:
        plans.save(draft, any_actor)
    assert {p.field for p in raised.value.problems} == {"start_date", "meetings"}
    assert plans.history(alumnus_id) == []


def test_unknown_alumnus_or_plan(plans, any_actor, alumnus_id):
    with pytest.raises(RecordNotFoundError):
        plans.new_plan_from_template(alumnus_id + 999, None)
    with pytest.raises(RecordNotFoundError):
        plans.get(12345)
    assert plans.active_plan(alumnus_id) is None
    assert plans.cadence_days(alumnus_id) is None and plans.expected_meetings_per_week(alumnus_id) is None


def test_plan_goes_with_the_alumnus(plans, any_db, any_actor, alumnus_id):
    plans.save(plans.new_plan_from_template(alumnus_id, None), any_actor)
    alumni = AlumniService(any_db)
    record = alumni.open_record(alumnus_id, any_actor)
    alumni.delete(alumnus_id, record.row_version, any_actor)
    assert plans.history(alumnus_id) == []


def test_facts_for_the_early_warning_engine(plans, any_db, any_actor):
    alumni = AlumniService(any_db)
    ids = [alumni.create(AlumnusData(client_id=f"AC-{n}", first_name="A", last_name=f"B{n}"), any_actor).id
           for n in range(4)]
    with_plan, monthly, no_meetings, without_plan = ids
    draft = plans.new_plan_from_template(with_plan, None)
    draft.meetings = [MeetingData(MeetingKind.AA, weekday=0, starts_at=time(19)),
                      MeetingData(MeetingKind.ALUMNI_GROUP, per_week=2)]
    draft.warning_signs = ["I stop calling my sister", "I skip breakfast"]
    draft.preferred_method = ContactMethod.TEXT
    first = plans.save(draft, any_actor)
    plans.save(replace(first, meetings=first.meetings + [MeetingData(MeetingKind.NA)]), any_actor)  # v2 counts
    plans.save(replace(plans.new_plan_from_template(monthly, None), checkin_cadence=CheckinCadence.MONTHLY,
                       meetings=[MeetingData(MeetingKind.SMART, per_week=14)]), any_actor)
    plans.save(plans.new_plan_from_template(no_meetings, None), any_actor)

    facts = plans.active_plan_facts()
    assert set(facts) == {with_plan, monthly, no_meetings}
    assert facts[with_plan].meetings_per_week == 4 and facts[with_plan].cadence_days == 7
    assert facts[with_plan].warning_signs == ("I stop calling my sister", "I skip breakfast")
    assert facts[with_plan].preferred_method is ContactMethod.TEXT
    assert facts[with_plan].plan_id == plans.active_plan(with_plan).id
    assert (facts[monthly].cadence, facts[monthly].cadence_days, facts[monthly].meetings_per_week) == (
        CheckinCadence.MONTHLY, 30, 14)
    assert facts[no_meetings].meetings_per_week == 0 and facts[no_meetings].warning_signs == ()
    assert set(plans.active_plan_facts([monthly, without_plan])) == {monthly}
    assert plans.active_plan_facts([]) == {}
    many = [monthly] + list(range(100_000, 102_000))  # past the id-list limit: filtered after reading
    assert set(plans.active_plan_facts(many)) == {monthly}
    assert plans.expected_meetings_per_week(with_plan) == 4 and plans.cadence_days(monthly) == 30
    lean = plans.active_plan_facts(with_warning_signs=False)
    assert lean[with_plan] == replace(facts[with_plan], warning_signs=())


# -- templates --------------------------------------------------------------------------------------


def test_seeding_fills_an_empty_table_once(templates, any_db):
    shipped = default_templates()
    assert templates.ensure_default_templates() == len(shipped)
    assert templates.ensure_default_templates() == 0
    listed = templates.list()
    assert sorted(t.name for t in listed) == sorted(t.name for t in shipped)
    general = next(t for t in listed if t.name == "General early recovery")
    assert general.triggers == next(t for t in shipped if t.name == general.name).triggers
    assert [e.action for e in events_for(any_db, "plan_template", general.id)] == [AuditAction.CREATE]


def test_seeding_never_overwrites_the_teams_edits(templates, any_db, any_actor):
    templates.ensure_default_templates()
    general = next(t for t in templates.list() if t.name == "General early recovery")
    general.triggers[0] = TriggerData("Stress at the warehouse", ["Call Rosa on my break"])
    edited = templates.save(general, any_actor)
    removed = next(t for t in templates.list() if t.name == "Stimulants")
    templates.delete(removed.id, any_actor)
    assert templates.ensure_default_templates() == 0
    assert templates.get(edited.id).triggers[0] == TriggerData("Stress at the warehouse", ["Call Rosa on my break"])
    assert "Stimulants" not in {t.name for t in templates.list()}
    with any_db.session() as session:
        assert session.scalar(select(func.count()).select_from(PlanTemplate)) == len(default_templates()) - 1


def test_template_create_change_delete_are_audited(templates, any_db, any_actor):
    created = templates.save(TemplateData("Cannabis", "Early recovery from cannabis",
                                          [TriggerData("Evenings", ["Walk", "Call a friend"])],
                                          ["Sleeping badly"], [GoalData("Sleep without using")]), any_actor)
    assert created.updated_by == "Test Caseworker"
    changed = templates.save(replace(created, warning_signs=["Sleeping badly", "Skipping work"]), any_actor)
    assert templates.save(changed, any_actor) == changed  # nothing changed, nothing written
    templates.delete(created.id, any_actor)
    events = events_for(any_db, "plan_template", created.id)
    assert [(e.action, e.changed_fields) for e in events] == [
        (AuditAction.CREATE, ("description", "goals", "name", "triggers", "warning_signs")),
        (AuditAction.UPDATE, ("warning_signs",)),
        (AuditAction.DELETE, ()),
    ]
    with pytest.raises(RecordNotFoundError):
        templates.get(created.id)


def test_template_names_are_required_and_unique(templates, any_actor):
    with pytest.raises(ValidationFailed, match="Name is required"):
        templates.save(TemplateData("  "), any_actor)
    templates.save(TemplateData("Alcohol"), any_actor)
    with pytest.raises(AftercareError, match="already named 'Alcohol'"):
        templates.save(TemplateData("Alcohol"), any_actor)
    other = templates.save(TemplateData("Other"), any_actor)
    with pytest.raises(AftercareError, match="already named"):
        templates.save(replace(other, name="Alcohol"), any_actor)


def test_template_changed_by_someone_else_is_not_overwritten(templates, any_actor):
    created = templates.save(TemplateData("Cannabis"), any_actor)
    templates.save(replace(created, description="First desk"), any_actor)
    with pytest.raises(ConcurrentEditError):
        templates.save(replace(created, description="Second desk"), any_actor)
    assert templates.get(created.id).description == "First desk"


def test_plan_from_a_deleted_template_is_refused_but_plans_keep_their_copy(plans, templates, any_actor,
                                                                          alumnus_id):
    created = templates.save(TemplateData("Cannabis", triggers=[TriggerData("Evenings", ["Walk"])]), any_actor)
    saved = plans.save(plans.new_plan_from_template(alumnus_id, created.id), any_actor)
    templates.delete(created.id, any_actor)
    assert plans.get(saved.id).triggers == [TriggerData("Evenings", ["Walk"])]
    with pytest.raises(RecordNotFoundError):
        plans.new_plan_from_template(alumnus_id, created.id)
