"""The Reports page: a caseworker's caseload summary, and batch export over several processes with
progress, stop and a summary — while the window goes on working."""

from __future__ import annotations

import gc
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QPushButton

from aftercare_desktop.models import Disclosure
from aftercare_desktop.models.enums import AuditAction, Program
from aftercare_desktop.reports import DocumentKind
from aftercare_desktop.services.audit import events_for
from aftercare_desktop.services.records import AlumnusData
from aftercare_desktop.views import dialogs
from tests.gui.windows import close_window, started_window
from aftercare_desktop.views.reports_page import ReportsPage

WAIT = 60_000


class BatchAnswers:
    def __init__(self, folder: Path):
        self.folder: Path | None = folder
        self.combined: Path | None = folder / "all.pdf"
        self.summaries: list[tuple[str, str, bool]] = []
        self.asked: list[str] = []


@pytest.fixture
def batch_answers(monkeypatch, tmp_path, answers) -> BatchAnswers:
    out = tmp_path / "out"
    out.mkdir()
    batch = BatchAnswers(out)

    def ask_folder(_parent, _start):
        batch.asked.append("folder")
        return batch.folder

    def ask_save_pdf(_parent, suggested):
        batch.asked.append("file")
        return batch.combined

    def summary(_parent, words, details, *, can_open):
        batch.summaries.append((words, details, can_open))
        return False

    monkeypatch.setattr(dialogs, "ask_folder", ask_folder)
    monkeypatch.setattr(dialogs, "ask_save_pdf", ask_save_pdf)
    monkeypatch.setattr(dialogs, "show_batch_summary", summary)
    monkeypatch.setattr(dialogs, "offer_to_open", lambda *_args: False)
    monkeypatch.setattr(dialogs, "confirm_stop_batch", lambda _parent: True)
    return batch


@pytest.fixture
def window(qtbot, context, batch_answers):
    window = started_window(qtbot, context)
    yield window
    close_window(window)


def add_alumni(context, count: int) -> None:
    for number in range(count):
        context.alumni.create(AlumnusData(client_id=f"AC-B{number:03d}", first_name="Ana", last_name=f"Batch {number}",
                                          program=Program.IOP, caseworker_id=context.actor.staff_id), context.actor)


def reports_row(window) -> int:
    names = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    return names.index("Reports")


def reports(qtbot, window) -> ReportsPage:
    window.sidebar.setCurrentRow(reports_row(window))
    page = window.pages.currentWidget()
    assert isinstance(page, ReportsPage)
    qtbot.waitUntil(lambda: page.caseload.data is not None, timeout=WAIT)
    return page


def start_batch(qtbot, page, recipient="County Drug Court", purpose="Monthly review", *, combined=False):
    panel = page.batch
    page.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: panel.matching is not None, timeout=WAIT)
    qtbot.keyClicks(panel.options.recipient, recipient)
    qtbot.keyClicks(panel.options.purpose, purpose)
    (panel.combined if combined else panel.one_each).setChecked(True)
    panel.start_button.click()
    return panel


def disclosure_count(context) -> int:
    with context.database.session() as session:
        return session.query(Disclosure).count()


def test_the_reports_page_is_built_when_first_shown(qtbot, window):
    assert not isinstance(window.pages.widget(reports_row(window)), ReportsPage)  # not at start-up
    page = reports(qtbot, window)
    assert page.caseload.caseworker.currentText() == "Dana Reyes"


def test_caseload_summary_counts_and_opens_records(qtbot, window, context):
    page = reports(qtbot, window)
    caseload = page.caseload
    assert caseload.figures["active"].number.text() == "3"
    assert "reached <b>0</b> of 3 active alumni" in caseload.reached.text()
    rows = caseload.attention.rowCount()
    assert caseload.attention_title.text() == f"<b>Needs attention ({rows})</b>"
    if rows:
        with qtbot.waitSignal(window.alumni_page.profile.loaded, timeout=WAIT):
            caseload.table.doubleClicked.emit(caseload.attention.index(0, 1))
        assert window.pages.currentWidget() is window.alumni_page


def test_caseload_summary_exports_as_an_internal_document(qtbot, window, context, batch_answers):
    page = reports(qtbot, window)
    with qtbot.waitSignal(page.caseload.actions.exported, timeout=WAIT):
        page.caseload.export_button.click()
    text = " ".join(p.extract_text() for p in PdfReader(str(batch_answers.combined)).pages)
    assert "Caseload summary" in text and "Dana Reyes" in text and "42 CFR part 2" not in text
    events = events_for(context.database, "staff_member", context.actor.staff_id)
    assert [e.action for e in events if e.action is AuditAction.EXPORT] == [AuditAction.EXPORT]


def test_batch_refuses_without_recipient_and_asks_for_no_folder(qtbot, window, batch_answers):
    page = reports(qtbot, window)
    panel = start_batch(qtbot, page, recipient="", purpose="")
    qtbot.waitUntil(lambda: panel.start_button.isEnabled(), timeout=WAIT)
    assert panel.options.errors["recipient"].text() == "Say who the document is for (the recipient)"
    assert batch_answers.asked == [] and not panel.running


