"""Demo data: deterministic by seed, varied, valid for the app's own checks, and refused on real data."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

import phonenumbers
import pytest
from sqlalchemy import create_engine, func, select

from aftercare_desktop.db import Database, resolve_url
from aftercare_desktop.errors import AftercareError
from aftercare_desktop.models import (
    AftercarePlan,
    Alumnus,
    AlumniStatusChange,
    AssessmentResult,
    Base,
    CheckIn,
    MeetingAttendance,
    MilestoneCelebration,
    PlanMeeting,
    PlanRosterEntry,
    RecurrenceEvent,
    SobrietyDateChange,
    StaffMember,
    SupportContact,
    UTCDateTime,
)
from aftercare_desktop.models.enums import (
    AlumniStatus,
    CheckinCadence,
    CheckinOutcome,
    MeetingKind,
    PlanStatus,
    Program,
    RecoveryPathway,
    RosterRole,
    SobrietyChangeKind,
    StaffRole,
)
from aftercare_desktop.schema import ensure_schema
from aftercare_desktop.services import demo
from aftercare_desktop.services.alumni import refresh_search_keys
from aftercare_desktop.services.checkins import CheckInData, check_checkin, normalise
from aftercare_desktop.services.demo.context import Context, ProgressReporter, step_rng
from aftercare_desktop.services.demo.names import name_pools
from aftercare_desktop.services.demo.people import CASELOAD, CASEWORKERS_PER_COORDINATOR, STATUS_SHARES, StaffStep
from aftercare_desktop.services.demo.writer import sqlite_timestamp
from aftercare_desktop.services.instruments import load_instruments, score
from aftercare_desktop.services.plans import CRISIS_LINES, PlanService, check_plan
from aftercare_desktop.services.records import EDITABLE_FIELDS, AlumnusData, SupportContactData
from aftercare_desktop.services.sobriety import milestone_for
from aftercare_desktop.services.validation import Severity, age_on, check_alumnus, normalise_phone
from tests.conftest import FIXED_TODAY

# The tables of the first four steps (staff, alumni, support contacts, status history).
EARLIER_TABLES = ("staff_members", "alumni", "support_contacts", "alumni_status_history")
CEILING = datetime.combine(FIXED_TODAY - timedelta(days=1), datetime.min.time(), tzinfo=timezone.utc)

FICTIONAL_PHONE = re.compile(r"^\(\d{3}\) 555-01\d\d$")


def fresh_database(folder, name: str = "demo.sqlite") -> Database:
    database = Database.open(resolve_url(folder / name))
    ensure_schema(database)
    return database


def digest(database: Database, tables: tuple[str, ...] | None = None) -> str:
    """A hash of every row of every table (or of `tables`), in id order."""
    result = hashlib.sha256()
    with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if tables is not None and table.name not in tables:
                continue
            for row in connection.execute(select(table).order_by(*table.primary_key.columns)):
                result.update(repr((table.name, tuple(row))).encode())
    return result.hexdigest()


def rows_of(database: Database, model) -> list:
    table = model.__table__
    with database.engine.connect() as connection:
        return connection.execute(select(table).order_by(table.c[next(iter(table.primary_key.columns)).name])).all()


@pytest.fixture(scope="module")
def demo500(tmp_path_factory):
    """One generated database of 500 alumni, shared by the read-only tests of this module."""
    database = fresh_database(tmp_path_factory.mktemp("demo500"))
    calls: list[tuple[int, int]] = []
    summary = demo.generate(database, alumni=500, seed=7, today=FIXED_TODAY,
                                 progress=lambda done, total: calls.append((done, total)))
    with database.session() as session:
        alumni = session.scalars(select(Alumnus).order_by(Alumnus.id)).all()
        contacts = session.scalars(select(SupportContact).order_by(SupportContact.id)).all()
        history = session.scalars(
            select(AlumniStatusChange).order_by(AlumniStatusChange.changed_at, AlumniStatusChange.id)
        ).all()
        staff = session.scalars(select(StaffMember).order_by(StaffMember.id)).all()
        session.expunge_all()
    day = {"check_ins": rows_of(database, CheckIn), "plans": rows_of(database, AftercarePlan),
           "meetings": rows_of(database, PlanMeeting), "roster": rows_of(database, PlanRosterEntry),
           "attendance": rows_of(database, MeetingAttendance), "recurrences": rows_of(database, RecurrenceEvent),
           "sobriety_changes": rows_of(database, SobrietyDateChange),
           "assessments": rows_of(database, AssessmentResult),
           "celebrations": rows_of(database, MilestoneCelebration)}
    yield {"database": database, "summary": summary, "progress": calls, "alumni": alumni,
           "contacts": contacts, "history": history, "staff": staff, **day}
    database.dispose()


# -- determinism --------------------------------------------------------------------------------

def test_same_seed_gives_identical_rows_and_another_seed_does_not(tmp_path):
    first, second, other = (fresh_database(tmp_path, f"{name}.sqlite") for name in ("a", "b", "c"))
    try:
        for database, seed in ((first, 7), (second, 7), (other, 8)):
            # Fresh Faker pools each time: the pools themselves must come out the same, too.
            name_pools.cache_clear()
            demo.generate(database, alumni=150, seed=seed, today=FIXED_TODAY)
        assert digest(first) == digest(second)
        assert digest(first) != digest(other)
    finally:
        for database in (first, second, other):
            database.dispose()


def test_a_step_added_later_leaves_earlier_rows_unchanged(tmp_path, monkeypatch):
    class GreedyStep:
        """Stands in for a future step (plans, check-ins): it draws plenty of random numbers."""

        name = "future_step"
        per_alumnus = 1

        def run(self, context, rng):
            for _ in range(10_000):
                rng.random()
            context.progress.advance(len(context.alumni))

    plain, extended = fresh_database(tmp_path, "plain.sqlite"), fresh_database(tmp_path, "extended.sqlite")
    try:
        demo.generate(plain, alumni=100, seed=7, today=FIXED_TODAY)
        monkeypatch.setattr(demo, "STEPS", (*demo.STEPS, GreedyStep))
        demo.generate(extended, alumni=100, seed=7, today=FIXED_TODAY)
        assert digest(plain) == digest(extended)
    finally:
        plain.dispose()
        extended.dispose()


def test_the_caseworkers_day_leaves_the_earlier_steps_rows_as_they_were(tmp_path, monkeypatch):
    """Plans, check-ins and the rest came later: staff, alumni (sobriety dates included), contacts and
    status history of a seed are what they were before them."""
    full, earlier = fresh_database(tmp_path, "full.sqlite"), fresh_database(tmp_path, "earlier.sqlite")
    try:
        summary = demo.generate(full, alumni=200, seed=7, today=FIXED_TODAY)
        assert summary.check_ins > 0 and summary.plans > 0
        # The alumni, their contacts and status history; no caseworker's day, no mentor program.
        monkeypatch.setattr(demo, "STEPS", demo.STEPS[:3])
        monkeypatch.setattr(demo, "POPULATION_STEPS", ())
        demo.generate(earlier, alumni=200, seed=7, today=FIXED_TODAY)
        assert digest(full, EARLIER_TABLES) == digest(earlier, EARLIER_TABLES)
        assert rows_of(earlier, CheckIn) == []
    finally:
        full.dispose()
        earlier.dispose()


def test_the_rows_are_the_same_whatever_the_number_of_workers(tmp_path, monkeypatch):
    """Chunks are made in worker processes; the rows depend on the seed and the chunks only."""
    monkeypatch.setattr(demo, "ALUMNI_PER_CHUNK", 70)  # 250 alumni in 4 chunks, the last one short
    made = {}
    for workers in (1, 3):
        database = fresh_database(tmp_path, f"workers{workers}.sqlite")
        try:
            summary = demo.generate(database, alumni=250, seed=7, today=FIXED_TODAY, workers=workers)
            made[workers] = digest(database)
            with database.engine.connect() as connection:
                ids = connection.execute(select(Alumnus.id).order_by(Alumnus.id)).scalars().all()
                client_ids = connection.execute(select(Alumnus.client_id).order_by(Alumnus.id)).scalars().all()
                contacts = connection.execute(select(SupportContact.alumnus_id)).scalars().all()
        finally:
            database.dispose()
        # The chunks' ids were shifted into one run of ids, in discharge order, and their rows
        # still point at their own alumni.
        assert ids == list(range(1, 251)) and client_ids == sorted(client_ids)
        assert set(contacts) <= set(ids) and summary.support_contacts == len(contacts)
    assert made[1] == made[3]


# -- size, summary, progress, refusals ----------------------------------------------------------

def test_summary_counts_match_the_tables_and_hold_no_names(demo500):
    summary = demo500["summary"]
    assert summary.alumni == len(demo500["alumni"]) == 500
    assert summary.staff == len(demo500["staff"])
    assert summary.support_contacts == len(demo500["contacts"])
    assert summary.status_changes == len(demo500["history"])
    assert summary.plans == len(demo500["plans"])
    assert summary.check_ins == len(demo500["check_ins"])
    assert summary.meeting_attendance == len(demo500["attendance"])
    assert summary.recurrences == len(demo500["recurrences"])
    assert summary.assessments == len(demo500["assessments"])
    assert summary.celebrations == len(demo500["celebrations"])
    text = summary.describe()
    assert "500 alumni" in text and "check-ins" in text and "\n" not in text
    names = {a.first_name for a in demo500["alumni"]} | {a.last_name for a in demo500["alumni"]}
    assert not [name for name in names if re.search(rf"\b{re.escape(name)}\b", text)]


def test_progress_rises_to_the_total(demo500):
    calls = demo500["progress"]
    assert calls, "no progress was reported"
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert len({total for _, total in calls}) == 1
    assert calls[-1][0] == calls[-1][1]


def test_a_database_that_holds_alumni_is_refused_and_left_alone(tmp_path):
    database = fresh_database(tmp_path)
    try:
        demo.generate(database, alumni=100, seed=7, today=FIXED_TODAY)
        before = digest(database)
        with pytest.raises(AftercareError, match=r"already holds 100 alumni; demo data goes into an empty database"):
            demo.generate(database, alumni=100, seed=8, today=FIXED_TODAY)
        assert digest(database) == before
    finally:
        database.dispose()


@pytest.mark.parametrize("count", [demo.MIN_ALUMNI - 1, demo.MAX_ALUMNI + 1])
def test_counts_outside_the_range_are_refused(sqlite_db, count):
    with pytest.raises(AftercareError, match="100 to 100,000"):
        demo.generate(sqlite_db, alumni=count)
    with sqlite_db.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(StaffMember)).scalar_one() == 0


# -- variety ------------------------------------------------------------------------------------

def test_every_status_and_program_appears_and_most_alumni_are_active(demo500):
    alumni = demo500["alumni"]
    statuses = Counter(a.status for a in alumni)
    assert set(statuses) == set(AlumniStatus)
    assert 0.7 < statuses[AlumniStatus.ACTIVE] / len(alumni) < 0.85
    assert {a.program for a in alumni} == set(Program)
    archived = [a for a in alumni if a.archived_at is not None]
    assert 0 < len(archived) < 0.1 * len(alumni)


def test_names_are_diverse(demo500):
    alumni = demo500["alumni"]
    accented = [a for a in alumni if not (a.first_name + a.last_name).isascii()]
    hyphenated = [a for a in alumni if "-" in a.last_name]
    two_part = [a for a in alumni if " " in a.last_name]
    assert len(accented) >= 25
    assert len(hyphenated) >= 5
    assert len(two_part) >= 10
    assert len({(a.first_name, a.last_name) for a in alumni}) > 0.95 * len(alumni)
    assert any(a.preferred_name for a in alumni)
    assert {"she/her", "he/him", "they/them"} <= {a.pronouns for a in alumni}


def test_about_a_fifth_speak_spanish_and_other_languages_appear(demo500):
    alumni = demo500["alumni"]
    spanish = [a for a in alumni if "Spanish" in a.languages]
    assert 0.14 < len(spanish) / len(alumni) < 0.26
    assert {tuple(a.languages) for a in spanish} >= {("Spanish",), ("Spanish", "English")}
    others = {language for a in alumni for language in a.languages} - {"English", "Spanish"}
    assert len(others) >= 2


def test_substances_pathways_flags_and_notes_vary(demo500):
    alumni = demo500["alumni"]
    substances = {s for a in alumni for s in a.substances}
    assert {"Alcohol", "Opioids", "Cocaine", "Methamphetamine", "Cannabis"} <= substances
    assert all(a.substances for a in alumni)
    pathways = {p for a in alumni for p in a.recovery_pathways}
    assert pathways == {p.value for p in RecoveryPathway}
    for flag in ("wants_mentor", "consents_to_mentor_program"):
        assert 0 < sum(getattr(a, flag) for a in alumni) < len(alumni)
    assert 0 < sum(1 for a in alumni if a.notes) < len(alumni)


# -- validity -----------------------------------------------------------------------------------

def as_data(alumnus: Alumnus, contacts: list[SupportContact]) -> AlumnusData:
    return AlumnusData(
        **{name: getattr(alumnus, name) for name in EDITABLE_FIELDS},
        status=alumnus.status,
        support_contacts=[SupportContactData(c.name, c.relation, c.phone, c.availability) for c in contacts],
    )


def test_records_pass_the_app_validator_unchanged(demo500):
    contacts_of: dict[int, list[SupportContact]] = {}
    for contact in demo500["contacts"]:
        contacts_of.setdefault(contact.alumnus_id, []).append(contact)
    for alumnus in demo500["alumni"][::5]:
        data = as_data(alumnus, sorted(contacts_of.get(alumnus.id, []), key=lambda c: c.call_order))
        checked = check_alumnus(data, today=FIXED_TODAY)
        assert checked.problems == (), checked.problems
        # Already in the form the app stores, so editing a demo record changes nothing by itself.
        for name in EDITABLE_FIELDS:
            assert getattr(checked.data, name) == getattr(data, name), name
        assert checked.data.support_contacts == data.support_contacts


def test_dates_are_plausible(demo500):
    ceiling = datetime.combine(FIXED_TODAY - timedelta(days=1), datetime.min.time(), tzinfo=timezone.utc)
    for a in demo500["alumni"]:
        assert 18 <= age_on(a.date_of_birth, FIXED_TODAY) <= 75
        assert age_on(a.date_of_birth, a.admission_date) >= 18
        assert a.admission_date <= a.discharge_date < FIXED_TODAY
        assert a.sobriety_start_date is None or a.date_of_birth < a.sobriety_start_date < FIXED_TODAY
        assert a.created_at <= a.updated_at < ceiling
        assert a.opted_in_on == a.created_at.date()
        assert (a.opted_out_on is not None) == (a.status is AlumniStatus.OPTED_OUT)
        assert a.archived_at is None or a.created_at < a.archived_at < ceiling
        assert a.row_version == 1
    discharges = [a.discharge_date for a in demo500["alumni"]]
    assert discharges == sorted(discharges), "ids follow the order of discharge"


def test_phones_emails_and_client_ids_are_fictional_and_well_formed(demo500):
    phones = [p for a in demo500["alumni"] for p in (a.phone_mobile, a.phone_home) if p]
    phones += [c.phone for c in demo500["contacts"] if c.phone]
    for phone in phones:
        assert FICTIONAL_PHONE.match(phone), phone
        assert phonenumbers.is_valid_number(phonenumbers.parse(phone, "US")), phone
        assert normalise_phone(phone) == (phone, None)
    emails = [a.email for a in demo500["alumni"] if a.email]
    assert len(emails) > 250
    assert all(re.fullmatch(r"[a-z0-9.]+@example\.(com|org)", e) for e in emails)
    client_ids = [a.client_id for a in demo500["alumni"]]
    assert len(set(client_ids)) == len(client_ids)
    assert all(re.fullmatch(r"AC-\d{6}", c) for c in client_ids)


def test_search_keys_are_the_ones_the_app_computes(demo500):
    for alumnus in demo500["alumni"]:
        stored = (alumnus.sort_name, alumnus.search_text, alumnus.phone_digits)
        refresh_search_keys(alumnus)
        assert (alumnus.sort_name, alumnus.search_text, alumnus.phone_digits) == stored


# -- staff, contacts, history -------------------------------------------------------------------

def test_staff_are_caseworkers_and_one_or_two_coordinators(demo500):
    staff = demo500["staff"]
    roles = Counter(s.role for s in staff)
    assert 6 <= len(staff) <= 12
    assert 1 <= roles[StaffRole.COORDINATOR] <= 2
    assert roles[StaffRole.CASEWORKER] == len(staff) - roles[StaffRole.COORDINATOR]
    caseworkers = {s.id for s in staff if s.role is StaffRole.CASEWORKER}
    assigned = Counter(a.caseworker_id for a in demo500["alumni"])
    assert set(assigned) - {None} == caseworkers
    assert assigned[None] < 0.1 * len(demo500["alumni"])


def test_a_large_program_has_enough_caseworkers_for_real_caseloads(tmp_path):
    """100,000 alumni are not five caseworkers' caseload: "my caseload" must stay a day's work."""
    database = fresh_database(tmp_path)
    with database.engine.begin() as connection:
        context = Context(connection=connection, alumni_wanted=100_000, seed=3, today=FIXED_TODAY,
                          pools=name_pools(3), progress=ProgressReporter(None, 1))
        StaffStep().run(context, step_rng(3, "staff"))
    roles = Counter(s.role for s in context.staff)
    active = 100_000 * dict(STATUS_SHARES)[AlumniStatus.ACTIVE]
    assert active / roles[StaffRole.CASEWORKER] <= CASELOAD
    assert roles[StaffRole.COORDINATOR] * CASEWORKERS_PER_COORDINATOR >= roles[StaffRole.CASEWORKER]
    assert len({s.display_name.casefold() for s in context.staff}) == len(context.staff)


def test_support_contacts_come_in_call_order(demo500):
    orders: dict[int, list[int]] = {}
    for contact in demo500["contacts"]:
        orders.setdefault(contact.alumnus_id, []).append(contact.call_order)
    sizes = Counter(len(v) for v in orders.values())
    assert set(sizes) == {1, 2, 3, 4}
    assert len(orders) < len(demo500["alumni"]), "some alumni have no support contacts"
    assert all(order == list(range(len(order))) for order in orders.values())
    assert {c.relation.value for c in demo500["contacts"]} >= {"sponsor", "family", "friend", "therapist"}


def test_each_alumnus_has_a_status_history_ending_in_the_current_status(demo500):
    history: dict[int, list[AlumniStatusChange]] = {}
    for change in demo500["history"]:
        history.setdefault(change.alumnus_id, []).append(change)
    for alumnus in demo500["alumni"]:
        steps = history[alumnus.id]
        assert steps[0].reason == "Record created" and steps[0].old_status is None
        assert steps[0].changed_at == alumnus.created_at
        assert steps[-1].new_status is alumnus.status
        assert all(before.new_status is after.old_status for before, after in zip(steps, steps[1:]))
        if alumnus.status is not AlumniStatus.ACTIVE:
            assert len(steps) >= 2


# -- the caseworker's day: plans ------------------------------------------------------------------

def test_most_active_alumni_have_exactly_one_active_plan_and_some_have_older_versions(demo500):
    by_alumnus = defaultdict(list)
    for plan in demo500["plans"]:
        by_alumnus[plan.alumnus_id].append(plan)
    for plans in by_alumnus.values():
        plans.sort(key=lambda p: p.version)
        assert [p.version for p in plans] == list(range(1, len(plans) + 1))
        assert [p.status for p in plans] == [PlanStatus.SUPERSEDED] * (len(plans) - 1) + [PlanStatus.ACTIVE]
        for older, newer in zip(plans, plans[1:]):
            assert older.superseded_at == newer.created_at
            assert older.start_date <= newer.start_date
        assert plans[-1].superseded_at is None
    active = [a for a in demo500["alumni"] if a.status is AlumniStatus.ACTIVE and a.archived_at is None]
    with_plan = [a for a in active if a.id in by_alumnus]
    assert 0.8 < len(with_plan) / len(active) < 0.97
    assert sum(1 for plans in by_alumnus.values() if len(plans) > 1) >= 0.05 * len(by_alumnus)
    assert {p.checkin_cadence for p in demo500["plans"]} == set(CheckinCadence)


def test_plans_pass_the_plan_check_and_read_back_whole(demo500):
    service = PlanService(demo500["database"], today=lambda: FIXED_TODAY)
    areas, kinds, spanish = set(), set(), 0
    for plan in demo500["plans"][::4]:
        data = service.get(plan.id)
        checked = check_plan(data, today=FIXED_TODAY)
        assert [p for p in checked.problems if p.severity is Severity.ERROR] == []
        # An older version had a goal and a trigger fewer.
        low = 2 if plan.status is PlanStatus.ACTIVE else 1
        assert low <= len(data.goals) <= 3 and low <= len(data.triggers) <= 3 and 2 <= len(data.warning_signs) <= 4
        assert all(1 <= len(t.coping_strategies) <= 3 for t in data.triggers)
        # Their own warning signs: short, in the first person (English or Spanish).
        assert all(len(sign) <= 80 for sign in data.warning_signs)
        spanish += any(sign.startswith(("Dejo", "Digo", "No ", "Me ", "Pienso", "Ando", "Extraño", "Vuelvo"))
                       for sign in data.warning_signs)
        areas |= {g.life_area for g in data.goals}
        kinds |= {m.kind for m in data.meetings}
        # The call list: support contacts in their order, the caseworker, then the two crisis lines.
        assert [(r.name, r.phone) for r in data.roster[-2:]] == [(c.name, c.phone) for c in CRISIS_LINES]
        assert {"988", "1-800-662-4357"} == {r.phone for r in data.roster[-2:]}
    assert len(areas) >= 5
    assert kinds >= {MeetingKind.AA, MeetingKind.NA, MeetingKind.SMART, MeetingKind.ALUMNI_GROUP}
    assert spanish > 0


def test_roster_follows_the_support_contacts_and_names_the_caseworker(demo500):
    contacts = defaultdict(list)
    for contact in demo500["contacts"]:
        contacts[contact.alumnus_id].append(contact)
    caseworker_of = {a.id: a.caseworker_id for a in demo500["alumni"]}
    names = {s.id: s.display_name for s in demo500["staff"]}
    roster = defaultdict(list)
    for line in demo500["roster"]:
        roster[line.plan_id].append(line)
    for plan in demo500["plans"]:
        lines = sorted(roster[plan.id], key=lambda line: line.position)
        assert [line.position for line in lines] == list(range(len(lines)))
        own = sorted(contacts[plan.alumnus_id], key=lambda c: c.call_order)
        assert [line.support_contact_id for line in lines[:len(own)]] == [c.id for c in own]
        rest = lines[len(own):]
        if caseworker_of[plan.alumnus_id] is not None:
            assert (rest[0].role, rest[0].name) == (RosterRole.CASEWORKER, names[caseworker_of[plan.alumnus_id]])
            rest = rest[1:]
        assert [line.role for line in rest] == [RosterRole.CRISIS_LINE] * 2


def test_online_meetings_have_a_link_and_others_an_address(demo500):
    places = [m.place for m in demo500["meetings"]]
    assert any(place.startswith("https://meet.example.org/") for place in places)
    assert any(re.search(r"\d+ \w+", place) for place in places if not place.startswith("https://"))
    for meeting in demo500["meetings"]:
        assert 1 <= meeting.per_week <= 3
        assert (meeting.weekday is None) == (meeting.per_week > 1)


# -- check-ins ----------------------------------------------------------------------------------

def as_checkin(row) -> CheckInData:
    return CheckInData(
        occurred_at=row.occurred_at, method=row.method, outcome=row.outcome, staff_id=row.staff_id,
        mentor_id=row.mentor_id, mood=row.mood, craving=row.craving, used_since_last=row.used_since_last,
        meetings_attended=row.meetings_attended, warning_signs=list(row.warning_signs), notes=row.notes,
        follow_up_due=row.follow_up_due,
    )


def test_every_check_in_passes_the_check_in_validator_as_stored(demo500):
    assert demo500["check_ins"]
    for row in demo500["check_ins"]:
        data = as_checkin(row)
        # Checked as at the moment it was logged, a few minutes after it happened.
        assert check_checkin(data, row.created_at) == [], row.id
        assert normalise(data) == data
        assert row.occurred_at < row.created_at < CEILING
        assert row.follow_up_done_at is None or row.occurred_at < row.follow_up_done_at < CEILING


def test_check_ins_follow_the_cadence_and_end_recently(demo500):
    by_alumnus = defaultdict(list)
    for row in demo500["check_ins"]:
        if row.mentor_id is None:  # the team's own; a mentor calls at their own rhythm
            by_alumnus[row.alumnus_id].append(row)
    active = {a.id for a in demo500["alumni"] if a.status is AlumniStatus.ACTIVE and a.archived_at is None}
    followed = [rows for alumnus_id, rows in by_alumnus.items() if alumnus_id in active]
    assert len(followed) > 0.9 * len(active)
    last_contact = Counter((FIXED_TODAY - max(r.occurred_at for r in rows).date()).days <= 35 for rows in followed)
    assert last_contact[True] > 0.9 * len(followed)
    sizes = [len(rows) for rows in by_alumnus.values()]
    assert 5 < sum(sizes) / len(sizes) < 14 and max(sizes) <= 30
    outcomes = Counter(r.outcome for r in demo500["check_ins"])
    assert outcomes[CheckinOutcome.REACHED] > 0.75 * len(demo500["check_ins"])
    assert outcomes[CheckinOutcome.NO_ANSWER] and outcomes[CheckinOutcome.LEFT_MESSAGE]


def test_some_follow_ups_are_due_and_most_are_done(demo500):
    follow_ups = [r for r in demo500["check_ins"] if r.follow_up_due is not None]
    open_due = [r for r in follow_ups if r.follow_up_done_at is None and r.follow_up_due <= FIXED_TODAY]
    done = [r for r in follow_ups if r.follow_up_done_at is not None]
    assert open_due and len(done) > len(follow_ups) / 2


def reached_by_alumnus(check_ins) -> dict[int, list]:
    by_alumnus = defaultdict(list)
    for row in sorted(check_ins, key=lambda r: (r.alumnus_id, r.occurred_at)):
        by_alumnus[row.alumnus_id].append(row)
    return by_alumnus


def unanswered_at_the_end(rows) -> int:
    count = 0
    for row in reversed(rows):
        if row.outcome is CheckinOutcome.REACHED:
            break
        count += 1
    return count


def test_steady_alumni_are_the_many_and_their_mood_and_cravings_look_it(demo500):
    by_alumnus = reached_by_alumnus(demo500["check_ins"])
    moods = [r.mood for rows in by_alumnus.values() for r in rows if r.mood is not None]
    cravings = [r.craving for rows in by_alumnus.values() for r in rows if r.craving is not None]
    assert 3.4 < sum(moods) / len(moods) < 4.4
    assert sum(cravings) / len(cravings) < 3.5
    assert Counter(moods)[5] and Counter(moods)[1]
    signs = [r for rows in by_alumnus.values() for r in rows if r.warning_signs]
    assert 0.05 < len(signs) / sum(len(rows) for rows in by_alumnus.values()) < 0.3


def test_sliding_alumni_stop_answering_and_crave_more(demo500):
    active = {a.id for a in demo500["alumni"] if a.status is AlumniStatus.ACTIVE and a.archived_at is None}
    by_alumnus = {k: v for k, v in reached_by_alumnus(demo500["check_ins"]).items() if k in active}
    quiet = [rows for rows in by_alumnus.values()
             if unanswered_at_the_end(rows) >= 3 and (FIXED_TODAY - rows[-1].occurred_at.date()).days <= 14]
    assert len(quiet) >= 0.02 * len(by_alumnus)

    def rising(rows) -> bool:
        cravings = [r.craving for r in rows if r.craving is not None][-4:]
        return len(cravings) == 4 and cravings[-1] - cravings[0] >= 3 and cravings == sorted(cravings)

    def falling_mood(rows) -> bool:
        moods = [r.mood for r in rows if r.mood is not None]
        return len(moods) >= 6 and sum(moods[-3:]) / 3 <= sum(moods[:-3]) / len(moods[:-3]) - 1

    assert sum(1 for rows in by_alumnus.values() if rising(rows)) >= 0.02 * len(by_alumnus)
    assert sum(1 for rows in by_alumnus.values() if falling_mood(rows)) >= 0.03 * len(by_alumnus)
    # Before they stopped answering, they ticked warning signs far more often than everyone does.
    def sign_rate(groups):
        last_reached = [[r for r in rows if r.outcome is CheckinOutcome.REACHED][-3:] for rows in groups]
        return sum(1 for rows in last_reached for r in rows if r.warning_signs) / sum(map(len, last_reached))
    assert sign_rate(quiet) > 2 * sign_rate(by_alumnus.values())


def test_meeting_attendance_is_recorded_for_the_last_weeks_and_follows_the_course(demo500):
    attendance = demo500["attendance"]
    assert attendance
    assert all(FIXED_TODAY - timedelta(days=28) <= r.met_on <= FIXED_TODAY - timedelta(days=2) for r in attendance)
    assert all(r.met_on <= r.created_at.date() and r.created_at < CEILING for r in attendance)
    group = [r for r in attendance if r.kind is MeetingKind.ALUMNI_GROUP]
    assert group and all(r.verified for r in group)
    went = sum(r.attended for r in attendance) / len(attendance)
    assert 0.6 < went < 0.95
    # Those who stopped answering went to fewer meetings.
    by_alumnus = reached_by_alumnus(demo500["check_ins"])
    quiet = {k for k, rows in by_alumnus.items() if unanswered_at_the_end(rows) >= 3}
    theirs = [r.attended for r in attendance if r.alumnus_id in quiet]
    assert theirs and sum(theirs) / len(theirs) < went - 0.15


# -- returns to use and milestones ---------------------------------------------------------------

def test_returns_to_use_moved_the_sobriety_date_and_left_a_history(demo500):
    alumni = {a.id: a for a in demo500["alumni"]}
    changes = defaultdict(list)
    for change in demo500["sobriety_changes"]:
        changes[change.alumnus_id].append(change)
    events = defaultdict(list)
    for event in demo500["recurrences"]:
        events[event.alumnus_id].append(event)
    check_ins = {r.id: r for r in demo500["check_ins"]}
    # Every sobriety date after discharge is a new start after a return to use, and nothing else is.
    moved = {a.id for a in alumni.values() if a.sobriety_start_date and a.sobriety_start_date > a.discharge_date}
    assert set(events) == set(changes) == moved
    linked = 0
    for alumnus_id, history in changes.items():
        history.sort(key=lambda c: c.changed_at)
        assert all(c.kind is SobrietyChangeKind.RECURRENCE and c.old_date < c.new_date for c in history)
        assert history[-1].new_date == alumni[alumnus_id].sobriety_start_date
        assert all(a.new_date == b.old_date for a, b in zip(history, history[1:]))
        for event, change in zip(sorted(events[alumnus_id], key=lambda e: e.occurred_on), history):
            assert change.new_date == event.occurred_on + timedelta(days=1)
            assert change.reason == f"{event.kind.value.capitalize()} on {event.occurred_on.isoformat()}"
            assert event.recorded_at == change.changed_at < CEILING
            assert event.occurred_on < event.recorded_at.date()
            if event.check_in_id is not None:
                linked += 1
                told = check_ins[event.check_in_id]
                assert told.alumnus_id == alumnus_id and told.used_since_last is True
                assert told.occurred_at.date() > event.occurred_on
    assert linked > 0
    recent = [e for e in demo500["recurrences"] if (FIXED_TODAY - e.occurred_on).days <= 30]
    assert recent, "a return to use in the last month shows on the Today page"


def test_celebrations_are_of_milestones_reached_and_counted_from_a_start_date_they_had(demo500):
    alumni = {a.id: a for a in demo500["alumni"]}
    starts = defaultdict(set)
    for change in demo500["sobriety_changes"]:
        starts[change.alumnus_id] |= {change.old_date, change.new_date}
    assert demo500["celebrations"]
    keys = set()
    for celebration in demo500["celebrations"]:
        alumnus = alumni[celebration.alumnus_id]
        assert celebration.sobriety_start_date in starts[alumnus.id] | {alumnus.sobriety_start_date}
        milestone = milestone_for(celebration.sobriety_start_date, celebration.milestone)
        assert milestone.on - timedelta(days=14) <= celebration.celebrated_on <= FIXED_TODAY - timedelta(days=2)
        keys.add(celebration.milestone)
    assert {"30d", "90d", "1y"} <= keys
    unique = {(c.alumnus_id, c.sobriety_start_date, c.milestone) for c in demo500["celebrations"]}
    assert len(unique) == len(demo500["celebrations"])


# -- assessments --------------------------------------------------------------------------------

def test_assessment_totals_and_bands_are_the_scorers_from_the_stored_answers(demo500):
    definitions = load_instruments()
    seen = Counter()
    for result in demo500["assessments"]:
        definition = definitions[result.instrument]
        scored = score(definition, result.answers)
        assert (result.total, result.band) == (scored.total, scored.band.label)
        assert definition.total_min <= result.total <= definition.total_max
        assert result.administered_on <= FIXED_TODAY - timedelta(days=2) and result.created_at < CEILING
        seen[result.instrument] += 1
    assert seen["BARC-10"] > seen["AWARE"] > 0
    barc = [r.total for r in demo500["assessments"] if r.instrument == "BARC-10"]
    assert 0.05 < sum(1 for t in barc if t < 47) / len(barc) < 0.45, "some below the cut-off, most above"
    # AWARE's reverse-scored items really are answered the other way round.
    aware = definitions["AWARE"]
    reverse = [item.number - 1 for item in aware.items if item.number in aware.reverse_scored]
    sample = [r for r in demo500["assessments"] if r.instrument == "AWARE"][:20]
    assert all(sum(r.answers[i] for i in reverse) / len(reverse) > sum(r.answers) / len(r.answers) for r in sample)


# -- size for benchmarks, and the storage shortcut ----------------------------------------------

def test_a_fixed_number_of_check_ins_per_alumnus_can_be_asked_for(tmp_path):
    database = fresh_database(tmp_path)
    try:
        summary = demo.generate(database, alumni=100, seed=3, today=FIXED_TODAY, checkins_per_alumnus=40)
        counts = Counter(row.alumnus_id for row in rows_of(database, CheckIn))
        # Exactly 40 where there is room since discharge; those discharged days ago have fewer.
        assert max(counts.values()) == 40
        assert sum(1 for c in counts.values() if c == 40) > 0.9 * len(counts)
        assert summary.check_ins == sum(counts.values())
        for row in rows_of(database, CheckIn):
            assert check_checkin(as_checkin(row), row.created_at) == []
    finally:
        database.dispose()


def test_no_check_ins_at_all_can_be_asked_for_and_odd_numbers_are_refused(tmp_path):
    database = fresh_database(tmp_path)
    try:
        with pytest.raises(AftercareError, match="Check-ins per alumnus must be 0 to 1,000"):
            demo.generate(database, alumni=100, seed=3, today=FIXED_TODAY, checkins_per_alumnus=-1)
        summary = demo.generate(database, alumni=100, seed=3, today=FIXED_TODAY, checkins_per_alumnus=0)
        assert summary.check_ins == 0 and summary.plans > 0
    finally:
        database.dispose()


@pytest.mark.parametrize("moment", [
    datetime(2026, 6, 13, 22, 59, 59, tzinfo=timezone.utc),
    datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=timezone.utc),
    datetime(2026, 3, 8, 1, 30, tzinfo=timezone(timedelta(hours=-5))),
    datetime(999, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
])
def test_the_fast_timestamp_is_what_sqlalchemy_stores_on_sqlite(moment):
    dialect = create_engine("sqlite://").dialect
    column_type = UTCDateTime()
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    assert sqlite_timestamp(moment) == process(moment)
