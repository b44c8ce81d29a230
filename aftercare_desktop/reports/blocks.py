"""Building blocks the documents share: headings, label–value lists, tables that split across pages."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table, TableStyle

from .style import ACCENT, ACCENT_LIGHT, FONT, FONT_BOLD, INK, MUTED, RULE, ZEBRA, Styles, text


def heading(styles: Styles, title: str) -> Paragraph:
    return Paragraph(text(title), styles.heading)


def empty(styles: Styles, words: str) -> Paragraph:
    """What a section says when there is nothing to show, so a blank never reads as an omission."""
    return Paragraph(text(words), styles.empty)


# Cells of plain text that fit on one line go into tables as strings: laid out by the table itself,
# several times quicker than a paragraph each (a year's report has hundreds of cells).
_PADDING = 4


def fits(value: object, font: str, size: float, width: float) -> bool:
    """Whether `value` is plain text on one line within a table column `width` wide (padding aside)."""
    return isinstance(value, str) and "\n" not in value and stringWidth(value, font, size) <= width - 2 * _PADDING


def label_values(styles: Styles, rows: Sequence[tuple[str, str]], width: float, label_share: float = 0.3) -> Table:
    """Label–value lines (values are plain text)."""
    widths = [width * label_share, width * (1 - label_share)]
    cells = [[name if fits(name, FONT_BOLD, styles.size, widths[0]) else Paragraph(text(name), styles.cell_bold),
              value if fits(value, FONT, styles.size, widths[1]) else Paragraph(text(value), styles.cell)]
             for name, value in rows]
    table = Table(cells, colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (0, 0), (0, -1), FONT_BOLD, styles.size, styles.cell.leading),
        ("FONT", (1, 0), (1, -1), FONT, styles.size, styles.cell.leading),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    return table


def data_table(styles: Styles, header: Sequence[str], rows: Sequence[Sequence[str | Flowable]],
               widths: Sequence[float], *, numeric: Sequence[int] = (), total: bool = False) -> Table:
    """A table with a header row that repeats on every page it runs onto. Cells are plain text or
    flowables; `numeric` columns align right; `total` sets the last row in bold."""
    head_size = styles.header_cell.fontSize

    def cell(value, column: int, bold: bool = False):
        if isinstance(value, Flowable) or fits(value, FONT_BOLD if bold else FONT, styles.size, widths[column]):
            return value
        style = styles.cell_bold if bold else styles.cell
        if column in numeric:
            return Paragraph(f'<para align="right">{text(value)}</para>', style)
        return Paragraph(text(value), style)

    head = [h if fits(h, FONT_BOLD, head_size, widths[i]) else Paragraph(text(h), styles.header_cell)
            for i, h in enumerate(header)]
    body = [[cell(value, i, total and n == len(rows) - 1) for i, value in enumerate(row)]
            for n, row in enumerate(rows)]
    table = Table([head, *body], colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, head_size, styles.header_cell.leading),
        ("FONT", (0, 1), (-1, -1), FONT, styles.size, styles.cell.leading),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT_LIGHT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), _PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), _PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for column in numeric:
        commands.append(("ALIGN", (column, 0), (column, -1), "RIGHT"))
    for number in range(2, len(body) + 1, 2):
        commands.append(("BACKGROUND", (0, number), (-1, number), ZEBRA))
    if total and body:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black))
        commands.append(("FONT", (0, -1), (-1, -1), FONT_BOLD, styles.size, styles.cell.leading))
    table.setStyle(TableStyle(commands))
    return table


def boxed(styles: Styles, content: Sequence[Flowable], width: float, background=ACCENT_LIGHT) -> Table:
    """Flowables in a tinted box (the plan's crisis lines, a report's recipient)."""
    table = Table([[list(content)]], colWidths=[width], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), background),
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    return table


def figures(styles: Styles, counts: Sequence[tuple[str, str]], width: float, per_row: int = 4) -> Table:
    """Counts as a grid of large numbers with what each counts under it (a summary's first lines)."""
    number = ParagraphStyle("figure", parent=styles.cell, fontName=FONT_BOLD, fontSize=styles.size * 1.9,
                            leading=styles.size * 2.2, textColor=ACCENT)
    words_style = ParagraphStyle("figure_words", parent=styles.small, leading=styles.size * 1.1)
    cells = [[Paragraph(text(value), number), Paragraph(text(words), words_style)] for value, words in counts]
    rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
    table = Table(rows, colWidths=[width / per_row] * per_row, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), ACCENT_LIGHT),
        ("INNERGRID", (0, 0), (-1, -1), 2, "white"),
        ("BOX", (0, 0), (-1, -1), 0.5, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
    ]))
    return table


class WritingSpace(Flowable):
    """Room to write by hand: faint dotted lines across the space given (a cell, or the page)."""

    def __init__(self, lines: int = 2, pitch: float = 15):
        super().__init__()
        self.lines, self.pitch = lines, pitch

    def wrap(self, avail_width, avail_height):
        self.width, self.height = avail_width, self.lines * self.pitch
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(MUTED)
        canvas.setLineWidth(0.35)
        canvas.setDash(0.6, 2.2)
        for number in range(self.lines):
            y = self.height - (number + 1) * self.pitch + 1
            canvas.line(0, y, self.width, y)
        canvas.restoreState()


class _RoomFor(CondPageBreak):
    """A page break when the flowables it names would not fit on the rest of the page (at most `cap`
    points of them, when given), measured as the page is laid out."""

    def __init__(self, flowables: Sequence[Flowable], extra: float, cap: float | None):
        super().__init__(0)
        self._flowables, self._extra, self._cap = list(flowables), extra, cap

    def wrap(self, avail_width, avail_height):
        needed = self._extra
        for flowable in self._flowables:
            if self._cap is not None and needed >= self._cap:
                break  # enough is known; a long table need not be laid out twice
            needed += flowable.wrapOn(self.canv, avail_width, 10_000)[1]
        self.height = min(needed, self._cap) if self._cap is not None else needed
        return super().wrap(avail_width, avail_height)


def section(styles: Styles, title: str, content: Sequence[Flowable], *, keep: int = 1,
            room: float | None = 150) -> list[Flowable]:
    """A heading that starts a new page rather than stand alone at the foot of one.

    The heading and the first `keep` flowables must fit where it starts; with `room`, at most that much
    is asked for (a long table may then start here and run over), without (a chart cannot be split)
    all of it.
    """
    content = list(content)
    title_flowable = heading(styles, title)
    # The heading's space above it, and a line of whatever follows the kept part.
    extra = styles.size * 2.5
    return [_RoomFor([title_flowable, *content[:keep]], extra, room), title_flowable, *content, Spacer(1, 2)]
