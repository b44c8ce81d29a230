"""Migrations: one head, up and down on both databases, models match, only-when-behind with a backup."""

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from aftercare_desktop import schema
from aftercare_desktop.db import Database, resolve_url
from aftercare_desktop.errors import DatabaseTooNewError, DatabaseUnavailableError
from aftercare_desktop.models import Base


def test_there_is_exactly_one_head_and_start_up_knows_it():
    assert ScriptDirectory.from_config(schema.alembic_config()).get_heads() == [schema.SCHEMA_HEAD]


def test_models_match_the_migrations(any_db):
    with any_db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_every_migration_downgrades_and_upgrades_again(any_db):
    schema.downgrade(any_db, "base")
    assert set(inspect(any_db.engine).get_table_names()) <= {"alembic_version"}
    schema.upgrade(any_db, "head")
    assert schema.schema_state(any_db) is schema.SchemaState.CURRENT


def test_current_database_is_left_alone(sqlite_db):
    outcome = schema.ensure_schema(sqlite_db)
    assert not outcome.changed and outcome.backup is None


def test_database_from_a_newer_app_is_refused_untouched(sqlite_db, tmp_path):
    with sqlite_db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    path = tmp_path / "aftercare.sqlite"
    sqlite_db.dispose()
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNewError, match="newer version"):
        schema.ensure_schema(Database.open(resolve_url(path)))
    assert path.read_bytes() == before


def test_another_programs_database_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY)")
    connection.commit()
    connection.close()
    with pytest.raises(DatabaseUnavailableError, match="another program"):
        schema.ensure_schema(Database.open(resolve_url(path)))


def test_a_database_behind_is_backed_up_before_upgrading(sqlite_db, tmp_path, monkeypatch):
    # With a single revision so far, "behind" is simulated; the backup and upgrade calls are real.
    with sqlite_db.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE marker (note TEXT)")
        connection.exec_driver_sql("INSERT INTO marker VALUES ('kept')")
    monkeypatch.setattr(schema, "schema_state", lambda database: schema.SchemaState.BEHIND)
    outcome = schema.ensure_schema(sqlite_db)
    assert outcome.backup is not None and outcome.backup.exists()
    copy = sqlite3.connect(outcome.backup)
    assert copy.execute("SELECT note FROM marker").fetchall() == [("kept",)]
    copy.close()


def test_standard_alembic_tooling_honours_the_config_url(tmp_path):
    from alembic import command

    path = tmp_path / "tool.sqlite"
    command.upgrade(schema.alembic_config(f"sqlite:///{path}"), "head")
    database = Database.open(resolve_url(path))
    assert schema.schema_state(database) is schema.SchemaState.CURRENT
    database.dispose()
