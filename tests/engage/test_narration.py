"""Narration in the app: controls beside every text, clips served and rendered on demand."""

from __future__ import annotations

import json
import math
import wave
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from engage.store import get_db
from media import narration
from tests.engage.journey import Respondent, follow_resume_link

NARRATED = ["h1", "p", ".choice__text", ".legend__text", ".error-summary__list a"]


@pytest.fixture
def campaign(make_campaign):
    return make_campaign(statement_ids=["QS1"])


def _store(app) -> narration.ClipStore:
    return app.extensions["narration"].store


def _question_ids(app, campaign) -> list[str]:
    with app.app_context():
        rows = get_db().execute(
            "SELECT question_id FROM campaign_questions WHERE campaign_id = ? ORDER BY position",
            [campaign["id"]],
        )
        return [row[0] for row in rows]


def _fetch(client, url: str, **options):
    """Fetch a clip and close the file it was sent from."""
    response = client.get(url, **options)
    response.get_data()
    response.close()
    return response


def _clips(html: str, listen: str = "Listen: ") -> dict[str, str]:
    """Return the text each read-aloud control speaks -> its Ogg URL."""
    soup = BeautifulSoup(html, "html.parser")
    clips = {}
    for button in soup.select("button.say__button"):
        audio = button.find_next_sibling()
        assert audio.name == "audio", "a play button without its audio"
        assert audio["preload"] == "none"
        sources = audio.find_all("source")
        assert [s["type"].split(";")[0] for s in sources] == ["audio/ogg", "audio/mpeg"]
        if not button.has_attr("lang"):
            assert button["aria-label"].startswith(listen)
        clips[button["aria-label"].removeprefix(listen)] = sources[0]["src"]
    return clips


def _shown_text(element) -> str:
    """Return what a sighted person reads in an element (hidden helper words left out)."""
    copy = BeautifulSoup(str(element), "html.parser")
    for hidden in copy.select(".visually-hidden, .optional, .say__button, audio"):
        hidden.decompose()
    return " ".join(copy.get_text(" ", strip=True).split())


# The resume code and link are personal: they are shown, never sent to the speech engine.
PERSONAL = (".resume-code", "p:has(> .resume-link)")


def _assert_every_text_has_a_control(html: str, listen: str = "Listen: ") -> None:
    soup = BeautifulSoup(html, "html.parser")
    personal = {id(e) for selector in PERSONAL for e in soup.select(selector)}
    for element in soup.find("main").select(", ".join(NARRATED)):
        text = _shown_text(element)
        if not text or id(element) in personal:
            continue
        holder = element.find_parent(class_=["say-row", "choice"]) or element.find_parent("legend")
        assert holder is not None, f"no play control beside {text!r}"
        labels = [b["aria-label"].removeprefix(listen) for b in holder.select(".say__button")]
        assert any(label.startswith(text) for label in labels), (text, labels)


def test_every_text_on_every_respondent_page_has_a_play_control(client, app, campaign):
    code = campaign["code"]
    person = Respondent(client, code)
    pages = [client.get(f"/s/{code}/"), client.get(f"/s/{code}/settings")]
    pages.append(person.post("/consent", {}))
    person.consent()
    pages += [client.get(f"/s/{code}/consent"), person.post("/who", {})]
    person.who()
    for question_id in _question_ids(app, campaign):
        pages.append(client.get(f"/s/{code}/q/{question_id}"))
        pages.append(person.answer(question_id, None))
        person.answer(question_id, "good")
    pages += [client.get(f"/s/{code}/check"), client.get(f"/s/{code}/stop")]
    pages += [client.get(f"/s/{code}/q/nowhere"), client.get(f"/s/{code}/resume")]
    first = _question_ids(app, campaign)[0]
    for kind in ("drawing", "photo", "video", "audio"):
        pages.append(client.get(f"/s/{code}/media/add/{kind}?q={first}"))
    pages.append(client.get(f"/s/{code}/media/anything"))
    pages += [client.get(f"/s/{code}/worried"), person.post("/worried", {"worry": "x" * 6000})]
    pages.append(client.get(f"/s/{code}/what-happens-next"))
    person.post("/check", {})
    pages.append(client.get(f"/s/{code}/thanks"))
    for page in pages:
        html = page.get_data(as_text=True)
        assert _clips(html), page.request.path
        _assert_every_text_has_a_control(html)


def test_a_clip_is_rendered_on_first_request_then_served_from_the_cache(client, app, campaign):
    store = _store(app)
    html = client.get(f"/s/{campaign['code']}/").get_data(as_text=True)
    url = _clips(html)["Tell us what you think"]
    response = _fetch(client, url)
    assert response.status_code == 200
    assert response.mimetype == "audio/ogg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response.headers["Cache-Control"]
    assert store.renders == 1
    mp3 = _fetch(client, url.replace(".ogg", ".mp3"))
    assert mp3.mimetype == "audio/mpeg"
    assert _fetch(client, url).status_code == 200
    assert store.renders == 1
    key = url.rsplit("/", 1)[1].split(".")[0]
    assert narration.duration(store.path(key, "ogg")) > 0.5


