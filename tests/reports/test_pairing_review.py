"""The weekly pairing review agenda read back from its PDF: the pairings with their health, the
suggestions with their score by criterion (as the engine worked them out), who cannot be paired and why,
the waiting list, columns to write decisions in; internal (no §2.32 notice) and recorded on SQLite and
PostgreSQL like every other export."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.platypus import Table
from sqlalchemy import select

from aftercare_desktop.errors import AftercareError, ValidationFailed
from aftercare_desktop.models import AuditEvent, Disclosure
from aftercare_desktop.models.enums import AuditAction, MenteeNeed, ReviewOutcome
from aftercare_desktop.reports import DocumentKind, ExportRequest, ExportService, Notice
from aftercare_desktop.reports import pairing_review as layout
from aftercare_desktop.reports.batch import subject_request
from aftercare_desktop.reports.data import Sources, gather_pairing_review
from aftercare_desktop.reports.export import INTERNAL
from aftercare_desktop.reports.page import MARGIN_X
from aftercare_desktop.services import staff
from aftercare_desktop.services.audit import Actor
from aftercare_desktop.services.pairing_review import OutcomeData, PairingReviewService, ReviewData
from aftercare_desktop.services.pairings import PairingService
from aftercare_desktop.services.waiting_list import MenteeProfileData
from tests.db.mentoring_data import MentoringBuilder
from tests.reports.conftest import TODAY, checked, pages_text, text_sizes

STATEMENT_1 = "A general authorization for the release of medical or other information is NOT sufficient"
STATEMENT_2 = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
LONG_LAST_NAME = "Castellanos-Villarreal de la Fuente y Montenegro"


class Team:
    """Three mentors and five mentees: two paired already (one without contact for 100 days), three
    waiting (one speaks only Spanish, whom no mentor speaks)."""

    def __init__(self, database, today=TODAY):
        self.coordinator = staff.add_staff(database, "Đặng Thu Trang")
        self.actor = Actor(self.coordinator.id)
        b = MentoringBuilder(database, today, self.actor)
        self.ana = b.mentor("Ana", last="Núñez", capacity=2)
        self.bea = b.mentor("Bea", last="Åberg", capacity=1, pathways=("smart_recovery",), city="Denver")
        self.cleo = b.mentor("Cleo", capacity=1)
        self.zoe = b.alumnus("Zoë", last="Nguyễn")
        self.rae = b.alumnus("Rae", last=LONG_LAST_NAME)
        pairings = PairingService(database, today=lambda: today)
        pairings.accept(self.zoe, self.cleo, self.actor, started_on=b.ago(40))
        pairings.accept(self.rae, self.ana, self.actor, started_on=b.ago(100))
        b.mentor_contact(self.zoe, self.cleo, 3)
        self.mia = b.mentee("Mia", waiting_ago=20, profile=MenteeProfileData(needs=[MenteeNeed.CRAVING_CALLS]))
        self.noa = b.mentee("Noa", waiting_ago=10, pathways=("smart_recovery",), city="Denver")
        self.ola = b.mentee("Ola", last="Peña", waiting_ago=5, languages=("Spanish",))
        reviews = PairingReviewService(database, today=lambda: today)
        zoe_pairing = next(h.pairing_id for h in reviews.health() if h.mentee_id == self.zoe)
        reviews.save_review(ReviewData(held_on=b.ago(7), attendee_ids=[self.coordinator.id],
                                       outcomes=[OutcomeData(zoe_pairing, ReviewOutcome.CONTINUE)]), self.actor)
        self.run = pairings.suggest()  # what the engine makes of it, for the facts the agenda must show


def agenda(**values) -> ExportRequest:
    return ExportRequest(DocumentKind.PAIRING_REVIEW, **values)


@pytest.fixture
def team(sqlite_db) -> Team:
    return Team(sqlite_db)


@pytest.fixture
def exports(sqlite_db, team) -> ExportService:
    return ExportService(sqlite_db, team.actor, today=lambda: TODAY)


def test_the_agenda_holds_the_meeting(exports, team, tmp_path):
    document = exports.render(agenda())
    checked(document, tmp_path / "agenda.pdf")
    pages = pages_text(document.pdf)
    assert len(pages) == document.pages >= 1
    text = " ".join(pages)
    for fact in ("Weekly pairing review", "Agenda for the meeting of Monday, Jun 15, 2026",
                 "Active pairings (2 · 1 due for review)", "Zoë Nguyễn", "Ana Núñez", "Cleo Tester",
                 "No mentor contact for 100 days", "Not reviewed yet", "Not due: reviewed Jun 8, 2026",
                 "Last review: Jun 8, 2026 (attended by Đặng Thu Trang): 1 continue.",
                 "Suggested pairings (2 of 3 waiting", "Cannot be paired yet (1)", "No active mentor speaks Spanish",
                 "Ola Peña", "Waiting for a mentor (3)", "Someone to call when cravings hit",
                 "Decision / notes", "Present:", "Other business"):
        assert fact in text, fact
    # A long name wraps in its column after its hyphen, not in the middle of a word.
    assert "Rae Castellanos- Villarreal de la Fuente y Montenegro" in text


def test_suggestions_show_the_engines_score_by_criterion(exports, team):
    text = " ".join(pages_text(exports.render(agenda()).pdf))
    result = team.run.result
    assert {s.mentee_id: s.mentor_id for s in result.suggestions} == {team.mia: team.ana, team.noa: team.bea}
    noa = result.suggestion_for(team.noa)
    assert "Noa Tester MP-" in text and "waited 10 days" in text and f"{noa.score:.1f} of {result.max_score:g}" in text
    # The strongest criterion and its points, as the engine explains the pair.
    best = noa.strongest(1)[0]
    assert f"{best.label} {best.points:.1f}" in text
    # The criteria listed add up to the score.
    shown = noa.strongest(layout.TOP_CRITERIA)
    others = sum(c.points for c in noa.breakdown) - sum(c.points for c in shown)
    assert abs(sum(c.points for c in shown) + others - noa.score) < 0.05
    assert "with the team's weights" in text


def test_waiting_days_needs_and_preferences(sqlite_db, exports, team):
    data = gather_pairing_review(Sources(sqlite_db, lambda: TODAY), TODAY)
    assert [(row.name, row.days_waited) for row in data.waiting] == [("Mia Tester", 20), ("Noa Tester", 10),
                                                                      ("Ola Peña", 5)]
    text = " ".join(pages_text(exports.render(agenda()).pdf))
    assert "May 26, 2026 20 Someone to call when cravings hit" in text  # waiting since, days, needs
    assert "Language: Spanish" in text and "Pathway: SMART Recovery" in text


def test_internal_marked_on_every_page_without_the_notice(exports, team):
    document = exports.render(agenda())
    assert document.notice is None
    pages = pages_text(document.pdf)
    for number, page in enumerate(pages, start=1):
        assert "Internal — do not disclose" in page and f"Page {number} of {len(pages)}" in page
        assert "Pairing review of Jun 15, 2026" in page and "by Đặng Thu Trang" in page
        assert STATEMENT_1 not in page and STATEMENT_2 not in page


def test_landscape_body_10_points_and_tables_inside_the_margins(sqlite_db, exports, team):
    document = exports.render(agenda())
    box = PdfReader(io.BytesIO(document.pdf)).pages[0].mediabox
    assert float(box.width) > float(box.height)
    for words in ("Zoë Nguyễn", "No mentor contact", "Ola Peña", "Same recovery pathway", "Language: Spanish"):
        assert min(text_sizes(document.pdf, words)) >= 10, words
    width = landscape(LETTER)[0] - 2 * MARGIN_X
    story = layout.story(gather_pairing_review(Sources(sqlite_db, lambda: TODAY), TODAY), width)
    tables = [flowable for flowable in story if isinstance(flowable, Table)]
    assert len(tables) >= 5
    for table in tables:
        assert sum(table._colWidths) <= width + 0.01


def test_an_empty_program_gets_a_sensible_agenda(sqlite_db, tmp_path):
    member = staff.add_staff(sqlite_db, "Zoë Åberg")
    service = ExportService(sqlite_db, Actor(member.id), today=lambda: TODAY)
    document = service.render(agenda(meeting_on=TODAY + timedelta(days=3)))
    checked(document, tmp_path / "empty.pdf")
    text = " ".join(pages_text(document.pdf))
    for words in ("Agenda for the meeting of Thursday, Jun 18, 2026 · the records as they stood on Jun 15, 2026",
                  "No review has been saved yet.", "No active pairings.", "No suggestions: nobody is waiting.",
                  "Nobody is waiting for a mentor.", "Other business", "Page 1 of"):
        assert words in text, words
    assert "Decision / notes" not in text  # no table, no empty column heading over nothing
    assert document.file_name == "pairing-review-agenda-2026-06-18.pdf"


def test_the_meeting_date_is_checked(exports):
    with pytest.raises(ValidationFailed) as past:
        exports.render(agenda(meeting_on=TODAY - timedelta(days=1)))
    assert [p.message for p in past.value.problems] == ["An agenda is for a meeting today or later"]
    with pytest.raises(ValidationFailed, match="at most 31 days ahead"):
        exports.render(agenda(meeting_on=TODAY + timedelta(days=32)))
    assert exports.prepare(agenda()).meeting_on == TODAY


def test_an_agenda_is_not_made_in_batches(team):
    with pytest.raises(AftercareError, match="made once for the team"):
        subject_request(agenda(), 1)


@pytest.fixture
def db_team(any_db) -> Team:
    return Team(any_db)


@pytest.fixture
def out(tmp_path):
    """A folder of its own for the documents (the SQLite database lives in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_export_and_print_are_recorded_as_internal_documents(any_db, db_team, out):
    service = ExportService(any_db, db_team.actor, today=lambda: TODAY)
    outcome = service.export(agenda(), out / "agenda.pdf")
    assert [p.name for p in out.iterdir()] == ["agenda.pdf"]  # no temporary file left behind
    printed = []
    service.print_with(agenda(notice=Notice.DEFAULT), printed.append)
    assert len(printed) == 1
    with any_db.session() as session:
        rows = session.scalars(select(Disclosure).order_by(Disclosure.id)).all()
        assert [(r.id, r.action, r.document, r.alumnus_id, r.caseworker_id, r.recipient, r.purpose, r.notice,
                 r.staff_id) for r in rows] == [
            (outcome.disclosure_id, AuditAction.EXPORT, "pairing_review_agenda", None, None, INTERNAL, INTERNAL,
             None, db_team.coordinator.id),
            (rows[1].id, AuditAction.PRINT, "pairing_review_agenda", None, None, INTERNAL, INTERNAL, None,
             db_team.coordinator.id)]
        events = session.scalars(select(AuditEvent).where(AuditEvent.action.in_([AuditAction.EXPORT,
                                                                                  AuditAction.PRINT]))).all()
        assert [(e.action, e.entity_type, e.entity_id, e.changed_fields, e.staff_id) for e in events] == [
            (AuditAction.EXPORT, "pairing_review", None, ["pairing_review_agenda"], db_team.coordinator.id),
            (AuditAction.PRINT, "pairing_review", None, ["pairing_review_agenda"], db_team.coordinator.id)]
    assert "Zoë Nguyễn" in " ".join(pages_text(outcome.path.read_bytes()))


def test_a_failed_record_leaves_no_agenda_behind(exports, team, out, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AftercareError("The database is locked.")

    monkeypatch.setattr(exports, "record", refuse)
    with pytest.raises(AftercareError, match="locked"):
        exports.export(agenda(), out / "agenda.pdf")
    assert list(out.iterdir()) == []
