"""The one command line: the GUI by default, plus subcommands for data work.

Exit codes: 0 done, 1 some input rejected, 2 usage or environment error.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .errors import AftercareError
from .paths import ENV_DATABASE_URL, default_database_path, demo_database_path

if TYPE_CHECKING:
    from .db import Database

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
    _report_parsers(commands)
    return parser


def _report_parsers(commands) -> None:
    from .models.enums import AlumniStatus, Program
    from .reports import DocumentKind

    report = commands.add_parser(
        "report", help="write a PDF: progress report, aftercare plan, wallet cards, caseload summary or pairing "
        "review agenda",
        description="Write printed documents as PDF files. Each export is recorded (who, when, about whom, "
        "for whom and why) in the accounting of disclosures.",
    )
    kinds = report.add_subparsers(dest="document", metavar="DOCUMENT", required=True, parser_class=_Parser)
    documents = {
        DocumentKind.PROGRESS: "one alumnus's progress over a period (leaves the program: needs --recipient "
                               "and --purpose, carries the 42 CFR §2.32 notice)",
        DocumentKind.PLAN: "the alumnus's own aftercare plan, in large print, with the crisis lines",
        DocumentKind.WALLET_CARD: "credit-card-size cards with who to call and the crisis lines, a page of them",
        DocumentKind.CASELOAD: "one caseworker's caseload: counts, check-ins due and overdue, who needs attention",
        DocumentKind.PAIRING_REVIEW: "the agenda of the weekly pairing review: active pairings with their health, "
                                     "the waiting list, suggested pairings with their score by criterion, "
                                     "columns to write decisions in (internal: names mentees and mentors)",
    }
    for kind, words in documents.items():
        one = kinds.add_parser(kind.command, help=words, description=words)
        _database_option(one, required=True)
        _document_options(one, kind, batch=False)
        one.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help="the PDF to write")
    batch = kinds.add_parser(
        "batch", help="one document for each of many alumni (or caseworkers), over several processes",
        description="Write one document for each alumnus chosen by --caseworker, --program and --status (or "
        "listed with --alumnus), or a caseload summary for each caseworker, into --out-dir.",
    )
    batch.add_argument("kind", choices=[kind.command for kind in DocumentKind if kind.in_batches], metavar="KIND",
                       help="progress, plan, wallet-card or caseload")
    _database_option(batch, required=True)
    _document_options(batch, None, batch=True)
    batch.add_argument("--program", choices=[p.value for p in Program], help="only alumni of this program")
    batch.add_argument("--status", choices=[s.value for s in AlumniStatus], help="only alumni with this status")
    batch.add_argument("--out-dir", type=Path, required=True, metavar="DIR", help="the folder to write into")
    batch.add_argument("--combined", metavar="FILE.pdf",
                       help="one PDF in DIR with every document, instead of one file each")
    batch.add_argument("--jobs", type=int, metavar="N", help="processes to use (default: one per CPU)")


def _document_options(parser: argparse.ArgumentParser, kind, *, batch: bool) -> None:
    from .reports import DocumentKind, Section

    if batch or kind.about_an_alumnus:
        parser.add_argument("--alumnus", action="append" if batch else None, required=not batch, metavar="ID",
                            help="the alumnus: client ID or record number" + (" (repeat for several)" if batch else ""))
    if batch or kind is DocumentKind.CASELOAD:
        parser.add_argument("--caseworker", metavar="NAME", required=not batch,
                            help="the caseworker" + (" whose alumni to include" if batch else ""))
    if batch or kind in (DocumentKind.PROGRESS, DocumentKind.CASELOAD):
        parser.add_argument("--from", dest="first", type=_date, metavar="DATE",
                            help="first day of the period, YYYY-MM-DD (default: 90 days before --to; 30 for a caseload)")
        parser.add_argument("--to", dest="last", type=_date, metavar="DATE",
                            help="last day of the period (default: today)")
    if batch or kind is DocumentKind.PROGRESS:
        parser.add_argument("--sections", type=_sections, metavar="LIST",
                            help="sections to print, comma-separated: " + ", ".join(s.value for s in Section)
                            + " (default: all)")
        parser.add_argument("--recipient", default="", metavar="TEXT", help="who the document is for")
        parser.add_argument("--purpose", default="", metavar="TEXT", help="what it is for")
        parser.add_argument("--notice", choices=("1", "2"), help="the 42 CFR §2.32 statement to print "
                            "(default: the team's choice)")
    if not batch and kind is DocumentKind.PROGRESS:
        parser.add_argument("--notes", metavar="TEXT", help="caseworker's notes to print at the end")
    if not batch and kind is DocumentKind.PAIRING_REVIEW:
        parser.add_argument("--date", dest="meeting_on", type=_date, metavar="DATE",
                            help="the day of the meeting, YYYY-MM-DD, today or up to a month ahead (default: today); "
                            "the facts are as they stand when the agenda is made")
    if batch or kind is DocumentKind.WALLET_CARD:
        parser.add_argument("--copies", type=int, metavar="N", help="cards per alumnus (default: a page full)")
    parser.add_argument("--by", metavar="NAME", help="the staff member making the document (default: the command line)")


def _date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def _sections(text: str):
    from .reports import Section

    chosen = set()
    for name in filter(None, (part.strip() for part in text.split(","))):
        try:
            chosen.add(Section(name))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"no section '{name}' (choose from {', '.join(s.value for s in Section)})") from None
    return frozenset(chosen)


def main(argv: Sequence[str] | None = None) -> int:
    # Start-up makes a few hundred thousand objects that live as long as the process (modules, mapped
    # classes, the parser, then the window) and hardly any garbage, yet the cycle collector would
    # walk them over and over: a tenth of the app's start. It is off until a command begins or the
    # GUI's event loop starts (app.run_gui), and on again whenever main returns.
    gc.disable()
    try:
        return _main(argv)
    finally:
        gc.enable()


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command is None:
            return _run_gui(args)
        gc.enable()
        handler = {"demo-data": _demo_data, "migrate": _migrate, "import-alumni": _import_alumni,
                   "attention": _attention, "pairing": _pairing, "report": _report}[args.command]
        return handler(args)
    except AftercareError as exc:
        print(f"aftercare-desktop: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("aftercare-desktop: interrupted", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (`aftercare-desktop attention | head`): stop quietly, as other tools do.
        # Python's advice: point stdout at devnull so that the flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _open_migrated(url_text: str, *, create_folder: bool = False) -> Database:
    from .db import Database, resolve_url
    from .schema import ensure_schema

    database = Database.open(resolve_url(url_text), create_folder=create_folder)
    try:
        ensure_schema(database)
    except BaseException:
        database.dispose()
        raise
    return database


def _open_existing(url_text: str, prog: str) -> Database | None:
    """A database that must already exist: a mistyped path must not become a new, empty database
    (which would "need nothing" and hold nobody). None, with the error printed, when there is none."""
    from .db import resolve_url, sqlite_path

    path = sqlite_path(resolve_url(url_text))
    if path is not None and not path.exists():
        print(f"{prog}: error: there is no database at {path}", file=sys.stderr)
        return None
    return _open_migrated(url_text)


def _run_gui(args: argparse.Namespace) -> int:
    # SQLAlchemy and the models before PySide6: once loaded, PySide6 reads the source of every module
    # imported after it (looking for `from __feature__ import`), and SQLAlchemy's import would take
    # a third longer (80 ms of CPU here).
    from . import models  # noqa: F401
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
    from .services.demo import MAX_ALUMNI, MAX_CHECKINS_PER_ALUMNUS, MIN_ALUMNI, generate

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


def _staff_member(database: Database, name: str, prog: str):
    """The staff member called `name`; None, with the error and the names there are printed, if nobody is."""
    from .services import staff

    member = staff.find_staff_by_name(database, name)
    if member is None:
        known = ", ".join(m.display_name for m in staff.list_staff(database)) or "none yet"
        print(f"{prog}: error: no staff member is called '{name}' (staff: {known})", file=sys.stderr)
    return member


def _attention(args: argparse.Namespace) -> int:
    from .services.early_warning import AttentionService

    database = _open_existing(args.database, "aftercare-desktop attention")
    if database is None:
        return EXIT_USAGE
    try:
        caseworker_id = None
        if args.caseworker is not None:
            member = _staff_member(database, args.caseworker, "aftercare-desktop attention")
            if member is None:
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

    database = _open_existing(args.database, "aftercare-desktop pairing suggest")
    if database is None:
        return EXIT_USAGE
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


# -- report ------------------------------------------------------------------------------------------


def _report(args: argparse.Namespace) -> int:
    from .reports import DocumentKind

    batch = args.document == "batch"
    kind = DocumentKind.from_command(args.kind if batch else args.document)
    prog = f"aftercare-desktop report {args.document}"
    database = _open_existing(args.database, prog)
    if database is None:
        return EXIT_USAGE
    try:
        template, subjects, actor = _report_request(database, args, kind, prog, batch)
        if template is None:
            return EXIT_USAGE
        if batch:
            return _report_batch(database, args, template, subjects, actor, prog)
        from .reports import ExportService

        outcome = ExportService(database, actor).export(template, args.out)
    except AftercareError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        database.dispose()
    print(f"Wrote {kind.title.lower()} ({outcome.pages} page{'s' if outcome.pages != 1 else ''}, "
          f"{outcome.size / 1024:,.0f} KB) to {outcome.path}.")
    return EXIT_OK


def _report_request(database: Database, args: argparse.Namespace, kind, prog: str, batch: bool):
    """(the request, the subjects of a batch, the actor), or (None, …) with the error printed."""
    from datetime import date, timedelta

    from .reports import ALL_SECTIONS, DocumentKind, ExportRequest, Notice, Period, Section
    from .reports.export import DEFAULT_PERIOD_DAYS
    from .services.audit import Actor

    actor = Actor(None, "cli:report")
    if args.by is not None:
        member = _staff_member(database, args.by, prog)
        if member is None:
            return None, (), actor
        actor = Actor(member.id, "cli:report")
    caseworker = None
    if getattr(args, "caseworker", None) is not None:
        caseworker = _staff_member(database, args.caseworker, prog)
        if caseworker is None:
            return None, (), actor
    period = None
    first, last = getattr(args, "first", None), getattr(args, "last", None)
    if first is not None or last is not None:
        last = last or date.today()
        first = first or last - timedelta(days=DEFAULT_PERIOD_DAYS.get(kind, 90) - 1)
        period = Period(first, last)
    alumni = args.alumnus if isinstance(getattr(args, "alumnus", None), list) else (
        [args.alumnus] if getattr(args, "alumnus", None) else [])
    alumnus_ids = []
    for given in alumni:
        alumnus_id = _alumnus_id(database, given)
        if alumnus_id is None:
            print(f"{prog}: error: no alumnus has the client ID or record number '{given}'", file=sys.stderr)
            return None, (), actor
        alumnus_ids.append(alumnus_id)
    notice = {None: Notice.DEFAULT, "1": Notice.STATEMENT_1, "2": Notice.STATEMENT_2}[getattr(args, "notice", None)]
    sections = getattr(args, "sections", None) or ALL_SECTIONS
    if getattr(args, "notes", None):
        sections = sections | {Section.NOTES}  # notes given are notes meant to be printed
    template = ExportRequest(
        kind, alumnus_id=alumnus_ids[0] if alumnus_ids and not batch else None,
        caseworker_id=caseworker.id if caseworker is not None and kind is DocumentKind.CASELOAD and not batch else None,
        period=period, sections=sections,
        recipient=getattr(args, "recipient", ""), purpose=getattr(args, "purpose", ""), notice=notice,
        caseworker_notes=getattr(args, "notes", None), copies=getattr(args, "copies", None),
        meeting_on=getattr(args, "meeting_on", None),
    )
    if not batch:
        return template, (), actor
    if kind is DocumentKind.CASELOAD:
        from .services import staff

        subjects = [caseworker.id] if caseworker is not None else [m.id for m in staff.list_staff(database)]
    elif alumnus_ids:
        subjects = alumnus_ids
    else:
        from .models.enums import AlumniStatus, Program
        from .reports.batch import select_alumni

        subjects = select_alumni(database, caseworker_id=caseworker.id if caseworker else None,
                                 program=Program(args.program) if args.program else None,
                                 status=AlumniStatus(args.status) if args.status else None)
    return template, tuple(subjects), actor


def _alumnus_id(database: Database, given: str) -> int | None:
    from sqlalchemy import func, select

    from .models import Alumnus

    with database.session() as session:
        found = session.scalar(select(Alumnus.id).where(func.lower(Alumnus.client_id) == given.strip().lower()))
        if found is None and given.strip().isdigit():
            found = session.scalar(select(Alumnus.id).where(Alumnus.id == int(given)))
        return found


def _report_batch(database: Database, args: argparse.Namespace, template, subjects, actor, prog: str) -> int:
    from .reports import BatchExport, BatchRequest

    if args.jobs is not None and args.jobs < 1:
        print(f"{prog}: error: --jobs must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if not subjects:
        print(f"{prog}: nobody matches; nothing written.", file=sys.stderr)
        return EXIT_OK
    step = max(1, len(subjects) // 10)

    def progress(update) -> None:
        if update.done % step == 0 or update.done == update.total:
            print(f"{update.done:,} of {update.total:,} done", file=sys.stderr, flush=True)

    # Checked once before any process starts: a missing recipient is the same for every document.
    from .reports import ExportService
    from .reports.batch import subject_request

    ExportService(database, actor).prepare(subject_request(template, subjects[0]))
    summary = BatchExport(database, actor, BatchRequest(template, subjects, args.out_dir, args.combined, args.jobs),
                          on_progress=progress).run()
    for item in summary.failed:
        print(f"{prog}: {item.subject_id}: {item.error}", file=sys.stderr)
    where = summary.combined or args.out_dir
    print(f"Wrote {summary.written:,} of {len(subjects):,} documents to {where} in {summary.seconds:,.1f} s.")
    return EXIT_REJECTED if summary.failed else EXIT_OK
