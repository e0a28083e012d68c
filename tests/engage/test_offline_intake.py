"""A device's outbox over HTTP: each person taken once, bad sends refused, nothing lost."""

from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
from pathlib import Path

import pytest

from engage.store import campaigns, get_db, outbox, respondents
from tests.media import samples

pytestmark = pytest.mark.both_engines

OUTBOX_HEADERS = {"X-Engage-Outbox": "1"}


def bundle_for(campaign: dict, questions: list[str], **changes) -> dict:
    bundle = {
        "version": 1,
        "language": "en",
        "consent": {"take_part": True, "quote": True, "media": True},
        "respondent_group": "person",
        "answered_how": "helped",
        "started_at": "2026-11-02T10:00:00+00:00",
        "finished_at": "2026-11-02T10:12:00+00:00",
        "answers": [
            {
                "question_id": question_id,
                "value": "good",
                "free_text": f"Words for {question_id}",
                "given_at": f"2026-11-02T10:0{number}:30+00:00",
            }
            for number, question_id in enumerate(questions)
        ],
        "media": [],
    }
    bundle.update(changes)
    return bundle


def send(client, code: str, item_id: str, bundle: dict | None, files=(), overrides=None):
    text = json.dumps(bundle) if bundle is not None else ""
    data = {
        "bundle": text,
        "bundle_length": str(len(text.encode())),
        "bundle_sha256": hashlib.sha256(text.encode()).hexdigest(),
    }
    data.update(overrides or {})
    for number, body in enumerate(files):
        data[f"file-{number}"] = (io.BytesIO(body), f"file-{number}")
    return client.post(
        f"/s/{code}/outbox/{item_id}",
        data=data,
        headers=OUTBOX_HEADERS,
        content_type="multipart/form-data",
    )


@pytest.fixture
def survey(app, make_campaign):
    campaign = make_campaign()
    with app.app_context():
        questions = [
            q["question_id"] for q in campaigns.campaign_questions(get_db(), campaign["id"])
        ]
    return campaign, questions


def sessions_of(app, campaign_id: int) -> list[dict]:
    with app.app_context():
        rows = get_db().execute(
            "SELECT * FROM respondent_sessions WHERE campaign_id = ?", [campaign_id]
        )
        return [dict(row) for row in rows]


def test_the_same_person_sent_twice_is_one_person_with_times_from_the_device(app, client, survey):
    campaign, questions = survey
    item_id = str(uuid.uuid4())
    bundle = bundle_for(campaign, questions[:2])
    first = send(client, campaign["code"], item_id, bundle)
    again = send(client, campaign["code"], item_id, bundle)
    assert first.status_code == again.status_code == 200
    assert first.json["status"] == again.json["status"] == "taken"
    sessions = sessions_of(app, campaign["id"])
    assert len(sessions) == 1
    assert sessions[0]["answered_offline"] == 1
    assert sessions[0]["finished_at"] == "2026-11-02T10:12:00+00:00"
    with app.app_context():
        answers = respondents.answers_for_session(get_db(), sessions[0]["id"])
        rows = (
            get_db()
            .execute(
                "SELECT question_id, created_at, answered_how FROM answers WHERE session_id = ?",
                [sessions[0]["id"]],
            )
            .fetchall()
        )
    assert set(answers) == set(questions[:2])
    assert {row["question_id"]: row["created_at"] for row in rows}[questions[1]] == (
        "2026-11-02T10:01:30+00:00"
    )
    assert {row["answered_how"] for row in rows} == {"helped"}


def test_the_answers_reach_the_responses_command(app, client, survey, runner):
    campaign, questions = survey
    send(client, campaign["code"], str(uuid.uuid4()), bundle_for(campaign, questions[:1]))
    result = runner.invoke(args=["responses", campaign["code"], "--json"])
    assert result.exit_code == 0
    [row] = json.loads(result.output)
    assert row["free_text"] == f"Words for {questions[0]}"
    assert (row["answered_how"], row["answered_offline"]) == ("helped", True)


