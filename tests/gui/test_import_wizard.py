"""The import wizard, driven page by page as a caseworker would, on a small CSV."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QFileDialog, QWizard

from aftercare_desktop.models.enums import Program
from aftercare_desktop.services import importing
from aftercare_desktop.services.directory import DirectoryQuery
from aftercare_desktop.services.importing import ImportFailed
from aftercare_desktop.views import import_wizard
from aftercare_desktop.views.import_wizard import (
    COL_DETAILS,
    COL_OUTCOME,
    PAGE_MAPPING,
    PAGE_PREVIEW,
    PAGE_SUMMARY,
    ImportWizard,
)
from tests.conftest import FIXED_TODAY

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal
ROWS = [
    ["Client #", "First Name", "Surname", "DOB", "Phone #", "Program", "Favourite colour"],
    ["AC-1", "José", "Núñez", "1990-01-01", "(555) 010-2020", "PHP", "blue"],  # on file, in IOP
    ["AC-10", "Ana", "Silva", "03/04/1985", "212-555-0142", "Residential", ""],
    ["AC-11", "Ben", "Okafor", "abc", "", "PHP", ""],
    ["AC-12", "Luz", "Ortega", "1979-12-31", "", "Intensive outpatient", "green"],
]


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "alumni.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows(ROWS)
    return path


@pytest.fixture
def wizard(qtbot, context):
    wizard = ImportWizard(context.database, context.actor, today=lambda: FIXED_TODAY)
    qtbot.addWidget(wizard)
    wizard.show()
    yield wizard
    wizard.runner.wait_for_done()


def next_button(wizard):
    return wizard.button(QWizard.WizardButton.NextButton)


def to_mapping(qtbot, wizard, path):
    wizard.file_page.path.setText(str(path))
    qtbot.mouseClick(next_button(wizard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_MAPPING, timeout=5000)


def to_preview(qtbot, wizard, path):
    to_mapping(qtbot, wizard, path)
    qtbot.mouseClick(next_button(wizard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_PREVIEW and wizard.preview_page.isComplete(), timeout=5000)


def client_ids(context) -> set[str]:
    query = DirectoryQuery()
    return {row.client_id for row in context.directory.rows(context.directory.matching_ids(query))}


def test_all_pages_import_the_valid_rows(qtbot, wizard, context, csv_file, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args, **_kw: (str(csv_file), ""))
    qtbot.mouseClick(wizard.file_page.browse, Qt.MouseButton.LeftButton)
    assert wizard.file_page.path.text() == str(csv_file)

    qtbot.mouseClick(next_button(wizard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_MAPPING, timeout=5000)
    page = wizard.mapping_page
    assert page.mapping() == {0: "client_id", 1: "first_name", 2: "last_name", 3: "date_of_birth",
                              4: "phone_mobile", 5: "program", 6: None}
    assert page.status.text() == "6 columns of 7 will be imported."

    qtbot.mouseClick(next_button(wizard), Qt.MouseButton.LeftButton)
    preview = wizard.preview_page
    qtbot.waitUntil(lambda: preview.isComplete(), timeout=5000)
    QAbstractItemModelTester(preview.model, FATAL)
    assert preview.counts.text() == "4 rows: 2 new records, 0 updates, 1 skipped as duplicates, 1 rejected."
    assert wizard.button(QWizard.WizardButton.CommitButton).text() == "&Import"
    outcomes = [preview.model.index(r, COL_OUTCOME).data() for r in range(preview.model.rowCount())]
    assert outcomes == ["Skipped (duplicate)", "New record", "Rejected", "New record"]
    rejected = preview.model.index(2, COL_DETAILS)
    assert rejected.data() == "Date of birth 'abc' is not a date"
    assert rejected.data(Qt.ItemDataRole.BackgroundRole) is not None  # highlighted
    assert preview.model.index(1, COL_DETAILS).data(Qt.ItemDataRole.BackgroundRole) is None

    preview.attention.setChecked(True)
    assert preview.model.rowCount() == 2
    preview.table.setCurrentIndex(preview.model.index(1, 0))
    assert preview.details.text() == "Row 4: Date of birth 'abc' is not a date"
    preview.attention.setChecked(False)

    with qtbot.waitSignal(wizard.imported, timeout=5000) as imported:
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.CommitButton), Qt.MouseButton.LeftButton)
    assert imported.args == [2]
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_SUMMARY, timeout=5000)
    summary = wizard.summary_page
    assert summary.title() == "Import finished"
    assert summary.summary.text() == "4 rows read: 2 created, 0 updated, 1 skipped as duplicates, 1 rejected."
    assert summary.rejected.toPlainText() == "row 4: Date of birth 'abc' is not a date"
    assert client_ids(context) == {"AC-1", "AC-2", "AC-3", "AC-10", "AC-12"}

    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert not wizard.isVisible()


def test_keyboard_only(qtbot, wizard, context, csv_file):
    qtbot.keyClicks(wizard.file_page.path, str(csv_file))
    qtbot.keyClick(wizard.file_page.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_MAPPING, timeout=5000)
    combos = wizard.mapping_page.combos
    combos[0].setFocus()
    qtbot.keyClick(combos[0], Qt.Key.Key_Tab)
    assert combos[1].hasFocus()  # Tab walks down the "Import as" column
    qtbot.keyClick(wizard, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: wizard.preview_page.isComplete(), timeout=5000)
    qtbot.keyClick(wizard, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)  # "&Update the record …"
    qtbot.waitUntil(lambda: wizard.plan is not None and wizard.plan.on_duplicate == "update", timeout=5000)
    assert wizard.preview_page.counts.text() == "4 rows: 2 new records, 1 update, 0 skipped as duplicates, 1 rejected."
    with qtbot.waitSignal(wizard.imported, timeout=5000) as imported:
        qtbot.keyClick(wizard, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)  # "&Import"
    assert imported.args == [3]
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_SUMMARY, timeout=5000)
    record = context.alumni.open_record(context.directory.matching_ids(DirectoryQuery(text="AC-1"))[0],
                                        context.actor)
    assert record.program is Program.PHP


def test_required_columns_must_be_chosen(qtbot, wizard, csv_file):
    to_mapping(qtbot, wizard, csv_file)
    page = wizard.mapping_page
    assert next_button(wizard).isEnabled()
    page.combos[0].setCurrentIndex(page.combos[0].findData(None))
    assert not next_button(wizard).isEnabled()
    assert page.status.text().startswith("No column is set to Client ID")
    page.combos[6].setCurrentIndex(page.combos[6].findData("first_name"))
    assert page.status.text() == ("Two columns ('First Name' and 'Favourite colour') are both set to First name; "
                                  "choose one.")
    page.combos[0].setCurrentIndex(page.combos[0].findData("client_id"))
    assert not next_button(wizard).isEnabled()
    page.combos[6].setCurrentIndex(page.combos[6].findData(None))
    assert next_button(wizard).isEnabled()


def test_an_unreadable_file_is_explained_on_the_page(qtbot, wizard, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    wizard.file_page.path.setText(str(empty))
    qtbot.mouseClick(next_button(wizard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.file_page.error.isVisible(), timeout=5000)
    assert wizard.file_page.error.text() == "empty.csv is empty."
    assert wizard.currentId() == 0
    assert next_button(wizard).isEnabled()


def test_a_failed_import_saves_nothing_and_says_so(qtbot, wizard, context, csv_file, monkeypatch):
    def fail(*_args, **_kwargs):
        raise ImportFailed("The database was busy or could not be reached. Nothing was saved; try again.")

    monkeypatch.setattr(importing, "apply_plan", fail)
    to_preview(qtbot, wizard, csv_file)
    signals = []
    wizard.imported.connect(signals.append)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CommitButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_SUMMARY, timeout=5000)
    assert wizard.summary_page.title() == "The import stopped"
    assert "Nothing was saved" in wizard.summary_page.summary.text()
    assert signals == []
    assert client_ids(context) == {"AC-1", "AC-2", "AC-3"}


def test_nothing_to_import_keeps_import_disabled(qtbot, wizard, tmp_path):
    path = tmp_path / "dupes.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([ROWS[0], ROWS[1]])
    to_mapping(qtbot, wizard, path)
    qtbot.mouseClick(next_button(wizard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.plan is not None, timeout=5000)
    assert wizard.preview_page.counts.text().endswith("There is nothing to import.")
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()


def test_preview_wording():
    report = importing.ImportReport([importing.PlannedRow(2, importing.Outcome.UPDATE)])
    assert import_wizard.describe_preview(report) == (
        "1 row: 0 new records, 1 update, 0 skipped as duplicates, 0 rejected.")


def test_a_corrected_file_is_read_again_and_keeps_the_column_choices(qtbot, wizard, csv_file):
    to_preview(qtbot, wizard, csv_file)
    assert wizard.plan.preview.rejected[0].row_number == 4
    wizard.mapping_page.combos[6].setCurrentIndex(wizard.mapping_page.combos[6].findData("notes"))
    wizard.back()
    wizard.back()
    fixed = [list(row) for row in ROWS]
    fixed[3][3] = "1982-05-06"  # the bad date, corrected in the spreadsheet
    with open(csv_file, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(fixed + [["AC-13", "Kim", "Park", "", "", "", ""]])
    to_preview(qtbot, wizard, csv_file)
    assert wizard.preview_page.counts.text() == "5 rows: 4 new records, 0 updates, 1 skipped as duplicates, 0 rejected."
    assert wizard.mapping_page.mapping()[6] == "notes"
