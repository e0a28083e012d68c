"""Narration in the app: controls beside every text, clips served and rendered on demand."""

from __future__ import annotations

import json
import math
import shutil
import threading
import time
import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import flask
import pytest
from bs4 import BeautifulSoup

from engage import store
from engage.narration import texts as narration_texts
from engage.services import narrate
from engage.store import get_db
from media import narration
from tests.engage.journey import Respondent, follow_resume_link
from tests.narration_faults import MESSAGE, FlakyEngine

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
    pages += [client.get(f"/s/{code}/consent/words"), client.get(f"/s/{code}/consent/pictures")]
    person.post("/who", {"respondent_group": "person"})
    pages += [client.get(f"/s/{code}/who/how"), person.post("/who/how", {})]
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
    clips = _store(app)
    html = client.get(f"/s/{campaign['code']}/").get_data(as_text=True)
    url = _clips(html)["Tell us what you think"]
    response = _fetch(client, url)
    assert response.status_code == 200
    assert response.mimetype == "audio/ogg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response.headers["Cache-Control"]
    assert clips.renders == 1
    mp3 = _fetch(client, url.replace(".ogg", ".mp3"))
    assert mp3.mimetype == "audio/mpeg"
    assert _fetch(client, url).status_code == 200
    assert clips.renders == 1
    key = url.rsplit("/", 1)[1].split(".")[0]
    assert narration.duration(clips.path(key, "ogg")) > 0.5


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
    # The question page's settings control submits its form first, then goes to the settings.
    leaving = person.post(f"/q/{question_id}", {"free_text": "", "action": "settings"})
    link = leaving.headers["Location"]
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
    summary = next(line for line in first.output.splitlines() if " clips: " in line)
    total = int(summary.split()[0])
    assert f"{total} clips: {total} made now, 0 already there, 0 failed." in first.output
    with app.app_context():
        db = get_db()
        texts = {row[0] for row in db.execute("SELECT text FROM narration_texts")}
        assert db.execute("SELECT COUNT(*) FROM respondent_sessions").fetchone()[0] == 0
    for expected in (
        "Tell us what you think",
        "Do you want to answer our questions?",
        "May we use your words?",
        "Choose yes or no: do you want to answer our questions?",
        "How are you answering?",
        "Who is answering?",
        "Check your answers",
        "Thank you",
        "Sorry, we cannot find that page",
        "Type your code",
        "Good",
    ):
        assert expected in texts, expected
    second = runner.invoke(args=["narrate", campaign["code"]])
    assert f"{total} clips: 0 made now, {total} already there, 0 failed." in second.output


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
    # The shell's recordings are audited as the voices page's are, by no one.
    with app.app_context():
        entries = [
            (entry["user_id"], entry["subject"], entry["detail"])
            for entry in store.staff.audit_entries(get_db())
            if entry["action"] == "record_voice"
        ]
    assert entries == [(None, code, f"{key} removed"), (None, code, key)]


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


def _narrate_rows(app, code: str) -> list[dict]:
    """Return every clip `engage narrate CODE` makes, found the way the command finds them."""
    with app.app_context():
        db = get_db()
        campaign = store.campaigns.campaign_by_code(db, code)
        found = narration_texts.journey_texts(app, code)
        questions = store.campaigns.campaign_questions(db, campaign["id"])
        found |= set(narration_texts.campaign_texts(campaign, questions))
        state = app.extensions["narration"]
        return [row for text, language in sorted(found) for row in state.clips(text, language)]


def _made_already_but(app, rows: list[dict], left: list[dict]) -> None:
    """Put a real clip's files in place for every row but `left`, so only those render."""
    clips = _store(app)
    sample, _ = clips.ensure("A clip made earlier.", narration.voice_for("en"))
    for row in rows:
        if row not in left:
            for fmt in narration.FORMATS:
                target = clips.path(row["clip_key"], fmt)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(clips.path(sample, fmt), target)


def _spread(rows: list[dict], count: int) -> list[dict]:
    """Pick `count` rows across every language and speed."""
    by_kind: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        by_kind.setdefault((row["language"], row["speed"]), []).append(row)
    picked = [row for group in zip(*by_kind.values(), strict=False) for row in group]
    return picked[:count]


def test_narrate_makes_every_clip_though_the_engine_fails_now_and_then(runner, app, make_campaign):
    code = make_campaign(statement_ids=["QS1"], languages=["en", "pl"])["code"]
    rows = _narrate_rows(app, code)
    left = _spread(rows, 8)
    assert {(row["language"], row["speed"]) for row in left} == {
        (language, speed) for language in ("en", "pl") for speed in narration.RATES
    }
    _made_already_but(app, rows, left)
    clips = _store(app)
    engine = FlakyEngine(every=3)
    clips.speak, clips.pauses = engine, (0.01, 0.02, 0.04)

    result = runner.invoke(args=["narrate", code, "--jobs", "2"])

    assert result.exit_code == 0, result.output
    assert engine.faults >= 2, "the engine failed now and then"
    assert f"{len(rows)} clips: 8 made now, {len(rows) - 8} already there, 0 failed." in (
        result.output
    )
    assert f"The speech engine failed {engine.faults} times and was tried again" in result.output
    assert sorted(engine.rendered) == sorted(row["text"] for row in left)
    for row in left:
        assert narration.duration(clips.path(row["clip_key"], "mp3")) > 0.3
    assert all(clips.has(row["clip_key"]) for row in rows)


