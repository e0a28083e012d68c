"""A prepared tablet answers offline, keeps answers through a restart, sends each person once."""

from __future__ import annotations

import re
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from engage.auth import hash_password
from engage.store import get_db, staff
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TABLET, check_page
from tests.conftest import CheckedClient
from tests.conftest import sign_in as sign_in_client
from tests.media import samples

PASSWORD = "a quiet morning by the canal"
FIRST_WORDS = "The first person says the garden is lovely"
SECOND_WORDS = "The second person likes the new van"
PHOTO_WORDS = "Our garden with the new bench"
DRAWING_WORDS = "Me and my dog"

PICTURES_SHOWN = """() => {
  const loaded = [...document.images].filter(i => i.complete);
  return loaded.length > 0 && loaded.every(i => i.naturalWidth > 0);
}"""
EMPTY_ID = "empty-body-item-0000"
COUNT_OUTBOX = """() => engageStore.all("outbox").then(items => items.map(i => ({
  id: i.id, refused: i.refused || null, tries: i.tries })))"""
# A damaged item: its bundle lost on the device, its length and checksum those of nothing.
PUT_EMPTY_ITEM = """() => engageStore.put("outbox", {
  id: "empty-body-item-0000", code: document.location.pathname.split("/")[2],
  created_at: new Date().toISOString(), bundle: "", length: "0",
  sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", files: [], tries: 0
})"""

# The tablet's IndexedDB as it is stored, read without engageStore: every record's fields and
# bytes as text, and whether the key that seals them can be taken out of the browser.
RAW_RECORDS = """async () => {
  const db = await new Promise((ok, no) => {
    const r = indexedDB.open("engage-offline"); r.onsuccess = () => ok(r.result); r.onerror = no;
  });
  const read = name => new Promise((ok, no) => {
    const r = db.transaction(name).objectStore(name).getAll(); r.onsuccess = () => ok(r.result);
    r.onerror = no;
  });
  const text = value => {
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
      return new TextDecoder("latin1").decode(value);
    }
    if (value instanceof Blob) return "[a file kept as it was]";
    if (value && typeof value === "object") {
      return Object.entries(value).map(([k, v]) => k + ":" + text(v)).join(" ");
    }
    return String(value);
  };
  const records = {drafts: await read("drafts"), outbox: await read("outbox")};
  const keys = await read("keys");
  db.close();
  let exported = false;
  try { await crypto.subtle.exportKey("raw", keys[0].key); exported = true; } catch (e) {}
  return {
    text: text(records),
    fields: Object.fromEntries(Object.entries(records).map(
      ([name, list]) => [name, list.map(r => Object.keys(r).sort())])),
    keys: keys.length, extractable: keys[0].key.extractable, exported,
  };
}"""
SEALED_OUTBOX = ["code", "created_at", "id", "sealed", "sealedFiles", "tries"]


def assert_sealed(page, *words: str) -> dict:
    """Assert the raw records hold none of these words and no file as it was; return them."""
    raw = page.evaluate(RAW_RECORDS)
    for said in words:
        assert said not in raw["text"]
    assert "[a file kept as it was]" not in raw["text"]
    assert (raw["keys"], raw["extractable"], raw["exported"]) == (1, False, False)
    return raw


@pytest.fixture
def supporter(live_server):
    email = "offline-supporter@example.org"
    with live_server.app.app_context():
        if not get_db().execute("SELECT 1 FROM users WHERE email = ?", [email]).fetchone():
            staff.create_user(
                get_db(),
                email=email,
                name="Sam Supporter",
                role="supporter",
                password_hash=hash_password(PASSWORD),
            )
    return email


def wait_for_outbox(page, done, seconds: float = 60) -> list[dict]:
    """Poll the tablet's outbox until `done(items)` holds; return the items."""
    deadline = time.monotonic() + seconds
    while True:
        items = page.evaluate(COUNT_OUTBOX)
        if done(items) or time.monotonic() > deadline:
            return items
        page.wait_for_timeout(250)


def open_tablet(browser, folder: Path):
    context = browser.browser_type.launch_persistent_context(
        str(folder), executable_path=CHROMIUM, args=CHROMIUM_ARGS, **TABLET
    )
    context.set_default_timeout(15_000)
    return context, context.pages[0] if context.pages else context.new_page()


