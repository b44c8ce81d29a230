"""The Mentoring and Pairing review pages: suggestions accepted, locked, rejected and swapped; mentors
made and edited; pairings ended with a reason; a weekly review saved; nothing lost on the way."""

from datetime import timedelta

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from sqlalchemy import select

from aftercare_desktop.models import AuditEvent
from aftercare_desktop.models.enums import AuditAction, MentorStatus, PairingEndReason, PairingState, ReviewOutcome
from aftercare_desktop.reports.kinds import DocumentKind
from aftercare_desktop.services.matching import Criterion
from aftercare_desktop.services.pairing_review import OutcomeData, ReviewData
from aftercare_desktop.views import dialogs
from aftercare_desktop.views.end_pairing_dialog import EndChoice, EndPairingDialog
from aftercare_desktop.views.main_window import MainWindow
from aftercare_desktop.views.mentor_profile_dialog import MentorProfileDialog
from aftercare_desktop.views.mentoring_state import SETTLE_MS
from tests.conftest import FIXED_TODAY
from tests.db.mentoring_data import MentoringBuilder
from tests.reports.conftest import pages_text

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal
LOAD = 15000


class People:
    """Three mentors and five mentees: two paired already, three waiting (one speaks only Spanish)."""

    def __init__(self, context):
        b = MentoringBuilder(context.database, FIXED_TODAY, context.actor)
        self.ana = b.mentor("Ana", capacity=2)
        self.bea = b.mentor("Bea", capacity=1, pathways=("smart_recovery",), city="Denver")
        self.cleo = b.mentor("Cleo", capacity=1)
        self.paz = b.alumnus("Paz")
        self.rae = b.alumnus("Rae")
        context.pairings.accept(self.paz, self.cleo, context.actor, started_on=b.ago(40))
        context.pairings.accept(self.rae, self.ana, context.actor, started_on=b.ago(100))
        b.mentor_contact(self.paz, self.cleo, 3)
        self.mia = b.mentee("Mia", waiting_ago=20)
        self.noa = b.mentee("Noa", waiting_ago=10, pathways=("smart_recovery",), city="Denver")
        self.ola = b.mentee("Ola", waiting_ago=5, languages=("Spanish",))


@pytest.fixture
def people(context):
    return People(context)


@pytest.fixture
def window(qtbot, context, answers, people):
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    yield window
    answers.leave = dialogs.Leave.DISCARD  # whatever a test left unsaved
    window.close()
    window.runner.wait_for_done()
    window.alumni_page.model.wait_for_done()


def show_mentoring(qtbot, window):
    page = window.mentoring_page
    window.sidebar.setCurrentRow(window.pages.indexOf(page))
    qtbot.waitUntil(lambda: page.state.run is not None and not page.state.busy and page.pool.rows
                    and page.waiting.rows is not None, timeout=LOAD)
    return page


def show_review(qtbot, window):
    page = window.review_page
    window.sidebar.setCurrentRow(window.pages.indexOf(page))
    qtbot.waitUntil(lambda: page.health is not None and page.state.run is not None and not page.state.busy,
                    timeout=LOAD)
    return page


def select_suggestion(view, mentee_id: int) -> None:
    rows = [n for n, line in enumerate(view.model.rows) if line.suggestion.mentee_id == mentee_id]
    assert rows, "no suggestion for this mentee"
    view.table.setFocus()
    # Not selectRow(): in a multi-selection table it follows whatever modifier keys Qt thinks are down.
    flags = QItemSelectionModel.SelectionFlag
    view.table.selectionModel().setCurrentIndex(view.model.index(rows[0], 0),
                                                flags.ClearAndSelect | flags.Rows)


def wait_for_decision(qtbot, state):
    """A saved decision: the pairings change, then the suggestions load again."""
    qtbot.waitUntil(lambda: not state.busy, timeout=LOAD)


