"""The attacks issue #15 found, each tried again against the real app and its SQLite file.

Bursts are real parallel requests: one test client per thread, all on the same database
file, released together by a barrier, so the limits are tested the way an attacker meets them.
"""

from __future__ import annotations

import threading
import time

import pytest

from engage import create_app
from engage.store import get_db, reads
from tests.conftest import STAFF_PASSWORD, csrf_token, sign_in
from tests.engage.journey import Respondent

COOKIE = "engage_session"
PIN = "4725"
BURST = 16


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
        return [e for e in reads.audit_entries(get_db(), limit=1000) if e["action"] == action]


@pytest.fixture
def slow_app(tmp_path):
    """An app with the real (slow) password hashing, which is what opens the race."""
    return create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "slow")})


# --- rate-limit races ---


def test_a_burst_of_sign_ins_verifies_no_more_than_the_limit(slow_app, make_user):
    from engage.auth import hash_password
    from engage.store import writes

    with slow_app.app_context():
        user_id = writes.create_user(
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
    assert user_id


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


def test_a_burst_of_pins_verifies_no_more_than_the_limit(slow_app, make_campaign):
    from engage.auth import hash_password
    from engage.store import writes

    with slow_app.app_context():
        writes.create_user(
            get_db(),
            email="supporter@example.org",
            name="Supporter",
            role="supporter",
            password_hash=hash_password(STAFF_PASSWORD),
        )
        from engage.campaigns import create as create_campaign

        campaign = create_campaign(
            get_db(), framework_id="cqc-la", statement_ids=["QS1"], title="How is it?"
        )
    tablet = slow_app.test_client()
    sign_in(tablet, {"email": "supporter@example.org"})
    _hand_over(tablet, campaign)
    clients = [_copy(slow_app, tablet) for _ in range(BURST)]
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
        guesser.get(f"/s/{campaign['code']}/resume/ZZZZZZZZ")
    assert guesser.get(f"/s/{campaign['code']}/resume/ZZZZZZZZ").status_code == 429
    # Someone else in the same building (same address) still gets back in.
    neighbour = app.test_client()
    assert neighbour.get(f"/s/{campaign['code']}/resume/{code}").status_code == 302


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
