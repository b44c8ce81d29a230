"""The export path: from a request (what, about whom, for whom and why) to a PDF on disk and a record of it.

    service = ExportService(database, actor)
    request = ExportRequest(DocumentKind.PROGRESS, alumnus_id=12, period=Period(first, last),
                            recipient="Dr. Rivera, Hope Clinic", purpose="Continuing care")
    preview = service.render(request)            # bytes for a preview; nothing recorded
    outcome = service.export(request, path)      # written atomically, disclosure + audit event recorded
    service.print_with(request, send_to_printer) # the GUI's printing, recorded the same way

Every export and print runs the same steps, in order: check the request (`prepare`), ask the
disclosure gate, render, then record and deliver. The gate is where a consent check goes later: it
sees the whole request before anything is rendered and refuses with a reason, and nothing else has to
change. Recording and delivering are tied together: a file is written to a temporary name beside its
target, the disclosure and its audit event are committed, and only then is the file renamed into
place — so there is never a partial file, and never a file the accounting does not know about. (Should
the rename itself fail after the commit, the accounting names a file that was not delivered: the safe
side for an accounting of disclosures.)
"""

from __future__ import annotations

import getpass
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Protocol, TypeVar

from reportlab.lib.pagesizes import A4, LETTER, landscape
from sqlalchemy import select

from ..db import Database
from ..errors import AftercareError, ValidationFailed
from ..models import Alumnus, Disclosure, StaffMember
from ..models.enums import AuditAction, NoticeStatement, PaperSize
from ..paths import resource
from ..services import audit
from ..services.audit import Actor
from ..services.team_settings import TeamSettingsValues, logo_bytes
from ..services.text import fold
from ..services.validation import Problem
from . import caseload, page, pairing_review, plan, progress, wallet
from .data import (
    MentorPairingSource,
    Sources,
    gather_caseload,
    gather_pairing_review,
    gather_plan,
    gather_progress,
    mentor_pairing_source,
)
from .kinds import ALL_SECTIONS, DocumentKind, Notice, Period, Section
from .style import day

log = logging.getLogger("aftercare.reports")
T = TypeVar("T")

DEFAULT_PERIOD_DAYS = {DocumentKind.PROGRESS: 90, DocumentKind.CASELOAD: 30}
MAX_PERIOD_DAYS = 3_660
LIMITS = {"recipient": 200, "purpose": 400, "caseworker_notes": 4_000}
MAX_COPIES = 40
MAX_MEETING_AHEAD_DAYS = 31
THE_ALUMNUS = "The alumnus"
INTERNAL = "Internal use by the aftercare team"


@dataclass(frozen=True)
class ExportRequest:
    """What to print, about whom, for whom and why. `prepare` fills in the defaults."""

    kind: DocumentKind
    alumnus_id: int | None = None  # every kind but the caseload summary
    caseworker_id: int | None = None  # the caseload summary
    period: Period | None = None  # None: the last 90 days (30 for a caseload), ending today
    sections: frozenset[Section] = ALL_SECTIONS  # progress report only
    recipient: str = ""  # required for a progress report; the alumnus by default for plans and cards
    purpose: str = ""
    notice: Notice = Notice.DEFAULT
    caseworker_notes: str | None = None  # progress report, section "notes"
    copies: int | None = None  # wallet cards; None: a page full
    meeting_on: date | None = None  # the pairing review the agenda is for; None: today


@dataclass(frozen=True)
class RenderedDocument:
    request: ExportRequest  # as prepared: every default filled in
    pdf: bytes
    pages: int
    title: str
    file_name: str  # suggested; holds the client id, never a name
    notice: NoticeStatement | None
    milliseconds: float = field(default=0.0, compare=False)


@dataclass(frozen=True)
class ExportOutcome:
    path: Path
    pages: int
    size: int  # bytes
    disclosure_id: int


@dataclass(frozen=True)
class DisclosureRecord:
    """One line of the accounting of disclosures (42 CFR §2.25)."""

    id: int
    occurred_at: datetime
    action: AuditAction
    document: DocumentKind
    alumnus_id: int | None
    caseworker_id: int | None
    period: Period | None
    sections: tuple[str, ...]
    recipient: str
    purpose: str
    notice: NoticeStatement | None
    by: str | None  # the staff member, or the tool


class DisclosureRefused(AftercareError):
    """The gate refused the export or print; the message says why, in words fit to show."""


class DisclosureGate(Protocol):
    """Asked before every export and print, with the prepared request; raises DisclosureRefused to stop it.

    Today's gate allows everything. A consent check (42 CFR §2.31: a written consent naming this
    recipient and purpose, not expired or revoked) goes here, without changing the export path.
    """

    def check(self, request: ExportRequest, action: AuditAction) -> None: ...


class AllowAll:
    def check(self, request: ExportRequest, action: AuditAction) -> None:
        return None