def start_offline(page, base: str) -> None:
    """Agree and say who is answering, one question a page as online: choose, then Continue."""
    page.goto(f"{base}/consent")
    answers = [("take_part", "yes"), ("quote", "yes"), ("media", "yes")]
    answers += [("respondent_group", "person"), ("answered_how", "helped")]
    for name, value in answers:
        page.locator(f"label[for='{name}-{value}']").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Continue", exact=True).click()


def choose_who_sees(page, noun: str, consent: str, words: str) -> None:
    """Say who may see the file just added, as online: the page first asks again if skipped."""
    assert "/media/offline/" in page.url
    assert page.locator("h1").inner_text() == f"Who may see your {noun}?"
    # The file shown is the one just added, from the tablet.
    shown = page.locator("[data-offline-preview] img, [data-offline-preview] video")
    shown.wait_for(state="visible")
    assert shown.evaluate("e => e.src.startsWith('blob:') && (e.naturalWidth || 1) > 0") is True
    with page.expect_navigation():
        page.get_by_role("button", name="Save and go back", exact=True).click()
    assert page.locator(".error-summary").inner_text().count("Choose who may see it.") == 1
    check_page(page)
    page.locator(f"label[for='consent-{consent}']").click()
    page.locator("#description").fill(words)
    with page.expect_navigation():
        page.get_by_role("button", name="Save and go back", exact=True).click()


def answer_offline(page, base: str, questions: list[str], words: str, photo: Path | None):
    """Go through the whole journey as one person, with the connection off."""
    start_offline(page, base)
    for number, question_id in enumerate(questions):
        assert page.url.endswith(f"/q/{question_id}")
        # Every picture shown comes from the tablet, in the size this screen asks for.
        page.wait_for_load_state("load")
        assert page.evaluate(PICTURES_SHOWN) is True
        page.locator("label[for='answer-good']").click()
        if number == 0:
            page.locator("textarea[name='free_text']").fill(words)
            if photo is not None:
                with page.expect_navigation():
                    page.locator("button[value='media-photo']").click()
                page.locator("#file-choose").set_input_files(str(photo))
                with page.expect_navigation():
                    page.get_by_role("button", name="Send my photo", exact=True).click()
                choose_who_sees(page, "photo", "report", PHOTO_WORDS)
                assert page.url.endswith(f"/q/{question_id}")
        with page.expect_navigation():
            page.get_by_role("button", name="Save and continue", exact=True).click()
    assert page.url.endswith("/check")
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answers", exact=True).click()
    assert page.url.endswith("/thanks")
    assert "This tablet keeps your answers safe." in page.content()


