"""Administering an instrument from the profile's assessments panel, from the keyboard."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from aftercare_desktop.errors import AftercareError
from aftercare_desktop.models import Alumnus
from aftercare_desktop.models.enums import AuditAction
from aftercare_desktop.services import audit
from aftercare_desktop.services.assessments import ENTITY, AssessmentRecord, AssessmentService
from aftercare_desktop.services.instruments import AWARE, BARC_10
from aftercare_desktop.views import dialogs
from aftercare_desktop.views.assessments_panel import (
    COL_BAND,
    COL_DATE,
    COL_TOTAL,
    AssessmentHistoryModel,
    AssessmentsPanel,
    SortRole,
    describe_due,
)
from aftercare_desktop.views.background import TaskRunner
from tests.conftest import FIXED_TODAY

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal
DISCHARGED = date(2026, 3, 1)


def alumnus_id(context, client_id: str = "AC-1") -> int:
    with context.database.session() as session:
        return session.scalar(select(Alumnus.id).where(Alumnus.client_id == client_id))


@pytest.fixture
def runner(qtbot):
    runner = TaskRunner()
    yield runner
    runner.wait_for_done()


@pytest.fixture
def panel(qtbot, context, runner) -> AssessmentsPanel:
    panel = AssessmentsPanel(context, runner)
    qtbot.addWidget(panel)
    panel.resize(1000, 800)
    panel.show()
    with qtbot.waitSignal(panel.loaded, timeout=5000):
        panel.show_alumnus(alumnus_id(context), DISCHARGED)
    return panel


def type_keys(qtbot, keys: str) -> None:
    """Each key goes to whatever has the keyboard focus, as it would for a person typing."""
    for key in keys:
        qtbot.keyClick(QApplication.focusWidget(), key)


def open_dialog(qtbot, panel, code: str):
    card = panel.cards[code]
    assert card.button.isEnabled()
    qtbot.mouseClick(card.button, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert dialog is not None and dialog.definition.code == code
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.rows[0].hasFocus(), timeout=2000)
    return dialog


def test_administer_barc10_from_the_panel_with_number_keys(qtbot, context, panel):
    card = panel.cards[BARC_10]
    assert card.latest.text() == "Not given yet"
    assert card.due.text().startswith("Overdue since 2026-03-01")  # due at discharge, never given
    assert panel.history_stack.currentWidget() is panel.empty

    dialog = open_dialog(qtbot, panel, BARC_10)
    assert not dialog.save_button.isEnabled()
    type_keys(qtbot, "555444555")  # nine answers; each key moves on to the next item
    assert dialog.rows[9].hasFocus()
    assert dialog.progress.text() == "9 of 10 answered · running total 42 (range 10–60)"
    assert not dialog.save_button.isEnabled()
    type_keys(qtbot, "4")
    assert dialog.answers() == [5, 5, 5, 4, 4, 4, 5, 5, 5, 4]
    assert dialog.progress.text() == "Total 46 of 60 · Below 47"
    assert dialog.band.text().startswith("Below the cut-off.")
    assert dialog.save_button.isEnabled()

    # Back up to the last item and raise it by one with →: now at the cut-off.
    dialog.rows[9].setFocus()
    qtbot.keyClick(dialog.rows[9], Qt.Key.Key_Right)
    assert dialog.progress.text() == "Total 47 of 60 · 47 or above"
    assert dialog.band.text().startswith("Meets the cut-off.")

    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved, qtbot.waitSignal(panel.loaded, timeout=5000):
        qtbot.keyClick(dialog.rows[9], Qt.Key.Key_Return)  # Save is the default button
    record: AssessmentRecord = saved.args[0]
    assert (record.total, record.band, record.administered_on) == (47, "47 or above", FIXED_TODAY)
    assert record.answers == (5, 5, 5, 4, 4, 4, 5, 5, 5, 5)
    assert panel.dialog is None

    assert card.latest.text() == "Latest: 47 (47 or above) on 2026-06-15"
    assert card.due.text() == "Next due 2026-09-15 (in 92 days)"  # month 3 after discharge: every 3 months
    chart = card.chart.data
    assert chart.series[0].points == ((FIXED_TODAY, 47.0),)
    assert chart.reference.value == 47
    assert panel.history_stack.currentWidget() is panel.table
    assert panel.model.index(0, COL_TOTAL).data() == "47"
    assert panel.model.index(0, COL_BAND).data() == "47 or above"
    events = audit.events_for(context.database, ENTITY, record.id)
    assert [e.action for e in events] == [AuditAction.CREATE]


def test_keys_move_change_and_clear_answers(qtbot, panel):
    dialog = open_dialog(qtbot, panel, BARC_10)
    first = dialog.rows[0]
    type_keys(qtbot, "7")  # off the 1–6 scale: ignored, focus stays
    assert first.value is None and first.hasFocus()
    type_keys(qtbot, "0")
    assert first.value is None
    qtbot.keyClick(first, Qt.Key.Key_Right)  # from no answer, → starts at the bottom of the scale
    assert first.value == 1
    qtbot.keyClick(first, Qt.Key.Key_Left)  # and stays within it
    assert first.value == 1
    qtbot.keyClick(first, Qt.Key.Key_Delete)
    assert first.value is None
    qtbot.keyClick(first, Qt.Key.Key_Down)
    assert dialog.rows[1].hasFocus()
    qtbot.keyClick(dialog.rows[1], Qt.Key.Key_Up)
    assert first.hasFocus()
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    assert dialog.rows[1].hasFocus()
    # The mouse works too: a click answers, a second click on the same value clears.
    button = dialog.rows[2].buttons.button(3)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialog.rows[2].value == 3 and button.isChecked()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialog.rows[2].value is None and not button.isChecked()
    dialog.done(0)


def test_after_the_last_item_focus_goes_back_to_the_first_open_one(qtbot, panel):
    dialog = open_dialog(qtbot, panel, BARC_10)
    dialog.rows[9].setFocus()
    type_keys(qtbot, "3")
    assert dialog.rows[0].hasFocus()
    type_keys(qtbot, "666666666")
    assert dialog.rows[9].hasFocus()  # items are taken in order, answered or not
    type_keys(qtbot, "2")
    assert dialog.save_button.hasFocus()  # all answered: on to Save
    dialog.done(0)


def test_aware_takes_one_to_seven_and_reverses_its_items(qtbot, panel):
    dialog = open_dialog(qtbot, panel, AWARE)
    type_keys(qtbot, "8")
    assert dialog.rows[0].value is None
    type_keys(qtbot, "1" * 28)
    assert dialog.progress.text() == "Total 58 of 196 · 56–69"  # 23 × 1 + 5 reversed × 7
    assert dialog.band.text().startswith("Probability of heavy drinking")
    assert "paper form" in dialog.rows[23].text_label.text()  # item 24's wording is not on file
    assert dialog.findChild(type(dialog.progress), "wordingNote") is not None
    with qtbot.waitSignal(panel.loaded, timeout=5000):
        dialog.save()
    assert panel.cards[AWARE].latest.text() == "Latest: 58 (56–69) on 2026-06-15"
    assert panel.cards[AWARE].chart.data.reference is None


def test_save_waits_for_a_valid_date(qtbot, panel):
    dialog = open_dialog(qtbot, panel, BARC_10)
    type_keys(qtbot, "5" * 10)
    assert dialog.save_button.isEnabled()
    dialog.date.setText("2026-13-01")
    assert not dialog.save_button.isEnabled()
    assert dialog.date_error.isVisible() and "not a date" in dialog.date_error.text()
    dialog.date.setText("")
    assert not dialog.save_button.isEnabled()
    assert dialog.date_error.text() == "Enter the date the assessment was given."
    # A date in the future is refused by the service: the dialog stays open and says why.
    dialog.date.setText((FIXED_TODAY + timedelta(days=1)).isoformat())
    assert dialog.save_button.isEnabled()
    dialog.save()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=5000)
    assert dialog.error.text() == "The date the assessment was given cannot be in the future."
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    dialog.date.setText("2026-06-01")
    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        dialog.save()
    assert saved.args[0].administered_on == date(2026, 6, 1)


def test_leaving_with_answers_asks_first(qtbot, panel, answers):
    dialog = open_dialog(qtbot, panel, BARC_10)
    dialog.reject()  # nothing answered: closes without asking
    assert answers.asked == []
    dialog = open_dialog(qtbot, panel, BARC_10)
    type_keys(qtbot, "55")
    answers.leave = dialogs.Leave.STAY
    qtbot.keyClick(dialog.rows[2], Qt.Key.Key_Escape)
    assert answers.asked == ["unsaved"] and dialog.isVisible()
    answers.leave = dialogs.Leave.SAVE  # cannot save yet: says what is missing and stays
    dialog.reject()
    assert dialog.isVisible() and "Answer every item" in dialog.error.text()
    answers.leave = dialogs.Leave.DISCARD
    dialog.reject()
    assert not dialog.isVisible()
    assert panel.service.history(panel.alumnus_id) == []


def test_the_panel_takes_the_profile_record_and_asks_for_a_discharge_date(qtbot, context, runner):
    panel = AssessmentsPanel(context, runner)
    qtbot.addWidget(panel)
    record = context.alumni.open_record(alumnus_id(context, "AC-2"), context.actor)
    with qtbot.waitSignal(panel.loaded, timeout=5000):
        panel.show_alumnus(record)  # the profile's add_panel contract
    assert panel.alumnus_id == record.id and panel.alumnus_name == "Zoë Fischer"
    assert panel.cards[BARC_10].due.text() == "Not scheduled: add a discharge date to the record"
    assert panel.cards[BARC_10].chart.data.empty_text == "No BARC-10 results yet"


def test_a_broken_definition_file_is_shown_not_raised(qtbot, context, runner, monkeypatch):
    import aftercare_desktop.services.assessments as assessments

    def broken(*_args):
        raise AftercareError("Instrument file mine.json: 'items' is missing.")

    monkeypatch.setattr(assessments, "load_instruments", broken)
    context.assessments = AssessmentService(context.database, today=context.today)
    panel = AssessmentsPanel(context, runner)
    qtbot.addWidget(panel)
    panel.show_alumnus(alumnus_id(context), DISCHARGED)
    assert panel.cards == {}
    assert panel.message.text() == "Assessments cannot be shown: Instrument file mine.json: 'items' is missing."


def test_history_model(qtbot, context):
    service = AssessmentService(context.database, today=context.today)
    first = alumnus_id(context)
    service.record(first, BARC_10, date(2026, 4, 1), [4] * 10, context.actor)
    service.record(first, AWARE, date(2026, 5, 1), [2] * 28, context.actor)
    model = AssessmentHistoryModel()
    QAbstractItemModelTester(model, FATAL)
    model.set_rows(service.history(first))
    assert model.rowCount() == 2 and model.columnCount() == 5
    assert [model.index(r, COL_DATE).data() for r in range(2)] == ["2026-05-01", "2026-04-01"]
    assert model.index(1, COL_TOTAL).data() == "40" and model.index(1, COL_BAND).data() == "Below 47"
    assert model.index(0, COL_DATE).data(SortRole) == date(2026, 5, 1).toordinal()
    model.set_rows([])
    assert model.rowCount() == 0


@pytest.mark.parametrize(("due", "text", "warn"), [
    (FIXED_TODAY - timedelta(days=2), "Overdue since 2026-06-13 (2 days)", True),
    (FIXED_TODAY - timedelta(days=1), "Overdue since 2026-06-14 (1 day)", True),
    (FIXED_TODAY, "Due today", True),
    (FIXED_TODAY + timedelta(days=1), "Next due 2026-06-16 (in 1 day)", False),
])
def test_next_due_wording_at_its_boundaries(panel, due, text, warn):
    definition = panel.service.definition(BARC_10)
    assert describe_due(due, FIXED_TODAY, definition, DISCHARGED) == (text, warn)
