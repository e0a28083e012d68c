"""Question pages kept rendered per process: each person still sees only their own page."""

from __future__ import annotations

import re

import pytest
from flask import g

from engage import settings, store
from engage.store import get_db
from engage.store.campaigns import SOURCES
from tests.conftest import CheckedClient, another_server, csrf_token
from tests.engage.journey import Respondent


@pytest.fixture
def campaign(make_campaign):
    return make_campaign()


def _first_question(app, campaign) -> str:
    with app.app_context():
        return store.campaigns.campaign_questions(get_db(), campaign["id"])[0]["question_id"]


def _person(app, campaign) -> Respondent:
    app.test_client_class = CheckedClient
    person = Respondent(app.test_client(), campaign["code"])
    person.start()
    return person


def _nonce(response) -> str:
    return re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)


def test_two_people_each_see_only_their_own_words_token_and_nonce(app, campaign):
    question_id = _first_question(app, campaign)
    ann, bob = _person(app, campaign), _person(app, campaign)
    ann.answer(question_id, "good", "Ann's words <b>about</b> her & her day")
    bob.answer(question_id, "good", "Bob's own words")
    pages = {}
    for name, person in (("ann", ann), ("bob", bob)):
        # Twice each: the second visit is certainly the kept page.
        person.client.get(f"{person.base}/q/{question_id}")
        response = person.client.get(f"{person.base}/q/{question_id}")
        pages[name] = (response, response.get_data(as_text=True))
    ann_page, bob_page = pages["ann"][1], pages["bob"][1]
    assert "Ann&#39;s words &lt;b&gt;about&lt;/b&gt; her &amp; her day</textarea>" in ann_page
    assert "Bob" not in ann_page
    assert "Bob&#39;s own words</textarea>" in bob_page
    assert "Ann" not in bob_page
    assert "engage-hole-" not in ann_page + bob_page
    for response, page in pages.values():
        nonce = _nonce(response)
        assert page.count(f'nonce="{nonce}"') == page.count("<script")
    assert csrf_token(ann_page) != csrf_token(bob_page)
    assert _nonce(pages["ann"][0]) != _nonce(pages["bob"][0])
    # Each token works for its own person only: the kept page carries the right one.
    form = {"answer": "not_good", "free_text": "", "action": "continue"}
    swapped = bob.client.post(
        f"{bob.base}/q/{question_id}", data={**form, "csrf_token": csrf_token(ann_page)}
    )
    assert swapped.status_code == 400
    with app.app_context():
        saved = get_db().execute("SELECT value FROM answers ORDER BY id").fetchall()
    assert [row[0] for row in saved] == ["good", "good"]
    own = bob.client.post(
        f"{bob.base}/q/{question_id}", data={**form, "csrf_token": csrf_token(bob_page)}
    )
    assert own.status_code == 302


def test_the_chosen_face_and_settings_are_the_persons_own(app, campaign):
    question_id = _first_question(app, campaign)
    ann, bob = _person(app, campaign), _person(app, campaign)
    ann.answer(question_id, "not_good")
    bob.client.get(f"{bob.base}/q/{question_id}")
    ann_page = ann.client.get(f"{ann.base}/q/{question_id}").get_data(as_text=True)
    bob_page = bob.client.get(f"{bob.base}/q/{question_id}").get_data(as_text=True)
    assert re.search(r'value="not_good" checked>', ann_page)
    assert " checked>" not in bob_page
    form = {"text_size": "largest", "contrast": "high", "csrf_token": bob.token("/settings")}
    assert bob.client.post(f"{bob.base}/settings", data=form).status_code == 302
    bob_page = bob.client.get(f"{bob.base}/q/{question_id}").get_data(as_text=True)
    ann_page = ann.client.get(f"{ann.base}/q/{question_id}").get_data(as_text=True)
    assert "text-largest contrast-high" in bob_page
    assert "text-largest" not in ann_page


def test_an_edit_in_another_process_shows_at_once(app, campaign):
    question_id = _first_question(app, campaign)
    person = _person(app, campaign)
    before = person.client.get(f"{person.base}/q/{question_id}").get_data(as_text=True)
    assert "Is the new wording here?" not in before
    # A second app on the same instance stands for another server process.
    other = another_server(app)
    with other.app_context():
        db = get_db()
        content = store.campaigns.campaign_questions(db, campaign["id"])[0]["content"]
        content["text"] = {"en": "Is the new wording here?"}
        store.campaigns.update_question_content(db, campaign["id"], question_id, content)
    after = person.client.get(f"{person.base}/q/{question_id}").get_data(as_text=True)
    assert "Is the new wording here?" in after


