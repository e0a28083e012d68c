"""Kept question pages served in front of Flask answer exactly as Flask would, or step aside."""

from __future__ import annotations

import re
import time

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from engage import create_app, store
from engage.erasure import erase_respondent
from engage.respondent.fast import KeptQuestionPages, hooks_known
from engage.store import get_db
from tests.conftest import CheckedClient, csrf_token
from tests.engage.journey import Respondent


@pytest.fixture
def campaign(make_campaign):
    return make_campaign(languages=["en", "cy"])


@pytest.fixture
def questions(app, campaign) -> list[str]:
    with app.app_context():
        return [
            q["question_id"] for q in store.campaigns.campaign_questions(get_db(), campaign["id"])
        ]


def _person(app, campaign) -> Respondent:
    app.test_client_class = CheckedClient
    person = Respondent(app.test_client(), campaign["code"])
    person.start()
    return person


def _cookie(person: Respondent) -> str:
    return person.client.get_cookie("engage_session").value


def _answer(wsgi, path: str, cookie: str | None, method: str = "GET"):
    headers = {"Cookie": f"engage_session={cookie}"} if cookie else {}
    environ = EnvironBuilder(path=path, method=method, headers=headers).get_environ()
    body, status, headers = run_wsgi_app(wsgi, environ, buffered=True)
    return status, headers, b"".join(body).decode()


def _same_as_flask(app, path: str, cookie: str | None, method: str = "GET") -> bool:
    """Ask the front path, then Flask alone; check they agree and say if the front answered."""
    front: KeptQuestionPages = app.wsgi_app
    before = front.served
    answers = [_answer(wsgi, path, cookie, method) for wsgi in (front, front.flask_wsgi)]
    served = front.served - before
    normalised = []
    for status, headers, body in answers:
        found = re.search(r"'nonce-([^']+)'", headers.get("Content-Security-Policy", ""))
        nonce = found.group(1) if found else None
        pairs = sorted(
            (name, value.replace(nonce, "NONCE") if nonce else value) for name, value in headers
        )
        normalised.append((status, pairs, body.replace(nonce, "NONCE") if nonce else body))
    assert normalised[0] == normalised[1], path
    return served == 1


def _served_once_kept(app, path: str, cookie: str) -> bool:
    """Visit once, so the page is kept whatever changed, then say if the next visit is served."""
    _same_as_flask(app, path, cookie)
    return _same_as_flask(app, path, cookie)


def test_the_front_path_is_on_in_the_app_as_built(app):
    assert isinstance(app.wsgi_app, KeptQuestionPages)
    assert hooks_known(app)


def test_a_kept_page_is_served_in_front_exactly_as_flask_serves_it(app, campaign, questions):
    person = _person(app, campaign)
    first = f"{person.base}/q/{questions[0]}"
    # The first visit renders and keeps the page, through Flask.
    assert not _same_as_flask(app, first, _cookie(person))
    assert _same_as_flask(app, first, _cookie(person))
    # The person's own face and words, escaped, in the kept page.
    person.answer(questions[0], "not_good", "It was <b>cold</b> & late")
    assert not _same_as_flask(app, first, _cookie(person))
    assert _same_as_flask(app, first, _cookie(person))
    page = person.client.get(first).get_data(as_text=True)
    assert "It was &lt;b&gt;cold&lt;/b&gt; &amp; late</textarea>" in page
    # Their settings and their language choose the kept page.
    settings = {"csrf_token": person.token(), "text_size": "largest", "contrast": "high"}
    assert person.client.post(f"{person.base}/settings", data=settings).status_code == 302
    assert _served_once_kept(app, first, _cookie(person))
    language = {"csrf_token": person.token(), "language": "cy"}
    assert person.client.post(f"{person.base}/language", data=language).status_code == 302
    assert _served_once_kept(app, first, _cookie(person))
    welsh = person.client.get(first).get_data(as_text=True)
    assert '<html lang="cy"' in welsh
    assert "text-largest" in welsh and "contrast-high" in welsh


