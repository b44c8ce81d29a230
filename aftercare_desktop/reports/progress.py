"""The progress report: one alumnus over a period, for a clinician, a court or a sober-living house."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph, Spacer

from ..models.enums import GoalStatus, label
from . import blocks, style
from .charts import ChartPanel, ChartSeries, TrendChart
from .data import (
    AssessmentSeries,
    CheckinFacts,
    GoalsFacts,
    IdentityFacts,
    MeetingFacts,
    MentorPairingLine,
    MoodCravingFacts,
    ProgressData,
    SobrietyFacts,
    WarningFacts,
)
from .kinds import Section
from .style import ACCENT, SERIES, WARNING_HIGH, WARNING_WATCH, Styles, css, day, percent, plural, span, text

MISSED_LISTED = 12


def story(data: ProgressData, width: float, recipient: str, purpose: str) -> list[Flowable]:
    styles = Styles()
    identity = data.identity
    period = data.period
    flow: list[Flowable] = [
        Paragraph(text(identity.name), styles.title),
        Paragraph(f"Client {text(identity.client_id)} · progress from {text(span(period.first, period.last))} "
                  f"({plural(period.days, 'day')})", styles.subtitle),
        blocks.boxed(styles, [
            Paragraph(f"<b>Prepared for:</b> {text(recipient)}", styles.cell),
            Paragraph(f"<b>Purpose:</b> {text(purpose)}", styles.cell),
        ], width),
        Spacer(1, 4),
    ]
    builders = {
        Section.IDENTITY: lambda: _identity(styles, identity, width),
        Section.SOBRIETY: lambda: _sobriety(styles, data.sobriety),
        Section.GOALS: lambda: _goals(styles, data.goals, width),
        Section.CHECKINS: lambda: _checkins(styles, data.checkins, width),
        Section.MEETINGS: lambda: _meetings(styles, data.meetings, width),
        Section.MOOD_CRAVING: lambda: _mood_craving(styles, data.mood_craving, data, width),
        Section.ASSESSMENTS: lambda: _assessments(styles, data.assessments, data, width),
        Section.EARLY_WARNING: lambda: _warnings(styles, data.warnings, identity, width),
        Section.MENTORING: lambda: _mentoring(styles, data.mentoring, data.mentoring_kept, width),
        Section.NOTES: lambda: _notes(styles, data.notes, width),
    }
    for section in Section:
        if section not in data.sections:
            continue
        if section is Section.NOTES and not data.notes:
            continue
        # A chart cannot be split: its heading (and the line above a chart) always go with it.
        keep = {Section.MOOD_CRAVING: (2, None), Section.ASSESSMENTS: (1, None)}.get(section, (1, 150))
        flow.extend(blocks.section(styles, section.title, builders[section](), keep=keep[0], room=keep[1]))
    flow.append(Spacer(1, 10))
    flow.append(Paragraph('<para align="center">— End of progress report —</para>', styles.small))
    return flow


def _identity(styles: Styles, identity: IdentityFacts, width: float) -> list[Flowable]:
    rows = [("Name", identity.name)]
    if identity.legal_name != identity.name:
        rows.append(("Legal name", identity.legal_name))
    if identity.pronouns:
        rows.append(("Pronouns", identity.pronouns))
    rows.append(("Date of birth", day(identity.date_of_birth, "not recorded")))
    rows.append(("Client ID", identity.client_id))
    rows.append(("Program", identity.program or "not recorded"))
    rows.append(("Admitted", day(identity.admission_date, "not recorded")))
    discharged = day(identity.discharge_date, "not recorded")
    if identity.discharge_date and identity.discharge_type:
        discharged += f" ({identity.discharge_type.lower()})"
    rows.append(("Discharged", discharged))
    rows.append(("Aftercare status", identity.status))
    rows.append(("Caseworker", identity.caseworker or "none assigned"))
    if identity.recovery_pathways:
        rows.append(("Recovery pathways", ", ".join(identity.recovery_pathways)))
    return [blocks.label_values(styles, rows, width, 0.25)]


def _sobriety(styles: Styles, facts: SobrietyFacts | None) -> list[Flowable]:
    if facts is None or facts.start is None:
        return [blocks.empty(styles, "No sobriety date is recorded.")]
    lines = [f"<b>Sobriety date:</b> {text(day(facts.start))} — <b>{plural(facts.days_sober or 0, 'day')}</b> "
             f"sober on {text(day(facts.as_of))}."]
    if facts.next_milestone is not None:
        upcoming = facts.next_milestone
        lines.append(f"<b>Next milestone:</b> {text(upcoming.label)} on {text(day(upcoming.on))}.")
    if facts.milestones_in_period:
        reached = "; ".join(f"{m.label} ({day(m.on)})" for m in facts.milestones_in_period)
        lines.append(f"<b>Milestones reached in the period:</b> {text(reached)}.")
    else:
        lines.append("<b>Milestones reached in the period:</b> none.")
    if facts.celebrated_in_period:
        celebrated = "; ".join(f"{name} on {day(on)}" for name, on in facts.celebrated_in_period)
        lines.append(f"<b>Celebrated with the team:</b> {text(celebrated)}.")
    if facts.recurrences_in_period:
        events = "; ".join(f"{day(on)} ({kind.lower()}{', ' + substance if substance else ''})"
                           for on, kind, substance in facts.recurrences_in_period)
        lines.append(f"<b>Returns to use in the period:</b> {text(events)}.")
    else:
        lines.append("<b>Returns to use in the period:</b> none recorded.")
    for changed_on, old, new in facts.corrections_in_period:
        lines.append(f"<b>Sobriety date corrected</b> on {text(day(changed_on))}: from {text(day(old))} "
                     f"to {text(day(new))}.")
    return [Paragraph(line, styles.body) for line in lines]


_STATUS_COLOURS = {GoalStatus.ACHIEVED: css(ACCENT), GoalStatus.DROPPED: css(style.MUTED)}


def _goals(styles: Styles, facts: GoalsFacts | None, width: float) -> list[Flowable]:
    if facts is None or facts.plan_version is None:
        return [blocks.empty(styles, f"No aftercare plan was in force on {day(facts.on if facts else None)}.")]
    intro = f"From version {facts.plan_version} of the aftercare plan, started {day(facts.plan_start)}"
    intro += f"; next review {day(facts.next_review)}." if facts.next_review else "."
    flow: list[Flowable] = [Paragraph(text(intro), styles.body)]
    if not facts.goals:
        flow.append(blocks.empty(styles, "The plan names no goals."))
        return flow
    rows = []
    for goal in facts.goals:
        colour = _STATUS_COLOURS.get(goal.status, css(style.INK))
        status = Paragraph(f'<font color="{colour}"><b>{text(label(goal.status))}</b></font>', styles.cell)
        rows.append([goal.text, goal.life_area, day(goal.target_date, ""), status])
    flow.append(blocks.data_table(styles, ["Goal", "Life area", "Target", "Status"], rows,
                                  [width * 0.46, width * 0.17, width * 0.19, width * 0.18]))
    return flow


def _cadence_words(facts: CheckinFacts) -> str:
    """'weekly, as the aftercare plan asks', or 'every two weeks, the team's default without a plan'."""
    source = {True: "as the aftercare plan asks", False: "the team’s default without a plan"}
    parts = [f"{label(cadence).lower()}, {source[from_plan]}" for cadence, from_plan in facts.cadences]
    return "; then ".join(parts)


