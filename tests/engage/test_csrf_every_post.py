"""Every route that changes something refuses a request without a CSRF token.

The routes come from the app's URL map, so a route added later is tried too. Each is sent
by a browser that is signed in with a role the route allows (or, for a person's pages, one
with a survey session under way), exactly as a forged cross-site form would arrive: the
cookie is there, the token is not. The answer must be the easy-read "timed out" page, and
neither the database nor the instance's files may change.
"""

from __future__ import annotations

import os
import re

import pytest

from engage import store
from engage.store import get_db
from tests.conftest import CheckedClient, sign_in, table_names
from tests.engage.journey import Respondent

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Rows that record a visit rather than a change, which showing the refusal may write: a
# signed-in page moves the session's last activity, and every page shown registers its own
# wording as a text that can be read aloud (the refusal page's wording, not the request's).
NOT_CHANGES = {"staff_sessions", "narration_texts"}
# Taken without a token by design: a tablet's outbox sends answers long after its pages were
# kept. It must carry a header no cross-site form can send; without it, 403 and no change.
HEADER_CHECKED = {"/s/<code>/outbox/<item_id>"}


def _snapshot(app) -> dict:
    with app.app_context():
        db = get_db()
        rows = {
            table: sorted(repr(tuple(row)) for row in db.execute(f'SELECT * FROM "{table}"'))  # noqa: S608 - names from the engine's catalogue
            for table in table_names(db)
            if table not in NOT_CHANGES
        }
    files = set()
    for folder, _subfolders, names in os.walk(app.instance_path):
        for name in names:
            if not name.startswith("engage.db"):
                path = os.path.join(folder, name)
                files.add((os.path.relpath(path, app.instance_path), os.path.getsize(path)))
    return {"rows": rows, "files": files}


def _unsafe_rules(app) -> list:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.methods & UNSAFE),
        key=lambda rule: rule.rule,
    )


def test_the_url_map_has_the_routes_this_test_must_cover(app):
    staff = [rule for rule in _unsafe_rules(app) if rule.rule.startswith("/staff/")]
    assert len(staff) >= 46
    assert len(_unsafe_rules(app)) > len(staff)


@pytest.fixture
def world(app, client, make_campaign, make_user):
    """A campaign with a person part-way through it, and one signed-in browser per role."""
    campaign = make_campaign(statement_ids=["QS1"])
    with app.app_context():
        question_id = store.campaigns.campaign_questions(get_db(), campaign["id"])[0]["question_id"]
    person = Respondent(client, campaign["code"])
    person.consent(media="yes")
    person.who()
    # A real upload of this person's, so its chunk route reaches its token check.
    started = person.post(
        "/media/uploads", {"kind": "photo", "q": question_id, "size": "100", "name": "a.jpg"}
    )
    assert started.status_code == 201, started.get_data(as_text=True)
    browsers = {}
    for role in ("lead", "supporter", "advocate"):
        app.test_client_class = CheckedClient
        browser = app.test_client()
        assert sign_in(browser, make_user(role)).status_code == 302
        # A page first, so the browser's session holds a real CSRF token it is not sending.
        assert browser.get("/staff/").status_code == 200
        browsers[role] = browser
    values = {
        "code": campaign["code"],
        "question_id": question_id,
        "statement_id": "QS1",
        "kind": "photo",
        "token": "missing",
        "upload_id": started.get_json()["upload"],
        "resume_code": "ZZZZZZZZ",
        "variant": "full",
    }
    return {"respondent": client, "staff": browsers, "values": values}


def _path(rule, values: dict) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", values.get(name, "1"), path)
    return path


def _sender(app, rule, world):
    view = app.view_functions[rule.endpoint]
    roles = getattr(view, "allowed_roles", None)
    if roles:
        return world["staff"][roles[0]], roles[0]
    if rule.rule.startswith("/staff/"):
        return world["staff"]["lead"], "lead"
    return world["respondent"], "respondent"


def test_every_unsafe_route_refuses_a_request_without_a_csrf_token(app, world):
    tried = []
    for rule in _unsafe_rules(app):
        client, who = _sender(app, rule, world)
        path = _path(rule, world["values"])
        for method in sorted(rule.methods & UNSAFE):
            before = _snapshot(app)
            response = client.open(path, method=method, data={"anything": "forged"})
            text = response.get_data(as_text=True)
            if rule.rule in HEADER_CHECKED:
                assert response.status_code == 403, (method, path)
                assert _snapshot(app) == before, (method, path)
                continue
            assert response.status_code == 400, (method, path, who, response.status_code)
            assert "Sorry, this page timed out" in text, (method, path)
            assert "Nothing has been changed." in text, (method, path)
            after = _snapshot(app)
            changed = {t for t in before["rows"] if before["rows"][t] != after["rows"].get(t)}
            assert after == before, (method, path, who, changed, before["files"] ^ after["files"])
            tried.append((method, rule.rule, who))
    staff_posts = [t for t in tried if t[1].startswith("/staff/")]
    assert len(staff_posts) >= 46
    # Every role's own routes were tried with that role signed in.
    assert {who for _m, _r, who in tried} == {"lead", "supporter", "advocate", "respondent"}
