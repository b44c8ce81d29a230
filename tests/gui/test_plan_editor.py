"""A caseworker makes and revises an aftercare plan through the real editor widgets."""

from datetime import time

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QAbstractItemModelTester
from sqlalchemy import select

from aftercare_desktop.models import Alumnus
from aftercare_desktop.models.enums import CheckinCadence, GoalStatus, MeetingKind, PlanStatus, RosterRole
from aftercare_desktop.services.audit import events_for
from aftercare_desktop.services.plan_templates import PlanTemplateService
from aftercare_desktop.services.plans import (
    CRISIS_LINES,
    GoalData,
    MeetingData,
    PlanService,
    RosterEntryData,
    TriggerData,
)
from aftercare_desktop.views import dialogs, template_editor
from aftercare_desktop.views.background import TaskRunner
from aftercare_desktop.views.plan_editor import PlanEditor
from aftercare_desktop.views.plan_parts import (
    GOAL_COLUMNS,
    MEETING_COLUMNS,
    ROSTER_COLUMNS,
    EditableRowsModel,
    TriggersModel,
)
from aftercare_desktop.views.template_editor import TemplateEditorDialog
from tests.conftest import FIXED_TODAY

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal
# Generous: on a loaded two-core machine a save in the background can take seconds.
WAIT_MS = 20_000


def private_runner() -> TaskRunner:
    """A runner with its own pool, so that work other tests left in the global pool cannot hold ours up."""
    return TaskRunner(pool=QThreadPool())


@pytest.fixture
def plans(context):
    return PlanService(context.database, lambda: FIXED_TODAY)


@pytest.fixture
def alumnus_id(context) -> int:
    """José Núñez, whose support contact is Rosa (a sponsor) and whose caseworker is Dana Reyes."""
    with context.database.session() as session:
        return session.scalar(select(Alumnus.id).where(Alumnus.client_id == "AC-1"))


@pytest.fixture
def editor(qtbot, context, answers, alumnus_id):
    PlanTemplateService(context.database).ensure_default_templates()
    runner = private_runner()
    editor = PlanEditor(context, runner)
    qtbot.addWidget(editor)
    editor.resize(1200, 900)
    editor.show()
    with qtbot.waitSignal(editor.loaded, timeout=WAIT_MS):
        editor.show_alumnus(alumnus_id)
    yield editor
    runner.wait_for_done()


def wait_for_plan_page(qtbot, editor) -> None:
    qtbot.waitUntil(lambda: editor.pages.currentIndex() == PlanEditor.PAGE_PLAN and not editor._busy, timeout=WAIT_MS)


def start_from(qtbot, editor, name: str) -> None:
    picker = editor.template_picker
    row = next(r for r in range(picker.count()) if picker.item(r).text() == name)
    picker.setFocus()
    picker.setCurrentRow(row)
    qtbot.keyClick(picker, Qt.Key.Key_Return)
    wait_for_plan_page(qtbot, editor)


def save(qtbot, editor) -> int:
    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS) as saved:
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    return saved.args[0]