class _WindowStrip(Flowable):
    """One square per check-in window, filled when kept: the pattern of contact at a glance."""

    def __init__(self, facts: CheckinFacts, width: float):
        super().__init__()
        self.kept = [window.reached > 0 for window in facts.windows]
        self.size = min(11.0, (width - 2) / max(len(self.kept), 1) - 2)
        self.width, self.height = width, self.size + 2

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setLineWidth(0.8)
        for kept in (True, False):
            path = canvas.beginPath()
            for number, window_kept in enumerate(self.kept):
                if window_kept is kept:
                    path.rect(1 + number * (self.size + 2), 1, self.size, self.size)
            canvas.setStrokeColor(ACCENT if kept else WARNING_HIGH)
            canvas.setFillColor(ACCENT)
            canvas.drawPath(path, stroke=1, fill=1 if kept else 0)


def _checkins(styles: Styles, facts: CheckinFacts | None, width: float) -> list[Flowable]:
    if facts is None or facts.expected_from is None:
        return [blocks.empty(styles, "No check-in was expected in this period.")]
    flow: list[Flowable] = []
    if facts.expected:
        flow.append(Paragraph(
            f"<b>Reached in {facts.kept} of {plural(facts.expected, 'check-in window')} "
            f"({percent(facts.kept, facts.expected)})</b> from {text(day(facts.expected_from))}: "
            f"{text(_cadence_words(facts))}.", styles.body))
        flow.append(_WindowStrip(facts, width))
        flow.append(Paragraph("Each square is one window: filled when the team reached the person at least once, "
                              "open when not.", styles.small))
        flow.append(Spacer(1, 4))
    else:
        flow.append(Paragraph(f"No check-in window had ended by the end of the period: "
                              f"{text(_cadence_words(facts))}.", styles.body))
    flow.append(Paragraph(f"<b>Check-ins that reached the person:</b> {facts.reached:,} · "
                          f"<b>attempts without reaching them:</b> {facts.unanswered:,}.", styles.body))
    missed = facts.missed
    if missed:
        listed = "; ".join(span(window.first, window.last) for window in missed[:MISSED_LISTED])
        more = f"; and {len(missed) - MISSED_LISTED} more" if len(missed) > MISSED_LISTED else ""
        flow.append(Paragraph(f"<b>Windows without a check-in that reached them:</b> {text(listed + more)}.",
                              styles.body))
    return flow


