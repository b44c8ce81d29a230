"""Importing alumni from a CSV or XLSX file: read, map columns, check every row, then write in one go.

The steps are separate so the wizard can show each one: `read_table` → `guess_mapping` →
`plan_import` (what would happen to every row, nothing written) → `apply_plan` (one transaction:
everything or nothing). `run_import` does all of them for the command line.

Rows are checked by the one validator (`validation.check_alumnus`) and written with the same
building blocks as `AlumniService` (`new_alumnus_values`, `first_status_change`, `apply_changes`,
`set_status`); new records go in as bulk INSERTs so 10,000 rows take seconds. Row numbers are the
numbers a spreadsheet shows: the header is row 1. Nothing here logs cell values.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, NamedTuple

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..db import Database
from ..errors import AftercareError
from ..models import Alumnus, AlumniStatusChange
from ..models.enums import (
    LABELS,
    AlumniStatus,
    AuditAction,
    ContactMethod,
    DischargeType,
    Program,
    RecoveryPathway,
)
from . import audit, staff, text, validation
from .alumni import (
    ENTITY,
    apply_changes,
    changed_fields,
    first_status_change,
    new_alumnus_values,
    set_status,
    to_data,
)
from .audit import Actor
from .records import EDITABLE_FIELDS, AlumnusData
from .validation import FIELD_LABELS, check_alumnus

log = logging.getLogger("aftercare.import")

Progress = Callable[[int, int], None]
DuplicatePolicy = Literal["skip", "update"]
DUPLICATE_POLICIES: tuple[str, ...] = ("skip", "update")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
WRITE_BATCH = 500  # rows per INSERT batch and per client-ID lookup (well under SQLite's 999 parameters)
LOAD_CHUNK = 500
STATUS_REASON = "Changed by import"


class ImportFileError(AftercareError):
    """The file cannot be read as a table of alumni (missing, wrong type, damaged, empty)."""


class ImportMappingError(AftercareError):
    """The column mapping cannot work: a required field has no column, or a field has two."""


class ImportFailed(AftercareError):
    """Writing stopped on a database problem; the transaction was rolled back, nothing was saved."""


# -- the fields a column can be imported as ----------------------------------------------------------

class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    LIST = "list"
    CHOICE = "choice"
    PATHWAYS = "pathways"
    YES_NO = "yes_no"
    STAFF = "staff"


@dataclass(frozen=True)
class ImportField:
    name: str
    label: str
    kind: Kind = Kind.TEXT
    headers: tuple[str, ...] = ()
    choices: type[StrEnum] | None = None
    required: bool = False


def _f(name: str, kind: Kind, *headers: str, label: str | None = None, choices=None, required=False) -> ImportField:
    # The words of the app's own forms and the validator's messages, where they have them.
    label = label or FIELD_LABELS[name]
    return ImportField(name, label, kind, (label, name, *headers), choices, required)


# Order matters twice: it is the order of the wizard's drop-down, and a header that could mean two
# fields goes to the first.
FIELDS: tuple[ImportField, ...] = (
    _f("client_id", Kind.TEXT, "Client #", "Client No", "Client Number", "MRN", "Medical Record Number",
       "Record Number", "Patient ID", "Chart Number", required=True),
    _f("first_name", Kind.TEXT, "FirstName", "First", "Given Name", "Forename", required=True),
    _f("last_name", Kind.TEXT, "LastName", "Last", "Surname", "Family Name", required=True),
    _f("preferred_name", Kind.TEXT, "Nickname", "Nick Name", "Goes By", "Preferred"),
    _f("pronouns", Kind.TEXT, "Pronoun"),
    _f("date_of_birth", Kind.DATE, "DOB", "D.O.B.", "Birthdate", "Birth Date", "Birthday"),
    _f("phone_mobile", Kind.TEXT, "Phone", "Phone #", "Phone No", "Phone Number", "Mobile", "Mobile #",
       "Mobile Number", "Cell", "Cell #", "Cell Phone", "Cellphone", "Cell Number", "Telephone"),
    _f("phone_home", Kind.TEXT, "Home Phone #", "Home Phone Number", "Home #", "Landline", "Home Number"),
    _f("email", Kind.TEXT, "E-mail", "Email Address", "E-mail Address", "Mail"),
    _f("address", Kind.TEXT, "Street Address", "Street", "Address 1", "Address Line 1", "Home Address",
       "Mailing Address"),
    _f("city", Kind.TEXT, "Town", "City/Town"),
    _f("postal_code", Kind.TEXT, "Zip", "Zip Code", "Zipcode", "Postcode", "Post Code"),
    _f("preferred_contact_method", Kind.CHOICE, "Contact Method", "Contact Preference", "Preferred Contact",
       label="Preferred contact method", choices=ContactMethod),
    _f("preferred_contact_times", Kind.TEXT, "Contact Times", "Best Time to Call", "Best Time to Reach",
       "Best Time"),
    _f("languages", Kind.LIST, "Language", "Preferred Language", "Spoken Languages", label="Languages"),
    _f("program", Kind.CHOICE, "Level of Care", "LOC", "Treatment Program", label="Program", choices=Program),
    _f("admission_date", Kind.DATE, "Admit Date", "Date Admitted", "Admitted", "Intake Date"),
    _f("discharge_date", Kind.DATE, "Date Discharged", "Discharged", "DC Date"),
    _f("discharge_type", Kind.CHOICE, "Discharge Reason", "Discharge Status", "Type of Discharge",
       label="Discharge type", choices=DischargeType),
    _f("substances", Kind.LIST, "Substance", "Substances of Choice", "Drug of Choice", "Drugs of Choice",
       "Primary Substance", label="Substances"),
    _f("recovery_pathways", Kind.PATHWAYS, "Recovery Pathway", "Pathway", "Pathways",
       label="Recovery pathways", choices=RecoveryPathway),
    _f("sobriety_start_date", Kind.DATE, "Sobriety Date", "Sober Date", "Clean Date", "Recovery Date"),
    _f("caseworker_id", Kind.STAFF, "Case Worker", "Case Manager", "Assigned Caseworker", label="Caseworker"),
    _f("status", Kind.CHOICE, "Alumni Status", "Aftercare Status", label="Status", choices=AlumniStatus),
    _f("opted_in_on", Kind.DATE, "Opted In", "Opt-in Date", "Opt In Date"),
    _f("opted_out_on", Kind.DATE, "Opted Out", "Opt-out Date", "Opt Out Date"),
    _f("wants_mentor", Kind.YES_NO, "Wants Mentor", "Mentor Requested", label="Wants a mentor"),
    _f("consents_to_mentor_program", Kind.YES_NO, "Mentor Consent", "Mentor Program Consent",
       label="Consents to mentor program"),
    _f("notes", Kind.TEXT, "Note", "Comments", "Comment", "Remarks", label="Notes"),
)
FIELDS_BY_NAME: dict[str, ImportField] = {f.name: f for f in FIELDS}
REQUIRED_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def header_key(header: object) -> str:
    """'First Name', 'first_name', 'FirstName*' → 'firstname'; '#' reads as 'number'; (hints) dropped."""
    value = _BRACKETED.sub(" ", str(header or "")).replace("#", " number ")
    return _NOT_ALNUM.sub("", text.fold(value))


_HEADER_INDEX: dict[str, str] = {}
for _field in FIELDS:
    for _header in _field.headers:
        _HEADER_INDEX.setdefault(header_key(_header), _field.name)
# "Client No", "Phone No" and the like: 'no' is as common as '#'.
for _key, _name in list(_HEADER_INDEX.items()):
    if _key.endswith("number"):
        _HEADER_INDEX.setdefault(_key[: -len("number")] + "no", _name)


def guess_mapping(headers: Sequence[object]) -> dict[int, str | None]:
    """Column index → field name for the headers we recognise; each field goes to its first column."""
    mapping: dict[int, str | None] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        name = _HEADER_INDEX.get(header_key(header))
        if name in taken:
            name = None
        mapping[index] = name
        if name:
            taken.add(name)
    return mapping


# -- reading the file --------------------------------------------------------------------------------

class SourceRow(NamedTuple):
    number: int  # as a spreadsheet shows it; the header is row 1
    cells: tuple[Any, ...]


@dataclass
class Table:
    headers: list[str]
    rows: list[SourceRow]
    source: str = ""

    def samples(self, column: int, limit: int = 3, *, look_at: int = 1_000) -> list[str]:
        """The first few non-empty values of a column, as text (for the mapping page)."""
        found: list[str] = []
        for row in self.rows[:look_at]:  # a sparse column of a huge file must not stall the GUI
            if column < len(row.cells):
                value = cell_text(row.cells[column])
                if value:
                    found.append(value)
                    if len(found) == limit:
                        break
        return found


def read_table(path: str | Path) -> Table:
    """The first sheet of an XLSX file, or a CSV file (UTF-8 with or without BOM, or Latin-1; , ; or tab)."""
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"The file {path} does not exist.")
    if path.is_dir():
        raise ImportFileError(f"{path} is a folder, not a file.")
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        headers, rows = _read_xlsx(path)
    elif suffix in CSV_SUFFIXES:
        headers, rows = _read_csv(path)
    elif suffix == ".xls":
        raise ImportFileError(f"{path.name} is an old Excel file (.xls); save it as .xlsx or .csv and try again.")
    else:
        raise ImportFileError(f"{path.name} is not a CSV or XLSX file.")
    return Table(headers, rows, path.name)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path.name}: {exc.strerror or exc}.") from None


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _sniff_delimiter(content: str) -> str:
    # The header line is the most regular line of the file; whichever separator it uses most wins.
    for line in content.splitlines():
        if line.strip():
            counts = {delimiter: line.count(delimiter) for delimiter in (",", ";", "\t")}
            best = max(counts, key=counts.get)
            return best if counts[best] else ","
    return ","


def _read_csv(path: Path) -> tuple[list[str], list[SourceRow]]:
    raw = _read_bytes(path)
    if raw[:4] == b"PK\x03\x04":
        raise ImportFileError(f"{path.name} looks like an Excel workbook; rename it to .xlsx and try again.")
    content = _decode(raw)
    if "\x00" in content:
        raise ImportFileError(f"{path.name} is not a text (CSV) file.")
    # newline="" lets the reader keep line breaks inside quoted cells, so row numbers stay right.
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=_sniff_delimiter(content))
    try:
        return _split_header(((number, row) for number, row in enumerate(reader, start=1)), path)
    except csv.Error as exc:
        raise ImportFileError(f"{path.name} is not a readable CSV file ({exc}).") from None


def _read_xlsx(path: Path) -> tuple[list[str], list[SourceRow]]:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(path):
        raise ImportFileError(f"{path.name} is not a valid XLSX file; it may be damaged.")
    try:
        # openpyxl warns about styles and extensions it ignores; none of that matters for the values.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(path, read_only=True, data_only=True)
            try:
                if not workbook.worksheets:
                    raise ImportFileError(f"{path.name} has no sheets.")
                sheet = workbook.worksheets[0]
                sheet.reset_dimensions()  # some writers store wrong sheet sizes; read what is there
                return _split_header(enumerate(sheet.iter_rows(values_only=True), start=1), path)
            finally:
                workbook.close()
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged workbook fails in many ways (zip, XML, values)
        log.info("XLSX file could not be read: %s", type(exc).__name__)
        raise ImportFileError(f"{path.name} is not a valid XLSX file; it may be damaged.") from None


def _split_header(numbered: Iterable[tuple[int, Sequence[Any]]], path: Path) -> tuple[list[str], list[SourceRow]]:
    """The first non-empty row is the header; blank rows are dropped but keep their numbers counted."""
    headers: list[str] | None = None
    rows: list[SourceRow] = []
    for number, cells in numbered:
        if not any(cell_text(cell) for cell in cells):
            continue
        if headers is None:
            headers = [cell_text(cell) for cell in cells]
            while headers and not headers[-1]:
                headers.pop()
            headers = [h or f"Column {_column_letters(i)}" for i, h in enumerate(headers)]
            continue
        rows.append(SourceRow(number, tuple(cells)))
    if headers is None:
        raise ImportFileError(f"{path.name} is empty.")
    if not rows:
        raise ImportFileError(f"{path.name} has a header row but no rows of data.")
    return headers, rows


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


# -- turning cells into field values -----------------------------------------------------------------

def cell_text(value: Any) -> str:
    """A cell as the text a person would read in it ('' for empty)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # spreadsheets store 1234 as 1234.0
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