def type_at_end(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    for number, line in enumerate(text.split("\n")):
        if number:
            qtbot.keyClick(edit, Qt.Key.Key_Return)
        qtbot.keyClicks(edit, line)


def test_empty_state_offers_the_templates(editor):
    assert editor.pages.currentIndex() == PlanEditor.PAGE_EMPTY
    picker = editor.template_picker
    names = [picker.item(r).text() for r in range(picker.count())]
    assert names == ["Alcohol", "General early recovery", "Opioids with medication-supported recovery",
                     "Stimulants", "Blank plan"]
    assert picker.currentItem().text() == "General early recovery"
    assert "José Núñez" not in editor.empty_text.text()  # opened by id: no name to use
    assert "support contacts" in editor.empty_text.text()


def test_create_a_plan_from_a_template_edit_a_trigger_and_save(qtbot, editor, plans, context, alumnus_id):
    start_from(qtbot, editor, "Alcohol")
    assert "not saved yet" in editor.heading.text()
    assert editor.is_dirty() and editor.save_button.isEnabled()
    assert editor.start_date.text() == FIXED_TODAY.isoformat() and editor.next_review.text() == "2026-09-13"
    assert editor.roster_model.rowCount() == 4  # Rosa, the caseworker, two crisis lines
    assert editor.roster_model.index(3, 3).data() == "1-800-662-4357"

    editor.triggers.select(1)
    assert editor.triggers.trigger_edit.text().startswith("Parties, weddings")
    type_at_end(qtbot, editor.triggers.strategies_edit, "\nText Rosa when I arrive and when I leave")
    editor.triggers.trigger_edit.setFocus()
    editor.triggers.trigger_edit.selectAll()
    qtbot.keyClicks(editor.triggers.trigger_edit, "My cousin's wedding in August")
    assert editor.triggers.model.index(1).data().startswith("My cousin's wedding in August  ·  5 strategies")

    plan_id = save(qtbot, editor)
    saved = plans.active_plan(alumnus_id)
    assert saved.id == plan_id and saved.version == 1 and saved.status is PlanStatus.ACTIVE
    assert saved.triggers[1].trigger == "My cousin's wedding in August"
    assert saved.triggers[1].coping_strategies[-1] == "Text Rosa when I arrive and when I leave"
    assert editor.heading.text() == "Aftercare plan · version 1 · active"
    assert not editor.is_dirty() and not editor.save_button.isEnabled()
    assert [editor.versions.item(r).text() for r in range(editor.versions.count())] == [
        f"Version 1 · active · {saved.created_at.astimezone().date().isoformat()} by Dana Reyes"]
    assert "Saved as version 1" in editor.message.text()
    assert [e.action.value for e in events_for(context.database, "aftercare_plan", plan_id)] == ["create"]


def test_saving_again_makes_version_2_and_keeps_version_1(qtbot, editor, plans, alumnus_id):
    start_from(qtbot, editor, "General early recovery")
    save(qtbot, editor)
    editor.cadence.setFocus()
    editor.cadence.set_value(CheckinCadence.BIWEEKLY)
    assert editor.is_dirty()
    save(qtbot, editor)
    history = plans.history(alumnus_id)
    assert [(h.version, h.status) for h in history] == [(2, PlanStatus.ACTIVE), (1, PlanStatus.SUPERSEDED)]
    assert plans.active_plan(alumnus_id).checkin_cadence is CheckinCadence.BIWEEKLY
    lines = [editor.versions.item(r).text() for r in range(editor.versions.count())]
    assert lines[0].startswith("Version 2 · active") and lines[1].startswith("Version 1 · superseded")


def test_an_older_version_opens_read_only_and_can_be_restored(qtbot, editor, plans, alumnus_id):
    start_from(qtbot, editor, "Stimulants")
    save(qtbot, editor)
    type_at_end(qtbot, editor.housing, "Sober-living house on Belmont")
    save(qtbot, editor)
    first = plans.history(alumnus_id)[1]
    with qtbot.waitSignal(editor.versions.itemClicked):
        item = editor.versions.item(1)
        qtbot.mouseClick(editor.versions.viewport(), Qt.MouseButton.LeftButton,
                         pos=editor.versions.visualItemRect(item).center())
    qtbot.waitUntil(lambda: editor._original is not None and editor._original.id == first.id, timeout=WAIT_MS)
    assert editor.banner.isVisible() and "cannot be changed" in editor.banner.text()
    assert not editor.save_button.isVisible() and editor.housing.isReadOnly()
    assert not editor.goals_model.flags(editor.goals_model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert editor.housing.toPlainText() == ""
    assert editor.maybe_leave()  # nothing to lose in a read-only view

    qtbot.mouseClick(editor.copy_button, Qt.MouseButton.LeftButton)
    assert "not saved yet" in editor.heading.text() and "(replaces version 2)" in editor.heading.text()
    save(qtbot, editor)
    restored = plans.active_plan(alumnus_id)
    assert restored.version == 3 and restored.housing_notes is None


def test_unsaved_changes_guard(qtbot, editor, answers, plans, alumnus_id):
    start_from(qtbot, editor, "General early recovery")
    answers.leave = dialogs.Leave.STAY
    assert not editor.maybe_leave()  # an unsaved draft is work to lose
    assert answers.asked == ["unsaved"]
    save(qtbot, editor)
    assert editor.maybe_leave() and answers.asked == ["unsaved"]  # nothing changed: no question

    type_at_end(qtbot, editor.signs, "\nI stop calling my sister")
    assert not editor.maybe_leave()
    answers.leave = dialogs.Leave.DISCARD
    assert editor.maybe_leave()
    assert "I stop calling my sister" not in editor.signs.toPlainText() and not editor.is_dirty()

    type_at_end(qtbot, editor.signs, "\nI stop calling my sister")
    answers.leave = dialogs.Leave.SAVE
    with qtbot.waitSignal(editor.saved, timeout=WAIT_MS):
        assert not editor.maybe_leave()  # saving runs in the background; the caller waits
    assert plans.active_plan(alumnus_id).warning_signs[-1] == "I stop calling my sister"


def test_cancel_undoes_edits_and_drops_a_draft(qtbot, editor, answers):
    start_from(qtbot, editor, "Alcohol")
    qtbot.mouseClick(editor.cancel_button, Qt.MouseButton.LeftButton)  # unchanged draft: no question
    assert editor.pages.currentIndex() == PlanEditor.PAGE_EMPTY and answers.asked == []
    start_from(qtbot, editor, "Alcohol")
    save(qtbot, editor)
    type_at_end(qtbot, editor.medication, "Naltrexone 50 mg daily")
    qtbot.mouseClick(editor.cancel_button, Qt.MouseButton.LeftButton)
    assert editor.medication.toPlainText() == "" and editor.message.text() == "Changes undone."


def test_problems_are_shown_where_they_are_and_nothing_is_saved(qtbot, editor, plans, alumnus_id):
    start_from(qtbot, editor, "General early recovery")
    editor.start_date.setFocus()
    editor.start_date.selectAll()
    qtbot.keyClick(editor.start_date, Qt.Key.Key_Delete)
    editor.next_review.setFocus()
    editor.next_review.selectAll()
    qtbot.keyClicks(editor.next_review, "13/13/2026")
    row = editor.meetings_model.add_row(MeetingData(MeetingKind.NA, per_week=1))
    editor.meetings_model.setData(editor.meetings_model.index(row, 5), 15)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.errors["start_date"].text() == "Start date is required"
    assert "is not a date" in editor.errors["next_review_date"].text()
    assert editor.errors["meetings"].text() == "Meeting 1: times per week must be 1 to 14"
    assert editor.message.text() == "Please correct 3 problems marked below before saving."
    assert editor.start_date.hasFocus()
    assert plans.history(alumnus_id) == []
    editor.start_date.setFocus()
    qtbot.keyClicks(editor.start_date, "2026-06-15")
    assert editor.errors["start_date"].isHidden()  # once shown, problems follow the typing


def test_meetings_and_the_call_list(qtbot, editor, plans, alumnus_id):
    start_from(qtbot, editor, "Blank plan")
    assert editor.meetings_total.text().startswith("No meetings yet")
    editor.meetings.add()
    editor.meetings_model.setData(editor.meetings_model.index(0, 1), "Hope on Halsted")
    editor.meetings_model.setData(editor.meetings_model.index(0, 2), 1)
    editor.meetings_model.setData(editor.meetings_model.index(0, 3), "7:30 pm")
    editor.meetings_model.setData(editor.meetings_model.index(0, 5), 2)
    assert editor.meetings_model.index(0, 3).data() == "7:30 PM"
    assert editor.meetings_total.text() == "Expected meetings per week: 2"
    assert not editor.meetings_model.setData(editor.meetings_model.index(0, 3), "half past seven")
    assert "is not a time" in editor.message.text()

    roster = editor.roster_model
    editor._fill_contacts_menu()
    assert [a.text() for a in editor.contacts_menu.actions()] == ["Everyone is on the list already"]
    roster.remove_row(0)  # Rosa
    editor._fill_contacts_menu()
    [rosa] = editor.contacts_menu.actions()
    assert rosa.text() == "Rosa (Sponsor) · (212) 555-0100"
    rosa.trigger()
    assert roster.index(roster.rowCount() - 1, 2).data() == "Rosa"
    editor.roster.table.setCurrentIndex(roster.index(roster.rowCount() - 1, 2))
    for _ in range(roster.rowCount() - 1):
        editor.roster.move(-1)
    assert [roster.index(r, 2).data() for r in range(roster.rowCount())][:2] == ["Rosa", "Dana Reyes"]
    assert roster.index(0, 0).data() == 1
    editor._fill_crisis_menu()
    assert [a.isEnabled() for a in editor.crisis_menu.actions()] == [False, False]

    save(qtbot, editor)
    saved = plans.active_plan(alumnus_id)
    assert saved.meetings == [MeetingData(MeetingKind.AA, "Hope on Halsted", 1, time(19, 30), None, 2)]
    assert [(r.role, r.name) for r in saved.roster][:2] == [(RosterRole.SPONSOR, "Rosa"),
                                                            (RosterRole.CASEWORKER, "Dana Reyes")]


def test_a_plan_changed_at_another_desk_is_not_overwritten(qtbot, editor, answers, plans, context, alumnus_id):
    start_from(qtbot, editor, "Alcohol")
    save(qtbot, editor)
    other_desk = plans.active_plan(alumnus_id)
    other_desk.housing_notes = "Moved in with his sister"
    plans.save(other_desk, context.actor)
    type_at_end(qtbot, editor.medication, "Naltrexone 50 mg daily")
    answers.reload_ok = True
    with qtbot.waitSignal(editor.loaded, timeout=WAIT_MS):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert answers.asked == ["reload"]
    assert editor.housing.toPlainText() == "Moved in with his sister" and editor.medication.toPlainText() == ""
    assert plans.active_plan(alumnus_id).version == 2


def test_opening_with_a_record_uses_the_name_and_an_active_plan_shows_directly(qtbot, context, answers, plans,
                                                                              alumnus_id):
    draft = plans.new_plan_from_template(alumnus_id, None)
    draft.goals = [GoalData("Find a sponsor", status=GoalStatus.IN_PROGRESS)]
    plans.save(draft, context.actor)
    record = context.alumni.open_record(alumnus_id, context.actor)
    runner = private_runner()
    editor = PlanEditor(context, runner)
    qtbot.addWidget(editor)
    with qtbot.waitSignal(editor.loaded, timeout=WAIT_MS):
        editor.show_alumnus(record)
    assert editor.pages.currentIndex() == PlanEditor.PAGE_PLAN
    assert editor.goals_model.index(0, 3).data() == "In progress"
    type_at_end(qtbot, editor.housing, "x")
    answers.leave = dialogs.Leave.STAY
    editor.maybe_leave()
    assert editor._question_name() == "the aftercare plan of José Núñez"
    runner.wait_for_done()


# -- the item models ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("columns, rows", [
    (GOAL_COLUMNS, [GoalData("Find a sponsor"), GoalData("See a doctor")]),
    (MEETING_COLUMNS, [MeetingData(MeetingKind.NA, "Hope", 1, time(19, 30), "Halsted St", 2)]),
    (ROSTER_COLUMNS, [RosterEntryData(RosterRole.SPONSOR, "Rosa", "(212) 555-0100"), *CRISIS_LINES]),
])
def test_rows_model_passes_qt_checks(qtbot, columns, rows):
    model = EditableRowsModel(columns, type(rows[0]))
    QAbstractItemModelTester(model, FATAL)
    model.set_rows(rows)
    added = model.add_row()
    assert model.rowCount() == len(rows) + 1
    assert model.move_row(added, -1) == added - 1
    model.remove_row(0)
    model.set_read_only(True)
    assert not model.setData(model.index(0, 1), "x")
    model.set_read_only(False)
    assert model.headerData(0, Qt.Orientation.Horizontal) == columns[0].header
    assert model.rows()[-1] == rows[-1]