def test_a_prepared_tablet_answers_offline_and_sends_each_person_once(
    live_server, browser, supporter, tmp_path: Path
):
    campaign = live_server.campaign(statement_ids=["QS1"])
    code = campaign["code"]
    base = f"{live_server.url}/s/{code}"
    questions = [
        row["question_id"]
        for row in live_server.query(
            "SELECT question_id FROM campaign_questions WHERE campaign_id = ? ORDER BY position",
            [campaign["id"]],
        )
    ]
    photo = samples.photo_with_gps(tmp_path / "garden.jpg")
    folder = tmp_path / "tablet"

    context, page = open_tablet(browser, folder)
    page.goto(f"{live_server.url}/staff/sign-in")
    page.get_by_label("Email").fill(supporter)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    # Reading aloud off on this tablet keeps the test quick: each clip not yet made is
    # rendered as the tablet asks for it (tests/engage/test_offline_intake.py checks clips).
    page.goto(f"{base}/settings")
    page.locator("label[for='narration-off']").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Save these choices", exact=True).click()
    page.goto(f"{base}/offline")
    page.get_by_role("button", name="Get this tablet ready", exact=True).click()
    page.wait_for_selector("[data-offline-prepare][data-ready]", timeout=120_000)
    assert page.locator("[data-offline-prepare]").get_attribute("data-ready") == "yes", (
        page.locator("[data-offline-prepare] [data-status]").inner_text()
    )
    assert (
        "ready to use without internet"
        in page.locator("[data-offline-prepare] [data-status]").inner_text()
    )

    check_page(page)
    context.set_offline(True)
    answer_offline(page, base, questions, FIRST_WORDS, photo)
    check_page(page)
    # The next person sees nothing of the first: not on any page, and nothing kept as a draft.
    assert page.evaluate("() => engageStore.all('drafts')") == []
    page.goto(f"{base}/q/{questions[0]}")
    assert FIRST_WORDS not in page.content()
    answer_offline(page, base, questions, SECOND_WORDS, None)
    # Both people wait in the outbox sealed: no words, answers or photo readable as stored.
    raw = assert_sealed(page, FIRST_WORDS, SECOND_WORDS, PHOTO_WORDS, "free_text", "answered_how")
    assert raw["fields"] == {"drafts": [], "outbox": [SEALED_OUTBOX, SEALED_OUTBOX]}
    page.goto(f"{base}/")
    status = page.locator("[data-outbox-status]")
    status.wait_for(state="visible")
    assert status.inner_text() == "2 people's answers are waiting to be sent."
    page.evaluate(PUT_EMPTY_ITEM)
    assert live_server.query(
        "SELECT COUNT(*) AS n FROM respondent_sessions WHERE campaign_id = ?", [campaign["id"]]
    ) == [{"n": 0}]
    context.close()

    # The tablet is switched off and on again, and the connection is back.
    context, page = open_tablet(browser, folder)
    page.goto(f"{base}/")
    # The outbox sends itself; the damaged item is refused by the server and stays.
    left = wait_for_outbox(
        page, lambda items: [(i["id"], i["refused"]) for i in items] == [(EMPTY_ID, 400)]
    )
    assert [(i["id"], i["refused"]) for i in left] == [(EMPTY_ID, 400)]
    sessions = live_server.query(
        "SELECT id, answered_offline, finished_at FROM respondent_sessions WHERE campaign_id = ?",
        [campaign["id"]],
    )
    assert len(sessions) == 2
    assert all(s["answered_offline"] == 1 and s["finished_at"] for s in sessions)
    words = live_server.query(
        "SELECT a.free_text, COUNT(*) AS n FROM answers a JOIN respondent_sessions s "
        "ON s.id = a.session_id WHERE s.campaign_id = ? AND a.free_text != '' "
        "GROUP BY a.free_text ORDER BY a.free_text",
        [campaign["id"]],
    )
    assert words == [{"free_text": FIRST_WORDS, "n": 1}, {"free_text": SECOND_WORDS, "n": 1}]
    assert live_server.query(
        "SELECT COUNT(*) AS n FROM answers a JOIN respondent_sessions s ON s.id = a.session_id "
        "WHERE s.campaign_id = ?",
        [campaign["id"]],
    ) == [{"n": 2 * len(questions)}]
    # The photo with who may see it, as the person chose: shown in the report, for review.
    media = live_server.query(
        "SELECT m.kind, m.question_id, m.consent, m.description, r.consent_media "
        "FROM media_items m JOIN respondent_sessions s ON s.id = m.session_id "
        "JOIN review_items r ON r.item_kind = 'media' AND r.item_id = m.id "
        "WHERE s.campaign_id = ?",
        [campaign["id"]],
    )
    assert media == [
        {
            "kind": "photo",
            "question_id": questions[0],
            "consent": "report",
            "description": PHOTO_WORDS,
            "consent_media": 1,
        }
    ]
    assert live_server.query(
        "SELECT COUNT(*) AS n FROM offline_intake WHERE campaign_id = ? AND status = 'taken'",
        [campaign["id"]],
    ) == [{"n": 2}]
    context.close()


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/staff/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()


