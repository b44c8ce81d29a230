"""The command line: help for every subcommand, one-line errors, and exit codes 0 / 1 / 2."""

import gc
import os
import subprocess
import sys

import pytest

from aftercare_desktop import __version__
from aftercare_desktop.cli import EXIT_OK, EXIT_USAGE, main

SUBCOMMANDS = ["demo-data", "migrate", "import-alumni"]


@pytest.mark.parametrize("argv", [["--help"], *[[name, "--help"] for name in SUBCOMMANDS]])
def test_every_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 0
    assert "usage: aftercare-desktop" in capsys.readouterr().out


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"aftercare-desktop {__version__}"


def test_usage_errors_exit_2_with_one_line(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["migrate"])
    assert exited.value.code == EXIT_USAGE
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["aftercare-desktop migrate: error: the following arguments are required: --database"]


def test_migrate_creates_and_reports(tmp_path, capsys):
    path = tmp_path / "new.sqlite"
    assert main(["migrate", "--database", str(path)]) == EXIT_OK
    assert "newest" in capsys.readouterr().out
    assert main(["migrate", "--database", str(path)]) == EXIT_OK


def test_environment_problems_exit_2_without_traceback(tmp_path, capsys):
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("hello")
    assert main(["migrate", "--database", str(not_a_database)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "not an SQLite file" in err
    assert not_a_database.read_text() == "hello"


def test_database_from_environment_variable(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AFTERCARE_DATABASE_URL", str(tmp_path / "env.sqlite"))
    from aftercare_desktop.cli import build_parser

    assert build_parser().parse_args(["migrate"]).database == str(tmp_path / "env.sqlite")


def test_demo_data_size_is_checked(tmp_path, capsys):
    assert main(["demo-data", "--database", str(tmp_path / "d.sqlite"), "--alumni", "5"]) == EXIT_USAGE
    assert "100 to 100,000" in capsys.readouterr().err


def test_python_dash_m_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "aftercare_desktop", "migrate", "--database", str(tmp_path / "m.sqlite")],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_the_command_line_loads_reportlab_only_to_make_a_document():
    """Every start (the GUI's too) builds the command line; reportlab takes over a second to import."""
    script = ("import sys\nfrom aftercare_desktop.cli import build_parser\n"
              "build_parser().parse_args(['report', 'plan', '--alumnus', 'A-1', '--out', 'x.pdf', '--database', 'db'])\n"
              "print('reportlab' in sys.modules)\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"


def test_the_cycle_collector_is_paused_only_for_the_start(tmp_path, monkeypatch):
    """Start-up runs without Python's cycle collector; a command (an import of hours, a batch of
    documents) runs with it, and it is on again whatever way main ends."""
    from aftercare_desktop import cli

    seen = {}

    def noting(moment: str):
        def run(args) -> int:
            seen[moment] = gc.isenabled()
            return EXIT_OK
        return run

    monkeypatch.setattr(cli, "_migrate", noting("command"))
    monkeypatch.setattr(cli, "_run_gui", noting("start-up"))

    assert main(["migrate", "--database", str(tmp_path / "m.sqlite")]) == EXIT_OK
    assert gc.isenabled()
    assert main(["--database", str(tmp_path / "m.sqlite")]) == EXIT_OK
    assert gc.isenabled()
    with pytest.raises(SystemExit):
        main(["--no-such-option"])
    assert gc.isenabled()
    assert seen == {"command": True, "start-up": False}


def test_the_gui_imports_sqlalchemy_before_pyside6(tmp_path):
    """PySide6 reads the source of every module imported after it; SQLAlchemy must come first."""
    script = ("import sys\nfrom aftercare_desktop.cli import main\n"
              f"code = main(['--database', {str(tmp_path / 'start.sqlite')!r}, '--exit-after-startup'])\n"
              "names = list(sys.modules)\n"
              "print(code, names.index('sqlalchemy.orm') < names.index('PySide6.QtCore'))\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path / name.lower())
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["0", "True"]
