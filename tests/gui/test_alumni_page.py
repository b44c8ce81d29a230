"""A caseworker finds, opens, edits and saves alumni — through the real widgets."""

import pytest
from PySide6.QtCore import Qt

from aftercare_desktop.models.enums import AlumniStatus
from aftercare_desktop.services.audit import events_for
from aftercare_desktop.views import dialogs
from tests.gui.windows import close_window, show_alumni, started_window


@pytest.fixture
def window(qtbot, context, answers):
    window = started_window(qtbot, context)
    show_alumni(qtbot, window)
    yield window
    answers.leave = dialogs.Leave.DISCARD  # tests may leave edits behind; closing must not ask
    close_window(window)


def search(qtbot, window, typed: str) -> None:
    page = window.alumni_page
    with qtbot.waitSignal(page.model.loaded, timeout=5000):
        qtbot.keyClicks(page.directory.search, typed)
    qtbot.waitUntil(lambda: not page.model.is_loading, timeout=5000)


def open_first_match(qtbot, window, typed: str):
    search(qtbot, window, typed)
    profile = window.alumni_page.profile
    with qtbot.waitSignal(profile.loaded, timeout=5000):
        qtbot.keyClick(window.alumni_page.directory.search, Qt.Key.Key_Return)
    return profile


def edit(qtbot, widget, value: str) -> None:
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, value) if value else qtbot.keyClick(widget, Qt.Key.Key_Delete)


def test_window_shows_database_staff_and_count(window):
    assert window.windowTitle() == "Aftercare Desktop"
    assert "aftercare.sqlite" in window.database_label.text()
    assert window.staff_label.text() == "Working as: Dana Reyes"
    assert window.alumni_page.directory.count_label.text() == "3 alumni"
    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == [
        "Today", "Alumni", "Mentoring", "Pairing review", "Reports"]


def test_search_as_you_type_ignores_accents(qtbot, window):
    search(qtbot, window, "nunez")
    directory = window.alumni_page.directory
    assert directory.count_label.text() == "1 alumnus"
    assert window.alumni_page.model.index(0, 0).data() == "Núñez, José"


def test_keyboard_only_open_and_back(qtbot, window):
    profile = open_first_match(qtbot, window, "fisch")
    assert window.alumni_page.currentWidget() is profile
    assert profile.heading.text() == "Zoë Fischer"
    qtbot.keyClick(profile, Qt.Key.Key_Escape)
    assert window.alumni_page.currentWidget() is window.alumni_page.directory


def test_arrow_down_moves_from_search_into_the_list(qtbot, window):
    directory = window.alumni_page.directory
    qtbot.keyClick(directory.search, Qt.Key.Key_Down)
    assert directory.table.hasFocus()
    qtbot.keyClick(directory.table, Qt.Key.Key_Down)
    with qtbot.waitSignal(window.alumni_page.profile.loaded, timeout=5000):
        qtbot.keyClick(directory.table, Qt.Key.Key_Return)
    assert window.alumni_page.profile.heading.text() == "Thảo Nguyễn"


