"""The alumni importer: reading files, recognising columns, checking rows, duplicates and the one transaction."""

from __future__ import annotations

import csv
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy import event, func, select

from aftercare_desktop import cli
from aftercare_desktop.errors import AftercareError
from aftercare_desktop.models import Alumnus, AlumniStatusChange, AuditEvent
from aftercare_desktop.models.enums import (
    AlumniStatus,
    AuditAction,
    ContactMethod,
    DischargeType,
    Program,
    RecoveryPathway,
)
from aftercare_desktop.services import importing, staff
from aftercare_desktop.services.alumni import AlumniService
from aftercare_desktop.services.audit import Actor, events_for
from aftercare_desktop.services.directory import DirectoryQuery, DirectoryService
from aftercare_desktop.services.importing import (
    ImportFailed,
    ImportFileError,
    ImportMappingError,
    Outcome,
    guess_mapping,
    plan_import,
    read_table,
    run_import,
)
from aftercare_desktop.services.records import AlumnusData
from tests.conftest import FIXED_TODAY

HEADER = ["Client ID", "First Name", "Last Name", "DOB", "Phone", "Program", "Status"]


def write_csv(path, rows, *, encoding="utf-8", delimiter=","):
    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path, rows, *, extra_sheet=None):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        other = workbook.create_sheet("Other")
        for row in extra_sheet:
            other.append(row)
    workbook.save(path)
    return path


def person(client_id="AC-100", first="Maria", last="Núñez", dob="1988-04-02", phone="212-555-0142",
           program="IOP", status="Active"):
    return [client_id, first, last, dob, phone, program, status]


def do_import(db, path, **kwargs):
    kwargs.setdefault("actor", Actor(None, "test"))
    kwargs.setdefault("today", FIXED_TODAY)
    return run_import(db, path, **kwargs)


def count(db, entity=Alumnus) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(entity))


def by_client_id(db, client_id: str) -> AlumnusData:
    with db.session() as session:
        alumnus_id = session.scalar(select(Alumnus.id).where(Alumnus.client_id == client_id))
    return AlumniService(db, today=lambda: FIXED_TODAY).open_record(alumnus_id, Actor(None, "test"))


# -- headers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("First Name", "first_name"), ("first_name", "first_name"), ("FirstName", "first_name"),
        ("FIRST NAME*", "first_name"), ("Last Name", "last_name"), ("Surname", "last_name"),
        ("DOB", "date_of_birth"), ("Date of Birth", "date_of_birth"), ("Birthdate", "date_of_birth"),
        ("Date of birth (MM/DD/YYYY)", "date_of_birth"), ("D.O.B.", "date_of_birth"),
        ("Phone #", "phone_mobile"), ("Phone", "phone_mobile"), ("Mobile", "phone_mobile"),
        ("Cell", "phone_mobile"), ("Home Phone", "phone_home"), ("MRN", "client_id"),
        ("Client ID", "client_id"), ("Client #", "client_id"), ("client no.", "client_id"),
        ("Email", "email"), ("E-mail", "email"), ("Preferred Name", "preferred_name"),
        ("Nickname", "preferred_name"), ("Program", "program"), ("Admission Date", "admission_date"),
        ("Discharge Date", "discharge_date"), ("Sobriety Date", "sobriety_start_date"), ("Status", "status"),
        ("City", "city"), ("Zip", "postal_code"), ("Postal Code", "postal_code"), ("Address", "address"),
        ("Languages", "languages"), ("Substances", "substances"), ("Pronouns", "pronouns"),
        ("Notes", "notes"), ("Recovery Pathways", "recovery_pathways"), ("Case Manager", "caseworker_id"),
        ("Discharge Status", "discharge_type"), ("Téléphone", "phone_mobile"), ("Favourite colour", None), ("Name", None), ("", None),
    ],
)
def test_common_headers_are_recognised(header, field):
    assert guess_mapping([header]) == {0: field}


def test_each_field_goes_to_its_first_column_only():
    mapping = guess_mapping(["Phone", "Mobile", "Cell Phone", "Home Phone", "Comments"])
    assert mapping == {0: "phone_mobile", 1: None, 2: None, 3: "phone_home", 4: "notes"}


# -- reading files -------------------------------------------------------------------------------------

