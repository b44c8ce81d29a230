"""The weekly pairing review agenda: what the coordinators go through at their meeting, on paper.

Every active pairing with its health (as the Pairing review page shows it), the waiting list, the
pairings the engine suggests with their score by criterion, and who cannot be paired yet and why —
each table that asks for a decision with an empty column, ruled to write in. Printed across the page.

An internal working document, like the caseload summary: it names mentees and mentors (both alumni of
the program, protected by 42 CFR part 2) for the team's own meeting and is never meant to leave the
program, so it is marked "Internal — do not disclose" and carries no §2.32 notice. Decisions written on
it count once they are saved on the Pairing review page.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from ..models.enums import MenteeNeed, ReviewOutcome, WarningLevel, label
from . import blocks
from .data import PairingReviewData, SuggestedPairing, UnpairedMentee, _pathway_words
from .style import BODY_SIZE, FONT, MUTED, RULE, WARNING_HIGH, WARNING_WATCH, Styles, css, day, plural, text

LISTED = 400  # rows per table; more are counted, not listed
TOP_CRITERIA = 4  # criteria named in a suggestion's breakdown; the rest are summed
WARNING_REASONS = 2  # early-warning reasons named for a pairing's mentee; the rest are counted
NAMES_PER_ROW = 12  # mentees in one row of a reason they cannot be paired for (a row never splits)
DECISION = "Decision / notes"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def story(data: PairingReviewData, width: float) -> list[Flowable]:
    styles = Styles()
    flow: list[Flowable] = [
        Paragraph("Weekly pairing review", styles.title),
        Paragraph(text(_when(data)), styles.subtitle),
        blocks.figures(styles, _counts(data), width),
        Spacer(1, 6),
        Paragraph(text(_last_review(data)), styles.body),
        _present(styles, width),
        Paragraph("For the team's pairing review only: it names mentees and mentors, who are alumni of the "
                  "program and protected by 42 CFR part 2 in their own right. Do not hand it to either. "
                  "Decisions count once they are saved on the Pairing review page.", styles.small),
    ]
    # What asks for a decision first; the waiting list, where the suggestions come from, after.
    flow += _pairings(styles, data, width)
    flow += _suggestions(styles, data, width)
    flow += _unpaired(styles, data, width)
    flow += _waiting(styles, data, width)
    flow += blocks.section(styles, "Other business", [blocks.WritingSpace(lines=6, pitch=20)], room=None)
    return flow


# -- the head of the agenda ----------------------------------------------------------------------------


def _when(data: PairingReviewData) -> str:
    meeting = f"{WEEKDAYS[data.meeting_on.weekday()]}, {day(data.meeting_on)}"
    if data.meeting_on == data.as_of:
        return f"Agenda for the meeting of {meeting}"
    return f"Agenda for the meeting of {meeting} · the records as they stood on {day(data.as_of)}"


def _counts(data: PairingReviewData) -> list[tuple[str, str]]:
    due = sum(1 for h in data.pairings if h.due_for_review)
    high = sum(1 for h in data.pairings if h.warning_level is WarningLevel.HIGH)
    longest = max((row.days_waited for row in data.waiting), default=0)
    return [
        (f"{len(data.pairings):,}", _words(len(data.pairings), "active pairing", "active pairings")),
        (f"{due:,}", "due for review"),
        (f"{high:,}", _words(high, "mentee at a high early-warning level", "mentees at a high early-warning level")),
        (f"{len(data.waiting):,}", "waiting for a mentor"),
        (f"{longest:,}", _words(longest, "day the longest has waited", "days the longest has waited")),
        (f"{len(data.suggestions):,}", _words(len(data.suggestions), "pairing suggested", "pairings suggested")),
        (f"{len(data.unpaired):,}", "cannot be paired yet"),
        (f"{data.places_free:,}", _words(data.places_free, "mentor place free after these",
                                         "mentor places free after these")),
    ]


def _words(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _last_review(data: PairingReviewData) -> str:
    review = data.last_review
    every = f"The team reviews each pairing at least every {plural(data.review_days, 'day')}."
    if review is None:
        return f"No review has been saved yet. {every}"
    counts = ", ".join(f"{review.count(o)} {label(o).lower()}" for o in ReviewOutcome if review.count(o))
    attended = f" (attended by {', '.join(review.attendees)})" if review.attendees else ""
    return f"Last review: {day(review.held_on)}{attended}: {counts or 'no outcomes recorded'}. {every}"


def _present(styles: Styles, width: float) -> Table:
    """A line to write who came."""
    table = Table([[Paragraph("<b>Present:</b>", styles.cell), blocks.WritingSpace(lines=1, pitch=16)]],
                  colWidths=[60, width - 60], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return table


# -- cells ----------------------------------------------------------------------------------------------


def _muted(words: str) -> str:
    return f"<font color='{css(MUTED)}'>{text(words)}</font>"


def _person(styles: Styles, width: float, name: str, *details: str) -> Paragraph:
    """A name in a column `width` wide, with what finds the record (the client ID) and other details on
    lines under it."""
    return Paragraph("<br/>".join([_name(name, width - 8), *(_muted(d) for d in details if d)]), styles.cell)


def _name(name: str, width: float) -> str:
    """A name marked up to wrap within `width`: a double-barrelled name too wide for the column breaks
    after its hyphen (Castellanos-/Villarreal), not wherever the letters run out (Castellan/os)."""
    words = []
    for word in name.split(" "):
        if "-" in word and stringWidth(word, FONT, BODY_SIZE) > width:
            words.append("-<br/>".join(text(part) for part in word.split("-")))
        else:
            words.append(text(word))
    return " ".join(words)


def _lines(styles: Styles, *lines: str) -> Paragraph:
    """Lines already marked up."""
    return Paragraph("<br/>".join(line for line in lines if line), styles.cell)


def _days(count: int) -> str:
    return plural(count, "day")


def _age(count_days: int) -> str:
    if count_days < 14:
        return _days(count_days)
    weeks = count_days // 7
    return f"{weeks} weeks" if weeks < 9 else f"{count_days // 30} months"


def _level(level: WarningLevel | None) -> str:
    if level is None:
        return _muted("not followed")
    colour = {WarningLevel.HIGH: WARNING_HIGH, WarningLevel.WATCH: WARNING_WATCH}.get(level)
    if colour is None:
        return text(label(level))
    return f"<font color='{css(colour)}'><b>{text(label(level))}</b></font>"


def _decision() -> Flowable:
    return blocks.WritingSpace(lines=2)


def _table(styles: Styles, title: str, header: Sequence[str], rows: list[list], shares: Sequence[float],
           width: float, count: int, nothing: str, *, numeric: Sequence[int] = (), more: str = "",
           after: Sequence[Flowable] = ()) -> list[Flowable]:
    """A section with its table (columns as shares of the width); the last column ruled off for writing
    when its heading is the decision column."""
    if not rows:
        return blocks.section(styles, title, [blocks.empty(styles, nothing), *after])
    widths = [width * share for share in shares]
    table = blocks.data_table(styles, header, rows, widths, numeric=numeric)
    if header[-1] == DECISION:
        table.setStyle(TableStyle([("LINEBEFORE", (-1, 0), (-1, -1), 0.6, RULE),
                                   ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE)]))
    content: list[Flowable] = [table]
    if count > len(rows):
        content.append(Paragraph(text(f"… and {count - len(rows):,} more; {more}"), styles.small))
    return blocks.section(styles, title, [*content, *after])


# -- the sections ---------------------------------------------------------------------------------------


def _pairings(styles: Styles, data: PairingReviewData, width: float) -> list[Flowable]:
    due = sum(1 for h in data.pairings if h.due_for_review)
    shares = [0.12, 0.11, 0.2, 0.07, 0.07, 0.085, 0.155, 0.19]
    widths = [width * share for share in shares]
    rows = []
    for h in data.pairings[:LISTED]:
        warning = [_level(h.warning_level), *(text(reason) for reason in h.warning_reasons[:WARNING_REASONS])]
        if len(h.warning_reasons) > WARNING_REASONS:
            warning.append(_muted(f"and {len(h.warning_reasons) - WARNING_REASONS} more"))
        if h.due_reasons:
            why = [text(reason[:1].upper() + reason[1:]) for reason in h.due_reasons]
        elif h.last_review_on is not None:
            why = [_muted(f"Not due: reviewed {day(h.last_review_on)}")]
        else:
            why = [_muted("Not due")]
        rows.append([
            _person(styles, widths[0], h.mentee_name, data.client_ids.get(h.mentee_id, "")),
            _person(styles, widths[1], h.mentor_name, data.client_ids.get(h.mentor_id, "")),
            _lines(styles, *warning),
            _lines(styles, f"{h.days_since_contact:,}", "" if h.last_contact_on else _muted("none yet")),
            f"{h.weeks_with_contact} of {h.weeks_counted}" if h.weeks_counted else "first week",
            _lines(styles, text(_age(h.age_days)), _muted(f"since {day(h.started_on)}")),
            _lines(styles, *why),
            _decision(),
        ])
    return _table(
        styles, f"Active pairings ({len(data.pairings):,} · {due:,} due for review)",
        ["Mentee", "Mentor", "Early warning", "Days since contact", "Weeks with contact", "Paired for",
         "Due for review because", DECISION],
        rows, shares, width, len(data.pairings),
        "No active pairings.", more="see the Pairing review page.")


def _waiting(styles: Styles, data: PairingReviewData, width: float) -> list[Flowable]:
    shares = [0.2, 0.12, 0.08, 0.27, 0.33]
    rows = []
    for row in data.waiting[:LISTED]:
        needs = "; ".join(label(MenteeNeed(n)) for n in row.needs) or (
            "not recorded yet" if not row.has_profile else "none named")
        wants = []
        if row.preferred_mentor_genders:
            wants.append(text("Mentor who is " + " or ".join(label(g).lower() for g in row.preferred_mentor_genders)))
        if row.languages:
            wants.append(text(("Language: " if len(row.languages) == 1 else "Languages: ") + ", ".join(row.languages)))
        if row.pathways:
            wants.append(text("Pathway: " + ", ".join(_pathway_words(row.pathways))))
        locked = data.locked_mentors.get(row.alumnus_id)
        if locked:
            wants.append(text(f"Locked with {locked} (not started)"))
        if not row.consents:
            wants.append(f"<font color='{css(WARNING_WATCH)}'>Has not consented to the mentor program</font>")
        rows.append([
            _person(styles, width * shares[0], row.name, row.client_id),
            day(row.waiting_since),
            f"{row.days_waited:,}",
            needs,
            _lines(styles, *wants) if wants else _muted("no preferences recorded"),
        ])
    return _table(
        styles, f"Waiting for a mentor ({len(data.waiting):,})",
        ["Name", "Waiting since", "Days waited", "Needs", "Preferences"],
        rows, shares, width, len(data.waiting), "Nobody is waiting for a mentor.",
        numeric=(2,), more="see Mentoring → Waiting list.")


def _suggestions(styles: Styles, data: PairingReviewData, width: float) -> list[Flowable]:
    shares = [0.15, 0.13, 0.06, 0.25, 0.19, 0.22]
    widths = [width * share for share in shares]
    rows = [[
        _person(styles, widths[0], s.mentee, s.mentee_client_id, f"waited {_days(s.days_waited)}"),
        _person(styles, widths[1], s.mentor, "locked by a coordinator" if s.locked else ""),
        _lines(styles, f"<b>{s.score:.1f}</b>", _muted(f"of {data.max_score:g}")),
        _criteria(styles, s, widths[3]),
        _points(styles, [(text(name), score) for name, score in s.alternatives], widths[4])
        or _lines(styles, _muted("no other mentor fits")),
        _decision(),
    ] for s in data.suggestions[:LISTED]]
    waiting = len(data.suggestions) + len(data.unpaired)
    nothing = ("No suggestions: nobody is waiting." if not waiting
               else "No one waiting can be paired now; see below.")
    after = [Paragraph(text("Lock dropped — " + words), styles.body) for words in data.dropped_locks]
    return _table(
        styles, f"Suggested pairings ({len(data.suggestions):,} of {waiting:,} waiting · scores out of "
                f"{data.max_score:g} with the team's weights)",
        ["Mentee", "Suggested mentor", "Score", "Score by criterion (points)", "Next best mentors", DECISION],
        rows, shares, width, len(data.suggestions), nothing, more="see Mentoring → Suggestions.", after=after)


def _criteria(styles: Styles, s: SuggestedPairing, width: float) -> Flowable:
    """The criteria that gave the most points, each with its points, and the rest summed: adds up to
    the score."""
    shown, rest = s.criteria[:TOP_CRITERIA], s.criteria[TOP_CRITERIA:]
    rows = [(text(name), points) for name, points in shown]
    if rest:
        rows.append((_muted(plural(len(rest), "other criterion", "other criteria")), sum(p for _, p in rest)))
    return _points(styles, rows, width) or Paragraph(
        _muted("No criterion gave points; every hard constraint is kept."), styles.cell)


def _points(styles: Styles, rows: Sequence[tuple[str, float]], width: float) -> Table | None:
    """Marked-up words with a number of points right-aligned beside each, inside a cell `width` wide."""
    if not rows:
        return None
    right = ParagraphStyle("points", parent=styles.cell, alignment=TA_RIGHT)
    inner = width - 8  # the outer cell's padding
    table = Table([[Paragraph(words, styles.cell), Paragraph(f"{points:.1f}", right)] for words, points in rows],
                  colWidths=[inner - 32, 32], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    return table


def _unpaired(styles: Styles, data: PairingReviewData, width: float) -> list[Flowable]:
    """Grouped by the constraint that bound: one decision (recruit Spanish-speaking mentors) serves
    everyone it keeps waiting."""
    groups: dict[str, list[UnpairedMentee]] = {}
    for mentee in data.unpaired:
        groups.setdefault(mentee.reason, []).append(mentee)
    rows = []
    for reason, mentees in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        mentees.sort(key=lambda m: (-m.days_waited, m.name.casefold()))
        for start in range(0, len(mentees), NAMES_PER_ROW):
            first = start == 0
            names = "; ".join(text(f"{m.name} ({m.client_id}, {_days(m.days_waited)})")
                              for m in mentees[start:start + NAMES_PER_ROW])
            rows.append([
                _lines(styles, text(reason[:1].upper() + reason[1:]) if first else _muted("(continued)")),
                f"{len(mentees):,}" if first else "",
                Paragraph(names, styles.cell),
                _decision() if first else "",
            ])
    nothing = ("Nobody is waiting." if not data.suggestions
               else "Everyone waiting has a suggested mentor.")
    return _table(
        styles, f"Cannot be paired yet ({len(data.unpaired):,})",
        ["Why not: the constraint that bound", "Mentees", "Who (client ID, days waited), the longest-waiting first",
         DECISION], rows, [0.27, 0.08, 0.45, 0.2], width, len(rows), nothing, numeric=(1,))
