"""GUI fixtures: an app context over a fresh database with a few alumni, and stubbed modal dialogs."""

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter

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


class DocumentAnswers:
    """Answers the file, printer and open-it questions the way a test says; remembers what was asked."""

    def __init__(self, folder: Path):
        self.save_to: Path | None = folder / "chosen.pdf"
        self.print_to: Path | None = folder / "printed.pdf"
        self.page_range: tuple[int, int] | None = None
        self.asked: list[str] = []
        self.suggested: list[Path] = []
        self.problems: list[str] = []
        self.opened: list[Path] = []
        self.open_it = False


@pytest.fixture
def files(monkeypatch, tmp_path, answers) -> DocumentAnswers:
    answers = DocumentAnswers(tmp_path)

    def ask_save_pdf(_parent, suggested):
        answers.asked.append("save")
        answers.suggested.append(suggested)
        return answers.save_to

    def ask_printer(_parent, printer: QPrinter):
        answers.asked.append("printer")
        if answers.print_to is None:
            return False
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(answers.print_to))
        if answers.page_range:
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(*answers.page_range)
        return True

    def offer_to_open(_parent, _path, _words):
        answers.asked.append("open?")
        return answers.open_it

    monkeypatch.setattr(dialogs, "ask_save_pdf", ask_save_pdf)
    monkeypatch.setattr(dialogs, "ask_printer", ask_printer)
    monkeypatch.setattr(dialogs, "offer_to_open", offer_to_open)
    monkeypatch.setattr(dialogs, "open_file", lambda path: answers.opened.append(path) or True)
    return answers
