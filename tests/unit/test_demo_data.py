"""Demo data: deterministic by seed, varied, valid for the app's own checks, and refused on real data."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import datetime, timedelta, timezone

import phonenumbers
import pytest
from sqlalchemy import func, select

from aftercare_desktop.db import Database, resolve_url
from aftercare_desktop.errors import AftercareError
from aftercare_desktop.models import Alumnus, AlumniStatusChange, Base, StaffMember, SupportContact
from aftercare_desktop.models.enums import AlumniStatus, Program, RecoveryPathway, StaffRole
from aftercare_desktop.schema import ensure_schema
from aftercare_desktop.services import demo_data
from aftercare_desktop.services.alumni import refresh_search_keys
from aftercare_desktop.services.records import EDITABLE_FIELDS, AlumnusData, SupportContactData
from aftercare_desktop.services.validation import age_on, check_alumnus, normalise_phone
from tests.conftest import FIXED_TODAY

FICTIONAL_PHONE = re.compile(r"^\(\d{3}\) 555-01\d\d$")


def fresh_database(folder, name: str = "demo.sqlite") -> Database:
    database = Database.open(resolve_url(folder / name))
    ensure_schema(database)
    return database


def digest(database: Database) -> str:
    """A hash of every row of every table, in id order."""
    result = hashlib.sha256()
    with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(select(table).order_by(*table.primary_key.columns)):
                result.update(repr((table.name, tuple(row))).encode())
    return result.hexdigest()


@pytest.fixture(scope="module")
def demo500(tmp_path_factory):
    """One generated database of 500 alumni, shared by the read-only tests of this module."""
    database = fresh_database(tmp_path_factory.mktemp("demo500"))
    calls: list[tuple[int, int]] = []
    summary = demo_data.generate(database, alumni=500, seed=7, today=FIXED_TODAY,
                                 progress=lambda done, total: calls.append((done, total)))
    with database.session() as session:
        alumni = session.scalars(select(Alumnus).order_by(Alumnus.id)).all()
        contacts = session.scalars(select(SupportContact).order_by(SupportContact.id)).all()
        history = session.scalars(
            select(AlumniStatusChange).order_by(AlumniStatusChange.changed_at, AlumniStatusChange.id)
        ).all()
        staff = session.scalars(select(StaffMember).order_by(StaffMember.id)).all()
        session.expunge_all()
    yield {"database": database, "summary": summary, "progress": calls, "alumni": alumni,
           "contacts": contacts, "history": history, "staff": staff}
    database.dispose()


# -- determinism --------------------------------------------------------------------------------

def test_same_seed_gives_identical_rows_and_another_seed_does_not(tmp_path):
    first, second, other = (fresh_database(tmp_path, f"{name}.sqlite") for name in ("a", "b", "c"))
    try:
        for database, seed in ((first, 7), (second, 7), (other, 8)):
            # Fresh Faker pools each time: the pools themselves must come out the same, too.
            demo_data.name_pools.cache_clear()
            demo_data.generate(database, alumni=150, seed=seed, today=FIXED_TODAY)
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
        demo_data.generate(plain, alumni=100, seed=7, today=FIXED_TODAY)
        monkeypatch.setattr(demo_data, "STEPS", (*demo_data.STEPS, GreedyStep))
        demo_data.generate(extended, alumni=100, seed=7, today=FIXED_TODAY)
        assert digest(plain) == digest(extended)
    finally:
        plain.dispose()
        extended.dispose()


# -- size, summary, progress, refusals ----------------------------------------------------------

def test_summary_counts_match_the_tables_and_hold_no_names(demo500):
    summary = demo500["summary"]
    assert summary.alumni == len(demo500["alumni"]) == 500
    assert summary.staff == len(demo500["staff"])
    assert summary.support_contacts == len(demo500["contacts"])
    assert summary.status_changes == len(demo500["history"])
    text = summary.describe()
    assert "500 alumni" in text and "\n" not in text
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
        demo_data.generate(database, alumni=100, seed=7, today=FIXED_TODAY)
        before = digest(database)
        with pytest.raises(AftercareError, match=r"already holds 100 alumni; demo data goes into an empty database"):
            demo_data.generate(database, alumni=100, seed=8, today=FIXED_TODAY)
        assert digest(database) == before
    finally:
        database.dispose()


@pytest.mark.parametrize("count", [demo_data.MIN_ALUMNI - 1, demo_data.MAX_ALUMNI + 1])
def test_counts_outside_the_range_are_refused(sqlite_db, count):
    with pytest.raises(AftercareError, match="100 to 100,000"):
        demo_data.generate(sqlite_db, alumni=count)
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