def test_waiting_answers_saved_to_a_locked_file_are_taken_once_from_it(
    live_server, browser, supporter, new_page, tmp_path: Path
):
    campaign = live_server.campaign(statement_ids=["QS1"])
    base = f"{live_server.url}/s/{campaign['code']}"
    questions = [
        row["question_id"]
        for row in live_server.query(
            "SELECT question_id FROM campaign_questions WHERE campaign_id = ? ORDER BY position",
            [campaign["id"]],
        )
    ]
    context, page = open_tablet(browser, tmp_path / "tablet")
    sign_in(page, live_server.url, supporter)
    page.goto(f"{base}/settings")
    page.locator("label[for='narration-off']").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Save these choices", exact=True).click()
    page.goto(f"{base}/offline")
    page.get_by_role("button", name="Get this tablet ready", exact=True).click()
    page.wait_for_selector("[data-offline-prepare][data-ready='yes']", timeout=120_000)
    context.set_offline(True)
    answer_offline(page, base, questions, FIRST_WORDS, None)
    # Someone answers one question and walks away: when the next person starts, what they
    # gave goes to the outbox, and the next person's draft holds nothing of theirs.
    start_offline(page, base)
    page.locator("label[for='answer-good']").click()
    page.locator("textarea[name='free_text']").fill(SECOND_WORDS)
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue", exact=True).click()
    # The person answering now is sealed too, while they answer.
    raw = assert_sealed(page, FIRST_WORDS, SECOND_WORDS, "free_text")
    assert raw["fields"]["drafts"] == [["code", "sealed", "sealedFiles"]]
    page.goto(f"{base}/consent")
    page.locator("label[for='take_part-yes']").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()
    assert [draft["answers"] for draft in page.evaluate("() => engageStore.all('drafts')")] == [{}]
    assert len(page.evaluate(COUNT_OUTBOX)) == 2
    # Still with no connection, the supporter saves what is waiting to a file.
    page.goto(f"{base}/offline")
    page.locator("#save-pin").fill("4827")
    with page.expect_download() as saving:
        page.get_by_role("button", name="Save to a file", exact=True).click()
    saved = tmp_path / "waiting.engage"
    saving.value.save_as(saved)
    assert FIRST_WORDS not in saved.read_text()
    assert len(page.evaluate(COUNT_OUTBOX)) == 2
    context.close()

    office = new_page(**TABLET)
    sign_in(office, live_server.url, supporter)
    office.goto(f"{base}/offline")
    status = office.locator("[data-outbox-open] [data-status]")
    office.locator("#open-file").set_input_files(str(saved))
    office.locator("#open-pin").fill("1111")
    office.get_by_role("button", name="Send the answers in the file", exact=True).click()
    office.wait_for_function(
        "() => document.querySelector('[data-outbox-open] [data-status]').textContent.length > 0"
    )
    assert status.inner_text() == "This file cannot be opened with that PIN."
    for _attempt in range(2):
        office.locator("#open-pin").fill("4827")
        status.evaluate("line => { line.textContent = '' }")
        office.get_by_role("button", name="Send the answers in the file", exact=True).click()
        office.wait_for_function(
            "() => document.querySelector('[data-outbox-open]')"
            ".dataset.done === 'yes' && document.querySelector("
            "'[data-outbox-open] [data-status]').textContent.length > 0"
        )
        assert status.inner_text() == "Sent: 2. Kept for the lead: 0. Not taken: 0."
    words = live_server.query(
        "SELECT a.free_text FROM answers a JOIN respondent_sessions s ON s.id = a.session_id "
        "WHERE s.campaign_id = ? AND a.free_text != '' ORDER BY a.free_text",
        [campaign["id"]],
    )
    assert words == [{"free_text": FIRST_WORDS}, {"free_text": SECOND_WORDS}]

    # The tablet comes back online later and sends the same person: still one.
    context, page = open_tablet(browser, tmp_path / "tablet")
    page.goto(f"{base}/")
    assert wait_for_outbox(page, lambda items: items == []) == []
    assert live_server.query(
        "SELECT COUNT(*) AS n FROM respondent_sessions WHERE campaign_id = ?", [campaign["id"]]
    ) == [{"n": 2}]
    context.close()


def prepared_tablet(
    live_server, browser, supporter, folder: Path, narration: bool = False, campaign=None
):
    """Prepare a tablet for a survey (a new one-statement one by default); return what is needed."""
    campaign = campaign or live_server.campaign(statement_ids=["QS1"])
    base = f"{live_server.url}/s/{campaign['code']}"
    questions = [
        row["question_id"]
        for row in live_server.query(
            "SELECT question_id FROM campaign_questions WHERE campaign_id = ? ORDER BY position",
            [campaign["id"]],
        )
    ]
    context, page = open_tablet(browser, folder)
    sign_in(page, live_server.url, supporter)
    if not narration:
        page.goto(f"{base}/settings")
        page.locator("label[for='narration-off']").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Save these choices", exact=True).click()
    page.goto(f"{base}/offline")
    page.get_by_role("button", name="Get this tablet ready", exact=True).click()
    page.wait_for_selector("[data-offline-prepare][data-ready]", timeout=120_000)
    assert page.locator("[data-offline-prepare]").get_attribute("data-ready") == "yes"
    return campaign, base, questions, context, page


