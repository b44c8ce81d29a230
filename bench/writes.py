"""What the figures that time one write share: each side runs in a fresh process on its own copy of
the demo database, the app through its services as the acting staff member, the baseline through raw
sqlite3 with the app's own settings (WAL, synchronous=FULL), on the same records picked at random.
"""

from __future__ import annotations

import random
import sqlite3
from typing import Any

from .core import Context, run_worker
from .data import working_copy


def samples(context: Context, module: str, name: str, default_repeat: int) -> tuple[list[float], list[float], int]:
    """(app timings, baseline timings, runs): the `app` and `baseline` roles of `module`, each run on a
    fresh copy per run, with the run's seed."""
    runs = context.repeats(default_repeat)
    app_ms: list[float] = []
    baseline_ms: list[float] = []
    for run in range(runs):
        copy = working_copy(context.database, context.work, f"{name}-{run}.sqlite")
        arguments = {"database": str(copy), "seed": context.seed + run}
        app_ms += run_worker(module, "app", context.env, **arguments)["ms"]
        baseline_ms += run_worker(module, "baseline", context.env, **arguments)["ms"]
    return app_ms, baseline_ms, runs


def random_ids(database: str, query: str, label: str, seed: int, count: int) -> list[int]:
    """`count` ids drawn (with repeats) from what `query` selects; the same for the same label and seed."""
    connection = sqlite3.connect(database)
    try:
        ids = [row[0] for row in connection.execute(query)]
    finally:
        connection.close()
    rng = random.Random(f"bench-{label}-{seed}")
    return [rng.choice(ids) for _ in range(count)]


def open_as_staff(database: str) -> tuple[Any, Any]:
    """(Database, Actor): the demo database opened as the app opens it, acting as its first staff member."""
    from aftercare_desktop.db import Database, resolve_url
    from aftercare_desktop.services import staff
    from aftercare_desktop.services.audit import Actor

    db = Database.open(resolve_url(database))
    members = staff.list_staff(db)
    return db, Actor(members[0].id if members else None)


def sqlite_like_the_app(database: str) -> sqlite3.Connection:
    """A raw sqlite3 connection with the durability the app asks for."""
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    return connection