def test_the_token_on_a_page_served_in_front_saves_an_answer(app, campaign, questions):
    person = _person(app, campaign)
    path = f"{person.base}/q/{questions[0]}"
    person.client.get(path)
    served = app.wsgi_app.served
    page = person.client.get(path).get_data(as_text=True)
    assert app.wsgi_app.served == served + 1
    form = {"csrf_token": csrf_token(page), "answer": "good", "free_text": "", "action": "continue"}
    assert person.client.post(path, data=form).status_code == 302
    with app.app_context():
        assert [row[0] for row in get_db().execute("SELECT value FROM answers")] == ["good"]


def test_anything_but_a_plain_visit_in_good_order_goes_to_flask(
    app, campaign, questions, make_campaign
):
    person = _person(app, campaign)
    first = f"{person.base}/q/{questions[0]}"
    cookie = _cookie(person)
    assert _served_once_kept(app, first, cookie)

    # Not a plain visit: a query string, a trailing slash, HEAD, a question that is not there,
    # no cookie, a cookie someone has changed, the same cookie on another campaign's link.
    assert not _same_as_flask(app, f"{first}?change=1", cookie)
    assert not _same_as_flask(app, f"{first}/", cookie)
    assert not _same_as_flask(app, first, cookie, method="HEAD")
    assert not _same_as_flask(app, f"{person.base}/q/NOPE", cookie)
    assert not _same_as_flask(app, first, None)
    assert not _same_as_flask(app, first, cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB"))
    other = make_campaign()
    assert not _same_as_flask(app, f"/s/{other['code']}/q/{questions[0]}", cookie)

    with app.app_context():
        session_id = get_db().execute("SELECT MAX(id) FROM respondent_sessions").fetchone()[0]
        # A media answer to the question lists it on the page.
        store.media.add_media_item(
            get_db(),
            {
                "session_id": session_id,
                "kind": "photo",
                "question_id": questions[0],
                "sha256": "0" * 64,
                "mime": "image/jpeg",
                "ext": "jpg",
                "size_bytes": 10,
            },
        )
    assert not _same_as_flask(app, first, cookie)
    with app.app_context():
        get_db().execute("DELETE FROM media_items")
    assert _served_once_kept(app, first, cookie)

    # The campaign closed.
    with app.app_context():
        store.campaigns.set_campaign_status(get_db(), campaign["id"], "closed")
    assert not _same_as_flask(app, first, cookie)
    with app.app_context():
        store.campaigns.set_campaign_status(get_db(), campaign["id"], "open")
    assert _served_once_kept(app, first, cookie)

    # The answers were sent.
    with app.app_context():
        store.respondents.finish_session(get_db(), session_id)
    assert not _same_as_flask(app, first, cookie)
    with app.app_context():
        get_db().execute(
            "UPDATE respondent_sessions SET finished_at = NULL WHERE id = ?", [session_id]
        )
    assert _served_once_kept(app, first, cookie)

    # "Exit this page" keeps this device out, even one still holding the session.
    sessions = app.session_interface
    held = {**sessions.verified(app, cookie), "exited_at": time.time()}
    assert not _same_as_flask(app, first, sessions.get_signing_serializer(app).dumps(held))
    assert person.client.get("/leave").status_code == 302
    assert not _same_as_flask(app, first, _cookie(person))

    # The session was erased.
    with app.app_context():
        erase_respondent(get_db(), session_id, None, "test")
    assert not _same_as_flask(app, first, cookie)


def test_a_hook_it_does_not_know_turns_the_front_path_off(tmp_path):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance")})
    seen = []

    @app.before_request
    def _every_page():
        seen.append(1)

    assert not hooks_known(app)
    with app.app_context():
        from engage.campaigns import create as create_campaign

        campaign = create_campaign(
            get_db(), framework_id="cqc-la", statement_ids=["QS1"], title="Hooks"
        )
        question_id = store.campaigns.campaign_questions(get_db(), campaign["id"])[0]["question_id"]
    person = _person(app, campaign)
    path = f"{person.base}/q/{question_id}"
    for _ in range(3):
        assert person.client.get(path).status_code == 200
    assert app.wsgi_app.served == 0
    assert len(seen) >= 3
