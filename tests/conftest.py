"""Fixtures shared by every test: an app on a temporary instance, and checked clients."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from engage import create_app
from engage.campaigns import create as create_campaign
from engage.store import get_db
from tests.pagecheck import assert_page_ok


class CheckedClient(FlaskClient):
    """A test client whose every HTML GET must pass the page check."""

    def get(self, *args, **kwargs):
        response = super().get(*args, **kwargs)
        if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
            assert_page_ok(response.get_data(as_text=True), response.request.path)
        return response


@pytest.fixture
def app(tmp_path: Path):
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "LIGHT_PASSWORD_HASHING": True,
        }
    )
    return app


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
