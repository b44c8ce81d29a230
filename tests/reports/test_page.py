"""The page frame's shortcuts against reportlab's own way: the logo, compressed once per process, comes
out of the PDF byte for byte as `canvas.drawImage` writes it; the §2.32 notice, laid out once, as a
paragraph laid out for the document."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from aftercare_desktop.paths import resource
from aftercare_desktop.reports import page
from tests.reports.conftest import pdf_tool


def _png(mode: str, size: tuple[int, int]) -> bytes:
    image = Image.new(mode, size, (30, 110, 90, 160)[: len(mode)])
    for x in range(size[0]):
        image.putpixel((x, x % size[1]), (200, 30, 30, 255)[: len(mode)])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _pdf(draw) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.beginForm("decoration")  # the logo is drawn into the page decoration's form
    draw(canvas, 40, 700)
    canvas.endForm()
    for _ in range(2):  # pages share the form, and a second drawing reuses the image
        canvas.doForm("decoration")
        draw(canvas, 300, 400)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.mark.parametrize("data", [resource("logo.png").read_bytes(), _png("RGBA", (60, 20)), _png("RGB", (37, 23)),
                                  _png("L", (12, 30))], ids=["default", "rgba-wide", "rgb", "grey-tall"])
def test_the_logo_is_written_as_draw_image_writes_it(data):
    from reportlab.lib.utils import ImageReader

    logo = page.logo(data)
    ours = _pdf(lambda canvas, x, y: logo.draw(canvas, x, y, 41, 41, anchor="sw"))
    theirs = _pdf(lambda canvas, x, y: canvas.drawImage(ImageReader(io.BytesIO(data)), x, y, 41, 41,
                                                        preserveAspectRatio=True, anchor="sw", mask="auto"))
    assert ours == theirs
    assert page.logo(data) is logo  # decoded and compressed once


def test_the_notice_is_laid_out_once_and_drawn_from_a_copy_of_its_own():
    frame = page.PageFrame(page.Organisation("Org", (), "", resource("logo.png").read_bytes()), "Title", "About",
                           __import__("datetime").datetime(2026, 6, 5, 14, 3), "Tester", "Notice " * 80,
                           "Confidential", (612.0, 792.0))
    first, height = page._notice_for(frame)
    second, again = page._notice_for(frame)
    assert first is not second and height == again
    fresh = Paragraph(first.text, first.style)
    assert fresh.wrap(page.body_width(frame) - 2 * page.NOTICE_PADDING, 792)[1] == height > 3 * first.style.leading


def _rendered(flowables, tmp_path, name: str) -> bytes:
    """The first page of a PDF of `flowables`, as a PNG at 150 dpi."""
    import subprocess

    from reportlab.platypus import SimpleDocTemplate

    if pdf_tool("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    pdf = tmp_path / f"{name}.pdf"
    SimpleDocTemplate(str(pdf), invariant=1).build(list(flowables))
    subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / name)],
                   check=True)
    return next(tmp_path.glob(f"{name}*.png")).read_bytes()


def test_a_marked_line_looks_like_the_paragraph_it_stands_for(tmp_path):
    """The early-warning table's cells are drawn as one line each rather than as paragraphs: the page
    must not change by a pixel. A reason too long for one line stays a paragraph."""
    from aftercare_desktop.reports import blocks, progress
    from aftercare_desktop.reports.style import WARNING_HIGH, WARNING_WATCH, Styles, css, text

    styles = Styles()
    width = 612 - 2 * page.MARGIN_X  # the body of a Letter page
    widths = [width * 0.64, width * 0.18, width * 0.18]
    reasons = [(WARNING_HIGH, "Mood 2.7 over the last 3 check-ins, below their usual 3.8"),
               (WARNING_WATCH, "Missed 2 of 4 expected meetings — Zoë Núñez, Nguyễn"),
               (WARNING_HIGH, "Return to use on 2026-03-07 (lapse), and a great deal more said about it " * 2)]

    def table(cell):
        rows = [[cell(colour, words), "Jan 9, 2026", "Jan 24, 2026"] for colour, words in reasons]
        return [blocks.data_table(styles, ["Signal and reason", "Began", "Last seen"], rows, widths)]

    drawn = table(lambda colour, words: progress._marked(styles, colour, words, widths[0]))
    kinds = [type(row[0]).__name__ for row in drawn[0]._cellvalues[1:]]
    assert kinds == ["_MarkedLine", "_MarkedLine", "Paragraph"]
    paragraphs = table(lambda colour, words: Paragraph(f'<font color="{css(colour)}">■</font> {text(words)}',
                                                       styles.cell))
    assert _rendered(drawn, tmp_path, "drawn") == _rendered(paragraphs, tmp_path, "paragraphs")
