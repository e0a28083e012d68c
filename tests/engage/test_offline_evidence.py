"""Answers sent from a tablet's outbox are marked "answered offline" in every export format.

Five people answer offline (sent over HTTP to the outbox intake, one with a photo) and six
online through the respondent pages (one with a photo). A lead quotes one of each and
downloads each format: the Engagement record counts the five who answered without internet,
and each quote and media row says whether its person answered offline. Each photo taken offline
carries the person's "who may see it" choice: the one to show in the report is in the Media
sheet and the ZIP, and its words can reach "you said", as online; the one kept for the review
team is in none of them.
"""

from __future__ import annotations

import hashlib
import json
import uuid
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from engage import store
from engage.store import campaigns, get_db
from exports.records import ParticipantRecord, Statement
from exports.triangulation import build_tables
from tests.conftest import csrf_token
from tests.engage.test_evidence_media_zip import _send_photo
from tests.engage.test_group_evidence import _export, _person, _publish, _quote
from tests.engage.test_media_answers import MediaRespondent
from tests.engage.test_offline_intake import bundle_for, send
from tests.media import samples

FORMATS = ("xlsx", "csv", "json", "zip")
OFFLINE_WORDS = "I answered on the tablet in the garden room"
ONLINE_WORDS = "I answered on my own phone at home"
OFFLINE_ITEM = "People who answered without internet (on a prepared tablet)"
OFFLINE_PHOTO = "My garden, taken on the tablet"
PRIVATE_PHOTO = "My bedroom, only for the team"


@pytest.fixture
def answered(app, client, make_campaign, staff_client, tmp_path: Path):
    """Return a lead and the campaign, once five people answered offline and six online."""
    campaign = make_campaign(statement_ids=["QS1"], code="offmark")
    with app.app_context():
        db = get_db()
        campaigns.update_campaign_settings(
            db, campaign["id"], {"min_group_size": 5, "min_cell_count": 3}
        )
        questions = [q["question_id"] for q in campaigns.campaign_questions(db, campaign["id"])]
    photo = samples.photo_with_gps(tmp_path / "garden.jpg").read_bytes()
    described = {
        "kind": "photo",
        "question_id": questions[0],
        "size": len(photo),
        "sha256": hashlib.sha256(photo).hexdigest(),
    }
    chosen = {
        0: {**described, "consent": "report", "description": OFFLINE_PHOTO},
        1: {**described, "consent": "private", "description": PRIVATE_PHOTO},
    }
    for number in range(5):
        bundle = bundle_for(campaign, questions)
        bundle["answers"][0]["free_text"] = OFFLINE_WORDS if number == 0 else ""
        files = [photo] if number in chosen else []
        if number in chosen:
            bundle["media"] = [chosen[number]]
        response = send(client, campaign["code"], str(uuid.uuid4()), bundle, files=files)
        assert response.json["status"] == "taken"
    for number in range(5):
        _person(app, campaign, ["good", "ok"], ONLINE_WORDS if number == 0 else "")
    person = MediaRespondent(client, campaign["code"], questions[0])
    person.consent(take_part="yes", quote="yes", media="yes")
    person.who()
    _send_photo(person, client, app, tmp_path, "room.jpg", "report", "My room")
    lead = staff_client("lead")
    _quote(lead, app, campaign, [OFFLINE_WORDS, ONLINE_WORDS])
    _lead_describes_each_item(lead, app, campaign)
    return lead, campaign


def _lead_describes_each_item(lead, app, campaign) -> None:
    """Describe every media item in the review queue as a lead does, over HTTP."""
    with app.app_context():
        items = get_db().execute("SELECT id FROM review_items WHERE item_kind = 'media'")
        item_ids = [row["id"] for row in items]
    for item_id in item_ids:
        base = f"/staff/campaigns/{campaign['code']}/evidence/items/{item_id}"
        token = csrf_token(lead.get(base).get_data(as_text=True))
        described = lead.post(
            f"{base}/describe", data={"description": f"Photo {item_id}", "csrf_token": token}
        )
        assert described.status_code == 302


def _text(value) -> str:
    return "" if value is None else str(value)