def test_goal_model_edits_typed_values(qtbot):
    model = EditableRowsModel(GOAL_COLUMNS, GoalData)
    QAbstractItemModelTester(model, FATAL)
    model.add_row()
    assert model.setData(model.index(0, 2), "07/15/2026")
    assert model.index(0, 2).data() == "2026-07-15"
    assert model.setData(model.index(0, 3), GoalStatus.ACHIEVED.value)
    assert model.index(0, 3).data() == "Achieved"
    assert not model.setData(model.index(0, 3), GoalStatus.ACHIEVED)  # unchanged


def test_triggers_model_passes_qt_checks(qtbot):
    model = TriggersModel()
    QAbstractItemModelTester(model, FATAL)
    model.set_triggers([TriggerData("Payday", ["Pay rent first"]), TriggerData("Boredom", [])])
    row = model.add_trigger()
    model.set_trigger_text(row, "Loneliness")
    model.set_strategies(row, ["Call Rosa", "", "Go to a meeting"])
    assert model.index(row).data() == "Loneliness  ·  2 strategies"
    assert model.move_trigger(row, -2) == 0
    model.remove_trigger(2)
    assert [t.trigger for t in model.triggers()] == ["Loneliness", "Payday"]


# -- the template editor ----------------------------------------------------------------------------------------


