"""Recording assessments, reading them back, and who is due: on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import event, update

from aftercare_desktop.errors import AftercareError, RecordNotFoundError, ValidationFailed
from aftercare_desktop.models import Alumnus
from aftercare_desktop.models.enums import AlumniStatus, AuditAction
from aftercare_desktop.services import audit
from aftercare_desktop.services.alumni import AlumniService
from aftercare_desktop.services.assessments import ENTITY, AssessmentService, DueAssessment
from aftercare_desktop.services.instruments import AWARE, BARC_10
from aftercare_desktop.services.records import AlumnusData

TODAY = date(2026, 6, 15)
BARC_47 = [5, 5, 5, 5, 5, 5, 5, 4, 4, 4]
BARC_44 = [5, 5, 5, 5, 4, 4, 4, 4, 4, 4]


def add_alumnus(database, actor, client_id: str, discharge: date | None, **column_values) -> int:
    data = AlumnusData(client_id=client_id, first_name="Test", last_name=client_id, discharge_date=discharge)
    alumnus_id = AlumniService(database, today=lambda: TODAY).create(data, actor).id
    if column_values:
        with database.session() as session:
            session.execute(update(Alumnus).where(Alumnus.id == alumnus_id).values(**column_values))
            session.commit()
    return alumnus_id


@pytest.fixture
def service(any_db) -> AssessmentService:
    return AssessmentService(any_db, today=lambda: TODAY)


def test_record_stores_total_band_and_answers_as_given_and_audits(any_db, any_actor, service):
    alumnus_id = add_alumnus(any_db, any_actor, "AC-1", date(2026, 1, 10))
    aware_answers = [1] * 28
    saved = service.record(alumnus_id, AWARE, date(2026, 6, 1), aware_answers, any_actor)
    assert (saved.total, saved.band) == (58, "56–69")
    assert saved.answers == tuple(aware_answers)  # not reversed
    assert saved.recorded_by == "Test Caseworker"
    assert saved.instrument == AWARE and saved.alumnus_id == alumnus_id
    events = audit.events_for(any_db, ENTITY, saved.id)
    assert [(e.action, e.staff_id) for e in events] == [(AuditAction.CREATE, any_actor.staff_id)]
    assert events[0].changed_fields == ("administered_on", "answers", "band", "instrument", "total")


def test_history_is_newest_first_with_who_recorded_it(any_db, any_actor, service):
    alumnus_id = add_alumnus(any_db, any_actor, "AC-1", date(2026, 1, 10))
    other_id = add_alumnus(any_db, any_actor, "AC-2", date(2026, 1, 10))
    service.record(alumnus_id, BARC_10, date(2026, 2, 10), BARC_44, any_actor)
    service.record(alumnus_id, BARC_10, date(2026, 5, 10), BARC_47, any_actor)
    service.record(alumnus_id, AWARE, date(2026, 3, 10), [2] * 28, any_actor)
    service.record(other_id, BARC_10, date(2026, 6, 1), BARC_47, any_actor)
    history = service.history(alumnus_id)
    assert [(r.instrument, r.administered_on, r.total) for r in history] == [
        (BARC_10, date(2026, 5, 10), 47), (AWARE, date(2026, 3, 10), 2 * 23 + 6 * 5), (BARC_10, date(2026, 2, 10), 44),
    ]
    assert {r.band for r in history if r.instrument == BARC_10} == {"47 or above", "Below 47"}
    assert all(r.recorded_by == "Test Caseworker" for r in history)
    assert service.history(add_alumnus(any_db, any_actor, "AC-3", None)) == []


def test_trend_is_oldest_first_with_the_cut_off(any_db, any_actor, service):
    alumnus_id = add_alumnus(any_db, any_actor, "AC-1", date(2026, 1, 10))
    service.record(alumnus_id, BARC_10, date(2026, 5, 10), BARC_47, any_actor)
    service.record(alumnus_id, BARC_10, date(2026, 2, 10), BARC_44, any_actor)
    trend = service.trend(alumnus_id, BARC_10)
    assert trend.points == ((date(2026, 2, 10), 44), (date(2026, 5, 10), 47))
    assert trend.cut_off.value == 47 and (trend.y_min, trend.y_max) == (0, 60)
    assert service.trend(alumnus_id, AWARE).points == ()


def test_nothing_is_stored_when_the_date_or_answers_are_wrong(any_db, any_actor, service):
    alumnus_id = add_alumnus(any_db, any_actor, "AC-1", date(2026, 1, 10))
    with pytest.raises(ValidationFailed) as error:
        service.record(alumnus_id, BARC_10, date(2026, 6, 16), [5] * 9 + [None], any_actor)
    assert [p.message for p in error.value.problems] == [
        "The date the assessment was given cannot be in the future.", "Item 10 is not answered."]
    with pytest.raises(ValidationFailed, match="Enter the date"):
        service.record(alumnus_id, BARC_10, None, BARC_47, any_actor)
    # Today itself is fine.
    service.record(alumnus_id, BARC_10, TODAY, BARC_47, any_actor)
    assert len(service.history(alumnus_id)) == 1


def test_unknown_alumnus_or_instrument(any_db, any_actor, service):
    with pytest.raises(RecordNotFoundError):
        service.record(999_999, BARC_10, TODAY, BARC_47, any_actor)
    alumnus_id = add_alumnus(any_db, any_actor, "AC-1", date(2026, 1, 10))
    with pytest.raises(AftercareError, match="no assessment instrument with the code 'PHQ-9'"):
        service.record(alumnus_id, "PHQ-9", TODAY, BARC_47, any_actor)


def test_next_due_follows_the_cadence(any_db, any_actor, service):
    discharged = date(2026, 1, 10)
    alumnus_id = add_alumnus(any_db, any_actor, "AC-1", discharged)
    assert service.next_due(alumnus_id, BARC_10, discharged) == discharged
    assert service.next_due(alumnus_id, AWARE, discharged) == date(2026, 3, 10)
    assert service.next_due(alumnus_id, BARC_10, None) is None
    service.record(alumnus_id, BARC_10, date(2026, 4, 10), BARC_47, any_actor)  # month 3
    service.record(alumnus_id, BARC_10, date(2026, 2, 10), BARC_44, any_actor)  # an earlier one, entered late
    assert service.next_due(alumnus_id, BARC_10, discharged) == date(2026, 7, 10)


def test_overview_reads_everything_the_panel_shows(any_db, any_actor, service):
    discharged = date(2026, 1, 10)
    alumnus_id = add_alumnus(any_db, any_actor, "AC-1", discharged)
    service.record(alumnus_id, BARC_10, date(2026, 2, 10), BARC_44, any_actor)
    service.record(alumnus_id, BARC_10, date(2026, 3, 10), BARC_47, any_actor)
    overview = service.overview(alumnus_id, discharged)
    assert [r.total for r in overview.history] == [47, 44]
    by_code = {status.instrument: status for status in overview.instruments}
    assert set(by_code) == {BARC_10, AWARE}
    assert by_code[BARC_10].latest.total == 47
    assert by_code[BARC_10].trend.points == ((date(2026, 2, 10), 44), (date(2026, 3, 10), 47))
    assert by_code[BARC_10].next_due == date(2026, 4, 10)
    assert by_code[AWARE].latest is None and by_code[AWARE].next_due == date(2026, 3, 10)


def test_due_assessments_for_everyone_in_one_query(any_db, any_actor, service):
    long_ago = date(2025, 1, 10)
    never = add_alumnus(any_db, any_actor, "AC-1", long_ago)
    recent = add_alumnus(any_db, any_actor, "AC-2", long_ago)
    service.record(recent, BARC_10, date(2026, 6, 1), BARC_47, any_actor)  # month 16: next in 6 months
    service.record(recent, AWARE, date(2026, 4, 15), [2] * 28, any_actor)  # due exactly today
    tomorrow = add_alumnus(any_db, any_actor, "AC-3", date(2026, 4, 16))  # AWARE due 2026-06-16
    service.record(tomorrow, BARC_10, date(2026, 5, 16), BARC_47, any_actor)  # month 1: due 2026-06-16
    add_alumnus(any_db, any_actor, "AC-4", None)  # no discharge date: no schedule
    add_alumnus(any_db, any_actor, "AC-5", long_ago, status=AlumniStatus.OPTED_OUT)
    add_alumnus(any_db, any_actor, "AC-6", long_ago, archived_at=datetime(2026, 1, 1, tzinfo=timezone.utc))

    statements = []
    engine = any_db.engine

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        due = service.due_assessments(TODAY)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1
    assert due == [
        DueAssessment(never, BARC_10, long_ago),  # never given: at discharge
        DueAssessment(never, AWARE, date(2025, 3, 10)),  # never given: 2 months after discharge
        DueAssessment(recent, AWARE, TODAY),
    ]
    assert service.due_assessments(date(2026, 6, 16), alumnus_ids=[recent, tomorrow]) == [
        DueAssessment(recent, AWARE, TODAY),
        DueAssessment(tomorrow, AWARE, date(2026, 6, 16)),
        DueAssessment(tomorrow, BARC_10, date(2026, 6, 16)),
    ]
    assert service.due_assessments(TODAY, alumnus_ids=[]) == []


def test_due_assessments_with_a_long_list_of_ids(any_db, any_actor, service):
    alumnus_id = add_alumnus(any_db, any_actor, "AC-1", date(2025, 1, 10))
    other = add_alumnus(any_db, any_actor, "AC-2", date(2025, 1, 10))
    many = [alumnus_id, *range(10_000_000, 10_005_000)]  # past the IN-list limit: filtered after the query
    assert {d.alumnus_id for d in service.due_assessments(TODAY, alumnus_ids=many)} == {alumnus_id}
    assert {d.alumnus_id for d in service.due_assessments(TODAY)} == {alumnus_id, other}
