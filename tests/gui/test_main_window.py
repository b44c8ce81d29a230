"""The frame around the pages: title, shortcuts, remembered geometry, and who is working."""

import subprocess
import sys

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QDialogButtonBox

from aftercare_desktop import app as app_module
from aftercare_desktop import settings
from aftercare_desktop.models.enums import StaffRole
from aftercare_desktop.services import staff
from aftercare_desktop.services.records import StaffRecord
from aftercare_desktop.views.staff_dialog import StaffDialog
from tests.gui.windows import close_window, show_alumni, started_window


def test_demo_database_says_so_in_the_title(qtbot, context):
    context.demo = True
    window = started_window(qtbot, context)
    assert "DEMO" in window.windowTitle()
    close_window(window)


def test_standard_shortcuts(qtbot, context):
    window = started_window(qtbot, context)
    assert window.find_action.shortcut().toString() == "Ctrl+F"
    assert window.new_action.shortcut().toString() == "Ctrl+N"
    assert window.save_action.shortcut().toString() == "Ctrl+S"
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    close_window(window)


def test_the_directory_is_read_when_first_shown(qtbot, context):
    """The day starts on Today; the directory behind it waits until the caseworker opens it."""
    window = started_window(qtbot, context)
    model = window.alumni_page.model
    assert window.pages.currentWidget() is window.today_page
    assert not model.has_started and model.rowCount() == 0
    show_alumni(qtbot, window)
    assert model.rowCount() == 3
    assert window.alumni_page.directory.count_label.text() == "3 alumni"
    close_window(window)


def test_ctrl_f_from_today_opens_the_directory_with_its_list(qtbot, context):
    window = started_window(qtbot, context)
    model = window.alumni_page.model
    with qtbot.waitSignal(model.loaded, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.alumni_page
    assert window.alumni_page.directory.search.hasFocus()
    assert model.rowCount() == 3
    close_window(window)


def test_ctrl_f_returns_to_the_search_field(qtbot, context):
    window = started_window(qtbot, context)
    show_alumni(qtbot, window)
    page = window.alumni_page
    with qtbot.waitSignal(page.profile.loaded, timeout=5000):
        page.open_record(page.model.id_at(0))
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.currentWidget() is page.directory
    assert page.directory.search.hasFocus()
    close_window(window)


def test_window_geometry_is_remembered(qtbot, context):
    window = started_window(qtbot, context)
    window.setGeometry(QRect(40, 50, 1001, 701))
    close_window(window)
    again = started_window(qtbot, context)
    assert again.size().width() == 1001 and again.size().height() == 701
    close_window(again)


def test_staff_dialog_adds_a_new_colleague(qtbot, context, monkeypatch):
    def answer(dialog: StaffDialog):
        qtbot.keyClicks(dialog.new_name, "  Ruth   Abara ")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        return StaffDialog.DialogCode.Accepted

    monkeypatch.setattr(StaffDialog, "exec", answer)
    member = app_module.choose_acting_staff(context.database, None, force=True)
    assert member.display_name == "Ruth Abara"
    assert settings.get(settings.acting_staff_setting(context.database.description)) == member.id
    # The next start does not ask again.
    monkeypatch.setattr(StaffDialog, "exec", lambda dialog: pytest_fail("asked twice"))
    assert app_module.choose_acting_staff(context.database, None) == member


def test_staff_dialog_picks_an_existing_member(qtbot, context, monkeypatch):
    staff.add_staff(context.database, "Zed Young")

    def answer(dialog: StaffDialog):
        dialog.list.setCurrentRow(dialog.list.count() - 1)
        return StaffDialog.DialogCode.Accepted

    monkeypatch.setattr(StaffDialog, "exec", answer)
    member = app_module.choose_acting_staff(context.database, None, force=True)
    assert member.display_name == "Zed Young"


def test_staff_dialog_finds_a_name_in_a_large_team(qtbot):
    team = [StaffRecord(i, f"Colleague {i:02d}", StaffRole.CASEWORKER, True) for i in range(1, 40)]
    team.append(StaffRecord(40, "Ana Núñez", StaffRole.COORDINATOR, True))
    dialog = StaffDialog(team)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.focusWidget() is dialog.find
    qtbot.keyClicks(dialog.find, "nunez")
    shown = [dialog.list.item(row).text() for row in range(dialog.list.count()) if not dialog.list.item(row).isHidden()]
    assert shown == ["Ana Núñez  ·  Coordinator"]
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.find, Qt.Key.Key_Return)
    assert dialog.choice() == 40


def test_staff_dialog_accepts_nothing_when_no_name_matches(qtbot):
    dialog = StaffDialog([StaffRecord(i, f"Colleague {i:02d}", StaffRole.CASEWORKER, True) for i in range(1, 20)])
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.find, "nobody like this")
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    qtbot.keyClick(dialog.find, Qt.Key.Key_Return)
    assert dialog.result() != StaffDialog.DialogCode.Accepted


def pytest_fail(message):
    raise AssertionError(message)


def test_the_start_of_the_day_does_not_load_the_pairing_engine(tmp_path):
    """The mentor-program pages (numpy, scipy: over a second to import) wait until first opened."""
    script = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from aftercare_desktop.app import open_database\n"
        "from aftercare_desktop.services.audit import Actor\n"
        "from aftercare_desktop.services.context import AppContext\n"
        "from aftercare_desktop.views.main_window import MainWindow\n"
        f"database = open_database({str(tmp_path / 'start.sqlite')!r}, demo=False)\n"
        "window = MainWindow(AppContext(database, Actor(None)))\n"
        "window.show()\n"
        "started = 'aftercare_desktop.services.matching' in sys.modules\n"
        "window.sidebar.setCurrentRow(window.pages.indexOf(window.mentoring_page))\n"
        "opened = 'aftercare_desktop.services.matching' in sys.modules\n"
        "print(started, opened, window.pages.currentWidget() is window.mentoring_page)\n"
        "window.close(); database.dispose()\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "True", "True"]


def test_the_selected_page_keeps_a_visible_icon(qtbot, context):
    """On the highlighted row the sidebar's icon is drawn in the highlighted text colour, not in its
    muted ink, which all but disappears on the highlight."""
    window = started_window(qtbot, context)
    item = window.sidebar.currentItem()
    size = window.sidebar.iconSize()
    palette = window.sidebar.palette()

    def ink(mode):
        image = item.icon().pixmap(size, mode).toImage()
        colours = {image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())
                   if image.pixelColor(x, y).alpha() == 255}
        return colours

    assert palette.color(palette.ColorRole.HighlightedText).name() in ink(QIcon.Mode.Selected)
    assert "#5a7d74" in ink(QIcon.Mode.Normal)
    close_window(window)