def test_every_new_model_passes_qts_checks(qtbot, window, context, people):
    rae = next(p for p in context.pairings.current() if p.mentee_id == people.rae)
    context.pairing_reviews.save_review(ReviewData(FIXED_TODAY - timedelta(days=7), [context.actor.staff_id],
                                                   [OutcomeData(rae.id, ReviewOutcome.CONTINUE)]), context.actor)
    page = window.mentoring_page
    review = window.review_page
    models = [page.pool.model, page.pool.proxy, page.pool.mentees_model, page.waiting.model,
              page.suggestions.model, page.suggestions.breakdown_model, page.suggestions.alternatives_model,
              page.suggestions.unmatched_model, review.model, review.reviews_model, review.suggestions_model,
              review.waiting.model]
    testers = [QAbstractItemModelTester(model, FATAL) for model in models]
    show_mentoring(qtbot, window)
    show_review(qtbot, window)
    assert [model for model in models if not model.rowCount()] == []
    page.pool.filter_text.setText("bea")
    assert page.pool.proxy.rowCount() == 1
    page.pool.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    review.table.selectRow(0)
    qtbot.keyClick(review.table, Qt.Key.Key_1)  # an outcome shown in its column
    assert len(testers) == len(models)


def test_sections_show_counts_reasons_and_capacity(qtbot, window, people):
    page = show_mentoring(qtbot, window)
    tabs = page.tabs
    assert [tabs.tabText(i) for i in range(3)] == ["Mentor &pool (3)", "&Waiting list (3)", "S&uggestions (2)"]
    assert page.pool.overview.text().startswith("3 mentors · 3 can take mentees · 4 places: 2 taken, 0 locked, 2 free")
    ana = next(row for row in page.pool.rows if row.alumnus_id == people.ana)
    assert (ana.load, ana.capacity, ana.city) == (1, 2, "Chicago")
    view = page.suggestions
    assert view.below.tabText(1) == "&Not paired (1)"
    reason = view.unmatched_model.index(0, 2).data()
    assert "Spanish" in reason
    select_suggestion(view, people.mia)
    assert "Ana Tester" in view.detail_title.text()
    criteria = [view.breakdown_model.index(r, 0).data() for r in range(view.breakdown_model.rowCount())]
    assert len(criteria) == len(Criterion) and "Same recovery pathway" in criteria
    assert 1 <= view.alternatives_model.rowCount() <= 3


def test_accept_a_suggestion_and_see_the_pairing_active(qtbot, window, context, people):
    page = show_mentoring(qtbot, window)
    view = page.suggestions
    page.tabs.setCurrentWidget(view)
    select_suggestion(view, people.mia)
    mentor = view.selected_lines()[0].suggestion.mentor_id
    with qtbot.waitSignal(page.state.pairings_changed, timeout=LOAD):
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    wait_for_decision(qtbot, page.state)
    qtbot.waitUntil(lambda: all(row.alumnus_id != people.mia for row in page.waiting.rows), timeout=LOAD)
    record = next(p for p in context.pairings.current() if p.mentee_id == people.mia)
    assert (record.mentor_id, record.state, record.started_on) == (mentor, PairingState.ACTIVE, FIXED_TODAY)
    assert page.state.run.result.suggestion_for(people.mia) is None
    assert "paired from today" in page.message.text()
    qtbot.waitUntil(lambda: next(r for r in page.pool.rows if r.alumnus_id == mentor).load >= 1, timeout=LOAD)


