"""Demo data on SQLite and PostgreSQL: the same rows on both, and the app works on them afterwards."""

from __future__ import annotations

import hashlib

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from aftercare_desktop.models import (
    AftercarePlan,
    Alumnus,
    AlumniStatusChange,
    Base,
    CheckIn,
    CheckInDigest,
    RecurrenceEvent,
    StaffMember,
    SupportContact,
)
from aftercare_desktop.models.enums import CheckinMethod, CheckinOutcome, PlanStatus
from aftercare_desktop.services import demo, text
from aftercare_desktop.services.alumni import AlumniService
from aftercare_desktop.services.assessments import AssessmentService
from aftercare_desktop.services.checkins import CheckInService
from aftercare_desktop.services.meetings import MeetingService
from aftercare_desktop.services.plans import PlanService
from aftercare_desktop.services.records import AlumnusData
from aftercare_desktop.services.sobriety import SobrietyService
from tests.conftest import FIXED_TODAY


def digest(database) -> str:
    """A hash of every row of every table, in id order."""
    result = hashlib.sha256()
    with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(select(table).order_by(*table.primary_key.columns)):
                result.update(repr((table.name, tuple(row))).encode())
    return result.hexdigest()


def count(database, model) -> int:
    with database.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar_one()


def test_demo_data_fills_the_database_and_the_app_carries_on(any_db, any_actor):
    summary = demo.generate(any_db, alumni=100, seed=7, today=FIXED_TODAY)

    assert count(any_db, Alumnus) == summary.alumni == 100
    assert count(any_db, SupportContact) == summary.support_contacts
    assert count(any_db, AlumniStatusChange) == summary.status_changes >= 100
    # The staff member who was already there stays, next to the demo team.
    assert count(any_db, StaffMember) == summary.staff + 1

    service = AlumniService(any_db, today=lambda: FIXED_TODAY)
    with any_db.session() as session:
        first = session.scalars(select(Alumnus).order_by(Alumnus.id).limit(1)).one()
        # Found the way the directory searches: by the folded name.
        word = text.fold(first.last_name).split(" ")[0]
        found = session.scalars(select(Alumnus.id).where(Alumnus.search_text.like(f"%{word}%"))).all()
    assert first.id in found
    opened = service.open_record(first.id, any_actor)
    assert opened.row_version == 1 and opened.client_id == first.client_id

    # New records after the demo ones get fresh ids (PostgreSQL's sequence was used, not bypassed).
    created = service.create(
        AlumnusData(client_id="AC-999999", first_name="Zoë", last_name="de la Cruz"), any_actor
    )
    assert created.id > 100


def schema_objects(database) -> set[tuple]:
    """The indexes and triggers the database holds, with their definitions (and, on PostgreSQL,
    whether each trigger is switched on)."""
    with database.engine.connect() as connection:
        if database.is_sqlite:
            return set(connection.exec_driver_sql(
                "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"))
        return set(connection.exec_driver_sql(
            "SELECT 'index', indexname, tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'")) | set(
            connection.exec_driver_sql(
                "SELECT 'trigger', tgname, tgrelid::regclass::text, tgenabled FROM pg_trigger WHERE NOT tgisinternal"))


def test_the_indexes_and_triggers_left_out_of_the_copy_are_back_afterwards(any_db):
    before = schema_objects(any_db)
    assert any(kind == "trigger" and table == "check_ins" for kind, _name, table, _sql in before)
    demo.generate(any_db, alumni=100, seed=8, today=FIXED_TODAY, workers=1)
    assert schema_objects(any_db) == before
    # The digest triggers work again: a check-in logged now deletes its alumnus's digest.
    with any_db.engine.begin() as connection:
        alumnus_id = connection.execute(select(func.min(CheckInDigest.alumnus_id))).scalar_one()
        connection.execute(CheckIn.__table__.insert().values(
            alumnus_id=alumnus_id, occurred_at=datetime(2026, 1, 5, 12, tzinfo=timezone.utc), method=CheckinMethod.CALL,
            outcome=CheckinOutcome.NO_ANSWER, warning_signs=[], created_at=datetime(2026, 1, 5, 12, tzinfo=timezone.utc)))
        digests = connection.execute(select(func.count()).select_from(CheckInDigest.__table__).where(
            CheckInDigest.alumnus_id == alumnus_id)).scalar_one()
    assert digests == 0


def test_sqlite_and_postgresql_get_identical_rows(sqlite_db, postgres_db):
    for database in (sqlite_db, postgres_db):
        demo.generate(database, alumni=100, seed=8, today=FIXED_TODAY)
    assert digest(sqlite_db) == digest(postgres_db)


def test_chunks_copied_into_sqlite_and_postgresql_give_identical_rows(sqlite_db, postgres_db, monkeypatch):
    # Three chunks, copied one after the other: SQLite attaches them, PostgreSQL streams them with COPY.
    monkeypatch.setattr(demo, "ALUMNI_PER_CHUNK", 40)
    for database in (sqlite_db, postgres_db):
        demo.generate(database, alumni=100, seed=8, today=FIXED_TODAY, workers=1)
    assert digest(sqlite_db) == digest(postgres_db)
    # PostgreSQL's sequences were moved past the copied ids: the app's next check-in gets a new one.
    with postgres_db.engine.begin() as connection:
        highest = connection.execute(select(func.max(CheckIn.id))).scalar_one()
        row = connection.execute(select(CheckIn.__table__).where(CheckIn.id == highest)).mappings().one()
        values = {key: value for key, value in row.items() if key != "id"}
        added = connection.execute(CheckIn.__table__.insert().values(**values)).inserted_primary_key[0]
    assert added == highest + 1


def test_the_caseworkers_day_reads_back_through_the_apps_services(any_db, any_actor):
    summary = demo.generate(any_db, alumni=100, seed=7, today=FIXED_TODAY)
    assert count(any_db, CheckIn) == summary.check_ins > 0
    assert count(any_db, AftercarePlan) == summary.plans > 0
    today = lambda: FIXED_TODAY  # noqa: E731
    with any_db.session() as session:
        alumnus_id = session.scalar(
            select(AftercarePlan.alumnus_id).where(AftercarePlan.status == PlanStatus.ACTIVE)
            .order_by(AftercarePlan.alumnus_id).limit(1))
        returned = session.scalar(select(RecurrenceEvent.alumnus_id).order_by(RecurrenceEvent.id).limit(1))

    plans = PlanService(any_db, today=today)
    plan = plans.active_plan(alumnus_id)
    assert plan is not None and plan.warning_signs and plan.roster
    checkins = CheckInService(any_db, today=today)
    timeline = checkins.timeline(alumnus_id)
    assert timeline and all(record.made_by for record in timeline)
    # Their own warning signs are offered first on the next check-in, as on every real plan.
    choices = checkins.warning_sign_choices(alumnus_id)
    assert [c.text for c in choices if c.personal] == plan.warning_signs
    assert checkins.follow_ups_due(FIXED_TODAY + timedelta(days=14))
    rate = MeetingService(any_db, today=today).attendance_rate(alumnus_id)
    assert rate.expected >= 0
    assessments = AssessmentService(any_db, today=today)
    assert assessments.due_assessments(FIXED_TODAY + timedelta(days=7))

    sobriety = SobrietyService(any_db, today=today)
    history = sobriety.sobriety_history(returned)
    assert history and history[0].new_date == sobriety.summary(returned).start
    assert sobriety.recurrences(returned)
