"""`aftercare-desktop pairing suggest`: the table, the JSON keys the issue names, and a missing
database (exit 2, nothing on stdout)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from aftercare_desktop.cli import EXIT_OK, EXIT_USAGE, main
from aftercare_desktop.db import Database, resolve_url
from aftercare_desktop.schema import ensure_schema
from aftercare_desktop.services import staff
from aftercare_desktop.services.audit import Actor
from tests.db.mentoring_data import MentoringBuilder


@pytest.fixture
def database_path(tmp_path):
    """One mentor with room for one, two English speakers waiting and one Spanish speaker."""
    path = tmp_path / "pairing.sqlite"
    database = Database.open(resolve_url(path))
    ensure_schema(database)
    build = MentoringBuilder(database, date.today(), Actor(staff.add_staff(database, "Coordinator").id))
    ids = {"mentor": build.mentor("Rosa", capacity=1), "first": build.mentee("Ana", waiting_ago=20),
           "second": build.mentee("Ben", waiting_ago=5), "spanish": build.mentee("Luz", languages=("Spanish",))}
    database.dispose()
    return path, ids


def test_json(database_path, capsys):
    path, ids = database_path
    assert main(["pairing", "suggest", "--database", str(path), "--json"]) == EXIT_OK
    out = json.loads(capsys.readouterr().out)
    (suggestion,) = out["suggestions"]
    assert (suggestion["mentee_id"], suggestion["mentor_id"]) == (ids["first"], ids["mentor"])
    assert set(suggestion["breakdown"]) >= {"pathway", "load_balance"} and suggestion["score"] > 0
    assert {u["mentee_id"]: u["reason"] for u in out["unmatched"]} == {
        ids["second"]: "the only active English-speaking mentor with free capacity is suggested for another mentee",
        ids["spanish"]: "no active mentor speaks Spanish"}
    assert out["mentors"] == [{"id": ids["mentor"], "capacity": 1, "current_load": 0, "suggested": 1}]


def test_table(database_path, capsys):
    path, _ = database_path
    assert main(["pairing", "suggest", "--database", str(path)]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Pairing suggestions: 1 of 3 waiting paired")
    assert lines[2].split()[:4] == ["MENTEE", "MENTOR", "SCORE", "WHY"]
    assert lines[3].split()[:4] == ["Ana", "Tester", "Rosa", "Tester"]
    assert "  Luz Tester: no active mentor speaks Spanish" in lines


def test_a_missing_database_is_a_usage_error(tmp_path, capsys):
    missing = tmp_path / "nowhere.sqlite"
    assert main(["pairing", "suggest", "--database", str(missing)]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out == "" and "there is no database at" in captured.err
    assert not missing.exists()


def test_an_action_is_required(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["pairing"])
    assert exited.value.code == EXIT_USAGE