def test_clips_answer_range_requests_for_safari(client, app, campaign):
    html = client.get(f"/s/{campaign['code']}/").get_data(as_text=True)
    url = _clips(html)["Tell us what you think"].replace(".ogg", ".mp3")
    whole = _fetch(client, url).get_data()
    part = _fetch(client, url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 0-99/{len(whole)}"
    assert part.get_data() == whole[:100]


@pytest.mark.parametrize(
    "path",
    ["/audio/" + "a" * 32 + ".ogg", "/audio/../engage.db.ogg", "/audio/" + "a" * 32 + ".wav"],
)
def test_unknown_clips_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_creating_a_campaign_records_its_question_texts(app, campaign):
    with app.app_context():
        rows = get_db().execute("SELECT text, speed FROM narration_texts").fetchall()
        question = json.loads(
            get_db().execute("SELECT content FROM campaign_questions LIMIT 1").fetchone()[0]
        )
    texts = {(row[0], row[1]) for row in rows}
    assert (question["text"]["en"], "slower") in texts
    assert (question["hint"]["en"], "normal") in texts


def test_a_changed_question_is_narrated_again(client, app, campaign):
    code = campaign["code"]
    person = Respondent(client, code)
    person.start()
    question_id = _question_ids(app, campaign)[0]
    page = client.get(f"/s/{code}/q/{question_id}").get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    old_text = soup.find("h1").get_text(strip=True)
    old_url = _clips(page)[old_text]
    _fetch(client, old_url)
    with app.app_context():
        db = get_db()
        row = db.execute(
            "SELECT id, content FROM campaign_questions WHERE question_id = ?", [question_id]
        ).fetchone()
        content = json.loads(row["content"])
        content["text"]["en"] = "How is it when people plan your care with you?"
        db.execute(
            "UPDATE campaign_questions SET content = ? WHERE id = ?",
            [json.dumps(content), row["id"]],
        )
    page = client.get(f"/s/{code}/q/{question_id}").get_data(as_text=True)
    new_url = _clips(page)["How is it when people plan your care with you?"]
    assert new_url != old_url
    assert _fetch(client, new_url).status_code == 200
    assert _store(app).renders == 2


def test_settings_chosen_before_consent_carry_into_the_session_and_the_resume_code(
    client, app, campaign
):
    code = campaign["code"]
    person = Respondent(client, code)
    token = person.token("/settings")
    chosen = {
        "pictures": "off",
        "narration": "on",
        "speed": "normal",
        "read_aloud": "on",
        "text_size": "largest",
        "contrast": "high",
        "font": "dyslexic",
    }
    response = client.post(
        f"/s/{code}/settings", data={**chosen, "next": f"/s/{code}/", "csrf_token": token}
    )
    assert response.headers["Location"] == f"/s/{code}/"
    welcome = client.get(f"/s/{code}/").get_data(as_text=True)
    root = BeautifulSoup(welcome, "html.parser").find("html")
    assert set(root["class"]) == {"text-largest", "contrast-high", "font-dyslexic", "pictures-off"}
    assert "<img" not in welcome
    assert "data-autoplay" in welcome
    person.start()
    with app.app_context():
        stored = json.loads(
            get_db().execute("SELECT settings FROM respondent_sessions").fetchone()[0]
        )
        resume_code = get_db().execute("SELECT resume_code FROM respondent_sessions").fetchone()[0]
    assert stored == chosen

    other = app.test_client()
    assert "<img" in other.get(f"/s/{code}/").get_data(as_text=True)
    follow_resume_link(other, f"/s/{code}/resume/{resume_code}")
    page = other.get(f"/s/{code}/who").get_data(as_text=True)
    assert 'class="text-largest contrast-high' in page and "<img" not in page
    # The normal speed chosen earlier picks the normal-speed clips.
    with app.app_context():
        speeds = {
            row[0]
            for row in get_db().execute(
                "SELECT speed FROM narration_texts WHERE text = 'Who is answering?'"
            )
        }
    assert speeds == {"slower", "normal"}
    url = _clips(page)["Who is answering?"]
    key = url.rsplit("/", 1)[1].split(".")[0]
    assert key == narration.clip_key("Who is answering?", narration.voice_for("en", "normal"))


def test_settings_changed_mid_journey_are_saved_to_the_session(client, app, campaign):
    code = campaign["code"]
    person = Respondent(client, code)
    person.start()
    question_id = _question_ids(app, campaign)[0]
    page = client.get(f"/s/{code}/q/{question_id}").get_data(as_text=True)
    link = BeautifulSoup(page, "html.parser").select_one("a.settings-link")["href"]
    assert client.get(link).status_code == 200
    response = person.post(
        "/settings",
        {"narration": "off", "text_size": "large", "next": f"/s/{code}/q/{question_id}"},
    )
    assert response.headers["Location"] == f"/s/{code}/q/{question_id}"
    page = client.get(f"/s/{code}/q/{question_id}").get_data(as_text=True)
    assert "<audio" not in page and "say__button" not in page and "narration.js" not in page
    with app.app_context():
        stored = json.loads(
            get_db().execute("SELECT settings FROM respondent_sessions").fetchone()[0]
        )
    assert stored["narration"] == "off" and stored["text_size"] == "large"


def test_a_tampered_setting_is_refused_and_changes_nothing(client, app, campaign):
    code = campaign["code"]
    person = Respondent(client, code)
    response = person.post("/settings", {"text_size": "enormous", "next": f"/s/{code}/"})
    assert response.status_code == 400
    assert "Sorry, something went wrong" in response.get_data(as_text=True)
    assert "text-standard" in client.get(f"/s/{code}/").get_data(as_text=True)


def test_settings_only_send_a_person_back_to_this_campaign(client, campaign):
    code = campaign["code"]
    person = Respondent(client, code)
    for target in ("https://example.org/", "//example.org/", "/s/other/", f"/s/{code}//x"):
        response = person.post("/settings", {"next": target})
        assert response.headers["Location"] == f"/s/{code}/"


def test_narrate_renders_everything_once_then_nothing(runner, app, campaign):
    first = runner.invoke(args=["narrate", campaign["code"]])
    assert first.exit_code == 0, first.output
    assert "Narrating" in first.output
    total = int(first.output.strip().splitlines()[-1].split()[0])
    assert f"{total} clips: {total} rendered, 0 already made." in first.output
    with app.app_context():
        db = get_db()
        texts = {row[0] for row in db.execute("SELECT text FROM narration_texts")}
        assert db.execute("SELECT COUNT(*) FROM respondent_sessions").fetchone()[0] == 0
    for expected in (
        "Tell us what you think",
        "Before we start",
        "Choose yes or no: do you want to take part?",
        "Who is answering?",
        "Check your answers",
        "Thank you",
        "Sorry, we cannot find that page",
        "Type your code",
        "Good",
    ):
        assert expected in texts, expected
    second = runner.invoke(args=["narrate", campaign["code"]])
    assert f"{total} clips: 0 rendered, {total} already made." in second.output


def _tone(path: Path) -> Path:
    frames = b"".join(
        int(8000 * math.sin(2 * math.pi * 330 * i / 16000)).to_bytes(2, "little", signed=True)
        for i in range(16000)
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(frames)
    return path


def test_a_recorded_voice_replaces_generated_narration_until_removed(
    runner, client, app, campaign, tmp_path
):
    code = campaign["code"]
    question_id = _question_ids(app, campaign)[0]
    listing = runner.invoke(args=["narration", "texts", code])
    assert listing.exit_code == 0
    with app.app_context():
        content = json.loads(
            get_db().execute("SELECT content FROM campaign_questions LIMIT 1").fetchone()[0]
        )
    question = content["text"]["en"]
    key = narration.text_key(question, "en")
    assert f"{key}\tgenerated\t{question}" in listing.output

    result = runner.invoke(args=["narration", "record", code, key, str(_tone(tmp_path / "v.wav"))])
    assert result.exit_code == 0, result.output
    Respondent(client, code).start()
    page = client.get(f"/s/{code}/q/{question_id}").get_data(as_text=True)
    url = _clips(page)[question]
    assert _fetch(client, url).status_code == 200
    assert abs(narration.duration(_store(app).path(url.rsplit("/", 1)[1][:32], "ogg")) - 1) < 0.3
    assert _store(app).renders == 0
    assert f"{key}\trecorded" in runner.invoke(args=["narration", "texts", code]).output

    result = runner.invoke(args=["narration", "remove", code, key])
    assert result.exit_code == 0, result.output
    page = client.get(f"/s/{code}/q/{question_id}").get_data(as_text=True)
    generated = _clips(page)[question]
    assert generated != url
    assert generated.endswith(narration.clip_key(question, narration.voice_for("en")) + ".ogg")
    assert _fetch(client, url).status_code == 404


def test_a_bad_recording_is_refused_and_stores_nothing(runner, app, campaign, tmp_path):
    code = campaign["code"]
    with app.app_context():
        content = json.loads(
            get_db().execute("SELECT content FROM campaign_questions LIMIT 1").fetchone()[0]
        )
    key = narration.text_key(content["text"]["en"], "en")
    fake = tmp_path / "voice.mp3"
    fake.write_bytes(b"%PDF-1.4\n%%EOF\n")
    result = runner.invoke(args=["narration", "record", code, key, str(fake)])
    assert result.exit_code != 0
    assert "not a sound recording" in result.output
    unknown = runner.invoke(args=["narration", "record", code, "abc", str(fake)])
    assert "No text has the key" in unknown.output
    with app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM narration_recordings").fetchone()[0] == 0
    assert not list(_store(app).folder.glob("*/*.ogg"))
