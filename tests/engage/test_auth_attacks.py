"""The attacks issue #15 found, each tried again against the real app and its SQLite file.

Bursts are real parallel requests: one test client per thread, all on the same database
file, released together by a barrier, so the limits are tested the way an attacker meets them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import tarfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from engage import create_app, store
from engage.store import get_db
from tests.conftest import STAFF_PASSWORD, csrf_token, sign_in
from tests.engage.journey import Respondent, follow_resume_link

ROOT = Path(__file__).resolve().parents[2]
COOKIE = "engage_session"
PIN = "4725"
BURST = 12


def _burst(clients: list, send) -> list[int]:
    """Send one request from every client at the same moment; return the statuses."""
    barrier = threading.Barrier(len(clients))
    statuses: list[int | None] = [None] * len(clients)

    def run(index: int, client) -> None:
        barrier.wait()
        statuses[index] = send(client).status_code

    threads = [threading.Thread(target=run, args=(n, client)) for n, client in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


def _copy(app, client):
    """Return a new client holding a copy of another's session cookie (a stolen cookie)."""
    copy = app.test_client()
    copy.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return copy


def _audit(app, action: str) -> list[dict]:
    with app.app_context():
        return [e for e in store.staff.audit_entries(get_db(), limit=1000) if e["action"] == action]


@pytest.fixture
def slow_app(tmp_path, database_url):
    """An app with the real (slow) password hashing, which is what opens the race."""
    settings = {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "slow")}
    if database_url:
        settings["DATABASE_URL"] = database_url
    return create_app(settings)


# --- rate-limit races: on both engines, since each holds the limit its own way ---


@pytest.mark.both_engines
def test_a_burst_of_sign_ins_verifies_no_more_than_the_limit(slow_app):
    from engage import store
    from engage.auth import hash_password

    with slow_app.app_context():
        store.staff.create_user(
            get_db(),
            email="lead@example.org",
            name="Lead",
            role="lead",
            password_hash=hash_password(STAFF_PASSWORD),
        )
    clients = [slow_app.test_client() for _ in range(BURST)]
    tokens = [csrf_token(c.get("/staff/sign-in").get_data(as_text=True)) for c in clients]
    by_client = dict(zip(map(id, clients), tokens, strict=True))
    statuses = _burst(
        clients,
        lambda c: c.post(
            "/staff/sign-in",
            data={"email": "lead@example.org", "password": "guess", "csrf_token": by_client[id(c)]},
        ),
    )
    # 400 means the guess was checked against the hash; 429 means it was refused unchecked.
    assert statuses.count(400) <= 5, statuses
    assert statuses.count(400) + statuses.count(429) == BURST
    # The right password, straight after the burst, is refused too.
    late = slow_app.test_client()
    late_token = csrf_token(late.get("/staff/sign-in").get_data(as_text=True))
    response = late.post(
        "/staff/sign-in",
        data={"email": "lead@example.org", "password": STAFF_PASSWORD, "csrf_token": late_token},
    )
    assert response.status_code == 429
    # The burst is on record, once.
    reached = _audit(slow_app, "attempts_limit_reached")
    assert [e["subject"] for e in reached] == ["sign_in:account:lead@example.org"]


def _hand_over(client, campaign) -> None:
    token = csrf_token(client.get("/staff/pin").get_data(as_text=True))
    client.post("/staff/pin", data={"pin": PIN, "pin_again": PIN, "csrf_token": token})
    token = csrf_token(client.get("/staff/assist/").get_data(as_text=True))
    client.post(
        "/staff/assist/",
        data={"campaign": campaign["code"], "help": "reading_out", "csrf_token": token},
    )


def _post_pin(client, pin: str):
    token = csrf_token(client.get("/staff/take-back").get_data(as_text=True))
    return client.post("/staff/take-back", data={"pin": pin, "csrf_token": token})


