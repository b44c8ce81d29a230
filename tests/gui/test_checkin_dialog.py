"""A caseworker logs a call from the keyboard alone, and a return to use through 'any use? yes'."""

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from aftercare_desktop.models import AftercarePlan, PlanWarningSign, RecurrenceEvent
from aftercare_desktop.models.enums import CheckinCadence, CheckinMethod, CheckinOutcome, PlanStatus, RecurrenceKind
from aftercare_desktop.services.audit import events_for
from aftercare_desktop.services.checkins import CheckInService
from aftercare_desktop.services.records import AlumnusData
from aftercare_desktop.services.sobriety import SobrietyService
from aftercare_desktop.views import checkin_dialog
from aftercare_desktop.views.background import SynchronousRunner, TaskRunner
from aftercare_desktop.views.checkin_dialog import CheckInDialog, ScaleInput
from tests.conftest import FIXED_TODAY

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def alumnus_id(context) -> int:
    """José, sober since 2026-01-10, with his own warning signs in an active plan."""
    record = context.alumni.create(
        AlumnusData(client_id="AC-10", first_name="José", last_name="Ramírez", caseworker_id=context.actor.staff_id,
                    sobriety_start_date=date(2026, 1, 10)), context.actor)
    with context.database.session() as session:
        plan = AftercarePlan(alumnus_id=record.id, version=1, status=PlanStatus.ACTIVE, start_date=date(2026, 1, 10),
                             checkin_cadence=CheckinCadence.WEEKLY)
        plan.warning_signs = [PlanWarningSign(position=0, text="Skipping dinner"),
                              PlanWarningSign(position=1, text="Staying in bed past noon")]
        session.add(plan)
        session.commit()
    return record.id


@pytest.fixture
def discard(monkeypatch):
    asked = []
    answer = {"discard": False}

    def confirm(_parent):
        asked.append(True)
        return answer["discard"]

    monkeypatch.setattr(checkin_dialog, "confirm_discard", confirm)
    return answer, asked


def open_dialog(qtbot, context, alumnus_id, runner=None) -> CheckInDialog:
    dialog = CheckInDialog(context, runner or SynchronousRunner(), alumnus_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isActiveWindow() and dialog.outcome.hasFocus(), timeout=3000)
    return dialog


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key as a person presses it: to whatever has the focus."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def type_text(qtbot, text: str) -> None:
    qtbot.keyClicks(QApplication.focusWidget(), text)


def test_opens_ready_for_a_call_now_by_the_acting_staff_member(qtbot, context, alumnus_id):
    dialog = open_dialog(qtbot, context, alumnus_id)
    assert dialog.outcome.hasFocus()
    assert dialog.who.currentText() == "Dana Reyes" and dialog.who.currentData() == context.actor.staff_id
    assert dialog.method.value() == CheckinMethod.CALL
    assert dialog.outcome.value() == CheckinOutcome.REACHED
    assert dialog.when.dateTime().toPython().date() == FIXED_TODAY
    assert dialog.heading.text() == "Check-in with José Ramírez · 156 days sober"
    texts = [box.text() for box, _ in dialog.sign_boxes]
    assert texts[:2] == ["“Skipping dinner”", "“Staying in bed past noon”"]  # their own words first
    assert "Irritability" in texts
    assert not dialog.is_dirty()


def test_log_a_call_with_the_keyboard_only(qtbot, context, alumnus_id):
    dialog = open_dialog(qtbot, context, alumnus_id)
    press(qtbot, Qt.Key.Key_Tab)
    assert dialog.mood.hasFocus()
    type_text(qtbot, "4")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "10")  # craving: "1" then "0" is 10
    press(qtbot, Qt.Key.Key_Tab)
    assert dialog.used.hasFocus()
    press(qtbot, Qt.Key.Key_Down)  # Not asked → No
    press(qtbot, Qt.Key.Key_Tab)
    assert dialog.meetings.hasFocus()
    type_text(qtbot, "2")
    press(qtbot, Qt.Key.Key_Tab)
    assert dialog.sign_boxes[0][0].hasFocus()
    press(qtbot, Qt.Key.Key_Space)  # “Skipping dinner”
    for _ in range(len(dialog.sign_boxes)):
        press(qtbot, Qt.Key.Key_Tab)
    assert dialog.notes.hasFocus()
    type_text(qtbot, "Doing ok, new job")
    with qtbot.waitSignal(dialog.logged, timeout=3000) as logged:
        press(qtbot, Qt.Key.Key_Return, CTRL)  # Ctrl+Enter saves, even in the notes
    assert dialog.result() == dialog.DialogCode.Accepted

    record = CheckInService(context.database).get(logged.args[0])
    assert (record.mood, record.craving, record.used_since_last, record.meetings_attended) == (4, 10, False, 2)
    assert record.warning_signs == ("Skipping dinner",) and record.notes == "Doing ok, new job"
    assert record.made_by == "Dana Reyes" and record.method is CheckinMethod.CALL
    assert record.follow_up_due is None


