"""Writing many rows of demo data quickly."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, insert

from ...models import UTCDateTime
from .context import CHUNK_SIZE


def sqlite_timestamp(value: datetime | None) -> str | None:
    """What UTCDateTime stores on SQLite ('2026-06-13 15:04:05.000000', UTC): SQLAlchemy's format,
    without its per-value overhead (a unit test holds the two equal)."""
    if value is None:
        return None
    if value.tzinfo is not timezone.utc:
        value = value.astimezone(timezone.utc)
    return value.isoformat(" ", "microseconds")[:26]  # without the "+00:00"


class Writer:
    """Rows of one table, given as tuples in `columns` order, written in chunks.

    On SQLite the rows go straight to the driver's executemany: at a million check-ins Core's
    per-row work costs about twice the insert itself. Values still pass each column type's own bind
    processor, so they are stored exactly as the app stores them (the SQLite and PostgreSQL demo
    databases are compared row by row in the tests); each distinct value is worked out once, except
    in the `unique` columns where values hardly repeat. Other databases get Core inserts.
    """

    def __init__(self, connection: Connection, table, columns: tuple[str, ...], unique: Sequence[str] = ()):
        self.connection = connection
        self.table = table
        self.columns = columns
        self.rows: list[tuple] = []
        self.count = 0
        dialect = connection.dialect
        self.fast = dialect.name == "sqlite"
        if not self.fast:
            return
        compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
        if not compiled.positional or list(compiled.positiontup) != list(columns):
            raise AssertionError(f"{table.name}: columns must be given in the table's order")
        self.sql = str(compiled)
        converters: dict[int, Callable[[Any], Any]] = {}
        for index, name in enumerate(columns):
            column_type = table.c[name].type
            process = column_type.dialect_impl(dialect).bind_processor(dialect)
            if isinstance(column_type, UTCDateTime):
                process = sqlite_timestamp
            elif process is None:
                continue
            elif name not in unique:
                process = _memoised(process)
            else:
                process = _keeping_none(process)
            converters[index] = process
        self.convert = _row_converter(len(columns), converters)

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK_SIZE:
            self.flush()

    def flush(self) -> None:
        rows, self.rows = self.rows, []
        if not rows:
            return
        self.count += len(rows)
        if not self.fast:
            columns = self.columns
            self.connection.execute(insert(self.table), [dict(zip(columns, row)) for row in rows])
            return
        # The driver's own cursor, inside the transaction the steps share.
        cursor = self.connection.connection.cursor()
        try:
            cursor.executemany(self.sql, map(self.convert, rows))
        finally:
            cursor.close()


def _row_converter(width: int, converters: dict[int, Callable[[Any], Any]]) -> Callable[[tuple], tuple]:
    """One function that converts a row: `lambda row: (row[0], c1(row[1]), row[2], …)`, made once per
    table. Written out like this, a row costs one call plus its conversions: half of what a loop over
    the converted columns, or turning the rows into columns and back, costs at a million rows."""
    values = ", ".join(f"c{index}(row[{index}])" if index in converters else f"row[{index}]" for index in range(width))
    # Only column numbers and the names c0, c1, … go into the source; the converters come as globals.
    return eval(f"lambda row: ({values},)", {f"c{index}": process for index, process in converters.items()})


def _keeping_none(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """NULL stays NULL, as SQLAlchemy leaves it (bind processors are not asked about None here)."""
    def convert(value: Any) -> Any:
        return None if value is None else process(value)
    return convert


def _memoised(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    cache: dict[Any, Any] = {None: None}

    def memoised(value: Any) -> Any:
        # JSON lists of strings (languages, warning signs) repeat a lot: their tuple is the key.
        key = tuple(value) if type(value) is list else value
        try:
            return cache[key]
        except KeyError:
            result = cache[key] = process(value)
            return result
        except TypeError:  # unhashable inside (a list of lists): no shortcut
            return process(value)
    return memoised


def write(connection: Connection, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    writer = Writer(connection, table, columns)
    for row in rows:
        writer.add(row)
    writer.flush()


def insert_chunks(connection: Connection, table, rows: list[dict[str, Any]]) -> None:
    """Rows given as dicts that name every column but the id (see `Writer`)."""
    if not rows:
        return
    columns = tuple(column.name for column in table.columns if column.name in rows[0])
    writer = Writer(connection, table, columns)
    for row in rows:
        writer.add(tuple([row[name] for name in columns]))
    writer.flush()
