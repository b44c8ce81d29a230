"""The Alumni page: the directory, and a record opened from it, with the unsaved-edits guard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QStackedWidget, QWidget

from ..services.context import AppContext
from ..services.records import StaffRecord
from .background import TaskRunner
from .directory_model import DirectoryModel
from .directory_view import DirectoryView

if TYPE_CHECKING:
    from .profile_view import ProfileView


class AlumniPage(QStackedWidget):
    def __init__(self, context: AppContext, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self._runner = runner
        self._staff: list[StaffRecord] = []
        self._profile: ProfileView | None = None
        self.model = DirectoryModel(context.directory, parent=self)
        self.directory = DirectoryView(self.model)
        self.addWidget(self.directory)
        self.directory.open_requested.connect(self.open_record)
        self.directory.new_requested.connect(self.new_record)

    @property
    def profile(self) -> ProfileView:
        """The record with its plan, check-ins and assessments, built when first needed: the start
        of the day shows Today and the directory, and the profile's modules stay unloaded till then."""
        if self._profile is None:
            self._profile = self._build_profile()
        return self._profile

    def _build_profile(self) -> ProfileView:
        from .assessments_panel import AssessmentsPanel
        from .plan_editor import PlanEditor
        from .profile_view import ProfileView
        from .timeline_panel import TimelinePanel

        context, runner = self.context, self._runner
        profile = ProfileView(context, runner)
        profile.set_staff(self._staff)
        timeline = TimelinePanel(context, runner)
        profile.add_panel("Aftercare &plan", PlanEditor(context, runner))
        profile.add_panel("Check-&ins and recovery", timeline)
        profile.add_panel("Assess&ments", AssessmentsPanel(context, runner))
        # A return to use moves the sobriety date: the record on screen must not keep the old one.
        timeline.sobriety_changed.connect(lambda _id: profile.reload())
        self.addWidget(profile)
        profile.back_requested.connect(self.show_directory)
        profile.saved.connect(lambda _id: self.model.refresh())
        profile.deleted.connect(self._after_delete)
        return profile

    def _showing_profile(self) -> bool:
        return self._profile is not None and self.currentWidget() is self._profile

    def set_staff(self, staff: list[StaffRecord]) -> None:
        self._staff = staff
        self.directory.set_staff(staff)
        if self._profile is not None:
            self._profile.set_staff(staff)

    def open_record(self, alumnus_id: int) -> None:
        if self._showing_profile() and not self.profile.maybe_leave():
            return
        self.profile.load(alumnus_id)
        self.setCurrentWidget(self.profile)

    def new_record(self) -> None:
        if self._showing_profile() and not self.profile.maybe_leave():
            return
        self.profile.start_new()
        self.setCurrentWidget(self.profile)

    def show_directory(self) -> None:
        if self._showing_profile() and not self.profile.maybe_leave():
            return
        self.setCurrentWidget(self.directory)
        self.directory.focus_search()

    def _after_delete(self, _alumnus_id: int) -> None:
        self.model.refresh()
        self.setCurrentWidget(self.directory)
        self.directory.focus_search()

    def save(self) -> None:
        if self._showing_profile():
            self.profile.save_current()

    def find(self) -> None:
        if self._showing_profile():
            self.show_directory()
        if self.currentWidget() is self.directory:
            self.directory.focus_search()

    def can_close(self) -> bool:
        return not self._showing_profile() or self.profile.maybe_leave()
