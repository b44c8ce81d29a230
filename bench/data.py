"""The demo database the figures run on: made once per size, seed and schema, then reused.

The file is built with the app's own `demo-data` command into `.bench-cache/` (ignored by git) and
renamed into place only when complete, so an interrupted build is never mistaken for a good one.
Figures that write get a copy; the cached file is only ever read.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import time
from pathlib import Path

from .core import REPO_ROOT, BenchError, run_child

CACHE_DIR = REPO_ROOT / ".bench-cache"


def schema_head() -> str:
    from aftercare_desktop.schema import head_revision

    return head_revision()


def generator_digest() -> str:
    """A short digest of the demo-data generator (every file of its package, by name and content): a
    change to it makes a new cached file."""
    import hashlib

    from aftercare_desktop.services import demo

    folder = Path(demo.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def cached_database(alumni: int, seed: int, env: dict[str, str], *, log=print) -> Path:
    """The demo database with `alumni` alumni made from `seed` at the newest schema; built if missing."""
    CACHE_DIR.mkdir(exist_ok=True)
    path = CACHE_DIR / f"demo-{alumni}-seed{seed}-schema{schema_head()}-gen{generator_digest()}.sqlite"
    if path.exists():
        return path
    building = path.with_name(f"{path.stem}.building-{os.getpid()}.sqlite")
    _remove(building)
    log(f"bench: making the demo database ({alumni:,} alumni, seed {seed}); it is kept in {CACHE_DIR.name}/")
    started = time.perf_counter()
    command = [sys.executable, "-m", "aftercare_desktop", "demo-data", "--database", str(building),
               "--alumni", str(alumni), "--seed", str(seed)]
    try:
        run_child(command, env, "aftercare-desktop demo-data")
        _fold_wal_into_file(building)
        building.replace(path)
    finally:
        _remove(building)
    log(f"bench: demo database ready in {time.perf_counter() - started:.0f} s")
    return path


def working_copy(source: Path, folder: Path, name: str) -> Path:
    """A private copy of `source` for a figure that writes."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    _remove(target)
    shutil.copyfile(source, target)
    return target


def _fold_wal_into_file(path: Path) -> None:
    # The database runs in WAL mode; the file is only complete on its own once checkpointed.
    connection = sqlite3.connect(path)
    try:
        busy, _log, _done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise BenchError(f"could not checkpoint {path.name}")
    finally:
        connection.close()


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def remove_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
