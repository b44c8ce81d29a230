"""GUI fixtures: an app context over a fresh database with a few alumni, and stubbed modal dialogs."""

from datetime import date

import pytest

from aftercare_desktop.models.enums import Program, Relationship
from aftercare_desktop.services import staff
from aftercare_desktop.services.audit import Actor
from aftercare_desktop.services.context import AppContext
from aftercare_desktop.services.records import AlumnusData, SupportContactData
from aftercare_desktop.views import dialogs
from tests.conftest import FIXED_TODAY

PEOPLE = [
    ("AC-1", "José", "Núñez", "(555) 010-2020"),
    ("AC-2", "Zoë", "Fischer", "(312) 555-0142"),
    ("AC-3", "Thảo", "Nguyễn", "(212) 555-0199"),
]


@pytest.fixture
def context(sqlite_db) -> AppContext:
    member = staff.add_staff(sqlite_db, "Dana Reyes")
    context = AppContext(sqlite_db, Actor(member.id), acting_staff=member, today=lambda: FIXED_TODAY)
    for client_id, first, last, phone in PEOPLE:
        context.alumni.create(
            AlumnusData(client_id=client_id, first_name=first, last_name=last, phone_mobile=phone,
                        date_of_birth=date(1990, 1, 1), program=Program.IOP, caseworker_id=member.id,
                        support_contacts=[SupportContactData("Rosa", Relationship.SPONSOR, "2125550100")]),
            context.actor,
        )
    return context


class DialogAnswers:
    """Answers the modal questions the way a test says, and remembers what was asked."""

    def __init__(self):
        self.leave = dialogs.Leave.STAY
        self.duplicates_ok = False
        self.delete_ok = False
        self.reload_ok = False
        self.end_choice = None  # an EndChoice, or None to cancel ending a pairing
        self.review_ends_ok = False
        self.asked: list[str] = []
        self.problems: list[str] = []


@pytest.fixture
def answers(monkeypatch) -> DialogAnswers:
    answers = DialogAnswers()

    def ask(name, value):
        def stub(*_args, **_kwargs):
            answers.asked.append(name)
            return getattr(answers, value)
        return stub

    monkeypatch.setattr(dialogs, "ask_unsaved_changes", ask("unsaved", "leave"))
    monkeypatch.setattr(dialogs, "confirm_possible_duplicates", ask("duplicates", "duplicates_ok"))
    monkeypatch.setattr(dialogs, "confirm_hard_delete", ask("delete", "delete_ok"))
    monkeypatch.setattr(dialogs, "ask_reload_after_conflict", ask("reload", "reload_ok"))
    monkeypatch.setattr(dialogs, "ask_end_pairing", ask("end_pairing", "end_choice"))
    monkeypatch.setattr(dialogs, "confirm_review_ends", ask("review_ends", "review_ends_ok"))
    monkeypatch.setattr(dialogs, "show_problem", lambda _parent, message: answers.problems.append(message))
    return answers
