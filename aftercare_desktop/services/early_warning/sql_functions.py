"""SQL the early-warning statements share: stored timestamps as seconds or as UTC text on SQLite and
PostgreSQL alike, and the concatenation of strings and of a subquery's rows."""

from __future__ import annotations

from sqlalchemy import BigInteger, Text, cast, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class epoch_seconds(FunctionElement):
    """Seconds since 1970 (UTC) of a stored timestamp, whole seconds rounded down.

    Python turns them into local dates far faster than it parses timestamps, which matters for a
    hundred thousand check-ins.
    """

    type = BigInteger()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element, compiler, **kw):
    # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC; strftime rounds fractions, so they are cut off.
    return f"CAST(strftime('%s', substr({compiler.process(element.clauses, **kw)}, 1, 19)) AS INTEGER)"


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element, compiler, **kw):
    return f"CAST(floor(extract(epoch FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


class utc_time_text(FunctionElement):
    """A stored timestamp as UTC text 'YYYY-MM-DD HH:MM:SS' (the packed check-ins' format)."""

    type = Text()
    inherit_cache = True


@compiles(utc_time_text, "sqlite")
def _utc_text_sqlite(element, compiler, **kw):
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 19)"  # stored so, in UTC


@compiles(utc_time_text, "postgresql")
def _utc_text_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"


_PART_SEPARATOR = "\x1e"


def _cat(*parts):
    """SQL string concatenation (||) of expressions and plain strings."""
    result = parts[0] if not isinstance(parts[0], str) else literal(parts[0], Text)
    for part in parts[1:]:
        result = result.concat(literal(part, Text) if isinstance(part, str) else part)
    return result


def _joined_text(*values):
    """Values as text separated by spaces; NULL when any of them is NULL."""
    parts = []
    for value in values:
        if parts:
            parts.append(" ")
        parts.append(cast(value, Text))
    return _cat(*parts)


def _newest_joined(rows, value, order: tuple, postgres: bool):
    """The `value`s of a subquery's rows joined with `_PART_SEPARATOR`, in `order` (its ORDER BY)."""
    if postgres:
        from sqlalchemy.dialects.postgresql import (
            aggregate_order_by,  # a fifth of a second to import
        )

        return func.string_agg(rows.c[value], aggregate_order_by(literal(_PART_SEPARATOR), *order))
    # SQLite (before 3.44) has no ORDER BY in aggregates; it concatenates the rows as the subquery orders them.
    return func.group_concat(rows.c[value], _PART_SEPARATOR)