def test_every_format_marks_who_answered_offline(answered, tmp_path: Path):
    lead, campaign = answered
    for fmt in FORMATS:
        tables = _export(lead, campaign, fmt, tmp_path)
        engagement = {_text(r[1]): r for r in tables["Engagement record"]}
        assert _text(engagement[OFFLINE_ITEM][0]) == "Without internet", fmt
        assert _text(engagement[OFFLINE_ITEM][2]) == "5", fmt
        assert _text(engagement[OFFLINE_ITEM][3]) == "EV-ENGAGEMENT-OFFLINE", fmt
        assert _text(engagement["People who took part"][2]) == "11", fmt
        # Quotes: the words (column 8) and "Answered offline" (column 10).
        quotes = {_text(r[8]): _text(r[10]) for r in tables["Quotes"]}
        assert quotes == {OFFLINE_WORDS: "yes", ONLINE_WORDS: "no"}, fmt
        # The photo to show from the tablet beside the one from the phone; never the private one.
        media = sorted((_text(r[1]), _text(r[3]), _text(r[7])) for r in tables["Media"])
        assert media == [("photo", "yes", "no"), ("photo", "yes", "yes")], fmt
        if fmt == "zip":
            # Each file the sheet names is in the ZIP, and no other: the private one is not.
            with zipfile.ZipFile(tmp_path / "export.zip") as archive:
                files = {n for n in archive.namelist() if n.startswith("media/")}
            assert {_text(r[4]) for r in tables["Media"]} == files and len(files) == 2
        read_me = {_text(r[0]): _text(r[1]) for r in tables["Read me"]}
        assert read_me["Schema version"] == "2.2", fmt
        assert read_me["Answered offline"].startswith("People who answered on a prepared"), fmt


def test_the_responses_command_marks_each_answer_sent_from_the_outbox(answered, app):
    _lead, campaign = answered
    result = app.test_cli_runner().invoke(args=["responses", campaign["code"], "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    offline = {r["session"] for r in rows if r["answered_offline"]}
    online = {r["session"] for r in rows if not r["answered_offline"]}
    # Five people sent their answers from the tablet's outbox; five answered the questions
    # online (the sixth sent a photo alone, which is not a row here).
    assert (len(offline), len(online), offline & online) == (5, 5, set())
    assert {r["answered_how"] for r in rows if r["answered_offline"]} == {"helped"}


def test_words_about_a_photo_shown_from_the_tablet_reach_you_said(answered, app, client):
    lead, campaign = answered
    # The person's own words about each photo are in the review queue: the lead quotes them.
    with app.app_context():
        queue = store.review.review_queue(get_db(), campaign["id"], limit=100)
    consent = {
        item["text"]: item["consent_quote"] for item in queue if item["item_kind"] == "media"
    }
    assert consent[OFFLINE_PHOTO] == 1 and consent[PRIVATE_PHOTO] == 0
    _quote(lead, app, campaign, [OFFLINE_PHOTO])
    # Words the person kept for the review team cannot be quoted, as online.
    [private] = [item for item in queue if item["text"] == PRIVATE_PHOTO]
    base = f"/staff/campaigns/{campaign['code']}/evidence/items/{private['id']}"
    refused = lead.post(
        f"{base}/quote",
        data={
            "words": PRIVATE_PHOTO,
            "statements": "QS1",
            "csrf_token": csrf_token(lead.get(base).get_data(as_text=True)),
        },
    )
    assert refused.status_code == 409
    _publish(lead, campaign)
    said = client.get(f"/s/{campaign['code']}/you-said").get_data(as_text=True)
    assert OFFLINE_PHOTO in said
    assert PRIVATE_PHOTO not in said


def test_the_offline_mark_is_left_blank_where_it_could_point_to_someone(
    answered, app, tmp_path: Path
):
    lead, campaign = answered
    with app.app_context():
        # Now six must be seen together: five who answered offline would point to them.
        campaigns.update_campaign_settings(get_db(), campaign["id"], {"min_group_size": 6})
    tables = _export(lead, campaign, "json", tmp_path)
    assert {_text(r[10]) for r in tables["Quotes"]} == {""}
    assert [_text(r[7]) for r in tables["Media"]] == ["", ""]


def test_a_small_number_who_answered_offline_is_hidden_with_small_numbers():
    people = [ParticipantRecord(f"s{n}", "person", "own", "en") for n in range(12)]
    few = [replace(p, answered_offline=n < 2) for n, p in enumerate(people)]
    tables = build_tables([], few, [Statement("QS1", "Assessing needs")], min_cell_count=3)
    assert (tables.engagement.offline.raw_people, tables.engagement.offline.people) == (2, None)
    assert tables.names_offline() is False
    many = [replace(p, answered_offline=n < 6) for n, p in enumerate(people)]
    tables = build_tables([], many, [Statement("QS1", "Assessing needs")], min_group_size=5)
    assert tables.engagement.offline.people == 6
    assert tables.names_offline() is True