def _meetings(styles: Styles, facts: MeetingFacts | None, width: float) -> list[Flowable]:
    if facts is None or (not facts.lines):
        return [blocks.empty(styles, "No support meetings were recorded in this period, and no plan in force "
                                     "asks for any.")]
    flow: list[Flowable] = []
    if facts.per_week:
        flow.append(Paragraph(f"The aftercare plan asks for {plural(facts.per_week, 'meeting')} a week; "
                              f"{facts.attended:,} attended of {facts.expected:,} expected "
                              f"({percent(facts.attended, facts.expected)}).", styles.body))
    rows = [[line.kind, "—" if line.expected is None else f"{line.expected:,}", f"{line.attended:,}",
             f"{line.missed:,}", f"{line.verified:,}"] for line in facts.lines]
    if len(rows) > 1:
        rows.append(["All meetings", f"{facts.expected:,}", f"{facts.attended:,}",
                     f"{sum(line.missed for line in facts.lines):,}",
                     f"{sum(line.verified for line in facts.lines):,}"])
    flow.append(blocks.data_table(styles, ["Meeting", "Expected by plan", "Attended", "Missed", "Verified"], rows,
                                  [width * 0.36, width * 0.19, width * 0.15, width * 0.15, width * 0.15],
                                  numeric=(1, 2, 3, 4), total=len(rows) > 1))
    flow.append(Paragraph("Verified: confirmed by a sign-in sheet or the group; the others are as the person "
                          "reported them.", styles.small))
    return flow


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _mood_craving(styles: Styles, facts: MoodCravingFacts | None, data: ProgressData,
                  width: float) -> list[Flowable]:
    if facts is None:
        return []
    panels = [
        ChartPanel("Mood (1 = very low, 5 = very good)",
                   (ChartSeries("Mood", facts.mood, SERIES[0]),), 1, 5, (1, 2, 3, 4, 5),
                   empty_text="No mood recorded in this period", height=70),
        ChartPanel("Craving (0 = none, 10 = extreme)",
                   (ChartSeries("Craving", facts.craving, SERIES[1]),), 0, 10, (0, 2, 4, 6, 8, 10),
                   empty_text="No craving recorded in this period", height=70),
    ]
    if facts.mood or facts.craving:
        summary = (f"<b>Average mood</b> {_number(MoodCravingFacts.mean(facts.mood))} of 5 over "
                   f"{plural(len(facts.mood), 'day')} with a check-in; <b>average craving</b> "
                   f"{_number(MoodCravingFacts.mean(facts.craving))} of 10. Several check-ins on one day are "
                   "shown as their mean.")
    else:
        summary = "No check-in reached the person in this period, so there is no mood or craving to show."
    return [Paragraph(summary, styles.body),
            TrendChart(panels, data.period.first, data.period.last, width)]


