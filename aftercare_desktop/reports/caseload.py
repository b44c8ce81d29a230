"""The caseload summary: one caseworker's alumni at a glance, for supervision and the team meeting.

An internal working document: it lists names and is never meant to leave the program.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph, Spacer

from ..models.enums import WarningLevel, label
from . import blocks
from .data import CaseloadData
from .style import WARNING_HIGH, WARNING_WATCH, Styles, css, day, plural, span, text

LISTED = 200  # rows per table; more are counted, not listed


def story(data: CaseloadData, width: float) -> list[Flowable]:
    styles = Styles()
    today = data.today
    sections = {section.key: section for section in today.sections}
    attention = sections["attention"]
    high = sum(1 for row in attention.rows if row.level is WarningLevel.HIGH)
    flow: list[Flowable] = [
        Paragraph(text(data.caseworker), styles.title),
        Paragraph(f"Caseload on {text(day(today.today))} · check-ins counted "
                  f"{text(span(data.period.first, data.period.last))}", styles.subtitle),
        blocks.figures(styles, [
            (f"{data.active:,}", "active alumni"),
            (f"{data.with_plan:,}", "with an active plan"),
            (f"{sections['overdue'].count:,}", "check-ins overdue"),
            (f"{sections['due'].count:,}", "check-ins due soon"),
            (f"{attention.count:,}", f"need attention ({high} high)"),
            (f"{sections['follow_ups'].count:,}", "follow-ups due"),
            (f"{sections['milestones'].count:,}", "milestones coming"),
            (f"{sections['assessments'].count:,}", "assessments due"),
        ], width),
        Spacer(1, 6),
        Paragraph(f"In the period the team reached <b>{data.alumni_contacted:,}</b> of {data.active:,} active alumni "
                  f"with {plural(data.reached, 'check-in')}; {plural(data.unanswered, 'attempt')} did not reach "
                  "anyone.", styles.body),
        Paragraph(text("Others in the caseload: " + " · ".join(
            f"{status.lower()} {count:,}" for status, count in data.by_status if status != "Active") + "."),
            styles.body),
    ]

    rows = [[row.name, row.client_id, _level(styles, row.level),
             Paragraph("<br/>".join(f"{text(reason.text)} <font color='#5a5a5a'>(since {text(day(reason.since))})</font>"
                                    for reason in row.reasons), styles.cell)]
            for row in attention.rows[:LISTED]]
    flow += _table(styles, "Needs attention", ["Name", "Client ID", "Level", "Why"], rows,
                   [width * 0.2, width * 0.13, width * 0.1, width * 0.57], attention.count,
                   "Nobody in this caseload needs attention.")
    for key, title in (("overdue", "Check-ins overdue"), ("due", "Check-ins due soon")):
        section = sections[key]
        rows = [[row.name, row.client_id, day(row.due_on),
                 f"{row.days_overdue:,}" if row.days_overdue > 0 else ("today" if row.days_overdue == 0
                                                                        else f"in {-row.days_overdue}"),
                 day(row.last_reached_on, "never"),
                 label(row.cadence) + ("" if row.cadence_from_plan else " (default)")]
                for row in section.rows[:LISTED]]
        flow += _table(styles, title, ["Name", "Client ID", "Due", "Days late" if key == "overdue" else "Due",
                                       "Last reached", "Cadence"], rows,
                       [width * 0.22, width * 0.13, width * 0.15, width * 0.1, width * 0.15, width * 0.25],
                       section.count, "None.", numeric=(3,))
    follow_ups = sections["follow_ups"]
    rows = [[row.name, row.client_id, day(row.due_on), day(row.checked_in_on)] for row in follow_ups.rows[:LISTED]]
    flow += _table(styles, "Follow-ups due", ["Name", "Client ID", "Due", "Asked for at the check-in of"], rows,
                   [width * 0.3, width * 0.16, width * 0.2, width * 0.34], follow_ups.count, "None.")
    milestones = sections["milestones"]
    rows = [[row.name, row.client_id, row.milestone.label, day(row.milestone.on)] for row in milestones.rows[:LISTED]]
    flow += _table(styles, "Milestones to celebrate", ["Name", "Client ID", "Milestone", "On"], rows,
                   [width * 0.3, width * 0.16, width * 0.24, width * 0.3], milestones.count, "None in the coming days.")
    assessments = sections["assessments"]
    rows = [[row.name, row.client_id, row.instrument, day(row.due_on)] for row in assessments.rows[:LISTED]]
    flow += _table(styles, "Assessments due", ["Name", "Client ID", "Instrument", "Due"], rows,
                   [width * 0.3, width * 0.16, width * 0.24, width * 0.3], assessments.count, "None.")
    return flow


def _level(styles: Styles, level: WarningLevel) -> Paragraph:
    colour = WARNING_HIGH if level is WarningLevel.HIGH else WARNING_WATCH
    return Paragraph(f"<font color='{css(colour)}'><b>{text(label(level))}</b></font>", styles.cell)


def _table(styles: Styles, title: str, header, rows, widths, count: int, nothing: str,
           numeric=()) -> list[Flowable]:
    heading = f"{title} ({count:,})"
    if not rows:
        return blocks.section(styles, heading, [blocks.empty(styles, nothing)])
    content: list[Flowable] = [blocks.data_table(styles, header, rows, widths, numeric=numeric)]
    if count > len(rows):
        content.append(Paragraph(f"… and {count - len(rows):,} more; see the Today page.", styles.small))
    return blocks.section(styles, heading, content)