def test_no_answer_is_two_keys(qtbot, context, alumnus_id):
    dialog = open_dialog(qtbot, context, alumnus_id)
    press(qtbot, Qt.Key.Key_Down)  # Reached → No answer
    assert not dialog.mood.isEnabled() and not dialog.used.isEnabled()
    with qtbot.waitSignal(dialog.logged, timeout=3000) as logged:
        press(qtbot, Qt.Key.Key_Return)  # Enter saves
    record = CheckInService(context.database).get(logged.args[0])
    assert record.outcome is CheckinOutcome.NO_ANSWER and record.mood is None and record.craving is None


def test_validation_messages_are_inline_and_focus_the_first_problem(qtbot, context, alumnus_id):
    dialog = open_dialog(qtbot, context, alumnus_id)
    with qtbot.assertNotEmitted(dialog.logged):
        press(qtbot, Qt.Key.Key_Return)
    assert dialog.errors["mood"].isVisible() and "Mood is required" in dialog.errors["mood"].text()
    assert dialog.errors["craving"].isVisible()
    assert dialog.mood.hasFocus()
    assert dialog.isVisible()
    type_text(qtbot, "3")
    dialog.craving.set_value(0)  # zero is a real answer
    dialog.follow_up.setChecked(True)
    dialog.follow_up_due.set_date(FIXED_TODAY - timedelta(days=1))
    dialog.save()
    assert not dialog.errors["mood"].isVisible()
    assert "before the check-in" in dialog.errors["follow_up_due"].text()
    dialog.follow_up_due.setText("next week")
    dialog.save()
    assert "is not a date" in dialog.errors["follow_up_due"].text()
    dialog.follow_up_due.set_date(FIXED_TODAY + timedelta(days=3))
    with qtbot.waitSignal(dialog.logged, timeout=3000) as logged:
        dialog.save()
    assert CheckInService(context.database).get(logged.args[0]).follow_up_due == FIXED_TODAY + timedelta(days=3)


def test_the_notes_limit_is_shown_before_saving(qtbot, context, alumnus_id):
    dialog = open_dialog(qtbot, context, alumnus_id)
    dialog.mood.set_value(3)
    dialog.craving.set_value(3)
    dialog.notes.setPlainText("n" * 2001)
    assert dialog.notes_count.text() == "2,001 / 2,000"
    dialog.save()
    assert "at most 2,000" in dialog.errors["notes"].text()


def test_escape_asks_only_when_something_was_typed(qtbot, context, alumnus_id, discard):
    answer, asked = discard
    dialog = open_dialog(qtbot, context, alumnus_id)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "2")
    press(qtbot, Qt.Key.Key_Escape)
    assert asked and dialog.isVisible()  # "Cancel" in the question: keep typing
    answer["discard"] = True
    press(qtbot, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Rejected
    assert CheckInService(context.database).timeline(alumnus_id) == []

    asked.clear()
    untouched = open_dialog(qtbot, context, alumnus_id)
    press(qtbot, Qt.Key.Key_Escape)
    assert not asked and not untouched.isVisible()


def test_any_use_yes_opens_the_recurrence_flow_after_saving(qtbot, context, alumnus_id):
    dialog = open_dialog(qtbot, context, alumnus_id)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "2")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "8")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Y")
    assert dialog.used.currentText() == "Yes" and dialog.used_hint.isVisible()
    with qtbot.waitSignal(dialog.logged, timeout=3000) as logged:
        press(qtbot, Qt.Key.Key_Return)
    check_in_id = logged.args[0]
    recurrence = dialog.recurrence_dialog
    assert recurrence is not None
    qtbot.waitUntil(lambda: recurrence.isVisible() and recurrence.isActiveWindow(), timeout=3000)
    assert recurrence.occurred_on.hasFocus()
    assert dialog.isVisible()  # stays behind until the return to use is recorded
    assert recurrence.occurred_on.text() == FIXED_TODAY.isoformat()
    assert recurrence.current.text() == "2026-01-10 (156 days sober)"
    assert recurrence.preview.text().startswith("2026-06-16")

    recurrence.occurred_on.set_date(FIXED_TODAY - timedelta(days=2))
    assert recurrence.preview.text().startswith("2026-06-14")
    recurrence.save()
    assert "Choose lapse or relapse" in recurrence.errors["kind"].text()  # no default judgement
    recurrence.lapse.setFocus()
    qtbot.keyClick(recurrence.lapse, Qt.Key.Key_Space)
    recurrence.substance.setText("alcohol")
    recurrence.response_plan.setPlainText("Daily calls with sponsor for two weeks")
    with qtbot.waitSignal(dialog.recurrence_recorded, timeout=3000) as recorded:
        qtbot.keyClick(recurrence.substance, Qt.Key.Key_Return, CTRL)
    outcome = recorded.args[0]
    assert outcome.new_date == FIXED_TODAY - timedelta(days=1)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    assert dialog.result() == dialog.DialogCode.Accepted

    summary = SobrietyService(context.database, today=lambda: FIXED_TODAY).summary(alumnus_id)
    assert summary.start == date(2026, 6, 14) and summary.days_sober == 1
    with context.database.session() as session:
        event = session.query(RecurrenceEvent).filter_by(alumnus_id=alumnus_id).one()
        assert (event.kind, event.check_in_id, event.substance) == (RecurrenceKind.LAPSE, check_in_id, "alcohol")
    assert [e.changed_fields for e in events_for(context.database, "alumnus", alumnus_id)][-1] == (
        "sobriety_start_date",)


