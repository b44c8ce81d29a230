"""The Alumni page: the directory, and a record opened from it, with the unsaved-edits guard."""

from __future__ import annotations

from PySide6.QtWidgets import QStackedWidget, QWidget

from ..services.context import AppContext
from .background import TaskRunner
from .directory_model import DirectoryModel
from .directory_view import DirectoryView
from .assessments_panel import AssessmentsPanel
from .plan_editor import PlanEditor
from .profile_view import ProfileView
from .timeline_panel import TimelinePanel


class AlumniPage(QStackedWidget):
    def __init__(self, context: AppContext, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.model = DirectoryModel(context.directory, parent=self)
        self.directory = DirectoryView(self.model)
        self.profile = ProfileView(context, runner)
        self.plan_editor = PlanEditor(context, runner)
        self.timeline = TimelinePanel(context, runner)
        self.profile.add_panel("Aftercare &plan", self.plan_editor)
        self.profile.add_panel("Check-&ins and recovery", self.timeline)
        self.assessments = AssessmentsPanel(context, runner)
        self.profile.add_panel("Assess&ments", self.assessments)
        # A return to use moves the sobriety date: the record on screen must not keep the old one.
        self.timeline.sobriety_changed.connect(lambda _id: self.profile.reload())
        self.addWidget(self.directory)
        self.addWidget(self.profile)

        self.directory.open_requested.connect(self.open_record)
        self.directory.new_requested.connect(self.new_record)
        self.profile.back_requested.connect(self.show_directory)
        self.profile.saved.connect(lambda _id: self.model.refresh())
        self.profile.deleted.connect(self._after_delete)

    def set_staff(self, staff) -> None:
        self.directory.set_staff(staff)
        self.profile.set_staff(staff)

    def start(self) -> None:
        self.model.refresh()

    def open_record(self, alumnus_id: int) -> None:
        if self.currentWidget() is self.profile and not self.profile.maybe_leave():
            return
        self.profile.load(alumnus_id)
        self.setCurrentWidget(self.profile)

    def new_record(self) -> None:
        if self.currentWidget() is self.profile and not self.profile.maybe_leave():
            return
        self.profile.start_new()
        self.setCurrentWidget(self.profile)

    def show_directory(self) -> None:
        if self.currentWidget() is self.profile and not self.profile.maybe_leave():
            return
        self.setCurrentWidget(self.directory)
        self.directory.focus_search()

    def _after_delete(self, _alumnus_id: int) -> None:
        self.model.refresh()
        self.setCurrentWidget(self.directory)
        self.directory.focus_search()

    def save(self) -> None:
        if self.currentWidget() is self.profile:
            self.profile.save_current()

    def find(self) -> None:
        if self.currentWidget() is self.profile:
            self.show_directory()
        if self.currentWidget() is self.directory:
            self.directory.focus_search()

    def can_close(self) -> bool:
        return self.currentWidget() is not self.profile or self.profile.maybe_leave()