def test_utf8_with_bom(tmp_path):
    path = write_csv(tmp_path / "bom.csv", [HEADER, person()], encoding="utf-8-sig")
    table = read_table(path)
    assert table.headers[0] == "Client ID"  # no stray BOM on the first header
    assert table.rows[0].cells[2] == "Núñez"


def test_latin1_is_detected(tmp_path):
    path = write_csv(tmp_path / "latin1.csv", [HEADER, person(last="Núñez", first="Zoë")], encoding="latin-1")
    table = read_table(path)
    assert table.rows[0].cells[1:3] == ("Zoë", "Núñez")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    path = write_csv(tmp_path / "d.csv", [HEADER, person(last="Smith, Jr.")], delimiter=delimiter)
    table = read_table(path)
    assert table.headers == HEADER
    assert table.rows[0].cells[2] == "Smith, Jr."


def test_row_numbers_are_spreadsheet_rows(tmp_path):
    rows = [HEADER, person("A1"), ["", "", ""], person("A2", last="Line one\nline two"), person("A3")]
    table = read_table(write_csv(tmp_path / "n.csv", rows))
    # Header is row 1; the blank row 3 is dropped but still counted; a quoted line break is one row.
    assert [row.number for row in table.rows] == [2, 4, 5]
    assert table.rows[1].cells[2] == "Line one\nline two"


def test_xlsx_with_date_cells_and_number_cells(tmp_path, sqlite_db):
    rows = [
        ["MRN", "First Name", "Last Name", "Date of Birth", "Admission Date", "Phone"],
        [1001, "Ana", "Silva", datetime(1990, 5, 17), date(2024, 3, 1), 2125550142],
        [1002.0, "Ben", "Okafor", "03/01/1985", "2024-02-01", "(212) 555-0199"],
    ]
    path = write_xlsx(tmp_path / "alumni.xlsx", rows, extra_sheet=[["ignored"]])
    table = read_table(path)
    assert table.headers[0] == "MRN" and len(table.rows) == 2
    report = do_import(sqlite_db, path)
    assert report.summary() == "2 rows read: 2 created, 0 updated, 0 skipped as duplicates, 0 rejected"
    ana, ben = by_client_id(sqlite_db, "1001"), by_client_id(sqlite_db, "1002")
    assert ana.date_of_birth == date(1990, 5, 17) and ana.admission_date == date(2024, 3, 1)
    assert ana.phone_mobile == "(212) 555-0142"
    assert ben.date_of_birth == date(1985, 3, 1) and ben.admission_date == date(2024, 2, 1)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "does not exist"),
        ("notes.pdf", b"%PDF-1.4", "is not a CSV or XLSX file"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "old Excel file (.xls)"),
        ("broken.xlsx", b"this is not a workbook", "is not a valid XLSX file"),
        ("empty.csv", b"", "is empty"),
        ("blank.csv", b"\n \n,,\n", "is empty"),
        ("header.csv", b"Client ID,First Name,Last Name\n", "no rows of data"),
        ("binary.csv", b"\x00\x01\x02\x00", "is not a text (CSV) file"),
    ],
)
def test_unreadable_files_fail_with_one_clear_line(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ImportFileError, match=re.escape(message)) as caught:
        read_table(path)
    assert isinstance(caught.value, AftercareError)
    assert "\n" not in str(caught.value)


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ImportFileError, match="is not a valid XLSX file"):
        read_table(path)


# -- checking rows -------------------------------------------------------------------------------------

def test_rejections_name_the_spreadsheet_row_and_the_reason(tmp_path, sqlite_db):
    rows = [HEADER] + [person(f"AC-{n}", first=f"P{n}", dob=f"1980-01-{n:02d}") for n in range(2, 7)]
    rows.append(person("AC-7", dob="abc"))  # row 7
    rows.append(person("", first=""))  # row 8
    rows.append(person("AC-9", program="Detox", status="Sleeping"))  # row 9
    report = do_import(sqlite_db, write_csv(tmp_path / "r.csv", rows))
    rejected = {row.row_number: row.reason for row in report.rejected}
    assert rejected[7] == "Date of birth 'abc' is not a date"
    assert rejected[8] == "Client ID is required; First name is required"
    assert rejected[9] == ("Program 'Detox' is not one of: Residential, PHP, IOP, Outpatient, Other; "
                           "Status 'Sleeping' is not one of: Active, Inactive, Lost contact, Opted out, Deceased")
    assert report.created == 5 and count(sqlite_db) == 5
    assert report.summary() == "8 rows read: 5 created, 0 updated, 0 skipped as duplicates, 3 rejected"