def _assessments(styles: Styles, series: tuple[AssessmentSeries, ...] | None, data: ProgressData,
                 width: float) -> list[Flowable]:
    if not series:
        return [blocks.empty(styles, "No assessment instruments are set up.")]
    panels = []
    for instrument in series:
        direction = "higher is better" if instrument.higher_is_better else "higher means more warning signs"
        reference = None
        if instrument.cut_off is not None:
            reference = (instrument.cut_off, f"Cut-off {instrument.cut_off}")
        step = 10 if instrument.y_max - instrument.y_min <= 80 else 28
        ticks = tuple(range(instrument.y_min - instrument.y_min % step + (step if instrument.y_min % step else 0),
                            instrument.y_max + 1, step))
        ticks = tuple(sorted({instrument.y_min, *ticks, instrument.y_max}))
        panels.append(ChartPanel(
            f"{instrument.code} — {instrument.name} ({direction})",
            (ChartSeries(instrument.code, tuple((d, float(v)) for d, v in instrument.points), SERIES[2]),),
            instrument.y_min, instrument.y_max, ticks, reference,
            empty_text=f"No {instrument.code} in this period", height=74))
    flow: list[Flowable] = [TrendChart(panels, data.period.first, data.period.last, width)]
    ordered = sorted((on, instrument.code, total, band or "") for instrument in series
                     for (on, total), band in zip(instrument.points, instrument.bands))
    if ordered:
        flow.append(Spacer(1, 4))
        if any(band for *_, band in ordered):
            rows = [[day(on), code, f"{total}", band] for on, code, total, band in ordered]
            flow.append(blocks.data_table(styles, ["Date", "Instrument", "Total", "Band"], rows,
                                          [width * 0.2, width * 0.2, width * 0.12, width * 0.48], numeric=(2,)))
        else:
            rows = [[day(on), code, f"{total}"] for on, code, total, _ in ordered]
            flow.append(blocks.data_table(styles, ["Date", "Instrument", "Total"], rows,
                                          [width * 0.25, width * 0.25, width * 0.15], numeric=(2,)))
    cut_offs = [f"{s.code}: {s.cut_off_label or 'cut-off'} {s.cut_off}" for s in series if s.cut_off is not None]
    if cut_offs:
        flow.append(Paragraph(text("Dashed line: " + "; ".join(cut_offs) + "."), styles.small))
    return flow


