"""The ZIP export carries the pictures people agreed may be shown, and only those."""

from __future__ import annotations

import json
import zipfile

import openpyxl

from engage import store
from engage.store import get_db
from tests.conftest import csrf_token
from tests.engage.test_media_answers import MediaRespondent
from tests.media import samples


def _send_photo(person, client, app, tmp_path, name: str, consent: str, description: str) -> None:
    assert person.form_upload("photo", samples.photo_with_gps(tmp_path / name)).status_code == 302
    with app.app_context():
        item_id = get_db().execute("SELECT MAX(id) FROM media_items").fetchone()[0]
    url = f"{person.base}/media/item/{item_id}?q={person.question_id}"
    page = client.get(url).get_data(as_text=True)
    saved = client.post(
        url, data={"csrf_token": csrf_token(page), "consent": consent, "description": description}
    )
    assert saved.status_code == 302


def test_zip_holds_consented_media_files_only(app, client, make_campaign, runner, tmp_path):
    campaign = make_campaign(statement_ids=["QS1"])
    with app.app_context():
        question_id = get_db().execute("SELECT question_id FROM campaign_questions").fetchone()[0]
    person = MediaRespondent(client, campaign["code"], question_id)
    person.consent(take_part="yes", quote="yes", media="yes")
    person.who()
    _send_photo(person, client, app, tmp_path, "garden.jpg", "report", "My garden")
    _send_photo(person, client, app, tmp_path, "room.jpg", "private", "My room")

    with app.app_context():
        db = get_db()
        for (review_item_id,) in db.execute(
            "SELECT id FROM review_items WHERE item_kind = 'media'"
        ).fetchall():
            # The sheet carries the lead's description, never the person's unreviewed words.
            store.review.describe_media(db, review_item_id, "A garden with flowers", "lead")
    target = tmp_path / "evidence.zip"
    result = runner.invoke(args=["export", campaign["code"], "--format", "zip", "-o", str(target)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as archive:
        media = [name for name in archive.namelist() if name.startswith("media/")]
        assert len(media) == 1
        assert media[0].endswith(".jpg")
        data = archive.read(media[0])
        workbook_name = next(n for n in archive.namelist() if n.endswith(".xlsx"))
        archive.extract(workbook_name, tmp_path)
    assert data[:3] == b"\xff\xd8\xff"
    assert b"GPS" not in data
    sheet = openpyxl.load_workbook(tmp_path / workbook_name, read_only=True)["Media"]
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    flat = [str(cell) for row in rows for cell in row if cell is not None]
    assert "A garden with flowers" in flat
    assert "My garden" not in flat
    assert media[0] in flat


def test_a_name_the_lead_redacted_leaves_their_description_too(
    app, client, make_campaign, runner, tmp_path
):
    campaign = make_campaign(statement_ids=["QS1"])
    with app.app_context():
        question_id = get_db().execute("SELECT question_id FROM campaign_questions").fetchone()[0]
    person = MediaRespondent(client, campaign["code"], question_id)
    person.consent(take_part="yes", quote="yes", media="yes")
    person.who()
    _send_photo(person, client, app, tmp_path, "garden.jpg", "report", "Sharon took me out")
    with app.app_context():
        db = get_db()
        item = db.execute("SELECT id, text FROM review_items WHERE item_kind = 'media'").fetchone()
        assert item["text"].startswith("Sharon")
        store.review.add_redaction(db, item["id"], 0, 6, "name", "lead")
        store.review.describe_media(db, item["id"], "Sharon and the person in a garden", "lead")
    target = tmp_path / "evidence.json"
    result = runner.invoke(args=["export", campaign["code"], "--format", "json", "-o", str(target)])
    assert result.exit_code == 0, result.output
    (media,) = json.loads(target.read_text(encoding="utf-8"))["media"]
    assert "Sharon" not in media["description"]
    assert "the person in a garden" in media["description"]


def test_a_photo_left_out_or_held_for_safeguarding_leaves_every_format(
    app, make_campaign, staff_client, tmp_path
):
    from tests.engage.test_group_evidence import _export

    campaign = make_campaign(statement_ids=["QS1"])
    with app.app_context():
        question_id = get_db().execute("SELECT question_id FROM campaign_questions").fetchone()[0]
    people = {}
    # Concern words in the last one's description hold that photo at once.
    for words in ("My garden", "My kitchen", "My bus stop", "My carer hits me here"):
        device = app.test_client()
        person = MediaRespondent(device, campaign["code"], question_id)
        person.consent(take_part="yes", quote="yes", media="yes")
        person.who()
        _send_photo(person, device, app, tmp_path, f"{len(people)}.jpg", "report", words)
        people[words] = (person, device)
    lead = staff_client("lead")
    base = f"/staff/campaigns/{campaign['code']}/evidence"
    with app.app_context():
        items = {
            row["text"]: row["id"]
            for row in get_db().execute("SELECT id, text FROM review_items").fetchall()
        }
    for words, item_id in items.items():
        page = lead.get(f"{base}/items/{item_id}").get_data(as_text=True)
        described = {"description": f"A photo: {words}", "csrf_token": csrf_token(page)}
        assert lead.post(f"{base}/items/{item_id}/describe", data=described).status_code == 302
    # The lead leaves the kitchen out; the person with the bus stop presses "I am worried".
    page = lead.get(f"{base}/items/{items['My kitchen']}").get_data(as_text=True)
    left_out = {"included": "no", "csrf_token": csrf_token(page)}
    response = lead.post(f"{base}/items/{items['My kitchen']}/included", data=left_out)
    assert response.status_code == 302
    person, device = people["My bus stop"]
    token = csrf_token(device.get(f"{person.base}/worried").get_data(as_text=True))
    assert device.post(f"{person.base}/worried", data={"worry": "", "csrf_token": token})

    for fmt in ("xlsx", "csv", "json", "zip"):
        rows = _export(lead, campaign, fmt, tmp_path)["Media"]
        assert [str(row[2]) for row in rows] == ["A photo: My garden"], fmt
    with zipfile.ZipFile(tmp_path / "export.zip") as archive:
        assert len([n for n in archive.namelist() if n.startswith("media/")]) == 1