def test_lock_an_alternative_and_it_holds_when_the_weights_move(qtbot, window, context, people):
    page = show_mentoring(qtbot, window)
    view = page.suggestions
    page.tabs.setCurrentWidget(view)
    select_suggestion(view, people.mia)
    assert view.selected_lines()[0].suggestion.mentor_id == people.ana
    bea = next(n for n, a in enumerate(view.alternatives_model.rows) if a.alternative.mentor_id == people.bea)
    view.alternatives.selectRow(bea)
    with qtbot.waitSignal(page.state.pairings_changed, timeout=LOAD):
        view.alternative_button.click()
    wait_for_decision(qtbot, page.state)
    locked = page.state.run.result.suggestion_for(people.mia)
    assert (locked.mentor_id, locked.locked) == (people.bea, True)
    # Moving a weight solves again: the lock stays, whatever the weights say.
    with qtbot.waitSignal(page.state.run_changed, timeout=LOAD):
        view.weights.spins[Criterion.PATHWAY].setValue(10)
    again = page.state.run.result.suggestion_for(people.mia)
    assert (again.mentor_id, again.locked) == (people.bea, True)
    select_suggestion(view, people.mia)
    assert view.lock_button.text().startswith("Un&lock")
    assert any(p.mentee_id == people.mia and p.state is PairingState.LOCKED for p in context.pairings.current())
    # Ctrl+L on a locked suggestion unlocks it.
    with qtbot.waitSignal(page.state.pairings_changed, timeout=LOAD):
        qtbot.keyClick(view.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    wait_for_decision(qtbot, page.state)
    assert not any(p.mentee_id == people.mia for p in context.pairings.current())


def test_reject_and_swap_try_things_without_saving(qtbot, window, context, people):
    page = show_mentoring(qtbot, window)
    view = page.suggestions
    page.tabs.setCurrentWidget(view)
    view.table.selectAll()
    with qtbot.waitSignal(page.state.run_changed, timeout=LOAD):
        view.swap_button.click()
    result = page.state.run.result
    assert (result.suggestion_for(people.mia).mentor_id, result.suggestion_for(people.noa).mentor_id) == \
        (people.bea, people.ana)
    select_suggestion(view, people.noa)
    with qtbot.waitSignal(page.state.run_changed, timeout=LOAD):
        qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert (people.noa, people.ana) in page.state.rejected
    noa = page.state.run.result.suggestion_for(people.noa)
    assert noa is None or noa.mentor_id != people.ana
    assert view.clear_button.isEnabled()
    assert len(context.pairings.current()) == 2  # nothing saved


def test_weights_solve_once_after_they_settle_and_save_for_the_team(qtbot, window, context, people):
    page = show_mentoring(qtbot, window)
    view = page.suggestions
    page.tabs.setCurrentWidget(view)
    solved = []
    page.state.run_changed.connect(lambda: solved.append(page.state.elapsed_ms))
    for value in (7, 8, 9, 10):  # a slider dragged: the values it passes are not solved
        view.weights.sliders[Criterion.AGE].setValue(value)
    assert view.weights.spins[Criterion.AGE].value() == 10
    qtbot.waitUntil(lambda: len(solved) == 1 and not page.state.busy, timeout=LOAD)
    qtbot.wait(SETTLE_MS * 2)
    assert len(solved) == 1 and solved[0] < 1000
    assert page.state.run.problem.weights[Criterion.AGE] == 10
    assert view.weights.save_button.isEnabled() and "Tried here only" in view.weights.note.text()
    with qtbot.waitSignal(page.state.weights_changed, timeout=LOAD):
        view.weights.save_button.click()
    qtbot.waitUntil(lambda: page.state.weights_saved, timeout=LOAD)
    assert context.team_settings.load().weight_age == 10
    assert not view.weights.save_button.isEnabled()


def test_unsaved_weights_are_asked_about_before_closing(qtbot, window, answers, people):
    page = show_mentoring(qtbot, window)
    page.suggestions.weights.spins[Criterion.INTERESTS].setValue(9)
    answers.leave = dialogs.Leave.STAY
    assert not window.close()
    assert answers.asked == ["unsaved"] and window.isVisible()


def test_end_a_pairing_with_a_reason_from_the_pool(qtbot, window, context, answers, people):
    page = show_mentoring(qtbot, window)
    pool = page.pool
    pool.select_mentor(people.cleo)
    assert pool.mentees_model.rowCount() == 1 and pool.end_button.isEnabled()
    pool.end_button.click()  # cancelled: nothing ends
    assert answers.asked == ["end_pairing"]
    assert any(p.mentee_id == people.paz for p in context.pairings.current())
    answers.end_choice = EndChoice(PairingEndReason.COMPLETED, FIXED_TODAY, "Goals reached", False)
    with qtbot.waitSignal(page.state.pairings_changed, timeout=LOAD):
        pool.end_button.click()
    wait_for_decision(qtbot, page.state)
    ended = context.pairings.history(people.paz)[0]
    assert (ended.state, ended.end_reason, ended.end_note, ended.ended_on) == \
        (PairingState.ENDED, PairingEndReason.COMPLETED, "Goals reached", FIXED_TODAY)
    qtbot.waitUntil(lambda: next(r for r in pool.rows if r.alumnus_id == people.cleo).load == 0, timeout=LOAD)


def test_the_end_dialog_needs_a_reason_and_enter_cancels(qtbot):
    dialog = EndPairingDialog("Paz", "Cleo", today=FIXED_TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.end_button.isEnabled()
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).isDefault()
    dialog.reason.set_value(PairingEndReason.CONFLICT)
    assert dialog.end_button.isEnabled() and dialog.rematch.isChecked()  # a conflict: they want another mentor
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Rejected
    dialog.ended_on.setText("2026-13-40")
    dialog.end_button.click()
    assert "not a date" in dialog.error.text()


def test_save_a_weekly_review_that_ends_a_pairing(qtbot, window, context, answers, people):
    page = show_review(qtbot, window)
    assert page.model.rowCount() == 2
    rows = {h.mentee_id: n for n, h in enumerate(page.model.rows)}
    rae = page.model.rows[rows[people.rae]]
    assert "not reviewed yet" in rae.due_reasons
    page.table.setFocus()
    page.table.selectRow(rows[people.rae])
    qtbot.keyClick(page.table, Qt.Key.Key_2)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter goes to the notes
    assert page.notes.hasFocus()
    qtbot.keyClicks(page.notes, "Call Rae this week")
    page.table.selectRow(rows[people.paz])
    qtbot.keyClick(page.table, Qt.Key.Key_4)  # cancelled: no outcome
    assert page.model.index(rows[people.paz], 6).data() == ""
    answers.end_choice = EndChoice(PairingEndReason.MENTEE_REQUEST)
    qtbot.keyClick(page.table, Qt.Key.Key_4)
    assert page.model.index(rows[people.paz], 6).data() == "End (mentee's request)"
    assert page.model.index(rows[people.rae], 6).data() == "Watch ✎"
    assert "outcomes for 2 of 2" in page.status.text()
    # The confirmation lists the pairing that ends; going back saves nothing.
    qtbot.keyClick(page.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert answers.asked[-1] == "review_ends"
    assert context.pairing_reviews.reviews() == []
    answers.review_ends_ok = True
    with qtbot.waitSignal(page.saved, timeout=LOAD):
        qtbot.keyClick(page.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    review = context.pairing_reviews.reviews()[0]
    assert review.held_on == FIXED_TODAY and review.attendees == ("Dana Reyes",)
    assert {(o.mentee_id, o.outcome, o.notes) for o in review.outcomes} == {
        (people.rae, ReviewOutcome.WATCH, "Call Rae this week"), (people.paz, ReviewOutcome.END, None)}
    ended = context.pairings.history(people.paz)[0]
    assert (ended.state, ended.end_reason) == (PairingState.ENDED, PairingEndReason.MENTEE_REQUEST)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and not page.is_dirty(), timeout=LOAD)
    assert "saved: 1 watch, 1 end" in page.status.text()
    assert page.reviews_model.rowCount() == 1


def test_a_review_needs_someone_attending(qtbot, window, context, answers, people):
    page = show_review(qtbot, window)
    for box in page.attendees.values():
        box.setChecked(False)
    page.continue_the_rest()
    page.save()
    qtbot.waitUntil(lambda: bool(page.attendee_error.text()), timeout=LOAD)
    assert page.attendee_error.text() == "Tick who attended"
    assert context.pairing_reviews.reviews() == [] and page.is_dirty()


def test_leaving_an_unsaved_review_asks_first(qtbot, window, answers, people):
    page = show_review(qtbot, window)
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_1)
    today = window.pages.indexOf(window.today_page)
    answers.leave = dialogs.Leave.STAY
    window.sidebar.setCurrentRow(today)
    assert window.pages.currentWidget() is page and answers.asked == ["unsaved"]
    answers.leave = dialogs.Leave.DISCARD
    window.sidebar.setCurrentRow(today)
    assert window.pages.currentWidget() is window.today_page and not page.is_dirty()


def test_make_an_alumnus_a_mentor(qtbot, window, context, answers, people):
    page = show_mentoring(qtbot, window)
    pool = page.pool
    pool.setFocus()
    qtbot.keyClick(pool.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    chooser = next(d for d in pool.findChildren(QDialog) if d.windowTitle() == "Make an alumnus a mentor")
    qtbot.keyClicks(chooser.search, "zoe")
    qtbot.waitUntil(lambda: chooser.list.count() == 1, timeout=LOAD)
    qtbot.keyClick(chooser.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(pool.profile_dialog, MentorProfileDialog)
                    and pool.profile_dialog.original is None and pool.profile_dialog.save_button.isEnabled(),
                    timeout=LOAD)
    dialog = pool.profile_dialog
    assert "Not eligible" in dialog.standing.text() and "no sobriety start date" in dialog.standing.text()
    dialog.status.set_value(MentorStatus.ACTIVE)
    qtbot.keyClick(dialog.capacity, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.errors["training_completed_on"].text().startswith("Enter when training was completed")
    dialog.trained_on.setText((FIXED_TODAY - timedelta(days=7)).isoformat())
    dialog.availability.item(0, 2).setCheckState(Qt.CheckState.Checked)  # Monday evening
    with qtbot.waitSignal(dialog.saved, timeout=LOAD):
        dialog.save_button.click()
    qtbot.waitUntil(lambda: len(pool.rows) == 4, timeout=LOAD)
    zoe = pool.current_mentor()
    assert zoe is not None and zoe.name == "Zoë Fischer" and zoe.status is MentorStatus.ACTIVE
    assert not zoe.available and "no sobriety start date is recorded" in zoe.reasons
    assert context.mentor_pool.profile(zoe.alumnus_id).availability == ["mon-evening"]


def test_a_changed_profile_is_not_closed_unasked(qtbot, window, answers, people):
    page = show_mentoring(qtbot, window)
    pool = page.pool
    pool.select_mentor(people.ana)
    qtbot.keyClick(pool.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pool.profile_dialog is not None and pool.profile_dialog.original is not None,
                    timeout=LOAD)
    dialog = pool.profile_dialog
    assert dialog.capacity.value() == 2
    dialog.capacity.setValue(3)
    answers.leave = dialogs.Leave.STAY
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and answers.asked == ["unsaved"]
    answers.leave = dialogs.Leave.DISCARD
    dialog.reject()
    assert not dialog.isVisible()


def test_the_agenda_previews_exports_and_prints_from_the_review_page(qtbot, window, context, files, people):
    page = show_review(qtbot, window)
    with qtbot.waitSignal(page.agenda.previewed, timeout=LOAD) as previewed:
        page.agenda_preview.click()
    preview = previewed.args[0]
    assert preview.rendered.request.kind is DocumentKind.PAIRING_REVIEW
    assert preview.page_count == preview.rendered.pages >= 1
    shown = " ".join(pages_text(preview.rendered.pdf))
    for fact in ("Agenda for the meeting of Monday, Jun 15, 2026", "Active pairings (2 · 2 due for review)",
                 "Paz Tester", "Cleo Tester", "Suggested pairings (2 of 3 waiting", "Decision / notes",
                 "Ola Tester", "No active mentor speaks Spanish"):
        assert fact in shown, fact
    preview.close()
    assert agenda_records(context) == []  # looking records nothing

    # File → Export PDF… (Ctrl+E) on this page exports the agenda.
    with qtbot.waitSignal(page.agenda.exported, timeout=LOAD):
        window.export_action.trigger()
    assert files.asked == ["save", "open?"]
    assert files.suggested[-1].name == "pairing-review-agenda-2026-06-15.pdf"
    assert "Rae Tester" in " ".join(pages_text(files.save_to.read_bytes()))
    with qtbot.waitSignal(page.agenda.printed, timeout=LOAD):
        page.agenda_print.click()
    printed = PdfReader(str(files.print_to))
    assert len(printed.pages) == preview.rendered.pages
    assert float(printed.pages[0].mediabox.width) > float(printed.pages[0].mediabox.height)  # landscape paper
    assert agenda_records(context) == [(AuditAction.EXPORT, "pairing_review"), (AuditAction.PRINT, "pairing_review")]
    assert "recorded as printed" in page.agenda_status.text()

    # An agenda is for a meeting to come: a past "Held on" day is refused beside the date.
    page.held_on.set_date(FIXED_TODAY - timedelta(days=1))
    page.agenda_preview.click()
    qtbot.waitUntil(lambda: page.held_on_error.text() == "An agenda is for a meeting today or later", timeout=LOAD)
    assert page.agenda_preview.isEnabled()


def agenda_records(context) -> list:
    with context.database.session() as session:
        return [(e.action, e.entity_type) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_([AuditAction.EXPORT, AuditAction.PRINT]))
            .order_by(AuditEvent.id))]
