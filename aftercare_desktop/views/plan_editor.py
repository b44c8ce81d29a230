"""The "Aftercare plan" tab of an alumnus's profile: the active plan, drafts from templates, versions.

Saving makes a new version (the service supersedes the old one); older versions open read-only.
The editors of the plan's parts (tables, triggers, line lists) live in plan_parts.py.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..errors import AftercareError, ConcurrentEditError, RecordNotFoundError, ValidationFailed
from ..models.enums import CheckinCadence, ContactMethod, PlanStatus, RosterRole, label
from ..services.context import AppContext
from ..services.plan_templates import PlanTemplateService, TemplateData
from ..services.plans import (
    CRISIS_LINES,
    FIELD_LABELS,
    GoalData,
    MeetingData,
    PlanData,
    PlanService,
    PlanSummary,
    RosterEntryData,
)
from ..services.validation import Problem
from . import dialogs
from .background import TaskRunner
from .plan_parts import (
    GOAL_COLUMNS,
    MEETING_COLUMNS,
    ROSTER_COLUMNS,
    EditableRowsModel,
    LinesEdit,
    RowsEditor,
    TriggersEditor,
)
from .widgets import DateField, EnumCombo, ErrorLabel

DEFAULT_TEMPLATE = "General early recovery"


DescriptionRole = Qt.ItemDataRole.UserRole + 1


class TemplateItemDelegate(QStyledItemDelegate):
    """A template in the picker: its name in bold, its description below in the normal weight."""

    PADDING = 6

    @staticmethod
    def _fonts(option) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        return bold, QFont(option.font)

    def _width(self, option) -> int:
        widget = option.widget
        width = widget.viewport().width() if widget is not None else option.rect.width()
        return max(width - 2 * self.PADDING, 100)

    def sizeHint(self, option, index) -> QSize:
        bold, normal = self._fonts(option)
        width = self._width(option)
        flags = int(Qt.TextFlag.TextWordWrap)
        name = QFontMetrics(bold).boundingRect(QRect(0, 0, width, 10_000), flags, index.data() or "")
        text = index.data(DescriptionRole) or ""
        description = QFontMetrics(normal).boundingRect(QRect(0, 0, width, 10_000), flags, text) if text else QRect()
        return QSize(width, name.height() + description.height() + 2 * self.PADDING + 2)

    def paint(self, painter, option, index) -> None:
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        item.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        bold, normal = self._fonts(option)
        area = option.rect.adjusted(self.PADDING, self.PADDING, -self.PADDING, -self.PADDING)
        flags = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft) | int(Qt.AlignmentFlag.AlignTop)
        painter.save()
        painter.setPen(option.palette.color(role))
        painter.setFont(bold)
        used = painter.boundingRect(area, flags, index.data() or "")
        painter.drawText(area, flags, index.data() or "")
        painter.setFont(normal)
        painter.drawText(area.adjusted(0, used.height() + 2, 0, 0), flags, index.data(DescriptionRole) or "")
        painter.restore()


def group(title: str, name: str) -> tuple[QGroupBox, QVBoxLayout]:
    box = QGroupBox(title)
    box.setObjectName(name)
    layout = QVBoxLayout(box)
    return box, layout


# -- the editor ------------------------------------------------------------------------------------------------


class PlanEditor(QWidget):
    """The active plan of one alumnus, editable; older versions read-only; an empty state to start one."""

    saved = Signal(int)
    loaded = Signal()
    dirty_changed = Signal(bool)

    PAGE_NONE, PAGE_EMPTY, PAGE_PLAN = range(3)

    def __init__(self, context: AppContext, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = runner
        self.plans: PlanService = context.plans
        self.templates: PlanTemplateService = context.plan_templates
        self.alumnus_id: int | None = None
        self.alumnus_name = ""
        self._active: PlanData | None = None  # the alumnus's active plan, as saved
        self._original: PlanData | None = None  # what the form was filled with (active, draft or old version)
        self._read_only = False
        self._history: list[PlanSummary] = []
        self._template_list: list[TemplateData] = []
        self._choices: list[RosterEntryData] = []
        self._filling = False
        self._busy = False
        self._was_dirty = False
        self._shown_errors = False
        self.errors: dict[str, ErrorLabel] = {}
        self._build()

    # -- building ----------------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_none())
        self.pages.addWidget(self._build_empty())
        self.pages.addWidget(self._build_plan())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.pages)

    def _build_none(self) -> QWidget:
        self.loading_label = QLabel("Open an alumnus to see their aftercare plan.")
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return self.loading_label

    def _build_empty(self) -> QWidget:
        page = QWidget()
        page.setObjectName("planEmptyState")
        title = QLabel("No aftercare plan yet")
        title.setObjectName("planEmptyTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        self.empty_text = QLabel()
        self.empty_text.setWordWrap(True)
        self.template_picker = QListWidget()
        self.template_picker.setObjectName("templatePicker")
        self.template_picker.setItemDelegate(TemplateItemDelegate(self.template_picker))
        self.template_picker.setResizeMode(QListView.ResizeMode.Adjust)
        self.template_picker.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.template_picker.setMaximumWidth(640)
        self.template_picker.itemActivated.connect(lambda _item: self.new_from_template())
        self.new_button = QPushButton("&New plan from template")
        self.new_button.setObjectName("newPlanButton")
        self.new_button.setDefault(True)
        self.new_button.clicked.connect(self.new_from_template)
        column = QVBoxLayout()
        column.addWidget(title)
        column.addWidget(self.empty_text)
        picker_label = QLabel("Start from:")
        picker_label.setBuddy(self.template_picker)
        column.addWidget(picker_label)
        column.addWidget(self.template_picker)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addStretch(1)
        column.addLayout(row)
        column.addStretch(1)
        outer = QHBoxLayout(page)
        outer.addLayout(column, 3)
        outer.addStretch(1)
        return page

    def _build_plan(self) -> QWidget:
        self.heading = QLabel()
        self.heading.setObjectName("planHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.heading.setFont(font)
        self.subheading = QLabel()
        self.subheading.setObjectName("planSubheading")
        self.subheading.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("planMessage")
        self.message.setWordWrap(True)
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("savePlan")
        self.save_button.setToolTip("Save as a new version of the plan (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelPlan")
        self.cancel_button.setToolTip("Undo the changes since the last save")
        self.cancel_button.clicked.connect(self.cancel)
        self.back_button = QPushButton("Back to the current plan")
        self.back_button.setObjectName("backToCurrent")
        self.back_button.clicked.connect(self.show_current)
        self.copy_button = QPushButton("Start a new version from this one")
        self.copy_button.setObjectName("copyVersion")
        self.copy_button.setToolTip("Copy this older version into the editor; saving makes it the active plan")
        self.copy_button.clicked.connect(self.start_from_shown_version)
        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.heading)
        titles.addWidget(self.subheading)
        header.addLayout(titles, 1)
        for button in (self.back_button, self.copy_button, self.cancel_button, self.save_button):
            header.addWidget(button)

        body = QWidget()
        grid = QGridLayout(body)
        grid.addWidget(self._build_dates(), 0, 0)
        grid.addWidget(self._build_notes(), 0, 1)
        grid.addWidget(self._build_goals(), 1, 0, 1, 2)
        grid.addWidget(self._build_triggers(), 2, 0, 1, 2)
        # The call list needs the width for names and numbers; the warning signs wrap.
        row = QHBoxLayout()
        row.addWidget(self._build_signs(), 2)
        row.addWidget(self._build_roster(), 3)
        grid.addLayout(row, 3, 0, 1, 2)
        grid.addWidget(self._build_meetings(), 4, 0, 1, 2)
        grid.setRowStretch(5, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(body)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)

        versions = QWidget()
        versions_layout = QVBoxLayout(versions)
        versions_layout.setContentsMargins(0, 0, 0, 0)
        versions_label = QLabel("&Versions")
        self.versions = QListWidget()
        self.versions.setObjectName("planVersions")
        self.versions.setWordWrap(True)
        self.versions.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.versions.itemActivated.connect(self._version_chosen)
        self.versions.itemClicked.connect(self._version_chosen)
        versions_label.setBuddy(self.versions)
        versions_hint = QLabel("Saving makes a new version; older ones open read-only.")
        versions_hint.setWordWrap(True)
        versions_hint.setObjectName("versionsHint")
        versions_layout.addWidget(versions_label)
        versions_layout.addWidget(self.versions, 1)
        versions_layout.addWidget(versions_hint)
        versions.setMinimumWidth(170)

        splitter = QSplitter()
        splitter.addWidget(self.scroll)
        splitter.addWidget(versions)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setSizes([1000, 190])
        splitter.setChildrenCollapsible(False)

        self.banner = QLabel()
        self.banner.setObjectName("readOnlyBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel#readOnlyBanner { background: palette(alternate-base); "
                                  "border: 1px solid palette(mid); padding: 6px; }")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(header)
        layout.addWidget(self.banner)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        return page

    def _error(self, name: str) -> ErrorLabel:
        label = ErrorLabel()
        label.setObjectName(f"{name}Error")
        self.errors[name] = label
        return label

    def _form_row(self, form: QFormLayout, name: str, widget: QWidget, caption: str,
                  buddy: QWidget | None = None) -> None:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(self._error(name))
        label_widget = QLabel(caption)
        label_widget.setBuddy(buddy or widget)
        form.addRow(label_widget, holder)

    def _build_dates(self) -> QGroupBox:
        box = QGroupBox("Dates and check-ins")
        box.setObjectName("planDates")
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.start_date = DateField()
        self.start_date.setObjectName("startDate")
        self.next_review = DateField()
        self.next_review.setObjectName("nextReview")
        self.cadence = EnumCombo(CheckinCadence, optional=False)
        self.cadence.setObjectName("cadence")
        self.method = EnumCombo(ContactMethod, empty_text="— no preference —")
        self.method.setObjectName("preferredMethod")
        self.signed = DateField()
        self.signed.setObjectName("signedOn")
        self.signed.setPlaceholderText("not signed yet")
        self.signed_today = QToolButton()
        self.signed_today.setText("Today")
        self.signed_today.setToolTip("The alumnus signed the plan today")
        self.signed_today.clicked.connect(self._signed_today)
        signed_row = QWidget()
        signed_layout = QHBoxLayout(signed_row)
        signed_layout.setContentsMargins(0, 0, 0, 0)
        signed_layout.addWidget(self.signed, 1)
        signed_layout.addWidget(self.signed_today)
        for edit in (self.start_date, self.next_review, self.signed):
            edit.textEdited.connect(self._edited)
        for combo in (self.cadence, self.method):
            combo.currentIndexChanged.connect(self._edited)
        self._form_row(form, "start_date", self.start_date, "Start date *")
        self._form_row(form, "next_review_date", self.next_review, "Next review")
        self._form_row(form, "checkin_cadence", self.cadence, "Check-ins")
        self._form_row(form, "preferred_method", self.method, "Preferred method")
        self._form_row(form, "signed_by_alumnus_on", signed_row, "Signed by alumnus", self.signed)
        return box

    def _build_notes(self) -> QGroupBox:
        box = QGroupBox("Medication and housing")
        box.setObjectName("planNotes")
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.medication = QPlainTextEdit()
        self.medication.setObjectName("medicationNotes")
        self.medication.setPlaceholderText("Medication-supported recovery: medication, prescriber or clinic, "
                                           "pick-up days")
        self.housing = QPlainTextEdit()
        self.housing.setObjectName("housingNotes")
        self.housing.setPlaceholderText("Where they live, sober-living house, who to contact there")
        for edit in (self.medication, self.housing):
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(60)
            edit.textChanged.connect(self._edited)
        self._form_row(form, "medication_notes", self.medication, "Medication-\nsupported\nrecovery")
        self._form_row(form, "housing_notes", self.housing, "Housing")
        return box

    def _build_goals(self) -> QGroupBox:
        box, layout = group("Goals", "planGoals")
        self.goals_model = EditableRowsModel(GOAL_COLUMNS, GoalData, self)
        self.goals = RowsEditor(self.goals_model, "goalsTable", "goal", min_rows=4)
        layout.addWidget(self.goals)
        layout.addWidget(self._error("goals"))
        self.goals_model.edited.connect(self._edited)
        self.goals_model.problem.connect(self._cell_problem)
        return box

    def _build_triggers(self) -> QGroupBox:
        box, layout = group("Triggers and what I will do instead", "planTriggers")
        self.triggers = TriggersEditor()
        self.triggers.edited.connect(self._edited)
        layout.addWidget(self.triggers)
        layout.addWidget(self._error("triggers"))
        return box

    def _build_signs(self) -> QGroupBox:
        box, layout = group("My warning signs — in their own words", "planWarningSigns")
        self.signs = LinesEdit()
        self.signs.setObjectName("warningSigns")
        self.signs.setPlaceholderText("One per line, as they say it — e.g.\nI stop answering my sister's calls\n"
                                      "I skip breakfast and stay in bed")
        self.signs.setMinimumHeight(120)
        self.signs.textChanged.connect(self._edited)
        layout.addWidget(self.signs)
        layout.addWidget(self._error("warning_signs"))
        return box

    def _build_roster(self) -> QGroupBox:
        box, layout = group("Who I call when cravings hit — in order", "planRoster")
        self.roster_model = EditableRowsModel(ROSTER_COLUMNS, lambda: RosterEntryData(RosterRole.OTHER), self)
        self.contacts_button = QToolButton()
        self.contacts_button.setText("From contacts")
        self.contacts_button.setToolTip("Add one of their support contacts or their caseworker")
        self.contacts_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.contacts_button.setMinimumWidth(90)
        self.contacts_menu = QMenu(self.contacts_button)
        self.contacts_menu.aboutToShow.connect(self._fill_contacts_menu)
        self.contacts_button.setMenu(self.contacts_menu)
        self.crisis_button = QToolButton()
        self.crisis_button.setText("Crisis line")
        self.crisis_button.setToolTip("Add the 988 Lifeline or the SAMHSA National Helpline")
        self.crisis_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.crisis_button.setMinimumWidth(90)
        self.crisis_menu = QMenu(self.crisis_button)
        self.crisis_menu.aboutToShow.connect(self._fill_crisis_menu)
        self.crisis_button.setMenu(self.crisis_menu)
        self.roster = RowsEditor(self.roster_model, "rosterTable", "person to call", min_rows=5,
                                 extra_buttons=(self.contacts_button, self.crisis_button))
        self.roster.add_button.setText("Add person")
        for button in self.roster.buttons:
            button.setMinimumWidth(120)
        layout.addWidget(self.roster)
        layout.addWidget(self._error("roster"))
        self.roster_model.edited.connect(self._edited)
        self.roster_model.problem.connect(self._cell_problem)
        return box

    def _build_meetings(self) -> QGroupBox:
        box, layout = group("Support meetings", "planMeetings")
        self.meetings_model = EditableRowsModel(MEETING_COLUMNS, MeetingData, self)
        self.meetings = RowsEditor(self.meetings_model, "meetingsTable", "meeting", min_rows=3)
        self.meetings_total = QLabel()
        self.meetings_total.setObjectName("meetingsPerWeek")
        layout.addWidget(self.meetings)
        layout.addWidget(self.meetings_total)
        layout.addWidget(self._error("meetings"))
        self.meetings_model.edited.connect(self._edited)
        self.meetings_model.problem.connect(self._cell_problem)
        return box

    # -- loading --------------------------------------------------------------------------------------------
    def show_alumnus(self, alumnus) -> None:
        """Show the plan of `alumnus`: an id, or a loaded record (AlumnusData) whose name the questions use."""
        alumnus_id = alumnus if isinstance(alumnus, int) else alumnus.id
        if not isinstance(alumnus, int) or alumnus_id != self.alumnus_id:
            self.alumnus_name = "" if isinstance(alumnus, int) else getattr(alumnus, "display_name", "")
        if alumnus_id == self.alumnus_id and self.is_dirty():
            # The profile shows its panels again after the record is saved: keep the plan being edited.
            return
        if alumnus_id != self.alumnus_id:
            self._original = self._active = None
            self._history = []
        self.alumnus_id = alumnus_id
        self._load()

    def reload(self) -> None:
        if self.alumnus_id is not None:
            self._load()

    def _load(self) -> None:
        alumnus_id = self.alumnus_id
        plans, templates = self.plans, self.templates
        self._set_busy(True)
        self.loading_label.setText("Opening the aftercare plan…")
        if self._original is None:
            self.pages.setCurrentIndex(self.PAGE_NONE)

        def work():
            return (plans.active_plan(alumnus_id), plans.history(alumnus_id), templates.list(),
                    plans.roster_choices(alumnus_id))

        def done(result) -> None:
            if alumnus_id != self.alumnus_id:
                return  # another alumnus was opened meanwhile
            active, history, template_list, choices = result
            self._set_busy(False)
            self._active, self._history, self._template_list, self._choices = active, history, template_list, choices
            if active is None:
                self._show_empty()
            else:
                self._show_plan(active, read_only=False)
            self.loaded.emit()

        self.runner.submit(self, work, done, self._load_failed)

    def _load_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, AftercareError):
            self.loading_label.setText(str(error))
            self.pages.setCurrentIndex(self.PAGE_NONE)
            dialogs.show_problem(self, str(error))
        else:
            raise error

    def _show_empty(self) -> None:
        self._original = None
        self._read_only = False
        who = self.alumnus_name or "this alumnus"
        self.empty_text.setText(
            f"Make a plan with {who} in a few minutes: pick the template closest to their situation. Its common "
            "triggers, coping strategies, warning signs and goals are filled in for you to change into their "
            "words. The call list starts with their support contacts, their caseworker and the crisis lines.")
        self.template_picker.clear()
        for template in self._template_list:
            item = QListWidgetItem(template.name)
            item.setData(Qt.ItemDataRole.UserRole, template.id)
            item.setData(DescriptionRole, f"{template.description or ''} ({len(template.triggers)} triggers, "
                                          f"{len(template.warning_signs)} warning signs, {len(template.goals)} goals)")
            self.template_picker.addItem(item)
        blank = QListWidgetItem("Blank plan")
        blank.setData(Qt.ItemDataRole.UserRole, None)
        blank.setData(DescriptionRole, "Only the call list is filled in: support contacts, caseworker, crisis lines.")
        self.template_picker.addItem(blank)
        names = [t.name for t in self._template_list]
        self.template_picker.setCurrentRow(names.index(DEFAULT_TEMPLATE) if DEFAULT_TEMPLATE in names else 0)
        self._fit_picker()
        self.pages.setCurrentIndex(self.PAGE_EMPTY)
        self.template_picker.setFocus()
        self._update_dirty()

    def _fit_picker(self) -> None:
        picker = self.template_picker
        rows = sum(picker.sizeHintForRow(row) for row in range(picker.count()))
        picker.setFixedHeight(min(rows + 2 * picker.frameWidth() + 4, 480))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.template_picker.count():
            self._fit_picker()

    def _show_plan(self, plan: PlanData, *, read_only: bool, message: str = "") -> None:
        if self._original is None or plan.id != self._original.id or plan.is_draft:
            self.scroll.verticalScrollBar().setValue(0)
        self._original = plan
        self._read_only = read_only
        self._shown_errors = False
        self._fill(plan)
        self._apply_read_only()
        self._show_history()
        self._update_header()
        self._show_problems([])
        self.message.setText(message)
        self.pages.setCurrentIndex(self.PAGE_PLAN)
        self._update_dirty()

    def _fill(self, plan: PlanData) -> None:
        self._filling = True
        try:
            self.start_date.set_date(plan.start_date)
            self.next_review.set_date(plan.next_review_date)
            self.cadence.set_value(plan.checkin_cadence)
            self.method.set_value(plan.preferred_method)
            self.signed.set_date(plan.signed_by_alumnus_on)
            self.medication.setPlainText(plan.medication_notes or "")
            self.housing.setPlainText(plan.housing_notes or "")
            self.goals_model.set_rows(plan.goals)
            self.triggers.set_triggers(plan.triggers)
            self.signs.set_lines(plan.warning_signs)
            self.meetings_model.set_rows(plan.meetings)
            self.roster_model.set_rows(plan.roster)
        finally:
            self._filling = False
        self._update_meetings_total()

    def _apply_read_only(self) -> None:
        read_only = self._read_only
        for edit in (self.start_date, self.next_review, self.signed):
            edit.setReadOnly(read_only)
            edit.setClearButtonEnabled(not read_only)
        for edit in (self.medication, self.housing, self.signs):
            edit.setReadOnly(read_only)
        for combo in (self.cadence, self.method):
            combo.setEnabled(not read_only)
        self.signed_today.setVisible(not read_only)
        for editor in (self.goals, self.meetings, self.roster, self.triggers):
            editor.set_read_only(read_only)
        self.save_button.setVisible(not read_only)
        self.cancel_button.setVisible(not read_only)
        self.banner.setVisible(read_only)
        self.back_button.setVisible(read_only)
        self.copy_button.setVisible(read_only and self._active is not None)

    def _show_history(self) -> None:
        self.versions.clear()
        shown_id = self._original.id if self._original else None
        if self._original is not None and self._original.is_draft:
            item = QListWidgetItem("New version · not saved yet")
            item.setData(Qt.ItemDataRole.UserRole, None)
            font = item.font()
            font.setItalic(True)
            item.setFont(font)
            self.versions.addItem(item)
            self.versions.setCurrentItem(item)
        for summary in self._history:
            item = QListWidgetItem(version_line(summary))
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            if summary.status is PlanStatus.ACTIVE:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.versions.addItem(item)
            if summary.id == shown_id:
                self.versions.setCurrentItem(item)

    def _update_header(self) -> None:
        plan = self._original
        if plan is None:
            return
        if plan.is_draft:
            based = f" (replaces version {plan.based_on_version})" if plan.based_on_version else ""
            self.heading.setText(f"New aftercare plan{based} — not saved yet")
            self.subheading.setText("Go through each section with the alumnus and change it into their words, "
                                    "then save. Saving makes it the active plan.")
            return
        created = plan.created_at.astimezone().date().isoformat() if plan.created_at else ""
        who = f" by {plan.created_by}" if plan.created_by else ""
        if self._read_only:
            superseded = plan.superseded_at.astimezone().date().isoformat() if plan.superseded_at else ""
            self.heading.setText(f"Aftercare plan · version {plan.version}")
            self.subheading.setText(f"Saved {created}{who}; replaced by a newer version on {superseded}.")
            self.banner.setText(f"This is version {plan.version}, an earlier version: it cannot be changed. "
                                "“Back to the current plan” returns to the active version.")
            return
        self.heading.setText(f"Aftercare plan · version {plan.version} · active")
        parts = [f"Saved {created}{who}", f"check-ins {label(plan.checkin_cadence).lower()}"]
        if plan.next_review_date:
            days = (plan.next_review_date - self.context.today()).days
            if days < 0:
                parts.append(f"review overdue since {plan.next_review_date.isoformat()}")
            elif days == 0:
                parts.append("review due today")
            else:
                parts.append(f"review due {plan.next_review_date.isoformat()} (in {days} days)")
        parts.append("signed by the alumnus " + plan.signed_by_alumnus_on.isoformat()
                     if plan.signed_by_alumnus_on else "not signed yet")
        self.subheading.setText(" · ".join(parts))

    # -- starting a plan ---------------------------------------------------------------------------------------
    def new_from_template(self, template_id: int | None | object = ...) -> None:
        """Draft a plan from `template_id` (default: the one chosen in the picker; None: blank)."""
        if self.alumnus_id is None or self._busy:
            return
        if template_id is ...:
            item = self.template_picker.currentItem()
            template_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        alumnus_id, plans = self.alumnus_id, self.plans
        self._set_busy(True)

        def done(draft: PlanData) -> None:
            self._set_busy(False)
            name = next((t.name for t in self._template_list if t.id == template_id), None)
            self._show_plan(draft, read_only=False,
                            message=f"Drafted from the template “{name}”." if name else "Blank plan drafted.")
            self.start_date.setFocus()

        self.runner.submit(self, lambda: plans.new_plan_from_template(alumnus_id, template_id), done,
                           self._action_failed)

    def start_from_shown_version(self) -> None:
        """Copy an older version into a draft that replaces the active plan when saved."""
        if self._original is None or self._active is None:
            return
        old_version = self._original.version
        draft = replace(self._original, based_on_version=self._active.version, id=None, version=None, status=None,
                        created_at=None, created_by=None, superseded_at=None)
        self._show_plan(draft, read_only=False, message=f"Copied from version {old_version}. Save to make it active.")

    # -- versions -------------------------------------------------------------------------------------------------
    def _version_chosen(self, item: QListWidgetItem) -> None:
        # Later: the list is refilled when a version opens, which must not happen inside its own click.
        plan_id = item.data(Qt.ItemDataRole.UserRole)
        QTimer.singleShot(0, self, lambda: self.open_version(plan_id))

    def open_version(self, plan_id: int | None) -> None:
        """Show a saved version: the active one editable, older ones read-only."""
        shown = self._original.id if self._original else None
        if self._busy or plan_id is None or plan_id == shown:
            return
        if not self.maybe_leave():
            self._show_history()  # put the selection back on what is shown
            return
        if self._active is not None and plan_id == self._active.id:
            self._show_plan(self._active, read_only=False)
            return
        plans = self.plans
        self._set_busy(True)

        def done(plan: PlanData) -> None:
            self._set_busy(False)
            self._show_plan(plan, read_only=True)

        self.runner.submit(self, lambda: plans.get(plan_id), done, self._action_failed)

    def show_current(self) -> None:
        if self._read_only and self._active is not None:
            self._show_plan(self._active, read_only=False)
        elif self._active is None:
            self._show_empty()

    # -- editing ------------------------------------------------------------------------------------------------
    def form_data(self) -> tuple[PlanData, list[Problem]]:
        """What the form says now, plus problems found while reading it (unreadable dates)."""
        base = self._original or PlanData(alumnus_id=self.alumnus_id or 0)
        problems: list[Problem] = []
        values: dict[str, Any] = {}
        for name, edit in (("start_date", self.start_date), ("next_review_date", self.next_review),
                           ("signed_by_alumnus_on", self.signed)):
            try:
                values[name] = edit.date_value()
            except ValueError as exc:
                values[name] = getattr(base, name)
                problems.append(Problem(name, f"{FIELD_LABELS[name]}: {exc}"))
        values["checkin_cadence"] = self.cadence.value()
        values["preferred_method"] = self.method.value()
        values["medication_notes"] = self.medication.toPlainText().strip() or None
        values["housing_notes"] = self.housing.toPlainText().strip() or None
        values["goals"] = self.goals_model.rows()
        values["triggers"] = self.triggers.triggers()
        values["warning_signs"] = self.signs.lines()
        values["meetings"] = self.meetings_model.rows()
        values["roster"] = self.roster_model.rows()
        return replace(base, **values), problems

    def is_dirty(self) -> bool:
        if self._original is None or self._read_only:
            return False
        if self._original.is_draft:
            return True  # a draft is unsaved work, however little was changed
        current, problems = self.form_data()
        return bool(problems) or _comparable(current) != _comparable(self._original)

    def _edited(self, *_args) -> None:
        if self._filling or self._original is None or self._read_only:
            return
        self._update_meetings_total()
        if self._shown_errors:
            self._validate()
        self._update_dirty()

    def _cell_problem(self, message: str) -> None:
        self.message.setText(message)

    def _signed_today(self) -> None:
        self.signed.set_date(self.context.today())
        self._edited()

    def _update_meetings_total(self) -> None:
        total = sum(m.per_week for m in self.meetings_model.rows())
        if total:
            self.meetings_total.setText(f"Expected meetings per week: {total}")
        else:
            self.meetings_total.setText("No meetings yet — add the ones they plan to attend, with how often.")

    def _update_dirty(self) -> None:
        dirty = self.is_dirty()
        self.save_button.setEnabled(not self._busy and dirty)
        self.cancel_button.setEnabled(not self._busy and dirty)
        self.new_button.setEnabled(not self._busy)
        if dirty != self._was_dirty:
            self._was_dirty = dirty
            self.dirty_changed.emit(dirty)

    def _validate(self) -> list[Problem]:
        data, problems = self.form_data()
        parse_fields = {p.field for p in problems}
        checked = self.plans.validate(data)
        problems += [p for p in checked.errors if p.field not in parse_fields]
        self._show_problems(problems)
        return problems

    def _show_problems(self, problems: list[Problem]) -> None:
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            by_field.setdefault(problem.field, []).append(problem.message)
        for name, error in self.errors.items():
            error.show_message("\n".join(by_field.get(name, [])) or None)
        if problems:
            count = len(problems)
            self.message.setText(f"Please correct {count} problem{'s' if count > 1 else ''} marked below "
                                 "before saving.")

    def _focus_first_problem(self, problems: list[Problem]) -> None:
        widgets = {"start_date": self.start_date, "next_review_date": self.next_review,
                   "signed_by_alumnus_on": self.signed, "goals": self.goals.table, "triggers": self.triggers.list,
                   "warning_signs": self.signs, "meetings": self.meetings.table, "roster": self.roster.table}
        order = [f.name for f in fields(PlanData)]
        first = min(problems, key=lambda p: order.index(p.field) if p.field in order else len(order))
        widget = widgets.get(first.field)
        if widget is not None:
            self.scroll.ensureWidgetVisible(widget)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- the call list -----------------------------------------------------------------------------------------
    def _fill_contacts_menu(self) -> None:
        self.contacts_menu.clear()
        present = {(r.support_contact_id, r.name) for r in self.roster_model.rows()}
        offered = [c for c in self._choices if (c.support_contact_id, c.name) not in present]
        for choice in offered:
            phone = f" · {choice.phone}" if choice.phone else ""
            action = self.contacts_menu.addAction(f"{choice.name} ({label(choice.role)}){phone}")
            action.triggered.connect(lambda _checked=False, c=choice: self.add_roster_entry(c))
        if not offered:
            action = self.contacts_menu.addAction(
                "Everyone is on the list already" if self._choices
                else "No support contacts on file — add them on the Record tab")
            action.setEnabled(False)

    def _fill_crisis_menu(self) -> None:
        self.crisis_menu.clear()
        present = {r.phone for r in self.roster_model.rows()}
        for line in CRISIS_LINES:
            action = self.crisis_menu.addAction(f"{line.name} · {line.phone}")
            action.setEnabled(line.phone not in present)
            action.triggered.connect(lambda _checked=False, c=line: self.add_roster_entry(c))

    def add_roster_entry(self, entry: RosterEntryData) -> None:
        self.roster.add(replace(entry), edit_column=2)

    # -- saving ---------------------------------------------------------------------------------------------------
    def save(self) -> None:
        if self._original is None or self._read_only or self._busy or not self.is_dirty():
            return
        self._shown_errors = True
        problems = self._validate()
        if problems:
            self._focus_first_problem(problems)
            return
        data, _ = self.form_data()
        plans, actor = self.plans, self.context.actor
        self._set_busy(True)
        self.message.setText("Saving…")
        self.runner.submit(self, lambda: (plans.save(data, actor), plans.history(data.alumnus_id)), self._saved,
                           self._save_failed)

    def _saved(self, result) -> None:
        plan, history = result
        unchanged = self._active is not None and plan.id == self._active.id
        self._set_busy(False)
        self._active, self._history = plan, history
        if unchanged:
            # Only spaces or blank lines differed: the service keeps the plan as it was.
            message = f"Nothing to save: the plan is unchanged at version {plan.version}."
        else:
            message = f"Saved as version {plan.version} at {datetime.now().strftime('%H:%M')}."
        self._show_plan(plan, read_only=False, message=message)
        self.saved.emit(plan.id)

    def _save_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, ValidationFailed):
            self._show_problems(list(error.problems))
        elif isinstance(error, ConcurrentEditError):
            self.message.setText(str(error))
            if dialogs.ask_reload_after_conflict(self, str(error)):
                self._original = None
                self._load()
        elif isinstance(error, AftercareError):
            self.message.setText(str(error))
            dialogs.show_problem(self, str(error))
        else:
            raise error

    def _action_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, RecordNotFoundError):
            dialogs.show_problem(self, str(error))
            self._original = None
            self._load()
        elif isinstance(error, AftercareError):
            dialogs.show_problem(self, str(error))
        else:
            raise error

    def cancel(self) -> None:
        """Undo the edits; a draft is dropped (after asking, if it was changed)."""
        if self._original is None or self._read_only:
            return
        if self._original.is_draft:
            current, _problems = self.form_data()
            if _comparable(current) != _comparable(self._original) and not dialogs.may_leave(
                    self, self._question_name(), self.save):
                return
            self._show_active_or_empty("New version dropped.")
            return
        self._show_plan(self._original, read_only=False, message="Changes undone.")

    def maybe_leave(self) -> bool:
        """Guard against losing edits: ask to save, discard or stay. True when it is safe to go on."""
        if self._busy:
            return False
        if not self.is_dirty():
            return True
        return dialogs.may_leave(self, self._question_name(), self.save, self._show_active_or_empty)

    def _show_active_or_empty(self, message: str = "") -> None:
        """The plan in force, editable; or the empty page when there is none yet."""
        if self._active is not None:
            self._show_plan(self._active, read_only=False, message=message)
        else:
            self._show_empty()

    def _question_name(self) -> str:
        return f"the aftercare plan of {self.alumnus_name}" if self.alumnus_name else "this aftercare plan"

    # -- state ------------------------------------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_dirty()


def version_line(summary: PlanSummary) -> str:
    created = summary.created_at.astimezone().date().isoformat()
    who = f" by {summary.created_by}" if summary.created_by else ""
    return f"Version {summary.version} · {label(summary.status).lower()} · {created}{who}"


def _comparable(plan: PlanData) -> tuple:
    """What a person edits, tidied the way saving tidies it (trailing blanks in strategies do not count)."""
    triggers = [(t.trigger.strip(), [s.strip() for s in t.coping_strategies if s.strip()]) for t in plan.triggers]
    return (plan.start_date, plan.next_review_date, plan.checkin_cadence, plan.preferred_method,
            plan.medication_notes or None, plan.housing_notes or None, plan.signed_by_alumnus_on, plan.goals,
            triggers, plan.warning_signs, plan.meetings, plan.roster)
