"""The respondent journey through the Flask test client, bad input included."""

from __future__ import annotations

import json

import pytest

from engage.store import get_db
from tests.engage.journey import Respondent, follow_resume_link

pytestmark = pytest.mark.both_engines


def _count(app, table: str) -> int:
    with app.app_context():
        return get_db().execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608


def _question_ids(app, campaign) -> list[str]:
    with app.app_context():
        rows = get_db().execute(
            "SELECT question_id FROM campaign_questions WHERE campaign_id = ? ORDER BY position",
            [campaign["id"]],
        )
        return [row[0] for row in rows]


@pytest.fixture
def campaign(make_campaign):
    return make_campaign()


def test_welcome_says_how_many_questions_and_how_long(client, campaign, app):
    page = client.get(f"/s/{campaign['code']}/").get_data(as_text=True)
    count = len(_question_ids(app, campaign))
    assert f"We ask {count} questions" in page
    assert "You can stop at any time" in page
    assert f'href="/s/{campaign["code"]}/consent"' in page


def test_whole_journey_saves_every_answer(client, campaign, app, runner):
    person = Respondent(client, campaign["code"])
    response = person.consent()
    assert response.headers["Location"].endswith("/who")
    question_ids = _question_ids(app, campaign)
    response = person.who("family", "helped")
    assert response.headers["Location"].endswith(f"/q/{question_ids[0]}")
    for number, question_id in enumerate(question_ids):
        page = client.get(f"/s/{campaign['code']}/q/{question_id}").get_data(as_text=True)
        assert f"Question {number + 1} of {len(question_ids)}" in page
        response = person.answer(question_id, "good", free_text=f"said {question_id}")
        assert response.status_code == 302
    assert response.headers["Location"].endswith("/check")
    check = client.get(f"/s/{campaign['code']}/check").get_data(as_text=True)
    assert check.count("Change<span") == len(question_ids) + 1
    assert "I am family or an unpaid carer" in check
    response = person.post("/check", {})
    assert response.headers["Location"].endswith("/thanks")
    assert "Thank you" in client.get(f"/s/{campaign['code']}/thanks").get_data(as_text=True)

    result = runner.invoke(args=["responses", campaign["code"], "--json"])
    rows = json.loads(result.output)
    assert [row["question_id"] for row in rows] == question_ids
    assert {row["statement_id"] for row in rows} == {"QS1", "QS7"}
    assert {
        (r["value"], r["respondent_group"], r["answered_how"], r["language"]) for r in rows
    } == {("good", "family", "helped", "en")}
    assert rows[0]["free_text"] == f"said {question_ids[0]}"


def test_saying_no_to_taking_part_stores_nothing(client, campaign, app):
    response = Respondent(client, campaign["code"]).consent("no", None, None)
    assert response.headers["Location"].endswith("/no-thanks")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "We have not kept anything about you" in page
    assert _count(app, "respondent_sessions") == 0


def test_consent_needs_every_answer_when_taking_part(client, campaign, app):
    response = Respondent(client, campaign["code"]).consent("yes", None, "no")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="error-summary"' in page
    assert 'href="#quote-yes"' in page
    assert _count(app, "respondent_sessions") == 0


def test_withdrawing_consent_erases_the_answers(client, campaign, app):
    person = Respondent(client, campaign["code"])
    person.start()
    person.answer(_question_ids(app, campaign)[0], "ok")
    assert _count(app, "answers") == 1
    assert person.consent("no", None, None).headers["Location"].endswith("/no-thanks")
    assert _count(app, "answers") == 0
    assert _count(app, "respondent_sessions") == 0


def test_consent_choices_are_recorded_and_can_change(client, campaign, app):
    person = Respondent(client, campaign["code"])
    person.consent("yes", "no", "yes")
    with app.app_context():
        row = get_db().execute("SELECT * FROM respondent_sessions").fetchone()
    assert (row["consent_take_part"], row["consent_quote"], row["consent_media"]) == (1, 0, 1)
    page = client.get(f"/s/{campaign['code']}/consent/words").get_data(as_text=True)
    assert 'id="quote-no" name="quote" value="no" checked' in page
    person.consent("yes", "yes", "no")
    with app.app_context():
        row = get_db().execute("SELECT * FROM respondent_sessions").fetchone()
    assert (row["consent_quote"], row["consent_media"]) == (1, 0)


