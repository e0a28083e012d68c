"""Group sessions: one record of counts per question, notes with speaker roles, no retyping."""

from __future__ import annotations

import json

import pytest

from engage import store
from engage.store import get_db
from tests.conftest import csrf_token


@pytest.fixture
def campaign(make_campaign):
    return make_campaign()


def _question_ids(app, campaign) -> list[str]:
    with app.app_context():
        return [
            q["question_id"] for q in store.campaigns.campaign_questions(get_db(), campaign["id"])
        ]


def _rows(app, table: str) -> list[dict]:
    with app.app_context():
        # The table names are the tests' own constants, never input.
        sql = f"SELECT * FROM {table} ORDER BY id"  # noqa: S608
        return [dict(r) for r in get_db().execute(sql)]


def _new_group(client, app, campaign, place="Oak Lane day centre", size="8", questions=None):
    page = client.get(f"/staff/groups/new?campaign={campaign['code']}").get_data(as_text=True)
    data = {
        "place": place,
        "group_size": size,
        "respondent_group": "person",
        "questions": questions if questions is not None else _question_ids(app, campaign)[:2],
        "csrf_token": csrf_token(page),
    }
    return client.post(f"/staff/groups/new?campaign={campaign['code']}", data=data)


def _tally(client, group_id, question_id, counts: dict, token: bool = True):
    path = f"/staff/groups/{group_id}/q/{question_id}/tally"
    data = {f"count-{key}": value for key, value in counts.items()}
    if token:
        data["csrf_token"] = csrf_token(client.get(path).get_data(as_text=True))
    return client.post(path, data=data)


def test_start_a_group_session(staff_client, app, campaign):
    client = staff_client("advocate")
    choose = client.get("/staff/groups/new").get_data(as_text=True)
    assert campaign["title"] in choose
    missing = client.get("/staff/groups/new?chosen=1")
    assert missing.status_code == 400
    assert "Choose the campaign." in missing.get_data(as_text=True)
    response = _new_group(client, app, campaign)
    assert response.status_code == 302
    [group] = _rows(app, "group_sessions")
    assert response.headers["Location"] == f"/staff/groups/{group['id']}/"
    assert (group["place"], group["group_size"], group["advocate_id"]) == (
        "Oak Lane day centre",
        8,
        client.user["id"],
    )
    assert json.loads(group["question_ids"]) == _question_ids(app, campaign)[:2]
    overview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Group session at Oak Lane day centre" in overview
    assert "flip-chart" in overview


@pytest.mark.parametrize(
    ("place", "size", "message"),
    [
        ("", "8", "Type where the group meets."),
        ("Hall", "0", "Type how many people, from 1 to 500."),
        ("Hall", "501", "Type how many people, from 1 to 500."),
        ("Hall", "eight", "Type how many people, from 1 to 500."),
        ("Hall", "-3", "Type how many people, from 1 to 500."),
        ("H" * 121, "8", "Use 120 characters or fewer."),
    ],
)
def test_group_details_are_checked(staff_client, app, campaign, place, size, message):
    client = staff_client("advocate")
    response = _new_group(client, app, campaign, place=place, size=size)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _rows(app, "group_sessions") == []


def test_tampered_group_forms_are_refused(staff_client, app, campaign):
    client = staff_client("advocate")
    assert _new_group(client, app, campaign, questions=["QS99-made-up"]).status_code == 400
    assert _new_group(client, app, campaign, questions=[]).status_code == 400
    page = client.get(f"/staff/groups/new?campaign={campaign['code']}").get_data(as_text=True)
    odd_group = client.post(
        f"/staff/groups/new?campaign={campaign['code']}",
        data={
            "place": "Hall",
            "group_size": "5",
            "respondent_group": "aliens",
            "questions": _question_ids(app, campaign)[:1],
            "csrf_token": csrf_token(page),
        },
    )
    assert odd_group.status_code == 400
    assert client.get("/staff/groups/new?campaign=not-a-code").status_code == 400
    assert _rows(app, "group_sessions") == []


def test_details_are_offered_again_not_retyped(staff_client, app, campaign):
    client = staff_client("advocate")
    _new_group(client, app, campaign, place="Oak Lane day centre", size="12")
    page = client.get(f"/staff/groups/new?campaign={campaign['code']}").get_data(as_text=True)
    assert 'value="Oak Lane day centre"' in page
    assert 'value="12"' in page
    assert '<option value="Oak Lane day centre">' in page
    # Another advocate's places are not offered.
    other = staff_client("advocate")
    fresh = other.get(f"/staff/groups/new?campaign={campaign['code']}").get_data(as_text=True)
    assert "Oak Lane" not in fresh


