""""My aftercare plan": the alumnus's own plan in their own words, large and plain, for the fridge door."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, ListFlowable, ListItem, Paragraph, Spacer, Table, TableStyle

from ..models.enums import CheckinCadence, ContactMethod, GoalStatus, RosterRole, label
from ..services.plans import format_time
from . import blocks
from .data import PlanDocumentData
from .page import Organisation
from .style import FONT_BOLD, MUTED, PLAN_SIZE, RULE, WARNING_HIGH, Styles, css, long_day, text

_CADENCE_WORDS = {
    CheckinCadence.WEEKLY: "every week",
    CheckinCadence.BIWEEKLY: "every two weeks",
    CheckinCadence.MONTHLY: "every month",
}
_METHOD_WORDS = {
    ContactMethod.PHONE: "by phone",
    ContactMethod.TEXT: "by text message",
    ContactMethod.EMAIL: "by email",
    ContactMethod.VIDEO: "by video call",
    ContactMethod.IN_PERSON: "in person",
}


def story(data: PlanDocumentData, organisation: Organisation, width: float) -> list[Flowable]:
    styles = Styles(PLAN_SIZE)
    plan = data.plan
    flow: list[Flowable] = [Paragraph(f"My aftercare plan — {text(data.name)}", styles.title)]
    if plan is None:
        flow.append(Paragraph("There is no aftercare plan yet. Your caseworker will make one with you.",
                              styles.subtitle))
        flow.extend(_calls(styles, data, width))
        flow.extend(_signatures(styles, width))
        return flow
    dates = f"Started {long_day(plan.start_date)}" if plan.start_date else "Not started yet"
    if plan.next_review_date:
        dates += f" · We look at it again on {long_day(plan.next_review_date)}"
    flow.append(Paragraph(text(dates), styles.subtitle))

    if plan.goals:
        items = []
        for goal in plan.goals:
            when = f" — by {long_day(goal.target_date)}" if goal.target_date else ""
            done = " ✓ done" if goal.status is GoalStatus.ACHIEVED else ""
            items.append(f"{text(goal.text)}<font size='{PLAN_SIZE * 0.8:.1f}' color='{css(MUTED)}'> "
                         f"({text(label(goal.life_area))}{text(when)})</font><b>{done}</b>")
        goals: list[Flowable] = [_bullets(styles, items)]
    else:
        goals = [blocks.empty(styles, "We have not written down goals yet.")]
    flow += blocks.section(styles, "My goals", goals)

    if plan.triggers:
        rows = [[Paragraph(text(t.trigger), styles.cell),
                 Paragraph("<br/>".join(f"• {text(s)}" for s in t.coping_strategies) or "—", styles.cell)]
                for t in plan.triggers]
        triggers: list[Flowable] = [blocks.data_table(styles, ["When this happens…", "…I will"], rows,
                                                      [width * 0.45, width * 0.55])]
    else:
        triggers = [blocks.empty(styles, "We have not written down triggers yet.")]
    flow += blocks.section(styles, "My triggers, and what I will do instead", triggers)

    if plan.warning_signs:
        signs: list[Flowable] = [_bullets(styles, [text(sign) for sign in plan.warning_signs]),
                                 Paragraph("When I notice these, I call someone on my list below.", styles.body)]
    else:
        signs = [blocks.empty(styles, "We have not written down warning signs yet.")]
    flow += blocks.section(styles, "My warning signs", signs)

    if plan.meetings:
        rows = [_meeting_row(styles, meeting) for meeting in plan.meetings]
        meetings: list[Flowable] = [blocks.data_table(styles, ["Day", "Time", "Meeting", "Where"], rows,
                                                      [width * 0.2, width * 0.14, width * 0.3, width * 0.36])]
    else:
        meetings = [blocks.empty(styles, "No meetings are in the plan yet.")]
    flow += blocks.section(styles, "My meetings", meetings)

    keeping_in_touch = f"My aftercare team checks in with me {_CADENCE_WORDS[plan.checkin_cadence]}"
    if plan.preferred_method:
        keeping_in_touch += f" {_METHOD_WORDS.get(plan.preferred_method, label(plan.preferred_method).lower())}"
    keeping_in_touch += "."
    if data.caseworker:
        keeping_in_touch += f" My caseworker is {data.caseworker}."
    if organisation.phone:
        keeping_in_touch += f" The team's number is {organisation.phone}."
    touch: list[Flowable] = [Paragraph(text(keeping_in_touch), styles.body)]
    if plan.medication_notes:
        touch.append(Paragraph(f"<b>My medication:</b> {text(plan.medication_notes)}", styles.body))
    if plan.housing_notes:
        touch.append(Paragraph(f"<b>Where I live:</b> {text(plan.housing_notes)}", styles.body))
    flow += blocks.section(styles, "Staying in touch", touch)

    flow.extend(_calls(styles, data, width))
    flow.extend(_signatures(styles, width))
    return flow


def _bullets(styles: Styles, items: list[str]) -> ListFlowable:
    return ListFlowable([ListItem(Paragraph(item, styles.body), leftIndent=styles.size * 1.3) for item in items],
                        bulletType="bullet", start="•", leftIndent=styles.size * 1.3, bulletFontSize=styles.size)


def _meeting_row(styles: Styles, meeting) -> list[Paragraph]:
    name = meeting.name or label(meeting.kind)
    if meeting.name and label(meeting.kind).lower() not in meeting.name.lower():
        name += f" ({label(meeting.kind)})"
    when = meeting.weekday_name
    if not when and meeting.per_week > 1:
        when = f"{meeting.per_week} times a week"
    elif not when:
        when = "Once a week"
    return [Paragraph(text(cell), styles.cell) for cell in (when, format_time(meeting.starts_at), name,
                                                              meeting.place or "")]


def _calls(styles: Styles, data: PlanDocumentData, width: float) -> list[Flowable]:
    """Who I call, in order, then the national lines: kept together so the numbers never split a page."""
    flow: list[Flowable] = [blocks.heading(styles, "Who I call when cravings hit")]
    phone_style = ParagraphStyle("phone", parent=styles.cell, fontName=FONT_BOLD, fontSize=styles.size * 1.1,
                                 leading=styles.size * 1.4)
    if data.calls:
        rows = []
        for number, entry in enumerate(data.calls, start=1):
            role = "" if entry.role is RosterRole.OTHER else f" ({label(entry.role).lower()})"
            rows.append([Paragraph(f"<b>{number}.</b>", styles.cell),
                         Paragraph(f"{text(entry.name)}{text(role)}", styles.cell),
                         Paragraph(text(entry.phone or "—"), phone_style)])
        table = Table(rows, colWidths=[width * 0.07, width * 0.55, width * 0.38], hAlign="LEFT")
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ]))
        flow.append(table)
        flow.append(Paragraph("I call them in this order. If nobody answers, I call the next one.", styles.body))
    else:
        flow.append(blocks.empty(styles, "No one is on my list yet. My caseworker will help me choose who to call."))
    crisis_style = ParagraphStyle("crisis", parent=styles.body, spaceAfter=2)
    lines = [Paragraph(f"<font color='{css(WARNING_HIGH)}'><b>If I am in crisis or thinking about "
                       "suicide, I call or text 988</b></font> — the 988 Suicide &amp; Crisis Lifeline, any time.",
                       crisis_style)]
    for line in data.crisis_lines:
        if line.phone == "988":
            continue
        lines.append(Paragraph(f"<b>SAMHSA National Helpline: {text(line.phone)}</b> — free, confidential, "
                               "24 hours a day, in English and Spanish.", crisis_style))
    lines.append(Paragraph("If my life is in danger, I call 911.", crisis_style))
    return [KeepTogether(flow + [Spacer(1, 6), blocks.boxed(styles, lines, width)])]


def _signatures(styles: Styles, width: float) -> list[Flowable]:
    line = "_" * 34
    rows = [[Paragraph(f"{line}<br/>My signature", styles.cell), Paragraph(f"{'_' * 16}<br/>Date", styles.cell)],
            [Paragraph(f"{line}<br/>Caseworker", styles.cell), Paragraph(f"{'_' * 16}<br/>Date", styles.cell)]]
    table = Table(rows, colWidths=[width * 0.62, width * 0.38], hAlign="LEFT")
    table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 20), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [KeepTogether([Spacer(1, 10), Paragraph("We made this plan together.", styles.body), table])]