def test_a_question_needs_a_choice_and_keeps_what_was_typed(client, campaign, app):
    person = Respondent(client, campaign["code"])
    person.start()
    first = _question_ids(app, campaign)[0]
    response = person.answer(first, None, free_text="the staff are kind")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose an answer" in page
    assert "the staff are kind</textarea>" in page
    assert _count(app, "answers") == 0


def test_every_question_offers_not_sure_and_dont_want_to_say(client, campaign, app):
    person = Respondent(client, campaign["code"])
    person.start()
    for question_id in _question_ids(app, campaign):
        page = client.get(f"/s/{campaign['code']}/q/{question_id}").get_data(as_text=True)
        assert 'value="not_sure"' in page
        assert 'value="prefer_not_to_say"' in page
        assert page.count('type="radio"') == 5


def test_a_five_point_campaign_shows_five_faces(client, make_campaign, app):
    campaign = make_campaign(scale_points=5)
    person = Respondent(client, campaign["code"])
    person.start()
    page = client.get(f"/s/{campaign['code']}/q/{_question_ids(app, campaign)[0]}")
    assert page.get_data(as_text=True).count('type="radio"') == 7


def test_changing_an_answer_replaces_it_and_returns_to_check(client, campaign, app):
    person = Respondent(client, campaign["code"])
    person.start()
    first = _question_ids(app, campaign)[0]
    person.answer(first, "good")
    response = person.post(
        f"/q/{first}?change=1", {"answer": "not_good", "free_text": "", "action": "continue"}
    )
    assert response.headers["Location"].endswith("/check")
    with app.app_context():
        rows = get_db().execute("SELECT value FROM answers").fetchall()
    assert [row[0] for row in rows] == ["not_good"]


def test_stop_saves_the_current_answer_and_gives_a_code(client, campaign, app):
    person = Respondent(client, campaign["code"])
    person.start()
    ids = _question_ids(app, campaign)
    response = person.answer(ids[0], "ok", action="stop")
    assert response.headers["Location"].endswith("/stop")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        code = get_db().execute("SELECT resume_code FROM respondent_sessions").fetchone()[0]
    assert f"{code[:4]}-{code[4:]}" in page
    assert f"/s/{campaign['code']}/resume/{code}" in page
    assert _count(app, "answers") == 1


def test_resume_code_continues_at_the_first_unanswered_question(app, campaign):
    from tests.conftest import CheckedClient

    app.test_client_class = CheckedClient
    first_device = app.test_client()
    person = Respondent(first_device, campaign["code"])
    person.start()
    ids = _question_ids(app, campaign)
    person.answer(ids[0], "good")
    person.answer(ids[1], "ok")
    with app.app_context():
        code = get_db().execute("SELECT resume_code FROM respondent_sessions").fetchone()[0]

    second_device = app.test_client()
    later = Respondent(second_device, campaign["code"])
    typed = f"{code[:4].lower()} {code[4:]}"
    response = later.post("/resume", {"resume_code": typed})
    assert response.headers["Location"].endswith(f"/q/{ids[2]}")

    third_device = app.test_client()
    response = follow_resume_link(third_device, f"/s/{campaign['code']}/resume/{code}")
    assert response.headers["Location"].endswith(f"/q/{ids[2]}")


def test_finish_for_now_forgets_the_session_on_this_device(client, campaign, app):
    person = Respondent(client, campaign["code"])
    person.start()
    person.post("/stop/done", {})
    response = client.get(f"/s/{campaign['code']}/q/{_question_ids(app, campaign)[0]}")
    assert response.headers["Location"].endswith(f"/s/{campaign['code']}/")


def test_after_sending_answers_cannot_be_changed(client, campaign, app):
    person = Respondent(client, campaign["code"])
    person.start()
    first = _question_ids(app, campaign)[0]
    person.answer(first, "good")
    person.post("/check", {})
    response = person.answer(first, "not_good")
    assert response.status_code == 302
    with app.app_context():
        assert get_db().execute("SELECT value FROM answers").fetchone()[0] == "good"


# Bad input: every case gets an easy-read page with the right status and changes nothing.


def test_unknown_campaign_is_404(client):
    response = client.get("/s/nosuchcode/")
    assert response.status_code == 404
    assert "Sorry, we cannot find that page" in response.get_data(as_text=True)


