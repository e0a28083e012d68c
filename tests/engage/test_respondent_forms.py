"""The respondent forms read through WTForms: a missing choice is explained, a tampered one refused.

Each form is posted over HTTP as a person would, then with a choice no page offers and with
two values for a one-choice question; the tampered posts get 400 with no error summary and
leave every row as it was.
"""

from __future__ import annotations

from bs4 import BeautifulSoup

from engage.store import get_db
from tests.engage.journey import Respondent
from tests.pagecheck import assert_page_ok


def _rows(app) -> dict:
    with app.app_context():
        db = get_db()
        return {
            table: sorted(repr(tuple(row)) for row in db.execute(f'SELECT * FROM "{table}"'))  # noqa: S608 - fixed names
            for table in ("respondent_sessions", "answers", "answer_drafts", "safeguarding_flags")
        }


def _explained(response, path: str, message: str, target: str) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 400, path
    assert_page_ok(html, path)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.title.get_text().startswith("Error:"), path
    assert [a["href"] for a in soup.select(".error-summary a")] == [f"#{target}"], path
    assert soup.select_one(f"#{target}") is not None, path
    assert message in soup.select_one(".error-message").get_text(), path


def _refused(app, person: Respondent, path: str, data: dict) -> None:
    before = _rows(app)
    response = person.post(path, data)
    assert response.status_code == 400, (path, data)
    assert "error-summary" not in response.get_data(as_text=True), (path, data)
    assert _rows(app) == before, (path, data)


def test_each_journey_form_explains_a_missing_choice_and_refuses_a_tampered_one(
    app, client, make_campaign
):
    campaign = make_campaign(statement_ids=["QS1"])
    code = campaign["code"]
    person = Respondent(client, code)
    steps = (
        ("/consent", "take_part", "do you want to answer our questions?", "yes"),
        ("/consent/words", "quote", "may we use your words?", "yes"),
        ("/consent/pictures", "media", "may we use your pictures or video?", "no"),
        ("/who", "respondent_group", "Choose who is answering.", "person"),
        ("/who/how", "answered_how", "Choose how you are answering.", "own"),
    )
    for path, name, message, value in steps:
        first = "yes" if name in ("take_part", "quote", "media") else value
        _explained(person.post(path, {}), f"/s/{code}{path}", message, f"{name}-{first}")
        _refused(app, person, path, {name: "maybe"})
        _refused(app, person, path, {name: [value, value]})
        assert person.post(path, {name: value}).status_code == 302, path
    with app.app_context():
        [(group, how)] = get_db().execute(
            "SELECT respondent_group, answered_how FROM respondent_sessions"
        )
    assert (group, how) == ("person", "own")

    with app.app_context():
        question_id = get_db().execute("SELECT question_id FROM campaign_questions").fetchone()[0]
    path = f"/q/{question_id}"
    _explained(
        person.post(path, {"free_text": "Kind staff", "action": "continue"}),
        f"/s/{code}{path}",
        "Choose an answer.",
        "answer-good",
    )
    _refused(app, person, path, {"answer": "brilliant", "action": "continue"})
    _refused(app, person, path, {"answer": ["good", "ok"], "action": "continue"})
    # Leaving with words and no face keeps them as a draft, with no message.
    assert person.post(path, {"free_text": "Kind staff", "action": "stop"}).status_code == 302
    with app.app_context():
        [(value, words)] = get_db().execute("SELECT value, free_text FROM answer_drafts")
    assert (value, words) == (None, "Kind staff")


def test_settings_keep_defaults_for_what_is_left_out_and_refuse_what_was_never_offered(
    app, client, make_campaign
):
    code = make_campaign(statement_ids=["QS1"])["code"]
    person = Respondent(client, code)
    for tampered in ({"text_size": "huge"}, {"contrast": ["high", "standard"]}):
        response = person.post("/settings", tampered)
        assert response.status_code == 400, tampered
    assert person.post("/settings", {"text_size": "largest"}).status_code == 302
    page = client.get(f"/s/{code}/settings").get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one("#text_size-largest").has_attr("checked")
    assert soup.select_one("#contrast-standard").has_attr("checked")


def test_a_language_the_campaign_does_not_offer_is_refused(app, client, make_campaign):
    code = make_campaign(statement_ids=["QS1"], languages=["en", "cy"])["code"]
    person = Respondent(client, code)
    for tampered in ({}, {"language": "ar"}, {"language": ["cy", "en"]}):
        assert person.post("/language", tampered).status_code == 400, tampered
    reply = person.post("/language", {"language": "cy", "next": f"/s/{code}/resume"})
    assert reply.status_code == 302 and reply.location.endswith(f"/s/{code}/resume")
    assert 'lang="cy"' in client.get(f"/s/{code}/").get_data(as_text=True)


def test_a_worried_person_is_told_what_to_fix_and_a_way_never_offered_is_refused(
    app, client, make_campaign
):
    code = make_campaign(statement_ids=["QS1"])["code"]
    person = Respondent(client, code)
    with app.app_context():
        flags = get_db().execute("SELECT COUNT(*) FROM safeguarding_flags").fetchone()[0]
    _explained(
        person.post("/worried", {"worry": "w" * 5001}),
        f"/s/{code}/worried",
        "Please write less.",
        "worry",
    )
    assert person.post("/worried", {"worry": "I am scared"}).status_code == 302
    _explained(
        person.post("/talk", {"name": "Ann", "details": ""}),
        f"/s/{code}/talk",
        "Choose how we can reach you.",
        "way-phone",
    )
    before = _rows(app)
    assert person.post("/talk", {"name": "Ann", "way": "pigeon"}).status_code == 400
    assert _rows(app) == before
    told = person.post("/talk", {"name": "Ann", "way": "phone", "details": "0123 456789"})
    assert told.status_code == 302 and "told=1" in told.location
    with app.app_context():
        db = get_db()
        assert db.execute("SELECT COUNT(*) FROM safeguarding_flags").fetchone()[0] == flags + 1
        [(name, way, details)] = db.execute(
            "SELECT contact_name, contact_way, contact_details FROM safeguarding_flags"
            " WHERE contact_way IS NOT NULL"
        )
    assert (name, way, details) == ("Ann", "phone", "0123 456789")


def test_a_resume_code_comes_back_exactly_as_it_was_typed(app, client, make_campaign):
    code = make_campaign(statement_ids=["QS1"])["code"]
    person = Respondent(client, code)
    for path in ("/resume", "/my-answers"):
        response = person.post(path, {"resume_code": "  ab c "})
        assert response.status_code == 400, path
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        assert soup.select_one("#resume_code")["value"] == "  ab c ", path
        assert [a["href"] for a in soup.select(".error-summary a")] == ["#resume_code"], path
