"""Opening the database: URL resolution, engine settings per dialect, and friendly failures."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from .errors import DatabaseUnavailableError

log = logging.getLogger("aftercare.db")

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
# Rows ANALYZE samples per index when the app closes: statistics good enough to choose an index, in a
# fraction of a second on 100,000 alumni (SQLite's advice for PRAGMA optimize). After a bulk load every
# row is read (0: no limit): a sample of a million check-ins misjudged them by half, and the whole
# team's Today page took 15-20 % longer for it.
ANALYSIS_LIMIT = 1000
# An index of ours without statistics, on a table that had rows when last analysed.
UNANALYSED_INDEX = (
    "SELECT EXISTS (SELECT 1 FROM sqlite_master AS m WHERE m.type = 'index' AND m.sql IS NOT NULL"
    " AND m.tbl_name IN (SELECT tbl FROM sqlite_stat1)"
    " AND m.name NOT IN (SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL))"
)
SQLITE_CACHE_KIB = 64 * 1024  # per connection, taken only as pages are read


def resolve_url(value: str | os.PathLike[str]) -> URL:
    """Accept a plain file path or any SQLAlchemy URL; PostgreSQL URLs use psycopg 3."""
    text_value = os.fspath(value).strip()
    if not text_value:
        raise DatabaseUnavailableError("No database was given.")
    if "://" not in text_value:
        path = Path(text_value).expanduser().absolute()
        return URL.create("sqlite+pysqlite", database=str(path))
    try:
        url = make_url(text_value)
    except ArgumentError:
        raise DatabaseUnavailableError(f"'{text_value}' is neither a file path nor a database URL.") from None
    if url.get_backend_name() == "postgresql" and url.get_driver_name() in ("", "psycopg2", "psycopg"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseUnavailableError(
            f"Database type '{url.get_backend_name()}' is not supported; use an SQLite file or PostgreSQL."
        )
    return url


def describe(url: URL) -> str:
    """Where the data is, for the status bar and messages (no password)."""
    if url.get_backend_name() == "sqlite":
        return url.database or "in-memory database"
    return url.render_as_string(hide_password=True)


def sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:"):
        return None
    return Path(url.database)


def check_sqlite_file(path: Path, *, create_folder: bool = False) -> None:
    """Refuse, without touching it, a file that cannot safely be used as our SQLite database."""
    folder = path.parent
    if not folder.is_dir():
        if create_folder:
            folder.mkdir(parents=True, exist_ok=True)
        else:
            raise DatabaseUnavailableError(f"The folder {folder} does not exist.")
    if path.is_dir():
        raise DatabaseUnavailableError(f"{path} is a folder, not a database file.")
    if path.exists():
        if path.stat().st_size > 0:
            with path.open("rb") as handle:
                if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                    raise DatabaseUnavailableError(f"{path} is not an Aftercare database (not an SQLite file).")
        if not _writable(path):
            raise DatabaseUnavailableError(f"{path} is read-only; the app needs to write to it.")
    if not _writable(folder):
        raise DatabaseUnavailableError(f"The folder {folder} is read-only; the app needs to write there.")


def _writable(path: Path) -> bool:
    # os.access alone says yes to root; a file with no write bit set is meant to be read-only.
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _set_sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record) -> None:
    # Durability first: a saved record must survive a power cut (FULL), and readers must not
    # block the writer across desks sharing a folder (WAL).
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    # The Today page reads every active alumnus's row, plan and check-in digest: with SQLite's
    # default 2 MB cache, each load would fetch most of those pages from the file again.
    cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    cursor.close()


def create_db_engine(url: URL, *, create_folder: bool = False) -> Engine:
    """An engine for `url` that has been proven to connect. Raises DatabaseUnavailableError.

    `hide_parameters` keeps record values out of error messages, which may end up in logs."""
    path = sqlite_path(url)
    try:
        if url.get_backend_name() == "sqlite":
            if path is not None:
                check_sqlite_file(path, create_folder=create_folder)
            engine = create_engine(
                url,
                hide_parameters=True,
                connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            )
            event.listen(engine, "connect", _set_sqlite_pragmas)
        else:
            engine = create_engine(
                url,
                hide_parameters=True,
                pool_pre_ping=True,
                connect_args={"connect_timeout": 5, "application_name": "aftercare-desktop"},
            )
    except NoSuchModuleError:
        raise DatabaseUnavailableError(f"No driver is installed for '{url.drivername}'.") from None
    _probe(engine, url)
    return engine


def _probe(engine: Engine, url: URL) -> None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseUnavailableError(_explain(exc, url)) from None


def _explain(exc: DBAPIError, url: URL) -> str:
    where = describe(url)
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig else ""
    lowered = detail.lower()
    if url.get_backend_name() == "sqlite":
        if "not a database" in lowered:
            return f"{where} is not an Aftercare database (not an SQLite file)."
        if "readonly" in lowered or "read-only" in lowered:
            return f"{where} is read-only; the app needs to write to it."
        if "locked" in lowered:
            return f"{where} is locked by another program; close it and try again."
        return f"Cannot open {where}: {detail}"
    if "password authentication failed" in lowered or "authentication" in lowered:
        return f"The PostgreSQL server at {where} refused the user name or password."
    if "does not exist" in lowered:
        return f"PostgreSQL at {where}: {detail}"
    if "connection refused" in lowered or "timeout" in lowered or "could not" in lowered or "resolve" in lowered:
        return f"Cannot reach the PostgreSQL server at {where}. Is it running, and is the address right?"
    return f"Cannot open the database at {where}: {detail}"


@dataclass(frozen=True)
class Database:
    """An open database: the engine and a session factory. One per process."""

    url: URL
    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def open(cls, url: URL, *, create_folder: bool = False) -> Database:
        engine = create_db_engine(url, create_folder=create_folder)
        return cls(url=url, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))

    @property
    def description(self) -> str:
        return describe(self.url)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    def session(self) -> Session:
        return self.sessions()

    def refresh_statistics(self, *, full: bool = False) -> None:
        """Keep SQLite's query planner informed (PostgreSQL's autovacuum does this by itself).

        Without statistics SQLite guesses, and it guesses the status index for "one caseworker's
        active alumni": a walk over every active alumnus instead of the caseworker's hundred. `full`
        after a bulk load (demo data, an import); otherwise, as SQLite advises for connections that
        come and go, `PRAGMA optimize` when closing, which re-analyses only what has grown. An index
        added since the last analysis (by a migration) makes it a full one: SQLite's guesses for an
        index without statistics can be far worse than none (the whole team's Today page took 2 s
        instead of 0.4 s after the check-in mentor index came).
        """
        if not self.is_sqlite:
            return
        try:
            with self.engine.begin() as connection:
                analysed = connection.exec_driver_sql(
                    "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() is not None
                if analysed and not full:
                    full = bool(connection.exec_driver_sql(UNANALYSED_INDEX).scalar())
                connection.exec_driver_sql(f"PRAGMA analysis_limit = {0 if full else ANALYSIS_LIMIT}")
                connection.exec_driver_sql("PRAGMA optimize" if analysed and not full else "ANALYZE")
        except DBAPIError:
            # Statistics only make queries faster; a busy or read-only file keeps the old ones.
            log.warning("could not refresh the query planner's statistics", exc_info=True)

    def dispose(self) -> None:
        self.engine.dispose()
