"""What a desk works with: the open database, who is acting, and the services over them.

Each service is made (and its module imported) when first used: the start of the day needs the
directory and Today, and the rest of the app waits until a record is opened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from ..db import Database
from . import staff
from .audit import Actor
from .records import StaffRecord

if TYPE_CHECKING:
    from .alumni import AlumniService
    from .assessments import AssessmentService
    from .checkins import CheckInService
    from .directory import DirectoryService
    from .meetings import MeetingService
    from .mentor_pool import MentorPoolService
    from .pairing_review import PairingReviewService
    from .pairings import PairingService
    from .plan_templates import PlanTemplateService
    from .plans import PlanService
    from .sobriety import SobrietyService
    from .team_settings import TeamSettingsService
    from .today import TodayService
    from .waiting_list import WaitingListService


@dataclass
class AppContext:
    database: Database
    actor: Actor
    acting_staff: StaffRecord | None = None
    demo: bool = False
    today: Callable[[], date] = date.today

    @cached_property
    def alumni(self) -> AlumniService:
        from .alumni import AlumniService

        return AlumniService(self.database, today=self.today)

    @cached_property
    def directory(self) -> DirectoryService:
        from .directory import DirectoryService

        return DirectoryService(self.database)

    @cached_property
    def plans(self) -> PlanService:
        from .plans import PlanService

        return PlanService(self.database, today=self.today)

    @cached_property
    def plan_templates(self) -> PlanTemplateService:
        from .plan_templates import PlanTemplateService

        return PlanTemplateService(self.database)

    @cached_property
    def checkins(self) -> CheckInService:
        from .checkins import CheckInService

        return CheckInService(self.database, today=self.today)

    @cached_property
    def meetings(self) -> MeetingService:
        from .meetings import MeetingService

        return MeetingService(self.database, today=self.today)

    @cached_property
    def sobriety(self) -> SobrietyService:
        from .sobriety import SobrietyService

        return SobrietyService(self.database, today=self.today)

    @cached_property
    def assessments(self) -> AssessmentService:
        from .assessments import AssessmentService

        return AssessmentService(self.database, today=self.today)

    @cached_property
    def today_page(self) -> TodayService:
        from .today import TodayService

        return TodayService(self.database, today=self.today, sobriety=self.sobriety, assessments=self.assessments)

    @cached_property
    def mentor_pool(self) -> MentorPoolService:
        from .mentor_pool import MentorPoolService

        return MentorPoolService(self.database, today=self.today)

    @cached_property
    def waiting_list(self) -> WaitingListService:
        from .waiting_list import WaitingListService

        return WaitingListService(self.database, today=self.today)

    @cached_property
    def pairings(self) -> PairingService:
        from .pairings import PairingService

        return PairingService(self.database, today=self.today)

    @cached_property
    def pairing_reviews(self) -> PairingReviewService:
        from .pairing_review import PairingReviewService

        return PairingReviewService(self.database, today=self.today)

    @cached_property
    def team_settings(self) -> TeamSettingsService:
        from .team_settings import TeamSettingsService

        return TeamSettingsService(self.database)

    def set_acting_staff(self, member: StaffRecord) -> None:
        self.acting_staff = member
        self.actor = Actor(member.id)

    def staff_members(self) -> list[StaffRecord]:
        return staff.list_staff(self.database)
