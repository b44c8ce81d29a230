"""Each document read back from its PDF: it parses, holds the facts of the record (accented names and
numbers included), carries the notice, the page numbers and the organisation on every page, and says
something sensible about a brand-new alumnus with nothing recorded."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from pypdf import PdfReader

from aftercare_desktop.models.enums import CheckinOutcome, NoticeStatement, PaperSize
from aftercare_desktop.reports import (
    ALL_SECTIONS,
    DocumentKind,
    ExportRequest,
    ExportService,
    MentorPairingLine,
    Notice,
    Period,
    Section,
)
from aftercare_desktop.services.team_settings import TeamSettingsService, logo_text
from tests.reports.conftest import TODAY, checked, pages_text, text_sizes
from tests.db.mentoring_data import MentoringBuilder
from tests.reports.story import SISTER, SPONSOR

YEAR = Period(TODAY - timedelta(days=364), TODAY)
STATEMENT_1 = "A general authorization for the release of medical or other information is NOT sufficient"
STATEMENT_2 = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."


def progress(story, **values) -> ExportRequest:
    values = {"period": YEAR, "recipient": "Dr. Ana Núñez, Hope Clinic", "purpose": "Continuing care", **values}
    return ExportRequest(DocumentKind.PROGRESS, alumnus_id=story.alumnus_id, **values)


def test_progress_report_holds_the_record(service, story, tmp_path):
    document = service.render(progress(story, caseworker_notes="Zoë asked for this report herself."))
    checked(document, tmp_path / "report.pdf")
    pages = pages_text(document.pdf)
    assert len(pages) == document.pages > 1
    text = " ".join(pages)
    for fact in ("Zoë Núñez", "Client AC-0042", "Đặng Thu Trang", "Prepared for: Dr. Ana Núñez, Hope Clinic",
                 "Purpose: Continuing care", "Mar 14, 1991", "Residential",
                 # 52 weekly windows in the year, six of them with only an unanswered attempt
                 "Reached in 46 of 52 check-in windows (88%)", "attempts without reaching them: 6",
                 "Go to 90 meetings in 90 days", "Achieved", "Find steady work as a line cook", "In progress",
                 "Returns to use in the period: Mar 7, 2026 (lapse)", "Zoë asked for this report herself.",
                 "No mentor pairing in this period", "End of progress report",
                 # the sobriety facts, counted from the date after the lapse
                 "Sobriety date: Mar 8, 2026 — 99 days sober on Jun 15, 2026", "Next milestone: 6 months on Sep 8, 2026",
                 "Milestones reached in the period: 30 days (Apr 7, 2026); 60 days (May 7, 2026); 90 days (Jun 6, 2026)",
                 "Celebrated with the team: 90 days on Jun 15, 2026",
                 # the plan's meetings against those recorded, kind by kind, in the plan's order
                 "The aftercare plan asks for 3 meetings a week; 97 attended of 156 expected (62%)",
                 "AA 104 48 13 31 SMART Recovery 52 49 12 0 All meetings 156 97 25 31",
                 "Call my sister Chloë every Sunday Family and relationships Not started"):
        assert fact in text, fact
    # Minimum necessary: no address, phone or substances in a report that leaves the program.
    assert "Hidden Street" not in text and "555 0142" not in text and "555-0142" not in text


def test_every_page_carries_notice_page_number_and_organisation(sqlite_db, service, story):
    settings = TeamSettingsService(sqlite_db)
    settings.set("organisation_name", "Casa Esperanza Recovery Center", story.actor)
    settings.set("organisation_address", "1200 Calle Ñandú\nSanta Fe, NM 87501", story.actor)
    settings.set("organisation_phone", "(505) 555-0100", story.actor)
    document = service.render(progress(story))
    pages = pages_text(document.pdf)
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert STATEMENT_1 in page
        assert "Casa Esperanza Recovery Center" in page and "1200 Calle Ñandú" in page and "(505) 555-0100" in page
        assert "Generated Jun 15, 2026" in page or "Generated" in page
        assert "by Đặng Thu Trang" in page
        assert "Zoë Núñez · client AC-0042" in page


def test_statement_2_is_selectable_and_the_team_can_reword_statement_1(sqlite_db, service, story):
    short = pages_text(service.render(progress(story, notice=Notice.STATEMENT_2)).pdf)
    assert all(STATEMENT_2 in page and STATEMENT_1 not in page for page in short)
    TeamSettingsService(sqlite_db).set("notice_statement_1", "Our compliance officer's wording of Statement 1.",
                                       story.actor)
    reworded = pages_text(service.render(progress(story)).pdf)
    assert all("Our compliance officer's wording of Statement 1." in page for page in reworded)
    TeamSettingsService(sqlite_db).set("disclosure_notice", NoticeStatement.STATEMENT_2.value, story.actor)
    team_default = pages_text(service.render(progress(story)).pdf)
    assert all(STATEMENT_2 in page for page in team_default)


def test_charts_are_drawn_with_their_cut_off(service, story):
    document = service.render(progress(story))
    text = " ".join(pages_text(document.pdf))
    for label in ("Mood (1 = very low, 5 = very good)", "Craving (0 = none, 10 = extreme)",
                  "BARC-10 — Brief Assessment of Recovery Capital", "Cut-off 47", "AWARE"):
        assert label in text, label
    assert "No mood recorded in this period" not in text and "No BARC-10 in this period" not in text


def test_the_embedded_font_prints_accents(service, story):
    document = service.render(progress(story))
    reader = PdfReader(io.BytesIO(document.pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = set()
    for ref in fonts.values():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant.get("/FontDescriptor")
        if descriptor is not None and "/FontFile2" in descriptor.get_object():
            names.add(str(font["/BaseFont"]))
    assert any("DejaVuSans" in name for name in names), names
    assert "Nguyễn" not in " ".join(pages_text(document.pdf))  # the sponsor is not in the report…
    plan = service.render(ExportRequest(DocumentKind.PLAN, alumnus_id=story.alumnus_id))
    assert SPONSOR in " ".join(pages_text(plan.pdf))  # …but is on her plan, spelt as she spells it


def test_body_text_is_at_least_10_points_and_the_plan_at_least_12(service, story):
    report = service.render(progress(story)).pdf
    assert min(text_sizes(report, "Reached in")) >= 10
    assert min(text_sizes(report, "Go to 90 meetings")) >= 10
    plan = service.render(ExportRequest(DocumentKind.PLAN, alumnus_id=story.alumnus_id)).pdf
    for words in ("Go to 90 meetings", "Payday Friday", "Skipping breakfast", "Downtown Serenity", SISTER):
        assert min(text_sizes(plan, words)) >= 12, words


def test_sections_can_be_left_out(service, story):
    chosen = frozenset({Section.IDENTITY, Section.SOBRIETY})
    text = " ".join(pages_text(service.render(progress(story, sections=chosen)).pdf))
    assert "Identity" in text and "Sobriety date:" in text
    for title in ("Check-ins", "Support meetings", "Mood and craving", "Early-warning signals", "Peer mentoring"):
        assert title not in text, title


def test_early_warning_signals_of_the_period_with_reasons(service, story):
    text = " ".join(pages_text(service.render(progress(story)).pdf))
    assert "Early-warning signals" in text
    assert "The early-warning rules were applied to the record as it stood every week of the period, 53 times" in text
    assert "Return to use on 2026-03-07 (lapse)" in text


def test_my_aftercare_plan_in_plain_words_with_the_crisis_lines(service, story, tmp_path):
    document = service.render(ExportRequest(DocumentKind.PLAN, alumnus_id=story.alumnus_id))
    checked(document, tmp_path / "plan.pdf")
    text = " ".join(pages_text(document.pdf))
    for fact in ("My aftercare plan — Zoë Núñez", "My goals", "Payday Friday", "Give my card to Chloë",
                 "My warning signs", "Sleeping past noon", "Tuesday", "7:30 PM", "St. Mark's Hall, 5th Ave",
                 "Who I call when cravings hit", f"{SPONSOR} (sponsor)", "(212) 555-0101", "(212) 555-0199",
                 "call or text 988", "SAMHSA National Helpline: 1-800-662-4357", "My signature", "Caseworker",
                 "checks in with me every week by phone", "My caseworker is Đặng Thu Trang"):
        assert fact in text, fact
    # The crisis lines are printed once, in their box, although the plan's list names them too.
    assert text.count("1-800-662-4357") == 1
    assert "42 CFR part 2" not in text  # her own copy is not a disclosure


def test_wallet_cards_a_page_of_eight_first_name_only(service, story, tmp_path):
    document = service.render(ExportRequest(DocumentKind.WALLET_CARD, alumnus_id=story.alumnus_id))
    checked(document, tmp_path / "cards.pdf")
    (text,) = pages_text(document.pdf)
    assert text.count("When cravings hit, Zoë calls:") == 8
    assert text.count("Crisis: call or text 988") == 8 and text.count("1-800-662-4357") == 8
    assert text.count(SPONSOR) == 8 and text.count("(212) 555-0101") == 8
    assert "AC-0042" not in text and "Zoë Núñez" not in text
    nine = service.render(ExportRequest(DocumentKind.WALLET_CARD, alumnus_id=story.alumnus_id, copies=9))
    assert nine.pages == 2


@pytest.mark.parametrize("paper", [PaperSize.LETTER, PaperSize.A4])
def test_paper_size_from_the_team_settings(sqlite_db, service, story, paper):
    TeamSettingsService(sqlite_db).set("paper_size", paper.value, story.actor)
    document = service.render(ExportRequest(DocumentKind.WALLET_CARD, alumnus_id=story.alumnus_id))
    box = PdfReader(io.BytesIO(document.pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == ((612, 792) if paper is PaperSize.LETTER
                                                                   else (595, 842))
    assert document.pages == 1


def test_caseload_summary_is_internal(service, story, tmp_path):
    document = service.render(ExportRequest(DocumentKind.CASELOAD, caseworker_id=story.caseworker_id))
    checked(document, tmp_path / "caseload.pdf")
    text = " ".join(pages_text(document.pdf))
    for fact in ("Đặng Thu Trang", "Caseload on Jun 15, 2026", "2 active alumni", "1 with an active plan",
                 "Internal — do not disclose", "1 need attention (1 high)", "Needs attention (1)",
                 "Zoë Núñez AC-0042 High", "AWARE rose from 80 to 92",
                 "the team reached 1 of 2 active alumni with 4 check-ins; 1 attempt did not reach anyone"):
        assert fact in text, fact
    assert "42 CFR part 2. This record" not in text


def test_the_team_logo_replaces_the_default(sqlite_db, service, story):
    buffer = io.BytesIO()
    Image.new("RGB", (37, 23), (200, 30, 30)).save(buffer, format="PNG")
    TeamSettingsService(sqlite_db).set("organisation_logo", logo_text(buffer.getvalue()), story.actor)
    document = service.render(ExportRequest(DocumentKind.PLAN, alumnus_id=story.alumnus_id))
    images = PdfReader(io.BytesIO(document.pdf)).pages[0].images
    assert [(image.image.width, image.image.height) for image in images] == [(37, 23)]


def test_a_brand_new_alumnus_still_gets_sensible_documents(service, story):
    request = ExportRequest(DocumentKind.PROGRESS, alumnus_id=story.newcomer_id, period=YEAR,
                            sections=ALL_SECTIONS, recipient="Sober living house", purpose="Admission")
    text = " ".join(pages_text(service.render(request).pdf))
    for words in ("Noé Åberg", "No sobriety date is recorded.", "No aftercare plan was in force on Jun 15, 2026.",
                  "No support meetings were recorded in this period", "No mood recorded in this period",
                  "No check-in reached the person in this period, so there is no mood or craving to show.",
                  "No check-in window had ended by the end of the period: every two weeks, the team’s default",
                  "No BARC-10 in this period", "End of progress report"):
        assert words in text, words
    plan = " ".join(pages_text(service.render(ExportRequest(DocumentKind.PLAN, alumnus_id=story.newcomer_id)).pdf))
    for words in ("There is no aftercare plan yet", "No one is on my list yet", "call or text 988",
                  "1-800-662-4357", "My signature"):
        assert words in plan, words
    cards = " ".join(pages_text(service.render(ExportRequest(DocumentKind.WALLET_CARD,
                                                             alumnus_id=story.newcomer_id)).pdf))
    assert cards.count("Ask your caseworker to add people here.") == 8 and cards.count("988") >= 8


class TwoPairings:
    """What the mentoring feature will hand the report: pairings without the mentor's name."""

    def pairings(self, alumnus_id, period):
        return [MentorPairingLine(TODAY - timedelta(days=300), TODAY - timedelta(days=120), "Completed", 3,
                                  TODAY - timedelta(days=125)),
                MentorPairingLine(TODAY - timedelta(days=100), None, None, 9, TODAY - timedelta(days=2))]


