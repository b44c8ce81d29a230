"""Export PDF…, Preview and Print… from an alumnus's record, through the real dialog and the export service."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from aftercare_desktop.models.enums import AuditAction, CheckinMethod, CheckinOutcome, NoticeStatement
from aftercare_desktop.reports import DocumentKind, ExportService
from aftercare_desktop.services.audit import events_for
from aftercare_desktop.services.checkins import CheckInData, CheckInService
from aftercare_desktop.services.team_settings import TeamSettingsService, logo_bytes
from aftercare_desktop.views import dialogs, organisation_dialog
from aftercare_desktop.views.background import TaskRunner
from aftercare_desktop.views.export_dialog import ExportDialog, Subject
from aftercare_desktop.views.organisation_dialog import OrganisationDialog
from aftercare_desktop.views.pdf_preview import PreviewDialog
from aftercare_desktop.views.profile_view import ProfileView
from tests.gui.windows import close_window, started_window

WAIT = 20_000


@pytest.fixture
def runner(qtbot):
    runner = TaskRunner()
    yield runner
    runner.wait_for_done()


@pytest.fixture
def nunez(context) -> Subject:
    alumnus = next(row for row in context.directory.rows([1, 2, 3]) if row.client_id == "AC-1")
    return Subject(alumnus.id, "José Núñez", alumnus.client_id)


def export_dialog(qtbot, context, runner, subject, kind=DocumentKind.PROGRESS) -> ExportDialog:
    dialog = ExportDialog(context, runner, subject, kind)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.history.text() != "", timeout=WAIT)
    return dialog


def fill(qtbot, dialog: ExportDialog, recipient: str, purpose: str) -> None:
    qtbot.keyClicks(dialog.options.recipient, recipient)
    qtbot.keyClicks(dialog.options.purpose, purpose)


def disclosures(context, alumnus_id: int):
    return ExportService(context.database, context.actor, today=context.today).disclosures(alumnus_id)


def pdf_pages(path: Path) -> int:
    return len(PdfReader(io.BytesIO(path.read_bytes())).pages)


def text_of(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_export_from_a_record_writes_the_pdf_and_records_the_disclosure(qtbot, context, runner, files):
    profile = ProfileView(context, runner)
    qtbot.addWidget(profile)
    profile.set_staff(context.staff_members())
    profile.show()
    alumnus_id = context.directory.rows([1])[0].id
    with qtbot.waitSignal(profile.loaded, timeout=WAIT):
        profile.load(alumnus_id)
    assert profile.export_button.isEnabled()
    qtbot.mouseClick(profile.export_button, Qt.MouseButton.LeftButton)
    dialog = profile.findChild(ExportDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.history.text() != "", timeout=WAIT)
    assert dialog.history.text() == "Nothing about this person has been exported or printed yet."
    fill(qtbot, dialog, "Dr. Rivera, Hope Clinic", "Continuing care")
    files.open_it = True
    with qtbot.waitSignal(dialog.actions.exported, timeout=WAIT) as exported:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)

    outcome = exported.args[0]
    assert outcome.path == files.save_to and files.save_to.is_file()
    assert files.suggested[0].name == "progress-report-AC-1-2026-03-18-2026-06-15.pdf"  # no name in it
    text = text_of(files.save_to)
    assert "José Núñez" in text and "Dr. Rivera, Hope Clinic" in text and "42 CFR part 2" in text
    assert not list(files.save_to.parent.glob("*.part"))
    [record] = disclosures(context, alumnus_id)
    assert (record.action, record.document, record.recipient, record.purpose) == (
        AuditAction.EXPORT, DocumentKind.PROGRESS, "Dr. Rivera, Hope Clinic", "Continuing care")
    assert record.notice is NoticeStatement.STATEMENT_1 and record.by == "Dana Reyes"
    assert AuditAction.EXPORT in [event.action for event in events_for(context.database, "alumnus", alumnus_id)]
    assert files.opened == [files.save_to]  # offered, accepted, opened
    assert "Exported" in dialog.message.text() and "Recorded as disclosed" in dialog.message.text()


def test_refuses_a_progress_report_without_recipient_and_purpose_and_says_why(qtbot, context, runner, files,
                                                                               nunez):
    dialog = export_dialog(qtbot, context, runner, nunez)
    assert dialog.options.form.labelForField(dialog.options.errors["recipient"].parentWidget()).text() \
        == "&Recipient *"
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=WAIT)
    assert dialog.options.errors["recipient"].isVisible()
    assert dialog.options.errors["recipient"].text() == "Say who the document is for (the recipient)"
    assert dialog.options.errors["purpose"].text() == "Say what the document is for (the purpose)"
    assert dialog.message.text() == "Not done: 2 things to correct, marked above."
    assert dialog.options.recipient.hasFocus()
    assert files.asked == []  # no file dialog for a document that would be refused
    dialog.print_button.click()
    qtbot.waitUntil(lambda: dialog.print_button.isEnabled(), timeout=WAIT)
    assert files.asked == [] and disclosures(context, nunez.alumnus_id) == []

    # With only the recipient, the purpose is still asked for; the recipient's message goes away.
    qtbot.keyClicks(dialog.options.recipient, "County Drug Court")
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=WAIT)
    assert not dialog.options.errors["recipient"].isVisible()
    assert dialog.options.errors["purpose"].isVisible() and files.asked == []


def test_the_alumnus_own_plan_needs_no_recipient_and_is_recorded_as_theirs(qtbot, context, runner, files, nunez):
    dialog = export_dialog(qtbot, context, runner, nunez, DocumentKind.PLAN)
    assert not dialog.options.recipient.text()
    assert not dialog.options.form.isRowVisible(dialog.options.errors["sections"].parentWidget())
    assert not dialog.options.form.isRowVisible(dialog.options.errors["notice"].parentWidget())
    with qtbot.waitSignal(dialog.actions.exported, timeout=WAIT):
        dialog.export_button.click()
    assert "988" in text_of(files.save_to)
    [record] = disclosures(context, nunez.alumnus_id)
    assert (record.document, record.recipient, record.notice) == (DocumentKind.PLAN, "The alumnus", None)


def test_cancelling_the_file_dialog_writes_and_records_nothing(qtbot, context, runner, files, nunez):
    dialog = export_dialog(qtbot, context, runner, nunez, DocumentKind.WALLET_CARD)
    files.save_to = None
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() == "Not exported.", timeout=WAIT)
    assert disclosures(context, nunez.alumnus_id) == []


def test_preview_shows_every_page_and_records_nothing(qtbot, context, runner, files, nunez):
    dialog = export_dialog(qtbot, context, runner, nunez)
    fill(qtbot, dialog, "Sober House", "Residence application")
    dialog.options.statement_2.setChecked(True)
    with qtbot.waitSignal(dialog.actions.previewed, timeout=WAIT) as previewed:
        dialog.preview_button.click()
    preview: PreviewDialog = previewed.args[0]
    assert preview.isVisible()
    pages = preview.rendered.pages
    assert pages >= 2 and preview.page_count == pages
    assert preview.page_label.text() == f"Page 1 of {pages}"
    assert not preview.previous_button.isEnabled() and preview.next_button.isEnabled()
    preview.next_button.click()
    qtbot.waitUntil(lambda: preview.page_label.text() == f"Page 2 of {pages}", timeout=WAIT)

    def painted() -> bool:  # QPdfView renders pages on a thread of its own: text appears, not only paper
        image = preview.view.viewport().grab().toImage()
        return len({image.pixel(x, y) for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)}) > 3

    qtbot.waitUntil(painted, timeout=WAIT)
    assert preview.rendered.notice is NoticeStatement.STATEMENT_2
    assert disclosures(context, nunez.alumnus_id) == []


def test_print_to_a_pdf_file_renders_every_page_and_records_the_print(qtbot, context, runner, files, nunez):
    dialog = export_dialog(qtbot, context, runner, nunez)
    fill(qtbot, dialog, "Dr. Rivera", "Continuing care")
    with qtbot.waitSignal(dialog.actions.previewed, timeout=WAIT) as previewed:
        dialog.preview_button.click()
    preview = previewed.args[0]
    with qtbot.waitSignal(dialog.actions.printed, timeout=WAIT):
        preview.print_button.click()  # printing from the preview prints what was previewed
    assert files.asked == ["printer"]
    printed = PdfReader(str(files.print_to))
    assert len(printed.pages) == preview.rendered.pages
    width, height = float(printed.pages[0].mediabox.width), float(printed.pages[0].mediabox.height)
    assert height > width  # portrait, as the document
    [record] = disclosures(context, nunez.alumnus_id)
    assert (record.action, record.recipient) == (AuditAction.PRINT, "Dr. Rivera")
    assert "Sent" in dialog.message.text() and "recorded as printed" in dialog.message.text()


def test_print_a_page_range_and_a_cancelled_print(qtbot, context, runner, files, nunez):
    dialog = export_dialog(qtbot, context, runner, nunez)
    fill(qtbot, dialog, "Dr. Rivera", "Continuing care")
    files.page_range = (2, 2)
    with qtbot.waitSignal(dialog.actions.printed, timeout=WAIT):
        dialog.print_button.click()
    assert pdf_pages(files.print_to) == 1
    files.print_to = None  # the person closes the print dialog
    dialog.print_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() == "Not printed.", timeout=WAIT)
    assert [r.action for r in disclosures(context, nunez.alumnus_id)] == [AuditAction.PRINT]


def test_organisation_and_notices_reach_the_documents(qtbot, context, runner, files, nunez, tmp_path, monkeypatch):
    dialog = OrganisationDialog(context, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded_values is not None, timeout=WAIT)
    name = dialog.lines["organisation_name"]
    name.selectAll()
    qtbot.keyClicks(name, "Puente Recovery Center")
    dialog.blocks["organisation_address"].setPlainText("12 Calle Núñez\nSanta Fe, NM 87501")
    dialog.statement.set_value(NoticeStatement.STATEMENT_2)
    dialog.blocks["notice_statement_2"].setPlainText("Records of Part 2 programs: no redisclosure.")
    not_an_image = tmp_path / "logo.png"
    not_an_image.write_bytes(b"not an image")
    monkeypatch.setattr(organisation_dialog, "choose_logo_file", lambda _parent: not_an_image)
    dialog.choose_logo()
    assert dialog.errors["organisation_logo"].text() == "Logo: choose a PNG or JPEG image."
    image = QImage(40, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("#8a2be2"))
    image.save(str(tmp_path / "puente.png"))
    monkeypatch.setattr(organisation_dialog, "choose_logo_file", lambda _parent: tmp_path / "puente.png")
    dialog.choose_logo()
    assert not dialog.errors["organisation_logo"].isVisible() and dialog.default_logo.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    values = TeamSettingsService(context.database).load()
    assert values.organisation_name == "Puente Recovery Center"
    assert values.disclosure_notice is NoticeStatement.STATEMENT_2
    assert logo_bytes(values.organisation_logo) == (tmp_path / "puente.png").read_bytes()

    export = export_dialog(qtbot, context, runner, nunez)
    assert export.options.statement_2.isChecked()  # the team's default now
    fill(qtbot, export, "Dr. Rivera", "Continuing care")
    with qtbot.waitSignal(export.actions.exported, timeout=WAIT):
        export.export_button.click()
    text = text_of(files.save_to)
    assert "Puente Recovery Center" in text and "Santa Fe, NM 87501" in text
    assert "Records of Part 2 programs: no redisclosure." in text


def test_organisation_dialog_refuses_a_name_too_long(qtbot, context, runner, answers):
    dialog = OrganisationDialog(context, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded_values is not None, timeout=WAIT)
    dialog.blocks["notice_statement_2"].setPlainText("x" * 1001)
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.errors["notice_statement_2"].text().startswith("Text of Statement 2 (abbreviated): at most 1,000")
    assert dialog.isVisible() and dialog.message.text() == "Not saved: correct what is marked."
    answers.leave = dialogs.Leave.DISCARD  # closing with the text still there asks first
    dialog.reject()
    assert answers.asked == ["unsaved"] and not dialog.isVisible()


def test_file_menu_exports_for_the_person_selected_on_today_or_the_open_record(qtbot, context, files):
    # José was last reached two months ago: overdue on Today.
    noon = datetime(2026, 6, 15, 12, tzinfo=timezone.utc)
    CheckInService(context.database, today=context.today, now=lambda: noon).log(
        1, CheckInData(occurred_at=noon - timedelta(days=60), staff_id=context.actor.staff_id,
                       method=CheckinMethod.CALL, outcome=CheckinOutcome.REACHED, mood=4, craving=1), context.actor)
    window = started_window(qtbot, context)
    assert window.export_document() is None  # nobody selected yet
    assert "Open a record, or select someone" in window.statusBar().currentMessage()

    section = next(view for view in window.today_page.sections.values() if view.model.rowCount())
    section.table.setFocus()
    section.table.selectRow(0)
    row = section.model.row_at(0)
    dialog = window.export_document(print_first=True)
    assert isinstance(dialog, ExportDialog) and dialog.subject == Subject(row.alumnus_id, row.name, row.client_id)
    assert dialog.print_button.isDefault() and not dialog.export_button.isDefault()
    dialog.close()
    qtbot.waitUntil(lambda: window.today_page.findChild(ExportDialog) is None, timeout=WAIT)  # closed is deleted
    section.export_requested.emit(row)  # "Export PDF…" of the row's context menu
    dialog = window.today_page.findChild(ExportDialog)
    assert dialog is not None and dialog.subject.client_id == row.client_id
    dialog.close()

    window.open_alumnus(row.alumnus_id)
    qtbot.waitUntil(lambda: window.alumni_page.profile.alumnus_id == row.alumnus_id, timeout=WAIT)
    window.export_action.trigger()
    dialog = window.alumni_page.profile.findChild(ExportDialog)
    assert dialog is not None and dialog.subject.alumnus_id == row.alumnus_id and dialog.export_button.isDefault()
    dialog.close()
    close_window(window)