def test_validator_problems_become_reasons(tmp_path, sqlite_db):
    rows = [HEADER + ["Email", "Discharge Date", "Admission Date"],
            person("AC-1", phone="12") + ["not-an-email", "2024-01-01", "2024-02-01"],
            person("AC-2", dob="2020-01-01") + ["", "", ""]]
    report = do_import(sqlite_db, write_csv(tmp_path / "v.csv", rows))
    first, second = report.rejected
    assert (first.row_number, second.row_number) == (2, 3)
    assert "Mobile phone: '12' is not a valid phone number" in first.reasons
    assert "'not-an-email' is not an email address" in first.reasons
    assert "Discharge date is before the admission date" in first.reasons
    assert second.reason == "Age would be 6; it must be 12 to 110"


@pytest.mark.parametrize(
    ("program", "expected"),
    [("IOP", Program.IOP), ("Intensive outpatient", Program.IOP), ("residential", Program.RESIDENTIAL),
     ("PHP", Program.PHP), ("Partial Hospitalization", Program.PHP), ("Outpatient", Program.OUTPATIENT),
     ("IOP (intensive outpatient)", Program.IOP)],
)
def test_program_words(tmp_path, sqlite_db, program, expected):
    do_import(sqlite_db, write_csv(tmp_path / "p.csv", [HEADER, person(program=program)]))
    assert by_client_id(sqlite_db, "AC-100").program is expected


def test_enums_lists_and_yes_no(tmp_path, sqlite_db):
    headers = HEADER + ["Languages", "Substances", "Recovery Pathways", "Discharge Type",
                        "Contact Method", "Wants Mentor", "Notes"]
    rows = [headers, person(status="Lost contact") + [
        "English; Spanish", "alcohol, opioids;alcohol", "AA; SMART; MAT", "AMA", "Text", "yes",
        "Prefers mornings.\nCall first.",
    ]]
    report = do_import(sqlite_db, write_csv(tmp_path / "e.csv", rows))
    assert report.created == 1, report.rejected
    record = by_client_id(sqlite_db, "AC-100")
    assert record.status is AlumniStatus.LOST_CONTACT
    assert record.languages == ["English", "Spanish"]
    assert record.substances == ["alcohol", "opioids"]
    assert record.recovery_pathways == [RecoveryPathway.TWELVE_STEP.value, RecoveryPathway.SMART.value,
                                        RecoveryPathway.MEDICATION_SUPPORTED.value]
    assert record.discharge_type is DischargeType.AGAINST_ADVICE
    assert record.preferred_contact_method is ContactMethod.TEXT
    assert record.wants_mentor is True
    assert record.notes == "Prefers mornings.\nCall first."


def test_unknown_words_in_lists_and_yes_no_are_rejected(tmp_path, sqlite_db):
    rows = [HEADER + ["Recovery Pathways", "Wants Mentor"], person() + ["AA; crystals", "maybe"]]
    report = do_import(sqlite_db, write_csv(tmp_path / "u.csv", rows))
    assert report.rejected[0].reasons == (
        "Recovery pathways: 'crystals' not one of: 12-step, SMART Recovery, Faith-based, Medication-supported, Other",
        "Wants a mentor 'maybe' is neither yes nor no",
    )


def test_caseworker_by_name(tmp_path, sqlite_db):
    member = staff.add_staff(sqlite_db, "Dana Reyes")
    rows = [HEADER + ["Caseworker"], person("AC-1") + ["dana reyes"], person("AC-2", first="Bo") + ["Nobody"]]
    report = do_import(sqlite_db, write_csv(tmp_path / "c.csv", rows))
    assert by_client_id(sqlite_db, "AC-1").caseworker_id == member.id
    assert report.rejected[0].reason == "Caseworker 'Nobody' is not a staff member"


# -- mapping ---------------------------------------------------------------------------------------------