def test_closing_the_recurrence_form_keeps_the_saved_check_in(qtbot, context, alumnus_id):
    dialog = open_dialog(qtbot, context, alumnus_id)
    dialog.mood.set_value(2)
    dialog.craving.set_value(6)
    dialog.used.setCurrentIndex(2)
    with qtbot.waitSignal(dialog.logged, timeout=3000):
        dialog.save()
    recurrence = dialog.recurrence_dialog
    qtbot.waitUntil(recurrence.isVisible, timeout=3000)
    recurrence.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    assert len(CheckInService(context.database).timeline(alumnus_id)) == 1
    assert SobrietyService(context.database).recurrences(alumnus_id) == []


def test_saving_in_the_background_thread(qtbot, context, alumnus_id):
    runner = TaskRunner()
    dialog = open_dialog(qtbot, context, alumnus_id, runner)
    qtbot.waitUntil(lambda: dialog._loaded, timeout=3000)
    dialog.mood.set_value(5)
    dialog.craving.set_value(1)
    with qtbot.waitSignal(dialog.logged, timeout=5000):
        dialog.save()
    runner.wait_for_done()


def test_scale_input_keys(qtbot):
    craving = ScaleInput(0, 10, "none", "severe")
    qtbot.addWidget(craving)
    qtbot.keyClicks(craving, "7")
    assert craving.value() == 7
    qtbot.keyClicks(craving, "10")
    assert craving.value() == 10
    qtbot.keyClicks(craving, "0")
    assert craving.value() == 0
    qtbot.keyClick(craving, Qt.Key.Key_Left)
    assert craving.value() == 0
    qtbot.keyClick(craving, Qt.Key.Key_Right)
    assert craving.value() == 1
    qtbot.keyClick(craving, Qt.Key.Key_Delete)
    assert craving.value() is None
    mood = ScaleInput(1, 5, "very low", "very good")
    qtbot.addWidget(mood)
    qtbot.keyClicks(mood, "3")
    qtbot.keyClicks(mood, "0")  # out of range: ignored
    qtbot.keyClicks(mood, "9")
    assert mood.value() == 3
    qtbot.keyClicks(mood, "10")  # "1", then "0" is no 10 on a 1–5 scale
    assert mood.value() == 1
    qtbot.mouseClick(mood.buttons[5], Qt.MouseButton.LeftButton)
    assert mood.value() == 5 and mood.buttons[5].isChecked() and not mood.buttons[1].isChecked()


def mnemonics(widget) -> list[str]:
    from PySide6.QtWidgets import QAbstractButton, QLabel
    letters = []
    for child in widget.findChildren(QAbstractButton) + widget.findChildren(QLabel):
        text = child.text().replace("&&", "")
        if "&" in text and text.index("&") + 1 < len(text):
            letters.append(text[text.index("&") + 1].lower())
    return letters


def test_every_alt_key_in_the_dialog_is_used_once(qtbot, context, alumnus_id):
    dialog = open_dialog(qtbot, context, alumnus_id)
    letters = mnemonics(dialog)
    assert len(letters) >= 9 and len(letters) == len(set(letters)), letters
