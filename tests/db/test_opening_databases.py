"""Bad databases give one clear message and are never modified."""

import os
import stat

import pytest

from aftercare_desktop.db import Database, resolve_url
from aftercare_desktop.errors import DatabaseUnavailableError
from aftercare_desktop.schema import ensure_schema
from aftercare_desktop.services import demo
from tests.conftest import FIXED_TODAY


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("grocery list\n")
    with pytest.raises(DatabaseUnavailableError, match="not an SQLite file"):
        Database.open(resolve_url(path))
    assert path.read_text() == "grocery list\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(DatabaseUnavailableError, match="does not exist"):
        Database.open(resolve_url(tmp_path / "nowhere" / "a.sqlite"))


def test_a_read_only_file_is_refused(sqlite_db, tmp_path):
    path = tmp_path / "aftercare.sqlite"
    sqlite_db.dispose()
    for extra in tmp_path.glob("aftercare.sqlite-*"):
        extra.unlink()
    before = path.read_bytes()
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP)
    try:
        with pytest.raises(DatabaseUnavailableError, match="read-only"):
            Database.open(resolve_url(path))
    finally:
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    assert path.read_bytes() == before


def test_unreachable_postgresql_server():
    with pytest.raises(DatabaseUnavailableError, match="Cannot reach the PostgreSQL server") as raised:
        Database.open(resolve_url("postgresql://aftercare:secret@127.0.0.1:1/aftercare"))
    assert "secret" not in str(raised.value)


def test_wrong_postgresql_credentials(postgres_template):
    with pytest.raises(DatabaseUnavailableError) as raised:
        Database.open(resolve_url("postgresql://no_such_role:secret@127.0.0.1:5432/test"))
    assert "no_such_role" in str(raised.value) and "secret" not in str(raised.value)


def test_unsupported_database_kind():
    with pytest.raises(DatabaseUnavailableError, match="not supported"):
        resolve_url("mysql://localhost/x")


def test_a_plain_path_becomes_an_sqlite_url(tmp_path):
    url = resolve_url(str(tmp_path / "x.sqlite"))
    assert url.get_backend_name() == "sqlite" and url.database.endswith("x.sqlite")


def test_sqlite_settings_favour_durability(sqlite_db):
    with sqlite_db.engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") >= 5000


def test_one_caseworkers_alumni_are_found_through_the_caseworker_index(tmp_path):
    """After a bulk load SQLite has statistics, so it finds one caseworker's caseload by the
    caseworker index instead of walking every active alumnus."""
    database = Database.open(resolve_url(tmp_path / "stats.sqlite"))
    try:
        ensure_schema(database)
        demo.generate(database, alumni=300, seed=5, today=FIXED_TODAY)
        plan_query = ("EXPLAIN QUERY PLAN SELECT id FROM alumni "
                      "WHERE status = 'active' AND archived_at IS NULL AND caseworker_id = 1")
        with database.engine.connect() as connection:
            plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(plan_query))
        assert "ix_alumni_caseworker_sort_name" in plan
    finally:
        database.dispose()


def test_a_database_never_analysed_gets_statistics(tmp_path):
    database = Database.open(resolve_url(tmp_path / "close.sqlite"))
    try:
        ensure_schema(database)
        database.refresh_statistics()
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").scalar() == 1
    finally:
        database.dispose()


def test_statistics_after_a_bulk_load_count_every_row(tmp_path):
    """After a bulk load the planner's statistics come from every row, not a sample: a sample of a
    million check-ins misjudged them by half, and the team's Today page chose worse plans for it."""
    database = Database.open(resolve_url(tmp_path / "bulk.sqlite"))
    try:
        ensure_schema(database)
        demo.generate(database, alumni=1500, seed=3, today=FIXED_TODAY)
        with database.engine.connect() as connection:
            check_ins = connection.exec_driver_sql("SELECT count(*) FROM check_ins").scalar()
            counted = connection.exec_driver_sql(
                "SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_check_ins_alumnus_occurred'").scalar()
        assert check_ins > 5000  # well beyond what a sampling ANALYZE reads per index
        assert int(counted.split()[0]) == check_ins
    finally:
        database.dispose()


def test_an_index_added_since_the_last_analysis_gets_statistics(tmp_path):
    """A migration's new index has no statistics, and SQLite's guesses for it can choose it where it
    is the worst; the ordinary refresh on closing notices and analyses again."""
    database = Database.open(resolve_url(tmp_path / "added.sqlite"))
    try:
        ensure_schema(database)
        demo.generate(database, alumni=300, seed=4, today=FIXED_TODAY)
        with database.engine.begin() as connection:
            connection.exec_driver_sql("CREATE INDEX ix_added_later ON check_ins (mentor_id, occurred_at)")
        database.dispose()
        database = Database.open(resolve_url(tmp_path / "added.sqlite"))  # as after `migrate`
        database.refresh_statistics()
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql(
                "SELECT count(*) FROM sqlite_stat1 WHERE idx = 'ix_added_later'").scalar() == 1
    finally:
        database.dispose()
