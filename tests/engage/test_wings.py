"""Each wing's parent blueprint does its work for every room in it.

The respondent wing keeps the whole survey shut after "exit this page", media pages and the
"you said" page included; the staff wing gives every room the same person, layout and
navigation.
"""

from __future__ import annotations

import pytest

from engage import store
from engage.store import get_db
from tests.engage.journey import Respondent


@pytest.fixture
def campaign(make_campaign):
    return make_campaign()


def test_after_exit_every_room_of_the_survey_sends_to_the_neutral_page(client, app, campaign):
    person = Respondent(client, campaign["code"])
    person.start()
    with app.app_context():
        first = store.campaigns.campaign_questions(get_db(), campaign["id"])[0]["question_id"]
    assert client.get("/leave").status_code == 302
    rooms = {
        "journey": f"/q/{first}",
        "media": f"/media/add/photo?q={first}",
        "worried": "/worried",
        "you_said": "/you-said",
    }
    for room, path in rooms.items():
        back = client.get(f"/s/{campaign['code']}{path}")
        assert back.status_code == 302, room
        assert back.headers["Location"] == app.config["EXIT_URL"], room
    # Only the supporter's reopen page is let through, so a tablet can be opened again.
    assert client.get(f"/s/{campaign['code']}/reopen").status_code == 200


def test_every_staff_room_has_the_one_navigation(staff_client, campaign):
    lead = staff_client("lead")
    code = campaign["code"]
    pages = {
        "dashboard": "/staff/",
        "accounts": "/staff/users",
        "campaigns": f"/staff/campaigns/{code}/",
        "questions": f"/staff/campaigns/{code}/questions",
        "review": f"/staff/campaigns/{code}/evidence/",
        "exports": f"/staff/campaigns/{code}/evidence/exports",
        "voices": f"/staff/campaigns/{code}/voices",
        "groups": "/staff/groups/",
        "safeguarding": "/staff/safeguarding/",
        "audit": "/staff/audit",
        "erase": "/staff/erase",
    }
    for room, path in pages.items():
        page = lead.get(path)
        assert page.status_code == 200, room
        html = page.get_data(as_text=True)
        for link in ('href="/staff/campaigns/new"', 'href="/staff/users"', 'href="/staff/audit"'):
            assert link in html, (room, link)
        assert "Test lead (Lead)" in html, room