def test_closed_campaign_is_403_and_takes_nothing(client, campaign, app, runner):
    person = Respondent(client, campaign["code"])
    token = person.token("/consent")
    runner.invoke(args=["campaign", "close", campaign["code"]])
    response = client.get(f"/s/{campaign['code']}/")
    assert response.status_code == 403
    assert "this survey is closed" in response.get_data(as_text=True)
    response = client.post(
        f"/s/{campaign['code']}/consent",
        data={"take_part": "yes", "quote": "yes", "media": "yes", "csrf_token": token},
    )
    assert response.status_code == 403
    assert _count(app, "respondent_sessions") == 0


def test_post_without_csrf_token_is_400(client, campaign, app):
    response = Respondent(client, campaign["code"]).post(
        "/consent", {"take_part": "yes", "quote": "yes", "media": "yes"}, token=False
    )
    assert response.status_code == 400
    assert "this page timed out" in response.get_data(as_text=True)
    assert _count(app, "respondent_sessions") == 0


@pytest.mark.parametrize("value", ["excellent", "good' OR 1=1", "", "5"])
def test_tampered_answer_value_is_refused(client, campaign, app, value):
    person = Respondent(client, campaign["code"])
    person.start()
    first = _question_ids(app, campaign)[0]
    response = person.answer(first, value)
    assert response.status_code == 400
    if value:
        assert "Sorry, something went wrong" in response.get_data(as_text=True)
    assert _count(app, "answers") == 0


def test_two_values_for_one_answer_are_refused(client, campaign, app):
    person = Respondent(client, campaign["code"])
    person.start()
    first = _question_ids(app, campaign)[0]
    token = person.token("/resume")
    response = client.post(
        f"/s/{campaign['code']}/q/{first}",
        data={"answer": ["good", "not_good"], "csrf_token": token, "action": "continue"},
    )
    assert response.status_code == 400
    assert _count(app, "answers") == 0


def test_tampered_group_or_consent_is_refused(client, campaign, app):
    person = Respondent(client, campaign["code"])
    assert person.consent("maybe", "yes", "yes").status_code == 400
    assert _count(app, "respondent_sessions") == 0
    person.consent()
    assert person.who("boss", "own").status_code == 400
    assert person.who("person", "telepathy").status_code == 400
    with app.app_context():
        row = get_db().execute("SELECT respondent_group FROM respondent_sessions").fetchone()
    assert row[0] is None


def test_a_group_the_campaign_did_not_invite_is_refused(client, make_campaign):
    campaign = make_campaign(respondent_groups=["person", "family"])
    person = Respondent(client, campaign["code"])
    person.consent()
    page = client.get(f"/s/{campaign['code']}/who").get_data(as_text=True)
    assert 'value="staff"' not in page
    assert person.who("staff", "own").status_code == 400


def test_question_from_another_campaign_is_404(client, make_campaign, app):
    ours = make_campaign(statement_ids=["QS1"])
    theirs = make_campaign(statement_ids=["QS7"])
    person = Respondent(client, ours["code"])
    person.start()
    foreign = _question_ids(app, theirs)[0]
    assert client.get(f"/s/{ours['code']}/q/{foreign}").status_code == 404
    assert person.answer(foreign, "good").status_code == 404
    assert _count(app, "answers") == 0


def test_unknown_resume_code_is_404(client, campaign, make_campaign, app):
    person = Respondent(client, campaign["code"])
    response = person.post("/resume", {"resume_code": "ZZZZ-ZZZZ"})
    assert response.status_code == 404
    assert "We cannot find that code" in response.get_data(as_text=True)
    assert follow_resume_link(client, f"/s/{campaign['code']}/resume/ZZZZZZZZ").status_code == 404

    other = make_campaign(statement_ids=["QS7"])
    Respondent(client, other["code"]).start()
    with app.app_context():
        code = get_db().execute("SELECT resume_code FROM respondent_sessions").fetchone()[0]
    assert follow_resume_link(client, f"/s/{campaign['code']}/resume/{code}").status_code == 404


def test_pages_send_security_headers(client, campaign):
    response = client.get(f"/s/{campaign['code']}/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_pictures_are_served_and_unknown_ones_are_404(client):
    with client.get("/pictures/96/face-good.webp") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/webp"
        assert response.get_data()[8:12] == b"WEBP"
    assert client.get("/pictures/96/no-such-picture.webp").status_code == 404
    assert client.get("/pictures/97/face-good.webp").status_code == 404
    assert client.get("/pictures/96/face-good.gif").status_code == 404


def test_site_pages_pass_the_page_check(client):
    assert client.get("/").status_code == 200
    assert "OpenMoji" in client.get("/attributions").get_data(as_text=True)