@pytest.fixture
def template_dialog(qtbot, context, answers, monkeypatch):
    PlanTemplateService(context.database).ensure_default_templates()
    runner = private_runner()
    dialog = TemplateEditorDialog(context, runner)
    qtbot.addWidget(dialog)
    dialog.confirmations = []
    monkeypatch.setattr(template_editor, "confirm_delete_template",
                        lambda _parent, name: dialog.confirmations.append(name) or dialog.confirm_answer)
    dialog.confirm_answer = False
    qtbot.waitUntil(lambda: dialog.list.count() == 4 and not dialog._busy, timeout=WAIT_MS)
    dialog.show()
    yield dialog
    answers.leave = dialogs.Leave.DISCARD
    runner.wait_for_done()


def choose(dialog, name: str) -> None:
    row = next(r for r in range(dialog.list.count()) if dialog.list.item(r).text() == name)
    dialog.list.setCurrentRow(row)


def save_template(qtbot, dialog) -> int:
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    return saved.args[0]


def test_the_team_edits_a_templates_strategies(qtbot, template_dialog, context):
    dialog = template_dialog
    choose(dialog, "Stimulants")
    assert dialog.name.text() == "Stimulants" and not dialog.save_button.isEnabled()
    dialog.triggers.select(0)
    type_at_end(qtbot, dialog.triggers.strategies_edit, "\nSet up an automatic transfer to savings")
    assert dialog.is_dirty() and dialog.save_button.isEnabled()
    template_id = save_template(qtbot, dialog)
    stored = PlanTemplateService(context.database).get(template_id)
    assert stored.triggers[0].coping_strategies[-1] == "Set up an automatic transfer to savings"
    assert dialog.message.text() == "Saved “Stimulants”." and not dialog.is_dirty()
    assert [(e.action.value, e.changed_fields) for e in events_for(context.database, "plan_template", template_id)] \
        == [("create", ("description", "goals", "name", "triggers", "warning_signs")), ("update", ("triggers",))]


