"""Directory search, filters and sorting, in SQL on both databases."""

from datetime import date

import pytest

from aftercare_desktop.models.enums import AlumniStatus, Program
from aftercare_desktop.services import staff
from aftercare_desktop.services.alumni import AlumniService
from aftercare_desktop.services.directory import UNASSIGNED, DirectoryQuery, DirectoryService, SortKey
from aftercare_desktop.services.records import AlumnusData
from tests.conftest import FIXED_TODAY

PEOPLE = [
    # client id, first, last, preferred, phone, email, program, discharged
    ("AC-1", "José", "Núñez", None, "(555) 010-2020", "jose@example.org", Program.IOP, date(2025, 1, 10)),
    ("AC-2", "Zoë", "Fischer", "Zo", "(312) 555-0142", "zoe@example.com", Program.RESIDENTIAL, date(2025, 6, 1)),
    ("AC-3", "Thảo", "Nguyễn", None, "(212) 555-0199", None, Program.PHP, date(2024, 12, 31)),
    ("AC-4", "María", "García-López", "Mari", None, "maria@example.org", Program.IOP, None),
]


@pytest.fixture
def directory(any_db, any_actor):
    alumni = AlumniService(any_db, today=lambda: FIXED_TODAY)
    caseworker = staff.add_staff(any_db, "Dana Reyes")
    ids = {}
    for position, (cid, first, last, preferred, phone, email, program, discharged) in enumerate(PEOPLE):
        record = alumni.create(
            AlumnusData(client_id=cid, first_name=first, last_name=last, preferred_name=preferred,
                        phone_mobile=phone, email=email, program=program, discharge_date=discharged,
                        admission_date=date(2024, 11, 1), caseworker_id=caseworker.id if position % 2 else None),
            any_actor,
        )
        ids[cid] = record.id
    service = DirectoryService(any_db)
    service.ids = ids
    service.caseworker_id = caseworker.id
    service.alumni = alumni
    return service


def client_ids(service: DirectoryService, **query) -> list[str]:
    return [row.client_id for row in service.rows(service.matching_ids(DirectoryQuery(**query)))]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("nunez", ["AC-1"]),
        ("NÚÑEZ", ["AC-1"]),
        ("555 010", ["AC-1"]),
        ("555 01", ["AC-2", "AC-3", "AC-1"]),
        ("(312) 555", ["AC-2"]),
        ("zo", ["AC-2"]),
        ("mari garcia", ["AC-4"]),
        ("lopez", ["AC-4"]),
        ("nguyen", ["AC-3"]),
        ("example.org", ["AC-4", "AC-1"]),
        ("ac-3", ["AC-3"]),
        ("100%", []),
        ("_", []),
    ],
)
def test_search_is_substring_case_and_accent_insensitive(directory, typed, expected):
    assert client_ids(directory, text=typed) == expected


def test_filters(directory):
    assert client_ids(directory, program=Program.IOP) == ["AC-4", "AC-1"]
    assert client_ids(directory, caseworker_id=directory.caseworker_id) == ["AC-2", "AC-4"]
    assert client_ids(directory, caseworker_id=UNASSIGNED) == ["AC-2"][:0] + ["AC-3", "AC-1"]
    assert client_ids(directory, discharged_from=date(2025, 1, 1), discharged_to=date(2025, 6, 1)) == ["AC-2", "AC-1"]
    assert client_ids(directory, statuses=frozenset({AlumniStatus.OPTED_OUT})) == []


def test_sorting_by_any_column(directory):
    assert client_ids(directory) == ["AC-2", "AC-4", "AC-3", "AC-1"]  # Fischer, García, Nguyễn, Núñez
    assert client_ids(directory, sort=SortKey.NAME, descending=True) == ["AC-1", "AC-3", "AC-4", "AC-2"]
    assert client_ids(directory, sort=SortKey.DISCHARGE_DATE) == ["AC-3", "AC-1", "AC-2", "AC-4"]
    assert client_ids(directory, sort=SortKey.CLIENT_ID, descending=True) == ["AC-4", "AC-3", "AC-2", "AC-1"]
    assert client_ids(directory, sort=SortKey.CASEWORKER)[:2] == ["AC-2", "AC-4"]


def test_archived_records_are_hidden_unless_asked_for(directory, any_actor):
    record = directory.alumni.open_record(directory.ids["AC-1"], any_actor)
    directory.alumni.set_archived(record.id, record.row_version, True, any_actor)
    assert "AC-1" not in client_ids(directory)
    assert "AC-1" in client_ids(directory, include_archived=True)
    assert directory.count(DirectoryQuery()) == 3


def test_first_page_and_count_agree_with_full_list(directory):
    query = DirectoryQuery(sort=SortKey.NAME)
    assert [r.id for r in directory.first_page(query, 2)] == directory.matching_ids(query)[:2]
    assert directory.count(query) == 4


def test_rows_skip_deleted_ids(directory, any_actor):
    record = directory.alumni.open_record(directory.ids["AC-2"], any_actor)
    directory.alumni.delete(record.id, record.row_version, any_actor)
    assert [r.client_id for r in directory.rows(list(directory.ids.values()))] == ["AC-1", "AC-3", "AC-4"]
