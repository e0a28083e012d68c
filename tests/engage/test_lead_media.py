"""A lead's own media: recorded voices, own pictures for questions, and flip-chart photos."""

from __future__ import annotations

import io
import math
import wave

from PIL import Image

from engage import store
from engage.store import get_db
from media import narration
from tests.conftest import csrf_token


def _lead(staff_client):
    client = staff_client("lead")
    client.token = csrf_token(client.get("/staff/sign-in").get_data(as_text=True))
    return client


def _tone() -> bytes:
    buffer = io.BytesIO()
    frames = b"".join(
        int(8000 * math.sin(2 * math.pi * 330 * i / 16000)).to_bytes(2, "little", signed=True)
        for i in range(16000)
    )
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(frames)
    return buffer.getvalue()


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (300, 200), "navy")
    exif = Image.Exif()
    exif[0x010F] = "Secret camera maker"  # Make
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def _question_text(app, campaign) -> str:
    with app.app_context():
        return store.campaigns.campaign_questions(get_db(), campaign["id"])[0]["content"]["text"][
            "en"
        ]


def test_a_lead_uploads_and_removes_a_recorded_voice(app, staff_client, make_campaign):
    campaign = make_campaign()
    code = campaign["code"]
    lead = _lead(staff_client)
    question = _question_text(app, campaign)
    key = narration.text_key(question, "en")
    page = lead.get(f"/staff/campaigns/{code}/voices").get_data(as_text=True)
    assert f'value="{key}"' in page and "None yet." in page
    path = f"/staff/campaigns/{code}/voices"

    def send(data: bytes, **form):
        fields = {"csrf_token": lead.token, "language": "en", **form}
        fields["recording"] = (io.BytesIO(data), "voice.wav")
        return lead.post(path, data=fields, content_type="multipart/form-data")

    assert send(_tone(), key="nosuchkey").status_code == 400
    assert send(b"not a sound at all", key=key).status_code == 400
    assert send(_tone(), key=key, language="xx").status_code == 400
    with app.app_context():
        assert store.narration.recordings_for_campaign(get_db(), campaign["id"]) == {}
    assert send(_tone(), key=key).status_code == 302
    with app.app_context():
        assert (key, "en") in store.narration.recordings_for_campaign(get_db(), campaign["id"])
    page = lead.get(f"/staff/campaigns/{code}/voices?done=recorded").get_data(as_text=True)
    assert "The recording is in use." in page and "Use the computer voice" in page
    removed = lead.post(
        f"{path}/remove", data={"csrf_token": lead.token, "language": "en", "key": key}
    )
    assert removed.status_code == 302
    with app.app_context():
        assert store.narration.recordings_for_campaign(get_db(), campaign["id"]) == {}
        entries = [
            (entry["subject"], entry["detail"])
            for entry in store.staff.audit_entries(get_db())
            if entry["action"] == "record_voice" and entry["user_id"] is not None
        ]
    assert entries == [(code, f"{key} removed"), (code, key)]


def test_a_lead_adds_a_picture_and_chooses_it_for_a_question(app, staff_client, make_campaign):
    campaign = make_campaign()
    code = campaign["code"]
    lead = _lead(staff_client)
    path = f"/staff/campaigns/{code}/pictures"

    def send(data: bytes, alt: str):
        return lead.post(
            path,
            data={"csrf_token": lead.token, "alt": alt, "picture": (io.BytesIO(data), "p.jpg")},
            content_type="multipart/form-data",
        )

    assert send(_jpeg_with_exif(), "").status_code == 400
    assert send(b"GIF89a not allowed", "A gif").status_code == 400
    assert send(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "An svg").status_code == 400
    with app.app_context():
        assert store.media.campaign_pictures(get_db(), campaign["id"]) == []
    assert send(_jpeg_with_exif(), "The front door of the day centre").status_code == 302
    with app.app_context():
        picture = store.media.campaign_pictures(get_db(), campaign["id"])[0]
    page = lead.get(path).get_data(as_text=True)
    assert 'alt="The front door of the day centre"' in page
    for size in ("large", "small"):
        response = lead.get(f"/pictures/own/{picture['id']}/{size}")
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
        served = Image.open(io.BytesIO(response.data))
        assert not served.getexif(), "the EXIF is stripped"
        response.close()
    assert lead.get(f"/pictures/own/{picture['id']}/huge").status_code == 404
    assert lead.get("/pictures/own/999/small").status_code == 404
    # The question form offers it, and a respondent sees it.
    own_id = f"own-{picture['id']}"
    form = lead.get(f"/staff/campaigns/{code}/questions/QS1-01").get_data(as_text=True)
    assert f'value="{own_id}"' in form
    with app.app_context():
        question = store.campaigns.campaign_question(get_db(), campaign["id"], "QS1-01")
    values = {
        "text": question["content"]["text"]["en"],
        "hint": question["content"]["hint"].get("en", ""),
        "alt": "The front door of the day centre",
        "tell_us_more": question["content"]["tell_us_more"]["en"],
        "picture": own_id,
    }
    saved = lead.post(
        f"/staff/campaigns/{code}/questions/QS1-01", data={"csrf_token": lead.token, **values}
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    with app.app_context():
        question = store.campaigns.campaign_question(get_db(), campaign["id"], "QS1-01")
    assert question["content"]["picture"] == own_id


def test_an_advocate_adds_a_flip_chart_photo_for_review(app, staff_client, make_campaign):
    campaign = make_campaign(code="flip")
    advocate = staff_client("advocate")
    token = csrf_token(advocate.get("/staff/sign-in").get_data(as_text=True))
    with app.app_context():
        group = store.groups.create_group_session(
            get_db(),
            campaign_id=campaign["id"],
            advocate_id=advocate.user["id"],
            place="Library",
            group_size=6,
            respondent_group="person",
            question_ids=["QS1-01"],
        )
    overview = advocate.get(f"/staff/groups/{group}/").get_data(as_text=True)
    assert 'id="flipchart-photo"' in overview
    path = f"/staff/groups/{group}/photo"

    def send(data: bytes, description: str):
        return advocate.post(
            path,
            data={
                "csrf_token": token,
                "description": description,
                "photo": (io.BytesIO(data), "flip.jpg"),
            },
            content_type="multipart/form-data",
        )

    assert send(_jpeg_with_exif(), "").status_code == 400
    assert send(b"not a picture", "Our ideas").status_code == 400
    assert send(_jpeg_with_exif(), "Our ideas about the bus").status_code == 302
    with app.app_context():
        items = store.review.review_queue(get_db(), campaign["id"], item_kind="group_note")
    assert [i["text"] for i in items] == ["Our ideas about the bus"]
    lead = _lead(staff_client)
    item_path = f"/staff/campaigns/flip/evidence/items/{items[0]['id']}"
    page = lead.get(item_path).get_data(as_text=True)
    assert "Flip-chart photo" in page
    response = lead.get(f"{item_path}/media/main")
    assert response.status_code == 200
    assert not Image.open(io.BytesIO(response.data)).getexif()
    response.close()
    assert lead.get(f"{item_path}/media/poster").status_code == 404