def test_a_new_template_needs_a_unique_name(qtbot, template_dialog, answers):
    dialog = template_dialog
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    assert dialog.name.hasFocus() and dialog.list.currentRow() == -1
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors["name"].text() == "Name is required"
    qtbot.keyClicks(dialog.name, "Alcohol")
    assert dialog.errors["name"].isHidden()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(answers.problems), timeout=WAIT_MS)
    assert answers.problems == ["Another template is already named 'Alcohol'."]
    dialog.name.selectAll()
    qtbot.keyClicks(dialog.name, "Cannabis")
    dialog.triggers.add()
    qtbot.keyClicks(dialog.triggers.trigger_edit, "Evenings at home")
    qtbot.keyClicks(dialog.triggers.strategies_edit, "Go for a walk")
    dialog.goals.add()
    dialog.goals_model.setData(dialog.goals_model.index(0, 0), "Sleep without using")
    save_template(qtbot, dialog)
    assert [dialog.list.item(r).text() for r in range(dialog.list.count())] == [
        "Alcohol", "Cannabis", "General early recovery", "Opioids with medication-supported recovery", "Stimulants"]
    assert dialog.list.currentItem().text() == "Cannabis"


def test_switching_or_closing_with_unsaved_edits_asks(qtbot, template_dialog, answers):
    dialog = template_dialog
    choose(dialog, "Alcohol")
    type_at_end(qtbot, dialog.signs, "\nI buy a bottle \"for later\"")
    answers.leave = dialogs.Leave.STAY
    choose(dialog, "Stimulants")
    qtbot.waitUntil(lambda: dialog.list.currentItem().text() == "Alcohol", timeout=2000)
    assert answers.asked == ["unsaved"] and dialog.name.text() == "Alcohol" and dialog.is_dirty()
    dialog.reject()
    assert dialog.isVisible() and answers.asked == ["unsaved", "unsaved"]
    answers.leave = dialogs.Leave.DISCARD
    choose(dialog, "Stimulants")
    assert dialog.name.text() == "Stimulants"
    choose(dialog, "Alcohol")
    assert "for later" not in dialog.signs.toPlainText()
    dialog.reject()
    assert not dialog.isVisible()