@pytest.mark.both_engines
def test_a_burst_of_pins_verifies_no_more_than_the_limit(app, staff_client, make_campaign):
    campaign = make_campaign(statement_ids=["QS1"])
    tablet = staff_client("supporter")
    _hand_over(tablet, campaign)
    clients = [_copy(app, tablet) for _ in range(BURST)]
    tokens = {id(c): csrf_token(c.get("/staff/take-back").get_data(as_text=True)) for c in clients}
    statuses = _burst(
        clients,
        lambda c: c.post("/staff/take-back", data={"pin": "0000", "csrf_token": tokens[id(c)]}),
    )
    # Three wrong PINs on one hand-over, then only the password will do.
    assert statuses.count(400) <= 3, statuses
    assert statuses.count(400) + statuses.count(429) == BURST
    assert _post_pin(tablet, PIN).status_code == 429
    assert tablet.get("/staff/").status_code == 302


@pytest.mark.both_engines
def test_a_burst_of_resume_codes_checks_no_more_than_the_limit(app, client, make_campaign):
    campaign = make_campaign()
    person = Respondent(client, campaign["code"])
    person.start()
    with app.app_context():
        code = get_db().execute("SELECT resume_code FROM respondent_sessions").fetchone()[0]
    guesser = app.test_client()
    token = csrf_token(guesser.get(f"/s/{campaign['code']}/resume").get_data(as_text=True))
    # One wrong code gives the guesser's browser its cookie; the burst shares that cookie.
    first = guesser.post(
        f"/s/{campaign['code']}/resume", data={"resume_code": "ZZZZZZZZ", "csrf_token": token}
    )
    assert first.status_code == 404
    clients = [_copy(app, guesser) for _ in range(BURST)]
    statuses = _burst(
        clients,
        lambda c: c.post(
            f"/s/{campaign['code']}/resume", data={"resume_code": "YYYYYYYY", "csrf_token": token}
        ),
    )
    assert statuses.count(404) <= 9, statuses
    assert statuses.count(404) + statuses.count(429) == BURST
    right = guesser.post(
        f"/s/{campaign['code']}/resume", data={"resume_code": code, "csrf_token": token}
    )
    assert right.status_code == 429


# --- whole places locked out ---


def test_wrong_resume_codes_from_one_address_do_not_lock_out_other_people(
    app, client, make_campaign
):
    campaign = make_campaign()
    Respondent(client, campaign["code"]).start()
    with app.app_context():
        code = get_db().execute("SELECT resume_code FROM respondent_sessions").fetchone()[0]
    guesser = app.test_client()
    for _ in range(11):
        follow_resume_link(guesser, f"/s/{campaign['code']}/resume/ZZZZZZZZ")
    assert follow_resume_link(guesser, f"/s/{campaign['code']}/resume/ZZZZZZZZ").status_code == 429
    # Someone else in the same building (same address) still gets back in.
    neighbour = app.test_client()
    assert follow_resume_link(neighbour, f"/s/{campaign['code']}/resume/{code}").status_code == 302


# --- sign-out revokes; a signing key alone forges nothing ---


def test_a_cookie_copied_before_sign_out_opens_nothing_after(app, staff_client):
    lead = staff_client("lead")
    stolen = _copy(app, lead)
    assert stolen.get("/staff/safeguarding/").status_code == 200
    token = csrf_token(lead.get("/staff/").get_data(as_text=True))
    lead.post("/staff/sign-out", data={"csrf_token": token})
    for path in ("/staff/", "/staff/safeguarding/", "/staff/audit"):
        assert stolen.get(path).status_code == 302, path


def test_a_cookie_signed_with_the_key_but_no_session_row_is_refused(app, staff_client):
    lead = staff_client("lead")
    serializer = app.session_interface.get_signing_serializer(app)
    forged = app.test_client()
    for held in (
        {"staff": {"token": "made-up"}},
        {"staff": {"id": lead.user["id"], "gen": 0, "seen": time.time()}},
    ):
        forged.set_cookie(COOKIE, serializer.dumps(held))
        assert forged.get("/staff/").status_code == 302


# --- the tablet hand-over ---


def test_a_hand_over_cookie_copy_is_dead_after_take_back(app, staff_client, make_campaign):
    campaign = make_campaign()
    tablet = staff_client("supporter")
    _hand_over(tablet, campaign)
    copy = _copy(app, tablet)
    assert _post_pin(tablet, PIN).status_code == 302
    response = copy.post("/staff/take-back", data={"pin": PIN})
    assert response.status_code in (400, 410)
    assert copy.get("/staff/take-back").status_code in (404, 410)
    assert copy.get("/staff/").status_code == 302