def test_mapping_by_index_or_header(tmp_path, sqlite_db):
    rows = [["Ref", "Given", "Family", "Born"], ["X-1", "Ana", "Silva", "1990-01-01"]]
    table = read_table(write_csv(tmp_path / "m.csv", rows))
    with pytest.raises(ImportMappingError, match="No column is set to Client ID, First name, Last name"):
        plan_import(sqlite_db, table, today=FIXED_TODAY)
    plan = plan_import(sqlite_db, table, {"ref": "client_id", 1: "first_name", "Family": "last_name",
                                          3: "date_of_birth"}, today=FIXED_TODAY)
    assert [row.outcome for row in plan.rows] == [Outcome.CREATE]
    with pytest.raises(ImportMappingError, match="Two columns .* are both set to First name"):
        plan_import(sqlite_db, table, {0: "client_id", 1: "first_name", 2: "first_name"}, today=FIXED_TODAY)
    with pytest.raises(ImportMappingError, match="no column 'Nope'"):
        plan_import(sqlite_db, table, {"Nope": "client_id"}, today=FIXED_TODAY)


# -- duplicates ------------------------------------------------------------------------------------------

def test_duplicates_within_the_file(tmp_path, sqlite_db):
    rows = [HEADER,
            person("AC-1", dob="bad"),  # rejected: the next AC-1 is then the first good one
            person("AC-1"),
            person("ac-1", first="Other"),  # same client ID, other letter case
            person("AC-2"),  # same name and date of birth as row 3
            person("AC-3", first="Luz")]
    report = do_import(sqlite_db, write_csv(tmp_path / "dup.csv", rows))
    outcomes = {row.row_number: (row.outcome, row.reason) for row in report.rows}
    assert outcomes[2][0] is Outcome.REJECT
    assert outcomes[3] == (Outcome.CREATE, "")
    assert outcomes[4] == (Outcome.SKIP, "Same client ID as row 3")
    assert outcomes[5] == (Outcome.SKIP, "Same name and date of birth as row 3")
    assert outcomes[6][0] is Outcome.CREATE
    assert count(sqlite_db) == 2


def test_duplicates_in_the_database_skip(tmp_path, sqlite_db):
    service = AlumniService(sqlite_db, today=lambda: FIXED_TODAY)
    service.create(AlumnusData(client_id="AC-1", first_name="Maria", last_name="Núñez",
                               date_of_birth=date(1988, 4, 2)), Actor(None, "test"))
    rows = [HEADER, person("ac-1", first="Changed"), person("AC-9", first="maria", last="NUNEZ"),
            person("AC-10", first="New", dob="1970-01-01")]
    report = do_import(sqlite_db, write_csv(tmp_path / "db.csv", rows))
    assert [(r.outcome, r.reason) for r in report.rows] == [
        (Outcome.SKIP, "Client ID is already in the database"),
        (Outcome.SKIP, "Same name and date of birth as a record with another client ID; check by hand"),
        (Outcome.CREATE, ""),
    ]
    assert by_client_id(sqlite_db, "AC-1").first_name == "Maria"
    assert report.summary() == "3 rows read: 1 created, 0 updated, 2 skipped as duplicates, 0 rejected"


def test_duplicates_in_the_database_update(tmp_path, sqlite_db):
    actor = Actor(None, "test")
    service = AlumniService(sqlite_db, today=lambda: FIXED_TODAY)
    created = service.create(AlumnusData(client_id="AC-1", first_name="Maria", last_name="Núñez",
                                         date_of_birth=date(1988, 4, 2), city="Albany", program=Program.IOP),
                             actor)
    rows = [["MRN", "First Name", "Last Name", "DOB", "City", "Program", "Status", "Email"],
            ["ac-1", "Maria", "Núñez", "", "", "PHP", "Lost contact", "MARIA@example.org"],  # updates
            ["AC-1", "Maria", "Núñez", "", "", "", "", "other@example.org"],  # same ID twice: skipped
            ["AC-2", "Ana", "Silva", "1990-01-01", "", "", "", ""]]
    report = do_import(sqlite_db, write_csv(tmp_path / "u.csv", rows), on_duplicate="update")
    assert [r.outcome for r in report.rows] == [Outcome.UPDATE, Outcome.SKIP, Outcome.CREATE]
    assert report.rows[0].reason == "Changes: Email, Program, Status"
    assert report.summary() == "3 rows read: 1 created, 1 updated, 1 skipped as duplicates, 0 rejected"
    record = service.open_record(created.id, actor)
    # Empty cells leave values alone; the record keeps its own spelling of the client ID.
    assert (record.client_id, record.city, record.date_of_birth) == ("AC-1", "Albany", date(1988, 4, 2))
    assert (record.program, record.status, record.email) == (Program.PHP, AlumniStatus.LOST_CONTACT,
                                                             "maria@example.org")
    history = service.status_history(created.id)
    assert [(h.old_status, h.new_status, h.reason) for h in history] == [
        (None, AlumniStatus.ACTIVE, "Record created"),
        (AlumniStatus.ACTIVE, AlumniStatus.LOST_CONTACT, "Changed by import"),
    ]
    update_event = [e for e in events_for(sqlite_db, "alumnus", created.id) if e.action is not AuditAction.VIEW][-1]
    assert update_event.action is AuditAction.UPDATE
    assert update_event.changed_fields == ("email", "program", "status")
    # The same file again changes nothing.
    again = do_import(sqlite_db, write_csv(tmp_path / "u.csv", rows), on_duplicate="update")
    assert again.rows[0].reason == "Client ID is already in the database; nothing to change"
    assert (again.updated, again.skipped) == (0, 3)


