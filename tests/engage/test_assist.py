"""Assisted answering: start, hand over, take back with a PIN or by signing in."""

from __future__ import annotations

import pytest

from engage import store
from engage.store import get_db
from tests.conftest import STAFF_PASSWORD, csrf_token, sign_in
from tests.engage.journey import Respondent

PIN = "4725"


@pytest.fixture
def campaign(make_campaign):
    return make_campaign()


def _token(client) -> str:
    return csrf_token(client.get("/staff/sign-in").get_data(as_text=True))


def _set_pin(client, pin: str = PIN, again: str | None = None):
    token = csrf_token(client.get("/staff/pin").get_data(as_text=True))
    return client.post(
        "/staff/pin",
        data={"pin": pin, "pin_again": pin if again is None else again, "csrf_token": token},
    )


def _start(client, campaign, help_value="writing_down"):
    token = csrf_token(client.get("/staff/assist/").get_data(as_text=True))
    return client.post(
        "/staff/assist/",
        data={"campaign": campaign["code"], "help": help_value, "csrf_token": token},
    )


def _take_back(client, pin: str):
    token = csrf_token(client.get("/staff/take-back").get_data(as_text=True))
    return client.post("/staff/take-back", data={"pin": pin, "csrf_token": token})


def _sessions(app) -> list[dict]:
    with app.app_context():
        return [dict(r) for r in get_db().execute("SELECT * FROM respondent_sessions ORDER BY id")]


def _answers(app) -> list[dict]:
    with app.app_context():
        return [dict(r) for r in get_db().execute("SELECT * FROM answers ORDER BY id")]


def _question_ids(app, campaign) -> list[str]:
    with app.app_context():
        return [
            q["question_id"] for q in store.campaigns.campaign_questions(get_db(), campaign["id"])
        ]


@pytest.mark.parametrize(
    ("pin", "again", "message"),
    [
        ("12a4", None, "Use 4 to 8 digits"),
        ("123", None, "Use 4 to 8 digits"),
        ("123456789", None, "Use 4 to 8 digits"),
        ("1234", None, "harder to guess"),
        ("7777", None, "harder to guess"),
        ("4725", "4726", "The two PINs are not the same."),
    ],
)
def test_a_bad_pin_is_refused(staff_client, app, pin, again, message):
    client = staff_client("supporter")
    response = _set_pin(client, pin, again)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert reads_pin(app, client.user["id"]) is None


def reads_pin(app, user_id):
    with app.app_context():
        return store.staff.user_by_id(get_db(), user_id)["pin_hash"]


