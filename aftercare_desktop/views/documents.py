"""Preview, print and export of one document, each through the export service and off the GUI thread.

    actions = DocumentActions(context, runner, owner, owner.request)   # request() -> ExportRequest | None
    actions.preview()    # renders, shows PreviewDialog; nothing recorded
    actions.print_document()  # checks, asks for a printer, prints in the background; recorded as a print
    actions.export()     # checks and renders, asks where, writes atomically; recorded as an export

The service says what is wrong with a request (`problems`, by field) before any dialog opens, so no
one picks a printer or a file name for a document that will be refused.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal
from PySide6.QtGui import QPageLayout
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

from .. import settings
from ..errors import AftercareError, ValidationFailed
from ..models.enums import AuditAction
from ..reports import ExportOutcome, ExportRequest, ExportService, RenderedDocument
from ..reports.export import check_target
from ..services.context import AppContext
from . import dialogs
from .background import TaskRunner
from .pdf_preview import PreviewDialog, print_pdf


def export_service(context: AppContext) -> ExportService:
    """An export service for whoever works at this desk now (the acting staff member can change)."""
    return ExportService(context.database, context.actor, today=context.today)


def export_folder() -> Path:
    """Where the last export went, else the person's documents folder."""
    folder = Path(settings.get(settings.LAST_EXPORT_FOLDER) or ".")
    if folder.is_dir() and str(folder) != ".":
        return folder
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def remember_folder(folder: Path) -> None:
    settings.put(settings.LAST_EXPORT_FOLDER, str(folder))


def size_words(size: int) -> str:
    return f"{size / 1024:,.0f} KB" if size >= 1024 else f"{size} bytes"


class DocumentActions(QObject):
    busy_changed = Signal(bool)
    status = Signal(str)  # a line to show near the buttons
    problems = Signal(list)  # list[Problem], by field; [] when a new attempt starts
    previewed = Signal(object)  # the PreviewDialog shown
    exported = Signal(object)  # ExportOutcome
    printed = Signal(int)  # the disclosure's id

    def __init__(self, context: AppContext, runner: TaskRunner, owner: QWidget,
                 request: Callable[[], ExportRequest | None], about: Callable[[], str] = lambda: ""):
        super().__init__(owner)
        self.context = context
        self.runner = runner
        self.owner = owner
        self._request = request
        self._about = about
        self.busy = False
        self.preview_dialog: PreviewDialog | None = None
        self._printer: QPrinter | None = None

    # -- the three actions ---------------------------------------------------------------------------
    def preview(self) -> None:
        request = self._begin(None, "Preparing the preview…")
        if request is None:
            return
        service = export_service(self.context)
        self.runner.submit(self.owner, lambda: service.render(request), self._show_preview, self._failed)

    def print_document(self, request: ExportRequest | None = None, parent: QWidget | None = None) -> None:
        request = self._begin(request, "Checking…")
        if request is None:
            return
        service = export_service(self.context)
        self.runner.submit(self.owner, lambda: service.prepare(request),
                           lambda prepared: self._choose_printer(service, prepared, parent), self._failed)

    def export(self, request: ExportRequest | None = None, parent: QWidget | None = None) -> None:
        request = self._begin(request, "Making the document…")
        if request is None:
            return
        service = export_service(self.context)
        self.runner.submit(self.owner, lambda: service.authorise(request, AuditAction.EXPORT),
                           lambda document: self._choose_file(service, document, parent), self._failed)

    # -- steps -----------------------------------------------------------------------------------------
    def _begin(self, request: ExportRequest | None, message: str) -> ExportRequest | None:
        """The request to work on (the owner's, unless given), with the actions marked busy; None when
        busy already or the owner found problems of its own."""
        if self.busy:
            return None
        self.problems.emit([])
        request = request or self._request()
        if request is not None:
            self._set_busy(True, message)
        return request

    def _show_preview(self, document: RenderedDocument) -> None:
        self._set_busy(False, f"{document.title}: {document.pages} page{'s' if document.pages != 1 else ''}.")
        if self.preview_dialog is not None:
            self.preview_dialog.close()
        dialog = PreviewDialog(document, self._about(), self.owner)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.print_requested.connect(lambda shown: self.print_document(shown.request, dialog))
        dialog.export_requested.connect(lambda shown: self.export(shown.request, dialog))
        self.busy_changed.connect(dialog.set_busy)
        dialog.destroyed.connect(lambda: setattr(self, "preview_dialog", None))
        self.preview_dialog = dialog
        dialog.open()
        self.previewed.emit(dialog)

    def _choose_printer(self, service: ExportService, request: ExportRequest, parent: QWidget | None) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(request.kind.title)
        if request.kind.landscape:  # else its pages print shrunk to fit across portrait paper
            printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        if not dialogs.ask_printer(parent or self.owner, printer):
            self._set_busy(False, "Not printed.")
            return
        self._set_busy(True, "Printing…")
        self._printer = printer  # the worker paints on it; keep it alive until it is done
        pages: list[int] = []

        def send(document: RenderedDocument) -> None:
            pages.append(print_pdf(document.pdf, printer))

        def printed(disclosure_id: int) -> None:
            self._printer = None
            count = pages[0] if pages else 0
            self._set_busy(False, f"Sent {count} page{'s' if count != 1 else ''} to the printer; recorded as printed.")
            self.printed.emit(disclosure_id)

        self.runner.submit(self.owner, lambda: service.print_with(request, send), printed, self._failed)

    def _choose_file(self, service: ExportService, document: RenderedDocument, parent: QWidget | None) -> None:
        path = dialogs.ask_save_pdf(parent or self.owner, export_folder() / document.file_name)
        if path is None:
            self._set_busy(False, "Not exported.")
            return
        self._set_busy(True, "Writing the PDF…")

        def deliver() -> ExportOutcome:
            check_target(path)
            return service.deliver(document, path)

        self.runner.submit(self.owner, deliver, lambda outcome: self._exported(outcome, parent), self._failed)

    def _exported(self, outcome: ExportOutcome, parent: QWidget | None) -> None:
        remember_folder(outcome.path.parent)
        words = (f"Exported {outcome.pages} page{'s' if outcome.pages != 1 else ''} ({size_words(outcome.size)}) "
                 f"to {outcome.path}.")
        self._set_busy(False, words + " Recorded as disclosed.")
        self.exported.emit(outcome)
        if dialogs.offer_to_open(parent or self.owner, outcome.path, words):
            dialogs.open_file(outcome.path)

    def _failed(self, error: BaseException) -> None:
        self._printer = None
        if isinstance(error, ValidationFailed):
            self._set_busy(False, "Not done: correct what is marked.")
            self.problems.emit(list(error.problems))
        elif isinstance(error, AftercareError):  # refused by the gate, no such record, cannot write, printer
            self._set_busy(False, str(error))
            dialogs.show_problem(self.owner, str(error))
        else:
            self._set_busy(False, "")
            raise error

    def _set_busy(self, busy: bool, message: str) -> None:
        self.status.emit(message)
        if busy != self.busy:
            self.busy = busy
            self.busy_changed.emit(busy)