def test_edit_and_save(qtbot, window, context):
    profile = open_first_match(qtbot, window, "AC-1")
    edit(qtbot, profile.text["city"], "Chicago")
    assert profile.save_button.isEnabled()
    with qtbot.waitSignal(profile.saved, timeout=5000):
        qtbot.keyClick(profile, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert profile.message.text().startswith("Saved at")
    assert not profile.is_dirty()
    assert context.alumni.open_record(profile.alumnus_id, context.actor).city == "Chicago"
    assert events_for(context.database, "alumnus", profile.alumnus_id)[-2].changed_fields == ("city",)


def test_validation_errors_are_shown_inline_and_nothing_is_saved(qtbot, window, context):
    profile = open_first_match(qtbot, window, "AC-1")
    edit(qtbot, profile.text["email"], "jose@")
    edit(qtbot, profile.dates["date_of_birth"], "1990-02-30")
    profile.save()
    assert profile.errors["email"].isVisible()
    assert profile.errors["email"].text() == "'jose@' is not an email address"
    assert "is not a date" in profile.errors["date_of_birth"].text()
    assert profile.message.text() == "Please correct 2 problems marked below before saving."
    assert context.alumni.open_record(profile.alumnus_id, context.actor).email is None


def test_unsaved_changes_guard_on_navigation(qtbot, window, answers):
    profile = open_first_match(qtbot, window, "AC-2")
    edit(qtbot, profile.text["city"], "Evanston")
    answers.leave = dialogs.Leave.STAY
    profile.back_requested.emit()
    assert answers.asked == ["unsaved"]
    assert window.alumni_page.currentWidget() is profile
    answers.leave = dialogs.Leave.DISCARD
    profile.back_requested.emit()
    assert window.alumni_page.currentWidget() is window.alumni_page.directory


def test_unsaved_changes_guard_on_close(qtbot, window, answers):
    profile = open_first_match(qtbot, window, "AC-2")
    edit(qtbot, profile.text["pronouns"], "she/her")
    answers.leave = dialogs.Leave.STAY
    assert not window.close()
    assert answers.asked == ["unsaved"]
    answers.leave = dialogs.Leave.DISCARD
    assert window.close()


def test_new_alumnus_warns_about_a_possible_duplicate(qtbot, window, context, answers):
    page = window.alumni_page
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    profile = page.profile
    assert profile.heading.text() == "New alumnus"
    edit(qtbot, profile.text["client_id"], "AC-77")
    edit(qtbot, profile.text["first_name"], "Jose")
    edit(qtbot, profile.text["last_name"], "Nunez")
    edit(qtbot, profile.dates["date_of_birth"], "01/01/1990")
    answers.duplicates_ok = False
    profile.save()
    qtbot.waitUntil(lambda: "duplicates" in answers.asked, timeout=5000)
    qtbot.waitUntil(lambda: profile.message.text().startswith("Not saved"), timeout=5000)
    answers.duplicates_ok = True
    with qtbot.waitSignal(profile.saved, timeout=5000):
        profile.save()
    assert profile.heading.text() == "Jose Nunez"


def test_someone_else_saved_first(qtbot, window, context, answers):
    profile = open_first_match(qtbot, window, "AC-3")
    other_desk = context.alumni.open_record(profile.alumnus_id, context.actor)
    other_desk.city = "Oak Park"
    context.alumni.update(other_desk, context.actor)
    edit(qtbot, profile.text["city"], "Cicero")
    profile.save()
    qtbot.waitUntil(lambda: "changed by someone else" in profile.message.text(), timeout=5000)
    assert answers.asked == ["reload"]
    assert profile.text["city"].text() == "Cicero"  # the user's typing is not thrown away


def test_support_contacts_reorder_and_save(qtbot, window, context):
    profile = open_first_match(qtbot, window, "AC-1")
    row = profile.contacts_model.add_contact()
    profile.contacts_model.setData(profile.contacts_model.index(row, 1), "Luis")
    profile.contacts_model.setData(profile.contacts_model.index(row, 3), "312 555 0111")
    profile.contacts_table.setCurrentIndex(profile.contacts_model.index(row, 1))
    profile._move_contact(-1)
    with qtbot.waitSignal(profile.saved, timeout=5000):
        profile.save()
    saved = context.alumni.open_record(profile.alumnus_id, context.actor)
    assert [(c.name, c.phone) for c in saved.support_contacts] == [("Luis", "(312) 555-0111"), ("Rosa", "(212) 555-0100")]


def test_archive_then_delete_with_typed_confirmation(qtbot, window, context, answers):
    profile = open_first_match(qtbot, window, "AC-2")
    alumnus_id = profile.alumnus_id
    with qtbot.waitSignal(profile.saved, timeout=5000):
        profile.archive_button.click()
    assert profile.archive_button.text() == "Restore"
    answers.delete_ok = False
    profile.delete()
    assert profile.message.text() == "Not deleted."
    answers.delete_ok = True
    with qtbot.waitSignal(profile.deleted, timeout=5000):
        profile.delete()
    assert window.alumni_page.currentWidget() is window.alumni_page.directory
    assert [e.action.value for e in events_for(context.database, "alumnus", alumnus_id)][-2:] == ["archive", "delete"]


def test_status_change_goes_into_history(qtbot, window, context, monkeypatch):
    from aftercare_desktop.views import profile_view

    class ChooseOptedOut:
        DialogCode = profile_view.StatusDialog.DialogCode

        def __init__(self, *_args):
            pass

        def exec(self):
            return self.DialogCode.Accepted

        def chosen(self):
            return AlumniStatus.OPTED_OUT, "asked not to be contacted"

    monkeypatch.setattr(profile_view, "StatusDialog", ChooseOptedOut)
    profile = open_first_match(qtbot, window, "AC-1")
    with qtbot.waitSignal(profile.saved, timeout=5000):
        profile.change_status()
    assert profile.status_label.text() == "Opted out"
    assert profile.history.rowCount() == 2
    assert profile.history.item(0, 3).text() == "asked not to be contacted"