def test_a_hand_over_is_recorded_with_who_and_which_session(app, staff_client, make_campaign):
    campaign = make_campaign()
    tablet = staff_client("supporter")
    _hand_over(tablet, campaign)
    Respondent(tablet, campaign["code"]).consent()
    with app.app_context():
        [row] = get_db().execute("SELECT * FROM assist_handovers").fetchall()
        [person] = get_db().execute("SELECT id FROM respondent_sessions").fetchall()
    assert row["supporter_id"] == tablet.user["id"]
    assert row["respondent_session_id"] == person["id"]
    assert row["taken_back_at"] is None
    # A few hours, not the cookie's 31 days.
    assert row["expires_at"] - row["created_at"] == 4 * 60 * 60
    assert _post_pin(tablet, PIN).status_code == 302
    with app.app_context():
        assert get_db().execute("SELECT taken_back_at FROM assist_handovers").fetchone()[0]


def test_a_hand_over_expires(app, staff_client, make_campaign):
    campaign = make_campaign()
    tablet = staff_client("supporter")
    _hand_over(tablet, campaign)
    with app.app_context():
        get_db().execute("UPDATE assist_handovers SET expires_at = expires_at - 5 * 60 * 60")
    page = tablet.get("/staff/take-back")
    assert page.status_code == 410
    assert "This hand-over has ended" in page.get_data(as_text=True)
    assert tablet.get("/staff/").status_code == 302


# --- invitations ---


def _post(client, path: str, data: dict):
    token = csrf_token(client.get("/staff/sign-in").get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def _invite(lead, email: str, role: str = "lead") -> str:
    page = _post(lead, "/staff/users/invite", {"email": email, "role": role})
    return re.search(r"(/staff/invitation/[^<]+)</code>", page.get_data(as_text=True)).group(1)


GOOD_PASSWORD = "a perfectly long password"


def _accept(client, path: str, password: str = GOOD_PASSWORD):
    page = client.get(path)
    if page.status_code != 200:
        return page
    return client.post(
        path,
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "name": "New Person",
            "password": password,
            "password_again": password,
        },
    )


def _accounts(app) -> int:
    with app.app_context():
        return store.staff.count_users(get_db())


def test_a_lead_cancels_an_invitation_from_the_users_page(app, staff_client):
    lead = staff_client("lead")
    path = _invite(lead, "new.lead@example.org")
    page = lead.get("/staff/users").get_data(as_text=True)
    [action] = re.findall(r'action="(/staff/users/invitations/\d+/revoke)"', page)
    assert _post(lead, action, {}).status_code == 302
    assert "new.lead@example.org" not in lead.get("/staff/users").get_data(as_text=True)
    before = _accounts(app)
    assert _accept(app.test_client(), path).status_code == 404
    assert _accounts(app) == before
    assert _audit(app, "revoke_invitation")[0]["subject"] == "new.lead@example.org"


@pytest.mark.parametrize("loses", ["deactivated", "demoted"])
def test_an_invitation_dies_with_its_leads_access(app, staff_client, make_user, loses):
    inviter = staff_client("lead")
    other_lead = staff_client("lead")
    path = _invite(inviter, "new.lead@example.org")
    page = app.test_client()
    form = page.get(path)
    assert form.status_code == 200
    if loses == "deactivated":
        _post(other_lead, f"/staff/users/{inviter.user['id']}/active", {"active": "0"})
    else:
        _post(other_lead, f"/staff/users/{inviter.user['id']}/role", {"role": "supporter"})
    before = _accounts(app)
    # Even a form opened before the lead lost access makes no account.
    response = page.post(
        path,
        data={
            "csrf_token": csrf_token(form.get_data(as_text=True)),
            "name": "New Person",
            "password": "a perfectly long password",
            "password_again": "a perfectly long password",
        },
    )
    assert response.status_code == 404
    assert _accounts(app) == before
    # Reactivating or promoting the lead again does not bring the invitation back.
    if loses == "deactivated":
        _post(other_lead, f"/staff/users/{inviter.user['id']}/active", {"active": "1"})
    else:
        _post(other_lead, f"/staff/users/{inviter.user['id']}/role", {"role": "lead"})
    assert _accept(app.test_client(), path).status_code == 404


