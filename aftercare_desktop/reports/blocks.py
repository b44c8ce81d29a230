"""Building blocks the documents share: headings, label–value lists, tables that split across pages."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table, TableStyle

from .style import ACCENT_LIGHT, RULE, ZEBRA, Styles, text


def heading(styles: Styles, title: str) -> Paragraph:
    return Paragraph(text(title), styles.heading)


def para(styles: Styles, content: str, *, markup: bool = False, style=None) -> Paragraph:
    """A paragraph of plain text (escaped), or of trusted markup the builders wrote themselves."""
    return Paragraph(content if markup else text(content), style or styles.body)


def empty(styles: Styles, words: str) -> Paragraph:
    """What a section says when there is nothing to show, so a blank never reads as an omission."""
    return Paragraph(text(words), styles.empty)


def label_values(styles: Styles, rows: Sequence[tuple[str, str]], width: float, label_share: float = 0.3) -> Table:
    """Label–value lines (values are plain text)."""
    cells = [[Paragraph(text(name), styles.cell_bold), Paragraph(text(value), styles.cell)] for name, value in rows]
    table = Table(cells, colWidths=[width * label_share, width * (1 - label_share)], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
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
    def cell(value, column: int, bold: bool = False):
        if isinstance(value, Flowable):
            return value
        style = styles.cell_bold if bold else styles.cell
        if column in numeric:
            return Paragraph(f'<para align="right">{text(value)}</para>', style)
        return Paragraph(text(value), style)

    head = [Paragraph(f'<para align="right">{text(h)}</para>' if i in numeric else text(h), styles.header_cell)
            for i, h in enumerate(header)]
    body = [[cell(value, i, total and n == len(rows) - 1) for i, value in enumerate(row)]
            for n, row in enumerate(rows)]
    table = Table([head, *body], colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT_LIGHT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for number in range(2, len(body) + 1, 2):
        commands.append(("BACKGROUND", (0, number), (-1, number), ZEBRA))
    if total and body:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black))
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
