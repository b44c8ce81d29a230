"""Alumni records on SQLite and PostgreSQL: create, change, conflicts, status, archive, delete, audit."""

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from aftercare_desktop.errors import AftercareError, ConcurrentEditError, RecordNotFoundError, ValidationFailed
from aftercare_desktop.models.enums import AlumniStatus, AuditAction, Relationship
from aftercare_desktop.services.alumni import AlumniService
from aftercare_desktop.services.audit import events_for
from aftercare_desktop.services.records import AlumnusData, SupportContactData
from tests.conftest import FIXED_TODAY


@pytest.fixture
def service(any_db):
    return AlumniService(any_db, today=lambda: FIXED_TODAY)


def new_alumnus(**changes) -> AlumnusData:
    values = dict(
        client_id="AC-000101", first_name="José", last_name="Núñez", date_of_birth=date(1988, 2, 29),
        phone_mobile="312-555-0142",
        support_contacts=[
            SupportContactData("Rosa Díaz", Relationship.SPONSOR, "212 555 0199", "any time"),
            SupportContactData("Mamá", Relationship.FAMILY, "(312) 555-0100"),
        ],
    )
    values.update(changes)
    return AlumnusData(**values)


def test_create_stores_normalised_data_and_audits(service, any_db, any_actor):
    record = service.create(new_alumnus(), any_actor)
    assert record.id and record.row_version == 1
    assert record.phone_mobile == "(312) 555-0142"
    assert [c.name for c in record.support_contacts] == ["Rosa Díaz", "Mamá"]
    assert record.opted_in_on == FIXED_TODAY
    opened = service.open_record(record.id, any_actor)
    assert opened == record
    actions = [e.action for e in events_for(any_db, "alumnus", record.id)]
    assert actions == [AuditAction.CREATE, AuditAction.VIEW]


def test_invalid_data_is_refused_with_every_reason(service, any_actor):
    with pytest.raises(ValidationFailed) as raised:
        service.create(new_alumnus(first_name="", email="nope"), any_actor)
    assert {p.field for p in raised.value.problems} == {"first_name", "email"}


def test_client_id_is_unique(service, any_actor):
    service.create(new_alumnus(), any_actor)
    with pytest.raises(AftercareError, match="already has client ID"):
        service.create(new_alumnus(first_name="Other"), any_actor)


def test_update_records_only_changed_field_names(service, any_db, any_actor):
    record = service.create(new_alumnus(), any_actor)
    record.city = "Chicago"
    record.support_contacts.reverse()
    saved = service.update(record, any_actor)
    assert saved.row_version == 2
    assert [c.name for c in saved.support_contacts] == ["Mamá", "Rosa Díaz"]
    last = events_for(any_db, "alumnus", record.id)[-1]
    assert last.action is AuditAction.UPDATE
    assert last.changed_fields == ("city", "support_contacts")


def test_two_desks_cannot_silently_overwrite_each_other(service, any_actor):
    record = service.create(new_alumnus(), any_actor)
    desk_a = service.open_record(record.id, any_actor)
    desk_b = service.open_record(record.id, any_actor)
    desk_a.city = "Chicago"
    service.update(desk_a, any_actor)
    desk_b.city = "Evanston"
    with pytest.raises(ConcurrentEditError, match="changed by someone else"):
        service.update(desk_b, any_actor)
    assert service.open_record(record.id, any_actor).city == "Chicago"


def test_possible_duplicates_by_client_id_or_name_and_birth_date(service, any_actor):
    record = service.create(new_alumnus(), any_actor)
    same_id = service.possible_duplicates(new_alumnus(client_id="ac-000101", first_name="X"))
    assert [(c.id, c.reason) for c in same_id] == [(record.id, "same client ID")]
    same_person = service.possible_duplicates(new_alumnus(client_id="AC-9", first_name="jose", last_name="NUNEZ"))
    assert [(c.id, c.reason) for c in same_person] == [(record.id, "same name and date of birth")]
    assert service.possible_duplicates(record) == []


def test_status_change_keeps_history(service, any_actor):
    record = service.create(new_alumnus(), any_actor)
    changed = service.change_status(record.id, record.row_version, AlumniStatus.OPTED_OUT, "asked", any_actor)
    assert changed.status is AlumniStatus.OPTED_OUT and changed.opted_out_on == FIXED_TODAY
    assert changed.row_version == record.row_version + 1
    history = service.status_history(record.id)
    assert [(h.old_status, h.new_status, h.reason) for h in history] == [
        (None, AlumniStatus.ACTIVE, "Record created"),
        (AlumniStatus.ACTIVE, AlumniStatus.OPTED_OUT, "asked"),
    ]
    assert history[1].changed_by == "Test Caseworker"


def test_archive_and_restore(service, any_actor):
    record = service.create(new_alumnus(), any_actor)
    archived = service.set_archived(record.id, record.row_version, True, any_actor)
    assert archived.archived_at is not None
    restored = service.set_archived(archived.id, archived.row_version, False, any_actor)
    assert restored.archived_at is None


def test_hard_delete_removes_the_record_but_not_its_audit_trail(service, any_db, any_actor):
    record = service.create(new_alumnus(), any_actor)
    service.delete(record.id, record.row_version, any_actor)
    with pytest.raises(RecordNotFoundError):
        service.open_record(record.id, any_actor)
    assert [e.action for e in events_for(any_db, "alumnus", record.id)] == [AuditAction.CREATE, AuditAction.DELETE]


def test_audit_trail_is_append_only_in_the_database(service, any_db, any_actor):
    service.create(new_alumnus(), any_actor)
    for statement in ("UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), any_db.engine.begin() as connection:
            connection.execute(text(statement))
