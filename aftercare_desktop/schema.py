"""Bringing a database to the newest schema: only when behind, after a backup, never when too new."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from .db import Database, sqlite_path
from .errors import DatabaseTooNewError, DatabaseUnavailableError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger("aftercare.schema")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest migration's revision. Start-up compares the database with it without importing alembic
# (a third of a second); tests/db/test_migrations.py proves it is alembic's one head.
SCHEMA_HEAD = "0008"


class SchemaState(Enum):
    EMPTY = "empty"
    BEHIND = "behind"
    CURRENT = "current"
    TOO_NEW = "too_new"
    FOREIGN = "foreign"


@dataclass(frozen=True)
class MigrationOutcome:
    before: str | None
    after: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {heads}")
    return heads[0]


def current_revision(database: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _is_at_head(database: Database) -> bool:
    """The everyday case, answered with one query: the database is at SCHEMA_HEAD."""
    try:
        with database.engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:
        return False  # no version table: an empty or foreign database, for the full check to tell
    return versions == [SCHEMA_HEAD]


def schema_state(database: Database) -> SchemaState:
    if _is_at_head(database):
        return SchemaState.CURRENT
    from alembic.script import ScriptDirectory

    revision = current_revision(database)
    if revision is None:
        tables = set(inspect(database.engine).get_table_names()) - {"alembic_version"}
        return SchemaState.FOREIGN if tables else SchemaState.EMPTY
    script = ScriptDirectory.from_config(alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if revision not in known:
        return SchemaState.TOO_NEW
    return SchemaState.CURRENT if revision == head_revision() else SchemaState.BEHIND


def ensure_schema(database: Database) -> MigrationOutcome:
    """Upgrade to head if (and only if) the database is behind; refuse databases we must not touch."""
    state = schema_state(database)
    if state is SchemaState.CURRENT:
        return MigrationOutcome(before=SCHEMA_HEAD, after=SCHEMA_HEAD, backup=None)
    before = current_revision(database)
    if state is SchemaState.TOO_NEW:
        raise DatabaseTooNewError(
            f"{database.description} was written by a newer version of Aftercare Desktop "
            f"(schema {before}). Update the app; the database was left untouched."
        )
    if state is SchemaState.FOREIGN:
        raise DatabaseUnavailableError(
            f"{database.description} holds tables of another program, not an Aftercare database; "
            "it was left untouched."
        )
    backup = None
    path = sqlite_path(database.url)
    if state is SchemaState.BEHIND and path is not None:
        backup = backup_sqlite(path, before)
    log.info("migrating schema from %s to %s", before or "empty", head_revision())
    upgrade(database, "head")
    database.refresh_statistics()
    return MigrationOutcome(before=before, after=head_revision(), backup=backup)


def upgrade(database: Database, target: str = "head") -> None:
    from alembic import command

    with database.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, target)


def downgrade(database: Database, target: str) -> None:
    from alembic import command

    with database.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, target)


def backup_sqlite(path: Path, revision: str | None) -> Path:
    """Copy a live SQLite file with the online backup API (consistent even while others read)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{revision or 'empty'}-{stamp}{path.suffix or '.sqlite'}")
    source = sqlite3.connect(path)
    try:
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    log.info("backed up the database before migrating")
    return target
