"""Properties of the importer: whatever text the cells hold, it never crashes and always says why."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftercare_desktop.db import Database, resolve_url
from aftercare_desktop.schema import ensure_schema
from aftercare_desktop.services import importing
from aftercare_desktop.services.audit import Actor
from aftercare_desktop.services.importing import (
    FIELDS,
    ImportFileError,
    Outcome,
    SourceRow,
    Table,
    guess_mapping,
    header_key,
    plan_import,
    read_table,
)
from tests.conftest import FIXED_TODAY

# Every field once, in a fixed column order, so each row exercises every kind of conversion.
HEADERS = [spec.label for spec in FIELDS]
FIELD_COUNT = len(FIELDS)

cell_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
# Cells as they come out of XLSX files too: numbers, dates and booleans beside text.
any_cell = st.one_of(
    cell_text,
    st.none(),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.booleans(),
    st.sampled_from(["IOP", "Lost contact", "03/01/2024", "2024-02-30", "yes", "AA; SMART", "(212) 555-0142"]),
)
rows_strategy = st.lists(st.lists(any_cell, min_size=0, max_size=FIELD_COUNT + 2), min_size=1, max_size=8)


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """One database for the module: planning only reads, and hypothesis reruns the test many times."""
    database = Database.open(resolve_url(tmp_path_factory.mktemp("props") / "aftercare.sqlite"))
    ensure_schema(database)
    yield database
    database.dispose()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=rows_strategy, policy=st.sampled_from(["skip", "update"]))
def test_any_cells_give_an_outcome_and_every_rejection_a_reason(database, rows, policy):
    table = Table(HEADERS, [SourceRow(number, tuple(cells)) for number, cells in enumerate(rows, start=2)])
    plan = plan_import(database, table, on_duplicate=policy, today=FIXED_TODAY)
    assert [row.row_number for row in plan.rows] == [row.number for row in table.rows]
    for row in plan.rows:
        assert row.outcome in Outcome
        if row.outcome is Outcome.REJECT:
            assert row.reasons and all(reason.strip() for reason in row.reasons)
        if row.outcome is Outcome.SKIP:
            assert row.reason.strip()
        if row.outcome is Outcome.CREATE:
            assert row.data is not None and row.data.client_id and row.data.first_name and row.data.last_name
    report = importing.apply_plan(database, plan, actor=Actor(None, "test"), dry_run=True)
    assert report.rows_read == len(rows)
    assert report.summary().endswith("(dry run: nothing was saved)")


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.lists(cell_text.filter(lambda t: "\x00" not in t), min_size=3, max_size=5),
                     min_size=1, max_size=6),
       delimiter=st.sampled_from([",", ";", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig"]))
def test_any_csv_text_reads_back_or_fails_with_a_clear_message(tmp_path_factory, rows, delimiter, encoding):
    path = tmp_path_factory.mktemp("csv") / "file.csv"
    header = ["Client ID", "First Name", "Last Name"]
    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle, delimiter=delimiter).writerows([header, *rows])
    try:
        table = read_table(path)
    except ImportFileError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert all(row.number >= 2 for row in table.rows)
    assert [row.number for row in table.rows] == sorted(row.number for row in table.rows)


@given(value=st.one_of(cell_text, st.dates(), st.datetimes(), st.integers(), st.floats(), st.none()))
def test_parse_date_gives_a_date_none_or_value_error(value):
    try:
        result = importing.parse_date(value)
    except ValueError:
        return
    assert result is None or isinstance(result, date)


@given(headers=st.lists(st.one_of(cell_text, st.sampled_from(HEADERS + ["Phone #", "DOB", "MRN", "E-mail"])),
                        max_size=12))
def test_guess_mapping_never_maps_a_field_twice(headers):
    mapping = guess_mapping(headers)
    assert sorted(mapping) == list(range(len(headers)))
    chosen = [name for name in mapping.values() if name]
    assert len(chosen) == len(set(chosen))


@given(header=cell_text)
def test_header_key_is_stable(header):
    assert header_key(header_key(header)) == header_key(header)
