"""Finding alumni: search as you type, filters and sorting, done in SQL so 100,000 records stay fast."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlalchemy import Select, and_, func, or_, select

from ..db import Database
from ..models import Alumnus, StaffMember
from ..models.enums import AlumniStatus, Program
from . import text

_PHONE_LIKE = re.compile(r"^[\d\s().+\-/]+$")
UNASSIGNED = -1  # caseworker filter value for "no caseworker"
# Ids are read this many rows at a time. Fewer live row objects than the garbage collector's first
# threshold (700) means reading 100,000 ids sets off no collection at all; fetched in one go they
# set off full collections of 30–40 ms, each holding the interpreter lock against the GUI thread.
ID_CHUNK = 250


class SortKey(StrEnum):
    NAME = "name"
    PREFERRED_NAME = "preferred_name"
    CLIENT_ID = "client_id"
    PHONE = "phone"
    STATUS = "status"
    PROGRAM = "program"
    CASEWORKER = "caseworker"
    DISCHARGE_DATE = "discharge_date"


@dataclass(frozen=True)
class DirectoryQuery:
    text: str = ""
    statuses: frozenset[AlumniStatus] = field(default_factory=frozenset)
    caseworker_id: int | None = None
    program: Program | None = None
    discharged_from: date | None = None
    discharged_to: date | None = None
    include_archived: bool = False
    sort: SortKey = SortKey.NAME
    descending: bool = False


@dataclass(frozen=True)
class DirectoryRow:
    id: int
    client_id: str
    first_name: str
    last_name: str
    preferred_name: str | None
    phone: str | None
    email: str | None
    status: AlumniStatus
    program: Program | None
    caseworker: str | None
    discharge_date: date | None
    archived: bool

    @property
    def name(self) -> str:
        return f"{self.last_name}, {self.first_name}"


# The directory only lists, so it reads through SQLAlchemy Core: ORM row handling would cost more
# than the query itself on 100,000 ids, and the list needs no live objects.
_alumni = Alumnus.__table__
_caseworker = StaffMember.__table__.alias("caseworker")
_WITH_CASEWORKER = _alumni.outerjoin(_caseworker, _caseworker.c.id == _alumni.c.caseworker_id)
_ROW_COLUMNS = (
    _alumni.c.id, _alumni.c.client_id, _alumni.c.first_name, _alumni.c.last_name, _alumni.c.preferred_name,
    func.coalesce(_alumni.c.phone_mobile, _alumni.c.phone_home), _alumni.c.email, _alumni.c.status,
    _alumni.c.program, _caseworker.c.display_name, _alumni.c.discharge_date, _alumni.c.archived_at,
)


def text_conditions(raw: str) -> list:
    """SQL conditions for a typed search: every word must appear somewhere, digits also in phones."""
    raw = raw.strip()
    if not raw:
        return []
    search_text, phone_digits = _alumni.c.search_text, _alumni.c.phone_digits
    if _PHONE_LIKE.match(raw) and len(text.digits(raw)) >= 2:
        needle = text.digits(raw)
        pattern = f"%{text.escape_like(needle)}%"
        return [or_(phone_digits.like(pattern, escape="\\"), search_text.like(pattern, escape="\\"))]
    conditions = []
    for word in text.fold(raw).split(" "):
        pattern = f"%{text.escape_like(word)}%"
        condition = search_text.like(pattern, escape="\\")
        if word.isdigit():
            condition = or_(condition, phone_digits.like(pattern, escape="\\"))
        conditions.append(condition)
    return conditions


def _filtered(columns: Sequence, query: DirectoryQuery, *, with_caseworker: bool = False) -> Select:
    source = _WITH_CASEWORKER if with_caseworker or query.sort is SortKey.CASEWORKER else _alumni
    statement = select(*columns).select_from(source)
    conditions = text_conditions(query.text)
    if not query.include_archived:
        conditions.append(_alumni.c.archived_at.is_(None))
    if query.statuses:
        conditions.append(_alumni.c.status.in_(sorted(query.statuses)))
    if query.caseworker_id == UNASSIGNED:
        conditions.append(_alumni.c.caseworker_id.is_(None))
    elif query.caseworker_id is not None:
        conditions.append(_alumni.c.caseworker_id == query.caseworker_id)
    if query.program is not None:
        conditions.append(_alumni.c.program == query.program)
    if query.discharged_from is not None:
        conditions.append(_alumni.c.discharge_date >= query.discharged_from)
    if query.discharged_to is not None:
        conditions.append(_alumni.c.discharge_date <= query.discharged_to)
    return statement.where(and_(*conditions)) if conditions else statement


def _ordered(statement: Select, query: DirectoryQuery) -> Select:
    key = {
        SortKey.NAME: _alumni.c.sort_name,
        SortKey.PREFERRED_NAME: func.lower(_alumni.c.preferred_name),
        SortKey.CLIENT_ID: _alumni.c.client_id,
        SortKey.PHONE: _alumni.c.phone_digits,
        SortKey.STATUS: _alumni.c.status,
        SortKey.PROGRAM: _alumni.c.program,
        SortKey.CASEWORKER: func.lower(_caseworker.c.display_name),
        SortKey.DISCHARGE_DATE: _alumni.c.discharge_date,
    }[query.sort]
    primary = key.desc().nulls_last() if query.descending else key.asc().nulls_last()
    if query.sort is SortKey.NAME:
        tiebreak = _alumni.c.id.desc() if query.descending else _alumni.c.id.asc()
        return statement.order_by(primary, tiebreak)
    return statement.order_by(primary, _alumni.c.sort_name, _alumni.c.id)


def _directory_row(row) -> DirectoryRow:
    return DirectoryRow(*row[:11], archived=row[11] is not None)


class DirectoryService:
    def __init__(self, database: Database):
        self.database = database

    def first_page(self, query: DirectoryQuery, limit: int) -> list[DirectoryRow]:
        """The first rows in order, fetched alone so the table can show them before the full count.

        One statement: the index walk in display order stops after `limit` matches, and only those
        rows are read from the table."""
        statement = _ordered(_filtered(_ROW_COLUMNS, query, with_caseworker=True), query).limit(limit)
        with self.database.engine.connect() as connection:
            return [_directory_row(row) for row in connection.execute(statement)]

    def matching_ids(self, query: DirectoryQuery) -> list[int]:
        """Every matching id in display order (ints are cheap; rows are built on demand), read in
        chunks of ID_CHUNK so that the GUI thread is never held up for long."""
        statement = _ordered(_filtered([_alumni.c.id], query), query)
        ids: list[int] = []
        with self.database.engine.connect() as connection:
            for chunk in connection.execute(statement).scalars().partitions(ID_CHUNK):
                ids.extend(chunk)
        return ids

    def count(self, query: DirectoryQuery) -> int:
        with self.database.engine.connect() as connection:
            return connection.execute(_filtered([func.count()], query)).scalar() or 0

    def rows(self, ids: Sequence[int]) -> list[DirectoryRow]:
        """Rows for `ids`, in the order given; ids that no longer exist are left out."""
        if not ids:
            return []
        statement = select(*_ROW_COLUMNS).select_from(_WITH_CASEWORKER).where(_alumni.c.id.in_(list(ids)))
        with self.database.engine.connect() as connection:
            found = {row[0]: _directory_row(row) for row in connection.execute(statement)}
        return [found[i] for i in ids if i in found]