# Clips made side by side while a survey's clips are made ahead: each is its own child process.
NARRATION_JOBS = 4


@pytest.fixture(scope="session")
def narrated_survey(live_server):
    """Return a one-question survey whose kept pages' clips are all made, once per session.

    A tablet being prepared asks for every clip its kept pages can play (124 for one question),
    and the server makes each one it lacks when asked, one after another, half a second or more
    each. Here the same clip route makes them first, a few side by side, as `engage narrate`
    does before a survey is used; the tablet then keeps real espeak-ng clips that are ready.
    """
    campaign = live_server.campaign(statement_ids=["QS1"], first_question_only=True)
    with live_server.app.app_context():
        staff.create_user(
            get_db(),
            email="offline-narrator@example.org",
            name="Nia Narrator",
            role="supporter",
            password_hash=hash_password(PASSWORD),
        )
    live_server.app.test_client_class = CheckedClient
    client = live_server.app.test_client()
    # As `engage narrate` does: showing the pages would also queue every clip at every speed in
    # the background; these are made here, at the speed the tablet uses.
    narration = live_server.app.extensions["narration"]
    prerender, narration.prerender = narration.prerender, False
    signed_in = sign_in_client(client, {"email": "offline-narrator@example.org"}, PASSWORD)
    assert signed_in.status_code == 302
    manifest = client.get(f"/s/{campaign['code']}/offline/manifest").json
    clips = set()
    for kept in manifest["pages"]:
        html = client.get(kept["source"]).get_data(as_text=True)
        clips.update(re.findall(r'src="(/audio/[^"]+)"', html))

    narration.prerender = prerender

    def fetch(clip: str) -> int:
        with urllib.request.urlopen(live_server.url + clip) as answer:
            answer.read()
            return answer.status

    with ThreadPoolExecutor(NARRATION_JOBS) as pool:
        made = list(pool.map(fetch, sorted(clips)))
    assert made and set(made) == {200}
    return campaign


def test_narration_plays_from_the_tablet_with_no_connection(
    live_server, browser, supporter, narrated_survey, tmp_path: Path
):
    _campaign, base, questions, context, page = prepared_tablet(
        live_server, browser, supporter, tmp_path / "tablet", True, narrated_survey
    )
    context.set_offline(True)
    clips = []
    page.on("response", lambda r: clips.append(r) if "/audio/" in r.url else None)
    page.goto(f"{base}/q/{questions[0]}")
    assert page.evaluate("() => navigator.onLine") is False
    button = page.locator("main .say__button").first
    button.click()
    page.wait_for_function(
        "() => { const a = document.querySelector('main .say__button').nextElementSibling;"
        " return a.currentSrc && a.readyState >= 3 && !a.error; }"
    )
    played = button.evaluate(
        "b => { const a = b.nextElementSibling; return {src: a.currentSrc,"
        " duration: a.duration, error: a.error && a.error.code}; }"
    )
    assert played["error"] is None
    assert played["duration"] > 0
    assert button.get_attribute("aria-pressed") == "true" or played["duration"] < 1
    served = [r for r in clips if r.url == played["src"]]
    assert served, f"{played['src']} was not asked for"
    # With the network off, only the service worker could answer: from the tablet's cache.
    assert all(r.from_service_worker and r.ok for r in served)
    context.close()


def draw_a_line(page) -> None:
    """Draw a stroke across the canvas with the mouse: down, several moves, up."""
    box = page.locator("#draw-canvas").bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(box["x"] + 40 + step * 30, box["y"] + 40 + step * 20)
    page.mouse.up()


