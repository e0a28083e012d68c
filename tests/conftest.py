"""Fixtures shared by every test: an app on a temporary instance, and checked clients.

A module marked `both_engines` runs each of its tests twice, on SQLite (`[sqlite]`) and on
PostgreSQL (`[postgresql]`); a test in it marked `sqlite_only` or
`postgresql_only` (with its reason) runs once, on that engine.
Every other test runs on SQLite only, unless ENGAGE_TEST_BOTH_ENGINES=1 asks for every test with
an app or a store to run on both. PostgreSQL is one throwaway server for the whole run,
started when the first test needs it; each test gets a fresh database copied from a migrated
template, which takes a few tens of milliseconds.
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
from pathlib import Path

import psycopg
import pytest
from flask.testing import FlaskClient

from engage import create_app, store
from engage.campaigns import create as create_campaign
from engage.store import get_db
from tests.pagecheck import assert_page_ok

ENGINES = ("sqlite", "postgresql")


def pytest_configure(config):
    config.addinivalue_line("markers", "both_engines: run each test on SQLite and PostgreSQL")
    config.addinivalue_line("markers", "sqlite_only(reason): run on SQLite alone, for a reason")
    config.addinivalue_line(
        "markers", "postgresql_only(reason): run on PostgreSQL alone, for a reason"
    )


def pytest_generate_tests(metafunc):
    if "engine" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("postgresql_only") is not None:
        metafunc.parametrize("engine", ["postgresql"])
        return
    everywhere = os.environ.get("ENGAGE_TEST_BOTH_ENGINES") == "1"
    if metafunc.definition.get_closest_marker("both_engines") is None and not everywhere:
        return
    if metafunc.definition.get_closest_marker("sqlite_only") is not None:
        return
    metafunc.parametrize("engine", ENGINES)


@pytest.fixture
def engine() -> str:
    """Return the engine a test's database is on: SQLite unless the test runs on both."""
    return "sqlite"


class PostgresDatabases:
    """The run's PostgreSQL server, started on first use, and fresh migrated databases on it."""

    TEMPLATE = "engage_template"

    def __init__(self) -> None:
        self.server = None
        self.migrated = False
        self.numbers = itertools.count(1)

    def _server(self):
        if self.server is None:
            from tests.pgserver import PgServer

            # Not under pytest's temporary folder: when the tests run as root the server runs as
            # the postgres user, who cannot enter that folder's parents.
            self.server = PgServer(Path(tempfile.mkdtemp(prefix="engage-pg-"))).start()
        return self.server

    def fresh(self) -> str:
        """Return the address of a new database holding the whole, empty schema."""
        server = self._server()
        if not self.migrated:
            server.create_database(self.TEMPLATE)
            store.migrate(server.url(self.TEMPLATE))
            self.migrated = True
        # A file copy of the small template is quicker than WAL_LOG's page-by-page copy.
        name = f"test_{next(self.numbers)}"
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE {self.TEMPLATE} STRATEGY FILE_COPY')
        return server.url(name)

    def empty(self) -> str:
        """Return the address of a new database with no tables at all."""
        return self._server().create_database(f"empty_{next(self.numbers)}")

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


@pytest.fixture(scope="session")
def postgres_databases():
    databases = PostgresDatabases()
    yield databases
    databases.stop()


@pytest.fixture
def database_url(engine, request) -> str | None:
    """Return the test's PostgreSQL address, or None on SQLite (the instance folder's file)."""
    if engine == "sqlite":
        yield None
        return
    yield request.getfixturevalue("postgres_databases").fresh()
    # The test's connections close before its database is left behind.
    store.forget_connections()


@pytest.fixture
def database_address(database_url, tmp_path) -> str:
    """Return where a test's own store lives: its PostgreSQL database, or a SQLite file."""
    return database_url or str(tmp_path / "engage.db")


class CheckedClient(FlaskClient):
    """A test client whose every HTML GET must pass the page check."""

    def get(self, *args, **kwargs):
        response = super().get(*args, **kwargs)
        if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
            assert_page_ok(response.get_data(as_text=True), response.request.path)
        return response


@pytest.fixture
def app(tmp_path: Path, database_url):
    settings = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "LIGHT_PASSWORD_HASHING": True,
    }
    if database_url:
        settings["DATABASE_URL"] = database_url
    return create_app(settings)


@pytest.fixture
def client(app) -> CheckedClient:
    app.test_client_class = CheckedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_campaign(app):
    """Create a campaign and return its row."""

    def make(**options) -> dict:
        options.setdefault("framework_id", "cqc-la")
        options.setdefault("statement_ids", ["QS1", "QS7"])
        options.setdefault("title", "How is your support?")
        with app.app_context():
            return create_campaign(get_db(), **options)

    return make


def another_server(app):
    """Return a second app on the same instance and database: another server process."""
    settings = {"TESTING": True, "INSTANCE_PATH": app.instance_path}
    if app.config.get("DATABASE_URL"):
        settings["DATABASE_URL"] = app.config["DATABASE_URL"]
    return create_app(settings)


def table_names(db) -> list[str]:
    """Return the names of the store's tables, on either engine (not the engine's own)."""
    if db.engine == "postgresql":
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    return [row[0] for row in db.execute(sql)]


def csrf_token(html: str) -> str:
    """Return the CSRF token a page's forms carry."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


# Not a famous passphrase: those are refused as too easy to guess.
STAFF_PASSWORD = "a quiet morning by the canal"


@pytest.fixture
def make_user(app):
    """Create a staff account and return its row."""

    def make(role: str = "lead", email: str | None = None, name: str | None = None) -> dict:
        from engage import store
        from engage.auth import hash_password

        with app.app_context():
            db = get_db()
            user_id = store.staff.create_user(
                db,
                email=email or f"{role}-{store.staff.count_users(db) + 1}@example.org",
                name=name or f"Test {role}",
                role=role,
                password_hash=hash_password(STAFF_PASSWORD),
            )
            return store.staff.user_by_id(db, user_id)

    return make


def sign_in(client, user: dict, password: str = STAFF_PASSWORD):
    """Sign a staff member in through the real form."""
    page = client.get("/staff/sign-in").get_data(as_text=True)
    return client.post(
        "/staff/sign-in",
        data={"email": user["email"], "password": password, "csrf_token": csrf_token(page)},
    )


@pytest.fixture
def staff_client(app, make_user):
    """Return a checked client signed in with the role asked for."""

    def signed_in(role: str = "lead"):
        app.test_client_class = CheckedClient
        client = app.test_client()
        user = make_user(role)
        response = sign_in(client, user)
        assert response.status_code == 302
        client.user = user
        return client

    return signed_in
