"""Wallet cards: credit-card size (ISO/IEC 7810 ID-1, 85.60 × 53.98 mm), the on-call list and the crisis lines.

Cards sit edge to edge, two across, as many rows as the page holds, so one straight cut separates two
cards; crop marks outside the block show where each cut runs, and a faint dashed outline guides
scissors. Each card names the person by first name only: a lost card should not say more.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from ..models.enums import RosterRole, label
from .data import PlanDocumentData
from .page import Organisation
from .style import ACCENT, ACCENT_LIGHT, FONT, FONT_BOLD, INK, MUTED, RULE, WARNING_HIGH

CARD_WIDTH = 85.60 * mm
CARD_HEIGHT = 53.98 * mm
COLUMNS = 2
MARK_GAP = 2.5  # between the block and a crop mark
MARK_LENGTH = 8
PADDING = 3.2 * mm  # inside each card: a cut a little off still leaves the text whole
CALLS_ON_CARD = 4
DEFAULT_COPIES = 8  # a page full, Letter or A4: two across, four down


class CardSheet(Flowable):
    """Cards in a block two across; splits by whole rows when the page is full."""

    def __init__(self, cards: Sequence[PlanDocumentData], organisation: Organisation):
        super().__init__()
        self.cards = list(cards)
        self.organisation = organisation

    def _rows(self) -> int:
        return -(-len(self.cards) // COLUMNS)

    def wrap(self, avail_width, avail_height):
        self.width = COLUMNS * CARD_WIDTH
        self.height = self._rows() * CARD_HEIGHT + 2 * (MARK_GAP + MARK_LENGTH)
        return self.width, self.height

    def split(self, avail_width, avail_height):
        rows = int((avail_height - 2 * (MARK_GAP + MARK_LENGTH)) // CARD_HEIGHT)
        if rows <= 0 or rows >= self._rows():
            return [] if rows <= 0 else [self]
        cut = rows * COLUMNS
        return [CardSheet(self.cards[:cut], self.organisation), CardSheet(self.cards[cut:], self.organisation)]

    def draw(self):
        canvas: Canvas = self.canv
        rows = self._rows()
        bottom = MARK_GAP + MARK_LENGTH
        top = bottom + rows * CARD_HEIGHT
        for number, card in enumerate(self.cards):
            row, column = divmod(number, COLUMNS)
            x = column * CARD_WIDTH
            y = top - (row + 1) * CARD_HEIGHT
            _card(canvas, x, y, card, self.organisation)
        _crop_marks(canvas, rows, bottom, top)


def _crop_marks(canvas: Canvas, rows: int, bottom: float, top: float) -> None:
    canvas.saveState()
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.5)
    right = COLUMNS * CARD_WIDTH
    for column in range(COLUMNS + 1):
        x = column * CARD_WIDTH
        canvas.line(x, top + MARK_GAP, x, top + MARK_GAP + MARK_LENGTH)
        canvas.line(x, bottom - MARK_GAP, x, bottom - MARK_GAP - MARK_LENGTH)
    for row in range(rows + 1):
        y = bottom + row * CARD_HEIGHT
        canvas.line(-MARK_GAP, y, -MARK_GAP - MARK_LENGTH, y)
        canvas.line(right + MARK_GAP, y, right + MARK_GAP + MARK_LENGTH, y)
    canvas.restoreState()


def _fit(value: str, font: str, size: float, width: float) -> str:
    """`value` cut with an ellipsis to fit `width` (a card has no room for a second line)."""
    if stringWidth(value, font, size) <= width:
        return value
    while value and stringWidth(value + "…", font, size) > width:
        value = value[:-1]
    return value.rstrip() + "…"


def _card(canvas: Canvas, x: float, y: float, card: PlanDocumentData, organisation: Organisation) -> None:
    canvas.saveState()
    canvas.translate(x, y)
    width, height = CARD_WIDTH, CARD_HEIGHT
    inner = width - 2 * PADDING
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.4)
    canvas.setDash(2, 2)
    canvas.rect(0, 0, width, height, stroke=1, fill=0)
    canvas.setDash()

    band = 15
    canvas.setFillColor(ACCENT)
    canvas.rect(PADDING - 2, height - PADDING - band, inner + 4, band, stroke=0, fill=1)
    canvas.setFillColor(ACCENT_LIGHT)
    canvas.setFont(FONT_BOLD, 8)
    phone = organisation.phone
    phone_width = stringWidth(phone, FONT_BOLD, 8) + 6 if phone else 0
    canvas.drawString(PADDING + 2, height - PADDING - band + 4.6,
                      _fit(organisation.name, FONT_BOLD, 8, inner - phone_width - 4))
    if phone:
        canvas.drawRightString(width - PADDING - 2, height - PADDING - band + 4.6, phone)

    line_y = height - PADDING - band - 12.5
    canvas.setFillColor(INK)
    canvas.setFont(FONT_BOLD, 9.5)
    canvas.drawString(PADDING, line_y, _fit(f"When cravings hit, {card.first_name} calls:", FONT_BOLD, 9.5, inner))
    calls = card.calls[:CALLS_ON_CARD]
    if not calls:
        line_y -= 13
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(PADDING, line_y, "Ask your caseworker to add people here.")
    for number, entry in enumerate(calls, start=1):
        line_y -= 12.2
        number_text = f"{number}."
        canvas.setFont(FONT_BOLD, 9.5)
        canvas.setFillColor(INK)
        canvas.drawString(PADDING, line_y, number_text)
        phone_text = entry.phone or ""
        phone_width = stringWidth(phone_text, FONT_BOLD, 9.5)
        canvas.drawRightString(width - PADDING, line_y, phone_text)
        role = "" if entry.role is RosterRole.OTHER else f" ({label(entry.role).lower()})"
        canvas.setFont(FONT, 9.5)
        canvas.drawString(PADDING + 12, line_y, _fit(entry.name + role, FONT, 9.5, inner - 12 - phone_width - 6))

    crisis = 27
    canvas.setFillColor(ACCENT_LIGHT)
    canvas.rect(PADDING - 2, PADDING - 1, inner + 4, crisis, stroke=0, fill=1)
    canvas.setFillColor(WARNING_HIGH)
    canvas.setFont(FONT_BOLD, 8.4)
    canvas.drawString(PADDING, PADDING + crisis - 11, "Crisis: call or text 988")
    canvas.setFillColor(INK)
    canvas.setFont(FONT, 7.6)
    canvas.drawRightString(width - PADDING, PADDING + crisis - 11, "Suicide & Crisis Lifeline, 24/7")
    samhsa = next((line for line in card.crisis_lines if line.phone != "988"), None)
    if samhsa is not None:
        canvas.setFont(FONT_BOLD, 8.4)
        canvas.drawString(PADDING, PADDING + 5, f"SAMHSA Helpline {samhsa.phone}")
        canvas.setFont(FONT, 7.6)
        canvas.drawRightString(width - PADDING, PADDING + 5, "free, 24/7")
    canvas.restoreState()


def story(cards: Sequence[PlanDocumentData], organisation: Organisation, copies: int) -> list[Flowable]:
    return [CardSheet([card for card in cards for _ in range(copies)], organisation)]


def about(card: PlanDocumentData) -> str:
    """The footer line of a sheet: whose cards, and what to do with them (there is no room above)."""
    return (f"{card.first_name} — cut along the marks; keep one card in your wallet and give one to "
            "someone close to you")
