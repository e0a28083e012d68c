"""Safeguarding: worried, exit this page, concern words, flags held out of exports, leads."""

from __future__ import annotations

import time

import pytest

from engage import store
from engage.store import get_db
from tests.conftest import csrf_token, sign_in
from tests.engage.journey import Respondent

pytestmark = pytest.mark.both_engines


@pytest.fixture
def campaign(make_campaign):
    return make_campaign()


def _question_ids(app, campaign) -> list[str]:
    with app.app_context():
        return [
            q["question_id"] for q in store.campaigns.campaign_questions(get_db(), campaign["id"])
        ]


def _flags(app) -> list[dict]:
    with app.app_context():
        rows = get_db().execute("SELECT * FROM safeguarding_flags ORDER BY id").fetchall()
        return [dict(row) for row in rows]


def _audit_actions(app) -> list[str]:
    with app.app_context():
        return [row[0] for row in get_db().execute("SELECT action FROM audit_log ORDER BY id")]


def test_every_respondent_page_offers_worried_and_exit(client, app, campaign):
    person = Respondent(client, campaign["code"])
    base = f"/s/{campaign['code']}"
    pages = ["/", "/consent", "/resume", "/stop"]
    person.start()
    first = _question_ids(app, campaign)[0]
    pages += ["/who", f"/q/{first}", "/check", "/worried", "/what-happens-next"]
    for path in pages:
        html = client.get(base + path).get_data(as_text=True)
        assert 'href="/leave"' in html, path
        assert "data-exit-page" in html, path
        # A question page's "I am worried" submits its form, so the answer is kept on the way.
        worried = f'href="{base}/worried?then='
        if "/q/" in path:
            worried = 'name="action" value="worried"'
        assert worried in html, path
        assert "js/exit-page.js" in html, path


def test_exit_goes_to_a_neutral_page_and_the_survey_stays_shut(client, app, campaign):
    person = Respondent(client, campaign["code"])
    person.start()
    first = _question_ids(app, campaign)[0]
    response = client.get("/leave")
    assert response.status_code == 302
    # The neutral page is an ordinary outside page, so the address bar says nothing.
    outside = app.config["EXIT_URL"]
    assert outside.startswith("https://")
    assert response.headers["Location"] == outside
    assert response.headers["Cache-Control"] == "no-store"
    neutral = client.get("/search").get_data(as_text=True)
    assert campaign["title"] not in neutral
    assert "engage" not in neutral.lower().replace("engage.css", "")
    # The back button asks the server again (no-store) and lands on the neutral page.
    for path in ("/", f"/q/{first}", "/check", "/who"):
        back = client.get(f"/s/{campaign['code']}{path}")
        assert back.status_code == 302, path
        assert back.headers["Location"] == outside


def test_after_the_hold_the_survey_opens_without_the_old_answers(client, app, campaign):
    person = Respondent(client, campaign["code"])
    person.start()
    client.get("/leave")
    with client.session_transaction() as session:
        session["exited_at"] = time.time() - 16 * 60
    page = client.get(f"/s/{campaign['code']}/").get_data(as_text=True)
    assert "Carry on where I stopped" not in page
    assert ">Start<" in page


def test_the_neutral_page_search_does_nothing(client):
    page = client.get("/search?q=weather").get_data(as_text=True)
    assert "No results for “weather”" in page


