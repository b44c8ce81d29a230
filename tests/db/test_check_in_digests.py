"""Check-in digests on SQLite and PostgreSQL: every way a check-in changes forgets its alumnus's digest
in the same transaction, the check-in service writes the new one, a digest says what the check-ins
say, and the loader gives the same facts with digests, without them and with stale ones."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import delete, insert, select, update

from aftercare_desktop.models import Alumnus, CheckIn, CheckInDigest
from aftercare_desktop.models.enums import CheckinMethod, CheckinOutcome
from aftercare_desktop.services import early_warning as ew
from aftercare_desktop.services.checkins import CheckInData, CheckInService
from aftercare_desktop.services.team_settings import DEFAULTS
from aftercare_desktop.services.today import TodayService
from bench import attention_baseline
from tests.conftest import FIXED_TODAY
from tests.db.caseload_data import CaseloadBuilder, local, random_caseload

TODAY = FIXED_TODAY


@pytest.fixture
def build(any_db) -> CaseloadBuilder:
    return CaseloadBuilder(any_db, TODAY)


def digest(database, alumnus_id: int) -> tuple | None:
    with database.session() as session:
        row = session.execute(
            select(CheckInDigest.newest_at, CheckInDigest.last_reached, CheckInDigest.unanswered,
                   CheckInDigest.recent).where(CheckInDigest.alumnus_id == alumnus_id)).first()
    return None if row is None else tuple(row)


def refreshed(database, alumnus_id: int) -> tuple:
    """The digest worked out afresh from the check-ins as they are now."""
    with database.engine.begin() as connection:
        ew.refresh_digests(connection, [alumnus_id])
    return digest(database, alumnus_id)


def by_id(caseload) -> list[dict]:
    return sorted((asdict(f) for f in caseload.facts), key=lambda f: f["alumnus_id"])


def test_a_new_alumnus_has_an_empty_digest(any_db, build):
    person = build.alumnus()
    assert digest(any_db, person) == (None, None, None, None)


def test_every_change_to_a_check_in_forgets_the_digest(any_db, build):
    person, other = build.alumnus(), build.alumnus("Other")
    first = build.checkin(person, 3, mood=4, follow_up_in=1)
    assert digest(any_db, person) is None  # the insert forgot it
    assert refreshed(any_db, person)[2:] == (None, ew.pack(ew.CheckinFact(
        TODAY - timedelta(days=3), mood=4, at=local(TODAY - timedelta(days=3)))))
    refreshed(any_db, other)

    def change(statement) -> None:
        with any_db.engine.begin() as connection:
            connection.execute(statement)

    # A follow-up done changes nothing a digest reads: it stays.
    change(update(CheckIn).where(CheckIn.id == first).values(follow_up_done_at=local(TODAY)))
    assert digest(any_db, person) is not None
    change(update(CheckIn).where(CheckIn.id == first).values(mood=2))
    assert digest(any_db, person) is None
    refreshed(any_db, person)
    # Moved to someone else: both forget.
    change(update(CheckIn).where(CheckIn.id == first).values(alumnus_id=other))
    assert digest(any_db, person) is None and digest(any_db, other) is None
    refreshed(any_db, other)
    change(delete(CheckIn).where(CheckIn.id == first))
    assert digest(any_db, other) is None
    refreshed(any_db, other)
    change(delete(Alumnus).where(Alumnus.id == other))
    assert digest(any_db, other) is None


def test_a_rolled_back_check_in_leaves_the_digest(any_db, build):
    person = build.alumnus()
    build.checkin(person, 3)
    before = refreshed(any_db, person)
    with any_db.engine.connect() as connection:
        with connection.begin() as transaction:
            connection.execute(insert(CheckIn).values(
                alumnus_id=person, occurred_at=local(TODAY), method=CheckinMethod.CALL,
                outcome=CheckinOutcome.NO_ANSWER, warning_signs=[]))
            transaction.rollback()
    assert digest(any_db, person) == before


def test_logging_a_check_in_writes_the_new_digest(any_db, any_actor, build):
    person = build.alumnus()
    build.checkin(person, 9, mood=3)
    now = datetime.combine(TODAY, time(15)).astimezone()
    service = CheckInService(any_db, today=lambda: TODAY, now=lambda: now)
    service.log(person, CheckInData(occurred_at=now - timedelta(hours=1), method=CheckinMethod.CALL,
                                    outcome=CheckinOutcome.NO_ANSWER, staff_id=any_actor.staff_id), any_actor)
    logged = digest(any_db, person)
    assert logged is not None
    assert logged[2].startswith("1 ")  # one attempt without an answer since the last conversation
    assert logged == refreshed(any_db, person)


@pytest.mark.parametrize("seed", [5, 6])
def test_the_loader_gives_the_same_facts_with_and_without_digests(any_db, build, seed):
    # Random caseloads include check-ins logged after "today": their alumni's digests are not used.
    random_caseload(build, seed)
    with any_db.engine.begin() as connection:
        connection.execute(delete(CheckInDigest))
    with any_db.session() as session:
        without = ew.load_caseload(session, DEFAULTS, TODAY)
        baseline = attention_baseline.load_caseload(session, DEFAULTS, TODAY)
    assert set(without.undigested) == set(without.people)
    with any_db.engine.begin() as connection:
        assert ew.refresh_missing_digests(connection) > 0
    with any_db.session() as session:
        digested = ew.load_caseload(session, DEFAULTS, TODAY)
    assert digested.undigested == ()
    assert by_id(without) == by_id(baseline) == by_id(digested)
    assert digested.people == baseline.people


def test_the_today_page_writes_the_digests_it_did_without(any_db, build):
    random_caseload(build, 7, alumni=12)
    with any_db.engine.begin() as connection:
        connection.execute(delete(CheckInDigest))
    page = TodayService(any_db, today=lambda: TODAY)
    first = page.load()
    with any_db.session() as session:
        assert ew.load_caseload(session, DEFAULTS, TODAY).undigested == ()
    assert page.load() == first
