"""Each alumnus's check-in digest (`CheckInDigest`): the SQL over their check-ins that the loader
would otherwise run, worked out when their check-ins last changed and kept."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from datetime import datetime, timezone
from functools import lru_cache
from time import perf_counter as time_now

from sqlalchemy import Table, Text, bindparam, case, cast, delete, func, literal, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ...db import Database
from ...models import Alumnus, CheckIn, CheckInDigest
from ...models.enums import CheckinMethod, CheckinOutcome
from ..team_settings import SPECS
from .facts import _HEX
from .sql_functions import (
    _cat,
    _joined_text,
    _newest_joined,
    epoch_seconds,
    utc_time_text,
)

log = logging.getLogger("aftercare.early_warning")


def _packed_checkin(c, postgres: bool):
    """The SQL making one packed check-in (see `pack`, which makes the same in Python)."""
    signs = cast(c.warning_signs, Text)
    return _cat(
        case((c.mood.between(0, 9), cast(c.mood, Text)), else_=literal("-", Text)),
        func.coalesce(func.nullif(func.substr(literal(_HEX, Text), c.craving + 1, 1, type_=Text), ""), "-",
                      type_=Text),
        utc_time_text(c.occurred_at),
        func.coalesce(cast(c.meetings_attended, Text), "", type_=Text),
        ";",
        case((signs == "[]", literal("", Text)), else_=signs),
    )


# Earlier than any stored timestamp: the lower bound of "everything" in an index range.
_BEFORE_ANYTHING = datetime(1900, 1, 1, tzinfo=timezone.utc)


def _checkin_parts(alumni: Table, end: datetime | None, lookback: datetime | None, kept: int,
                   postgres: bool) -> tuple:
    """Scalar subqueries, correlated with `alumni`, over each alumnus's check-ins before `end` (None:
    all of them): the newest check-in's time, the last reached one (seconds since 1970), the recent
    reached ones packed (at most `kept`, none before `lookback`, newest first, joined with
    `_PART_SEPARATOR`), and the attempts since the last conversation ("count first-attempt-seconds
    not-calls", NULL when none). Each is a walk of ix_check_ins_alumnus_occurred from its newest end,
    so the cost follows the caseload, not the length of anyone's history. The live loader and the
    digests (`refresh_digests`) are made by the very same SQL."""
    check_ins = CheckIn.__table__
    a, c = alumni.c, check_ins.c
    reached = c.outcome == CheckinOutcome.REACHED.value

    def before_end(column):
        return [] if end is None else [column < end]

    newest = select(func.max(c.occurred_at)).where(c.alumnus_id == a.id, *before_end(c.occurred_at))
    last_reached = (
        select(c.occurred_at).where(c.alumnus_id == a.id, reached, *before_end(c.occurred_at))
        .order_by(c.occurred_at.desc()).limit(1)
        .correlate(alumni)  # also inside the streak's subquery below, two levels down
        .scalar_subquery()
    )
    since = [] if lookback is None else [c.occurred_at >= lookback]
    latest = (
        select(_packed_checkin(c, postgres).label("packed"), c.occurred_at, c.id)
        .where(c.alumnus_id == a.id, reached, *since, *before_end(c.occurred_at))
        .order_by(c.occurred_at.desc(), c.id.desc())
        .limit(kept)
        .correlate(alumni)
        .subquery()
    )
    joined = _newest_joined(latest, "packed", (latest.c.occurred_at.desc(), latest.c.id.desc()), postgres)
    later = check_ins.alias("later")
    streak = (
        select(_joined_text(cast(func.count(), Text), epoch_seconds(func.min(later.c.occurred_at)),
                            func.sum(case((later.c.method == CheckinMethod.CALL.value, 0), else_=1))))
        .where(later.c.alumnus_id == a.id, *before_end(later.c.occurred_at),
               # A plain lower bound (not "IS NULL OR …") so that the index range starts there.
               later.c.occurred_at > func.coalesce(last_reached, _BEFORE_ANYTHING))
        .scalar_subquery()
    )
    return (newest.scalar_subquery(), epoch_seconds(last_reached), select(joined).scalar_subquery(), streak)


# How many recent check-ins a digest keeps: as many as the largest settings can ask for.
DIGEST_RECENT = max(
    int(SPECS["mood_window_checkins"].info.maximum) + int(SPECS["mood_baseline_checkins"].info.maximum),
    int(SPECS["craving_window_checkins"].info.maximum),
)
_REFRESH_CHUNK = 500


@lru_cache(maxsize=2)
def _refresh_statements(postgres: bool) -> tuple:
    """The statements of `refresh_digests` for a list of alumni ids bound as "ids", made once: building
    them costs more than running them for the one alumnus a logged check-in changes."""
    digests = CheckInDigest.__table__
    alumni = Alumnus.__table__
    ids = bindparam("ids", expanding=True)
    newest, last_reached, recent, unanswered = _checkin_parts(alumni, None, None, DIGEST_RECENT, postgres)
    lock = select(alumni.c.id).where(alumni.c.id.in_(ids)).order_by(alumni.c.id).with_for_update(key_share=True)
    forget = delete(digests).where(digests.c.alumnus_id.in_(ids))
    work_out = digests.insert().from_select(
        ["alumnus_id", "newest_at", "last_reached", "recent", "unanswered"],
        select(alumni.c.id, newest, last_reached, recent, unanswered).where(alumni.c.id.in_(ids)),
    )
    return (lock,) if postgres else (), forget, work_out


def refresh_digests(connection: Connection, alumni_ids: Iterable[int]) -> int:
    """Work out these alumni's check-in digests again, from their check-ins, in the caller's
    transaction (which commits them). Returns how many alumni were asked for.

    On PostgreSQL the alumni rows are locked first, as the check-in trigger locks them: a check-in
    being logged meanwhile is either seen here or deletes this digest when it commits.
    """
    locks, forget, work_out = _refresh_statements(connection.dialect.name == "postgresql")
    ids = sorted(set(alumni_ids))
    for first in range(0, len(ids), _REFRESH_CHUNK):
        chunk = {"ids": ids[first:first + _REFRESH_CHUNK]}
        for lock in locks:
            connection.execute(lock, chunk)
        connection.execute(forget, chunk)
        connection.execute(work_out, chunk)
    return len(ids)


def refresh_missing_digests(connection: Connection) -> int:
    """Digests for every alumnus without one (after check-ins were written in bulk)."""
    d = CheckInDigest.__table__.c
    a = Alumnus.__table__.c
    missing = connection.execute(
        select(a.id).where(~select(d.alumnus_id).where(d.alumnus_id == a.id).exists())).scalars().all()
    return refresh_digests(connection, missing)


def keep_digests(database: Database, undigested: Collection[int]) -> None:
    """Write the digests a load had to do without (`Caseload.undigested`), so that the next load
    finds them (the first load after the upgrade, or after check-ins were written in bulk). A failure
    only costs speed."""
    if not undigested:
        return
    started = time_now()
    try:
        with database.engine.begin() as connection:
            written = refresh_digests(connection, undigested)
    except DBAPIError:
        log.warning("could not write %s check-in digests; the Today page stays slower", len(undigested),
                    exc_info=True)
        return
    log.info("wrote %s check-in digests in %.0f ms", written, (time_now() - started) * 1000)