def test_a_drawing_made_offline_reaches_the_server_once(
    live_server, browser, supporter, tmp_path: Path
):
    campaign, base, questions, context, page = prepared_tablet(
        live_server, browser, supporter, tmp_path / "tablet"
    )
    context.set_offline(True)
    start_offline(page, base)
    page.locator("label[for='answer-good']").click()
    with page.expect_navigation():
        page.locator("button[value='media-drawing']").click()
    page.locator("[data-draw]").wait_for(state="visible")
    draw_a_line(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Save my drawing", exact=True).click()
    choose_who_sees(page, "drawing", "private", DRAWING_WORDS)
    assert page.url.endswith(f"/q/{questions[0]}")
    [draft] = page.evaluate(
        "() => engageStore.all('drafts').then(d => d.map(x => x.media.map(m =>"
        " ({kind: m.kind, type: m.blob.type, size: m.blob.size, consent: m.consent}))))"
    )
    assert [(m["kind"], m["type"], m["consent"]) for m in draft] == [
        ("drawing", "image/png", "private")
    ]
    assert draft[0]["size"] > 0
    for question_id in questions:
        assert page.url.endswith(f"/q/{question_id}")
        page.locator("label[for='answer-good']").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Save and continue", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answers", exact=True).click()
    assert page.url.endswith("/thanks")

    context.set_offline(False)
    page.goto(f"{base}/")
    assert wait_for_outbox(page, lambda items: items == []) == []
    # Asked to send again, the tablet has nothing left to send: still one drawing.
    page.evaluate("() => navigator.serviceWorker.controller.postMessage({type: 'send-outbox'})")
    # Kept for the review team only, as the person chose: never shown in what is published.
    media = live_server.query(
        "SELECT m.kind, m.question_id, m.consent, m.description, s.answered_offline, "
        "r.consent_media FROM media_items m JOIN respondent_sessions s ON s.id = m.session_id "
        "JOIN review_items r ON r.item_kind = 'media' AND r.item_id = m.id "
        "WHERE s.campaign_id = ?",
        [campaign["id"]],
    )
    assert media == [
        {
            "kind": "drawing",
            "question_id": questions[0],
            "consent": "private",
            "description": DRAWING_WORDS,
            "answered_offline": 1,
            "consent_media": 0,
        }
    ]
    context.close()


def test_a_journey_cut_off_part_way_joins_the_session_it_began_in(
    live_server, browser, supporter, tmp_path: Path
):
    campaign, base, questions, context, page = prepared_tablet(
        live_server, browser, supporter, tmp_path / "tablet"
    )
    # Online: agree, say who, answer the first question with words.
    page.goto(f"{base}/consent")
    for name, value in [("take_part", "yes"), ("quote", "yes"), ("media", "no")]:
        page.locator(f"label[for='{name}-{value}']").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Continue", exact=True).click()
    page.locator("label[for='respondent_group-person']").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()
    if page.url.endswith("/who/how"):
        page.locator("label[for='answered_how-helped']").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Continue", exact=True).click()
    page.locator("label[for='answer-good']").click()
    page.locator("textarea[name='free_text']").fill(FIRST_WORDS)
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue", exact=True).click()
    [session] = live_server.query(
        "SELECT id FROM respondent_sessions WHERE campaign_id = ?", [campaign["id"]]
    )
    # The connection goes: the rest is answered on the tablet.
    context.set_offline(True)
    for question_id in questions[1:]:
        assert page.url.endswith(f"/q/{question_id}")
        page.locator("label[for='answer-ok']").click()
        page.locator("textarea[name='free_text']").fill(SECOND_WORDS)
        with page.expect_navigation():
            page.get_by_role("button", name="Save and continue", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answers", exact=True).click()
    assert page.url.endswith("/thanks")

    context.set_offline(False)
    page.goto(f"{base}/")
    assert wait_for_outbox(page, lambda items: items == []) == []
    # One person, as they began: the answers from both sides in the one session.
    sessions = live_server.query(
        "SELECT id, answered_offline, consent_quote, finished_at IS NOT NULL AS finished "
        "FROM respondent_sessions WHERE campaign_id = ?",
        [campaign["id"]],
    )
    assert sessions == [{**session, "answered_offline": 1, "consent_quote": 1, "finished": 1}]
    answers = live_server.query(
        "SELECT question_id, value, free_text FROM answers WHERE session_id = ? "
        "ORDER BY question_id",
        [session["id"]],
    )
    assert {a["question_id"]: (a["value"], a["free_text"]) for a in answers} == {
        questions[0]: ("good", FIRST_WORDS),
        **{q: ("ok", SECOND_WORDS) for q in questions[1:]},
    }
    assert live_server.query(
        "SELECT status, reason FROM offline_intake WHERE campaign_id = ?", [campaign["id"]]
    ) == [{"status": "taken", "reason": "joined"}]
    context.close()
