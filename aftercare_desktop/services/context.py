"""What a desk works with: the open database, who is acting, and the services over them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ..db import Database
from . import staff
from .alumni import AlumniService
from .assessments import AssessmentService
from .audit import Actor
from .checkins import CheckInService
from .directory import DirectoryService
from .meetings import MeetingService
from .mentor_pool import MentorPoolService
from .pairing_review import PairingReviewService
from .pairings import PairingService
from .plan_templates import PlanTemplateService
from .plans import PlanService
from .records import StaffRecord
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
    alumni: AlumniService = field(init=False)
    directory: DirectoryService = field(init=False)
    plans: PlanService = field(init=False)
    plan_templates: PlanTemplateService = field(init=False)
    checkins: CheckInService = field(init=False)
    meetings: MeetingService = field(init=False)
    sobriety: SobrietyService = field(init=False)
    assessments: AssessmentService = field(init=False)
    today_page: TodayService = field(init=False)
    mentor_pool: MentorPoolService = field(init=False)
    waiting_list: WaitingListService = field(init=False)
    pairings: PairingService = field(init=False)
    pairing_reviews: PairingReviewService = field(init=False)
    team_settings: TeamSettingsService = field(init=False)

    def __post_init__(self) -> None:
        self.alumni = AlumniService(self.database, today=self.today)
        self.directory = DirectoryService(self.database)
        self.plans = PlanService(self.database, today=self.today)
        self.plan_templates = PlanTemplateService(self.database)
        self.checkins = CheckInService(self.database, today=self.today)
        self.meetings = MeetingService(self.database, today=self.today)
        self.sobriety = SobrietyService(self.database, today=self.today)
        self.assessments = AssessmentService(self.database, today=self.today)
        self.today_page = TodayService(self.database, today=self.today, sobriety=self.sobriety,
                                       assessments=self.assessments)
        self.mentor_pool = MentorPoolService(self.database, today=self.today)
        self.waiting_list = WaitingListService(self.database, today=self.today)
        self.pairings = PairingService(self.database, today=self.today)
        self.pairing_reviews = PairingReviewService(self.database, today=self.today)
        self.team_settings = TeamSettingsService(self.database)

    def set_acting_staff(self, member: StaffRecord) -> None:
        self.acting_staff = member
        self.actor = Actor(member.id)

    def staff_members(self) -> list[StaffRecord]:
        return staff.list_staff(self.database)
