"""Demo data on SQLite and PostgreSQL: the same rows on both, and the app works on them afterwards."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from aftercare_desktop.models import Alumnus, AlumniStatusChange, Base, StaffMember, SupportContact
from aftercare_desktop.services import demo_data, text
from aftercare_desktop.services.alumni import AlumniService
from aftercare_desktop.services.records import AlumnusData
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
    summary = demo_data.generate(any_db, alumni=100, seed=7, today=FIXED_TODAY)

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


def test_sqlite_and_postgresql_get_identical_rows(sqlite_db, postgres_db):
    for database in (sqlite_db, postgres_db):
        demo_data.generate(database, alumni=100, seed=8, today=FIXED_TODAY)
    assert digest(sqlite_db) == digest(postgres_db)
