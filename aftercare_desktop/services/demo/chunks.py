"""Demo data in chunks: made in worker processes, each in an in-memory SQLite database, and copied into
the target database (see `generate` in services/demo/__init__.py).

Making 100,000 alumni with their history is Python work, more than a minute of one core. Once the
team and the population are drawn, chunks of a few thousand alumni do not depend on each other, so
they are made side by side in worker processes. A chunk comes back as the image of its SQLite
database (`sqlite3.Connection.serialize`), its ids counted from 1; the parent copies the chunks in
their order, each past the rows already there (primary keys and the foreign keys between copied
tables are shifted by the same amount):

- into SQLite, the image is attached and copied with INSERT … SELECT, without a row passing
  through Python;
- into PostgreSQL, its rows are streamed with COPY, and the id sequences are moved past them.

Values travel as SQLite stores them, which is what the app stores there; PostgreSQL parses the same
text (dates, times, JSON, 0/1 for booleans), with timestamps marked as UTC.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from itertools import islice
from typing import TypeVar

from sqlalchemy import Connection, Table, create_engine
from sqlalchemy.schema import CreateIndex, CreateTable

from ...models import Base, UTCDateTime

Job = TypeVar("Job")
Result = TypeVar("Result")

CHUNK_SCHEMA = "demo_chunk"


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_in_workers(function: Callable[[Job], Result], jobs: Sequence[Job], workers: int) -> Iterator[Result]:
    """`function(job)` for each job, in the order of `jobs`: in this process when one worker (or one
    job) is enough, otherwise in `workers` fresh processes (spawned, not forked: the caller may be a
    GUI with threads). `function` must be importable by its module and name.

    At most two results per worker are waiting to be taken, so that a slow consumer does not pile up
    the chunks' images in memory.
    """
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield function(job)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context) as pool:
        queued = iter(jobs)
        pending: deque[Future[Result]] = deque(pool.submit(function, job) for job in islice(queued, 2 * workers))
        try:
            while pending:
                result = pending.popleft().result()
                pending.extend(pool.submit(function, job) for job in islice(queued, 1))
                yield result
        finally:
            for future in pending:
                future.cancel()


@contextmanager
def chunk_database(indexes: Iterable[str] = ()) -> Iterator[Connection]:
    """A connection to a new in-memory SQLite database with the app's tables, but only the named
    `indexes` (those the steps' own queries need: the target has all of them, and a chunk maintaining
    the others would only be slower) and none of the triggers the migrations add."""
    engine = create_engine("sqlite://")
    wanted = set(indexes)
    try:
        with engine.connect() as connection:
            with connection.begin():
                for table in Base.metadata.sorted_tables:
                    connection.execute(CreateTable(table))
                    for index in table.indexes:
                        if index.name in wanted:
                            connection.execute(CreateIndex(index))
                            wanted.discard(index.name)
            if wanted:
                raise AssertionError(f"no such indexes: {sorted(wanted)}")
            yield connection
    finally:
        engine.dispose()


def image_of(connection: Connection) -> bytes:
    """The whole database of a `chunk_database` connection, committed, as bytes."""
    return connection.connection.driver_connection.serialize()


class ChunkCopier(ABC):
    """Copies chunk images into the target database, in the caller's transaction.

    `shared` names the tables whose rows the chunks were given rather than made (the team): they
    are not copied, and keys that point at them are kept as they are.
    """

    def __init__(self, connection: Connection, shared: Iterable[str], *, without_triggers: bool = False):
        self.connection = connection
        self.without_triggers = without_triggers
        shared = set(shared)
        # Parents before children, so that foreign keys are met as the rows arrive. Tables without an
        # 'id' key cannot be shifted; chunks must leave them empty (see `_check_keyless`).
        self.tables = [table for table in Base.metadata.sorted_tables
                       if table.name not in shared and [c.name for c in table.primary_key.columns] == ["id"]]
        self.keyless = [table.name for table in Base.metadata.sorted_tables
                        if table.name not in shared and table not in self.tables]
        # Per table: the largest id in the target, which a chunk's ids are added to (read in the
        # transaction, at the first chunk).
        self.offsets: dict[str, int] = {}

    @staticmethod
    def for_connection(connection: Connection, shared: Iterable[str], *, without_triggers: bool = False) -> ChunkCopier:
        """`without_triggers`: the copied tables' triggers may be left out of a load into empty
        tables, because the caller redoes their work once afterwards, in the same transaction."""
        if connection.dialect.name == "sqlite":
            return SqliteChunkCopier(connection, shared, without_triggers=without_triggers)
        return PostgresChunkCopier(connection, shared, without_triggers=without_triggers)

    @abstractmethod
    def copy(self, image: bytes) -> dict[str, int]:
        """Copy one chunk; returns what was added to each table's ids."""

    def _begin_load(self) -> None:
        """Before the first chunk, in the transaction."""

    def finish(self) -> None:
        """After the last chunk."""

    def close(self) -> None:
        """After the transaction (also when it failed)."""

    def _select(self, table: Table, offsets: dict[str, int], schema: str | None, *, utc_text: bool) -> str:
        """SELECT of a chunk table's rows in id order, keys shifted by `offsets`."""
        expressions = []
        for column in table.columns:
            expression = column.name
            if column.primary_key:
                expression = f"{column.name} + {offsets[table.name]}"
            else:
                targets = {key.column.table.name for key in column.foreign_keys}
                shifted = [offsets[name] for name in targets if name in offsets]
                if shifted:
                    expression = f"{column.name} + {shifted[0]}"
                elif utc_text and isinstance(column.type, UTCDateTime):
                    expression = f"{column.name} || '+00:00'"
            expressions.append(expression)
        source = f"{schema}.{table.name}" if schema else table.name
        return f"SELECT {', '.join(expressions)} FROM {source} ORDER BY id"

    def _start(self) -> dict[str, int]:
        if not self.offsets:
            self.offsets = {table.name: self.connection.exec_driver_sql(
                f"SELECT coalesce(max(id), 0) FROM {table.name}").scalar_one() for table in self.tables}
            self._begin_load()
        return dict(self.offsets)

    @property
    def _filling_empty_tables(self) -> bool:
        """Whether every table the chunks fill was empty when the load began (a new database)."""
        return not any(self.offsets.values())

    def _check_keyless(self, has_rows: Callable[[str], bool]) -> None:
        filled = [name for name in self.keyless if has_rows(name)]
        if filled:
            raise AssertionError(f"chunks cannot copy rows of tables without an 'id' key: {filled}")

    def _advance(self, read_max_id: Callable[[str], int]) -> dict[str, int]:
        used = dict(self.offsets)
        for table in self.tables:
            self.offsets[table.name] += read_max_id(table.name)
        return used