@pytest.mark.parametrize(
    "overrides",
    [
        {"bundle": "", "bundle_length": "0", "bundle_sha256": hashlib.sha256(b"").hexdigest()},
        {"bundle_length": "3"},
        {"bundle_sha256": "0" * 64},
        {"bundle_length": ""},
    ],
    ids=["empty", "length", "checksum", "no-length"],
)
def test_an_empty_or_changed_send_is_refused_and_nothing_is_stored(app, client, survey, overrides):
    campaign, questions = survey
    response = send(
        client,
        campaign["code"],
        str(uuid.uuid4()),
        bundle_for(campaign, questions),
        overrides=overrides,
    )
    assert response.status_code == 400
    assert response.json["status"] == "refused"
    assert sessions_of(app, campaign["id"]) == []
    with app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM offline_intake").fetchone()[0] == 0


def test_a_body_with_nothing_in_it_is_refused(app, client, survey):
    campaign, _questions = survey
    response = client.post(
        f"/s/{campaign['code']}/outbox/{uuid.uuid4()}", data=b"", headers=OUTBOX_HEADERS
    )
    assert response.status_code == 400
    assert sessions_of(app, campaign["id"]) == []


def test_a_refused_item_can_be_sent_again_whole_and_is_taken(app, client, survey):
    campaign, questions = survey
    item_id = str(uuid.uuid4())
    bundle = bundle_for(campaign, questions)
    assert (
        send(
            client, campaign["code"], item_id, bundle, overrides={"bundle_sha256": "1" * 64}
        ).status_code
        == 400
    )
    assert send(client, campaign["code"], item_id, bundle).json["status"] == "taken"
    assert len(sessions_of(app, campaign["id"])) == 1


def test_a_send_without_the_outbox_header_is_refused(app, client, survey):
    campaign, questions = survey
    text = json.dumps(bundle_for(campaign, questions))
    response = client.post(
        f"/s/{campaign['code']}/outbox/{uuid.uuid4()}",
        data={
            "bundle": text,
            "bundle_length": str(len(text)),
            "bundle_sha256": hashlib.sha256(text.encode()).hexdigest(),
        },
    )
    assert response.status_code == 403
    assert sessions_of(app, campaign["id"]) == []


def test_a_closed_campaign_keeps_the_answers_for_the_lead(app, client, survey, staff_client):
    campaign, questions = survey
    with app.app_context():
        campaigns.set_campaign_status(get_db(), campaign["id"], "closed")
    item_id = str(uuid.uuid4())
    response = send(client, campaign["code"], item_id, bundle_for(campaign, questions))
    assert response.status_code == 200
    assert response.json["status"] == "held"
    assert "closed" in response.json["message"]
    assert send(client, campaign["code"], item_id, bundle_for(campaign, questions)).json[
        "status"
    ] == ("held")
    assert sessions_of(app, campaign["id"]) == []
    with app.app_context():
        held = outbox.held_bundles(get_db(), campaign["id"])
        kept = get_db().execute("SELECT bundle FROM offline_intake").fetchone()["bundle"]
    assert [row["reason"] for row in held] == ["closed"]
    assert json.loads(kept)["answers"][0]["free_text"] == f"Words for {questions[0]}"
    lead = staff_client("lead")
    page = lead.get(f"/s/{campaign['code']}/offline").get_data(as_text=True)
    assert "Answers kept for you" in page
    assert "the survey was closed" in page


def test_a_question_taken_out_meanwhile_keeps_the_answers_for_the_lead(app, client, survey):
    campaign, questions = survey
    bundle = bundle_for(campaign, questions)
    bundle["answers"][0]["question_id"] = "gone-question"
    response = send(client, campaign["code"], str(uuid.uuid4()), bundle)
    assert response.json["status"] == "held"
    with app.app_context():
        assert outbox.held_bundles(get_db(), campaign["id"])[0]["reason"] == "changed"


