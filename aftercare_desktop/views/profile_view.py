"""An alumnus's record: every field editable with inline validation, contacts, status and history."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStyledItemDelegate,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..errors import AftercareError, ConcurrentEditError, RecordNotFoundError, ValidationFailed
from ..models.enums import ContactMethod, DischargeType, Program, RecoveryPathway, Relationship, label
from ..services.context import AppContext
from ..services.records import AlumnusData, StaffRecord, StatusChangeRecord
from ..services.validation import FIELD_LABELS, Problem, age_on
from . import dialogs
from .background import TaskRunner
from .status_dialog import StatusDialog
from .support_contacts_model import COL_RELATION, SupportContactsModel
from .widgets import DateField, EnumCombo, ErrorLabel

TEXT_FIELDS = (
    "client_id", "first_name", "last_name", "preferred_name", "pronouns", "phone_mobile", "phone_home",
    "email", "address", "city", "postal_code", "preferred_contact_times",
)
DATE_FIELDS = (
    "date_of_birth", "admission_date", "discharge_date", "sobriety_start_date", "opted_in_on", "opted_out_on",
)
LIST_FIELDS = ("languages", "substances")
REQUIRED = ("client_id", "first_name", "last_name")


class RelationDelegate(QStyledItemDelegate):
    def createEditor(self, parent, option, index):
        return EnumCombo(Relationship, optional=False, parent=parent)

    def setEditorData(self, editor, index):
        editor.set_value(index.data(Qt.ItemDataRole.EditRole))

    def setModelData(self, editor, model, index):
        model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)


class ProfileView(QWidget):
    back_requested = Signal()
    saved = Signal(int)
    deleted = Signal(int)
    loaded = Signal()
    dirty_changed = Signal(bool)

    def __init__(self, context: AppContext, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self._original: AlumnusData | None = None
        self._filling = False
        self._busy = False
        self._was_dirty = False
        self._shown_errors = False

        self.text: dict[str, QLineEdit] = {}
        self.dates: dict[str, DateField] = {}
        self.lists: dict[str, QLineEdit] = {}
        self.errors: dict[str, ErrorLabel] = {}

        self._build()

    # -- building ----------------------------------------------------------------------------------
    def _line(self, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.textEdited.connect(self._edited)
        self.text[name] = edit
        return edit

    def _date(self, name: str) -> DateField:
        edit = DateField()
        edit.setObjectName(name)
        edit.textEdited.connect(self._edited)
        self.dates[name] = edit
        return edit

    def _list(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.textEdited.connect(self._edited)
        self.lists[name] = edit
        return edit

    def _row(self, form: QFormLayout, name: str, widget: QWidget, caption: str | None = None) -> None:
        caption = caption or FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
        if name in REQUIRED:
            caption += " *"
        error = ErrorLabel()
        self.errors[name] = error
        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(error)
        holder = QWidget()
        holder.setLayout(box)
        label_widget = QLabel(caption)
        label_widget.setBuddy(widget)
        form.addRow(label_widget, holder)

    def _group(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        group = QGroupBox(title)
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return group, form

    def _build(self) -> None:
        back = QPushButton("← Directory")
        back.setToolTip("Back to the alumni directory (Esc)")
        back.clicked.connect(self.back_requested)
        self.heading = QLabel()
        self.heading.setObjectName("profileHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.heading.setFont(font)
        self.subheading = QLabel()
        self.save_button = QPushButton("Save")
        self.save_button.setToolTip("Save (Ctrl+S)")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Undo the changes since the last save")
        self.cancel_button.clicked.connect(self.revert)
        self.status_button = QPushButton("Change status…")
        self.status_button.clicked.connect(self.change_status)
        self.archive_button = QPushButton("Archive")
        self.archive_button.clicked.connect(self.toggle_archived)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.clicked.connect(self.delete)
        self.export_button = QPushButton("Export PDF…")
        self.export_button.setToolTip("Progress report, their own aftercare plan or wallet cards: preview, print "
                                      "or export (Ctrl+E)")
        self.export_button.clicked.connect(lambda: self.export_document())
        self.message = QLabel()
        self.message.setObjectName("profileMessage")
        self.message.setWordWrap(True)

        header = QHBoxLayout()
        header.addWidget(back)
        titles = QVBoxLayout()
        titles.addWidget(self.heading)
        titles.addWidget(self.subheading)
        header.addLayout(titles, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.message, 1)
        for button in (self.export_button, self.status_button, self.archive_button, self.delete_button,
                       self.cancel_button, self.save_button):
            actions.addWidget(button)

        identity, form = self._group("Identity")
        self._row(form, "client_id", self._line("client_id", "e.g. AC-004217"), "Client ID / MRN")
        self._row(form, "first_name", self._line("first_name"))
        self._row(form, "last_name", self._line("last_name"))
        self._row(form, "preferred_name", self._line("preferred_name", "what they like to be called"))
        self._row(form, "pronouns", self._line("pronouns", "e.g. she/her, they/them"))
        self._row(form, "date_of_birth", self._date("date_of_birth"))
        self.age_label = QLabel()
        form.addRow("Age", self.age_label)

        contact, form = self._group("Contact")
        self._row(form, "phone_mobile", self._line("phone_mobile"))
        self._row(form, "phone_home", self._line("phone_home"))
        self._row(form, "email", self._line("email"))
        self._row(form, "address", self._line("address"))
        self._row(form, "city", self._line("city"))
        self._row(form, "postal_code", self._line("postal_code"))
        self.contact_method = EnumCombo(ContactMethod)
        self.contact_method.currentIndexChanged.connect(self._edited)
        self._row(form, "preferred_contact_method", self.contact_method, "Preferred contact")
        self._row(form, "preferred_contact_times", self._line("preferred_contact_times", "e.g. weekday evenings"),
                  "Best times")
        self._row(form, "languages", self._list("languages", "e.g. English, Spanish"), "Languages")

        treatment, form = self._group("Treatment")
        self.program = EnumCombo(Program)
        self.program.currentIndexChanged.connect(self._edited)
        self._row(form, "program", self.program, "Program / track")
        self._row(form, "admission_date", self._date("admission_date"))
        self._row(form, "discharge_date", self._date("discharge_date"))
        self.discharge_type = EnumCombo(DischargeType)
        self.discharge_type.currentIndexChanged.connect(self._edited)
        self._row(form, "discharge_type", self.discharge_type, "Discharge type")
        self.caseworker = QComboBox()
        self.caseworker.setObjectName("caseworker")
        self.caseworker.currentIndexChanged.connect(self._edited)
        self._row(form, "caseworker_id", self.caseworker, "Caseworker")

        recovery, form = self._group("Recovery")
        self._row(form, "substances", self._list("substances", "e.g. alcohol, opioids"), "Substances")
        pathways = QGridLayout()
        self.pathways: dict[RecoveryPathway, QCheckBox] = {}
        for position, pathway in enumerate(RecoveryPathway):
            box = QCheckBox(label(pathway))
            box.toggled.connect(self._edited)
            self.pathways[pathway] = box
            pathways.addWidget(box, position // 2, position % 2)
        holder = QWidget()
        holder.setLayout(pathways)
        self._row(form, "recovery_pathways", holder, "Recovery pathways")
        self._row(form, "sobriety_start_date", self._date("sobriety_start_date"))
        self.days_sober = QLabel()
        self.days_sober.setObjectName("daysSober")
        form.addRow("Days sober", self.days_sober)
        self.wants_mentor = QCheckBox("Wants a peer mentor")
        self.consents = QCheckBox("Consents to the mentor program")
        for box in (self.wants_mentor, self.consents):
            box.toggled.connect(self._edited)
            form.addRow("", box)

        status, form = self._group("Aftercare status")
        self.status_label = QLabel()
        self.status_label.setObjectName("statusLabel")
        form.addRow("Status", self.status_label)
        self._row(form, "opted_in_on", self._date("opted_in_on"))
        self._row(form, "opted_out_on", self._date("opted_out_on"))
        self.history = QTableWidget(0, 4)
        self.history.setHorizontalHeaderLabels(["When", "Status", "By", "Reason"])
        self.history.verticalHeader().hide()
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setMaximumHeight(140)
        form.addRow("History", self.history)

        contacts = QGroupBox("Support contacts — who to call when cravings hit, in order")
        self.contacts_model = SupportContactsModel(self)
        self.contacts_model.edited.connect(self._edited)
        self.contacts_table = QTableView()
        self.contacts_table.setObjectName("supportContacts")
        self.contacts_table.setModel(self.contacts_model)
        self.contacts_table.setItemDelegateForColumn(COL_RELATION, RelationDelegate(self.contacts_table))
        self.contacts_table.verticalHeader().hide()
        self.contacts_table.horizontalHeader().setStretchLastSection(True)
        self.contacts_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.contacts_table.setColumnWidth(0, 80)
        self.contacts_table.setColumnWidth(1, 180)
        self.contacts_table.setColumnWidth(2, 120)
        self.contacts_table.setColumnWidth(3, 140)
        self.contacts_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.contacts_table.setMinimumHeight(120)
        self.contacts_table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        buttons = QVBoxLayout()
        for text, tip, slot in (
            ("Add", "Add a support contact", self._add_contact),
            ("Remove", "Remove the selected contact", self._remove_contact),
            ("Move up", "Call this person earlier", lambda: self._move_contact(-1)),
            ("Move down", "Call this person later", lambda: self._move_contact(1)),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setMinimumWidth(90)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.errors["support_contacts"] = ErrorLabel()
        contacts_layout = QGridLayout(contacts)
        contacts_layout.addWidget(self.contacts_table, 0, 0)
        contacts_layout.addLayout(buttons, 0, 1)
        contacts_layout.addWidget(self.errors["support_contacts"], 1, 0, 1, 2)

        notes = QGroupBox("Notes")
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText("Context the team should know. No clinical notes.")
        self.notes.textChanged.connect(self._edited)
        self.notes.setMinimumHeight(90)
        QVBoxLayout(notes).addWidget(self.notes)

        self.bookkeeping = QLabel()
        self.bookkeeping.setObjectName("bookkeeping")

        body = QWidget()
        grid = QGridLayout(body)
        grid.addWidget(identity, 0, 0)
        grid.addWidget(contact, 0, 1)
        grid.addWidget(treatment, 1, 0)
        grid.addWidget(recovery, 1, 1)
        grid.addWidget(status, 2, 0, 1, 2)
        grid.addWidget(contacts, 3, 0, 1, 2)
        grid.addWidget(notes, 4, 0, 1, 2)
        grid.addWidget(self.bookkeeping, 5, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)

        record_tab = QWidget()
        record_layout = QVBoxLayout(record_tab)
        record_layout.setContentsMargins(0, 6, 0, 0)
        record_layout.addLayout(actions)
        record_layout.addWidget(scroll, 1)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("profileTabs")
        self.tabs.addTab(record_tab, "&Record")
        self.tabs.currentChanged.connect(self._tab_shown)
        self._panels: list[QWidget] = []
        self._panels_shown: set[int] = set()

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)
        self._set_enabled(False)

    # -- panels of the profile (plan, check-ins, assessments) ------------------------------------
    def add_panel(self, title: str, panel: QWidget) -> None:
        """A tab showing more of the alumnus. The panel has `show_alumnus(record: AlumnusData)` and may
        have `maybe_leave() -> bool` (its own unsaved-edits guard) and `save()`."""
        self._panels.append(panel)
        self.tabs.addTab(panel, title)

    def _tab_shown(self, index: int) -> None:
        # Panels load when first looked at, so opening a record stays fast.
        panel = self.tabs.widget(index)
        if panel in self._panels and self._original is not None and self._original.id is not None:
            if index not in self._panels_shown:
                self._panels_shown.add(index)
                panel.show_alumnus(self._original)

    def _reset_panels(self) -> None:
        self._panels_shown.clear()
        is_saved = self._original is not None and self._original.id is not None
        for panel in self._panels:
            self.tabs.setTabEnabled(self.tabs.indexOf(panel), is_saved)
        self._tab_shown(self.tabs.currentIndex())

    def save_current(self) -> None:
        """Ctrl+S: save what the visible tab edits."""
        panel = self.tabs.currentWidget()
        if panel in self._panels:
            if hasattr(panel, "save"):
                panel.save()
        else:
            self.save()

    # -- loading -----------------------------------------------------------------------------------
    def set_staff(self, staff: list[StaffRecord]) -> None:
        current = self.caseworker.currentData()
        self._filling = True
        self.caseworker.clear()
        self.caseworker.addItem("— none —", None)
        for member in staff:
            self.caseworker.addItem(member.display_name, member.id)
        self.caseworker.setCurrentIndex(max(self.caseworker.findData(current), 0))
        self._filling = False

    @property
    def alumnus_id(self) -> int | None:
        return self._original.id if self._original else None

    @property
    def display_name(self) -> str:
        return self._original.display_name if self._original else ""

    def load(self, alumnus_id: int) -> None:
        self._set_busy(True, "Opening…")
        alumni, actor = self.context.alumni, self.context.actor
        self.runner.submit(
            self,
            lambda: (alumni.open_record(alumnus_id, actor), alumni.status_history(alumnus_id)),
            lambda result: self._show_record(*result),
            self._load_failed,
        )

    def reload(self) -> None:
        """Show the saved record again after another part of the app changed it."""
        if self._original is None or self._original.id is None:
            return
        if self.is_dirty():
            self.message.setText("This record was changed elsewhere in the app; save or cancel to see it.")
            return
        self.load(self._original.id)

    def start_new(self) -> None:
        record = AlumnusData(caseworker_id=self.context.actor.staff_id)
        self._show_record(record, [])
        self.text["client_id"].setFocus()

    def _load_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, AftercareError):
            dialogs.show_problem(self, str(error))
            self.back_requested.emit()
        else:
            raise error

    def _show_record(self, record: AlumnusData, history: list[StatusChangeRecord]) -> None:
        previous_id = self._original.id if self._original else None
        self._original = record
        if record.id is None or record.id != previous_id:
            self.tabs.setCurrentIndex(0)
        self._fill(record)
        self._show_history(history)
        self._show_problems([])
        self._shown_errors = False
        self._set_busy(False)
        self._set_enabled(True)
        self._update_header()
        self._update_dirty()
        self._reset_panels()
        self.loaded.emit()

    def _fill(self, record: AlumnusData) -> None:
        self._filling = True
        try:
            for name, edit in self.text.items():
                edit.setText(getattr(record, name) or "")
            for name, edit in self.dates.items():
                edit.set_date(getattr(record, name))
            for name, edit in self.lists.items():
                edit.setText(", ".join(getattr(record, name)))
            self.contact_method.set_value(record.preferred_contact_method)
            self.program.set_value(record.program)
            self.discharge_type.set_value(record.discharge_type)
            self.caseworker.setCurrentIndex(max(self.caseworker.findData(record.caseworker_id), 0))
            for pathway, box in self.pathways.items():
                box.setChecked(pathway.value in record.recovery_pathways)
            self.wants_mentor.setChecked(record.wants_mentor)
            self.consents.setChecked(record.consents_to_mentor_program)
            self.notes.setPlainText(record.notes or "")
            self.contacts_model.set_contacts(record.support_contacts)
        finally:
            self._filling = False
        self._update_derived(record)

    def _show_history(self, history: list[StatusChangeRecord]) -> None:
        self.history.setRowCount(len(history))
        for row, change in enumerate(reversed(history)):
            when = change.changed_at.astimezone().strftime("%Y-%m-%d %H:%M")
            text = label(change.new_status) if change.old_status is None else (
                f"{label(change.old_status)} → {label(change.new_status)}")
            for column, value in enumerate((when, text, change.changed_by or "", change.reason or "")):
                self.history.setItem(row, column, QTableWidgetItem(value))
        self.history.resizeColumnsToContents()

    def _update_header(self) -> None:
        record = self._original
        if record is None:
            return
        is_new = record.id is None
        self.heading.setText("New alumnus" if is_new else record.display_name)
        if is_new:
            self.subheading.setText("Fill in at least the client ID and the name, then save.")
        else:
            archived = " · Archived" if record.archived_at else ""
            self.subheading.setText(f"{record.client_id} · {label(record.status)}{archived}")
        self.status_label.setText(label(record.status))
        self.status_button.setEnabled(not is_new)
        self.archive_button.setEnabled(not is_new)
        self.archive_button.setText("Restore" if record.archived_at else "Archive")
        self.archive_button.setToolTip(
            "Bring the record back into the daily lists" if record.archived_at
            else "Hide from daily lists; nothing is deleted and it can be restored")
        self.delete_button.setEnabled(not is_new)
        self.export_button.setEnabled(not is_new)
        if is_new:
            self.bookkeeping.setText("")
        else:
            created = record.created_at.astimezone().strftime("%Y-%m-%d %H:%M") if record.created_at else ""
            updated = record.updated_at.astimezone().strftime("%Y-%m-%d %H:%M") if record.updated_at else ""
            self.bookkeeping.setText(
                f"Created {created} by {record.created_by or 'an import or tool'} · "
                f"last changed {updated} by {record.updated_by or 'an import or tool'}")

    def _update_derived(self, record: AlumnusData) -> None:
        today = self.context.today()
        dob = record.date_of_birth
        self.age_label.setText(str(age_on(dob, today)) if dob and dob <= today else "")
        start = record.sobriety_start_date
        if start and start <= today:
            self.days_sober.setText(f"{(today - start).days:,} days (since {start.isoformat()})")
        else:
            self.days_sober.setText("—")

    # -- editing -------------------------------------------------------------------------------------
    def form_data(self) -> tuple[AlumnusData, list[Problem]]:
        """What the form says now, plus problems found while reading it (unreadable dates)."""
        base = self._original or AlumnusData()
        values: dict = {}
        problems: list[Problem] = []
        for name, edit in self.text.items():
            values[name] = edit.text().strip() if name in REQUIRED else (edit.text().strip() or None)
        for name, edit in self.dates.items():
            try:
                values[name] = edit.date_value()
            except ValueError as exc:
                values[name] = getattr(base, name)
                problems.append(Problem(name, f"{FIELD_LABELS[name]}: {exc}"))
        for name, edit in self.lists.items():
            values[name] = [part.strip() for part in edit.text().replace(";", ",").split(",") if part.strip()]
        values["preferred_contact_method"] = self.contact_method.value()
        values["program"] = self.program.value()
        values["discharge_type"] = self.discharge_type.value()
        values["caseworker_id"] = self.caseworker.currentData()
        values["recovery_pathways"] = [p.value for p, box in self.pathways.items() if box.isChecked()]
        values["wants_mentor"] = self.wants_mentor.isChecked()
        values["consents_to_mentor_program"] = self.consents.isChecked()
        values["notes"] = self.notes.toPlainText().strip() or None
        values["support_contacts"] = self.contacts_model.contacts()
        return replace(base, **values), problems

    def is_dirty(self) -> bool:
        if self._original is None:
            return False
        current, problems = self.form_data()
        if problems:
            return True
        return _comparable(current) != _comparable(self._original)

    def _edited(self, *_args) -> None:
        if self._filling or self._original is None:
            return
        data, problems = self.form_data()
        self._update_derived(data)
        if self._shown_errors or problems:
            self._validate(data, problems)
        else:
            # Before the first save attempt only speak up about fields that are already wrong.
            checked = self.context.alumni.validate(data)
            self._show_problems([p for p in checked.errors if p.field not in REQUIRED])
        self._update_dirty()

    def _update_dirty(self) -> None:
        dirty = self.is_dirty()
        is_new = self._original is not None and self._original.id is None
        self.save_button.setEnabled(not self._busy and (dirty or is_new))
        self.cancel_button.setEnabled(not self._busy and dirty)
        if dirty != self._was_dirty:
            self._was_dirty = dirty
            self.dirty_changed.emit(dirty)

    def _validate(self, data: AlumnusData, problems: list[Problem]) -> list[Problem]:
        checked = self.context.alumni.validate(data)
        parse_fields = {p.field for p in problems}
        all_problems = problems + [p for p in checked.errors if p.field not in parse_fields]
        self._show_problems(all_problems)
        return all_problems

    def _show_problems(self, problems: list[Problem]) -> None:
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            by_field.setdefault(problem.field, []).append(problem.message)
        for name, error in self.errors.items():
            error.show_message("\n".join(by_field.get(name, [])) or None)
        if problems:
            self.message.setText(f"Please correct {len(problems)} problem{'s' if len(problems) > 1 else ''} "
                                 "marked below before saving.")
        elif not self._busy:
            self.message.setText("")

    def _focus_first_problem(self, problems: list[Problem]) -> None:
        order = [f.name for f in fields(AlumnusData)]
        first = min(problems, key=lambda p: order.index(p.field) if p.field in order else len(order))
        widget = self.text.get(first.field) or self.dates.get(first.field) or self.lists.get(first.field)
        if widget is None and first.field == "support_contacts":
            widget = self.contacts_table
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- contacts ------------------------------------------------------------------------------------
    def _add_contact(self) -> None:
        row = self.contacts_model.add_contact()
        index = self.contacts_model.index(row, 1)
        self.contacts_table.setCurrentIndex(index)
        self.contacts_table.edit(index)

    def _selected_contact_row(self) -> int:
        index = self.contacts_table.currentIndex()
        return index.row() if index.isValid() else -1

    def _remove_contact(self) -> None:
        self.contacts_model.remove_contact(self._selected_contact_row())

    def _move_contact(self, offset: int) -> None:
        row = self._selected_contact_row()
        if row < 0:
            return
        column = self.contacts_table.currentIndex().column()
        target = self.contacts_model.move_contact(row, offset)
        self.contacts_table.setCurrentIndex(self.contacts_model.index(target, column))

    # -- actions -------------------------------------------------------------------------------------
    def save(self) -> None:
        """Validate, warn about possible duplicates, then save in the background."""
        if self._original is None or self._busy:
            return
        data, problems = self.form_data()
        self._shown_errors = True
        problems = self._validate(data, problems)
        if problems:
            self._focus_first_problem(problems)
            return
        needs_duplicate_check = data.id is None or any(
            getattr(data, name) != getattr(self._original, name)
            for name in ("client_id", "first_name", "last_name", "date_of_birth")
        )
        if not needs_duplicate_check:
            self._write(data)
            return
        self._set_busy(True, "Checking for possible duplicates…")
        alumni = self.context.alumni
        self.runner.submit(self, lambda: alumni.possible_duplicates(data),
                           lambda found: self._after_duplicate_check(data, found), self._save_failed)

    def _after_duplicate_check(self, data: AlumnusData, candidates) -> None:
        self._set_busy(False)
        if candidates and not dialogs.confirm_possible_duplicates(self, candidates):
            self.message.setText("Not saved. Open the existing record from the directory if it is the same person.")
            return
        self._write(data)

    def _write(self, data: AlumnusData) -> None:
        self._set_busy(True, "Saving…")
        alumni, actor = self.context.alumni, self.context.actor
        work = (lambda: alumni.create(data, actor)) if data.id is None else (lambda: alumni.update(data, actor))
        self.runner.submit(self, lambda: _save_and_history(alumni, work), self._saved, self._save_failed)

    def _saved(self, result) -> None:
        record, history = result
        self._show_record(record, history)
        self.message.setText(f"Saved at {_now_text()}.")
        self.saved.emit(record.id)

    def _save_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, ValidationFailed):
            self._show_problems(list(error.problems))
        elif isinstance(error, (ConcurrentEditError, RecordNotFoundError)):
            self.message.setText(str(error))
            if isinstance(error, ConcurrentEditError) and dialogs.ask_reload_after_conflict(self, str(error)):
                self.load(self._original.id)
        elif isinstance(error, AftercareError):
            self.message.setText(str(error))
            dialogs.show_problem(self, str(error))
        else:
            raise error

    def revert(self) -> None:
        if self._original is not None:
            self._fill(self._original)
            self._shown_errors = False
            self._show_problems([])
            self.message.setText("Changes undone.")
            self._update_dirty()

    def change_status(self) -> None:
        record = self._original
        if record is None or record.id is None or not self.maybe_leave(keep_open=True):
            return
        dialog = StatusDialog(record.status, self)
        if dialog.exec() != StatusDialog.DialogCode.Accepted:
            return
        status, reason = dialog.chosen()
        self._run_record_action(
            "Changing status…",
            lambda alumni, actor: alumni.change_status(record.id, record.row_version, status, reason, actor),
            f"Status changed to {label(status)}.",
        )

    def toggle_archived(self) -> None:
        record = self._original
        if record is None or record.id is None or not self.maybe_leave(keep_open=True):
            return
        archive = record.archived_at is None
        self._run_record_action(
            "Archiving…" if archive else "Restoring…",
            lambda alumni, actor: alumni.set_archived(record.id, record.row_version, archive, actor),
            "Archived: hidden from daily lists; Restore brings it back." if archive else "Restored.",
        )

    def _run_record_action(self, progress: str, action, done_message: str) -> None:
        self._set_busy(True, progress)
        alumni, actor = self.context.alumni, self.context.actor

        def done(result) -> None:
            self._saved(result)
            self.message.setText(done_message)

        self.runner.submit(self, lambda: _save_and_history(alumni, lambda: action(alumni, actor)), done,
                           self._save_failed)

    def export_document(self, print_first: bool = False) -> QDialog | None:
        """Documents print the record as saved: unsaved edits are saved or dropped first."""
        # Imported here: the documents (reportlab, QtPdf) load when first asked for, not at start-up.
        from .export_dialog import Subject, open_export_dialog

        record = self._original
        if record is None or record.id is None or not self.maybe_leave(keep_open=True):
            return None
        subject = Subject(record.id, record.display_name, record.client_id)
        return open_export_dialog(self.context, self.runner, subject, self, print_first=print_first)

    def delete(self) -> None:
        record = self._original
        if record is None or record.id is None:
            return
        if not dialogs.confirm_hard_delete(self, record.client_id):
            self.message.setText("Not deleted.")
            return
        self._set_busy(True, "Deleting…")
        alumni, actor = self.context.alumni, self.context.actor
        alumnus_id = record.id

        def done(_result) -> None:
            self._set_busy(False)
            self._original = None
            self._set_enabled(False)
            self._update_dirty()
            self.deleted.emit(alumnus_id)

        self.runner.submit(self, lambda: alumni.delete(alumnus_id, record.row_version, actor), done,
                           self._save_failed)

    def maybe_leave(self, *, keep_open: bool = False) -> bool:
        """Guard against losing edits: ask to save, discard or stay. True when it is safe to go on."""
        if self._busy:
            return False
        for panel in self._panels:
            if hasattr(panel, "maybe_leave") and not panel.maybe_leave():
                self.tabs.setCurrentWidget(panel)
                return False
        if not self.is_dirty():
            return True
        return dialogs.may_leave(self, self.display_name, self.save, self.revert if keep_open else self._forget)

    def _forget(self) -> None:
        self._original = None

    # -- state ---------------------------------------------------------------------------------------
    def _set_busy(self, busy: bool, message: str = "") -> None:
        self._busy = busy
        if message or not busy:
            self.message.setText(message)
        for button in (self.status_button, self.archive_button, self.delete_button, self.export_button):
            button.setEnabled(not busy and self._original is not None and self._original.id is not None)
        self._update_dirty()

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (*self.text.values(), *self.dates.values(), *self.lists.values(), self.contact_method,
                       self.program, self.discharge_type, self.caseworker, *self.pathways.values(),
                       self.wants_mentor, self.consents, self.notes, self.contacts_table):
            widget.setEnabled(enabled)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.back_requested.emit()
            return
        super().keyPressEvent(event)


def _comparable(data: AlumnusData) -> tuple:
    """The fields a person edits; pathway ticks have no order of their own."""
    return tuple(
        sorted(data.recovery_pathways) if f.name == "recovery_pathways" else getattr(data, f.name)
        for f in fields(AlumnusData)
        if f.name not in ("created_at", "created_by", "updated_at", "updated_by", "archived_at")
    )


def _save_and_history(alumni, work):
    record = work()
    return record, alumni.status_history(record.id)


def _now_text() -> str:
    return datetime.now().strftime("%H:%M")