def test_update_rechecks_the_whole_record(tmp_path, sqlite_db):
    service = AlumniService(sqlite_db, today=lambda: FIXED_TODAY)
    service.create(AlumnusData(client_id="AC-1", first_name="Maria", last_name="Núñez",
                               admission_date=date(2024, 3, 1)), Actor(None, "test"))
    rows = [["Client ID", "First Name", "Last Name", "Discharge Date"], ["AC-1", "", "", "2024-01-01"]]
    report = do_import(sqlite_db, write_csv(tmp_path / "u.csv", rows), on_duplicate="update")
    assert report.rejected[0].reason == "Discharge date is before the admission date"


def test_opting_out_by_import_is_dated_from_the_file(tmp_path, sqlite_db):
    service = AlumniService(sqlite_db, today=lambda: FIXED_TODAY)
    created = service.create(AlumnusData(client_id="AC-1", first_name="A", last_name="B",
                                         opted_in_on=date(2023, 1, 1)), Actor(None, "test"))
    rows = [["Client ID", "First Name", "Last Name", "Status", "Opt-out Date"],
            ["AC-1", "A", "B", "Opted out", "2025-02-03"]]
    do_import(sqlite_db, write_csv(tmp_path / "o.csv", rows), on_duplicate="update")
    record = service.open_record(created.id, Actor(None, "test"))
    assert (record.status, record.opted_out_on) == (AlumniStatus.OPTED_OUT, date(2025, 2, 3))


# -- writing ---------------------------------------------------------------------------------------------

def test_created_records_match_the_app(tmp_path, sqlite_db):
    rows = [HEADER + ["Email"], person() + ["Maria@Example.org"]]
    do_import(sqlite_db, write_csv(tmp_path / "a.csv", rows), actor=Actor(None, "cli:import"))
    record = by_client_id(sqlite_db, "AC-100")
    assert (record.first_name, record.last_name, record.email) == ("Maria", "Núñez", "maria@example.org")
    assert record.opted_in_on == FIXED_TODAY  # as AlumniService.create does for active records
    assert record.row_version == 1
    found = DirectoryService(sqlite_db).first_page(DirectoryQuery(text="nunez"), 10)
    assert [row.client_id for row in found] == ["AC-100"]
    events = events_for(sqlite_db, "alumnus", record.id)
    assert [(e.action, e.actor) for e in events][:1] == [(AuditAction.IMPORT, "cli:import")]
    history = AlumniService(sqlite_db).status_history(record.id)
    assert [(h.new_status, h.reason) for h in history] == [(AlumniStatus.ACTIVE, "Record created")]


def test_dry_run_writes_nothing(tmp_path, sqlite_db):
    rows = [HEADER, person("AC-1"), person("AC-2", first="Bo", dob="nope")]
    audit_before = count(sqlite_db, AuditEvent)
    report = do_import(sqlite_db, write_csv(tmp_path / "dry.csv", rows), dry_run=True)
    assert report.summary() == (
        "2 rows read: 1 created, 0 updated, 0 skipped as duplicates, 1 rejected (dry run: nothing was saved)"
    )
    assert report.saved == 0
    assert count(sqlite_db) == 0 and count(sqlite_db, AuditEvent) == audit_before