def _warnings(styles: Styles, facts: WarningFacts | None, identity: IdentityFacts, width: float) -> list[Flowable]:
    if facts is None:
        return []
    if not facts.followed:
        return [blocks.empty(styles, f"The early-warning rules look only at alumni whose aftercare status is "
                                     f"active; {identity.name} is {identity.status.lower()} now.")]
    if not facts.looks:
        return [blocks.empty(styles, "The period lies in the future; nothing to judge yet.")]
    clear = facts.looks - facts.days_high - facts.days_watch
    how_often = "every week" if facts.every_days == 7 else f"every {facts.every_days} days"
    flow: list[Flowable] = [Paragraph(
        f"The early-warning rules were applied to the record as it stood {how_often} of the period, "
        f"{plural(facts.looks, 'time')}: <b>high</b> concern {plural(facts.days_high, 'time')}, "
        f"<b>watch</b> {plural(facts.days_watch, 'time')}, no signal {plural(clear, 'time')}.", styles.body)]
    if not facts.episodes:
        flow.append(blocks.empty(styles, "No early-warning signal in this period."))
        return flow
    rows = []
    widths = [width * 0.64, width * 0.18, width * 0.18]
    for episode in facts.episodes:
        colour = WARNING_HIGH if episode.about_the_person else WARNING_WATCH
        rows.append([_marked(styles, colour, episode.text, widths[0]), day(episode.since), day(episode.last_seen)])
    flow.append(blocks.data_table(styles, ["Signal and reason", "Began", "Last seen"], rows, widths))
    flow.append(Paragraph(f"<font color='{css(WARNING_HIGH)}'>■</font> about the person; "
                          f"<font color='{css(WARNING_WATCH)}'>■</font> about the team's own schedule. "
                          f"The highest level in the period was {label(facts.highest).lower()}. "
                          "Each look used today's settings and today's plan.", styles.small))
    return flow


class _MarkedLine(Flowable):
    """A table cell of one line: a coloured square, then the text, drawn as the paragraph
    `<font color="…">■</font> text` draws it, without parsing markup and breaking lines each time the
    table measures the cell (a year's early-warning table has dozens of them)."""

    def __init__(self, colour, words: str, cell_style):
        super().__init__()
        self.colour, self.words, self.cell_style = colour, words, cell_style
        self.height = cell_style.leading

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, self.height

    def draw(self) -> None:
        cell = self.cell_style
        line = self.canv.beginText(0, self.height - cell.fontSize)
        line.setFont(cell.fontName, cell.fontSize, cell.leading)
        line.setFillColor(self.colour)
        line.textOut("■")
        line.setFillColor(cell.textColor)
        line.textOut(f" {self.words}")
        self.canv.drawText(line)


def _marked(styles: Styles, colour, words: str, width: float) -> Flowable:
    """A coloured square and the text: one drawn line when it fits the column, else a paragraph."""
    words = " ".join(words.split())
    if blocks.fits(f"■ {words}", style.FONT, styles.cell.fontSize, width):
        return _MarkedLine(colour, words, styles.cell)
    return Paragraph(f'<font color="{css(colour)}">■</font> {text(words)}', styles.cell)


def _mentoring(styles: Styles, pairings: tuple[MentorPairingLine, ...] | None, kept: bool,
               width: float) -> list[Flowable]:
    if not kept:
        return [blocks.empty(styles, "Peer mentoring is not recorded in this version of Aftercare Desktop.")]
    if not pairings:
        return [blocks.empty(styles, "No mentor pairing in this period.")]
    rows = [[day(p.started_on), day(p.ended_on, "still paired"), p.ended_because or "", f"{p.contacts_in_period:,}",
             day(p.last_contact_on, "none")] for p in pairings]
    return [blocks.data_table(styles, ["Paired", "Ended", "Why it ended", "Contacts in period", "Last contact"],
                              rows, [width * 0.18, width * 0.18, width * 0.24, width * 0.18, width * 0.22],
                              numeric=(3,)),
            Paragraph("Mentors are alumni of the program too; they are not named here.", styles.small)]


def _notes(styles: Styles, notes: str | None, width: float) -> list[Flowable]:
    if not notes:
        return []
    return [blocks.boxed(styles, [Paragraph(text(paragraph), styles.body) for paragraph in notes.split("\n\n")],
                         width, background=style.ZEBRA)]

