"""Drawings, photos and voice sent through the real forms show on "check your answers".

Each one can be changed or deleted from there; deleting asks first; sizes are said in
everyday words; the warning before sending is text on the page.
"""

from __future__ import annotations

import re

import pytest
from PIL import Image

from engage.store import get_db
from tests.conftest import csrf_token
from tests.engage.test_media_answers import MediaRespondent, _items
from tests.media import samples


@pytest.fixture
def person(app, client, make_campaign):
    campaign = make_campaign()
    with app.app_context():
        first = get_db().execute(
            "SELECT question_id FROM campaign_questions WHERE campaign_id = ? ORDER BY position",
            [campaign["id"]],
        )
        question_id = first.fetchone()[0]
    respondent = MediaRespondent(client, campaign["code"], question_id)
    respondent.start()
    respondent.campaign = campaign
    return respondent


def _check(person) -> str:
    reply = person.client.get(f"{person.base}/check")
    assert reply.status_code == 200
    return reply.get_data(as_text=True)


def _link(page: str, item_id: int) -> str:
    """Return the "Change or delete" link for an item, as the page gives it."""
    found = re.findall(rf'href="([^"]*/media/item/{item_id}\?[^"]*)"', page)
    assert len(found) == 1, found
    return found[0].replace("&amp;", "&")


def test_a_drawing_and_a_photo_show_with_change_and_delete(person, app, client, tmp_path):
    assert person.answer(person.question_id, "good", "I like the garden").status_code == 302
    assert person.form_upload("drawing", samples.png_drawing(tmp_path / "d.png")).status_code == 302
    photo = samples.photo_with_gps(tmp_path / "p.jpg")
    assert person.form_upload("photo", photo, q=None).status_code == 302
    drawing, photo_item = sorted(_items(app), key=lambda item: item["id"])
    assert (drawing["question_id"], photo_item["question_id"]) == (person.question_id, None)

    page = _check(person)
    for item in (drawing, photo_item):
        assert f"/media/file/{item['id']}/thumb" in page
    assert "Your drawing" in page and "Your photo" in page
    assert page.count("Change or delete") == 2
    assert "Anything else you told us" in page
    # The warning is words on the page, not only in the spoken clip.
    assert "You cannot change your answers after you send them." in page
    # What the person typed can be heard.
    assert 'aria-label="Listen to what you wrote (' in page
    with client.get(f"{person.base}/media/file/{drawing['id']}/thumb") as thumb:
        assert thumb.status_code == 200 and thumb.mimetype.startswith("image/")

    # Change: the description is saved and the person is back on "check your answers".
    change = _link(page, drawing["id"])
    assert "then=check" in change
    item_page = client.get(change).get_data(as_text=True)
    saved = client.post(
        change,
        data={"csrf_token": csrf_token(item_page), "consent": "words", "description": "My cat"},
    )
    assert saved.status_code == 302 and saved.location.endswith("/check")
    page = _check(person)
    assert "<q>My cat</q>" in page
    assert _spoken(app) >= {"I like the garden", "My cat"}

    # Delete: the button only asks; the photo goes when the person says yes.
    remove = change.replace(f"/item/{drawing['id']}?", f"/item/{photo_item['id']}/remove?")
    assert f'href="{remove.split("?")[0]}' in client.get(_link(page, photo_item["id"])).get_data(
        as_text=True
    )
    asked = client.get(remove)
    assert asked.status_code == 200
    asked_page = asked.get_data(as_text=True)
    assert "Do you want to delete your photo?" in asked_page
    assert "Yes, delete my photo" in asked_page and "No, keep it" in asked_page
    assert len(_items(app)) == 2
    gone = client.post(remove, data={"csrf_token": csrf_token(asked_page)})
    assert gone.status_code == 302 and gone.location.endswith("/check")
    assert [item["id"] for item in _items(app)] == [drawing["id"]]
    page = _check(person)
    assert f"/media/file/{photo_item['id']}/" not in page
    assert "Anything else you told us" not in page

    # Words read aloud and then changed are not kept as read-aloud texts.
    person.answer(person.question_id, "good", "I like the park")
    item_page = client.get(change).get_data(as_text=True)
    client.post(change, data={"csrf_token": csrf_token(item_page), "consent": "words"})
    assert not _spoken(app) & {"I like the garden", "My cat"}


def _spoken(app) -> set[str]:
    with app.app_context():
        return {row[0] for row in get_db().execute("SELECT text FROM narration_texts")}


def test_a_voice_answer_shows_with_a_play_button(person, app, tmp_path):
    reply = person.form_upload("audio", samples.voice_webm(tmp_path / "v.webm"))
    assert reply.status_code == 302
    (item,) = _items(app)
    page = _check(person)
    player = re.search(r'<button class="say__button"[^>]*aria-label="Play your recording"', page)
    assert player is not None
    assert f'src="{person.base}/media/file/{item["id"]}/main"' in page
    assert "Your recording" in page and "Change or delete" in page


def test_sizes_are_said_in_everyday_words(person, client):
    for kind, words in (
        ("photo", "Any photo from a phone or tablet is fine."),
        ("drawing", "Any photo from a phone or tablet is fine."),
        ("video", "You can send a short video, up to about 4 minutes."),
        ("audio", "You can send a recording up to about 50 minutes long."),
    ):
        page = client.get(person.add_page(kind)).get_data(as_text=True)
        assert words in page
        assert not re.search(r"\d\s*MB\b", page)


def test_a_file_too_big_says_what_to_send_instead(person, app, tmp_path):
    with app.app_context():
        get_db().execute(
            "UPDATE campaigns SET max_photo_bytes = 5000 WHERE id = ?", [person.campaign["id"]]
        )
    photo = tmp_path / "big.jpg"
    Image.effect_noise((500, 400), 80).convert("RGB").save(photo, quality=95)
    reply = person.form_upload("photo", photo)
    assert reply.status_code == 413
    page = reply.get_data(as_text=True)
    assert "Only small photos fit." in page
    assert "Please send a shorter or smaller photo." in page
    assert _items(app) == []


def test_the_disabled_stamp_button_looks_disabled(app):
    css = (app.static_folder + "/engage.css").replace("//", "/")
    with open(css) as sheet:
        rule = re.search(r"\.button:disabled[^{]*\{([^}]*)\}", sheet.read())
    assert rule is not None
    assert "dashed" in rule[1] and "box-shadow: none" in rule[1]