def test_batch_one_pdf_each_with_a_summary(qtbot, window, context, batch_answers):
    page = reports(qtbot, window)
    panel = start_batch(qtbot, page)
    qtbot.waitUntil(lambda: bool(batch_answers.summaries), timeout=WAIT)
    words, details, can_open = batch_answers.summaries[0]
    assert words.startswith(f"Wrote 3 of 3 progress reports to {batch_answers.folder}")
    assert details == "" and can_open
    assert len(list(batch_answers.folder.glob("progress-report-AC-*.pdf"))) == 3
    assert disclosure_count(context) == 3
    assert panel.last.text() == words and panel.progress is None and panel.start_button.isEnabled()


def test_stopping_a_batch_over_processes_keeps_what_was_made_and_says_so(qtbot, window, context, batch_answers):
    add_alumni(context, 57)
    page = reports(qtbot, window)
    panel = start_batch(qtbot, page)
    qtbot.waitUntil(lambda: panel.progress is not None and panel.progress.value() >= 1, timeout=WAIT)
    assert panel.batch.workers > 1  # several processes
    panel.progress.findChild(QPushButton).click()  # Stop
    assert "Stopping" in panel.progress.labelText()
    qtbot.waitUntil(lambda: bool(batch_answers.summaries), timeout=WAIT)
    words, _details, _can_open = batch_answers.summaries[0]
    written = len(list(batch_answers.folder.glob("*.pdf")))
    assert 1 <= written < 60
    assert words.startswith(f"Stopped: {written} of 60 progress reports were written to {batch_answers.folder}")
    assert words.endswith(f"recorded as disclosed; {60 - written} were not made.")
    assert disclosure_count(context) == written  # every file written is accounted for, and only those
    assert not list(batch_answers.folder.glob(".*.part"))
    assert not panel.running and panel.start_button.isEnabled()


def test_stopping_a_combined_batch_writes_and_records_nothing(qtbot, window, context, batch_answers):
    add_alumni(context, 57)
    page = reports(qtbot, window)
    panel = start_batch(qtbot, page, combined=True)
    qtbot.waitUntil(lambda: panel.progress is not None and panel.progress.value() >= 1, timeout=WAIT)
    panel.progress.findChild(QPushButton).click()
    qtbot.waitUntil(lambda: bool(batch_answers.summaries), timeout=WAIT)
    words, _details, can_open = batch_answers.summaries[0]
    assert words.startswith("Stopped. No file was written and nothing was recorded")
    assert not can_open and not batch_answers.combined.exists() and disclosure_count(context) == 0


def test_combined_batch_of_wallet_cards(qtbot, window, context, batch_answers):
    page = reports(qtbot, window)
    page.batch.options.set_kind(DocumentKind.WALLET_CARD)
    page.batch.options.copies.setValue(2)
    start_batch(qtbot, page, recipient="", purpose="", combined=True)
    qtbot.waitUntil(lambda: bool(batch_answers.summaries), timeout=WAIT)
    words, _details, can_open = batch_answers.summaries[0]
    assert words.startswith(f"Wrote one PDF of 3 sets of wallet cards (3 pages) to {batch_answers.combined}")
    assert can_open and len(PdfReader(str(batch_answers.combined)).pages) == 3
    assert disclosure_count(context) == 3


@pytest.fixture
def quiet_collector():
    """A full collection over everything the earlier tests of this process left behind can hold the
    GIL for a second, in any thread: the weight of the test run, not of the batch. Set it aside."""
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


def test_the_window_stays_responsive_during_a_batch(qtbot, window, context, batch_answers, quiet_collector):
    add_alumni(context, 57)
    page = reports(qtbot, window)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    panel = start_batch(qtbot, page)
    qtbot.waitUntil(lambda: panel.running, timeout=WAIT)
    started = time.perf_counter()
    # Meanwhile the caseworker goes back to Today, which loads as usual (on a fast machine the batch
    # may be done by then; the timer's ticks below are what shows the window never froze).
    with qtbot.waitSignal(window.today_page.loaded, timeout=WAIT):
        window.sidebar.setCurrentRow(0)
    qtbot.waitUntil(lambda: bool(batch_answers.summaries), timeout=WAIT)
    timer.stop()
    during = [tick for tick in ticks if tick >= started]
    gaps = [later - earlier for earlier, later in zip(during, during[1:])]
    assert batch_answers.summaries[0][0].startswith("Wrote 60 of 60 progress reports")
    assert len(during) >= 10 and max(gaps) < 0.5, (len(during), max(gaps))


def test_closing_during_a_batch_asks_then_stops_it(qtbot, window, context, batch_answers, monkeypatch):
    add_alumni(context, 57)
    page = reports(qtbot, window)
    panel = start_batch(qtbot, page)
    qtbot.waitUntil(lambda: panel.progress is not None and panel.progress.value() >= 1, timeout=WAIT)
    monkeypatch.setattr(dialogs, "confirm_stop_batch", lambda _parent: False)
    assert not window.close() and panel.running  # kept going
    monkeypatch.setattr(dialogs, "confirm_stop_batch", lambda _parent: True)
    assert window.close()
    assert disclosure_count(context) == len(list(batch_answers.folder.glob("*.pdf")))
