"""Batch export: one document for each of many alumni (or caseworkers), over several processes.

    template = ExportRequest(DocumentKind.PROGRESS, recipient="County Drug Court", purpose="Review")
    batch = BatchExport(database, actor, BatchRequest(template, alumnus_ids, out_dir),
                        on_progress=lambda p: print(p.done, p.total))
    summary = batch.run()     # blocks: call it from a worker thread; `batch.cancel()` from any thread

Rendering is CPU work in Python, so threads would take turns; each worker process opens its own
connection to the database (an engine never crosses processes) and runs the ordinary export path —
the same checks, the same gate, the same disclosure record per document. Workers never come from a
plain fork of this process: forking a process that runs Qt threads can deadlock. They come from a
fork server (a clean process with this module imported) where there is one, else from spawn.

One PDF each: every worker writes its files atomically and records them as it goes; a cancelled
batch keeps (and has recorded) the documents finished before the cancel. One combined PDF: the
workers render, the parent joins the documents in order, writes the one file atomically and records
every document in one transaction — a cancelled combined batch writes nothing and records nothing.

`on_progress` is called in the thread that runs `run()`, after each document; no Qt here.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import select

from ..db import Database, resolve_url
from ..errors import AftercareError
from ..models import Alumnus
from ..models.enums import AlumniStatus, AuditAction, Program
from ..services.audit import Actor
from .export import ExportRequest, ExportService, RenderedDocument, check_target, write_atomically
from .style import register_fonts

log = logging.getLogger("aftercare.reports")
PER_PROCESS = 12


@dataclass(frozen=True)
class BatchRequest:
    """The same document for many subjects: alumni, or caseworkers for caseload summaries."""

    template: ExportRequest  # everything but the subject
    subject_ids: tuple[int, ...]
    out_dir: Path
    combined: str | None = None  # a file name in out_dir: one PDF with every document, instead of one each
    workers: int | None = None  # None: one per CPU; 1: in this process


@dataclass(frozen=True)
class BatchItem:
    subject_id: int
    path: Path | None  # the file written (None in a combined batch, or on error)
    pages: int
    error: str | None = None


@dataclass(frozen=True)
class BatchProgress:
    done: int
    total: int
    item: BatchItem


@dataclass(frozen=True)
class BatchSummary:
    items: tuple[BatchItem, ...]  # finished ones, in the order they finished
    cancelled: int  # never started
    seconds: float
    combined: Path | None = None

    @property
    def written(self) -> int:
        return sum(1 for item in self.items if item.error is None)

    @property
    def failed(self) -> tuple[BatchItem, ...]:
        return tuple(item for item in self.items if item.error is not None)


def select_alumni(database: Database, *, caseworker_id: int | None = None, program: Program | None = None,
                  status: AlumniStatus | None = None) -> list[int]:
    """Ids of the alumni a batch is for (not archived), in name order."""
    query = select(Alumnus.id).where(Alumnus.archived_at.is_(None)).order_by(Alumnus.sort_name, Alumnus.id)
    if caseworker_id is not None:
        query = query.where(Alumnus.caseworker_id == caseworker_id)
    if program is not None:
        query = query.where(Alumnus.program == program)
    if status is not None:
        query = query.where(Alumnus.status == status)
    with database.session() as session:
        return list(session.scalars(query))


def subject_request(template: ExportRequest, subject_id: int) -> ExportRequest:
    """The batch's request made about one of its subjects."""
    if template.kind.about_an_alumnus:
        return replace(template, alumnus_id=subject_id)
    if template.kind.about_a_caseworker:
        return replace(template, caseworker_id=subject_id)
    raise AftercareError(f"A {template.kind.title.lower()} is made once for the team, not in a batch.")


# -- in a worker process --------------------------------------------------------------------------------

_service: ExportService | None = None


