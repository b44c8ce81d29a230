"""Finding alumni: search as you type, filters and sorting, done in SQL so 100,000 records stay fast."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import aliased

from ..db import Database
from ..models import Alumnus, StaffMember
from ..models.enums import AlumniStatus, Program
from . import text

_PHONE_LIKE = re.compile(r"^[\d\s().+\-/]+$")
UNASSIGNED = -1  # caseworker filter value for "no caseworker"


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


def text_conditions(raw: str) -> list:
    """SQL conditions for a typed search: every word must appear somewhere, digits also in phones."""
    raw = raw.strip()
    if not raw:
        return []
    if _PHONE_LIKE.match(raw) and len(text.digits(raw)) >= 2:
        needle = text.digits(raw)
        pattern = f"%{text.escape_like(needle)}%"
        return [or_(Alumnus.phone_digits.like(pattern, escape="\\"), Alumnus.search_text.like(pattern, escape="\\"))]
    conditions = []
    for word in text.fold(raw).split(" "):
        pattern = f"%{text.escape_like(word)}%"
        condition = Alumnus.search_text.like(pattern, escape="\\")
        if word.isdigit():
            condition = or_(condition, Alumnus.phone_digits.like(pattern, escape="\\"))
        conditions.append(condition)
    return conditions


def _filtered(columns: Sequence, query: DirectoryQuery) -> Select:
    statement = select(*columns).select_from(Alumnus)
    conditions = text_conditions(query.text)
    if not query.include_archived:
        conditions.append(Alumnus.archived_at.is_(None))
    if query.statuses:
        conditions.append(Alumnus.status.in_(sorted(query.statuses)))
    if query.caseworker_id == UNASSIGNED:
        conditions.append(Alumnus.caseworker_id.is_(None))
    elif query.caseworker_id is not None:
        conditions.append(Alumnus.caseworker_id == query.caseworker_id)
    if query.program is not None:
        conditions.append(Alumnus.program == query.program)
    if query.discharged_from is not None:
        conditions.append(Alumnus.discharge_date >= query.discharged_from)
    if query.discharged_to is not None:
        conditions.append(Alumnus.discharge_date <= query.discharged_to)
    return statement.where(and_(*conditions)) if conditions else statement


def _ordered(statement: Select, query: DirectoryQuery) -> Select:
    if query.sort is SortKey.CASEWORKER:
        caseworker = aliased(StaffMember)
        statement = statement.outerjoin(caseworker, caseworker.id == Alumnus.caseworker_id)
        key = func.lower(caseworker.display_name)
    else:
        key = {
            SortKey.NAME: Alumnus.sort_name,
            SortKey.PREFERRED_NAME: func.lower(Alumnus.preferred_name),
            SortKey.CLIENT_ID: Alumnus.client_id,
            SortKey.PHONE: Alumnus.phone_digits,
            SortKey.STATUS: Alumnus.status,
            SortKey.PROGRAM: Alumnus.program,
            SortKey.DISCHARGE_DATE: Alumnus.discharge_date,
        }[query.sort]
    primary = key.desc().nulls_last() if query.descending else key.asc().nulls_last()
    if query.sort is SortKey.NAME:
        tiebreak = Alumnus.id.desc() if query.descending else Alumnus.id.asc()
        return statement.order_by(primary, tiebreak)
    return statement.order_by(primary, Alumnus.sort_name, Alumnus.id)


class DirectoryService:
    def __init__(self, database: Database):
        self.database = database

    def first_page(self, query: DirectoryQuery, limit: int) -> list[DirectoryRow]:
        """The first rows in order, fetched alone so the table can show them before the full count."""
        statement = _ordered(_filtered([Alumnus.id], query), query).limit(limit)
        with self.database.session() as session:
            ids = list(session.scalars(statement))
        return self.rows(ids)

    def matching_ids(self, query: DirectoryQuery) -> list[int]:
        """Every matching id in display order (ints are cheap; rows are built on demand)."""
        statement = _ordered(_filtered([Alumnus.id], query), query)
        with self.database.session() as session:
            return list(session.scalars(statement))

    def count(self, query: DirectoryQuery) -> int:
        with self.database.session() as session:
            return session.scalar(_filtered([func.count()], query)) or 0

    def rows(self, ids: Sequence[int]) -> list[DirectoryRow]:
        """Rows for `ids`, in the order given; ids that no longer exist are left out."""
        if not ids:
            return []
        caseworker = aliased(StaffMember)
        statement = (
            select(
                Alumnus.id, Alumnus.client_id, Alumnus.first_name, Alumnus.last_name, Alumnus.preferred_name,
                func.coalesce(Alumnus.phone_mobile, Alumnus.phone_home), Alumnus.email, Alumnus.status,
                Alumnus.program, caseworker.display_name, Alumnus.discharge_date, Alumnus.archived_at,
            )
            .outerjoin(caseworker, caseworker.id == Alumnus.caseworker_id)
            .where(Alumnus.id.in_(list(ids)))
        )
        with self.database.session() as session:
            found = {
                row[0]: DirectoryRow(*row[:11], archived=row[11] is not None)
                for row in session.execute(statement)
            }
        return [found[i] for i in ids if i in found]
