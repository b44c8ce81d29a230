"""Shared fixtures: a fresh, migrated database per test, on SQLite and (for tests/db) PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from aftercare_desktop.db import Database, resolve_url
from aftercare_desktop.schema import ensure_schema
from aftercare_desktop.services import staff
from aftercare_desktop.services.audit import Actor

import tempfile

# Offscreen, on a desk-sized virtual screen (the plugin's default screen is only 800×600).
_SCREENS = os.path.join(os.path.dirname(__file__), "offscreen-screens.json")
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREENS}"
# Keep QSettings, the default database folder and logs of the test run away from the real user's.
_SANDBOX = tempfile.mkdtemp(prefix="aftercare-tests-")
for _name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[_name] = os.path.join(_SANDBOX, _name.lower())

POSTGRES_URL = os.environ.get("AFTERCARE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# CI sets this so that an unreachable server fails the run instead of skipping the PostgreSQL tests.
REQUIRE_POSTGRES = os.environ.get("AFTERCARE_REQUIRE_POSTGRES") == "1"
# One template per test run, so that runs side by side (two checkouts, xdist) do not collide.
TEMPLATE_DB = f"aftercare_test_template_{os.getpid()}"

FIXED_TODAY = date(2026, 6, 15)


@pytest.fixture
def sqlite_db(tmp_path) -> Iterator[Database]:
    database = Database.open(resolve_url(tmp_path / "aftercare.sqlite"))
    ensure_schema(database)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated template database; each test gets a copy made with CREATE DATABASE … TEMPLATE."""
    admin_url = make_url(POSTGRES_URL)
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {TEMPLATE_DB}"))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no server here"
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required (AFTERCARE_REQUIRE_POSTGRES=1) but unreachable: {exc}")
        pytest.skip(f"no PostgreSQL server at {admin_url.render_as_string(hide_password=True)}")
    template = Database.open(admin_url.set(database=TEMPLATE_DB))
    ensure_schema(template)
    template.dispose()
    yield TEMPLATE_DB
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def postgres_db(postgres_template) -> Iterator[Database]:
    admin_url = make_url(POSTGRES_URL)
    name = f"aftercare_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name} TEMPLATE {postgres_template}"))
    database = Database.open(admin_url.set(database=name))
    yield database
    database.dispose()
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def any_db(request) -> Database:
    """The same test on both databases the app supports."""
    return request.getfixturevalue(f"{request.param}_db")


@pytest.fixture
def actor(sqlite_db) -> Actor:
    member = staff.add_staff(sqlite_db, "Test Caseworker")
    return Actor(member.id)


@pytest.fixture
def any_actor(any_db) -> Actor:
    member = staff.add_staff(any_db, "Test Caseworker")
    return Actor(member.id)
