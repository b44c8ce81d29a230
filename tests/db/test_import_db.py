"""The importer on both databases: the same rows as the app, one transaction, duplicates across letter case."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from sqlalchemy import event, func, select

from aftercare_desktop.models import Alumnus, AlumniStatusChange, AuditEvent
from aftercare_desktop.models.enums import AlumniStatus, AuditAction, Program
from aftercare_desktop.services import importing
from aftercare_desktop.services.alumni import AlumniService
from aftercare_desktop.services.audit import events_for
from aftercare_desktop.services.importing import ImportFailed, Outcome, run_import
from aftercare_desktop.services.records import EDITABLE_FIELDS, AlumnusData
from tests.conftest import FIXED_TODAY

HEADER = ["Client ID", "First Name", "Last Name", "DOB", "Phone", "Email", "Program", "Languages", "Status"]


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def row(client_id, first="Maria", last="Núñez", dob="1988-04-02", phone="212-555-0142",
        email="maria@example.org", program="IOP", languages="English; Spanish", status="Active"):
    return [client_id, first, last, dob, phone, email, program, languages, status]


def counts(db) -> tuple[int, int, int]:
    with db.session() as session:
        return tuple(session.scalar(select(func.count()).select_from(entity))
                     for entity in (Alumnus, AlumniStatusChange, AuditEvent))


def id_of(db, client_id: str) -> int:
    with db.session() as session:
        return session.scalar(select(Alumnus.id).where(Alumnus.client_id == client_id))


def columns(db, client_id: str) -> dict:
    """Every stored column of a record except what differs by nature (ids, times, client ID)."""
    skip = {"id", "client_id", "created_at", "updated_at"}
    with db.session() as session:
        alumnus = session.scalars(select(Alumnus).where(Alumnus.client_id == client_id)).one()
        return {c.key: getattr(alumnus, c.key) for c in Alumnus.__mapper__.column_attrs if c.key not in skip}


def test_imported_rows_equal_the_rows_the_app_makes(tmp_path, any_db, any_actor):
    service = AlumniService(any_db, today=lambda: FIXED_TODAY)
    report = run_import(any_db, write_csv(tmp_path / "a.csv", [HEADER, row("AC-1", first="Maria ")]),
                        actor=any_actor, today=FIXED_TODAY)
    assert report.created == 1
    imported_id = id_of(any_db, "AC-1")
    by_file = columns(any_db, "AC-1")
    file_history = service.status_history(imported_id)
    event_ = events_for(any_db, "alumnus", imported_id)[0]
    assert (event_.action, event_.staff_id, event_.changed_fields) == (
        AuditAction.IMPORT, any_actor.staff_id, tuple(sorted(EDITABLE_FIELDS)))

    # The same person entered in the app, after the imported copy is gone.
    service.delete(imported_id, 1, any_actor)
    by_app = service.create(
        AlumnusData(client_id="AC-1", first_name="Maria", last_name="Núñez", date_of_birth=date(1988, 4, 2),
                    phone_mobile="212-555-0142", email="maria@example.org", program=Program.IOP,
                    languages=["English", "Spanish"]),
        any_actor,
    )
    assert columns(any_db, "AC-1") == by_file
    app_history = service.status_history(by_app.id)
    assert [(h.old_status, h.new_status, h.changed_by, h.reason) for h in file_history] == \
        [(h.old_status, h.new_status, h.changed_by, h.reason) for h in app_history]


def test_client_ids_match_across_letter_case_and_update(tmp_path, any_db, any_actor):
    service = AlumniService(any_db, today=lambda: FIXED_TODAY)
    created = service.create(AlumnusData(client_id="ab-7", first_name="Ana", last_name="Silva"), any_actor)
    rows = [HEADER, row("AB-7", first="Ana", last="Silva", dob="", status="Opted out"), row("AB-8", first="Luz")]
    path = write_csv(tmp_path / "u.csv", rows)
    skipped = run_import(any_db, path, actor=any_actor, today=FIXED_TODAY, dry_run=True)
    assert [r.outcome for r in skipped.rows] == [Outcome.SKIP, Outcome.CREATE]
    report = run_import(any_db, path, actor=any_actor, today=FIXED_TODAY, on_duplicate="update")
    assert (report.created, report.updated) == (1, 1)
    record = service.open_record(created.id, any_actor)
    assert (record.client_id, record.status, record.opted_out_on) == ("ab-7", AlumniStatus.OPTED_OUT, FIXED_TODAY)
    assert record.row_version == created.row_version + 1
    actions = [e.action for e in events_for(any_db, "alumnus", created.id)]
    assert actions.count(AuditAction.UPDATE) == 1


def test_a_database_error_rolls_everything_back(tmp_path, any_db, any_actor, monkeypatch):
    monkeypatch.setattr(importing, "WRITE_BATCH", 4)
    rows = [HEADER] + [row(f"R-{n}", first=f"P{n}", email="") for n in range(10)]
    before = counts(any_db)
    inserts = []
    dbapi = any_db.engine.dialect.loaded_dbapi

    def fail_on_the_second_audit_batch(_conn, _cursor, statement, *_args):
        if statement.startswith("INSERT INTO audit_events"):
            inserts.append(statement)
            if len(inserts) == 2:
                raise dbapi.OperationalError("server closed the connection unexpectedly")

    event.listen(any_db.engine, "before_cursor_execute", fail_on_the_second_audit_batch)
    try:
        with pytest.raises(ImportFailed, match="Nothing was saved"):
            run_import(any_db, write_csv(tmp_path / "f.csv", rows), actor=any_actor, today=FIXED_TODAY)
    finally:
        event.remove(any_db.engine, "before_cursor_execute", fail_on_the_second_audit_batch)
    assert counts(any_db) == before
    # The database is usable afterwards and the same file then imports in full.
    report = run_import(any_db, write_csv(tmp_path / "f.csv", rows), actor=any_actor, today=FIXED_TODAY)
    assert report.created == 10
    assert counts(any_db) == (before[0] + 10, before[1] + 10, before[2] + 10)


def test_many_rows_in_one_go(tmp_path, any_db, any_actor):
    rows = [HEADER] + [row(f"M-{n:05d}", first=f"Person{n}", dob=f"19{50 + n % 40}-0{1 + n % 9}-1{n % 9}",
                           email=f"p{n}@example.org") for n in range(1_200)]
    report = run_import(any_db, write_csv(tmp_path / "many.csv", rows), actor=any_actor, today=FIXED_TODAY)
    assert (report.created, len(report.rejected)) == (1_200, 0)
    again = run_import(any_db, write_csv(tmp_path / "many.csv", rows), actor=any_actor, today=FIXED_TODAY)
    assert again.skipped == 1_200