def notice_text(settings: TeamSettingsValues, statement: NoticeStatement) -> str:
    """The team's wording of a §2.32 statement, or the regulation's when the team has not changed it."""
    custom = settings.notice_statement_1 if statement is NoticeStatement.STATEMENT_1 else settings.notice_statement_2
    if custom.strip():
        return custom.strip()
    number = "1" if statement is NoticeStatement.STATEMENT_1 else "2"
    return resource("notices", f"statement-{number}.txt").read_text(encoding="utf-8").strip()


def organisation(settings: TeamSettingsValues) -> page.Organisation:
    logo = logo_bytes(settings.organisation_logo) or resource("logo.png").read_bytes()
    lines = tuple(line.strip() for line in settings.organisation_address.splitlines() if line.strip())
    return page.Organisation(settings.organisation_name.strip() or "Aftercare Program", lines,
                             settings.organisation_phone.strip(), logo)


def _safe_file_part(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", value).strip("-.") or "record"


class ExportService:
    def __init__(self, database: Database, actor: Actor, *, today: Callable[[], date] = date.today,
                 now: Callable[[], datetime] | None = None, gate: DisclosureGate | None = None,
                 pairings: MentorPairingSource | None = None):
        self.database = database
        self.actor = actor
        self._today = today
        self._now = now or (lambda: datetime.now().astimezone())
        self.gate = gate or AllowAll()
        self.sources = Sources(database, today)
        self.pairings = pairings or mentor_pairing_source(database)

    # -- the steps -----------------------------------------------------------------------------------
    def prepare(self, request: ExportRequest) -> ExportRequest:
        """The request checked, with its defaults filled in. Raises ValidationFailed (every problem by
        field) or AftercareError (no such alumnus or caseworker)."""
        kind = DocumentKind(request.kind)
        today = self._today()
        problems: list[Problem] = []
        period = request.period
        if period is None:
            period = Period.ending(today, DEFAULT_PERIOD_DAYS.get(kind, 90))
        elif period.first > period.last:
            problems.append(Problem("period", "The period starts after it ends"))
        elif period.last > today:
            problems.append(Problem("period", "The period can't end after today"))
        elif period.days > MAX_PERIOD_DAYS:
            problems.append(Problem("period", "The period may be at most ten years long"))
        recipient = " ".join(request.recipient.split())
        purpose = " ".join(request.purpose.split())
        if not recipient:
            if kind.leaves_program:
                problems.append(Problem("recipient", "Say who the document is for (the recipient)"))
            recipient = THE_ALUMNUS if kind.for_the_alumnus else INTERNAL
        if not purpose:
            if kind.leaves_program:
                problems.append(Problem("purpose", "Say what the document is for (the purpose)"))
            purpose = "Their own copy" if kind.for_the_alumnus else INTERNAL
        notes = (request.caseworker_notes or "").strip() or None
        for name, value in (("recipient", recipient), ("purpose", purpose), ("caseworker_notes", notes)):
            if value and len(value) > LIMITS[name]:
                words = name.replace("_", " ").capitalize()
                problems.append(Problem(name, f"{words}: at most {LIMITS[name]:,} characters (now {len(value):,})"))
        sections = frozenset(Section(s) for s in request.sections)
        if kind is DocumentKind.PROGRESS and not sections:
            problems.append(Problem("sections", "Choose at least one section"))
        if kind.leaves_program and request.notice is Notice.NONE:
            problems.append(Problem("notice", "A document that leaves the program must carry the 42 CFR §2.32 "
                                              "notice"))
        if request.copies is not None and not 1 <= request.copies <= MAX_COPIES:
            problems.append(Problem("copies", f"Print 1 to {MAX_COPIES} cards"))
        meeting_on = None
        if kind is DocumentKind.PAIRING_REVIEW:
            # The facts are always today's: an agenda dated for a meeting already held would show
            # today's pairings under an old date.
            meeting_on = request.meeting_on or today
            if meeting_on < today:
                problems.append(Problem("meeting_on", "An agenda is for a meeting today or later"))
            elif (meeting_on - today).days > MAX_MEETING_AHEAD_DAYS:
                problems.append(Problem("meeting_on", f"The meeting can be at most {MAX_MEETING_AHEAD_DAYS} "
                                                      "days ahead"))
        if problems:
            raise ValidationFailed(problems)
        self._check_subject(kind, request)
        return replace(request, kind=kind, period=period, recipient=recipient, purpose=purpose, sections=sections,
                       caseworker_notes=notes, meeting_on=meeting_on)

    def _check_subject(self, kind: DocumentKind, request: ExportRequest) -> None:
        with self.database.session() as session:
            if kind.about_an_alumnus:
                if request.alumnus_id is None:
                    raise AftercareError(f"A {kind.title.lower()} is about one alumnus; choose who.")
                if session.get(Alumnus, request.alumnus_id) is None:
                    raise AftercareError(f"There is no alumnus with the id {request.alumnus_id}.")
            elif kind.about_a_caseworker:
                if request.caseworker_id is None:
                    raise AftercareError("A caseload summary is about one caseworker; choose who.")
                if session.get(StaffMember, request.caseworker_id) is None:
                    raise AftercareError(f"There is no staff member with the id {request.caseworker_id}.")

    def render(self, request: ExportRequest) -> RenderedDocument:
        """The document as PDF bytes, for a preview: nothing is recorded, and the gate is not asked."""
        return self._render(self.prepare(request))

    def _render(self, request: ExportRequest) -> RenderedDocument:
        started = time.perf_counter()
        settings = self.sources.settings()
        statement = self._statement(request, settings)
        frame_kwargs = dict(
            organisation=organisation(settings), generated_at=self._now(), generated_by=self._generated_by(),
            notice=notice_text(settings, statement) if statement else None,
        )
        kind = request.kind
        paper = LETTER if settings.paper_size is PaperSize.LETTER else A4
        frame_kwargs["page_size"] = landscape(paper) if kind.landscape else paper
        if kind is DocumentKind.PROGRESS:
            data = gather_progress(self.sources, request.alumnus_id, request.period, request.sections,
                                   request.caseworker_notes, self.pairings, settings)
            frame = page.PageFrame(title=kind.title, about=f"{data.identity.name} · client {data.identity.client_id}",
                                   marking="Confidential", **frame_kwargs)
            flow = progress.story(data, page.body_width(frame), request.recipient, request.purpose)
            period = request.period
            name = f"progress-report-{_safe_file_part(data.identity.client_id)}-{period.first}-{period.last}"
        elif kind in (DocumentKind.PLAN, DocumentKind.WALLET_CARD):
            data = gather_plan(self.sources, request.alumnus_id)
            frame = page.PageFrame(title=kind.title,
                                   about=data.name if kind is DocumentKind.PLAN else wallet.about(data),
                                   marking="Personal and confidential", **frame_kwargs)
            if kind is DocumentKind.PLAN:
                flow = plan.story(data, frame.organisation, page.body_width(frame))
            else:
                flow = wallet.story([data], frame.organisation, request.copies or wallet.DEFAULT_COPIES)
            name = f"{kind.value.replace('_', '-')}-{_safe_file_part(data.client_id)}"
        elif kind is DocumentKind.PAIRING_REVIEW:
            data = gather_pairing_review(self.sources, request.meeting_on)
            frame = page.PageFrame(title=kind.title, about=f"Pairing review of {day(data.meeting_on)}",
                                   marking="Internal — do not disclose", **frame_kwargs)
            flow = pairing_review.story(data, page.body_width(frame))
            name = f"pairing-review-agenda-{data.meeting_on}"
        else:
            data = gather_caseload(self.sources, request.caseworker_id, request.period)
            frame = page.PageFrame(title=kind.title, about=f"Caseload of {data.caseworker}",
                                   marking="Internal — do not disclose", **frame_kwargs)
            flow = caseload.story(data, page.body_width(frame))
            name = f"caseload-{_safe_file_part(fold(data.caseworker))}-{request.period.last}"
        pdf, pages = page.render(frame, flow)
        elapsed = (time.perf_counter() - started) * 1000
        log.info("%s rendered: %d pages, %d bytes in %.0f ms", kind.value, pages, len(pdf), elapsed)
        return RenderedDocument(request, pdf, pages, kind.title, f"{name}.pdf", statement, elapsed)

    def export(self, request: ExportRequest, path: str | os.PathLike[str]) -> ExportOutcome:
        """Check, ask the gate, render, then write `path` atomically with the disclosure recorded."""
        target = Path(path)
        check_target(target)
        return self.deliver(self.authorise(request, AuditAction.EXPORT), target)

    def authorise(self, request: ExportRequest, action: AuditAction) -> RenderedDocument:
        """Check the request, ask the gate, render: the first half of an export or print."""
        request = self.prepare(request)
        self.gate.check(request, action)
        return self._render(request)

    def deliver(self, document: RenderedDocument, path: Path) -> ExportOutcome:
        """The second half of an export: write atomically, the disclosure committed before the rename."""
        disclosure_id = write_atomically(path, document.pdf, lambda: self.record([document], AuditAction.EXPORT)[0])
        return ExportOutcome(path, document.pages, len(document.pdf), disclosure_id)

    def print_with(self, request: ExportRequest, send: Callable[[RenderedDocument], None]) -> int:
        """Check, ask the gate, render, hand the document to `send` (the GUI's printing), then record the
        print. A `send` that raises (printing cancelled or failed) records nothing. Returns the
        disclosure's id."""
        document = self.authorise(request, AuditAction.PRINT)
        send(document)
        return self.record([document], AuditAction.PRINT)[0]

    # -- the accounting ------------------------------------------------------------------------------
    def disclosures(self, alumnus_id: int) -> list[DisclosureRecord]:
        """Every export and print about an alumnus, newest first."""
        with self.database.session() as session:
            rows = session.execute(
                select(Disclosure, StaffMember.display_name)
                .outerjoin(StaffMember, StaffMember.id == Disclosure.staff_id)
                .where(Disclosure.alumnus_id == alumnus_id)
                .order_by(Disclosure.occurred_at.desc(), Disclosure.id.desc())
            )
            return [_disclosure_record(row, name) for row, name in rows]

    def record(self, documents: list[RenderedDocument], action: AuditAction) -> list[int]:
        """Record documents as exported or printed, each a disclosure with its audit event, in one
        transaction (a combined batch file is one delivery of many documents). Their ids, in order."""
        ids = []
        with self.database.session() as session:
            for document in documents:
                request = document.request
                about_alumnus = request.kind.about_an_alumnus
                with_period = request.kind in DEFAULT_PERIOD_DAYS
                row = Disclosure(
                    staff_id=self.actor.staff_id, actor=self.actor.label, action=action,
                    document=request.kind.value,
                    alumnus_id=request.alumnus_id if about_alumnus else None,
                    caseworker_id=request.caseworker_id if request.kind.about_a_caseworker else None,
                    period_from=request.period.first if with_period else None,
                    period_to=request.period.last if with_period else None,
                    sections=sorted(s.value for s in request.sections) if request.kind is DocumentKind.PROGRESS else [],
                    recipient=request.recipient, purpose=request.purpose,
                    notice=document.notice.value if document.notice else None,
                )
                session.add(row)
                session.flush()
                ids.append(row.id)
                entity, entity_id = _audited_entity(request)
                audit.record(session, self.actor, action, entity, entity_id, [request.kind.value])
            session.commit()
        log.info("%d document(s) recorded as %s", len(ids), action.value)
        return ids

    # -- helpers -------------------------------------------------------------------------------------
    @staticmethod
    def _statement(request: ExportRequest, settings: TeamSettingsValues) -> NoticeStatement | None:
        if request.notice is Notice.STATEMENT_1:
            return NoticeStatement.STATEMENT_1
        if request.notice is Notice.STATEMENT_2:
            return NoticeStatement.STATEMENT_2
        if request.notice is Notice.DEFAULT and request.kind.leaves_program:
            return settings.disclosure_notice
        return None

    def _generated_by(self) -> str:
        name = self.sources.staff_name(self.actor.staff_id)
        if name:
            return name
        if self.actor.label.startswith("cli"):
            try:
                return f"the command line (login {getpass.getuser()})"
            except (KeyError, OSError):
                return "the command line"
        return self.actor.label


def _audited_entity(request: ExportRequest) -> tuple[str, int | None]:
    """What the audit event of an export or print is about: the alumnus, the caseworker of a caseload,
    or the team's pairing review as a whole (the agenda names many; none of them is its subject)."""
    if request.kind.about_an_alumnus:
        return "alumnus", request.alumnus_id
    if request.kind.about_a_caseworker:
        return "staff_member", request.caseworker_id
    return "pairing_review", None


def _disclosure_record(row: Disclosure, by: str | None) -> DisclosureRecord:
    period = Period(row.period_from, row.period_to) if row.period_from and row.period_to else None
    return DisclosureRecord(row.id, row.occurred_at, row.action, DocumentKind(row.document), row.alumnus_id,
                            row.caseworker_id, period, tuple(row.sections), row.recipient, row.purpose,
                            NoticeStatement(row.notice) if row.notice else None, by or row.actor)


def check_target(path: Path) -> None:
    """Refuse, before any work, a target that cannot be written."""
    if path.suffix.lower() != ".pdf":
        raise AftercareError(f"{path} should end in .pdf.")
    if path.is_dir():
        raise AftercareError(f"{path} is a folder; give a file name ending in .pdf.")
    folder = path.parent
    if not folder.is_dir():
        raise AftercareError(f"The folder {folder} does not exist.")
    if not os.access(folder, os.W_OK):
        raise AftercareError(f"The folder {folder} is read-only.")


def write_atomically(path: Path, data: bytes, commit: Callable[[], T]) -> T:
    """Write `data` to a temporary file beside `path`, run `commit`, then rename the file into place.

    If anything fails — the write, the commit, the rename — the temporary file is removed and `path` is
    left as it was: there is never a partial document under the name the user chose.
    """
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise AftercareError(f"Cannot write in {path.parent}: {exc.strerror}.") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        result = commit()
        os.replace(temporary, path)
        return result
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise AftercareError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

