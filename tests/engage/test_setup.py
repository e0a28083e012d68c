"""Leads' set-up pages: invitations and accounts, campaign settings, questions, words to avoid
and the family invitation."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup

from engage import store
from engage.store import get_db
from tests.conftest import csrf_token, sign_in


def _rows(app, sql: str, params=()) -> list[dict]:
    with app.app_context():
        return [dict(row) for row in get_db().execute(sql, list(params)).fetchall()]


def _actions(app) -> list[str]:
    return [row["action"] for row in _rows(app, "SELECT action FROM audit_log ORDER BY id")]


def _post(client, path: str, data: dict, **kwargs):
    token = csrf_token(client.get("/staff/sign-in").get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def _invite(lead, email="new.person@example.org", role="supporter") -> str:
    response = _post(lead, "/staff/users/invite", {"email": email, "role": role})
    assert response.status_code == 200
    match = re.search(
        r'<code id="invitation-link">[^<]*(/staff/invitation/[^<]+)</code>',
        response.get_data(as_text=True),
    )
    assert match, "the lead is shown the invitation link"
    return match.group(1)


GOOD_PASSWORD = "a perfectly long password"


# --- accounts ---


def test_a_lead_invites_someone_who_then_makes_their_account(app, staff_client, client):
    lead = staff_client("lead")
    path = _invite(lead)
    token = path.rsplit("/", 1)[1]
    stored = _rows(app, "SELECT * FROM invitations")
    assert len(stored) == 1
    assert token not in stored[0]["token_hash"]
    expires = datetime.fromisoformat(stored[0]["expires_at"])
    assert timedelta(days=6, hours=23) < expires - datetime.now(UTC) <= timedelta(days=7)
    assert "new.person@example.org" in lead.get("/staff/users").get_data(as_text=True)

    page = client.get(path)
    assert page.status_code == 200
    assert "new.person@example.org" in page.get_data(as_text=True)
    assert "Your role: Supporter." in page.get_data(as_text=True)
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "name": "Sam Supporter",
            "password": GOOD_PASSWORD,
            "password_again": GOOD_PASSWORD,
        },
    )
    assert response.headers["Location"] == "/staff/"
    assert "Sam Supporter (Supporter)" in client.get("/staff/").get_data(as_text=True)
    with app.app_context():
        user = store.staff.user_by_email(get_db(), "new.person@example.org")
    assert user["role"] == "supporter"
    assert user["invited_by"] == lead.user["id"]
    assert user["password_hash"].startswith("$argon2id$")
    assert _actions(app)[-2:] == ["invite_user", "accept_invitation"]

    again = client.get(path)
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)


def test_an_expired_or_unknown_invitation_is_refused(app, staff_client, client):
    lead = staff_client("lead")
    path = _invite(lead)
    with app.app_context():
        get_db().execute(
            "UPDATE invitations SET expires_at = ?",
            [(datetime.now(UTC) - timedelta(minutes=1)).isoformat()],
        )
    assert client.get(path).status_code == 410
    unknown = client.get("/staff/invitation/made-up-token")
    assert unknown.status_code == 404
    assert "This invitation link does not work" in unknown.get_data(as_text=True)


@pytest.mark.parametrize(
    ("name", "password", "again", "field"),
    [
        ("", GOOD_PASSWORD, GOOD_PASSWORD, "name-error"),
        ("Sam", "too short", "too short", "password-error"),
        ("Sam", GOOD_PASSWORD, "something else entirely", "password_again-error"),
    ],
)
def test_a_bad_new_account_is_explained_and_not_made(
    app, staff_client, client, name, password, again, field
):
    path = _invite(staff_client("lead"))
    page = client.get(path).get_data(as_text=True)
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(page),
            "name": name,
            "password": password,
            "password_again": again,
        },
    )
    assert response.status_code == 400
    assert f'id="{field}"' in response.get_data(as_text=True)
    assert _rows(app, "SELECT used_at FROM invitations")[0]["used_at"] is None
    assert _rows(app, "SELECT COUNT(*) AS n FROM users")[0]["n"] == 1


def test_invitation_form_errors(app, staff_client):
    lead = staff_client("lead")
    for data, message in (
        ({"email": "", "role": "lead"}, "Enter the email address"),
        ({"email": "not an address", "role": "lead"}, "like name@example.org"),
        ({"email": lead.user["email"], "role": "lead"}, "already an account"),
        ({"email": "someone@example.org"}, "Choose a role."),
    ):
        response = _post(lead, "/staff/users/invite", data)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert (
        _post(lead, "/staff/users/invite", {"email": "a@example.org", "role": "boss"}).status_code
        == 400
    )
    assert _rows(app, "SELECT COUNT(*) AS n FROM invitations")[0]["n"] == 0


def test_deactivating_an_account_ends_its_sessions(app, staff_client):
    lead = staff_client("lead")
    supporter = staff_client("supporter")
    assert supporter.get("/staff/").status_code == 200
    response = _post(lead, f"/staff/users/{supporter.user['id']}/active", {"active": "0"})
    assert response.status_code == 302
    assert supporter.get("/staff/").status_code == 302
    assert sign_in(supporter, supporter.user).status_code == 400
    assert "Deactivated" in lead.get("/staff/users").get_data(as_text=True)
    _post(lead, f"/staff/users/{supporter.user['id']}/active", {"active": "1"})
    assert sign_in(supporter, supporter.user).status_code == 302
    assert _actions(app)[-3:-1] == ["deactivate_user", "reactivate_user"]


def test_a_lead_changes_a_role(app, staff_client):
    lead = staff_client("lead")
    advocate = staff_client("advocate")
    assert advocate.get("/staff/users").status_code == 403
    _post(lead, f"/staff/users/{advocate.user['id']}/role", {"role": "lead"})
    assert advocate.get("/staff/users").status_code == 200
    entry = _rows(app, "SELECT * FROM audit_log WHERE action = 'change_role'")[0]
    assert entry["detail"] == "advocate to lead"
    assert (
        _post(lead, f"/staff/users/{advocate.user['id']}/role", {"role": "owner"}).status_code
        == 400
    )
    assert _post(lead, "/staff/users/999/role", {"role": "lead"}).status_code == 404


def test_the_last_active_lead_cannot_be_deactivated_or_demoted(app, staff_client):
    lead = staff_client("lead")
    me = lead.user["id"]
    response = _post(lead, f"/staff/users/{me}/active", {"active": "0"})
    assert response.status_code == 400
    assert "last active lead" in response.get_data(as_text=True)
    assert _post(lead, f"/staff/users/{me}/role", {"role": "supporter"}).status_code == 400
    assert lead.get("/staff/users").status_code == 200
    other = staff_client("lead")
    assert _post(lead, f"/staff/users/{me}/active", {"active": "0"}).status_code == 302
    assert lead.get("/staff/users").status_code == 302
    assert other.get("/staff/users").status_code == 200


# --- campaigns ---


def _settings(**changes) -> dict:
    data = {
        "title": "How is your day centre?",
        "framework": "cqc-la",
        "statements": ["QS1", "QS7"],
        "scale": "5",
        "groups": ["person", "family"],
        "languages": ["cy", "ur"],
        "opens_at-day": "5",
        "opens_at-month": "1",
        "opens_at-year": "2026",
        "closes_at-day": "28",
        "closes_at-month": "02",
        "closes_at-year": "2026",
        "min_group_size": "12",
        "min_cell_count": "6",
        "help_contact": "Call Priya on 01632 960123",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _campaign_count(app) -> int:
    return _rows(app, "SELECT COUNT(*) AS n FROM campaigns")[0]["n"]


def test_a_lead_sets_up_a_campaign(app, staff_client):
    lead = staff_client("lead")
    assert lead.get("/staff/campaigns/new").status_code == 200
    response = _post(lead, "/staff/campaigns/new", _settings())
    assert response.status_code == 302
    code = response.headers["Location"].split("/")[3]
    with app.app_context():
        campaign = store.campaigns.campaign_by_code(get_db(), code)
        questions = store.campaigns.campaign_questions(get_db(), campaign["id"])
    assert campaign["framework_id"] == "cqc-la"
    assert campaign["statement_ids"] == ["QS1", "QS7"]
    assert campaign["scale_points"] == 5
    assert campaign["respondent_groups"] == ["person", "family"]
    assert campaign["languages"] == ["en", "cy", "ur"]
    assert (campaign["opens_at"], campaign["closes_at"]) == ("2026-01-05", "2026-02-28")
    assert (campaign["min_group_size"], campaign["min_cell_count"]) == (12, 6)
    assert campaign["help_contact"] == "Call Priya on 01632 960123"
    assert {q["statement_id"] for q in questions} == {"QS1", "QS7"}
    entry = _rows(app, "SELECT * FROM audit_log WHERE action = 'create_campaign'")[0]
    assert entry["subject"] == code
    assert json.loads(entry["detail"])["statement_ids"] == ["QS1", "QS7"]
    overview = lead.get(f"/staff/campaigns/{code}/").get_data(as_text=True)
    assert "Call Priya" in overview
    assert f"/s/{code}/" in overview
    assert f'href="/staff/campaigns/{code}/"' in lead.get("/staff/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title"),
        ({"statements": None}, "statements", "at least one statement"),
        ({"framework": "duqc"}, "statements", "from the framework you chose"),
        ({"framework": None}, "framework", "Choose a framework"),
        ({"groups": None}, "groups", "at least one group"),
        (
            {"closes_at-day": "1", "closes_at-month": "1", "closes_at-year": "2026"},
            "closes_at",
            "on or after the opening date",
        ),
        (
            {"opens_at-day": "30", "opens_at-month": "2", "opens_at-year": "2026"},
            "opens_at",
            "a real date",
        ),
        (
            {"opens_at-day": "3", "opens_at-month": "", "opens_at-year": "2026"},
            "opens_at",
            "a real date",
        ),
        ({"min_group_size": "2"}, "min_group_size", "from 5 to 100"),
        ({"min_group_size": "ten"}, "min_group_size", "from 5 to 100"),
        ({"min_cell_count": "60"}, "min_cell_count", "from 3 to 50"),
        ({"min_group_size": "8", "min_cell_count": "9"}, "min_cell_count", "cannot be more"),
        ({"help_contact": "x" * 201}, "help_contact", "200 characters or fewer"),
    ],
)
def test_campaign_mistakes_are_explained_and_nothing_is_stored(
    app, staff_client, changes, field, message
):
    lead = staff_client("lead")
    response = _post(lead, "/staff/campaigns/new", _settings(**changes))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page
    assert f'id="{field}-error"' in page
    assert message in page
    assert _campaign_count(app) == 0


def test_a_date_typed_wrong_comes_back_as_it_was_typed(app, staff_client):
    lead = staff_client("lead")
    typed = {"opens_at-day": "31", "opens_at-month": "4", "opens_at-year": "2026"}
    page = _post(lead, "/staff/campaigns/new", _settings(**typed)).get_data(as_text=True)
    assert 'href="#opens_at-day"' in page
    for box, value in typed.items():
        assert f'id="{box}" name="{box}" type="text" inputmode="numeric"' in page
        assert f'name="{box}" type="text" inputmode="numeric" autocomplete="off" maxlength' in page
        assert f'value="{value}"' in page
    assert _campaign_count(app) == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"statements": ["QS1", "QS99"]},
        {"statements": ["QS1", "QS1"]},
        {"framework": "made-up"},
        {"scale": "4"},
        {"groups": ["person", "robots"]},
        {"languages": ["fr"]},
    ],
)
def test_tampered_campaign_forms_are_refused(app, staff_client, changes):
    lead = staff_client("lead")
    assert _post(lead, "/staff/campaigns/new", _settings(**changes)).status_code == 400
    assert _campaign_count(app) == 0


def test_campaign_forms_need_the_csrf_token(app, staff_client):
    lead = staff_client("lead")
    response = lead.post("/staff/campaigns/new", data=_settings())
    assert response.status_code == 400
    assert "timed out" in response.get_data(as_text=True)
    assert _campaign_count(app) == 0


def test_a_lead_changes_the_settings(app, staff_client, make_campaign):
    code = make_campaign(statement_ids=["QS1", "QS7"])["code"]
    lead = staff_client("lead")
    form = lead.get(f"/staff/campaigns/{code}/settings").get_data(as_text=True)
    assert 'value="QS1" checked' in form
    response = _post(
        lead,
        f"/staff/campaigns/{code}/settings",
        _settings(framework=None, statements=["QS1", "QS2"], title="A new title"),
    )
    assert response.status_code == 302
    with app.app_context():
        campaign = store.campaigns.campaign_by_code(get_db(), code)
        questions = store.campaigns.campaign_questions(get_db(), campaign["id"])
    assert campaign["title"] == "A new title"
    assert campaign["statement_ids"] == ["QS1", "QS2"]
    assert [q["statement_id"] for q in questions] == sorted(q["statement_id"] for q in questions)
    assert {q["statement_id"] for q in questions} == {"QS1", "QS2"}
    assert [q["position"] for q in questions] == list(range(1, len(questions) + 1))
    detail = json.loads(
        _rows(app, "SELECT detail FROM audit_log WHERE action='edit_campaign'")[0]["detail"]
    )
    assert detail["title"] == "A new title"
    assert detail["statement_ids"] == ["QS1", "QS2"]
    # The framework is fixed once a campaign is made: another framework's statement is a mistake.
    response = _post(
        lead, f"/staff/campaigns/{code}/settings", _settings(framework=None, statements=["DUQ1"])
    )
    assert response.status_code == 400


def test_a_statement_people_answered_about_cannot_be_removed(app, staff_client, make_campaign):
    from tests.engage.journey import Respondent

    code = make_campaign(statement_ids=["QS1", "QS7"])["code"]
    person = Respondent(app.test_client(), code)
    person.consent()
    person.who()
    person.answer("QS7-01", "good")
    lead = staff_client("lead")
    response = _post(
        lead, f"/staff/campaigns/{code}/settings", _settings(framework=None, statements=["QS1"])
    )
    assert response.status_code == 400
    assert "already answered about QS7" in response.get_data(as_text=True)
    with app.app_context():
        assert store.campaigns.campaign_by_code(get_db(), code)["statement_ids"] == ["QS1", "QS7"]


def test_a_lead_closes_and_opens_a_campaign(app, staff_client, make_campaign, client):
    code = make_campaign()["code"]
    lead = staff_client("lead")
    _post(lead, f"/staff/campaigns/{code}/status", {"status": "closed"})
    assert client.get(f"/s/{code}/").status_code == 403
    _post(lead, f"/staff/campaigns/{code}/status", {"status": "open"})
    assert client.get(f"/s/{code}/").status_code == 200
    assert _actions(app)[-2:] == ["close_campaign", "open_campaign"]
    assert _post(lead, f"/staff/campaigns/{code}/status", {"status": "gone"}).status_code == 400
    assert lead.get("/staff/campaigns/nothing/").status_code == 404


# --- questions ---


def _question_form(**changes) -> dict:
    data = {
        "text": "How is it when staff talk with you?",
        "hint": "Think about the last week.",
        "tell_us_more": "What would make it better?",
        "alt": "Two people talking.",
        "picture": "communication",
        "action": "save",
    }
    data.update(changes)
    return data


def _content(app, code: str, question_id: str) -> dict:
    with app.app_context():
        campaign = store.campaigns.campaign_by_code(get_db(), code)
        return store.campaigns.campaign_question(get_db(), campaign["id"], question_id)["content"]


def test_a_lead_changes_the_wording_and_picture(app, staff_client, make_campaign):
    code = make_campaign()["code"]
    with app.app_context():
        db = get_db()
        [content] = db.execute(
            "SELECT content FROM campaign_questions WHERE question_id = 'QS1-01'"
        ).fetchone()
        content = json.loads(content)
        content["text"]["cy"] = "Sut mae?"
        content.setdefault("hint", {})["cy"] = "Meddyliwch"
        db.execute(
            "UPDATE campaign_questions SET content = ? WHERE question_id = 'QS1-01'",
            [json.dumps(content)],
        )
    before = _content(app, code, "QS1-01")
    lead = staff_client("lead")
    path = f"/staff/campaigns/{code}/questions/QS1-01"
    response = _post(lead, path, _question_form(hint=before["hint"]["en"]))
    assert response.headers["Location"] == f"{path}?saved=1"
    after = _content(app, code, "QS1-01")
    assert after["text"] == {"en": "How is it when staff talk with you?"}
    assert after["hint"] == before["hint"]
    assert after["picture"] == "communication"
    assert after["statement_id"] == "QS1"
    entry = _rows(app, "SELECT * FROM audit_log WHERE action = 'edit_question'")[0]
    assert entry["subject"] == f"{code} QS1-01"
    assert "hint" not in json.loads(entry["detail"])
    page = lead.get(f"{path}?saved=1").get_data(as_text=True)
    assert "Saved." in page
    assert "How is it when staff talk with you?" in page


def test_question_mistakes_and_tampering(app, staff_client, make_campaign):
    code = make_campaign()["code"]
    before = _content(app, code, "QS1-01")
    lead = staff_client("lead")
    path = f"/staff/campaigns/{code}/questions/QS1-01"
    response = _post(lead, path, _question_form(text="", alt="x" * 201))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter the question." in page
    assert "200 characters or fewer" in page
    assert _post(lead, path, _question_form(picture="../../etc/passwd")).status_code == 400
    assert _post(lead, path, _question_form(picture=None)).status_code == 400
    assert _content(app, code, "QS1-01") == before
    assert lead.get(f"/staff/campaigns/{code}/questions/NOPE-01").status_code == 404


def test_checking_without_saving_shows_the_easy_read_problems(app, staff_client, make_campaign):
    code = make_campaign()["code"]
    before = _content(app, code, "QS1-01")
    lead = staff_client("lead")
    path = f"/staff/campaigns/{code}/questions/QS1-01"
    response = _post(
        lead, path, _question_form(text="Is your GP assessment personalised?", action="check")
    )
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert 'Write "GP" out in full words.' in page
    assert "assessment" in page and "may be hard to understand" in page
    assert "starts a yes-or-no question" in page
    assert _content(app, code, "QS1-01") == before
    assert 'aria-live="polite"' in page


def test_a_lead_adds_questions_to_a_statement(app, staff_client, make_campaign, client):
    code = make_campaign(statement_ids=["QS1", "QS7"])["code"]
    lead = staff_client("lead")
    path = f"/staff/campaigns/{code}/statements/QS1/new-question"
    assert lead.get(path).status_code == 200
    first = _post(lead, path, _question_form(text="How is it when you move home?"))
    assert first.headers["Location"].startswith(f"/staff/campaigns/{code}/questions/QS1-C01")
    second = _post(lead, path, _question_form(text="How is it at the weekend?", hint=""))
    assert "/questions/QS1-C02" in second.headers["Location"]
    with app.app_context():
        campaign = store.campaigns.campaign_by_code(get_db(), code)
        ids = [
            q["question_id"] for q in store.campaigns.campaign_questions(get_db(), campaign["id"])
        ]
    qs1 = [i for i in ids if i.startswith("QS1")]
    assert ids[: len(qs1)] == qs1
    assert qs1[-2:] == ["QS1-C01", "QS1-C02"]
    added = _content(app, code, "QS1-C02")
    assert added["hint"] == {}
    assert added["framework_id"] == "cqc-la"
    assert "add_question" in _actions(app)
    assert lead.get(f"/staff/campaigns/{code}/statements/QS5/new-question").status_code == 404
    assert "How is it when you move home?" in lead.get(
        f"/staff/campaigns/{code}/questions"
    ).get_data(as_text=True)


def test_the_preview_shows_the_question_as_people_see_it_and_saves_nothing(
    app, staff_client, make_campaign
):
    code = make_campaign(scale_points=5)["code"]
    lead = staff_client("lead")
    _post(lead, f"/staff/campaigns/{code}/questions/QS1-02", _question_form())
    path = f"/staff/campaigns/{code}/questions/QS1-02/preview"
    page = lead.get(path).get_data(as_text=True)
    assert '<h1 id="question-heading">How is it when staff talk with you?</h1>' in page
    assert "Question 2 of" in page
    assert "Very good" in page and "I don&#39;t want to say" in page
    assert "Nothing you choose here is saved." in page
    assert "staff-nav" not in page
    response = _post(lead, path, {"answer": "good", "free_text": "hello", "action": "continue"})
    assert response.status_code == 200
    shown = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "would save and go on" in shown.get_text()
    assert shown.select_one('input[name="answer"][checked]')["value"] == "good"
    assert shown.select_one('textarea[name="free_text"]').get_text() == "hello"
    assert _rows(app, "SELECT COUNT(*) AS n FROM answers")[0]["n"] == 0


def test_live_checks_use_the_words_leads_added(app, staff_client, make_campaign):
    code = make_campaign()["code"]
    other = make_campaign(title="Another")["code"]
    lead = staff_client("lead")
    _post(
        lead, "/staff/words", {"term": "day opportunities", "plainer": "day centre", "scope": "all"}
    )
    _post(lead, "/staff/words", {"term": "hub", "scope": code})
    token = csrf_token(lead.get("/staff/words").get_data(as_text=True))

    def check(campaign_code: str, text: str) -> dict:
        response = lead.post(
            f"/staff/campaigns/{campaign_code}/check-wording",
            json={"text": text, "hint": "Fine words here."},
            headers={"X-CSRFToken": token},
        )
        assert response.status_code == 200
        return response.get_json()

    found = check(code, "How are your day opportunities at the hub?")
    assert any("day opportunities" in message for message in found["text"])
    assert any('"hub"' in message for message in found["text"])
    assert found["hint"] == []
    assert not any('"hub"' in message for message in check(other, "How is the hub?")["text"])
    no_token = lead.post(f"/staff/campaigns/{code}/check-wording", json={"text": "x"})
    assert no_token.status_code == 400


def test_the_words_to_avoid_list(app, staff_client, make_campaign):
    make_campaign()
    lead = staff_client("lead")
    assert _post(lead, "/staff/words", {"term": "Hub", "scope": "all"}).status_code == 302
    duplicate = _post(lead, "/staff/words", {"term": "hub", "scope": "all"})
    assert duplicate.status_code == 400
    assert "already on the list" in duplicate.get_data(as_text=True)
    assert _post(lead, "/staff/words", {"term": "  ", "scope": "all"}).status_code == 400
    assert _post(lead, "/staff/words", {"term": "zone", "scope": "no-such"}).status_code == 400
    page = lead.get("/staff/words").get_data(as_text=True)
    assert "Hub" in page and "Every campaign" in page
    term_id = _rows(app, "SELECT id FROM extra_terms")[0]["id"]
    assert _post(lead, f"/staff/words/{term_id}/remove", {}).status_code == 302
    assert _rows(app, "SELECT COUNT(*) AS n FROM extra_terms")[0]["n"] == 0
    assert _post(lead, f"/staff/words/{term_id}/remove", {}).status_code == 404
    assert [a for a in _actions(app) if "word" in a] == ["add_word", "remove_word"]


# --- the family invitation ---


def _with_help(app, code: str) -> str:
    with app.app_context():
        get_db().execute("UPDATE campaigns SET help_contact = 'Call Jo on 0300 123 4567'")
    return f"http://127.0.0.1:5000/s/{code}/"


def test_the_invitation_page_has_the_link_qr_and_help(app, staff_client, make_campaign):
    code = make_campaign()["code"]
    link = _with_help(app, code)
    lead = staff_client("lead")
    page = lead.get(f"/staff/campaigns/{code}/invitation").get_data(as_text=True)
    assert link in page
    assert "Call Jo on 0300 123 4567" in page
    assert "answer until" not in page
    with app.app_context():
        get_db().execute("UPDATE campaigns SET closes_at = '2026-03-31'")
    page = lead.get(f"/staff/campaigns/{code}/invitation").get_data(as_text=True)
    assert "You can answer until March 31, 2026." in page
    assert 'src="data:image/svg+xml' in page
    assert f"/staff/campaigns/{code}/invitation.pdf" in page


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools is not installed")
def test_the_invitation_png_is_a4_and_its_qr_opens_the_campaign(
    app, staff_client, make_campaign, tmp_path
):
    from PIL import Image

    code = make_campaign()["code"]
    link = _with_help(app, code)
    # With a closing date the page holds one more line, and the QR code is drawn smaller.
    with app.app_context():
        get_db().execute("UPDATE campaigns SET closes_at = '2026-03-31'")
    response = staff_client("lead").get(f"/staff/campaigns/{code}/invitation.png")
    assert response.mimetype == "image/png"
    assert "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / "invitation.png"
    path.write_bytes(response.data)
    with Image.open(path) as image:
        assert image.size == (1240, 1754)
        assert round(image.size[0] / 150 * 25.4) == 210
        assert round(image.size[1] / 150 * 25.4) == 297
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True, check=True
    )
    assert decoded.stdout.strip() == link


# What each page of the invitation must say, typed here from the catalogues' intent, not read
# back from them: the closing date in the language's own words, and a sentence in its script.
INVITATION_WORDS = {
    "en": ("March 31, 2026", "Or type this link:"),
    "cy": ("31 Mawrth 2026", "Neu teipiwch y ddolen hon:"),
    "pl": ("31 marca 2026", "Albo wpisz ten link:"),
    "ur": ("31 مارچ، 2026", "یا یہ لنک لکھیں:"),
    "ar": ("31 مارس 2026", "أو اكتب هذا الرابط:"),
}


def _holds(text: str, words: str, *, right_to_left: bool) -> bool:
    """Say whether extracted text holds the words.

    Extraction may break a line anywhere, so spaces do not count. In right-to-left text the
    letters come out in reading order, but the extractor moves numbers and end punctuation
    within their line: there each word must be on one line, in any order.
    """
    if not right_to_left:
        return re.sub(r"\s+", "", words) in re.sub(r"\s+", "", text)
    tokens = [token.strip(".:،؟?") for token in words.split()]
    return any(all(token in line for token in tokens) for line in text.splitlines())


def test_the_invitation_pdf_is_tagged_text_in_every_campaign_language(
    app, staff_client, make_campaign
):
    from pypdf import PdfReader

    languages = ["en", "cy", "pl", "ur", "ar"]
    code = make_campaign(languages=languages)["code"]
    link = _with_help(app, code)
    lead = staff_client("lead")
    with app.app_context():
        get_db().execute("UPDATE campaigns SET closes_at = '2026-03-31'")
    assert "invitation.pdf" in lead.get(f"/staff/campaigns/{code}/invitation").get_data(
        as_text=True
    )
    response = lead.get(f"/staff/campaigns/{code}/invitation.pdf")
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == "Invitation: How is your support?"
    assert reader.pdf_header == "%PDF-1.7"
    assert len(reader.pages) == len(languages)
    # Each page's section of the structure carries its language, for a screen reader's voice.
    document = root["/StructTreeRoot"]["/K"].get_object()
    document = document[0].get_object() if isinstance(document, list) else document
    sections = [k.get_object() for k in document["/K"] if k.get_object()["/S"] == "/Sect"]
    pages = [page.get_object() for page in reader.pages]
    assert [s["/Lang"] for s in sections] == languages
    assert [s["/Pg"].get_object() for s in sections] == pages
    for page, language in zip(reader.pages, languages, strict=True):
        width_mm, height_mm = (float(v) / 72 * 25.4 for v in page.mediabox[2:])
        assert abs(width_mm - 210) < 1 and abs(height_mm - 297) < 1
        text = page.extract_text()
        for words in (
            "How is your support?",
            link,
            "Call Jo on 0300 123 4567",
            *INVITATION_WORDS[language],
        ):
            assert _holds(text, words, right_to_left=language in ("ar", "ur")), (language, words)


def test_the_invitation_pdf_without_a_closing_date_or_help_says_whom_to_ask(
    app, staff_client, make_campaign
):
    from pypdf import PdfReader

    code = make_campaign(languages=["en"])["code"]
    response = staff_client("lead").get(f"/staff/campaigns/{code}/invitation.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Ask the person who gave you this paper." in " ".join(text.split())
    assert "answer until" not in text


def test_the_invitation_pdf_shows_a_hostile_title_as_words_and_reads_no_other_file(
    app, staff_client, make_campaign
):
    from pypdf import PdfReader

    from engage.staff import printable

    title = '<img src="file:///etc/passwd"> <style>@import "http://evil.example/x.css"</style>'
    code = make_campaign(title=title, languages=["en"])["code"]
    response = staff_client("lead").get(f"/staff/campaigns/{code}/invitation.pdf")
    assert response.status_code == 200
    text = " ".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    assert '<img src="file:///etc/passwd">' in text
    # Whatever reached the renderer, it fetches only the library's own pictures.
    fetcher = printable._PictureFetcher()
    for url in ("file:///etc/passwd", "http://evil.example/x.css", "data:text/css,x{}"):
        with pytest.raises(ValueError, match="not an invitation picture"):
            fetcher.fetch(url)
