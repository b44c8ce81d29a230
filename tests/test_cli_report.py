"""`aftercare-desktop report …`: each document to a file, and bad ids, dates, paths or missing
recipients give a one-line error, exit 2, and write nothing."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from aftercare_desktop.cli import EXIT_OK, EXIT_USAGE, main
from aftercare_desktop.db import Database, resolve_url
from aftercare_desktop.schema import ensure_schema
from tests.reports.conftest import pages_text, qpdf_check
from tests.reports.story import make_story
from tests.reports.test_pairing_review import Team


@pytest.fixture(scope="module")
def database_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli-report") / "story.sqlite"
    database = Database.open(resolve_url(path))
    ensure_schema(database)
    make_story(database, date.today(), weeks=10)  # the command line's today is the real one
    database.dispose()
    return path


@pytest.fixture
def out(tmp_path):
    return tmp_path


def run(database_path, *args) -> int:
    return main(["report", *args, "--database", str(database_path)])


def test_progress_report(database_path, out, capsys):
    target = out / "zoe.pdf"
    assert run(database_path, "progress", "--alumnus", "ac-0042", "--recipient", "Dr. Ana Núñez",
               "--purpose", "Continuing care", "--notice", "2", "--sections", "identity,checkins",
               "--notes", "Doing well.", "--out", str(target)) == EXIT_OK
    assert capsys.readouterr().out.startswith("Wrote progress report (1 page, ")
    qpdf_check(target)
    (page,) = pages_text(target.read_bytes())
    assert "Zoë Núñez" in page and "Doing well." in page and "42 CFR part 2 prohibits unauthorized use" in page
    assert "by the command line (login" in page


@pytest.mark.parametrize("document,extra", [("plan", ["--alumnus", "1"]), ("wallet-card", ["--alumnus", "AC-0042",
                                                                                         "--copies", "2"]),
                                            ("caseload", ["--caseworker", "đặng thu trang"])])
def test_the_other_documents(database_path, out, document, extra, capsys):
    target = out / f"{document}.pdf"
    assert run(database_path, document, *extra, "--out", str(target)) == EXIT_OK
    assert PdfReader(io.BytesIO(target.read_bytes())).pages


@pytest.mark.parametrize("args,message", [
    (["progress", "--alumnus", "AC-9999", "--recipient", "a", "--purpose", "b"],
     "no alumnus has the client ID or record number 'AC-9999'"),
    (["progress", "--alumnus", "AC-0042"], "Say who the document is for (the recipient)"),
    (["progress", "--alumnus", "AC-0042", "--recipient", "a", "--purpose", "b", "--from", "2026-02-30"],
     "argument --from: '2026-02-30' is not a date (YYYY-MM-DD)"),
    (["progress", "--alumnus", "AC-0042", "--recipient", "a", "--purpose", "b", "--from", "2026-03-01",
      "--to", "2026-02-01"], "The period starts after it ends"),
    (["progress", "--alumnus", "AC-0042", "--recipient", "a", "--purpose", "b", "--sections", "identity,gossip"],
     "no section 'gossip'"),
    (["caseload", "--caseworker", "Nobody Here"], "no staff member is called 'Nobody Here' (staff: Đặng Thu Trang)"),
    (["plan", "--alumnus", "AC-0042", "--by", "Nobody Here"], "no staff member is called 'Nobody Here'"),
])
def test_bad_input_is_one_line_exit_2_and_no_file(database_path, out, capsys, args, message):
    target = out / "report.pdf"
    assert_refused(lambda: run(database_path, *args, "--out", str(target)), capsys, out, message,
                   by_argparse="argument" in message or "no section" in message)


def assert_refused(command, capsys, out: Path, message: str, *, by_argparse: bool) -> None:
    """The command stops with exit 2 and `message` on one line of stderr, and writes no file."""
    with pytest.raises(SystemExit) if by_argparse else _nothing() as exited:
        code = command()
    if exited is not None:
        code = exited.value.code
    assert code == EXIT_USAGE
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1
    assert list(out.iterdir()) == []


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def test_bad_paths_write_nothing(database_path, tmp_path, capsys):
    assert run(database_path, "plan", "--alumnus", "AC-0042", "--out", str(tmp_path / "no" / "plan.pdf")) == EXIT_USAGE
    assert f"The folder {tmp_path / 'no'} does not exist." in capsys.readouterr().err
    assert run(database_path, "plan", "--alumnus", "AC-0042", "--out", str(tmp_path)) == EXIT_USAGE
    assert "should end in .pdf" in capsys.readouterr().err
    assert main(["report", "plan", "--alumnus", "1", "--out", str(tmp_path / "p.pdf"), "--database",
                 str(tmp_path / "typo.sqlite")]) == EXIT_USAGE
    assert "there is no database at" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_batch_combined_and_one_each(database_path, tmp_path, capsys):
    each = tmp_path / "each"
    each.mkdir()
    assert run(database_path, "batch", "plan", "--caseworker", "Đặng Thu Trang", "--out-dir", str(each)) == EXIT_OK
    assert sorted(p.name for p in each.iterdir()) == ["aftercare-plan-AC-0042.pdf", "aftercare-plan-AC-0043.pdf"]
    assert "Wrote 2 of 2 documents" in capsys.readouterr().out
    combined = tmp_path / "combined"
    combined.mkdir()
    assert run(database_path, "batch", "wallet-card", "--alumnus", "AC-0042", "--alumnus", "AC-0043",
               "--combined", "cards.pdf", "--out-dir", str(combined)) == EXIT_OK
    assert [p.name for p in combined.iterdir()] == ["cards.pdf"]
    assert len(PdfReader(io.BytesIO((combined / "cards.pdf").read_bytes())).pages) == 2


def test_batch_refuses_a_missing_recipient_before_starting(database_path, tmp_path, capsys):
    assert run(database_path, "batch", "progress", "--out-dir", str(tmp_path)) == EXIT_USAGE
    assert "Say who the document is for" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_batch_into_a_missing_folder_is_refused(database_path, tmp_path, capsys):
    assert run(database_path, "batch", "plan", "--alumnus", "AC-0042", "--out-dir", str(tmp_path / "gone"),
               "--jobs", "1") == EXIT_USAGE
    assert "does not exist" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def team_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli-agenda") / "team.sqlite"
    database = Database.open(resolve_url(path))
    ensure_schema(database)
    Team(database, date.today())
    database.dispose()
    return path


def test_pairing_review_agenda(team_path, out, capsys):
    target = out / "agenda.pdf"
    ahead = date.fromordinal(date.today().toordinal() + 3)
    assert run(team_path, "pairing-review", "--date", ahead.isoformat(), "--by", "Đặng Thu Trang",
               "--out", str(target)) == EXIT_OK
    assert capsys.readouterr().out.startswith("Wrote pairing review agenda (")
    qpdf_check(target)
    text = " ".join(pages_text(target.read_bytes()))
    for fact in ("Zoë Nguyễn", "Ana Núñez", "Decision / notes", "No active mentor speaks Spanish", "waited 10 days",
                 "Internal — do not disclose", f"Pairing review of {ahead:%b} {ahead.day}, {ahead.year}",
                 "by Đặng Thu Trang"):
        assert fact in text, fact
    assert run(team_path, "pairing-review", "--out", str(out / "today.pdf")) == EXIT_OK
    assert "by the command line (login" in " ".join(pages_text((out / "today.pdf").read_bytes()))


@pytest.mark.parametrize("args,message", [
    (["--date", "2020-01-06"], "An agenda is for a meeting today or later"),
    (["--date", "2099-01-05"], "The meeting can be at most 31 days ahead"),
    (["--date", "2026-02-30"], "argument --date: '2026-02-30' is not a date (YYYY-MM-DD)"),
    (["--alumnus", "AC-0042"], "unrecognized arguments: --alumnus AC-0042"),
    (["--by", "Nobody Here"], "no staff member is called 'Nobody Here'"),
])
def test_pairing_review_bad_input_is_one_line_exit_2_and_no_file(team_path, out, capsys, args, message):
    target = out / "agenda.pdf"
    assert_refused(lambda: run(team_path, "pairing-review", *args, "--out", str(target)), capsys, out, message,
                   by_argparse="argument" in message)


def test_pairing_review_is_not_a_batch(team_path, out, capsys):
    with pytest.raises(SystemExit) as exited:
        run(team_path, "batch", "pairing-review", "--out-dir", str(out))
    assert exited.value.code == EXIT_USAGE
    assert "invalid choice: 'pairing-review'" in capsys.readouterr().err