def test_a_database_error_mid_import_leaves_nothing(tmp_path, sqlite_db, monkeypatch):
    monkeypatch.setattr(importing, "WRITE_BATCH", 3)
    rows = [HEADER] + [person(f"AC-{n}", first=f"P{n}") for n in range(10)]
    path = write_csv(tmp_path / "boom.csv", rows)
    statements = []

    def fail_on_the_third_batch(_conn, _cursor, statement, *_args):
        if statement.startswith("INSERT INTO alumni "):
            statements.append(statement)
            if len(statements) == 3:
                raise sqlite_db.engine.dialect.loaded_dbapi.OperationalError("disk I/O error")

    event.listen(sqlite_db.engine, "before_cursor_execute", fail_on_the_third_batch)
    try:
        with pytest.raises(ImportFailed, match="Nothing was saved"):
            do_import(sqlite_db, path)
    finally:
        event.remove(sqlite_db.engine, "before_cursor_execute", fail_on_the_third_batch)
    assert len(statements) == 3  # two batches had been written before the failure
    assert count(sqlite_db) == 0
    assert count(sqlite_db, AlumniStatusChange) == 0
    assert count(sqlite_db, AuditEvent) == 0


def test_a_bug_mid_import_also_leaves_nothing(tmp_path, sqlite_db, monkeypatch):
    monkeypatch.setattr(importing, "WRITE_BATCH", 2)
    calls = []
    real = importing._insert_new

    def insert_then_fail(*args):
        calls.append(1)
        if len(calls) == 2:
            raise ZeroDivisionError("a bug")
        real(*args)

    monkeypatch.setattr(importing, "_insert_new", insert_then_fail)
    rows = [HEADER] + [person(f"AC-{n}", first=f"P{n}") for n in range(5)]
    with pytest.raises(ZeroDivisionError):
        do_import(sqlite_db, write_csv(tmp_path / "bug.csv", rows))
    assert count(sqlite_db) == 0


def test_records_saved_after_the_plan_are_not_duplicated(tmp_path, sqlite_db):
    table = read_table(write_csv(tmp_path / "late.csv", [HEADER, person("AC-1"), person("AC-2", first="Bo")]))
    plan = plan_import(sqlite_db, table, today=FIXED_TODAY)
    assert plan.preview.created == 2
    AlumniService(sqlite_db, today=lambda: FIXED_TODAY).create(
        AlumnusData(client_id="AC-2", first_name="Someone", last_name="Else"), Actor(None, "test"))
    report = importing.apply_plan(sqlite_db, plan, actor=Actor(None, "test"))
    assert (report.created, report.skipped) == (1, 1)


def test_progress_is_reported(tmp_path, sqlite_db, monkeypatch):
    monkeypatch.setattr(importing, "WRITE_BATCH", 2)
    rows = [HEADER] + [person(f"AC-{n}", first=f"P{n}") for n in range(5)]
    seen: list[tuple[int, int]] = []
    do_import(sqlite_db, write_csv(tmp_path / "p.csv", rows), progress=lambda done, total: seen.append((done, total)))
    checking, writing = seen[:3], seen[3:]
    assert checking == [(2, 5), (4, 5), (5, 5)]
    assert writing == [(0, 5), (2, 5), (4, 5), (5, 5)]


def test_summary_wording():
    row = importing.PlannedRow(2, Outcome.CREATE)
    assert importing.ImportReport([row]).summary() == (
        "1 row read: 1 created, 0 updated, 0 skipped as duplicates, 0 rejected")


# -- command line --------------------------------------------------------------------------------------

def test_cli_prints_rejections_and_summary(tmp_path, sqlite_db, capsys):
    path = write_csv(tmp_path / "cli.csv", [HEADER, person("AC-1"), person("AC-2", first="Bo", dob="abc")])
    database = str(sqlite_db.url.database)
    assert cli.main(["import-alumni", str(path), "--database", database, "--dry-run"]) == cli.EXIT_REJECTED
    out = capsys.readouterr().out.splitlines()
    assert out == ["row 3: Date of birth 'abc' is not a date",
                   "2 rows read: 1 created, 0 updated, 0 skipped as duplicates, 1 rejected "
                   "(dry run: nothing was saved)"]
    assert count(sqlite_db) == 0


def test_cli_unreadable_file_exits_2(tmp_path, sqlite_db, capsys):
    path = tmp_path / "nothing.csv"
    path.write_text("")
    assert cli.main(["import-alumni", str(path), "--database", str(sqlite_db.url.database)]) == cli.EXIT_USAGE
    assert capsys.readouterr().err == "aftercare-desktop: nothing.csv is empty.\n"
