"""The look shared by every document: the embedded font, colours, paragraph styles and how dates read.

The font is DejaVu Sans, shipped in resources/fonts (licence beside it) and embedded, subset, in every
PDF, so that "Núñez", "Nguyễn" and "Zoë" print the same on any printer. Registering a TrueType font
reads the whole file; it happens once per process.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..paths import resource

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

# The app's green (resources/icons/app.svg), and quiet greys for rules and table headers.
ACCENT = colors.HexColor("#2e6b5e")
ACCENT_LIGHT = colors.HexColor("#e3efeb")
INK = colors.HexColor("#1b1b1b")
MUTED = colors.HexColor("#5a5a5a")
RULE = colors.HexColor("#b9c4c0")
ZEBRA = colors.HexColor("#f4f6f5")
WARNING_HIGH = colors.HexColor("#9b2226")
WARNING_WATCH = colors.HexColor("#a4670b")
SERIES = (colors.HexColor("#1f5f99"), colors.HexColor("#b23a48"), colors.HexColor("#2e7d32"),
          colors.HexColor("#6a4c93"))

BODY_SIZE = 10  # never smaller for running text
PLAN_SIZE = 12.5  # the alumnus's own plan: large and plain


@cache
def register_fonts() -> None:
    """Make the embedded font known to reportlab (bold through <b> too); idempotent.

    Also: binary streams rather than ASCII85 text. PDFs have been 8-bit clean for decades, and
    encoding images and fonts as text in pure Python was a fifth of the time of a progress report.
    """
    rl_config.useA85 = 0
    pdfmetrics.registerFont(TTFont(FONT, str(resource("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(resource("fonts", "DejaVuSans-Bold.ttf"))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


class Styles:
    """Paragraph styles for one body size (10 pt for reports, larger for the alumnus's plan)."""

    def __init__(self, size: float = BODY_SIZE):
        register_fonts()
        leading = size * 1.32
        self.size = size
        self.body = ParagraphStyle("body", fontName=FONT, fontSize=size, leading=leading, textColor=INK,
                                   alignment=TA_LEFT, spaceAfter=size * 0.35)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=size * 0.88, leading=size * 1.15,
                                    textColor=MUTED, spaceAfter=0)
        self.cell = ParagraphStyle("cell", parent=self.body, spaceAfter=0, leading=size * 1.22)
        self.cell_bold = ParagraphStyle("cell_bold", parent=self.cell, fontName=FONT_BOLD)
        self.header_cell = ParagraphStyle("header_cell", parent=self.cell, fontName=FONT_BOLD,
                                          fontSize=size * 0.9, textColor=INK)
        self.title = ParagraphStyle("title", parent=self.body, fontName=FONT_BOLD, fontSize=size * 1.9,
                                    leading=size * 2.3, textColor=ACCENT, spaceAfter=size * 0.2)
        self.subtitle = ParagraphStyle("subtitle", parent=self.body, fontSize=size * 1.15, leading=size * 1.5,
                                       textColor=INK, spaceAfter=size * 0.8)
        self.heading = ParagraphStyle("heading", parent=self.body, fontName=FONT_BOLD, fontSize=size * 1.3,
                                      leading=size * 1.65, textColor=ACCENT, spaceBefore=size * 1.1,
                                      spaceAfter=size * 0.45)
        self.bullet = ParagraphStyle("bullet", parent=self.body, leftIndent=size * 1.4, bulletIndent=size * 0.3,
                                     spaceAfter=size * 0.3)
        self.empty = ParagraphStyle("empty", parent=self.body, textColor=MUTED)


def css(colour: colors.Color) -> str:
    """A colour as a paragraph's <font color="…"> reads it."""
    return "#" + colour.hexval()[2:]


def text(value: object) -> str:
    """Plain text made safe inside a reportlab paragraph (which reads a little XML)."""
    return escape("" if value is None else str(value)).replace("\n", "<br/>")


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")


def day(value: date | None, empty: str = "—") -> str:
    """Jun 5, 2026 — unambiguous on both sides of the Atlantic, unlike 6/5/2026."""
    if value is None:
        return empty
    return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"


def long_day(value: date) -> str:
    """June 5, 2026, for the alumnus's own plan."""
    return f"{MONTH_NAMES[value.month - 1]} {value.day}, {value.year}"


def span(first: date, last: date) -> str:
    """Jun 1 – Jun 7, 2026, or across years Dec 29, 2025 – Jan 4, 2026."""
    if first == last:
        return day(first)
    if first.year == last.year:
        return f"{MONTHS[first.month - 1]} {first.day} – {day(last)}"
    return f"{day(first)} – {day(last)}"


def moment(value: datetime) -> str:
    """The local time a document was made: Jun 5, 2026 14:03 EDT."""
    local = value.astimezone()
    zone = local.tzname() or ""
    return f"{day(local.date())} {local:%H:%M} {zone}".rstrip()


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"
