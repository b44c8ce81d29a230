"""`aftercare-desktop attention`: the queue as a table and as JSON, one caseworker's caseload, and a
caseworker name that does not exist (exit 2, nothing on stdout)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta

import pytest

from aftercare_desktop.cli import EXIT_OK, EXIT_USAGE, main
from aftercare_desktop.db import Database, resolve_url
from aftercare_desktop.models.enums import CheckinCadence, RecurrenceKind
from aftercare_desktop.schema import ensure_schema
from tests.db.caseload_data import CaseloadBuilder


@pytest.fixture
def database_path(tmp_path):
    """Two caseworkers' alumni: one high (a return to use, and late), one watch (late), one calm.
    Dated from the real today, which is what the command uses."""
    path = tmp_path / "attention.sqlite"
    database = Database.open(resolve_url(path))
    ensure_schema(database)
    build = CaseloadBuilder(database, date.today())
    rivera, chen = build.caseworker("Dana Rivera"), build.caseworker("Li Chen")
    used = build.alumnus("Sam", "Ortiz", caseworker_id=rivera)
    build.plan(used, CheckinCadence.WEEKLY)
    build.reached(used, 12)
    build.recurrence(used, 4, RecurrenceKind.LAPSE)
    late = build.alumnus("Ana", "Lopez", preferred="Annie", caseworker_id=chen)
    build.plan(late, CheckinCadence.WEEKLY)
    build.reached(late, 11)
    calm = build.alumnus("Kim", "Ng", caseworker_id=chen)
    build.reached(calm, 2)
    database.dispose()
    return path


def days_ago(n: int) -> str:
    return (date.today() - timedelta(days=n)).isoformat()


def test_help(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["attention", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "usage: aftercare-desktop attention" in out and "--caseworker NAME" in out and "--json" in out


def test_table(database_path, capsys):
    assert main(["attention", "--database", str(database_path)]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Needs attention (everyone): 2 alumni, 1 high, 1 watch"
    assert lines[2].split() == ["LEVEL", "NAME", "CLIENT", "ID", "SINCE", "REASON"]
    assert lines[3].split()[:4] == ["high", "Sam", "Ortiz", "AC-00001"]
    assert lines[3].endswith(f"{days_ago(4)}  Return to use on {days_ago(4)} (lapse)")
    assert lines[4].lstrip().startswith(days_ago(2)) and lines[4].endswith("No check-in for 12 days — plan says weekly")
    assert lines[5].split()[:4] == ["watch", "Annie", "Lopez", "AC-00002"]
    assert lines[5].endswith("No check-in for 11 days — plan says weekly")
    assert len(lines) == 6
    # The columns line up: every reason starts where the header's REASON does.
    column = lines[2].index("REASON")
    assert all(line[column - 2:column] == "  " and line[column] != " " for line in lines[3:])


def test_json(database_path, capsys):
    assert main(["attention", "--database", str(database_path), "--json"]) == EXIT_OK
    queue = json.loads(capsys.readouterr().out)
    assert [(row["name"], row["level"]) for row in queue] == [("Sam Ortiz", "high"), ("Annie Lopez", "watch")]
    assert queue[0]["reasons"] == [
        {"text": f"Return to use on {days_ago(4)} (lapse)", "since": days_ago(4), "signal": "recurrence"},
        {"text": "No check-in for 12 days — plan says weekly", "since": days_ago(2), "signal": "checkin_overdue"},
    ]
    assert set(queue[0]) == {"id", "name", "client_id", "level", "since", "reasons"}
    assert isinstance(queue[0]["id"], int) and queue[0]["since"] == days_ago(4)


def test_one_caseworkers_caseload(database_path, capsys):
    assert main(["attention", "--database", str(database_path), "--caseworker", "li chen", "--json"]) == EXIT_OK
    assert [row["name"] for row in json.loads(capsys.readouterr().out)] == ["Annie Lopez"]
    assert main(["attention", "--database", str(database_path), "--caseworker", "Li Chen"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("Needs attention (caseload of Li Chen): 1 alumni, 0 high, 1 watch")


def test_unknown_caseworker_exits_2_with_a_clear_message(database_path, capsys):
    assert main(["attention", "--database", str(database_path), "--caseworker", "Nobody Here"]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ("aftercare-desktop attention: error: no staff member is called 'Nobody Here' "
                            "(staff: Dana Rivera, Li Chen)\n")


def test_nobody_needs_attention(tmp_path, capsys):
    empty = tmp_path / "empty.sqlite"
    assert main(["migrate", "--database", str(empty)]) == EXIT_OK
    capsys.readouterr()
    assert main(["attention", "--database", str(empty)]) == EXIT_OK
    assert capsys.readouterr().out == "Nobody needs attention (everyone).\n"
    assert main(["attention", "--database", str(empty), "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out) == []


def test_database_is_required(capsys, monkeypatch):
    monkeypatch.delenv("AFTERCARE_DATABASE_URL", raising=False)
    with pytest.raises(SystemExit) as exited:
        main(["attention"])
    assert exited.value.code == EXIT_USAGE
    assert "--database" in capsys.readouterr().err


def test_a_missing_database_file_is_not_created(tmp_path, capsys):
    missing = tmp_path / "typo.sqlite"
    assert main(["attention", "--database", str(missing)]) == EXIT_USAGE
    assert capsys.readouterr().err == f"aftercare-desktop attention: error: there is no database at {missing}\n"
    assert not missing.exists()


def test_output_cut_short_by_a_pipe_ends_quietly(tmp_path):
    """`aftercare-desktop attention | head`: no traceback when the reader stops early."""
    database = tmp_path / "pipe.sqlite"
    made = subprocess.run([sys.executable, "-m", "aftercare_desktop", "demo-data", "--database", str(database),
                           "--alumni", "300", "--seed", "2"], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    reader_gone = subprocess.Popen(
        [sys.executable, "-m", "aftercare_desktop", "attention", "--database", str(database), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reader_gone.stdout.close()  # as `head` does once it has its lines
    _, errors = reader_gone.communicate(timeout=120)
    assert reader_gone.returncode == EXIT_OK
    assert errors == ""
