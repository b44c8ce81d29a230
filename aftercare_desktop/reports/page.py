"""What every page of every document carries, and turning a story of flowables into PDF bytes.

Header: the organisation's logo, name, address and phone; the document's title on the right. Footer:
the 42 CFR §2.32 notice when the document leaves the program (on every page, so that a page copied on
its own still carries it), who the document is about, when and by whom it was made, and "Page X of Y".
The page count is only known at the end, so pages are kept until the document is saved and numbered
then (`_numbered_canvas`).
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from reportlab.lib.boxstuff import aspectRatioFix
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import PDFImageXObject
from reportlab.pdfgen.canvas import Canvas, _digester
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from .. import __version__
from . import style
from .style import ACCENT, ACCENT_LIGHT, FONT, FONT_BOLD, INK, MUTED, RULE

MARGIN_X = 0.75 * inch
MARGIN_TOP = 0.5 * inch
MARGIN_BOTTOM = 0.42 * inch
HEADER_HEIGHT = 0.62 * inch  # logo, name and address lines
HEADER_GAP = 0.16 * inch  # between the rule under the header and the body
FOOTER_LINES = 2  # who the document is about + when and by whom; the page number beside
FOOTER_LINE_HEIGHT = 10.5
NOTICE_SIZE = 7.6  # legible, and small enough that Statement 1 leaves room for the page
NOTICE_PADDING = 5
NOTICE_GAP = 8


@dataclass(frozen=True)
class Organisation:
    """Who the documents come from, as the team settings say."""

    name: str
    address_lines: tuple[str, ...]
    phone: str
    logo: bytes  # a PNG or JPEG image


@dataclass(frozen=True)
class PageFrame:
    """Everything printed on every page of one document besides its body."""

    organisation: Organisation
    title: str  # "Progress report"
    about: str  # who or what the document is about, so that a loose page finds its way back
    generated_at: datetime
    generated_by: str
    notice: str | None  # the §2.32 statement; None for documents that do not leave the program
    marking: str  # "Confidential" or "Internal working document — do not disclose"
    page_size: tuple[float, float]


def body_width(frame: PageFrame) -> float:
    return frame.page_size[0] - 2 * MARGIN_X


@lru_cache(maxsize=8)
def _notice_layout(notice: str, width: float, page_height: float) -> tuple[Paragraph, float]:
    """The notice laid out in `width`, and its height: the same text for every document of a team, so
    it is broken into lines once, not once per document (copy it before drawing, see `_notice_for`)."""
    style.register_fonts()
    notice_style = ParagraphStyle("notice", fontName=FONT, fontSize=NOTICE_SIZE, leading=NOTICE_SIZE * 1.22,
                                  textColor=INK)
    paragraph = Paragraph(f"<b>Confidential.</b> {style.text(notice)}", notice_style)
    _, height = paragraph.wrap(width, page_height)
    return paragraph, height


def _notice_for(frame: PageFrame) -> tuple[Paragraph, float]:
    """The frame's notice, laid out, as a copy of its own: drawing sets the canvas on the paragraph,
    and two documents may be made at once in different threads (a preview beside a batch)."""
    paragraph, height = _notice_layout(frame.notice, body_width(frame) - 2 * NOTICE_PADDING, frame.page_size[1])
    return copy.copy(paragraph), height


def _footer_top(notice_height: float | None) -> tuple[float, float]:
    """(height of the notice box, where the body's frame ends above the footer)."""
    lines_top = MARGIN_BOTTOM + FOOTER_LINES * FOOTER_LINE_HEIGHT
    if notice_height is None:
        return 0.0, lines_top + NOTICE_GAP
    box = notice_height + 2 * NOTICE_PADDING
    return box, lines_top + NOTICE_GAP + box + NOTICE_GAP


class Logo:
    """The organisation's logo as a PDF image, decoded and compressed once per process.

    `canvas.drawImage` compresses the pixels again for every document: 9 ms of a logo of 256 × 256,
    a tenth of a batch's progress report. Here each document gets copies of image objects made once
    (a copy each, as a document sets its own references on them), registered and drawn as drawImage
    does; tests/reports hold the output to drawImage's, byte for byte.
    """

    def __init__(self, data: bytes):
        reader = ImageReader(io.BytesIO(data))
        pixels, alpha = reader.getRGBData(), reader._dataA
        self.name = _digester(pixels + (alpha.getRGBData() if alpha else b"auto"))  # drawImage's name for it
        image = PDFImageXObject(self.name, reader, mask="auto")
        self.soft_mask: PDFImageXObject | None = image.__dict__.pop("_smask", None)
        self.image = image

    def draw(self, canvas: Canvas, x: float, y: float, width: float, height: float, anchor: str = "c") -> None:
        """As `canvas.drawImage(…, preserveAspectRatio=True, anchor=anchor, mask="auto")`."""
        document = canvas._doc
        registered = document.getXObjectName(self.name)
        if registered not in document.idToObject:
            image = copy.copy(self.image)
            canvas._setXObjects(image)
            document.Reference(image, registered)
            document.addForm(self.name, image)
            if self.soft_mask is not None:
                soft_mask = copy.copy(self.soft_mask)
                canvas._setXObjects(soft_mask)
                image.smask = document.Reference(soft_mask, document.getXObjectName(soft_mask.name))
        x, y, width, height, _ = aspectRatioFix(True, anchor, x, y, width, height, self.image.width,
                                                self.image.height)
        canvas.saveState()
        canvas.translate(x, y)
        canvas.scale(width, height)
        canvas._code.append(f"/{registered} Do")
        canvas.restoreState()
        canvas._formsinuse.append(self.name)


@lru_cache(maxsize=4)
def logo(data: bytes) -> Logo:
    return Logo(data)


class _PageDecoration:
    """Draws the header and footer of every page (the page number comes later, see `_numbered_canvas`)."""

    def __init__(self, frame: PageFrame):
        self.frame = frame
        self.logo = logo(frame.organisation.logo)
        self.notice, height = _notice_for(frame) if frame.notice else (None, None)
        self.notice_height, self.body_bottom = _footer_top(height)

    FORM = "page-decoration"

    def __call__(self, canvas: Canvas, _doc) -> None:
        # Everything but the page number is the same on every page: drawn once into a form, which
        # each page then refers to (a long notice is laid out and stored once, not once a page).
        if not getattr(canvas, "_decoration_drawn", False):
            canvas.beginForm(self.FORM)
            self._header(canvas)
            self._footer(canvas)
            canvas.endForm()
            canvas._decoration_drawn = True
        canvas.doForm(self.FORM)

    def _header(self, canvas: Canvas) -> None:
        frame, (width, height) = self.frame, self.frame.page_size
        top = height - MARGIN_TOP
        logo_size = HEADER_HEIGHT - 4
        self.logo.draw(canvas, MARGIN_X, top - logo_size, logo_size, logo_size, anchor="sw")
        x = MARGIN_X + logo_size + 10
        organisation = frame.organisation
        canvas.setFillColor(INK)
        canvas.setFont(FONT_BOLD, 11.5)
        canvas.drawString(x, top - 12, organisation.name)
        canvas.setFont(FONT, 8.2)
        canvas.setFillColor(MUTED)
        lines = list(organisation.address_lines)
        if organisation.phone:
            lines.append(f"Phone {organisation.phone}")
        # Up to three lines fit beside the logo; a longer address is joined up.
        if len(lines) > 3:
            lines = [*lines[:2], " · ".join(lines[2:])]
        for number, line in enumerate(lines):
            canvas.drawString(x, top - 24 - number * 9.6, line)
        canvas.setFillColor(ACCENT)
        canvas.setFont(FONT_BOLD, 11.5)
        canvas.drawRightString(width - MARGIN_X, top - 12, frame.title)
        canvas.setFont(FONT, 8.2)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(width - MARGIN_X, top - 24, frame.marking)
        rule_y = top - HEADER_HEIGHT
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(1.2)
        canvas.line(MARGIN_X, rule_y, width - MARGIN_X, rule_y)

    def _footer(self, canvas: Canvas) -> None:
        frame, (width, _) = self.frame, self.frame.page_size
        if self.notice is not None:
            box_bottom = MARGIN_BOTTOM + FOOTER_LINES * FOOTER_LINE_HEIGHT + NOTICE_GAP
            canvas.setFillColor(ACCENT_LIGHT)
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.6)
            canvas.rect(MARGIN_X, box_bottom, width - 2 * MARGIN_X, self.notice_height, stroke=1, fill=1)
            self.notice.drawOn(canvas, MARGIN_X + NOTICE_PADDING, box_bottom + NOTICE_PADDING)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        top_line = MARGIN_BOTTOM + FOOTER_LINES * FOOTER_LINE_HEIGHT + 2
        canvas.line(MARGIN_X, top_line, width - MARGIN_X, top_line)
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN_X, MARGIN_BOTTOM + FOOTER_LINE_HEIGHT - 2, frame.about)
        canvas.drawString(MARGIN_X, MARGIN_BOTTOM - 2,
                          f"Generated {style.moment(frame.generated_at)} by {frame.generated_by} "
                          f"· Aftercare Desktop {__version__}")