def test_a_photo_travels_with_its_person_and_is_checked(app, client, survey, tmp_path: Path):
    campaign, questions = survey
    photo = samples.photo_with_gps(tmp_path / "photo.jpg").read_bytes()
    described = {
        "kind": "photo",
        "question_id": questions[0],
        "size": len(photo),
        "sha256": hashlib.sha256(photo).hexdigest(),
    }
    bundle = bundle_for(campaign, questions[:1], media=[described])
    wrong = send(client, campaign["code"], str(uuid.uuid4()), bundle, files=[photo[:-10]])
    assert wrong.status_code == 400
    item_id = str(uuid.uuid4())
    assert send(client, campaign["code"], item_id, bundle, files=[photo]).json["status"] == "taken"
    assert send(client, campaign["code"], item_id, bundle, files=[photo]).json["status"] == "taken"
    with app.app_context():
        items = get_db().execute("SELECT kind, question_id FROM media_items").fetchall()
    assert [(row["kind"], row["question_id"]) for row in items] == [("photo", questions[0])]


def test_every_kept_page_renders_blank_in_every_language(app, make_campaign, staff_client):
    campaign = make_campaign(languages=["en", "ar"])
    supporter = staff_client("supporter")
    manifest = supporter.get(f"/s/{campaign['code']}/offline/manifest").json
    assert {page["language"] for page in manifest["pages"]} == {"en", "ar"}
    assert any(f.endswith("/static/offline/store.js") for f in manifest["files"])
    clips = set()
    for page in manifest["pages"]:
        response = supporter.get(page["source"])
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        assert f'lang="{page["language"]}"' in html
        assert 'name="free_text"' not in html or "></textarea>" in html
        clips.update(re.findall(r'src="(/audio/[^"]+)"', html))
    # Reading aloud is on unless the tablet turned it off: the clips are in the kept pages.
    assert len(clips) > 50
    clip = supporter.get(sorted(clips)[0])
    assert clip.status_code == 200
    clip.close()
    worker = supporter.get("/s/sw.js")
    assert worker.mimetype == "text/javascript"
    assert 'importScripts("/static/offline/store.js")' in worker.get_data(as_text=True)


def test_preparing_a_device_is_for_supporters_and_leads(app, make_campaign, staff_client, client):
    campaign = make_campaign()
    start = staff_client("supporter").get("/staff/assist/").get_data(as_text=True)
    assert 'href="/s/{}/offline"'.format(campaign["code"]) in start
    assert client.get(f"/s/{campaign['code']}/offline/manifest").status_code == 302
    assert staff_client("advocate").get(f"/s/{campaign['code']}/offline").status_code == 403
    page = staff_client("supporter").get(f"/s/{campaign['code']}/offline")
    assert "Get this survey ready to use without internet" in page.get_data(as_text=True)
    assert "This needs JavaScript" in page.get_data(as_text=True)


def test_words_of_concern_given_offline_flag_the_person_for_a_lead(app, client, survey):
    campaign, questions = survey
    bundle = bundle_for(campaign, questions[:1])
    bundle["answers"][0]["free_text"] = "My carer HITS me, sometimes."
    assert send(client, campaign["code"], str(uuid.uuid4()), bundle).json["status"] == "taken"
    with app.app_context():
        flags = get_db().execute("SELECT reason, matched, question_id FROM safeguarding_flags")
        assert [tuple(row) for row in flags] == [("concern_words", "hits me", questions[0])]


def test_the_rest_of_a_journey_begun_online_is_kept_for_the_lead(app, client, survey):
    campaign, questions = survey
    bundle = bundle_for(campaign, questions[1:], respondent_group="", answered_how="")
    assert send(client, campaign["code"], str(uuid.uuid4()), bundle).json["status"] == "held"
    with app.app_context():
        assert outbox.held_bundles(get_db(), campaign["id"])[0]["reason"] == "joined"
    assert sessions_of(app, campaign["id"]) == []