def test_mentor_pairings_come_from_the_extension_point(sqlite_db, story):
    service = ExportService(sqlite_db, story.actor, today=lambda: TODAY, pairings=TwoPairings())
    text = " ".join(pages_text(service.render(progress(story)).pdf))
    assert "Peer mentoring" in text and "not recorded in this version" not in text
    for fact in ("Aug 19, 2025", "Feb 15, 2026", "Completed", "Mar 7, 2026 still paired 9 Jun 13, 2026",
                 "Mentors are alumni of the program too; they are not named here."):
        assert fact in text, fact


def test_recorded_mentor_pairings_reach_the_report(sqlite_db, service, story):
    """The mentor program's own pairings: the period's pairing with the mentor's contacts, unnamed."""
    mentoring = MentoringBuilder(sqlite_db, TODAY, story.actor)
    mentor_id = mentoring.mentor("Rafaela")
    earlier_mentor_id = mentoring.mentor("Bartholomew")
    mentoring.ended_pairing(story.alumnus_id, earlier_mentor_id, started_ago=500, ended_ago=400)  # before the year
    mentoring.ended_pairing(story.alumnus_id, mentor_id, started_ago=60, ended_ago=0)
    for ago in (50, 20, 5):
        mentoring.mentor_contact(story.alumnus_id, mentor_id, ago)
    mentoring.mentor_contact(story.alumnus_id, mentor_id, 10, outcome=CheckinOutcome.NO_ANSWER)
    text = " ".join(pages_text(service.render(progress(story)).pdf))
    assert "No mentor pairing in this period" not in text
    started, last = TODAY - timedelta(days=60), TODAY - timedelta(days=5)
    # three reached contacts in the period (the unanswered one is not a contact), the last five days ago
    assert f"{started:%b} {started.day}, {started.year}" in text and f"3 {last:%b} {last.day}, {last.year}" in text
    assert "Rafaela" not in text and "Bartholomew" not in text