def _numbered_canvas(frame: PageFrame) -> type[Canvas]:
    """A canvas that holds its pages until saved, then writes "Page X of Y" on each."""

    width = frame.page_size[0]

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict] = []

        def showPage(self):  # noqa: N802 - reportlab's name
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._held_pages)
            for state in self._held_pages:
                self.__dict__.update(state)
                self.setFont(FONT_BOLD, 8.5)
                self.setFillColor(INK)
                self.drawRightString(width - MARGIN_X, MARGIN_BOTTOM + FOOTER_LINE_HEIGHT - 2,
                                     f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def render(frame: PageFrame, story: Sequence[Flowable]) -> tuple[bytes, int]:
    """The PDF of `story` on pages decorated by `frame`, and its number of pages."""
    style.register_fonts()
    decoration = _PageDecoration(frame)
    width, height = frame.page_size
    body_top = height - MARGIN_TOP - HEADER_HEIGHT - HEADER_GAP
    body = Frame(MARGIN_X, decoration.body_bottom, width - 2 * MARGIN_X, body_top - decoration.body_bottom,
                 leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    buffer = io.BytesIO()
    # No personal data in the file's metadata: viewers show it, and desktop search indexes it.
    document = BaseDocTemplate(
        buffer, pagesize=frame.page_size, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=frame.title, author=frame.organisation.name,
        creator="Aftercare Desktop", subject=frame.title, pageCompression=1,
    )
    document.addPageTemplates([PageTemplate(id="page", frames=[body], onPage=decoration)])
    document.build(list(story), canvasmaker=_numbered_canvas(frame))
    return buffer.getvalue(), document.page
