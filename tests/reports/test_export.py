"""The export path on SQLite and PostgreSQL: checks before any work, the gate before rendering, the
file written atomically with its disclosure and audit event, prints recorded the same way, and the
accounting append-only."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from aftercare_desktop.errors import AftercareError, ValidationFailed
from aftercare_desktop.models import AuditEvent, Disclosure
from aftercare_desktop.models.enums import AuditAction, NoticeStatement
from aftercare_desktop.reports import (
    DisclosureRefused,
    DocumentKind,
    ExportRequest,
    ExportService,
    Notice,
    Period,
    Section,
)
from tests.reports.conftest import TODAY, pages_text
from tests.reports.story import make_story


@pytest.fixture
def db_story(any_db):
    return make_story(any_db, TODAY, weeks=8)


@pytest.fixture
def out(tmp_path):
    """A folder of its own for the documents (the SQLite database lives in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def exports(any_db, db_story) -> ExportService:
    return ExportService(any_db, db_story.actor, today=lambda: TODAY)


def request(story, **values) -> ExportRequest:
    values = {"recipient": "Judge María López, Drug Court", "purpose": "Progress review hearing", **values}
    return ExportRequest(DocumentKind.PROGRESS, alumnus_id=story.alumnus_id,
                         period=Period(TODAY - timedelta(days=55), TODAY), **values)


def audit_events(database, action):
    with database.session() as session:
        return [(e.entity_type, e.entity_id, e.changed_fields, e.staff_id)
                for e in session.scalars(select(AuditEvent).where(AuditEvent.action == action))]


def test_export_writes_the_file_and_records_the_disclosure(any_db, exports, db_story, out):
    outcome = exports.export(request(db_story, sections=frozenset({Section.IDENTITY, Section.CHECKINS})),
                             out / "report.pdf")
    assert outcome.path.read_bytes()[:5] == b"%PDF-" and outcome.size == outcome.path.stat().st_size
    assert [p.name for p in out.iterdir()] == ["report.pdf"]  # no temporary file left behind
    (record,) = exports.disclosures(db_story.alumnus_id)
    assert record.id == outcome.disclosure_id
    assert (record.action, record.document, record.recipient, record.purpose, record.notice, record.by) == (
        AuditAction.EXPORT, DocumentKind.PROGRESS, "Judge María López, Drug Court", "Progress review hearing",
        NoticeStatement.STATEMENT_1, db_story.caseworker)
    assert record.period == Period(TODAY - timedelta(days=55), TODAY)
    assert record.sections == ("checkins", "identity")
    assert audit_events(any_db, AuditAction.EXPORT) == [
        ("alumnus", db_story.alumnus_id, ["progress_report"], db_story.caseworker_id)]


def test_plans_and_cards_are_recorded_as_given_to_the_alumnus(any_db, exports, db_story, out):
    exports.export(ExportRequest(DocumentKind.PLAN, alumnus_id=db_story.alumnus_id), out / "plan.pdf")
    exports.export(ExportRequest(DocumentKind.WALLET_CARD, alumnus_id=db_story.alumnus_id), out / "cards.pdf")
    records = exports.disclosures(db_story.alumnus_id)
    assert [(r.document, r.recipient, r.notice, r.period) for r in records] == [
        (DocumentKind.WALLET_CARD, "The alumnus", None, None), (DocumentKind.PLAN, "The alumnus", None, None)]


def test_a_caseload_summary_is_recorded_on_the_caseworker(any_db, exports, db_story, out):
    exports.export(ExportRequest(DocumentKind.CASELOAD, caseworker_id=db_story.caseworker_id), out / "c.pdf")
    assert audit_events(any_db, AuditAction.EXPORT) == [
        ("staff_member", db_story.caseworker_id, ["caseload_summary"], db_story.caseworker_id)]


def test_print_is_recorded_after_the_printer_took_it(any_db, exports, db_story):
    printed = []
    disclosure_id = exports.print_with(request(db_story), printed.append)
    assert len(printed) == 1 and printed[0].pdf.startswith(b"%PDF-")
    (record,) = exports.disclosures(db_story.alumnus_id)
    assert (record.id, record.action) == (disclosure_id, AuditAction.PRINT)

    def cancelled(_document):
        raise AftercareError("Printing was cancelled.")

    with pytest.raises(AftercareError, match="cancelled"):
        exports.print_with(request(db_story), cancelled)
    assert len(exports.disclosures(db_story.alumnus_id)) == 1


class RefuseWithoutConsent:
    """What a consent check will look like: it sees the whole request before anything is made."""

    def __init__(self):
        self.asked = []

    def check(self, request, action):
        self.asked.append((request.recipient, request.purpose, action))
        raise DisclosureRefused("No consent on file names this recipient.")


def test_the_gate_can_refuse_before_anything_is_made(any_db, db_story, out):
    gate = RefuseWithoutConsent()
    exports = ExportService(any_db, db_story.actor, today=lambda: TODAY, gate=gate)
    target = out / "report.pdf"
    with pytest.raises(DisclosureRefused, match="No consent"):
        exports.export(request(db_story), target)
    with pytest.raises(DisclosureRefused):
        exports.print_with(request(db_story), lambda document: None)
    assert gate.asked == [("Judge María López, Drug Court", "Progress review hearing", AuditAction.EXPORT),
                          ("Judge María López, Drug Court", "Progress review hearing", AuditAction.PRINT)]
    assert not target.exists() and list(out.iterdir()) == []
    assert exports.disclosures(db_story.alumnus_id) == [] and audit_events(any_db, AuditAction.EXPORT) == []
    # A preview is neither an export nor a print: the gate is not asked.
    assert exports.render(request(db_story)).pages >= 1


def test_a_failed_record_leaves_no_file_and_the_old_one_untouched(any_db, exports, db_story, out,
                                                                  monkeypatch):
    target = out / "report.pdf"
    target.write_bytes(b"yesterday's report")

    def broken(*_args):
        raise AftercareError("The database server went away.")

    monkeypatch.setattr(exports, "record", broken)
    with pytest.raises(AftercareError, match="went away"):
        exports.export(request(db_story), target)
    assert target.read_bytes() == b"yesterday's report"
    assert [p.name for p in out.iterdir()] == ["report.pdf"]


def test_requests_are_checked_before_any_work(exports, db_story, out):
    target = out / "report.pdf"
    with pytest.raises(ValidationFailed) as refused:
        exports.export(request(db_story, recipient=" ", purpose="", notice=Notice.NONE), target)
    assert {p.field for p in refused.value.problems} == {"recipient", "purpose", "notice"}
    for period, words in ((Period(TODAY, TODAY - timedelta(days=1)), "starts after it ends"),
                          (Period(TODAY, TODAY + timedelta(days=1)), "after today")):
        with pytest.raises(ValidationFailed, match=words):
            exports.export(ExportRequest(DocumentKind.PROGRESS, alumnus_id=db_story.alumnus_id, period=period,
                                         recipient="a", purpose="b"), target)
    with pytest.raises(ValidationFailed, match="at least one section"):
        exports.export(request(db_story, sections=frozenset()), target)
    with pytest.raises(AftercareError, match="no alumnus with the id 999"):
        exports.export(ExportRequest(DocumentKind.PLAN, alumnus_id=999), target)
    with pytest.raises(AftercareError, match="no staff member with the id 999"):
        exports.export(ExportRequest(DocumentKind.CASELOAD, caseworker_id=999), target)
    with pytest.raises(AftercareError, match="should end in .pdf"):
        exports.export(request(db_story), out / "report.txt")
    with pytest.raises(AftercareError, match="does not exist"):
        exports.export(request(db_story), out / "missing" / "report.pdf")
    assert list(out.iterdir()) == [] and exports.disclosures(db_story.alumnus_id) == []


def test_a_default_period_ends_today(exports, db_story):
    document = exports.render(ExportRequest(DocumentKind.PROGRESS, alumnus_id=db_story.alumnus_id,
                                            recipient="a", purpose="b"))
    assert document.request.period == Period(TODAY - timedelta(days=89), TODAY)
    assert "Mar 18 – Jun 15, 2026 (90 days)" in pages_text(document.pdf)[0]


def test_the_accounting_of_disclosures_is_append_only(any_db, exports, db_story, out):
    exports.export(request(db_story), out / "report.pdf")
    for statement in ("UPDATE disclosures SET recipient = 'someone else'", "DELETE FROM disclosures"):
        with pytest.raises(DBAPIError, match="append-only"):
            with any_db.engine.begin() as connection:
                connection.execute(text(statement))
    with any_db.session() as session:
        assert session.scalars(select(Disclosure.recipient)).all() == ["Judge María López, Drug Court"]


def test_exports_log_counts_and_timings_never_names(exports, db_story, out, caplog):
    with caplog.at_level(logging.DEBUG, logger="aftercare"):
        exports.export(request(db_story), out / "report.pdf")
    assert "progress_report rendered" in caplog.text and "recorded as export" in caplog.text
    for personal in ("Zoë", "Núñez", "AC-0042", "María", "Drug Court", "hearing"):
        assert personal not in caplog.text
