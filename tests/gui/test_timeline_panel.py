"""The profile's check-ins panel: what it shows, its actions, its table model, and how fast it opens."""

from datetime import date, datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester
from sqlalchemy import insert

from aftercare_desktop.models import AftercarePlan, CheckIn, PlanMeeting
from aftercare_desktop.models.enums import CheckinCadence, CheckinMethod, CheckinOutcome, MeetingKind, PlanStatus
from aftercare_desktop.services.checkins import CheckInData, CheckInRecord, CheckInService
from aftercare_desktop.services.meetings import MeetingData, MeetingService
from aftercare_desktop.services.records import AlumnusData
from aftercare_desktop.services.sobriety import SobrietyService
from aftercare_desktop.views.background import SynchronousRunner, TaskRunner
from aftercare_desktop.views.timeline_panel import (
    COL_CRAVING,
    COL_FOLLOW_UP,
    COL_MOOD,
    COL_NOTES,
    COL_OUTCOME,
    COL_WHEN,
    COL_WHO,
    HEADERS,
    CheckInTimelineModel,
    IdRole,
    TimelinePanel,
)
from tests.conftest import FIXED_TODAY

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal
START = date(2025, 12, 20)  # 177 days on 2026-06-15; 6 months on 2026-06-20


def noon(days_ago: int) -> datetime:
    return datetime.combine(FIXED_TODAY - timedelta(days=days_ago), datetime.min.time()).replace(
        hour=12, tzinfo=timezone.utc)


@pytest.fixture
def alumnus_id(context) -> int:
    record = context.alumni.create(
        AlumnusData(client_id="AC-20", first_name="Rosa", last_name="Díaz", caseworker_id=context.actor.staff_id,
                    sobriety_start_date=START), context.actor)
    with context.database.session() as session:
        plan = AftercarePlan(alumnus_id=record.id, version=1, status=PlanStatus.ACTIVE, start_date=date(2026, 1, 1),
                             checkin_cadence=CheckinCadence.WEEKLY)
        plan.meetings = [PlanMeeting(position=0, kind=MeetingKind.NA, per_week=2)]
        session.add(plan)
        session.commit()
    return record.id


@pytest.fixture
def checkins(context) -> CheckInService:
    return CheckInService(context.database, today=lambda: FIXED_TODAY,
                          now=lambda: datetime.combine(FIXED_TODAY, datetime.max.time()).astimezone())


@pytest.fixture
def panel(qtbot, context) -> TimelinePanel:
    panel = TimelinePanel(context, SynchronousRunner())
    qtbot.addWidget(panel)
    panel.resize(1100, 760)
    panel.show()
    return panel


def log(checkins, context, alumnus_id, days_ago, **changes) -> CheckInRecord:
    values = dict(occurred_at=noon(days_ago), staff_id=context.actor.staff_id, method=CheckinMethod.CALL,
                  outcome=CheckinOutcome.REACHED, mood=4, craving=2)
    values.update(changes)
    return checkins.log(alumnus_id, CheckInData(**values), context.actor)


def cells(model, row) -> list[str]:
    return [model.index(row, column).data() for column in range(model.columnCount())]


def test_shows_days_sober_next_milestone_meetings_and_check_ins(qtbot, panel, context, alumnus_id, checkins):
    log(checkins, context, alumnus_id, 3, mood=2, craving=7, warning_signs=["Irritability", "Sleep problems"],
        notes="Rough week.\nWill call Friday.", follow_up_due=FIXED_TODAY - timedelta(days=1))
    log(checkins, context, alumnus_id, 1, outcome=CheckinOutcome.NO_ANSWER, mood=None, craving=None)
    meetings = MeetingService(context.database, today=lambda: FIXED_TODAY)
    for days_ago in (2, 5, 9):
        meetings.log(alumnus_id, MeetingData(FIXED_TODAY - timedelta(days=days_ago), MeetingKind.NA), context.actor)
    with qtbot.waitSignal(panel.loaded, timeout=3000):
        panel.show_alumnus(alumnus_id)
    assert panel.days_label.text() == "177 days sober"
    assert panel.since_label.text() == "since 2025-12-20"
    assert "<b>6 months</b> on 2026-06-20 (in 5 days)" in panel.milestone_label.text()
    assert panel.celebrate_button.isVisible()
    assert "3 of 8</b> expected in the last 4 weeks (plan: 2 meetings a week)" in panel.meetings_label.text()
    assert panel.count_label.text() == "· 2 check-ins"
    model = panel.model
    assert cells(model, 0)[COL_OUTCOME] == "No answer" and cells(model, 0)[COL_MOOD] == "—"
    row = cells(model, 1)
    assert row[COL_WHO] == "Dana Reyes" and row[COL_MOOD] == "2" and row[COL_CRAVING] == "7"
    assert row[COL_FOLLOW_UP] == "Overdue since 2026-06-14" and row[COL_NOTES] == "Rough week."
    assert model.index(1, COL_NOTES).data(Qt.ItemDataRole.ToolTipRole) == "Rough week.\nWill call Friday."
    assert [day for day, _ in panel.mood_chart.data.series[0].points] == [FIXED_TODAY - timedelta(days=3)]
    assert panel.craving_chart.data.y_max == 10 and panel.mood_chart.data.y_min == 1


