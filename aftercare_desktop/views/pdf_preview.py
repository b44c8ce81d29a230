"""A document on screen (QtPdf's QPdfView) and on paper (its pages rendered to a QPrinter by QtPdf)."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, QSizeF, Qt, Signal
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..errors import AftercareError
from ..reports import RenderedDocument

# Printers take 600 or 1200 dpi; a page rendered at 300 dpi prints as sharp and is a sixteenth of the
# memory of one at 1200 (a letter page at 1200 dpi is half a gigabyte).
MAX_PRINT_DPI = 300


def load_pdf(pdf: bytes, document: QPdfDocument) -> QBuffer:
    """Load PDF bytes into `document`; the returned buffer must live as long as the document reads it."""
    buffer = QBuffer(document)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() is not QPdfDocument.Status.Ready:
        raise AftercareError("The document could not be read back for showing or printing.")
    return buffer


def fit(page: QSizeF, area: QRectF) -> QRectF:
    """The largest rectangle of the page's proportions inside `area`, centred."""
    scale = min(area.width() / page.width(), area.height() / page.height())
    width, height = page.width() * scale, page.height() * scale
    return QRectF(area.left() + (area.width() - width) / 2, area.top() + (area.height() - height) / 2, width, height)


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Render the PDF's pages (those chosen in the print dialog) onto `printer`, each fitted to the
    printable area of the paper chosen. Runs on a worker thread (QPainter may paint on a QPrinter
    there; QtPdf serialises its own use of PDFium). Returns the pages sent; raises AftercareError when
    the printer cannot be started, so that nothing is recorded as printed."""
    document = QPdfDocument()
    load_pdf(pdf, document)
    count = document.pageCount()
    first, last = 0, count - 1
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = printer.fromPage() - 1, min(printer.toPage() or count, count) - 1
    if first > last:
        raise AftercareError(f"The document has {count} page{'s' if count != 1 else ''}; "
                             f"choose pages from 1 to {count}.")
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise AftercareError("The printer could not be started. Check that it is switched on and connected, "
                             "or choose another printer.")
    try:
        started = False
        for _copy in range(copies):
            for number in range(first, last + 1):
                if started and not printer.newPage():
                    raise AftercareError("The printer stopped taking pages. Check it and print again.")
                started = True
                size = document.pagePointSize(number)
                image = document.render(number, QSize(round(size.width() * dpi / 72), round(size.height() * dpi / 72)))
                painter.drawImage(fit(size, QRectF(painter.viewport())), image)
    finally:
        painter.end()
        document.close()
    return (last - first + 1) * copies


ZOOMS = (("Fit width", QPdfView.ZoomMode.FitToWidth, 0.0), ("Whole page", QPdfView.ZoomMode.FitInView, 0.0),
         ("50%", QPdfView.ZoomMode.Custom, 0.5), ("75%", QPdfView.ZoomMode.Custom, 0.75),
         ("100%", QPdfView.ZoomMode.Custom, 1.0), ("150%", QPdfView.ZoomMode.Custom, 1.5),
         ("200%", QPdfView.ZoomMode.Custom, 2.0))


class PreviewDialog(QDialog):
    """The document as it will print, page after page. Nothing is recorded by looking at it; printing
    and exporting from here go through the export service like anywhere else."""

    print_requested = Signal(object)  # the RenderedDocument
    export_requested = Signal(object)

    def __init__(self, document: RenderedDocument, about: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.rendered = document
        self.setWindowTitle(f"Preview — {document.title}")
        self.pdf = QPdfDocument(self)
        self._buffer = load_pdf(document.pdf, self.pdf)

        self.view = QPdfView(self)
        self.view.setObjectName("pdfView")
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setStyleSheet("QPdfView { background: palette(dark); }")

        heading = QLabel(f"<b>{document.title}</b> · {about}")
        heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading = heading
        self.previous_button = QToolButton()
        self.previous_button.setArrowType(Qt.ArrowType.UpArrow)
        self.previous_button.setToolTip("Previous page (Page Up)")
        self.previous_button.clicked.connect(lambda: self.go_to(self.current_page - 1))
        self.next_button = QToolButton()
        self.next_button.setArrowType(Qt.ArrowType.DownArrow)
        self.next_button.setToolTip("Next page (Page Down)")
        self.next_button.clicked.connect(lambda: self.go_to(self.current_page + 1))
        self.page_label = QLabel()
        self.page_label.setObjectName("pageLabel")
        self.zoom = QComboBox()
        self.zoom.setToolTip("Zoom")
        for text, _mode, _factor in ZOOMS:
            self.zoom.addItem(text)
        self.zoom.currentIndexChanged.connect(self._zoom_chosen)

        top = QHBoxLayout()
        top.addWidget(heading, 1)
        top.addWidget(self.previous_button)
        top.addWidget(self.page_label)
        top.addWidget(self.next_button)
        top.addSpacing(12)
        top.addWidget(self.zoom)

        notice = QLabel(self._notice_words(document))
        notice.setObjectName("previewNotice")
        notice.setWordWrap(True)
        self.print_button = QPushButton("&Print…")
        self.print_button.clicked.connect(lambda: self.print_requested.emit(self.rendered))
        self.export_button = QPushButton("&Export PDF…")
        self.export_button.clicked.connect(lambda: self.export_requested.emit(self.rendered))
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(notice, 1)
        bottom.addWidget(self.print_button)
        bottom.addWidget(self.export_button)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

        navigator = self.view.pageNavigator()
        navigator.currentPageChanged.connect(self._show_page_number)
        QShortcut(QKeySequence(Qt.Key.Key_PageDown), self, lambda: self.go_to(self.current_page + 1))
        QShortcut(QKeySequence(Qt.Key.Key_PageUp), self, lambda: self.go_to(self.current_page - 1))
        self._show_page_number(0)
        self.resize(860, 980)

    @staticmethod
    def _notice_words(document: RenderedDocument) -> str:
        request = document.request
        whom = request.recipient if request.recipient == request.purpose else f"{request.recipient} — {request.purpose}"
        return f"For: {whom}. Looking is not recorded; printing and exporting are."

    @property
    def page_count(self) -> int:
        return self.pdf.pageCount()

    @property
    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    def go_to(self, page: int) -> None:
        if 0 <= page < self.page_count:
            self.view.pageNavigator().jump(page, QPointF(0, 0))

    def _show_page_number(self, page: int) -> None:
        self.page_label.setText(f"Page {page + 1} of {self.page_count}")
        self.previous_button.setEnabled(page > 0)
        self.next_button.setEnabled(page < self.page_count - 1)

    def _zoom_chosen(self, index: int) -> None:
        _text, mode, factor = ZOOMS[index]
        self.view.setZoomMode(mode)
        if mode is QPdfView.ZoomMode.Custom:
            self.view.setZoomFactor(factor)

    def set_busy(self, busy: bool) -> None:
        self.print_button.setEnabled(not busy)
        self.export_button.setEnabled(not busy)