def test_narration_erased_by_another_process_is_made_again(app, campaign):
    question_id = _first_question(app, campaign)
    person = _person(app, campaign)
    page = person.client.get(f"{person.base}/q/{question_id}").get_data(as_text=True)
    clip = re.search(r'src="(/audio/[0-9a-f]+\.ogg)"', page).group(1)
    key = clip.rsplit("/", 1)[1].removesuffix(".ogg")
    other = another_server(app)
    with other.app_context():
        store.narration.forget_narration(get_db(), [key])
    page = person.client.get(f"{person.base}/q/{question_id}").get_data(as_text=True)
    assert clip in page
    # This process registers the text again rather than linking to a clip it cannot make.
    with app.app_context():
        assert store.narration.narration_text(get_db(), key) is not None


def test_a_page_outside_the_survey_never_links_to_a_clip_erased_elsewhere(app, client, campaign):
    with app.app_context():
        store.campaigns.set_you_said_published(get_db(), campaign["id"], True)
    address = f"/s/{campaign['code']}/you-said"
    page = client.get(address).get_data(as_text=True)
    clip = re.search(r'src="(/audio/[0-9a-f]+\.ogg)"', page).group(1)
    key = clip.rsplit("/", 1)[1].removesuffix(".ogg")
    other = another_server(app)
    with other.app_context():
        store.narration.forget_narration(get_db(), [key])
    # No respondent page comes in between: the "you said" page itself notices the erasure.
    page = client.get(address).get_data(as_text=True)
    assert clip in page
    with app.app_context():
        assert store.narration.narration_text(get_db(), key) is not None


def test_a_campaign_closed_in_another_process_is_closed_at_once(app, campaign):
    question_id = _first_question(app, campaign)
    person = _person(app, campaign)
    assert person.client.get(f"{person.base}/q/{question_id}").status_code == 200
    other = another_server(app)
    with other.app_context():
        get_db().execute("UPDATE campaigns SET status = 'closed' WHERE id = ?", [campaign["id"]])
    closed = person.client.get(f"{person.base}/q/{question_id}")
    assert closed.status_code == 403
    assert "Sorry, this survey is closed" in closed.get_data(as_text=True)


def test_every_source_of_a_page_changes_the_generation_and_answers_do_not(app, campaign):
    question_id = _first_question(app, campaign)
    person = _person(app, campaign)
    with app.app_context():
        db = get_db()
        before = store.campaigns.content_generation(db)
        person.answer(question_id, "good", "Some words")
        assert store.campaigns.content_generation(db) == before
        store.narration.record_narration_texts(
            db,
            [
                {
                    "clip_key": "f" * 64,
                    "text": "Hello",
                    "language": "en",
                    "speed": "normal",
                }
            ],
        )
        assert store.campaigns.content_generation(db) == before
        for table, changes in SOURCES.items():
            for change in changes:
                trigger = f"{table}_{change.lower()}_generation"
                # SQLite keeps a trigger's SQL; PostgreSQL the body of its function.
                found = db.execute(
                    "SELECT prosrc FROM pg_proc WHERE proname = ?"
                    if db.engine == "postgresql"
                    else "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                    [trigger],
                ).fetchone()
                assert found and "content_generation" in found[0], trigger
        db.execute(
            "UPDATE campaign_questions SET position = position WHERE campaign_id = ?",
            [campaign["id"]],
        )
        assert store.campaigns.content_generation(db) != before


def test_a_page_with_a_media_answer_lists_it(app, campaign):
    question_id = _first_question(app, campaign)
    person = _person(app, campaign)
    plain = person.client.get(f"{person.base}/q/{question_id}").get_data(as_text=True)
    assert "What you added" not in plain
    with app.app_context():
        respondent_id = get_db().execute("SELECT max(id) FROM respondent_sessions").fetchone()[0]
        store.media.add_media_item(
            get_db(),
            {
                "session_id": respondent_id,
                "question_id": question_id,
                "kind": "drawing",
                "sha256": "a" * 64,
                "mime": "image/png",
                "ext": "png",
                "size_bytes": 10,
                "consent": "report",
            },
        )
    listed = person.client.get(f"{person.base}/q/{question_id}").get_data(as_text=True)
    assert "What you added" in listed


@pytest.mark.sqlite_only("watches SQLite's statements with its trace callback")
def test_the_persons_session_is_read_once_until_the_request_writes(app, campaign):
    _person(app, campaign)
    with app.app_context():
        respondent_id = get_db().execute("SELECT max(id) FROM respondent_sessions").fetchone()[0]
    with app.test_request_context():
        g.campaign = campaign
        settings.bind(campaign["code"], respondent_id)
        db = get_db()
        first = settings.bound_respondent()
        assert first["id"] == respondent_id
        reads_before = []
        db.conn.set_trace_callback(reads_before.append)
        assert settings.bound_respondent() is first
        assert reads_before == []
        store.respondents.set_session_settings(db, respondent_id, {"text_size": "largest"})
        after = settings.bound_respondent()
        assert after is not first
        assert after["settings"] == {"text_size": "largest"}
        db.conn.set_trace_callback(None)
        # A session of another campaign is never this campaign's.
        g.bound_respondent = None
        g.campaign = {**campaign, "id": campaign["id"] + 1000}
        assert settings.bound_respondent() is None