def test_worried_raises_a_flag_and_shows_what_happens_next(client, app, campaign):
    person = Respondent(client, campaign["code"])
    person.start()
    first = _question_ids(app, campaign)[0]
    base = f"/s/{campaign['code']}"
    page = client.get(f"{base}/worried?then={base}/q/{first}").get_data(as_text=True)
    response = client.post(
        f"{base}/worried",
        data={
            "worry": "I do not feel safe",
            "then": f"{base}/q/{first}",
            "csrf_token": csrf_token(page),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"{base}/talk")
    # Leaving no way to reach them goes straight on to what happens next.
    talk = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "We do not know who you are." in talk
    response = client.post(
        f"{base}/talk",
        data={"skip": "1", "then": f"{base}/q/{first}", "csrf_token": csrf_token(talk)},
    )
    assert response.headers["Location"].startswith(f"{base}/what-happens-next")
    [flag] = _flags(app)
    assert flag["reason"] == "worried"
    assert flag["excerpt"] == "I do not feel safe"
    assert flag["status"] == "open"
    with app.app_context():
        session_id = store.respondents.session_by_resume_code(
            get_db(), campaign["id"], _resume_code(app, campaign)
        )["id"]
    assert flag["session_id"] == session_id
    next_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "What happens next" in next_page
    assert "phone 999" in next_page
    assert f'href="{base}/q/{first}"' in next_page


def _resume_code(app, campaign) -> str:
    with app.app_context():
        return (
            get_db()
            .execute(
                "SELECT resume_code FROM respondent_sessions WHERE campaign_id = ?",
                [campaign["id"]],
            )
            .fetchone()[0]
        )


def test_worried_works_before_taking_part(client, app, campaign):
    base = f"/s/{campaign['code']}"
    page = client.get(f"{base}/worried").get_data(as_text=True)
    response = client.post(f"{base}/worried", data={"worry": "", "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    [flag] = _flags(app)
    assert flag["session_id"] is None


def test_worried_refuses_a_missing_csrf_token_and_an_outside_onward_link(client, app, campaign):
    base = f"/s/{campaign['code']}"
    assert client.post(f"{base}/worried", data={"worry": "help"}).status_code == 400
    assert _flags(app) == []
    page = client.get(f"{base}/what-happens-next?then=https://evil.example/").get_data(as_text=True)
    assert "evil.example" not in page


def test_concern_words_in_free_text_flag_the_session(client, app, campaign):
    person = Respondent(client, campaign["code"])
    person.start()
    first, second = _question_ids(app, campaign)[:2]
    response = person.answer(first, "not_good", "My carer HITS me, sometimes.")
    assert response.status_code == 302
    assert "/what-happens-next?then=" in response.headers["Location"]
    assert response.headers["Location"].endswith(f"/q/{second}")
    [flag] = _flags(app)
    assert (flag["reason"], flag["matched"], flag["question_id"]) == (
        "concern_words",
        "hits me",
        first,
    )
    # The answer itself is saved as usual: nothing is lost.
    with app.app_context():
        answers = store.respondents.answers_for_session(get_db(), flag["session_id"])
    assert answers[first]["free_text"] == "My carer HITS me, sometimes."
    # Saving the same words again raises no second flag and carries straight on.
    again = person.answer(first, "not_good", "My carer HITS me, sometimes.")
    assert again.headers["Location"].endswith(f"/q/{second}")
    assert len(_flags(app)) == 1


def test_harmless_text_raises_nothing(client, app, campaign):
    person = Respondent(client, campaign["code"])
    person.start()
    first = _question_ids(app, campaign)[0]
    response = person.answer(first, "good", "White walls, a hitherto scary-free kitchen.")
    assert "what-happens-next" not in response.headers["Location"]
    assert _flags(app) == []


def test_held_sessions_until_a_lead_decides(app, staff_client, campaign):
    client = staff_client("lead")
    person = Respondent(app.test_client(), campaign["code"])
    person.start()
    first = _question_ids(app, campaign)[0]
    person.answer(first, "not_good", "I am scared of the night staff")
    [flag] = _flags(app)
    with app.app_context():
        assert store.safeguarding.held_for_safeguarding(get_db(), campaign["id"]).sessions == {
            flag["session_id"]
        }
    page = client.get(f"/staff/safeguarding/{flag['id']}").get_data(as_text=True)
    assert "I am scared of the night staff" in page
    token = csrf_token(page)
    # A decision needs a note; a made-up decision is refused outright.
    response = client.post(
        f"/staff/safeguarding/{flag['id']}/decision",
        data={"decision": "no_concern", "note": "", "csrf_token": token},
    )
    assert response.status_code == 400
    assert "Write a note about the decision." in response.get_data(as_text=True)
    tampered = client.post(
        f"/staff/safeguarding/{flag['id']}/decision",
        data={"decision": "ignore", "note": "x", "csrf_token": token},
    )
    assert tampered.status_code == 400
    assert _flags(app)[0]["status"] == "open"
    response = client.post(
        f"/staff/safeguarding/{flag['id']}/decision",
        data={
            "decision": "no_concern",
            "note": "Talked to them: about the dark.",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    decided = _flags(app)[0]
    assert decided["status"] == "no_concern"
    assert decided["decided_by"] == client.user["id"]
    with app.app_context():
        assert store.safeguarding.held_for_safeguarding(get_db(), campaign["id"]).sessions == set()
    again = client.post(
        f"/staff/safeguarding/{flag['id']}/decision",
        data={"decision": "referred", "note": "changed my mind", "csrf_token": token},
    )
    assert again.status_code == 400


def test_referred_sessions_stay_held(app, staff_client, campaign):
    client = staff_client("lead")
    with app.app_context():
        db = get_db()
        consent = {"take_part": True, "quote": True, "media": True}
        held = store.respondents.start_session(db, campaign["id"], consent, "en")
        free = store.respondents.start_session(db, campaign["id"], consent, "en")
        flag_id = store.safeguarding.raise_flag(
            db, campaign_id=campaign["id"], reason="worried", session_id=held["id"]
        )
    token = csrf_token(client.get(f"/staff/safeguarding/{flag_id}").get_data(as_text=True))
    client.post(
        f"/staff/safeguarding/{flag_id}/decision",
        data={
            "decision": "referred",
            "note": "Referred to the adult safeguarding team.",
            "csrf_token": token,
        },
    )
    with app.app_context():
        assert store.safeguarding.held_for_safeguarding(get_db(), campaign["id"]).sessions == {
            held["id"]
        }
        assert (
            free["id"]
            not in store.safeguarding.held_for_safeguarding(get_db(), campaign["id"]).sessions
        )


def test_every_view_of_flagged_content_is_audited(app, staff_client, campaign):
    client = staff_client("lead")
    with app.app_context():
        flag_id = store.safeguarding.raise_flag(
            get_db(), campaign_id=campaign["id"], reason="worried", excerpt="private words"
        )
    listing = client.get("/staff/safeguarding/").get_data(as_text=True)
    assert "private words" not in listing
    assert "view_flagged" not in _audit_actions(app)
    client.get(f"/staff/safeguarding/{flag_id}")
    client.get(f"/staff/safeguarding/{flag_id}")
    assert _audit_actions(app).count("view_flagged") == 2
    with app.app_context():
        subjects = [
            row[0]
            for row in get_db().execute(
                "SELECT subject FROM audit_log WHERE action = 'view_flagged'"
            )
        ]
    assert subjects == [f"flag:{flag_id}"] * 2


def test_only_leads_see_flags(app, staff_client, campaign):
    with app.app_context():
        flag_id = store.safeguarding.raise_flag(
            get_db(), campaign_id=campaign["id"], reason="worried", excerpt="private words"
        )
    for role in ("supporter", "advocate"):
        client = staff_client(role)
        response = client.get(f"/staff/safeguarding/{flag_id}")
        assert response.status_code == 403
        assert "private words" not in response.get_data(as_text=True)
    assert "view_flagged" not in _audit_actions(app)


def test_leads_maintain_the_concern_list(app, staff_client, campaign):
    client = staff_client("lead")
    page = client.get("/staff/safeguarding/phrases").get_data(as_text=True)
    assert "kill myself" in page
    token = csrf_token(page)
    assert (
        client.post(
            "/staff/safeguarding/phrases", data={"phrase": "  ", "csrf_token": token}
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/staff/safeguarding/phrases", data={"phrase": "x" * 81, "csrf_token": token}
        ).status_code
        == 400
    )
    assert (
        client.post("/staff/safeguarding/phrases", data={"phrase": "pinches me"}).status_code == 400
    )
    response = client.post(
        "/staff/safeguarding/phrases", data={"phrase": "Pinches  me", "csrf_token": token}
    )
    assert response.status_code == 302
    person = Respondent(app.test_client(), campaign["code"])
    person.start()
    first, second = _question_ids(app, campaign)[:2]
    person.answer(first, "ok", "she pinches me.")
    assert _flags(app)[-1]["matched"] == "Pinches me"
    with app.app_context():
        phrase_id = next(
            row["id"]
            for row in store.safeguarding.concern_phrases(get_db())
            if row["phrase"] == "Pinches me"
        )
    client.post(f"/staff/safeguarding/phrases/{phrase_id}/remove", data={"csrf_token": token})
    person.answer(second, "ok", "she pinches me again")
    assert len(_flags(app)) == 1
    assert (
        client.post(
            "/staff/safeguarding/phrases/999999/remove", data={"csrf_token": token}
        ).status_code
        == 404
    )
    actions = _audit_actions(app)
    assert "concern_phrase_added" in actions
    assert "concern_phrase_removed" in actions


def test_a_named_lead_receives_the_campaigns_flags(app, staff_client, make_user, campaign):
    client = staff_client("lead")
    named = make_user("lead", email="named@example.org", name="Nadia Named")
    supporter = make_user("supporter", email="not-a-lead@example.org")
    page = client.get("/staff/safeguarding/leads").get_data(as_text=True)
    token = csrf_token(page)
    assert (
        client.post(
            "/staff/safeguarding/leads",
            data={"campaign_id": campaign["id"], "lead_id": supporter["id"], "csrf_token": token},
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/staff/safeguarding/leads",
            data={"campaign_id": 999999, "lead_id": named["id"], "csrf_token": token},
        ).status_code
        == 400
    )
    response = client.post(
        "/staff/safeguarding/leads",
        data={"campaign_id": campaign["id"], "lead_id": named["id"], "csrf_token": token},
    )
    assert response.status_code == 302
    assert "selected>Nadia Named" in client.get("/staff/safeguarding/leads").get_data(as_text=True)
    person = Respondent(app.test_client(), campaign["code"])
    person.start()
    person.answer(_question_ids(app, campaign)[0], "ok", "they stole my phone")
    assert _flags(app)[-1]["lead_id"] == named["id"]
    named_client = app.test_client()
    sign_in(named_client, named)
    listing = named_client.get("/staff/safeguarding/").get_data(as_text=True)
    assert "1 of them sent to you as named lead" in listing
    assert "Safeguarding (1 waiting)" in listing


def test_a_flag_outlives_withdrawn_consent(client, app, campaign):
    person = Respondent(client, campaign["code"])
    person.start()
    person.answer(_question_ids(app, campaign)[0], "ok", "I want to die")
    person.consent(take_part="no", quote=None, media=None)
    [flag] = _flags(app)
    assert flag["session_id"] is None
    assert flag["excerpt"] == "I want to die"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("He HITS me.", "hits me"),
        ("she  hits\nme", "hits me"),
        ("I\u2019m scared, really", "scared"),
        ("Whitsun was fun", None),
        ("they hit meat with a hammer", None),
        ("", None),
    ],
)
def test_find_concern_matches_whole_words(text, found):
    from engage.safeguarding.concern import find_concern

    assert find_concern(text, ["hits me", "scared", "hit me"]) == found


def test_the_responses_command_leaves_out_held_sessions(app, runner, campaign):
    import json

    with app.app_context():
        db = get_db()
        consent = {"take_part": True, "quote": True, "media": True}
        held = store.respondents.start_session(db, campaign["id"], consent, "en")
        kept = store.respondents.start_session(db, campaign["id"], consent, "en")
        for session in (held, kept):
            store.respondents.save_answer(db, session["id"], "QS1-01", "good", "")
        store.safeguarding.raise_flag(
            db, campaign_id=campaign["id"], reason="worried", session_id=held["id"]
        )
    result = runner.invoke(args=["responses", campaign["code"], "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {row["session"] for row in rows} == {kept["id"]}
    assert "1 session(s) held for safeguarding are left out." in result.stderr