class SqliteChunkCopier(ChunkCopier):
    def __init__(self, connection: Connection, shared: Iterable[str], *, without_triggers: bool = False):
        self.raw: sqlite3.Connection = connection.connection.driver_connection
        # SQLite attaches only outside a transaction; the image is swapped in for every chunk.
        if self.raw.in_transaction:
            raise AssertionError("attach the chunk schema before the transaction begins")
        self.raw.execute(f"ATTACH DATABASE ':memory:' AS {CHUNK_SCHEMA}")
        super().__init__(connection, shared, without_triggers=without_triggers)
        # The target's own indexes (and triggers) dropped for the load: (type, name, CREATE statement),
        # see `_begin_load`.
        self.dropped: list[tuple[str, str, str]] = []

    def _begin_load(self) -> None:
        # Into empty tables, the indexes are built after the load, as the .dump of a database
        # does: one sorted pass per index costs a third less than keeping each index in order as
        # a few million rows arrive one by one. Not into tables that hold rows already, where
        # rebuilding the index would cost more than it saves. (In the caller's transaction: a
        # failed load leaves the indexes as they were.)
        #
        # The triggers on the copied tables are dropped as well, when the caller redoes their work
        # afterwards (`without_triggers`); they are created again from the very statements the
        # database holds, which are the migrations' own.
        if not self._filling_empty_tables:
            return
        names = [table.name for table in self.tables]
        kinds = ("index", "trigger") if self.without_triggers else ("index",)
        self.dropped = self.raw.execute(
            f"SELECT type, name, sql FROM main.sqlite_master WHERE type IN ({', '.join('?' * len(kinds))}) "
            f"AND sql IS NOT NULL AND tbl_name IN ({', '.join('?' * len(names))}) ORDER BY type, name",
            [*kinds, *names]).fetchall()
        for kind, name, _sql in self.dropped:
            self.raw.execute(f'DROP {kind.upper()} main."{name}"')

    def copy(self, image: bytes) -> dict[str, int]:
        self.raw.deserialize(image, name=CHUNK_SCHEMA)
        self._check_keyless(lambda name: self.raw.execute(
            f"SELECT EXISTS (SELECT 1 FROM {CHUNK_SCHEMA}.{name})").fetchone()[0])
        offsets = self._start()
        for table in self.tables:
            columns = ", ".join(column.name for column in table.columns)
            self.raw.execute(f"INSERT INTO main.{table.name} ({columns}) "
                             f"{self._select(table, offsets, CHUNK_SCHEMA, utc_text=False)}")
        return self._advance(lambda name: self.raw.execute(
            f"SELECT coalesce(max(id), 0) FROM {CHUNK_SCHEMA}.{name}").fetchone()[0])

    def finish(self) -> None:
        for _kind, _name, sql in self.dropped:
            self.raw.execute(sql)
        self.dropped = []

    def close(self) -> None:
        self.raw.execute(f"DETACH DATABASE {CHUNK_SCHEMA}")


