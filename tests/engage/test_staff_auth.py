"""Staff sign-in, idle time-out, sign out everywhere, rate limits and the audit log."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from engage.store import get_db
from tests.conftest import STAFF_PASSWORD, csrf_token, sign_in

pytestmark = pytest.mark.both_engines


def test_sign_in_and_out(client, make_user, app):
    user = make_user("lead")
    response = sign_in(client, user)
    assert response.headers["Location"] == "/staff/"
    page = client.get("/staff/").get_data(as_text=True)
    assert "Test lead (Lead)" in page
    response = client.post("/staff/sign-out", data={"csrf_token": csrf_token(page)})
    assert response.headers["Location"] == "/staff/sign-in"
    assert client.get("/staff/").headers["Location"].startswith("/staff/sign-in")
    with app.app_context():
        actions = [r[0] for r in get_db().execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["sign_in", "sign_out"]


def test_passwords_are_stored_as_argon2id(make_user, app):
    user = make_user()
    assert user["password_hash"].startswith("$argon2id$")
    assert STAFF_PASSWORD not in user["password_hash"]


def test_outside_the_tests_passwords_use_the_strong_profile(tmp_path):
    from engage import create_app
    from engage.auth import hash_password

    app = create_app({"INSTANCE_PATH": str(tmp_path / "strong")})
    with app.app_context():
        assert hash_password("a long enough password").startswith("$argon2id$v=19$m=65536,t=3")


def test_wrong_password_is_refused_with_a_clear_message(client, make_user):
    user = make_user()
    response = sign_in(client, user, password="not the password")
    assert response.status_code == 400
    assert "The email address or password is wrong." in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_sign_in_is_rate_limited_per_account(client, make_user):
    user = make_user()
    for _ in range(5):
        assert sign_in(client, user, password="wrong").status_code == 400
    response = sign_in(client, user)
    assert response.status_code == 429
    assert "Too many tries" in response.get_data(as_text=True)


def test_wrong_sign_ins_from_one_address_do_not_lock_out_colleagues(app, make_user):
    # Behind a proxy every member of staff has the same address: 20 wrong sign-ins from
    # other browsers there must not stop a colleague who knows their password.
    users = [make_user(email=f"person{n}@example.org") for n in range(21)]
    for user in users[:20]:
        sign_in(app.test_client(), user, password="wrong")
    assert sign_in(app.test_client(), users[20]).status_code == 302


def test_one_browser_is_limited_across_accounts(client, make_user):
    users = [make_user(email=f"person{n}@example.org") for n in range(11)]
    for user in users[:10]:
        assert sign_in(client, user, password="wrong").status_code == 400
    assert sign_in(client, users[10]).status_code == 429


def test_an_address_has_a_high_ceiling(app, make_user, monkeypatch):
    from engage import attempts

    monkeypatch.setattr(attempts, "ADDRESS_CEILING", ((8, 15 * 60),))
    users = [make_user(email=f"person{n}@example.org") for n in range(9)]
    for user in users[:8]:
        assert sign_in(app.test_client(), user, password="wrong").status_code == 400
    assert sign_in(app.test_client(), users[8]).status_code == 429


def test_next_never_leaves_the_staff_pages(client, make_user):
    user = make_user()
    page = client.get("/staff/sign-in?next=//evil.example/").get_data(as_text=True)
    response = client.post(
        "/staff/sign-in?next=//evil.example/",
        data={"email": user["email"], "password": STAFF_PASSWORD, "csrf_token": csrf_token(page)},
    )
    assert response.headers["Location"] == "/staff/"


def _idle_for(app, seconds: int) -> None:
    """Move every staff session's last activity back, as if nobody did anything."""
    with app.app_context():
        get_db().execute("UPDATE staff_sessions SET seen_at = seen_at - ?", [seconds])


def test_idle_session_times_out(app, staff_client):
    client = staff_client("lead")
    assert client.get("/staff/").status_code == 200
    _idle_for(app, 21 * 60)
    assert client.get("/staff/").status_code == 302
    # The server ended it: coming back is no use, even with the same cookie.
    _idle_for(app, -21 * 60)
    assert client.get("/staff/").status_code == 302


def test_session_status_does_not_count_as_activity(app, staff_client):
    client = staff_client("lead")
    _idle_for(app, 19 * 60)
    remaining = client.get("/staff/session").get_json()["remaining"]
    assert 0 < remaining <= 60
    assert client.get("/staff/session").get_json()["remaining"] <= remaining


def test_stay_signed_in_resets_the_timer(app, staff_client):
    client = staff_client("lead")
    _idle_for(app, 19 * 60)
    token = csrf_token(client.get("/staff/sign-in").get_data(as_text=True))
    response = client.post(
        "/staff/stay-signed-in", headers={"Accept": "application/json", "X-CSRFToken": token}
    )
    assert response.get_json()["remaining"] == 20 * 60
    assert client.get("/staff/session").get_json()["remaining"] > 19 * 60


def test_sign_out_everywhere_ends_other_sessions(app, make_user):
    user = make_user()
    laptop, tablet = app.test_client(), app.test_client()
    sign_in(laptop, user)
    sign_in(tablet, user)
    page = laptop.get("/staff/").get_data(as_text=True)
    laptop.post("/staff/sign-out-everywhere", data={"csrf_token": csrf_token(page)})
    assert tablet.get("/staff/").status_code == 302
    assert laptop.get("/staff/").status_code == 302


def test_session_cookie_flags(app, make_user):
    client = app.test_client()
    response = sign_in(client, make_user())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_cookie_is_secure_when_published_on_https(tmp_path):
    from engage import create_app

    app = create_app(
        {"INSTANCE_PATH": str(tmp_path / "i"), "BASE_URL": "https://engage.example.gov.uk"}
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_audit_log_can_only_be_appended_to(app, staff_client):
    staff_client("lead")
    with app.app_context():
        db = get_db()
        refused = (sqlite3.IntegrityError, psycopg.IntegrityError)
        with pytest.raises(refused, match="only be appended"):
            db.execute("UPDATE audit_log SET action = 'x'")
        with pytest.raises(refused, match="only be appended"):
            db.execute("DELETE FROM audit_log")


def test_leads_see_the_audit_log(staff_client):
    client = staff_client("lead")
    page = client.get("/staff/audit").get_data(as_text=True)
    assert "Signed in" in page and "sign_in" not in page.replace("sign-in", "")


def test_user_create_command(runner, app):
    result = runner.invoke(
        args=[
            "user",
            "create",
            "--role",
            "lead",
            "--email",
            "lead@example.org",
            "--name",
            "Lee",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    client = app.test_client()
    response = sign_in(client, {"email": "lead@example.org"}, password="a long enough password")
    assert response.status_code == 302
    short = runner.invoke(
        args=["user", "create", "--email", "b@example.org", "--name", "B", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code != 0
    assert "at least 12" in short.output