# --- passwords ---


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "Password!2024",
        "qwertyuiop123",
        "123456789012",
        "aaaaaaaaaaaaaaaa",
        "correct horse battery staple",
        "NewPerson2024!",
        "new.lead1990!!",
    ],
)
def test_weak_and_personal_passwords_are_refused(app, staff_client, password):
    lead = staff_client("lead")
    path = _invite(lead, "new.lead@example.org")
    before = _accounts(app)
    response = _accept(app.test_client(), path, password)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "too easy to guess" in text or "your name or email" in text
    assert password not in text
    assert _accounts(app) == before


def test_a_passphrase_is_accepted(app, staff_client):
    lead = staff_client("lead")
    path = _invite(lead, "new.lead@example.org")
    assert _accept(app.test_client(), path, "kettle on the windowsill").status_code == 302


def _change(client, current: str, new: str, again: str | None = None):
    token = csrf_token(client.get("/staff/password").get_data(as_text=True))
    return client.post(
        "/staff/password",
        data={
            "csrf_token": token,
            "current_password": current,
            "new_password": new,
            "new_password_again": new if again is None else again,
        },
    )


@pytest.mark.parametrize("role", ["lead", "supporter", "advocate"])
def test_every_member_of_staff_changes_their_password(app, staff_client, role):
    client = staff_client(role)
    laptop = app.test_client()
    sign_in(laptop, client.user)
    new = "seven blue herons at dusk"
    response = _change(client, STAFF_PASSWORD, new)
    assert response.status_code == 302
    assert "Your new password is saved" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    # This browser stays signed in; every other session of the account ends.
    assert client.get("/staff/").status_code == 200
    assert laptop.get("/staff/").status_code == 302
    fresh = app.test_client()
    assert sign_in(fresh, client.user).status_code == 400
    assert sign_in(fresh, client.user, password=new).status_code == 302
    assert _audit(app, "change_password")


@pytest.mark.parametrize(
    ("current", "new", "again", "field_error"),
    [
        ("not my password", "seven blue herons at dusk", None, "Your current password is wrong."),
        (STAFF_PASSWORD, "short", None, "Use at least 12 characters."),
        (STAFF_PASSWORD, "seven blue herons at dusk", "seven blue herons", "are not the same"),
        (STAFF_PASSWORD, "password12345", None, "too easy to guess"),
    ],
)
def test_a_refused_password_change_keeps_nothing_secret(
    app, staff_client, current, new, again, field_error
):
    client = staff_client("supporter")
    with app.app_context():
        before = store.staff.user_by_id(get_db(), client.user["id"])["password_hash"]
    response = _change(client, current, new, again)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "error-summary" in text
    assert field_error in text
    for secret in {current, new, again or new}:
        assert f'value="{secret}"' not in text
    with app.app_context():
        assert store.staff.user_by_id(get_db(), client.user["id"])["password_hash"] == before


# --- files readable by the owner only ---


def _engage(instance, *args: str) -> subprocess.CompletedProcess:
    """Run the real `engage` command in a new process started with a loose umask."""
    env = {**os.environ, "ENGAGE_INSTANCE": str(instance), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", "from engage.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=lambda: os.umask(0o022),
    )


def _modes(folder) -> dict[str, int]:
    found = {}
    for root, folders, files in os.walk(folder):
        for name in folders + files:
            path = os.path.join(root, name)
            found[os.path.relpath(path, folder)] = stat.S_IMODE(os.lstat(path).st_mode)
    return found


def test_an_old_world_readable_instance_is_made_private_at_start(tmp_path):
    instance = tmp_path / "old"
    (instance / "media" / "ab").mkdir(parents=True)
    (instance / "media" / "ab" / "abcdef.png").write_bytes(b"picture")
    (instance / "secret_key").write_text("0" * 64)
    for path in (instance, instance / "media", instance / "media" / "ab"):
        path.chmod(0o755)
    for path in (instance / "media" / "ab" / "abcdef.png", instance / "secret_key"):
        path.chmod(0o644)
    create_app({"TESTING": True, "INSTANCE_PATH": str(instance)})
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    modes = _modes(instance)
    assert "engage.db" in modes
    assert {name: mode for name, mode in modes.items() if mode not in (0o600, 0o700)} == {}


