"""The one command line: the GUI by default, plus subcommands for data work.

Exit codes: 0 done, 1 some input rejected, 2 usage or environment error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .db import ENV_DATABASE_URL, Database, resolve_url
from .errors import AftercareError
from .paths import default_database_path, demo_database_path

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 on usage errors; keep it to one line
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _database_option(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--database",
        metavar="URL",
        required=required and not os.environ.get(ENV_DATABASE_URL),
        default=os.environ.get(ENV_DATABASE_URL),
        help=f"an SQLite file path or an SQLAlchemy URL (default: ${ENV_DATABASE_URL})",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="aftercare-desktop",
        description="Aftercare Desktop: alumni records and peer support for an aftercare team. "
        "Without a subcommand, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _database_option(parser, required=False)
    parser.add_argument("--demo", action="store_true", help="open a separate demo database with synthetic alumni")
    parser.add_argument(
        "--exit-after-startup", action="store_true", help="start, show the main window with its data, then exit 0"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = commands.add_parser("demo-data", help="fill a database with deterministic synthetic data")
    _database_option(demo, required=True)
    demo.add_argument("--alumni", type=int, required=True, metavar="N", help="how many alumni (100 to 100000)")
    demo.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    demo.add_argument(
        "--checkins-per-alumnus", type=int, metavar="N",
        help="this many check-ins for every alumnus with a contact history, e.g. 50 for a benchmark "
        "(default: a few months' worth at each plan's cadence)",
    )

    migrate = commands.add_parser("migrate", help="upgrade a database to the newest schema (SQLite is backed up)")
    _database_option(migrate, required=True)

    importer = commands.add_parser("import-alumni", help="import alumni from a CSV or XLSX file")
    importer.add_argument("file", type=Path, metavar="FILE", help="a .csv or .xlsx file")
    _database_option(importer, required=True)
    importer.add_argument("--dry-run", action="store_true", help="check every row, change nothing")
    importer.add_argument(
        "--on-duplicate", choices=("skip", "update"), default="skip",
        help="what to do with rows whose client ID already exists (default: skip)",
    )

    attention = commands.add_parser(
        "attention", help="print who needs attention and why (names are shown: keep it on your own screen)",
        description="Print the needs-attention queue of the early-warning engine: high before watch, then the "
        "longest-standing concern first, each alumnus with the reasons and the date each signal began.",
    )
    _database_option(attention, required=True)
    attention.add_argument("--caseworker", metavar="NAME", help="only this caseworker's caseload (default: everyone)")
    attention.add_argument("--json", action="store_true", help="print JSON instead of a table")

    pairing = commands.add_parser("pairing", help="mentor pairing: suggestions for everyone waiting for a mentor")
    pairing_commands = pairing.add_subparsers(dest="pairing_command", metavar="ACTION", parser_class=_Parser,
                                              required=True)
    suggest = pairing_commands.add_parser(
        "suggest", help="print the best pairings for everyone waiting (names are shown in the table)",
        description="Suggest mentors for everyone waiting: every hard constraint kept, the total score of the "
        "team's saved weights as high as possible, locked pairs fixed first. Nothing is saved.",
    )
    _database_option(suggest, required=True)
    suggest.add_argument("--json", action="store_true",
                         help="print JSON (ids only): suggestions, unmatched and mentors with their load")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command is None:
            return _run_gui(args)
        handler = {"demo-data": _demo_data, "migrate": _migrate, "import-alumni": _import_alumni,
                   "attention": _attention, "pairing": _pairing}[args.command]
        return handler(args)
    except AftercareError as exc:
        print(f"aftercare-desktop: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("aftercare-desktop: interrupted", file=sys.stderr)
        return EXIT_USAGE


def _open_migrated(url_text: str, *, create_folder: bool = False) -> Database:
    from .schema import ensure_schema

    database = Database.open(resolve_url(url_text), create_folder=create_folder)
    try:
        ensure_schema(database)
    except BaseException:
        database.dispose()
        raise
    return database


def _run_gui(args: argparse.Namespace) -> int:
    from .app import run_gui

    if args.demo and args.database:
        print("aftercare-desktop: error: --demo opens its own database; leave out --database", file=sys.stderr)
        return EXIT_USAGE
    if args.demo:
        url = str(demo_database_path())
    else:
        url = args.database or str(default_database_path())
    return run_gui(url, demo=args.demo, exit_after_startup=args.exit_after_startup)


def _demo_data(args: argparse.Namespace) -> int:
    from .services.demo_data import MAX_ALUMNI, MAX_CHECKINS_PER_ALUMNUS, MIN_ALUMNI, generate

    if not MIN_ALUMNI <= args.alumni <= MAX_ALUMNI:
        print(f"aftercare-desktop: error: --alumni must be {MIN_ALUMNI} to {MAX_ALUMNI:,}", file=sys.stderr)
        return EXIT_USAGE
    per_alumnus = args.checkins_per_alumnus
    if per_alumnus is not None and not 0 <= per_alumnus <= MAX_CHECKINS_PER_ALUMNUS:
        print(f"aftercare-desktop: error: --checkins-per-alumnus must be 0 to {MAX_CHECKINS_PER_ALUMNUS:,}",
              file=sys.stderr)
        return EXIT_USAGE
    database = _open_migrated(args.database, create_folder=True)
    try:
        summary = generate(database, alumni=args.alumni, seed=args.seed, checkins_per_alumnus=per_alumnus)
    finally:
        database.dispose()
    print(summary.describe())
    return EXIT_OK


def _migrate(args: argparse.Namespace) -> int:
    database = _open_migrated(args.database)
    try:
        from .schema import current_revision

        revision = current_revision(database)
    finally:
        database.dispose()
    print(f"Database schema is at {revision} (newest).")
    return EXIT_OK


def _import_alumni(args: argparse.Namespace) -> int:
    from .services.audit import Actor
    from .services.importing import run_import

    database = _open_migrated(args.database)
    try:
        report = run_import(
            database, args.file, on_duplicate=args.on_duplicate, dry_run=args.dry_run,
            actor=Actor(None, "cli:import"),
        )
    finally:
        database.dispose()
    for rejected in report.rejected:
        print(f"row {rejected.row_number}: {rejected.reason}")
    print(report.summary())
    return EXIT_REJECTED if report.rejected else EXIT_OK


def _database_exists(url_text: str, command: str) -> bool:
    """A report reads; a mistyped path must not become a new, empty database that "needs nothing"."""
    from .db import sqlite_path

    path = sqlite_path(resolve_url(url_text))
    if path is not None and not path.exists():
        print(f"aftercare-desktop {command}: error: there is no database at {path}", file=sys.stderr)
        return False
    return True


def _attention(args: argparse.Namespace) -> int:
    from .services import staff
    from .services.early_warning import AttentionService

    if not _database_exists(args.database, "attention"):
        return EXIT_USAGE
    database = _open_migrated(args.database)
    try:
        caseworker_id = None
        if args.caseworker is not None:
            member = staff.find_staff_by_name(database, args.caseworker)
            if member is None:
                known = ", ".join(m.display_name for m in staff.list_staff(database)) or "none yet"
                print(f"aftercare-desktop attention: error: no staff member is called '{args.caseworker}' "
                      f"(staff: {known})", file=sys.stderr)
                return EXIT_USAGE
            caseworker_id = member.id
        service = AttentionService(database)
        rows = service.queue(caseworker_id)
    finally:
        database.dispose()
    # The one place where names are printed: on the user's own terminal, never into a log.
    if args.json:
        print(json.dumps([_attention_json(row) for row in rows], indent=2, ensure_ascii=False))
    else:
        whose = f"caseload of {member.display_name}" if caseworker_id is not None else "everyone"
        print(_attention_table(rows, whose))
    return EXIT_OK


def _attention_json(row) -> dict:
    return {
        "id": row.alumnus_id,
        "name": row.name,
        "client_id": row.client_id,
        "level": row.level.value,
        "since": row.since.isoformat(),
        "reasons": [{"text": r.text, "since": r.since.isoformat(), "signal": r.signal.value} for r in row.reasons],
    }


def _attention_table(rows, whose: str) -> str:
    from .models.enums import WarningLevel

    if not rows:
        return f"Nobody needs attention ({whose})."
    high = sum(1 for row in rows if row.level is WarningLevel.HIGH)
    title = f"Needs attention ({whose}): {len(rows)} alumni, {high} high, {len(rows) - high} watch"
    header = ("LEVEL", "NAME", "CLIENT ID", "SINCE", "REASON")
    lines = []
    for row in rows:
        for number, reason in enumerate(row.reasons):
            first = number == 0
            lines.append((row.level.value if first else "", row.name if first else "",
                          row.client_id if first else "", reason.since.isoformat(), reason.text))
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header) - 1)]

    def render(cells) -> str:
        return "  ".join([*(cell.ljust(width) for cell, width in zip(cells, widths)), cells[-1]]).rstrip()

    return "\n".join([title, "", render(header), *map(render, lines)])


def _pairing(args: argparse.Namespace) -> int:
    from .services.pairings import PairingService

    if not _database_exists(args.database, "pairing suggest"):
        return EXIT_USAGE
    database = _open_migrated(args.database)
    try:
        run = PairingService(database).suggest()
    finally:
        database.dispose()
    if args.json:
        print(json.dumps(_pairing_json(run), indent=2))
    else:
        print(_pairing_table(run))
    return EXIT_OK


def _pairing_json(run) -> dict:
    result = run.result
    return {
        "suggestions": [
            {"mentee_id": s.mentee_id, "mentor_id": s.mentor_id, "score": round(s.score, 3), "locked": s.locked,
             "breakdown": {c.criterion.value: round(c.points, 3) for c in s.breakdown},
             "alternatives": [{"mentor_id": a.mentor_id, "score": round(a.score, 3), "has_room": a.has_room}
                              for a in s.alternatives]}
            for s in result.suggestions
        ],
        "unmatched": [{"mentee_id": u.mentee_id, "reason": u.reason, "binding": u.binding.value}
                      for u in result.unmatched],
        "mentors": [{"id": m.mentor_id, "capacity": m.capacity, "current_load": m.load, "suggested": m.suggested}
                    for m in result.mentors],
        "broken_locks": [{"mentee_id": b.mentee_id, "mentor_id": b.mentor_id, "reason": b.reason}
                         for b in result.broken_locks],
        "max_score": round(result.max_score, 3),
    }


def _pairing_table(run) -> str:
    result = run.result
    waiting = len(result.suggestions) + len(result.unmatched)
    if not waiting:
        return "Nobody is waiting for a mentor."
    lines = [f"Pairing suggestions: {len(result.suggestions)} of {waiting} waiting paired "
             f"(scores out of {result.max_score:g})", ""]
    rows = [("MENTEE", "MENTOR", "SCORE", "WHY")]
    for s in result.suggestions:
        why = ", ".join(c.label.lower() for c in s.strongest()) or "fits every hard constraint"
        rows.append((run.name(s.mentee_id), run.name(s.mentor_id) + (" (locked)" if s.locked else ""),
                     f"{s.score:.1f}", why))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines += ["  ".join([*(cell.ljust(width) for cell, width in zip(row, widths)), row[3]]).rstrip() for row in rows]
    if result.unmatched:
        lines += ["", "Not paired:"]
        lines += [f"  {run.name(u.mentee_id)}: {u.reason}" for u in result.unmatched]
    for lock in result.broken_locks:
        lines.append(f"Lock dropped, {run.name(lock.mentee_id)} with {run.name(lock.mentor_id)}: {lock.reason}")
    return "\n".join(lines)
