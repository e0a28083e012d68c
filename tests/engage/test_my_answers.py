"""After finishing, a person gets a code to see or take out their answers; leads can find a
session from what the person remembers; typed codes forgive a slip."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from engage import store
from engage.store import get_db
from tests.conftest import csrf_token
from tests.engage.journey import Respondent


def _question_ids(app, campaign) -> list[str]:
    with app.app_context():
        return [
            q["question_id"] for q in store.campaigns.campaign_questions(get_db(), campaign["id"])
        ]


def _finish(client, app, campaign, words: str) -> str:
    """Answer every question, send the answers, and return the code on the thank-you page."""
    person = Respondent(client, campaign["code"])
    person.start()
    for question_id in _question_ids(app, campaign):
        person.answer(question_id, "good", words)
    sent = person.post("/check", {})
    assert sent.headers["Location"].endswith("/thanks")
    thanks = client.get(f"/s/{campaign['code']}/thanks").get_data(as_text=True)
    shown = re.search(r'class="resume-code"><span aria-hidden="true">(\w{4})-(\w{4})<', thanks)
    assert shown, "the thank-you page shows no code"
    code = shown.group(1) + shown.group(2)
    # The code can be heard spelt out, one character at a time.
    assert f'aria-label="Listen: {", ".join(code)}"' in thanks
    return code


def _sessions(app) -> int:
    with app.app_context():
        return get_db().execute("SELECT COUNT(*) FROM respondent_sessions").fetchone()[0]


def test_a_finished_person_sees_and_takes_out_their_answers(app, client, make_campaign):
    campaign = make_campaign()
    base = f"/s/{campaign['code']}"
    code = _finish(client, app, campaign, "The bus is always late")
    assert _sessions(app) == 1

    page = client.get(f"{base}/my-answers").get_data(as_text=True)
    token = csrf_token(page)
    short = client.post(f"{base}/my-answers", data={"resume_code": code[:7], "csrf_token": token})
    assert short.status_code == 400
    assert "Your code is too short." in short.get_data(as_text=True)
    assert f'value="{code[:7]}"' in short.get_data(as_text=True)

    typed = f"{code[:4].lower()} {code[4:]}"
    shown = client.post(f"{base}/my-answers", data={"resume_code": typed, "csrf_token": token})
    assert shown.status_code == 200
    assert "The bus is always late" in shown.get_data(as_text=True)
    assert "Take my answers out" in shown.get_data(as_text=True)

    asked = client.post(
        f"{base}/my-answers", data={"resume_code": code, "action": "out", "csrf_token": token}
    )
    assert "We cannot get it back after this." in asked.get_data(as_text=True)
    assert _sessions(app) == 1
    gone = client.post(
        f"{base}/my-answers", data={"resume_code": code, "action": "out-sure", "csrf_token": token}
    )
    assert "Your answers are gone" in gone.get_data(as_text=True)
    assert _sessions(app) == 0
    with app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 0
    again = client.post(f"{base}/my-answers", data={"resume_code": code, "csrf_token": token})
    assert again.status_code == 404


def test_the_code_is_hidden_when_the_person_says_they_have_it(app, client, make_campaign):
    campaign = make_campaign()
    base = f"/s/{campaign['code']}"
    _finish(client, app, campaign, "fine")
    thanks = client.get(f"{base}/thanks").get_data(as_text=True)
    client.post(f"{base}/thanks/done", data={"csrf_token": csrf_token(thanks)})
    assert 'class="resume-code"' not in client.get(f"{base}/thanks").get_data(as_text=True)


def test_a_lead_finds_one_session_from_a_phrase_and_a_day(app, client, staff_client, make_campaign):
    campaign = make_campaign()
    _finish(client, app, campaign, "My keyworker Dana helps me cook")
    _finish(app.test_client(), app, campaign, "Dana is kind")
    _finish(app.test_client(), app, campaign, "Dana never listens")
    lead = staff_client("lead")
    page = lead.get("/staff/erase").get_data(as_text=True)
    token = csrf_token(page)
    today = datetime.now(UTC).date().isoformat()

    def find(phrase, day=today, how=""):
        year, month, date = (day.split("-") + ["", ""])[:3]
        return lead.post(
            "/staff/erase",
            data={
                "find": "described",
                "phrase": phrase,
                "day-day": date,
                "day-month": month,
                "day-year": year,
                "how": how,
                "csrf_token": token,
            },
        )

    several = find("dana").get_data(as_text=True)
    assert "Sessions that match: 3" in several
    # Nobody's words show while more than one session matches.
    assert "Dana is kind" not in several
    assert "never listens" not in several
    assert "Sessions that match: 0" in find("dana", "2020-01-01").get_data(as_text=True)
    assert find("da").status_code == 400
    assert find("dana", "last tuesday").status_code == 400

    one = find("helps me COOK").get_data(as_text=True)
    assert "Sessions that match: 1" in one
    assert "My keyworker Dana helps me cook" in one
    assert "Dana is kind" not in one
    match = re.search(r'action="/staff/erase/(\d+)"', one)
    erased = lead.post(f"/staff/erase/{match.group(1)}", data={"csrf_token": token})
    assert erased.status_code == 200
    assert _sessions(app) == 2
    with app.app_context():
        actions = [r[0] for r in get_db().execute("SELECT action FROM audit_log ORDER BY id")]
    assert "erase_lookup" in actions


def test_resume_keeps_what_was_typed_and_reads_look_alikes(app, client, make_campaign):
    campaign = make_campaign()
    base = f"/s/{campaign['code']}"
    person = Respondent(client, campaign["code"])
    person.start()
    stop = client.get(f"{base}/stop").get_data(as_text=True)
    code = re.search(r'aria-hidden="true">(\w{4})-(\w{4})<', stop)
    code = code.group(1) + code.group(2)
    assert f'aria-label="Listen: {", ".join(code)}"' in stop
    # New codes leave out the letters that look like digits.
    assert not set(code) & set("BSZ")
    client.post(f"{base}/stop/done", data={"csrf_token": csrf_token(stop)})

    other = app.test_client()
    page = other.get(f"{base}/resume").get_data(as_text=True)
    token = csrf_token(page)
    short = other.post(f"{base}/resume", data={"resume_code": code[:7], "csrf_token": token})
    assert short.status_code == 400
    assert "Your code is too short." in short.get_data(as_text=True)
    assert f'value="{code[:7]}"' in short.get_data(as_text=True)
    long = other.post(f"{base}/resume", data={"resume_code": code + "A", "csrf_token": token})
    assert "Your code is too long." in long.get_data(as_text=True)
    slipped = code.replace("8", "B").replace("5", "S").replace("2", "Z")
    found = other.post(f"{base}/resume", data={"resume_code": slipped, "csrf_token": token})
    assert found.status_code == 302


def test_an_old_code_with_look_alike_letters_still_works(app, client, make_campaign):
    campaign = make_campaign()
    base = f"/s/{campaign['code']}"
    Respondent(client, campaign["code"]).start()
    with app.app_context():
        get_db().execute("UPDATE respondent_sessions SET resume_code = 'BSZA7KMC'")
    other = app.test_client()
    token = csrf_token(other.get(f"{base}/resume").get_data(as_text=True))
    for typed in ("BSZA-7KMC", "852a7kmc"):
        fresh = app.test_client()
        token = csrf_token(fresh.get(f"{base}/resume").get_data(as_text=True))
        response = fresh.post(f"{base}/resume", data={"resume_code": typed, "csrf_token": token})
        assert response.status_code == 302, typed


def test_a_campaign_not_open_yet_says_when_it_opens(app, client, make_campaign):
    campaign = make_campaign()
    with app.app_context():
        store.campaigns.update_campaign_settings(
            get_db(), campaign["id"], {"opens_at": "2999-06-01"}
        )
    response = client.get(f"/s/{campaign['code']}/")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "This survey opens on June 1, 2999" in page
    assert "closed" not in page


def test_the_welcome_page_has_no_dead_end_back_link(client, make_campaign):
    campaign = make_campaign()
    page = client.get(f"/s/{campaign['code']}/").get_data(as_text=True)
    assert 'class="back-link"' not in page
    assert "It takes about" in page


def test_taking_answers_out_forgets_the_spoken_code(app, client, make_campaign):
    campaign = make_campaign()
    base = f"/s/{campaign['code']}"
    code = _finish(client, app, campaign, "fine")
    spelt = ", ".join(code)

    def registered() -> int:
        with app.app_context():
            return (
                get_db()
                .execute("SELECT COUNT(*) FROM narration_texts WHERE text = ?", [spelt])
                .fetchone()[0]
            )

    assert registered() >= 1
    token = csrf_token(client.get(f"{base}/my-answers").get_data(as_text=True))
    client.post(
        f"{base}/my-answers", data={"resume_code": code, "action": "out-sure", "csrf_token": token}
    )
    assert registered() == 0