def test_a_clip_that_keeps_failing_is_reported_and_narrate_exits_non_zero(runner, app, campaign):
    code = campaign["code"]
    rows = _narrate_rows(app, code)
    left = _spread(rows, 4)
    doomed = left[1]
    _made_already_but(app, rows, left)
    clips = _store(app)
    engine = FlakyEngine(doomed=frozenset({doomed["text"]}))
    clips.speak, clips.pauses = engine, (0.01, 0.01, 0.01)

    result = runner.invoke(args=["narrate", code])

    assert result.exit_code != 0
    tries = len(clips.pauses) + 1
    failed = [row for row in left if row["text"] == doomed["text"]]
    made = len(left) - len(failed)
    assert f"{len(rows)} clips: {made} made now, {len(rows) - 4} already there, " in result.output
    assert f"{len(failed)} failed." in result.output
    assert f"failed {len(failed) * (tries - 1)} times and was tried again" in result.output
    for row in failed:
        line = f"- {row['text']!r} ({row['language']}, {row['speed']}): "
        assert f"{line}The speech engine failed: {MESSAGE}" in result.output
        assert not clips.has(row["clip_key"])
    assert f"Error: {len(failed)} of {len(rows)} clips are missing." in result.output
    for row in left:
        if row not in failed:
            assert clips.has(row["clip_key"])

    clips.speak = narration.speak_to_wav
    again = runner.invoke(args=["narrate", code])
    assert again.exit_code == 0, again.output
    assert f"{len(failed)} made now, {len(rows) - len(failed)} already there, 0 failed" in (
        again.output
    )


def test_the_narrate_service_renders_a_campaign_without_a_request(app, campaign):
    code = campaign["code"]
    rows = _narrate_rows(app, code)
    left = _spread(rows, 2)
    _made_already_but(app, rows, left)
    ticks = []
    with app.app_context():
        assert not flask.has_request_context()
        found = narrate.clips_to_render(
            app, get_db(), store.campaigns.campaign_by_code(get_db(), code)
        )
        result = narrate.render(found, jobs=2, done_one=lambda: ticks.append(1))
    assert sorted(r["clip_key"] for r in found) == sorted(r["clip_key"] for r in rows)
    assert (result.total, result.made, result.already_there, result.failed) == (
        len(rows),
        2,
        len(rows) - 2,
        [],
    )
    assert len(ticks) == len(rows)
    assert all(_store(app).has(row["clip_key"]) for row in rows)


def test_the_background_pre_render_tries_again_logs_a_failure_and_play_still_makes_it(app, caplog):
    state = app.extensions["narration"]
    clips = state.store
    flaky, doomed = "Rydym yn gwrando arnoch chi.", "Diolch am ddweud wrthym."
    engine = FlakyEngine(first=1, doomed=frozenset({doomed}))
    clips.speak, clips.pauses = engine, (0.01, 0.01, 0.01)
    state.prerender = True
    with app.app_context():
        keys = {text: state.key_for(text, "cy", "slower") for text in (flaky, doomed)}
    rows = state.clips(flaky, "cy") + state.clips(doomed, "cy")

    def logged() -> list[str]:
        return sorted(r.getMessage() for r in caplog.records if r.name == "engage.narration")

    # One background thread renders in the order asked: the doomed clips' reports come last.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(logged()) < 2:
        time.sleep(0.05)
    assert all(clips.has(row["clip_key"]) for row in rows if row["text"] == flaky)
    assert engine.faults == 1 + 2 * (len(clips.pauses) + 1)
    assert logged() == [
        f"Narration failed in the background for {doomed!r} (cy, {speed}): "
        f"The speech engine failed: {MESSAGE}"
        for speed in sorted(narration.RATES)
    ]

    clips.speak = narration.speak_to_wav
    response = _fetch(app.test_client(), f"/audio/{keys[doomed]}.ogg")
    assert response.status_code == 200
    assert narration.duration(clips.path(keys[doomed], "ogg")) > 1
    assert clips.renders == 3


def test_two_plays_at_once_make_a_missing_clip_once_and_both_get_it(app):
    """Two people press play on a clip nobody has made: one render, one file, both served."""
    state = app.extensions["narration"]
    clips = state.store
    with app.app_context():
        key = state.key_for("Press play to hear this question.", "ur", "normal")
    engine = FlakyEngine(first=1)
    clips.speak, clips.pauses = engine, (0.05, 0.05, 0.05)
    start = threading.Barrier(2)

    def play(_) -> tuple[int, bytes]:
        client = app.test_client()
        start.wait()
        response = _fetch(client, f"/audio/{key}.ogg")
        return response.status_code, response.get_data()

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(play, range(2)))
    assert [status for status, _ in answers] == [200, 200]
    assert answers[0][1] == answers[1][1] == clips.path(key, "ogg").read_bytes()
    assert (engine.faults, len(engine.rendered), clips.renders) == (1, 1, 1)
    assert narration.duration(clips.path(key, "ogg")) > 1
    assert _fetch(app.test_client(), f"/audio/{key}.mp3").status_code == 200
    assert clips.renders == 1