def _process_context():
    """How workers start: from a fork server where there is one (started clean, so safe beside Qt's
    threads, and forking workers that have the modules imported already), else spawned afresh."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")


def _start_worker(url: str, actor: Actor, today: date) -> None:
    global _service
    database = Database.open(resolve_url(url))
    _service = ExportService(database, actor, today=lambda: today)
    register_fonts()


def _export_one(request: ExportRequest, subject_id: int, out_dir: str) -> BatchItem:
    """One file, written and recorded by the ordinary export path."""
    try:
        document = _service.authorise(request, AuditAction.EXPORT)
        outcome = _service.deliver(document, Path(out_dir) / document.file_name)
        return BatchItem(subject_id, outcome.path, outcome.pages)
    except AftercareError as exc:  # messages of known problems carry no personal data
        return BatchItem(subject_id, None, 0, str(exc))


def _render_one(request: ExportRequest, subject_id: int) -> tuple[BatchItem, RenderedDocument | None]:
    """One document for a combined file: checked, authorised and rendered, not yet recorded."""
    try:
        document = _service.authorise(request, AuditAction.EXPORT)
        return BatchItem(subject_id, None, document.pages), document
    except AftercareError as exc:
        return BatchItem(subject_id, None, 0, str(exc)), None


# -- in the process that runs the batch -------------------------------------------------------------------


class BatchExport:
    def __init__(self, database: Database, actor: Actor, request: BatchRequest, *,
                 today: Callable[[], date] = date.today,
                 on_progress: Callable[[BatchProgress], None] | None = None):
        self.database = database
        self.actor = actor
        self.request = request
        self._today = today
        self._on_progress = on_progress
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        """Stop starting documents; the ones being made finish. Safe from any thread."""
        self._cancelled.set()

    @property
    def workers(self) -> int:
        """Processes to use: as asked, else one per CPU but only as many as have a dozen documents to
        make (starting a process costs as much as a dozen documents); 1 means this process."""
        count = len(self.request.subject_ids)
        if self.request.workers is not None:
            return max(1, min(self.request.workers, count))
        return max(1, min(os.cpu_count() or 1, count // PER_PROCESS))

    def run(self) -> BatchSummary:
        request = self.request
        if not request.out_dir.is_dir():
            raise AftercareError(f"The folder {request.out_dir} does not exist.")
        combined = request.out_dir / request.combined if request.combined else None
        if combined is not None:
            check_target(combined)
        started = time.perf_counter()
        today = self._today()
        items: list[BatchItem] = []
        documents: dict[int, RenderedDocument] = {}
        total = len(request.subject_ids)

        def finished(item: BatchItem, document: RenderedDocument | None = None) -> None:
            items.append(item)
            if document is not None:
                documents[item.subject_id] = document
            if self._on_progress is not None:
                self._on_progress(BatchProgress(len(items), total, item))

        jobs = [(subject_request(request.template, subject_id), subject_id) for subject_id in request.subject_ids]
        if self.workers == 1:
            cancelled = self._run_here(jobs, today, combined is not None, finished)
        else:
            cancelled = self._run_in_pool(jobs, today, combined is not None, finished)
        if combined is not None and not self._cancelled.is_set() and documents:
            in_order = [documents[s] for s in request.subject_ids if s in documents]
            self._write_combined(combined, in_order)
        else:
            combined = None
        seconds = time.perf_counter() - started
        log.info("batch of %d %s: %d written, %d failed, %d cancelled in %.1f s with %d process(es)", total,
                 request.template.kind.value, sum(1 for i in items if i.error is None),
                 sum(1 for i in items if i.error), cancelled, seconds, self.workers)
        return BatchSummary(tuple(items), cancelled, seconds, combined)

    def _run_here(self, jobs, today: date, combining: bool, finished) -> int:
        global _service
        _service = ExportService(self.database, self.actor, today=lambda: today)
        try:
            for number, (job, subject_id) in enumerate(jobs):
                if self._cancelled.is_set():
                    return len(jobs) - number
                if combining:
                    finished(*_render_one(job, subject_id))
                else:
                    finished(_export_one(job, subject_id, str(self.request.out_dir)))
            return 0
        finally:
            _service = None

    def _run_in_pool(self, jobs, today: date, combining: bool, finished) -> int:
        url = self.database.url.render_as_string(hide_password=False)
        pool = ProcessPoolExecutor(self.workers, mp_context=_process_context(), initializer=_start_worker,
                                   initargs=(url, self.actor, today))
        futures: list[Future] = []
        seen: set[Future] = set()

        def report(future: Future) -> None:
            seen.add(future)
            outcome = future.result()
            if combining:
                finished(*outcome)
            else:
                finished(outcome)

        try:
            for job, subject_id in jobs:
                if combining:
                    futures.append(pool.submit(_render_one, job, subject_id))
                else:
                    futures.append(pool.submit(_export_one, job, subject_id, str(self.request.out_dir)))
            for future in as_completed(futures):
                report(future)
                if self._cancelled.is_set():
                    break
        finally:
            # Queued documents are dropped; those already running finish (and are recorded).
            pool.shutdown(wait=True, cancel_futures=True)
        for future in futures:
            if future not in seen and not future.cancelled():
                report(future)  # finished while the pool shut down
        return sum(1 for future in futures if future.cancelled())

    def _write_combined(self, path: Path, documents: Sequence[RenderedDocument]) -> None:
        from pypdf import PdfWriter

        writer = PdfWriter()
        for document in documents:
            writer.append(io.BytesIO(document.pdf))
        buffer = io.BytesIO()
        writer.write(buffer)
        service = ExportService(self.database, self.actor, today=self._today)
        write_atomically(path, buffer.getvalue(), lambda: service.record(list(documents), AuditAction.EXPORT))
