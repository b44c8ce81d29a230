"""Export PDF… for one alumnus: which document, the period and sections, for whom and why, the notice.

A progress report leaves the program, so it asks for the recipient and purpose and always carries the
42 CFR §2.32 notice (the team's statement by default, the other one selectable). The alumnus's own
plan and wallet cards are recorded as given to the alumnus unless someone else is named. Preview,
Print… and Export PDF… go through `DocumentActions`; every print and export is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from PySide6.QtCore import QDate, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..models.enums import NoticeStatement
from ..reports import DisclosureRecord, DocumentKind, ExportRequest, Notice, Period, Section
from ..reports.export import LIMITS, MAX_COPIES
from ..reports.wallet import DEFAULT_COPIES
from ..services.context import AppContext
from ..services.team_settings import TeamSettingsService
from ..services.validation import Problem
from .background import TaskRunner
from .documents import DocumentActions, export_service
from .widgets import ErrorLabel, choice_row, stacked

ALUMNUS_KINDS = (DocumentKind.PROGRESS, DocumentKind.PLAN, DocumentKind.WALLET_CARD)
PRESETS = (("Last 30 days", 30), ("Last 90 days", 90), ("Last 6 months", 182), ("Last 12 months", 365),
           ("Custom", 0))
DEFAULT_PRESET = {DocumentKind.PROGRESS: 1, DocumentKind.CASELOAD: 0}
PURPOSE_EXAMPLES = "e.g. continuing care, court review, sober-living residence"
OPTION_FIELDS = ("period", "sections", "caseworker_notes", "copies", "recipient", "purpose", "notice")


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class DocumentOptions(QWidget):
    """What goes into a document, for one alumnus or a batch: the kind, the period, the sections of a
    progress report, notes, copies of wallet cards, the recipient and purpose, and the notice."""

    changed = Signal()

    def __init__(self, kinds: tuple[DocumentKind, ...], today: date, *, notes: bool = True,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.today = today
        self.errors: dict[str, ErrorLabel] = {}
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.kind = QComboBox()
        self.kind.setObjectName("documentKind")
        for kind in kinds:
            self.kind.addItem(kind.title, kind.value)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._add("kind", "&Document", self.kind)

        self.preset = QComboBox()
        for text, _days in PRESETS:
            self.preset.addItem(text)
        self.first = QDateEdit()
        self.last = QDateEdit()
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setMaximumDate(_qdate(today))
            edit.dateChanged.connect(self._dates_edited)
        period = QHBoxLayout()
        period.setContentsMargins(0, 0, 0, 0)
        period.addWidget(self.preset)
        period.addWidget(self.first)
        period.addWidget(QLabel("to"))
        period.addWidget(self.last)
        period.addStretch(1)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self._add("period", "&Period", period, buddy=self.preset)

        self.sections: dict[Section, QCheckBox] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(2)
        for position, section in enumerate(Section):
            if section is Section.NOTES and not notes:
                continue
            box = QCheckBox(section.title)
            box.setObjectName(f"section_{section.value}")
            box.setChecked(True)
            box.toggled.connect(self._sections_changed)
            self.sections[section] = box
            grid.addWidget(box, position // 3, position % 3)
        self._add("sections", "&Sections", grid, buddy=next(iter(self.sections.values())))

        self.notes: QPlainTextEdit | None = None
        if notes:
            self.notes = QPlainTextEdit()
            self.notes.setObjectName("caseworkerNotes")
            self.notes.setTabChangesFocus(True)
            self.notes.setPlaceholderText("What the recipient should read from you (printed as written).")
            self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 4 + 12)
            self._add("caseworker_notes", "Caseworker's &notes", self.notes)

        self.copies = QSpinBox()
        self.copies.setObjectName("copies")
        self.copies.setRange(1, MAX_COPIES)
        self.copies.setValue(DEFAULT_COPIES)
        self.copies.setSuffix(" cards")
        self.copies.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._add("copies", "&Copies", self.copies)

        self.recipient = QLineEdit()
        self.recipient.setObjectName("recipient")
        self.recipient.setMaxLength(LIMITS["recipient"])
        self.recipient_completer = QCompleter(QStringListModel(self), self)
        self.recipient_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.recipient.setCompleter(self.recipient_completer)
        self._add("recipient", "&Recipient", self.recipient)
        self.purpose = QLineEdit()
        self.purpose.setObjectName("purpose")
        self.purpose.setMaxLength(LIMITS["purpose"])
        self._add("purpose", "P&urpose", self.purpose)

        self.statement_1 = QRadioButton("Statement 1 (standard)")
        self.statement_2 = QRadioButton("Statement 2 (abbreviated)")
        self.statement_1.setChecked(True)
        notice = choice_row(self, self.statement_1, self.statement_2)
        self._add("notice", "42 CFR §2.32 no&tice", notice, buddy=self.statement_1)

        for edit in (self.recipient, self.purpose):
            edit.textChanged.connect(self.changed)
        self.preset.setCurrentIndex(DEFAULT_PRESET.get(kinds[0], 1))
        self._preset_chosen(self.preset.currentIndex())
        self._kind_changed()

    def _add(self, name: str, caption: str, field, *, buddy: QWidget | None = None) -> None:
        error = ErrorLabel()
        self.errors[name] = error
        holder = stacked(field, error)
        label = QLabel(caption)
        label.setBuddy(buddy or field)
        self.form.addRow(label, holder)

    # -- reading -------------------------------------------------------------------------------------
    @property
    def document_kind(self) -> DocumentKind:
        return DocumentKind(self.kind.currentData())

    def set_kind(self, kind: DocumentKind) -> None:
        self.kind.setCurrentIndex(max(self.kind.findData(kind.value), 0))

    def period(self) -> Period:
        return Period(self.first.date().toPython(), self.last.date().toPython())

    def request(self) -> ExportRequest:
        """The request as chosen, about no one yet; the service checks it."""
        kind = self.document_kind
        notes = self.notes.toPlainText() if self.notes is not None else ""
        statement = Notice.STATEMENT_2 if self.statement_2.isChecked() else Notice.STATEMENT_1
        return ExportRequest(
            kind,
            period=self.period() if kind in (DocumentKind.PROGRESS, DocumentKind.CASELOAD) else None,
            sections=frozenset(s for s, box in self.sections.items() if box.isChecked()),
            recipient=self.recipient.text(), purpose=self.purpose.text(),
            notice=statement if kind.leaves_program else Notice.DEFAULT,
            caseworker_notes=notes if kind is DocumentKind.PROGRESS and self._notes_chosen() else None,
            copies=self.copies.value() if kind is DocumentKind.WALLET_CARD else None,
        )

    def _notes_chosen(self) -> bool:
        box = self.sections.get(Section.NOTES)
        return box is not None and box.isChecked()

    # -- showing -------------------------------------------------------------------------------------
    def set_default_notice(self, statement: NoticeStatement) -> None:
        (self.statement_2 if statement is NoticeStatement.STATEMENT_2 else self.statement_1).setChecked(True)

    def set_recipients(self, recipients: list[str]) -> None:
        self.recipient_completer.model().setStringList(recipients)

    def show_problems(self, problems: list[Problem]) -> list[Problem]:
        """Each problem beside its field; returns those no field here shows."""
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            by_field.setdefault(problem.field, []).append(problem.message)
        for name, error in self.errors.items():
            error.show_message("\n".join(by_field.pop(name, [])) or None)
        first = next((p.field for p in problems if p.field in self.errors), None)
        focus = {"recipient": self.recipient, "purpose": self.purpose, "period": self.first,
                 "caseworker_notes": self.notes, "copies": self.copies}.get(first or "")
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
        return [p for p in problems if p.field in by_field]

    def _row_visible(self, name: str, visible: bool) -> None:
        self.form.setRowVisible(self.errors[name].parentWidget(), visible)

    def _kind_changed(self, *_args) -> None:
        kind = self.document_kind
        progress = kind is DocumentKind.PROGRESS
        self._row_visible("kind", self.kind.count() > 1)
        self._row_visible("period", kind in (DocumentKind.PROGRESS, DocumentKind.CASELOAD))
        self._row_visible("sections", progress)
        if self.notes is not None:
            self._row_visible("caseworker_notes", progress)
        self._row_visible("copies", kind is DocumentKind.WALLET_CARD)
        self._row_visible("recipient", kind.about_an_alumnus)
        self._row_visible("purpose", kind.about_an_alumnus)
        self._row_visible("notice", kind.leaves_program)
        required = " *" if kind.leaves_program else ""
        self.form.labelForField(self.errors["recipient"].parentWidget()).setText(f"&Recipient{required}")
        self.form.labelForField(self.errors["purpose"].parentWidget()).setText(f"P&urpose{required}")
        if kind.leaves_program:
            self.recipient.setPlaceholderText("who receives it, e.g. Dr. Rivera, Hope Clinic")
            self.purpose.setPlaceholderText(PURPOSE_EXAMPLES)
        else:
            self.recipient.setPlaceholderText("the alumnus (their own copy), unless you name someone")
            self.purpose.setPlaceholderText("their own copy, unless you say otherwise")
        self.show_problems([])
        self._sections_changed()
        self.changed.emit()

    def _sections_changed(self, *_args) -> None:
        if self.notes is not None:
            self.notes.setEnabled(self._notes_chosen())
        self.changed.emit()

    def _preset_chosen(self, index: int) -> None:
        days = PRESETS[index][1]
        if not days:
            return
        for edit in (self.first, self.last):
            edit.blockSignals(True)
        self.last.setDate(_qdate(self.today))
        self.first.setDate(_qdate(self.today - timedelta(days=days - 1)))
        for edit in (self.first, self.last):
            edit.blockSignals(False)
        self.changed.emit()

    def _dates_edited(self, *_args) -> None:
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(len(PRESETS) - 1)
        self.preset.blockSignals(False)
        self.changed.emit()


@dataclass(frozen=True)
class Subject:
    """The alumnus a document is about, as the dialog names them."""

    alumnus_id: int
    name: str
    client_id: str


def disclosed_words(records: list[DisclosureRecord]) -> str:
    if not records:
        return "Nothing about this person has been exported or printed yet."
    last = records[0]
    times = "once" if len(records) == 1 else f"{len(records)} times"
    return (f"Exported or printed {times}; last on {last.occurred_at.astimezone().strftime('%Y-%m-%d')} "
            f"({last.document.title.lower()}, for {last.recipient}).")


class ExportDialog(QDialog):
    """Preview, print or export a document about one alumnus."""

    def __init__(self, context: AppContext, runner: TaskRunner, subject: Subject,
                 kind: DocumentKind = DocumentKind.PROGRESS, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.subject = subject
        self.setWindowTitle(f"Export PDF — {subject.name}")
        heading = QLabel(f"<b>{subject.name}</b> · {subject.client_id}")
        heading.setTextFormat(Qt.TextFormat.RichText)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        heading.setFont(font)
        self.history = QLabel("")
        self.history.setObjectName("disclosedBefore")
        self.history.setWordWrap(True)
        self.history.setEnabled(False)
        self.options = DocumentOptions(ALUMNUS_KINDS, context.today())
        self.options.set_kind(kind)
        self.message = QLabel()
        self.message.setObjectName("exportMessage")
        self.message.setWordWrap(True)

        self.actions = DocumentActions(context, runner, self, self.request, lambda: subject.name)
        self.actions.status.connect(self.message.setText)
        self.actions.problems.connect(self._show_problems)
        self.actions.busy_changed.connect(self._set_busy)

        self.preview_button = QPushButton("Pre&view")
        self.preview_button.setToolTip("See the document as it will print; nothing is recorded")
        self.preview_button.clicked.connect(self.actions.preview)
        self.print_button = QPushButton("&Print…")
        self.print_button.clicked.connect(lambda: self.actions.print_document())
        self.export_button = QPushButton("&Export PDF…")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(lambda: self.actions.export())
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)

        footer = QLabel("Every print and export is recorded in the accounting of disclosures: who, when, which "
                        "document, for whom and why.")
        footer.setWordWrap(True)
        footer.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.history)
        layout.addSpacing(6)
        layout.addWidget(self.options)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(footer)
        layout.addLayout(buttons)
        self.resize(640, 0)
        self._load()

    def _load(self) -> None:
        settings, exports, alumnus_id = TeamSettingsService(self.context.database), export_service(self.context), \
            self.subject.alumnus_id
        self.runner.submit(self, lambda: (settings.load().disclosure_notice, exports.disclosures(alumnus_id)),
                           self._loaded, lambda error: self.history.setText(f"Could not read earlier exports: {error}"))

    def _loaded(self, result) -> None:
        statement, records = result
        self.options.set_default_notice(statement)
        self.options.set_recipients(sorted({r.recipient for r in records}, key=str.casefold))
        self.history.setText(disclosed_words(records))

    def request(self) -> ExportRequest:
        return replace(self.options.request(), alumnus_id=self.subject.alumnus_id)

    def _show_problems(self, problems: list[Problem]) -> None:
        rest = self.options.show_problems(problems)
        if rest:
            self.message.setText("\n".join(p.message for p in rest))
        elif problems:
            count = len(problems)
            self.message.setText(f"Not done: {count} thing{'s' if count > 1 else ''} to correct, marked above.")

    def _set_busy(self, busy: bool) -> None:
        for button in (self.preview_button, self.print_button, self.export_button):
            button.setEnabled(not busy)


def open_export_dialog(context: AppContext, runner: TaskRunner, subject: Subject, parent: QWidget | None,
                       kind: DocumentKind = DocumentKind.PROGRESS, *, print_first: bool = False) -> ExportDialog:
    """The export dialog, window-modal over `parent`, deleted when closed; `print_first` makes Print…
    the default button (File → Print…)."""
    dialog = ExportDialog(context, runner, subject, kind, parent)
    if print_first:
        dialog.export_button.setDefault(False)
        dialog.print_button.setDefault(True)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