def test_a_pin_is_stored_as_argon2id(staff_client, app):
    client = staff_client("supporter")
    response = _set_pin(client)
    assert response.status_code == 302
    stored = reads_pin(app, client.user["id"])
    assert stored.startswith("$argon2id$")
    assert PIN not in stored
    assert "Your PIN is saved." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_whole_hand_over_and_take_back(staff_client, app, campaign):
    client = staff_client("supporter")
    _set_pin(client)
    response = _start(client, campaign)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/s/{campaign['code']}/"
    # The tablet holds no staff session now: respondent pages show and reach nothing staff.
    assert client.get("/staff/").status_code == 302
    assert client.get("/staff/assist/").status_code == 302
    welcome = client.get(f"/s/{campaign['code']}/").get_data(as_text=True)
    for staff_text in ("Sign out", "Test supporter", "Help someone answer", "/staff/"):
        assert staff_text not in welcome
    person = Respondent(client, campaign["code"])
    assert person.consent().status_code == 302
    [session] = _sessions(app)
    assert session["supporter_id"] == client.user["id"]
    assert (session["answered_how"], session["help_detail"]) == ("helped", "writing_down")
    who = client.get(f"/s/{campaign['code']}/who").get_data(as_text=True)
    assert 'name="answered_how"' not in who
    assert "Someone is helping me." in who
    # A posted "on my own" cannot undo what the supporter recorded.
    assert person.who("person", "own").status_code == 302
    assert _sessions(app)[0]["answered_how"] == "helped"
    first = _question_ids(app, campaign)[0]
    person.answer(first, "good", "I like my new flat")
    [answer] = _answers(app)
    assert (answer["answered_how"], answer["supporter_id"]) == ("helped", client.user["id"])
    stop = client.get(f"/s/{campaign['code']}/stop").get_data(as_text=True)
    assert 'href="/staff/take-back"' in stop
    wrong = _take_back(client, "9999")
    assert wrong.status_code == 400
    assert "That PIN is wrong." in wrong.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302
    right = _take_back(client, PIN)
    assert right.status_code == 302
    assert right.headers["Location"] == f"/staff/assist/{session['id']}"
    detail = client.get(right.headers["Location"]).get_data(as_text=True)
    assert "1 of " in detail
    # The person's answers are no longer open on this tablet.
    assert "Carry on where I stopped" not in client.get(f"/s/{campaign['code']}/").get_data(
        as_text=True
    )
    with app.app_context():
        actions = [r[0] for r in get_db().execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["sign_in", "pin_set", "assist_start", "assist_take_back"]


def test_answering_for_someone_is_recorded_as_such(staff_client, app, campaign):
    client = staff_client("supporter")
    _start(client, campaign, "answering_for")
    person = Respondent(client, campaign["code"])
    person.start(group="person")
    person.answer(_question_ids(app, campaign)[0], "ok")
    [session] = _sessions(app)
    assert (session["answered_how"], session["help_detail"]) == ("answered_for", "answering_for")
    assert _answers(app)[0]["answered_how"] == "answered_for"


def test_answers_given_alone_say_so(client, app, campaign):
    person = Respondent(client, campaign["code"])
    person.start(how="own")
    person.answer(_question_ids(app, campaign)[0], "ok")
    [answer] = _answers(app)
    assert (answer["answered_how"], answer["supporter_id"]) == ("own", None)
    person.who("person", "helped", change=True)
    assert _answers(app)[0]["answered_how"] == "helped"


def test_save_answer_keeps_its_old_signature(app, campaign):
    with app.app_context():
        db = get_db()
        consent = {"take_part": True, "quote": False, "media": False}
        session = store.respondents.start_session(db, campaign["id"], consent, "en")
        store.respondents.save_answer(db, session["id"], "q1", "good", "")
        row = db.execute("SELECT answered_how, supporter_id FROM answers").fetchone()
    assert tuple(row) == (None, None)


def test_another_supporters_pin_does_not_take_the_tablet(staff_client, app, make_user, campaign):
    other = make_user("supporter", email="other@example.org")
    other_client = app.test_client()
    sign_in(other_client, other)
    _set_pin(other_client, "8361")
    client = staff_client("supporter")
    _set_pin(client)
    _start(client, campaign)
    Respondent(client, campaign["code"]).consent()
    response = _take_back(client, "8361")
    assert response.status_code == 400
    assert client.get("/staff/").status_code == 302


def test_pin_tries_are_limited(staff_client, campaign):
    client = staff_client("supporter")
    _set_pin(client)
    _start(client, campaign)
    for _ in range(3):
        assert _take_back(client, "0000").status_code == 400
    locked = _take_back(client, PIN)
    assert locked.status_code == 429
    assert "Sign in with your password instead." in locked.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_taking_back_by_signing_in(staff_client, app, campaign, make_user):
    client = staff_client("supporter")
    _start(client, campaign)
    Respondent(client, campaign["code"]).consent()
    # Someone else signing in on the tablet cannot take the person's session.
    other = make_user("supporter", email="someone-else@example.org")
    sign_in(client, other)
    assert client.get("/staff/take-back").status_code == 403
    page = client.get("/staff/sign-in?next=/staff/take-back").get_data(as_text=True)
    response = client.post(
        "/staff/sign-in?next=/staff/take-back",
        data={
            "email": client.user["email"],
            "password": STAFF_PASSWORD,
            "csrf_token": csrf_token(page),
        },
    )
    assert response.headers["Location"] == "/staff/take-back"
    back = client.get("/staff/take-back")
    assert back.status_code == 302
    assert back.headers["Location"] == f"/staff/assist/{_sessions(app)[0]['id']}"


def test_no_pin_set_means_signing_in(staff_client, campaign):
    client = staff_client("supporter")
    _start(client, campaign)
    assert _take_back(client, "4725").status_code == 400


def test_a_supporter_cannot_open_another_supporters_session(staff_client, app, campaign):
    owner = staff_client("supporter")
    _set_pin(owner)
    _start(owner, campaign)
    Respondent(owner, campaign["code"]).consent()
    _take_back(owner, PIN)
    session_id = _sessions(app)[0]["id"]
    intruder = staff_client("supporter")
    assert intruder.get(f"/staff/assist/{session_id}").status_code == 403
    token = _token(intruder)
    assert (
        intruder.post(
            f"/staff/assist/{session_id}/hand-over", data={"csrf_token": token}
        ).status_code
        == 403
    )
    assert (
        intruder.post(f"/staff/assist/{session_id}/finish", data={"csrf_token": token}).status_code
        == 403
    )
    assert _sessions(app)[0]["finished_at"] is None
    assert owner.get(f"/staff/assist/{session_id}").status_code == 200


def test_hand_back_then_finish(staff_client, app, campaign):
    client = staff_client("supporter")
    _set_pin(client)
    _start(client, campaign)
    Respondent(client, campaign["code"]).start()
    _take_back(client, PIN)
    session_id = _sessions(app)[0]["id"]
    token = _token(client)
    response = client.post(f"/staff/assist/{session_id}/hand-over", data={"csrf_token": token})
    assert response.headers["Location"] == f"/s/{campaign['code']}/"
    assert client.get("/staff/").status_code == 302
    assert "Carry on where I stopped" in client.get(f"/s/{campaign['code']}/").get_data(
        as_text=True
    )
    _take_back(client, PIN)
    client.post(f"/staff/assist/{session_id}/finish", data={"csrf_token": _token(client)})
    assert _sessions(app)[0]["finished_at"] is not None
    again = client.post(
        f"/staff/assist/{session_id}/hand-over", data={"csrf_token": _token(client)}
    )
    assert again.status_code == 400


def test_starting_refuses_bad_input(staff_client, app, campaign):
    client = staff_client("supporter")
    page = client.get("/staff/assist/").get_data(as_text=True)
    token = csrf_token(page)
    missing = client.post("/staff/assist/", data={"csrf_token": token})
    assert missing.status_code == 400
    assert "Choose how you are helping." in missing.get_data(as_text=True)
    tampered = client.post(
        "/staff/assist/", data={"campaign": "nope", "help": "reading_out", "csrf_token": token}
    )
    assert tampered.status_code == 400
    odd_help = client.post(
        "/staff/assist/",
        data={"campaign": campaign["code"], "help": "hypnosis", "csrf_token": token},
    )
    assert odd_help.status_code == 400
    no_csrf = client.post(
        "/staff/assist/", data={"campaign": campaign["code"], "help": "reading_out"}
    )
    assert no_csrf.status_code == 400
    # Still signed in: nothing was handed over.
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as session:
        assert "assist" not in session


def test_a_supporter_who_exits_can_still_be_taken_back(staff_client, app, campaign):
    client = staff_client("supporter")
    _set_pin(client)
    _start(client, campaign)
    Respondent(client, campaign["code"]).start()
    client.get("/leave")
    assert client.get(f"/s/{campaign['code']}/").headers["Location"] == app.config["EXIT_URL"]
    assert _take_back(client, PIN).status_code == 302
    session_id = _sessions(app)[0]["id"]
    client.post(f"/staff/assist/{session_id}/hand-over", data={"csrf_token": _token(client)})
    assert client.get(f"/s/{campaign['code']}/").status_code == 200


def test_after_sending_the_supporter_takes_the_tablet_from_the_thank_you_page(
    staff_client, app, campaign
):
    client = staff_client("supporter")
    _set_pin(client)
    _start(client, campaign)
    person = Respondent(client, campaign["code"])
    person.start()
    for question_id in _question_ids(app, campaign):
        person.answer(question_id, "ok")
    person.post("/check", {})
    thanks = client.get(f"/s/{campaign['code']}/thanks").get_data(as_text=True)
    assert 'href="/staff/take-back"' in thanks
    response = _take_back(client, PIN)
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sent at" in detail
    assert "Hand the tablet back" not in detail


def test_the_thank_you_page_offers_no_take_back_without_a_supporter(client, app, campaign):
    person = Respondent(client, campaign["code"])
    person.start()
    person.post("/check", {})
    assert "/staff/take-back" not in client.get(f"/s/{campaign['code']}/thanks").get_data(
        as_text=True
    )


# --- going back into a session (issue 15) ---


def _helped_and_taken_back(client, app, campaign, words: str) -> int:
    _set_pin(client)
    _start(client, campaign)
    person = Respondent(client, campaign["code"])
    person.start()
    person.answer(_question_ids(app, campaign)[0], "not_good", words)
    assert _take_back(client, PIN).status_code == 302
    return _sessions(app)[0]["id"]


def _carry_on(client, session_id: int):
    return client.post(f"/staff/assist/{session_id}/hand-over", data={"csrf_token": _token(client)})


def test_a_supporter_cannot_go_back_into_a_session_later(staff_client, app, campaign):
    client = staff_client("supporter")
    session_id = _helped_and_taken_back(client, app, campaign, "The garden is lovely")
    # Just after taking the tablet back, the supporter can still finish or hand back.
    assert client.get(f"/staff/assist/{session_id}").status_code == 200
    assert f"/staff/assist/{session_id}" in client.get("/staff/assist/").get_data(as_text=True)
    with app.app_context():
        get_db().execute("UPDATE assist_handovers SET taken_back_at = taken_back_at - 31 * 60")
    page = client.get(f"/staff/assist/{session_id}")
    assert page.status_code == 403
    assert "This session cannot be opened now" in page.get_data(as_text=True)
    assert f"/staff/assist/{session_id}" not in client.get("/staff/assist/").get_data(as_text=True)
    assert _carry_on(client, session_id).status_code == 403
    client.post(f"/staff/assist/{session_id}/finish", data={"csrf_token": _token(client)})
    assert _sessions(app)[0]["finished_at"] is None
    # Still signed in, and the person's answers are not open in this browser.
    assert client.get("/staff/").status_code == 200
    welcome = client.get(f"/s/{campaign['code']}/").get_data(as_text=True)
    assert "Carry on where I stopped" not in welcome
    assert "The garden is lovely" not in client.get(f"/s/{campaign['code']}/check").get_data(
        as_text=True
    )


def test_a_hand_over_long_ago_never_taken_back_opens_nothing(staff_client, app, campaign):
    laptop = staff_client("supporter")
    _start(laptop, campaign)
    Respondent(laptop, campaign["code"]).start()
    session_id = _sessions(app)[0]["id"]
    # The same supporter, signed in elsewhere, while the tablet is still with the person.
    elsewhere = app.test_client()
    sign_in(elsewhere, laptop.user)
    assert elsewhere.get(f"/staff/assist/{session_id}").status_code == 200
    with app.app_context():
        get_db().execute("UPDATE assist_handovers SET expires_at = expires_at - 5 * 60 * 60")
    assert elsewhere.get(f"/staff/assist/{session_id}").status_code == 403
    assert _carry_on(elsewhere, session_id).status_code == 403


def test_a_flagged_session_is_for_the_safeguarding_lead_only(
    staff_client, app, campaign, make_user
):
    client = staff_client("supporter")
    words = "My carer HITS me, sometimes."
    session_id = _helped_and_taken_back(client, app, campaign, words)
    with app.app_context():
        [flag] = [dict(r) for r in get_db().execute("SELECT * FROM safeguarding_flags")]
    assert flag["session_id"] == session_id
    detail = client.get(f"/staff/assist/{session_id}")
    assert detail.status_code == 403
    text = detail.get_data(as_text=True)
    assert "This session is with the safeguarding lead" in text
    assert "Hand the tablet back" not in text
    assert f"/staff/assist/{session_id}" not in client.get("/staff/assist/").get_data(as_text=True)
    # Handing back would open the person's words in this browser: refused.
    assert _carry_on(client, session_id).status_code == 403
    for page in ("/", "/check", f"/q/{_question_ids(app, campaign)[0]}"):
        assert "HITS" not in client.get(f"/s/{campaign['code']}{page}").get_data(as_text=True)
    # The supporter's own safeguarding view is refused; a lead still reads the words.
    assert client.get(f"/staff/safeguarding/{flag['id']}").status_code == 403
    lead = staff_client("lead")
    assert "HITS" in lead.get(f"/staff/safeguarding/{flag['id']}").get_data(as_text=True)
