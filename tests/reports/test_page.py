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
