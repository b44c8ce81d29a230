"""Aftercare plan rules without a database: every check at its boundary, and what a draft holds."""

from datetime import date, time, timedelta

import pytest

from aftercare_desktop.models.enums import GoalStatus, LifeArea, MeetingKind, Relationship, RosterRole
from aftercare_desktop.services import staff
from aftercare_desktop.services.alumni import AlumniService
from aftercare_desktop.services.audit import Actor
from aftercare_desktop.services.plan_templates import PlanTemplateService, default_templates
from aftercare_desktop.services.plans import (
    CRISIS_LINES,
    GoalData,
    MeetingData,
    PlanData,
    PlanService,
    RosterEntryData,
    TriggerData,
    changed_fields,
    check_plan,
    format_time,
    parse_time,
)
from aftercare_desktop.services.records import AlumnusData, SupportContactData
from tests.conftest import FIXED_TODAY


def plan(**changes) -> PlanData:
    values = dict(alumnus_id=1, start_date=FIXED_TODAY, next_review_date=FIXED_TODAY + timedelta(days=90))
    values.update(changes)
    return PlanData(**values)


def messages(data: PlanData) -> list[str]:
    return [p.message for p in check_plan(data, today=FIXED_TODAY).errors]


def test_a_minimal_plan_is_fine():
    assert messages(plan()) == []


def test_start_date_is_required():
    assert messages(plan(start_date=None)) == ["Start date is required"]


@pytest.mark.parametrize("days, ok", [(-1, False), (0, True), (1, True)])
def test_next_review_on_or_after_the_start(days, ok):
    problems = messages(plan(next_review_date=FIXED_TODAY + timedelta(days=days)))
    assert problems == ([] if ok else ["Next review is before the start date"])


def test_next_review_may_be_left_open():
    assert messages(plan(next_review_date=None)) == []


@pytest.mark.parametrize("days, ok", [(-30, True), (0, True), (1, False)])
def test_signed_date_not_in_the_future(days, ok):
    problems = messages(plan(signed_by_alumnus_on=FIXED_TODAY + timedelta(days=days)))
    assert problems == ([] if ok else ["The signing date is in the future"])


@pytest.mark.parametrize("per_week, ok", [(0, False), (1, True), (14, True), (15, False), (-1, False)])
def test_meetings_per_week_is_1_to_14(per_week, ok):
    problems = messages(plan(meetings=[MeetingData(MeetingKind.NA, per_week=per_week)]))
    assert problems == ([] if ok else ["Meeting 1: times per week must be 1 to 14"])


@pytest.mark.parametrize("weekday, ok", [(None, True), (-1, False), (0, True), (6, True), (7, False)])
def test_meeting_weekday_is_monday_to_sunday(weekday, ok):
    problems = messages(plan(meetings=[MeetingData(MeetingKind.AA, weekday=weekday)]))
    assert problems == ([] if ok else ["Meeting 1: the day must be Monday to Sunday"])


def test_goal_needs_text_but_an_empty_row_is_dropped():
    checked = check_plan(plan(goals=[GoalData("  "), GoalData("Find a sponsor"),
                                     GoalData("", target_date=FIXED_TODAY)]), today=FIXED_TODAY)
    assert [p.message for p in checked.errors] == ["Goal 3: describe the goal"]
    assert [g.text for g in checked.data.goals] == ["Find a sponsor", ""]


@pytest.mark.parametrize("length, ok", [(400, True), (401, False)])
def test_goal_length_limit(length, ok):
    problems = messages(plan(goals=[GoalData("x" * length)]))
    assert problems == ([] if ok else ["Goal 1 is longer than 400 characters"])


def test_trigger_text_and_strategies_are_tidied():
    checked = check_plan(plan(triggers=[
        TriggerData("  Payday ", ["  Pay  rent first ", "", "   "]),
        TriggerData("", []),
        TriggerData("", ["Call Rosa"]),
    ]), today=FIXED_TODAY)
    assert checked.data.triggers[0] == TriggerData("Payday", ["Pay rent first"])
    assert len(checked.data.triggers) == 2
    assert [p.message for p in checked.errors] == ["Trigger 3: say what the trigger is"]


def test_warning_signs_keep_their_words_and_drop_blank_lines():
    checked = check_plan(plan(warning_signs=["I stop  answering my sister", "", "  "]), today=FIXED_TODAY)
    assert checked.data.warning_signs == ["I stop answering my sister"]


def test_roster_phones_are_normalised_and_checked():
    checked = check_plan(plan(roster=[
        RosterEntryData(RosterRole.SPONSOR, "Rosa", "212 555 0100"),
        RosterEntryData(RosterRole.FAMILY, "Mom", "12"),
        RosterEntryData(RosterRole.OTHER, "", "312-555-0142"),
        RosterEntryData(RosterRole.OTHER, "", ""),
    ]), today=FIXED_TODAY)
    assert checked.data.roster[0].phone == "(212) 555-0100"
    assert [p.message for p in checked.errors] == [
        "Call list line 2: '12' is not a valid phone number", "Call list line 3: add a name"]
    assert len(checked.data.roster) == 3


def test_crisis_lines_keep_their_published_numbers():
    checked = check_plan(plan(roster=list(CRISIS_LINES)), today=FIXED_TODAY)
    assert checked.ok
    assert [r.phone for r in checked.data.roster] == ["988", "1-800-662-4357"]


def test_notes_keep_their_lines():
    checked = check_plan(plan(medication_notes="  Buprenorphine 8 mg daily  \nClinic: Dr. Okafor\n\n",
                              housing_notes="   "), today=FIXED_TODAY)
    assert checked.data.medication_notes == "Buprenorphine 8 mg daily\nClinic: Dr. Okafor"
    assert checked.data.housing_notes is None


