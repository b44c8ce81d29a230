"""What a desk works with: the open database, who is acting, and the services over them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..db import Database
from .alumni import AlumniService
from .audit import Actor
from .directory import DirectoryService
from . import staff
from .records import StaffRecord


@dataclass
class AppContext:
    database: Database
    actor: Actor
    acting_staff: StaffRecord | None = None
    demo: bool = False
    today: object = date.today
    alumni: AlumniService = field(init=False)
    directory: DirectoryService = field(init=False)

    def __post_init__(self) -> None:
        self.alumni = AlumniService(self.database, today=self.today)
        self.directory = DirectoryService(self.database)

    def set_acting_staff(self, member: StaffRecord) -> None:
        self.acting_staff = member
        self.actor = Actor(member.id)

    def staff_members(self) -> list[StaffRecord]:
        return staff.list_staff(self.database)
