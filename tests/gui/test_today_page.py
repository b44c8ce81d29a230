"""The Today page: sections with counts, my caseload or everyone, Enter logs, Ctrl+Enter opens."""

from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from aftercare_desktop.models.enums import CheckinMethod, CheckinOutcome
from aftercare_desktop.services.checkins import CheckInData, CheckInService
from aftercare_desktop.services.directory import DirectoryQuery
from aftercare_desktop.views import checkin_dialog
from tests.conftest import FIXED_TODAY
from tests.gui.windows import close_window, started_window


@pytest.fixture
def window(qtbot, context, answers):
    # One reached call two months ago, then three unanswered: overdue, and a reason to worry.
    ids = context.directory.matching_ids(DirectoryQuery())
    noon = datetime(FIXED_TODAY.year, FIXED_TODAY.month, FIXED_TODAY.day, 12, tzinfo=timezone.utc)
    checkins = CheckInService(context.database, today=lambda: FIXED_TODAY, now=lambda: noon)
    for days_ago, outcome in ((60, CheckinOutcome.REACHED), (20, CheckinOutcome.NO_ANSWER),
                              (10, CheckinOutcome.NO_ANSWER), (5, CheckinOutcome.NO_ANSWER)):
        reached = outcome is CheckinOutcome.REACHED
        checkins.log(ids[0], CheckInData(occurred_at=noon - timedelta(days=days_ago), staff_id=context.actor.staff_id,
                                         method=CheckinMethod.CALL, outcome=outcome,
                                         mood=4 if reached else None, craving=1 if reached else None,
                                         used_since_last=False if reached else None), context.actor)
    window = started_window(qtbot, context)
    yield window
    close_window(window)


def test_sections_show_counts_and_reasons(window):
    page = window.today_page
    assert window.pages.currentWidget() is page
    assert page.heading.text() == "Today · Monday 15 June 2026"
    attention = page.sections["attention"]
    assert attention.title().startswith("Needs attention (")
    reasons = [attention.model.index(r, 4).data() for r in range(attention.model.rowCount())]
    assert any("calls in a row without an answer" in text for text in reasons)
    for view in page.sections.values():
        QAbstractItemModelTester(view.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
        assert view.title().endswith(f"({view.model.rowCount()})")


def test_everyone_and_my_caseload(qtbot, window):
    page = window.today_page
    assert page.mine.isChecked()
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.everyone.setChecked(True)
    assert page.data.caseworker_id is None
    assert "everyone" in page.status.text()


def test_enter_logs_a_check_in_and_ctrl_enter_opens_the_record(qtbot, window, monkeypatch):
    page = window.today_page
    opened_dialogs = []

    class FakeDialog:
        def __init__(self, _context, _runner, alumnus_id, _parent):
            opened_dialogs.append(alumnus_id)
            self.logged = self.recurrence_recorded = type("S", (), {"connect": lambda *_: None})()

        def open(self):
            pass

    monkeypatch.setattr(checkin_dialog, "CheckInDialog", FakeDialog)
    attention = page.sections["attention"]
    attention.table.setFocus()
    attention.table.selectRow(0)
    first = attention.model.row_at(0).alumnus_id
    qtbot.keyClick(attention.table, Qt.Key.Key_Return)
    assert opened_dialogs == [first]
    with qtbot.waitSignal(window.alumni_page.profile.loaded, timeout=10000):
        qtbot.keyClick(attention.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.alumni_page
    assert window.alumni_page.profile.alumnus_id == first


def test_a_day_that_cannot_be_loaded_says_so_under_its_heading_and_titles(qtbot, context):
    from aftercare_desktop.views.main_window import MainWindow

    def fail(caseworker_id=None):
        raise RuntimeError("the database is locked")

    context.today_page.load = fail
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    page = window.today_page
    with qtbot.waitSignal(page.failed, timeout=10_000):
        window.start()
    assert page.heading.text() == "Today · " + FIXED_TODAY.strftime("%A %d %B %Y")
    assert page.status.text() == "Could not load today's lists: the database is locked"
    assert [view.title() for view in page.sections.values()] == [
        "Needs attention", "Check-ins overdue", "Check-ins due", "Follow-ups due", "Upcoming milestones",
        "Assessments due"]
    close_window(window)
