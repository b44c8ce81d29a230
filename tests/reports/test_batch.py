"""Batch export: one file each or one combined, in this process or over several, with progress and
cancel; every document recorded like a single export."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from aftercare_desktop.models.enums import AlumniStatus
from aftercare_desktop.reports import BatchExport, BatchRequest, DocumentKind, ExportRequest, ExportService, Period
from aftercare_desktop.reports.batch import select_alumni
from aftercare_desktop.services import staff
from aftercare_desktop.services.audit import Actor
from tests.db.caseload_data import CaseloadBuilder
from tests.reports.conftest import TODAY, pages_text, qpdf_check

TEMPLATE = ExportRequest(DocumentKind.PROGRESS, period=Period(TODAY - timedelta(days=27), TODAY),
                         recipient="County Drug Court", purpose="Monthly review")


@pytest.fixture
def people(sqlite_db, story):
    """Zoë and the newcomer, plus three more of the same caseworker and one of someone else's."""
    build = CaseloadBuilder(sqlite_db, TODAY)
    mine = [build.alumnus(name, "Øster", caseworker_id=story.caseworker_id) for name in ("Ana", "Bo", "Cy")]
    build.reached(mine[0], 3, mood=4, craving=1)
    other = build.caseworker("Someone Else")
    build.alumnus("Dee", "Elsewhere", caseworker_id=other)
    return select_alumni(sqlite_db, caseworker_id=story.caseworker_id)


def batch(database, story, ids, out, **values) -> BatchExport:
    updates = []
    values.setdefault("workers", 1)
    on_progress = values.pop("on_progress", updates.append)
    run = BatchExport(database, story.actor, BatchRequest(TEMPLATE, tuple(ids), out, **values),
                      today=lambda: TODAY, on_progress=on_progress)
    run.updates = updates
    return run


def test_select_alumni_by_caseworker_program_and_status(sqlite_db, story, people):
    assert len(people) == 5  # in name order: Åberg, Núñez, then the three Østers
    assert select_alumni(sqlite_db, caseworker_id=story.caseworker_id, status=AlumniStatus.INACTIVE) == []
    assert len(select_alumni(sqlite_db)) == 6


def test_one_file_each_with_progress(sqlite_db, story, people, tmp_path):
    run = batch(sqlite_db, story, people, tmp_path)
    summary = run.run()
    assert summary.written == 5 and summary.failed == () and summary.cancelled == 0
    assert [u.done for u in run.updates] == [1, 2, 3, 4, 5] and {u.total for u in run.updates} == {5}
    files = sorted(tmp_path.glob("*.pdf"))
    assert len(files) == 5 and all(item.path in files for item in summary.items)
    qpdf_check(files[0])
    texts = {f.name: " ".join(pages_text(f.read_bytes())) for f in files}
    assert all("Prepared for: County Drug Court" in t and "42 CFR part 2" in t for t in texts.values())
    assert "Zoë Núñez" in texts["progress-report-AC-0042-2026-05-19-2026-06-15.pdf"]
    exports = ExportService(sqlite_db, story.actor, today=lambda: TODAY)
    assert [r.recipient for r in exports.disclosures(story.alumnus_id)] == ["County Drug Court"]


def test_cancel_stops_before_the_next_document(sqlite_db, story, people, tmp_path):
    holder = {}

    def stop_after_two(update):
        if update.done == 2:
            holder["run"].cancel()

    run = batch(sqlite_db, story, people, tmp_path, on_progress=stop_after_two)
    holder["run"] = run
    summary = run.run()
    assert (summary.written, summary.cancelled) == (2, 3)
    assert len(list(tmp_path.glob("*.pdf"))) == 2


def test_one_combined_file_records_every_document(sqlite_db, story, people, tmp_path):
    summary = batch(sqlite_db, story, people, tmp_path, combined="court.pdf").run()
    assert summary.combined == tmp_path / "court.pdf" and [p.name for p in tmp_path.glob("*.pdf")] == ["court.pdf"]
    qpdf_check(summary.combined)
    reader = PdfReader(io.BytesIO(summary.combined.read_bytes()))
    assert len(reader.pages) == sum(item.pages for item in summary.items)
    exports = ExportService(sqlite_db, story.actor, today=lambda: TODAY)
    assert len(exports.disclosures(story.alumnus_id)) == 1 and len(exports.disclosures(people[-1])) == 1


def test_a_cancelled_combined_batch_writes_and_records_nothing(sqlite_db, story, people, tmp_path):
    holder = {}
    run = batch(sqlite_db, story, people, tmp_path, combined="court.pdf",
                on_progress=lambda update: holder["run"].cancel())
    holder["run"] = run
    summary = run.run()
    assert summary.combined is None and list(tmp_path.glob("*.pdf")) == []
    assert ExportService(sqlite_db, story.actor).disclosures(story.alumnus_id) == []


def test_a_document_that_fails_is_reported_and_the_others_written(sqlite_db, story, people, tmp_path):
    summary = batch(sqlite_db, story, [*people[:2], 9999], tmp_path).run()
    assert summary.written == 2
    assert [(item.subject_id, item.error) for item in summary.failed] == [
        (9999, "There is no alumnus with the id 9999.")]


def test_several_processes_make_the_same_documents(sqlite_db, story, people, tmp_path):
    single, pool = tmp_path / "single", tmp_path / "pool"
    single.mkdir()
    pool.mkdir()
    batch(sqlite_db, story, people, single).run()
    run = batch(sqlite_db, story, people, pool, workers=2)
    assert run.workers == 2
    summary = run.run()
    assert summary.written == 5 and len(run.updates) == 5
    assert sorted(p.name for p in pool.glob("*.pdf")) == sorted(p.name for p in single.glob("*.pdf"))
    for path in pool.glob("*.pdf"):
        ours, theirs = pages_text(path.read_bytes()), pages_text((single / path.name).read_bytes())
        # Identical but for the minute they were generated.
        assert len(ours) == len(theirs)
        assert ours[0].split("Generated")[0] == theirs[0].split("Generated")[0]
    assert all(item.error is None for item in summary.items)


def test_caseload_summaries_for_each_caseworker(sqlite_db, story, people, tmp_path):
    template = ExportRequest(DocumentKind.CASELOAD)
    ids = tuple(member.id for member in staff.list_staff(sqlite_db))
    summary = BatchExport(sqlite_db, Actor(None, "cli:report"), BatchRequest(template, ids, tmp_path, workers=1),
                          today=lambda: TODAY).run()
    assert summary.written == 2
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == [
        "caseload-dang-thu-trang-2026-06-15.pdf", "caseload-someone-else-2026-06-15.pdf"]