def test_a_brand_new_alumnus_shows_what_to_do(qtbot, panel, context):
    newcomer = context.alumni.create(AlumnusData(client_id="AC-21", first_name="Kim", last_name="Lee"),
                                     context.actor).id
    with qtbot.waitSignal(panel.loaded, timeout=3000):
        panel.show_alumnus(newcomer)
    assert panel.days_label.text() == "No sobriety date"
    assert panel.correct_button.text() == "Set sobriety &date…"
    assert not panel.celebrate_button.isVisible()
    assert panel.timeline_stack.currentWidget() is panel.empty_label
    assert "No check-ins yet" in panel.empty_label.text()
    assert panel.mood_chart.data.series[0].points == ()
    assert "none logged yet" in panel.meetings_label.text()
    assert panel.log_button.isEnabled() and not panel.follow_up_button.isEnabled()


def test_accepts_the_profile_record_as_well_as_an_id(qtbot, panel, context, alumnus_id):
    record = context.alumni.open_record(alumnus_id, context.actor)
    with qtbot.waitSignal(panel.loaded, timeout=3000):
        panel.show_alumnus(record)
    assert panel.alumnus_id == alumnus_id


def test_log_check_in_from_the_panel_refreshes_it(qtbot, panel, context, alumnus_id):
    with qtbot.waitSignal(panel.loaded, timeout=3000):
        panel.show_alumnus(alumnus_id)
    dialog = panel.log_check_in()
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    dialog.mood.set_value(3)
    dialog.craving.set_value(4)
    with qtbot.waitSignals([panel.check_in_logged, panel.loaded], timeout=3000):
        dialog.save()
    assert panel.model.rowCount() == 1 and cells(panel.model, 0)[COL_CRAVING] == "4"


def test_follow_up_done_from_the_timeline(qtbot, panel, context, alumnus_id, checkins):
    log(checkins, context, alumnus_id, 1, follow_up_due=FIXED_TODAY)
    log(checkins, context, alumnus_id, 0)
    with qtbot.waitSignal(panel.loaded, timeout=3000):
        panel.show_alumnus(alumnus_id)
    panel.table.selectRow(0)
    assert not panel.follow_up_button.isEnabled()
    panel.table.selectRow(1)
    assert panel.follow_up_button.isEnabled()
    assert cells(panel.model, 1)[COL_FOLLOW_UP] == "Due 2026-06-15"
    panel.follow_up_button.click()
    assert cells(panel.model, 1)[COL_FOLLOW_UP].startswith("Done ")
    assert not panel.follow_up_button.isEnabled()
    assert checkins.follow_ups_due(FIXED_TODAY) == []


def test_record_return_to_use_from_the_panel(qtbot, panel, context, alumnus_id):
    with qtbot.waitSignal(panel.loaded, timeout=3000):
        panel.show_alumnus(alumnus_id)
    dialog = panel.record_recurrence()
    dialog.occurred_on.set_date(FIXED_TODAY - timedelta(days=10))
    dialog.relapse.setChecked(True)
    with qtbot.waitSignals([panel.sobriety_changed, panel.loaded], timeout=3000):
        dialog.save()
    assert panel.days_label.text() == "9 days sober"
    assert "last return to use 2026-06-05" in panel.since_label.text()
    assert "30 days</b> on 2026-07-06" in panel.milestone_label.text()


def test_correct_sobriety_date_from_the_panel_needs_a_reason(qtbot, panel, context, alumnus_id):
    with qtbot.waitSignal(panel.loaded, timeout=3000):
        panel.show_alumnus(alumnus_id)
    dialog = panel.correct_date()
    assert "not a return to use" in dialog.intro.text()
    dialog.new_date.set_date(date(2025, 12, 10))
    with qtbot.assertNotEmitted(dialog.corrected):
        dialog.save()
    assert "Say why" in dialog.errors["reason"].text()
    dialog.reason.setText("Discharge date was typed by mistake")
    with qtbot.waitSignals([panel.sobriety_changed, panel.loaded], timeout=3000):
        dialog.save()
    assert panel.days_label.text() == "187 days sober"
    assert SobrietyService(context.database).recurrences(alumnus_id) == []


def test_a_concurrent_change_is_reported_and_reloaded(qtbot, panel, context, alumnus_id):
    with qtbot.waitSignal(panel.loaded, timeout=3000):
        panel.show_alumnus(alumnus_id)
    dialog = panel.correct_date()
    SobrietyService(context.database, today=lambda: FIXED_TODAY).correct_sobriety_date(
        alumnus_id, 1, date(2025, 12, 18), "Changed at another desk", context.actor)
    dialog.new_date.set_date(date(2025, 12, 10))
    dialog.reason.setText("typo")
    dialog.save()
    assert "changed this record" in dialog.message.text()
    assert dialog.current.text().startswith("2025-12-18")
    with qtbot.waitSignal(dialog.corrected, timeout=3000):
        dialog.save()  # the second try, on the reloaded version, goes through