def test_delete_asks_first(qtbot, template_dialog, context):
    dialog = template_dialog
    choose(dialog, "Alcohol")
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert dialog.confirmations == ["Alcohol"] and dialog.message.text() == "Not deleted."
    dialog.confirm_answer = True
    with qtbot.waitSignal(dialog.deleted, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert "Alcohol" not in {t.name for t in PlanTemplateService(context.database).list()}
    assert dialog.list.count() == 3 and dialog.list.currentItem().text() == "General early recovery"


def test_showing_the_same_alumnus_again_keeps_unsaved_edits(qtbot, editor, alumnus_id):
    start_from(qtbot, editor, "Alcohol")
    type_at_end(qtbot, editor.housing, "Sober-living house on Belmont")
    editor.show_alumnus(alumnus_id)  # as the profile does after its record is saved
    assert editor.housing.toPlainText() == "Sober-living house on Belmont" and editor.is_dirty()


def test_only_spaces_changed_makes_no_new_version(qtbot, editor, plans, alumnus_id):
    start_from(qtbot, editor, "Alcohol")
    save(qtbot, editor)
    type_at_end(qtbot, editor.signs, "\n   ")
    assert editor.is_dirty() is False  # blank lines do not count
    editor.goals_model.setData(editor.goals_model.index(0, 0), editor.goals_model.index(0, 0).data() + "  ")
    assert editor.is_dirty()
    save(qtbot, editor)
    assert editor.message.text() == "Nothing to save: the plan is unchanged at version 1."
    assert len(plans.history(alumnus_id)) == 1 and not editor.is_dirty()