def test_tallies_are_one_group_record_with_counts(staff_client, app, campaign):
    client = staff_client("advocate")
    _new_group(client, app, campaign)
    group_id = _rows(app, "group_sessions")[0]["id"]
    first, second = _question_ids(app, campaign)[:2]
    screen = client.get(f"/staff/groups/{group_id}/q/{first}").get_data(as_text=True)
    assert "Not sure" in screen
    assert "Count the answers" in screen
    response = _tally(
        client,
        group_id,
        first,
        {"good": "3", "ok": "2", "not_good": "", "not_sure": "1", "prefer_not_to_say": "0"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/groups/{group_id}/q/{second}"
    [tally] = _rows(app, "group_tallies")
    assert tally["answered_how"] == "group"
    assert tally["total"] == 6
    assert json.loads(tally["counts"]) == {
        "good": 3,
        "ok": 2,
        "not_good": 0,
        "not_sure": 1,
        "prefer_not_to_say": 0,
    }
    # Counting never invents individual people or answers.
    assert _rows(app, "respondent_sessions") == []
    assert _rows(app, "answers") == []
    # Counting again replaces the record.
    _tally(client, group_id, first, {"good": "4"})
    [tally] = _rows(app, "group_tallies")
    assert tally["total"] == 4
    assert 'value="4"' in client.get(f"/staff/groups/{group_id}/q/{first}/tally").get_data(
        as_text=True
    )
    last = _tally(client, group_id, second, {"ok": "8"})
    assert last.headers["Location"] == f"/staff/groups/{group_id}/"


def test_counts_cannot_exceed_the_group(staff_client, app, campaign):
    client = staff_client("advocate")
    _new_group(client, app, campaign, size="5")
    group_id = _rows(app, "group_sessions")[0]["id"]
    first = _question_ids(app, campaign)[0]
    response = _tally(client, group_id, first, {"good": "4", "ok": "2"})
    assert response.status_code == 400
    assert "add up to 6, but there are 5 people" in response.get_data(as_text=True)
    for bad in ("-1", "two", "1.5", "９"):
        response = _tally(client, group_id, first, {"good": bad})
        assert response.status_code == 400
        assert "type a whole number" in response.get_data(as_text=True)
    assert _rows(app, "group_tallies") == []


def test_tampered_tallies_are_refused(staff_client, app, campaign):
    client = staff_client("advocate")
    _new_group(client, app, campaign)
    group_id = _rows(app, "group_sessions")[0]["id"]
    first = _question_ids(app, campaign)[0]
    # A five-point face on a three-point campaign, and a made-up field.
    assert _tally(client, group_id, first, {"very_good": "1"}).status_code == 400
    assert _tally(client, group_id, first, {"good": "1", "bogus": "2"}).status_code == 400
    path = f"/staff/groups/{group_id}/q/{first}/tally"
    token = csrf_token(client.get(path).get_data(as_text=True))
    doubled = client.post(path, data={"count-good": ["1", "2"], "csrf_token": token})
    assert doubled.status_code == 400
    assert _tally(client, group_id, first, {"good": "1"}, token=False).status_code == 400
    unasked = _question_ids(app, campaign)[-1]
    unasked_path = f"/staff/groups/{group_id}/q/{unasked}/tally"
    assert (
        client.post(unasked_path, data={"count-good": "1", "csrf_token": token}).status_code == 404
    )
    assert _rows(app, "group_tallies") == []


def test_notes_keep_only_a_speaker_role(staff_client, app, campaign):
    client = staff_client("advocate")
    _new_group(client, app, campaign)
    group_id = _rows(app, "group_sessions")[0]["id"]
    first = _question_ids(app, campaign)[0]
    path = f"/staff/groups/{group_id}/q/{first}/notes"
    token = csrf_token(
        client.get(f"/staff/groups/{group_id}/q/{first}/tally").get_data(as_text=True)
    )
    missing = client.post(path, data={"note": "", "csrf_token": token})
    assert missing.status_code == 400
    assert "Choose who said it." in missing.get_data(as_text=True)
    assert "Write what they said." in missing.get_data(as_text=True)
    assert (
        client.post(
            path, data={"speaker_role": "mayor", "note": "hi", "csrf_token": token}
        ).status_code
        == 400
    )
    assert client.post(path, data={"speaker_role": "family", "note": "hi"}).status_code == 400
    response = client.post(
        path,
        data={"speaker_role": "family", "note": "The bus is always late.", "csrf_token": token},
    )
    assert response.status_code == 302
    [note] = _rows(app, "group_notes")
    assert (note["speaker_role"], note["note"], note["question_id"]) == (
        "family",
        "The bus is always late.",
        first,
    )
    overview = client.get(f"/staff/groups/{group_id}/").get_data(as_text=True)
    assert "Family member or carer:" in overview
    assert _rows(app, "safeguarding_flags") == []


def test_a_concerning_note_flags_the_group_session(staff_client, app, campaign):
    client = staff_client("advocate")
    _new_group(client, app, campaign)
    group_id = _rows(app, "group_sessions")[0]["id"]
    first = _question_ids(app, campaign)[0]
    token = csrf_token(
        client.get(f"/staff/groups/{group_id}/q/{first}/tally").get_data(as_text=True)
    )
    response = client.post(
        f"/staff/groups/{group_id}/q/{first}/notes",
        data={"speaker_role": "person", "note": "Staff shouts at me.", "csrf_token": token},
    )
    assert "flagged=1" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "flagged for the safeguarding lead" in page
    [flag] = _rows(app, "safeguarding_flags")
    assert (flag["group_session_id"], flag["matched"]) == (group_id, "shouts at me")
    with app.app_context():
        assert store.safeguarding.held_for_safeguarding(
            get_db(), campaign["id"]
        ).group_sessions == {group_id}
        views = [
            tuple(row)
            for row in get_db().execute(
                "SELECT action, subject FROM audit_log WHERE action = 'view_flagged'"
            )
        ]
    # The tally page showed the flagged note once: that view is on the record.
    assert views == [("view_flagged", f"flag:{flag['id']}")]
    client.get(f"/staff/groups/{group_id}/")
    with app.app_context():
        count = (
            get_db()
            .execute("SELECT COUNT(*) FROM audit_log WHERE action = 'view_flagged'")
            .fetchone()[0]
        )
    assert count == 2
    # The lead sees who said it in words, not the stored code.
    flag_page = staff_client("lead").get(f"/staff/safeguarding/{flag['id']}").get_data(as_text=True)
    assert "Person who gets support: Staff shouts at me." in flag_page


def test_a_finished_session_keeps_its_counts(staff_client, app, campaign):
    client = staff_client("advocate")
    _new_group(client, app, campaign)
    group_id = _rows(app, "group_sessions")[0]["id"]
    first = _question_ids(app, campaign)[0]
    _tally(client, group_id, first, {"good": "2"})
    token = csrf_token(client.get(f"/staff/groups/{group_id}/").get_data(as_text=True))
    client.post(f"/staff/groups/{group_id}/finish", data={"csrf_token": token})
    assert _rows(app, "group_sessions")[0]["finished_at"] is not None
    assert _tally(client, group_id, first, {"good": "5"}).status_code == 400
    assert _rows(app, "group_tallies")[0]["total"] == 2


def test_an_advocate_cannot_open_another_advocates_session(staff_client, app, campaign):
    owner = staff_client("advocate")
    _new_group(owner, app, campaign)
    group_id = _rows(app, "group_sessions")[0]["id"]
    first = _question_ids(app, campaign)[0]
    intruder = staff_client("advocate")
    for path in (
        f"/staff/groups/{group_id}/",
        f"/staff/groups/{group_id}/q/{first}",
        f"/staff/groups/{group_id}/q/{first}/tally",
    ):
        assert intruder.get(path).status_code == 403, path
    assert _tally(owner, group_id, first, {"good": "1"}).status_code == 302
    token = csrf_token(intruder.get("/staff/groups/").get_data(as_text=True))
    response = intruder.post(
        f"/staff/groups/{group_id}/q/{first}/tally", data={"count-good": "3", "csrf_token": token}
    )
    assert response.status_code == 403
    assert _rows(app, "group_tallies")[0]["total"] == 1
    assert "Oak Lane" not in intruder.get("/staff/groups/").get_data(as_text=True)


def test_the_big_screen_is_a_projector_view_with_next_and_back(staff_client, app, campaign):
    client = staff_client("advocate")
    questions = _question_ids(app, campaign)[:3]
    _new_group(client, app, campaign, questions=questions)
    group_id = _rows(app, "group_sessions")[0]["id"]
    pages = [
        client.get(f"/staff/groups/{group_id}/q/{q}").get_data(as_text=True) for q in questions
    ]
    for number, page in enumerate(pages, start=1):
        # Nothing of the staff side on the wall: no navigation, no advocate's name.
        assert 'class="projector"' in page
        assert "staff-nav" not in page and client.user["name"] not in page
        assert f"Question {number} of 3" in page
        assert f"/staff/groups/{group_id}/q/{questions[number - 1]}/tally" in page
    assert f'href="/staff/groups/{group_id}/q/{questions[1]}">Next question' in pages[0]
    assert f'href="/staff/groups/{group_id}/">Back to all questions' in pages[0]
    assert f'href="/staff/groups/{group_id}/q/{questions[0]}">Back' in pages[1]
    assert f'href="/staff/groups/{group_id}/">Finish: all questions' in pages[2]
