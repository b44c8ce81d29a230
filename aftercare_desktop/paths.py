"""Where the app keeps its files, and where its shipped resources are."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import platformdirs

from . import APP_NAME, ORG_NAME

# The database to open when no --database is given (a file path or an SQLAlchemy URL).
ENV_DATABASE_URL = "AFTERCARE_DATABASE_URL"


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, ORG_NAME))


def user_log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, ORG_NAME))


def default_database_path() -> Path:
    return user_data_dir() / "aftercare.sqlite"


def demo_database_path() -> Path:
    return user_data_dir() / "aftercare-demo.sqlite"


@cache
def resources_dir() -> Path:
    """The `resources/` folder: inside the installed package, or at the top of a source checkout."""
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir / "resources", package_dir.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the resources folder is missing from this installation")


def resource(*parts: str) -> Path:
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"resource missing from this installation: {'/'.join(parts)}")
    return path
