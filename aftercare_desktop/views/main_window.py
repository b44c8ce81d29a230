"""The main window: sidebar of pages, menus with standard shortcuts, status bar, remembered geometry."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from .. import APP_NAME, __version__, settings
from ..services.context import AppContext
from .alumni_page import AlumniPage
from .background import TaskRunner
from .icons import icon
from .today_page import TodayPage

if TYPE_CHECKING:
    from .mentoring_page import MentoringPage
    from .mentoring_state import MentoringState
    from .pairing_review_page import PairingReviewPage


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, runner: TaskRunner | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.runner = runner or TaskRunner(self)
        title = APP_NAME + (" — DEMO (synthetic data)" if context.demo else "")
        self.setWindowTitle(title)
        self.setWindowIcon(icon("app"))

        self.today_page = TodayPage(context, self.runner)
        self.alumni_page = AlumniPage(context, self.runner)
        # The mentor-program pages are built when first opened: their modules (the pairing engine with
        # numpy and scipy) take over a second to load, which the start of the day does not need.
        self._mentoring: MentoringState | None = None
        self._deferred: dict[int, Callable[[], QWidget]] = {}
        self.pages = QStackedWidget()
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setIconSize(QSize(22, 22))
        self.sidebar.setFixedWidth(150)
        self.sidebar.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._add_page("Today", "today", self.today_page)
        self._add_page("Alumni", "alumni", self.alumni_page)
        self._mentoring_row = self._add_page("Mentoring", "mentoring", build=self._build_mentoring_page)
        self._review_row = self._add_page("Pairing review", "review", build=self._build_review_page)
        # Built when first shown: the documents (reportlab, QtPdf) would slow every start-up.
        self._reports_row = self._add_page("Reports", "reports", build=self._build_reports_page)
        self._staff: list = []
        self.today_page.open_requested.connect(self.open_alumnus)
        self.sidebar.currentRowChanged.connect(self._switch_page)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self._build_menus()
        self.database_label = QLabel(f"Database: {context.database.description}")
        self.database_label.setObjectName("databaseLabel")
        self.staff_label = QLabel()
        self.staff_label.setObjectName("staffLabel")
        self.statusBar().addWidget(self.database_label, 1)
        self.statusBar().addPermanentWidget(self.staff_label)
        self.refresh_staff()
        self.sidebar.setCurrentRow(0)
        self._restore_geometry()

    def _add_page(self, title: str, icon_name: str, page: QWidget | None = None, *,
                  build: Callable[[], QWidget] | None = None) -> int:
        """Add a sidebar entry and its page, or a stand-in that `build` replaces when first needed."""
        self.sidebar.addItem(QListWidgetItem(icon(icon_name), title))
        if page is None:
            page = QWidget()
            self._deferred[id(page)] = build
        return self.pages.addWidget(page)

    def _page_at(self, row: int) -> QWidget:
        """The page of a sidebar row, built now if it was waiting to be."""
        widget = self.pages.widget(row)
        build = self._deferred.pop(id(widget), None)
        if build is not None:
            page = build()
            self.pages.insertWidget(row, page)
            self.pages.removeWidget(widget)
            widget.deleteLater()
            widget = page
        return widget

    def _built(self, row: int) -> QWidget | None:
        widget = self.pages.widget(row)
        return None if id(widget) in self._deferred else widget

    @property
    def mentoring(self) -> MentoringState:
        """One run of suggestions shared by both mentor-program pages."""
        if self._mentoring is None:
            from .mentoring_state import MentoringState

            self._mentoring = MentoringState(self.context, self.runner, self)
        return self._mentoring

    @property
    def mentoring_page(self) -> MentoringPage:
        return self._page_at(self._mentoring_row)

    @property
    def review_page(self) -> PairingReviewPage:
        return self._page_at(self._review_row)

    def _build_mentoring_page(self) -> QWidget:
        from .mentoring_page import MentoringPage

        page = MentoringPage(self.context, self.runner, self.mentoring)
        page.open_requested.connect(self.open_alumnus)
        return page

    def _build_review_page(self) -> QWidget:
        from .pairing_review_page import PairingReviewPage

        page = PairingReviewPage(self.context, self.runner, self.mentoring)
        page.open_requested.connect(self.open_alumnus)
        page.suggestions_requested.connect(self.show_suggestions)
        return page

    def _switch_page(self, row: int) -> None:
        current = self.pages.currentWidget()
        leaving = self._page_at(row) is not current and hasattr(current, "can_close")
        if leaving and not current.can_close():
            self.sidebar.blockSignals(True)
            self.sidebar.setCurrentRow(self.pages.currentIndex())
            self.sidebar.blockSignals(False)
            return
        self.pages.setCurrentIndex(row)
        if self.pages.widget(row) is self.today_page and current is not None and current is not self.today_page:
            self.today_page.refresh()  # things may have moved on while on another page

    def show_suggestions(self) -> None:
        self.sidebar.setCurrentRow(self.pages.indexOf(self.mentoring_page))
        if self.pages.currentWidget() is self.mentoring_page:
            self.mentoring_page.tabs.setCurrentWidget(self.mentoring_page.suggestions)

    @property
    def reports_page(self):
        """The Reports page once it has been shown; None before."""
        return self._built(self._reports_row)

    def _build_reports_page(self) -> QWidget:
        from .reports_page import ReportsPage

        page = ReportsPage(self.context, self.runner)
        page.open_requested.connect(self.open_alumnus)
        page.set_staff(self._staff)
        return page

    def show_reports(self):
        """Switch to the Reports page, built the first time it is asked for."""
        page = self._page_at(self._reports_row)
        self.sidebar.setCurrentRow(self._reports_row)
        return page

    def open_alumnus(self, alumnus_id: int) -> None:
        if self._show_alumni():
            self.alumni_page.open_record(alumnus_id)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.new_action = self._action(file_menu, "&New alumnus…", QKeySequence.StandardKey.New,
                                       self._new_alumnus)
        self.import_action = self._action(file_menu, "&Import alumni…", None, self.import_alumni)
        self.save_action = self._action(file_menu, "&Save", QKeySequence.StandardKey.Save, self._save)
        file_menu.addSeparator()
        self.export_action = self._action(file_menu, "&Export PDF…", QKeySequence("Ctrl+E"),
                                          lambda: self.export_document(print_first=False))
        self.print_action = self._action(file_menu, "&Print…", QKeySequence.StandardKey.Print,
                                         lambda: self.export_document(print_first=True))
        file_menu.addSeparator()
        self.switch_staff_action = self._action(file_menu, "Switch &staff member…", None, self._switch_staff)
        file_menu.addSeparator()
        # Ctrl+Q everywhere: not every platform binds a standard Quit key.
        self.quit_action = self._action(file_menu, "&Quit", QKeySequence("Ctrl+Q"), self.close)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        edit_menu = self.menuBar().addMenu("&Edit")
        self.find_action = self._action(edit_menu, "&Find alumnus", QKeySequence.StandardKey.Find, self._find)
        edit_menu.addSeparator()
        self.templates_action = self._action(edit_menu, "Aftercare plan &templates…", None, self.edit_templates)
        self.organisation_action = self._action(edit_menu, "&Organisation and notices…", None,
                                                self.edit_organisation)
        self.team_settings_action = self._action(edit_menu, "Team &settings…", QKeySequence("Ctrl+,"),
                                                 self.edit_team_settings)
        # Not moved to the application menu as "Preferences" on macOS: these are the team's, not the desk's.
        self.team_settings_action.setMenuRole(QAction.MenuRole.NoRole)

        help_menu = self.menuBar().addMenu("&Help")
        about = self._action(help_menu, f"&About {APP_NAME}", None, self.show_about)
        about.setMenuRole(QAction.MenuRole.AboutRole)

    def _action(self, menu, text: str, shortcut, slot) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _save(self) -> None:
        """Ctrl+S saves what the page on screen edits: a record, or the pairing review."""
        page = self.pages.currentWidget()
        if page is self.alumni_page or page is self._built(self._review_row):
            page.save()

    def _show_alumni(self) -> bool:
        if self.pages.currentWidget() is not self.alumni_page:
            self.sidebar.setCurrentRow(self.pages.indexOf(self.alumni_page))
        return self.pages.currentWidget() is self.alumni_page

    def _new_alumnus(self) -> None:
        if self._show_alumni():
            self.alumni_page.new_record()

    def _find(self) -> None:
        if self._show_alumni():
            self.alumni_page.find()

    def import_alumni(self) -> None:
        from .import_wizard import ImportWizard

        wizard = ImportWizard(self.context.database, self.context.actor, self)
        wizard.imported.connect(lambda _count: self.alumni_page.model.refresh())
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()

    def edit_templates(self) -> None:
        from .template_editor import TemplateEditorDialog

        dialog = TemplateEditorDialog(self.context, self.runner, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def edit_organisation(self):
        from .organisation_dialog import OrganisationDialog

        dialog = OrganisationDialog(self.context, self.runner, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def edit_team_settings(self):
        from .team_settings_dialog import TeamSettingsDialog

        dialog = TeamSettingsDialog(self.context, self.runner, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._team_settings_saved)
        dialog.open()
        return dialog

    def _team_settings_saved(self) -> None:
        """The pages that judge by the team's settings load again, so that the new values count now."""
        self.today_page.refresh()
        if self._mentoring is not None and self._mentoring.loaded:
            self._mentoring.pairings_saved()  # the pool, the waiting list, the suggestions and the review
        self.statusBar().showMessage("Team settings saved.", 6000)

    def export_document(self, print_first: bool = False):
        """File → Export PDF… / Print…: about the open record, or the person selected on Today; on the
        Pairing review page, the meeting's agenda."""
        current = self.pages.currentWidget()
        dialog = None
        review = self._built(self._review_row)
        if review is not None and current is review:
            if print_first:
                review.print_agenda()
            else:
                review.export_agenda()
            return None
        if current is self.alumni_page and self.alumni_page.currentWidget() is self.alumni_page.profile:
            dialog = self.alumni_page.profile.export_document(print_first=print_first)
        elif current is self.today_page:
            dialog = self.today_page.export_document(print_first=print_first)
        elif current is self.reports_page and current is not None:
            return None  # the page has its own buttons
        if dialog is None:
            self.statusBar().showMessage("Open a record, or select someone on the Today page, to export or print "
                                         "their documents.", 6000)
        return dialog

    def _switch_staff(self) -> None:
        from ..app import choose_acting_staff

        if not self.alumni_page.can_close():
            return
        member = choose_acting_staff(self.context.database, self, force=True)
        if member is not None:
            self.context.set_acting_staff(member)
            self.refresh_staff()

    def refresh_staff(self) -> None:
        staff = self.context.staff_members()
        self._staff = staff
        self.alumni_page.set_staff(staff)
        if self.reports_page is not None:
            self.reports_page.set_staff(staff)
        who = self.context.acting_staff.display_name if self.context.acting_staff else "nobody chosen"
        self.staff_label.setText(f"Working as: {who}")

    def start(self) -> None:
        """Load the first page's data in the background: the caseworker starts on Today. The other
        pages read theirs when first shown."""
        self.today_page.refresh()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>Alumni records, aftercare plans and peer support for an aftercare team.</p>"
            "<p>Records in this app are protected health information under HIPAA and "
            "42 CFR Part 2. Share them only as those rules allow.</p>"
            f"<p>Database: {self.context.database.description}</p>",
        )

    # -- geometry and closing ------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = settings.get(settings.WINDOW_GEOMETRY)
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            self.resize(1200, 760)
        state = settings.get(settings.WINDOW_STATE)
        if not state.isEmpty():
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        # The page on screen first, so the question is about what the coordinator is looking at.
        built = [page for page in (self.alumni_page, self._built(self._review_row), self._built(self._mentoring_row),
                                   self.reports_page) if page]
        pages = sorted(built, key=lambda page: page is not self.pages.currentWidget())
        for page in pages:
            if not (page.can_quit() if hasattr(page, "can_quit") else page.can_close()):
                if page is not self.pages.currentWidget():
                    self.sidebar.setCurrentRow(self.pages.indexOf(page))
                event.ignore()
                return
        settings.put(settings.WINDOW_GEOMETRY, self.saveGeometry())
        settings.put(settings.WINDOW_STATE, self.saveState())
        # Let running work finish so no worker thread outlives the window.
        self.runner.wait_for_done()
        self.alumni_page.model.wait_for_done()
        super().closeEvent(event)