class PostgresChunkCopier(ChunkCopier):
    def __init__(self, connection: Connection, shared: Iterable[str], *, without_triggers: bool = False):
        super().__init__(connection, shared, without_triggers=without_triggers)
        # Foreign keys dropped for the load and added back at the end, as pg_restore does: checking
        # each copied row against its parent costs PostgreSQL more than the copy itself, checking a
        # whole table at once a fraction of it. All in the caller's transaction.
        self.foreign_keys: list[tuple[str, str, str]] = []
        self.paused_triggers: list[str] = []

    def _begin_load(self) -> None:
        names = [table.name for table in self.tables]
        self.foreign_keys = [tuple(row) for row in self.connection.exec_driver_sql(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%(names)s) ORDER BY conrelid, conname",
            {"names": names})]
        for table, name, _definition in self.foreign_keys:
            self.connection.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        # The copied tables' own triggers are switched off for a load into empty tables when the
        # caller redoes their work afterwards (see `for_connection`); back on in `finish`.
        if self.without_triggers and self._filling_empty_tables:
            self.paused_triggers = [row[0] for row in self.connection.exec_driver_sql(
                "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgrelid::regclass::text = ANY(%(names)s) ORDER BY 1", {"names": names})]
            for table in self.paused_triggers:
                self.connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")

    def copy(self, image: bytes) -> dict[str, int]:
        source = sqlite3.connect(":memory:")
        try:
            source.deserialize(image)
            self._check_keyless(lambda name: source.execute(f"SELECT EXISTS (SELECT 1 FROM {name})").fetchone()[0])
            offsets = self._start()
            raw = self.connection.connection.driver_connection
            with raw.cursor() as cursor:
                for table in self.tables:
                    rows = source.execute(self._select(table, offsets, None, utc_text=True))
                    columns = ", ".join(column.name for column in table.columns)
                    with cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            return self._advance(lambda name: source.execute(
                f"SELECT coalesce(max(id), 0) FROM {name}").fetchone()[0])
        finally:
            source.close()

    def finish(self) -> None:
        for table in self.paused_triggers:
            self.connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        self.paused_triggers = []
        for table, name, definition in self.foreign_keys:
            self.connection.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        self.foreign_keys = []
        # The ids were given, not drawn: the sequences go past them, so the app's next row is new.
        filled = [table.name for table in self.tables if self.offsets.get(table.name)]
        for name in filled:
            self.connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {self.offsets[name]})")
        # Autovacuum sees the rows only after the commit; the queries that follow in this transaction
        # (the check-in digests) need the planner to know them now.
        if filled:
            self.connection.exec_driver_sql(f"ANALYZE {', '.join(filled)}")