def test_changed_fields_name_what_differs():
    old = plan(goals=[GoalData("Find a sponsor")])
    new = plan(goals=[GoalData("Find a sponsor", status=GoalStatus.ACHIEVED)], housing_notes="Sober living")
    assert changed_fields(old, new) == ["goals", "housing_notes"]
    assert changed_fields(None, old) == ["start_date", "next_review_date", "checkin_cadence", "goals"]


def test_shipped_templates_are_complete():
    templates = default_templates()
    assert 2 <= len(templates) <= 4
    assert "General early recovery" in {t.name for t in templates}
    for template in templates:
        assert template.description
        assert len(template.triggers) >= 5
        assert all(2 <= len(t.coping_strategies) <= 4 for t in template.triggers), template.name
        assert len(template.warning_signs) >= 4
        assert {g.life_area for g in template.goals} >= {LifeArea.RECOVERY, LifeArea.HEALTH, LifeArea.HOUSING}
    common = " ".join(t.trigger.lower() for t in templates[0].triggers)
    for word in ("stress", "boredom", "conflict", "payday", "places", "loneliness", "celebrations"):
        assert word in common


def test_respectful_words_in_templates():
    text = " ".join(
        " ".join([t.name, t.description or "", *t.warning_signs, *(g.text for g in t.goals),
                  *(x.trigger for x in t.triggers), *(s for x in t.triggers for s in x.coping_strategies)])
        for t in default_templates()).lower()
    for word in ("failure", "failed", "addict", "clean", "dirty", "abuser"):
        assert word not in text


@pytest.fixture
def with_alumnus(sqlite_db):
    member = staff.add_staff(sqlite_db, "Dana Reyes")
    actor = Actor(member.id)
    record = AlumniService(sqlite_db).create(
        AlumnusData(client_id="AC-1", first_name="José", last_name="Núñez", caseworker_id=member.id,
                    support_contacts=[SupportContactData("Luis", Relationship.FRIEND, "3125550142"),
                                      SupportContactData("Rosa", Relationship.SPONSOR, "2125550100"),
                                      SupportContactData("Mamá", Relationship.FAMILY, None)]),
        actor)
    return sqlite_db, actor, record.id


def test_new_plan_from_template(with_alumnus):
    database, _actor, alumnus_id = with_alumnus
    templates = PlanTemplateService(database)
    templates.ensure_default_templates()
    general = next(t for t in templates.list() if t.name == "General early recovery")
    draft = PlanService(database, today=lambda: FIXED_TODAY).new_plan_from_template(alumnus_id, general.id)
    assert draft.is_draft and draft.based_on_version is None
    assert draft.start_date == FIXED_TODAY and draft.next_review_date == date(2026, 9, 13)
    assert draft.cadence_days == 7
    assert draft.triggers == general.triggers and draft.warning_signs == general.warning_signs
    assert [g.text for g in draft.goals] == [g.text for g in general.goals]
    assert [(r.role, r.name) for r in draft.roster] == [
        (RosterRole.OTHER, "Luis"), (RosterRole.SPONSOR, "Rosa"), (RosterRole.FAMILY, "Mamá"),
        (RosterRole.CASEWORKER, "Dana Reyes"),
        (RosterRole.CRISIS_LINE, "988 Suicide & Crisis Lifeline (call or text)"),
        (RosterRole.CRISIS_LINE, "SAMHSA National Helpline (free, confidential, 24/7)"),
    ]
    assert draft.roster[1].phone == "(212) 555-0100" and draft.roster[1].support_contact_id is not None
    assert [r.phone for r in draft.roster[-2:]] == ["988", "1-800-662-4357"]


def test_blank_plan_still_has_the_call_list(with_alumnus):
    database, _actor, alumnus_id = with_alumnus
    draft = PlanService(database, today=lambda: FIXED_TODAY).new_plan_from_template(alumnus_id, None)
    assert draft.triggers == [] and draft.goals == [] and draft.warning_signs == []
    assert len(draft.roster) == 6


def test_meeting_time_round_trips(with_alumnus):
    database, actor, alumnus_id = with_alumnus
    service = PlanService(database, today=lambda: FIXED_TODAY)
    draft = service.new_plan_from_template(alumnus_id, None)
    draft.meetings = [MeetingData(MeetingKind.SMART, "Thursday SMART", 3, time(19, 30), "https://meet.example/x", 2)]
    saved = service.save(draft, actor)
    assert saved.meetings == draft.meetings and saved.meetings[0].weekday_name == "Thursday"
    assert saved.meetings_per_week == 2


@pytest.mark.parametrize("typed, expected", [
    ("19:30", time(19, 30)), ("7:30 pm", time(19, 30)), ("7pm", time(19, 0)), ("7 P.M.", time(19, 0)),
    ("1930", time(19, 30)), ("730", time(7, 30)), ("12:00 AM", time(0, 0)), ("12 pm", time(12, 0)),
    ("0:00", time(0, 0)), ("23:59", time(23, 59)), ("", None), ("  ", None),
])
def test_meeting_times_as_typed(typed, expected):
    assert parse_time(typed) == expected


@pytest.mark.parametrize("typed", ["24:00", "12:60", "13 pm", "0 am", "noon", "7:3", "19:30:00"])
def test_meeting_times_that_are_not(typed):
    with pytest.raises(ValueError, match="is not a time"):
        parse_time(typed)


@pytest.mark.parametrize("value, shown", [(time(0, 5), "12:05 AM"), (time(12, 0), "12:00 PM"),
                                          (time(19, 30), "7:30 PM"), (None, "")])
def test_meeting_times_as_printed(value, shown):
    assert format_time(value) == shown
    if value is not None:
        assert parse_time(shown) == value
