"""The weekly pairing review: the coordinators' meeting page.

Every active pairing with its health (days since the mentor's last contact, the mentee's
early-warning level, weeks with contact, how long they have been paired, whether it is due for
review and why); an outcome per pairing with notes; who attended; saved as a dated review. The
waiting list, the new suggestions and the earlier reviews sit alongside.

The agenda of the meeting on the "Held on" day can be previewed, printed (Ctrl+P) and exported
(Ctrl+E) as a PDF through the export service, like every other document (reports/pairing_review.py).

Keyboard: in the pairings table 1 continue, 2 watch, 3 reassign, 4 end, 0 clears; Enter goes to the
outcome's notes; Ctrl+Enter opens the mentee's record; Ctrl+S saves. Nothing ends before the review
is saved, and leaving with outcomes not saved asks first.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..errors import AftercareError, ValidationFailed
from ..models.enums import ReviewOutcome, WarningLevel, label
from ..reports.kinds import DocumentKind
from ..services.context import AppContext
from ..services.pairing_review import MAX_NOTES, OutcomeData, PairingHealth, ReviewData, ReviewRecord
from ..services.records import StaffRecord
from . import dialogs
from .background import TaskRunner, show_failure
from .mentoring_state import MentoringState
from .suggestions_view import SuggestionLine, days
from .table_model import Column, RowsModel, row_table
from .waiting_list_view import WaitingListView
from .widgets import DateField, ErrorLabel, heading, is_dark

if TYPE_CHECKING:
    from ..reports.export import ExportRequest
    from .documents import DocumentActions

# In key order: 1 continue, 2 watch, 3 reassign, 4 end.
OUTCOMES = (ReviewOutcome.CONTINUE, ReviewOutcome.WATCH, ReviewOutcome.REASSIGN, ReviewOutcome.END)
OUTCOME_KEYS = {Qt.Key(Qt.Key.Key_1 + number): outcome for number, outcome in enumerate(OUTCOMES)}
ENDING = (ReviewOutcome.END, ReviewOutcome.REASSIGN)


def _weeks(count_days: int) -> str:
    if count_days < 14:
        return days(count_days)
    weeks = count_days // 7
    return f"{weeks} weeks" if weeks < 9 else f"{count_days // 30} months"


def _last_contact(h: PairingHealth) -> str:
    if h.last_contact_on is None:
        return f"none yet ({days(h.days_since_contact)})"
    return "today" if h.days_since_contact == 0 else f"{days(h.days_since_contact)} ago"


def _adherence(h: PairingHealth) -> str:
    return "first week" if not h.weeks_counted else f"{h.weeks_with_contact} of {h.weeks_counted} weeks"


def _level(h: PairingHealth) -> str:
    return label(h.warning_level) if h.warning_level is not None else "not followed"


def _tone(h: PairingHealth) -> str | None:
    return {WarningLevel.HIGH: "high", WarningLevel.WATCH: "watch"}.get(h.warning_level)


def outcome_words(draft: OutcomeData | None) -> str:
    if draft is None:
        return ""
    words = label(draft.outcome)
    if draft.outcome in ENDING and draft.end_reason is not None:
        words += f" ({label(draft.end_reason).lower()})"
    return words + (" ✎" if draft.notes else "")


class ReviewDraft:
    """The outcomes chosen so far, by pairing id; nothing is saved until the review is."""

    def __init__(self):
        self.outcomes: dict[int, OutcomeData] = {}

    def set(self, pairing_id: int, outcome: ReviewOutcome | None, end_reason=None) -> None:
        if outcome is None:
            draft = self.outcomes.get(pairing_id)
            if draft is not None and draft.notes:
                self.outcomes[pairing_id] = OutcomeData(pairing_id, ReviewOutcome.CONTINUE, draft.notes)
            else:
                self.outcomes.pop(pairing_id, None)
            return
        draft = self.outcomes.get(pairing_id)
        notes = draft.notes if draft else None
        self.outcomes[pairing_id] = OutcomeData(pairing_id, outcome, notes, end_reason if outcome in ENDING else None)

    def set_notes(self, pairing_id: int, notes: str) -> None:
        draft = self.outcomes.get(pairing_id)
        if draft is None:
            if not notes.strip():
                return
            # A note on its own records the pairing as continuing.
            draft = self.outcomes[pairing_id] = OutcomeData(pairing_id, ReviewOutcome.CONTINUE)
        draft.notes = notes

    def keep_only(self, pairing_ids: set[int]) -> None:
        for pairing_id in set(self.outcomes) - pairing_ids:
            del self.outcomes[pairing_id]

    def count(self, outcome: ReviewOutcome) -> int:
        return sum(1 for draft in self.outcomes.values() if draft.outcome is outcome)


def review_summary(record: ReviewRecord) -> str:
    counts = [f"{record.count(o)} {label(o).lower()}" for o in ReviewOutcome if record.count(o)]
    return ", ".join(counts) or "no outcomes"


REVIEW_COLUMNS = (
    Column("Held on", lambda r: r.held_on.isoformat(), 85),
    Column("Outcomes", review_summary, 150, tip=lambda r: "\n".join(
        f"{o.mentee_name} with {o.mentor_name}: {label(o.outcome)}" + (f" — {o.notes}" if o.notes else "")
        for o in r.outcomes) or "No outcomes recorded"),
    Column("Attended", lambda r: ", ".join(r.attendees), 150),
)
NEW_SUGGESTION_COLUMNS = (
    Column("Mentee", lambda r: r.mentee, 140),
    Column("Score", lambda r: f"{r.suggestion.score:.1f}", 45, right=True),
    Column("Mentor", lambda r: r.mentor + ("  🔒" if r.suggestion.locked else ""), 140),
)


class PairingReviewPage(QWidget):
    open_requested = Signal(int)  # a mentee's record
    suggestions_requested = Signal()
    loaded = Signal()
    saved = Signal(int)  # the review's id

    def __init__(self, context: AppContext, runner: TaskRunner, state: MentoringState,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.state = state
        self.draft = ReviewDraft()
        self.health: list[PairingHealth] | None = None
        self.started = False
        self._request = 0
        self._saving = False
        self._filling = False
        self._saved_note = ""  # "Review of … saved: …", shown until the next outcome is chosen
        self.attendees: dict[int, QCheckBox] = {}
        self._agenda: DocumentActions | None = None
        self._build()
        state.run_changed.connect(self._show_suggestions)
        state.pairings_changed.connect(self._pairings_changed)

    # -- building --------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.held_on = DateField()
        self.held_on.setObjectName("heldOn")
        self.held_on.setFixedWidth(120)
        self.held_on.set_date(self.context.today())
        self.held_on_error = ErrorLabel()
        self.attendee_box = QHBoxLayout()
        self.attendee_box.setContentsMargins(0, 0, 0, 0)
        self.attendee_box.addStretch(1)
        attendee_holder = QWidget()
        attendee_holder.setLayout(self.attendee_box)
        self.attendee_error = ErrorLabel()
        self.attendee_error.setObjectName("attendeeError")
        self.meeting_notes = QPlainTextEdit()
        self.meeting_notes.setObjectName("meetingNotes")
        self.meeting_notes.setPlaceholderText("Notes on the meeting (optional)")
        self.meeting_notes.setTabChangesFocus(True)
        self.meeting_notes.setFixedHeight(48)
        self.status = QLabel("Loading the pairings…")
        self.status.setObjectName("reviewStatus")
        self.status.setWordWrap(True)
        self.message = ErrorLabel()
        self.message.setObjectName("reviewMessage")

        self.model = RowsModel(self._columns(), self, tone=_tone)
        self.table = row_table(self.model, self.model.columns, "reviewPairings")
        self.table.installEventFilter(self)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_pairing())
        self.table.doubleClicked.connect(lambda _index: self.notes.setFocus())

        self.pairing_box = QGroupBox("Select a pairing")
        self.pairing_detail = QLabel()
        self.pairing_detail.setWordWrap(True)
        self.pairing_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome_buttons = QButtonGroup(self)
        self.outcome_buttons.setExclusive(False)  # so that "no outcome" can be shown
        outcome_row = QHBoxLayout()
        for number, outcome in enumerate(OUTCOMES):
            ellipsis = "…" if outcome in ENDING else ""
            button = QRadioButton(f"&{number + 1} {label(outcome)}{ellipsis}")
            button.setObjectName(f"outcome_{outcome.value}")
            self.outcome_buttons.addButton(button, number)
            outcome_row.addWidget(button)
        outcome_row.addStretch(1)
        self.outcome_buttons.buttonClicked.connect(self._outcome_clicked)
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("outcomeNotes")
        self.notes.setPlaceholderText("Notes on this pairing (optional)")
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(50)
        self.notes.textChanged.connect(self._notes_changed)
        pairing = QVBoxLayout(self.pairing_box)
        pairing.addWidget(self.pairing_detail)
        pairing.addLayout(outcome_row)
        pairing.addWidget(self.notes, 1)

        self.rest_button = QPushButton("Continue for the &rest")
        self.rest_button.setToolTip("Record 'continue' for every pairing without an outcome yet")
        self.rest_button.clicked.connect(self.continue_the_rest)
        self.save_button = QPushButton("&Save review (Ctrl+S)")
        self.save_button.setObjectName("saveReview")
        self.save_button.clicked.connect(self.save)
        refresh = QPushButton("Load &again (F5)")
        refresh.clicked.connect(self.refresh)
        # The meeting's agenda on paper, for the "Held on" day, through the export service (recorded).
        self.agenda_status = QLabel()
        self.agenda_status.setObjectName("agendaStatus")
        self.agenda_preview = QPushButton("Preview agen&da")
        self.agenda_preview.setToolTip("The agenda of the meeting on the 'Held on' day, as it will print")
        self.agenda_preview.clicked.connect(lambda: self.agenda.preview())
        self.agenda_print = QPushButton("Print agenda…")
        self.agenda_print.setToolTip("Print the agenda (Ctrl+P); recorded as printed")
        self.agenda_print.clicked.connect(self.print_agenda)
        self.agenda_export = QPushButton("Export agenda PDF…")
        self.agenda_export.setToolTip("Save the agenda as a PDF (Ctrl+E); recorded as exported")
        self.agenda_export.clicked.connect(self.export_agenda)
        QShortcut(QKeySequence("F5"), self, activated=self.refresh,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        meeting = QFormLayout()
        label_widget = QLabel("&Held on")
        label_widget.setBuddy(self.held_on)
        when = QHBoxLayout()
        when.addWidget(self.held_on)
        when.addWidget(self.held_on_error, 1)
        meeting.addRow(label_widget, when)
        meeting.addRow("Attended", attendee_holder)
        meeting.addRow("", self.attendee_error)
        label_widget = QLabel("Meeting n&otes")
        label_widget.setBuddy(self.meeting_notes)
        meeting.addRow(label_widget, self.meeting_notes)

        self.pairings_box = QGroupBox("Active pairings")
        QVBoxLayout(self.pairings_box).addWidget(self.table)

        self.waiting = WaitingListView(self.context, self.runner, self.state, compact=True)
        self.waiting.open_requested.connect(self.open_requested)
        self.waiting.count_changed.connect(lambda n: self.side.setTabText(0, f"&Waiting for a mentor ({n})"))
        self.suggestions_model = RowsModel(NEW_SUGGESTION_COLUMNS, self)
        self.suggestions = row_table(self.suggestions_model, NEW_SUGGESTION_COLUMNS, "reviewSuggestions")
        open_suggestions = QPushButton("Decide in Mentoring → Suggestions")
        open_suggestions.clicked.connect(self.suggestions_requested)
        suggestions = QWidget()
        box = QVBoxLayout(suggestions)
        box.addWidget(self.suggestions)
        box.addWidget(open_suggestions, 0, Qt.AlignmentFlag.AlignRight)
        self.reviews_model = RowsModel(REVIEW_COLUMNS, self)
        self.reviews = row_table(self.reviews_model, REVIEW_COLUMNS, "earlierReviews")
        # Alongside the pairing at hand: who is waiting, whom the engine would pair, what was decided before.
        self.side = QTabWidget()
        self.side.setObjectName("reviewSide")
        self.side.addTab(self.waiting, "&Waiting for a mentor")
        self.side.addTab(suggestions, "New su&ggestions")
        self.side.addTab(self.reviews, "Earlier re&views")

        below = QSplitter(Qt.Orientation.Horizontal)
        below.setChildrenCollapsible(False)
        below.addWidget(self.pairing_box)
        below.addWidget(self.side)
        below.setSizes([560, 520])
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.pairings_box)
        splitter.addWidget(below)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        actions = QHBoxLayout()
        actions.addWidget(self.message, 1)
        actions.addWidget(self.rest_button)
        actions.addWidget(self.save_button)
        top = QHBoxLayout()
        top.addWidget(heading("Weekly pairing review"))
        top.addStretch(1)
        top.addWidget(self.agenda_status)
        top.addWidget(self.agenda_preview)
        top.addWidget(self.agenda_print)
        top.addWidget(self.agenda_export)
        top.addSpacing(12)
        top.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(meeting)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)
        layout.addLayout(actions)
        self.setFocusProxy(self.table)
        QWidget.setTabOrder(self.held_on, self.meeting_notes)
        QWidget.setTabOrder(self.meeting_notes, self.table)
        QWidget.setTabOrder(self.table, self.outcome_buttons.button(0))
        self._show_pairing()

    def _columns(self) -> tuple[Column, ...]:
        def outcome(h: PairingHealth) -> str:
            return outcome_words(self.draft.outcomes.get(h.pairing_id))

        def outcome_tip(h: PairingHealth) -> str:
            draft = self.draft.outcomes.get(h.pairing_id)
            return draft.notes if draft and draft.notes else "1 continue · 2 watch · 3 reassign · 4 end · 0 clears"

        return (
            Column("Mentee", lambda h: h.mentee_name, 135),
            Column("Mentor", lambda h: h.mentor_name, 135),
            Column("Level", _level, 55, tip=lambda h: "\n".join(h.warning_reasons) or _level(h)),
            Column("Last contact", _last_contact, 95, right=True,
                   tip=lambda h: f"Last reached by the mentor on {h.last_contact_on.isoformat()}"
                   if h.last_contact_on else "No contact by the mentor logged since the pairing started"),
            Column("Contact", _adherence, 85, right=True,
                   tip=lambda h: "Weeks with a mentor contact, of the last four (the first week is not counted)"),
            Column("Paired for", lambda h: _weeks(h.age_days), 75, right=True,
                   tip=lambda h: f"Since {h.started_on.isoformat()}"),
            Column("Outcome", outcome, 125, tip=outcome_tip),
            Column("Due because", lambda h: "; ".join(h.due_reasons), 300,
                   tip=lambda h: "\n".join(h.due_reasons) or "Not due for review"),
        )

    # -- loading ---------------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.started:
            self.started = True
            self.refresh()
            if not self.state.loaded:
                self.state.load()

    def refresh(self) -> None:
        self._request += 1
        request, reviews, context = self._request, self.context.pairing_reviews, self.context

        def work():
            return reviews.health(), reviews.reviews(limit=12), context.staff_members()

        self.status.setText("Loading the pairings…")
        self.runner.submit(self, work, lambda found: self._show(request, *found), self._load_failed)
        self.waiting.refresh()

    def _pairings_changed(self) -> None:
        if self.started and not self._saving:
            self.refresh()

    def _load_failed(self, error: BaseException) -> None:
        if not isinstance(error, AftercareError):
            raise error
        self.status.setText(f"Could not load the pairings: {error}")

    def _show(self, request: int, health: list[PairingHealth], reviews: list[ReviewRecord],
              staff: list[StaffRecord]) -> None:
        if request != self._request:
            return
        current = self.current()
        self.health = health
        self.draft.keep_only({h.pairing_id for h in health})
        self.model.dark = is_dark(self)
        self.model.set_rows(health)
        self.reviews_model.set_rows(reviews)
        self._show_attendees(staff)
        if health:
            ids = [h.pairing_id for h in health]
            self.table.selectRow(ids.index(current.pairing_id) if current and current.pairing_id in ids else 0)
        self._show_pairing()
        self._show_counts()
        self.side.setTabText(2, f"Earlier re&views ({len(reviews)}{'+' if len(reviews) == 12 else ''})")
        self.loaded.emit()

    def _show_attendees(self, staff: list[StaffRecord]) -> None:
        """A box per active staff member, added as they appear; whoever works at this desk is ticked."""
        acting = self.context.acting_staff.id if self.context.acting_staff else None
        for member in staff:
            if member.active and member.id not in self.attendees:
                box = QCheckBox(member.display_name)
                box.setObjectName(f"attendee_{member.id}")
                box.setChecked(member.id == acting)
                self.attendee_box.insertWidget(len(self.attendees), box)  # before the closing stretch
                self.attendees[member.id] = box
        chain = [self.held_on, *self.attendees.values(), self.meeting_notes]
        for before, after in zip(chain, chain[1:]):
            QWidget.setTabOrder(before, after)

    def _show_suggestions(self) -> None:
        run = self.state.run
        if run is None:
            return
        self.suggestions_model.set_rows([SuggestionLine(s, run.name(s.mentee_id), run.name(s.mentor_id),
                                                        run.waited_days.get(s.mentee_id, 0))
                                         for s in run.result.suggestions])
        self.side.setTabText(1, f"New su&ggestions ({len(run.result.suggestions)})")

    def _show_counts(self) -> None:
        if self.health is None:
            return
        due = sum(1 for h in self.health if h.due_for_review)
        high = sum(1 for h in self.health if h.warning_level is WarningLevel.HIGH)
        self.pairings_box.setTitle(f"Active pairings ({len(self.health)} · {due} due for review)")
        decided = len(self.draft.outcomes)
        parts = [f"{self.draft.count(o)} {label(o).lower()}" for o in ReviewOutcome if self.draft.count(o)]
        if decided:
            self._saved_note = ""
        self.status.setText(
            self._saved_note + ("No active pairings." if not self.health else
            f"{due} due for review · {high} with a high early-warning level · outcomes for {decided} of "
            f"{len(self.health)}" + (f" ({', '.join(parts)})" if parts else "") +
            ". Keys 1–4 set the outcome of the selected pairing."))
        self.rest_button.setEnabled(decided < len(self.health))

    # -- one pairing -----------------------------------------------------------------------------------
    def current(self) -> PairingHealth | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _show_pairing(self) -> None:
        h = self.current()
        self._filling = True
        for button in self.outcome_buttons.buttons():
            button.setEnabled(h is not None)
        self.notes.setEnabled(h is not None)
        if h is None:
            self.pairing_box.setTitle("Select a pairing")
            self.pairing_detail.setText("")
            self._check_outcome(None)
            self.notes.setPlainText("")
            self._filling = False
            return
        self.pairing_box.setTitle(f"{h.mentee_name} with {h.mentor_name}")
        lines = [f"Paired since {h.started_on.isoformat()} · last mentor contact {_last_contact(h)} · "
                 f"contact in {_adherence(h)}"]
        if h.warning_reasons:
            lines.append(f"Early warning ({_level(h).lower()}): " + "; ".join(h.warning_reasons))
        if h.due_reasons:
            lines.append("Due for review: " + "; ".join(h.due_reasons))
        if h.last_review_on:
            lines.append(f"Last reviewed {h.last_review_on.isoformat()}: {label(h.last_outcome).lower()}")
        self.pairing_detail.setText("\n".join(lines))
        draft = self.draft.outcomes.get(h.pairing_id)
        self._check_outcome(draft.outcome if draft else None)
        self.notes.setPlainText(draft.notes or "" if draft else "")
        self._filling = False

    def _check_outcome(self, outcome: ReviewOutcome | None) -> None:
        for button in self.outcome_buttons.buttons():
            button.setChecked(OUTCOMES[self.outcome_buttons.id(button)] is outcome)

    def _outcome_clicked(self, button: QAbstractButton) -> None:
        outcome = OUTCOMES[self.outcome_buttons.id(button)]
        h = self.current()
        draft = self.draft.outcomes.get(h.pairing_id) if h else None
        if draft is not None and draft.outcome is outcome and not button.isChecked():
            self.set_outcome(None)  # clicking the chosen outcome again clears it
        else:
            self.set_outcome(outcome)

    def set_outcome(self, outcome: ReviewOutcome | None) -> None:
        """The selected pairing's outcome; ending or reassigning asks why first."""
        h = self.current()
        if h is None:
            return
        reason = None
        if outcome in ENDING:
            draft = self.draft.outcomes.get(h.pairing_id)
            choice = dialogs.ask_end_pairing(
                self, h.mentee_name, h.mentor_name, today=self.context.today(), immediate=False,
                reassign=outcome is ReviewOutcome.REASSIGN,
                reason=draft.end_reason if draft and draft.outcome in ENDING else None)
            if choice is None:
                self._show_pairing()  # back to what it was
                return
            reason = choice.reason
        self.draft.set(h.pairing_id, outcome, reason)
        self._outcome_shown(h)

    def _outcome_shown(self, h: PairingHealth) -> None:
        self.model.refresh(self.model.rows.index(h))
        self._show_pairing()
        self._show_counts()

    def _notes_changed(self) -> None:
        h = self.current()
        if self._filling or h is None:
            return
        had = h.pairing_id in self.draft.outcomes
        self.draft.set_notes(h.pairing_id, self.notes.toPlainText()[:MAX_NOTES])
        self.model.refresh(self.model.rows.index(h))
        if had != (h.pairing_id in self.draft.outcomes):
            self._filling = True
            draft = self.draft.outcomes.get(h.pairing_id)
            self._check_outcome(draft.outcome if draft else None)
            self._filling = False
            self._show_counts()

    def continue_the_rest(self) -> None:
        for h in self.health or ():
            if h.pairing_id not in self.draft.outcomes:
                self.draft.set(h.pairing_id, ReviewOutcome.CONTINUE)
        self.model.refresh()
        self._show_pairing()
        self._show_counts()

    # -- saving ----------------------------------------------------------------------------------------
    def is_dirty(self) -> bool:
        return bool(self.draft.outcomes) or bool(self.meeting_notes.toPlainText().strip())

    def meeting_day(self) -> date | None:
        """The "Held on" day, today when left empty; None (with the reason shown) for a date that
        cannot be read."""
        try:
            held_on = self.held_on.date_value()
        except ValueError as exc:
            self.held_on_error.show_message(str(exc))
            self.held_on.setFocus()
            return None
        self.held_on_error.show_message(None)
        return held_on or self.context.today()

    def review_data(self) -> ReviewData | None:
        held_on = self.meeting_day()
        if held_on is None:
            return None
        return ReviewData(
            held_on=held_on,
            attendee_ids=[staff_id for staff_id, box in self.attendees.items() if box.isChecked()],
            outcomes=[OutcomeData(d.pairing_id, d.outcome, d.notes, d.end_reason) for d in self.draft.outcomes.values()],
            notes=self.meeting_notes.toPlainText())

    def save(self) -> None:
        if self._saving or self.health is None:
            return
        data = self.review_data()
        if data is None:
            return
        names = {h.pairing_id: (h.mentee_name, h.mentor_name) for h in self.health}
        ending = [f"• {names[o.pairing_id][0]} with {names[o.pairing_id][1]}: {label(o.outcome).lower()}, "
                  f"{label(o.end_reason).lower()}" for o in data.outcomes if o.outcome in ENDING]
        if ending and not dialogs.confirm_review_ends(self, ending):
            self.message.show_message("Not saved. Change the outcomes or save again.")
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.message.show_message(None)
        self.attendee_error.show_message(None)
        reviews, actor = self.context.pairing_reviews, self.context.actor
        self.runner.submit(self, lambda: reviews.save_review(data, actor), self._saved, self._save_failed)

    def _saved(self, record: ReviewRecord) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.draft = ReviewDraft()
        self.meeting_notes.setPlainText("")
        self.held_on.set_date(self.context.today())
        self.message.show_message(None)
        self._saved_note = f"Review of {record.held_on.isoformat()} saved: {review_summary(record)}. "
        self._show_counts()
        self.saved.emit(record.id)
        self.state.pairings_saved()  # ended pairings leave the pool; reassigned mentees wait again

    def _save_failed(self, error: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationFailed):
            general = []
            for problem in error.problems:
                if problem.field == "held_on":
                    self.held_on_error.show_message(problem.message)
                elif problem.field == "attendee_ids":
                    self.attendee_error.show_message(problem.message)
                else:
                    general.append(problem.message)
            self.message.show_message("Not saved: " + "; ".join(general) if general else "Not saved; see above.")
        elif isinstance(error, AftercareError):
            self.message.show_message(f"Not saved: {error}")
        else:
            show_failure(self, error)

    def can_close(self) -> bool:
        """Outcomes or notes not saved are asked about before leaving the page or closing the app."""
        if self._saving:
            return False
        if not self.is_dirty():
            return True
        return dialogs.may_leave(self, "this pairing review", self.save, self._discard)

    def _discard(self) -> None:
        self.draft = ReviewDraft()
        self.meeting_notes.setPlainText("")
        self.model.refresh()
        self._show_pairing()
        self._show_counts()

    # -- the agenda ----------------------------------------------------------------------------------------
    @property
    def agenda(self) -> DocumentActions:
        """Preview, print and export of the agenda; made on first use, as it loads reportlab and QtPdf
        (over a second), which the page itself does not need."""
        if self._agenda is None:
            from .documents import DocumentActions

            self._agenda = DocumentActions(self.context, self.runner, self, self.agenda_request, self._agenda_about)
            self._agenda.status.connect(self.agenda_status.setText)
            self._agenda.problems.connect(self._agenda_problems)
            self._agenda.busy_changed.connect(self._agenda_busy)
        return self._agenda

    def agenda_request(self) -> ExportRequest | None:
        """The agenda of the meeting on the "Held on" day; None when that day cannot be read."""
        held_on = self.meeting_day()
        if held_on is None:
            return None
        from ..reports.export import ExportRequest

        return ExportRequest(DocumentKind.PAIRING_REVIEW, meeting_on=held_on)

    def _agenda_about(self) -> str:
        request = self.agenda_request()
        return f"meeting of {request.meeting_on.isoformat()}" if request else ""

    def _agenda_problems(self, problems: list) -> None:
        if problems:
            self.held_on_error.show_message("; ".join(problem.message for problem in problems))

    def _agenda_busy(self, busy: bool) -> None:
        for button in (self.agenda_preview, self.agenda_print, self.agenda_export):
            button.setEnabled(not busy)

    def export_agenda(self) -> None:
        """File → Export PDF… on this page."""
        self.agenda.export()

    def print_agenda(self) -> None:
        """File → Print… on this page."""
        self.agenda.print_document()

    # -- keys ------------------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = Qt.Key(event.key())
            if key in OUTCOME_KEYS and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                self.set_outcome(OUTCOME_KEYS[key])
                return True
            if key in (Qt.Key.Key_0, Qt.Key.Key_Backspace):
                self.set_outcome(None)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                h = self.current()
                if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                    if h is not None:
                        self.open_requested.emit(h.mentee_id)
                else:
                    self.notes.setFocus()
                return True
        return super().eventFilter(watched, event)