def test_the_cli_writes_backups_and_exports_for_the_owner_only(tmp_path):
    from engage.campaigns import create as create_campaign

    instance = tmp_path / "cli"
    with create_app({"TESTING": True, "INSTANCE_PATH": str(instance)}).app_context():
        create_campaign(get_db(), framework_id="cqc-la", statement_ids=["QS1"], title="Ours")
    archive = tmp_path / "backup.tar.gz"
    done = _engage(instance, "backup", str(archive))
    assert done.returncode == 0, done.stderr
    export = tmp_path / "evidence.json"
    with sqlite3.connect(instance / "engage.db") as db:
        code = db.execute("SELECT code FROM campaigns").fetchone()[0]
    done = _engage(instance, "export", code, "--format", "json", "-o", str(export))
    assert done.returncode == 0, done.stderr
    for path in (archive, export):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    modes = _modes(instance)
    assert {"engage.db", "engage.db-wal", "secret_key"} <= modes.keys()
    assert {name: mode for name, mode in modes.items() if mode not in (0o600, 0o700)} == {}
    # The signing key stays out of the backup.
    with tarfile.open(archive) as opened:
        assert "secret_key" not in opened.getnames()


def test_a_restore_keeps_the_instances_own_signing_key(tmp_path):
    from engage.store.backup import create_backup, restore_backup

    instance = tmp_path / "keyed"
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance)})
    key = (instance / "secret_key").read_text()
    archive = tmp_path / "backup.tar.gz"
    create_backup(instance / "engage.db", instance, archive)
    # An archive made before keys were left out still carries one: it is not restored.
    old = tmp_path / "old.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(old, "w:gz") as target:
        for member in source.getmembers():
            target.addfile(member, source.extractfile(member))
        stale = tmp_path / "stale_key"
        stale.write_text("f" * 64)
        target.add(stale, arcname="secret_key")
    restore_backup(old, instance / "engage.db", instance)
    assert (instance / "secret_key").read_text() == key
    assert app.config["SECRET_KEY"] == key


# --- access logs ---

SECRET_TARGETS = (
    "/staff/invitation/InvitationSecret123",
    "/s/{code}/resume/RESUMESECRET",
    "/search?q=my+uncle+hits+me",
    "/staff/sign-in?next=/staff/campaigns/secretnext/",
)
SECRETS = ("InvitationSecret123", "RESUMESECRET", "uncle", "secretnext")


def _request_all(base: str, code: str) -> None:
    for target in SECRET_TARGETS:
        # A refusal is logged all the same.
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(base + target.format(code=code), timeout=10).close()  # noqa: S310


def test_gunicorn_access_log_leaves_out_tokens_codes_and_search_terms(tmp_path, make_campaign):
    from benchmarks.server import ENGAGE, free_port

    instance = tmp_path / "served"
    with create_app({"TESTING": True, "INSTANCE_PATH": str(instance)}).app_context():
        from engage.campaigns import create as create_campaign

        code = create_campaign(
            get_db(), framework_id="cqc-la", statement_ids=["QS1"], title="Logged"
        )["code"]
    port = free_port()
    log = tmp_path / "access.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(  # noqa: S603 - fixed argv built here
            [ENGAGE, "serve", "--port", str(port), "--workers", "1"],
            env={
                **os.environ,
                "ENGAGE_INSTANCE": str(instance),
                "ENGAGE_NARRATION_PRERENDER": "false",
                "PYTHONPATH": str(ROOT),
            },
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=2).close()  # noqa: S310
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, log.read_text()
                time.sleep(0.2)
        _request_all(base, code)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=30)
    text = log.read_text()
    assert "/staff/invitation/[hidden]" in text
    assert f"/s/{code}/resume/[hidden]" in text
    assert "/search?[hidden]" in text
    for secret in SECRETS:
        assert secret not in text


def test_development_server_log_leaves_out_tokens_codes_and_search_terms(
    app, make_campaign, caplog
):
    code = make_campaign()["code"]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            _request_all(f"http://127.0.0.1:{server.server_port}", code)
    finally:
        server.shutdown()
        thread.join(10)
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "/staff/invitation/[hidden]" in text
    for secret in SECRETS:
        assert secret not in text