def test_mark_celebrated_and_log_meeting(qtbot, panel, context, alumnus_id):
    with qtbot.waitSignal(panel.loaded, timeout=3000):
        panel.show_alumnus(alumnus_id)
    dialog = panel.mark_celebrated()
    assert [dialog.milestone.itemText(i) for i in range(dialog.milestone.count())] == [
        "6 months — on 2026-06-20 (in 5 days)", "90 days — reached 2026-03-20"]
    dialog.milestone.setCurrentIndex(1)
    dialog.how.setText("Coin at group")
    with qtbot.waitSignal(panel.loaded, timeout=3000):
        dialog.save()
    assert "Last celebrated: 90 days" in panel.milestone_label.text()
    meeting = panel.log_meeting()
    meeting.missed.setChecked(True)
    with qtbot.waitSignal(panel.loaded, timeout=3000):
        meeting.save()
    assert "0 of 8</b>" in panel.meetings_label.text()
    meeting = panel.log_meeting()
    meeting.met_on.set_date(FIXED_TODAY + timedelta(days=1))
    meeting.save()
    assert "future" in meeting.errors["met_on"].text() and meeting.isVisible()
    meeting.reject()


def test_timeline_model_passes_qt_checks(qtbot, context, alumnus_id, checkins):
    records = [log(checkins, context, alumnus_id, days, follow_up_due=FIXED_TODAY if days == 2 else None)
               for days in (3, 2, 1)]
    model = CheckInTimelineModel(lambda: FIXED_TODAY)
    QAbstractItemModelTester(model, FATAL)
    assert model.rowCount() == 0
    model.set_rows(list(reversed(records)))
    assert model.rowCount() == 3 and model.columnCount() == len(HEADERS)
    assert model.rowCount(model.index(0, 0)) == 0  # a table: no children
    assert model.index(0, 0).data(IdRole) == records[-1].id
    assert model.headerData(COL_WHEN, Qt.Orientation.Horizontal) == "When"
    assert model.data(QModelIndex()) is None
    done = checkins.complete_follow_up(records[1].id, context.actor)
    model.replace_record(done)
    assert cells(model, 1)[COL_FOLLOW_UP].startswith("Done")
    model.set_rows([])
    assert model.rowCount() == 0


def seed(context, alumnus_id, count) -> None:
    """Many check-ins in one statement, like months of weekly calls."""
    rows = [dict(alumnus_id=alumnus_id, occurred_at=noon(i % 700) - timedelta(minutes=i), staff_id=context.actor.staff_id,
                 method=CheckinMethod.CALL, outcome=CheckinOutcome.REACHED if i % 4 else CheckinOutcome.NO_ANSWER,
                 mood=None if i % 4 == 0 else 1 + i % 5, craving=None if i % 4 == 0 else i % 11,
                 warning_signs=["Irritability"] if i % 7 == 0 else [], notes="Talked about work." if i % 3 else None,
                 follow_up_due=FIXED_TODAY if i % 50 == 0 else None)
            for i in range(count)]
    with context.database.session() as session:
        session.execute(insert(CheckIn), rows)
        session.commit()


def test_opens_with_the_newest_500_check_ins(qtbot, panel, context, alumnus_id):
    """A long history is capped at the newest 500 rows (the opening time is a benchmark figure,
    `python -m bench timeline`, not a test: a shared machine makes timed assertions flaky)."""
    seed(context, alumnus_id, 600)
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        panel.show_alumnus(alumnus_id)
    assert panel.count_label.text() == "· newest 500 shown" and panel.model.rowCount() == 500


def test_loading_in_the_background_drops_a_stale_answer(qtbot, context, alumnus_id, checkins):
    log(checkins, context, alumnus_id, 1)
    runner = TaskRunner()
    panel = TimelinePanel(context, runner)
    qtbot.addWidget(panel)
    other = context.alumni.create(AlumnusData(client_id="AC-22", first_name="Ana", last_name="Silva"),
                                  context.actor).id
    with qtbot.waitSignal(panel.loaded, timeout=5000):
        panel.show_alumnus(alumnus_id)
        panel.show_alumnus(other)  # the caseworker moved on before the first answer came
    runner.wait_for_done()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)  # every answer delivered; the stale one ignored
    assert panel.alumnus_id == other and panel.model.rowCount() == 0


def test_panel_alt_keys_leave_the_window_and_profile_tabs_alone(qtbot, panel, context, alumnus_id):
    from tests.gui.test_checkin_dialog import mnemonics

    with qtbot.waitSignal(panel.loaded, timeout=3000):
        panel.show_alumnus(alumnus_id)
    letters = mnemonics(panel)
    assert len(letters) == len(set(letters)), letters
    # File, Edit, Help menus; Record, Plan, check-Ins, assessMents tabs of the profile.
    assert not set(letters) & set("fehrpim"), letters