_TIME_OF_DAY = re.compile(r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


def parse_date(value: Any) -> date | None:
    """A date cell, or text the app's date fields accept (ISO or US month first). Raises ValueError."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    # Exports from other systems often write midnight after the date; the time means nothing here.
    return validation.parse_date(_TIME_OF_DAY.sub("", cell_text(value)))


def _choice_index(enum_cls: type[StrEnum], extra: Mapping[str, StrEnum]) -> dict[str, StrEnum]:
    index: dict[str, StrEnum] = {}
    for member in enum_cls:
        index[header_key(member.value)] = member
        index[header_key(LABELS.get(member, member.value))] = member
    index.update({header_key(word): member for word, member in extra.items()})
    return index


# The words teams actually type, beside each value and its label.
_CHOICES: dict[str, dict[str, StrEnum]] = {
    "program": _choice_index(Program, {
        "Intensive outpatient": Program.IOP, "Intensive outpatient program": Program.IOP,
        "Partial hospitalization": Program.PHP, "Partial hospitalization program": Program.PHP,
        "Partial hospitalisation": Program.PHP, "Day program": Program.PHP,
        "Residential treatment": Program.RESIDENTIAL, "Inpatient": Program.RESIDENTIAL, "RTC": Program.RESIDENTIAL,
        "Rehab": Program.RESIDENTIAL, "OP": Program.OUTPATIENT, "Outpatient program": Program.OUTPATIENT,
    }),
    "status": _choice_index(AlumniStatus, {
        "Lost to contact": AlumniStatus.LOST_CONTACT, "Lost touch": AlumniStatus.LOST_CONTACT,
        "Unreachable": AlumniStatus.LOST_CONTACT, "No contact": AlumniStatus.LOST_CONTACT,
        "Opt out": AlumniStatus.OPTED_OUT, "Opted-out": AlumniStatus.OPTED_OUT,
        "Declined": AlumniStatus.OPTED_OUT, "Passed away": AlumniStatus.DECEASED,
        "Enrolled": AlumniStatus.ACTIVE, "Current": AlumniStatus.ACTIVE,
    }),
    "discharge_type": _choice_index(DischargeType, {
        "Completed": DischargeType.COMPLETED, "Complete": DischargeType.COMPLETED,
        "Successful": DischargeType.COMPLETED, "Successful completion": DischargeType.COMPLETED,
        "Transfer": DischargeType.TRANSFERRED, "AMA": DischargeType.AGAINST_ADVICE,
        "Against medical advice": DischargeType.AGAINST_ADVICE, "Against advice": DischargeType.AGAINST_ADVICE,
        "Admin": DischargeType.ADMINISTRATIVE, "Administrative discharge": DischargeType.ADMINISTRATIVE,
    }),
    "preferred_contact_method": _choice_index(ContactMethod, {
        "Call": ContactMethod.PHONE, "Phone": ContactMethod.PHONE, "Telephone": ContactMethod.PHONE,
        "SMS": ContactMethod.TEXT, "Text": ContactMethod.TEXT, "Texting": ContactMethod.TEXT,
        "E-mail": ContactMethod.EMAIL, "Video": ContactMethod.VIDEO, "Telehealth": ContactMethod.VIDEO,
        "Zoom": ContactMethod.VIDEO, "Visit": ContactMethod.IN_PERSON, "Face to face": ContactMethod.IN_PERSON,
    }),
    "recovery_pathways": _choice_index(RecoveryPathway, {
        "12 step": RecoveryPathway.TWELVE_STEP, "Twelve step": RecoveryPathway.TWELVE_STEP,
        "AA": RecoveryPathway.TWELVE_STEP, "NA": RecoveryPathway.TWELVE_STEP, "CA": RecoveryPathway.TWELVE_STEP,
        "SMART": RecoveryPathway.SMART, "Faith": RecoveryPathway.FAITH_BASED,
        "Celebrate Recovery": RecoveryPathway.FAITH_BASED, "MAT": RecoveryPathway.MEDICATION_SUPPORTED,
        "MOUD": RecoveryPathway.MEDICATION_SUPPORTED, "Medication": RecoveryPathway.MEDICATION_SUPPORTED,
        "Medication-assisted treatment": RecoveryPathway.MEDICATION_SUPPORTED,
    }),
}
_YES = {"yes", "y", "true", "t", "1", "x"}
_NO = {"no", "n", "false", "f", "0"}
_LIST_SEPARATORS = re.compile(r"[;,]")


@functools.lru_cache(maxsize=4096)
def _choice(field_name: str, raw: str) -> StrEnum | None:
    # A column of 100,000 rows holds a handful of distinct words; fold each once.
    return _CHOICES[field_name].get(header_key(raw))


def _choice_hint(field_name: str) -> str:
    # 'PHP (partial hospitalization)' → 'PHP': the short word keeps the reason readable in a table cell.
    labels = (LABELS.get(member, member.value) for member in FIELDS_BY_NAME[field_name].choices or ())
    return ", ".join(_BRACKETED.sub("", words).strip() for words in labels)


def split_list(value: Any) -> list[str]:
    return [part.strip() for part in _LIST_SEPARATORS.split(cell_text(value)) if part.strip()]


@dataclass(frozen=True)
class ParsedRow:
    """One data row read into AlumnusData and checked on its own, before looking at the database."""

    number: int
    data: AlumnusData  # normalised by check_alumnus
    provided: frozenset[str]  # fields with a non-empty cell; only these change an existing record
    problems: tuple[str, ...]  # cell problems first, then the validator's errors
    client_key: str
    name_key: tuple[str, date] | None
    cell_problems: tuple[str, ...] = ()


def _convert(cells: Sequence[Any], mapping: Mapping[int, str], staff_ids: Mapping[str, int]) -> tuple[AlumnusData, frozenset[str], list[str]]:
    data = AlumnusData()
    provided: set[str] = set()
    problems: list[str] = []
    for column, name in mapping.items():
        value = cells[column] if column < len(cells) else None
        raw = cell_text(value)
        if not raw:
            continue
        spec = FIELDS_BY_NAME[name]
        provided.add(name)
        if spec.kind is Kind.TEXT:
            setattr(data, name, raw)
        elif spec.kind is Kind.LIST:
            setattr(data, name, split_list(value))
        elif spec.kind is Kind.DATE:
            try:
                setattr(data, name, parse_date(value))
            except ValueError:
                problems.append(f"{spec.label} '{raw}' is not a date")
        elif spec.kind is Kind.CHOICE:
            member = _choice(name, raw)
            if member is None:
                problems.append(f"{spec.label} '{raw}' is not one of: {_choice_hint(name)}")
            else:
                setattr(data, name, member)
        elif spec.kind is Kind.PATHWAYS:
            words = split_list(value)
            members = [_choice(name, word) for word in words]
            unknown = [word for word, member in zip(words, members) if member is None]
            if unknown:
                problems.append(f"{spec.label}: '{'; '.join(unknown)}' not one of: {_choice_hint(name)}")
            else:
                data.recovery_pathways = [member.value for member in members if member is not None]
        elif spec.kind is Kind.YES_NO:
            folded = header_key(raw)
            if folded in _YES or folded in _NO:
                setattr(data, name, folded in _YES)
            else:
                problems.append(f"{spec.label} '{raw}' is neither yes nor no")
        elif spec.kind is Kind.STAFF:
            staff_id = staff_ids.get(text.fold(raw))
            if staff_id is None:
                problems.append(f"{spec.label} '{raw}' is not a staff member")
            else:
                data.caseworker_id = staff_id
    return data, frozenset(provided), problems


def _client_key(client_id: str) -> str:
    # Same comparison as the app's duplicate check: lower() on the trimmed id.
    return " ".join(client_id.split()).lower()


def _name_key(data: AlumnusData) -> tuple[str, date] | None:
    if data.first_name and data.last_name and data.date_of_birth:
        return text.sort_name(data.first_name, data.last_name), data.date_of_birth
    return None


def _parse_row(row: SourceRow, mapping: Mapping[int, str], staff_ids: Mapping[str, int], today: date) -> ParsedRow:
    data, provided, cell_problems = _convert(row.cells, mapping, staff_ids)
    checked = check_alumnus(data, today=today)
    problems = list(cell_problems)
    for problem in checked.errors:
        if problem.message not in problems:
            problems.append(problem.message)
    clean = checked.data
    return ParsedRow(row.number, clean, provided, tuple(problems), _client_key(clean.client_id),
                     _name_key(clean), tuple(cell_problems))


def check_mapping(mapping: Mapping[int, str | None], headers: Sequence[str]) -> dict[int, str]:
    """The mapping without unmapped columns; raises ImportMappingError if it cannot work."""
    clean: dict[int, str] = {}
    seen: dict[str, int] = {}
    for column, name in mapping.items():
        if not name:
            continue
        if name not in FIELDS_BY_NAME:
            raise ImportMappingError(f"'{name}' is not a field that can be imported.")
        if not 0 <= column < len(headers):
            raise ImportMappingError(f"The file has no column number {column + 1}.")
        if name in seen:
            raise ImportMappingError(
                f"Two columns ('{headers[seen[name]]}' and '{headers[column]}') are both set to "
                f"{FIELDS_BY_NAME[name].label}; choose one."
            )
        seen[name] = column
        clean[column] = name
    missing = [FIELDS_BY_NAME[name].label for name in REQUIRED_FIELDS if name not in seen]
    if missing:
        raise ImportMappingError(
            f"No column is set to {', '.join(missing)}; rename the column in the file or choose it in the "
            "import wizard."
        )
    return clean


def _resolve_mapping(mapping: Mapping[int | str, str | None] | None, headers: Sequence[str]) -> dict[int, str]:
    if mapping is None:
        return check_mapping(guess_mapping(headers), headers)
    by_index: dict[int, str | None] = {}
    for key, name in mapping.items():
        if isinstance(key, str):  # a header, as typed by a person or a script
            matches = [i for i, header in enumerate(headers) if header_key(header) == header_key(key)]
            if not matches:
                raise ImportMappingError(f"The file has no column '{key}'.")
            key = matches[0]
        by_index[key] = name
    return check_mapping(by_index, headers)


# -- deciding what happens to every row --------------------------------------------------------------

class Outcome(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    SKIP = "skip"
    REJECT = "reject"


OUTCOME_LABELS = {
    Outcome.CREATE: "New record",
    Outcome.UPDATE: "Update",
    Outcome.SKIP: "Skipped (duplicate)",
    Outcome.REJECT: "Rejected",
}


@dataclass(frozen=True)
class PlannedRow:
    row_number: int
    outcome: Outcome
    reasons: tuple[str, ...] = ()
    data: AlumnusData | None = None  # what would be written (create or update)
    existing_id: int | None = None
    changed: tuple[str, ...] = ()  # field names an update changes
    status_on: date | None = None  # the file's opt-out / opt-in date for a status change it makes

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass
class ImportPlan:
    """What importing would do to every row. `apply_plan` checks again against the database."""

    rows: list[PlannedRow]
    on_duplicate: DuplicatePolicy
    today: date
    parsed: list[ParsedRow] = field(repr=False, default_factory=list)

    @functools.cached_property
    def preview(self) -> ImportReport:
        """The counts and rejections as they stand now; nothing has been saved."""
        return ImportReport(self.rows, dry_run=True)


class _Decider:
    """Sorts parsed rows into create / update / skip / reject against the database `session` sees."""

    def __init__(self, session: Session, on_duplicate: DuplicatePolicy, today: date):
        self.session = session
        self.on_duplicate = on_duplicate
        self.today = today
        self.loaded: dict[int, Alumnus] = {}

    def decide(self, parsed: Sequence[ParsedRow]) -> list[PlannedRow]:
        by_client, by_name = self._existing_keys()
        if self.on_duplicate == "update":
            wanted = {by_client[row.client_key] for row in parsed if row.client_key in by_client}
            self._load(wanted)
        seen_client: dict[str, int] = {}
        seen_name: dict[tuple[str, date], int] = {}
        planned: list[PlannedRow] = []
        for row in parsed:
            result = self._decide_row(row, by_client, by_name, seen_client, seen_name)
            # The first row that is not rejected speaks for its client ID (and person); a later row
            # saying something else about them is a duplicate, whatever the first one's outcome.
            if result.outcome is not Outcome.REJECT:
                if row.client_key:
                    seen_client.setdefault(row.client_key, row.number)
                name_key = _name_key(result.data) if result.data is not None else row.name_key
                if name_key:
                    seen_name.setdefault(name_key, row.number)
            planned.append(result)
        return planned

    def _decide_row(
        self,
        row: ParsedRow,
        by_client: Mapping[str, int],
        by_name: Mapping[tuple[str, date], int],
        seen_client: Mapping[str, int],
        seen_name: Mapping[tuple[str, date], int],
    ) -> PlannedRow:
        number = row.number
        if row.client_key and row.client_key in seen_client:
            return PlannedRow(number, Outcome.SKIP, (f"Same client ID as row {seen_client[row.client_key]}",))
        existing = by_client.get(row.client_key) if row.client_key else None
        if existing is not None and self.on_duplicate == "skip":
            return PlannedRow(number, Outcome.SKIP, ("Client ID is already in the database",), existing_id=existing)
        if existing is not None:
            return self._update(row, self.loaded[existing])
        if row.problems:
            return PlannedRow(number, Outcome.REJECT, row.problems)
        if row.name_key and row.name_key in seen_name:
            return PlannedRow(number, Outcome.SKIP,
                              (f"Same name and date of birth as row {seen_name[row.name_key]}",))
        if row.name_key and row.name_key in by_name:
            return PlannedRow(number, Outcome.SKIP, (
                "Same name and date of birth as a record with another client ID; check by hand",
            ), existing_id=by_name[row.name_key])
        return PlannedRow(number, Outcome.CREATE, data=row.data)

    def _update(self, row: ParsedRow, alumnus: Alumnus) -> PlannedRow:
        """The record with the row's non-empty cells laid over it, checked as a whole."""
        if row.cell_problems:
            return PlannedRow(row.number, Outcome.REJECT, row.cell_problems, existing_id=alumnus.id)
        current = to_data(alumnus)
        merged = replace(current)
        for name in row.provided:
            if name == "client_id" and _client_key(current.client_id) == row.client_key:
                continue  # same id in other letter case: keep the record's spelling
            setattr(merged, name, getattr(row.data, name))
        checked = check_alumnus(merged, today=self.today)
        if not checked.ok:
            return PlannedRow(row.number, Outcome.REJECT, tuple(p.message for p in checked.errors),
                              existing_id=alumnus.id)
        clean = checked.data
        changed = changed_fields(current, clean)
        status_on = None
        if clean.status != current.status:
            changed.append("status")
            dated_by = "opted_out_on" if clean.status is AlumniStatus.OPTED_OUT else "opted_in_on"
            status_on = getattr(clean, dated_by) if dated_by in row.provided else None
        if not changed:
            return PlannedRow(row.number, Outcome.SKIP, ("Client ID is already in the database; nothing to change",),
                              existing_id=alumnus.id)
        return PlannedRow(row.number, Outcome.UPDATE, (f"Changes: {_field_labels(changed)}",), data=clean,
                          existing_id=alumnus.id, changed=tuple(changed), status_on=status_on)

    def _existing_keys(self) -> tuple[dict[str, int], dict[tuple[str, date], int]]:
        # One pass over the keys of every record: cheaper than thousands of IN-lists on lower(client_id).
        by_client: dict[str, int] = {}
        by_name: dict[tuple[str, date], int] = {}
        rows = self.session.execute(
            select(Alumnus.id, Alumnus.client_id, Alumnus.sort_name, Alumnus.date_of_birth)
        )
        for alumnus_id, client_id, sort_name, born in rows:
            by_client.setdefault(_client_key(client_id), alumnus_id)
            if born:
                by_name.setdefault((sort_name, born), alumnus_id)
        return by_client, by_name

    def _load(self, ids: Iterable[int]) -> None:
        ids = sorted(set(ids) - self.loaded.keys())
        for start in range(0, len(ids), LOAD_CHUNK):
            query = (select(Alumnus).where(Alumnus.id.in_(ids[start:start + LOAD_CHUNK]))
                     .options(selectinload(Alumnus.support_contacts)))
            for alumnus in self.session.scalars(query):
                self.loaded[alumnus.id] = alumnus


def _field_labels(names: Iterable[str]) -> str:
    return ", ".join(FIELDS_BY_NAME[n].label if n in FIELDS_BY_NAME else FIELD_LABELS.get(n, n) for n in names)


def _staff_index(database: Database) -> dict[str, int]:
    return {text.fold(member.display_name): member.id for member in staff.list_staff(database, include_inactive=True)}


def plan_import(
    database: Database,
    table: Table,
    mapping: Mapping[int | str, str | None] | None = None,
    *,
    on_duplicate: DuplicatePolicy = "skip",
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """Check every row and decide its outcome; writes nothing. `mapping` None means guess from headers."""
    if on_duplicate not in DUPLICATE_POLICIES:
        raise ValueError(f"on_duplicate must be one of {DUPLICATE_POLICIES}")
    columns = _resolve_mapping(mapping, table.headers)
    today = today or date.today()
    staff_ids = _staff_index(database) if "caseworker_id" in columns.values() else {}
    total = len(table.rows)
    parsed: list[ParsedRow] = []
    for done, row in enumerate(table.rows, start=1):
        parsed.append(_parse_row(row, columns, staff_ids, today))
        if progress and (done % WRITE_BATCH == 0 or done == total):
            progress(done, total)
    with database.session() as session:
        rows = _Decider(session, on_duplicate, today).decide(parsed)
    return ImportPlan(rows, on_duplicate, today, parsed)


def replan(database: Database, plan: ImportPlan, *, on_duplicate: DuplicatePolicy) -> ImportPlan:
    """The same rows decided again under another duplicate policy (the checked rows are kept)."""
    with database.session() as session:
        rows = _Decider(session, on_duplicate, plan.today).decide(plan.parsed)
    return ImportPlan(rows, on_duplicate, plan.today, plan.parsed)


# -- writing -----------------------------------------------------------------------------------------

@dataclass
class ImportReport:
    rows: list[PlannedRow]
    dry_run: bool = False

    @property
    def rows_read(self) -> int:
        return len(self.rows)

    @functools.cached_property
    def counts(self) -> Counter[Outcome]:
        return Counter(row.outcome for row in self.rows)

    @property
    def created(self) -> int:
        return self.counts[Outcome.CREATE]

    @property
    def updated(self) -> int:
        return self.counts[Outcome.UPDATE]

    @property
    def skipped(self) -> int:
        return self.counts[Outcome.SKIP]

    @functools.cached_property
    def rejected(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.outcome is Outcome.REJECT]

    @property
    def saved(self) -> int:
        """Records created or changed (0 for a dry run)."""
        return 0 if self.dry_run else self.created + self.updated

    def summary(self) -> str:
        read = self.rows_read
        line = (
            f"{read:,} {'row' if read == 1 else 'rows'} read: {self.created:,} created, {self.updated:,} updated, "
            f"{self.skipped:,} skipped as duplicates, {len(self.rejected):,} rejected"
        )
        return line + (" (dry run: nothing was saved)" if self.dry_run else "")


def apply_plan(
    database: Database,
    plan: ImportPlan,
    *,
    actor: Actor,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Write the accepted rows in one transaction; a database error rolls back all of them.

    Duplicates are decided again inside the transaction, so records saved by someone else since
    the plan was made are not duplicated.
    """
    if dry_run:
        return ImportReport(list(plan.rows), dry_run=True)
    with database.session() as session:
        try:
            decider = _Decider(session, plan.on_duplicate, plan.today)
            rows = decider.decide(plan.parsed)
            _write(session, rows, decider.loaded, actor, plan.today, progress)
            session.commit()
        except SQLAlchemyError as exc:
            session.rollback()
            raise ImportFailed(_explain(exc)) from exc
    database.refresh_statistics()
    report = ImportReport(rows)
    log.info("import saved: %d created, %d updated, %d skipped, %d rejected",
             report.created, report.updated, report.skipped, len(report.rejected))
    return report


def _write(session: Session, rows: Sequence[PlannedRow], loaded: Mapping[int, Alumnus], actor: Actor,
           today: date, progress: Progress | None) -> None:
    creates = [row for row in rows if row.outcome is Outcome.CREATE]
    updates = [row for row in rows if row.outcome is Outcome.UPDATE]
    total, done = len(creates) + len(updates), 0
    if progress:
        progress(0, total)
    for start in range(0, len(creates), WRITE_BATCH):
        batch = creates[start:start + WRITE_BATCH]
        _insert_new(session, [row.data for row in batch], actor, today)
        done += len(batch)
        if progress:
            progress(done, total)
    for start in range(0, len(updates), WRITE_BATCH):
        batch = updates[start:start + WRITE_BATCH]
        by_fields: dict[tuple[str, ...], list[int]] = {}
        # Loading a status history must not flush half an update: one UPDATE, one row_version step.
        with session.no_autoflush:
            for row in batch:
                alumnus = loaded[row.existing_id]
                changed = set(apply_changes(alumnus, row.data, actor))
                if row.data.status != alumnus.status:
                    # Dated as the file says when it gives the date, else today, as the app does.
                    changed.update(set_status(alumnus, row.data.status, STATUS_REASON, actor,
                                              row.status_on or today))
                by_fields.setdefault(tuple(sorted(changed)), []).append(alumnus.id)
        session.flush()
        for names, ids in by_fields.items():
            audit.record_many(session, actor, AuditAction.UPDATE, ENTITY, ids, names)
        done += len(batch)
        if progress:
            progress(done, total)


def _insert_new(session: Session, records: Sequence[AlumnusData], actor: Actor, today: date) -> None:
    """The rows `AlumniService.create` makes, as bulk INSERTs (an imported row has no support contacts)."""
    values = [new_alumnus_values(record, actor, today) for record in records]
    # render_nulls: rows differing only in which fields are empty still go in one executemany.
    session.execute(insert(Alumnus).execution_options(render_nulls=True), values)
    # Client IDs are unique, so they find the new ids without INSERT … RETURNING row by row.
    client_ids = [value["client_id"] for value in values]
    found = session.execute(select(Alumnus.client_id, Alumnus.id).where(Alumnus.client_id.in_(client_ids)))
    ids = {client_id: alumnus_id for client_id, alumnus_id in found}
    session.execute(insert(AlumniStatusChange), [
        {"alumnus_id": ids[value["client_id"]], **first_status_change(value["status"], actor)} for value in values
    ])
    audit.record_many(session, actor, AuditAction.IMPORT, ENTITY, [ids[c] for c in client_ids], EDITABLE_FIELDS)


def _explain(exc: SQLAlchemyError) -> str:
    # The driver's own message can quote values from the file; it stays out of what is shown.
    if isinstance(exc, IntegrityError):
        return ("Someone saved a record with one of these client IDs while the import ran. "
                "Nothing was saved; run the import again.")
    if isinstance(exc, OperationalError):
        return "The database was busy or could not be reached. Nothing was saved; try the import again."
    if isinstance(exc, StaleDataError):
        return "A record was changed by someone else while the import ran. Nothing was saved; run it again."
    return f"The database refused the import ({type(exc).__name__}). Nothing was saved."


def run_import(
    database: Database,
    path: str | Path,
    *,
    on_duplicate: DuplicatePolicy = "skip",
    dry_run: bool = False,
    actor: Actor,
    mapping: Mapping[int | str, str | None] | None = None,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportReport:
    """Read, check and (unless `dry_run`) save a file of alumni. `progress` hears checking, then writing."""
    table = read_table(path)
    plan = plan_import(database, table, mapping, on_duplicate=on_duplicate, today=today, progress=progress)
    return apply_plan(database, plan, actor=actor, dry_run=dry_run, progress=progress)


def iter_rejections(report: ImportReport | ImportPlan) -> Iterator[str]:
    """'row 7: Date of birth 'abc' is not a date …' lines, for a listing or a file."""
    for row in report.rejected:
        yield f"row {row.row_number}: {row.reason}"
