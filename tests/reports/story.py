"""A year in the aftercare of one alumnus, made through the services where they allow it: the record
every document test reads. Names with accents on purpose (Zoë Núñez, her sponsor Nguyễn Văn An).

Dates are relative to `today`; rows the services refuse to back-date (a year of check-ins) go straight
into the tables with the CaseloadBuilder of the early-warning tests.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, time, timedelta

from aftercare_desktop.db import Database
from aftercare_desktop.models.enums import (
    AlumniStatus,
    CheckinCadence,
    CheckinOutcome,
    ContactMethod,
    DischargeType,
    GoalStatus,
    LifeArea,
    MeetingKind,
    Program,
    RecurrenceKind,
    Relationship,
    RosterRole,
)
from aftercare_desktop.models import Alumnus, MeetingAttendance
from aftercare_desktop.services import staff, text
from aftercare_desktop.services.alumni import AlumniService
from aftercare_desktop.services.audit import Actor
from aftercare_desktop.services.plans import (
    CRISIS_LINES,
    GoalData,
    MeetingData,
    PlanService,
    RosterEntryData,
    TriggerData,
)
from aftercare_desktop.services.records import AlumnusData, SupportContactData
from tests.db.caseload_data import CaseloadBuilder, local

SPONSOR = "Nguyễn Văn An"
SISTER = "Chloë Núñez"


@dataclass(frozen=True)
class Story:
    alumnus_id: int
    newcomer_id: int  # made today, nothing recorded yet
    caseworker_id: int
    caseworker: str
    actor: Actor
    recurrence_on: date
    sober_since: date


def alumnus(database: Database, today: date, actor: Actor, *, client_id: str, first: str, last: str,
            caseworker_id: int | None, **values) -> AlumnusData:
    data = AlumnusData(client_id=client_id, first_name=first, last_name=last, caseworker_id=caseworker_id, **values)
    return AlumniService(database, today=lambda: today).create(data, actor)


def make_story(database: Database, today: date, *, weeks: int = 52) -> Story:
    caseworker = "Đặng Thu Trang"
    caseworker_id = staff.add_staff(database, caseworker).id
    actor = Actor(caseworker_id)
    build = CaseloadBuilder(database, today)
    recurrence_on = today - timedelta(days=100)
    sober_since = recurrence_on + timedelta(days=1)
    zoe = alumnus(
        database, today, actor, client_id="AC-0042", first="Zoë", last="Núñez", caseworker_id=caseworker_id,
        pronouns="she/her", date_of_birth=date(1991, 3, 14), program=Program.RESIDENTIAL,
        admission_date=today - timedelta(days=430), discharge_date=today - timedelta(days=400),
        discharge_type=DischargeType.COMPLETED, sobriety_start_date=sober_since,
        opted_in_on=today - timedelta(days=400), status=AlumniStatus.ACTIVE,
        phone_mobile="+1 212 555 0142", address="12 Hidden Street",
        support_contacts=[SupportContactData(SPONSOR, Relationship.SPONSOR, "+1 212 555 0101"),
                          SupportContactData(SISTER, Relationship.FAMILY, "+1 212 555 0177")],
    )
    newcomer = _newcomer(database, today, caseworker_id)
    plans = PlanService(database, today=lambda: today)
    contacts = plans.roster_choices(zoe.id)
    plans.save(replace(
        plans.new_plan_from_template(zoe.id, None),
        start_date=today - timedelta(days=380), next_review_date=today + timedelta(days=30),
        checkin_cadence=CheckinCadence.WEEKLY, preferred_method=ContactMethod.PHONE,
        goals=[GoalData("Go to 90 meetings in 90 days", LifeArea.RECOVERY, today - timedelta(days=200),
                        GoalStatus.ACHIEVED),
               GoalData("Find steady work as a line cook", LifeArea.WORK_EDUCATION, today + timedelta(days=60),
                        GoalStatus.IN_PROGRESS),
               GoalData("Call my sister Chloë every Sunday", LifeArea.FAMILY, None, GoalStatus.NOT_STARTED)],
        triggers=[TriggerData("Payday Friday", ["Give my card to Chloë", "Go to the 6 pm meeting"]),
                  TriggerData("Old friends from the bar", ["Leave and call my sponsor"])],
        warning_signs=["Skipping breakfast", "Sleeping past noon"],
        meetings=[MeetingData(MeetingKind.AA, "Downtown Serenity Group", 1, time(19, 30), "St. Mark's Hall, 5th Ave", 2),
                  MeetingData(MeetingKind.SMART, None, 4, time(18, 0), "https://meet.example.org/smart", 1)],
        roster=[next(entry for entry in contacts if entry.name == SPONSOR),
                next(entry for entry in contacts if entry.name == SISTER),
                RosterEntryData(RosterRole.OTHER, "Café Luz warm line", "(212) 555-0199"),
                *CRISIS_LINES],
    ), actor)
    for week in range(weeks):
        ago = 7 * week + 1
        mood = 2 + (week * 7) % 4
        craving = (week * 3) % 9
        if week % 9 == 4:
            build.checkin(zoe.id, ago, CheckinOutcome.NO_ANSWER)
            continue
        build.checkin(zoe.id, ago, mood=mood, craving=craving, meetings=2,
                      signs=("Sleeping past noon",) if week % 11 == 0 else ())
    for day in range(0, 7 * weeks, 3):
        kind = MeetingKind.AA if day % 2 == 0 else MeetingKind.SMART
        with database.session() as session:
            session.add(MeetingAttendance(alumnus_id=zoe.id, met_on=today - timedelta(days=day), kind=kind,
                                          attended=day % 5 != 0, verified=day % 4 == 0))
            session.commit()
    for number, total in enumerate((36, 41, 44, 40, 47, 51)):
        build.assessment(zoe.id, "BARC-10", 7 + 60 * number, total)
    for number, total in enumerate((92, 80, 71)):
        build.assessment(zoe.id, "AWARE", 20 + 90 * number, total)
    build.recurrence(zoe.id, 100, RecurrenceKind.LAPSE)
    build.celebration(zoe.id, sober_since, "90d")
    return Story(zoe.id, newcomer, caseworker_id, caseworker, actor, recurrence_on, sober_since)


def _newcomer(database: Database, today: date, caseworker_id: int) -> int:
    """Noé Åberg, whose record was made this morning (by `today`'s clock, not the machine's)."""
    made = local(today, 9)
    with database.session() as session:
        row = Alumnus(client_id="AC-0043", first_name="Noé", last_name="Åberg", caseworker_id=caseworker_id,
                      sort_name=text.sort_name("Noé", "Åberg"), search_text=text.search_text("Noé", "Åberg"),
                      created_at=made, updated_at=made)
        session.add(row)
        session.commit()
        return row.id
