"""The installed program starts, shows its main window with data, and exits — offscreen and on X11."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ENTRY_POINT = Path(sys.executable).with_name("aftercare-desktop")
# CI sets this so that a missing Xvfb fails the run instead of skipping the real-window test.
REQUIRE_XVFB = os.environ.get("AFTERCARE_REQUIRE_XVFB") == "1"


def run_entry_point(args, tmp_path, *, platform: str, wrapper=()):
    env = dict(os.environ, QT_QPA_PLATFORM=platform, HOME=str(tmp_path))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path / name.lower())
    return subprocess.run(
        [*wrapper, str(ENTRY_POINT), *args], capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env
    )


@pytest.fixture
def database(tmp_path):
    result = subprocess.run(
        [str(ENTRY_POINT), "demo-data", "--database", str(tmp_path / "demo.sqlite"), "--alumni", "200"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    return tmp_path / "demo.sqlite"


def test_entry_point_is_installed():
    assert ENTRY_POINT.exists(), "install the package (pip install .) so the aftercare-desktop command exists"


def test_installed_package_carries_its_resources(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "from aftercare_desktop.paths import resource; print(resource('icons', 'app.svg'))"],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).is_file()


def test_starts_offscreen_and_exits(tmp_path, database):
    result = run_entry_point(["--database", str(database), "--exit-after-startup"], tmp_path, platform="offscreen")
    assert result.returncode == 0, result.stderr


def test_demo_mode_starts_on_its_own_database(tmp_path):
    result = run_entry_point(["--demo", "--exit-after-startup"], tmp_path, platform="offscreen")
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "xdg_data_home").rglob("aftercare-demo.sqlite"))


def test_refuses_a_bad_database_with_a_message(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    result = run_entry_point(["--database", str(bad), "--exit-after-startup"], tmp_path, platform="offscreen")
    assert result.returncode == 2
    assert "not an SQLite file" in result.stderr
    assert bad.read_text() == "hello"


@pytest.mark.xvfb
def test_starts_in_a_real_x11_window(tmp_path, database):
    xvfb_run = shutil.which("xvfb-run")
    if xvfb_run is None:
        if REQUIRE_XVFB:
            pytest.fail("Xvfb is required (AFTERCARE_REQUIRE_XVFB=1) but xvfb-run is not installed")
        pytest.skip("xvfb-run is not installed")
    result = run_entry_point(
        ["--database", str(database), "--exit-after-startup"], tmp_path, platform="xcb",
        wrapper=(xvfb_run, "-a", "-s", "-screen 0 1280x800x24"),
    )
    assert result.returncode == 0, result.stderr
