"""Edit → Team settings…: a threshold changed, saved (audited) and used by the Today page at once;
a value out of range refused with its reason and kept on screen; defaults restored; Cancel asks."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialogButtonBox, QDoubleSpinBox, QLineEdit, QSpinBox
from sqlalchemy import select

from aftercare_desktop.models import AuditEvent, TeamSetting
from aftercare_desktop.models.enums import AuditAction, CheckinCadence, CheckinMethod, CheckinOutcome
from aftercare_desktop.services.checkins import CheckInData, CheckInService
from aftercare_desktop.services.directory import DirectoryQuery
from aftercare_desktop.services.matching import WEIGHT_SETTINGS
from aftercare_desktop.services.team_settings import (
    DEFAULTS,
    EARLY_WARNING,
    SPECS,
    SettingInfo,
    SettingSpec,
    TeamSettingsService,
)
from aftercare_desktop.views import organisation_dialog
from aftercare_desktop.views.background import TaskRunner
from aftercare_desktop.views.dialogs import Leave
from aftercare_desktop.views.main_window import MainWindow
from aftercare_desktop.views.organisation_dialog import OrganisationDialog
from aftercare_desktop.views.settings_form import NOT_SAVED
from aftercare_desktop.views.team_settings_dialog import TeamSettingsDialog, field_for
from aftercare_desktop.views.widgets import EnumCombo
from tests.conftest import FIXED_TODAY
from tests.gui.windows import close_window, started_window

WAIT = 10_000
SAVE = QDialogButtonBox.StandardButton.Save
CANCEL = QDialogButtonBox.StandardButton.Cancel


@pytest.fixture
def runner(qtbot):
    runner = TaskRunner()
    yield runner
    runner.wait_for_done()


def open_dialog(qtbot, context, runner) -> TeamSettingsDialog:
    dialog = TeamSettingsDialog(context, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded_values is not None, timeout=WAIT)
    return dialog


def type_into(qtbot, dialog: TeamSettingsDialog, key: str, text: str) -> None:
    """Select what the spin box holds and type over it, as a coordinator does."""
    spin = dialog.fields[key].widget
    dialog.tabs.setCurrentWidget(dialog.pages[dialog.specs[key].info.group])
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)


def settings_events(context) -> list[tuple[AuditAction, list[str]]]:
    with context.database.session() as session:
        return [tuple(row) for row in session.execute(
            select(AuditEvent.action, AuditEvent.changed_fields)
            .where(AuditEvent.entity_type == "team_setting").order_by(AuditEvent.id))]


def stored_keys(context) -> set[str]:
    with context.database.session() as session:
        return set(session.scalars(select(TeamSetting.key)))


@pytest.fixture
def window(qtbot, context, answers):
    # Reached two months ago, then three calls unanswered: a reason to worry by the default threshold.
    alumnus_id = context.directory.matching_ids(DirectoryQuery())[0]
    noon = datetime(FIXED_TODAY.year, FIXED_TODAY.month, FIXED_TODAY.day, 12, tzinfo=timezone.utc)
    checkins = CheckInService(context.database, today=lambda: FIXED_TODAY, now=lambda: noon)
    for days_ago, outcome in ((60, CheckinOutcome.REACHED), (20, CheckinOutcome.NO_ANSWER),
                              (10, CheckinOutcome.NO_ANSWER), (5, CheckinOutcome.NO_ANSWER)):
        reached = outcome is CheckinOutcome.REACHED
        checkins.log(alumnus_id, CheckInData(
            occurred_at=noon - timedelta(days=days_ago), staff_id=context.actor.staff_id, method=CheckinMethod.CALL,
            outcome=outcome, mood=4 if reached else None, craving=1 if reached else None,
            used_since_last=False if reached else None), context.actor)
    window = started_window(qtbot, context)
    yield window
    close_window(window)


def attention_reasons(window) -> list[str]:
    model = window.today_page.sections["attention"].model
    return [model.index(row, 4).data() for row in range(model.rowCount())]


def test_a_threshold_changed_in_the_dialog_is_stored_audited_and_used_by_today_at_once(qtbot, window):
    assert any("calls in a row without an answer" in text for text in attention_reasons(window))
    assert window.team_settings_action.shortcut().toString() == "Ctrl+,"
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(TeamSettingsDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.loaded_values is not None, timeout=WAIT)
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
        "&Early warning", "&Today page", "&Mentor program"]
    assert not dialog.restore_buttons["unanswered_attempts"].isVisible()

    type_into(qtbot, dialog, "unanswered_attempts", "4")
    assert dialog.restore_buttons["unanswered_attempts"].isVisible()
    assert not dialog.errors["unanswered_attempts"].isVisible()
    with qtbot.waitSignal(window.today_page.loaded, timeout=WAIT):  # Today loads again, with the new value
        dialog.buttons.button(SAVE).click()
    qtbot.waitUntil(lambda: window.findChild(TeamSettingsDialog) is None, timeout=WAIT)  # closed is deleted

    context = window.context
    assert TeamSettingsService(context.database).load() == replace(DEFAULTS, unanswered_attempts=4)
    assert settings_events(context) == [(AuditAction.CREATE, ["unanswered_attempts"])]  # the key, never the value
    assert not any("without an answer" in text for text in attention_reasons(window))
    assert window.statusBar().currentMessage() == "Team settings saved."


def test_only_what_changed_is_stored(qtbot, context, runner):
    TeamSettingsService(context.database).set("barc10_cutoff", 45, context.actor)
    dialog = open_dialog(qtbot, context, runner)
    assert dialog.fields["barc10_cutoff"].value() == 45
    dialog.fields["default_checkin_cadence"].set_value(CheckinCadence.WEEKLY)
    dialog.fields["mood_drop"].set_value(1.5)
    with qtbot.waitSignal(dialog.saved, timeout=WAIT):
        dialog.buttons.button(SAVE).click()
    values = TeamSettingsService(context.database).load()
    assert (values.default_checkin_cadence, values.mood_drop, values.barc10_cutoff) == (CheckinCadence.WEEKLY, 1.5, 45)
    assert settings_events(context)[1:] == [(AuditAction.CREATE, ["default_checkin_cadence"]),
                                            (AuditAction.CREATE, ["mood_drop"])]


def test_a_value_out_of_range_is_refused_with_its_reason_and_kept(qtbot, context, runner):
    dialog = open_dialog(qtbot, context, runner)
    type_into(qtbot, dialog, "unanswered_attempts", "1")
    error = dialog.errors["unanswered_attempts"]
    assert error.isVisible() and error.text() == "Unanswered attempts in a row: enter 2 to 20 attempts."
    type_into(qtbot, dialog, "barc10_cutoff", "70")
    dialog.tabs.setCurrentIndex(2)  # saving from another tab
    dialog.buttons.button(SAVE).click()
    assert dialog.isVisible() and dialog.message.text() == NOT_SAVED
    assert dialog.errors["barc10_cutoff"].text() == "BARC-10 cut-off: enter 10 to 60 points."
    # The first refused field is shown and has the focus; what was typed is still there.
    assert dialog.tabs.currentWidget() is dialog.pages[EARLY_WARNING]
    assert dialog.fields["unanswered_attempts"].widget.hasFocus()
    assert dialog.fields["unanswered_attempts"].value() == 1 and dialog.fields["barc10_cutoff"].value() == 70
    assert stored_keys(context) == set() and settings_events(context) == []

    spin = dialog.fields["unanswered_attempts"].widget
    spin.stepBy(1)  # the arrows step back into the range
    assert spin.value() == 2 and not dialog.errors["unanswered_attempts"].isVisible()
    type_into(qtbot, dialog, "barc10_cutoff", "50")
    assert dialog.message.text() == ""  # nothing marked any more
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT):
        dialog.buttons.button(SAVE).click()
    values = TeamSettingsService(context.database).load()
    assert (values.unanswered_attempts, values.barc10_cutoff) == (2, 50)


def test_restore_a_default_and_all_of_them(qtbot, context, runner):
    service = TeamSettingsService(context.database)
    for key, value in (("unanswered_attempts", 5), ("milestone_days_ahead", 30), ("mentor_min_sobriety_months", 6)):
        service.set(key, value, context.actor)
    service.set("weight_age", 9, context.actor)  # edited on the Suggestions tab, not here
    dialog = open_dialog(qtbot, context, runner)
    assert "weight_age" not in dialog.fields
    assert dialog.restore_buttons["unanswered_attempts"].isVisible()
    default_hint = dialog.restore_buttons["unanswered_attempts"].toolTip()
    assert default_hint == "Back to the default: 3 attempts"

    dialog.restore_buttons["unanswered_attempts"].click()
    assert dialog.fields["unanswered_attempts"].value() == 3
    assert not dialog.restore_buttons["unanswered_attempts"].isVisible()
    assert dialog.restore_buttons["milestone_days_ahead"].isHidden() is False

    dialog.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).click()
    assert all(dialog.fields[key].value() == spec.default for key, spec in dialog.specs.items())
    assert stored_keys(context) == {"unanswered_attempts", "milestone_days_ahead", "mentor_min_sobriety_months",
                                    "weight_age"}  # nothing stored until Save
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT):
        dialog.buttons.button(SAVE).click()
    # Back to the defaults is no stored value at all: the team follows the app's recommendation again.
    assert stored_keys(context) == {"weight_age"}
    assert service.load().weight_age == 9 and service.load().unanswered_attempts == 3
    deleted = [fields[0] for action, fields in settings_events(context) if action is AuditAction.DELETE]
    assert sorted(deleted) == ["mentor_min_sobriety_months", "milestone_days_ahead", "unanswered_attempts"]


def test_cancel_with_changes_asks_first(qtbot, context, runner, answers):
    dialog = open_dialog(qtbot, context, runner)
    type_into(qtbot, dialog, "warning_sign_days", "21")

    answers.leave = Leave.STAY
    dialog.buttons.button(CANCEL).click()
    assert answers.asked == ["unsaved"] and dialog.isVisible()
    assert dialog.fields["warning_sign_days"].value() == 21
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert answers.asked == ["unsaved"] * 2 and dialog.isVisible()

    answers.leave = Leave.DISCARD
    with qtbot.waitSignal(dialog.rejected, timeout=WAIT):
        dialog.buttons.button(CANCEL).click()
    assert stored_keys(context) == set()

    again = open_dialog(qtbot, context, runner)
    with qtbot.waitSignal(again.rejected, timeout=WAIT):
        again.buttons.button(CANCEL).click()  # nothing changed: nothing to ask
    assert answers.asked == ["unsaved"] * 3

    third = open_dialog(qtbot, context, runner)
    type_into(qtbot, third, "warning_sign_days", "21")
    answers.leave = Leave.SAVE
    with qtbot.waitSignal(third.accepted, timeout=WAIT):
        third.buttons.button(CANCEL).click()
    assert TeamSettingsService(context.database).get("warning_sign_days") == 21


def test_cancel_asks_in_the_organisation_dialog_too(qtbot, context, runner, answers):
    dialog = OrganisationDialog(context, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded_values is not None, timeout=WAIT)
    dialog.lines["organisation_phone"].setText("(505) 555-0100")
    answers.leave = Leave.STAY
    dialog.reject()
    assert answers.asked == ["unsaved"] and dialog.isVisible()


def test_every_setting_is_edited_in_exactly_one_place(qtbot, context, runner):
    dialog = open_dialog(qtbot, context, runner)
    places = [set(dialog.fields), set(organisation_dialog.KEYS), set(WEIGHT_SETTINGS.values())]
    assert sum(len(keys) for keys in places) == len(SPECS)
    assert set().union(*places) == set(SPECS)
    # Each row says its default and shows its help, also as the tooltip.
    spec = SPECS["craving_slope"]
    assert dialog.fields["craving_slope"].widget.toolTip() == spec.info.help
    assert dialog.fields["craving_slope"].widget.suffix() == " points"


def spec(kind, default, minimum=None, maximum=None, choices=()) -> SettingSpec:
    return SettingSpec("x", kind, default, SettingInfo("X", "days", minimum, maximum), choices)


def test_an_input_for_every_kind_of_setting(qtbot):
    assert isinstance(field_for(spec(bool, True)).widget, QCheckBox)
    assert isinstance(field_for(spec(CheckinCadence, CheckinCadence.WEEKLY, choices=tuple(CheckinCadence))).widget,
                      EnumCombo)
    assert isinstance(field_for(spec(str, "")).widget, QLineEdit)
    number = field_for(spec(float, 0.5, 0.1, 1.0)).widget
    assert isinstance(number, QDoubleSpinBox)
    whole = field_for(spec(int, 3, 2, 20))
    qtbot.addWidget(whole.widget)
    assert isinstance(whole.widget, QSpinBox) and whole.widget.suffix() == " days"
    whole.set_value(20)
    whole.widget.stepBy(5)  # the arrows stop at the allowed maximum…
    assert whole.value() == 20
    whole.set_value(25)  # …typing may go beyond it, for the check to explain
    assert whole.value() == 25
    whole.widget.stepBy(-1)
    assert whole.value() == 20


def test_the_mentor_pages_follow_a_new_minimum_at_once(qtbot, context, answers):
    from tests.db.mentoring_data import MentoringBuilder

    build = MentoringBuilder(context.database, FIXED_TODAY, context.actor)
    ana = build.mentor("Ana")  # sober 800 days: 26 months
    mia = build.mentee("Mia")
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    page = window.mentoring_page
    window.sidebar.setCurrentRow(window.pages.indexOf(page))
    state = page.state
    qtbot.waitUntil(lambda: state.run is not None and not state.busy and bool(page.pool.rows), timeout=WAIT)
    assert [s.mentee_id for s in state.run.result.suggestions] == [mia]

    dialog = window.edit_team_settings()
    qtbot.waitUntil(lambda: dialog.loaded_values is not None, timeout=WAIT)
    type_into(qtbot, dialog, "mentor_min_sobriety_months", "36")
    dialog.buttons.button(SAVE).click()
    qtbot.waitUntil(lambda: not state.busy and not state.run.result.suggestions, timeout=WAIT)
    qtbot.waitUntil(lambda: not next(r for r in page.pool.rows if r.alumnus_id == ana).available, timeout=WAIT)
    row = next(r for r in page.pool.rows if r.alumnus_id == ana)
    assert "sober 26 months; the team asks for 3 years" in row.reasons
    close_window(window)
